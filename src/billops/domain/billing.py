"""The billing run's pure core: from what is due to draft invoices, exactly once.

Billing is **recompute-and-diff** (as Kill Bill's invoice engine does it):
the run rebuilds every contract's schedule up to the run date, takes the
items that are billable on that date, subtracts those whose
``(contract_id, item_key)`` was already billed, and drafts only the
difference. Running it twice drafts nothing new; a run a month later
drafts only the new month. (The database's unique key per schedule item
makes a double bill impossible even for two runs at once; this function
makes it unnecessary.)

**Grouping.** Items become invoices grouped by legal entity x customer x
currency x purchase order, then split as each contract's invoicing
provisions ask (``Consolidation``): ``consolidated`` puts all of a
customer's items on one invoice, ``per_contract`` one per contract,
``per_purchase_order`` one per PO (the PO is always part of the key),
``per_cost_centre`` one per line cost centre (printed in the note), and
``per_line`` one per contract line. Items with different payment terms or
delivery channels never share an invoice (an invoice has one due date and
travels one way). Invoices come out in the order of their group keys and
lines in the order of contract, bill date, contract line and item key, so
the same input always gives the same invoices.

**Lines.** Each line bills one schedule item, for exactly the item's
amount (the schedule is already rounded, so the drafted lines of a
contract line sum to its billable items to the cent). It shows the
service period, the quantity and the unit price; where the contract gives
a list price and a discount that make the unit price, the line shows the
list price and the discount. A period billed in part (a proration, a ramp
step, a rounding cent from an allocation) cannot show the contract's
price and still add up, so the line shows the effective price per unit
(amount / quantity, to as many places as the quantity needs to multiply
back to the amount) and says "part period". ``LineSource`` names the
schedule item and the time entries, shipment, usage record or milestone
behind it.

**Tax** is decided per line (``billops.domain.tax``): the product's tax
code (the catalogue's, else the billing model's default) between the
entity's and the customer's jurisdictions. A group whose tax cannot be
decided (an unknown code or country) is not drafted: its items stay
unbilled and a ``BILL-TAX-UNDETERMINED`` finding names the problem.

**Zero amounts.** An item of zero whose rate is not zero (a usage month
within the included units) has nothing to bill and is left out
(``nothing_to_bill``); an item at a rate of zero is drafted and held
(``INV-RATE-ZERO``): a missing price is never billed as free.

**Negative amounts.** A proration credit (an amendment lowering a price
mid-period) is a negative line: EN 16931 allows it on an invoice whose
total stays at or above zero (negative quantity, positive price, BR-27).
A group whose total is *below* zero is not an invoice: it becomes a
``CreditProposal`` (a credit note must name the invoice it corrects, which
the workflow knows and this function does not) and its items stay
unbilled until the credit note is issued.

**Purchase orders.** An item's PO is its contract line's ``po_number``, else
the contract's PO number; a known PO is always printed (EN 16931 BT-13),
and ``po_on_invoice`` (like ``purchase_order.required`` and the customer's
``po_required``) makes it mandatory: a draft without one is held
(``INV-PO-MISSING``). The due date is the invoice date plus the contract's
payment terms, else the customer's default net days.

**A customer without an address** still gets a draft, so that the gap
becomes a work-queue task rather than a silent omission: it is taxed as a
domestic sale (the buyer's country is unknown) and held by
``INV-CUSTOMER-ADDRESS``; once the address is completed the draft must be
drafted again, since its tax depends on the country.

**Checks.** Every draft goes through the pre-invoice checks
(``billops.domain.checks``); a draft with an error-severity finding is
``held`` with the failed check ids.

    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.parties import Address, Customer, LegalEntity, TaxId
    >>> from billops.domain.schedules import build_schedule
    >>> from billops.domain.tax import TaxRules
    >>> rules = TaxRules.from_mapping({
    ...     "codes": {"DIGITAL_SERVICE": {"supply": "services"}},
    ...     "default_codes": {"subscription": "DIGITAL_SERVICE"},
    ...     "countries": {"DE": {"regime": "vat", "standard_rate": "19"}}})
    >>> entity = LegalEntity(code="ACME-DE", name="Acme GmbH", country="DE", currency="EUR",
    ...     invoice_prefix="DE", tax_id=TaxId(scheme="vat", value="DE136695976"))
    >>> globex = Customer(code="globex", name="Globex GmbH", payment_terms_days=14,
    ...     addresses=[Address(line1="Hauptstr. 1", city="Berlin", country="DE")],
    ...     tax_ids=[TaxId(scheme="vat", value="DE136695976")],
    ...     billing_contacts=[{"email": "ap@globex.example"}])
    >>> terms = parse_contract({
    ...     "contract_id": "OF-1", "document_type": "order_form", "currency": "EUR",
    ...     "supplier": {"name": "Acme GmbH", "code": "ACME-DE"},
    ...     "customer": {"name": "Globex GmbH", "code": "globex"},
    ...     "start_date": "2026-01-01", "end_date": "2026-12-31",
    ...     "billing": {"frequency": "monthly", "timing": "advance"},
    ...     "lines": [{"line_id": "L1", "description": "Workspace Pro", "unit": "seat",
    ...                "billing_model": "subscription", "quantity": 10, "unit_price": "45.00"}]})
    >>> due = build_schedule(terms, as_of=date(2026, 2, 1)).items
    >>> run = draft_invoices(due, {"OF-1": terms}, entity, {"globex": globex},
    ...                      as_of=date(2026, 2, 1), already_billed=frozenset(), tax_rules=rules)
    >>> [(str(line.service_period), str(line.net_amount)) for line in run.invoices[0].lines]
    [('2026-01-01..2026-01-31', '450.00 EUR'), ('2026-02-01..2026-02-28', '450.00 EUR')]
    >>> run.invoices[0].due_date, str(run.invoices[0].gross_total), run.invoices[0].status.value
    (datetime.date(2026, 2, 15), '1071.00 EUR', 'draft')
    >>> again = draft_invoices(due, {"OF-1": terms}, entity, {"globex": globex},
    ...                        as_of=date(2026, 2, 1), already_billed=run.billed_keys,
    ...                        tax_rules=rules)
    >>> again.invoices, len(again.skipped)
    ((), 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from billops.domain.catalog import Catalogue
from billops.domain.checks import BillingLedger, CheckContext, hold, run_checks
from billops.domain.contract import (
    BillingModel,
    Consolidation,
    ContractLine,
    ContractTerms,
    DeliveryChannel,
    RateUnit,
)
from billops.domain.events import Events
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    LineSource,
    PaymentInstructions,
    TaxTreatment,
)
from billops.domain.money import Money, RoundingMode, currency_minor_units, sum_money
from billops.domain.parties import Address, Customer, LegalEntity
from billops.domain.schedules import ItemKind, ItemStatus, ScheduleItem, Trigger
from billops.domain.schedules.time_and_materials import rate_for
from billops.domain.tax import (
    Jurisdiction,
    TaxError,
    TaxRules,
    determine_tax,
    entity_jurisdiction,
)

__all__ = [
    "CreditProposal",
    "DraftResult",
    "DraftedInvoice",
    "GroupKey",
    "SkipReason",
    "SkippedItem",
    "draft_invoices",
    "group_key",
    "invoice_line",
    "is_due",
]

_EVENT_TRIGGERS = frozenset(
    {
        Trigger.SHIPMENT,
        Trigger.USAGE_REPORTED,
        Trigger.GO_LIVE,
        Trigger.EXPENSE_APPROVED,
        Trigger.MILESTONE_ACCEPTED,
    }
)
_MAX_PRICE_PLACES = 12


class SkipReason(StrEnum):
    """Why a due item was not drafted."""

    ALREADY_BILLED = "already_billed"  # its key is billed: the diff leaves it out
    REPEATED = "repeated"  # the same key was passed twice; drafted once
    UNKNOWN_CONTRACT = "unknown_contract"
    OTHER_ENTITY = "other_entity"  # the contract belongs to another legal entity's run
    UNKNOWN_CUSTOMER = "unknown_customer"
    TAX_UNDETERMINED = "tax_undetermined"  # the group waits for the tax rules to cover it
    CREDIT_PROPOSED = "credit_proposed"  # its group nets negative: a credit note is proposed
    NOTHING_TO_BILL = "nothing_to_bill"  # zero amount without a zero rate (usage within allowance)


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """A due item the run did not draft, and why."""

    contract_id: str
    item_key: str
    reason: SkipReason
    detail: str = ""


@dataclass(frozen=True, slots=True, order=True)
class GroupKey:
    """What one invoice shares: customer, currency, PO, split, payment days, channel."""

    customer_code: str
    currency: str
    purchase_order: str
    split: str
    net_days: int
    channel: str

    def __str__(self) -> str:
        parts = [self.customer_code, self.currency, self.purchase_order or "no-po"]
        if self.split:
            parts.append(self.split)
        return "/".join(parts)


@dataclass(frozen=True, slots=True)
class DraftedInvoice:
    """One draft: its group, the invoice (draft or held), check findings, tax reasons."""

    key: GroupKey
    invoice: Invoice
    findings: tuple[Finding, ...] = ()
    tax_explanations: tuple[str, ...] = ()  # one per line, in line order


@dataclass(frozen=True, slots=True)
class CreditProposal:
    """A group that nets negative: the lines a credit note should carry, for a person to raise."""

    key: GroupKey
    lines: tuple[InvoiceLine, ...]
    total: Money
    contract_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class DraftResult:
    """What a run drafts: invoices, items left out (and why), findings, credit proposals.

    ``findings`` holds the run's own findings (items it could not draft)
    followed by every draft's check findings; each ``DraftedInvoice`` also
    carries its own.
    """

    drafts: tuple[DraftedInvoice, ...]
    skipped: tuple[SkippedItem, ...] = ()
    findings: tuple[Finding, ...] = ()
    credit_proposals: tuple[CreditProposal, ...] = ()

    @property
    def invoices(self) -> tuple[Invoice, ...]:
        return tuple(draft.invoice for draft in self.drafts)

    @property
    def billed_keys(self) -> frozenset[tuple[str, str]]:
        """The ``(contract_id, item_key)`` of every drafted line (held drafts included)."""
        return frozenset(
            (line.source.contract_id, line.source.item_key)
            for invoice in self.invoices
            for line in invoice.lines
            if line.source is not None
        )


def is_due(item: ScheduleItem, as_of: date) -> bool:
    """True when the item is billable on ``as_of`` (held excess never is)."""
    if item.status is not ItemStatus.BILLABLE or item.kind is ItemKind.HELD_EXCESS:
        return False
    return item.bill_date is None or item.bill_date <= as_of


def group_key(
    item: ScheduleItem, terms: ContractTerms, customer: Customer, line: ContractLine | None
) -> GroupKey:
    """The invoice an item goes on (see the module docstring)."""
    provisions = terms.invoicing_provisions
    po = (line.po_number if line is not None else None) or (
        terms.purchase_order.number if terms.purchase_order is not None else None
    )
    consolidation = provisions.consolidation
    if consolidation is Consolidation.PER_CONTRACT:
        split = f"contract={terms.contract_id}"
    elif consolidation is Consolidation.PER_COST_CENTRE:
        centre = line.cost_centre if line is not None else None
        split = f"cost-centre={centre or '-'}"
    elif consolidation is Consolidation.PER_LINE:
        split = f"line={terms.contract_id}:{item.line_id}"
    else:
        split = ""
    net_days = (
        terms.payment_terms.net_days
        if terms.payment_terms is not None
        else customer.payment_terms_days
    )
    return GroupKey(
        customer_code=customer.code,
        currency=item.amount.currency,
        purchase_order=po or "",
        split=split,
        net_days=net_days,
        channel=provisions.delivery_channel.value,
    )


def draft_invoices(
    items_due: Iterable[ScheduleItem],
    contracts: Mapping[str, ContractTerms],
    entity: LegalEntity,
    customers: Mapping[str, Customer],
    *,
    as_of: date,
    already_billed: frozenset[tuple[str, str]],
    tax_rules: TaxRules,
    catalogue: Catalogue | None = None,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    ledger: BillingLedger = BillingLedger(),  # noqa: B008 - immutable
    issue_date: date | None = None,
) -> DraftResult:
    """Draft the invoices for the items due on ``as_of`` that are not billed yet.

    ``items_due`` may hold every item of the contracts' schedules: only
    those billable on ``as_of`` are considered. Invoices are dated
    ``issue_date`` (the run date by default).
    """
    run = _Run(
        entity=entity,
        customers=customers,
        tax_rules=tax_rules,
        catalogue=catalogue,
        events=events,
        as_of=as_of,
        issue_date=issue_date or as_of,
    )
    due = _new_items(items_due, as_of, already_billed, run)
    groups = _groups(due, contracts, run)
    context = CheckContext(
        as_of=as_of,
        entity=entity,
        contracts=contracts,
        customers=customers,
        schedule_items={(item.contract_id, item.item_key): item for item in due},
        events=events,
        already_billed=already_billed,
        ledger=ledger,
    )
    for key in sorted(groups):
        _draft_group(key, sorted(groups[key], key=_line_order), context, run)
    check_findings = [f for draft in run.drafts for f in draft.findings]
    return DraftResult(
        drafts=tuple(run.drafts),
        skipped=tuple(run.skipped),
        findings=(*run.findings, *check_findings),
        credit_proposals=tuple(run.proposals),
    )


_Member = tuple[ScheduleItem, ContractTerms, ContractLine | None]


@dataclass
class _Run:
    """One run's settings and what it has drafted and left out so far."""

    entity: LegalEntity
    customers: Mapping[str, Customer]
    tax_rules: TaxRules
    catalogue: Catalogue | None
    events: Events
    as_of: date
    issue_date: date
    skipped: list[SkippedItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    drafts: list[DraftedInvoice] = field(default_factory=list)
    proposals: list[CreditProposal] = field(default_factory=list)

    def skip(self, members: Iterable[_Member], reason: SkipReason, detail: str) -> None:
        self.skipped.extend(_skip(item, reason, detail) for item, _, _ in members)


def _new_items(
    items: Iterable[ScheduleItem],
    as_of: date,
    already_billed: frozenset[tuple[str, str]],
    run: _Run,
) -> list[ScheduleItem]:
    """The diff: items due on ``as_of``, each once, not billed yet, with something to bill."""
    seen: set[tuple[str, str]] = set()
    due: list[ScheduleItem] = []
    for item in items:
        if not is_due(item, as_of):
            continue
        billed_key = (item.contract_id, item.item_key)
        if billed_key in seen:
            run.skipped.append(_skip(item, SkipReason.REPEATED, "passed twice; drafted once"))
        elif billed_key in already_billed:
            run.skipped.append(_skip(item, SkipReason.ALREADY_BILLED))
        elif item.amount.is_zero() and item.unit_price != 0:
            run.skipped.append(_skip(item, SkipReason.NOTHING_TO_BILL, item.explanation))
        else:
            due.append(item)
        seen.add(billed_key)
    return due


def _groups(
    due: list[ScheduleItem], contracts: Mapping[str, ContractTerms], run: _Run
) -> dict[GroupKey, list[_Member]]:
    """The due items of this entity's known customers, by the invoice they go on."""
    groups: dict[GroupKey, list[_Member]] = {}
    for item in due:
        terms = contracts.get(item.contract_id)
        if terms is None:
            run.skipped.append(_skip(item, SkipReason.UNKNOWN_CONTRACT, "contract not loaded"))
            run.findings.append(_unknown_contract(item))
            continue
        supplier = terms.supplier.code
        if supplier is not None and supplier != run.entity.code:
            run.skipped.append(_skip(item, SkipReason.OTHER_ENTITY, f"billed by {supplier}"))
            continue
        customer = run.customers.get(terms.customer.code or "")
        if customer is None:
            run.skipped.append(_skip(item, SkipReason.UNKNOWN_CUSTOMER, str(terms.customer.code)))
            run.findings.append(_unknown_customer(terms))
            continue
        line = next((cl for cl in terms.lines if cl.line_id == item.line_id), None)
        groups.setdefault(group_key(item, terms, customer, line), []).append((item, terms, line))
    return groups


def _draft_group(key: GroupKey, members: list[_Member], context: CheckContext, run: _Run) -> None:
    """One group's invoice (checked, perhaps held), credit proposal, or tax finding."""
    customer = run.customers[key.customer_code]
    contracts = [terms for _, terms, _ in members]
    buyer_address = _buyer_address(customer, contracts)
    try:
        treatments, explanations = _taxes(members, customer, buyer_address, run)
    except TaxError as problem:
        run.skip(members, SkipReason.TAX_UNDETERMINED, problem.describe())
        run.findings.append(_tax_undetermined(key, problem))
        return
    lines = tuple(
        invoice_line(
            number,
            item,
            line,
            tax,
            events=run.events,
            terms=terms,
            rounding=run.entity.rounding_mode,
            as_of=run.as_of,
        )
        for number, ((item, terms, line), tax) in enumerate(
            zip(members, treatments, strict=True), start=1
        )
    )
    contract_ids = tuple(sorted({terms.contract_id for terms in contracts}))
    total = sum_money((line.net_amount for line in lines), key.currency)
    if total.amount < 0:
        reason = (
            f"the items due for {key} total {total}: a credit, to be issued as a credit "
            "note against the invoice it corrects"
        )
        run.proposals.append(CreditProposal(key, lines, total, contract_ids, reason))
        run.skip(members, SkipReason.CREDIT_PROPOSED, reason)
        run.findings.append(_credit_proposed(key, total, contract_ids))
        return
    invoice = _invoice(
        key, lines, run.entity, customer, buyer_address, contracts, contract_ids, run.issue_date
    )
    checked = run_checks(invoice, context)
    run.drafts.append(DraftedInvoice(key, hold(invoice, checked), checked, explanations))


def _taxes(
    members: list[_Member], customer: Customer, buyer_address: Address | None, run: _Run
) -> tuple[list[TaxTreatment], tuple[str, ...]]:
    """Each member's tax treatment and its explanation; ``TaxError`` if one is undecidable."""
    seller = entity_jurisdiction(run.entity)
    # Without any address the buyer's country is unknown: the draft is taxed as a
    # domestic sale and INV-CUSTOMER-ADDRESS holds it; it is drafted again once fixed.
    buyer = Jurisdiction(
        buyer_address.country if buyer_address is not None else run.entity.country,
        next((t.value for t in customer.tax_ids if t.scheme == "vat"), None),
    )
    treatments: list[TaxTreatment] = []
    explanations: list[str] = []
    for item, _, line in members:
        code = run.tax_rules.code_for(item.billing_model, _product_tax_code(run.catalogue, line))
        decision = determine_tax(run.tax_rules, code, seller, buyer)
        treatments.append(decision.treatment)
        explanations.append(
            decision.explanation
            if buyer_address is not None
            else "the buyer's country is unknown, taxed as domestic until the address is "
            f"completed: {decision.explanation}"
        )
    return treatments, tuple(explanations)


def invoice_line(
    line_no: int,
    item: ScheduleItem,
    line: ContractLine | None,
    tax: TaxTreatment,
    *,
    events: Events = Events(),  # noqa: B008 - Events is immutable
    terms: ContractTerms | None = None,
    rounding: RoundingMode = RoundingMode.HALF_UP,
    as_of: date | None = None,
) -> InvoiceLine:
    """The invoice line billing ``item``: its amount exactly, with period, quantity and price.

    A whole period at the contract's price (shown as list price less the
    discount where the contract gives both):

    >>> from billops.domain.calendar import Period
    >>> from billops.domain.contract import ContractLine
    >>> from billops.domain.invoices import TaxCategory
    >>> seats = ContractLine(line_id="L1", description="Workspace Pro", unit="seat",
    ...     billing_model="subscription", quantity=10, list_price="50.00",
    ...     discount_percent="10", unit_price="45.00")
    >>> item = ScheduleItem(contract_id="C-1", line_id="L1", item_key="L1:2026-01-01",
    ...     billing_model=BillingModel.SUBSCRIPTION, kind=ItemKind.CHARGE,
    ...     amount=Money("450.00", "EUR"), quantity=Decimal(10), unit_price=Decimal(45),
    ...     service_period=Period(date(2026, 1, 1), date(2026, 1, 31)),
    ...     bill_date=date(2026, 1, 1), trigger=Trigger.DATE, trigger_ref=None,
    ...     status=ItemStatus.BILLABLE, explanation="")
    >>> full = invoice_line(1, item, seats, TaxTreatment(TaxCategory.STANDARD, Decimal(19)))
    >>> full.quantity, full.unit_price, full.discount_percent, str(full.net_amount)
    (Decimal('10'), Decimal('50.00'), Decimal('10'), '450.00 EUR')

    Seventeen days of January: the effective price per seat, and the exact amount:

    >>> import dataclasses
    >>> part = dataclasses.replace(item, amount=Money("246.77", "EUR"),
    ...     service_period=Period(date(2026, 1, 15), date(2026, 1, 31)))
    >>> short = invoice_line(1, part, seats, TaxTreatment(TaxCategory.STANDARD, Decimal(19)))
    >>> short.description, short.unit_price, str(short.net_amount)
    ('Workspace Pro (part period)', Decimal('24.677'), '246.77 EUR')
    """
    amount = item.amount
    quantity = item.quantity if item.quantity else Decimal(1)
    quantity = -abs(quantity) if amount.amount < 0 else abs(quantity)
    description = _description(item, line, terms)
    unit_price, discount = _contract_price(item, line, quantity, rounding)
    if unit_price is None:
        unit_price = _effective_price(amount, quantity)
        if item.kind is ItemKind.CHARGE and item.unit_price is not None and item.service_period:
            description += " (part period)"
    return InvoiceLine(
        line_no=line_no,
        description=description,
        quantity=quantity,
        unit=_unit(item, line, terms),
        unit_price=unit_price,
        net_amount=amount,
        tax=tax,
        discount_percent=discount,
        service_period=item.service_period,
        sku=line.sku if line is not None else None,
        source=LineSource(
            contract_id=item.contract_id,
            item_key=item.item_key,
            billing_model=item.billing_model,
            events=_source_events(item, events, terms, as_of),
            milestone_id=_milestone_id(item, events, terms),
        ),
    )


# --------------------------------------------------------------------------
# Lines


def _contract_price(
    item: ScheduleItem, line: ContractLine | None, quantity: Decimal, rounding: RoundingMode
) -> tuple[Decimal | None, Decimal | None]:
    """(unit price, discount) when the contract's price makes the amount; (None, None) if not."""
    if item.unit_price is None:
        return None, None
    currency = item.amount.currency
    if Money(quantity * item.unit_price, currency).round(rounding) != item.amount:
        return None, None
    if (
        line is not None
        and line.list_price is not None
        and line.discount_percent
        and line.unit_price == item.unit_price
    ):
        net = quantity * line.list_price * (100 - line.discount_percent) / 100
        if Money(net, currency).round(rounding) == item.amount:
            return line.list_price, line.discount_percent
    return item.unit_price, None


def _effective_price(amount: Money, quantity: Decimal) -> Decimal:
    """|amount| / |quantity| to enough places that quantity x price rounds back to amount.

    Trailing zeros are dropped, but never below the currency's minor unit.
    """
    minor = currency_minor_units(amount.currency)
    places = min(len(str(int(abs(quantity)))) + minor + 1, _MAX_PRICE_PLACES)
    price = (abs(amount.amount) / abs(quantity)).quantize(Decimal(1).scaleb(-places))
    while places > minor and price == price.quantize(Decimal(1).scaleb(-(places - 1))):
        places -= 1
        price = price.quantize(Decimal(1).scaleb(-places))
    return price


def _description(item: ScheduleItem, line: ContractLine | None, terms: ContractTerms | None) -> str:
    base = line.description if line is not None else item.line_id
    if item.billing_model is BillingModel.TIME_AND_MATERIALS and item.trigger_ref:
        base = f"{base}: {item.trigger_ref.partition(':')[2]}"
    milestone = _milestone(item, terms)
    if milestone is not None:
        base = f"{base}: {milestone}" if line is not None else milestone
    labels = {
        ItemKind.PRORATION_CREDIT: "credit for the amended days",
        ItemKind.PRORATION_CHARGE: "charge for the amended days",
        ItemKind.TRUE_UP: "minimum commitment true-up",
    }
    if item.kind in labels:
        base = f"{base}, {labels[item.kind]}"
    return base


def _milestone(item: ScheduleItem, terms: ContractTerms | None) -> str | None:
    if terms is None or item.billing_model is not BillingModel.MILESTONE:
        return None
    suffix = item.item_key.rpartition(":")[2]
    found = next((m for m in terms.milestones if m.milestone_id == suffix), None)
    return found.name if found is not None else None


def _unit(item: ScheduleItem, line: ContractLine | None, terms: ContractTerms | None) -> str:
    if item.billing_model is BillingModel.TIME_AND_MATERIALS and terms is not None:
        role = (item.trigger_ref or "").partition(":")[2]
        rate = rate_for(role, terms.rate_card) if role else None
        if rate is not None:
            return "day" if rate.unit is RateUnit.DAY else "hour"
    if line is not None and line.unit:
        return line.unit
    return "each"


def _source_events(
    item: ScheduleItem, events: Events, terms: ContractTerms | None, as_of: date | None
) -> tuple[str, ...]:
    """The idempotency keys of the events behind the item."""
    if item.billing_model is BillingModel.TIME_AND_MATERIALS:
        role = (item.trigger_ref or "").partition(":")[2]
        if terms is None or item.service_period is None or not role:
            return ()
        period = item.service_period
        return tuple(
            sorted(
                e.idempotency_key
                for e in events.time_entries
                if e.contract_id == item.contract_id
                and e.line_id == item.line_id
                and e.approved
                and e.billable
                and period.contains(e.work_date)
                and (as_of is None or e.work_date <= as_of)
                and (rate := rate_for(e.role, terms.rate_card)) is not None
                and rate.role == role
            )
        )
    if item.trigger in _EVENT_TRIGGERS and item.trigger_ref:
        return tuple(ref for ref in item.trigger_ref.split(",") if ref)
    return ()


def _milestone_id(item: ScheduleItem, events: Events, terms: ContractTerms | None) -> str | None:
    if terms is None or not terms.milestones:
        return None
    ids = {m.milestone_id for m in terms.milestones}
    if item.trigger_ref in ids:
        return item.trigger_ref
    for acceptance in events.milestone_acceptances:
        if acceptance.idempotency_key == item.trigger_ref and acceptance.milestone_id in ids:
            return acceptance.milestone_id
    suffix = item.item_key.rpartition(":")[2]
    return suffix if suffix in ids else None


def _product_tax_code(catalogue: Catalogue | None, line: ContractLine | None) -> str | None:
    if catalogue is None or line is None or line.sku is None:
        return None
    product = catalogue.get(line.sku)
    return product.tax_code if product is not None else None


def _line_order(member: _Member) -> tuple[str, date, int, date, str]:
    item, terms, _ = member
    index = next((i for i, cl in enumerate(terms.lines) if cl.line_id == item.line_id), 10**6)
    start = item.service_period.start if item.service_period is not None else date.min
    return (item.contract_id, item.bill_date or date.min, index, start, item.item_key)


# --------------------------------------------------------------------------
# Invoices


def _buyer_address(customer: Customer, contracts: list[ContractTerms]) -> Address | None:
    """The customer's billing address, else any of its addresses, else the contract's."""
    address = customer.billing_address or next(iter(customer.addresses), None)
    if address is not None:
        return address
    return next((t.customer.address for t in contracts if t.customer.address is not None), None)


def _invoice(
    key: GroupKey,
    lines: tuple[InvoiceLine, ...],
    entity: LegalEntity,
    customer: Customer,
    buyer_address: Address | None,
    contracts: list[ContractTerms],
    contract_ids: tuple[str, ...],
    issue_date: date,
) -> Invoice:
    terms_text = next(
        (
            t.payment_terms.description
            for t in contracts
            if t.payment_terms is not None and t.payment_terms.description
        ),
        None,
    ) or (f"Net {key.net_days} days" if key.net_days else "Due on receipt")
    contact = next(iter(customer.billing_contacts), None) or next(
        (t.billing_contact for t in contracts if t.billing_contact is not None), None
    )
    notes = []
    if key.split.startswith("cost-centre=") and key.split != "cost-centre=-":
        notes.append(f"Cost centre: {key.split.partition('=')[2]}")
    portal = next(
        (t.invoicing_provisions.portal for t in contracts if t.invoicing_provisions.portal), None
    )
    if portal and key.channel == DeliveryChannel.PORTAL.value:
        notes.append(f"Submitted through {portal}")
    # Without any address the buyer's country is unknown: the seller's is shown and
    # INV-CUSTOMER-ADDRESS holds the draft, so it is never issued this way.
    shown_address = buyer_address or Address(country=entity.country)
    tax_id = next((t for t in customer.tax_ids if t.scheme == "vat"), None) or next(
        iter(customer.tax_ids), None
    )
    return Invoice(
        kind=DocumentKind.INVOICE,
        entity_code=entity.code,
        customer_code=customer.code,
        currency=key.currency,
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=key.net_days),
        seller=InvoiceParty(
            name=entity.name,
            address=entity.address or Address(country=entity.country),
            tax_id=entity.tax_id,
            code=entity.code,
            endpoint=entity.einvoice_endpoint,
        ),
        buyer=InvoiceParty(
            name=customer.name,
            address=shown_address,
            tax_id=tax_id,
            code=customer.code,
            contact=contact,
            endpoint=customer.einvoice_endpoint,
        ),
        lines=lines,
        purchase_order=key.purchase_order or None,
        contract_ids=contract_ids,
        payment_terms=terms_text,
        note="; ".join(notes) or None,
        rounding=entity.rounding_mode,
        payment=(
            PaymentInstructions(
                iban=entity.bank_iban, bic=entity.bank_bic, account_name=entity.name
            )
            if entity.bank_iban
            else None
        ),
    )


