"""Arithmetic readings, assembly of terms, confidence and classification edge cases."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from billops.domain.document import Document
from billops.domain.extraction import DocumentKind, extract_terms
from billops.domain.extraction.assemble import nest
from billops.domain.extraction.classify import classify


def _order(lines: str, extra: str = "", term: str = "Term: 36 months") -> Document:
    text = f"""\
ORDER FORM
Order Number: OF-77
Supplier: Acme Cloud, Inc.
Customer: Globex Corporation
Start Date: 2026-01-01
{term}
{extra}
| Description | Qty | Unit Price | Amount |
|---|---|---|---|
{lines}
Signature: ________
"""
    return Document.from_text("of-77.md", text)


def _rules(document: Document) -> list[str]:
    return sorted(f.rule_id for f in extract_terms(document).findings)


def test_a_subscription_amount_may_cover_the_whole_term() -> None:
    # 10 users x USD 100.00 per month x 36 months = 36,000.00
    document = _order(
        "| Platform subscription, per user per month | 10 | USD 100.00 | USD 36,000.00 |"
    )
    assert _rules(document) == []


def test_a_subscription_amount_may_be_one_year() -> None:
    document = _order(
        "| Platform subscription, per user per month | 10 | USD 100.00 | USD 12,000.00 |"
    )
    assert _rules(document) == []


def test_a_subscription_amount_no_reading_explains_is_reported() -> None:
    document = _order(
        "| Platform subscription, per user per month | 10 | USD 100.00 | USD 35,000.00 |"
    )
    result = extract_terms(document)
    [finding] = result.findings
    assert finding.rule_id == "EXTRACT-ARITH-LINE"
    assert finding.severity.value == "error"
    assert finding.fields == ("lines[0].quantity", "lines[0].unit_price", "lines[0].amount")
    assert [s.quote for s in finding.sources] == ["10", "100.00", "35,000.00"]


def test_a_one_time_line_has_one_reading_only() -> None:
    # 2 x 5,000.00 is 10,000.00; twelve periods of a setup fee is not a reading
    document = _order("| Setup fee (one-time) | 2 | USD 5,000.00 | USD 120,000.00 |")
    assert _rules(document) == ["EXTRACT-ARITH-LINE"]


def test_the_total_may_cover_every_year_of_the_term() -> None:
    lines = "| Platform subscription (annual) | 1 | USD 10,000.00 | USD 10,000.00 |"
    document = _order(lines, extra="Total Contract Value: USD 30,000.00")
    assert _rules(document) == []


def test_a_total_that_no_reading_explains_is_reported() -> None:
    lines = "| Platform subscription (annual) | 1 | USD 10,000.00 | USD 10,000.00 |"
    document = _order(lines, extra="Total Contract Value: USD 25,000.00")
    result = extract_terms(document)
    [finding] = result.findings
    assert finding.rule_id == "EXTRACT-ARITH-TOTAL"
    assert finding.fields == ("lines[0].amount", "total_contract_value")
    assert [s.quote for s in finding.sources] == ["25,000.00", "10,000.00"]


def test_a_total_including_tax_rows() -> None:
    lines = (
        "| Implementation services | 1 | EUR 1.000,00 | EUR 1.000,00 |\n"
        "| Training (one-time) | 2 | EUR 500,00 | EUR 1.000,00 |\n"
        "| Subtotal | | | EUR 2.000,00 |\n"
        "| VAT 19% | | | EUR 380,00 |\n"
        "| Total | | | EUR 2.380,00 |"
    )
    result = extract_terms(_order(lines, term=""))
    assert [f.rule_id for f in result.findings] == []
    assert len(result.values["lines[1].amount"].value) and result.terms is not None
    assert [line.description for line in result.terms.lines] == [
        "Implementation services",
        "Training (one-time)",
    ]


def test_without_a_customer_there_are_no_terms_but_every_value_found_stays() -> None:
    text = "ORDER FORM\nOrder No: OF-9\nSupplier: Acme Cloud, Inc.\nFees: USD 1,000.00 per year\n"
    text += "Payment terms: Net 30\nSignature: ____\n"
    result = extract_terms(Document.from_text("of-9.txt", text))
    assert result.classification.kind is DocumentKind.ORDER_FORM
    assert result.terms is None
    assert result.problems == ("customer name not found",)
    assert result.values["supplier.name"].value == "Acme Cloud, Inc."
    assert result.values["payment_terms.net_days"].value == 30
    assert "customer.name" in result.missing


def test_a_value_the_contract_model_refuses_is_left_out_with_the_reason() -> None:
    text = _order("| Platform subscription | 1 | USD 100.00 | USD 1,200.00 |", term="").text
    text = text.replace("Start Date: 2026-01-01", "Start Date: 2026-01-01\nEnd Date: 2025-12-31")
    result = extract_terms(Document.from_text("backwards.md", text))
    assert result.terms is not None
    assert result.terms.start_date == date(2026, 1, 1)
    assert result.terms.end_date is None
    assert result.values["end_date"].value == "2025-12-31"
    assert any(p.startswith("left out of the terms: end_date") for p in result.problems)
    assert "end_date" not in result.terms.provenance


def test_ocr_lowers_every_confidence() -> None:
    plain = _order("| Platform subscription | 1 | USD 100.00 | USD 1,200.00 |")
    scanned = dataclasses.replace(plain, ocr=True, ocr_confidence=0.6)
    clear = extract_terms(plain).values["customer.name"].confidence
    blurred = extract_terms(scanned).values["customer.name"].confidence
    assert (clear, blurred) == (Decimal("0.85"), Decimal("0.68"))  # 0.85 x (0.5 + 0.5 x 0.6)


def test_the_same_numeric_date_in_a_eur_and_a_usd_document() -> None:
    base = "ORDER FORM\nOrder No: OF-5\nSupplier: A GmbH\nCustomer: B AG\nStart Date: 03/04/2026\n"
    euros = extract_terms(Document.from_text("eur.txt", base + "Fee: EUR 1.000,00\nSigned: ___\n"))
    dollars = extract_terms(
        Document.from_text("usd.txt", base + "Fee: USD 1,000.00\nSigned: ___\n")
    )
    assert euros.values["start_date"].value == "2026-04-03"
    assert dollars.values["start_date"].value == "2026-03-04"
    assert "date 03/04/2026 read day first from the EUR currency" in euros.notes
    assert "date 03/04/2026 read month first from the USD currency" in dollars.notes
    assert euros.findings == () and dollars.findings == ()


def test_an_msa_with_an_order_and_an_msa_without_one() -> None:
    with_order = Document.from_text(
        "msa.txt",
        'MASTER SUBSCRIPTION AGREEMENT\nThis Agreement is between Acme Cloud, Inc. ("Supplier") '
        'and Globex Corporation ("Customer").\nSchedule A - Order Form\nFees: USD 24,000.00 per '
        "year, invoiced annually in advance. Payment terms: Net 30. Signature: ____\n",
    )
    classified = classify(with_order)
    assert classified.kind is DocumentKind.MSA
    assert "with an ordering section and amounts" in classified.reasons
    legal_only = Document.from_text(
        "msa-legal.txt",
        "MASTER SERVICES AGREEMENT\nThe parties agree to the terms below. Each party's "
        "liability is limited. This Agreement is governed by the laws of England. Signature: __\n",
    )
    assert classify(legal_only).kind is DocumentKind.NOT_A_CONTRACT


def test_nest_builds_lists_from_indexed_paths() -> None:
    assert nest({"a.b": 1, "l[0].x": "1", "l[1].x": "2", "n[0]": "note"}) == {
        "a": {"b": 1},
        "l": [{"x": "1"}, {"x": "2"}],
        "n": ["note"],
    }
