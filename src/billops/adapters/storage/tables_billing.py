"""Tables of the billing run (migration 0006_billing): invoices, billed lines, numbers, holds.

``invoices``
    Every invoice and credit note, from draft to issued: entity, customer,
    currency, status (``draft``, ``held``, ``approved``, ``issued``), the
    number once issued (unique per entity), its fiscal year, the issue and
    due dates, the totals as exact decimal text, the whole ``Invoice`` as
    JSON (``record``) and the ids of the failed pre-invoice checks
    (``holds``). A credit note names the invoice it corrects
    (``credits_invoice_id``). An **issued row is immutable**: a database
    trigger (SQLite and PostgreSQL) refuses any UPDATE or DELETE of it.
``invoice_lines``
    The billed lines of *invoice* documents (credit notes have none here),
    one per schedule item billed, with ``UNIQUE (contract_id, item_key)``:
    the constraint that makes a double bill impossible, even for two runs
    started at once. Deleting a draft frees its items for the next run.
``invoice_holds``
    The work-queue tasks of held drafts: one per (invoice, failed check id),
    ``open`` until the data is fixed (``resolved``) or an approver other than
    the run's actor overrides it with a reason (``overridden``).
``invoice_sequences``
    The last number issued per (entity, fiscal year). Issuing takes this row
    with ``SELECT ... FOR UPDATE`` (PostgreSQL; SQLite serialises writers
    with ``BEGIN IMMEDIATE``) in the transaction that issues the invoice, so
    numbers are gapless: a rollback gives its number back.
``period_locks``
    Per entity, the last day of the closed periods: no invoice may be dated
    on or before it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from billops.adapters.storage.tables import Base, JSONDocument

__all__ = [
    "InvoiceHoldRow",
    "InvoiceLineRow",
    "InvoiceRow",
    "InvoiceSequenceRow",
    "PeriodLockRow",
]


class InvoiceRow(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("entity_code", "number", name="uq_invoices_entity_number"),
        {"sqlite_autoincrement": True},  # a discarded draft's id is never reused
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    entity_code: Mapped[str] = mapped_column(String(64))
    customer_code: Mapped[str] = mapped_column(String(64), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), index=True)
    number: Mapped[str | None] = mapped_column(String(64))
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    purchase_order: Mapped[str | None] = mapped_column(String(200))
    net_total: Mapped[str] = mapped_column(String(40))
    tax_total: Mapped[str] = mapped_column(String(40))
    gross_total: Mapped[str] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    holds: Mapped[list[str]] = mapped_column(JSONDocument)
    credits_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    drafted_by: Mapped[str] = mapped_column(String(200))
    drafted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InvoiceLineRow(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("contract_id", "item_key", name="uq_invoice_lines_contract_item"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    contract_id: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(200))
    billing_model: Mapped[str] = mapped_column(String(32))
    purchase_order: Mapped[str | None] = mapped_column(String(200))
    net_amount: Mapped[str] = mapped_column(String(40))


class InvoiceHoldRow(Base):
    __tablename__ = "invoice_holds"
    __table_args__ = (
        UniqueConstraint("invoice_id", "check_id", name="uq_invoice_holds_invoice_check"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    check_id: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_reason: Mapped[str | None] = mapped_column(Text)


class InvoiceSequenceRow(Base):
    __tablename__ = "invoice_sequences"

    entity_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class PeriodLockRow(Base):
    __tablename__ = "period_locks"

    entity_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    closed_through: Mapped[date] = mapped_column(Date)
    closed_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
