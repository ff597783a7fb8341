"""Exact amounts and calendar arithmetic for the demo data.

The generator must write contracts whose arithmetic a billing analyst can
check by hand: ``quantity x unit price x (1 - discount %) = amount``, exact
in the currency's minor unit, and installments that add up to the fee to
the cent. These helpers are the few rules it needs, kept local so that the
demo data does not change when the domain's money code grows:

    >>> line_amount(Decimal(120), Decimal(45), Decimal(15))
    Decimal('4590.00')
    >>> split_evenly(Decimal("100000.00"), 3)
    [Decimal('33333.34'), Decimal('33333.33'), Decimal('33333.33')]
    >>> add_months(date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)

Only USD and EUR (two decimals) are sold, so the minor unit is the cent.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent (the entities' rounding mode)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def exact_product(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """``quantity x unit price x (1 - discount %)`` at full precision."""
    return quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The line amount in cents; refuses inputs whose product is not a whole number of cents.

    The demo only writes lines an analyst can recompute without a rounding
    rule, so a fraction of a cent here is a bug in the generator.
    """
    product = exact_product(quantity, unit_price, discount_percent)
    amount = cents(product)
    if amount != product:
        raise ValueError(f"{quantity} x {unit_price} x (100 - {discount_percent})% is not exact")
    return amount


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts in cents that add up exactly (largest remainder).

    The first installments carry the extra cents, as most billing systems do.
    """
    total_cents = int(total / CENT)
    base, extra = divmod(total_cents, parts)
    return [(base + (1 if index < extra else 0)) * CENT for index in range(parts)]


def split_by_percent(total: Decimal, percents: list[int]) -> list[Decimal]:
    """Split ``total`` by whole percentages summing to 100, the last part taking the remainder."""
    parts = [cents(total * percent / HUNDRED) for percent in percents[:-1]]
    return [*parts, total - sum(parts, Decimal(0))]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def term_end(start: date, months: int) -> date:
    """The last day of a term of ``months`` starting on ``start`` (inclusive end)."""
    return add_months(start, months) - timedelta(days=1)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def first_of_next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar months overlapping ``start``..``end`` (inclusive), clipped to that range."""
    months = []
    cursor = start
    while cursor <= end:
        last = min(month_end(cursor), end)
        months.append((cursor, last))
        cursor = last + timedelta(days=1)
    return months


def next_weekday(day: date) -> date:
    """``day`` itself on Monday to Friday, else the following Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
