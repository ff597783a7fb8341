"""Wording seen in real contracts and scans: numbers at a sentence's end, Japanese
addresses, OCR's slips. Expected values are written from the text by hand."""

from __future__ import annotations

from decimal import Decimal

from billops.adapters.documents.builder import DocumentBuilder
from billops.domain.document import Document
from billops.domain.extraction import extract_terms
from billops.domain.extraction.fields import sentences
from billops.domain.extraction.parties import read_address


def test_a_po_number_at_the_end_of_a_sentence_leaves_the_full_stop() -> None:
    text = (
        "ORDER FORM\nCustomer: Pennine Hotels Ltd\nSupplier: Thamesbyte Ltd\nCurrency: GBP\n"
        "Start Date: 1 May 2026\nAnnual Subscription Fee: GBP 12,000.00\n\n"
        "Each invoice is due 30 days from invoice date. Customer PO number: PO-55120. "
        "Invoices are submitted through the Coupa supplier portal.\n"
    )
    result = extract_terms(Document.from_text("pennine.txt", text))
    assert result.values["purchase_order.number"].value == "PO-55120"
    assert result.values["purchase_order.number"].provenance.quote == "PO-55120"


def test_a_labelled_po_number_followed_by_a_full_stop() -> None:
    text = (
        "ORDER FORM\nCustomer: Stadtwerke Nord\nSupplier: Rheinwerk GmbH\nStart Date: 1 May 2026\n"
        "Annual Subscription Fee: EUR 40.000,00\nPayment Terms: Net 30\nPO Number: 4500123456.\n"
    )
    result = extract_terms(Document.from_text("po.txt", text))
    assert result.values["purchase_order.number"].value == "4500123456"


def test_a_sku_and_a_unit_with_a_speck_after_them() -> None:
    text = (
        "ORDER FORM\nCustomer: Tanuki Cafe Holdings K.K.\nSupplier: Sakura Devices K.K.\n"
        "Currency: JPY\n\n"
        "Item\tSKU\tDescription\tQty\tUnit\tUnit Price\tAmount\n"
        "1\tSK-TAB.\tOrder tablet\t25\tdevice.\tJPY 48,000\tJPY 1,200,000\n"
    )
    result = extract_terms(Document.from_text("sakura.txt", text))
    assert result.values["lines[0].sku"].value == "SK-TAB"
    assert result.values["lines[0].sku"].provenance.quote == "SK-TAB"
    assert result.values["lines[0].unit"].value == "device"


def test_a_japanese_address_keeps_its_ward_and_its_postal_code() -> None:
    address = read_address("1-2-3 Marunouchi, Chiyoda-ku, 100-0005 Tokyo, Japan")
    assert address is not None and address.line1 and address.city and address.postal_code
    assert (address.line1[0], address.city[0], address.postal_code[0], address.country[0]) == (
        "1-2-3 Marunouchi, Chiyoda-ku",
        "Tokyo",
        "100-0005",
        "JP",
    )
    written_last = read_address("2-8-1 Sakae, Naka-ku, Nagoya 460-0008, Japan")
    assert written_last is not None and written_last.postal_code and written_last.line1
    assert (written_last.line1[0], written_last.postal_code[0]) == (
        "2-8-1 Sakae, Naka-ku",
        "460-0008",
    )


def test_a_us_address_whose_comma_ocr_read_as_a_semicolon() -> None:
    address = read_address("1550 Wynkoop Street, Denver; CO 80202, USA")
    assert address is not None and address.city and address.region and address.postal_code
    assert (address.city[0], address.region[0], address.postal_code[0]) == ("Denver", "CO", "80202")


def test_a_wrapped_label_cell_does_not_split_the_address_it_labels() -> None:
    # a PDF form row without ruling lines: the label cell "Customer address" wraps, its
    # second word landing on the address's second line
    text = (
        "STATEMENT OF WORK\nSOW No. KDS-SOW-2026-05\n\n"
        "Supplier Kestrel Data Services Inc.\n\n"
        "Customer Maple Ridge Credit Union\n\n"
        "Customer 1200 West Georgia Street, Vancouver, BC\naddress V6E 4R2, Canada\n\n"
        "Start Date May 1, 2026\n\nCurrency CAD\n\n"
        "Fees are invoiced monthly in arrears. Payment terms: Net 45.\n"
        "Professional services: CAD 185.00 per hour.\n"
    )
    result = extract_terms(Document.from_text("kestrel.txt", text))
    address = {
        part: result.values[f"customer.address.{part}"].value
        for part in ("line1", "city", "region", "postal_code", "country")
    }
    assert address == {
        "line1": "1200 West Georgia Street",
        "city": "Vancouver",
        "region": "BC",
        "postal_code": "V6E 4R2",
        "country": "CA",
    }


