"""Booking for revenue: bookings and readiness judgements.

``bookings`` (at most one per contract: the version booked, by whom, when,
and the checklist as it stood) and ``readiness_judgements`` (at most one per
contract version and criterion; maker-checker enforced by a check
constraint). See ``billops.adapters.storage.tables_revenue``.

Revision ID: 0007_revenue_booking
Revises: 0006_billing
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_revenue_booking"
down_revision = "0006_billing"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)


def _contract_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["contract_id"],
        ["contracts.contract_id"],
        name=f"fk_{table}_contract_id_contracts",
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("booked_by", sa.String(200), nullable=False),
        sa.Column("booked_at", TZ, nullable=False),
        sa.Column("checklist", JSONDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        _contract_fk("bookings"),
        sa.UniqueConstraint("contract_id", name="uq_bookings_contract_id"),
        sa.CheckConstraint("status IN ('booked', 'reversed')", name="ck_bookings_status_known"),
    )
    op.create_table(
        "readiness_judgements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(64), nullable=False),
        sa.Column("judgement", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(200), nullable=False),
        sa.Column("made_at", TZ, nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("approved_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_readiness_judgements"),
        _contract_fk("readiness_judgements"),
        sa.UniqueConstraint(
            "contract_id",
            "contract_version",
            "criterion",
            name="uq_readiness_judgements_contract_version_criterion",
        ),
        sa.CheckConstraint(
            "approved_by IS NULL OR lower(approved_by) <> lower(made_by)",
            name="ck_readiness_judgements_maker_checker",
        ),
        sa.CheckConstraint(
            "(approved_by IS NULL) = (approved_at IS NULL)",
            name="ck_readiness_judgements_approval_complete",
        ),
    )
    op.create_index("ix_readiness_judgements_contract_id", "readiness_judgements", ["contract_id"])


def downgrade() -> None:
    op.drop_index("ix_readiness_judgements_contract_id", table_name="readiness_judgements")
    op.drop_table("readiness_judgements")
    op.drop_table("bookings")
