"""The billing run: draft what is due, hold what fails a check, approve, issue, credit.

Step 5 of the flow (DESIGN.md), in the billing team's order:

``bill_run(database, as_of=...)``
    Recompute-and-diff. For every set-up contract (optionally one entity
    or one customer) the schedule is rebuilt as of the run date from the
    approved terms, applied amendments and stored events (so item statuses
    are those of ``as_of``); the keys already on an invoice are read from
    ``invoice_lines``, the ledger (PO and not-to-exceed amounts billed, the
    closed period) from the invoices and ``period_locks``; then
    ``draft_invoices`` drafts and checks only the difference. Drafts are
    stored **one transaction per customer**, so a run killed part-way loses
    at most the customer in flight, and a re-run drafts exactly what is
    missing. Two runs at once cannot bill an item twice: the second insert
    of an item breaks ``UNIQUE (contract_id, item_key)``, its customer's
    transaction rolls back whole and the run reports it (``conflicts``).
``bill_preview``
    The same computation; nothing stored.
``approve`` / ``issue``
    A draft is approved, then issued: the number
    (``<prefix>-<fiscal year>-<000001>``, gapless per entity and fiscal
    year) is taken in the issuing transaction under a row lock, and the
    PDF, UBL and Factur-X documents are written after the commit.
``release``
    A held draft leaves the queue in one of two ways: the data was fixed
    (the draft is discarded and its customer drafted again, so the checks
    run on fresh data), or an approver who is not the run's actor
    overrides the holds with a reason (maker-checker).
``credit``
    A credit note for an issued invoice: whole, some lines, or a net
    amount; never more than what remains creditable on the invoice.

Every state change writes the audit trail in its own transaction.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from billops.adapters.storage.billing_store import BillingStore, Rebill, invoice_from_image
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Customers, LegalEntities
from billops.adapters.storage.setup_store import EventStore
from billops.adapters.storage.tables import ContractRow
from billops.adapters.storage.tables_billing import InvoiceRow
from billops.adapters.storage.tables_setup import OrderRow
from billops.domain.billing import CreditProposal, DraftedInvoice, DraftResult, draft_invoices
from billops.domain.calendar import Period
from billops.domain.catalog import Catalogue
from billops.domain.contract import ContractTerms
from billops.domain.events import Events
from billops.domain.findings import Finding, Severity
from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    PaymentInstructions,
    PrecedingInvoice,
)
from billops.domain.money import Money, sum_money
from billops.domain.parties import LegalEntity
from billops.domain.schedules import ScheduleItem
from billops.domain.tax import TaxRules
from billops.errors import Conflict, InvalidInput
from billops.workflows.setup import (
    applied_amendments,
    approved_terms,
    approved_version,
    billed_by_contract,
    compute_schedule,
    stored_catalogue,
)

__all__ = [
    "BillRun",
    "approve",
    "bill_preview",
    "bill_run",
    "credit",
    "fiscal_year",
    "invoice_number",
    "issue",
    "load_tax_rules",
    "release",
    "write_documents",
]

TAX_RULES = Path(__file__).resolve().parents[1] / "policies" / "tax.yaml"


class MakerChecker(Conflict):
    """The approver of an override must not be who ran the billing."""


@cache
def load_tax_rules(path: Path = TAX_RULES) -> TaxRules:
    """The tax rules of ``policies/tax.yaml``."""
    return TaxRules.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def fiscal_year(entity: LegalEntity, day: date) -> int:
    """The fiscal year a date falls in, named by the calendar year in which it starts."""
    return day.year if day.month >= entity.fiscal_year_start_month else day.year - 1


def invoice_number(entity: LegalEntity, year: int, sequence: int) -> str:
    """``NWDE-2026-000001``: the entity's prefix, the fiscal year, six digits."""
    return f"{entity.invoice_prefix}-{year}-{sequence:06d}"


# --------------------------------------------------------------------------
# The run


