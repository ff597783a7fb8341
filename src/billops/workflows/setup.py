"""Setup: an approved contract becomes an order, a project and a billing schedule.

``setup_contract(database, contract_id, as_of=...)`` takes the latest
*approved* version of the contract (an unapproved contract is refused with
the command that approves it), the stored catalogue, the CRM opportunity
behind the contract, the contract's stored events and the amendments
applied to it, and computes, with pure domain functions:

1. the order (``build_order``: catalogue SKUs, bundles expanded, findings
   for lines that match no product or several);
2. the project, for services (``build_project``), with its readiness:
   ready for invoicing only when every billable element has a schedule
   item with a fitting trigger;
3. the billing schedule (``build_schedule``, the very call ``schedule
   preview`` makes, so the preview and what setup stores agree), then each
   applied amendment in turn (``amend_schedule``).

It then compares them with what is stored and writes only what differs,
with audit records, in one transaction: running setup twice changes
nothing ("unchanged"); a run killed half-way leaves each contract either
set up or not, and running again ends where an uninterrupted run would.
Schedule statuses depend on the events and the as-of date, so running
setup again after events arrive (``billops schedule refresh``) moves items
from *waiting* to *billable*.

Amendments (``amend_contract``): the amendment is a contract of its own
(``document_type: amendment``, ``amends: ID``), imported as such. Its lines
are added to the amended contract as add-ons, under ids
``<amendment id>.<line id>`` (co-termed seats, a new service); a line with
``replaces: L1`` also ends line L1 the day before the effective date (an
upgrade, a downgrade, a new quantity or price); an amendment without lines
that moves the end date terminates early or extends. It must take effect
(``effective_date``, else ``start_date``) within the amended contract's
term. Items already billed (until the billing run exists: date items
billable before the amendment was signed) are kept, with proration credits
and charges from the effective date; the rest is rebuilt; what is replaced
stays stored as superseded, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from billops.adapters.files import load_contract
from billops.adapters.storage.billing_store import BillingStore
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, StoredVersion
from billops.adapters.storage.setup_store import (
    CatalogStore,
    ContractSetup,
    EventStore,
    ScheduleOutcome,
    SetupStore,
    plain,
)
from billops.adapters.storage.tables import ContractRow, ContractVersionRow
from billops.adapters.storage.tables_setup import AppliedAmendmentRow
from billops.adapters.storage.tables_validation import ContractApprovalRow, OpportunityRow
from billops.domain.catalog import Catalogue, parse_catalogue
from billops.domain.contract import ContractLine, ContractTerms, DocumentType
from billops.domain.events import Events
from billops.domain.findings import Finding
from billops.domain.orders import Order, build_order
from billops.domain.projects import Project, build_project, project_readiness
from billops.domain.schedules import Schedule, build_schedule
from billops.domain.schedules.amendments import amend_schedule
from billops.domain.schedules.model import ItemStatus
from billops.errors import BillopsError, Conflict, InvalidInput, NotFound
from billops.workflows.progress import SILENT, Progress

__all__ = [
    "AmendOutcome",
    "ComputedSetup",
    "NotApproved",
    "SetupOutcome",
    "amend_contract",
    "amended_terms",
    "applied_amendments",
    "apply_pending_amendments",
    "approved_terms",
    "compute_schedule",
    "compute_setup",
    "iter_setup_all_approved",
    "preview_schedule",
    "setup_all_approved",
    "setup_contract",
]


ONE_DAY = timedelta(days=1)


class NotApproved(Conflict):
    """Setup of a contract that has no approved version (exit code 2)."""


# --------------------------------------------------------------------------
# The pure part: terms (+ amendments) -> order, project, schedule


def amended_terms(base: ContractTerms, amendment: ContractTerms) -> ContractTerms:
    """``base`` as ``amendment`` changes it: its lines added as add-ons, or its end date moved.

    A line with ``replaces: L1`` ends base line L1 the day before the effective
    date and runs from the effective date; an unknown ``replaces`` id is an
    ``InvalidInput``.

    >>> from billops.domain.contract import parse_contract
    >>> base = parse_contract({"contract_id": "OF-1", "document_type": "order_form",
    ...     "currency": "USD", "supplier": {"name": "A"}, "customer": {"name": "B"},
    ...     "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...     "lines": [{"line_id": "L1", "description": "Seats", "billing_model": "subscription",
    ...                "quantity": 10, "unit_price": "10.00"}]})
    >>> change = parse_contract({"contract_id": "AM-1", "document_type": "amendment",
    ...     "amends": "OF-1", "currency": "USD", "supplier": {"name": "A"},
    ...     "customer": {"name": "B"}, "effective_date": "2026-07-01",
    ...     "start_date": "2026-07-01", "end_date": "2026-12-31",
    ...     "lines": [{"line_id": "L1", "description": "More seats",
    ...                "billing_model": "subscription", "quantity": 5, "unit_price": "10.00"}]})
    >>> [line.line_id for line in amended_terms(base, change).lines]
    ['L1', 'AM-1.L1']
    """
    if not amendment.lines:
        if amendment.end_date is None or amendment.end_date == base.end_date:
            return base
        old_end = base.end_date
        # A stated line amount covered the old term; the moved term's is computed anew.
        lines = tuple(
            line.model_copy(update={"service_end": amendment.end_date, "amount": None})
            if line.service_end is None or line.service_end == old_end
            else line
            for line in base.lines
        )
        return base.model_copy(
            update={"end_date": amendment.end_date, "lines": lines, "total_contract_value": None}
        )
    check_replaces(base, amendment)
    prefix = f"{amendment.contract_id}."
    renamed = {line.line_id: prefix + line.line_id for line in amendment.lines}
    replaced = {line.replaces for line in amendment.lines if line.replaces is not None}
    effective = effective_date_of(amendment) if replaced else None

    def rename(value: str | None) -> str | None:
        return None if value is None else renamed.get(value, value)

    added = []
    for line in amendment.lines:
        update: dict[str, Any] = {"line_id": renamed[line.line_id]}
        for name in ("bundle_parent", "percent_of_line"):
            if getattr(line, name, None) is not None:
                update[name] = rename(getattr(line, name))
        if line.replaces is not None:
            # the composed terms are not an amendment's: the replacement is done below
            update["replaces"] = None
        # A replacing line runs from the effective date, not from the contract's start.
        if (
            effective is not None
            and line.replaces is not None
            and (line.service_start is None or line.service_start < effective)
        ):
            update["service_start"] = effective
        added.append(line.model_copy(update=update))
    kept = base.lines
    total = base.total_contract_value
    if effective is not None:
        kept = tuple(
            cut
            for cut in (
                _ended_before(line, effective, base) if line.line_id in replaced else line
                for line in base.lines
            )
            if cut is not None
        )
        total = None  # the replaced lines' stated amounts no longer add up to it
    elif total is not None and amendment.total_contract_value is not None:
        total = total + amendment.total_contract_value
    return base.model_copy(update={"lines": (*kept, *added), "total_contract_value": total})


def check_replaces(
    base: ContractTerms, amendment: ContractTerms, source: str | None = None
) -> None:
    """Refuse an amendment line that ``replaces`` a line id ``base`` does not have."""
    known = {line.line_id for line in base.lines}
    for index, line in enumerate(amendment.lines):
        if line.replaces is not None and line.replaces not in known:
            raise InvalidInput(
                f"line {line.line_id} replaces line {line.replaces!r}, which contract "
                f"{base.contract_id} does not have",
                source=source or amendment.contract_id,
                field=f"lines[{index}].replaces",
                value=line.replaces,
                hint=f"the lines of {base.contract_id} are: {', '.join(sorted(known)) or 'none'}",
            )


def _ended_before(line: ContractLine, effective: date, base: ContractTerms) -> ContractLine | None:
    """``line`` ending the day before ``effective`` (None: replaced from its first day).

    A stated amount covered the whole service period; it is dropped so that the
    schedule prices the days kept from quantity x unit price, or, for a line
    stated only as an amount, cut to the share of the days kept.
    """
    start = line.service_start or base.start_date
    end = line.service_end or base.end_date
    if start is not None and effective <= start:
        return None
    last = effective - ONE_DAY
    if end is not None and end <= last:
        return line  # it ends before the change anyway
    amount = None
    if (
        line.amount is not None
        and line.unit_price is None
        and start is not None
        and end is not None
    ):
        kept_days = (last - start).days + 1
        all_days = (end - start).days + 1
        amount = (line.amount * kept_days / all_days).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return line.model_copy(update={"service_end": last, "amount": amount})


def effective_date_of(amendment: ContractTerms) -> date:
    effective = amendment.effective_date or amendment.start_date
    if effective is None:
        raise InvalidInput(
            "the amendment has neither an effective_date nor a start_date",
            source=amendment.contract_id,
            field="effective_date",
        )
    return effective


def check_effective(base: ContractTerms, amendment: ContractTerms) -> date:
    """The amendment's effective date, refused when it lies outside the amended term."""
    effective = effective_date_of(amendment)
    start, end = base.start_date, base.end_date
    if (start is not None and effective < start) or (end is not None and effective > end):
        raise InvalidInput(
            f"takes effect on {effective}, outside the term of {base.contract_id} "
            f"({start or '...'} to {end or '...'})",
            source=amendment.contract_id,
            field="effective_date",
            value=effective.isoformat(),
            hint="an amendment must take effect within the term of the contract it amends",
        )
    return effective


