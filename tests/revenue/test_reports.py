"""Rollforward and waterfall on Northwind's OF-B-1, invoiced by the real billing run.

OF-B-1 bills 450.00 (+ 85.50 VAT) on the first of each month and earns
January 458.63, February 414.25, March 458.63, April 443.84, May 458.63,
June 443.84, ... (test_run.py shows the arithmetic).

End of January: billed 450.00, recognised 458.63: unbilled 8.63.
End of February: billed 900.00, recognised 872.88: deferred 27.12.
March: opening deferred 27.12 + billed 450.00 - recognised 458.63 = closing
deferred 18.49 (billed to date 1,350.00 = recognised 1,331.51 + 18.49).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from billops.adapters.storage.database import Database
from billops.errors import InvalidInput
from billops.workflows.billing import credit
from billops.workflows.revenue import revenue_run, rollforward, waterfall

from . import run_support as rs


def _run_first_quarter(db: Database) -> list[str]:
    rs.company(db)
    numbers = []
    for month in (1, 2, 3):
        numbers += rs.bill(db, date(2026, month, 1))
        revenue_run(db, f"2026-0{month}", actor="rev")
    return numbers


def test_rollforward_reconciles_billing_to_revenue(db: Database) -> None:
    _run_first_quarter(db)
    february = rollforward(db, "2026-02").rows[0].as_dict()
    assert (february["opening_deferred"], february["opening_unbilled"]) == ("0.00", "8.63")
    assert (february["billed"], february["recognised"]) == ("450.00", "414.25")
    assert (february["closing_deferred"], february["closing_unbilled"]) == ("27.12", "0.00")
    [march] = rollforward(db, "2026-03").rows
    assert march.as_dict() | {"reconciles": True} == {
        "entity": "NW-DE",
        "currency": "EUR",
        "contracts": 1,
        "opening_deferred": "27.12",
        "opening_unbilled": "0.00",
        "billed": "450.00",
        "recognised": "458.63",
        "catch_up": "0.00",
        "closing_deferred": "18.49",
        "closing_unbilled": "0.00",
        "billed_to_date": "1350.00",
        "recognised_to_date": "1331.51",
        "revenue_run": True,
        "reconciles": True,
    }
    assert march.reconciles


def test_a_credit_note_reduces_billed_in_its_month(db: Database) -> None:
    numbers = _run_first_quarter(db)
    credit(
        db, numbers[-1], actor="approver", reason="price error", amount=None, lines=[1],
        on=date(2026, 3, 20),
    )  # fmt: skip
    [march] = rollforward(db, "2026-03").rows
    # 450.00 invoiced on 1 March, 450.00 credited on 20 March: nothing billed, the month's
    # revenue comes out of the 27.12 deferred, the rest is unbilled revenue
    assert (str(march.billed.amount), str(march.recognised.amount)) == ("0.00", "458.63")
    assert (str(march.closing_deferred.amount), str(march.closing_unbilled.amount)) == (
        "0.00",
        "431.51",
    )
    assert march.reconciles


def test_rollforward_says_when_the_month_was_not_run(db: Database) -> None:
    _run_first_quarter(db)
    rs.bill(db, date(2026, 4, 1))
    [april] = rollforward(db, "2026-04").rows
    assert (april.revenue_run, str(april.billed.amount), str(april.recognised.amount)) == (
        False,
        "450.00",
        "0.00",
    )


def test_waterfall_months_and_totals(db: Database) -> None:
    rs.company(db)
    report = waterfall(db, "2026-04", 3)
    assert report.labels == ["2026-04", "2026-05", "2026-06"]
    assert report.as_of == date(2026, 3, 31)
    [row] = report.rows
    assert [str(m.amount) for m in row.months] == ["443.84", "458.63", "443.84"]
    assert str(row.total.amount) == "1346.31"
    # July, August, October, December 458.63; September, November 443.83
    assert str(row.later.amount) == "2722.18"
    assert str(row.pending.amount) == "0.00"
    before = waterfall(db, "2025-11", 3)
    assert [str(m.amount) for m in before.rows[0].months] == ["0.00", "0.00", "458.63"]
    with pytest.raises(InvalidInput, match="at least one month"):
        waterfall(db, "2026-04", 0)


def test_commands_print_for_the_entity_s_locale_and_json_exactly(
    db: Database, cli: Callable[..., Any]
) -> None:
    rs.company(db)
    rs.bill(db, date(2026, 1, 1))
    run = cli("revenue", "run", "--period", "2026-01")
    assert run.exit_code == 0, run.stderr
    assert "revenue of 2026-01: 1 booked contracts planned, 1 posted" in run.stdout
    assert "458,63" in run.stdout  # de_DE
    again = cli("revenue", "run", "--period", "2026-01", "--json")
    assert json.loads(again.stdout)["changed"] is False
    forward = cli("revenue", "rollforward", "--period", "2026-01")
    assert forward.exit_code == 0, forward.stderr
    assert "closing = opening + billed - recognised" in forward.stdout
    assert "-8,63 = 0,00 + 450,00 - 458,63: reconciles" in forward.stdout
    data = json.loads(cli("revenue", "rollforward", "--period", "2026-01", "--json").stdout)
    assert data["rows"][0]["closing_unbilled"] == "8.63"
    fall = cli("revenue", "waterfall", "--months", "2")
    assert fall.exit_code == 0, fall.stderr
    assert "revenue waterfall from 2026-02, 2 months" in fall.stdout  # after the last run
    assert "414,25" in fall.stdout
    as_json = json.loads(cli("revenue", "waterfall", "--from", "2026-02", "--json").stdout)
    assert as_json["rows"][0]["months"]["2026-02"] == "414.25"
    assert len(as_json["months"]) == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("revenue", "run", "--period", "2026-13"), "YYYY-MM"),
        (("revenue", "rollforward", "--period", "Nov 2026"), "YYYY-MM"),
        (("revenue", "waterfall", "--months", "0"), "at least one month"),
        (("revenue", "journals", "--period", "2026-01", "--format", "pdf", "--out", "x.pdf"),
         "csv or xlsx"),
    ],
)  # fmt: skip
def test_bad_input_is_one_error_line_and_a_non_zero_exit(
    db: Database, cli: Callable[..., Any], args: tuple[str, ...], message: str
) -> None:
    rs.company(db)
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_month_from_the_command_line(db: Database, cli: Callable[..., Any]) -> None:
    rs.company(db)
    assert cli("invoice", "close-period", "NW-DE", "--through", "2026-01-31").exit_code == 0
    result = cli("revenue", "run", "--period", "2026-01")
    assert result.exit_code == 2
    assert "2026-01 is closed for NW-DE" in result.stderr
