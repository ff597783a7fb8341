"""Amendment stories: upgrade, downgrade, termination, extension, and what stays billed.

The base: 10 seats at 100.00 a seat a month for 2026, monthly in advance.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from billops.domain.schedules import ItemKind, ItemStatus, amend_schedule, build_schedule
from billops.errors import InvalidInput
from tests.schedules.stories import contract, seats

D = date  # dates in stories read short: D(2026, 3, 1)

BILLED_Q1 = frozenset({"L1:2026-01-01", "L1:2026-02-01", "L1:2026-03-01"})


def order_form(quantity: int = 10, end: str = "2026-12-31", price: str = "100.00") -> Any:
    return contract(
        seats(quantity=quantity, unit_price=price),
        billing={"frequency": "monthly", "timing": "advance"},
        start_date="2026-01-01",
        end_date=end,
    )


CURRENT = build_schedule(order_form(), as_of=D(2026, 3, 1))


def _adjustments(result: Any) -> list[tuple[str, ItemKind, str, str]]:
    return [
        (a.item_key, a.kind, format(a.amount.amount, "f"), str(a.service_period))
        for a in result.adjustments
    ]


def test_upgrade_mid_month_credits_the_old_price_and_charges_the_new() -> None:
    # March is billed; from 16 March 15 seats: 16 of 31 days.
    # credit 1,000.00 x 16/31 = 516.13; charge 1,500.00 x 16/31 = 774.19.
    result = amend_schedule(
        CURRENT,
        order_form(15),
        effective=D(2026, 3, 16),
        billed_keys=BILLED_Q1,
        as_of=D(2026, 3, 16),
    )
    assert _adjustments(result) == [
        (
            "L1:2026-03-01:credit@2026-03-16",
            ItemKind.PRORATION_CREDIT,
            "-516.13",
            "2026-03-16..2026-03-31",
        ),
        (
            "L1:2026-03-01:charge@2026-03-16",
            ItemKind.PRORATION_CHARGE,
            "774.19",
            "2026-03-16..2026-03-31",
        ),
    ]
    items = {i.item_key: i for i in result.schedule.items}
    assert format(items["L1:2026-03-01"].amount.amount, "f") == "1000.00"  # billed, untouched
    assert format(items["L1:2026-04-01"].amount.amount, "f") == "1500.00"  # rebuilt
    assert len(result.superseded) == 9  # April to December at 10 seats
    assert result.schedule.version == 2
    assert "at the old price" in result.adjustments[0].explanation


def test_downgrade_credits_more_than_it_charges() -> None:
    # 5 seats from 16 March: credit 516.13, charge 500.00 x 16/31 = 258.06.
    result = amend_schedule(
        CURRENT,
        order_form(5),
        effective=D(2026, 3, 16),
        billed_keys=BILLED_Q1,
        as_of=D(2026, 3, 16),
    )
    assert [a[2] for a in _adjustments(result)] == ["-516.13", "258.06"]


def test_early_termination_credits_only() -> None:
    # Billed to June; the contract ends on 15 June: credit 1,000.00 x 15/30 = 500.00.
    billed = frozenset(f"L1:2026-{m:02d}-01" for m in range(1, 7))
    current = build_schedule(order_form(), as_of=D(2026, 6, 1))
    result = amend_schedule(
        current,
        order_form(end="2026-06-15"),
        effective=D(2026, 6, 16),
        billed_keys=billed,
        as_of=D(2026, 6, 16),
    )
    assert _adjustments(result) == [
        (
            "L1:2026-06-01:credit@2026-06-16",
            ItemKind.PRORATION_CREDIT,
            "-500.00",
            "2026-06-16..2026-06-30",
        ),
    ]
    assert [i.item_key for i in result.superseded] == [f"L1:2026-{m:02d}-01" for m in range(7, 13)]
    assert max(i.bill_date for i in result.schedule.items if i.bill_date) == D(2026, 6, 16)


def test_extension_adds_the_new_periods() -> None:
    result = amend_schedule(
        CURRENT,
        order_form(end="2027-03-31"),
        effective=D(2026, 12, 1),
        billed_keys=BILLED_Q1,
        as_of=D(2026, 3, 1),
    )
    assert result.adjustments == ()
    assert result.superseded == ()
    assert [i.item_key for i in result.schedule.items][-3:] == [
        "L1:2027-01-01",
        "L1:2027-02-01",
        "L1:2027-03-01",
    ]


def test_unchanged_terms_change_nothing() -> None:
    result = amend_schedule(
        CURRENT, order_form(), effective=D(2026, 5, 1), billed_keys=BILLED_Q1, as_of=D(2026, 3, 1)
    )
    assert (result.adjustments, result.superseded) == ((), ())
    assert result.schedule.items == CURRENT.items


def test_running_period_not_yet_billed_is_adjusted_not_rebuilt() -> None:
    # Annual in advance, not billed yet, 20 seats from 2 July:
    # 183 of 365 days: credit 10 x 365.00 x 183/365 = 1,830.00, charge 20 x ... = 3,660.00.
    def annual(quantity: int) -> Any:
        return contract(
            seats(quantity=quantity, unit_price="365.00"),
            billing={"frequency": "annual"},
            start_date="2026-01-01",
            end_date="2026-12-31",
        )

    current = build_schedule(annual(10), as_of=D(2026, 1, 1))
    result = amend_schedule(
        current, annual(20), effective=D(2026, 7, 2), billed_keys=frozenset(), as_of=D(2026, 7, 2)
    )
    assert [a[2] for a in _adjustments(result)] == ["-1830.00", "3660.00"]
    assert [format(i.amount.amount, "f") for i in result.schedule.items] == [
        "3650.00",
        "3660.00",
        "-1830.00",  # same bill date: by key, ":charge@" < ":credit@"
    ]


def test_a_second_amendment_credits_the_price_in_force() -> None:
    # 15 seats from 16 March, then 20 seats from 24 March (8 days of March).
    # What was billed for 24..31 March, each billed item prorated by its own days:
    #   1,000.00 x 8/31 = 258.0645;  -516.13 x 8/16 = -258.065;  774.19 x 8/16 = 387.095
    #   together 387.0945 -> credit 387.09 (the billed cents, not 1,500 x 8/31 = 387.10);
    # the new price: 2,000.00 x 8/31 = 516.129 -> charge 516.13.
    first = amend_schedule(
        CURRENT,
        order_form(15),
        effective=D(2026, 3, 16),
        billed_keys=BILLED_Q1,
        as_of=D(2026, 3, 16),
    )
    billed = BILLED_Q1 | {a.item_key for a in first.adjustments}
    second = amend_schedule(
        first.schedule,
        order_form(20),
        effective=D(2026, 3, 24),
        billed_keys=billed,
        as_of=D(2026, 3, 24),
    )
    credit, charge = (a.amount.amount for a in second.adjustments)
    assert format(-credit, "f") == "387.09"
    assert format(charge, "f") == "516.13"


def test_effective_date_outside_the_term_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        amend_schedule(
            CURRENT,
            order_form(15),
            effective=D(2027, 6, 1),
            billed_keys=BILLED_Q1,
            as_of=D(2026, 3, 1),
        )
    assert error.value.field == "effective_date"
    assert "2027-06-01" in str(error.value)
    assert "2026-01-01..2026-12-31" in str(error.value)


def test_no_day_is_billed_twice_when_the_grid_changes() -> None:
    # Monthly billed to March; the amendment switches to quarterly from April.
    quarterly = contract(
        seats(quantity=10, unit_price="300.00"),
        billing={"frequency": "quarterly", "timing": "advance"},
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    result = amend_schedule(
        CURRENT, quarterly, effective=D(2026, 4, 1), billed_keys=BILLED_Q1, as_of=D(2026, 4, 1)
    )
    charges = [i for i in result.schedule.items if i.kind is ItemKind.CHARGE]
    assert [(i.item_key, str(i.service_period)) for i in charges] == [
        ("L1:2026-01-01", "2026-01-01..2026-01-31"),
        ("L1:2026-02-01", "2026-02-01..2026-02-28"),
        ("L1:2026-03-01", "2026-03-01..2026-03-31"),
        ("L1:2026-04-01", "2026-04-01..2026-06-30"),
        ("L1:2026-07-01", "2026-07-01..2026-09-30"),
        ("L1:2026-10-01", "2026-10-01..2026-12-31"),
    ]


def test_kept_items_show_their_status_on_the_amendment_date() -> None:
    current = build_schedule(order_form(), as_of=D(2025, 12, 1))
    assert current.items[2].status is ItemStatus.SCHEDULED
    result = amend_schedule(
        current,
        order_form(15),
        effective=D(2026, 3, 16),
        billed_keys=BILLED_Q1,
        as_of=D(2026, 3, 16),
    )
    march = next(i for i in result.schedule.items if i.item_key == "L1:2026-03-01")
    assert march.status is ItemStatus.BILLABLE
