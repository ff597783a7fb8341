"""Billing: invoices, billed lines (unique per schedule item), holds, number sequences, locks.

``invoices`` (number unique per entity; issued rows immutable by trigger),
``invoice_lines`` (unique (contract_id, item_key): exactly-once billing),
``invoice_holds``, ``invoice_sequences`` (gapless numbers per entity and
fiscal year) and ``period_locks``. See
``billops.adapters.storage.tables_billing``.

Revision ID: 0006_billing
Revises: 0005_setup
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_billing"
down_revision = "0005_setup"
branch_labels = None
depends_on = None

JSONDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TZ = sa.DateTime(timezone=True)
MONEY = sa.String(40)

IMMUTABLE = "billops: an issued invoice is immutable; correct it with a credit note"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER trg_invoices_issued_no_update BEFORE UPDATE ON invoices
    FOR EACH ROW WHEN OLD.status = 'issued'
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
    f"""CREATE TRIGGER trg_invoices_issued_no_delete BEFORE DELETE ON invoices
    FOR EACH ROW WHEN OLD.status = 'issued'
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
    f"""CREATE TRIGGER trg_invoice_lines_issued_no_update BEFORE UPDATE ON invoice_lines
    FOR EACH ROW WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'issued'
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
    f"""CREATE TRIGGER trg_invoice_lines_issued_no_delete BEFORE DELETE ON invoice_lines
    FOR EACH ROW WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'issued'
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
)

POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION billops_refuse_issued_invoice_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'issued' THEN
            RAISE EXCEPTION '{IMMUTABLE} (invoice %)', OLD.number;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE FUNCTION billops_refuse_issued_line_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'issued' THEN
            RAISE EXCEPTION '{IMMUTABLE} (invoice id %)', OLD.invoice_id;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER trg_invoices_issued_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION billops_refuse_issued_invoice_change()""",
    """CREATE TRIGGER trg_invoice_lines_issued_immutable BEFORE UPDATE OR DELETE
    ON invoice_lines FOR EACH ROW EXECUTE FUNCTION billops_refuse_issued_line_change()""",
)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("customer_code", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("fiscal_year", sa.Integer(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("purchase_order", sa.String(200), nullable=True),
        sa.Column("net_total", MONEY, nullable=False),
        sa.Column("tax_total", MONEY, nullable=False),
        sa.Column("gross_total", MONEY, nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("holds", JSONDocument, nullable=False),
        sa.Column("credits_invoice_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("drafted_by", sa.String(200), nullable=False),
        sa.Column("drafted_at", TZ, nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("issued_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        sa.UniqueConstraint("entity_code", "number", name="uq_invoices_entity_number"),
        sa.ForeignKeyConstraint(
            ["credits_invoice_id"],
            ["invoices.id"],
            name="fk_invoices_credits_invoice_id_invoices",
            ondelete="RESTRICT",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_invoices_customer_code", "invoices", ["customer_code"])
    op.create_index("ix_invoices_status", "invoices", ["status"])
    op.create_index("ix_invoices_credits_invoice_id", "invoices", ["credits_invoice_id"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("billing_model", sa.String(32), nullable=False),
        sa.Column("purchase_order", sa.String(200), nullable=True),
        sa.Column("net_amount", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invoice_lines"),
        sa.UniqueConstraint("contract_id", "item_key", name="uq_invoice_lines_contract_item"),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name="fk_invoice_lines_invoice_id_invoices",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"])
    op.create_table(
        "invoice_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invoice_holds"),
        sa.UniqueConstraint("invoice_id", "check_id", name="uq_invoice_holds_invoice_check"),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name="fk_invoice_holds_invoice_id_invoices",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_invoice_holds_invoice_id", "invoice_holds", ["invoice_id"])
    op.create_table(
        "invoice_sequences",
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity_code", "fiscal_year", name="pk_invoice_sequences"),
    )
    op.create_table(
        "period_locks",
        sa.Column("entity_code", sa.String(64), nullable=False),
        sa.Column("closed_through", sa.Date(), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=False),
        sa.Column("closed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("entity_code", name="pk_period_locks"),
    )
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_invoice_lines_issued_immutable ON invoice_lines")
        op.execute("DROP TRIGGER IF EXISTS trg_invoices_issued_immutable ON invoices")
        op.execute("DROP FUNCTION IF EXISTS billops_refuse_issued_line_change()")
        op.execute("DROP FUNCTION IF EXISTS billops_refuse_issued_invoice_change()")
    op.drop_table("period_locks")
    op.drop_table("invoice_sequences")
    op.drop_table("invoice_holds")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
