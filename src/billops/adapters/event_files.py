"""Event files: the CSV exports of delivery systems, read into domain event values.

Delivery systems export what happened as CSV, one file per kind of event
(the demo company writes five of them under ``data/events/``; expenses come
from an expense tool in the same shape):

    ==========================  ======================  =========================
    file                        kind                    domain value
    ==========================  ======================  =========================
    time_entries.csv            time_entry              ``TimeEntry``
    milestone_acceptances.csv   milestone_acceptance    ``MilestoneAcceptance``
    shipments.csv               shipment                ``Shipment``
    provisioning.csv            provisioning            ``Provisioning``
    usage.csv                   usage                   ``UsageRecord``
    expenses.csv                expense                 ``ExpenseEntry``
    ==========================  ======================  =========================

Every row carries an ``idempotency_key``. A value that cannot be read is
one error naming the file, the row (its line number, the header being line
1) and the column:

    >>> import io
    >>> read_events(io.StringIO("idempotency_key,contract_id,line_id,sku,quantity,ship_date\\n"
    ...                         "SH-1,C-1,L1,HW-1,two,2026-07-16\\n"), "shipment", "ship.csv")
    Traceback (most recent call last):
    ...
    billops.errors.InvalidInput: ship.csv, row 2: quantity: not a decimal number (got 'two')

The same field specifications turn an event into the JSON stored in the
``events`` table (``event_payload``) and back (``event_from_payload``), so
what is stored reads back as the very value that was recorded.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import IO, Any, Final

from billops.domain.events import (
    Event,
    ExpenseEntry,
    MilestoneAcceptance,
    Provisioning,
    Shipment,
    TimeEntry,
    UsageRecord,
)
from billops.errors import BillopsError, InvalidInput

__all__ = [
    "EVENT_KINDS",
    "KIND_ALIASES",
    "content_hash",
    "event_from_payload",
    "event_kind",
    "event_payload",
    "parse_event",
    "read_event_file",
    "read_events",
]

Parser = Callable[[Any], Any]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> date:
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("not a date (YYYY-MM-DD)") from exc


def _decimal(value: Any) -> Decimal:
    text = _text(value).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a decimal number") from exc
    if not number.is_finite():
        raise ValueError("not a finite decimal number")
    return number


def _optional_decimal(value: Any) -> Decimal | None:
    return None if _text(value) == "" else _decimal(value)


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not true or false")


def _list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return tuple(part.strip() for part in _text(value).split(";") if part.strip())


@dataclass(frozen=True)
class _Field:
    column: str  # the CSV column
    attr: str  # the domain value's attribute (and the stored JSON key)
    parse: Parser
    required: bool = True


def _f(
    column: str, parse: Parser = _text, *, attr: str | None = None, required: bool = True
) -> _Field:
    return _Field(column, attr or column, parse, required)


_BASE = (_f("idempotency_key"), _f("contract_id"))

_SPECS: Final[dict[str, tuple[type[Any], tuple[_Field, ...]]]] = {
    "time_entry": (
        TimeEntry,
        (
            *_BASE,
            _f("line_id"),
            _f("person"),
            _f("role"),
            _f("work_date", _date),
            _f("hours", _decimal),
            _f("approved", _bool),
            _f("billable", _bool, required=False),
            _f("description", required=False),
        ),
    ),
    "milestone_acceptance": (
        MilestoneAcceptance,
        (
            *_BASE,
            _f("milestone_id"),
            _f("status"),
            _f("decided_on", _date),
            _f("decided_by", required=False),
            _f("comment", required=False),
        ),
    ),
    "shipment": (
        Shipment,
        (
            *_BASE,
            _f("line_id"),
            _f("sku"),
            _f("quantity", _decimal),
            _f("ship_date", _date),
            _f("serial_numbers", _list, required=False),
            _f("tracking_number", required=False),
        ),
    ),
    "provisioning": (
        Provisioning,
        (
            *_BASE,
            _f("line_id"),
            _f("event"),
            _f("occurred_on", _date, attr="occurred"),
            _f("quantity", _optional_decimal, required=False),
            _f("tenant_id", required=False),
            _f("sku", required=False),
        ),
    ),
    "usage": (
        UsageRecord,
        (
            *_BASE,
            _f("line_id"),
            _f("period_start", _date),
            _f("period_end", _date),
            _f("quantity", _decimal),
            _f("meter", required=False),
            _f("unit", required=False),
        ),
    ),
    "expense": (
        ExpenseEntry,
        (
            *_BASE,
            _f("line_id"),
            _f("incurred_on", _date),
            _f("amount", _decimal),
            _f("category", required=False),
            _f("approved", _bool, required=False),
            _f("description", required=False),
        ),
    ),
}

EVENT_KINDS: Final[tuple[str, ...]] = tuple(_SPECS)
"""The kinds of event billops records, as the domain names them."""

KIND_ALIASES: Final[dict[str, str]] = {
    "time_entries": "time_entry",
    "time": "time_entry",
    "milestone_acceptances": "milestone_acceptance",
    "milestone": "milestone_acceptance",
    "shipments": "shipment",
    "expenses": "expense",
}
"""Other names a user may give a kind: the demo's file stems, short words."""


