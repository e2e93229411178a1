"""homes: requests, eligibility, cocoon queue, safety audits, claims, day plans

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 08:10:28.368961
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('homes_cocoon_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('burglary_ref', sa.String(length=100), nullable=False),
    sa.Column('burglary_on', sa.Date(), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('distance_m >= 0', name=op.f('ck_homes_cocoon_moves_ck_homes_cocoon_distance')),
    sa.ForeignKeyConstraint(['household_id'], ['homes_households.id'], name=op.f('fk_homes_cocoon_moves_household_id_homes_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_cocoon_moves'))
    )
    with op.batch_alter_table('homes_cocoon_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_cocoon_moves_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_homes_cocoon_moves_until'), ['until'], unique=False)

    op.create_table('homes_reported_burglaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('easting', sa.Float(), nullable=False),
    sa.Column('northing', sa.Float(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['homes_households.id'], name=op.f('fk_homes_reported_burglaries_household_id_homes_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_reported_burglaries'))
    )
    with op.batch_alter_table('homes_reported_burglaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_reported_burglaries_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('homes_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('done_by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['homes_jobs.id'], name=op.f('fk_homes_audits_job_id_homes_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_audits')),
    sa.UniqueConstraint('job_id', name=op.f('uq_homes_audits_job_id'))
    )
    op.create_table('homes_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('paid', sa.Float(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_homes_claims_ck_homes_claims_amount')),
    sa.CheckConstraint('paid IS NULL OR paid >= 0', name=op.f('ck_homes_claims_ck_homes_claims_paid')),
    sa.ForeignKeyConstraint(['job_id'], ['homes_jobs.id'], name=op.f('fk_homes_claims_job_id_homes_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_claims'))
    )
    with op.batch_alter_table('homes_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_claims_job_id'), ['job_id'], unique=False)

    op.create_table('homes_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('referral', sa.String(length=24), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_homes_requests_agency_id_agencies')),
    sa.ForeignKeyConstraint(['household_id'], ['homes_households.id'], name=op.f('fk_homes_requests_household_id_homes_households')),
    sa.ForeignKeyConstraint(['job_id'], ['homes_jobs.id'], name=op.f('fk_homes_requests_job_id_homes_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_requests'))
    )
    with op.batch_alter_table('homes_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_requests_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_homes_requests_status'), ['status'], unique=False)

    op.create_table('homes_audit_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=48), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('advice', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['homes_audits.id'], name=op.f('fk_homes_audit_answers_audit_id_homes_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes_audit_answers'))
    )
    with op.batch_alter_table('homes_audit_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_audit_answers_audit_id'), ['audit_id'], unique=False)

    with op.batch_alter_table('homes_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='4', nullable=False))
        batch_op.add_column(sa.Column('priority_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('homes_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cocoon_distance_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('cocoon_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cocoon_source', sa.Text(), nullable=True))

    with op.batch_alter_table('homes_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_easting', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('base_northing', sa.Float(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('homes_teams', schema=None) as batch_op:
        batch_op.drop_column('base_northing')
        batch_op.drop_column('base_easting')

    with op.batch_alter_table('homes_settings', schema=None) as batch_op:
        batch_op.drop_column('cocoon_source')
        batch_op.drop_column('cocoon_days')
        batch_op.drop_column('cocoon_distance_m')

    with op.batch_alter_table('homes_jobs', schema=None) as batch_op:
        batch_op.drop_column('priority_reason')
        batch_op.drop_column('priority')

    with op.batch_alter_table('homes_audit_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_audit_answers_audit_id'))

    op.drop_table('homes_audit_answers')
    with op.batch_alter_table('homes_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_requests_status'))
        batch_op.drop_index(batch_op.f('ix_homes_requests_household_id'))

    op.drop_table('homes_requests')
    with op.batch_alter_table('homes_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_claims_job_id'))

    op.drop_table('homes_claims')
    op.drop_table('homes_audits')
    with op.batch_alter_table('homes_reported_burglaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_reported_burglaries_occurred_on'))

    op.drop_table('homes_reported_burglaries')
    with op.batch_alter_table('homes_cocoon_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_cocoon_moves_until'))
        batch_op.drop_index(batch_op.f('ix_homes_cocoon_moves_household_id'))

    op.drop_table('homes_cocoon_moves')
