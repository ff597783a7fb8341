"""The revenue run: recognise a month, and the reports that reconcile billing to revenue.

Step 6 of the flow (DESIGN.md). Only contracts booked for revenue
(``billops revenue book``) are recognised. Four operations:

``revenue_run(database, period, actor=...)``
    For every booked contract (optionally of one legal entity), a chunk of
    contracts at a time: the revenue plan as of the month's last day
    (``plan_revenue`` on the approved version with its applied amendments,
    the stored catalogue and the contract's events), then per obligation
    *what the plan says is earned through the month* minus *what was
    posted before*. The difference is posted in the month
    (``revenue_postings``); the part of it that belongs to earlier months
    (the plan changed after they were posted: a late event, an amendment,
    a new estimate) is a **catch-up** in the month being run, never a
    rewrite of a posted month. Then the month's journal entries (billing,
    recognition, unbilled) from the revenue posted and the invoices and
    credit notes issued. One transaction per chunk: nothing half-posted.

    Idempotent: run again with the same data, nothing is written. Refused
    before anything is written when the month is closed for an entity in
    scope (billing's ``period_locks``: ``billops invoice close-period``),
    when a later month was already run, or when the month before was not
    run (months are run in order, per entity; the first run may start
    anywhere, and catches up everything before it). A contract whose plan
    cannot be made (an unknown SKU, no SSP) is *parked* with the reason:
    nothing is posted for it, and the run reports it.
``waterfall(database, start, months)``
    Revenue scheduled per month from ``start``: the plans' recognition
    schedules, per entity and currency, plus what comes later and what is
    pending (waiting for an event or an estimate).
``rollforward(database, period)``
    Per entity and currency: opening deferred and unbilled revenue, billed
    in the month (issued invoices less credit notes, net of tax), revenue
    recognised (posted) in the month, closing deferred and unbilled; from
    the balances (``contract_balances``) of each contract, so that
    ``closing (deferred - unbilled) = opening (deferred - unbilled) +
    billed - recognised`` and ``deferred + recognised = billed + unbilled``.
``journals(database, period)``
    The month's stored journal entries (export them with
    ``billops.adapters.journal_exports``).

Billed amounts come from issued documents: an invoice line names the
schedule item it billed (``LineSource.item_key``: ``<line id>:<...>``, a
re-billing ``~rebillN``), hence its contract line; a credit note's lines
are copies of the invoice's lines (credit by line or whole), or, for a
credit by amount, one line without a source, which belongs to the
credited invoice's contract (split by the invoice's net per contract when
it billed several).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billops.adapters.exports import line_taxes
from billops.adapters.storage.audit_store import Clock, utc_now
from billops.adapters.storage.billing_store import (
    BillingStore,
    invoice_from_image,
    split_item_key,
)
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import LegalEntities
from billops.adapters.storage.revenue_store import (
    Posting,
    RevenueStore,
    journal_summary,
    month_text,
)
from billops.adapters.storage.setup_store import EventStore
from billops.adapters.storage.tables import ContractRow
from billops.adapters.storage.tables_billing import InvoiceLineRow, InvoiceRow
from billops.adapters.storage.tables_revenue import BookingRow, RevenueJournalEntryRow
from billops.domain.calendar import Period, month_period, parse_period
from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.invoices import DocumentKind, InvoiceStatus
from billops.domain.money import Money, allocate, sum_money
from billops.domain.policy import Policy
from billops.domain.revenue import (
    BilledAmount,
    JournalEntry,
    LedgerAccounts,
    RecognitionEntry,
    RecognitionSchedule,
    RevenuePlan,
    contract_balances,
    period_journals,
)
from billops.domain.revenue.amended import AppliedAmendment, plan_amended
from billops.errors import BillopsError, Conflict, InvalidInput, NotFound
from billops.workflows.revenue_estimates import NO_ESTIMATES, Estimates, estimates_by_contract
from billops.workflows.setup import (
    amended_terms,
    applied_amendments,
    approved_terms,
    check_effective,
    stored_catalogue,
)

__all__ = [
    "BALANCE_COLUMNS",
    "CHUNK_CONTRACTS",
    "ContractBalanceRow",
    "ContractHistory",
    "Explained",
    "PeriodClosed",
    "RevenueRun",
    "RevenueRunRefused",
    "Rollforward",
    "RollforwardRow",
    "Waterfall",
    "WaterfallRow",
    "applied_amendment",
    "billed_amounts",
    "contract_balance_rows",
    "contract_histories",
    "contract_terms",
    "explain",
    "journals",
    "next_month",
    "revenue_run",
    "rollforward",
    "waterfall",
]

CHUNK_CONTRACTS = 200  # contracts computed together: memory is bounded by a chunk
NO_EVENTS = Events()


class PeriodClosed(Conflict):
    """A revenue run for a month an entity has closed (exit code 2)."""


class RevenueRunRefused(Conflict):
    """A revenue run out of order: a later month was run, or the month before was not."""


def next_month(period: Period) -> Period:
    return month_period(period.end + timedelta(days=1))


def _previous_month(period: Period) -> Period:
    return month_period(period.start - timedelta(days=1))


def _month(text: str) -> Period:
    return parse_period(text)


# --------------------------------------------------------------------------
# Loading: booked contracts, their terms, events, postings and billing


@dataclass(frozen=True)
class _Booked:
    contract_id: str
    entity_code: str
    customer_code: str


def _booked(session: Session, entity: str | None) -> list[_Booked]:
    """Booked contracts in scope, in customer then contract order."""
    query = (
        select(ContractRow.contract_id, ContractRow.supplier_code, ContractRow.customer_code)
        .join(BookingRow, BookingRow.contract_id == ContractRow.contract_id)
        .where(BookingRow.status == "booked")
        .order_by(ContractRow.customer_code, ContractRow.contract_id)
    )
    if entity is not None:
        query = query.where(ContractRow.supplier_code == entity)
    return [_Booked(c, e or "", k or "") for c, e, k in session.execute(query)]


def _chunks(items: Sequence[_Booked], size: int) -> Iterator[Sequence[_Booked]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class ContractHistory:
    """A contract's latest approved version and the amendments applied to it, in order."""

    base: ContractTerms
    amendments: tuple[AppliedAmendment, ...] = ()

    @property
    def terms(self) -> ContractTerms:
        """The terms as the last amendment left them."""
        return self.amendments[-1].terms_after if self.amendments else self.base

    def plan(
        self,
        catalogue: Catalogue,
        events: Events,
        day: date,
        estimates: Estimates = NO_ESTIMATES,
    ) -> RevenuePlan:
        """The revenue plan on ``day``: amendments assessed as modifications, with finance's
        estimates dated on or before ``day``."""
        return plan_amended(
            self.base,
            self.amendments,
            catalogue,
            events,
            as_of=day,
            variable=estimates.variable(self.base.currency, day),
            progress=estimates.progress(events, day),
        )


