"""Recording events: delivery facts stored once each, checked against the contract.

Events arrive from CSV exports (``billops event import FILE``) or one at a
time (``billops event add KIND ...``). A file is all-or-nothing: every row
is read and checked first, then all are stored in one transaction, with one audit record for the
batch (every key and its content hash), so a bad row anywhere leaves
nothing half-saved.

Each event is stored once per ``idempotency_key``:

- a key already stored with the same content is "already recorded" and
  skipped (re-importing a file changes nothing);
- a key already stored with *other* content is an error naming the key:
  the sender reused a key, or changed an event it had already sent.

Checks against the contract the event names (its current version):

- the contract must exist; a line id must be one of its lines, a milestone
  id one of its milestones;
- a shipment may not take the shipped quantity of a line above the
  quantity ordered (shipments already stored count).

Time for a role that is not on the rate card is recorded: it is a fact,
and the schedule reports it as a finding (``SCHEDULE-ROLE-NOT-ON-RATE-CARD``)
instead of billing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billops.adapters.event_files import (
    content_hash,
    event_payload,
    read_event_file,
)
from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import EventStore
from billops.adapters.storage.tables import ContractRow, ContractVersionRow
from billops.domain.contract import ContractTerms
from billops.domain.events import Event, MilestoneAcceptance, Shipment
from billops.errors import Conflict, InvalidInput
from billops.workflows.progress import SILENT, Progress

__all__ = [
    "ContractFacts",
    "EventImport",
    "check_events",
    "contract_facts",
    "import_event_files",
    "record_events",
]


@dataclass
class EventImport:
    """What recording a batch of events did."""

    source: str
    recorded: list[str] = field(default_factory=list)
    already_recorded: list[str] = field(default_factory=list)
    contracts: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "recorded": len(self.recorded),
            "already_recorded": len(self.already_recorded),
            "contracts": sorted(self.contracts),
        }


def _where(source: str, index: int, event: Event) -> str:
    return f"{source}: {event.kind} {event.idempotency_key}"


@dataclass(frozen=True)
class ContractFacts:
    """What the checks need of a contract: its lines (with quantities) and milestones."""

    lines: dict[str, Decimal | None]
    milestones: tuple[str, ...]

    @classmethod
    def of(cls, terms: ContractTerms) -> ContractFacts:
        return cls(
            {line.line_id: line.quantity for line in terms.lines},
            tuple(m.milestone_id for m in terms.milestones),
        )

    @classmethod
    def from_image(cls, image: dict[str, Any]) -> ContractFacts:
        """From a stored terms image (validated when it was stored): no model parsing."""
        lines: dict[str, Decimal | None] = {}
        for line in image.get("lines") or []:
            quantity = line.get("quantity")
            lines[str(line["line_id"])] = None if quantity is None else Decimal(str(quantity))
        milestones = tuple(str(m["milestone_id"]) for m in image.get("milestones") or [])
        return cls(lines, milestones)


def contract_facts(
    session: Session, contract_ids: Sequence[str], batch: int = 500
) -> dict[str, ContractFacts]:
    """The current version's facts of each stored contract among ``contract_ids``."""
    found: dict[str, ContractFacts] = {}
    unique = sorted(set(contract_ids))
    for start in range(0, len(unique), batch):
        rows = session.execute(
            select(ContractVersionRow.contract_id, ContractVersionRow.terms)
            .join(
                ContractRow,
                (ContractRow.contract_id == ContractVersionRow.contract_id)
                & (ContractRow.current_version == ContractVersionRow.version),
            )
            .where(ContractRow.contract_id.in_(unique[start : start + batch]))
        )
        found.update({cid: ContractFacts.from_image(image) for cid, image in rows})
    return found


