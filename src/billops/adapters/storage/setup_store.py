"""Storing setup: the catalogue, orders, projects, billing schedules and events.

Every store works inside the caller's session (one transaction per unit of
work) and writes the audit trail in that same transaction. Each save
compares what it is given with what is stored and writes nothing at all
when they agree, so running setup twice changes nothing.

Schedules are kept with their history: ``sync_schedule`` makes the live
items of a contract be the given ones. An item whose content changed
(amount, period, quantity...) keeps its row, marked superseded by the new
schedule version with the reason, and the new item gets a new row; an
item whose status alone changed (an event arrived, its date passed) is
updated in place (with its explanation); an item no longer computed is superseded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from billops.adapters.event_files import event_from_payload
from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables_setup import (
    AppliedAmendmentRow,
    CatalogProductRow,
    EventRow,
    OrderLineRow,
    OrderRow,
    ProjectRow,
    ScheduleItemRow,
)
from billops.domain.calendar import Period
from billops.domain.events import Event, Events
from billops.domain.money import Money
from billops.domain.schedules.model import ScheduleItem
from billops.errors import NotFound

__all__ = [
    "CatalogOutcome",
    "CatalogStore",
    "EventStore",
    "ScheduleOutcome",
    "SetupStore",
    "item_image",
    "plain",
    "row_image",
]


def plain(value: Any) -> Any:
    """JSON-native data of a domain value: decimals and dates as text, enums as their value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if isinstance(value, Period):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, Iterable):
        return [plain(v) for v in value]
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _audit(
    session: Session,
    actor: str,
    clock: Clock,
    entity_type: str,
    entity_id: str,
    action: str,
    before: Any,
    after: Any,
    reason: str | None,
) -> None:
    audit_store.append(
        session,
        actor=actor,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        clock=clock,
    )


# --------------------------------------------------------------------------
# The catalogue


@dataclass
class CatalogOutcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class CatalogStore:
    """Catalogue products by SKU; saving a catalogue upserts each record."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session, self.actor, self.clock = session, actor, clock

    def _rows(self) -> dict[str, CatalogProductRow]:
        rows = self.session.execute(select(CatalogProductRow)).scalars()
        return {row.sku: row for row in rows}

    def save(
        self, records: Sequence[Mapping[str, Any]], reason: str | None = None
    ) -> CatalogOutcome:
        outcome = CatalogOutcome()
        stored = self._rows()
        now = self.clock()
        for record in records:
            image = plain(record)
            sku = str(image["sku"])
            row = stored.get(sku)
            if row is None:
                self.session.add(
                    CatalogProductRow(
                        sku=sku,
                        name=str(image.get("name", "")),
                        billing_model=str(image.get("billing_model", "")),
                        record=image,
                        created_at=now,
                        updated_at=now,
                    )
                )
                self.session.flush()
                _audit(self.session, self.actor, self.clock, "catalog_product", sku, "create",
                       None, image, reason)  # fmt: skip
                outcome.created.append(sku)
            elif row.record == image:
                outcome.unchanged.append(sku)
            else:
                before = row.record
                row.record, row.updated_at = image, now
                row.name = str(image.get("name", ""))
                row.billing_model = str(image.get("billing_model", ""))
                self.session.flush()
                _audit(self.session, self.actor, self.clock, "catalog_product", sku, "update",
                       before, image, reason)  # fmt: skip
                outcome.updated.append(sku)
        return outcome

    def records(self) -> list[dict[str, Any]]:
        rows = self.session.execute(select(CatalogProductRow).order_by(CatalogProductRow.id))
        return [row.record for row in rows.scalars()]

    def get(self, sku: str) -> dict[str, Any]:
        from billops.domain.catalog import sku_key

        for row in self.session.execute(select(CatalogProductRow)).scalars():
            if sku_key(row.sku) == sku_key(sku):
                return row.record
        raise NotFound(f"no product with SKU {sku!r}", hint="`billops catalog list` shows the SKUs")

    def count(self) -> int:
        query = select(func.count()).select_from(CatalogProductRow)
        return int(self.session.execute(query).scalar_one())


# --------------------------------------------------------------------------
# Events


class EventStore:
    """Events once per idempotency key."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session, self.actor, self.clock = session, actor, clock

    def existing(self, keys: Sequence[str], batch: int = 500) -> dict[str, EventRow]:
        found: dict[str, EventRow] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), batch):
            chunk = unique[start : start + batch]
            rows = self.session.execute(select(EventRow).where(EventRow.idempotency_key.in_(chunk)))
            found.update({row.idempotency_key: row for row in rows.scalars()})
        return found

    def add_all(
        self, events: Sequence[tuple[Event, dict[str, Any], str]], source: str | None
    ) -> None:
        """Store new events (event, payload, content hash) and one audit record for the batch.

        The audit record lists every key with its content hash: the payloads
        themselves are in ``events``, which is append-only.
        """
        if not events:
            return
        now = self.clock()
        self.session.execute(
            insert(EventRow),
            [
                {
                    "kind": event.kind,
                    "idempotency_key": event.idempotency_key,
                    "contract_id": event.contract_id,
                    "line_id": getattr(event, "line_id", None),
                    "occurred_on": event.occurred_on,
                    "payload": payload,
                    "content_hash": digest,
                    "source": source,
                    "received_by": self.actor,
                    "received_at": now,
                }
                for event, payload, digest in events
            ],
        )
        self.session.flush()
        kinds = sorted({event.kind for event, _, _ in events})
        _audit(self.session, self.actor, self.clock, "events", source or "events", "record",
               None, {"count": len(events), "kinds": kinds,
                      "events": {e.idempotency_key: digest for e, _, digest in events}},
               None)  # fmt: skip

    def for_contracts(self, contract_ids: Sequence[str]) -> Events:
        """Every stored event of these contracts, in arrival order."""
        if not contract_ids:
            return Events()
        rows = self.session.execute(
            select(EventRow).where(EventRow.contract_id.in_(contract_ids)).order_by(EventRow.id)
        ).scalars()
        return Events.of(event_from_payload(row.kind, row.payload) for row in rows)

    def shipped(self, contract_id: str) -> dict[str, Decimal]:
        """Quantity shipped so far per line of a contract."""
        rows = self.session.execute(
            select(EventRow).where(EventRow.contract_id == contract_id, EventRow.kind == "shipment")
        ).scalars()
        totals: dict[str, Decimal] = {}
        for row in rows:
            line = str(row.payload["line_id"])
            totals[line] = totals.get(line, Decimal(0)) + Decimal(str(row.payload["quantity"]))
        return totals

    def count(self, contract_id: str | None = None) -> int:
        query = select(func.count()).select_from(EventRow)
        if contract_id is not None:
            query = query.where(EventRow.contract_id == contract_id)
        return int(self.session.execute(query).scalar_one())

    def rows(self, contract_id: str | None = None) -> list[EventRow]:
        query = select(EventRow).order_by(EventRow.id)
        if contract_id is not None:
            query = query.where(EventRow.contract_id == contract_id)
        return list(self.session.execute(query).scalars())


