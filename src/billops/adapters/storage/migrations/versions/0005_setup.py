"""Setup: catalogue, orders and their lines, projects, billing schedules, events.

``catalog_products``, ``orders``, ``order_lines``, ``projects``,
``schedule_items`` (unique (contract_id, item_key) among live items: a
partial unique index), ``applied_amendments`` and ``events`` (unique
idempotency_key). See ``billops.adapters.storage.tables_setup``.

Revision ID: 0005_setup
Revises: 0004_intake
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_setup"
down_revision = "0004_intake"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)
LIVE = sa.text("superseded_by_version IS NULL")


def _contract_fk(table: str, column: str = "contract_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["contracts.contract_id"],
        name=f"fk_{table}_{column}_contracts",
        ondelete="RESTRICT",
    )


def upgrade() -> None:
    op.create_table(
        "catalog_products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("billing_model", sa.String(32), nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_products"),
        sa.UniqueConstraint("sku", name="uq_catalog_products_sku"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.String(64), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("findings", JSONDocument, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("contract_id", name="uq_orders_contract_id"),
        _contract_fk("orders"),
    )
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(64), nullable=True),
        sa.Column("record", JSONDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_order_lines"),
        sa.UniqueConstraint("order_id", "position", name="uq_order_lines_order_position"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_lines_order_id_orders", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_order_lines_sku", "order_lines", ["sku"])
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("contract_id", name="uq_projects_contract_id"),
        _contract_fk("projects"),
    )
    op.create_table(
        "schedule_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("billing_model", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=True),
        sa.Column("unit_price", sa.String(40), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("bill_date", sa.Date(), nullable=True),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("trigger_ref", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("superseded_by_version", sa.Integer(), nullable=True),
        sa.Column("superseded_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_items"),
        _contract_fk("schedule_items"),
    )
    op.create_index("ix_schedule_items_contract_id", "schedule_items", ["contract_id"])
    op.create_index(
        "uq_schedule_items_live_key",
        "schedule_items",
        ["contract_id", "item_key"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_table(
        "applied_amendments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("amendment_id", sa.String(64), nullable=False),
        sa.Column("amendment_version", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("applied_by", sa.String(200), nullable=False),
        sa.Column("applied_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applied_amendments"),
        sa.UniqueConstraint("amendment_id", name="uq_applied_amendments_amendment_id"),
        _contract_fk("applied_amendments"),
        _contract_fk("applied_amendments", "amendment_id"),
    )
    op.create_index("ix_applied_amendments_contract_id", "applied_amendments", ["contract_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("payload", JSONDocument, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("received_by", sa.String(200), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("idempotency_key", name="uq_events_idempotency_key"),
        _contract_fk("events"),
    )
    op.create_index("ix_events_contract_id", "events", ["contract_id"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("applied_amendments")
    op.drop_index("uq_schedule_items_live_key", table_name="schedule_items")
    op.drop_table("schedule_items")
    op.drop_table("projects")
    op.drop_table("order_lines")
    op.drop_table("orders")
    op.drop_table("catalog_products")