def event_kind(name: str, *, source: str | None = None) -> str:
    """The kind called ``name`` (a kind, or a file stem such as ``time_entries``).

    >>> event_kind("shipments"), event_kind("usage")
    ('shipment', 'usage')
    """
    key = name.strip().lower().replace("-", "_")
    kind = KIND_ALIASES.get(key, key)
    if kind not in _SPECS:
        raise InvalidInput(
            f"unknown event kind {name!r}",
            source=source,
            field="kind",
            hint="one of " + ", ".join(EVENT_KINDS),
        )
    return kind


def parse_event(kind: str, values: dict[str, Any], *, where: str | None = None) -> Event:
    """An event of ``kind`` from column values (CSV row or CLI options); errors name ``where``."""
    cls, fields = _SPECS[event_kind(kind, source=where)]
    arguments: dict[str, Any] = {}
    for spec in fields:
        raw = values.get(spec.column)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if spec.required:
                raise InvalidInput("is missing", source=where, field=spec.column)
            continue
        try:
            arguments[spec.attr] = spec.parse(raw)
        except ValueError as exc:
            raise InvalidInput(str(exc), source=where, field=spec.column, value=str(raw)) from exc
    try:
        event: Event = cls(**arguments)
    except BillopsError as exc:
        raise InvalidInput(exc.message, source=where, field=exc.field, value=exc.value) from exc
    except ValueError as exc:  # an enum value the domain does not know (status, event)
        raise InvalidInput(str(exc), source=where) from exc
    return event


def read_events(stream: IO[str], kind: str, source: str) -> list[Event]:
    """Every row of one CSV stream as events of ``kind``; the first bad row is the error."""
    kind = event_kind(kind, source=source)
    _, fields = _SPECS[kind]
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    missing = [f.column for f in fields if f.required and f.column not in header]
    if missing:
        raise InvalidInput(
            f"the header has no column {', '.join(missing)} (a {kind} file needs "
            + ", ".join(f.column for f in fields if f.required)
            + ")",
            source=source,
            field="header",
        )
    events: list[Event] = []
    for row in reader:
        where = f"{source}, row {reader.line_num}"
        if None in row:
            raise InvalidInput("has more values than the header has columns", source=where)
        if not any((value or "").strip() for value in row.values()):
            continue
        events.append(parse_event(kind, row, where=where))
    return events


def read_event_file(path: Path, kind: str | None = None) -> list[Event]:
    """Read one event CSV file; ``kind`` defaults to the one its name says (``shipments.csv``)."""
    source = str(path)
    if not path.is_file():
        raise InvalidInput("no such file", source=source)
    chosen = event_kind(kind if kind is not None else path.stem, source=source)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return read_events(stream, chosen, source)
    except UnicodeDecodeError as exc:
        raise InvalidInput("is not UTF-8 text", source=source) from exc
    except csv.Error as exc:
        raise InvalidInput(f"is not a readable CSV file: {exc}", source=source) from exc


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


def event_payload(event: Event) -> dict[str, Any]:
    """The event as JSON-native data (decimals and dates as text), for storage."""
    _, fields = _SPECS[event.kind]
    return {spec.attr: _json_value(getattr(event, spec.attr)) for spec in fields}


def event_from_payload(kind: str, payload: dict[str, Any]) -> Event:
    """The event ``event_payload`` stored."""
    cls, fields = _SPECS[kind]
    arguments = {
        spec.attr: spec.parse(payload[spec.attr]) if payload[spec.attr] is not None else None
        for spec in fields
        if spec.attr in payload
    }
    event: Event = cls(**arguments)
    return event


def content_hash(payload: dict[str, Any]) -> str:
    """A fingerprint of an event's content: the same key with another hash is a conflict."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def iter_payloads(events: Iterable[Event]) -> Iterator[tuple[Event, dict[str, Any]]]:
    for event in events:
        yield event, event_payload(event)
