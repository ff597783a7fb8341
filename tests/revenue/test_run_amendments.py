"""The revenue run with amendments applied by setup: each one assessed as a contract modification.

Northwind's OF-B-1 (``run_support``): 10 seats of WS-PRO at 45.00 a month for
2026, SSP 45.00 a seat a month, recognised by day. Revenue is run January to
June; then an amendment adds 5 seats from 1 July, co-termed; July is run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from billops.adapters.storage.database import Database
from billops.adapters.storage.revenue_store import RevenueStore
from billops.workflows.revenue import explain, revenue_run
from billops.workflows.setup import amend_contract

from . import run_support as rs

D = Decimal
AS_OF = date(2026, 6, 25)


def _amendment(tmp_path: Path, unit_price: str) -> Path:
    # 5 seats x unit price x 6 months
    amount = format(D(unit_price) * 5 * 6, ".2f")
    data: dict[str, Any] = {
        "contract_id": "AM-B-1",
        "document_type": "amendment",
        "amends": "OF-B-1",
        "supplier": {"code": "NW-DE", "name": "Northwind Software GmbH"},
        "customer": {"code": "globex", "name": "Globex GmbH"},
        "signature_date": "2026-06-20",
        "effective_date": "2026-07-01",
        "start_date": "2026-07-01",
        "end_date": "2026-12-31",
        "currency": "EUR",
        "billing": {"frequency": "monthly", "timing": "advance"},
        "lines": [
            {
                "line_id": "L1",
                "sku": "WS-PRO",
                "description": "Additional seats, co-termed",
                "billing_model": "subscription",
                "quantity": "5",
                "unit_price": unit_price,
                "amount": amount,
                "service_start": "2026-07-01",
                "service_end": "2026-12-31",
            }
        ],
        "total_contract_value": amount,
    }
    path = tmp_path / "am.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _first_half(db: Database) -> None:
    rs.company(db)
    for month in range(1, 7):
        revenue_run(db, f"2026-{month:02d}", actor="rev")


def _posted(db: Database) -> dict[tuple[str, str], tuple[str, str]]:
    with db.transaction() as session:
        return {
            (p.obligation_id, p.period): (
                format(p.amount.amount, "f"),
                format(p.catch_up.amount, "f"),
            )
            for p in RevenueStore(session, "t").postings(["OF-B-1"])
        }


def test_seats_added_at_ssp_are_recognised_as_a_separate_contract(
    db: Database, tmp_path: Path
) -> None:
    _first_half(db)
    before = _posted(db)
    amend_contract(db, "OF-B-1", _amendment(tmp_path, "45.00"), actor="analyst", as_of=AS_OF)
    july = revenue_run(db, "2026-07", actor="rev")
    assert july.modifications == {"separate_contract": 1}
    assert july.catch_up_postings == 0
    posted = _posted(db)
    assert {k: v for k, v in posted.items() if k[1] < "2026-07"} == before
    # the first 10 seats earn what they did before the amendment: July 31/365 x 5,400.00
    assert posted[("L1", "2026-07")] == ("458.63", "0.00")
    # the 5 added seats: 1,350.00 over July-December (184 days), July's 31 days first
    assert posted[("AM-B-1.L1", "2026-07")] == ("227.45", "0.00")


def test_seats_added_below_ssp_are_prospective_and_nothing_earlier_is_caught_up(
    db: Database, tmp_path: Path
) -> None:
    _first_half(db)
    before = _posted(db)
    amend_contract(db, "OF-B-1", _amendment(tmp_path, "30.00"), actor="analyst", as_of=AS_OF)
    july = revenue_run(db, "2026-07", actor="rev")
    assert july.modifications == {"prospective": 1}
    # a prospective modification changes the future only: no catch-up of January-June
    assert july.catch_up_postings == 0
    posted = _posted(db)
    assert {k: v for k, v in posted.items() if k[1] < "2026-07"} == before
    # earned to 30 June: the six posted months; the rest of L1 (5,400.00 less that) and the
    # added 900.00 are shared by SSP: the catalogue's 45.00 a seat a month for what remains,
    # 10 seats x 6 months = 2,700.00, and 5 seats x 6 months = 1,350.00 for the added ones
    earned = sum(D(v[0]) for k, v in before.items() if k[0] == "L1")
    pool = D("5400.00") - earned + D("900.00")
    explained = explain(db, "OF-B-1", date(2026, 7, 31))
    lines = {a.obligation_id: a.allocated.amount for a in explained.plan.allocation.lines}
    to_added = lines["AM-B-1.L1"]
    assert lines["L1"] + to_added == earned + pool
    exact = pool * D("1350.00") / (D("2700.00") + D("1350.00"))
    assert abs(to_added - exact) <= D("0.01")
    (modification,) = explained.plan.modifications
    assert "IFRS 15.21(a)" in modification.criterion
    assert explained.amendments == ("AM-B-1",) and explained.booked
    # re-running July changes nothing
    again = revenue_run(db, "2026-07", actor="rev")
    assert not again.changed and _posted(db) == posted


def test_revenue_explain_prints_the_criterion(cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rs.company(db)
    amend_contract(db, "OF-B-1", _amendment(tmp_path, "30.00"), actor="analyst", as_of=AS_OF)
    result = cli("revenue", "explain", "OF-B-1", "--as-of", "2026-07-31")
    assert result.exit_code == 0, result.stderr
    assert "applied amendments: AM-B-1" in result.stdout
    assert "modification AM-B-1: prospective" in result.stdout
    assert "criterion: IFRS 15.20(b) fails: the added goods are priced 900.00" in result.stdout
    missing = cli("revenue", "explain", "OF-NOPE")
    assert missing.exit_code != 0
    assert "OF-NOPE" in missing.stderr and missing.stderr.count("\n") == 1