def applied_amendment(current: ContractTerms, amendment: ContractTerms) -> AppliedAmendment:
    """``amendment`` applied to ``current`` as setup applies it, for revenue to assess."""
    effective = check_effective(current, amendment)
    replaced = frozenset(line.replaces for line in amendment.lines if line.replaces is not None)
    return AppliedAmendment(
        amendment.contract_id, effective, amended_terms(current, amendment), replaced
    )


def contract_terms(session: Session, contract_ids: Sequence[str]) -> dict[str, ContractTerms]:
    """Each contract's latest approved version with its applied amendments (two queries)."""
    return {cid: h.terms for cid, h in contract_histories(session, contract_ids).items()}


def contract_histories(session: Session, contract_ids: Sequence[str]) -> dict[str, ContractHistory]:
    """Each contract's latest approved version and its applied amendments (two queries)."""
    base = {
        cid: ContractTerms.model_validate(image)
        for cid, (_, image) in approved_terms(session, contract_ids).items()
    }
    applied_to: dict[str, list[AppliedAmendment]] = {}
    for contract_id, amendments in applied_amendments(session, contract_ids).items():
        if contract_id not in base:
            continue
        for amendment in amendments:
            done = applied_to.setdefault(contract_id, [])
            current = done[-1].terms_after if done else base[contract_id]
            done.append(applied_amendment(current, amendment))
    return {
        cid: ContractHistory(terms, tuple(applied_to.get(cid, ()))) for cid, terms in base.items()
    }


def _line_id(item_key: str) -> str:
    """The contract line a stored schedule item key bills: ``L1:2026-01-01~rebill1`` -> L1."""
    base, _, _ = split_item_key(item_key)
    return base.split(":", 1)[0]


def billed_amounts(
    session: Session,
    contract_ids: Sequence[str],
    *,
    through: date | None = None,
    taxed_from: date | None = None,
) -> list[BilledAmount]:
    """What issued invoices and credit notes billed these contracts, per line, net of tax.

    Credit notes are negative. Only issued documents count (drafts, held
    and approved invoices have billed nothing yet). Each line's tax (its
    share of its tax group's, ``exports.line_taxes``) is worked out for the
    documents dated on or after ``taxed_from`` (all when None): a month's
    journals need the tax of the month's documents only, and reading the
    stored image without rebuilding the ``Invoice`` is much cheaper.
    """
    wanted = set(contract_ids)
    invoice_ids = set(
        session.execute(
            select(InvoiceLineRow.invoice_id)
            .where(InvoiceLineRow.contract_id.in_(list(contract_ids)))
            .distinct()
        ).scalars()
    )
    if not invoice_ids:
        return []
    issued = InvoiceStatus.ISSUED.value
    query = select(InvoiceRow).where(
        InvoiceRow.status == issued,
        (InvoiceRow.id.in_(invoice_ids)) | (InvoiceRow.credits_invoice_id.in_(invoice_ids)),
    )
    if through is not None:
        query = query.where(InvoiceRow.issue_date <= through)
    rows = list(session.execute(query.order_by(InvoiceRow.id)).scalars())
    originals: dict[int, InvoiceRow] = {r.id: r for r in rows}
    missing = {r.credits_invoice_id for r in rows if r.credits_invoice_id is not None} - set(
        originals
    )
    if missing:
        extra = session.execute(select(InvoiceRow).where(InvoiceRow.id.in_(missing))).scalars()
        originals.update({r.id: r for r in extra})
    found: list[BilledAmount] = []
    for row in rows:
        image = row.record
        sign = -1 if image["kind"] == DocumentKind.CREDIT_NOTE.value else 1
        taxes: list[Money | None]
        if taxed_from is None or row.issue_date >= taxed_from:
            taxes = [t * sign for t in line_taxes(invoice_from_image(image))]
        else:
            taxes = [None] * len(image["lines"])
        document = row.number or f"#{row.id}"
        for line, tax in zip(image["lines"], taxes, strict=True):
            net = Money(Decimal(line["net_amount"]["amount"]) * sign, row.currency)
            source = line.get("source")
            if source is not None:
                if source["contract_id"] in wanted:
                    found.append(
                        BilledAmount(
                            source["contract_id"],
                            _line_id(source["item_key"]),
                            row.issue_date,
                            net,
                            tax,
                            document,
                        )
                    )
                continue
            zero = Money.zero(row.currency)
            found.extend(_unsourced(row, originals, net, tax or zero, wanted, tax is not None))
    return found


