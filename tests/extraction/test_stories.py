"""Stories: whole documents in, extracted terms out, every value quoting its source.

Each story is a document a billing team receives. Expected values are
written from the document by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.contract import BillingModel, DocumentType
from billops.domain.document import Box, Document, Table, TableCell
from billops.domain.extraction import DocumentKind, Extraction, extract_terms


def _check_sources(document: Document, result: Extraction) -> None:
    """Every value's quote is exactly the text at its span, on the right page, by rules/1."""
    assert result.values, "nothing extracted"
    for path, value in result.values.items():
        source = value.provenance
        assert source.span is not None, path
        start, end = source.span
        assert source.quote == document.text[start:end], path
        assert source.page == document.page_of(start), path
        assert source.document.name == document.name
        assert source.document.sha256 == document.sha256
        assert value.extractor == "rules/1" and source.extractor == "rules/1"
        assert Decimal(0) <= value.confidence <= Decimal(1)
        assert value.confidence == source.confidence
    if result.terms is not None:
        assert set(result.terms.provenance) <= set(result.values)


def _value(result: Extraction, path: str) -> object:
    return result.values[path].value


# ---------------------------------------------------------------- order form

ORDER_FORM = """\
ORDER FORM

Order Form No.: OF-2026-0042
Date: February 20, 2026

This Order Form is entered into between Acme Cloud, Inc., 500 Market Street, San Francisco, \
CA 94105, USA ("Supplier") and Globex Corporation, 100 Main Street, Springfield, OR 97403, USA \
("Customer") and is governed by the Master Subscription Agreement dated January 5, 2024.

CUSTOMER INFORMATION
Billing Contact: Jane Doe
Billing Email: ap@globex.com
Phone: +1 (541) 555-0100
EIN: 12-3456789
PO Number: 4500012345

Subscription Term: March 1, 2026 - February 28, 2027 (twelve (12) months)
Currency: USD
Payment Terms: Net 30
Billing Frequency: Annually in advance

| SKU | Description | Qty | Unit Price | Discount | Amount |
|---|---|---|---|---|---|
| PLAT-ENT | Platform Enterprise, per user per month | 100 | $80.00 | 10% | $86,400.00 |
| ONB-01 | Onboarding (one-time) | 1 | $5,000.00 | | $5,000.00 |
| Total | | | | | $91,400.00 |

Invoices must reference the PO number and will be submitted via Coupa.
This Order Form will automatically renew for successive twelve (12) month periods unless either \
party gives at least sixty (60) days' written notice of non-renewal. Renewal pricing shall not \
increase by more than 5% over the prior term.

Signature
Acme Cloud, Inc.            Globex Corporation
By: ____________            By: ____________
Name: John Smith            Name: Mary Major
Date: 02/25/2026            Date: 02/27/2026
"""


def test_order_form_with_a_line_table() -> None:
    document = Document.from_text("globex-of.md", ORDER_FORM, "text/markdown")
    result = extract_terms(document)
    _check_sources(document, result)
    assert result.classification.kind is DocumentKind.ORDER_FORM
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.contract_id == "OF-2026-0042"
    assert terms.document_type is DocumentType.ORDER_FORM
    assert terms.title == "ORDER FORM"
    assert terms.msa_reference == "Master Subscription Agreement dated January 5, 2024"
    assert terms.supplier.name == "Acme Cloud, Inc."
    assert terms.customer.name == "Globex Corporation"
    assert terms.customer.address is not None
    assert (terms.customer.address.line1, terms.customer.address.city) == (
        "100 Main Street",
        "Springfield",
    )
    assert (terms.customer.address.region, terms.customer.address.postal_code) == ("OR", "97403")
    assert terms.customer.address.country == "US"
    assert [(t.scheme, t.value) for t in terms.customer.tax_ids] == [("ein", "12-3456789")]
    assert terms.billing_contact is not None
    assert terms.billing_contact.name == "Jane Doe"
    assert terms.billing_contact.email == "ap@globex.com"
    assert terms.billing_contact.phone == "+1 (541) 555-0100"
    assert (terms.start_date, terms.end_date) == (date(2026, 3, 1), date(2027, 2, 28))
    assert terms.term_months == 12
    assert terms.signature_date == date(2026, 2, 27)  # the last signature
    assert terms.currency == "USD"
    assert terms.purchase_order is not None and terms.purchase_order.number == "4500012345"
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 30
    assert terms.billing is not None
    assert (terms.billing.frequency.value, terms.billing.timing.value) == ("annual", "advance")
    provisions = terms.invoicing_provisions
    assert provisions.po_on_invoice is True
    assert (provisions.delivery_channel.value, provisions.portal) == ("portal", "Coupa")
    assert terms.renewal is not None
    assert terms.renewal.auto_renew is True
    assert terms.renewal.renewal_term_months == 12
    assert terms.renewal.notice_days == 60
    assert terms.renewal.uplift_cap_percent == Decimal("5")
    assert terms.total_contract_value == Decimal("91400.00")
    first, second = terms.lines
    assert (first.sku, first.quantity, first.unit_price) == (
        "PLAT-ENT",
        Decimal("100"),
        Decimal("80.00"),
    )
    assert (first.discount_percent, first.amount) == (Decimal("10"), Decimal("86400.00"))
    assert first.billing_model is BillingModel.SUBSCRIPTION
    assert first.unit == "user"
    assert (second.sku, second.billing_model) == ("ONB-01", BillingModel.ONE_TIME)
    # 100 x 80.00 less 10 % x 12 months = 86,400.00 and the lines add up: no findings
    assert result.findings == ()
    assert result.missing == ("supplier.tax_ids", "effective_date")
    assert result.values["currency"].provenance.quote == "USD"
    assert result.values["lines[0].unit_price"].provenance.quote == "80.00"
    assert result.values["term_months"].provenance.quote == "twelve (12) months"
    assert any("month first" in note for note in result.notes)


