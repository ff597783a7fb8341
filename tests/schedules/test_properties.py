"""Invariants of every schedule, checked on generated contracts (hypothesis).

- a subscription or fixed-fee line's items sum exactly to its stated amount;
- without a stated amount, each period is within a cent of its own days' share;
- the periods of a line tile its service range: no gap, no day billed twice;
- after an amendment no service day of a line is charged twice;
- build_schedule is deterministic.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from billops.domain.calendar import add_months
from billops.domain.contract import ContractTerms
from billops.domain.money import currency_minor_units
from billops.domain.schedules import ItemKind, amend_schedule, build_schedule
from tests.schedules.stories import contract, seats, total

FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semi_annual": 6, "annual": 12}

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31))
currencies = st.sampled_from(["USD", "JPY", "BHD", "EUR"])


@st.composite
def subscriptions(draw: st.DrawFn) -> tuple[ContractTerms, date, date, Decimal | None]:
    currency = draw(currencies)
    start = draw(starts)
    months = draw(st.integers(min_value=0, max_value=36))
    extra = draw(st.integers(min_value=0, max_value=40))
    end = max(start, add_months(start, months) - timedelta(days=1) + timedelta(days=extra))
    scale = Decimal(1).scaleb(-currency_minor_units(currency))
    price = draw(st.integers(min_value=0, max_value=10**7)) * scale
    quantity = draw(st.integers(min_value=1, max_value=500))
    stated = draw(st.none() | st.integers(min_value=1, max_value=10**9).map(lambda n: n * scale))
    line = seats(quantity=quantity, unit_price=str(price))
    if stated is not None:
        line["amount"] = str(stated)
    terms = contract(
        line,
        currency=currency,
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        billing={
            "frequency": draw(st.sampled_from(list(FREQUENCY_MONTHS))),
            "timing": draw(st.sampled_from(["advance", "arrears"])),
            "alignment": draw(st.sampled_from(["calendar", "anniversary"])),
        },
    )
    return terms, start, end, stated


@settings(max_examples=200, deadline=None)
@given(subscriptions())
def test_subscription_items_tile_the_term_and_sum_to_the_stated_amount(
    case: tuple[ContractTerms, date, date, Decimal | None],
) -> None:
    terms, start, end, stated = case
    schedule = build_schedule(terms, as_of=date(2026, 11, 23))
    items = schedule.items
    periods = [i.service_period for i in items]
    assert all(p is not None for p in periods)
    spans = sorted((p.start, p.end) for p in periods if p is not None)
    assert spans[0][0] == start
    assert spans[-1][1] == end
    for (_, before_end), (after_start, _) in pairwise(spans):
        assert after_start == before_end + timedelta(days=1)  # no gap, no overlap
    assert len({i.item_key for i in items}) == len(items)
    assert all(i.amount.is_rounded() for i in items)
    if stated is not None:
        assert total(items) == stated
    assert build_schedule(terms, as_of=date(2026, 11, 23)) == schedule


@settings(max_examples=200, deadline=None)
@given(subscriptions())
def test_without_a_stated_amount_each_period_is_its_days_share(
    case: tuple[ContractTerms, date, date, Decimal | None],
) -> None:
    terms, _, _, stated = case
    if stated is not None:
        return
    line = terms.lines[0]
    assert line.quantity is not None and line.unit_price is not None
    schedule = build_schedule(terms, as_of=date(2026, 11, 23))
    unit = Decimal(1).scaleb(-currency_minor_units(terms.currency))
    # Independently of the generator: the full period of an item is the calendar
    # (or anniversary) period containing its days; the items together are within
    # half a unit of the exact total, and each item within one unit of its share.
    exact_total = Fraction(0)
    for item in schedule.items:
        assert item.service_period is not None
        full_days = _full_period_days(terms, item.service_period.start)
        share = Fraction(item.service_period.days, full_days)
        exact = Fraction(line.quantity) * Fraction(line.unit_price) * share
        exact_total += exact
        assert abs(Fraction(item.amount.amount) - exact) <= Fraction(unit)
    assert abs(Fraction(total(schedule.items)) - exact_total) <= Fraction(unit) / 2


def _full_period_days(terms: ContractTerms, day: date) -> int:
    assert terms.billing is not None and terms.start_date is not None
    months = FREQUENCY_MONTHS[terms.billing.frequency.value]
    if terms.billing.alignment.value == "calendar":
        anchor = date(day.year, 1, 1)
    else:
        anchor = terms.start_date
    k = ((day.year - anchor.year) * 12 + day.month - anchor.month) // months + 1
    while add_months(anchor, k * months) > day:
        k -= 1
    return (add_months(anchor, (k + 1) * months) - add_months(anchor, k * months)).days


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**10),
    currency=currencies,
    parts=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6),
    equal=st.booleans(),
)
def test_fixed_fee_installments_sum_to_the_fee(
    amount: int, currency: str, parts: list[int], equal: bool
) -> None:
    fee = Decimal(amount).scaleb(-currency_minor_units(currency))
    line = {"billing_model": "fixed_fee", "amount": str(fee)}
    if equal:
        terms = contract(
            {**line, "frequency": "monthly"},
            currency=currency,
            document_type="sow",
            start_date="2026-01-01",
            end_date=(add_months(date(2026, 1, 1), len(parts)) - timedelta(days=1)).isoformat(),
        )
    else:
        # Whole percents adding up to 100, one per installment.
        weights = [Fraction(p, sum(parts)) * 100 for p in parts]
        percents = [int(w) for w in weights]
        percents[0] += 100 - sum(percents)
        terms = contract(
            line,
            currency=currency,
            document_type="sow",
            signature_date="2026-01-05",
            milestones=[
                {
                    "milestone_id": f"M{n}",
                    "name": f"Installment {n}",
                    "percent": p,
                    "acceptance_required": False,
                    "line_id": "L1",
                    "due_date": (date(2026, 1, 1) + timedelta(days=30 * n)).isoformat(),
                }
                for n, p in enumerate(percents, start=1)
            ],
        )
    schedule = build_schedule(terms, as_of=date(2026, 3, 1))
    assert total(schedule.items) == fee
    assert len(schedule.items) == len(parts)


@settings(max_examples=100, deadline=None)
@given(
    effective_offset=st.integers(min_value=0, max_value=364),
    billed_months=st.integers(min_value=0, max_value=12),
    new_quantity=st.integers(min_value=1, max_value=30),
    frequency=st.sampled_from(["monthly", "quarterly", "annual"]),
    new_frequency=st.sampled_from(["monthly", "quarterly", "annual"]),
    new_end_offset=st.integers(min_value=-200, max_value=200),
)
def test_amendments_never_charge_a_service_day_twice(
    effective_offset: int,
    billed_months: int,
    new_quantity: int,
    frequency: str,
    new_frequency: str,
    new_end_offset: int,
) -> None:
    start = date(2026, 1, 1)
    effective = start + timedelta(days=effective_offset)
    new_end = max(
        date(2026, 12, 31) + timedelta(days=new_end_offset), effective - timedelta(days=1), start
    )

    def terms(quantity: int, freq: str, end: date) -> ContractTerms:
        return contract(
            seats(quantity=quantity, unit_price="100.00"),
            billing={"frequency": freq},
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        )

    current = build_schedule(terms(10, frequency, date(2026, 12, 31)), as_of=start)
    billed = frozenset(
        i.item_key
        for i in current.items
        if i.bill_date is not None and i.bill_date < add_months(start, billed_months)
    )
    result = amend_schedule(
        current,
        terms(new_quantity, new_frequency, new_end),
        effective=effective,
        billed_keys=billed,
        as_of=effective,
    )
    charges = sorted(
        (i.service_period.start, i.service_period.end)
        for i in result.schedule.items
        if i.kind is ItemKind.CHARGE and i.service_period is not None
    )
    for (_, before_end), (after_start, _) in pairwise(charges):
        assert after_start > before_end
    # Every billed item is still there, unchanged but for its status on the new as-of date.
    kept = {i.item_key: i for i in result.schedule.items}
    for item in current.items:
        if item.item_key in billed:
            assert dataclasses.replace(kept[item.item_key], status=item.status) == item
