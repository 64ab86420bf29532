"""Audit chains per organization with signed heads; assessment results in a table of their own.

- ``audit_log.chain``: each organization's entries form their own hash chain (0: server-wide events),
  so appends lock per organization; the rows written before this migration keep their global chain
  as the legacy chain -1 (they verify exactly as before). ``seq`` is unique per chain.
- ``audit_heads``: per chain, the last seq and hash, HMAC-signed with the server key (written by the
  next append; verify detects truncation of the newest rows against it).
- ``assessment_results``: the result documents move out of ``assessments``, so the list and the trend
  never read megabytes of overflow pages.

Downgrade puts the results back and numbers ``seq`` by row id (the hash chains of rows written after
0004 then no longer verify with the older code).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEGACY_CHAIN = -1


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=False, server_default=str(LEGACY_CHAIN)))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("chain", server_default=None)
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_chain_seq"), ["chain", "seq"])
    op.create_table(
        "audit_heads",
        sa.Column("chain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_heads")),
    )
    # The results are copied aside first: SQLite's batch mode recreates ``assessments``, and dropping the
    # old table would cascade into a child table that already referenced it.
    op.create_table("_aisma_results_copy", sa.Column("assessment_id", sa.Integer()), sa.Column("result", sa.JSON()))
    op.execute("INSERT INTO _aisma_results_copy (assessment_id, result) SELECT id, result FROM assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("result")
    op.create_table(
        "assessment_results",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_results_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_assessment_results")),
    )
    op.execute(
        "INSERT INTO assessment_results (assessment_id, result) SELECT assessment_id, result FROM _aisma_results_copy"
    )
    op.drop_table("_aisma_results_copy")


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE assessments SET result = "
        "(SELECT r.result FROM assessment_results r WHERE r.assessment_id = assessments.id)"
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.alter_column("result", existing_type=sa.JSON(), nullable=False)
    op.drop_table("assessment_results")
    op.drop_table("audit_heads")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_log_chain_seq", type_="unique")
    op.execute("UPDATE audit_log SET seq = id")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("chain")
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
