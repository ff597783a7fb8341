"""Signed contract documents for the demo: contract terms rendered to PDF and DOCX.

Intake needs something to read. This module writes the documents a
customer would send back signed: an order form as a PDF (reportlab), a
statement of work as a DOCX (python-docx), and a German order form as a
PDF, written the way such documents are written (a title, the parties, the
dates in words or in the local form, the commercial terms as sentences, the
lines and milestones as tables, a signature block). The terms they render
are fixed here (``DEMO_CONTRACTS``), so the demo can show what intake read
against what the document says.

    >>> [terms.contract_id for terms, _, _ in demo_contracts()]
    ['NW-OF-9001', 'NW-SOW-9002', 'NWDE-OF-9003']

The files are deterministic: the same terms give the same bytes (the PDF's
timestamps and id are fixed, the DOCX's zip entries carry one fixed date),
so intake of a re-rendered document recognises it by its sha256.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import docx
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.l10n import format_amount, format_unit_price
from billops.domain.money import Money

__all__ = [
    "DEMO_CONTRACTS",
    "Block",
    "contract_blocks",
    "demo_contracts",
    "render_docx",
    "render_pdf",
    "write_demo_documents",
]

FIXED_MOMENT: Final = (2026, 11, 30, 0, 0, 0)

_NORTHWIND_US: Final = {
    "name": "Northwind Cloud Inc.",
    "tax_ids": [{"scheme": "ein", "value": "94-7654321"}],
    "address": {
        "line1": "400 Harbor Boulevard",
        "city": "Seattle",
        "region": "WA",
        "postal_code": "98101",
        "country": "US",
    },
}

DEMO_CONTRACTS: Final[tuple[tuple[dict[str, Any], str, str], ...]] = (
    (
        {
            "contract_id": "NW-OF-9001",
            "document_type": "order_form",
            "title": "ORDER FORM",
            "supplier": _NORTHWIND_US,
            "customer": {
                "name": "Vandelay Industries, Inc.",
                "address": {
                    "line1": "12 Park Avenue",
                    "city": "New York",
                    "region": "NY",
                    "postal_code": "10016",
                    "country": "US",
                },
            },
            "billing_contact": {"name": "Accounts Payable", "email": "ap@vandelay.example"},
            "signature_date": "2026-12-15",
            "effective_date": "2027-01-01",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
            "term_months": 12,
            "currency": "USD",
            "purchase_order": {"number": "PO-77812", "required": True},
            "payment_terms": {"net_days": 30, "description": "Net 30 days from the invoice date."},
            "billing": {"frequency": "annual", "timing": "advance"},
            "invoicing_provisions": {"po_on_invoice": True},
            "renewal": {
                "auto_renew": True,
                "renewal_term_months": 12,
                "uplift_cap_percent": "5",
                "notice_days": 60,
            },
            "lines": [
                {
                    "line_id": "L1",
                    "sku": "NW-PLAT-PRO",
                    "description": "Northwind Platform, Professional edition",
                    "billing_model": "subscription",
                    "quantity": "150",
                    "unit": "user",
                    "unit_price": "720.00",
                    "amount": "108000.00",
                    "frequency": "annual",
                },
                {
                    "line_id": "L2",
                    "sku": "NW-ONBOARD",
                    "description": "Onboarding and administrator training",
                    "billing_model": "one_time",
                    "quantity": "1",
                    "unit": "package",
                    "unit_price": "12500.00",
                    "amount": "12500.00",
                    "frequency": "one_time",
                },
            ],
            "total_contract_value": "120500.00",
        },
        "pdf",
        "en_US",
    ),
    (
        {
            "contract_id": "NW-SOW-9002",
            "document_type": "sow",
            "title": "STATEMENT OF WORK",
            "supplier": _NORTHWIND_US,
            "customer": {
                "name": "Kramerica Corporation",
                "address": {
                    "line1": "129 West 81st Street",
                    "city": "New York",
                    "region": "NY",
                    "postal_code": "10024",
                    "country": "US",
                },
            },
            "signature_date": "2027-02-10",
            "start_date": "2027-03-01",
            "end_date": "2027-08-31",
            "currency": "USD",
            "payment_terms": {"net_days": 45, "description": "Net 45 days from the invoice date."},
            "lines": [
                {
                    "line_id": "L1",
                    "description": "Data migration, fixed fee by milestone",
                    "billing_model": "milestone",
                    "amount": "60000.00",
                },
                {
                    "line_id": "L2",
                    "description": "Integration consulting, time and materials",
                    "billing_model": "time_and_materials",
                    "amount": "40000.00",
                },
            ],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Migration plan accepted",
                    "amount": "15000.00",
                    "due_date": "2027-04-15",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Production cut-over",
                    "amount": "45000.00",
                    "due_date": "2027-07-31",
                    "line_id": "L1",
                },
            ],
            "rate_card": [
                {"role": "Solution Architect", "rate": "240.00", "unit": "hour"},
                {"role": "Integration Engineer", "rate": "185.00", "unit": "hour"},
            ],
            "not_to_exceed": "40000.00",
            "total_contract_value": "100000.00",
        },
        "docx",
        "en_US",
    ),
    (
        {
            "contract_id": "NWDE-OF-9003",
            "document_type": "order_form",
            "title": "ORDER FORM",
            "supplier": {
                "name": "Northwind Cloud GmbH",
                "tax_ids": [{"scheme": "vat", "value": "DE812345679"}],
                "address": {
                    "line1": "Speicherstraße 7",
                    "city": "Hamburg",
                    "postal_code": "20457",
                    "country": "DE",
                },
            },
            "customer": {
                "name": "Brandt Logistik AG",
                "tax_ids": [{"scheme": "vat", "value": "DE298765431"}],
                "address": {
                    "line1": "Hafenweg 3",
                    "city": "Bremen",
                    "postal_code": "28197",
                    "country": "DE",
                },
            },
            "signature_date": "2027-01-20",
            "start_date": "2027-02-01",
            "end_date": "2028-01-31",
            "term_months": 12,
            "currency": "EUR",
            "payment_terms": {"net_days": 14, "description": "Net 14 days from the invoice date."},
            "billing": {"frequency": "quarterly", "timing": "advance"},
            "lines": [
                {
                    "line_id": "L1",
                    "sku": "NW-EDGE-SUB",
                    "description": "Edge monitoring subscription, per site",
                    "billing_model": "subscription",
                    "quantity": "40",
                    "unit": "site",
                    "unit_price": "450.00",
                    "amount": "72000.00",
                    "frequency": "quarterly",
                },
            ],
            "total_contract_value": "72000.00",
        },
        "pdf",
        "de_DE",
    ),
)
"""(terms as data, file format, locale the document is written in)."""


def demo_contracts() -> list[tuple[ContractTerms, str, str]]:
    """The demo's signed documents as (terms, format, locale)."""
    return [
        (parse_contract(data, source=f"demo {data['contract_id']}"), kind, locale)
        for data, kind, locale in DEMO_CONTRACTS
    ]


