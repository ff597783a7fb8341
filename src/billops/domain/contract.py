"""Contract terms: what a signed Order Form or Statement of Work says, as data.

Intake reads a signed document and writes its terms in this shape; validation
checks them; setup turns them into orders, projects and billing schedules.
It is exchanged as JSON (and written by hand as YAML), with a published JSON
Schema (``contract_json_schema()``). A minimal order form:

    >>> terms = parse_contract({
    ...     "contract_id": "OF-2025-001",
    ...     "document_type": "order_form",
    ...     "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    ...     "customer": {"name": "Globex Corporation"},
    ...     "currency": "USD",
    ...     "start_date": "2025-01-01", "end_date": "2025-12-31",
    ...     "lines": [{
    ...         "line_id": "L1", "sku": "PLAT-ENT", "description": "Platform, Enterprise",
    ...         "billing_model": "subscription", "quantity": 50, "unit": "user",
    ...         "unit_price": "1200.00", "amount": "60000.00",
    ...     }],
    ...     "provenance": {"lines[0].unit_price": {
    ...         "document": {"name": "globex-of.pdf"}, "page": 2, "quote": "$1,200.00"}},
    ... })
    >>> terms.lines[0].unit_price
    Decimal('1200.00')
    >>> len(terms_fingerprint(terms))
    64

What the model guarantees, so that every later step may rely on it:

- the shape: every key known (a typo is an error naming it), every value of
  the right type; money and quantities are ``Decimal``, never ``float``
  (a float passed in Python is refused; files are read with their numbers
  as ``Decimal`` by ``billops.adapters.files``);
- bounds: no negative quantity, price or amount (credits are documents of
  their own, not contract lines), percentages within 0..100, nothing above
  10^12 (a misplaced decimal point, not a deal), dates between 1900 and 2199;
- codes: the currency is an ISO 4217 billing currency, countries ISO 3166;
- coherence that makes the data unambiguous: end dates not before start
  dates, unique line and milestone ids, references to lines that exist, an
  amendment names what it amends, a milestone has an amount or a percent
  (not both), usage tiers in ascending order, provenance keys naming fields
  that exist.

What it deliberately does not check: arithmetic (quantity x unit price =
amount, milestones summing to the fixed fee, lines summing to the total
contract value, term_months matching the dates, a PO amount covering the
contract). A contract whose figures disagree is still a contract that was
signed; those are validation *findings* for a person to resolve, raised by
the validation step, not parse errors that would stop the terms being read.

Provenance: every extracted value can say where it came from. Keys are field
paths such as ``"currency"`` or ``"lines[2].unit_price"``; a key naming no
field of these terms is an error, so a provenance record cannot drift away
from the value it explains.

Canonical form: ``canonical_json(terms)`` is sorted, compact JSON with
decimals as strings without trailing zeros ("12.50" and "12.5" are the same
price); ``terms_fingerprint(terms)`` is its sha256, so identical terms are
recognised whatever file they came from.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from billops.domain.parties import (
    Address,
    Code,
    Contact,
    CurrencyCode,
    FrozenModel,
    TaxId,
    Text,
)
from billops.errors import InvalidInput

__all__ = [
    "SCHEMA_ID",
    "Alignment",
    "Amount",
    "BillingModel",
    "BillingTerms",
    "Consolidation",
    "ContractInvalid",
    "ContractLine",
    "ContractTerms",
    "DeliveryChannel",
    "DocumentRef",
    "DocumentType",
    "ExpensesPolicy",
    "FieldProblem",
    "Frequency",
    "InvoicingProvisions",
    "Milestone",
    "Party",
    "PaymentTerms",
    "Percent",
    "Provenance",
    "PurchaseOrder",
    "Quantity",
    "RampStep",
    "RateUnit",
    "Renewal",
    "RoleRate",
    "TierMode",
    "Timing",
    "UsageTier",
    "canonical_json",
    "contract_json_schema",
    "parse_contract",
    "terms_fingerprint",
    "validation_problems",
]

SCHEMA_ID: Final = "https://billops.dev/schemas/contract.schema.json"

# --------------------------------------------------------------------------
# Numbers and dates


MAX_MAGNITUDE: Final = Decimal(10) ** 12
"""Largest quantity or amount accepted: anything above is a typo, not a deal."""

_DECIMAL_TEXT: Final = r"^[0-9]+(\.[0-9]+)?$"


def _refuse_float(value: object) -> object:
    # A float has already lost the cents (0.1 + 0.2 != 0.3); refusing it here
    # makes the caller write Decimal("0.10") or "0.10" and keep them.
    if isinstance(value, float):
        raise PydanticCustomError(
            "float_refused",
            "must be a Decimal, an integer or a decimal string such as '12.50', "
            "not a float (a float cannot hold money exactly)",
        )
    return value


def _not_absurd(value: Decimal) -> Decimal:
    if value > MAX_MAGNITUDE:
        raise PydanticCustomError(
            "absurd_magnitude",
            "is implausibly large (more than 10^12); check the decimal separator and the unit",
        )
    return value


def _decimal_schema(maximum: int) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": maximum},
                {"type": "string", "pattern": _DECIMAL_TEXT},
            ]
        }
    )


Quantity = Annotated[
    Decimal,
    Field(ge=0),
    BeforeValidator(_refuse_float),
    AfterValidator(_not_absurd),
    _decimal_schema(10**12),
]
"""A non-negative count of units (users, hours, GB); a Decimal, at most 10^12."""

Amount = Annotated[
    Decimal,
    Field(ge=0),
    BeforeValidator(_refuse_float),
    AfterValidator(_not_absurd),
    _decimal_schema(10**12),
]
"""A non-negative amount of money in the contract's currency; a Decimal, at most 10^12."""