# --------------------------------------------------------------------------
# Run findings


def _skip(item: ScheduleItem, reason: SkipReason, detail: str = "") -> SkippedItem:
    return SkippedItem(item.contract_id, item.item_key, reason, detail)


def _unknown_contract(item: ScheduleItem) -> Finding:
    return Finding(
        rule_id="BILL-CONTRACT-UNKNOWN",
        severity=Severity.ERROR,
        message=f"schedule item {item.item_key} belongs to contract {item.contract_id}, which "
        "the run did not load; it is not billed",
        fields=(f"contracts[{item.contract_id}]",),
        values={"contract_id": item.contract_id, "item_key": item.item_key},
        hint="load the contract's terms with its schedule",
    )


def _unknown_customer(terms: ContractTerms) -> Finding:
    code = terms.customer.code
    return Finding(
        rule_id="BILL-CUSTOMER-UNKNOWN",
        severity=Severity.ERROR,
        message=f"contract {terms.contract_id} bills customer {code or terms.customer.name!r}, "
        "which has no customer record; nothing is billed for it",
        fields=(f"contracts[{terms.contract_id}].customer.code",),
        values={"contract_id": terms.contract_id, "customer": str(code)},
        hint="match the contract's customer to a customer record",
    )


def _tax_undetermined(key: GroupKey, error: TaxError) -> Finding:
    return Finding(
        rule_id="BILL-TAX-UNDETERMINED",
        severity=Severity.ERROR,
        message=f"the invoice for {key} is not drafted: {error.describe()}",
        fields=(f"drafts[{key}].tax",),
        values={"draft": str(key), "field": str(error.field), "value": str(error.value)},
        hint="complete the tax rules (billops/policies/tax.yaml) or the party's address",
        route=Route.TAX.value,
    )


def _credit_proposed(key: GroupKey, total: Money, contract_ids: tuple[str, ...]) -> Finding:
    return Finding(
        rule_id="BILL-CREDIT-PROPOSED",
        severity=Severity.WARNING,
        message=f"the items due for {key} (contracts {', '.join(contract_ids)}) total {total}; "
        "a credit note is proposed instead of a negative invoice",
        fields=(f"drafts[{key}]",),
        values={"draft": str(key), "total": str(total)},
        hint="raise a credit note against the invoice that billed the credited period",
    )