def _unsourced(
    row: InvoiceRow,
    originals: Mapping[int, InvoiceRow],
    net: Money,
    tax: Money,
    wanted: set[str],
    taxed: bool,
) -> list[BilledAmount]:
    """A line naming no schedule item (a credit by amount): to the credited invoice's contracts."""
    original = originals.get(row.credits_invoice_id) if row.credits_invoice_id else None
    weights: dict[str, Decimal] = {}
    if original is not None:
        for line in original.record["lines"]:
            source = line.get("source")
            if source is not None:
                cid = source["contract_id"]
                amount = Decimal(line["net_amount"]["amount"])
                weights[cid] = weights.get(cid, Decimal(0)) + amount
    if not weights:
        weights = {cid: Decimal(1) for cid in row.record.get("contract_ids") or []}
    if not weights:
        return []
    names = sorted(weights)
    nets = allocate(net, [abs(weights[n]) or Decimal(1) for n in names])
    taxes = allocate(tax, [abs(weights[n]) or Decimal(1) for n in names])
    document = row.number or f"#{row.id}"
    return [
        BilledAmount(name, None, row.issue_date, n, t if taxed else None, document)
        for name, n, t in zip(names, nets, taxes, strict=True)
        if name in wanted
    ]


def _by_contract(billed: Sequence[BilledAmount]) -> dict[str, list[BilledAmount]]:
    grouped: dict[str, list[BilledAmount]] = {}
    for b in billed:
        grouped.setdefault(b.contract_id, []).append(b)
    return grouped


def _postings_by_contract(postings: Sequence[Posting]) -> dict[str, list[Posting]]:
    grouped: dict[str, list[Posting]] = {}
    for p in postings:
        grouped.setdefault(p.contract_id, []).append(p)
    return grouped


def posted_schedule(contract_id: str, currency: str, postings: Sequence[Posting]) -> (
    RecognitionSchedule
):  # fmt: skip
    """What was posted, as a recognition schedule: one entry per obligation and posting month."""
    totals: dict[tuple[str, str], Money] = {}
    for p in postings:
        key = (p.period, p.obligation_id)
        totals[key] = totals.get(key, Money.zero(currency)) + p.amount
    running: dict[str, Money] = {}
    entries = []
    for (period, oid), amount in sorted(totals.items()):
        running[oid] = running.get(oid, Money.zero(currency)) + amount
        entries.append(
            RecognitionEntry(contract_id, oid, _month(period), amount, running[oid], "posted")
        )
    return RecognitionSchedule(contract_id, currency, tuple(entries))


# --------------------------------------------------------------------------
# The run


CATCH_UPS_LISTED = 1000  # catch-up postings listed one by one in a run's report


@dataclass
class RevenueRun:
    """What a run posted for one month, per entity and currency."""

    period: str
    entities: list[str]
    contracts: int = 0  # booked contracts planned
    posted_contracts: int = 0  # contracts with new postings or changed journals
    postings: int = 0
    journal_entries: int = 0
    recognised: dict[str, dict[str, str]] = field(default_factory=dict)  # entity -> currency
    catch_up: dict[str, dict[str, str]] = field(default_factory=dict)
    # contract, obligation, amount: the first CATCH_UPS_LISTED of them (a first run at
    # 100,000 customers is all catch-up); catch_up_postings counts them all
    catch_ups: list[dict[str, str]] = field(default_factory=list)
    catch_up_postings: int = 0
    parked: list[dict[str, str]] = field(default_factory=list)  # contract, reason
    conflicts: list[str] = field(default_factory=list)  # contracts another run posted first
    first_run: list[str] = field(default_factory=list)  # entities running the month first time
    # applied amendments of the contracts planned, by how each was accounted for (IFRS 15.20-21)
    modifications: dict[str, int] = field(default_factory=dict)
    # documents dated in a month already run, issued after it: journaled in this month
    late_documents: list[dict[str, str]] = field(default_factory=list)  # the first 1,000
    late_document_count: int = 0

    @property
    def changed(self) -> bool:
        return self.posted_contracts > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "entities": self.entities,
            "contracts": self.contracts,
            "posted_contracts": self.posted_contracts,
            "postings": self.postings,
            "journal_entries": self.journal_entries,
            "recognised": self.recognised,
            "catch_up": self.catch_up,
            "catch_ups": self.catch_ups,
            "catch_up_postings": self.catch_up_postings,
            "parked": self.parked,
            "conflicts": self.conflicts,
            "modifications": self.modifications,
            "late_documents": self.late_documents,
            "late_document_count": self.late_document_count,
            "changed": self.changed,
        }


def plan_fingerprint(plan: RevenuePlan) -> str:
    """A digest of what the plan recognises when, and of the allocation behind it."""
    parts = [
        f"{e.obligation_id}|{month_text(e.month)}|{e.amount.amount:f}"
        for e in plan.schedule.entries
    ]
    parts += [f"{a.obligation_id}|{a.allocated.amount:f}" for a in plan.allocation.lines]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _not_started(terms: ContractTerms, events: Events, day: date) -> bool:
    """Nothing can be earned by ``day``: the contract starts later and no event came yet."""
    starts = [terms.start_date, *(line.service_start for line in terms.lines)]
    known = [s for s in starts if s is not None]
    if not known or min(known) <= day:
        return False
    return not any(e.occurred_on <= day for e in events.all())


@dataclass
class _ContractChange:
    booked: _Booked
    currency: str
    postings: list[Posting]
    journals: list[JournalEntry] | None  # None: the stored ones stand
    reason: str
    stored: list[RevenueJournalEntryRow]  # the month's entries as read (their summary is audited)
    late: list[tuple[str, date]] = field(default_factory=list)  # documents journaled late


