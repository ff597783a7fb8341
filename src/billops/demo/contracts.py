"""What every demo contract shares: numbering, parties, dates, PO, terms, arithmetic.

Each billing model has its own builder module (``subscriptions``,
``services``, ``hardware``); all of them have one shape,
``build(deal: DealContext) -> contract dict``, and all of them use the
pieces here for the parts every signed document has: the header
(``contract_id``, parties, signature and term dates), the purchase order,
payment terms, invoicing provisions and the total contract value.

**The arithmetic every line obeys** (the rule validation will check; the
model's own definitions of ``unit_price`` and ``amount`` fix it):

- ``unit_price = list_price x (1 - discount_percent / 100)``: the net price
  per unit *per billing period*, exact in cents;
- ``amount = quantity x unit_price x periods``, where ``periods`` is the
  number of billing periods in the line's service period (months of
  service / months per period; 1 for one-time, hardware, fixed-fee and
  milestone lines). A co-termed add-on of 7 months on an annual line has
  ``periods = 7/12``;
- a ramped line states each step that way and its ``amount`` is the sum of
  its steps; a usage line's ``amount`` is its minimum commitment per
  period x periods; a T&M line's ``amount`` is the not-to-exceed;
  an expenses line has no amount (billed at cost);
- ``total_contract_value`` is the sum of the line amounts.

    >>> months_per_period("quarterly"), periods_in(date(2026, 1, 1), date(2026, 12, 31), "monthly")
    (3, Fraction(12, 1))
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from billops.demo import parties
from billops.demo.amounts import HUNDRED, add_months, cents, first_of_next_month, line_amount
from billops.demo.company import Record

DOCUMENT_CODES: dict[str, str] = {"order_form": "OF", "sow": "SOW", "amendment": "AM"}

_MONTHS_PER_PERIOD: dict[str, int] = {"monthly": 1, "quarterly": 3, "semi_annual": 6, "annual": 12}

_PORTALS: tuple[str, ...] = ("ProcurePoint supplier portal", "PayablesHub", "VendorGate")


@dataclass(slots=True)
class Sequences:
    """Running numbers for contract ids and CRM ids, shared by all accounts of one run."""

    contracts: dict[str, int] = field(default_factory=dict)
    opportunities: int = 0
    line_items: int = 0

    def contract_id(self, entity: str, document_type: str) -> str:
        """``NWUS-OF-000101``: entity, document code, a number per entity and document code."""
        prefix = f"{entity}-{DOCUMENT_CODES[document_type]}"
        number = self.contracts.get(prefix, 100) + 1
        self.contracts[prefix] = number
        return f"{prefix}-{number:06d}"


@dataclass(frozen=True, slots=True)
class DealContext:
    """Everything a builder needs to write one contract for one customer."""

    rng: random.Random
    profile: parties.CustomerProfile
    customer: Record
    as_of: date
    contract_id: str
    options: dict[str, Any]

    @property
    def currency(self) -> str:
        return str(self.customer["default_currency"])

    def option(self, name: str, default: Any) -> Any:
        """An option the portfolio fixed for this deal (showcase, defect), else ``default``."""
        return self.options.get(name, default)


def months_per_period(frequency: str) -> int:
    """1 for monthly, 3 quarterly, 6 semi-annual, 12 annual."""
    return _MONTHS_PER_PERIOD[frequency]


def months_of_service(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` inclusive (the demo's terms are whole months)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + 1 if add_months(start, months + 1) - timedelta(days=1) <= end else months


def periods_in(start: date, end: date, frequency: str) -> Fraction:
    """Billing periods in a service period: months of service / months per period."""
    return Fraction(months_of_service(start, end), months_per_period(frequency))


def recurring_amount(quantity: Decimal, unit_price: Decimal, periods: Fraction) -> Decimal:
    """``quantity x unit_price x periods``, which the builders keep exact in cents."""
    value = quantity * unit_price * periods.numerator / periods.denominator
    if cents(value) != value:
        raise ValueError(f"{quantity} x {unit_price} x {periods} is not exact in cents")
    return value.quantize(Decimal("0.01"))


def net_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The discounted unit price, exact in cents (the builders choose whole list prices)."""
    return line_amount(Decimal(1), list_price, discount_percent)