Percent = Annotated[
    Decimal,
    Field(ge=0, le=100),
    BeforeValidator(_refuse_float),
    _decimal_schema(100),
]
"""A percentage from 0 to 100 (12.5 means 12.5 %); a Decimal."""

EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2199, 12, 31)


def _refuse_number_as_date(value: object) -> object:
    # Pydantic would read 20250131 as seconds since 1970; in a contract file
    # a number where a date belongs is always a mistake.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise PydanticCustomError("date_format", "must be a date written as YYYY-MM-DD")
    return value


def _plausible_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError(
            "date_implausible", "is not a plausible contract date (years 1900 to 2199)"
        )
    return value


ContractDate = Annotated[
    date, BeforeValidator(_refuse_number_as_date), AfterValidator(_plausible_date)
]
"""A calendar date (ISO 8601 ``YYYY-MM-DD``), years 1900 to 2199."""

LongText = Annotated[str, Field(min_length=1, max_length=5000)]
ShortText = Annotated[str, Field(min_length=1, max_length=64)]

# --------------------------------------------------------------------------
# Vocabularies


class DocumentType(StrEnum):
    """The kind of signed document the terms come from."""

    ORDER_FORM = "order_form"
    SOW = "sow"
    AMENDMENT = "amendment"
    MSA = "msa"


class BillingModel(StrEnum):
    """How a contract line is charged."""

    SUBSCRIPTION = "subscription"
    FIXED_FEE = "fixed_fee"
    MILESTONE = "milestone"
    TIME_AND_MATERIALS = "time_and_materials"
    USAGE = "usage"
    ONE_TIME = "one_time"
    HARDWARE = "hardware"
    MAINTENANCE = "maintenance"
    EXPENSES = "expenses"


class Frequency(StrEnum):
    """How often a recurring charge is invoiced."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUAL = "semi_annual"
    ANNUAL = "annual"
    ONE_TIME = "one_time"


class Timing(StrEnum):
    """Whether a period is invoiced at its start (advance) or its end (arrears)."""

    ADVANCE = "advance"
    ARREARS = "arrears"


class Alignment(StrEnum):
    """Whether billing periods follow the calendar or the contract's start date."""

    CALENDAR = "calendar"
    ANNIVERSARY = "anniversary"


class TierMode(StrEnum):
    """How usage tiers price a quantity.

    graduated: each unit at the price of the tier it falls in; volume: all
    units at the price of the tier the total reaches; package: a price per
    started package of ``package_size`` units.
    """

    GRADUATED = "graduated"
    VOLUME = "volume"
    PACKAGE = "package"


class Consolidation(StrEnum):
    """How a contract's charges are grouped onto invoices."""

    CONSOLIDATED = "consolidated"
    PER_CONTRACT = "per_contract"
    PER_PURCHASE_ORDER = "per_purchase_order"
    PER_COST_CENTRE = "per_cost_centre"
    PER_LINE = "per_line"


class DeliveryChannel(StrEnum):
    """How invoices reach the customer."""

    EMAIL = "email"
    PORTAL = "portal"
    EINVOICE = "einvoice"
    POST = "post"


class RateUnit(StrEnum):
    """The unit a role rate is quoted in."""

    HOUR = "hour"
    DAY = "day"


# --------------------------------------------------------------------------
# Cross-field rules report every problem with its exact field path


class _Problems:
    """Collects rule violations, each at its own field path, and raises them together."""

    def __init__(self) -> None:
        self.details: list[InitErrorDetails] = []

    def add(self, loc: tuple[str | int, ...], message: str, value: object) -> None:
        self.details.append(
            InitErrorDetails(
                type=PydanticCustomError("contract_rule", message), loc=loc, input=value
            )
        )

    def raise_any(self, title: str) -> None:
        if self.details:
            raise ValidationError.from_exception_data(title, self.details)


def _check_unique(
    problems: _Problems, field: str, items: Sequence[BaseModel], key: str
) -> dict[str, int]:
    """Report repeated ``key`` values among ``items``; return key -> first index."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in first:
            problems.add((field, index, key), f"is already used by {field}[{first[value]}]", value)
        else:
            first[value] = index
    return first


# --------------------------------------------------------------------------
# The parts of a contract


class Party(FrozenModel):
    """A party to the contract as the document names it."""

    code: Code | None = Field(
        default=None,
        description="Our code for the party: the legal entity code for the supplier, the "
        "customer code for the customer; absent until the party is matched.",
    )
    name: Text = Field(description="Legal name as written in the document.")
    tax_ids: tuple[TaxId, ...] = Field(
        default=(), description="Tax registrations stated in the document."
    )
    address: Address | None = Field(default=None, description="Address stated in the document.")


class PurchaseOrder(FrozenModel):
    """The customer's purchase order covering the contract."""

    number: ShortText | None = Field(
        default=None, description="PO number; absent when the PO is still to be issued."
    )
    amount: Amount | None = Field(default=None, description="Amount the PO authorises.")
    required: bool = Field(
        default=False, description="True when invoices cannot be issued without a PO number."
    )
    expires_on: ContractDate | None = Field(default=None, description="Last day the PO is valid.")