def _new_postings(
    plan: RevenuePlan, posted: Sequence[Posting], period: Period, fingerprint: str
) -> list[Posting]:
    """Per obligation: earned through the month by the plan, less everything posted before."""
    month, day = month_text(period), period.end
    before_end = period.start - timedelta(days=1)
    currency = plan.currency
    zero = Money.zero(currency)
    ids = [o.obligation_id for o in plan.obligations]
    unknown = sorted({p.obligation_id for p in posted} - set(ids))
    if unknown:
        raise InvalidInput(
            f"revenue was posted for obligation(s) {', '.join(unknown)}, which the contract's "
            "plan no longer has; a person decides how to reverse them",
            field="obligations",
            value=", ".join(unknown),
        )
    made: list[Posting] = []
    for oid in ids:
        entries = plan.schedule.for_obligation(oid)
        target = sum_money((e.amount for e in entries if e.month.end <= day), currency)
        earlier = sum_money((e.amount for e in entries if e.month.end <= before_end), currency)
        mine = [p for p in posted if p.obligation_id == oid]
        total = sum_money((p.amount for p in mine), currency)
        difference = target - total
        if difference.is_zero():
            continue
        before = sum_money((p.amount for p in mine if p.period < month), currency)
        caught_in_month = sum_money((p.catch_up for p in mine if p.period == month), currency)
        catch_up = (earlier - before) - caught_in_month
        revision = max((p.revision + 1 for p in mine if p.period == month), default=0)
        here = next((e for e in entries if month_text(e.month) == month), None)
        why = here.explanation if here is not None else "nothing scheduled in the month"
        if not catch_up.is_zero():
            why = (
                f"catch-up {catch_up.amount:f} {currency} for months before {month} "
                f"(the plan changed after they were posted); {why}"
            )
        if revision:
            why = f"revision {revision}: the plan changed since the month was run; {why}"
        made.append(
            Posting(
                plan.contract_id,
                oid,
                month,
                revision,
                difference,
                catch_up if not catch_up.is_zero() else zero,
                fingerprint,
                day,
                why,
            )
        )
    return made


def _same_journals(stored: Sequence[RevenueJournalEntryRow], entries: Sequence[JournalEntry]) -> (
    bool
):  # fmt: skip
    def key_of(
        entry_key: str, lines: Sequence[Mapping[str, Any]], documents: Sequence[str] | None
    ) -> tuple[str, tuple[tuple[Any, ...], ...], tuple[str, ...] | None]:
        return (
            entry_key,
            tuple(
                (line["account"], line["debit"], line["credit"], line.get("obligation_id"))
                for line in lines
            ),
            None if documents is None else tuple(documents),
        )

    legacy = any(r.kind == "billing" and r.documents is None for r in stored)
    old = sorted(
        key_of(r.entry_key, r.lines, None if legacy else r.documents or None) for r in stored
    )
    new = sorted(
        key_of(
            e.entry_key,
            [line.as_dict() for line in e.lines],
            None if legacy else e.documents or None,
        )
        for e in entries
    )
    return old == new


def _late_documents(
    billed: Sequence[BilledAmount],
    entries: Sequence[tuple[str, list[str] | None]],
    since: str,
    period: Period,
) -> dict[str, date]:
    """Documents dated in an earlier month already run that no billing entry journaled.

    ``entries`` are the contract's billing entries before ``period`` with
    their documents (None: written before migration 0010, when an entry
    journaled the documents dated in its month). Documents dated before
    ``since``, the entity's first month run, are the previous system's.
    """
    covered: set[str] = set()
    legacy: set[str] = set()
    for month, documents in entries:
        if documents is None:
            legacy.add(month)
        else:
            covered.update(documents)
    start = parse_period(since).start
    return {
        b.document: b.on
        for b in billed
        if start <= b.on < period.start
        and b.document not in covered
        and b.on.strftime("%Y-%m") not in legacy
    }


