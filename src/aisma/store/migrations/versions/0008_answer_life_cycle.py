"""The answer life cycle: draft -> submitted -> accepted / returned, and the organization's review setting.

Answers given before this migration become ``submitted``: they were saved as finished, but nobody
has accepted them. Organizations start with ``review_required`` off, so nothing an organization
counted as evidenced before stops counting until an owner turns review on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="submitted"))
        batch_op.add_column(sa.Column("status_by", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
    # Not in batch mode: on SQLite a batch rebuild drops and recreates the table, and dropping
    # organizations would cascade-delete every row that belongs to one. ADD/DROP COLUMN work in place.
    op.add_column(
        "organizations", sa.Column("review_required", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.drop_column("organizations", "review_required")  # in place (SQLite >= 3.35), see upgrade()
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by")
        batch_op.drop_column("status")
