"""Layouts as the readers deliver them: tables, label/value pairs, prose.

Each test builds a small document in one reader's form and checks that the
extractor reads it; the rules are general, not tied to any one contract.
"""

from __future__ import annotations

from billops.adapters.documents import read_bytes
from billops.domain.document import Document
from billops.domain.extraction import Extraction, extract_terms
from billops.domain.extraction.lines import map_header


def _lines(result: Extraction) -> dict[str, object]:
    return {k: v.value for k, v in result.values.items() if k.startswith("lines[")}


def test_an_item_number_column_next_to_a_description_is_not_the_description() -> None:
    assert map_header(["Item", "SKU", "Description", "Qty", "Amount"]) == {
        0: "item",
        1: "sku",
        2: "description",
        3: "quantity",
        4: "amount",
    }
    assert map_header(["No.", "Description", "Amount"])[1] == "description"
    # alone, "Item" still names what is sold
    assert map_header(["Item", "Qty", "Price"])[0] == "description"


def test_a_header_word_split_by_the_pdf_reader_is_still_recognised() -> None:
    assert map_header(["Description", "Qt y", "Amount"])[1] == "quantity"


def test_an_html_table_with_an_item_column() -> None:
    html = b"""<html><body><h1>Order Form</h1><p>Supplier: Acme Ltd</p>
    <p>Customer: Globex GmbH</p>
    <table><tr><th>Item</th><th>Description</th><th>Qty</th><th>Unit Price</th>
    <th>Amount</th></tr>
    <tr><td>1</td><td>Analytics Platform subscription</td><td>10</td><td>USD 100.00</td>
    <td>USD 1,000.00</td></tr>
    <tr><td>2</td><td>Onboarding</td><td>1</td><td>USD 500.00</td><td>USD 500.00</td></tr>
    </table><p>Payment terms: Net 30.</p></body></html>"""
    lines = _lines(extract_terms(read_bytes(html, "of.html")))
    assert lines["lines[0].description"] == "Analytics Platform subscription"
    assert lines["lines[0].quantity"] == "10"
    assert lines["lines[0].amount"] == "1000.00"
    assert lines["lines[1].description"] == "Onboarding"
    assert lines["lines[1].unit_price"] == "500.00"


def test_a_space_aligned_table_with_a_rule_under_its_header() -> None:
    text = (
        "ORDER FORM\n\nSupplier: Acme Ltd\nCustomer: Globex GmbH\n\n"
        "Item  SKU     Description            Qty  Unit  Unit Price  Amount\n"
        "----  ------  ---------------------  ---  ----  ----------  ----------\n"
        "1     AC-ONE  Analytics Platform     10   user  USD 100.00  USD 1,000.00\n"
        "2     AC-TRN  Administrator training 2    day   USD 900.00  USD 1,800.00\n"
    )
    lines = _lines(extract_terms(Document.from_text("of.txt", text)))
    assert lines["lines[0].sku"] == "AC-ONE"
    assert lines["lines[0].description"] == "Analytics Platform"
    assert lines["lines[0].quantity"] == "10"
    assert lines["lines[1].amount"] == "1800.00"
    assert "lines[2].description" not in lines


def test_html_labels_and_values_in_separate_blocks() -> None:
    html = b"""<html><body><h1>Order Form</h1><h2>Parties</h2>
    <div>Supplier</div><div>Acme Software Ltd</div>
    <div>Supplier address</div><div>1 Main Street, Springfield, OR 97403, USA</div>
    <div>Customer</div><div>Globex Corporation</div>
    <h2>Term</h2><div>Start Date</div><div>March 1, 2026</div>
    <div>End Date</div><div>February 28, 2027</div>
    <p>Fees: 10 Enterprise seats at USD 80.00 per user per month.</p></body></html>"""
    result = extract_terms(read_bytes(html, "of.html"))
    values = {k: v.value for k, v in result.values.items()}
    assert values["supplier.name"] == "Acme Software Ltd"
    assert values["customer.name"] == "Globex Corporation"
    assert values["supplier.address.city"] == "Springfield"
    assert str(values["start_date"]) == "2026-03-01"
    assert str(values["end_date"]) == "2027-02-28"


def test_a_pdf_form_row_label_and_value_joined_by_one_space() -> None:
    # a PDF form's two columns come as one line per row, the gap a single space
    text = (
        "Order Form\n\nParties\n\nSupplier Acme Software, Inc.\n\n"
        "Supplier address 1 Main Street, Springfield, OR 97403, USA\n\n"
        "Customer Globex Corporation\n\nCustomer shall pay all invoices.\n\n"
        "Effective Date 03/01/2026\n\nEnd Date 02/28/2027\n\n"
        "Fees: 10 Enterprise seats at USD 80.00 per user per month."
    )
    result = extract_terms(Document.from_text("of.txt", text))
    values = {k: v.value for k, v in result.values.items()}
    assert values["supplier.name"] == "Acme Software, Inc."
    assert values["customer.name"] == "Globex Corporation"
    assert values["supplier.address.postal_code"] == "97403"
    assert str(values["end_date"]) == "2027-02-28"


