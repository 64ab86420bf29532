"""Evidence life cycle: every uploaded version of a file kept as a revision (hash, size, uploader,
time), effective and expiry dates, and which expiry reminder was sent (issue 18 item 6).

Each existing file becomes revision 1 of itself, so the history starts with what is stored now.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not in batch mode: a batch rebuild on SQLite drops and recreates the table.
    op.add_column("evidence_files", sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("evidence_files", sa.Column("effective_on", sa.Date(), nullable=True))
    op.add_column("evidence_files", sa.Column("expires_on", sa.Date(), nullable=True))
    op.add_column("evidence_files", sa.Column("reminded", sa.String(length=20), nullable=False, server_default=""))
    op.create_table(
        "evidence_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_path", sa.String(length=1000), nullable=False),
        sa.Column("uploaded_by", sa.String(length=320), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_files.id"],
            name=op.f("fk_evidence_revisions_evidence_id_evidence_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_evidence_revisions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_revisions")),
        sa.UniqueConstraint("evidence_id", "revision", name=op.f("uq_evidence_revisions_evidence_id_revision")),
    )
    with op.batch_alter_table("evidence_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_revisions_evidence_id"), ["evidence_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_revisions_organization_id"), ["organization_id"], unique=False)
    op.execute(
        "INSERT INTO evidence_revisions (organization_id, evidence_id, revision, sha256, size, storage_path, "
        "uploaded_by, uploaded_at) SELECT organization_id, id, 1, sha256, size, storage_path, uploaded_by, "
        "uploaded_at FROM evidence_files"
    )


def downgrade() -> None:
    op.drop_table("evidence_revisions")
    op.drop_column("evidence_files", "reminded")  # in place (SQLite >= 3.35), see upgrade()
    op.drop_column("evidence_files", "expires_on")
    op.drop_column("evidence_files", "effective_on")
    op.drop_column("evidence_files", "revision")