def test_a_table_of_items_and_descriptions_with_what_each_item_is() -> None:
    # a SOW billed by the hour: the fee table has no amounts, sentences say what each
    # line is, the expenses line's cap and mark-up in sentences wrapped by the PDF
    text = (
        "STATEMENT OF WORK\nSOW No. KDS-SOW-2026-05\n"
        "Supplier: Kestrel Data Services Inc.\nCustomer: Maple Ridge Credit Union\n"
        "Start Date: May 1, 2026\nCurrency: CAD\n\n"
        "| Item | Description |\n|---|---|\n| 1 | Data platform support services |\n"
        "| 2 | Travel and living expenses |\n\n"
        "Item 1 is time and materials.\n\n"
        "Item 2 is expenses. Expenses under it are\ncapped at CAD 8,000.00. A handling mark-up "
        "of\n10% applies.\n\n"
        "Role\tRate\tUnit\nData Engineer\tCAD 150.00\tper hour\n\n"
        "Payment terms: Net 45.\n"
    )
    result = extract_terms(Document.from_text("kestrel-sow.txt", text))
    terms = result.terms
    assert terms is not None, result.problems
    support, expenses = terms.lines
    assert (support.description, support.billing_model.value) == (
        "Data platform support services",
        "time_and_materials",
    )
    assert (expenses.description, expenses.billing_model.value) == (
        "Travel and living expenses",
        "expenses",
    )
    assert (expenses.expense_cap, expenses.markup_percent) == (Decimal("8000.00"), Decimal("10"))


NORTHWIND_PROSE = """\
Order Form: Route Planner

Order Form No. NW-2026-31
Customer: Redwood Outfitters Inc., 12 Pine Street, Portland, OR 97204, USA
Supplier: Northwind Software Inc., 500 Market Street, San Francisco, CA 94105, USA
Start Date: March 1, 2026
Currency: USD

| Item | SKU | Description | Qty | Unit Price | Billing | Amount |
|---|---|---|---|---|---|---|
| 1 | NW-PLAT | Platform subscription | 10 | $1,200.00 | annually | $12,000.00 |
| 2 | NW-SMS | SMS messages | | | monthly in arrears | |

Item 1 is a subscription. Invoice it to cost centre
CC-4410.

Item 2 is usage-based.

Fees are invoiced annually in advance, with invoices dated the 1st day of the month. Customer
requires a valid purchase order; invoices without one will be rejected. A separate invoice is
issued for each cost centre.

This agreement renews automatically for successive 12-month terms. Renewal prices may not
increase by more than
5%.
"""


def test_wrapped_sentences_billing_cells_and_a_missing_po() -> None:
    result = extract_terms(Document.from_text("redwood.md", NORTHWIND_PROSE))
    values = {path: value.value for path, value in result.values.items()}
    assert values["title"] == "Order Form: Route Planner"
    assert values["lines[0].cost_centre"] == "CC-4410"
    assert (values["lines[1].frequency"], values["lines[1].timing"]) == ("monthly", "arrears")
    assert values["billing.bill_cycle_day"] == 1
    assert values["invoicing_provisions.consolidation"] == "per_cost_centre"
    assert values["renewal.uplift_cap_percent"] == "5"
    assert "purchase_order.number" not in values
    [missing_po] = [f for f in result.findings if f.rule_id == "EXTRACT-PO-MISSING"]
    assert missing_po.severity.value == "error"
    assert missing_po.sources[0].quote is not None
    assert "Customer\nrequires a valid purchase order" in missing_po.sources[0].quote


def test_a_large_title_that_wraps_is_read_whole() -> None:
    builder = DocumentBuilder("kestrel.pdf", "0" * 64, "application/pdf")
    builder.start_page()
    builder.add_block(
        [("Statement of Work - Data", None), ("Platform Support", None)], kind="heading"
    )
    builder.add_block([("SOW No. KDS-SOW-2026-05", None)])
    builder.add_block([("Supplier: Kestrel Data Services Inc.", None)])
    builder.add_block([("Customer: Maple Ridge Credit Union", None)])
    builder.add_block([("Professional services are billed at CAD 185.00 per hour.", None)])
    result = extract_terms(builder.finish())
    assert result.values["title"].value == "Statement of Work - Data Platform Support"
    assert result.values["title"].provenance.quote == "Statement of Work - Data\nPlatform Support"


