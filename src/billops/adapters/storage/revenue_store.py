"""Storing bookings, readiness judgements and the revenue run; every change audited.

``RevenueStore`` works inside a session the caller opened (one transaction
per unit of work) and writes one audit record per state change in that same
transaction:

==========================  ==========================  =====================
change                      audit entity / id           action
==========================  ==========================  =====================
a judgement recorded        ``readiness_judgement``     ``judge``
its text replaced           ``CONTRACT/vN/CRITERION``   ``update``
a judgement approved                                    ``approve``
an order booked             ``booking`` / CONTRACT      ``book``
a month's revenue run       ``revenue_run``             ``start``, ``finish``
started / changed           ``ENTITY:YYYY-MM``
a contract's month posted   ``revenue_posting``         ``post``
(postings and journals)     ``CONTRACT:YYYY-MM``
==========================  ==========================  =====================

Storing what is already stored (the same judgement text, an approved
judgement approved again, a booked contract booked again) writes nothing.
The rules of *when* each change is allowed (a missing criterion, a second
person) are the workflow's (``billops.workflows.revenue_booking``); the
maker-checker rule is also a check constraint, so no code path can break it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables_revenue import (
    BookingRow,
    ReadinessJudgementRow,
    RevenueJournalEntryRow,
    RevenuePostingRow,
    RevenueRunRow,
)
from billops.domain.calendar import Period
from billops.domain.money import Money
from billops.domain.revenue.journals import JournalEntry
from billops.domain.revenue.readiness import Judgement
from billops.errors import NotFound

__all__ = [
    "Booking",
    "Posting",
    "RevenueStore",
    "StoredJudgement",
    "journal_summary",
    "month_text",
]


def month_text(period: Period) -> str:
    """``2026-11``: how a month is written in the revenue tables."""
    return period.start.strftime("%Y-%m")


@dataclass(frozen=True)
class Posting:
    """Revenue posted for one obligation in one month (one revision of it)."""

    contract_id: str
    obligation_id: str
    period: str  # YYYY-MM
    revision: int
    amount: Money
    catch_up: Money  # the part of ``amount`` that belongs to earlier months
    plan_fingerprint: str
    as_of: date
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "obligation_id": self.obligation_id,
            "period": self.period,
            "revision": self.revision,
            "amount": format(self.amount.amount, "f"),
            "catch_up": format(self.catch_up.amount, "f"),
            "currency": self.amount.currency,
            "plan_fingerprint": self.plan_fingerprint,
            "as_of": self.as_of.isoformat(),
            "explanation": self.explanation,
        }


def _posting(row: RevenuePostingRow) -> Posting:
    return Posting(
        contract_id=row.contract_id,
        obligation_id=row.obligation_id,
        period=row.period,
        revision=row.revision,
        amount=Money(Decimal(row.amount), row.currency),
        catch_up=Money(Decimal(row.catch_up), row.currency),
        plan_fingerprint=row.plan_fingerprint,
        as_of=row.as_of,
        explanation=row.explanation,
    )


def _utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite returns them naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class StoredJudgement:
    """A judgement as stored: on which contract version, by whom, approved by whom."""

    contract_id: str
    contract_version: int
    criterion: str
    judgement: str
    made_by: str
    made_at: datetime
    approved_by: str | None
    approved_at: datetime | None

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    def as_domain(self) -> Judgement:
        return Judgement(self.criterion, self.judgement, self.made_by, self.approved_by)

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "contract_version": self.contract_version,
            "criterion": self.criterion,
            "judgement": self.judgement,
            "made_by": self.made_by,
            "made_at": self.made_at.isoformat(),
            "approved_by": self.approved_by,
            "approved_at": None if self.approved_at is None else self.approved_at.isoformat(),
        }


@dataclass(frozen=True)
class Booking:
    """A contract's order booked for revenue."""

    contract_id: str
    contract_version: int
    status: str
    booked_by: str
    booked_at: datetime
    checklist: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "contract_version": self.contract_version,
            "status": self.status,
            "booked_by": self.booked_by,
            "booked_at": self.booked_at.isoformat(),
        }