@dataclass
class BillRun:
    """What a run drafted (or would draft), per entity."""

    as_of: date
    stored: bool
    drafts: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    credit_proposals: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    conflicts: list[str] = field(default_factory=list)  # customers another run drafted first
    keep_drafts: bool = True  # False: counts only, so a run's memory stays flat at any size
    drafted: int = 0
    held_drafts: int = 0
    lines: int = 0
    customers: int = 0
    held: Counter[str] = field(default_factory=Counter)  # failed check id -> drafts held

    def add(self, described: list[dict[str, Any]]) -> None:
        """Count drafts (of distinct customers from the other calls), keeping them if asked."""
        self.drafted += len(described)
        self.customers += len({d["customer"] for d in described})
        for draft in described:
            self.lines += int(draft["lines"])
            if draft["status"] == "held":
                self.held_drafts += 1
                self.held.update(draft["holds"])
        if self.keep_drafts:
            self.drafts.extend(described)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "stored": self.stored,
            "drafted": self.drafted,
            "held": self.held_drafts,
            "held_by_check": dict(sorted(self.held.items())),
            "skipped_items": self.skipped,
            "conflicts": self.conflicts,
            "credit_proposals": self.credit_proposals,
            "findings": self.findings,
            "invoices": self.drafts,
        }


@dataclass(frozen=True)
class _Computed:
    entity: LegalEntity
    result: DraftResult
    rebills: Mapping[tuple[str, str], Rebill] = field(default_factory=dict)


def _rebill_reference(invoice: Invoice, rebills: Mapping[tuple[str, str], Rebill]) -> Invoice:
    """A draft that bills credited items again names the credited invoice and the credit note."""
    found = [
        rebills[key]
        for line in invoice.lines
        if line.source is not None
        for key in [(line.source.contract_id, line.source.item_key)]
        if key in rebills
    ]
    if not found:
        return invoice
    notes = sorted({r.credit_note for r in found})
    originals = sorted({(r.invoice, r.invoice_date) for r in found if r.invoice is not None})
    text = (
        f"Re-bills {len(found)} line(s) credited by credit note {', '.join(notes)}"
        + (f" on invoice {', '.join(o[0] for o in originals if o[0])}" if originals else "")
        + "."
    )
    note = f"{invoice.note} {text}" if invoice.note else text
    preceding = invoice.preceding
    if preceding is None and len(originals) == 1 and originals[0][0] and originals[0][1]:
        preceding = PrecedingInvoice(number=originals[0][0], issue_date=originals[0][1])
    return dataclasses.replace(invoice, note=note, preceding=preceding)


CHUNK_CUSTOMERS = 100  # customers computed together: memory is bounded by a chunk
STORE_CUSTOMERS = 50  # customers stored per transaction (a conflict retries them one by one)


def _scope(
    session: Session, entity: str | None, customer: str | None
) -> list[tuple[str, list[str]]]:
    """The set-up contracts in scope, grouped by customer code, customers in code order."""
    query = (
        select(ContractRow.customer_code, ContractRow.contract_id)
        .join(OrderRow, OrderRow.contract_id == ContractRow.contract_id)
        .order_by(ContractRow.customer_code, ContractRow.contract_id)
    )
    if entity is not None:
        query = query.where(ContractRow.supplier_code == entity)
    if customer is not None:
        query = query.where(ContractRow.customer_code == customer)
    grouped: dict[str, list[str]] = {}
    for code, contract_id in session.execute(query):
        grouped.setdefault(code or "", []).append(contract_id)
    return list(grouped.items())


def _chunks(scope: list[tuple[str, list[str]]], size: int) -> Iterator[list[tuple[str, list[str]]]]:
    for start in range(0, len(scope), size):
        yield scope[start : start + size]


def _schedules(
    session: Session,
    contract_ids: Sequence[str],
    as_of: date,
    entity: str | None,
    customer: str | None,
) -> tuple[dict[str, ContractTerms], list[ScheduleItem], Events]:
    """These set-up contracts with their schedules rebuilt as of ``as_of``, and their events."""
    terms_by_id: dict[str, ContractTerms] = {}
    versions: dict[str, tuple[ContractTerms, int]] = {}
    for contract_id, (terms, version) in _approved_terms(session, contract_ids).items():
        if entity is not None and terms.supplier.code != entity:
            continue
        if customer is not None and terms.customer.code != customer:
            continue
        versions[contract_id] = (terms, version)
    applied = applied_amendments(session, sorted(versions))
    ledger = billed_by_contract(session, sorted(versions))
    # Each contract is given only its own events (and its amendments'): filtering
    # the chunk's events once per contract would cost contracts x events.
    wanted = {*versions, *(a.contract_id for terms in applied.values() for a in terms)}
    by_contract = EventStore(session, "reader").by_contract(sorted(wanted))
    events = Events.of(e for found in by_contract.values() for e in found.all())
    items: list[ScheduleItem] = []
    for contract_id, (terms, version) in sorted(versions.items()):
        amendments = applied.get(contract_id, [])
        own = [
            by_contract[c]
            for c in (contract_id, *(a.contract_id for a in amendments))
            if c in by_contract
        ]
        # the schedule only: the order and project setup stored are not needed to bill
        amended, schedule = compute_schedule(
            terms,
            version=version,
            events=own[0] if len(own) == 1 else Events.of(e for found in own for e in found.all()),
            amendments=amendments,
            as_of=as_of,
            billed=ledger.get(contract_id),
        )
        terms_by_id[contract_id] = amended
        items.extend(schedule.items)
    return terms_by_id, items, events


