"""Cells of the CSV and XLSX files billops writes for an ERP: one spelling for all of them.

Shared by the invoice export (``exports.py``) and the journal and report
exports (``journal_exports.py``); kept apart from both so that the journal
exports do not import the invoice renderers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from billops.errors import InvalidInput

__all__ = ["EXCEL_DIGITS", "Cell", "cell_text", "check_excel_digits"]

Cell = str | int | Decimal | date | None

EXCEL_DIGITS: Final = 15
"""Significant digits an XLSX number holds (a binary double): more is refused, not rounded."""


def cell_text(value: Cell) -> str:
    """A cell as CSV text: decimals in plain notation ("-0" as "0"), dates ISO, None empty.

    >>> cell_text(Decimal("-0")), cell_text(Decimal("1E+3")), cell_text(date(2026, 1, 2))
    ('0', '1000', '2026-01-02')
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return "0" if text == "-0" else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def check_excel_digits(column: str, value: Decimal) -> None:
    """Refuse a number an XLSX cell cannot hold exactly (``InvalidInput`` naming the column)."""
    digits = value.normalize().as_tuple().digits
    if len(digits) > EXCEL_DIGITS:
        raise InvalidInput(
            f"{column} {value:f} has more than {EXCEL_DIGITS} significant digits, more than "
            "an XLSX number holds",
            field=column,
            value=f"{value:f}",
            hint="export as CSV, which keeps every digit",
        )