NO_EVENTS = Events()


def preview_schedule(
    terms: ContractTerms, events: Events = NO_EVENTS, *, as_of: date, version: int = 1
) -> Schedule:
    """The schedule ``terms`` would get: the same call setup makes (``schedule preview``)."""
    return build_schedule(terms, events, as_of=as_of, version=version)


@dataclass(frozen=True)
class Billed:
    """What the invoice ledger says of one contract: the item keys billed, since when."""

    keys: frozenset[str]
    since: date  # the issue date of billops' first invoice for the contract


def _billed_keys(schedule: Schedule, signed: date, billed: Billed | None) -> frozenset[str]:
    """The items an amendment must treat as invoiced already.

    From the invoice ledger when billops has billed the contract: the items
    on its invoices (less those credited for re-billing), and the items due
    before its first invoice, which the system before billops billed. A
    contract billops has not billed yet: the items due before the amendment
    was signed (what a billing run would have invoiced by then).
    """
    due_before = signed if billed is None else billed.since
    history = frozenset(
        item.item_key
        for item in schedule.items
        if item.bill_date is not None
        and item.bill_date < due_before
        and item.status is ItemStatus.BILLABLE
    )
    return history if billed is None else history | billed.keys


@dataclass(frozen=True)
class ComputedSetup:
    terms: ContractTerms  # as amended
    version: int
    order: Order
    project: Project | None
    schedule: Schedule
    findings: tuple[Finding, ...]
    ready_for_invoicing: bool | None
    readiness_missing: tuple[str, ...] = ()


