"""Tables of setup (migration 0005_setup): catalogue, orders, projects, schedules, events.

``catalog_products``
    One row per SKU: the whole catalogue record as JSON beside its SKU,
    name and billing model.
``orders`` / ``order_lines``
    At most one order per contract (``unique (contract_id)``), made from a
    contract version; its lines carry catalogue SKUs. The order's whole
    image is kept as JSON (``record``), so "unchanged" is one comparison;
    the lines are also rows, to join and search on. ``findings`` holds what
    setup found on the way (unmatched SKUs, schedule findings).
``projects``
    At most one project per contract (services only), its image as JSON.
``schedule_items``
    The billing schedule. An item's identity is ``(contract_id,
    item_key)``; among *live* items (``superseded_by_version IS NULL``) it
    is unique, enforced by a partial unique index on both SQLite and
    PostgreSQL. When a new contract version or an amendment changes an item,
    its row is kept, marked with the schedule version that superseded it
    and why, and the new item is inserted: ``schedule show --history``
    explains every change. A change of status only (an event arrived, a
    date passed) updates the live row in place.
``applied_amendments``
    Which amendment contracts have been applied to which contract, in
    order, so that a later ``setup`` rebuilds the amended schedule, not the
    original one.
``events``
    Every delivery event (time entry, milestone acceptance, shipment,
    provisioning, usage, expense), once per ``idempotency_key`` (unique):
    the kind, the contract, the event as JSON and a hash of that content
    (the same key with other content is refused).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from billops.adapters.storage.tables import Base, JSONDocument

__all__ = [
    "AppliedAmendmentRow",
    "CatalogProductRow",
    "EventRow",
    "OrderLineRow",
    "OrderRow",
    "ProjectRow",
    "ScheduleItemRow",
]

_LIVE = text("superseded_by_version IS NULL")


class CatalogProductRow(Base):
    __tablename__ = "catalog_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    billing_model: Mapped[str] = mapped_column(String(32))
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderRow(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), unique=True
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    opportunity_id: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    findings: Mapped[list[Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "position", name="uq_order_lines_order_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), unique=True
    )
    contract_version: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScheduleItemRow(Base):
    __tablename__ = "schedule_items"
    __table_args__ = (
        Index(
            "uq_schedule_items_live_key",
            "contract_id",
            "item_key",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(200))
    line_id: Mapped[str] = mapped_column(String(64))
    billing_model: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    # Money as exact decimal text: the same on SQLite and PostgreSQL, no float anywhere.
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[str | None] = mapped_column(String(40))
    unit_price: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    bill_date: Mapped[date | None] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(32))
    trigger_ref: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text)
    contract_version: Mapped[int] = mapped_column(Integer)
    # The schedule version (1, 2, ... per contract) that created this row, and the
    # one that replaced it (NULL while the item is live), with why.
    version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    superseded_by_version: Mapped[int | None] = mapped_column(Integer)
    superseded_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AppliedAmendmentRow(Base):
    __tablename__ = "applied_amendments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    amendment_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), unique=True
    )
    amendment_version: Mapped[int] = mapped_column(Integer)
    effective_date: Mapped[date] = mapped_column(Date)
    applied_by: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    contract_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("contracts.contract_id", ondelete="RESTRICT"), index=True
    )
    line_id: Mapped[str | None] = mapped_column(String(64))
    occurred_on: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(500))
    received_by: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
