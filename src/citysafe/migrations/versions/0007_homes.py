"""homes: target areas, households, jobs, teams, catalogue, burglary links

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 06:57:17.022412
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('homes_catalogue',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('unit_cost', sa.Float(), nullable=False),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_homes_catalogue_ck_homes_catalogue_cost')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_homes_catalogue'))
    )
    op.create_table('homes_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_households', sa.Float(), nullable=True),
    sa.Column('cost_per_burglary', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_settings'))
    )
    op.create_table('homes_target_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area_kind', sa.String(length=16), nullable=True),
    sa.Column('area_code', sa.String(length=64), nullable=True),
    sa.Column('lsoa_code', sa.String(length=12), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_target_areas')),
    sa.UniqueConstraint('name', name=op.f('uq_homes_target_areas_name'))
    )
    op.create_table('homes_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('members', sa.Text(), nullable=False),
    sa.Column('van', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_homes_teams_name'))
    )
    op.create_table('homes_households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uprn', sa.String(length=12), nullable=True),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('address_key', sa.String(length=400), nullable=False),
    sa.Column('tenure', sa.String(length=24), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('easting', sa.Float(), nullable=False),
    sa.Column('northing', sa.Float(), nullable=False),
    sa.Column('lsoa_code', sa.String(length=12), nullable=True),
    sa.Column('target_area_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['target_area_id'], ['homes_target_areas.id'], name=op.f('fk_homes_households_target_area_id_homes_target_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_households')),
    sa.UniqueConstraint('address_key', name=op.f('uq_homes_households_address_key')),
    sa.UniqueConstraint('uprn', name=op.f('uq_homes_households_uprn'))
    )
    with op.batch_alter_table('homes_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_households_target_area_id'), ['target_area_id'], unique=False)

    op.create_table('homes_burglary_links',
    sa.Column('crime_id', sa.String(length=100), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['homes_households.id'], name=op.f('fk_homes_burglary_links_household_id_homes_households')),
    sa.PrimaryKeyConstraint('crime_id', name=op.f('pk_homes_burglary_links'))
    )
    with op.batch_alter_table('homes_burglary_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_burglary_links_household_id'), ['household_id'], unique=False)

    op.create_table('homes_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_on', sa.Date(), nullable=True),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('marking_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['homes_households.id'], name=op.f('fk_homes_jobs_household_id_homes_households')),
    sa.ForeignKeyConstraint(['team_id'], ['homes_teams.id'], name=op.f('fk_homes_jobs_team_id_homes_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_jobs')),
    sa.UniqueConstraint('team_id', 'scheduled_on', 'slot', name=op.f('uq_homes_jobs_team_id_scheduled_on_slot'))
    )
    with op.batch_alter_table('homes_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_jobs_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_homes_jobs_status'), ['status'], unique=False)

    op.create_table('homes_job_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['homes_jobs.id'], name=op.f('fk_homes_job_events_job_id_homes_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_job_events'))
    )
    with op.batch_alter_table('homes_job_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_job_events_job_id'), ['job_id'], unique=False)

    op.create_table('homes_job_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Float(), nullable=False),
    sa.Column('resident_pays', sa.Boolean(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_homes_job_items_ck_homes_job_items_quantity')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_homes_job_items_ck_homes_job_items_cost')),
    sa.ForeignKeyConstraint(['item_code'], ['homes_catalogue.code'], name=op.f('fk_homes_job_items_item_code_homes_catalogue')),
    sa.ForeignKeyConstraint(['job_id'], ['homes_jobs.id'], name=op.f('fk_homes_job_items_job_id_homes_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_job_items'))
    )
    with op.batch_alter_table('homes_job_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_job_items_job_id'), ['job_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('homes_job_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_job_items_job_id'))

    op.drop_table('homes_job_items')
    with op.batch_alter_table('homes_job_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_job_events_job_id'))

    op.drop_table('homes_job_events')
    with op.batch_alter_table('homes_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_homes_jobs_household_id'))

    op.drop_table('homes_jobs')
    with op.batch_alter_table('homes_burglary_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_burglary_links_household_id'))

    op.drop_table('homes_burglary_links')
    with op.batch_alter_table('homes_households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_households_target_area_id'))

    op.drop_table('homes_households')
    op.drop_table('homes_teams')
    op.drop_table('homes_target_areas')
    op.drop_table('homes_settings')
    op.drop_table('homes_catalogue')