class PaymentTerms(FrozenModel):
    """When the customer must pay an invoice."""

    net_days: int = Field(
        ge=0, le=365, description="Days from invoice date to due date (0 = due on receipt)."
    )
    description: Text | None = Field(
        default=None, description="The terms as written, e.g. 'Net 30' or '2/10 net 30'."
    )


class BillingTerms(FrozenModel):
    """The contract's default invoicing rhythm (a line may override it)."""

    frequency: Frequency = Field(description="How often recurring charges are invoiced.")
    timing: Timing = Field(
        default=Timing.ADVANCE, description="Invoice at the start (advance) or end (arrears)."
    )
    alignment: Alignment = Field(
        default=Alignment.ANNIVERSARY,
        description="Periods from the start date (anniversary) or calendar months (calendar).",
    )
    bill_cycle_day: int | None = Field(
        default=None, ge=1, le=31, description="Day of the month invoices are dated (BCD)."
    )


class InvoicingProvisions(FrozenModel):
    """Special invoicing provisions: clauses about how invoices must look and travel."""

    po_on_invoice: bool = Field(
        default=False, description="True when the PO number must be printed on every invoice."
    )
    consolidation: Consolidation = Field(
        default=Consolidation.PER_CONTRACT,
        description="How charges are grouped onto invoices.",
    )
    delivery_channel: DeliveryChannel = Field(
        default=DeliveryChannel.EMAIL, description="How invoices are delivered."
    )
    portal: Text | None = Field(
        default=None, description="Name or address of the customer's AP portal (e.g. 'Coupa')."
    )
    notes: tuple[LongText, ...] = Field(
        default=(), description="Other invoicing clauses, quoted or summarised, one per entry."
    )


class Renewal(FrozenModel):
    """What happens at the end of the term."""

    auto_renew: bool = Field(default=False, description="True when the term renews by itself.")
    renewal_term_months: int | None = Field(
        default=None, ge=1, le=120, description="Length of each renewal term in months."
    )
    uplift_cap_percent: Percent | None = Field(
        default=None, description="Largest price increase allowed at renewal, in percent."
    )
    notice_days: int | None = Field(
        default=None, ge=0, le=730, description="Days of notice needed to stop the renewal."
    )


class UsageTier(FrozenModel):
    """One tier of a usage price: units up to ``up_to`` cost ``unit_price`` each."""

    up_to: Quantity | None = Field(
        default=None,
        description="Last unit of this tier (inclusive); absent on the last, open-ended tier.",
    )
    unit_price: Amount | None = Field(
        default=None, description="Price per unit in this tier (per package in package mode)."
    )
    flat_fee: Amount | None = Field(
        default=None, description="Fixed fee charged once when usage reaches this tier."
    )
    package_size: Quantity | None = Field(
        default=None, description="Units per package; package mode only."
    )

    @model_validator(mode="after")
    def _has_a_price(self) -> UsageTier:
        if self.unit_price is None and self.flat_fee is None:
            raise PydanticCustomError("contract_rule", "needs a unit_price or a flat_fee")
        return self


class RampStep(FrozenModel):
    """One step of a ramp: from ``start_date`` the line's quantity or price changes."""

    start_date: ContractDate = Field(description="First day of the step.")
    end_date: ContractDate | None = Field(
        default=None, description="Last day of the step; absent: until the next step or the end."
    )
    quantity: Quantity | None = Field(default=None, description="Quantity during the step.")
    unit_price: Amount | None = Field(default=None, description="Unit price during the step.")
    amount: Amount | None = Field(default=None, description="Amount for the step as stated.")

    @model_validator(mode="after")
    def _coherent(self) -> RampStep:
        problems = _Problems()
        if self.end_date is not None and self.end_date < self.start_date:
            problems.add(
                ("end_date",), f"must be on or after start_date {self.start_date}", self.end_date
            )
        if self.quantity is None and self.unit_price is None and self.amount is None:
            problems.add((), "needs a quantity, unit_price or amount", None)
        problems.raise_any(type(self).__name__)
        return self