def _approved_terms(
    session: Session, contract_ids: Sequence[str]
) -> dict[str, tuple[ContractTerms, int]]:
    """The latest approved version of each contract (``setup.approved_terms``), parsed.

    A contract not approved gets the same refusal setup gives, with its hint.
    """
    if not contract_ids:
        return {}
    found = {
        contract_id: (ContractTerms.model_validate(terms), int(version))
        for contract_id, (version, terms) in approved_terms(session, contract_ids).items()
    }
    for contract_id in (c for c in contract_ids if c not in found):
        approved_version(session, contract_id)
    return found


def _compute_chunk(
    session: Session,
    chunk: list[tuple[str, list[str]]],
    as_of: date,
    entity: str | None,
    customer: str | None,
    shared: _Shared,
) -> tuple[list[_Computed], list[Finding]]:
    """Draft one chunk of customers: their contracts, events, billed keys and ledgers only."""
    contract_ids = [c for _, ids in chunk for c in ids]
    contracts, items, events = _schedules(session, contract_ids, as_of, entity, customer)
    customers = Customers(session, "reader").find_many(code for code, _ in chunk)
    billing = BillingStore(session, "reader")
    already = billing.billed_keys(contract_ids)
    rebills = billing.rebills(contract_ids)
    by_entity: dict[str, list[ScheduleItem]] = {}
    problems: list[Finding] = []
    for item in items:
        code = contracts[item.contract_id].supplier.code or ""
        by_entity.setdefault(code, []).append(item)
    computed: list[_Computed] = []
    for code in sorted(by_entity):
        legal_entity = shared.entities.get(code)
        if legal_entity is None:
            problems.append(
                Finding(
                    rule_id="BILL-ENTITY-UNKNOWN",
                    severity=Severity.ERROR,
                    message=f"legal entity {code!r} of contracts "
                    f"{sorted({i.contract_id for i in by_entity[code]})} is not recorded; "
                    "their items are not billed",
                    hint="add it with `billops entity import`",
                )
            )
            continue
        scoped = {i.contract_id: contracts[i.contract_id] for i in by_entity[code]}
        result = draft_invoices(
            by_entity[code],
            scoped,
            legal_entity,
            customers,
            as_of=as_of,
            already_billed=already,
            tax_rules=load_tax_rules(),
            catalogue=shared.catalogue,
            events=events,
            ledger=billing.ledger(code, sorted(scoped)),
        )
        if rebills:
            result = dataclasses.replace(
                result,
                drafts=tuple(
                    dataclasses.replace(d, invoice=_rebill_reference(d.invoice, rebills))
                    for d in result.drafts
                ),
            )
        if result.credit_proposals:
            result = _credit_notes_for(billing, result, as_of)
        computed.append(_Computed(legal_entity, result, rebills))
    return computed, problems