def _compute_chunk(
    session: Session,
    chunk: Sequence[_Booked],
    period: Period,
    catalogue: Catalogue,
    ledgers: Mapping[str, LedgerAccounts],
    run: RevenueRun,
    first_months: Mapping[str, str],
) -> list[_ContractChange]:
    ids = [b.contract_id for b in chunk]
    histories = contract_histories(session, ids)
    events = EventStore(session, "reader").by_contract(ids)
    estimates = estimates_by_contract(session, ids)
    store = RevenueStore(session, "reader")
    posted = _postings_by_contract(store.postings(ids))
    billed = _by_contract(billed_amounts(session, ids, through=period.end, taxed_from=period.start))
    billing_entries = store.billing_documents(ids, month_text(period))
    late: dict[str, dict[str, date]] = {}
    for booked in chunk:
        since = first_months.get(booked.entity_code)
        found_late = (
            _late_documents(
                billed.get(booked.contract_id, []),
                billing_entries.get(booked.contract_id, []),
                since,
                period,
            )
            if since is not None
            else {}
        )
        if found_late:
            late[booked.contract_id] = found_late
    if late:
        # A late document is journaled in this month: with its tax, read again for it.
        retaxed = _by_contract(billed_amounts(session, sorted(late), through=period.end))
        for cid, documents in late.items():
            billed[cid] = [
                dataclasses.replace(b, on=period.start) if b.document in documents else b
                for b in retaxed.get(cid, [])
            ]
    stored_journals: dict[str, list[RevenueJournalEntryRow]] = {}
    for row in store.journal_rows(month_text(period), contract_ids=ids):
        stored_journals.setdefault(row.contract_id, []).append(row)
    month = month_text(period)
    changes: list[_ContractChange] = []
    for booked in chunk:
        cid = booked.contract_id
        found = histories.get(cid)
        mine = posted.get(cid, [])
        if found is None:
            run.parked.append({"contract": cid, "reason": "no approved version"})
            continue
        later = sorted({p.period for p in mine if p.period > month})
        if later:
            run.parked.append({"contract": cid, "reason": f"revenue already posted in {later[-1]}"})
            continue
        contract_events = events.get(cid, NO_EVENTS)
        run.contracts += 1
        if (
            not mine
            and not billed.get(cid)
            and _not_started(found.terms, contract_events, period.end)
        ):
            continue
        try:
            plan = found.plan(
                catalogue, contract_events, period.end, estimates.get(cid, NO_ESTIMATES)
            )
            for modification in plan.modifications:
                kind = modification.kind.value
                run.modifications[kind] = run.modifications.get(kind, 0) + 1
            new = _new_postings(plan, mine, period, plan_fingerprint(plan))
            schedule = posted_schedule(cid, plan.currency, [*mine, *new])
            entries = period_journals(
                plan.obligations,
                plan.allocation,
                schedule,
                billed.get(cid, []),
                period,
                ledgers.get(booked.entity_code) or LedgerAccounts(),
            )
        except BillopsError as exc:
            run.parked.append({"contract": cid, "reason": exc.describe()})
            continue
        same = _same_journals(stored_journals.get(cid, []), entries)
        if not new and same:
            continue
        changes.append(
            _ContractChange(
                booked,
                plan.currency,
                new,
                None if same else list(entries),
                f"revenue run of {month}",
                stored_journals.get(cid, []),
                [] if same else sorted(late.get(cid, {}).items()),
            )
        )
    return changes


def _check_scope(session: Session, period: Period, entities: Sequence[str]) -> None:
    """Refuse a closed month or a month out of order, naming the entity (nothing written)."""
    month = month_text(period)
    billing = BillingStore(session, "reader")
    for code in entities:
        closed = billing.closed_through(code)
        if closed is not None and closed >= period.end:
            raise PeriodClosed(
                f"{month} is closed for {code} (periods closed through {closed}); revenue of a "
                "closed month is not posted again",
                field="period",
                value=month,
                hint="a change to a closed month is caught up in the first open month: run "
                f"`billops revenue run --period {month_text(next_month(period))}`",
            )
    runs = RevenueStore(session, "reader").run_periods()
    for code in entities:
        done = runs.get(code, [])
        if not done:
            continue
        last = done[-1]
        if last > month:
            raise RevenueRunRefused(
                f"revenue of {code} was run through {last}; {month} can no longer be run",
                field="period",
                value=month,
                hint=f"a change to {month} is caught up in the month being run: "
                f"`billops revenue run --period {last}` (or the month after)",
            )
        expected = month_text(next_month(_month(last)))
        if month not in (last, expected):
            raise RevenueRunRefused(
                f"revenue of {code} was last run for {last}; months are run in order",
                field="period",
                value=month,
                hint=f"run `billops revenue run --period {expected}` first",
            )


def revenue_run(
    database: Database,
    period: Period | str,
    *,
    actor: str,
    entity: str | None = None,
    accounts: LedgerAccounts | None = None,
    policy: PolicySource | None = None,
    chunk_contracts: int = CHUNK_CONTRACTS,
    clock: Clock = utc_now,
) -> RevenueRun:
    """Recognise ``period`` for the booked contracts (module docstring); idempotent.

    The receivable and tax accounts of the journals are ``accounts`` when
    given, else each entity's policy's (``ledger``; the default policy's
    when no policy is given).
    """
    month_period_ = _month(period) if isinstance(period, str) else period
    if not actor.strip():
        raise InvalidInput("who is running revenue is required", field="BILLOPS_ACTOR")
    month = month_text(month_period_)
    with database.transaction() as session:
        known = sorted(e.code for e in LegalEntities(session, "reader").list())
        if entity is not None and entity not in known:
            raise NotFound(
                f"no legal entity {entity!r}",
                field="--entity",
                value=entity,
                hint=f"known entities: {', '.join(known) or 'none'}",
            )
        booked = _booked(session, entity)
        entities = sorted({b.entity_code for b in booked} | ({entity} if entity else set()))
        _check_scope(session, month_period_, entities)
        store = RevenueStore(session, actor, clock)
        started = [code for code in entities if store.start_run(code, month)]
        first_months = {code: months[0] for code, months in store.run_periods().items() if months}
        catalogue = stored_catalogue(session)
    run = RevenueRun(month, entities, first_run=started)
    ledgers = {code: accounts or _ledger_accounts(policy, code) for code in entities}
    totals: dict[tuple[str, str], Money] = {}
    catch_ups: dict[tuple[str, str], Money] = {}
    changed_entities: set[str] = set(started)
    for chunk in _chunks(booked, chunk_contracts):
        with database.sessions() as session:
            changes = _compute_chunk(
                session, chunk, month_period_, catalogue, ledgers, run, first_months
            )
        if not changes:
            continue
        try:
            with database.transaction() as session:
                store = RevenueStore(session, actor, clock)
                for change in changes:
                    store.post(
                        entity_code=change.booked.entity_code,
                        contract_id=change.booked.contract_id,
                        period=month,
                        postings=change.postings,
                        journals=change.journals,
                        reason=change.reason,
                        before=[journal_summary(r) for r in change.stored],
                    )
        except IntegrityError:
            run.conflicts.extend(c.booked.contract_id for c in changes)
            continue
        for change in changes:
            run.posted_contracts += 1
            run.postings += len(change.postings)
            run.late_document_count += len(change.late)
            for document, dated in change.late:
                if len(run.late_documents) < CATCH_UPS_LISTED:
                    run.late_documents.append(
                        {
                            "contract": change.booked.contract_id,
                            "document": document,
                            "dated": dated.isoformat(),
                        }
                    )
            changed_entities.add(change.booked.entity_code)
            for p in change.postings:
                key = (change.booked.entity_code, change.currency)
                totals[key] = totals.get(key, Money.zero(change.currency)) + p.amount
                if not p.catch_up.is_zero():
                    catch_ups[key] = catch_ups.get(key, Money.zero(change.currency)) + p.catch_up
                    run.catch_up_postings += 1
                    if len(run.catch_ups) >= CATCH_UPS_LISTED:
                        continue
                    run.catch_ups.append(
                        {
                            "contract": p.contract_id,
                            "obligation": p.obligation_id,
                            "amount": format(p.catch_up.amount, "f"),
                            "currency": change.currency,
                        }
                    )
    with database.transaction() as session:
        # Counted by the database: loading the month's entries to count them held
        # every one in memory (hundreds of MiB at 100,000 customers).
        run.journal_entries = int(
            session.execute(
                select(func.count())
                .select_from(RevenueJournalEntryRow)
                .where(
                    RevenueJournalEntryRow.period == month,
                    RevenueJournalEntryRow.entity_code.in_(entities),
                )
            ).scalar_one()
        )
        for (code, currency), money in sorted(totals.items()):
            run.recognised.setdefault(code, {})[currency] = format(money.amount, "f")
        for (code, currency), money in sorted(catch_ups.items()):
            run.catch_up.setdefault(code, {})[currency] = format(money.amount, "f")
        store = RevenueStore(session, actor, clock)
        for code in sorted(changed_entities):
            store.finish_run(code, month, _entity_summary(run, code))
    return run


