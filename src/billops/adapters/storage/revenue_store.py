"""Storing bookings and readiness judgements; every change audited.

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
==========================  ==========================  =====================

Storing what is already stored (the same judgement text, an approved
judgement approved again, a booked contract booked again) writes nothing.
The rules of *when* each change is allowed (a missing criterion, a second
person) are the workflow's (``billops.workflows.revenue_booking``); the
maker-checker rule is also a check constraint, so no code path can break it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billops.adapters.storage import audit_store
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.tables_revenue import BookingRow, ReadinessJudgementRow
from billops.domain.revenue.readiness import Judgement
from billops.errors import NotFound

__all__ = ["Booking", "RevenueStore", "StoredJudgement"]


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
