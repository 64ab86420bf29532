"""Indexes for the lists that page and filter: measurements newest first per organization, and the
audit trail filtered by action per organization.

Without them a page of the measurements list sorts every measurement the organization has, and an
audit filter reads the organization's whole trail; with them both read only the rows they show.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_measurements_org_observed", "measurements", ["organization_id", "observed_at"])
    op.create_index("ix_audit_log_org_action", "audit_log", ["organization_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_org_action", table_name="audit_log")
    op.drop_index("ix_measurements_org_observed", table_name="measurements")
