"""Amendments assessed as contract modifications in the revenue plan (IFRS 15.20-21).

The contract: 10 seats of SUB-PRO at 40.00 a seat a month for 2026 (4,800.00,
inside the catalogue's SSP range 36..45, so its SSP is its price). Amendments
are applied as setup applies them (``applied_amendment``), then planned with
``plan_amended``. Expected figures are worked out in each test from the
schedule of the unamended contract, not copied from the code's output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.money import Money, allocate, sum_money
from billops.domain.revenue import RevenuePlan, plan_revenue
from billops.domain.revenue.amended import AppliedAmendment, plan_amended
from billops.domain.revenue.modifications import ModificationKind
from billops.errors import InvalidInput
from billops.workflows.revenue import applied_amendment
from tests.revenue.support import catalogue, contract, line, usd

END = date(2026, 12, 31)
SEATS = line("L1", "SUB-PRO", "subscription", None, quantity=10, unit_price="40.00")


def base(*more: dict[str, Any]) -> ContractTerms:
    return contract([SEATS, *more])


def amendment(lines: list[dict[str, Any]], effective: str, **extra: Any) -> ContractTerms:
    data: dict[str, Any] = {
        "contract_id": "AM-1",
        "document_type": "amendment",
        "amends": "OF-R-1",
        "supplier": {"code": "NWUS", "name": "Northwind"},
        "customer": {"code": "C1", "name": "Globex"},
        "currency": "USD",
        "effective_date": effective,
        "start_date": effective,
        "end_date": extra.pop("end_date", "2026-12-31"),
        "lines": lines,
    }
    data.update(extra)
    return parse_contract(data)


def added_seats(quantity: int, price: str, start: str = "2026-07-01") -> dict[str, Any]:
    return line(
        "L1",
        "SUB-PRO",
        "subscription",
        None,
        quantity=quantity,
        unit_price=price,
        service_start=start,
        service_end="2026-12-31",
    )


def plan(terms: ContractTerms, *changes: ContractTerms, as_of: date = END) -> RevenuePlan:
    applied: list[AppliedAmendment] = []
    for change in changes:
        current = applied[-1].terms_after if applied else terms
        applied.append(applied_amendment(current, change))
    return plan_amended(terms, applied, catalogue(), as_of=as_of)


def by_month(p: RevenuePlan, oid: str) -> dict[str, Money]:
    return {e.month.start.strftime("%Y-%m"): e.amount for e in p.schedule.for_obligation(oid)}


def allocated(p: RevenuePlan) -> dict[str, Money]:
    return {a.obligation_id: a.allocated for a in p.allocation.lines}


def earned_through(p: RevenuePlan, oid: str, last_month: str) -> Money:
    return sum_money((a for m, a in by_month(p, oid).items() if m <= last_month), "USD")


UNAMENDED = plan_revenue(base(), catalogue(), as_of=END)


def test_seats_added_at_ssp_are_a_separate_contract_and_leave_the_first_seats_alone() -> None:
    amended = plan(base(), amendment([added_seats(5, "40.00")], "2026-07-01"))
    (assessment,) = amended.modifications
    assert assessment.kind is ModificationKind.SEPARATE_CONTRACT
    assert (
        "IFRS 15.20" in assessment.criterion and "standalone selling price" in assessment.criterion
    )
    # the original seats: exactly the unamended schedule and price
    assert by_month(amended, "L1") == by_month(UNAMENDED, "L1")
    assert allocated(amended) == {"L1": usd("4800.00"), "AM-1.L1": usd("1200.00")}
    # the added seats: 1,200.00 over July-December by days (184), nothing before July
    added = by_month(amended, "AM-1.L1")
    assert min(added) == "2026-07"
    assert sum_money(added.values(), "USD") == usd("1200.00")
    # 1,200 x 31/184 = 202.1739..: each month is rounded down, the two cents left go to the
    # largest remainders (the first two 31-day months, .39 against the 30-day months' .22)
    assert [added[m] for m in ("2026-07", "2026-08", "2026-09", "2026-10")] == [
        usd("202.18"),
        usd("202.18"),
        usd("195.65"),
        usd("202.17"),
    ]
    assert amended.transaction_price.total == usd("6000.00")


def test_seats_added_below_ssp_are_prospective_the_rest_reallocated_from_the_effective_date() -> (
    None
):
    amended = plan(base(), amendment([added_seats(5, "20.00")], "2026-07-01"))
    (assessment,) = amended.modifications
    assert assessment.kind is ModificationKind.PROSPECTIVE
    assert "IFRS 15.20(b) fails" in assessment.criterion
    assert "IFRS 15.21(a)" in assessment.criterion
    # Worked by hand: recognised to 30 June stays; the rest of L1 (4,800 - that) plus the
    # 600.00 the amendment adds is shared by SSP: the rest of L1 at its own price for
    # 184 of 365 days (inside the range), the added seats at the range's midpoint
    # 40.50 x 5 seats x 6 months = 1,215.00 (20.00 is outside the range).
    recognised = earned_through(UNAMENDED, "L1", "2026-06")
    rest_ssp = (usd("4800.00") * Decimal(184) / Decimal(365)).round()
    assert rest_ssp == usd("2419.73")
    pool = usd("4800.00") - recognised + usd("600.00")
    to_l1, to_added = allocate(pool, [rest_ssp.to_minor_units(), 121500])
    assert allocated(amended) == {"L1": recognised + to_l1, "AM-1.L1": to_added}
    # months before the amendment are not touched; after it, the new prices
    first_half = {m: a for m, a in by_month(UNAMENDED, "L1").items() if m <= "2026-06"}
    assert {m: a for m, a in by_month(amended, "L1").items() if m <= "2026-06"} == first_half
    assert sum_money(by_month(amended, "L1").values(), "USD") == recognised + to_l1
    # not what planning the amended terms from inception (a catch-up) would give
    inception = plan_revenue(
        applied_amendment(base(), amendment([added_seats(5, "20.00")], "2026-07-01")).terms_after,
        catalogue(),
        as_of=END,
    )
    assert allocated(inception)["L1"] != allocated(amended)["L1"]
    assert amended.transaction_price.total == usd("5400.00")
    assert amended.schedule.total() == usd("5400.00") and not amended.schedule.pending


def test_a_replaced_line_keeps_what_it_earned_and_its_replacement_takes_the_rest() -> None:
    upgrade = line(
        "L1", "SUB-PRO", "subscription", None, quantity=15, unit_price="40.00", replaces="L1"
    )
    amended = plan(base(), amendment([upgrade], "2026-07-01"))
    (assessment,) = amended.modifications
    assert assessment.kind is ModificationKind.PROSPECTIVE
    assert "replaces what remains of L1" in assessment.criterion
    recognised = earned_through(UNAMENDED, "L1", "2026-06")
    # billing after the amendment: 10 seats x 6 months + 15 seats x 6 months = 6,000.00
    assert amended.transaction_price.total == usd("6000.00")
    assert allocated(amended) == {"L1": recognised, "AM-1.L1": usd("6000.00") - recognised}
    assert max(by_month(amended, "L1")) == "2026-06"
    assert min(by_month(amended, "AM-1.L1")) == "2026-07"
    assert amended.schedule.total() == usd("6000.00")


def test_an_amendment_in_the_middle_of_a_month_splits_that_month_by_days() -> None:
    upgrade = line(
        "L1", "SUB-PRO", "subscription", None, quantity=15, unit_price="40.00", replaces="L1"
    )
    amended = plan(base(), amendment([upgrade], "2026-07-15"))
    july = by_month(UNAMENDED, "L1")["2026-07"]
    # 14 of July's 31 days at the old price, a named rounding point (half up)
    before = earned_through(UNAMENDED, "L1", "2026-06") + (july * Decimal(14) / 31).round()
    assert allocated(amended)["L1"] == before
    assert by_month(amended, "L1")["2026-07"] == before - earned_through(UNAMENDED, "L1", "2026-06")
    assert min(by_month(amended, "AM-1.L1")) == "2026-07"
    assert (
        sum_money((e.amount for e in amended.schedule.entries), "USD")
        == amended.allocation.transaction_price
    )


def test_an_extension_at_ssp_is_a_separate_contract_for_the_added_months() -> None:
    extension = amendment([], "2027-01-01", end_date="2027-06-30", start_date="2026-12-01")
    extension = extension.model_copy(update={"effective_date": date(2026, 12, 1)})
    amended = plan(base(), extension, as_of=date(2027, 6, 30))
    (assessment,) = amended.modifications
    assert assessment.kind is ModificationKind.SEPARATE_CONTRACT
    assert by_month(amended, "L1") | {} == {
        **by_month(UNAMENDED, "L1"),
        **{m: a for m, a in by_month(amended, "L1").items() if m >= "2027-01"},
    }
    # six more months of 10 seats at 40.00, recognised January-June 2027 by days
    assert allocated(amended)["L1"] == usd("7200.00")
    assert earned_through(amended, "L1", "2027-06") - earned_through(
        amended, "L1", "2026-12"
    ) == usd("2400.00")
    assert earned_through(amended, "L1", "2026-12") == usd("4800.00")


def test_changing_a_fixed_fee_service_under_way_is_a_cumulative_catch_up() -> None:
    implementation = line("L2", "IMPL", "fixed_fee", "30000.00")
    more_work = line("L2", "IMPL", "fixed_fee", "36000.00", replaces="L2")
    change = amendment([more_work], "2026-07-01")
    amended = plan(base(implementation), change)
    (assessment,) = amended.modifications
    assert assessment.kind is ModificationKind.CUMULATIVE_CATCH_UP
    assert "IFRS 15.21(b)" in assessment.criterion and "L2" in assessment.criterion
    inception = plan_revenue(
        applied_amendment(base(implementation), change).terms_after, catalogue(), as_of=END
    )
    assert allocated(amended) == allocated(inception)
    assert amended.schedule.entries == inception.schedule.entries


def test_two_amendments_are_assessed_in_order_each_with_its_criterion() -> None:
    first = amendment([added_seats(5, "40.00", "2026-04-01")], "2026-04-01")
    second = amendment([added_seats(5, "20.00", "2026-10-01")], "2026-10-01")
    second = second.model_copy(update={"contract_id": "AM-2"})
    amended = plan(base(), first, second)
    kinds = [(m.modification_id, m.kind) for m in amended.modifications]
    assert kinds == [
        ("AM-1", ModificationKind.SEPARATE_CONTRACT),
        ("AM-2", ModificationKind.PROSPECTIVE),
    ]
    assert amended.transaction_price.total == usd("4800.00") + usd("1800.00") + usd("300.00")
    assert amended.schedule.total() == amended.transaction_price.total
    # nothing before October moves
    for oid in ("L1", "AM-1.L1"):
        once = plan(base(), first)
        assert {m: a for m, a in by_month(amended, oid).items() if m < "2026-10"} == {
            m: a for m, a in by_month(once, oid).items() if m < "2026-10"
        }


def test_a_modification_dated_before_the_contract_starts_is_refused() -> None:
    terms_after = applied_amendment(
        base(), amendment([added_seats(5, "40.00")], "2026-07-01")
    ).terms_after
    early = AppliedAmendment("AM-1", date(2025, 12, 1), terms_after)
    with pytest.raises(InvalidInput, match="before the contract starts on 2026-01-01") as caught:
        plan_amended(base(), [early], catalogue(), as_of=END)
    assert caught.value.field == "modifications[AM-1].effective_date"


@settings(max_examples=40, deadline=None)
@given(
    price=st.integers(min_value=1, max_value=60),
    seats=st.integers(min_value=1, max_value=30),
    month=st.integers(min_value=2, max_value=12),
    day=st.integers(min_value=1, max_value=28),
    replace=st.booleans(),
)
def test_invariants_of_an_amended_plan(
    price: int, seats: int, month: int, day: int, replace: bool
) -> None:
    effective = date(2026, month, day).isoformat()
    new_line = line(
        "L1",
        "SUB-PRO",
        "subscription",
        None,
        quantity=seats,
        unit_price=f"{price}.00",
        service_start=effective,
        service_end="2026-12-31",
        **({"replaces": "L1"} if replace else {}),
    )
    amended = plan(base(), amendment([new_line], effective))
    total = amended.transaction_price.total
    # allocations sum exactly to the transaction price (Allocation checks it too)
    assert sum_money(allocated(amended).values(), "USD") == total
    # everything allocated is recognised over the life of the contract, per obligation
    assert amended.schedule.total() == total and not amended.schedule.pending
    for oid, amount in allocated(amended).items():
        assert sum_money(by_month(amended, oid).values(), "USD") == amount
    # the transaction price is what the customer pays under the amended terms
    after = plan_revenue(
        applied_amendment(base(), amendment([new_line], effective)).terms_after,
        catalogue(),
        as_of=END,
    )
    assert total == after.transaction_price.total
    # months that ended before the amendment took effect are never rewritten
    cutoff = date(2026, month, 1).strftime("%Y-%m")
    assert {m: a for m, a in by_month(amended, "L1").items() if m < cutoff} == {
        m: a for m, a in by_month(UNAMENDED, "L1").items() if m < cutoff
    }