def test_same_order_form_with_wrong_line_amount_and_total() -> None:
    text = ORDER_FORM.replace("| 10% | $86,400.00 |", "| 10% | $84,600.00 |")
    document = Document.from_text("globex-of-typo.md", text)
    result = extract_terms(document)
    rules = sorted(f.rule_id for f in result.findings)
    assert rules == ["EXTRACT-ARITH-LINE", "EXTRACT-ARITH-TOTAL"]
    line = next(f for f in result.findings if f.rule_id == "EXTRACT-ARITH-LINE")
    assert line.fields == (
        "lines[0].quantity",
        "lines[0].unit_price",
        "lines[0].discount_percent",
        "lines[0].amount",
    )
    assert [s.quote for s in line.sources] == ["100", "80.00", "10%", "84,600.00"]
    assert line.values["amount"] == "84600.00"
    total = next(f for f in result.findings if f.rule_id == "EXTRACT-ARITH-TOTAL")
    assert total.values == {"lines_sum": "89600.00", "stated_total": "91400.00"}
    assert total.sources[0].quote == "91,400.00"
    assert {s.quote for s in total.sources[1:]} == {"84,600.00", "5,000.00"}
    assert result.terms is not None  # a contract with wrong figures is still a contract


# ---------------------------------------------------------------- SOW

SOW = """\
STATEMENT OF WORK No. SOW-17

This Statement of Work ("SOW") is made under the Master Services Agreement dated 1 June 2025 \
between Northwind Consulting Ltd, 10 Fleet Street, London EC4Y 1AA, United Kingdom, \
VAT GB123456789 ("Provider") and Contoso Retail plc, 2 Harbour Road, Manchester M1 2AB, \
United Kingdom ("Client").

Effective Date: 15/03/2026
Project Start: 01/04/2026
Project End: 30/09/2026

1. Fees
The Services are provided for a fixed fee of GBP 120,000.00, invoiced on the milestones below.

2. Milestones
| Milestone | Description | Amount | Due Date | Acceptance |
|---|---|---|---|---|
| M1 | Discovery complete | GBP 24,000.00 | 30/04/2026 | Written acceptance |
| M2 | Build complete | GBP 60,000.00 | 31/07/2026 | Written acceptance |
| M3 | Go-live | GBP 30,000.00 | 30/09/2026 | Written acceptance |

3. Change Requests - Rate Card
Additional work is charged at the following rates:
| Role | Daily Rate |
|---|---|
| Project Manager | GBP 1,100.00 |
| Senior Consultant | GBP 950.00 |

Time and materials work under change requests shall not exceed GBP 40,000.00 without a written \
change order.

4. Expenses
Reasonable travel expenses are billable at cost, capped at GBP 8,000.00, and must be supported by \
receipts.

Payment is due within thirty (30) days of the date of invoice.

Signed for and on behalf of the parties.
"""


