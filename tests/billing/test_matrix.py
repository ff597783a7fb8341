"""The scenario matrix: subscription x timing x cadence x alignment, then every other model.

Each case is a story with a frozen run date: Globex (DE) buys 10 seats of
Workspace Pro from 15 January 2026 to 14 January 2027; the price is per
seat per billing period (30.00 a month, 90.00 a quarter, 360.00 a year).
The expected invoice lines (service period, quantity, unit price, amount)
are worked out by hand below each case, as Lago's scenario specs do, so
that no combination of timing, cadence and alignment is forgotten.

Partial periods (calendar alignment, starting mid-month) are charged by
actual days: January 15-31 is 17/31 of a month, Q1 from 15 January is
76/90 days, 2026 from 15 January is 351/365 days. Their lines show the
effective price per seat (amount / 10).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.billing.stories import bill, contract, lines, seats

PRICES = {"monthly": "30.00", "quarterly": "90.00", "annual": "360.00"}
RUN_DATES = {
    "monthly": date(2026, 4, 1),
    "quarterly": date(2026, 7, 15),
    "annual": date(2027, 1, 15),
}

MATRIX = {
    # ---- monthly, run on 2026-04-01 -------------------------------------------
    # anniversary periods 15th..14th; advance bills each on its first day:
    # 01-15, 02-15, 03-15 (04-15 is after the run). 10 x 30.00 = 300.00 each.
    ("monthly", "advance", "anniversary"): [
        ("2026-01-15..2026-02-14", "10", "30.00", "300.00"),
        ("2026-02-15..2026-03-14", "10", "30.00", "300.00"),
        ("2026-03-15..2026-04-14", "10", "30.00", "300.00"),
    ],
    # arrears bills the day after each period: 02-15, 03-15 (04-15 is later).
    ("monthly", "arrears", "anniversary"): [
        ("2026-01-15..2026-02-14", "10", "30.00", "300.00"),
        ("2026-02-15..2026-03-14", "10", "30.00", "300.00"),
    ],
    # calendar months: January 15-31 = 300.00 x 17/31 = 164.516 -> 164.52
    # (16.452 a seat); February, March, April (billed 04-01, the run date).
    ("monthly", "advance", "calendar"): [
        ("2026-01-15..2026-01-31", "10", "16.452", "164.52"),
        ("2026-02-01..2026-02-28", "10", "30.00", "300.00"),
        ("2026-03-01..2026-03-31", "10", "30.00", "300.00"),
        ("2026-04-01..2026-04-30", "10", "30.00", "300.00"),
    ],
    # in arrears January's part is billed on 02-01, February on 03-01,
    # March on 04-01; April waits for 05-01.
    ("monthly", "arrears", "calendar"): [
        ("2026-01-15..2026-01-31", "10", "16.452", "164.52"),
        ("2026-02-01..2026-02-28", "10", "30.00", "300.00"),
        ("2026-03-01..2026-03-31", "10", "30.00", "300.00"),
    ],
    # ---- quarterly, run on 2026-07-15 -----------------------------------------
    # quarters from the 15th: billed 01-15, 04-15, 07-15 (the run date).
    # 10 x 90.00 = 900.00.
    ("quarterly", "advance", "anniversary"): [
        ("2026-01-15..2026-04-14", "10", "90.00", "900.00"),
        ("2026-04-15..2026-07-14", "10", "90.00", "900.00"),
        ("2026-07-15..2026-10-14", "10", "90.00", "900.00"),
    ],
    # in arrears: billed 04-15 and 07-15; the third quarter on 10-15.
    ("quarterly", "arrears", "anniversary"): [
        ("2026-01-15..2026-04-14", "10", "90.00", "900.00"),
        ("2026-04-15..2026-07-14", "10", "90.00", "900.00"),
    ],
    # calendar quarters: Q1 from 01-15 is 17+28+31 = 76 of 90 days:
    # 900.00 x 76/90 = 760.00 (76.00 a seat); Q2 billed 04-01, Q3 07-01.
    ("quarterly", "advance", "calendar"): [
        ("2026-01-15..2026-03-31", "10", "76.00", "760.00"),
        ("2026-04-01..2026-06-30", "10", "90.00", "900.00"),
        ("2026-07-01..2026-09-30", "10", "90.00", "900.00"),
    ],
    # in arrears Q1's part on 04-01 and Q2 on 07-01; Q3 on 10-01.
    ("quarterly", "arrears", "calendar"): [
        ("2026-01-15..2026-03-31", "10", "76.00", "760.00"),
        ("2026-04-01..2026-06-30", "10", "90.00", "900.00"),
    ],
    # ---- annual, run on 2027-01-15 --------------------------------------------
    # one contract year, billed 2026-01-15 in advance: 10 x 360.00.
    ("annual", "advance", "anniversary"): [
        ("2026-01-15..2027-01-14", "10", "360.00", "3600.00"),
    ],
    # in arrears, billed the day after it ends: 2027-01-15, the run date.
    ("annual", "arrears", "anniversary"): [
        ("2026-01-15..2027-01-14", "10", "360.00", "3600.00"),
    ],
    # calendar years: 2026 from 01-15 is 351/365 days: 3600 x 351/365 =
    # 3461.9178 -> 3461.92 (346.192 a seat); 2027-01-01..01-14 is 14/365:
    # 138.0822 -> 138.08 (13.808 a seat); billed 2026-01-15 and 2027-01-01.
    ("annual", "advance", "calendar"): [
        ("2026-01-15..2026-12-31", "10", "346.192", "3461.92"),
        ("2027-01-01..2027-01-14", "10", "13.808", "138.08"),
    ],
    # in arrears 2026's part on 2027-01-01, the last days on 2027-01-15.
    ("annual", "arrears", "calendar"): [
        ("2026-01-15..2026-12-31", "10", "346.192", "3461.92"),
        ("2027-01-01..2027-01-14", "10", "13.808", "138.08"),
    ],
}


@pytest.mark.parametrize(("cadence", "timing", "alignment"), sorted(MATRIX), ids=str)
def test_subscription_matrix(cadence: str, timing: str, alignment: str) -> None:
    terms = contract(
        seats(unit_price=PRICES[cadence]),
        start_date="2026-01-15",
        end_date="2027-01-14",
        billing={"frequency": cadence, "timing": timing, "alignment": alignment},
    )
    result = bill(terms, as_of=RUN_DATES[cadence])
    assert len(result.invoices) == 1
    invoice = result.invoices[0]
    assert lines(invoice) == MATRIX[(cadence, timing, alignment)]
    assert invoice.status.value == "draft", result.findings
    assert invoice.issue_date == RUN_DATES[cadence]
