"""Finance's revenue estimates: effort of input-method obligations, variable consideration.

A fixed-fee service recognised by the input method needs an estimate of the
total effort, and a bonus or penalty needs an estimate of what will be
earned; neither is in the contract. Finance records them dated; the revenue
run uses the latest as of each month, and a later estimate is a change of
estimate that the run catches up.

Revision ID: 0011_revenue_estimates
Revises: 0010_journal_documents
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_revenue_estimates"
down_revision = "0010_journal_documents"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "revenue_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("estimate", JSONDocument, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revenue_estimates"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.contract_id"],
            name="fk_revenue_estimates_contract_id_contracts",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint(
            "contract_id", "kind", "name", "as_of", name="uq_revenue_estimates_contract_kind_name"
        ),
        sa.CheckConstraint(
            "kind IN ('effort', 'variable')", name="ck_revenue_estimates_kind_known"
        ),
    )
    op.create_index("ix_revenue_estimates_contract_id", "revenue_estimates", ["contract_id"])


def downgrade() -> None:
    op.drop_index("ix_revenue_estimates_contract_id", table_name="revenue_estimates")
    op.drop_table("revenue_estimates")
