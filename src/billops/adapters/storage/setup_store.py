"""Storing setup: the catalogue, orders, projects, billing schedules and events.

Every store works inside the caller's session (one transaction per unit of
work) and writes the audit trail in that same transaction. Each save
compares what it is given with what is stored and writes nothing at all
when they agree, so running setup twice changes nothing.

Setups are saved in batches (``SetupStore.save_setups``: one contract or
hundreds): the stored orders, projects and live schedule items of the whole
batch are read with one query per table, compared in memory, and what
differs is written with one statement per kind of change, followed by the
audit records (one per change, chained in one go). The batch is the
caller's transaction: it commits or rolls back whole.

Schedules are kept with their history: saving makes the live items of a
contract be the given ones. An item whose content changed (amount, period,
quantity...) keeps its row, marked superseded by the new schedule version
with the reason, and the new item gets a new row; an item whose status
alone changed (an event arrived, its date passed) is updated in place (with
its explanation); an item no longer computed is superseded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeAlias, cast

from pydantic import BaseModel
from sqlalchemy import BindParameter, Row, Table, bindparam, func, insert, select
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
    "ContractSetup",
    "EventStore",
    "SavedSetup",
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

    def by_contract(self, contract_ids: Sequence[str]) -> dict[str, Events]:
        """The stored events of each of these contracts (one query), in arrival order."""
        if not contract_ids:
            return {}
        rows = self.session.execute(
            select(EventRow.contract_id, EventRow.kind, EventRow.payload)
            .where(EventRow.contract_id.in_(contract_ids))
            .order_by(EventRow.id)
        )
        found: dict[str, list[Event]] = {}
        for contract_id, kind, payload in rows:
            found.setdefault(contract_id, []).append(event_from_payload(kind, payload))
        return {contract_id: Events.of(events) for contract_id, events in found.items()}

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


_Stored: TypeAlias = Row[*tuple[Any, ...]]  # a row of the columns selected
_IMAGE_COLUMNS = (
    "item_key",
    "line_id",
    "billing_model",
    "kind",
    "amount",
    "currency",
    "quantity",
    "unit_price",
    "period_start",
    "period_end",
    "bill_date",
    "trigger",
    "trigger_ref",
    "status",
    "explanation",
)


def row_image(row: ScheduleItemRow | _Stored) -> dict[str, Any]:
    """A stored schedule item (a row, or its ``_IMAGE_COLUMNS``) as ``item_image`` gives it."""

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


@dataclass(frozen=True)
class ContractSetup:
    """What setup stores for one contract version: its order, project and schedule."""

    contract_id: str
    contract_version: int
    order: dict[str, Any]  # the order's image, as ``plain`` gives it
    findings: list[dict[str, Any]]
    project: dict[str, Any] | None  # None: the contract has no project
    items: Sequence[ScheduleItem]
    reason: str


@dataclass(frozen=True)
class SavedSetup:
    """What saving one ``ContractSetup`` changed."""

    order_changed: bool
    project_changed: bool
    schedule: ScheduleOutcome


_ORDERS = cast(Table, OrderRow.__table__)
_ORDER_LINES = cast(Table, OrderLineRow.__table__)
_PROJECTS = cast(Table, ProjectRow.__table__)
_ITEMS = cast(Table, ScheduleItemRow.__table__)
_ROW_ID: BindParameter[int] = bindparam("row_id")


@dataclass
class _Writes:
    """The writes of a batch of setups, gathered while comparing, made in one go each."""

    now: datetime
    order_updates: list[dict[str, Any]] = field(default_factory=list)
    new_orders: list[dict[str, Any]] = field(default_factory=list)
    order_lines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    order_ids: dict[str, int] = field(default_factory=dict)
    project_deletes: list[int] = field(default_factory=list)
    project_updates: list[dict[str, Any]] = field(default_factory=list)
    new_projects: list[dict[str, Any]] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    new_items: list[dict[str, Any]] = field(default_factory=list)
    audit: list[audit_store.Entry] = field(default_factory=list)


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

    # -- projects ---------------------------------------------------------------

    def project(self, contract_id: str) -> ProjectRow | None:
        return self.session.execute(
            select(ProjectRow).where(ProjectRow.contract_id == contract_id)
        ).scalar_one_or_none()

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

    # -- saving setups -----------------------------------------------------------

    def save_setups(self, setups: Sequence[ContractSetup]) -> list[SavedSetup]:
        """Store each contract's order, project and schedule; write only what differs.

        The stored state of the whole batch is read with one query per table,
        compared in memory, and the differences are written with one statement
        per kind of change, then the audit records, one per change (order,
        project, schedule of each contract, in that order), chained in one go.
        Nothing is written, not even an audit record, for a contract whose
        setup is stored already.
        """
        if not setups:
            return []
        ids = sorted({setup.contract_id for setup in setups})
        orders = self._stored_orders(ids)
        projects = self._stored_projects(ids)
        live = self._stored_live_items(ids)
        versions = self._stored_versions(ids)
        writes = _Writes(now=self.clock())
        saved = []
        for setup in setups:
            contract_id = setup.contract_id
            order_changed = self._compare_order(setup, orders.get(contract_id), writes)
            project_changed = self._compare_project(setup, projects.get(contract_id), writes)
            schedule = self._compare_schedule(
                setup, live.get(contract_id, []), versions.get(contract_id, 0), writes
            )
            saved.append(SavedSetup(order_changed, project_changed, schedule))
        self._write(writes)
        return saved

    def _stored_orders(self, ids: Sequence[str]) -> dict[str, _Stored]:
        c = _ORDERS.c
        query = select(c.id, c.contract_id, c.contract_version, c.currency, c.record, c.findings)
        rows = self.session.execute(query.where(c.contract_id.in_(ids)))
        return {row.contract_id: row for row in rows}

    def _stored_projects(self, ids: Sequence[str]) -> dict[str, _Stored]:
        c = _PROJECTS.c
        query = select(c.id, c.contract_id, c.contract_version, c.record)
        rows = self.session.execute(query.where(c.contract_id.in_(ids)))
        return {row.contract_id: row for row in rows}

    def _stored_live_items(self, ids: Sequence[str]) -> dict[str, list[_Stored]]:
        c = _ITEMS.c
        query = (
            select(c.id, c.contract_id, *(c[name] for name in _IMAGE_COLUMNS))
            .where(c.contract_id.in_(ids), c.superseded_by_version.is_(None))
            .order_by(c.id)
        )
        live: dict[str, list[_Stored]] = {}
        for row in self.session.execute(query):
            live.setdefault(row.contract_id, []).append(row)
        return live

    def _stored_versions(self, ids: Sequence[str]) -> dict[str, int]:
        c = _ITEMS.c
        query = (
            select(c.contract_id, func.max(c.version))
            .where(c.contract_id.in_(ids))
            .group_by(c.contract_id)
        )
        return {
            contract_id: int(latest or 0) for contract_id, latest in self.session.execute(query)
        }

    def _entry(
        self,
        entity_type: str,
        contract_id: str,
        action: str,
        before: Any,
        after: Any,
        reason: str | None,
    ) -> audit_store.Entry:
        return audit_store.Entry(
            self.actor, entity_type, contract_id, action, before, after, reason
        )

    def _compare_order(self, setup: ContractSetup, row: _Stored | None, writes: _Writes) -> bool:
        """Plan the order's write (and its lines'); False when it is stored already."""
        image, contract_id = setup.order, setup.contract_id
        after = {
            "contract_version": setup.contract_version,
            "order": image,
            "findings": setup.findings,
        }
        if row is not None:
            before: dict[str, Any] | None = {
                "contract_version": row.contract_version,
                "order": row.record,
                "findings": row.findings,
            }
            if before == after:
                return False
            writes.order_updates.append(
                {
                    "row_id": row.id,
                    "contract_version": setup.contract_version,
                    "record": image,
                    "findings": setup.findings,
                    "opportunity_id": image.get("opportunity_id"),
                    "currency": str(image.get("currency", row.currency)),
                    "updated_at": writes.now,
                }
            )
            writes.order_ids[contract_id] = row.id
        else:
            before = None
            writes.new_orders.append(
                {
                    "contract_id": contract_id,
                    "contract_version": setup.contract_version,
                    "opportunity_id": image.get("opportunity_id"),
                    "currency": str(image.get("currency", "")),
                    "record": image,
                    "findings": setup.findings,
                    "created_at": writes.now,
                    "updated_at": writes.now,
                }
            )
        writes.order_lines[contract_id] = [
            {
                "position": position,
                "line_id": str(line.get("order_line_id", position)),
                "sku": line.get("sku"),
                "record": line,
            }
            for position, line in enumerate(image.get("lines", []), start=1)
        ]
        action = "create" if before is None else "update"
        writes.audit.append(self._entry("order", contract_id, action, before, after, setup.reason))
        return True

    def _compare_project(self, setup: ContractSetup, row: _Stored | None, writes: _Writes) -> bool:
        """Plan the project's write (None: the contract has none); False when nothing changed."""
        image, contract_id = setup.project, setup.contract_id
        if image is None:
            if row is None:
                return False
            writes.project_deletes.append(row.id)
            writes.audit.append(
                self._entry("project", contract_id, "delete", row.record, None, setup.reason)
            )
            return True
        before: dict[str, Any] | None = None
        if row is not None:
            if row.record == image and row.contract_version == setup.contract_version:
                return False
            before = row.record
            writes.project_updates.append(
                {
                    "row_id": row.id,
                    "record": image,
                    "contract_version": setup.contract_version,
                    "updated_at": writes.now,
                }
            )
        else:
            writes.new_projects.append(
                {
                    "contract_id": contract_id,
                    "contract_version": setup.contract_version,
                    "record": image,
                    "created_at": writes.now,
                    "updated_at": writes.now,
                }
            )
        action = "create" if before is None else "update"
        writes.audit.append(
            self._entry("project", contract_id, action, before, image, setup.reason)
        )
        return True

    def _compare_schedule(
        self, setup: ContractSetup, live_rows: Sequence[_Stored], current: int, writes: _Writes
    ) -> ScheduleOutcome:
        """Plan making the live items be ``setup.items`` (see the module docstring)."""
        contract_id, reason = setup.contract_id, setup.reason
        live = {row.item_key: row for row in live_rows}
        outcome = ScheduleOutcome(version=current)
        wanted = {item.item_key: item_image(item) for item in setup.items}
        to_add: list[dict[str, Any]] = []
        to_supersede: list[_Stored] = []
        status_only: list[tuple[_Stored, dict[str, Any]]] = []
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
        now = writes.now
        version = current + 1 if (to_add or to_supersede) else current
        outcome.version = version
        for row in to_supersede:
            writes.superseded.append(
                {
                    "row_id": row.id,
                    "superseded_by_version": version,
                    "superseded_reason": reason,
                    "updated_at": now,
                }
            )
            outcome.superseded.append(row.item_key)
        for row, image in status_only:
            status = _columns({key: image[key] for key in _STATUS_FIELDS})
            writes.status_changes.append({"row_id": row.id, **status, "updated_at": now})
            outcome.status_changed.append(row.item_key)
        writes.new_items += [
            {
                **_columns(image),
                "contract_id": contract_id,
                "contract_version": setup.contract_version,
                "version": version,
                "reason": reason,
                "superseded_by_version": None,
                "superseded_reason": None,
                "created_at": now,
                "updated_at": now,
            }
            for image in to_add
        ]
        outcome.added += [image["item_key"] for image in to_add]
        writes.audit.append(
            self._entry(
                "schedule",
                contract_id,
                "create" if current == 0 else "update",
                {"version": current, "live_items": len(live)},
                {
                    "version": version,
                    "contract_version": setup.contract_version,
                    "live_items": len(wanted),
                    "added": outcome.added,
                    "superseded": outcome.superseded,
                    "status_changed": outcome.status_changed,
                },
                reason,
            )
        )
        return outcome

    def _write(self, writes: _Writes) -> None:
        """Make the planned writes, one statement per kind, then the audit records."""
        execute = self.session.execute
        if writes.order_updates:
            execute(_ORDERS.update().where(_ORDERS.c.id == _ROW_ID), writes.order_updates)
            changed = [update["row_id"] for update in writes.order_updates]
            execute(_ORDER_LINES.delete().where(_ORDER_LINES.c.order_id.in_(changed)))
        if writes.new_orders:
            inserted = execute(
                insert(_ORDERS).returning(_ORDERS.c.id, _ORDERS.c.contract_id), writes.new_orders
            )
            writes.order_ids.update({contract_id: id_ for id_, contract_id in inserted})
        lines = [
            {"order_id": writes.order_ids[contract_id], **line}
            for contract_id, order_lines in writes.order_lines.items()
            for line in order_lines
        ]
        if lines:
            execute(insert(_ORDER_LINES), lines)
        if writes.project_deletes:
            execute(_PROJECTS.delete().where(_PROJECTS.c.id.in_(writes.project_deletes)))
        if writes.project_updates:
            execute(_PROJECTS.update().where(_PROJECTS.c.id == _ROW_ID), writes.project_updates)
        if writes.new_projects:
            execute(insert(_PROJECTS), writes.new_projects)
        # Superseded rows leave the live unique index before their successors enter it.
        if writes.superseded:
            execute(_ITEMS.update().where(_ITEMS.c.id == _ROW_ID), writes.superseded)
        if writes.status_changes:
            execute(_ITEMS.update().where(_ITEMS.c.id == _ROW_ID), writes.status_changes)
        if writes.new_items:
            execute(insert(_ITEMS), writes.new_items)
        audit_store.append_many(self.session, writes.audit, clock=self.clock)

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