def test_a_master_agreement_with_its_order_schedule_is_an_msa() -> None:
    text = (
        "Orbital Metrics Ltd\n\nMaster Services Agreement and Order Schedule\n\n"
        "Agreement No. OM-MSA-2026-01\n\n"
        'This Agreement is made between Orbital Metrics Ltd ("Supplier") and Celtic Tide '
        'Energy DAC ("Customer"). The term is 36 months. Payment terms: Net 30.\n\n'
        "Item\tDescription\tAmount\n1\tOrbital Meter Analytics\tEUR 96,000.00\n\n"
        "Signatures\n\nSigned by the parties.\n"
    )
    result = extract_terms(Document.from_text("orbital.docx.txt", text))
    assert result.classification.kind.value == "msa"
    assert result.classification.reasons[0] == (
        "title mentions 'master services agreement' on page 1"
    )


def test_place_and_date_under_the_signatures_is_the_signature_date() -> None:
    text = (
        "ORDER FORM\nOrder Form No. ALP-2025-210\nSupplier: Alpenrose Software AG\n"
        "Customer: Bergbahn Engelberg AG\nCurrency: CHF\nAnnual Subscription Fee: CHF 37'000.00\n"
        "Payment Terms: Net 30\n\n"
        "SIGNATURES\n\nAlpenrose Software AG    Bergbahn Engelberg AG\n\n"
        "Zürich, 15. Dezember 2025\n"
    )
    result = extract_terms(Document.from_text("alpenrose.txt", text))
    assert result.values["signature_date"].value == "2025-12-15"
    assert result.values["signature_date"].provenance.quote == "15. Dezember 2025"


def test_scan_specks_after_a_party_name_and_a_split_qty_header() -> None:
    text = (
        "ORDER FORM\nSupplier: Kestrel Data Services Inc.\n"
        "Customer: Maple Ridge Credit Union. -\nCurrency: CAD\nPayment Terms: Net 30\n\n"
        "Item\tDescription\tQt’.\tUnit Price\tAmount\n"
        "1\tData quality assessment\t10\tCAD 3,600.00\tCAD 36,000.00\n"
    )
    result = extract_terms(Document.from_text("kestrel-scan.txt", text))
    assert result.values["customer.name"].value == "Maple Ridge Credit Union"
    assert result.values["supplier.name"].value == "Kestrel Data Services Inc."
    assert result.values["lines[0].quantity"].value == "10"
    assert result.findings == ()


def test_a_street_without_a_number_is_the_first_address_line() -> None:
    address = read_address("Shannon Dairy Co-operative, Dock Road, V94 E2X4 Limerick, Ireland")
    assert address is not None and address.line1 and address.city and address.postal_code
    assert (address.line1[0], address.city[0], address.postal_code[0], address.country[0]) == (
        "Dock Road",
        "Limerick",
        "V94 E2X4",
        "IE",
    )
    unnamed = read_address("Shannon Dairy Co-operative, V94 E2X4 Limerick, Ireland")
    assert unnamed is not None and unnamed.line1 is None  # a company is not a street


def test_a_dotted_company_suffix_keeps_its_last_full_stop() -> None:
    text = (
        "ORDER FORM\nSupplier: Sakura Devices K.K\nCustomer: Tanuki Cafe Holdings K.K.\n"
        "Currency: JPY\nPayment Terms: Net 30\nAnnual Subscription Fee: JPY 900,000\n"
    )
    result = extract_terms(Document.from_text("sakura.txt", text))
    assert result.values["supplier.name"].value == "Sakura Devices K.K."
    assert result.values["supplier.name"].provenance.quote == "Sakura Devices K.K"
    assert result.values["customer.name"].value == "Tanuki Cafe Holdings K.K."


def test_a_section_named_like_a_label_over_a_form_row() -> None:
    # a scan's form: the "Term" heading, then rows whose label and value are two spaces apart
    text = (
        "ORDER FORM\n\nSupplier  Thamesbyte Ltd\n\nCustomer  Lakeland Hotels Ltd\n\nTerm\n\n"
        "Start Date  1 May 2026\n\nEnd Date  30 April 2027\n\nTerm  12 months\n\n"
        "Currency  GBP\n\nPayment terms: Net 30. Fees: GBP 10,800.00 per year.\n"
    )
    result = extract_terms(Document.from_text("lakeland.txt", text))
    values = {path: value.value for path, value in result.values.items()}
    assert (values["start_date"], values["end_date"], values["term_months"]) == (
        "2026-05-01",
        "2027-04-30",
        12,
    )


def test_a_line_break_before_a_number_ends_a_sentence_only_before_a_list_number() -> None:
    text = "Prices may not increase by more than\n5%.\nThe phases are\n2\tDesign\n3) Build"
    assert [text[start:end].strip() for start, end in sentences(text)] == [
        "Prices may not increase by more than\n5%.",
        "The phases are",
        "2\tDesign",
        "3) Build",
    ]