def _credit_notes_for(billing: BillingStore, result: DraftResult, as_of: date) -> DraftResult:
    """Turn each credit proposal into a draft credit note against the invoice it corrects.

    A group of due items that nets negative (a downgrade's proration credit
    with nothing else due) is a credit, and a credit note must name the
    invoice it corrects (EN 16931 BT-25): the latest issued invoice that
    billed one of the group's contracts and has enough left to credit. Its
    lines are the group's lines with the sign turned (a credit of 112.50 is
    a credit-note line of 112.50); the items are billed by the credit note,
    so they are not proposed again. A group with no such invoice stays a
    proposal, with the reason, for a person to resolve.
    """
    drafts = list(result.drafts)
    left: list[CreditProposal] = []
    for proposal in result.credit_proposals:
        lines = tuple(
            dataclasses.replace(line, quantity=-line.quantity, net_amount=-line.net_amount)
            for line in proposal.lines
        )
        gross = sum_money((line.net_amount for line in lines), proposal.total.currency)
        corrected = _invoice_to_correct(billing, proposal, gross)
        if corrected is None:
            left.append(
                dataclasses.replace(
                    proposal,
                    reason=proposal.reason
                    + "; no issued invoice of these contracts has enough left to credit",
                )
            )
            continue
        note = credit_note_for(
            corrected,
            lines,
            day=as_of,
            status=InvoiceStatus.DRAFT,
            reason="credit for the items due: " + proposal.reason,
            contract_ids=proposal.contract_ids,
        )
        drafts.append(DraftedInvoice(proposal.key, note))
    return dataclasses.replace(result, drafts=tuple(drafts), credit_proposals=tuple(left))


def credit_note_for(
    corrected: InvoiceRow,
    lines: tuple[InvoiceLine, ...],
    *,
    day: date,
    status: InvoiceStatus,
    reason: str,
    contract_ids: tuple[str, ...] | None = None,
    original: Invoice | None = None,
) -> Invoice:
    """A credit note of ``lines`` that corrects the issued invoice ``corrected`` (BT-25).

    Its parties, PO, payment instructions and rounding are the invoice's
    (``original``: the row's invoice, when the caller has read it already);
    it is dated (and due) ``day``.
    """
    original = original or _invoice(corrected)
    return Invoice(
        kind=DocumentKind.CREDIT_NOTE,
        entity_code=original.entity_code,
        customer_code=original.customer_code,
        currency=original.currency,
        issue_date=day,
        due_date=day,
        seller=original.seller,
        buyer=original.buyer,
        lines=lines,
        status=status,
        purchase_order=original.purchase_order,
        contract_ids=original.contract_ids if contract_ids is None else contract_ids,
        payment_terms=None,
        payment=original.payment,
        preceding=PrecedingInvoice(
            number=corrected.number or f"#{corrected.id}", issue_date=corrected.issue_date
        ),
        rounding=original.rounding,
        reason=reason,
    )


def _invoice_to_correct(
    billing: BillingStore, proposal: CreditProposal, net: Money
) -> InvoiceRow | None:
    """The latest issued invoice of the proposal's contracts that can take this credit."""
    for row in billing.issued_for_contracts(proposal.contract_ids, proposal.key.customer_code):
        if row.currency != proposal.total.currency:
            continue
        gross = net.amount * (1 + _top_rate(row))
        if remaining_creditable(billing, row).amount >= gross:
            return row
    return None


def _top_rate(row: InvoiceRow) -> Decimal:
    """The highest tax rate on an invoice: a safe bound for a credit's gross."""
    rates = [Decimal(line.tax.rate) for line in _invoice(row).lines]
    return max(rates, default=Decimal(0)) / 100


@dataclass(frozen=True)
class _Shared:
    """What every chunk of a run reads alike: the legal entities and the catalogue."""

    entities: Mapping[str, LegalEntity]
    catalogue: Catalogue


def _computed_chunks(
    database: Database,
    as_of: date,
    entity: str | None,
    customer: str | None,
    chunk_customers: int,
) -> Iterator[tuple[list[_Computed], list[Finding]]]:
    """The run's drafts, one chunk of customers at a time (read-only sessions)."""
    with database.sessions() as session:
        scope = _scope(session, entity, customer)
        shared = _Shared(
            entities={e.code: e for e in LegalEntities(session, "reader").list()},
            catalogue=stored_catalogue(session),
        )
    for chunk in _chunks(scope, chunk_customers):
        with database.sessions() as session:
            computed = _compute_chunk(session, chunk, as_of, entity, customer, shared)
        yield computed  # outside the session: the caller writes (SQLite has one writer)


def _describe(draft: DraftedInvoice, row: InvoiceRow | None = None) -> dict[str, Any]:
    invoice = draft.invoice
    return {
        "id": None if row is None else row.id,
        "kind": invoice.kind.value,
        "entity": invoice.entity_code,
        "customer": invoice.customer_code,
        "currency": invoice.currency,
        "purchase_order": invoice.purchase_order,
        "contracts": list(invoice.contract_ids),
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "lines": len(invoice.lines),
        "net_total": str(invoice.net_total.amount),
        "tax_total": str(invoice.tax_total.amount),
        "gross_total": str(invoice.gross_total.amount),
        "status": invoice.status.value,
        "holds": list(invoice.holds),
        "checks": [f.as_dict() for f in draft.findings],
    }


