"""Booking an order for revenue: check readiness, judge what is missing, book.

An order set up from a contract (``billops setup ID``) is booked for
revenue only when the contract meets step 1 of ASC 606 / IFRS 15
(``billops.domain.revenue.readiness``): approved and signed, rights and
payment terms identifiable, commercial substance, collection probable, and
no contract of the same customer signed close by left unassessed for
combination. Three operations, each one transaction:

1. ``booking_readiness_of`` loads the current contract version, its latest
   approval, the customer, the customer's other contracts, the judgements
   recorded on this version and the combination window of the signing
   entity's policy (``booking.combination_window_days``), and returns the
   checklist: each criterion met, missing or judged, with its evidence.
   It stores nothing.
2. ``judge`` records a person's judgement on a missing criterion, with a
   reason; ``approve_judgement`` is a second person's approval of it
   (maker-checker: the maker's own approval is refused). Only then does
   the criterion count as judged. Audited.
3. ``book`` books the order: refused while a criterion is missing, while
   the contract has no order or the order was set up from another version;
   booking a booked contract again changes nothing. Audited, with the
   checklist as it stood.

    $ billops revenue ready OF-2026-001          # exit 1: collectability missing
    $ BILLOPS_ACTOR=maria billops revenue judge OF-2026-001 --criterion collectability \\
          --reason "50 % deposit received; parent guarantee G-17"
    $ BILLOPS_ACTOR=carl billops revenue approve-judgement OF-2026-001 --criterion collectability
    $ BILLOPS_ACTOR=carl billops revenue book OF-2026-001

Decisions worth knowing:

- Amendments are not booked on their own: they modify the contract they
  amend (IFRS 15.18, a later step); asking about one is an error naming the
  contract to ask about instead.
- A judgement belongs to the contract version it was made on. A new
  version needs new judgements (as waivers do).
- An approved judgement is final for its version: recording another one on
  the same criterion is refused. An unapproved one may be replaced; the
  person who replaces it becomes its maker.
- Booking does not re-check after the fact: a booked contract stays booked
  when a later version, a credit downgrade or a new contract would change
  the checklist (reversing a booking is a later step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers, StoredVersion
from billops.adapters.storage.revenue_store import Booking, RevenueStore, StoredJudgement
from billops.adapters.storage.tables import ContractRow
from billops.adapters.storage.tables_setup import OrderRow
from billops.adapters.storage.tables_validation import ContractApprovalRow
from billops.domain.contract import DocumentType
from billops.domain.policy import Policy
from billops.domain.revenue.readiness import (
    ContractApproval,
    CriterionStatus,
    Readiness,
    RelatedContract,
    booking_readiness,
    criterion_id_of,
)
from billops.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "BookingOutcome",
    "BookingReadiness",
    "BookingRefused",
    "JudgementOutcome",
    "JudgementRefused",
    "PolicySource",
    "approve_judgement",
    "book",
    "booking_readiness_of",
    "judge",
]

PolicySource = Policy | Callable[[str | None], Policy]
"""A policy, or a function giving the effective policy of a legal entity code."""


class BookingRefused(Conflict):
    """Booking an order that may not be booked yet (exit code 2)."""


class JudgementRefused(Conflict):
    """A judgement or its approval that the rules do not allow (exit code 2)."""


@dataclass(frozen=True)
class BookingReadiness:
    """A contract's booking checklist, with what is stored about its booking."""

    readiness: Readiness
    combination_window_days: int
    order_version: int | None  # the contract version the order was set up from; None: no order
    booking: Booking | None
    judgements: tuple[StoredJudgement, ...]  # recorded on this version

    @property
    def contract_id(self) -> str:
        return self.readiness.contract_id

    @property
    def version(self) -> int:
        return self.readiness.version

    @property
    def ready(self) -> bool:
        return self.readiness.ready

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.readiness.as_dict(),
            "combination_window_days": self.combination_window_days,
            "order_version": self.order_version,
            "booked": self.booking is not None,
            "booking": None if self.booking is None else self.booking.as_dict(),
            "judgements": [j.as_dict() for j in self.judgements],
        }


@dataclass(frozen=True)
class JudgementOutcome:
    judgement: StoredJudgement
    changed: bool  # False when the same judgement (or approval) was already stored

    def as_dict(self) -> dict[str, Any]:
        return {**self.judgement.as_dict(), "changed": self.changed}


@dataclass(frozen=True)
class BookingOutcome:
    booking: Booking
    created: bool  # False when the contract was already booked

    def as_dict(self) -> dict[str, Any]:
        return {**self.booking.as_dict(), "created": self.created}


# --------------------------------------------------------------------------
# Loading the checklist