def compute_schedule(
    terms: ContractTerms,
    *,
    version: int,
    events: Events,
    amendments: Sequence[ContractTerms] = (),
    as_of: date,
    billed: Billed | None = None,
) -> tuple[ContractTerms, Schedule]:
    """The terms as amended and the billing schedule of one approved version (pure).

    The part of ``compute_setup`` a billing run needs: no order, no project.
    """
    schedule = preview_schedule(terms, events, as_of=as_of, version=version)
    current = terms
    for amendment in amendments:
        effective = check_effective(current, amendment)
        current = amended_terms(current, amendment)
        signed = amendment.signature_date or effective
        result = amend_schedule(
            schedule,
            current,
            effective=effective,
            billed_keys=_billed_keys(schedule, signed, billed),
            events=events,
            as_of=as_of,
            anchor=terms.start_date,
        )
        schedule = result.schedule
    return current, schedule


def compute_setup(
    terms: ContractTerms,
    *,
    version: int,
    catalogue: Catalogue,
    events: Events,
    amendments: Sequence[ContractTerms] = (),
    as_of: date,
    opportunity_id: str | None = None,
    billed: Billed | None = None,
) -> ComputedSetup:
    """Order, project and schedule of one approved contract version (pure).

    ``billed`` is the invoice ledger's word on the contract (``billed_by_contract``);
    amendments credit and rebuild from it (see ``_billed_keys``).
    """
    current, schedule = compute_schedule(
        terms, version=version, events=events, amendments=amendments, as_of=as_of, billed=billed
    )
    order, order_findings = build_order(
        current, catalogue, version=version, opportunity_id=opportunity_id
    )
    project = build_project(current, order)
    ready: bool | None = None
    missing: tuple[str, ...] = ()
    findings = list(order_findings)
    if project is not None:
        readiness = project_readiness(
            project, {item.item_key: item.trigger.value for item in schedule.items}
        )
        ready, missing = readiness.ready, (*readiness.missing, *readiness.mismatched)
        findings += project.findings
    findings += schedule.findings
    return ComputedSetup(
        current, version, order, project, schedule, tuple(findings), ready, missing
    )


# --------------------------------------------------------------------------
# The workflow: load, compute, compare, save