# --------------------------------------------------------------------------
# What a document says, independent of its file format


@dataclass(frozen=True)
class Block:
    """One piece of a document: a title, a heading, a paragraph or a table (first row: header)."""

    kind: str  # title | heading | paragraph | table
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FREQUENCY_WORDS: Final = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semi_annual": "semi-annually",
    "annual": "annually",
    "one_time": "once",
}


def _date(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    if locale.startswith("de"):
        return value.strftime("%d.%m.%Y")
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _money(terms: ContractTerms, value: Decimal | None, locale: str) -> str:
    if value is None:
        return ""
    return f"{terms.currency} {format_amount(Money(value, terms.currency), locale)}"


def _price(terms: ContractTerms, value: Decimal | None, locale: str) -> str:
    if value is None:
        return ""
    return f"{terms.currency} {format_unit_price(Money(value, terms.currency), locale)}"


def _party(label: str, party: Any) -> str:
    text = f"{label}: {party.name}"
    address = party.address
    if address is not None:
        parts = [address.line1, address.city, address.region, address.postal_code, address.country]
        text += ", " + ", ".join(p for p in parts if p)
    for tax_id in party.tax_ids:
        text += f"; {tax_id.scheme.upper()} ID {tax_id.value}"
    return text


def contract_blocks(terms: ContractTerms, locale: str) -> list[Block]:
    """The text of a signed document stating ``terms``, in the order such documents use."""
    title = {"order_form": "ORDER FORM", "sow": "STATEMENT OF WORK"}.get(
        terms.document_type.value, terms.document_type.value.upper()
    )
    number = "Order Form No." if terms.document_type.value == "order_form" else "SOW No."
    blocks = [
        Block("title", title),
        Block("paragraph", f"{number} {terms.contract_id}"),
        Block("heading", "Parties"),
        Block("paragraph", _party("Supplier", terms.supplier)),
        Block("paragraph", _party("Customer", terms.customer)),
    ]
    if terms.billing_contact is not None:
        contact = terms.billing_contact
        who = " ".join(
            p for p in (contact.name, f"<{contact.email}>" if contact.email else "") if p
        )
        blocks.append(Block("paragraph", f"Billing contact: {who}"))
    blocks.append(Block("heading", "Term"))
    if terms.effective_date is not None:
        blocks.append(Block("paragraph", f"Effective Date: {_date(terms.effective_date, locale)}"))
    term = (
        f"The services start on {_date(terms.start_date, locale)} and end on "
        f"{_date(terms.end_date, locale)}"
    )
    if terms.term_months is not None:
        term += f" (a term of {terms.term_months} months)"
    blocks.append(Block("paragraph", term + "."))
    blocks.append(Block("heading", "Commercial terms"))
    blocks.append(Block("paragraph", f"Currency: {terms.currency}"))
    if terms.purchase_order is not None and terms.purchase_order.number:
        blocks.append(Block("paragraph", f"Purchase Order Number: {terms.purchase_order.number}"))
    if terms.payment_terms is not None:
        blocks.append(
            Block(
                "paragraph",
                f"Payment Terms: Net {terms.payment_terms.net_days} days from the invoice date.",
            )
        )
    if terms.billing is not None:
        blocks.append(
            Block(
                "paragraph",
                f"Billing: invoiced {_FREQUENCY_WORDS[terms.billing.frequency.value]} "
                f"in {terms.billing.timing.value}.",
            )
        )
    if terms.invoicing_provisions.po_on_invoice:
        blocks.append(
            Block("paragraph", "Every invoice must quote the Customer's purchase order number.")
        )
    blocks.append(Block("heading", "Fees"))
    rows = [("SKU", "Description", "Quantity", "Unit Price", "Amount")]
    for line in terms.lines:
        rows.append(
            (
                line.sku or "",
                line.description or "",
                "" if line.quantity is None else str(line.quantity),
                _price(terms, line.unit_price, locale),
                _money(terms, line.amount, locale),
            )
        )
    blocks.append(Block("table", rows=tuple(rows)))
    if terms.milestones:
        blocks.append(Block("heading", "Milestones"))
        milestone_rows = [("Milestone", "Deliverable", "Amount", "Due Date")]
        for milestone in terms.milestones:
            milestone_rows.append(
                (
                    milestone.milestone_id,
                    milestone.name,
                    _money(terms, milestone.amount, locale),
                    _date(milestone.due_date, locale),
                )
            )
        blocks.append(Block("table", rows=tuple(milestone_rows)))
        blocks.append(
            Block("paragraph", "Each milestone is invoiced on the Customer's written acceptance.")
        )
    if terms.rate_card:
        blocks.append(Block("heading", "Rates"))
        rate_rows = [("Role", "Rate")]
        for rate in terms.rate_card:
            rate_rows.append((rate.role, f"{_price(terms, rate.rate, locale)} per {rate.unit}"))
        blocks.append(Block("table", rows=tuple(rate_rows)))
    if terms.not_to_exceed is not None:
        blocks.append(
            Block(
                "paragraph",
                "Time and materials fees shall not exceed "
                f"{_money(terms, terms.not_to_exceed, locale)}.",
            )
        )
    if terms.total_contract_value is not None:
        blocks.append(
            Block(
                "paragraph",
                f"Total Contract Value: {_money(terms, terms.total_contract_value, locale)}",
            )
        )
    if terms.renewal is not None and terms.renewal.auto_renew:
        renewal = terms.renewal
        text = (
            f"This Order Form renews automatically for successive {renewal.renewal_term_months}-"
            f"month terms unless either party gives {renewal.notice_days} days' written notice"
        )
        if renewal.uplift_cap_percent is not None:
            text += f"; fees may increase at renewal by no more than {renewal.uplift_cap_percent}%"
        blocks.append(Block("paragraph", text + "."))
    blocks.append(Block("heading", "Signatures"))
    blocks.append(
        Block(
            "paragraph",
            f"Signed for {terms.supplier.name} and for {terms.customer.name} on "
            f"{_date(terms.signature_date, locale)}.",
        )
    )
    return blocks


# --------------------------------------------------------------------------
# File formats


def render_pdf(blocks: list[Block], path: Path) -> Path:
    """A text PDF (reportlab), with a fixed timestamp and id: same blocks, same bytes."""
    styles = getSampleStyleSheet()
    style_of = {"title": styles["Title"], "heading": styles["Heading2"]}
    story: list[Any] = []
    for block in blocks:
        if block.kind == "table":
            table = Table([list(row) for row in block.rows], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ]
                )
            )
            story.extend([table, Spacer(1, 8)])
        else:
            story.append(
                Paragraph(escape(block.text), style_of.get(block.kind, styles["BodyText"]))
            )
    document = SimpleDocTemplate(
        str(path), pagesize=A4, invariant=1, title="Contract", author="Northwind Cloud"
    )
    document.build(story)
    return path


def render_docx(blocks: list[Block], path: Path) -> Path:
    """A DOCX (python-docx) whose zip entries carry one fixed date: same blocks, same bytes."""
    document = docx.Document()
    moment = datetime(*FIXED_MOMENT, tzinfo=UTC)
    document.core_properties.created = moment
    document.core_properties.modified = moment
    document.core_properties.author = "Northwind Cloud"
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, block.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_dates(buffer.getvalue()))
    return path


def _fixed_dates(archive: bytes) -> bytes:
    """The zip again with every entry dated FIXED_MOMENT (zipfile stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_MOMENT)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def write_demo_documents(folder: Path) -> list[tuple[Path, ContractTerms]]:
    """Render every demo contract into ``folder``; returns (file, the terms it states)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, ContractTerms]] = []
    for terms, kind, locale in demo_contracts():
        blocks = contract_blocks(terms, locale)
        path = folder / f"{terms.contract_id.lower()}.{kind}"
        render = render_pdf if kind == "pdf" else render_docx
        written.append((render(blocks, path), terms))
    return written
