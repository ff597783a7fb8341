"""Order forms for recurring products: SaaS subscriptions, API usage, co-termed add-ons.

A SaaS order form sells seats of a plan for a term (12, 24 or 36 months),
billed monthly, quarterly or annually, in advance (most) or in arrears,
with periods counted from the start date (anniversary) or the calendar.
Multi-year deals often **ramp**: more seats, or a smaller discount, in
each later contract year. Onboarding and training days ride along as
one-time lines, and some customers add metered API calls.

    Order Form NWUS-OF-000101, Pro plan, 36 months from 2025-03-01, annual in advance
    L1  Pro seats   ramp: year 1  100 seats x 432.00 = 43,200.00
                          year 2  150 seats x 432.00 = 64,800.00
                          year 3  200 seats x 486.00 = 97,200.00   amount 205,200.00
    L2  Onboarding  1 x 2,500.00 = 2,500.00                        TCV    207,700.00

(``unit_price`` is per billing period: 45.00 a month x 12 less 20 % =
432.00 a year.) An **amendment** adds seats to a running subscription and
ends with it (co-terming): 20 seats from month 9 of a 12-month annual term
are 20 x 432.00 x 4/12.

A **usage** line has no quantity: it states the tiers, the units included
each month, and a minimum monthly commitment that is billed (trued up)
when usage falls short; its amount is that commitment over the term.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from billops.demo.amounts import add_months, cents, term_end
from billops.demo.catalog import product_by_sku
from billops.demo.company import Record
from billops.demo.contracts import (
    DealContext,
    choose_discount,
    commercial_terms,
    excessive_discount,
    finish,
    header,
    months_of_service,
    months_per_period,
    periods_in,
    priced_line,
    recurring_amount,
    renewal,
    signature_and_start,
)

PRODUCTS = product_by_sku()

_PLAN_BY_SEGMENT: dict[str, tuple[tuple[str, int], ...]] = {
    "smb": (("NW-SUB-STARTER", 6), ("NW-SUB-PRO", 4)),
    "mid_market": (("NW-SUB-STARTER", 1), ("NW-SUB-PRO", 7), ("NW-SUB-ENT", 2)),
    "enterprise": (("NW-SUB-PRO", 3), ("NW-SUB-ENT", 7)),
}

_SEATS_BY_SEGMENT: dict[str, tuple[int, int]] = {
    "smb": (1, 10),  # in fives
    "mid_market": (5, 60),
    "enterprise": (20, 200),
}


def build_subscription(ctx: DealContext) -> Record:
    """A SaaS order form: a plan's seats, perhaps ramped, with one-time and usage add-ons."""
    rng = ctx.rng
    segment = ctx.profile.segment
    plan = ctx.option("plan", _choose(rng, _PLAN_BY_SEGMENT[segment]))
    term = ctx.option("term_months", rng.choice((12, 12, 12, 24, 36)))
    billing = {
        "frequency": ctx.option(
            "frequency", _choose(rng, (("monthly", 35), ("quarterly", 20), ("annual", 45)))
        ),
        "timing": ctx.option("timing", "arrears" if rng.random() < 0.15 else "advance"),
        "alignment": ctx.option("alignment", "calendar" if rng.random() < 0.3 else "anniversary"),
    }
    signed, start = signature_and_start(ctx)
    end = term_end(start, term)
    billing["bill_cycle_day"] = 1 if billing["alignment"] == "calendar" else start.day
    product = PRODUCTS[plan]
    title = f"Order Form: {product['name']}, {term} months"
    contract = header(
        ctx,
        document_type="order_form",
        title=title,
        signed=signed,
        start=start,
        end=end,
        term_months=term,
    )
    commercial_terms(ctx, contract, billing)
    contract["renewal"] = renewal(rng)
    lines = [_seat_line(ctx, product, start, term, billing["frequency"])]
    lines.extend(_add_ons(ctx, start, end, len(lines)))
    return finish(contract, lines)