# --------------------------------------------------------------------------
# Orders, projects, schedules

_STATUS_FIELDS = ("status", "bill_date", "trigger_ref", "explanation")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def item_image(item: ScheduleItem) -> dict[str, Any]:
    """A schedule item as the columns that store it (JSON-native)."""
    period = item.service_period
    return {
        "item_key": item.item_key,
        "line_id": item.line_id,
        "billing_model": item.billing_model.value,
        "kind": item.kind.value,
        "amount": format(item.amount.amount, "f"),
        "currency": item.amount.currency,
        "quantity": _text(item.quantity),
        "unit_price": _text(item.unit_price),
        "period_start": None if period is None else period.start.isoformat(),
        "period_end": None if period is None else period.end.isoformat(),
        "bill_date": None if item.bill_date is None else item.bill_date.isoformat(),
        "trigger": item.trigger.value,
        "trigger_ref": item.trigger_ref,
        "status": item.status.value,
        "explanation": item.explanation,
    }


def row_image(row: ScheduleItemRow) -> dict[str, Any]:
    """A stored schedule item as ``item_image`` gives it."""

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "item_key": row.item_key,
        "line_id": row.line_id,
        "billing_model": row.billing_model,
        "kind": row.kind,
        "amount": row.amount,
        "currency": row.currency,
        "quantity": row.quantity,
        "unit_price": row.unit_price,
        "period_start": day(row.period_start),
        "period_end": day(row.period_end),
        "bill_date": day(row.bill_date),
        "trigger": row.trigger,
        "trigger_ref": row.trigger_ref,
        "status": row.status,
        "explanation": row.explanation,
    }


_DATES = ("period_start", "period_end", "bill_date")


def _columns(image: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: date.fromisoformat(value) if key in _DATES and value is not None else value
        for key, value in image.items()
    }