def _collect(run: BillRun, computed: list[_Computed], problems: list[Finding]) -> None:
    """Add one chunk's findings, skipped items and credit proposals to ``run``."""
    run.findings += [f.as_dict() for f in problems]
    for part in computed:
        run.findings += [
            f.as_dict() for f in part.result.findings if not f.rule_id.startswith("INV-")
        ]
        run.skipped += len(part.result.skipped)
        run.credit_proposals += [
            {
                "customer": p.key.customer_code,
                "contracts": list(p.contract_ids),
                "total": str(p.total),
                "reason": p.reason,
            }
            for p in part.result.credit_proposals
        ]


def bill_preview(
    database: Database,
    *,
    as_of: date,
    entity: str | None = None,
    customer: str | None = None,
    chunk_customers: int = CHUNK_CUSTOMERS,
) -> BillRun:
    """Exactly the invoices ``bill_run`` would draft, with their check results; stores nothing."""
    run = BillRun(as_of=as_of, stored=False)
    for computed, problems in _computed_chunks(database, as_of, entity, customer, chunk_customers):
        _collect(run, computed, problems)
        run.add([_describe(d) for part in computed for d in part.result.drafts])
    return run


def bill_run(
    database: Database,
    *,
    as_of: date,
    actor: str,
    entity: str | None = None,
    customer: str | None = None,
    chunk_customers: int = CHUNK_CUSTOMERS,
    store_customers: int = STORE_CUSTOMERS,
    keep_drafts: bool = True,
) -> BillRun:
    """Draft, check and store what is due and not billed yet (see the module docstring).

    Customers are computed ``chunk_customers`` at a time (memory does not
    grow with the company) and stored ``store_customers`` to a transaction.
    A batch that meets another run's drafts (the unique billed-item key)
    rolls back whole and is stored again one customer per transaction, so
    only the customers the other run drafted first are left out
    (``conflicts``).
    """
    run = BillRun(as_of=as_of, stored=True, keep_drafts=keep_drafts)
    reason = f"billing run as of {as_of}"
    for computed, problems in _computed_chunks(database, as_of, entity, customer, chunk_customers):
        _collect(run, computed, problems)
        for part in computed:
            groups: dict[str, list[DraftedInvoice]] = {}
            for draft in part.result.drafts:
                groups.setdefault(draft.invoice.customer_code, []).append(draft)
            batch = list(groups.items())
            for start in range(0, len(batch), store_customers):
                _store(database, run, part, batch[start : start + store_customers], actor, reason)
    return run


def _store(
    database: Database,
    run: BillRun,
    part: _Computed,
    batch: list[tuple[str, list[DraftedInvoice]]],
    actor: str,
    reason: str,
) -> None:
    """Store a batch of customers' drafts in one transaction; on a conflict, one by one."""

    def add(store: BillingStore, draft: DraftedInvoice) -> InvoiceRow:
        invoice = draft.invoice
        if invoice.kind is DocumentKind.CREDIT_NOTE and invoice.preceding is not None:
            corrected = store.row(invoice.preceding.number, lock=True)
            if remaining_creditable(store, corrected).amount < invoice.gross_total.amount:
                raise Conflict(
                    f"a credit of {invoice.gross_total} exceeds what remains creditable on "
                    f"{invoice.preceding.number}"
                )
            return store.add(
                invoice, reason=invoice.reason or reason, credits=corrected, bills_items=True
            )
        return store.add(invoice, draft.findings, reason=reason, rebills=part.rebills)

    def save(store: BillingStore, drafts: list[DraftedInvoice]) -> list[dict[str, Any]]:
        return [_describe(d, add(store, d)) for d in drafts]

    try:
        with database.transaction() as session:
            store = BillingStore(session, actor)
            with store.audit_together():
                described = [row for _, drafts in batch for row in save(store, drafts)]
    except (IntegrityError, Conflict):
        if len(batch) == 1:
            run.conflicts.append(f"{part.entity.code}/{batch[0][0]}")
            return
        for single in batch:
            _store(database, run, part, [single], actor, reason)
        return
    run.add(described)