@dataclass
class SetupOutcome:
    contract_id: str
    version: int
    order_changed: bool
    project_changed: bool
    schedule: ScheduleOutcome
    items: int
    billable: int
    findings: list[dict[str, Any]] = field(default_factory=list)
    has_project: bool = False
    ready_for_invoicing: bool | None = None

    @property
    def changed(self) -> bool:
        return self.order_changed or self.project_changed or self.schedule.changed

    @property
    def status(self) -> str:
        if not self.changed:
            return "unchanged"
        return "created" if self.schedule.version <= 1 and self.order_changed else "updated"

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "version": self.version,
            "status": self.status,
            "order_changed": self.order_changed,
            "project": self.has_project,
            "project_changed": self.project_changed,
            "ready_for_invoicing": self.ready_for_invoicing,
            "schedule_version": self.schedule.version,
            "items": self.items,
            "billable": self.billable,
            "added": len(self.schedule.added),
            "superseded": len(self.schedule.superseded),
            "status_changed": len(self.schedule.status_changed),
            "findings": self.findings,
        }


def approved_version(session: Session, contract_id: str) -> StoredVersion:
    """The latest approved version of a contract; refused when there is none."""
    contracts = Contracts(session, "reader")
    if contracts._row(contract_id) is None:
        contracts.get(contract_id)  # NotFound, with its hint
    approved = session.execute(
        select(ContractApprovalRow.contract_version)
        .where(ContractApprovalRow.contract_id == contract_id)
        .order_by(ContractApprovalRow.contract_version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if approved is None:
        raise NotApproved(
            f"contract {contract_id!r} has no approved version; setup takes approved "
            "contracts only",
            hint=f"run `billops contract validate {contract_id}` and "
            f"`billops contract approve {contract_id}`",
        )
    return contracts.get(contract_id, int(approved))


def stored_catalogue(session: Session) -> Catalogue:
    return parse_catalogue(CatalogStore(session, "reader").records(), source="catalog_products")


def approved_terms(session: Session, contract_ids: Sequence[str]) -> dict[str, tuple[int, Any]]:
    """The latest approved version of each contract: (version, stored terms), in one query."""
    approvals = ContractApprovalRow
    latest = (
        select(
            approvals.contract_id, func.max(approvals.contract_version).label("contract_version")
        )
        .where(approvals.contract_id.in_(list(contract_ids)))
        .group_by(approvals.contract_id)
        .subquery()
    )
    versions = ContractVersionRow
    rows = session.execute(
        select(versions.contract_id, versions.version, versions.terms).join(
            latest,
            (versions.contract_id == latest.c.contract_id)
            & (versions.version == latest.c.contract_version),
        )
    )
    return {contract_id: (version, terms) for contract_id, version, terms in rows}


def applied_amendments(
    session: Session, contract_ids: Sequence[str]
) -> dict[str, list[ContractTerms]]:
    """The amendments applied to each contract, in the order they were applied (one query)."""
    versions, applied = ContractVersionRow, AppliedAmendmentRow
    rows = session.execute(
        select(applied.contract_id, versions.terms)
        .join(
            versions,
            (versions.contract_id == applied.amendment_id)
            & (versions.version == applied.amendment_version),
        )
        .where(applied.contract_id.in_(list(contract_ids)))
        .order_by(applied.id)
    )
    found: dict[str, list[ContractTerms]] = {}
    for contract_id, terms in rows:
        found.setdefault(contract_id, []).append(ContractTerms.model_validate(terms))
    return found


def billed_by_contract(session: Session, contract_ids: Sequence[str]) -> dict[str, Billed]:
    """The invoice ledger of each contract billops has billed (two queries for all)."""
    store = BillingStore(session, "reader")
    firsts = store.first_billed(contract_ids)
    if not firsts:
        return {}
    keys: dict[str, set[str]] = {}
    for contract_id, key in store.billed_keys(list(firsts)):
        keys.setdefault(contract_id, set()).add(key)
    return {
        contract_id: Billed(frozenset(keys.get(contract_id, ())), since)
        for contract_id, since in firsts.items()
    }


def _opportunity_ids(session: Session, contract_ids: Sequence[str]) -> dict[str, str]:
    """The CRM opportunity behind each contract (the first by id when several name it)."""
    opportunities = OpportunityRow
    rows = session.execute(
        select(opportunities.contract_reference, func.min(opportunities.opportunity_id))
        .where(opportunities.contract_reference.in_(contract_ids))
        .group_by(opportunities.contract_reference)
    )
    return {str(contract_id): str(opportunity_id) for contract_id, opportunity_id in rows}


def _compute_all(
    session: Session, contract_ids: Sequence[str], as_of: date, catalogue: Catalogue
) -> tuple[list[ComputedSetup], BillopsError | None]:
    """Compute the setup of each contract, in order, reading each table once for all.

    Stops at the first contract that cannot be set up (not found, not approved,
    an amendment, terms the schedule refuses): what was computed before it is
    returned with the error, so that the caller can store those first, as
    setting up one contract at a time would have.
    """
    approved = approved_terms(session, contract_ids)
    amendments = applied_amendments(session, contract_ids)
    opportunities = _opportunity_ids(session, contract_ids)
    events = EventStore(session, "reader").by_contract(contract_ids)
    ledger = billed_by_contract(session, contract_ids)
    computed: list[ComputedSetup] = []
    for contract_id in contract_ids:
        try:
            if contract_id in approved:
                version, image = approved[contract_id]
                terms = ContractTerms.model_validate(image)
            else:  # not stored, or not approved: approved_version says which
                stored = approved_version(session, contract_id)
                version, terms = stored.version, stored.terms
            if terms.document_type is DocumentType.AMENDMENT:
                raise InvalidInput(
                    f"contract {contract_id!r} is an amendment of {terms.amends!r}; it is not "
                    "set up on its own",
                    hint=f"apply it with `billops amend {terms.amends} FILE`",
                )
            computed.append(
                compute_setup(
                    terms,
                    version=version,
                    catalogue=catalogue,
                    events=events.get(contract_id, NO_EVENTS),
                    amendments=amendments.get(contract_id, ()),
                    as_of=as_of,
                    opportunity_id=opportunities.get(contract_id),
                    billed=ledger.get(contract_id),
                )
            )
        except BillopsError as exc:
            return computed, exc
    return computed, None


def _compute(
    session: Session, contract_id: str, as_of: date, catalogue: Catalogue | None = None
) -> ComputedSetup:
    computed, failure = _compute_all(
        session,
        [contract_id],
        as_of,
        catalogue if catalogue is not None else stored_catalogue(session),
    )
    if failure is not None:
        raise failure
    return computed[0]


def _save_all(
    session: Session, computed: Sequence[ComputedSetup], *, actor: str, reasons: Sequence[str]
) -> list[SetupOutcome]:
    """Store the computed setups (one batch: what differs, with its audit records)."""
    setups = []
    for one, reason in zip(computed, reasons, strict=True):
        project_image = None
        if one.project is not None:
            project_image = {
                **plain(one.project),
                "ready_for_invoicing": one.ready_for_invoicing,
                "readiness_missing": list(one.readiness_missing),
            }
        setups.append(
            ContractSetup(
                contract_id=one.schedule.contract_id,
                contract_version=one.version,
                order=plain(one.order),
                findings=[plain(f.as_dict()) for f in one.findings],
                project=project_image,
                items=one.schedule.items,
                reason=reason,
            )
        )
    saved = SetupStore(session, actor).save_setups(setups)
    return [
        SetupOutcome(
            contract_id=setup.contract_id,
            version=one.version,
            order_changed=result.order_changed,
            project_changed=result.project_changed,
            schedule=result.schedule,
            items=len(one.schedule.items),
            billable=sum(1 for i in one.schedule.items if i.status is ItemStatus.BILLABLE),
            findings=setup.findings,
            has_project=one.project is not None,
            ready_for_invoicing=one.ready_for_invoicing,
        )
        for one, setup, result in zip(computed, setups, saved, strict=True)
    ]


def _setup_reason(computed: ComputedSetup, as_of: date, reason: str | None) -> str:
    return reason or f"setup of version {computed.version} as of {as_of}"


def setup_contract(
    database: Database,
    contract_id: str,
    *,
    actor: str,
    as_of: date,
    reason: str | None = None,
) -> SetupOutcome:
    """Set up one contract (see the module docstring); one transaction."""
    with database.transaction() as session:
        computed = _compute(session, contract_id, as_of)
        reasons = [_setup_reason(computed, as_of, reason)]
        return _save_all(session, [computed], actor=actor, reasons=reasons)[0]


def _approved(after: str | None = None) -> Select[str]:
    """Ids of contracts with an approved version (after ``after``), amendments excepted."""
    has_approval = (
        select(ContractApprovalRow.id)
        .where(ContractApprovalRow.contract_id == ContractRow.contract_id)
        .exists()
    )
    query = select(ContractRow.contract_id).where(
        ContractRow.document_type != DocumentType.AMENDMENT.value, has_approval
    )
    return query if after is None else query.where(ContractRow.contract_id > after)


def pending_amendments(database: Database) -> list[tuple[str, str]]:
    """Approved amendments not applied yet, as (amendment id, contract it amends)."""
    with database.transaction() as session:
        applied = select(AppliedAmendmentRow.amendment_id)
        rows = session.execute(
            select(ContractApprovalRow.contract_id)
            .distinct()
            .join(ContractRow, ContractRow.contract_id == ContractApprovalRow.contract_id)
            .where(
                ContractRow.document_type == DocumentType.AMENDMENT.value,
                ContractApprovalRow.contract_id.not_in(applied),
            )
            .order_by(ContractApprovalRow.contract_id)
        ).scalars()
        contracts = Contracts(session, "reader")
        pending = []
        for amendment_id in rows:
            terms = contracts.get(amendment_id).terms
            pending.append((amendment_id, terms.amends or ""))
        return pending


SETUP_BATCH = 100
"""Contracts set up per transaction by ``setup --all-approved``.

Large enough that the per-transaction costs (commit, the batch's reads, the
audit head) are shared by many contracts; small enough that a batch is a
fraction of a second of work, holds little memory, and keeps the audit head
(which every writer needs) locked only briefly.
"""


def iter_setup_all_approved(
    database: Database,
    *,
    actor: str,
    as_of: date,
    reason: str | None = None,
    progress: Progress = SILENT,
    batch: int = SETUP_BATCH,
) -> Iterator[SetupOutcome]:
    """Set up every approved contract, ``batch`` contracts a transaction; yield each outcome.

    The contracts are taken in id order, a batch at a time (memory does not
    grow with their number); each batch is read, computed and stored in one
    transaction, committed whole or not at all, so a run killed half-way
    leaves each contract set up or not, and a re-run resumes: the contracts
    set up already are "unchanged". A contract that cannot be set up stops
    the run with its error, after the contracts before it are stored.
    """
    with database.transaction() as session:
        catalogue = stored_catalogue(session)
        total = session.execute(select(func.count()).select_from(_approved().subquery()))
        progress.start("setting up contracts", int(total.scalar_one()))
    after: str | None = None
    while True:
        with database.transaction() as session:
            query = _approved(after).order_by(ContractRow.contract_id).limit(batch)
            contract_ids = list(session.execute(query).scalars())
            if not contract_ids:
                return
            computed, failure = _compute_all(session, contract_ids, as_of, catalogue)
            reasons = [_setup_reason(one, as_of, reason) for one in computed]
            outcomes = _save_all(session, computed, actor=actor, reasons=reasons)
        progress.advance(len(outcomes))
        yield from outcomes
        if failure is not None:
            raise failure
        after = contract_ids[-1]


def setup_all_approved(
    database: Database,
    *,
    actor: str,
    as_of: date,
    reason: str | None = None,
    progress: Progress = SILENT,
    batch: int = SETUP_BATCH,
) -> list[SetupOutcome]:
    """Every outcome of ``iter_setup_all_approved`` (which streams them: use it for big runs)."""
    return list(
        iter_setup_all_approved(
            database, actor=actor, as_of=as_of, reason=reason, progress=progress, batch=batch
        )
    )


# --------------------------------------------------------------------------
# Amendments


@dataclass
class AmendOutcome:
    contract_id: str
    amendment_id: str
    amendment_version: int
    effective_date: date
    already_applied: bool
    setup: SetupOutcome

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "amendment_id": self.amendment_id,
            "amendment_version": self.amendment_version,
            "effective_date": self.effective_date.isoformat(),
            "already_applied": self.already_applied,
            "setup": self.setup.as_dict(),
        }


def amend_contract(
    database: Database,
    contract_id: str,
    path: Path,
    *,
    actor: str,
    as_of: date,
) -> AmendOutcome:
    """Import the amendment in ``path`` and apply it to the schedule, in one transaction."""
    amendment = load_contract(path)
    source = str(path)
    if amendment.document_type is not DocumentType.AMENDMENT:
        raise InvalidInput(
            f"is a {amendment.document_type.value}, not an amendment",
            source=source,
            field="document_type",
            hint="an amendment has document_type: amendment and amends: <contract id>",
        )
    if amendment.amends != contract_id:
        raise InvalidInput(
            f"amends {amendment.amends!r}, not {contract_id!r}",
            source=source,
            field="amends",
        )
    with database.transaction() as session:
        base = approved_version(session, contract_id)
        store = SetupStore(session, actor)
        if store.order(contract_id) is None:
            raise Conflict(
                f"contract {contract_id!r} is not set up yet",
                hint=f"run `billops setup {contract_id}` first",
            )
        current = base.terms
        contracts = Contracts(session, actor)
        for row in store.applied_amendments(contract_id):
            if row.amendment_id != amendment.contract_id:
                current = amended_terms(
                    current, contracts.get(row.amendment_id, row.amendment_version).terms
                )
        try:
            effective = check_effective(current, amendment)
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message, source=source, field=exc.field, value=exc.value, hint=exc.hint
            ) from exc
        check_replaces(current, amendment, source)
        other = contracts.find(amendment.contract_id)
        if other is not None and other.terms.amends != contract_id:
            raise Conflict(
                f"contract id {amendment.contract_id!r} is already taken by another contract",
                source=source,
                field="contract_id",
            )
        saved = contracts.save(
            amendment, source_name=path.name, reason=f"amendment of {contract_id}"
        )
        applied = store.amendment(amendment.contract_id)
        already = applied is not None and applied.amendment_version == saved.version
        if applied is None:
            store.record_amendment(contract_id, amendment.contract_id, saved.version, effective)
        elif not already:
            applied.amendment_version = saved.version
            applied.effective_date = effective
            session.flush()
        computed = _compute(session, contract_id, as_of)
        reasons = [f"amendment {amendment.contract_id} v{saved.version} effective {effective}"]
        outcome = _save_all(session, [computed], actor=actor, reasons=reasons)[0]
        return AmendOutcome(
            contract_id, amendment.contract_id, saved.version, effective, already, outcome
        )