def _apply_image(row: ScheduleItemRow, image: Mapping[str, Any], keys: Iterable[str]) -> None:
    for key in keys:
        value = image[key]
        if key in {"period_start", "period_end", "bill_date"} and value is not None:
            value = date.fromisoformat(value)
        setattr(row, key, value)


@dataclass
class ScheduleOutcome:
    version: int  # the schedule version now live (0: no items were ever stored)
    added: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    status_changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.superseded or self.status_changed)


class SetupStore:
    """A contract's order, project, schedule items and applied amendments."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session, self.actor, self.clock = session, actor, clock

    # -- orders ---------------------------------------------------------------

    def order(self, contract_id: str) -> OrderRow | None:
        return self.session.execute(
            select(OrderRow).where(OrderRow.contract_id == contract_id)
        ).scalar_one_or_none()

    def order_lines(self, order: OrderRow) -> list[OrderLineRow]:
        query = select(OrderLineRow).where(OrderLineRow.order_id == order.id)
        return list(self.session.execute(query.order_by(OrderLineRow.position)).scalars())

    def save_order(
        self,
        contract_id: str,
        contract_version: int,
        image: dict[str, Any],
        findings: list[dict[str, Any]],
        reason: str | None,
    ) -> bool:
        """Store the order (and setup's findings); False when it is stored already."""
        row = self.order(contract_id)
        now = self.clock()
        after = {"contract_version": contract_version, "order": image, "findings": findings}
        if row is not None:
            before = {
                "contract_version": row.contract_version,
                "order": row.record,
                "findings": row.findings,
            }
            if before == after:
                return False
            row.contract_version, row.record, row.findings = contract_version, image, findings
            row.opportunity_id = image.get("opportunity_id")
            row.currency = str(image.get("currency", row.currency))
            row.updated_at = now
            for line in self.order_lines(row):
                self.session.delete(line)
            self.session.flush()
        else:
            before = None
            row = OrderRow(
                contract_id=contract_id,
                contract_version=contract_version,
                opportunity_id=image.get("opportunity_id"),
                currency=str(image.get("currency", "")),
                record=image,
                findings=findings,
                created_at=now,
                updated_at=now,
            )
            self.session.add(row)
            self.session.flush()
        lines = [
            {
                "order_id": row.id,
                "position": position,
                "line_id": str(line.get("order_line_id", position)),
                "sku": line.get("sku"),
                "record": line,
            }
            for position, line in enumerate(image.get("lines", []), start=1)
        ]
        if lines:
            self.session.execute(insert(OrderLineRow), lines)
        _audit(self.session, self.actor, self.clock, "order", contract_id,
               "create" if before is None else "update", before, after, reason)  # fmt: skip
        return True

    # -- projects ---------------------------------------------------------------

    def project(self, contract_id: str) -> ProjectRow | None:
        return self.session.execute(
            select(ProjectRow).where(ProjectRow.contract_id == contract_id)
        ).scalar_one_or_none()

    def save_project(
        self,
        contract_id: str,
        contract_version: int,
        image: dict[str, Any] | None,
        reason: str | None,
    ) -> bool:
        """Store the project (None: the contract has none); False when nothing changed."""
        row = self.project(contract_id)
        now = self.clock()
        if image is None:
            if row is None:
                return False
            removed = row.record
            self.session.delete(row)
            self.session.flush()
            _audit(self.session, self.actor, self.clock, "project", contract_id, "delete",
                   removed, None, reason)  # fmt: skip
            return True
        before: dict[str, Any] | None = None
        if row is not None:
            if row.record == image and row.contract_version == contract_version:
                return False
            before = row.record
            row.record, row.contract_version, row.updated_at = image, contract_version, now
        else:
            self.session.add(
                ProjectRow(
                    contract_id=contract_id,
                    contract_version=contract_version,
                    record=image,
                    created_at=now,
                    updated_at=now,
                )
            )
        self.session.flush()
        _audit(self.session, self.actor, self.clock, "project", contract_id,
               "create" if before is None else "update", before, image, reason)  # fmt: skip
        return True

    # -- schedules ------------------------------------------------------------------

    def live_items(self, contract_id: str) -> list[ScheduleItemRow]:
        query = select(ScheduleItemRow).where(
            ScheduleItemRow.contract_id == contract_id,
            ScheduleItemRow.superseded_by_version.is_(None),
        )
        return list(self.session.execute(query.order_by(ScheduleItemRow.id)).scalars())

    def history(self, contract_id: str) -> list[ScheduleItemRow]:
        query = select(ScheduleItemRow).where(ScheduleItemRow.contract_id == contract_id)
        return list(self.session.execute(query.order_by(ScheduleItemRow.id)).scalars())

    def schedule_version(self, contract_id: str) -> int:
        query = select(func.max(ScheduleItemRow.version)).where(
            ScheduleItemRow.contract_id == contract_id
        )
        latest = self.session.execute(query).scalar_one_or_none()
        return int(latest or 0)

    def sync_schedule(
        self,
        contract_id: str,
        contract_version: int,
        items: Sequence[ScheduleItem],
        reason: str,
    ) -> ScheduleOutcome:
        """Make the live items of ``contract_id`` be ``items`` (see the module docstring)."""
        live = {row.item_key: row for row in self.live_items(contract_id)}
        current = self.schedule_version(contract_id)
        outcome = ScheduleOutcome(version=current)
        wanted = {item.item_key: item_image(item) for item in items}
        to_add: list[dict[str, Any]] = []
        to_supersede: list[ScheduleItemRow] = []
        status_only: list[tuple[ScheduleItemRow, dict[str, Any]]] = []
        for key, image in wanted.items():
            row = live.get(key)
            if row is None:
                to_add.append(image)
                continue
            stored = row_image(row)
            if stored == image:
                outcome.unchanged += 1
            elif all(stored[k] == image[k] for k in image if k not in _STATUS_FIELDS):
                status_only.append((row, image))
            else:
                to_supersede.append(row)
                to_add.append(image)
        to_supersede += [row for key, row in live.items() if key not in wanted]
        if not (to_add or to_supersede or status_only):
            return outcome
        now = self.clock()
        version = current + 1 if (to_add or to_supersede) else current
        outcome.version = version
        for row in to_supersede:
            row.superseded_by_version, row.superseded_reason = version, reason
            row.updated_at = now
            outcome.superseded.append(row.item_key)
        # Superseded rows leave the live unique index before their successors enter it.
        self.session.flush()
        for row, image in status_only:
            _apply_image(row, image, _STATUS_FIELDS)
            row.updated_at = now
            outcome.status_changed.append(row.item_key)
        if to_add:
            self.session.execute(
                insert(ScheduleItemRow),
                [
                    {
                        **_columns(image),
                        "contract_id": contract_id,
                        "contract_version": contract_version,
                        "version": version,
                        "reason": reason,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for image in to_add
                ],
            )
            outcome.added += [image["item_key"] for image in to_add]
        self.session.flush()
        _audit(
            self.session,
            self.actor,
            self.clock,
            "schedule",
            contract_id,
            "create" if current == 0 else "update",
            {"version": current, "live_items": len(live)},
            {
                "version": version,
                "contract_version": contract_version,
                "live_items": len(wanted),
                "added": outcome.added,
                "superseded": outcome.superseded,
                "status_changed": outcome.status_changed,
            },
            reason,
        )
        return outcome

    # -- amendments ------------------------------------------------------------------

    def applied_amendments(self, contract_id: str) -> list[AppliedAmendmentRow]:
        query = select(AppliedAmendmentRow).where(AppliedAmendmentRow.contract_id == contract_id)
        return list(self.session.execute(query.order_by(AppliedAmendmentRow.id)).scalars())

    def amendment(self, amendment_id: str) -> AppliedAmendmentRow | None:
        return self.session.execute(
            select(AppliedAmendmentRow).where(AppliedAmendmentRow.amendment_id == amendment_id)
        ).scalar_one_or_none()

    def record_amendment(
        self, contract_id: str, amendment_id: str, amendment_version: int, effective: date
    ) -> None:
        self.session.add(
            AppliedAmendmentRow(
                contract_id=contract_id,
                amendment_id=amendment_id,
                amendment_version=amendment_version,
                effective_date=effective,
                applied_by=self.actor,
                applied_at=self.clock(),
            )
        )
        self.session.flush()
        _audit(self.session, self.actor, self.clock, "contract", contract_id, "amend", None,
               {"amendment": amendment_id, "version": amendment_version,
                "effective_date": effective.isoformat()}, None)  # fmt: skip

    def set_up_contracts(self) -> list[str]:
        rows = self.session.execute(select(OrderRow.contract_id).order_by(OrderRow.contract_id))
        return [str(value) for value in rows.scalars()]

    def count_items(self, *, live_only: bool = True, status: str | None = None) -> int:
        query = select(func.count()).select_from(ScheduleItemRow)
        if live_only:
            query = query.where(ScheduleItemRow.superseded_by_version.is_(None))
        if status is not None:
            query = query.where(ScheduleItemRow.status == status)
        return int(self.session.execute(query).scalar_one())
