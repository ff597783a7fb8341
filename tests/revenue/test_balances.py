"""The contract balances subledger: each booked contract's deferred and unbilled revenue.

OF-B-1 (10 seats, billed 450.00 on the first of each month, ratable by day)
and OF-B-2 (the same seats plus onboarding 2,500.00 billed on signature,
recognised at go-live, which has not happened): March 2026.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters.storage.database import Database
from billops.errors import NotFound
from billops.workflows.revenue import (
    BALANCE_COLUMNS,
    contract_balance_rows,
    revenue_run,
    rollforward,
)

from . import run_support as rs

D = Decimal


def _quarter(db: Database) -> None:
    rs.company(db, rs.order_form(), rs.with_onboarding())
    for month in (1, 2, 3):
        rs.bill(db, date(2026, month, 1))
        revenue_run(db, f"2026-0{month}", actor="rev")


def test_each_contracts_balances_add_up_to_the_rollforward(db: Database) -> None:
    _quarter(db)
    rows = {r.contract_id: r for r in contract_balance_rows(db, "2026-03")}
    assert sorted(rows) == ["OF-B-1", "OF-B-2"]
    seats = rows["OF-B-1"]
    # the arithmetic of test_reports.py: 27.12 + 450.00 - 458.63 = 18.49 deferred
    assert (seats.opening_deferred.amount, seats.billed.amount) == (D("27.12"), D("450.00"))
    assert (seats.recognised.amount, seats.closing_deferred.amount) == (D("458.63"), D("18.49"))
    # OF-B-2 carries the onboarding billed but not earned (waiting for go-live)
    assert rows["OF-B-2"].closing_deferred.amount == D("2518.49")
    assert all(r.reconciles for r in rows.values())
    [total] = rollforward(db, "2026-03").rows
    for name in BALANCE_COLUMNS:
        assert getattr(total, name) == getattr(rows["OF-B-1"], name) + getattr(
            rows["OF-B-2"], name
        ), name
    assert total.contracts == 2


def test_one_contract_and_an_unknown_one(db: Database) -> None:
    _quarter(db)
    (only,) = contract_balance_rows(db, "2026-03", contract="OF-B-2")
    assert only.contract_id == "OF-B-2" and only.customer == "globex"
    with pytest.raises(NotFound, match="OF-NOPE is not booked"):
        list(contract_balance_rows(db, "2026-03", contract="OF-NOPE"))


def test_revenue_balances_command_writes_every_contract(  # type: ignore[no-untyped-def]
    cli, db: Database, tmp_path: Path
) -> None:
    _quarter(db)
    out = tmp_path / "balances.csv"
    result = cli("revenue", "balances", "--period", "2026-03", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["contract_id"], r["closing_deferred"], r["reconciles"]) for r in rows] == [
        ("OF-B-1", "18.49", "yes"),
        ("OF-B-2", "2518.49", "yes"),
    ]
    assert not (tmp_path / "balances.csv.part").exists()
    shown = cli("revenue", "balances", "--period", "2026-03", "--limit", "1")
    assert "OF-B-1" in shown.stdout and "and 1 more contracts" in shown.stdout
    wrong = cli("revenue", "balances", "--period", "2026-03", "--out", str(tmp_path / "b.pdf"))
    assert wrong.exit_code == 2 and "--out" in wrong.stderr
    assert not (tmp_path / "b.pdf").exists()