def test_sow_with_milestones_rate_card_cap_and_expenses() -> None:
    document = Document.from_text("contoso-sow.md", SOW)
    result = extract_terms(document)
    _check_sources(document, result)
    assert result.classification.kind is DocumentKind.SOW
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.contract_id == "SOW-17"
    assert terms.document_type is DocumentType.SOW
    assert terms.supplier.name == "Northwind Consulting Ltd"
    assert terms.customer.name == "Contoso Retail plc"
    assert [(t.scheme, t.value) for t in terms.supplier.tax_ids] == [("vat", "GB123456789")]
    assert terms.supplier.address is not None and terms.supplier.address.postal_code == "EC4Y 1AA"
    assert terms.customer.address is not None and terms.customer.address.city == "Manchester"
    # 15/03/2026 proves the document writes day first
    assert terms.effective_date == date(2026, 3, 15)
    assert (terms.start_date, terms.end_date) == (date(2026, 4, 1), date(2026, 9, 30))
    assert terms.currency == "GBP"
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 30
    [fee] = terms.lines
    assert (fee.billing_model, fee.amount) == (BillingModel.MILESTONE, Decimal("120000.00"))
    assert [
        (m.milestone_id, m.name, m.amount, m.due_date, m.acceptance_required)
        for m in terms.milestones
    ] == [
        ("M1", "Discovery complete", Decimal("24000.00"), date(2026, 4, 30), True),
        ("M2", "Build complete", Decimal("60000.00"), date(2026, 7, 31), True),
        ("M3", "Go-live", Decimal("30000.00"), date(2026, 9, 30), True),
    ]
    assert [(r.role, r.rate, r.unit.value) for r in terms.rate_card] == [
        ("Project Manager", Decimal("1100.00"), "day"),
        ("Senior Consultant", Decimal("950.00"), "day"),
    ]
    assert terms.not_to_exceed == Decimal("40000.00")
    policy = terms.expenses_policy
    assert policy is not None
    # "at cost": the terms model reads no mark-up so, and a note says what was read
    assert (policy.billable, policy.cap, policy.markup_percent, policy.receipts_required) == (
        True,
        Decimal("8000.00"),
        None,
        True,
    )
    assert "expenses_policy: billed 'at cost': no mark-up recorded" in result.notes
    # 24,000 + 60,000 + 30,000 = 114,000, not the 120,000 fixed fee
    [finding] = result.findings
    assert finding.rule_id == "EXTRACT-ARITH-MILESTONES"
    assert finding.values == {"milestones_sum": "114000.00", "fee": "120000.00"}
    assert [s.quote for s in finding.sources] == [
        "24,000.00",
        "60,000.00",
        "30,000.00",
        "120,000.00",
    ]
    assert "renewal" in result.missing and "term_months" in result.missing
    assert "milestones" not in result.missing and "rate_card" not in result.missing


def test_milestones_by_percentage_must_make_100() -> None:
    text = """\
STATEMENT OF WORK
SOW Number: SOW-2026-9
Between Fabrikam Services Inc. ("Contractor") and Tailspin Toys Corp. ("Customer").
Fixed Fee: USD 50,000.00

Payment Schedule
- Milestone 1 - Kickoff: 20% upon signature
- Milestone 2 - Design approved: 30% upon acceptance
- Milestone 3 - Final delivery: 40% upon acceptance
"""
    document = Document.from_text("sow-pct.txt", text)
    result = extract_terms(document)
    _check_sources(document, result)
    assert [_value(result, f"milestones[{i}].percent") for i in range(3)] == ["20", "30", "40"]
    assert _value(result, "milestones[0].acceptance_required") is False
    assert _value(result, "milestones[1].acceptance_required") is True
    [finding] = result.findings
    assert finding.rule_id == "EXTRACT-ARITH-MILESTONES"
    assert finding.values == {"percent_sum": "90"}


# ---------------------------------------------------------------- amendment

AMENDMENT = """\
AMENDMENT No. 2 TO ORDER FORM OF-2025-0042

Amendment Number: AMD-2026-007
Amendment Effective Date: 2026-06-01

This Amendment is entered into by and between Acme Cloud, Inc. ("Supplier") and Globex \
Corporation ("Customer") and amends Order Form No. OF-2025-0042 (the "Order Form").

The parties agree to add the following:

Product          Qty     Unit Price     Amount
Platform Enterprise additional users     50     USD 960.00     USD 48,000.00
Premium Support (20% of license fees)     1     USD 9,600.00     USD 9,600.00

All other terms of the Order Form remain unchanged. Payment Terms: Net 45.

Authorized Signature: ________  Date: June 1, 2026
"""


def test_amendment_names_what_it_amends_and_adds_lines() -> None:
    document = Document.from_text("globex-amd-2.txt", AMENDMENT)
    result = extract_terms(document)
    _check_sources(document, result)
    assert result.classification.kind is DocumentKind.AMENDMENT
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.document_type is DocumentType.AMENDMENT
    assert (terms.contract_id, terms.amends) == ("AMD-2026-007", "OF-2025-0042")
    assert terms.effective_date == date(2026, 6, 1)
    assert terms.signature_date == date(2026, 6, 1)
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 45
    assert [
        (line.description, line.quantity, line.unit_price, line.amount, line.billing_model.value)
        for line in terms.lines
    ] == [
        (
            "Platform Enterprise additional users",
            Decimal("50"),
            Decimal("960.00"),
            Decimal("48000.00"),
            "subscription",
        ),
        (
            "Premium Support (20% of license fees)",
            Decimal("1"),
            Decimal("9600.00"),
            Decimal("9600.00"),
            "maintenance",
        ),
    ]
    assert terms.lines[1].percent_of_line == "L1" and terms.lines[1].percent == Decimal("20")
    assert result.findings == ()


