"""Contract intake: documents stored content-addressed, extractions and their drafts.

``documents`` (one row per sha256, the bytes kept), ``extractions`` (what
intake read from each document, and the contract version it produced) and
``contract_corrections`` (each correction a person made with
``billops contract set``). See ``billops.adapters.storage.tables_intake``.

Revision ID: 0004_intake
Revises: 0003_validation
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_intake"
down_revision = "0003_validation"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("sha256", name="uq_documents_sha256"),
    )
    op.create_table(
        "extractions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("extractor", sa.String(200), nullable=False),
        sa.Column("result", JSONDocument, nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=True),
        sa.Column("contract_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_extractions"),
        sa.UniqueConstraint("document_sha256", name="uq_extractions_document_sha256"),
        sa.ForeignKeyConstraint(
            ["document_sha256"],
            ["documents.sha256"],
            name="fk_extractions_document_sha256_documents",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.contract_id"],
            name="fk_extractions_contract_id_contracts",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'incomplete', 'not_a_contract')",
            name="ck_extractions_status_known",
        ),
    )
    op.create_index("ix_extractions_contract_id", "extractions", ["contract_id"])
    op.create_table(
        "contract_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(300), nullable=False),
        sa.Column("field_group", sa.String(300), nullable=False),
        sa.Column("before", JSONDocument, nullable=True),
        sa.Column("after", JSONDocument, nullable=True),
        sa.Column("corrected_extractor", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contract_corrections"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.contract_id"],
            name="fk_contract_corrections_contract_id_contracts",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_contract_corrections_contract_id", "contract_corrections", ["contract_id"])
    op.create_index("ix_contract_corrections_field_group", "contract_corrections", ["field_group"])


def downgrade() -> None:
    op.drop_table("contract_corrections")
    op.drop_table("extractions")
    op.drop_table("documents")
