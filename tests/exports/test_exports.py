"""ERP export: one row per line of each issued document, exact amounts, tax that adds up.

Amounts are written out by hand from the sample invoices
(``tests/renderers/samples.py``).
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from billops.adapters.exports import COLUMNS, export_rows, line_taxes, write_csv, write_xlsx
from billops.domain.invoices import InvoiceLine, InvoiceStatus
from billops.domain.money import Money, sum_money
from billops.errors import InvalidInput
from tests.renderers import samples

D = Decimal
DOCUMENTS = (samples.domestic(), samples.multiple_rates(), samples.credit_note(), samples.yen())


def test_the_tax_of_a_group_is_split_over_its_lines_by_largest_remainder() -> None:
    # 19 %: one line of 999.99 -> 190.00; 7 %: 99.60 -> 6.97; exempt 800.00 -> 0.00
    assert [str(t) for t in line_taxes(samples.multiple_rates())] == [
        "190.00 EUR", "6.97 EUR", "0.00 EUR"
    ]  # fmt: skip
    # 19 % of 4050.00 + 1800.00 = 1111.50: exactly 769.50 and 342.00
    assert [str(t) for t in line_taxes(samples.domestic())] == ["769.50 EUR", "342.00 EUR"]


def test_three_equal_lines_share_the_rounded_tax_and_the_first_takes_the_cent() -> None:
    line = samples.multiple_rates().lines[1]  # 7 %
    three = tuple(
        InvoiceLine.priced(line_no=n, description="Handbook", quantity=D(1), unit="each",
                           unit_price=D("3.33"), currency="EUR", tax=line.tax)
        for n in (1, 2, 3)
    )  # fmt: skip
    invoice = dataclasses.replace(samples.multiple_rates(), lines=three)
    # 7 % of 9.99 = 0.6993 -> 0.70; 0.2331 each: 0.23 x 3 = 0.69, one cent left
    assert str(invoice.tax_total) == "0.70 EUR"
    assert [str(t) for t in line_taxes(invoice)] == ["0.24 EUR", "0.23 EUR", "0.23 EUR"]


@given(
    st.lists(
        st.decimals(min_value=D("-500"), max_value=D("5000"), places=2),
        min_size=1,
        max_size=8,
    ).filter(lambda amounts: sum(amounts) >= 0)
)
def test_line_taxes_always_add_up_to_the_invoices_tax(amounts: list[Decimal]) -> None:
    vat = samples.domestic().lines[0].tax
    lines = tuple(
        InvoiceLine.priced(line_no=n, description="x", quantity=D(1), unit="each",
                           unit_price=amount, currency="EUR", tax=vat)
        for n, amount in enumerate(amounts, start=1)
    )  # fmt: skip
    invoice = dataclasses.replace(samples.domestic(), lines=lines)
    taxes = line_taxes(invoice)
    assert sum_money(taxes, "EUR") == invoice.tax_total
    assert all(t.amount == t.amount.quantize(D("0.01")) for t in taxes)


def test_one_row_per_line_with_what_the_erp_needs() -> None:
    rows = list(export_rows(DOCUMENTS, gl_accounts={"WS-PRO": "4000"}))
    assert len(rows) == 2 + 3 + 1 + len(samples.yen().lines)
    first = rows[0]
    assert set(first) == set(COLUMNS)
    assert first == {
        "document_type": "invoice",
        "document_number": "NWDE-2026-000123",
        "issue_date": date(2026, 11, 23),
        "due_date": date(2026, 12, 23),
        "legal_entity": "NW-DE",
        "customer_code": "globex-de",
        "customer_name": "Globex Deutschland AG",
        "customer_vat_id": "DE987654321",
        "currency": "EUR",
        "purchase_order": "PO-4711",
        "contract_id": "C-2026-014",
        "line_no": 1,
        "sku": "WS-PRO",
        "description": "Workspace Pro subscription, 100 seats",
        "service_period_start": date(2026, 11, 1),
        "service_period_end": date(2026, 11, 30),
        "quantity": D(100),
        "unit": "seat",
        "unit_code": "C62",
        "unit_price": D("45.00"),
        "discount_percent": D(10),
        "net_amount": D("4050.00"),
        "tax_category": "S",
        "tax_rate": D(19),
        "tax_exemption_code": None,
        "tax_amount": D("769.50"),
        "gross_amount": D("4819.50"),
        "gl_revenue_account": "4000",
        "preceding_invoice": None,
        "preceding_invoice_date": None,
        "credit_reason": None,
    }
    credit = rows[5]
    assert (credit["document_type"], credit["document_number"]) == (
        "credit_note", "NWDE-2026-000130"
    )  # fmt: skip
    assert (credit["preceding_invoice"], credit["preceding_invoice_date"]) == (
        "NWDE-2026-000123", date(2026, 11, 23)
    )  # fmt: skip
    assert (credit["net_amount"], credit["tax_amount"], credit["gross_amount"]) == (
        D("405.00"), D("76.95"), D("481.95")
    )  # fmt: skip
    assert rows[2]["gl_revenue_account"] is None  # no SKU, no account


def test_a_draft_is_not_exported() -> None:
    draft = dataclasses.replace(samples.domestic(), number=None, status=InvoiceStatus.DRAFT)
    with pytest.raises(InvalidInput, match="only issued"):
        list(export_rows([draft]))


def test_csv_writes_amounts_as_exact_decimal_text(tmp_path: Path) -> None:
    path = write_csv(DOCUMENTS, tmp_path / "export.csv", gl_accounts={"WS-PRO": "4000"})
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["net_amount"], r["tax_amount"], r["gross_amount"]) for r in rows[2:5]] == [
        ("999.99", "190.00", "1189.99"),
        ("99.60", "6.97", "106.57"),
        ("800.00", "0.00", "800.00"),
    ]
    assert (rows[0]["issue_date"], rows[0]["quantity"], rows[0]["unit_price"]) == (
        "2026-11-23", "100", "45.00"
    )  # fmt: skip
    yen = rows[-1]
    assert yen["currency"] == "JPY" and "." not in yen["net_amount"]
    assert rows[2]["preceding_invoice"] == "" and rows[2]["sku"] == ""


def test_xlsx_numbers_are_numeric_cells_that_read_back_to_the_same_digits(tmp_path: Path) -> None:
    path = write_xlsx(DOCUMENTS, tmp_path / "export.xlsx", gl_accounts={"WS-PRO": "4000"})
    sheet = load_workbook(path).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header, cells = table[0], table[1:]
    assert header == COLUMNS
    expected = list(export_rows(DOCUMENTS, gl_accounts={"WS-PRO": "4000"}))
    assert len(cells) == len(expected)
    for got, want in zip(cells, expected, strict=True):
        for column, value in zip(COLUMNS, got, strict=True):
            original = want[column]
            if isinstance(original, Decimal):
                assert isinstance(value, int | float), column
                assert D(str(value)) == original, (column, value, original)
            elif isinstance(original, date):
                assert value is not None and value.date() == original  # type: ignore[union-attr]
            else:
                assert value == original, column
    formats = {c.column_letter: c.number_format for c in sheet[2]}
    net = COLUMNS.index("net_amount")
    assert list(formats.values())[net] == "0.00"
    assert sheet.cell(row=len(table), column=net + 1).number_format == "0"  # JPY


def test_xlsx_refuses_a_value_it_cannot_hold_exactly(tmp_path: Path) -> None:
    line = samples.domestic().lines[1]
    huge = dataclasses.replace(line, unit_price=D("150.0000000000000001"))
    invoice = dataclasses.replace(samples.domestic(), lines=(huge,))
    with pytest.raises(InvalidInput, match="significant digits"):
        write_xlsx([invoice], tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_csv_keeps_every_digit(tmp_path: Path) -> None:
    line = samples.domestic().lines[1]
    precise = dataclasses.replace(line, unit_price=D("150.0000000000000001"))
    invoice = dataclasses.replace(samples.domestic(), lines=(precise,))
    path = write_csv([invoice], tmp_path / "x.csv")
    (row,) = csv.DictReader(path.open(encoding="utf-8"))
    assert row["unit_price"] == "150.0000000000000001"
    assert Money(row["net_amount"], "EUR") == line.net_amount