def test_amendment_without_the_amended_contract_has_no_terms() -> None:
    text = AMENDMENT.replace('and amends Order Form No. OF-2025-0042 (the "Order Form")', "")
    text = text.replace("TO ORDER FORM OF-2025-0042", "")
    document = Document.from_text("amd-orphan.txt", text)
    result = extract_terms(document)
    assert result.classification.kind is DocumentKind.AMENDMENT
    assert result.terms is None
    assert result.problems == ("the contract this amendment amends (amends) not found",)
    assert "amends" in result.missing


# ---------------------------------------------------------------- prose only

PROSE = """\
Subscription Order

Bluefin Analytics LLC ("Provider") and Harbor Freight Logistics Inc. ("Customer") agree as follows.

Customer purchases 100 Enterprise seats at USD 80.00 per user per month for a total of USD \
96,000.00 per year. A one-time onboarding fee of USD 7,500.00 applies.

The subscription term is 12 months, commencing on 03/04/2026. Fees are invoiced annually in \
advance and payable within 45 days of the invoice date. A purchase order is required; the PO \
number must appear on all invoices.

Customer's billing contact is Sam Lee (billing@harborfreight.example).

Accepted and signed by both parties.
"""


def test_prose_only_order_form() -> None:
    document = Document.from_text("bluefin.txt", PROSE)
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert (terms.supplier.name, terms.customer.name) == (
        "Bluefin Analytics LLC",
        "Harbor Freight Logistics Inc.",
    )
    seats, onboarding = terms.lines
    assert (seats.quantity, seats.unit, seats.unit_price, seats.amount) == (
        Decimal("100"),
        "user",
        Decimal("80.00"),
        Decimal("96000.00"),
    )
    assert seats.billing_model is BillingModel.SUBSCRIPTION
    assert (onboarding.description, onboarding.amount, onboarding.billing_model) == (
        "One-time onboarding fee",
        Decimal("7500.00"),
        BillingModel.ONE_TIME,
    )
    assert terms.term_months == 12
    assert terms.start_date == date(2026, 3, 4)  # USD: month first
    assert any("03/04/2026" in note and "USD" in note for note in result.notes)
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 45
    assert terms.billing is not None and terms.billing.frequency.value == "annual"
    assert terms.purchase_order is not None and terms.purchase_order.required is True
    assert terms.invoicing_provisions.po_on_invoice is True
    assert terms.billing_contact is not None
    assert (terms.billing_contact.name, terms.billing_contact.email) == (
        "Sam Lee",
        "billing@harborfreight.example",
    )
    # no number in the document: an id from the sha256, said so, and listed as missing
    assert terms.contract_id == "DOC-" + document.sha256[:12]
    assert "contract_id" in result.missing
    assert any(note.startswith("no contract number found") for note in result.notes)
    # a PO is required and the order gives none: billing must get one before invoicing
    [missing_po] = result.findings
    assert missing_po.rule_id == "EXTRACT-PO-MISSING"
    assert missing_po.sources[0].quote == "A purchase order is required;"


def test_the_locale_hint_reads_the_same_date_day_first() -> None:
    text = PROSE.replace("USD", "").replace("at  80.00", "at 80.00")
    document = Document.from_text("bluefin-nocurrency.txt", text)
    ambiguous = extract_terms(document)
    assert _value(ambiguous, "start_date") == "2026-03-04"
    assert ambiguous.values["start_date"].confidence <= Decimal("0.45")
    [warning] = [f for f in ambiguous.findings if f.rule_id == "EXTRACT-DATE-AMBIGUOUS"]
    assert warning.fields == ("start_date",) and warning.severity.value == "warning"
    assert warning.sources[0].quote == "03/04/2026"
    british = extract_terms(document, locale_hint="en_GB")
    assert _value(british, "start_date") == "2026-04-03"
    assert not [f for f in british.findings if f.rule_id == "EXTRACT-DATE-AMBIGUOUS"]


# ---------------------------------------------------------------- German, EUR

