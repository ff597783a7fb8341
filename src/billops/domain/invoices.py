"""Invoices and credit notes: what the customer receives, line by line, with its tax.

An invoice is drafted by the billing run from schedule items that became
billable; each line says what it bills (description, service period,
quantity, unit price, discount), where it came from (``LineSource``: the
schedule item, time entries, milestone, shipment or usage record) and how
it is taxed (``TaxTreatment``). Drafts may change; an issued invoice never
does, and is corrected only by a credit note: a document of its own that
names the invoice it corrects (``preceding``), as EN 16931 requires.

Rounding happens at two named points, those of EN 16931: each line's net
amount is rounded to the currency's minor unit when the line is made, and
the tax of each tax category and rate is computed on the sum of its lines'
net amounts and rounded once (BR-CO-17). Totals are sums of rounded
amounts, so they always add up on paper.

    >>> standard = TaxTreatment(TaxCategory.STANDARD, Decimal("19"))
    >>> line = InvoiceLine.priced(
    ...     line_no=1, description="Workspace Pro, 100 seats, January",
    ...     quantity=Decimal(100), unit="seat", unit_price=Decimal("45.00"),
    ...     discount_percent=Decimal("10"), currency="EUR", tax=standard)
    >>> str(line.net_amount)
    '4050.00 EUR'
    >>> [(str(b.taxable), str(b.tax)) for b in tax_breakdown([line], "EUR")]
    [('4050.00 EUR', '769.50 EUR')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billops.domain.calendar import Period
from billops.domain.contract import BillingModel
from billops.domain.money import Money, RoundingMode, sum_money
from billops.domain.parties import Address, Contact, TaxId
from billops.errors import InvalidInput

__all__ = [
    "DocumentKind",
    "Invoice",
    "InvoiceLine",
    "InvoiceParty",
    "InvoiceStatus",
    "LineSource",
    "PaymentInstructions",
    "PrecedingInvoice",
    "TaxBreakdown",
    "TaxCategory",
    "TaxTreatment",
    "tax_breakdown",
]

_HUNDRED = Decimal(100)


class DocumentKind(StrEnum):
    INVOICE = "invoice"  # UNTDID 1001 code 380
    CREDIT_NOTE = "credit_note"  # UNTDID 1001 code 381


class InvoiceStatus(StrEnum):
    DRAFT = "draft"  # drafted by a run; may still change
    HELD = "held"  # a pre-invoice check failed: a work-queue task until fixed or overridden
    APPROVED = "approved"  # checked and approved; waiting to be issued
    ISSUED = "issued"  # numbered and sent: immutable from here on


class TaxCategory(StrEnum):
    """The VAT category of a line (UNCL5305 codes, as EN 16931 uses them)."""

    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"  # EU B2B across member states: the buyer accounts for VAT
    INTRA_COMMUNITY = "K"  # intra-EU supply of goods
    EXPORT = "G"  # export outside the EU
    OUTSIDE_SCOPE = "O"  # not subject to VAT (e.g. a US sale)


@dataclass(frozen=True, slots=True)
class TaxTreatment:
    """How one line is taxed: category, rate in percent and, where no VAT is charged, why."""

    category: TaxCategory
    rate: Decimal = Decimal(0)
    exemption_reason: str | None = None  # printed text, e.g. "Reverse charge"
    exemption_code: str | None = None  # VATEX code, e.g. "VATEX-EU-AE"

    def __post_init__(self) -> None:
        if not isinstance(self.rate, Decimal) or not (0 <= self.rate <= _HUNDRED):
            raise InvalidInput(
                "a tax rate is a percentage between 0 and 100", field="rate", value=str(self.rate)
            )
        if self.category is not TaxCategory.STANDARD and self.rate != 0:
            raise InvalidInput(
                f"tax category {self.category.value} carries no tax, so its rate must be 0",
                field="rate",
                value=str(self.rate),
            )


@dataclass(frozen=True, slots=True)
class LineSource:
    """Where an invoice line comes from: its schedule item and the events behind it."""

    contract_id: str
    item_key: str  # the schedule item billed: with the contract, the exactly-once key
    billing_model: BillingModel
    events: tuple[str, ...] = ()  # idempotency keys of time entries, shipments, usage...
    milestone_id: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice; ``net_amount`` is rounded (the first rounding point)."""

    line_no: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Money
    tax: TaxTreatment
    discount_percent: Decimal | None = None
    service_period: Period | None = None
    sku: str | None = None
    source: LineSource | None = None

    @classmethod
    def priced(
        cls,
        *,
        line_no: int,
        description: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        currency: str,
        tax: TaxTreatment,
        discount_percent: Decimal | None = None,
        rounding: RoundingMode = RoundingMode.HALF_UP,
        service_period: Period | None = None,
        sku: str | None = None,
        source: LineSource | None = None,
    ) -> InvoiceLine:
        """A line whose net amount is quantity x unit price less the discount, rounded once."""
        gross = quantity * unit_price
        if discount_percent:
            gross = gross * (_HUNDRED - discount_percent) / _HUNDRED
        return cls(
            line_no=line_no,
            description=description,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            net_amount=Money(gross, currency).round(rounding),
            tax=tax,
            discount_percent=discount_percent,
            service_period=service_period,
            sku=sku,
            source=source,
        )