# --------------------------------------------------------------------------
# Approve, issue, release, credit


def _invoice(row: InvoiceRow) -> Invoice:
    return invoice_from_image(row.record)


def _entity(session: Session, code: str) -> LegalEntity:
    return LegalEntities(session, "reader").get(code)


def _refs(session: Session, refs: Sequence[str], status: str) -> list[str]:
    if refs:
        return list(refs)
    return [str(row.id) for row in BillingStore(session, "reader").rows(status=status)]


def approve(database: Database, refs: Sequence[str], *, actor: str) -> list[str]:
    """Approve drafts (all drafts when ``refs`` is empty); a held draft must be released first."""
    done: list[str] = []
    with database.transaction() as session:
        store = BillingStore(session, actor)
        for ref in _refs(session, refs, InvoiceStatus.DRAFT.value):
            row = store.row(ref, lock=True)
            if row.status == InvoiceStatus.APPROVED.value:
                continue
            if row.status != InvoiceStatus.DRAFT.value:
                raise Conflict(
                    f"invoice #{row.id} is {row.status}; only a draft can be approved",
                    hint=f"release a held draft first: `billops invoice release {row.id}`"
                    if row.status == InvoiceStatus.HELD.value
                    else "",
                )
            invoice = dataclasses.replace(_invoice(row), status=InvoiceStatus.APPROVED)
            store.update(row, invoice, action="approve", reason="approved for issue")
            done.append(f"#{row.id}")
    return done


def _issue_one(session: Session, store: BillingStore, row: InvoiceRow) -> Invoice:
    entity = _entity(session, row.entity_code)
    invoice = _invoice(row)
    year = fiscal_year(entity, invoice.issue_date)
    number = invoice_number(entity, year, store.next_number(entity.code, year))
    payment = invoice.payment or PaymentInstructions()
    issued = dataclasses.replace(
        invoice,
        status=InvoiceStatus.ISSUED,
        number=number,
        payment=dataclasses.replace(payment, reference=number),
    )
    row.fiscal_year = year
    store.update(row, issued, action="issue", reason=f"issued as {number}")
    return issued


def issue(
    database: Database,
    refs: Sequence[str],
    *,
    actor: str,
    out: Path | None = None,
) -> list[str]:
    """Issue approved invoices (all when ``refs`` is empty), one transaction each.

    The number is taken in the issuing transaction under a lock, so a
    rollback leaves no gap and two issuing processes never share a number.
    An invoice another process issued meanwhile is skipped.
    """
    with database.sessions() as session:
        targets = _refs(session, refs, InvoiceStatus.APPROVED.value)
    numbers: list[str] = []
    for ref in targets:
        with database.transaction() as session:
            store = BillingStore(session, actor)
            row = store.row(ref, lock=True)
            if row.status == InvoiceStatus.ISSUED.value and not refs:
                continue
            if row.status != InvoiceStatus.APPROVED.value:
                raise Conflict(
                    f"invoice {row.number or '#' + str(row.id)} is {row.status}; only an "
                    "approved invoice can be issued",
                    hint=f"approve it first: `billops invoice approve {row.id}`",
                )
            issued = _issue_one(session, store, row)
            locale = _entity(session, row.entity_code).locale
        assert issued.number is not None
        numbers.append(issued.number)
        if out is not None:
            write_documents(issued, out, locale=locale)
    return numbers


def write_documents(invoice: Invoice, out: Path, *, locale: str) -> list[Path]:
    """The PDF, UBL XML and Factur-X PDF of an issued invoice or credit note under ``out``."""
    from billops.adapters.renderers.cii import render_facturx
    from billops.adapters.renderers.pdf import render_pdf
    from billops.adapters.renderers.ubl import render_ubl

    out.mkdir(parents=True, exist_ok=True)
    stem = invoice.number or "draft"
    files = {
        out / f"{stem}.pdf": render_pdf(invoice, locale=locale),
        out / f"{stem}.ubl.xml": render_ubl(invoice),
        out / f"{stem}.facturx.pdf": render_facturx(invoice, locale=locale),
    }
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)