def test_a_title_with_a_number_is_not_a_labelled_id() -> None:
    from billops.domain.extraction.layout import Layout

    layout = Layout.of(Document.from_text("a.txt", "AMENDMENT No. 2 TO ORDER FORM OF-1\n\nx"))
    assert layout.fields == []


def test_addresses_with_the_postal_code_before_the_city() -> None:
    from billops.domain.extraction.parties import read_address

    cases = {
        "14 High Street, EC3N 1AL London, United Kingdom": ("GB", "London", "EC3N 1AL"),
        "3 Dock Road, D02 X285 Dublin, Ireland": ("IE", "Dublin", "D02 X285"),
        "Storgatan 1, 111 43 Stockholm, Sweden": ("SE", "Stockholm", "111 43"),
        "Dam 1, 1015 AA Amsterdam, Netherlands": ("NL", "Amsterdam", "1015 AA"),
    }
    for text, (country, city, postal_code) in cases.items():
        address = read_address(text)
        assert address is not None, text
        assert address.line1 is not None and address.city is not None
        assert address.postal_code is not None
        assert (address.country[0], address.city[0], address.postal_code[0]) == (
            country,
            city,
            postal_code,
        )
        assert address.line1[0] == text.split(",")[0]


def test_a_tax_id_labelled_with_its_party_belongs_to_that_party() -> None:
    text = (
        "ORDER FORM\n\nThis Order Form is made between Acme Software Ltd, 3 Dock Road, "
        'D02 X285 Dublin, Ireland ("Supplier"), and Globex Ltd, 5 Quay Street, '
        'D04 Y123 Dublin, Ireland ("Customer").\n\nSupplier VAT No. IE6388047V.\n\n'
        "Fees: 10 Enterprise seats at EUR 80.00 per user per month."
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("of.txt", text)).values.items()
    }
    assert values["supplier.tax_ids[0].value"] == "IE6388047V"
    assert "customer.tax_ids[0].value" not in values
    assert values["customer.address.city"] == "Dublin"


def test_a_milestone_names_the_line_it_bills_and_may_be_a_share_of_it() -> None:
    text = (
        "STATEMENT OF WORK\n\nSupplier: Acme Consulting Ltd\nCustomer: Globex Ltd\n\n"
        "Item\tDescription\tAmount\n1\tData migration, fixed fee\tUSD 10,000.00\n\n"
        "No.\tMilestone\tTarget Date\tAmount\tInvoiced\n"
        "M1\tDesign accepted\t3 April 2026\tUSD 4,000.00 (Item 1)\ton acceptance\n"
        "M2\tGo-live accepted\t5 June 2026\t60% of Item 1\ton acceptance\n"
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("sow.txt", text)).values.items()
    }
    assert values["milestones[0].amount"] == "4000.00"
    assert values["milestones[0].line_id"] == "L1"
    assert values["milestones[1].percent"] == "60"
    assert values["milestones[1].line_id"] == "L1"


def test_effective_start_end_and_term_in_one_paragraph() -> None:
    text = (
        "ORDER FORM\n\nSupplier: Acme Software Ltd\nCustomer: Globex Ltd\n\n"
        "This document takes effect on 2026-04-01. Services start on 2026-04-01 and end on "
        "2027-03-31 (12\nmonths). All amounts are in EUR.\n\n"
        "Fees: 10 Enterprise seats at EUR 80.00 per user per month."
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("of.txt", text)).values.items()
    }
    assert str(values["effective_date"]) == "2026-04-01"
    assert str(values["start_date"]) == "2026-04-01"
    assert str(values["end_date"]) == "2027-03-31"
    assert values["term_months"] == 12


def test_a_short_value_block_under_a_heading_is_still_the_value() -> None:
    html = b"""<html><body><h1>Statement of Work</h1>
    <p>Supplier: Acme Consulting Ltd</p><p>Customer: Globex Ltd</p><h2>Term</h2>
    <div>Start Date</div><div>1 May 2026</div><div>End Date</div><div>31 October 2026</div>
    <p>The services are provided for a fixed fee of USD 20,000.00.</p></body></html>"""
    values = {k: v.value for k, v in extract_terms(read_bytes(html, "sow.html")).values.items()}
    assert str(values["start_date"]) == "2026-05-01"
    assert str(values["end_date"]) == "2026-10-31"