GERMAN = """\
Bestellformular

Vertragsnummer: BF-2026/118

Auftragnehmer: Datenwerk GmbH
Anschrift: Hauptstraße 5, 10115 Berlin, Deutschland
USt-IdNr.: DE123456789

Auftraggeber: Müller Maschinenbau AG
Anschrift: Industrieweg 12, 70173 Stuttgart, Deutschland
USt-IdNr.: DE987654321
Bestellnummer: PO-77812

Vertragsbeginn: 01.03.2026
Laufzeit: 24 Monate
Währung: EUR
Zahlungsbedingungen: 30 Tage netto
Abrechnung: jährlich im Voraus

| Artikelnr | Beschreibung | Menge | Einzelpreis | Gesamtpreis |
|---|---|---|---|---|
| DW-PRO | Datenwerk Professional Lizenz | 1.250 | 96,00 € | 120.000,00 € |
| DW-SETUP | Einrichtung (einmalig) | 1 | 4.500,00 € | 4.500,00 € |
| Summe | | | | 124.500,00 € |

Der Vertrag verlängert sich automatisch um jeweils 12 Monate, sofern er nicht mit einer Frist \
von 3 Monaten gekündigt wird.

Unterschrift Auftraggeber: ____________ Datum: 20.02.2026
"""


def test_german_eur_order_form() -> None:
    document = Document.from_text("datenwerk.md", GERMAN)
    result = extract_terms(document)
    _check_sources(document, result)
    assert result.classification.kind is DocumentKind.ORDER_FORM
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.contract_id == "BF-2026-118"  # ids allow no '/'
    assert result.values["contract_id"].provenance.quote == "BF-2026/118"
    assert (terms.supplier.name, terms.customer.name) == (
        "Datenwerk GmbH",
        "Müller Maschinenbau AG",
    )
    assert [(t.scheme, t.value) for t in terms.supplier.tax_ids] == [("vat", "DE123456789")]
    assert [(t.scheme, t.value) for t in terms.customer.tax_ids] == [("vat", "DE987654321")]
    assert terms.customer.address is not None
    assert (
        terms.customer.address.city,
        terms.customer.address.postal_code,
        terms.customer.address.country,
    ) == ("Stuttgart", "70173", "DE")
    assert terms.purchase_order is not None and terms.purchase_order.number == "PO-77812"
    assert terms.start_date == date(2026, 3, 1)
    assert terms.signature_date == date(2026, 2, 20)
    assert terms.term_months == 24
    assert terms.currency == "EUR"
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 30
    assert terms.billing is not None
    assert (terms.billing.frequency.value, terms.billing.timing.value) == ("annual", "advance")
    licence, setup = terms.lines
    # "1.250" seats is one thousand two hundred fifty; 96,00 € is ninety-six euros
    assert (licence.quantity, licence.unit_price, licence.amount) == (
        Decimal("1250"),
        Decimal("96.00"),
        Decimal("120000.00"),
    )
    assert licence.billing_model is BillingModel.SUBSCRIPTION
    assert (setup.amount, setup.billing_model) == (Decimal("4500.00"), BillingModel.ONE_TIME)
    assert terms.total_contract_value == Decimal("124500.00")
    assert terms.renewal is not None
    assert (
        terms.renewal.auto_renew,
        terms.renewal.renewal_term_months,
        terms.renewal.notice_days,
    ) == (True, 12, 90)
    assert result.findings == ()


# ---------------------------------------------------------------- a reader's table


def _document_with_table(name: str, before: str, rows: list[list[str]], after: str) -> Document:
    """A PDF-like document: a real ``Table`` whose cells are spans with boxes."""
    text = before
    table_rows: list[tuple[TableCell, ...]] = []
    top = 100.0
    for row in rows:
        cells: list[TableCell] = []
        left = 50.0
        for value in row:
            start = len(text)
            text += value
            cells.append(TableCell(start, len(text), Box(left, top, left + 80, top + 12)))
            text += "\t"
            left += 90
        text = text[:-1] + "\n"
        top += 14
        table_rows.append(tuple(cells))
    text += after
    plain = Document.from_text(name, text)
    return Document(
        name,
        plain.sha256,
        "application/pdf",
        text,
        plain.pages,
        plain.blocks,
        (Table(1, tuple(table_rows)),),
    )


