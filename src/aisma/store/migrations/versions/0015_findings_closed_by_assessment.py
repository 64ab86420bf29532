"""Findings closed by an assessment: the later assessment that no longer showed a derived finding's
gap, conflict or failed measurement, and so resolved it (issue 18 item 5, findings and roadmap).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("findings", sa.Column("closed_by_assessment_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("findings", "closed_by_assessment_id")  # in place (SQLite >= 3.35)