PolicySource = Policy | Callable[[str | None], Policy]


def _ledger_accounts(policy: PolicySource | None, entity_code: str) -> LedgerAccounts:
    """The entity's receivable and tax accounts, from its policy (``ledger``)."""
    if policy is None:
        policy = Policy()
    found = policy if isinstance(policy, Policy) else policy(entity_code)
    return LedgerAccounts(found.ledger.receivable, found.ledger.tax_payable)


def _entity_summary(run: RevenueRun, code: str) -> dict[str, Any]:
    """The entity's posted totals, with the whole run's counts (a run may span entities)."""
    return {
        "recognised": run.recognised.get(code, {}),
        "catch_up": run.catch_up.get(code, {}),
        "run_postings": run.postings,
        "run_posted_contracts": run.posted_contracts,
        "run_parked": list(run.parked),
    }


# --------------------------------------------------------------------------
# Reports: waterfall and rollforward


@dataclass
class WaterfallRow:
    entity: str
    currency: str
    locale: str
    contracts: int
    months: list[Money]
    later: Money
    pending: Money

    @property
    def total(self) -> Money:
        return sum_money(self.months, self.currency)

    def as_dict(self, labels: Sequence[str]) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "currency": self.currency,
            "contracts": self.contracts,
            "months": {m: format(a.amount, "f") for m, a in zip(labels, self.months, strict=True)},
            "total": format(self.total.amount, "f"),
            "later": format(self.later.amount, "f"),
            "pending": format(self.pending.amount, "f"),
        }


@dataclass
class Waterfall:
    """Revenue scheduled by month from ``start``, per entity and currency."""

    start: str
    as_of: date
    labels: list[str]
    rows: list[WaterfallRow]
    parked: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "months": self.labels,
            "as_of": self.as_of.isoformat(),
            "rows": [r.as_dict(self.labels) for r in self.rows],
            "parked": self.parked,
        }


@dataclass(frozen=True)
class Explained:
    """A stored contract's revenue plan on a day, and whether it is booked."""

    plan: RevenuePlan
    booked: bool
    amendments: tuple[str, ...]
    estimates: Estimates = NO_ESTIMATES

    def as_dict(self) -> dict[str, Any]:
        return {
            "booked": self.booked,
            "amendments": list(self.amendments),
            "estimates": self.estimates.as_dict(),
            **self.plan.as_dict(),
        }


def explain(database: Database, contract_id: str, as_of: date) -> Explained:
    """The revenue plan of a set-up contract on ``as_of``, amendments assessed (nothing stored).

    Raises ``NotFound`` for a contract with no approved version.
    """
    with database.sessions() as session:
        histories = contract_histories(session, [contract_id])
        history = histories.get(contract_id)
        if history is None:
            raise NotFound(
                f"contract {contract_id} has no approved version",
                field="contract",
                value=contract_id,
                hint="`billops contract list` shows the contracts; approve one before setup",
            )
        catalogue = stored_catalogue(session)
        events = EventStore(session, "reader").by_contract([contract_id])
        estimates = estimates_by_contract(session, [contract_id])
        booked = session.scalar(
            select(func.count())
            .select_from(BookingRow)
            .where(BookingRow.contract_id == contract_id, BookingRow.status == "booked")
        )
    plan = history.plan(
        catalogue,
        events.get(contract_id, NO_EVENTS),
        as_of,
        estimates.get(contract_id, NO_ESTIMATES),
    )
    return Explained(
        plan,
        bool(booked),
        tuple(a.amendment_id for a in history.amendments),
        estimates.get(contract_id, NO_ESTIMATES),
    )


def _locales(session: Session) -> dict[str, str]:
    return {e.code: e.locale for e in LegalEntities(session, "reader").list()}