def test_reader_table_with_ramp_and_usage_tiers() -> None:
    document = _document_with_table(
        "initech-so.pdf",
        "SERVICE ORDER\nOrder Number: SO-88121\n"
        "Customer: Initech Inc., 4120 Freidrich Lane, Austin, TX 78744, USA\n"
        "Provider: Streamline Data Corp.\nStart Date: 2026-01-01\nEnd Date: 2028-12-31\n"
        "Term: 36 months\n\n",
        [
            ["Product", "Qty", "Year 1", "Year 2", "Year 3", "Total"],
            [
                "Analytics Platform subscription",
                "1",
                "$100,000.00",
                "$110,000.00",
                "$121,000.00",
                "$331,000.00",
            ],
            ["API calls (usage, billed monthly in arrears)", "", "", "", "", "$0.00"],
        ],
        "\nUsage Tiers (graduated):\n0 - 1,000,000 calls: $0.002 per call\n"
        "1,000,001 - 5,000,000 calls: $0.0015 per call\nAbove 5,000,000 calls: $0.001 per call\n\n"
        "Total Contract Value: $331,000.00\nPayment terms: Net 30. Billing: annually in advance.\n"
        "Signature: __________\n",
    )
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.currency == "USD"
    assert any("'$' read as USD" in note for note in result.notes)
    platform, usage = terms.lines
    assert [(s.start_date, s.end_date, s.amount) for s in platform.ramp] == [
        (date(2026, 1, 1), date(2026, 12, 31), Decimal("100000.00")),
        (date(2027, 1, 1), date(2027, 12, 31), Decimal("110000.00")),
        (date(2028, 1, 1), date(2028, 12, 31), Decimal("121000.00")),
    ]
    assert usage.billing_model is BillingModel.USAGE
    assert (usage.frequency and usage.frequency.value, usage.timing and usage.timing.value) == (
        "monthly",
        "arrears",
    )
    assert usage.tier_mode is not None and usage.tier_mode.value == "graduated"
    assert [(t.up_to, t.unit_price) for t in usage.tiers] == [
        (Decimal("1000000"), Decimal("0.002")),
        (Decimal("5000000"), Decimal("0.0015")),
        (None, Decimal("0.001")),
    ]
    # a table cell's box travels with the value
    box = result.values["lines[0].description"].provenance.box
    assert box == (Decimal("50.0"), Decimal("114.0"), Decimal("130.0"), Decimal("126.0"))
    assert result.values["start_date"].provenance.box is None  # a text line without geometry
    assert result.findings == ()


def test_canadian_dollars_from_context() -> None:
    text = """\
ORDER FORM
Order No: CA-7781
Supplier: Maple Software Ltd., 200 King St W, Toronto, ON M5V 3T4, Canada
GST/HST No. 123456789 RT0001
Customer: Northern Freight Inc.
Annual subscription fee: $12,000.00
Signed by both parties.
"""
    document = Document.from_text("maple.txt", text)
    result = extract_terms(document)
    _check_sources(document, result)
    assert result.terms is not None
    assert result.terms.currency == "CAD"
    assert (
        result.terms.supplier.address is not None and result.terms.supplier.address.country == "CA"
    )
    assert [(t.scheme, t.value) for t in result.terms.supplier.tax_ids] == [
        ("gst", "123456789 RT0001")
    ]


# ---------------------------------------------------------------- not contracts

INVOICE = """\
INVOICE

Invoice Number: INV-2026-0193
Invoice Date: March 3, 2026
Due Date: April 2, 2026

Bill To: Globex Corporation, 100 Main Street, Springfield, OR 97403

Description                 Qty    Unit Price    Amount
Platform Enterprise         100    USD 80.00     USD 8,000.00

Amount Due: USD 8,000.00
Please remit payment to Acme Cloud, Inc. Payment terms: Net 30.
"""

NOVEL = """\
It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of \
foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of \
Light, it was the season of Darkness.

There were a king with a large jaw and a queen with a plain face, on the throne of England; there \
were a king with a large jaw and a queen with a fair face, on the throne of France.
"""


def test_an_invoice_is_not_a_contract() -> None:
    result = extract_terms(Document.from_text("inv.txt", INVOICE))
    assert result.classification.kind is DocumentKind.NOT_A_CONTRACT
    assert any("invoice" in reason for reason in result.classification.reasons)
    assert result.terms is None and result.values == {}
    assert result.problems[0].startswith("the document is not a contract")


def test_a_novel_is_not_a_contract() -> None:
    result = extract_terms(Document.from_text("dickens.txt", NOVEL))
    assert result.classification.kind is DocumentKind.NOT_A_CONTRACT
    assert "no amount of money anywhere" in result.classification.reasons
    assert result.terms is None


def test_a_letter_and_an_empty_scan_are_not_contracts() -> None:
    letter = "Dear Ms. Major,\n\nThank you for meeting us last week.\n\nKind regards,\nJohn Smith\n"
    assert (
        extract_terms(Document.from_text("letter.txt", letter)).classification.kind
        is DocumentKind.NOT_A_CONTRACT
    )
    empty = extract_terms(Document.from_text("scan.pdf", "  \n\f "))
    assert empty.classification.kind is DocumentKind.NOT_A_CONTRACT
    assert empty.classification.reasons == ("the document has no text",)


