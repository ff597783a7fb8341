"""Invariants of revenue recognition, for any contract hypothesis can think of.

- allocations sum exactly to the transaction price, and none is negative;
- over an obligation's life, recognised revenue equals its allocated price;
- at every period end, deferred + recognised = billed + unbilled, with at
  most one of deferred and unbilled non-zero; and the journals, summed
  account by account, land exactly on those balances.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billops.domain.calendar import Period, parse_period
from billops.domain.events import Events, Shipment
from billops.domain.money import Money, sum_money
from billops.domain.revenue import (
    BilledAmount,
    RecognitionPattern,
    allocate_transaction_price,
    contract_balances,
    manual_obligation,
    period_journals,
    recognition_schedule,
)
from billops.domain.revenue.allocation import StandalonePrice, standalone
from billops.domain.revenue.recognition import months_of

C = "OF-P-1"
cents = st.integers(min_value=0, max_value=10**9)


def _usd(units: int) -> Money:
    return Money.from_minor_units(units, "USD")


@given(
    st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=7).filter(any),
    cents,
)
def test_allocations_sum_exactly_to_the_transaction_price(ssps: list[int], price: int) -> None:
    obligations = [manual_obligation(f"O{i}", C, "USD") for i in range(len(ssps))]
    prices = [StandalonePrice(f"O{i}", _usd(s), "given") for i, s in enumerate(ssps)]
    allocation = allocate_transaction_price(obligations, _usd(price), prices)
    parts = [line.allocated for line in allocation.lines]
    assert sum_money(parts, "USD") == _usd(price)
    assert all(part.amount >= 0 for part in parts)


starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(starts, st.integers(min_value=0, max_value=1500), cents)
def test_ratable_revenue_over_the_life_equals_the_allocated_price(
    start: date, length: int, price: int
) -> None:
    service = Period(start, start + timedelta(days=length))
    obligation = manual_obligation(
        "L1", C, "USD", pattern=RecognitionPattern.RATABLE, service_period=service
    )
    allocation = allocate_transaction_price(
        [obligation], _usd(price), [StandalonePrice("L1", _usd(price), "given")]
    )
    schedule = recognition_schedule([obligation], allocation)
    assert schedule.total() == _usd(price)
    assert schedule.pending == ()
    # every month is within one cent of its exact share by days (a month
    # whose share rounds to nothing has no entry)
    by_month = {e.month.start: e.amount.to_minor_units() for e in schedule.entries}
    for part in months_of(service):
        exact = Decimal(price) * part.days / service.days
        assert abs(by_month.get(part.start.replace(day=1), 0) - exact) < 1


@given(
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=6),
    cents,
    starts,
)
def test_shipped_in_parts_the_whole_allocated_price_is_recognised(
    parts: list[int], price: int, first: date
) -> None:
    ordered = sum(parts)
    obligation = manual_obligation("L3", C, "USD", quantity=Decimal(ordered))
    events = Events.of(
        Shipment(f"S{i}", C, "L3", "HW", Decimal(q), first + timedelta(days=17 * i))
        for i, q in enumerate(parts)
    )
    allocation = allocate_transaction_price([obligation], _usd(price), [standalone("L3", "1")])
    schedule = recognition_schedule([obligation], allocation, events=events)
    assert schedule.total() == _usd(price)


billing = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200), st.integers(min_value=-(10**6), max_value=10**7)
    ),
    max_size=8,
)


@given(
    st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=400), cents, billing
)
def test_deferred_plus_recognised_equals_billed_plus_unbilled_and_journals_agree(
    offset: int, length: int, price: int, invoices: list[tuple[int, int]]
) -> None:
    start = date(2026, 1, 1) + timedelta(days=offset)
    service = Period(start, start + timedelta(days=length))
    obligation = manual_obligation(
        "L1", C, "USD", pattern=RecognitionPattern.RATABLE, service_period=service,
        gl_revenue="4010", gl_deferred="2410", gl_unbilled="1310",
    )  # fmt: skip
    allocation = allocate_transaction_price(
        [obligation], _usd(price), [StandalonePrice("L1", _usd(price), "given")]
    )
    schedule = recognition_schedule([obligation], allocation)
    billed = [
        BilledAmount(C, "L1", date(2026, 1, 1) + timedelta(days=day), _usd(amount))
        for day, amount in invoices
    ]
    months = [parse_period(f"2026-{m:02d}") for m in range(1, 13)] + [
        parse_period(f"2027-{m:02d}") for m in range(1, 13)
    ]
    balances = contract_balances(schedule, billed, months)
    deferred_account = unbilled_account = 0
    for month, balance in zip(months, balances or [None] * len(months), strict=True):
        for entry in period_journals([obligation], allocation, schedule, billed, month):
            debits, credits = entry.totals()
            assert debits == credits
            for line in entry.lines:
                if line.account == "2410":
                    deferred_account += line.credit.to_minor_units() - line.debit.to_minor_units()
                if line.account == "1310":
                    unbilled_account += line.debit.to_minor_units() - line.credit.to_minor_units()
        if balance is None:
            continue
        assert (
            balance.deferred_revenue + balance.recognised_to_date
            == balance.billed_to_date + balance.unbilled_revenue
        )
        assert balance.deferred_revenue.is_zero() or balance.unbilled_revenue.is_zero()
        assert balance.deferred_revenue.amount >= 0 and balance.unbilled_revenue.amount >= 0
        assert deferred_account == balance.deferred_revenue.to_minor_units()
        assert unbilled_account == balance.unbilled_revenue.to_minor_units()
