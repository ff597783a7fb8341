"""The whole plan of a contract, and ``billops revenue preview`` on a contract file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from billops.domain.events import Events, UsageRecord
from billops.domain.revenue import plan_revenue
from billops.errors import InvalidInput
from tests.cli.test_parties_cli import bad
from tests.revenue.support import catalogue, contract, line


def test_plan_prices_lines_from_the_schedule_and_recognises_usage_as_incurred() -> None:
    # L1 states no amount: its schedule bills 10 seats x 45.00 x 12 months =
    # 5,400.00. L2 usage: 1,000 calls at 0.01 in January = 10.00, incurred.
    # Transaction price 5,410.00. January: 5,400 x 31/365 = 458.63 (its
    # largest-remainder month share) + 10.00 = 468.63.
    terms = contract(
        [
            line("L1", "SUB-PRO", "subscription", None, quantity=10, unit_price="45.00"),
            line("L2", "API", "usage", None, unit_price="0.01"),
        ],
        billing={"frequency": "monthly", "timing": "advance"},
    )
    events = Events.of(
        [UsageRecord("U-1", "OF-R-1", "L2", date(2026, 1, 1), date(2026, 1, 31), Decimal(1000))]
    )
    plan = plan_revenue(terms, catalogue(), events, as_of=date(2026, 2, 5))
    assert str(plan.transaction_price.total) == "5410.00 USD"
    assert {x.obligation_id: str(x.allocated.amount) for x in plan.allocation.lines} == {
        "L1": "5400.00",
        "L2": "10.00",
    }
    assert str(plan.schedule.by_month()[0][1]) == "468.63 USD"
    data = plan.as_dict()
    assert data["transaction_price"]["total"] == {"amount": "5410.00", "currency": "USD"}


def test_plan_refuses_a_contract_whose_line_setup_cannot_place() -> None:
    terms = contract([line("L1", "NOPE", "one_time", "100.00")])
    with pytest.raises(InvalidInput) as error:
        plan_revenue(terms, catalogue(), as_of=date(2026, 1, 31))
    assert error.value.field == "lines[0].sku"


ORDER_FORM = {
    "contract_id": "OF-REV-1",
    "document_type": "order_form",
    "supplier": {"code": "NWUS", "name": "Northwind Cloud"},
    "customer": {"code": "C000101", "name": "Globex"},
    "currency": "USD",
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
    "billing": {"frequency": "annual", "timing": "advance"},
    "lines": [
        line("L1", "NW-SUB-PRO", "subscription", "5400.00", quantity=10, unit_price="540.00"),
        line("L2", "NW-ONB-STD", "one_time", "2000.00", quantity=1),
        line("L3", "NW-HW-E100", "hardware", "20000.00", quantity=2, unit_price="10000.00"),
        line("L4", "NW-MNT-STD", "maintenance", "3600.00", quantity=2),
    ],
}


def _write(tmp_path: Path, data: dict) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "order-form.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_revenue_preview_json_on_the_demo_catalogue(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Demo SSPs: 10 seats x 12 months inside 36..45 -> the price 5,400; onboarding
    # 2,500; appliance 2 x 10,800 = 21,600; maintenance 18 % of it = 3,888.
    # 31,000 by 33,388 of SSPs: 5,013.78, 2,321.19, 20,055.11, 3,609.92 (the
    # largest remainders .97, .96, .74 take the three cents left).
    result = cli("revenue", "preview", str(_write(tmp_path, ORDER_FORM)), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["transaction_price"]["total"]["amount"] == "31000.00"
    assert [
        (x["obligation_id"], x["allocated"]["amount"]) for x in data["allocation"]["lines"]
    ] == [
        ("L1", "5013.78"),
        ("L2", "2321.19"),
        ("L3", "20055.11"),
        ("L4", "3609.92"),
    ]
    assert [o["pattern"] for o in data["obligations"]] == [
        "ratable",
        "point_in_time",
        "point_in_time",
        "ratable",
    ]
    first = data["recognition"]["by_month"][0]
    # January: 5,013.78 x 31/365 = 425.83 and 3,609.92 x 31/365 = 306.60
    assert first == {"month": "2026-01", "amount": {"amount": "732.43", "currency": "USD"}}
    assert len(data["recognition"]["by_month"]) == 12
    pending = {p["obligation_id"]: p["amount"]["amount"] for p in data["recognition"]["pending"]}
    assert pending == {"L2": "2321.19", "L3": "20055.11"}


def test_revenue_preview_prints_a_table(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("revenue", "preview", str(_write(tmp_path, ORDER_FORM)), "--as-of", "2026-06-30")
    assert result.exit_code == 0, result.stderr
    assert "transaction price: fixed 31,000.00" in result.stdout
    assert "64.69 %" in result.stdout  # L3: 21,600 / 33,388
    assert "pending L3: 20,055.11 (waiting for shipment)" in result.stdout


def test_revenue_preview_of_an_obligation_without_ssp_is_one_error_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    data = dict(
        ORDER_FORM, lines=[*ORDER_FORM["lines"], line("L5", "NW-PS-TM", "fixed_fee", "9000.00")]
    )  # type: ignore[list-item]
    bad(
        cli("revenue", "preview", str(_write(tmp_path, data))),
        "obligations[L5].ssp",
        "NW-PS-TM",
        "residual candidate",
    )


def test_revenue_preview_accepts_a_residual_candidate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # NW-PS-TM (no SSP) sold as a 9,000 fixed fee takes the residual:
    # 40,000 - (5,400 + 2,500 + 21,600 + 3,888 = 33,388) = 6,612.
    data = dict(
        ORDER_FORM, lines=[*ORDER_FORM["lines"], line("L5", "NW-PS-TM", "fixed_fee", "9000.00")]
    )  # type: ignore[list-item]
    result = cli(
        "revenue", "preview", str(_write(tmp_path, data)), "--residual", "NW-PS-TM", "--json"
    )
    assert result.exit_code == 0, result.stderr
    lines = json.loads(result.stdout)["allocation"]["lines"]
    assert [(x["obligation_id"], x["method"], x["allocated"]["amount"]) for x in lines][-1] == (
        "L5",
        "residual",
        "6612.00",
    )


def test_revenue_preview_of_a_missing_file_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad(cli("revenue", "preview", str(tmp_path / "nope.yaml")), "nope.yaml")


AMENDMENT = {
    "contract_id": "AM-REV-1",
    "document_type": "amendment",
    "amends": "OF-REV-1",
    "supplier": {"code": "NWUS", "name": "Northwind Cloud"},
    "customer": {"code": "C000101", "name": "Globex"},
    "currency": "USD",
    "effective_date": "2026-07-01",
    "start_date": "2026-07-01",
    "end_date": "2026-12-31",
    "lines": [
        line(
            "L1",
            "NW-SUB-PRO",
            "subscription",
            "1215.00",
            quantity=5,
            unit_price="40.50",
            service_start="2026-07-01",
            service_end="2026-12-31",
        )
    ],
}


def test_revenue_preview_assesses_an_amendment_and_prints_the_criterion(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    base = _write(tmp_path, ORDER_FORM)
    change = tmp_path / "amendment.yaml"
    change.write_text(yaml.safe_dump(AMENDMENT, sort_keys=False), encoding="utf-8")
    result = cli("revenue", "preview", str(base), "--amendment", str(change), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (modification,) = data["modifications"]
    # 5 seats x 40.50 x 6 months = 1,215.00, inside the SSP range 36..45 a seat a month
    assert modification["kind"] == "separate_contract"
    lines = {x["obligation_id"]: x["allocated"]["amount"] for x in data["allocation"]["lines"]}
    assert lines["AM-REV-1.L1"] == "1215.00"
    assert lines["L1"] == "5013.78"  # the order form's own allocation, untouched
    assert data["transaction_price"]["total"]["amount"] == "32215.00"
    table = cli("revenue", "preview", str(base), "--amendment", str(change))
    assert "modification AM-REV-1: separate contract" in table.stdout
    assert "criterion: IFRS 15.20: the added goods are distinct (a) and priced" in table.stdout


def test_revenue_preview_of_an_amendment_outside_the_term_is_one_error_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    change = tmp_path / "amendment.yaml"
    late = dict(
        AMENDMENT, effective_date="2027-02-01", start_date="2027-02-01", end_date="2027-06-30"
    )
    change.write_text(yaml.safe_dump(late, sort_keys=False), encoding="utf-8")
    bad(
        cli("revenue", "preview", str(_write(tmp_path, ORDER_FORM)), "--amendment", str(change)),
        "effective_date",
        "2027-02-01",
        "outside the term",
    )