def test_extraction_as_json_is_plain_data() -> None:
    import json

    result = extract_terms(Document.from_text("globex-of.md", ORDER_FORM))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["classification"]["kind"] == "order_form"
    assert data["values"]["currency"]["source"]["quote"] == "USD"
    assert data["terms"]["contract_id"] == "OF-2026-0042"


def test_parties_side_by_side_in_a_reader_table() -> None:
    document = _document_with_table(
        "side-by-side.pdf",
        "ORDER FORM\nOrder ID: Q-2026-0311\n\n",
        [
            ["", "Supplier", "Customer"],
            ["Company Name", "Acme Cloud B.V.", "Initrode GmbH"],
            [
                "Address",
                "Keizersgracht 1, 1015 CJ Amsterdam, Netherlands",
                "Hauptstraße 5, 10115 Berlin, Germany",
            ],
            ["VAT Number", "NL123456789B01", "DE123456789"],
        ],
        "\nPlatform subscription: EUR 12.000,00 per year, invoiced annually in advance.\n"
        "Signature: ________\n",
    )
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert (terms.supplier.name, terms.customer.name) == ("Acme Cloud B.V.", "Initrode GmbH")
    assert terms.supplier.address is not None and terms.supplier.address.country == "NL"
    assert terms.customer.address is not None
    assert (terms.customer.address.city, terms.customer.address.country) == ("Berlin", "DE")
    assert [(t.scheme, t.value) for t in terms.supplier.tax_ids] == [("vat", "NL123456789B01")]
    assert [(t.scheme, t.value) for t in terms.customer.tax_ids] == [("vat", "DE123456789")]
    assert result.values["customer.name"].provenance.box is not None
    assert terms.currency == "EUR"


# ---------------------------------------------------------------- more layouts

ALIGNED = """\
Quote #: Q-10442
Prepared for: Wayne Enterprises, Inc.

SALES ORDER FORM

Customer Information
Company: Wayne Enterprises, Inc.
Bill To Address:
1007 Mountain Drive
Gotham, NJ 07001
United States
Accounts Payable Contact: Lucius Fox
AP Email: ap@wayne.example
Tax ID: 98-7654321

Provider: Stark Digital LLC

Order Details
Subscription Start Date:
January 15, 2026
Subscription End Date:
January 14, 2029
Initial Term: 36 months

Product                          Quantity   List Price   Disc.   Net Price    Annual Fee
Cloud Suite Professional         250        $120.00      25%     $90.00       $22,500.00
Premium Support                  1          $4,500.00            $4,500.00    $4,500.00
Implementation Services (T&M)    80 hours   $225.00              $225.00      $18,000.00

Grand Total (Year 1): $45,000.00

Terms
1. Fees are billed annually in advance. Implementation services are invoiced monthly in arrears \
as incurred.
2. Payment is due Net 45 from invoice date.
3. Customer's PO number must be referenced on each invoice. Invoices will be sent by email to \
ap@wayne.example.
4. This Order Form shall automatically renew for additional one (1) year terms unless either \
party provides notice of non-renewal at least thirty (30) days prior to the end of the \
then-current term. Fees for any renewal term will not increase by more than seven percent (7%).

Customer Signature: __________   Date: 12/20/2025
"""


def test_aligned_columns_labels_on_their_own_line_and_list_and_net_prices() -> None:
    document = Document.from_text("wayne.txt", ALIGNED)
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert (terms.contract_id, terms.title) == ("Q-10442", "SALES ORDER FORM")
    assert (terms.supplier.name, terms.customer.name) == (
        "Stark Digital LLC",
        "Wayne Enterprises, Inc.",
    )
    assert terms.customer.address is not None
    assert (terms.customer.address.line1, terms.customer.address.region) == (
        "1007 Mountain Drive",
        "NJ",
    )
    assert [(t.scheme, t.value) for t in terms.customer.tax_ids] == [("ein", "98-7654321")]
    assert terms.billing_contact is not None
    assert (terms.billing_contact.name, terms.billing_contact.email) == (
        "Lucius Fox",
        "ap@wayne.example",
    )
    # the values sit on the line after their labels
    assert (terms.start_date, terms.end_date) == (date(2026, 1, 15), date(2029, 1, 14))
    assert terms.term_months == 36
    assert terms.signature_date == date(2025, 12, 20)
    suite, support, services = terms.lines
    assert (suite.quantity, suite.list_price, suite.discount_percent, suite.unit_price) == (
        Decimal("250"),
        Decimal("120.00"),
        Decimal("25"),
        Decimal("90.00"),
    )
    assert suite.amount == Decimal("22500.00")
    assert support.amount == Decimal("4500.00")
    assert (services.billing_model, services.quantity, services.unit) == (
        BillingModel.TIME_AND_MATERIALS,
        Decimal("80"),
        "hour",
    )
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 45
    assert terms.invoicing_provisions.po_on_invoice is True
    assert terms.invoicing_provisions.delivery_channel.value == "email"
    assert terms.renewal is not None
    assert (terms.renewal.auto_renew, terms.renewal.renewal_term_months) == (True, 12)
    assert (terms.renewal.notice_days, terms.renewal.uplift_cap_percent) == (30, Decimal("7"))
    assert result.findings == ()
    assert "total_contract_value" in result.missing  # a Year 1 total is not the contract value


