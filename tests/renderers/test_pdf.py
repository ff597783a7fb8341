"""The printed invoice says what the customer needs, written for the entity's locale.

The PDF's text layer (read back with pdfplumber) must carry the number, the
dates, the purchase order and the totals exactly as a German, American or
Japanese reader writes them. Expected strings are written out by hand
(pdfplumber reads the locale's no-break spaces as plain spaces).
"""

from __future__ import annotations

import io
from dataclasses import replace

import pdfplumber
import pytest

from billops.adapters.renderers.pdf import render_html, render_pdf
from billops.domain.parties import Contact
from tests.renderers import samples


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


@pytest.fixture(scope="module")
def domestic_text() -> str:
    return _text(render_pdf(samples.domestic(), locale="de_DE"))


def test_a_german_invoice_prints_number_dates_po_and_totals(domestic_text: str) -> None:
    text = domestic_text
    assert "INVOICE" in text
    assert "Invoice no. NWDE-2026-000123" in text
    assert "Issue date 23.11.2026" in text
    assert "Due date 23.12.2026" in text
    assert "Purchase order PO-4711" in text
    assert "Net total 5.850,00 €" in text
    assert "VAT 19 % 5.850,00 € 1.111,50 €" in text  # the breakdown row
    assert "Total due 6.961,50 €" in text
    assert "Please pay 6.961,50 € by 23.12.2026" in text


def test_lines_show_period_quantity_price_discount_and_amount(domestic_text: str) -> None:
    text = domestic_text
    assert "1 Workspace Pro subscription, 100 seats 100 seat 45,00 10 % 19 % 4.050,00" in text
    assert "Service period 01.11.2026 – 30.11.2026 · Item WS-PRO" in text
    assert "2 Onboarding consultancy (approved time entries) 12 hour 150,00 19 % 1.800,00" in text


def test_seller_buyer_contact_and_remittance_are_printed(domestic_text: str) -> None:
    text = domestic_text
    for expected in (
        "Northwind Cloud GmbH",
        "VAT ID DE123456789",
        "Globex Deutschland AG",
        "VAT ID DE987654321",
        "Attn: Petra Schmidt",
        "ap@globex.example",
        "IBAN DE89 3704 0044 0532 0130 00",
        "BIC COBADEFFXXX",
        "Reference NWDE-2026-000123",
        "Payment terms 30 days net",
    ):
        assert expected in text


def test_the_same_invoice_in_american_english() -> None:
    text = _text(render_pdf(samples.domestic(), locale="en_US"))
    assert "Due date Dec 23, 2026" in text
    assert "Total due €6,961.50" in text
    assert "4,050.00" in text


def test_reverse_charge_prints_the_legal_wording_and_both_vat_ids() -> None:
    text = " ".join(_text(render_pdf(samples.reverse_charge(), locale="de_DE")).split())
    assert "Reverse charge 25.000,00 € 0,00 €" in text
    assert "The recipient is liable to account for the VAT (Article 196, Council Directive" in text
    assert "Supplier VAT ID DE123456789; Customer VAT ID BE0123456749." in text
    assert "Total due 25.000,00 €" in text


def test_multiple_rates_each_get_a_breakdown_row() -> None:
    text = _text(render_pdf(samples.multiple_rates(), locale="de_DE"))
    assert "VAT 19 % 999,99 € 190,00 €" in text
    assert "VAT 7 % 99,60 € 6,97 €" in text
    assert "Exempt 800,00 € 0,00 €" in text
    assert "Exempt: Training by a recognised institution." in text
    assert "Total due 2.096,56 €" in text


def test_a_credit_note_names_the_invoice_it_corrects_and_why() -> None:
    text = " ".join(_text(render_pdf(samples.credit_note(), locale="de_DE")).split())
    assert "CREDIT NOTE" in text
    assert "Credit note no. NWDE-2026-000130" in text
    assert "Corrects invoice NWDE-2026-000123" in text
    assert (
        "This credit note corrects invoice NWDE-2026-000123 of 23.11.2026. "
        "Reason: 10 seats cancelled from 1 November 2026." in text
    )
    assert "Total credited 481,95 €" in text
    assert "No payment is due on this credit note." in text


def test_yen_is_printed_without_decimals() -> None:
    text = _text(render_pdf(samples.yen(), locale="ja_JP"))
    assert "Due date 2026/12/23" in text
    assert "Total due ￥529,101" in text
    assert "Purchase order KJ-88" in text
    assert "1,001" in text


def test_text_from_the_customer_is_escaped_not_interpreted() -> None:
    invoice = samples.domestic()
    buyer = replace(invoice.buyer, contact=Contact(name="<script>Eve</script> & Co"))
    html = render_html(replace(invoice, buyer=buyer), locale="de_DE")
    assert "&lt;script&gt;Eve&lt;/script&gt; &amp; Co" in html
    assert "<script>" not in html


def test_a_long_invoice_flows_onto_more_pages_with_page_numbers() -> None:
    invoice = samples.domestic()
    line = invoice.lines[1]
    lines = tuple(replace(line, line_no=n) for n in range(1, 41))
    text = _text(render_pdf(replace(invoice, lines=lines), locale="de_DE"))
    assert "Invoice NWDE-2026-000123 · Page 1 of 3" in text
    assert "Invoice NWDE-2026-000123 · Page 3 of 3" in text
    assert "40 Onboarding consultancy" in text
    assert "Total due 85.680,00 €" in text  # 40 x 1,800.00 = 72,000.00 + 19 % 13,680.00


def test_a_us_sale_in_dollars_is_not_subject_to_vat() -> None:
    text = _text(render_pdf(samples.outside_scope(), locale="en_US"))
    assert "Invoice no. NWUS-2026-000042" in text
    assert "Due date Dec 23, 2026" in text
    assert "2 API calls 1,234,567 request 0.0012 not subject 1,481.48" in text
    assert "Not subject $4,481.48 $0.00" in text
    assert "Not subject to VAT." in text
    assert "Total due $4,481.48" in text
    assert "EIN 12-3456789" in text
    assert "San Francisco, CA 94105" in text