class ContractLine(FrozenModel):
    """One line of the contract: a product or service and how it is charged."""

    line_id: Code = Field(description="Identifier of the line, unique within the contract.")
    sku: ShortText | None = Field(
        default=None, description="Catalogue code of the product (SKU); absent until mapped."
    )
    description: LongText = Field(description="The line as described in the document.")
    billing_model: BillingModel = Field(description="How the line is charged.")
    quantity: Quantity | None = Field(default=None, description="Quantity sold.")
    unit: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="Unit of the quantity: 'user', 'GB', 'hour', 'device', ..."
    )
    unit_price: Amount | None = Field(
        default=None, description="Net price per unit per billing period, after discount."
    )
    list_price: Amount | None = Field(
        default=None, description="Catalogue price per unit before discount."
    )
    discount_percent: Percent | None = Field(
        default=None, description="Discount from list price, in percent."
    )
    amount: Amount | None = Field(
        default=None,
        description="Line total for the line's service period as stated in the document "
        "(quantity x unit_price x billing periods; the sum of the steps of a ramp).",
    )
    service_start: ContractDate | None = Field(
        default=None, description="First day of service for this line."
    )
    service_end: ContractDate | None = Field(
        default=None, description="Last day of service for this line (inclusive)."
    )
    frequency: Frequency | None = Field(
        default=None, description="Billing frequency of this line, when not the contract's."
    )
    timing: Timing | None = Field(
        default=None, description="Advance or arrears for this line, when not the contract's."
    )
    tiers: tuple[UsageTier, ...] = Field(
        default=(), description="Usage price tiers, in ascending order of up_to."
    )
    tier_mode: TierMode | None = Field(
        default=None, description="How the tiers apply; required when there are tiers."
    )
    included_units: Quantity | None = Field(
        default=None, description="Units included before usage is charged."
    )
    minimum_commitment: Amount | None = Field(
        default=None, description="Minimum charge per period; shortfall billed as a true-up."
    )
    ramp: tuple[RampStep, ...] = Field(
        default=(), description="Steps of quantity or price over the term, in date order."
    )
    percent_of_line: Code | None = Field(
        default=None,
        description="Maintenance: the line_id of the licence line this line is a percent of.",
    )
    percent: Percent | None = Field(
        default=None, description="Maintenance: the percent of percent_of_line's amount."
    )
    bundle_parent: Code | None = Field(
        default=None, description="line_id of the bundle this line is a component of."
    )
    replaces: Code | None = Field(
        default=None,
        description="On an amendment: the line id of the amended contract this line replaces "
        "from the effective date (an upgrade, downgrade, quantity or price change).",
    )
    cost_centre: ShortText | None = Field(
        default=None, description="Customer cost centre to invoice this line to."
    )
    po_number: ShortText | None = Field(
        default=None, description="PO number for this line, when not the contract's."
    )
    expense_cap: Amount | None = Field(
        default=None, description="Expenses lines: most that may be billed."
    )
    markup_percent: Percent | None = Field(
        default=None, description="Expenses lines: mark-up on cost, in percent."
    )

    @model_validator(mode="after")
    def _coherent(self) -> ContractLine:
        problems = _Problems()
        if (
            self.service_start is not None
            and self.service_end is not None
            and self.service_end < self.service_start
        ):
            problems.add(
                ("service_end",),
                f"must be on or after service_start {self.service_start}",
                self.service_end,
            )
        self._check_tiers(problems)
        for index in range(1, len(self.ramp)):
            before, step = self.ramp[index - 1], self.ramp[index]
            if step.start_date <= (before.end_date or before.start_date):
                problems.add(
                    ("ramp", index, "start_date"),
                    f"must be after the previous step (ramp[{index - 1}]), steps in date order",
                    step.start_date,
                )
        if (self.percent_of_line is None) != (self.percent is None):
            given, missing = (
                ("percent_of_line", "percent")
                if self.percent is None
                else ("percent", "percent_of_line")
            )
            problems.add((missing,), f"is required when {given} is given", None)
        if self.percent_of_line is not None and self.percent_of_line == self.line_id:
            problems.add(
                ("percent_of_line",), "must name another line, not this one", self.percent_of_line
            )
        if self.bundle_parent is not None and self.bundle_parent == self.line_id:
            problems.add(
                ("bundle_parent",), "must name another line, not this one", self.bundle_parent
            )
        problems.raise_any(type(self).__name__)
        return self

    def _check_tiers(self, problems: _Problems) -> None:
        if self.tiers and self.tier_mode is None:
            problems.add(("tier_mode",), "is required when the line has tiers", None)
        if self.tier_mode is not None and not self.tiers:
            problems.add(("tiers",), "must list the tiers when tier_mode is given", None)
        previous: Decimal | None = None
        for index, tier in enumerate(self.tiers):
            last = index == len(self.tiers) - 1
            if tier.up_to is None and not last:
                problems.add(
                    ("tiers", index, "up_to"), "may be open-ended only on the last tier", None
                )
            if tier.up_to is not None and previous is not None and tier.up_to <= previous:
                problems.add(
                    ("tiers", index, "up_to"),
                    f"must be greater than the previous tier's up_to {previous}",
                    tier.up_to,
                )
            if tier.up_to is not None:
                previous = tier.up_to
            packaged = self.tier_mode is TierMode.PACKAGE
            if packaged and not tier.package_size:
                problems.add(
                    ("tiers", index, "package_size"),
                    "must be greater than 0 in package mode",
                    tier.package_size,
                )
            if not packaged and tier.package_size is not None:
                problems.add(
                    ("tiers", index, "package_size"),
                    "applies only when tier_mode is 'package'",
                    tier.package_size,
                )


