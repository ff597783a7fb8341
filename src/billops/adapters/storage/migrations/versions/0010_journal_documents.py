"""The documents a billing journal entry journals.

A revenue run journals the invoices and credit notes dated in its month. A
document issued after its month was run (dated into a month already run)
was never journaled: the ledger's receivables drifted from the invoices.
The run now journals such a document in the month it runs, and records on
each billing entry which documents it took, so that none is journaled
twice. Entries written before this migration keep NULL: they journaled the
documents dated in their month.

Revision ID: 0010_journal_documents
Revises: 0009_revenue_journal_index
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_journal_documents"
down_revision = "0009_revenue_journal_index"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("revenue_journal_entries") as batch:
        batch.add_column(sa.Column("documents", JSONDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revenue_journal_entries") as batch:
        batch.drop_column("documents")
