"""Contracts stored as versions: one row per contract, one per (contract, version).

Revision ID: 0002_contracts
Revises: 0001_foundation
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_contracts"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("document_type", sa.String(32), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("customer_code", sa.String(64), nullable=True),
        sa.Column("supplier_code", sa.String(64), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
        sa.UniqueConstraint("contract_id", name="uq_contracts_contract_id"),
    )
    op.create_index("ix_contracts_customer_name", "contracts", ["customer_name"])
    op.create_index("ix_contracts_customer_code", "contracts", ["customer_code"])
    op.create_table(
        "contract_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("terms", JSONDocument, nullable=False),
        sa.Column("source_name", sa.String(500), nullable=True),
        sa.Column("source_sha256", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contract_versions"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.contract_id"],
            name="fk_contract_versions_contract_id_contracts",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("contract_id", "version", name="uq_contract_versions_contract_version"),
        sa.CheckConstraint("version >= 1", name="ck_contract_versions_version_positive"),
    )


def downgrade() -> None:
    op.drop_table("contract_versions")
    op.drop_table("contracts")