def find_setup(session: Session, contract_id: str) -> SetupStore:
    store = SetupStore(session, "reader")
    if store.order(contract_id) is None:
        Contracts(session, "reader").get(contract_id)
        raise NotFound(
            f"contract {contract_id!r} is not set up",
            hint=f"run `billops setup {contract_id}`",
        )
    return store


# --------------------------------------------------------------------------
# The demo step

DEMO_SHOWN_ITEMS = 6


def demo_setup_step(
    database: Database,
    data_dir: Path,
    say: Callable[[str], None],
    *,
    as_of: date,
    actor: str,
) -> dict[str, Any]:
    """Catalogue, events, setup of every approved contract, one amendment, a schedule per model."""
    from billops.adapters.catalog_files import load_catalogue
    from billops.workflows.events import import_event_files

    catalogue = load_catalogue(data_dir / "catalog.yaml")
    with database.transaction() as session:
        loaded = CatalogStore(session, actor).save(catalogue.records(), reason="demo catalogue")
    say(f"   catalogue: {len(loaded.created)} products loaded from catalog.yaml")
    event_files = sorted((data_dir / "events").glob("*.csv"))
    imports = import_event_files(database, event_files, actor=actor)
    recorded = sum(len(i.recorded) for i in imports)
    say(
        f"   events: {recorded} recorded from {len(event_files)} files ("
        + ", ".join(f"{i.source} {len(i.recorded)}" for i in imports)
        + ")"
    )
    outcomes = setup_all_approved(database, actor=actor, as_of=as_of, reason="demo setup")
    say(
        f"   setup of {len(outcomes)} approved contracts: "
        f"{sum(o.items for o in outcomes)} schedule items, "
        f"{sum(o.billable for o in outcomes)} billable on {as_of}, "
        f"{sum(1 for o in outcomes if o.has_project)} projects"
    )
    amendment = _demo_amendment(database, data_dir, say, as_of=as_of, actor=actor)
    again = setup_all_approved(database, actor=actor, as_of=as_of, reason="demo re-run")
    rerun_changed = sum(1 for o in again if o.changed)
    say(f"   setup again: {rerun_changed} contracts changed (idempotent)")
    pending = pending_amendments(database)
    if pending:
        say(
            f"   {len(pending)} more approved amendments wait for `billops amend`: "
            + ", ".join(f"{a} ({c})" for a, c in pending[:4])
            + (" ..." if len(pending) > 4 else "")
        )
    with database.transaction() as session:
        store = SetupStore(session, "reader")
        counts = {
            "products": CatalogStore(session, "reader").count(),
            "events": EventStore(session, "reader").count(),
            "orders": len(store.set_up_contracts()),
            "schedule_items": store.count_items(),
            "billable": store.count_items(status=ItemStatus.BILLABLE.value),
            "waiting": store.count_items(status=ItemStatus.WAITING.value),
            "held": store.count_items(status=ItemStatus.HELD.value),
            "scheduled": store.count_items(status=ItemStatus.SCHEDULED.value),
        }
    projects = [o for o in again if o.has_project]
    shown = _demo_schedules(database, again, say)
    return {
        **counts,
        "approved": len(outcomes),
        "projects": len(projects),
        "projects_ready": sum(1 for o in projects if o.ready_for_invoicing),
        "findings": sum(len(o.findings) for o in again),
        "rerun_changed": rerun_changed,
        "amendment": amendment,
        "pending_amendments": len(pending),
        "models_shown": sorted(shown),
        "schedules_markdown": _schedules_markdown(shown),
    }


