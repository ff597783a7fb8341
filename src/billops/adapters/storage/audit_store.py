"""Writing and reading the audit trail in the database.

``append`` is called by every repository inside the transaction that makes
the change, so a change and its audit record commit together or not at all.
It takes the ``audit_head`` row with ``SELECT ... FOR UPDATE`` (PostgreSQL;
SQLite serialises writers with ``BEGIN IMMEDIATE``), so two writers can
never chain onto the same record; the unique ``prev_hash`` constraint is
the database's second line of defence.

``append_many`` appends several records in one go: the head is locked and
read once, the records are chained onto it in the order given (exactly as
that many ``append`` calls would chain them) and inserted with one
multi-row statement. Setup uses it to write a batch of contracts' records
at the end of the batch's transaction, so the head lock is held briefly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from billops.adapters.storage.tables import AuditHeadRow, AuditRow

__all__ = ["AuditRow", "ChainReport", "Entry", "append", "append_many", "records", "verify"]
from billops.domain.audit import AuditRecord, BrokenLink, ChainReport, draft, seal, verify_chain
from billops.errors import IntegrityProblem

Clock = Callable[[], datetime]
_AUDIT_LOG = cast(Table, AuditRow.__table__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Entry:
    """One state change to record (what ``append`` takes), for ``append_many``."""

    actor: str
    entity_type: str
    entity_id: str
    action: str
    before: Any
    after: Any
    reason: str | None = None


def append(
    session: Session,
    *,
    actor: str,
    entity_type: str,
    entity_id: str,
    action: str,
    before: Any,
    after: Any,
    reason: str | None = None,
    clock: Clock = utc_now,
) -> AuditRecord:
    entry = Entry(actor, entity_type, entity_id, action, before, after, reason)
    return append_many(session, [entry], clock=clock)[0]


def append_many(
    session: Session, entries: Sequence[Entry], *, clock: Clock = utc_now
) -> list[AuditRecord]:
    """Append ``entries`` in order, chained as one ``append`` call each would chain them."""
    if not entries:
        return []
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        raise IntegrityProblem(
            "the audit_head row is missing: the audit trail's head was deleted",
            hint="run `billops audit verify`; restore the database from a backup",
        )
    seq, last_hash = head.seq, head.hash
    sealed = []
    for entry in entries:
        seq += 1
        record = seal(
            draft(
                seq,
                timestamp(clock()),
                entry.actor,
                entry.entity_type,
                entry.entity_id,
                entry.action,
                entry.before,
                entry.after,
                entry.reason,
            ),
            last_hash,
        )
        sealed.append(record)
        last_hash = record.hash
    session.execute(insert(_AUDIT_LOG), [_columns(record) for record in sealed])
    head.seq, head.hash = seq, last_hash
    session.flush()
    return sealed


def _columns(record: AuditRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "occurred_at": record.occurred_at,
        "actor": record.actor,
        "entity_type": record.entity_type,
        "entity_id": record.entity_id,
        "action": record.action,
        "before": record.before,
        "after": record.after,
        "reason": record.reason,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def _from_row(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=row.actor,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        action=row.action,
        before=row.before,
        after=row.after,
        reason=row.reason,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def records(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    batch: int = 1000,
) -> Iterator[AuditRecord]:
    """The trail in sequence order, streamed in batches (it grows without bound)."""
    query = select(AuditRow).order_by(AuditRow.seq)
    if entity_type is not None:
        query = query.where(AuditRow.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    for row in session.execute(query.execution_options(yield_per=batch)).scalars():
        yield _from_row(row)


def verify(session: Session) -> ChainReport:
    head = session.get(AuditHeadRow, 1)
    if head is None:
        return ChainReport(
            0, BrokenLink(0, "the audit_head row (the last record written) is missing")
        )
    return verify_chain(records(session), (head.seq, head.hash))


def latest(
    session: Session,
    limit: int,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
) -> tuple[list[AuditRecord], int]:
    """The newest ``limit`` records (oldest first) and how many match in all."""
    query = select(AuditRow)
    counting = select(func.count()).select_from(AuditRow)
    if entity_type is not None:
        query = query.where(AuditRow.entity_type == entity_type)
        counting = counting.where(AuditRow.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
        counting = counting.where(AuditRow.entity_id == entity_id)
    rows = session.execute(query.order_by(AuditRow.seq.desc()).limit(limit)).scalars()
    total = int(session.execute(counting).scalar_one())
    return [_from_row(row) for row in reversed(list(rows))], total
