"""Issued invoices and credit notes as an ERP import: CSV and XLSX, one row per line.

The ERP (general ledger, receivables) books what billops issued. Each row
is one invoice or credit-note line with everything an import needs on its
own: the document (type, number, dates, legal entity, currency, PO,
preceding invoice for a credit note), the customer (code, name, VAT id),
the line (contract, SKU, description, service period, quantity, unit,
price, discount, net amount), its tax and its revenue account.

**Tax per line.** An invoice's tax is computed per tax category and rate
on the sum of the lines (EN 16931, BR-CO-17), not per line. An ERP wants
it per line, so each group's tax is split over its lines in proportion to
their net amounts by the largest-remainder method: every line gets its
share rounded down to the minor unit, and the cents left over go to the
lines with the largest remainders (the first line wins a tie). The lines'
tax then adds up to the document's tax exactly, and ``gross`` (net + tax)
to its total.

**Amounts** are exact decimals: text in CSV (``4050.00``, never
``4.05e3``); numeric cells in XLSX holding the ``Decimal`` itself, with a
number format that shows the currency's minor units. Excel keeps 15
significant digits; a value that needs more is refused rather than
silently rounded. Credit notes carry positive amounts, as the document
does; ``document_type`` says they are credited.

    rows = export_rows(documents, gl_accounts={"WS-PRO": "4000"})
    write_csv(documents, Path("invoices-2026-11.csv"))
    write_xlsx(documents, Path("invoices-2026-11.xlsx"))

Only issued documents are exported: a draft raises ``InvalidInput``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Final

from billops.adapters.cells import Cell, cell_text, check_excel_digits
from billops.adapters.renderers.einvoice import unit_code
from billops.domain.invoices import DocumentKind, Invoice, InvoiceLine, InvoiceStatus
from billops.domain.money import Money, currency_minor_units
from billops.errors import InvalidInput

__all__ = [
    "COLUMNS",
    "ExportRow",
    "export_rows",
    "line_taxes",
    "write_csv",
    "write_xlsx",
]

ExportRow = dict[str, Cell]

COLUMNS: Final = (
    "document_type",  # invoice | credit_note
    "document_number",
    "issue_date",
    "due_date",
    "legal_entity",
    "customer_code",
    "customer_name",
    "customer_vat_id",
    "currency",
    "purchase_order",
    "contract_id",
    "line_no",
    "sku",
    "description",
    "service_period_start",
    "service_period_end",
    "quantity",
    "unit",  # as written on the invoice ("seat", "api_call")
    "unit_code",  # UN/ECE Recommendation 20, as in the e-invoice
    "unit_price",
    "discount_percent",
    "net_amount",
    "tax_category",  # UNCL5305: S, Z, E, AE, K, G, O
    "tax_rate",
    "tax_exemption_code",
    "tax_amount",
    "gross_amount",
    "gl_revenue_account",
    "preceding_invoice",
    "preceding_invoice_date",
    "credit_reason",
)
_AMOUNTS: Final = frozenset({"net_amount", "tax_amount", "gross_amount"})
_DECIMALS: Final = frozenset({"quantity", "unit_price", "discount_percent", "tax_rate"})
_DATES: Final = frozenset(
    {"issue_date", "due_date", "service_period_start", "service_period_end",
     "preceding_invoice_date"}
)  # fmt: skip


def line_taxes(invoice: Invoice) -> list[Money]:
    """Each line's share of its tax group's tax, by largest remainder; sums to the tax total.

    Three lines of 10.00 at 19 %: the group's tax is 5.70, 1.90 each. Three of
    3.33 make 9.99, taxed 1.90 (1.8981 rounded): 0.63 + 0.63 + 0.63 = 1.89
    rounded down, and the cent left goes to the first line: 0.64, 0.63, 0.63.
    """
    currency = invoice.currency
    unit = Decimal(1).scaleb(-currency_minor_units(currency))
    shares: dict[int, Decimal] = {}
    for group in invoice.taxes:
        members = [
            (index, line)
            for index, line in enumerate(invoice.lines)
            if (line.tax.category, line.tax.rate) == (group.category, group.rate)
        ]
        shares.update(_split(group.tax.amount, group.taxable.amount, members, unit))
    return [Money(shares[index], currency) for index in range(len(invoice.lines))]


def _split(
    tax: Decimal, taxable: Decimal, members: list[tuple[int, InvoiceLine]], unit: Decimal
) -> dict[int, Decimal]:
    if taxable == 0 or tax == 0:
        # Lines that cancel out carry no tax between them; the group's tax is then 0.
        return {index: Decimal(0).quantize(unit) for index, _ in members}
    exact = {index: tax * line.net_amount.amount / taxable for index, line in members}
    floors = {index: value.quantize(unit, rounding=ROUND_FLOOR) for index, value in exact.items()}
    left = int((tax - sum(floors.values(), Decimal(0))) / unit)
    order = sorted(exact, key=lambda index: (-(exact[index] - floors[index]), index))
    for index in order[:left]:
        floors[index] += unit
    return floors


def export_rows(
    documents: Iterable[Invoice], *, gl_accounts: Mapping[str, str] | None = None
) -> Iterator[ExportRow]:
    """One row per line of each issued document, in the order given; see ``COLUMNS``.

    ``gl_accounts`` maps a SKU to its revenue account (the catalogue's
    ``gl_revenue``); a line without a known SKU leaves the column empty.
    """
    accounts = gl_accounts or {}
    for invoice in documents:
        _require_issued(invoice)
        taxes = line_taxes(invoice)
        vat = invoice.buyer.tax_id.value.replace(" ", "") if invoice.buyer.tax_id else None
        for line, tax in zip(invoice.lines, taxes, strict=True):
            contract_id = line.source.contract_id if line.source else None
            if contract_id is None and len(invoice.contract_ids) == 1:
                contract_id = invoice.contract_ids[0]
            period = line.service_period
            yield {
                "document_type": invoice.kind.value,
                "document_number": invoice.number,
                "issue_date": invoice.issue_date,
                "due_date": invoice.due_date,
                "legal_entity": invoice.entity_code,
                "customer_code": invoice.customer_code,
                "customer_name": invoice.buyer.name,
                "customer_vat_id": vat,
                "currency": invoice.currency,
                "purchase_order": invoice.purchase_order,
                "contract_id": contract_id,
                "line_no": line.line_no,
                "sku": line.sku,
                "description": line.description,
                "service_period_start": period.start if period else None,
                "service_period_end": period.end if period else None,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_code": unit_code(line.unit),
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "net_amount": line.net_amount.amount,
                "tax_category": line.tax.category.value,
                "tax_rate": line.tax.rate,
                "tax_exemption_code": line.tax.exemption_code,
                "tax_amount": tax.amount,
                "gross_amount": line.net_amount.amount + tax.amount,
                "gl_revenue_account": accounts.get(line.sku) if line.sku else None,
                "preceding_invoice": invoice.preceding.number if invoice.preceding else None,
                "preceding_invoice_date": invoice.preceding.issue_date
                if invoice.preceding
                else None,
                "credit_reason": invoice.reason
                if invoice.kind is DocumentKind.CREDIT_NOTE
                else None,
            }


def _require_issued(invoice: Invoice) -> None:
    if invoice.status is not InvoiceStatus.ISSUED or invoice.number is None:
        raise InvalidInput(
            "only issued invoices and credit notes are exported to the ERP",
            field="status",
            value=invoice.status.value,
            hint="issue the draft first, or leave it out of the export",
        )


def write_csv(
    documents: Iterable[Invoice], path: Path, *, gl_accounts: Mapping[str, str] | None = None
) -> Path:
    """The rows as UTF-8 CSV with a header row; amounts as plain decimal text."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in export_rows(documents, gl_accounts=gl_accounts):
            writer.writerow([cell_text(row[column]) for column in COLUMNS])
    return path


def write_xlsx(
    documents: Iterable[Invoice], path: Path, *, gl_accounts: Mapping[str, str] | None = None
) -> Path:
    """The rows as one XLSX sheet: numbers as numeric cells, dates as date cells."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only the export needs it

    rows = list(export_rows(documents, gl_accounts=gl_accounts))
    for row in rows:  # refuse before writing anything, so no half-written file is left
        for column in COLUMNS:
            value = row[column]
            if isinstance(value, Decimal):
                check_excel_digits(column, value)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("lines")
    sheet.append(list(COLUMNS))
    for row in rows:
        minor = currency_minor_units(str(row["currency"]))
        sheet.append([_xlsx_cell(sheet, column, row[column], minor) for column in COLUMNS])
    workbook.save(path)
    return path


def _xlsx_cell(sheet: object, column: str, value: Cell, minor: int) -> object:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    if value is None:
        return None
    cell = WriteOnlyCell(sheet)
    if isinstance(value, Decimal):
        cell.value = value
        if column in _AMOUNTS:
            cell.number_format = "0" if minor == 0 else "0." + "0" * minor
        else:
            cell.number_format = "0.##########" if value != value.to_integral_value() else "0"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value
    return cell
