"""The revenue run: months run per entity, revenue posted, journal entries.

``revenue_runs`` (one row per legal entity and month run),
``revenue_postings`` (unique per contract, obligation, month and revision:
a month is posted once, a change is a new revision with the difference)
and ``revenue_journal_entries`` (unique entry key; the database refuses an
entry whose debits and credits differ). Period locks are billing's
``period_locks``. See ``billops.adapters.storage.tables_revenue``.

Revision ID: 0008_revenue_run
Revises: 0007_revenue_booking
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_revenue_run"
down_revision = "0007_revenue_booking"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)
MONEY = sa.String(40)


def _contract_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["contract_id"],
        ["contracts.contract_id"],
        name=f"fk_{table}_contract_id_contracts",
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    op.create_table(
        "revenue_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("first_run_by", sa.String(200), nullable=False),
        sa.Column("first_run_at", TZ, nullable=False),
        sa.Column("last_run_by", sa.String(200), nullable=False),
        sa.Column("last_run_at", TZ, nullable=False),
        sa.Column("summary", JSONDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revenue_runs"),
        sa.UniqueConstraint("entity_code", "period", name="uq_revenue_runs_entity_period"),
    )
    op.create_table(
        "revenue_postings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("obligation_id", sa.String(200), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("catch_up", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("plan_fingerprint", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("posted_by", sa.String(200), nullable=False),
        sa.Column("posted_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revenue_postings"),
        _contract_fk("revenue_postings"),
        sa.UniqueConstraint(
            "contract_id",
            "obligation_id",
            "period",
            "revision",
            name="uq_revenue_postings_contract_obligation_period_revision",
        ),
    )
    op.create_index("ix_revenue_postings_entity_code", "revenue_postings", ["entity_code"])
    op.create_index("ix_revenue_postings_contract_id", "revenue_postings", ["contract_id"])
    op.create_table(
        "revenue_journal_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_key", sa.String(120), nullable=False),
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("debit_total", MONEY, nullable=False),
        sa.Column("credit_total", MONEY, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lines", JSONDocument, nullable=False),
        sa.Column("posted_by", sa.String(200), nullable=False),
        sa.Column("posted_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_revenue_journal_entries"),
        _contract_fk("revenue_journal_entries"),
        sa.UniqueConstraint("entry_key", name="uq_revenue_journal_entries_entry_key"),
        sa.CheckConstraint(
            "debit_total = credit_total", name="ck_revenue_journal_entries_balanced"
        ),
    )
    op.create_index(
        "ix_revenue_journal_entries_contract_id", "revenue_journal_entries", ["contract_id"]
    )
    op.create_index("ix_revenue_journal_entries_period", "revenue_journal_entries", ["period"])


def downgrade() -> None:
    op.drop_index("ix_revenue_journal_entries_period", table_name="revenue_journal_entries")
    op.drop_index("ix_revenue_journal_entries_contract_id", table_name="revenue_journal_entries")
    op.drop_table("revenue_journal_entries")
    op.drop_index("ix_revenue_postings_contract_id", table_name="revenue_postings")
    op.drop_index("ix_revenue_postings_entity_code", table_name="revenue_postings")
    op.drop_table("revenue_postings")
    op.drop_table("revenue_runs")