def release(
    database: Database,
    ref: str,
    *,
    actor: str,
    override_reason: str | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Take a held draft off the queue: re-drafted on fixed data, or overridden with a reason."""
    with database.transaction() as session:
        store = BillingStore(session, actor)
        row = store.row(ref, lock=True)
        if row.status != InvoiceStatus.HELD.value:
            raise Conflict(f"invoice #{row.id} is {row.status}, not held; nothing to release")
        if override_reason is not None:
            if not override_reason.strip():
                raise InvalidInput("an override needs a reason", field="reason", value="")
            if actor == row.drafted_by:
                raise MakerChecker(
                    f"{actor!r} ran the billing that drafted invoice #{row.id}; a different "
                    "approver must override its holds",
                    hint="ask another approver (BILLOPS_ACTOR) to run the override",
                )
            invoice = dataclasses.replace(_invoice(row), status=InvoiceStatus.DRAFT, holds=())
            store.close_holds(row, "overridden", override_reason)
            store.update(row, invoice, action="override", reason=override_reason)
            return {"released": f"#{row.id}", "how": "override", "holds": [], "drafts": []}
        customer, entity, day = row.customer_code, row.entity_code, row.issue_date
        store.close_holds(row, "resolved", "data fixed; drafted again")
        store.discard(row, "held draft released for re-drafting on corrected data")
        released = row.id
    run = bill_run(database, as_of=as_of or day, actor=actor, entity=entity, customer=customer)
    return {
        "released": f"#{released}",
        "how": "redrafted",
        "drafts": [d["id"] for d in run.drafts],
        "holds": sorted({h for d in run.drafts for h in d["holds"]}),
    }


def remaining_creditable(store: BillingStore, row: InvoiceRow) -> Money:
    """What is left to credit on an issued invoice: its gross total less its credit notes."""
    credited = [Money(Decimal(c.gross_total), c.currency) for c in store.credited(row.id)]
    return Money(Decimal(row.gross_total), row.currency) - sum_money(credited, row.currency)


def _credit_lines(
    invoice: Invoice, amount: Decimal | None, line_numbers: Iterable[int]
) -> tuple[InvoiceLine, ...]:
    wanted = list(line_numbers)
    if amount is None and not wanted:
        return invoice.lines
    if wanted:
        by_no = {line.line_no: line for line in invoice.lines}
        missing = [n for n in wanted if n not in by_no]
        if missing:
            raise InvalidInput(
                f"invoice {invoice.number} has no line {missing[0]}",
                field="lines",
                value=str(missing[0]),
            )
        return tuple(
            dataclasses.replace(by_no[n], line_no=i) for i, n in enumerate(wanted, start=1)
        )
    assert amount is not None
    if amount <= 0:
        raise InvalidInput("a credit amount is above zero", field="amount", value=str(amount))
    taxes = {line.tax for line in invoice.lines}
    if len(taxes) != 1:
        raise InvalidInput(
            f"invoice {invoice.number} has lines taxed differently; credit by line instead",
            field="amount",
            value=str(amount),
            hint="use --line N (repeatable)",
        )
    first = invoice.lines[0]
    return (
        InvoiceLine(
            line_no=1,
            description=f"Credit on invoice {invoice.number}",
            quantity=Decimal(1),
            unit="each",
            unit_price=amount,
            net_amount=Money(amount, invoice.currency),
            tax=first.tax,
            service_period=first.service_period,
        ),
    )


def credit(
    database: Database,
    number: str,
    *,
    actor: str,
    reason: str,
    amount: Decimal | None = None,
    lines: Sequence[int] = (),
    on: date | None = None,
    out: Path | None = None,
    rebill: bool = False,
) -> dict[str, Any]:
    """Issue a credit note for an issued invoice: whole, some lines, or a net amount.

    With ``rebill`` the credited lines' schedule items become billable again:
    the next run drafts them from the current data (a corrected price,
    quantity or customer record) on an invoice that names the credited
    invoice and this credit note. A credit by amount has no items to re-bill.
    """
    if not reason.strip():
        raise InvalidInput("a credit note needs a reason", field="reason", value="")
    if rebill and amount is not None:
        raise InvalidInput(
            "a credit by amount cannot be re-billed: it credits no schedule item",
            field="rebill",
            value=str(amount),
            hint="credit whole lines (--line N) or the whole invoice to re-bill them",
        )
    with database.transaction() as session:
        store = BillingStore(session, actor)
        row = store.row(number, lock=True)  # serialises credits of one invoice
        if row.kind != DocumentKind.INVOICE.value or row.status != InvoiceStatus.ISSUED.value:
            raise Conflict(f"{number} is not an issued invoice; only issued invoices are credited")
        original = _invoice(row)
        credit_lines = _credit_lines(original, amount, lines)
        day = on or datetime.now(UTC).date()
        note = credit_note_for(
            row,
            credit_lines,
            day=day,
            status=InvoiceStatus.APPROVED,
            reason=reason,
            original=original,
        )
        remaining = remaining_creditable(store, row)
        if note.gross_total.amount > remaining.amount:
            raise Conflict(
                f"a credit of {note.gross_total} exceeds the {remaining} that remains "
                f"creditable on {number}",
                hint="credit less, or fewer lines",
            )
        credit_row = store.add(note, reason=reason, credits=row)
        released = 0
        if rebill:
            credited = list(lines) or [line.line_no for line in original.lines]
            by_no = {line.line_no: line for line in original.lines}
            released = store.credit_for_rebill(
                credit_row, row, [(i, by_no[n]) for i, n in enumerate(credited, start=1)]
            )
        issued = _issue_one(session, store, credit_row)
        locale = _entity(session, row.entity_code).locale
        left = remaining - note.gross_total
    if out is not None:
        write_documents(issued, out, locale=locale)
    return {
        "credit_note": issued.number,
        "invoice": number,
        "gross_total": str(issued.gross_total),
        "remaining_creditable": str(left),
        "released_for_rebill": released,
    }


def close_period(database: Database, entity: str, through: date, *, actor: str) -> None:
    """Lock the entity's periods through ``through``: no invoice dated on or before it."""
    with database.transaction() as session:
        _entity(session, entity)
        BillingStore(session, actor).close_period(entity, through)


def describe_row(store: BillingStore, row: InvoiceRow, *, full: bool = False) -> dict[str, Any]:
    """An invoice as the CLI shows it."""
    data: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "number": row.number,
        "status": row.status,
        "entity": row.entity_code,
        "customer": row.customer_code,
        "currency": row.currency,
        "issue_date": row.issue_date.isoformat(),
        "due_date": row.due_date.isoformat(),
        "purchase_order": row.purchase_order,
        "net_total": row.net_total,
        "tax_total": row.tax_total,
        "gross_total": row.gross_total,
        "holds": list(row.holds),
    }
    if row.kind == DocumentKind.INVOICE.value and row.status == InvoiceStatus.ISSUED.value:
        data["remaining_creditable"] = str(remaining_creditable(store, row).amount)
    if full:
        data["record"] = row.record
        data["hold_tasks"] = [
            {"check_id": h.check_id, "status": h.status, "message": h.message}
            for h in store.holds(row.id, status=None)
        ]
    return data


