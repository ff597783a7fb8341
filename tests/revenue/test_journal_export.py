"""Journal exports: what the ERP imports, balanced in every file, read back as written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from billops.adapters.journal_exports import (
    JOURNAL_COLUMNS,
    UnbalancedExport,
    write_journal_csv,
    write_journal_xlsx,
)
from billops.adapters.storage.audit_store import verify
from billops.adapters.storage.database import Database
from billops.domain.money import Money
from billops.errors import NotFound
from billops.workflows.revenue import JournalLineRow, journals, revenue_run

from . import run_support as rs


def _company_with_two_months(db: Database) -> None:
    rs.company(db, rs.order_form(), rs.with_onboarding())
    for month in (1, 2):
        rs.bill(db, date(2026, month, 1))
        revenue_run(db, f"2026-0{month}", actor="rev")
    rs.go_live(db, "OF-B-2", date(2026, 2, 20))
    revenue_run(db, "2026-02", actor="rev")


def _sums(rows: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    return (
        sum((Decimal(str(r["debit"])) for r in rows), Decimal(0)),
        sum((Decimal(str(r["credit"])) for r in rows), Decimal(0)),
    )


def test_csv_and_xlsx_balance_and_read_back(db: Database, tmp_path: Path) -> None:
    _company_with_two_months(db)
    lines = journals(db, "2026-02")
    assert {line.entry_key for line in lines} == {
        "OF-B-1:2026-02:billing",
        "OF-B-1:2026-02:recognition",
        "OF-B-2:2026-02:billing",
        "OF-B-2:2026-02:recognition",
    }
    with (write_journal_csv(lines, tmp_path / "j.csv")).open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == list(JOURNAL_COLUMNS)
    # debits: receivable 2 x 535.50 + deferred 2 x 414.25 (seats) + 2,500.00 (onboarding)
    assert _sums(rows) == (Decimal("4399.50"), Decimal("4399.50"))
    by_entry: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_entry.setdefault(row["journal_id"], []).append(row)
    for entry in by_entry.values():
        debit, credit = _sums(entry)
        assert debit == credit
    onboarding = [r for r in rows if r["account"] in ("2460", "4310")]
    assert [(r["account"], r["debit"], r["credit"]) for r in onboarding] == [
        ("2460", "2500.00", "0.00"),
        ("4310", "0.00", "2500.00"),
    ]
    sheet = load_workbook(write_journal_xlsx(lines, tmp_path / "j.xlsx"), read_only=True)["journal"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == list(JOURNAL_COLUMNS)
    cells = [dict(zip(JOURNAL_COLUMNS, values, strict=True)) for values in table[1:]]
    assert len(cells) == len(rows)
    assert _sums(cells) == (Decimal("4399.50"), Decimal("4399.50"))
    assert isinstance(cells[0]["debit"], int | float | Decimal)  # numeric cells
    with db.transaction() as session:
        assert verify(session).ok


def test_an_unbalanced_export_is_refused_and_no_file_is_written(tmp_path: Path) -> None:
    def line(account: str, debit: str, credit: str) -> JournalLineRow:
        return JournalLineRow(
            "C-1:2026-01:billing", "NW-DE", "C-1", "2026-01", date(2026, 1, 31), "billing",
            "test", 1, account, Money(debit, "EUR"), Money(credit, "EUR"), "", None,
        )  # fmt: skip

    lines = [line("1200", "10.00", "0.00"), line("4010", "0.00", "9.99")]
    for write, name in ((write_journal_csv, "j.csv"), (write_journal_xlsx, "j.xlsx")):
        with pytest.raises(UnbalancedExport, match="debits 10.00 EUR differ from credits"):
            write(lines, tmp_path / name)
        assert not (tmp_path / name).exists()


def test_journals_of_a_month_not_run_are_refused(db: Database) -> None:
    rs.company(db)
    with pytest.raises(NotFound, match="revenue of 2026-01 has not been run"):
        journals(db, "2026-01")


def test_the_command_writes_both_formats(
    db: Database, cli: Callable[..., Any], tmp_path: Path
) -> None:
    _company_with_two_months(db)
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"journals.{fmt}"
        result = cli(
            "revenue", "journals", "--period", "2026-02", "--format", fmt, "--out", str(out)
        )
        assert result.exit_code == 0, result.stderr
        assert "4 journal entries, 14 lines; EUR debits 4399.50 = credits 4399.50" in result.stdout
        assert out.exists()
