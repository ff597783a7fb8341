"""Schedules that belong to a line but sit apart from the line table: usage tiers and ramps.

Order forms often put the line table first and then, under a sentence naming
the line ("Item 2 usage tiers, volume ..."), a small table of its tiers or of
its ramp by contract year. Expected values are written from the documents.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.document import Document
from billops.domain.extraction import extract_terms

TWO_USAGE_LINES = """\
ORDER FORM
Order Form No.: OF-7001
Supplier: Tidewater Messaging Ltd, 1 King Street, EC2V 8AU London, United Kingdom
Customer: Harbour Logistics Ltd, 20 Quay Road, BS1 4DJ Bristol, United Kingdom
Start Date: 1 April 2026
End Date: 31 March 2027
Currency: GBP

Item\tDescription\tQty\tUnit Price\tAmount
1\tPlatform subscription\t1\tGBP 12,000.00\tGBP 12,000.00
2\tSMS notifications (usage)\t\t\t
3\tE-mail sends (usage)\t\t\t

Item 2 usage tiers, volume (all units at the price of the tier the total reaches):

Units\tPrice
1 - 50,000\tGBP 0.04 per unit
50,001 - 250,000\tGBP 0.03 per unit
above 250,000\tGBP 0.02 per unit

Item 3 usage tiers, package (a price per started package):

Units\tPrice
1 - 100,000\tGBP 15.00 per 10,000 units
above 100,000\tGBP 12.00 per 10,000 units

Payment Terms: Net 30
"""


def test_tier_tables_go_to_the_line_their_sentence_names_with_its_mode() -> None:
    result = extract_terms(Document.from_text("tidewater.txt", TWO_USAGE_LINES))
    terms = result.terms
    assert terms is not None, result.problems
    sms, email = terms.lines[1], terms.lines[2]
    assert sms.tier_mode is not None and sms.tier_mode.value == "volume"
    assert [(t.up_to, t.unit_price, t.package_size) for t in sms.tiers] == [
        (Decimal("50000"), Decimal("0.04"), None),
        (Decimal("250000"), Decimal("0.03"), None),
        (None, Decimal("0.02"), None),
    ]
    assert email.tier_mode is not None and email.tier_mode.value == "package"
    assert [(t.up_to, t.unit_price, t.package_size) for t in email.tiers] == [
        (Decimal("100000"), Decimal("15.00"), Decimal("10000")),
        (None, Decimal("12.00"), Decimal("10000")),
    ]
    assert terms.lines[0].tiers == ()


def test_a_single_open_tier_under_a_tier_sentence_is_read_and_graduated_is_stated() -> None:
    text = (
        "ORDER FORM\nCustomer: Prairie Grain Co-op\nSupplier: Kestrel Data Services Inc.\n"
        "Currency: CAD\n\n"
        "Item    Description             Qty  Unit Price  Amount\n"
        "1       Analytics seats         10   CAD 50.00   CAD 500.00\n"
        "2       Report runs (usage)\n\n"
        "Item 2 usage tiers, graduated (each unit at the price of the tier it falls in):\n\n"
        "Units    Price\n"
        "above 0  95.00 CAD per unit\n\n"
        "Payment Terms: Net 30\n"
    )
    result = extract_terms(Document.from_text("prairie.txt", text))
    assert result.values["lines[1].tiers[0].unit_price"].value == "95.00"
    assert "lines[1].tiers[0].up_to" not in result.values
    assert result.values["lines[1].tier_mode"].value == "graduated"
    assert result.values["lines[1].tier_mode"].provenance.quote == "graduated"


def test_a_ramp_table_under_its_sentence_gives_the_line_its_steps() -> None:
    text = (
        "ORDER FORM\nCustomer: Bergbahn Engelberg AG, Dorfstrasse 5, 6390 Engelberg, Switzerland\n"
        "Supplier: Alpenrose Software AG\nStart Date: 01.01.2026\nEnd Date: 31.12.2027\n"
        "Currency: CHF\n\n"
        "Item\tSKU\tDescription\tAmount\n"
        "1\tALP-TIX\tTicketing Suite subscription\tCHF 92'500.00\n\n"
        "Item 1 ramps over the term as follows:\n\n"
        "Year\tPeriod\tQuantity\tUnit Price\tAmount\n"
        "Year 1\t01.01.2026 - 31.12.2026\t20\tCHF 1'850.00\tCHF 37'000.00\n"
        "Year 2\t01.01.2027 - 31.12.2027\t30\tCHF 1'850.00\tCHF 55'500.00\n\n"
        "Payment Terms: Net 30\n"
    )
    result = extract_terms(Document.from_text("alpenrose.txt", text))
    terms = result.terms
    assert terms is not None, result.problems
    assert [
        (s.start_date, s.end_date, s.quantity, s.unit_price, s.amount) for s in terms.lines[0].ramp
    ] == [
        (
            date(2026, 1, 1),
            date(2026, 12, 31),
            Decimal("20"),
            Decimal("1850.00"),
            Decimal("37000.00"),
        ),
        (
            date(2027, 1, 1),
            date(2027, 12, 31),
            Decimal("30"),
            Decimal("1850.00"),
            Decimal("55500.00"),
        ),
    ]


def test_a_year_column_without_periods_is_dated_from_the_start_date() -> None:
    text = (
        "ORDER FORM\nCustomer: Globex Corporation\nSupplier: Acme Cloud, Inc.\n"
        "Start Date: March 1, 2026\nCurrency: USD\n\n"
        "Item\tDescription\tAmount\n1\tPlatform subscription\t$30,000.00\n\n"
        "The platform fee ramps by contract year:\n\n"
        "Contract Year\tSeats\tAnnual Fee\n"
        "1\t50\t$10,000.00\n2\t75\t$20,000.00\n"
    )
    result = extract_terms(Document.from_text("globex.txt", text))
    assert result.values["lines[0].ramp[1].start_date"].value == "2027-03-01"
    assert result.values["lines[0].ramp[1].end_date"].value == "2028-02-29"
    assert result.values["lines[0].ramp[1].amount"].value == "20000.00"
    assert result.values["lines[0].ramp[1].quantity"].value == "75"


def test_dated_rows_of_a_usage_line_table_are_not_tiers() -> None:
    text = (
        "ORDER FORM\nCustomer: Globex Corporation\nSupplier: Acme Cloud, Inc.\nCurrency: USD\n"
        "Payment Terms: Net 30\n\n"
        "Usage tiers and periods\n\n"
        "Item    Description        Period                      Amount\n"
        "1       API usage          2026-01-01 - 2026-06-30     $1,000.00\n"
        "2       API usage          2026-07-01 - 2026-12-31     $1,500.00\n"
    )
    result = extract_terms(Document.from_text("globex-usage.txt", text))
    assert not [path for path in result.values if ".tiers" in path or "tier_mode" in path]