def apply_pending_amendments(
    database: Database, contracts_dir: Path, *, as_of: date, actor: str
) -> list[AmendOutcome]:
    """Apply every approved amendment whose contract is set up, oldest effective date first.

    Each amendment is read from ``contracts_dir/<amendment id>.yaml`` and
    applied in its own transaction (``amend_contract``); one not applied
    yet is picked up by a re-run.
    """
    with database.transaction() as session:
        set_up = set(SetupStore(session, "reader").set_up_contracts())
    todo = []
    for amendment_id, base in pending_amendments(database):
        path = contracts_dir / f"{amendment_id}.yaml"
        if base in set_up and path.exists():
            terms = load_contract(path)
            todo.append((terms.effective_date or terms.start_date or as_of, amendment_id, path))
    outcomes = []
    for _, _amendment_id, path in sorted(todo):
        terms = load_contract(path)
        outcomes.append(
            amend_contract(database, terms.amends or "", path, actor=actor, as_of=as_of)
        )
    return outcomes


def _demo_amendment(
    database: Database, data_dir: Path, say: Callable[[str], None], *, as_of: date, actor: str
) -> str:
    """Apply every approved demo amendment whose contract is set up, oldest effective first."""
    texts = []
    for outcome in apply_pending_amendments(
        database, data_dir / "contracts", as_of=as_of, actor=actor
    ):
        s = outcome.setup.schedule
        texts.append(
            f"{outcome.amendment_id} applied to {outcome.contract_id} from "
            f"{outcome.effective_date}: schedule v{s.version}, {len(s.added)} items added, "
            f"{len(s.superseded)} superseded"
        )
    if not texts:
        return "none (no demo amendment amends a contract that is set up)"
    say(f"   amendments: {len(texts)} applied")
    for text in texts[:3]:
        say(f"     {text}")
    if len(texts) > 3:
        say(f"     ... {len(texts) - 3} more")
    return texts[0]


