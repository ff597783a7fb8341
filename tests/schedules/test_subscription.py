"""Subscription stories: timing x cadence x alignment, month ends, leap years, currencies.

Every expected amount below is worked out by hand from the contract (the
comment shows the arithmetic), never with the production formula.
The default story: 10 seats from 2026-02-15 to 2027-02-14 (twelve months),
``unit_price`` per billing period (100.00 a month, 300.00 a quarter,
600.00 a half-year, 1,200.00 a year).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billops.domain.calendar import DayCount
from billops.domain.contract import ContractTerms
from billops.domain.schedules import (
    ItemKind,
    ItemStatus,
    Trigger,
    build_schedule,
    renewal_schedule,
)
from billops.errors import InvalidInput
from tests.schedules.stories import amounts, contract, rows, seats, total

D = date
TERM = {"start_date": "2026-02-15", "end_date": "2027-02-14"}
PRICE = {"monthly": "100.00", "quarterly": "300.00", "semi_annual": "600.00", "annual": "1200.00"}

# (frequency, timing, alignment) -> [(item key, amount, bill date), ...]
MATRIX = {
    ("monthly", "advance", "anniversary"): [
        (f"L1:{start}", "1000.00", D.fromisoformat(start))
        for start in [
            "2026-02-15",
            "2026-03-15",
            "2026-04-15",
            "2026-05-15",
            "2026-06-15",
            "2026-07-15",
            "2026-08-15",
            "2026-09-15",
            "2026-10-15",
            "2026-11-15",
            "2026-12-15",
            "2027-01-15",
        ]
    ],
    ("monthly", "arrears", "calendar"): [
        ("L1:2026-02-15", "500.00", D(2026, 3, 1)),  # 1,000.00 x 14/28 days of February
        *[
            (f"L1:2026-{month:02d}-01", "1000.00", D(2026 + month // 12, month % 12 + 1, 1))
            for month in range(3, 13)
        ],
        ("L1:2027-01-01", "1000.00", D(2027, 2, 1)),
        ("L1:2027-02-01", "500.00", D(2027, 2, 15)),  # 1,000.00 x 14/28
    ],
    ("quarterly", "advance", "calendar"): [
        ("L1:2026-02-15", "1500.00", D(2026, 2, 15)),  # 3,000.00 x 45/90 days of Q1
        ("L1:2026-04-01", "3000.00", D(2026, 4, 1)),
        ("L1:2026-07-01", "3000.00", D(2026, 7, 1)),
        ("L1:2026-10-01", "3000.00", D(2026, 10, 1)),
        ("L1:2027-01-01", "1500.00", D(2027, 1, 1)),  # 3,000.00 x 45/90
    ],
    ("quarterly", "arrears", "anniversary"): [
        ("L1:2026-02-15", "3000.00", D(2026, 5, 15)),
        ("L1:2026-05-15", "3000.00", D(2026, 8, 15)),
        ("L1:2026-08-15", "3000.00", D(2026, 11, 15)),
        ("L1:2026-11-15", "3000.00", D(2027, 2, 15)),
    ],
    ("semi_annual", "advance", "calendar"): [
        ("L1:2026-02-15", "4508.29", D(2026, 2, 15)),  # 6,000.00 x 136/181 = 4,508.287
        ("L1:2026-07-01", "6000.00", D(2026, 7, 1)),
        ("L1:2027-01-01", "1491.71", D(2027, 1, 1)),  # 6,000.00 x 45/181 = 1,491.713
    ],
    ("semi_annual", "arrears", "anniversary"): [
        ("L1:2026-02-15", "6000.00", D(2026, 8, 15)),
        ("L1:2026-08-15", "6000.00", D(2027, 2, 15)),
    ],
    ("annual", "advance", "anniversary"): [
        ("L1:2026-02-15", "12000.00", D(2026, 2, 15)),
    ],
    ("annual", "arrears", "calendar"): [
        ("L1:2026-02-15", "10520.55", D(2027, 1, 1)),  # 12,000.00 x 320/365 = 10,520.548
        ("L1:2027-01-01", "1479.45", D(2027, 2, 15)),  # 12,000.00 x 45/365 = 1,479.452
    ],
}


@pytest.mark.parametrize(
    ("cadence", "expected"),
    MATRIX.items(),
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else "",
)
def test_timing_cadence_alignment_matrix(
    cadence: tuple[str, str, str], expected: list[tuple[str, str, date]]
) -> None:
    frequency, timing, alignment = cadence
    terms = contract(
        seats(quantity=10, unit_price=PRICE[frequency]),
        billing={"frequency": frequency, "timing": timing, "alignment": alignment},
        **TERM,
    )
    schedule = build_schedule(terms, as_of=D(2026, 1, 1))
    assert [
        (i.item_key, format(i.amount.amount, "f"), i.bill_date) for i in schedule.items
    ] == expected
    assert total(schedule.items) == Decimal("12000.00")
    assert all(i.trigger is Trigger.DATE and i.kind is ItemKind.CHARGE for i in schedule.items)
    assert schedule.findings == ()


def test_line_frequency_and_timing_override_the_contract() -> None:
    terms = contract(
        seats(quantity=10, unit_price="1200.00", frequency="annual", timing="arrears"),
        billing={"frequency": "monthly", "timing": "advance"},
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    assert rows(build_schedule(terms, as_of=D(2026, 6, 1))) == [
        ("L1:2026-01-01", "12000.00", D(2027, 1, 1), "scheduled")
    ]


def test_status_follows_the_as_of_date() -> None:
    terms = contract(
        seats(quantity=1, unit_price="100.00"),
        billing={"frequency": "monthly", "timing": "advance"},
        start_date="2026-01-01",
        end_date="2026-03-31",
    )
    statuses = [i.status for i in build_schedule(terms, as_of=D(2026, 2, 1)).items]
    assert statuses == [ItemStatus.BILLABLE, ItemStatus.BILLABLE, ItemStatus.SCHEDULED]


def test_january_31st_anniversary_keeps_the_31st_after_february() -> None:
    terms = contract(
        seats(quantity=1, unit_price="100.00"),
        billing={"frequency": "monthly", "alignment": "anniversary"},
        start_date="2026-01-31",
        end_date="2026-04-29",
    )
    schedule = build_schedule(terms, as_of=D(2026, 1, 31))
    assert [(i.item_key, str(i.service_period)) for i in schedule.items] == [
        ("L1:2026-01-31", "2026-01-31..2026-02-27"),
        ("L1:2026-02-28", "2026-02-28..2026-03-30"),
        ("L1:2026-03-31", "2026-03-31..2026-04-29"),
    ]
    assert amounts(schedule.items) == ["100.00", "100.00", "100.00"]


def test_january_31st_start_with_one_day_left_over() -> None:
    # The fourth period would run 2026-04-30..2026-05-30 (31 days): 1 day is 100.00/31.
    terms = contract(
        seats(quantity=1, unit_price="100.00"),
        billing={"frequency": "monthly", "alignment": "anniversary"},
        start_date="2026-01-31",
        end_date="2026-04-30",
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 1, 31)).items) == [
        "100.00",
        "100.00",
        "100.00",
        "3.23",
    ]


def test_leap_year_february_is_29_days() -> None:
    # 290.00 a month; 2028-02-10..2028-02-29 is 20 of 29 days = 200.00.
    terms = contract(
        seats(quantity=1, unit_price="290.00"),
        billing={"frequency": "monthly", "alignment": "calendar"},
        start_date="2028-02-10",
        end_date="2028-03-31",
    )
    schedule = build_schedule(terms, as_of=D(2028, 2, 10))
    assert rows(schedule) == [
        ("L1:2028-02-10", "200.00", D(2028, 2, 10), "billable"),
        ("L1:2028-03-01", "290.00", D(2028, 3, 1), "scheduled"),
    ]
    assert "20/29 days" in schedule.items[0].explanation


def test_jpy_has_no_minor_unit() -> None:
    # 10,000 JPY a month; January from the 15th: 10,000 x 17/31 = 5,483.87 -> 5,484.
    terms = contract(
        seats(quantity=1, unit_price="10000"),
        currency="JPY",
        billing={"frequency": "monthly", "alignment": "calendar"},
        start_date="2026-01-15",
        end_date="2026-03-31",
    )
    schedule = build_schedule(terms, as_of=D(2026, 1, 1))
    assert amounts(schedule.items) == ["5484", "10000", "10000"]
    assert schedule.currency == "JPY"


def test_jpy_stated_amount_wins_and_the_difference_is_explained() -> None:
    # The document says 25,000 JPY where the days say 25,484: the document's amount is
    # split by the periods' weights 17/31 : 1 : 1, i.e. 25,000 x 17/79 = 5,379.75 and
    # 25,000 x 31/79 = 9,810.13; the unit left over goes to the largest remainder (.75).
    terms = contract(
        seats(quantity=1, unit_price="10000", amount="25000"),
        currency="JPY",
        billing={"frequency": "monthly", "alignment": "calendar"},
        start_date="2026-01-15",
        end_date="2026-03-31",
    )
    items = build_schedule(terms, as_of=D(2026, 1, 1)).items
    assert amounts(items) == ["5380", "9810", "9810"]
    assert "adjusted so the items sum to the stated line amount 25,000" in items[1].explanation


def test_bhd_has_three_decimals() -> None:
    # 10.000 BHD a month; February 1..15 is 15/28: 5.357142... -> 5.357.
    terms = contract(
        seats(quantity=1, unit_price="10.000"),
        currency="BHD",
        billing={"frequency": "monthly", "alignment": "calendar"},
        start_date="2026-01-01",
        end_date="2026-02-15",
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 1, 1)).items) == ["10.000", "5.357"]


def test_ramp_by_contract_year() -> None:
    # The demo's NWUS-OF-000101: annual in advance, three contract years.
    terms = contract(
        seats(
            quantity=100,
            unit_price="432.00",
            amount="205200.00",
            ramp=[
                {
                    "start_date": "2025-03-01",
                    "end_date": "2026-02-28",
                    "quantity": 100,
                    "unit_price": "432.00",
                    "amount": "43200.00",
                },
                {
                    "start_date": "2026-03-01",
                    "end_date": "2027-02-28",
                    "quantity": 150,
                    "unit_price": "432.00",
                    "amount": "64800.00",
                },
                {
                    "start_date": "2027-03-01",
                    "end_date": "2028-02-29",
                    "quantity": 200,
                    "unit_price": "486.00",
                    "amount": "97200.00",
                },
            ],
        ),
        billing={"frequency": "annual", "timing": "advance"},
        start_date="2025-03-01",
        end_date="2028-02-29",
    )
    schedule = build_schedule(terms, as_of=D(2026, 11, 23))
    assert rows(schedule) == [
        ("L1:2025-03-01", "43200.00", D(2025, 3, 1), "billable"),
        ("L1:2026-03-01", "64800.00", D(2026, 3, 1), "billable"),
        ("L1:2027-03-01", "97200.00", D(2027, 3, 1), "scheduled"),
    ]
    assert schedule.items[2].quantity == Decimal(200)
    assert schedule.items[2].unit_price == Decimal("486.00")


def test_ramp_step_inside_a_calendar_quarter_is_priced_day_by_day() -> None:
    # 300.00 a seat a quarter; 10 seats to 30 April, 20 seats from 1 May.
    #   Q1 part  2026-02-01..03-31: 3,000 x 59/90                      = 1,966.667
    #   Q2       30 days at 3,000 x 30/91 + 61 days at 6,000 x 61/91  = 5,010.989
    #   Q3 part  2026-07-01..07-31: 6,000 x 31/92                      = 2,021.739
    # The exact total 8,999.395 rounds once to 8,999.39 and is split by those weights:
    # 1,966.6656 / 5,010.9863 / 2,021.7381 -> 1,966.66 / 5,010.99 / 2,021.74.
    terms = contract(
        seats(
            quantity=10,
            unit_price="300.00",
            ramp=[{"start_date": "2026-05-01", "quantity": 20}],
        ),
        billing={"frequency": "quarterly", "alignment": "calendar"},
        start_date="2026-02-01",
        end_date="2026-07-31",
    )
    items = build_schedule(terms, as_of=D(2026, 2, 1)).items
    assert amounts(items) == ["1966.66", "5010.99", "2021.74"]
    assert items[1].quantity is None  # two quantities in one period
    assert "10 seat x 300.00 x 30/91 days" in items[1].explanation
    assert "20 seat x 300.00 x 61/91 days" in items[1].explanation


def test_co_termed_add_on_is_prorated_to_the_base_end() -> None:
    # Base: 100 seats for 2026, annual in advance. Add-on: 20 seats from 1 September,
    # ending with the base. The order form states 20 x 432.00 x 4/12 = 2,880.00.
    base = seats(quantity=100, unit_price="432.00", amount="43200.00")
    add_on = seats(
        quantity=20,
        unit_price="432.00",
        amount="2880.00",
        service_start="2026-09-01",
        service_end="2026-12-31",
    )
    terms = contract(
        base,
        add_on,
        billing={"frequency": "annual"},
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    schedule = build_schedule(terms, as_of=D(2026, 9, 1))
    assert rows(schedule) == [
        ("L1:2026-01-01", "43200.00", D(2026, 1, 1), "billable"),
        ("L2:2026-09-01", "2880.00", D(2026, 9, 1), "billable"),
    ]
    assert "122/365 days" in schedule.items[1].explanation


def test_co_termed_add_on_without_a_stated_amount_is_charged_by_the_day() -> None:
    # 20 x 432.00 x 122/365 = 2,887.890...
    add_on = seats(
        quantity=20, unit_price="432.00", service_start="2026-09-01", service_end="2026-12-31"
    )
    terms = contract(
        seats(quantity=100, unit_price="432.00"),
        add_on,
        billing={"frequency": "annual"},
        start_date="2026-01-01",
        end_date="2026-12-31",
    )
    assert amounts(build_schedule(terms, as_of=D(2026, 9, 1)).for_line("L2")) == ["2887.89"]


def test_thirty_360_counts_every_month_as_30_days() -> None:
    # February 15..28 under 30E/360: from the 15th to 1 March = 16 days of 30.
    terms = contract(
        seats(quantity=1, unit_price="300.00"),
        billing={"frequency": "monthly", "alignment": "calendar"},
        start_date="2026-02-15",
        end_date="2026-03-31",
    )
    schedule = build_schedule(terms, as_of=D(2026, 2, 1), day_count=DayCount.THIRTY_E_360)
    assert amounts(schedule.items) == ["160.00", "300.00"]


def test_line_without_dates_or_price_is_a_finding() -> None:
    terms = contract(
        seats(quantity=1, unit_price="10.00"),
        seats(quantity=1, service_start="2026-01-01", service_end="2026-12-31"),
    )
    schedule = build_schedule(terms, as_of=D(2026, 1, 1))
    assert schedule.items == ()
    assert sorted(f.rule_id for f in schedule.findings) == [
        "SCHEDULE-NO-PRICE",
        "SCHEDULE-NO-SERVICE-PERIOD",
    ]


# --- renewal ---------------------------------------------------------------


def _renewing(cap: str | None) -> ContractTerms:
    return contract(
        seats(quantity=10, unit_price="100.00", amount="12000.00"),
        billing={"frequency": "monthly"},
        start_date="2026-01-01",
        end_date="2026-12-31",
        term_months=12,
        renewal={"auto_renew": True, "renewal_term_months": 12, "uplift_cap_percent": cap},
    )


def test_renewal_uplift_is_capped() -> None:
    # Asked 7 %, capped at 5 %: 100.00 -> 105.00 a seat a month, 10 seats.
    schedule = renewal_schedule(_renewing("5"), uplift_percent=Decimal(7), as_of=D(2026, 12, 1))
    assert len(schedule.items) == 12
    assert schedule.items[0].item_key == "L1:2027-01-01"
    assert schedule.items[-1].service_period is not None
    assert schedule.items[-1].service_period.end == D(2027, 12, 31)
    assert set(amounts(schedule.items)) == {"1050.00"}
    assert "asked 7 %, capped at 5 %" in schedule.items[0].explanation


def test_renewal_uplift_below_the_cap_applies_in_full() -> None:
    schedule = renewal_schedule(_renewing("5"), uplift_percent=Decimal(3), as_of=D(2026, 12, 1))
    assert set(amounts(schedule.items)) == {"1030.00"}
    assert total(schedule.items) == Decimal("12360.00")


def test_renewal_of_a_ramp_starts_from_the_last_step() -> None:
    terms = contract(
        seats(
            quantity=10,
            unit_price="100.00",
            ramp=[{"start_date": "2026-07-01", "quantity": 20, "unit_price": "110.00"}],
        ),
        billing={"frequency": "annual"},
        start_date="2026-01-01",
        end_date="2026-12-31",
        renewal={"renewal_term_months": 12},
    )
    # 20 seats x 110.00 x 1.10 = 20 x 121.00 = 2,420.00 for the renewal year.
    schedule = renewal_schedule(terms, uplift_percent=Decimal(10), as_of=D(2026, 12, 1))
    assert rows(schedule) == [("L1:2027-01-01", "2420.00", D(2027, 1, 1), "scheduled")]


def test_renewal_needs_a_term_length() -> None:
    terms = contract(
        seats(quantity=1, unit_price="1.00"), start_date="2026-01-01", end_date="2026-12-31"
    )
    with pytest.raises(InvalidInput, match="renewal term"):
        renewal_schedule(terms, uplift_percent=Decimal(3), as_of=D(2026, 1, 1))
