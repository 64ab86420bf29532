"""An assessor's review of an answer's evidence: accepted or rejected, by whom, when, and why.

A URL or a file that is not stored proves nothing by itself ("cited, unverified"); it counts as
evidence only once an assessor accepts it. Every save of the answer clears the review.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_review", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("evidence_review")