def test_a_sentence_about_a_numbered_line_states_its_model_and_links() -> None:
    text = (
        "ORDER FORM\n\nSupplier: Acme Software Ltd\nCustomer: Globex Ltd\n\n"
        "Item\tDescription\tQty\tUnit Price\tAmount\n"
        "1\tAnalytics Platform\t10\tUSD 100.00\tUSD 1,000.00\n"
        "2\tPlatform Care\t1\tUSD 150.00\tUSD 150.00\n"
        "3\tReporting module\t10\tUSD 0.00\tUSD 0.00\n\n"
        "Item 1 is a subscription.\n\n"
        "Item 2 is maintenance and support. It is priced at 15% of the fee for Item 1.\n\n"
        "Item 3 is a subscription. It is a component of the bundle in Item 1.\n"
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("of.txt", text)).values.items()
    }
    assert values["lines[1].billing_model"] == "maintenance"
    assert (values["lines[1].percent"], values["lines[1].percent_of_line"]) == ("15", "L1")
    assert values["lines[2].bundle_parent"] == "L1"
    assert values["lines[0].billing_model"] == "subscription"


def test_lines_written_as_numbered_item_sentences() -> None:
    # a PDF whose fee table has no ruling lines, or an order form without a table
    text = (
        "ORDER FORM\n\nSupplier: Acme Software Ltd\nCustomer: Globex Ltd\n\nFees\n\n"
        "Item 1: Route Planner (SKU RP-PRO), quantity 25 user(s), at 4 800,00 SEK per unit,\n"
        "amounting to 120 000,00 SEK.\n\n"
        "Item 2: Model hosting, billed annually, amounting to SEK 12,000.00.\n\n"
        "Item 2 is a subscription.\n"
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("of.txt", text)).values.items()
    }
    assert values["lines[0].description"] == "Route Planner"
    assert values["lines[0].sku"] == "RP-PRO"
    assert (values["lines[0].quantity"], values["lines[0].unit"]) == ("25", "user")
    assert values["lines[0].unit_price"] == "4800.00"
    assert values["lines[0].amount"] == "120000.00"
    assert values["lines[1].description"] == "Model hosting"
    assert values["lines[1].frequency"] == "annual"
    assert "lines[2].description" not in values


def test_ocr_form_rows_are_the_lines_of_one_paragraph() -> None:
    from billops.domain.document import Page, TextBlock

    rows = [
        "Order Form",
        "Supplier Sakura Devices K.K.",
        "Supplier address 1 Main Street, Springfield, OR 97403, USA",
        "Customer Globex Corporation",
        "Effective Date March 1, 2026",
        "Fees: 10 Enterprise seats at USD 80.00 per user per month.",
    ]
    text = "\n".join(rows)
    lines, offset = [], 0
    for row in rows:
        lines.append(TextBlock(1, offset, offset + len(row), "line"))
        offset += len(row) + 1
    base = Document.from_text("scan.png", text)
    document = Document(
        base.name,
        base.sha256,
        "image/png",
        text,
        (Page(1, 0, len(text)),),
        (TextBlock(1, 0, len(text)), *lines),
        ocr=True,
        ocr_confidence=0.9,
    )
    values = {k: v.value for k, v in extract_terms(document).values.items()}
    assert values["supplier.name"] == "Sakura Devices K.K."
    assert values["customer.name"] == "Globex Corporation"
    assert values["supplier.address.city"] == "Springfield"
    assert str(values["effective_date"]) == "2026-03-01"


def test_a_pdf_form_label_cell_that_wraps_onto_the_next_line() -> None:
    from billops.domain.extraction.layout import Layout

    text = (
        "Parties\n\nSupplier Keizersgracht 100, 1015 AA Amsterdam,\naddress Netherlands\n\n"
        "Customer Globex B.V."
    )
    layout = Layout.of(Document.from_text("of.txt", text))
    [address] = layout.find("supplier address")
    assert address.value.startswith("Keizersgracht 100")


def test_a_usage_line_statement_gives_included_units_and_minimum_commitment() -> None:
    text = (
        "ORDER FORM\n\nSupplier: Acme Software Ltd\nCustomer: Globex Ltd\n\n"
        "Item\tDescription\tQty\tUnit Price\tAmount\n"
        "1\tAPI calls\t1\tUSD 0.01\tUSD 0.01\n\n"
        "Item 1 is usage-based. It includes 5,000 units per period. A minimum commitment "
        "of USD 1,500.00 per period applies.\n"
    )
    values = {
        k: v.value for k, v in extract_terms(Document.from_text("of.txt", text)).values.items()
    }
    assert values["lines[0].billing_model"] == "usage"
    assert values["lines[0].included_units"] == "5000"
    assert values["lines[0].minimum_commitment"] == "1500.00"