def signature_and_start(ctx: DealContext, *, earliest_days: int = 700) -> tuple[date, date]:
    """When the deal was signed and when its term starts.

    Most terms start on the first of a month; the rest mid-month, the day
    after signature or a week later (the cases proration must handle).
    """
    rng = ctx.rng
    signed = ctx.as_of - timedelta(
        days=ctx.option("signed_days_ago", rng.randint(12, earliest_days))
    )
    if ctx.option("mid_month", rng.random() < 0.3):
        start = signed + timedelta(days=rng.choice((1, 3, 7, 10)))
        if start.day == 1:
            start += timedelta(days=1)
    else:
        start = first_of_next_month(signed)
    return signed, start


def supplier_party(entity: str) -> Record:
    """Our legal entity as a contract names it."""
    return {
        "code": entity,
        "name": parties.ENTITY_NAMES[entity],
        "tax_ids": parties.entity_tax_ids(entity),
        "address": dict(parties.ENTITY_ADDRESSES[entity]),
    }


def customer_party(customer: Record) -> Record:
    """The customer as a contract names it: its billing address and tax ids, copied."""
    billing = next((a for a in customer["addresses"] if a["kind"] == "billing"), None)
    return {
        "code": customer["code"],
        "name": customer["name"],
        "tax_ids": [dict(tax_id) for tax_id in customer["tax_ids"]],
        "address": dict(billing) if billing else None,
    }


def header(
    ctx: DealContext,
    *,
    document_type: str,
    title: str,
    signed: date,
    start: date,
    end: date,
    term_months: int | None,
    amends: str | None = None,
) -> Record:
    """The fields every contract document has, in the order a reader expects them."""
    contacts = ctx.customer["billing_contacts"]
    entity = ctx.profile.entity
    contract: Record = {
        "schema_version": "1",
        "contract_id": ctx.contract_id,
        "document_type": document_type,
        "title": title,
    }
    if amends is not None:
        contract["amends"] = amends
    return contract | {
        "msa_reference": f"{entity}-MSA-{ctx.customer['code'].rsplit('-', 1)[-1]}",
        "supplier": supplier_party(entity),
        "customer": customer_party(ctx.customer),
        "billing_contact": dict(contacts[0]) if contacts else None,
        "signature_date": signed,
        "effective_date": signed,
        "start_date": start,
        "end_date": end,
        "term_months": term_months,
        "currency": ctx.currency,
    }


def commercial_terms(ctx: DealContext, contract: Record, billing: Record | None) -> None:
    """Add PO, payment terms, billing rhythm and invoicing provisions to ``contract``."""
    customer = ctx.customer
    days = customer["payment_terms_days"]
    contract["purchase_order"] = _purchase_order(ctx, contract)
    contract["payment_terms"] = {"net_days": days, "description": f"Net {days}"}
    contract["billing"] = billing
    contract["invoicing_provisions"] = _invoicing_provisions(ctx)


def _purchase_order(ctx: DealContext, contract: Record) -> Record | None:
    required = bool(ctx.customer["po_required"])
    if ctx.option("omit_po", False) or not (required or ctx.rng.random() < 0.15):
        return None
    return {
        "number": f"PO-{ctx.rng.randint(4500000000, 4599999999)}",
        "amount": None,  # set to the contract value once the lines are known
        "required": required,
        "expires_on": contract["end_date"],
    }


