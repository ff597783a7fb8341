"""Revenue journal entries as an ERP journal import: CSV and XLSX, one row per line.

A general ledger's journal import (NetSuite's journal entry import, SAP's
GL posting upload, ...) takes one row per journal line, grouped into
entries by an external id, each entry balanced. Columns:

``journal_id`` (the entry key, ``contract:YYYY-MM:kind``), ``posting_date``
(the month's last day), ``period`` (``YYYY-MM``), ``legal_entity``,
``currency``, ``line_no``, ``account``, ``debit``, ``credit`` (one of the
two is zero), ``contract_id``, ``obligation_id``, ``kind`` (billing,
recognition, unbilled), ``memo`` and ``description``.

**Balanced, always.** Before anything is written, every entry's debits
must equal its credits and so must each currency's totals over the file;
otherwise ``UnbalancedExport`` is raised and no file is left behind. A
file of EUR and USD entries balances per currency (adding the two would
mean nothing).

**Amounts** are exact decimals: plain text in CSV (``1019.18``); numeric
cells in XLSX holding the ``Decimal`` with the currency's minor units as
number format (XLSX keeps 15 significant digits; more is refused).

    write_journal_csv(lines, Path("journals-2026-11.csv"))
    write_journal_xlsx(lines, Path("journals-2026-11.xlsx"))

``write_report_csv`` / ``write_report_xlsx`` write any small report (the
waterfall, the rollforward) as a header row and rows, the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Final, Protocol

from billops.adapters.cells import Cell, cell_text, check_excel_digits
from billops.domain.money import Money, currency_minor_units, sum_money
from billops.errors import IntegrityProblem, InvalidInput

__all__ = [
    "FORMATS",
    "JOURNAL_COLUMNS",
    "JournalLine",
    "UnbalancedExport",
    "check_balanced",
    "journal_rows",
    "write_journal",
    "write_journal_csv",
    "write_journal_xlsx",
    "write_report_csv",
    "write_report_xlsx",
]

FORMATS: Final = ("csv", "xlsx")

JOURNAL_COLUMNS: Final = (
    "journal_id",
    "posting_date",
    "period",
    "legal_entity",
    "currency",
    "line_no",
    "account",
    "debit",
    "credit",
    "contract_id",
    "obligation_id",
    "kind",
    "memo",
    "description",
)
_AMOUNTS: Final = frozenset({"debit", "credit"})


class UnbalancedExport(IntegrityProblem):
    """A journal export whose debits and credits differ: nothing is written."""


class JournalLine(Protocol):
    """What a journal line offers the export (``workflows.revenue.JournalLineRow``)."""

    @property
    def entry_key(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def contract_id(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def posting_date(self) -> date: ...
    @property
    def kind(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def line_no(self) -> int: ...
    @property
    def account(self) -> str: ...
    @property
    def debit(self) -> Money: ...
    @property
    def credit(self) -> Money: ...
    @property
    def memo(self) -> str: ...
    @property
    def obligation_id(self) -> str | None: ...


def check_balanced(lines: Sequence[JournalLine]) -> dict[str, tuple[Money, Money]]:
    """Per currency (total debits, total credits); raises ``UnbalancedExport`` if any differ.

    Each entry must balance on its own, too.
    """
    entries: dict[str, list[JournalLine]] = {}
    for line in lines:
        entries.setdefault(line.entry_key, []).append(line)
    for key, members in entries.items():
        currency = members[0].debit.currency
        debits = sum_money((m.debit for m in members), currency)
        credits = sum_money((m.credit for m in members), currency)
        if debits != credits:
            raise UnbalancedExport(
                f"journal entry {key}: debits {debits} differ from credits {credits}",
                field="journal_id",
                value=key,
            )
    totals: dict[str, tuple[Money, Money]] = {}
    for line in lines:
        currency = line.debit.currency
        debit, credit = totals.get(currency, (Money.zero(currency), Money.zero(currency)))
        totals[currency] = (debit + line.debit, credit + line.credit)
    for currency, (debit, credit) in totals.items():
        if debit != credit:  # pragma: no cover - balanced entries make balanced totals
            raise UnbalancedExport(
                f"the {currency} lines' debits {debit} differ from their credits {credit}",
                field="currency",
                value=currency,
            )
    return totals


def journal_rows(lines: Iterable[JournalLine]) -> list[dict[str, Cell]]:
    """The rows of the export (see ``JOURNAL_COLUMNS``), checked balanced first."""
    kept = list(lines)
    check_balanced(kept)
    return [
        {
            "journal_id": line.entry_key,
            "posting_date": line.posting_date,
            "period": line.period,
            "legal_entity": line.entity,
            "currency": line.debit.currency,
            "line_no": line.line_no,
            "account": line.account,
            "debit": line.debit.amount,
            "credit": line.credit.amount,
            "contract_id": line.contract_id,
            "obligation_id": line.obligation_id,
            "kind": line.kind,
            "memo": line.memo,
            "description": line.description,
        }
        for line in kept
    ]


def write_report_csv(columns: Sequence[str], rows: Iterable[Sequence[Cell]], path: Path) -> Path:
    """A header row and the rows as UTF-8 CSV; decimals as plain text, dates ISO."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell_text(cell) for cell in row])
    return path


def write_report_xlsx(
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    path: Path,
    *,
    sheet: str = "report",
    minor_units: Sequence[int | None] | None = None,
) -> Path:
    """One XLSX sheet: decimals as numeric cells (``minor_units`` per row: their format)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only the export needs it
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    kept = [list(row) for row in rows]
    for row in kept:  # refuse before writing anything, so no half-written file is left
        for column, value in zip(columns, row, strict=True):
            if isinstance(value, Decimal):
                check_excel_digits(column, value)
    workbook = Workbook(write_only=True)
    grid = workbook.create_sheet(sheet)
    grid.append(list(columns))
    for number, row in enumerate(kept):
        minor = minor_units[number] if minor_units is not None else None
        cells: list[object] = []
        for value in row:
            if value is None:
                cells.append(None)
                continue
            cell = WriteOnlyCell(grid, value=value)
            if isinstance(value, Decimal):
                digits = 2 if minor is None else minor
                cell.number_format = "0" if digits == 0 else "0." + "0" * digits
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        grid.append(cells)
    workbook.save(path)
    return path


def write_journal_csv(lines: Iterable[JournalLine], path: Path) -> Path:
    """The journal lines as CSV (checked balanced before the file is opened)."""
    rows = journal_rows(lines)
    return write_report_csv(
        JOURNAL_COLUMNS, ([row[c] for c in JOURNAL_COLUMNS] for row in rows), path
    )


def write_journal_xlsx(lines: Iterable[JournalLine], path: Path) -> Path:
    """The journal lines as one XLSX sheet ``journal`` (checked balanced first)."""
    rows = journal_rows(lines)
    return write_report_xlsx(
        JOURNAL_COLUMNS,
        ([row[c] for c in JOURNAL_COLUMNS] for row in rows),
        path,
        sheet="journal",
        minor_units=[currency_minor_units(str(row["currency"])) for row in rows],
    )


def write_journal(lines: Iterable[JournalLine], path: Path, file_format: str) -> Path:
    """CSV or XLSX by ``file_format``; any other format is an ``InvalidInput``."""
    if file_format == "csv":
        return write_journal_csv(lines, path)
    if file_format == "xlsx":
        return write_journal_xlsx(lines, path)
    raise InvalidInput(
        "journals are exported as csv or xlsx",
        field="--format",
        value=file_format,
        hint="use --format csv or --format xlsx",
    )
