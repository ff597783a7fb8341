"""Invariants of the billing run, on generated contracts (hypothesis).

- the drafted lines of each contract line sum exactly to the schedule's
  billable items of that line, and every line adds up (quantity x price is
  its amount within one minor unit, as EN 16931 / Peppol R120 ask);
- runs at increasing dates, each given the keys the earlier runs billed,
  never draft an item twice, and together draft every item billable at the
  last date (all but zero amounts, which have nothing to bill): no
  duplicate, no gap;
- the same input drafts the same invoices.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billops.domain.billing import SkipReason, is_due
from billops.domain.calendar import add_months
from billops.domain.contract import ContractTerms
from billops.domain.money import Money, currency_minor_units
from tests.billing.stories import bill, contract, schedule_items, seats

currencies = st.sampled_from(["EUR", "USD", "JPY", "BHD"])


@st.composite
def contracts(draw: st.DrawFn) -> ContractTerms:
    currency = draw(currencies)
    start = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
    months = draw(st.integers(min_value=1, max_value=24))
    end = add_months(start, months) - timedelta(days=1)
    scale = Decimal(1).scaleb(-currency_minor_units(currency))
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        price = draw(st.integers(min_value=1, max_value=500_000)) * scale
        quantity = draw(st.integers(min_value=1, max_value=250))
        if draw(st.booleans()):
            lines.append(seats(unit_price=str(price), quantity=quantity))
        else:
            lines.append(
                {
                    "billing_model": "fixed_fee",
                    "amount": str(price * quantity),
                    "frequency": draw(st.sampled_from(["monthly", "quarterly"])),
                }
            )
    return contract(
        *lines,
        currency=currency,
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        signature_date=start.isoformat(),
        billing={
            "frequency": draw(st.sampled_from(["monthly", "quarterly", "semi_annual", "annual"])),
            "timing": draw(st.sampled_from(["advance", "arrears"])),
            "alignment": draw(st.sampled_from(["calendar", "anniversary"])),
        },
        invoicing_provisions={
            "consolidation": draw(st.sampled_from(["per_contract", "per_line", "consolidated"]))
        },
    )


run_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 1, 31))


@settings(max_examples=60, deadline=None)
@given(contracts(), run_dates)
def test_drafted_lines_sum_to_the_billable_items_of_each_line(
    terms: ContractTerms, as_of: date
) -> None:
    items = [i for i in schedule_items([terms], as_of) if is_due(i, as_of)]
    result = bill(terms, as_of=as_of)
    expected: dict[str, Money] = defaultdict(lambda: Money.zero(terms.currency))
    for item in items:
        expected[item.line_id] += item.amount
    line_of = {(i.contract_id, i.item_key): i.line_id for i in items}
    drafted: dict[str, Money] = defaultdict(lambda: Money.zero(terms.currency))
    minor = Money.from_minor_units(1, terms.currency).amount
    for invoice in result.invoices:
        for line in invoice.lines:
            assert line.source is not None
            drafted[line_of[(line.source.contract_id, line.source.item_key)]] += line.net_amount
            assert abs(line.quantity * line.unit_price - line.net_amount.amount) <= minor
            assert line.unit_price >= 0
    assert dict(drafted) == {k: v for k, v in expected.items() if k in drafted or not v.is_zero()}
    # only installments rounded to zero (0.01 in two) are left out: nothing to bill
    assert {s.reason for s in result.skipped} <= {SkipReason.NOTHING_TO_BILL}


@settings(max_examples=40, deadline=None)
@given(contracts(), st.lists(run_dates, min_size=1, max_size=6))
def test_runs_at_increasing_dates_never_draft_an_item_twice(
    terms: ContractTerms, dates: list[date]
) -> None:
    billed: frozenset[tuple[str, str]] = frozenset()
    for as_of in sorted(dates):
        result = bill(terms, as_of=as_of, already_billed=billed)
        drafted = [
            (line.source.contract_id, line.source.item_key)
            for invoice in result.invoices
            for line in invoice.lines
            if line.source is not None
        ]
        assert len(drafted) == len(set(drafted))
        assert not set(drafted) & billed
        billed = billed | set(drafted)
    last = max(dates)
    due = {
        (i.contract_id, i.item_key)
        for i in schedule_items([terms], last)
        if is_due(i, last) and not i.amount.is_zero()
    }
    assert billed == due


@settings(max_examples=20, deadline=None)
@given(contracts(), run_dates)
def test_the_same_input_drafts_the_same_invoices(terms: ContractTerms, as_of: date) -> None:
    assert bill(terms, as_of=as_of) == bill(terms, as_of=as_of)