def _invoicing_provisions(ctx: DealContext) -> Record:
    """E-invoice when the customer has an endpoint, a portal for some enterprises, else e-mail."""
    rng = ctx.rng
    notes: list[str] = []
    consolidation = "per_contract"
    channel, portal = "email", None
    if ctx.customer["einvoice_endpoint"]:
        channel = "einvoice"
        notes.append(f"Invoices are sent as e-invoices to {ctx.customer['einvoice_endpoint']}.")
    elif ctx.profile.segment == "enterprise" and rng.random() < 0.4:
        channel, portal = "portal", rng.choice(_PORTALS)
        notes.append(
            f"Invoices are uploaded to the customer's {portal}; e-mailed invoices are not accepted."
        )
    elif rng.random() < 0.03:
        channel = "post"
    if ctx.customer["po_required"]:
        notes.append("Every invoice must quote the purchase order number.")
        consolidation = "per_purchase_order" if rng.random() < 0.3 else consolidation
    elif ctx.profile.segment == "smb" and rng.random() < 0.3:
        consolidation = "consolidated"
    return {
        "po_on_invoice": bool(ctx.customer["po_required"]),
        "consolidation": consolidation,
        "delivery_channel": channel,
        "portal": portal,
        "notes": notes,
    }


def renewal(rng: random.Random) -> Record:
    """Most terms renew by themselves for a year, with a capped uplift and a notice period."""
    auto = rng.random() < 0.7
    return {
        "auto_renew": auto,
        "renewal_term_months": 12 if auto else None,
        "uplift_cap_percent": Decimal(rng.choice((3, 5, 7))) if auto else None,
        "notice_days": rng.choice((30, 60, 90)) if auto else None,
    }


def finish(contract: Record, lines: list[Record], **sections: Any) -> Record:
    """Attach lines and sections, compute the total contract value and the PO amount."""
    contract["lines"] = [_compact(line) for line in lines]
    contract["milestones"] = sections.get("milestones", [])
    contract["rate_card"] = sections.get("rate_card", [])
    contract["not_to_exceed"] = sections.get("not_to_exceed")
    contract["expenses_policy"] = sections.get("expenses_policy")
    contract["total_contract_value"] = total_contract_value(lines)
    po = contract.get("purchase_order")
    if po is not None:
        # Consumption cannot be capped in advance: a contract with usage gets a
        # blanket PO (a number, no amount), the others one for the contract value.
        usage = any(line.get("billing_model") == "usage" for line in lines)
        po["amount"] = None if usage else contract["total_contract_value"]
    return contract


def total_contract_value(lines: Iterable[Record]) -> Decimal:
    return sum((line["amount"] for line in lines if line.get("amount") is not None), Decimal(0))


def _compact(line: Record) -> Record:
    """A line without the keys it does not use: smaller files, and memory at 100k customers."""
    return {key: value for key, value in line.items() if value is not None and value != []}


def priced_line(
    *,
    line_id: str,
    product: Record,
    currency: str,
    quantity: Decimal,
    discount_percent: Decimal,
    list_price: Decimal | None = None,
    periods: Fraction = Fraction(1),
    description: str | None = None,
    **extra: Any,
) -> Record:
    """A line sold at a (discounted) list price: the arithmetic in the module docstring."""
    listed = cents(list_price if list_price is not None else product["list_price"][currency])
    unit_price = net_price(listed, discount_percent)
    return {
        "line_id": line_id,
        "sku": product["sku"],
        "description": description or product["name"],
        "billing_model": product["billing_model"],
        "quantity": quantity,
        "unit": product["unit"],
        "unit_price": unit_price,
        "list_price": listed,
        "discount_percent": discount_percent,
        "amount": recurring_amount(quantity, unit_price, periods),
        **extra,
    }


def choose_discount(rng: random.Random, segment: str) -> Decimal:
    """A negotiated discount in whole percent; enterprise deals get more, none above 30 %."""
    choices = {
        "smb": (0, 0, 0, 5, 10),
        "mid_market": (0, 5, 10, 10, 15, 20),
        "enterprise": (10, 15, 20, 20, 25, 30),
    }[segment]
    return Decimal(rng.choice(choices))


def excessive_discount(rng: random.Random) -> Decimal:
    """A discount above the 30 % approval limit (a deliberate policy finding)."""
    return Decimal(rng.choice((35, 40, 45)))


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, in cents (maintenance: 18 % of the appliance price)."""
    return cents(amount * percent / HUNDRED)