# --------------------------------------------------------------------------
# Export for the ERP


@dataclass(frozen=True)
class ExportOutcome:
    path: Path
    documents: int
    lines: int


def export_invoices(
    database: Database,
    period: Period,
    out: Path,
    *,
    file_format: str = "csv",
    entity: str | None = None,
) -> ExportOutcome:
    """Issued invoices and credit notes dated in ``period`` as one CSV or XLSX file.

    Revenue accounts come from the stored catalogue (its ``gl_revenue`` per
    SKU) when one is loaded. The file is written to a temporary name and
    renamed, so a failure leaves no half-written export.
    """
    from billops.adapters.exports import write_csv, write_xlsx

    writers = {"csv": write_csv, "xlsx": write_xlsx}
    if file_format not in writers:
        raise InvalidInput("the export format is csv or xlsx", field="--format", value=file_format)
    with database.transaction() as session:
        rows = BillingStore(session, "reader").rows(
            status=InvoiceStatus.ISSUED.value, entity=entity
        )
        documents = [
            invoice_from_image(row.record) for row in rows if period.contains(row.issue_date)
        ]
        accounts = {product.sku: product.gl_revenue for product in stored_catalogue(session)}
    documents.sort(key=lambda d: (d.entity_code, d.number or ""))
    temporary = out.with_name(f".{out.name}.partial")
    writers[file_format](documents, temporary, gl_accounts=accounts)
    temporary.replace(out)
    return ExportOutcome(out, len(documents), sum(len(d.lines) for d in documents))
