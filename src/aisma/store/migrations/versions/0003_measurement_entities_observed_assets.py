"""Measurements keep their entity ids (union merge); observed AI assets are stored for discovery.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("population", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("covered", sa.JSON(), nullable=True))

    op.create_table(
        "observed_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("identifier", sa.String(length=1000), nullable=False),
        sa.Column("tool", sa.String(length=200), nullable=False),
        sa.Column("file", sa.String(length=1000), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("seen_with", sa.JSON(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pushed_by", sa.String(length=320), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_observed_assets_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observed_assets")),
    )
    with op.batch_alter_table("observed_assets", schema=None) as batch_op:
        batch_op.create_index("ix_observed_assets_org_source", ["organization_id", "source"], unique=False)
        batch_op.create_index(batch_op.f("ix_observed_assets_organization_id"), ["organization_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observed_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observed_assets_organization_id"))
        batch_op.drop_index("ix_observed_assets_org_source")
    op.drop_table("observed_assets")
    with op.batch_alter_table("measurements", schema=None) as batch_op:
        batch_op.drop_column("covered")
        batch_op.drop_column("population")