def _policy_of(policy: PolicySource, entity_code: str | None) -> Policy:
    return policy if isinstance(policy, Policy) else policy(entity_code)


def _current(session: Session, contract_id: str) -> StoredVersion:
    stored = Contracts(session, "reader").get(contract_id)  # NotFound names the id
    terms = stored.terms
    if terms.document_type is DocumentType.AMENDMENT:
        raise InvalidInput(
            f"contract {contract_id!r} is an amendment of {terms.amends!r}: it is not booked on "
            "its own",
            hint=f"check and book {terms.amends!r}; amendments modify it",
        )
    return stored


def _latest_approval(session: Session, contract_id: str) -> ContractApproval | None:
    row = session.execute(
        select(ContractApprovalRow)
        .where(ContractApprovalRow.contract_id == contract_id)
        .order_by(ContractApprovalRow.contract_version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return ContractApproval(row.contract_version, row.approver, row.approved_at.date())


def _other_contracts(session: Session, stored: StoredVersion) -> list[RelatedContract]:
    code = stored.terms.customer.code
    if code is None:
        return []
    contracts = Contracts(session, "reader")
    ids = session.execute(
        select(ContractRow.contract_id)
        .where(ContractRow.customer_code == code, ContractRow.contract_id != stored.contract_id)
        .order_by(ContractRow.contract_id)
    ).scalars()
    others = []
    for other_id in ids:
        terms = contracts.get(other_id).terms
        others.append(
            RelatedContract(other_id, terms.signature_date, terms.document_type, terms.amends)
        )
    return others


def _load(
    session: Session, contract_id: str, policy: PolicySource, as_of: date
) -> BookingReadiness:
    stored = _current(session, contract_id)
    terms = stored.terms
    window = _policy_of(policy, terms.supplier.code).booking.combination_window_days
    store = RevenueStore(session, "reader")
    judgements = store.judgements(contract_id, stored.version)
    customer = (
        Customers(session, "reader").find(terms.customer.code) if terms.customer.code else None
    )
    readiness = booking_readiness(
        terms,
        version=stored.version,
        approval=_latest_approval(session, contract_id),
        customer=customer,
        other_contracts=_other_contracts(session, stored),
        combination_window_days=window,
        as_of=as_of,
        judgements=[j.as_domain() for j in judgements],
    )
    order_version = session.execute(
        select(OrderRow.contract_version).where(OrderRow.contract_id == contract_id)
    ).scalar_one_or_none()
    return BookingReadiness(
        readiness=readiness,
        combination_window_days=window,
        order_version=order_version,
        booking=store.booking(contract_id),
        judgements=tuple(judgements),
    )


def booking_readiness_of(
    database: Database, contract_id: str, *, policy: PolicySource, as_of: date
) -> BookingReadiness:
    """The checklist of ``contract_id``'s current version on ``as_of``; stores nothing."""
    with database.transaction() as session:
        return _load(session, contract_id, policy, as_of)


# --------------------------------------------------------------------------
# Judgements (maker-checker)


def _required(text: str | None, what: str, field: str, example: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required", field=field, hint=example)
    return value


def _who(actor: str) -> str:
    return _required(actor, "who is acting", "BILLOPS_ACTOR", "set BILLOPS_ACTOR to your name")


def judge(
    database: Database,
    contract_id: str,
    *,
    criterion: str,
    reason: str | None,
    actor: str,
    policy: PolicySource,
    as_of: date,
    clock: Clock = utc_now,
) -> JudgementOutcome:
    """Record ``actor``'s judgement on a missing criterion of the current version (audited).

    Refused without a reason, for an unknown criterion, for one that cannot
    be judged (the contract's own approval), for one that is met, for one
    already judged and approved, and once the contract is booked.
    """
    criterion_id = criterion_id_of(criterion)
    text = _required(
        reason,
        "a judgement needs a reason for the audit trail",
        "--reason",
        'say why, e.g. --reason "customer paid a 50 % deposit; guarantee from parent, ref G-17"',
    )
    maker = _who(actor)
    with database.transaction() as session:
        _lock(session, contract_id)
        loaded = _load(session, contract_id, policy, as_of)
        checked = loaded.readiness.criterion(criterion_id)
        where = f"contract {contract_id!r} v{loaded.version}"
        if not checked.criterion.judgeable:
            raise JudgementRefused(
                f"{criterion_id} cannot be settled by a judgement: {checked.explanation}",
                hint="validate the contract and have a second person approve it "
                f"(`billops contract approve {contract_id}`)",
            )
        if loaded.booking is not None:
            raise JudgementRefused(
                f"{where} is already booked (by {loaded.booking.booked_by}); judgements are "
                "recorded before booking"
            )
        if checked.status is CriterionStatus.MET:
            raise JudgementRefused(
                f"{criterion_id} is met on {where}: nothing to judge ({checked.explanation})"
            )
        existing = RevenueStore(session, maker, clock).judgement(
            contract_id, loaded.version, criterion_id
        )
        if existing is not None and existing.approved:
            raise JudgementRefused(
                f"{criterion_id} on {where} is already judged by {existing.made_by} and approved "
                f"by {existing.approved_by}",
                hint="an approved judgement stays; a new contract version needs its own",
            )
        stored, changed = RevenueStore(session, maker, clock).record_judgement(
            contract_id, loaded.version, criterion_id, text
        )
    return JudgementOutcome(stored, changed)


def approve_judgement(
    database: Database,
    contract_id: str,
    *,
    criterion: str,
    approver: str,
    clock: Clock = utc_now,
) -> JudgementOutcome:
    """A second person approves the judgement on ``criterion`` of the current version (audited).

    Refused to the judgement's maker. Approving an approved judgement again
    changes nothing.
    """
    criterion_id = criterion_id_of(criterion)
    checker = _who(approver)
    with database.transaction() as session:
        _lock(session, contract_id)
        stored = _current(session, contract_id)
        store = RevenueStore(session, checker, clock)
        found = store.judgement(contract_id, stored.version, criterion_id)
        if found is None:
            older = [j for j in store.judgements(contract_id) if j.criterion == criterion_id]
            if older:
                raise NotFound(
                    f"the judgement on {criterion_id} of contract {contract_id!r} was made on "
                    f"version {older[-1].contract_version}; the contract is now at version "
                    f"{stored.version}",
                    hint="a changed contract needs a fresh judgement: record it again with "
                    f"`billops revenue judge {contract_id} --criterion {criterion_id} "
                    "--reason ...`",
                )
            raise NotFound(
                f"no judgement on {criterion_id} has been recorded for contract {contract_id!r} "
                f"v{stored.version}",
                hint=f"someone records it first: `billops revenue judge {contract_id} "
                f"--criterion {criterion_id} --reason ...`",
            )
        if found.approved:
            return JudgementOutcome(found, False)
        if found.made_by.casefold() == checker.casefold():
            raise JudgementRefused(
                f"{checker} made the judgement on {criterion_id} of contract {contract_id!r}, so "
                "cannot approve it: maker-checker needs a second person",
                field="BILLOPS_ACTOR",
                value=checker,
                hint="ask a colleague to approve it (set BILLOPS_ACTOR to who is acting)",
            )
        return JudgementOutcome(
            store.approve_judgement(contract_id, stored.version, criterion_id), True
        )


# --------------------------------------------------------------------------
# Booking


def _lock(session: Session, contract_id: str) -> None:
    """Serialise changes to one contract's booking (PostgreSQL row lock; SQLite locks writers)."""
    session.execute(
        select(ContractRow.id).where(ContractRow.contract_id == contract_id).with_for_update()
    )


def book(
    database: Database,
    contract_id: str,
    *,
    actor: str,
    policy: PolicySource,
    as_of: date,
    clock: Clock = utc_now,
) -> BookingOutcome:
    """Book the order of ``contract_id`` for revenue (audited); booked already: no change.

    Refused while a criterion is missing (the message names each, with its
    evidence), when the contract has no order yet, and when the order was
    set up from another version than the current one.
    """
    booker = _who(actor)
    with database.transaction() as session:
        _lock(session, contract_id)
        store = RevenueStore(session, booker, clock)
        existing = store.booking(contract_id)
        if existing is not None:
            return BookingOutcome(existing, False)
        loaded = _load(session, contract_id, policy, as_of)
        where = f"contract {contract_id!r} v{loaded.version}"
        missing = loaded.readiness.missing
        if missing:
            listed = "; ".join(f"{c.criterion_id}: {c.explanation}" for c in missing)
            raise BookingRefused(
                f"{where} cannot be booked: {len(missing)} criteri"
                f"{'a' if len(missing) > 1 else 'on'} missing: {listed}",
                hint=f"`billops revenue ready {contract_id}` shows the evidence; fix the "
                "contract or customer, or record a judgement (`billops revenue judge`) for a "
                "second person to approve",
            )
        if loaded.order_version is None:
            raise BookingRefused(
                f"{where} has no order to book",
                hint=f"set it up first: `billops setup {contract_id}`",
            )
        if loaded.order_version != loaded.version:
            raise BookingRefused(
                f"the order of {where} was set up from version {loaded.order_version}",
                hint=f"set it up again from the current version: `billops setup {contract_id}`",
            )
        booking = store.book(contract_id, loaded.version, loaded.readiness.as_dict())
    return BookingOutcome(booking, True)