def check_events(
    events: Sequence[Event],
    facts_of: dict[str, ContractFacts],
    shipped: dict[str, dict[str, Decimal]],
    source: str,
) -> None:
    """Refuse events that name an unknown contract, line or milestone, or ship too much."""
    batch_shipped: dict[tuple[str, str], Decimal] = {}
    for index, event in enumerate(events):
        where = _where(source, index, event)
        terms = facts_of.get(event.contract_id)
        if terms is None:
            raise InvalidInput(
                f"no contract {event.contract_id!r}",
                source=where,
                field="contract_id",
                hint="import the contract first (`billops contract import`)",
            )
        lines = terms.lines
        line_id = getattr(event, "line_id", None)
        if line_id is not None and line_id not in lines:
            raise InvalidInput(
                f"contract {event.contract_id} has no line {line_id!r} (its lines: "
                f"{', '.join(lines) or 'none'})",
                source=where,
                field="line_id",
            )
        if isinstance(event, MilestoneAcceptance):
            milestones = terms.milestones
            if event.milestone_id not in milestones:
                raise InvalidInput(
                    f"contract {event.contract_id} has no milestone {event.milestone_id!r} "
                    f"(its milestones: {', '.join(milestones) or 'none'})",
                    source=where,
                    field="milestone_id",
                )
        if isinstance(event, Shipment):
            ordered = lines[event.line_id]
            key = (event.contract_id, event.line_id)
            before = batch_shipped.get(
                key, shipped.get(event.contract_id, {}).get(event.line_id, Decimal(0))
            )
            total = before + event.quantity
            batch_shipped[key] = total
            if ordered is not None and total > ordered:
                raise InvalidInput(
                    f"shipping {event.quantity} takes line {event.line_id} of "
                    f"{event.contract_id} to {total} shipped, above the {ordered} ordered",
                    source=where,
                    field="quantity",
                    value=str(event.quantity),
                    hint="check the quantity, or amend the order first",
                )


def record_events(
    database: Database,
    events: Sequence[Event],
    *,
    actor: str,
    source: str,
    progress: Progress = SILENT,
) -> EventImport:
    """Check and store ``events`` in one transaction (see the module docstring)."""
    outcome = EventImport(source=source)
    payloads = [(event, event_payload(event)) for event in events]
    seen: dict[str, str] = {}
    for event, payload in payloads:
        digest = content_hash({"kind": event.kind, **payload})
        previous = seen.setdefault(event.idempotency_key, digest)
        if previous != digest:
            raise Conflict(
                f"idempotency key {event.idempotency_key!r} is used twice in this batch "
                "with different content",
                source=source,
                field="idempotency_key",
            )
    with database.transaction() as session:
        store = EventStore(session, actor)
        stored = store.existing([event.idempotency_key for event in events])
        facts_of = contract_facts(session, [event.contract_id for event in events])
        shipped = {
            contract_id: store.shipped(contract_id)
            for contract_id in sorted({e.contract_id for e in events if isinstance(e, Shipment)})
            if contract_id in facts_of
        }
        fresh: list[tuple[Event, dict[str, object], str]] = []
        done: set[str] = set()
        for event, payload in payloads:
            digest = content_hash({"kind": event.kind, **payload})
            row = stored.get(event.idempotency_key)
            if row is not None:
                if row.content_hash != digest or row.kind != event.kind:
                    raise Conflict(
                        f"idempotency key {event.idempotency_key!r} is already recorded with "
                        f"other content (a {row.kind} of contract {row.contract_id})",
                        source=source,
                        field="idempotency_key",
                        hint="an event, once recorded, is not changed: send a new event "
                        "with its own key",
                    )
                outcome.already_recorded.append(event.idempotency_key)
                continue
            if event.idempotency_key in done:
                outcome.already_recorded.append(event.idempotency_key)
                continue
            done.add(event.idempotency_key)
            fresh.append((event, payload, digest))
        check_events([event for event, _, _ in fresh], facts_of, shipped, source)
        progress.start(f"recording events from {source}", len(fresh))
        store.add_all([(event, dict(payload), digest) for event, payload, digest in fresh], source)
        progress.advance(len(fresh))
        for event, _, _ in fresh:
            outcome.recorded.append(event.idempotency_key)
            outcome.contracts.add(event.contract_id)
    return outcome


def import_event_files(
    database: Database,
    paths: Sequence[Path],
    *,
    actor: str,
    kind: str | None = None,
    progress: Progress = SILENT,
) -> list[EventImport]:
    """Read each file (its kind from ``kind`` or its name) and record it, one file at a time."""
    read = [(path, read_event_file(path, kind)) for path in paths]
    return [
        record_events(database, events, actor=actor, source=path.name, progress=progress)
        for path, events in read
    ]