def _judgement(row: ReadinessJudgementRow) -> StoredJudgement:
    return StoredJudgement(
        contract_id=row.contract_id,
        contract_version=row.contract_version,
        criterion=row.criterion,
        judgement=row.judgement,
        made_by=row.made_by,
        made_at=_utc(row.made_at),
        approved_by=row.approved_by,
        approved_at=None if row.approved_at is None else _utc(row.approved_at),
    )


def _booking(row: BookingRow) -> Booking:
    return Booking(
        contract_id=row.contract_id,
        contract_version=row.contract_version,
        status=row.status,
        booked_by=row.booked_by,
        booked_at=_utc(row.booked_at),
        checklist=dict(row.checklist),
    )


class RevenueStore:
    """Bookings and readiness judgements of contracts."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock

    # -- reading ------------------------------------------------------------

    def booking(self, contract_id: str) -> Booking | None:
        row = self._booking_row(contract_id)
        return None if row is None else _booking(row)

    def judgements(self, contract_id: str, version: int | None = None) -> list[StoredJudgement]:
        """The contract's judgements (of one version, or all), oldest version first."""
        query = select(ReadinessJudgementRow).where(
            ReadinessJudgementRow.contract_id == contract_id
        )
        if version is not None:
            query = query.where(ReadinessJudgementRow.contract_version == version)
        query = query.order_by(
            ReadinessJudgementRow.contract_version,
            ReadinessJudgementRow.criterion,
        )
        return [_judgement(row) for row in self.session.execute(query).scalars()]

    def judgement(self, contract_id: str, version: int, criterion: str) -> StoredJudgement | None:
        row = self._judgement_row(contract_id, version, criterion)
        return None if row is None else _judgement(row)

    # -- changing -------------------------------------------------------------

    def record_judgement(
        self, contract_id: str, version: int, criterion: str, text: str
    ) -> tuple[StoredJudgement, bool]:
        """Record (or replace, while unapproved) the actor's judgement; True when it changed.

        The caller makes sure an approved judgement is not replaced.
        """
        row = self._judgement_row(contract_id, version, criterion)
        now = self.clock()
        if row is not None and row.judgement == text and row.made_by == self.actor:
            return _judgement(row), False
        before = None if row is None else _judgement(row).as_dict()
        if row is None:
            row = ReadinessJudgementRow(
                contract_id=contract_id, contract_version=version, criterion=criterion
            )
            self.session.add(row)
        row.judgement, row.made_by, row.made_at = text, self.actor, now
        row.approved_by, row.approved_at = None, None
        self.session.flush()
        stored = _judgement(row)
        self._audit_judgement(stored, "judge" if before is None else "update", before, text)
        return stored, True

    def approve_judgement(self, contract_id: str, version: int, criterion: str) -> StoredJudgement:
        """The actor approves the stored judgement (the caller checks it exists and who made it)."""
        row = self._judgement_row(contract_id, version, criterion)
        if row is None:
            raise NotFound(f"no judgement on {criterion} of contract {contract_id!r} v{version}")
        before = _judgement(row).as_dict()
        row.approved_by, row.approved_at = self.actor, self.clock()
        self.session.flush()
        stored = _judgement(row)
        self._audit_judgement(stored, "approve", before, stored.judgement)
        return stored

    def book(self, contract_id: str, version: int, checklist: dict[str, Any]) -> Booking:
        """Book the contract's order (the caller checks it is ready and not booked yet)."""
        row = BookingRow(
            contract_id=contract_id,
            contract_version=version,
            status="booked",
            booked_by=self.actor,
            booked_at=self.clock(),
            checklist=checklist,
        )
        self.session.add(row)
        self.session.flush()
        booking = _booking(row)
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="booking",
            entity_id=contract_id,
            action="book",
            before=None,
            after={**booking.as_dict(), "checklist": checklist},
            reason=None,
            clock=self.clock,
        )
        return booking

    # -- internals ------------------------------------------------------------

    def _booking_row(self, contract_id: str) -> BookingRow | None:
        return self.session.execute(
            select(BookingRow).where(BookingRow.contract_id == contract_id)
        ).scalar_one_or_none()

    def _judgement_row(
        self, contract_id: str, version: int, criterion: str
    ) -> ReadinessJudgementRow | None:
        return self.session.execute(
            select(ReadinessJudgementRow).where(
                ReadinessJudgementRow.contract_id == contract_id,
                ReadinessJudgementRow.contract_version == version,
                ReadinessJudgementRow.criterion == criterion,
            )
        ).scalar_one_or_none()

    def _audit_judgement(
        self, stored: StoredJudgement, action: str, before: dict[str, Any] | None, reason: str
    ) -> None:
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="readiness_judgement",
            entity_id=f"{stored.contract_id}/v{stored.contract_version}/{stored.criterion}",
            action=action,
            before=before,
            after=stored.as_dict(),
            reason=reason,
            clock=self.clock,
        )

    # -- the revenue run ------------------------------------------------------

    def run_periods(self) -> dict[str, list[str]]:
        """The months whose revenue was run, per legal entity, oldest first."""
        found: dict[str, list[str]] = {}
        rows = self.session.execute(
            select(RevenueRunRow.entity_code, RevenueRunRow.period).order_by(
                RevenueRunRow.entity_code, RevenueRunRow.period
            )
        )
        for entity_code, period in rows:
            found.setdefault(entity_code, []).append(period)
        return found

    def run_row(self, entity_code: str, period: str) -> RevenueRunRow | None:
        return self.session.execute(
            select(RevenueRunRow).where(
                RevenueRunRow.entity_code == entity_code, RevenueRunRow.period == period
            )
        ).scalar_one_or_none()

    def start_run(self, entity_code: str, period: str) -> bool:
        """Record that the entity's month is being run; True the first time (audited)."""
        if self.run_row(entity_code, period) is not None:
            return False
        now = self.clock()
        row = RevenueRunRow(
            entity_code=entity_code,
            period=period,
            runs=1,
            first_run_by=self.actor,
            first_run_at=now,
            last_run_by=self.actor,
            last_run_at=now,
            summary={},
        )
        self.session.add(row)
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="revenue_run",
            entity_id=f"{entity_code}:{period}",
            action="start",
            before=None,
            after={"entity": entity_code, "period": period},
            reason=f"revenue of {period} run for {entity_code}",
            clock=self.clock,
        )
        return True

    def finish_run(self, entity_code: str, period: str, summary: dict[str, Any]) -> None:
        """Store the summary of a run that changed something (audited)."""
        row = self.run_row(entity_code, period)
        if row is None:  # pragma: no cover - start_run comes first
            raise NotFound(f"no revenue run of {period} for {entity_code}")
        before = {"runs": row.runs, "summary": row.summary}
        first = not row.summary
        row.runs = row.runs if first else row.runs + 1
        row.last_run_by, row.last_run_at = self.actor, self.clock()
        row.summary = summary
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="revenue_run",
            entity_id=f"{entity_code}:{period}",
            action="finish",
            before=before,
            after={"runs": row.runs, "summary": summary},
            reason=None,
            clock=self.clock,
        )

    def postings(
        self, contract_ids: Sequence[str] | None = None, *, period: str | None = None
    ) -> list[Posting]:
        """Postings of these contracts (all, or of one month), by contract, month, revision."""
        query = select(RevenuePostingRow)
        if contract_ids is not None:
            query = query.where(RevenuePostingRow.contract_id.in_(list(contract_ids)))
        if period is not None:
            query = query.where(RevenuePostingRow.period == period)
        query = query.order_by(
            RevenuePostingRow.contract_id,
            RevenuePostingRow.period,
            RevenuePostingRow.obligation_id,
            RevenuePostingRow.revision,
        )
        return [_posting(row) for row in self.session.execute(query).scalars()]

    def journal_rows(
        self,
        period: str,
        *,
        contract_ids: Sequence[str] | None = None,
        entity_code: str | None = None,
    ) -> list[RevenueJournalEntryRow]:
        """The stored journal entries of a month, in contract and entry order."""
        query = select(RevenueJournalEntryRow).where(RevenueJournalEntryRow.period == period)
        if contract_ids is not None:
            query = query.where(RevenueJournalEntryRow.contract_id.in_(list(contract_ids)))
        if entity_code is not None:
            query = query.where(RevenueJournalEntryRow.entity_code == entity_code)
        query = query.order_by(RevenueJournalEntryRow.contract_id, RevenueJournalEntryRow.id)
        return list(self.session.execute(query).scalars())

    def billing_documents(
        self, contract_ids: Sequence[str], before: str
    ) -> dict[str, list[tuple[str, list[str] | None]]]:
        """Per contract: each billing entry before the month ``before``, with its documents."""
        query = (
            select(
                RevenueJournalEntryRow.contract_id,
                RevenueJournalEntryRow.period,
                RevenueJournalEntryRow.documents,
            )
            .where(
                RevenueJournalEntryRow.contract_id.in_(list(contract_ids)),
                RevenueJournalEntryRow.period < before,
                RevenueJournalEntryRow.kind == "billing",
            )
            .order_by(RevenueJournalEntryRow.contract_id, RevenueJournalEntryRow.period)
        )
        found: dict[str, list[tuple[str, list[str] | None]]] = {}
        for contract_id, period, documents in self.session.execute(query):
            found.setdefault(contract_id, []).append((period, documents))
        return found

    def post(
        self,
        *,
        entity_code: str,
        contract_id: str,
        period: str,
        postings: Iterable[Posting],
        journals: Sequence[JournalEntry] | None,
        reason: str,
        before: list[dict[str, Any]] | None = None,
    ) -> None:
        """Add postings and (when given) replace the contract's journal entries of the month.

        One audit record for the contract's month (``before``: the summaries
        of the month's stored entries, when the caller read them). The unique key of
        ``revenue_postings`` refuses a revision another run stored first:
        the caller's transaction then rolls back whole.
        """
        now = self.clock()
        added = list(postings)
        for p in added:
            self.session.add(
                RevenuePostingRow(
                    entity_code=entity_code,
                    contract_id=p.contract_id,
                    obligation_id=p.obligation_id,
                    period=p.period,
                    revision=p.revision,
                    amount=format(p.amount.amount, "f"),
                    catch_up=format(p.catch_up.amount, "f"),
                    currency=p.amount.currency,
                    plan_fingerprint=p.plan_fingerprint,
                    as_of=p.as_of,
                    explanation=p.explanation,
                    posted_by=self.actor,
                    posted_at=now,
                )
            )
        after: list[dict[str, Any]] | None = None
        if journals is not None:
            if before is None:
                old = self.journal_rows(period, contract_ids=[contract_id])
                before = [journal_summary(row) for row in old]
            self.session.execute(
                delete(RevenueJournalEntryRow).where(
                    RevenueJournalEntryRow.contract_id == contract_id,
                    RevenueJournalEntryRow.period == period,
                )
            )
            new_rows = [journal_row(entry, entity_code, self.actor, now) for entry in journals]
            self.session.add_all(new_rows)
            after = [journal_summary(row) for row in new_rows]
        self.session.flush()
        audit_store.append(
            self.session,
            actor=self.actor,
            entity_type="revenue_posting",
            entity_id=f"{contract_id}:{period}",
            action="post",
            before=None if journals is None or before is None else {"journals": before},
            after={
                "postings": [p.as_dict() for p in added],
                **({} if after is None else {"journals": after}),
            },
            reason=reason,
            clock=self.clock,
        )


def journal_row(
    entry: JournalEntry, entity_code: str, actor: str, now: datetime
) -> RevenueJournalEntryRow:
    """A journal entry as a row (totals as exact decimal text)."""
    debits, credits = entry.totals()
    return RevenueJournalEntryRow(
        entry_key=entry.entry_key,
        entity_code=entity_code,
        contract_id=entry.contract_id,
        period=month_text(entry.period),
        kind=entry.kind.value,
        posting_date=entry.posting_date,
        currency=debits.currency,
        debit_total=format(debits.amount, "f"),
        credit_total=format(credits.amount, "f"),
        description=entry.description,
        lines=[line.as_dict() for line in entry.lines],
        documents=list(entry.documents) if entry.kind.value == "billing" else None,
        posted_by=actor,
        posted_at=now,
    )


def journal_summary(row: RevenueJournalEntryRow) -> dict[str, Any]:
    return {
        "entry_key": row.entry_key,
        "debit_total": f"{row.debit_total} {row.currency}",
        "lines": len(row.lines),
    }