@dataclass(frozen=True, slots=True)
class TaxBreakdown:
    """The tax of one category and rate: taxable amount, tax (the second rounding point)."""

    category: TaxCategory
    rate: Decimal
    taxable: Money
    tax: Money
    exemption_reason: str | None = None
    exemption_code: str | None = None


def tax_breakdown(
    lines: Iterable[InvoiceLine], currency: str, rounding: RoundingMode = RoundingMode.HALF_UP
) -> list[TaxBreakdown]:
    """Lines grouped by tax category and rate, each group's tax rounded once (BR-CO-17)."""
    groups: dict[tuple[TaxCategory, Decimal], list[InvoiceLine]] = {}
    for line in lines:
        groups.setdefault((line.tax.category, line.tax.rate), []).append(line)
    result = []
    for (category, rate), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        taxable = sum_money((line.net_amount for line in members), currency)
        tax = Money(taxable.amount * rate / _HUNDRED, currency).round(rounding)
        first = members[0].tax
        result.append(
            TaxBreakdown(category, rate, taxable, tax, first.exemption_reason, first.exemption_code)
        )
    return result


@dataclass(frozen=True, slots=True)
class InvoiceParty:
    """Seller or buyer as printed on the invoice (and carried into the e-invoice)."""

    name: str
    address: Address
    tax_id: TaxId | None = None
    code: str | None = None  # our entity code or the customer code
    contact: Contact | None = None
    endpoint: str | None = None  # Peppol participant id "<scheme>:<id>"


@dataclass(frozen=True, slots=True)
class PaymentInstructions:
    """How the customer pays: the account that receives the money."""

    iban: str | None = None
    bic: str | None = None
    account_name: str | None = None
    reference: str | None = None  # remittance reference, usually the invoice number


@dataclass(frozen=True, slots=True)
class PrecedingInvoice:
    """The invoice a credit note corrects (EN 16931 BG-3)."""

    number: str
    issue_date: date


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice or credit note; ``number`` is None until it is issued."""

    kind: DocumentKind
    entity_code: str
    customer_code: str
    currency: str
    issue_date: date
    due_date: date
    seller: InvoiceParty
    buyer: InvoiceParty
    lines: tuple[InvoiceLine, ...]
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    purchase_order: str | None = None
    contract_ids: tuple[str, ...] = ()
    payment_terms: str | None = None
    payment: PaymentInstructions | None = None
    preceding: PrecedingInvoice | None = None
    note: str | None = None
    rounding: RoundingMode = RoundingMode.HALF_UP
    reason: str | None = None  # why a credit note was raised
    holds: tuple[str, ...] = field(default=())  # ids of the pre-invoice checks that failed

    def __post_init__(self) -> None:
        if not self.lines:
            raise InvalidInput("an invoice needs at least one line", field="lines", value="0")
        if self.due_date < self.issue_date:
            raise InvalidInput(
                f"the due date {self.due_date} is before the issue date {self.issue_date}",
                field="due_date",
                value=str(self.due_date),
            )
        for line in self.lines:
            if line.net_amount.currency != self.currency:
                raise InvalidInput(
                    f"line {line.line_no} is in {line.net_amount.currency}, the invoice in "
                    f"{self.currency}",
                    field=f"lines[{line.line_no}].net_amount",
                    value=str(line.net_amount),
                )
        if self.kind is DocumentKind.CREDIT_NOTE and self.preceding is None:
            raise InvalidInput(
                "a credit note must name the invoice it corrects",
                field="preceding",
                value="None",
            )

    @property
    def net_total(self) -> Money:
        """Sum of the line net amounts (EN 16931 BT-106 / BT-109)."""
        return sum_money((line.net_amount for line in self.lines), self.currency)

    @property
    def taxes(self) -> Sequence[TaxBreakdown]:
        return tax_breakdown(self.lines, self.currency, self.rounding)

    @property
    def tax_total(self) -> Money:
        """Sum of the per-category taxes (BT-110)."""
        return sum_money((group.tax for group in self.taxes), self.currency)

    @property
    def gross_total(self) -> Money:
        """What the customer pays (BT-112 / BT-115): net plus tax."""
        return self.net_total + self.tax_total