def _choose(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*weighted, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def _seat_line(ctx: DealContext, product: Record, start: date, term: int, frequency: str) -> Record:
    rng = ctx.rng
    low, high = _SEATS_BY_SEGMENT[ctx.profile.segment]
    seats = Decimal(ctx.option("seats", 5 * rng.randint(low, high)))
    discount = (
        excessive_discount(rng)
        if ctx.option("excess_discount", False)
        else choose_discount(rng, ctx.profile.segment)
    )
    per_period = product["list_price"][ctx.currency] * months_per_period(frequency)
    end = term_end(start, term)
    ramped = term > 12 and ctx.option("ramp", rng.random() < 0.5)
    line = priced_line(
        line_id="L1",
        product=product,
        currency=ctx.currency,
        quantity=seats,
        discount_percent=discount,
        list_price=per_period,
        periods=periods_in(start, end, frequency),
        description=f"{product['name']}, per {product['unit']} per {_period_word(frequency)}",
        service_start=start,
        service_end=end,
    )
    if ramped:
        _ramp(rng, line, start, term, frequency)
    return line


def _period_word(frequency: str) -> str:
    return {"monthly": "month", "quarterly": "quarter", "annual": "year"}[frequency]


def _ramp(rng: random.Random, line: Record, start: date, term: int, frequency: str) -> None:
    """Make ``line`` a yearly ramp: seats grow, and the discount may shrink in the last year."""
    growth = rng.choice(((1, 1.5, 2), (1, 1.25, 1.5), (1, 2, 3)))
    steps = []
    for year in range(term // 12):
        step_start = add_months(start, 12 * year)
        quantity = Decimal(5 * max(1, round(float(line["quantity"]) * growth[year] / 5)))
        discount = line["discount_percent"]
        if year == term // 12 - 1 and year > 0 and discount >= 10:
            discount -= 10  # the introductory discount steps down: a price ramp
        unit_price = line["list_price"] * (100 - discount) / 100
        periods = Fraction(12, months_per_period(frequency))
        steps.append(
            {
                "start_date": step_start,
                "end_date": term_end(step_start, 12),
                "quantity": quantity,
                "unit_price": unit_price.quantize(Decimal("0.01")),
                "amount": recurring_amount(quantity, unit_price, periods),
            }
        )
    line["ramp"] = steps
    line["amount"] = sum((step["amount"] for step in steps), Decimal(0))


def _add_ons(ctx: DealContext, start: date, end: date, count: int) -> list[Record]:
    rng = ctx.rng
    lines: list[Record] = []
    if ctx.option("onboarding", rng.random() < 0.5):
        lines.append(
            one_time_line(ctx, f"L{count + len(lines) + 1}", "NW-ONB-STD", Decimal(1), start)
        )
    if rng.random() < 0.15:
        days = Decimal(rng.randint(1, 3))
        lines.append(one_time_line(ctx, f"L{count + len(lines) + 1}", "NW-TRN-DAY", days, start))
    if ctx.option("usage", rng.random() < 0.12):
        lines.append(usage_line(ctx, f"L{count + len(lines) + 1}", start, end))
    return lines


def one_time_line(
    ctx: DealContext, line_id: str, sku: str, quantity: Decimal, start: date
) -> Record:
    """Onboarding or training, billed once at the start of the term."""
    return priced_line(
        line_id=line_id,
        product=PRODUCTS[sku],
        currency=ctx.currency,
        quantity=quantity,
        discount_percent=Decimal(ctx.rng.choice((0, 0, 10))),
        frequency="one_time",
        service_start=start,
        service_end=start,
    )


def usage_line(ctx: DealContext, line_id: str, start: date, end: date) -> Record:
    """Metered API calls, billed monthly in arrears, with a minimum monthly commitment."""
    rng = ctx.rng
    product = PRODUCTS["NW-API-CALLS"]
    minimum = cents(product["minimum_commitment"][ctx.currency] * rng.choice((1, 2, 4, 10)))
    months = months_of_service(start, end)
    return {
        "line_id": line_id,
        "sku": product["sku"],
        "description": f"{product['name']}: {product['included_units']:,} calls a month included, "
        f"tiered per call above",
        "billing_model": "usage",
        "unit": product["unit"],
        "amount": recurring_amount(minimum, Decimal(1), Fraction(months)),
        "service_start": start,
        "service_end": end,
        "frequency": "monthly",
        "timing": "arrears",
        "tiers": [dict(tier) for tier in product["tiers"][ctx.currency]],
        "tier_mode": "volume" if rng.random() < 0.2 else "graduated",
        "included_units": product["included_units"],
        "minimum_commitment": minimum,
    }


def build_usage(ctx: DealContext) -> Record:
    """An order form for API calls alone: monthly in arrears, a minimum commitment."""
    rng = ctx.rng
    term = ctx.option("term_months", rng.choice((12, 12, 24)))
    signed, start = signature_and_start(ctx)
    end = term_end(start, term)
    billing = {
        "frequency": "monthly",
        "timing": "arrears",
        "alignment": "calendar",
        "bill_cycle_day": 1,
    }
    contract = header(
        ctx,
        document_type="order_form",
        title=f"Order Form: Northwind API, {term} months",
        signed=signed,
        start=start,
        end=end,
        term_months=term,
    )
    commercial_terms(ctx, contract, billing)
    contract["renewal"] = renewal(rng)
    return finish(contract, [usage_line(ctx, "L1", start, end)])


def build_amendment(ctx: DealContext, base: Record) -> Record | None:
    """Seats added to ``base``'s first subscription line, co-termed to its end date.

    None when the base term has not run long enough (before ``as_of``) to amend it.
    """
    rng = ctx.rng
    base_line = next(line for line in base["lines"] if line["billing_model"] == "subscription")
    base_start, base_end = base["start_date"], base["end_date"]
    candidates = [
        add_months(base_start, months)
        for months in range(2, months_of_service(base_start, base_end))
        if add_months(base_start, months) <= ctx.as_of + timedelta(days=20)
    ]
    if not candidates:
        return None
    start = rng.choice(candidates)
    signed = start - timedelta(days=rng.randint(3, 15))
    remaining = months_of_service(start, base_end)
    frequency = base_line.get("frequency") or base["billing"]["frequency"]
    added = Decimal(5 * max(1, round(float(base_line["quantity"]) * rng.uniform(0.1, 0.3) / 5)))
    title = f"Amendment to {base['contract_id']}: {added} additional seats, co-termed"
    contract = header(
        ctx,
        document_type="amendment",
        title=title,
        signed=signed,
        start=start,
        end=base_end,
        term_months=remaining,
        amends=base["contract_id"],
    )
    commercial_terms(ctx, contract, dict(base["billing"]))
    unit_price = _price_on(base_line, start)
    line = {
        "line_id": "L1",
        "sku": base_line["sku"],
        "description": f"Additional seats: {base_line['description']}",
        "billing_model": "subscription",
        "quantity": added,
        "unit": base_line["unit"],
        "unit_price": unit_price,
        "list_price": base_line["list_price"],
        "discount_percent": _discount_on(base_line, start),
        "amount": recurring_amount(
            added, unit_price, Fraction(remaining, months_per_period(frequency))
        ),
        "service_start": start,
        "service_end": base_end,
    }
    return finish(contract, [line])


def _step_on(line: Record, day: date) -> Record | None:
    return next((s for s in line.get("ramp", []) if s["start_date"] <= day <= s["end_date"]), None)


def _price_on(line: Record, day: date) -> Decimal:
    """The unit price in force on ``day``: the ramp step's, else the line's (add-ons keep it)."""
    step = _step_on(line, day)
    price: Decimal = step["unit_price"] if step else line["unit_price"]
    return price


def _discount_on(line: Record, day: date) -> Decimal:
    step = _step_on(line, day)
    if step is None:
        discount: Decimal = line["discount_percent"]
        return discount
    # Ramp prices were made from whole-percent discounts, so this is exact.
    net_share: Decimal = step["unit_price"] * 100 / line["list_price"]
    return (Decimal(100) - net_share).quantize(Decimal(1))