class Milestone(FrozenModel):
    """A deliverable whose acceptance (or date) makes an amount billable."""

    milestone_id: Code = Field(description="Identifier, unique within the contract.")
    name: Text = Field(description="The milestone as named in the document.")
    amount: Amount | None = Field(
        default=None, description="Amount billable at the milestone (or give percent)."
    )
    percent: Percent | None = Field(
        default=None,
        description="Percent of line_id's amount (or of the total contract value when there "
        "is no line_id) billable at the milestone (or give amount).",
    )
    due_date: ContractDate | None = Field(default=None, description="Planned completion date.")
    acceptance_required: bool = Field(
        default=True, description="True when the customer's written acceptance triggers billing."
    )
    line_id: Code | None = Field(
        default=None, description="The contract line (usually fixed fee) the milestone bills."
    )

    @model_validator(mode="after")
    def _amount_or_percent(self) -> Milestone:
        problems = _Problems()
        if self.amount is not None and self.percent is not None:
            problems.add(("percent",), "give either amount or percent, not both", self.percent)
        elif self.amount is None and self.percent is None:
            problems.add(("amount",), "is required (or give percent)", None)
        problems.raise_any(type(self).__name__)
        return self


class RoleRate(FrozenModel):
    """One entry of the rate card: the price of a role per hour or day."""

    role: Text = Field(description="Role as named in the rate card, e.g. 'Senior Consultant'.")
    rate: Amount = Field(description="Price per unit of time.")
    unit: RateUnit = Field(default=RateUnit.HOUR, description="'hour' or 'day'.")


class ExpensesPolicy(FrozenModel):
    """Whether and how travel and other expenses are re-billed."""

    billable: bool = Field(default=True, description="True when expenses are billed on.")
    cap: Amount | None = Field(default=None, description="Most expenses that may be billed.")
    markup_percent: Percent | None = Field(
        default=None, description="Mark-up on cost, in percent; absent or 0: at cost."
    )
    receipts_required: bool = Field(
        default=True, description="True when receipts must accompany the invoice."
    )


_SHA256_PATTERN: Final = r"^[0-9a-f]{64}$"


class DocumentRef(FrozenModel):
    """The source document a value was read from."""

    name: Text = Field(description="File name of the document, e.g. 'globex-of.pdf'.")
    sha256: Annotated[str, Field(pattern=_SHA256_PATTERN)] | None = Field(
        default=None, description="sha256 of the document's bytes (lower-case hex)."
    )


# Measurements, not money, but still Decimal: stored terms and their audit
# images hold no float, so they hash and compare the same on every database.
Coordinate = Annotated[Decimal, Field(ge=0, le=100_000, allow_inf_nan=False)]