def waterfall(
    database: Database,
    start: Period | str,
    months: int = 12,
    *,
    entity: str | None = None,
    as_of: date | None = None,
    chunk_contracts: int = CHUNK_CONTRACTS,
) -> Waterfall:
    """Revenue the booked contracts' plans schedule per month from ``start``, for ``months``.

    The plans are made as of ``as_of`` (default: the day before ``start``).
    ``later`` is what is scheduled after the last month shown; ``pending``
    what no month holds yet (waiting for a shipment, a go-live, an estimate).
    """
    if months < 1:
        raise InvalidInput("a waterfall shows at least one month", field="--months", value=months)
    first = _month(start) if isinstance(start, str) else start
    day = as_of or first.start - timedelta(days=1)
    window = [first]
    while len(window) < months:
        window.append(next_month(window[-1]))
    labels = [month_text(m) for m in window]
    index = {label: i for i, label in enumerate(labels)}
    with database.sessions() as session:
        booked = _booked(session, entity)
        catalogue = stored_catalogue(session)
        locales = _locales(session)
    rows: dict[tuple[str, str], WaterfallRow] = {}
    parked: list[dict[str, str]] = []
    for chunk in _chunks(booked, chunk_contracts):
        with database.sessions() as session:
            ids = [b.contract_id for b in chunk]
            histories = contract_histories(session, ids)
            events = EventStore(session, "reader").by_contract(ids)
            estimates = estimates_by_contract(session, ids)
        for booked_contract in chunk:
            cid = booked_contract.contract_id
            if cid not in histories:
                continue
            try:
                plan = histories[cid].plan(
                    catalogue,
                    events.get(cid, NO_EVENTS),
                    day,
                    estimates.get(cid, NO_ESTIMATES),
                )
            except BillopsError as exc:
                parked.append({"contract": cid, "reason": exc.describe()})
                continue
            key = (booked_contract.entity_code, plan.currency)
            zero = Money.zero(plan.currency)
            row = rows.get(key)
            if row is None:
                row = rows[key] = WaterfallRow(
                    key[0], key[1], locales.get(key[0], "en_US"), 0, [zero] * months, zero, zero
                )
            row.contracts += 1
            for entry in plan.schedule.entries:
                label = month_text(entry.month)
                if label in index:
                    row.months[index[label]] += entry.amount
                elif entry.month.start > window[-1].end:
                    row.later += entry.amount
            row.pending += sum_money((p.amount for p in plan.schedule.pending), plan.currency)
    return Waterfall(labels[0], day, labels, [rows[k] for k in sorted(rows)], parked)


@dataclass
class RollforwardRow:
    entity: str
    currency: str
    locale: str
    contracts: int
    opening_deferred: Money
    opening_unbilled: Money
    billed: Money
    recognised: Money
    catch_up: Money  # part of ``recognised`` for earlier months
    closing_deferred: Money
    closing_unbilled: Money
    billed_to_date: Money
    recognised_to_date: Money
    revenue_run: bool  # the month's revenue was run for the entity

    @property
    def reconciles(self) -> bool:
        """closing (deferred - unbilled) = opening (deferred - unbilled) + billed - recognised."""
        opening = self.opening_deferred - self.opening_unbilled
        closing = self.closing_deferred - self.closing_unbilled
        balance = (self.closing_deferred + self.recognised_to_date) == (
            self.billed_to_date + self.closing_unbilled
        )
        return closing == opening + self.billed - self.recognised and balance

    def as_dict(self) -> dict[str, Any]:
        def text(money: Money) -> str:
            return format(money.amount, "f")

        return {
            "entity": self.entity,
            "currency": self.currency,
            "contracts": self.contracts,
            "opening_deferred": text(self.opening_deferred),
            "opening_unbilled": text(self.opening_unbilled),
            "billed": text(self.billed),
            "recognised": text(self.recognised),
            "catch_up": text(self.catch_up),
            "closing_deferred": text(self.closing_deferred),
            "closing_unbilled": text(self.closing_unbilled),
            "billed_to_date": text(self.billed_to_date),
            "recognised_to_date": text(self.recognised_to_date),
            "revenue_run": self.revenue_run,
            "reconciles": self.reconciles,
        }