def _demo_schedules(
    database: Database, outcomes: Sequence[SetupOutcome], say: Callable[[str], None]
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """One contract per billing model: its items of that model, as stored."""
    from billops.adapters.storage.setup_store import row_image

    shown: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    with database.transaction() as session:
        store = SetupStore(session, "reader")
        for outcome in outcomes:
            rows = [row_image(r) for r in store.live_items(outcome.contract_id)]
            for model in sorted({r["billing_model"] for r in rows}):
                if model not in shown:
                    items = [r for r in rows if r["billing_model"] == model]
                    items.sort(key=lambda r: (r["bill_date"] is None, r["bill_date"] or ""))
                    shown[model] = (outcome.contract_id, items)
    say("   one schedule per billing model (as stored; first items):")
    for model, (contract_id, items) in sorted(shown.items()):
        say(f"   {model}: {contract_id}, {len(items)} items")
        for item in items[:DEMO_SHOWN_ITEMS]:
            say(
                f"     {item['bill_date'] or '(waiting)':<10} {item['amount']:>12} "
                f"{item['currency']}  {item['trigger']:<18} {item['status']:<9} "
                f"{_short(item['explanation'])}"
            )
        if len(items) > DEMO_SHOWN_ITEMS:
            say(f"     ... {len(items) - DEMO_SHOWN_ITEMS} more")
    return shown


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _schedules_markdown(shown: dict[str, tuple[str, list[dict[str, Any]]]]) -> list[str]:
    lines = ["## One billing schedule per billing model", ""]
    for model, (contract_id, items) in sorted(shown.items()):
        lines += [
            f"### {model}: {contract_id}",
            "",
            "| date | amount | trigger | status | explanation |",
            "|---|---:|---|---|---|",
        ]
        for item in items[:DEMO_SHOWN_ITEMS]:
            lines.append(
                f"| {item['bill_date'] or '(waiting)'} | {item['amount']} {item['currency']} | "
                f"{item['trigger']} | {item['status']} | {item['explanation'].replace('|', '/')} |"
            )
        if len(items) > DEMO_SHOWN_ITEMS:
            lines.append(f"| ... | {len(items) - DEMO_SHOWN_ITEMS} more items | | | |")
        lines.append("")
    return lines