class Provenance(FrozenModel):
    """Where an extracted value came from, and how sure the extractor was."""

    document: DocumentRef = Field(description="The document the value was read from.")
    page: int | None = Field(default=None, ge=1, description="Page number, starting at 1.")
    span: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = Field(
        default=None,
        description="Character offsets [start, end) of the text in the document's text.",
    )
    box: tuple[Coordinate, Coordinate, Coordinate, Coordinate] | None = Field(
        default=None, description="Bounding box [x0, y0, x1, y1] on the page, in points."
    )
    quote: LongText | None = Field(default=None, description="The source text, verbatim.")
    confidence: Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)] | None = Field(
        default=None, description="Extractor's confidence from 0 to 1."
    )
    extractor: Text | None = Field(
        default=None, description="What produced the value, e.g. 'regex/1', 'llm/…', 'human'."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Provenance:
        problems = _Problems()
        if self.span is not None and self.span[1] < self.span[0]:
            problems.add(("span",), "must be [start, end) with end >= start", list(self.span))
        if self.box is not None and (self.box[2] < self.box[0] or self.box[3] < self.box[1]):
            problems.add(("box",), "must be [x0, y0, x1, y1] with x0 <= x1, y0 <= y1", None)
        problems.raise_any(type(self).__name__)
        return self


_FIELD_PATH_PATTERN: Final = r"^[a-z_][a-z0-9_]*(\[[0-9]+\])*(\.[a-z_][a-z0-9_]*(\[[0-9]+\])*)*$"


class ContractTerms(FrozenModel):
    """The terms of one signed contract document (order form, SOW, amendment or MSA)."""

    schema_version: Literal["1"] = Field(
        default="1", description="Version of this schema the terms are written in."
    )
    contract_id: Code = Field(description="Identifier of the contract, unique per supplier.")
    document_type: DocumentType = Field(description="The kind of document.")
    title: Text | None = Field(default=None, description="Title of the document.")
    amends: Code | None = Field(
        default=None, description="Amendments only: contract_id of the contract amended."
    )
    msa_reference: Text | None = Field(
        default=None, description="The master agreement the document falls under."
    )
    supplier: Party = Field(description="Our legal entity that signed.")
    customer: Party = Field(description="The customer that signed.")
    billing_contact: Contact | None = Field(
        default=None, description="Who receives invoices at the customer."
    )
    signature_date: ContractDate | None = Field(
        default=None, description="Date of the last signature."
    )
    effective_date: ContractDate | None = Field(
        default=None, description="Date the contract takes effect (may precede signature)."
    )
    start_date: ContractDate | None = Field(default=None, description="First day of the term.")
    end_date: ContractDate | None = Field(
        default=None, description="Last day of the term (inclusive)."
    )
    term_months: int | None = Field(
        default=None, ge=1, le=600, description="Length of the term in months, as stated."
    )
    currency: CurrencyCode = Field(
        description="ISO 4217 code of the currency of every amount in the contract."
    )
    purchase_order: PurchaseOrder | None = Field(
        default=None, description="The customer's purchase order."
    )
    payment_terms: PaymentTerms | None = Field(default=None, description="When invoices are due.")
    billing: BillingTerms | None = Field(
        default=None, description="Default billing frequency, timing and alignment."
    )
    invoicing_provisions: InvoicingProvisions = Field(
        default_factory=InvoicingProvisions,
        description="Special invoicing provisions (PO on invoice, grouping, delivery).",
    )
    renewal: Renewal | None = Field(default=None, description="Renewal terms.")
    lines: tuple[ContractLine, ...] = Field(
        default=(), description="What is sold and how each part is charged."
    )
    milestones: tuple[Milestone, ...] = Field(
        default=(), description="Milestones that make amounts billable."
    )
    rate_card: tuple[RoleRate, ...] = Field(
        default=(), description="Rates per role for time and materials work."
    )
    not_to_exceed: Amount | None = Field(
        default=None, description="Cap on time and materials billing (NTE)."
    )
    expenses_policy: ExpensesPolicy | None = Field(
        default=None, description="How expenses are billed."
    )
    total_contract_value: Amount | None = Field(
        default=None, description="Total contract value (TCV) as stated in the document."
    )
    provenance: dict[str, Provenance] = Field(
        default_factory=dict,
        description="Where each extracted value came from, keyed by field path such as "
        "'currency' or 'lines[2].unit_price'.",
        json_schema_extra={"propertyNames": {"pattern": _FIELD_PATH_PATTERN}},
    )

    @model_validator(mode="after")
    def _coherent(self) -> ContractTerms:
        problems = _Problems()
        self._check_dates(problems)
        self._check_amendment(problems)
        line_index = _check_unique(problems, "lines", self.lines, "line_id")
        _check_unique(problems, "milestones", self.milestones, "milestone_id")
        self._check_line_references(problems, line_index)
        for index, milestone in enumerate(self.milestones):
            if milestone.line_id is not None and milestone.line_id not in line_index:
                problems.add(
                    ("milestones", index, "line_id"),
                    "names no line of this contract",
                    milestone.line_id,
                )
        seen_roles: dict[tuple[str, RateUnit], int] = {}
        for index, rate in enumerate(self.rate_card):
            key = (rate.role.casefold(), rate.unit)
            if key in seen_roles:
                problems.add(
                    ("rate_card", index, "role"),
                    f"already has a rate per {rate.unit.value} in rate_card[{seen_roles[key]}]",
                    rate.role,
                )
            seen_roles.setdefault(key, index)
        for path in self.provenance:
            trouble = _field_path_trouble(self, path)
            if trouble is not None:
                problems.add(
                    ("provenance",), f"key names no field of the contract: {trouble}", path
                )
        problems.raise_any(type(self).__name__)
        return self

    def _check_dates(self, problems: _Problems) -> None:
        if self.end_date is None:
            return
        if self.start_date is not None and self.end_date < self.start_date:
            problems.add(
                ("end_date",), f"must be on or after start_date {self.start_date}", self.end_date
            )
        # Effective dates before signature are normal (backdated contracts);
        # signing or taking effect after the term has ended is not.
        for name in ("signature_date", "effective_date"):
            value: date | None = getattr(self, name)
            if value is not None and value > self.end_date:
                problems.add((name,), f"must not be after end_date {self.end_date}", value)

    def _check_amendment(self, problems: _Problems) -> None:
        if self.document_type is DocumentType.AMENDMENT and self.amends is None:
            problems.add(
                ("amends",), "is required for an amendment: the contract_id it amends", None
            )
        elif self.document_type is not DocumentType.AMENDMENT and self.amends is not None:
            problems.add(
                ("amends",),
                f"is only for amendments, not for document_type {self.document_type.value!r}",
                self.amends,
            )
        elif self.amends is not None and self.amends == self.contract_id:
            problems.add(("amends",), "must name another contract, not this one", self.amends)
        if self.document_type is not DocumentType.AMENDMENT:
            for index, line in enumerate(self.lines):
                if line.replaces is not None:
                    problems.add(
                        ("lines", index, "replaces"),
                        "is only for amendments (a line replacing a line of the amended "
                        f"contract), not for document_type {self.document_type.value!r}",
                        line.replaces,
                    )

    def _check_line_references(self, problems: _Problems, line_index: Mapping[str, int]) -> None:
        for index, line in enumerate(self.lines):
            for field in ("bundle_parent", "percent_of_line"):
                target = getattr(line, field)
                if target is not None and target != line.line_id and target not in line_index:
                    problems.add(("lines", index, field), "names no line of this contract", target)
        parents = {line.line_id: line.bundle_parent for line in self.lines}
        for index, line in enumerate(self.lines):
            if line.bundle_parent is None or line.bundle_parent == line.line_id:
                continue  # no parent, or the line-level rule already said so
            parent: str | None = line.bundle_parent
            for _ in range(len(parents)):
                if parent is None or parent == line.line_id or parent not in parents:
                    break
                parent = parents[parent]
            if parent == line.line_id:
                problems.add(
                    ("lines", index, "bundle_parent"),
                    "forms a cycle of bundle parents",
                    line.bundle_parent,
                )


# --------------------------------------------------------------------------
# Field paths: "lines[2].unit_price"

_PATH_STEP: Final = re.compile(r"([a-z_][a-z0-9_]*)((?:\[[0-9]+\])*)")
_INDEX: Final = re.compile(r"\[([0-9]+)\]")


def _field_path_trouble(terms: ContractTerms, path: str) -> str | None:
    """Why ``path`` names no field of ``terms`` (None when it does)."""
    current: Any = terms
    walked = ""
    for step in path.split("."):
        match = _PATH_STEP.fullmatch(step)
        if match is None:
            return "not a field path such as 'lines[0].unit_price'"
        if current is None:
            return f"{walked} is not set"
        if not isinstance(current, BaseModel):
            return f"{walked} has no fields"
        name = match.group(1)
        fields = type(current).model_fields
        if name not in fields or (current is terms and name == "provenance"):
            where = walked or "the contract"
            return f"{where} has no field {name!r}" + _did_you_mean(name, fields)
        current = getattr(current, name)
        walked = f"{walked}.{name}" if walked else name
        for index_text in _INDEX.findall(match.group(2)):
            index = int(index_text)
            if not isinstance(current, tuple):
                return f"{walked} is not a list"
            if index >= len(current):
                count = f"{len(current)} entr{'y' if len(current) == 1 else 'ies'}"
                return f"{walked} has {count}, so no [{index}]"
            current = current[index]
            walked = f"{walked}[{index}]"
    return None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --------------------------------------------------------------------------
# Turning pydantic's errors into messages naming the field and the value


@dataclass(frozen=True)
class FieldProblem:
    """One problem with the input: the field path, what is wrong, the value given."""

    field: str
    message: str
    value: str | None = None
    hint: str | None = None

    def describe(self) -> str:
        """``lines[2].quantity: must be greater than or equal to 0 (got '-5')``."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class ContractInvalid(InvalidInput):
    """Contract terms that cannot be accepted; ``errors`` lists every problem found.

    The message names the first problem and how many more there are; the CLI
    prints it as one line and can list ``errors`` below it.
    """

    def __init__(self, problems: Sequence[FieldProblem], *, source: str | None = None) -> None:
        if not problems:
            raise ValueError("ContractInvalid needs at least one problem")
        self.problems = tuple(problems)
        self.errors: list[str] = [problem.describe() for problem in problems]
        first, more = problems[0], len(problems) - 1
        hints = [first.hint] if first.hint else []
        if more:
            hints.append(f"and {more} more problem{'s' if more > 1 else ''}")
        super().__init__(
            first.message,
            source=source,
            field=first.field or None,
            value=first.value,
            hint="; ".join(hints) or None,
        )


_MODEL_OF_LIST_MESSAGE: Final = "must be a mapping of fields"
_SUBJECT: Final = re.compile(
    r"^(Input|String|Decimal input|Decimal|Tuple|List|Dictionary|Object|Value|Date|Datetime)"
    r" should "
)


def validation_problems(error: ValidationError, model: type[BaseModel]) -> list[FieldProblem]:
    """Each error of ``error`` (raised validating ``model``) as a FieldProblem."""
    return [_problem(detail, model) for detail in error.errors(include_url=False)]


def _problem(detail: Mapping[str, Any], model: type[BaseModel]) -> FieldProblem:
    loc: tuple[str | int, ...] = tuple(detail["loc"])
    kind: str = detail["type"]
    given: object = detail.get("input")
    path = _format_path(loc, model)
    hint: str | None = None
    if kind == "missing":
        return FieldProblem(path, "is required")
    if kind == "extra_forbidden":
        owner = _model_at(loc[:-1], model)
        known = owner.model_fields if owner is not None else {}
        close = difflib.get_close_matches(str(loc[-1]), list(known), n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        return FieldProblem(path, "is not a known field", _shown(given), hint)
    message = str(detail["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    message = _SUBJECT.sub("must ", message)
    if kind in ("decimal_type", "decimal_parsing"):
        message = "must be a decimal number such as '12.50'"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = _MODEL_OF_LIST_MESSAGE
    elif kind in ("tuple_type", "list_type"):
        message = "must be a list"
    elif kind == "string_type" and isinstance(given, int | Decimal) and not isinstance(given, bool):
        hint = "write it in quotes so that it is read as text"
    elif kind == "enum":
        allowed = re.findall(r"'([^']*)'", str(detail.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(str(given), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
    if given is None and (kind.endswith("_type") or kind in ("enum", "literal_error")):
        message += ", not empty"
    return FieldProblem(path, message, _shown(given), hint)


def _shown(value: object) -> str | None:
    """The value as a short text for a message (None when not worth showing)."""
    if value is None or isinstance(value, Mapping | list | tuple | set):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _format_path(loc: Sequence[str | int], model: type[BaseModel]) -> str:
    path = ""
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            annotation = _item_type(annotation)
            continue
        owner = _model_of(annotation)
        values = _dict_value_type(annotation)
        if owner is not None and part in owner.model_fields:
            path += f".{part}" if path else part
            annotation = owner.model_fields[part].annotation
        elif values is not None:
            path += f"[{part!r}]"
            annotation = values
        else:
            path += f".{part}" if path else part
            annotation = None
    return path


def _model_at(loc: Sequence[str | int], model: type[BaseModel]) -> type[BaseModel] | None:
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            annotation = _item_type(annotation)
            continue
        owner = _model_of(annotation)
        values = _dict_value_type(annotation)
        if owner is not None and part in owner.model_fields:
            annotation = owner.model_fields[part].annotation
        elif values is not None:
            annotation = values
        else:
            return None
    return _model_of(annotation)


def _alternatives(annotation: Any) -> Iterator[Any]:
    """The types an annotation may hold: Optional and Annotated unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        yield from _alternatives(typing.get_args(annotation)[0])
    elif origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            yield from _alternatives(arg)
    else:
        yield annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for candidate in _alternatives(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _item_type(annotation: Any) -> Any:
    for candidate in _alternatives(annotation):
        if typing.get_origin(candidate) in (tuple, list):
            args = typing.get_args(candidate)
            return args[0] if args else None
    return None


def _dict_value_type(annotation: Any) -> Any:
    for candidate in _alternatives(annotation):
        if typing.get_origin(candidate) is dict:
            return typing.get_args(candidate)[1]
    return None


def parse_contract(data: Mapping[str, Any], source: str | None = None) -> ContractTerms:
    """Validate plain data (from a JSON or YAML file) into ContractTerms.

    ``source`` names where the data came from (a file name) for the message.
    Raises ``ContractInvalid`` (an ``InvalidInput``) naming the field and the
    value, e.g. ``contract.yaml: lines[2].quantity: must be greater than or
    equal to 0 (got '-5')``.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(
            "the top level must be a mapping of contract fields",
            source=source,
            value=type(data).__name__,
        )
    try:
        return ContractTerms.model_validate(dict(data))
    except ValidationError as error:
        raise ContractInvalid(validation_problems(error, ContractTerms), source=source) from error


# --------------------------------------------------------------------------
# Published schema and canonical form


def contract_json_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of contract terms, for validation."""
    generated = ContractTerms.model_json_schema(mode="validation")
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "billops contract terms",
        "description": (
            "The terms of one signed contract document (order form, statement of work, "
            "amendment or master agreement) as exchanged between intake, validation and "
            "setup. Amounts are decimals in the contract's currency, best written as "
            "strings ('1200.00'); dates are ISO 8601 (YYYY-MM-DD); unknown keys are refused."
        ),
        **generated,
    }


def _decimal_text(value: Decimal) -> str:
    # format(..., "f") is exact (no context rounding, unlike normalize());
    # trailing zeros go so that 12.50 and 12.5 have one canonical spelling.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_json(terms: ContractTerms) -> str:
    """The terms as compact JSON with sorted keys and decimals as strings.

    Fields at their default are left out (written or not, they are the same
    terms), so the text, and so the fingerprint, depends only on the terms,
    never on how a file spelt them; and a new optional field added to the
    model later does not change the fingerprint of terms stored before it.
    """
    return json.dumps(
        _plain(terms.model_dump(mode="python", exclude_defaults=True)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def terms_fingerprint(terms: ContractTerms) -> str:
    """sha256 (hex) of ``canonical_json(terms)``: equal for identical terms."""
    return hashlib.sha256(canonical_json(terms).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value that differs between two versions of a contract's terms.

    ``path`` uses the provenance spelling (``lines[0].unit_price``); a value
    that only one side has is ``None`` on the other.
    """

    path: str
    before: Any
    after: Any


def terms_changes(old: ContractTerms, new: ContractTerms) -> list[FieldChange]:
    """Every leaf value that differs, in field order: what an analyst reads first on a new version.

    Numbers are compared by value (12.50 equals 12.5), as the fingerprint does.

    >>> base = ContractTerms.model_validate({
    ...     "contract_id": "OF-1", "document_type": "order_form", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "payment_terms": {"net_days": 30}})
    >>> revised = base.model_copy(update={"payment_terms": PaymentTerms(net_days=45)})
    >>> terms_changes(base, revised)
    [FieldChange(path='payment_terms.net_days', before=30, after=45)]
    """
    changes: list[FieldChange] = []
    _compare(
        "", _plain(old.model_dump(mode="python")), _plain(new.model_dump(mode="python")), changes
    )
    return changes


def _compare(path: str, before: Any, after: Any, changes: list[FieldChange]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            child = f"{path}.{key}" if path else str(key)
            _compare(child, before.get(key), after.get(key), changes)
    elif isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            _compare(
                f"{path}[{index}]",
                before[index] if index < len(before) else None,
                after[index] if index < len(after) else None,
                changes,
            )
    elif before != after:
        changes.append(FieldChange(path, before, after))
