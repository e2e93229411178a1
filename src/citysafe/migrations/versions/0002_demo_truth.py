"""demo truth: the demo city's planted effects, areas, venues, households, burglary targets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:36:56.934723
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_builds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_builds")),
    )
    op.create_table(
        "demo_effects",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_demo_effects")),
    )
    op.create_table(
        "demo_areas",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("haven_wards", sa.Boolean(), nullable=False),
        sa.Column("neighbourhood", sa.String(length=64), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("easting", sa.Float(), nullable=False),
        sa.Column("northing", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_demo_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_demo_areas_name")),
    )
    op.create_table(
        "demo_venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("venue_type", sa.String(length=64), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("easting", sa.Float(), nullable=False),
        sa.Column("northing", sa.Float(), nullable=False),
        sa.Column("joined_month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_venues")),
        sa.UniqueConstraint("name", name=op.f("uq_demo_venues_name")),
    )
    op.create_table(
        "demo_households",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("neighbourhood", sa.String(length=64), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("easting", sa.Float(), nullable=False),
        sa.Column("northing", sa.Float(), nullable=False),
        sa.Column("installed_month", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["demo_areas.code"],
            name=op.f("fk_demo_households_area_code_demo_areas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_households")),
    )
    op.create_index(
        op.f("ix_demo_households_area_code"), "demo_households", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_demo_households_neighbourhood"), "demo_households", ["neighbourhood"], unique=False
    )
    op.create_table(
        "demo_burglary_targets",
        sa.Column("crime_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["demo_households.id"],
            name=op.f("fk_demo_burglary_targets_household_id_demo_households"),
        ),
        sa.PrimaryKeyConstraint("crime_id", name=op.f("pk_demo_burglary_targets")),
    )
    op.create_index(
        op.f("ix_demo_burglary_targets_household_id"),
        "demo_burglary_targets",
        ["household_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_demo_burglary_targets_household_id"), table_name="demo_burglary_targets")
    op.drop_table("demo_burglary_targets")
    op.drop_index(op.f("ix_demo_households_neighbourhood"), table_name="demo_households")
    op.drop_index(op.f("ix_demo_households_area_code"), table_name="demo_households")
    op.drop_table("demo_households")
    op.drop_table("demo_venues")
    op.drop_table("demo_areas")
    op.drop_table("demo_effects")
    op.drop_table("demo_builds")