@dataclass
class Rollforward:
    """Deferred and unbilled revenue of a month, per entity and currency."""

    period: str
    rows: list[RollforwardRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "identity": "closing (deferred - unbilled) = opening (deferred - unbilled) + billed "
            "- recognised; deferred + recognised to date = billed to date + unbilled",
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class ContractBalanceRow:
    """One booked contract's deferred and unbilled revenue over a month (the subledger)."""

    entity: str
    customer: str
    contract_id: str
    currency: str
    opening_deferred: Money
    opening_unbilled: Money
    billed: Money
    recognised: Money
    catch_up: Money
    closing_deferred: Money
    closing_unbilled: Money
    billed_to_date: Money
    recognised_to_date: Money

    @property
    def reconciles(self) -> bool:
        opening = self.opening_deferred - self.opening_unbilled
        closing = self.closing_deferred - self.closing_unbilled
        return closing == opening + self.billed - self.recognised and (
            self.closing_deferred + self.recognised_to_date
            == self.billed_to_date + self.closing_unbilled
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "customer": self.customer,
            "contract_id": self.contract_id,
            "currency": self.currency,
            **{name: format(getattr(self, name).amount, "f") for name in BALANCE_COLUMNS},
            "reconciles": self.reconciles,
        }


BALANCE_COLUMNS = (
    "opening_deferred",
    "opening_unbilled",
    "billed",
    "recognised",
    "catch_up",
    "closing_deferred",
    "closing_unbilled",
    "billed_to_date",
    "recognised_to_date",
)


def contract_balance_rows(
    database: Database,
    period: Period | str,
    *,
    entity: str | None = None,
    contract: str | None = None,
    chunk_contracts: int = CHUNK_CONTRACTS,
) -> Iterator[ContractBalanceRow]:
    """Each booked contract's balances over ``period``, a chunk of contracts at a time.

    Contracts with neither revenue posted nor documents issued by the
    month's end are left out. Billed is what issued invoices and credit
    notes dated in the month billed (net of tax), recognised what the
    revenue run posted in the month (catch-ups included).
    """
    month_period_ = _month(period) if isinstance(period, str) else period
    month = month_text(month_period_)
    before = _previous_month(month_period_)
    with database.sessions() as session:
        booked = _booked(session, entity)
    if contract is not None:
        booked = [b for b in booked if b.contract_id == contract]
        if not booked:
            raise NotFound(
                f"contract {contract} is not booked for revenue",
                field="--contract",
                value=contract,
                hint=f"`billops revenue ready {contract}` shows why",
            )
    for chunk in _chunks(booked, chunk_contracts):
        with database.sessions() as session:
            ids = [b.contract_id for b in chunk]
            postings = _postings_by_contract(
                [p for p in RevenueStore(session, "reader").postings(ids) if p.period <= month]
            )
            billed = _by_contract(
                billed_amounts(session, ids, through=month_period_.end, taxed_from=date.max)
            )
        for booked_contract in chunk:
            cid = booked_contract.contract_id
            mine, invoices = postings.get(cid, []), billed.get(cid, [])
            if not mine and not invoices:
                continue
            currency = (mine[0].amount if mine else invoices[0].amount).currency
            schedule = posted_schedule(cid, currency, mine)
            opening, closing = contract_balances(schedule, invoices, [before, month_period_])
            yield ContractBalanceRow(
                booked_contract.entity_code,
                booked_contract.customer_code,
                cid,
                currency,
                opening.deferred_revenue,
                opening.unbilled_revenue,
                sum_money((b.amount for b in invoices if month_period_.contains(b.on)), currency),
                sum_money((p.amount for p in mine if p.period == month), currency),
                sum_money((p.catch_up for p in mine if p.period == month), currency),
                closing.deferred_revenue,
                closing.unbilled_revenue,
                closing.billed_to_date,
                closing.recognised_to_date,
            )


def rollforward(
    database: Database,
    period: Period | str,
    *,
    entity: str | None = None,
    chunk_contracts: int = CHUNK_CONTRACTS,
) -> Rollforward:
    """Opening, billed, recognised and closing deferred (and unbilled) revenue of ``period``.

    The sum per entity and currency of ``contract_balance_rows``.
    """
    month_period_ = _month(period) if isinstance(period, str) else period
    month = month_text(month_period_)
    with database.sessions() as session:
        locales = _locales(session)
        runs = RevenueStore(session, "reader").run_periods()
    rows: dict[tuple[str, str], RollforwardRow] = {}
    for each in contract_balance_rows(
        database, month_period_, entity=entity, chunk_contracts=chunk_contracts
    ):
        key = (each.entity, each.currency)
        row = rows.get(key)
        if row is None:
            zero = Money.zero(each.currency)
            row = rows[key] = RollforwardRow(
                key[0], key[1], locales.get(key[0], "en_US"), 0,
                zero, zero, zero, zero, zero, zero, zero, zero, zero,
                month in runs.get(key[0], []),
            )  # fmt: skip
        row.contracts += 1
        for name in BALANCE_COLUMNS:
            setattr(row, name, getattr(row, name) + getattr(each, name))
    return Rollforward(month, [rows[k] for k in sorted(rows)])


# --------------------------------------------------------------------------
# Journals


@dataclass(frozen=True)
class JournalLineRow:
    """One line of a stored journal entry, with its entry's identity (an ERP import row)."""

    entry_key: str
    entity: str
    contract_id: str
    period: str
    posting_date: date
    kind: str
    description: str
    line_no: int
    account: str
    debit: Money
    credit: Money
    memo: str
    obligation_id: str | None


def journals(
    database: Database, period: Period | str, *, entity: str | None = None
) -> list[JournalLineRow]:
    """The stored journal lines of ``period`` (every entry balanced), in entry order.

    Refused when the month's revenue was not run for any entity in scope.
    """
    month_period_ = _month(period) if isinstance(period, str) else period
    month = month_text(month_period_)
    with database.sessions() as session:
        store = RevenueStore(session, "reader")
        runs = store.run_periods()
        ran = [code for code, months in runs.items() if month in months]
        if entity is not None:
            ran = [code for code in ran if code == entity]
        if not ran:
            raise NotFound(
                f"revenue of {month} has not been run{f' for {entity}' if entity else ''}",
                field="--period",
                value=month,
                hint=f"run it first: `billops revenue run --period {month}`",
            )
        rows = store.journal_rows(month, entity_code=entity)
        found: list[JournalLineRow] = []
        for row in rows:
            for number, line in enumerate(row.lines, start=1):
                found.append(
                    JournalLineRow(
                        entry_key=row.entry_key,
                        entity=row.entity_code,
                        contract_id=row.contract_id,
                        period=row.period,
                        posting_date=row.posting_date,
                        kind=row.kind,
                        description=row.description,
                        line_no=number,
                        account=line["account"],
                        debit=Money(Decimal(line["debit"]), row.currency),
                        credit=Money(Decimal(line["credit"]), row.currency),
                        memo=line["memo"],
                        obligation_id=line.get("obligation_id"),
                    )
                )
    return found