TIME_AND_MATERIALS = """\
Statement of Work #7 under the Master Services Agreement between Initech Consulting Inc. \
("Consultant") and Umbrella Health Corp. ("Client") dated March 3, 2025.

Project: Data platform migration
Start date: 6 April 2026
Estimated completion: 30 June 2026

Fees. Services are provided on a time and materials basis at the following rates:
- Solution Architect: USD 240 per hour
- Data Engineer: USD 185 per hour
- Project Manager: USD 1,400 per day

Total fees under this SOW shall not exceed USD 150,000 without Client's prior written approval. \
Consultant will invoice monthly in arrears for hours worked. Invoices are payable within 30 days \
of receipt.

Expenses. Pre-approved travel expenses will be reimbursed at cost plus a 10% administrative fee, \
not to exceed USD 12,000 in total. Receipts are required.

Client PO: 7700123
"""


def test_time_and_materials_sow_with_prose_rates_cap_and_expenses_mark_up() -> None:
    document = Document.from_text("umbrella-sow.txt", TIME_AND_MATERIALS)
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert terms.title == "Statement of Work #7"
    assert (terms.supplier.name, terms.customer.name) == (
        "Initech Consulting Inc.",
        "Umbrella Health Corp.",
    )
    assert terms.start_date == date(2026, 4, 6)
    assert [(r.role, r.rate, r.unit.value) for r in terms.rate_card] == [
        ("Solution Architect", Decimal("240"), "hour"),
        ("Data Engineer", Decimal("185"), "hour"),
        ("Project Manager", Decimal("1400"), "day"),
    ]
    [line] = terms.lines
    assert line.billing_model is BillingModel.TIME_AND_MATERIALS
    assert terms.not_to_exceed == Decimal("150000")
    assert terms.billing is not None
    assert (terms.billing.frequency.value, terms.billing.timing.value) == ("monthly", "arrears")
    policy = terms.expenses_policy
    assert policy is not None
    assert (policy.billable, policy.markup_percent, policy.cap) == (
        True,
        Decimal("10"),
        Decimal("12000"),
    )
    assert terms.purchase_order is not None and terms.purchase_order.number == "7700123"
    assert "milestones" in result.missing and "rate_card" not in result.missing


def test_a_two_column_label_table_as_a_docx_reader_makes_it() -> None:
    document = _document_with_table(
        "globex-of.docx",
        "Order Form\n\n",
        [
            ["Customer Name", "Globex GmbH"],
            ["Customer Address", "Hauptstraße 5, 10115 Berlin, Germany"],
            ["Supplier", "Acme Software Ltd"],
            ["Start Date", "01/03/2026"],
            ["End Date", "28/02/2027"],
            ["Payment Terms", "30 days from invoice date"],
            ["Billing", "Quarterly in advance"],
            ["Purchase Order", "To follow"],
        ],
        "\nAnnual Subscription Fee: EUR 40.000,00\nSignature: ____\n",
    )
    result = extract_terms(document)
    _check_sources(document, result)
    terms = result.terms
    assert terms is not None, result.problems
    assert (terms.supplier.name, terms.customer.name) == ("Acme Software Ltd", "Globex GmbH")
    assert terms.customer.address is not None and terms.customer.address.city == "Berlin"
    assert (terms.start_date, terms.end_date) == (date(2026, 3, 1), date(2027, 2, 28))
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 30
    assert terms.billing is not None
    assert (terms.billing.frequency.value, terms.billing.timing.value) == ("quarterly", "advance")
    assert terms.purchase_order is None
    assert "purchase_order.number" in result.missing
    assert "purchase order: the document says 'To follow' (no number yet)" in result.notes
    [fee] = terms.lines
    assert (fee.description, fee.amount) == ("Annual Subscription Fee", Decimal("40000.00"))
    assert fee.billing_model is BillingModel.SUBSCRIPTION
    assert result.values["customer.name"].provenance.box is not None
