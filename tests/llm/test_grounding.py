"""Grounding: an LLM's value is kept only where the document states it, with the words that do.

Stories about one order form (Umbrella's subscription with Acme), then the
written forms numbers and dates take, then what grounding refuses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billops.domain.document import Document
from billops.domain.extraction.grounding import (
    GroundingResult,
    UngroundedValue,
    field_kind,
    ground,
)

UMBRELLA = (
    "ORDER FORM  No. OF-2026-118\n"
    "\n"
    "Supplier: Acme Software GmbH, Hauptstrasse 5, 10115 Berlin, Germany\n"
    "Customer: Umbrella Corporation, 200 Hive Road, Raccoon City, USA\n"
    "\n"
    "Order Start Date: March 1, 2026      Term: twelve (12) months\n"
    "\n"
    "Item                          Qty   Unit Price     Amount\n"
    "Platform, Enterprise edition   40   USD 1,150.00   USD 46,000.00\n"
    "Premium Support                1    USD 6,900.00   USD 6,900.00\n"
    "\n"
    "Subscription fees are invoiced annually in advance. Payment terms: Net 30.\f"
    "Terms and conditions\n"
    "This Order Form renews automatically for successive 12 month terms.\n"
)

LLM_ANSWER: dict[str, Any] = {
    "contract_id": "OF-2026-118",
    "document_type": "order_form",
    "currency": "USD",
    "supplier": {"name": "Acme Software GmbH", "address": {"city": "Berlin", "country": "DE"}},
    "customer": {"name": "Umbrella Corporation"},
    "start_date": "2026-03-01",
    "term_months": 12,
    "payment_terms": {"net_days": 30},
    "billing": {"frequency": "annual", "timing": "advance"},
    "renewal": {"auto_renew": True},
    "purchase_order": {"number": "PO-88123", "required": False},
    "lines": [
        {
            "line_id": "L1",
            "description": "Platform, Enterprise edition",
            "billing_model": "subscription",
            "quantity": 40,
            "unit_price": "1150.00",
            "amount": "46000.00",
        },
        {
            "line_id": "L2",
            "description": "Premium Support",
            "billing_model": "subscription",
            "quantity": 1,
            "unit_price": "6900",
            "amount": "6900.00",
        },
    ],
    "total_contract_value": "52900.00",
    "provenance": {},
}


def at(text: str, quote: str, after: str = "") -> tuple[int, int]:
    """The span of ``quote``, looked for after the start of ``after`` (both written by hand)."""
    start = text.index(quote, text.index(after) + 1 if after else 0)
    return start, start + len(quote)


@pytest.fixture
def umbrella() -> GroundingResult:
    document = Document.from_text("umbrella-of.txt", UMBRELLA)
    return ground(LLM_ANSWER, document, extractor="llm/test-model")


def test_every_stated_value_is_grounded_at_the_words_that_state_it(
    umbrella: GroundingResult,
) -> None:
    found = {
        path: (v.value, v.provenance.quote, v.confidence) for path, v in umbrella.values.items()
    }
    assert found == {
        "contract_id": ("OF-2026-118", "OF-2026-118", Decimal("0.90")),
        "document_type": ("order_form", "ORDER FORM", Decimal("0.70")),
        "currency": ("USD", "USD", Decimal("0.90")),
        "supplier.name": ("Acme Software GmbH", "Acme Software GmbH", Decimal("0.90")),
        "supplier.address.city": ("Berlin", "Berlin", Decimal("0.90")),
        "supplier.address.country": ("DE", "Germany", Decimal("0.80")),
        "customer.name": ("Umbrella Corporation", "Umbrella Corporation", Decimal("0.90")),
        "start_date": ("2026-03-01", "March 1, 2026", Decimal("0.80")),
        "term_months": (12, "12", Decimal("0.90")),
        "payment_terms.net_days": (30, "30", Decimal("0.90")),
        "billing.frequency": ("annual", "annually", Decimal("0.70")),
        "billing.timing": ("advance", "in advance", Decimal("0.70")),
        "renewal.auto_renew": (True, "renews automatically", Decimal("0.70")),
        "lines[0].description": (
            "Platform, Enterprise edition",
            "Platform, Enterprise edition",
            Decimal("0.90"),
        ),
        "lines[0].billing_model": ("subscription", "Subscription", Decimal("0.75")),
        "lines[0].quantity": ("40", "40", Decimal("0.90")),  # a Decimal field: a string
        "lines[0].unit_price": ("1150.00", "1,150.00", Decimal("0.80")),
        "lines[0].amount": ("46000.00", "46,000.00", Decimal("0.80")),
        "lines[1].description": ("Premium Support", "Premium Support", Decimal("0.90")),
        "lines[1].billing_model": ("subscription", "Subscription", Decimal("0.75")),
        "lines[1].quantity": ("1", "1", Decimal("0.90")),
        "lines[1].unit_price": ("6900", "6,900.00", Decimal("0.80")),
        "lines[1].amount": ("6900.00", "6,900.00", Decimal("0.80")),
    }


def test_spans_pages_and_extractor_point_at_the_source(umbrella: GroundingResult) -> None:
    line_two = "Premium Support"
    unit_price = umbrella.values["lines[1].unit_price"].provenance
    amount = umbrella.values["lines[1].amount"].provenance
    # The row states 6,900.00 twice: the unit price is the first, the amount the second.
    assert unit_price.span == at(UMBRELLA, "6,900.00", after=line_two)
    assert amount.span == at(UMBRELLA, "6,900.00", after="6,900.00   USD ")
    quantity = umbrella.values["lines[1].quantity"].provenance
    assert quantity.span == at(UMBRELLA, "1", after=line_two)
    assert (unit_price.page, unit_price.extractor) == (1, "llm/test-model")
    assert unit_price.document.name == "umbrella-of.txt"
    renewal = umbrella.values["renewal.auto_renew"].provenance
    assert (renewal.page, renewal.span) == (2, at(UMBRELLA, "renews automatically"))


def test_a_hallucinated_po_number_and_a_computed_total_are_dropped(
    umbrella: GroundingResult,
) -> None:
    assert umbrella.ungrounded == [
        UngroundedValue(
            "purchase_order.number", "PO-88123", "the text 'PO-88123' is not in the document"
        ),
        UngroundedValue(
            "total_contract_value",
            "52900.00",
            "the number 52900.00 appears nowhere in the document",
        ),
    ]
    assert "purchase_order.number" not in umbrella.values
    assert "total_contract_value" not in umbrella.values


def test_schema_defaults_and_the_models_own_line_ids_are_skipped_silently(
    umbrella: GroundingResult,
) -> None:
    assert umbrella.skipped == ("purchase_order.required", "lines[0].line_id", "lines[1].line_id")


# --------------------------------------------------------------------------
# Numbers and dates in the forms contracts write them


def grounded(text: str, candidate: dict[str, Any]) -> dict[str, tuple[str | None, Decimal]]:
    result = ground(candidate, Document.from_text("doc.txt", text), extractor="llm/m")
    assert result.ungrounded == []
    return {path: (v.provenance.quote, v.confidence) for path, v in result.values.items()}


@pytest.mark.parametrize(
    ("text", "value", "quote", "confidence"),
    [
        ("Total: USD 1,234.56", "1234.56", "1,234.56", "0.80"),
        ("Gesamt: 1.234,56 EUR", "1234.56", "1.234,56", "0.80"),
        ("Total : 1 234,56 EUR", "1234.56", "1 234,56", "0.80"),
        ("Total: CHF 1'234.56", "1234.56", "1'234.56", "0.80"),
        ("Total fee 12500 USD", "12500.00", "12500", "0.80"),
        ("Total fee: 12500.00", "12500.00", "12500.00", "0.90"),
        ("Total: $12,500.00", "12500", "12,500.00", "0.80"),
        ("Total: EUR 12.500", "12500", "12.500", "0.65"),  # could be twelve and a half
        ("Total contract value: USD 1.2 million", "1200000", "1.2 million", "0.80"),
        ("Total contract value: $250k", "250000", "250k", "0.80"),
    ],
)
def test_numbers_are_grounded_in_any_written_form(
    text: str, value: str, quote: str, confidence: str
) -> None:
    assert grounded(text, {"total_contract_value": value}) == {
        "total_contract_value": (quote, Decimal(confidence))
    }


def test_whole_numbers_written_in_words() -> None:
    text = "Invoices are payable within thirty days. Renewal notice: forty-five days."
    assert grounded(text, {"payment_terms": {"net_days": 30}, "renewal": {"notice_days": 45}}) == {
        "payment_terms.net_days": ("thirty", Decimal("0.80")),
        "renewal.notice_days": ("forty-five", Decimal("0.80")),
    }


@pytest.mark.parametrize(
    ("text", "quote", "confidence"),
    [
        ("Start date: 2026-03-01.", "2026-03-01", "0.90"),
        ("Start date: March 1, 2026.", "March 1, 2026", "0.80"),
        ("Start date: Mar. 1st, 2026.", "Mar. 1st, 2026", "0.80"),
        ("Start date: 1 March 2026.", "1 March 2026", "0.80"),
        ("Start date: 1st of March 2026.", "1st of March 2026", "0.80"),
        ("Start date: the 1st day of March, 2026.", "1st day of March, 2026", "0.80"),
        ("Beginn: 1. März 2026.", "1. März 2026", "0.80"),
        ("Date de début : 1er mars 2026.", "1er mars 2026", "0.80"),
        ("Start date: 01-Mar-2026.", "01-Mar-2026", "0.80"),
        ("Start date: 01.03.2026.", "01.03.2026", "0.80"),  # dots: day first
        ("Start date: 2026/03/01.", "2026/03/01", "0.80"),
        ("Start date: 01/03/2026.", "01/03/2026", "0.65"),  # or 3 January
        ("Start date: 03/01/2026.", "03/01/2026", "0.65"),  # or 3 January, the other way
    ],
)
def test_dates_are_grounded_in_any_written_form(text: str, quote: str, confidence: str) -> None:
    assert grounded(text, {"start_date": "2026-03-01"}) == {
        "start_date": (quote, Decimal(confidence))
    }


def test_currency_codes_symbols_and_names() -> None:
    assert grounded("Fees: 9.000,00 €", {"currency": "EUR"}) == {"currency": ("€", Decimal("0.70"))}
    assert grounded("Fees: £9,000", {"currency": "GBP"}) == {"currency": ("£", Decimal("0.70"))}
    assert grounded("Fees: $9,000", {"currency": "USD"}) == {"currency": ("$", Decimal("0.65"))}
    assert grounded("Fees in Japanese yen", {"currency": "JPY"}) == {
        "currency": ("yen", Decimal("0.70"))
    }


def test_text_ignoring_case_spacing_and_identifier_separators() -> None:
    text = "Bill to:  GLOBEX\n  CORPORATION\nVAT No. DE 811 907 980\nPO # 4500-0012-77"
    assert grounded(
        text,
        {
            "customer": {
                "name": "Globex Corporation",
                "tax_ids": [{"scheme": "vat", "value": "DE811907980"}],
            },
            "purchase_order": {"number": "4500001277"},
        },
    ) == {
        "customer.name": ("GLOBEX\n  CORPORATION", Decimal("0.80")),
        "customer.tax_ids[0].scheme": ("VAT", Decimal("0.80")),
        "customer.tax_ids[0].value": ("DE 811 907 980", Decimal("0.80")),
        "purchase_order.number": ("4500-0012-77", Decimal("0.80")),
    }


# --------------------------------------------------------------------------
# What grounding refuses


def reasons(text: str, candidate: dict[str, Any]) -> list[tuple[str, str]]:
    result = ground(candidate, Document.from_text("doc.txt", text), extractor="llm/m")
    return [(u.path, u.reason) for u in result.ungrounded]


def test_strictness_numbers_dates_names_and_clauses_the_text_does_not_state() -> None:
    text = (
        "Statement of Work for Initech LLC. PO 4500012345. Fixed fee: USD 18,000.00, "
        "billed quarterly. Kick-off in March 2026. This SOW will not automatically renew."
    )
    assert reasons(
        text,
        {
            "customer": {"name": "Initech Holdings LLC"},
            "not_to_exceed": "4500",  # digits inside the PO number are not an amount
            "total_contract_value": "18500.00",
            "start_date": "2026-03-01",  # the month is stated, the day is not
            "billing": {"frequency": "monthly"},
            "renewal": {"auto_renew": True},
        },
    ) == [
        ("customer.name", "the text 'Initech Holdings LLC' is not in the document"),
        ("not_to_exceed", "the number 4500 appears nowhere in the document"),
        ("total_contract_value", "the number 18500.00 appears nowhere in the document"),
        ("start_date", "the date 2026-03-01 is not stated in the document in any written form"),
        ("billing.frequency", "no words in the document say frequency is 'monthly'"),
        ("renewal.auto_renew", "no words in the document say auto_renew is 'true'"),
    ]


def test_a_stated_no_is_grounded_like_a_yes() -> None:
    text = "This SOW will not automatically renew."
    assert grounded(text, {"renewal": {"auto_renew": False}}) == {
        "renewal.auto_renew": ("not automatically renew", Decimal("0.70"))
    }


def test_values_that_are_not_contract_terms_or_not_of_the_right_kind() -> None:
    text = "Order Form. Net 30. Start 2026-03-01. Monthly."
    assert reasons(
        text,
        {
            "sales_rep": "Jane",
            "payment_terms": {"net_days": "thirty"},
            "start_date": "03/01/2026",
            "billing": {"frequency": "weekly"},
            "lines": [{"quantity": -3}],
            "supplier": "Acme",
        },
    ) == [
        ("sales_rep", "not a value of contract terms"),
        ("payment_terms.net_days", "not a decimal number such as '1200.00'"),
        ("start_date", "not a date written YYYY-MM-DD"),
        ("billing.frequency", "not one of monthly, quarterly, semi_annual, annual, one_time"),
        ("lines[0].quantity", "not a non-negative decimal number"),
        ("supplier", "not a value of contract terms"),
    ]


def test_field_kinds_follow_the_contract_model() -> None:
    assert [
        field_kind(path)
        for path in (
            "lines[3].tiers[0].up_to",
            "renewal.notice_days",
            "milestones[0].due_date",
            "purchase_order.required",
            "rate_card[1].unit",
            "customer.tax_ids[0].value",
            "invoicing_provisions.notes[0]",
            "supplier",
            "lines[0].colour",
        )
    ] == ["decimal", "integer", "date", "bool", "enum", "identifier", "text", None, None]


def test_line_evidence_near_the_line_counts_more_than_evidence_elsewhere() -> None:
    text = (
        "1. Kick-off workshop, one-time fee: EUR 3,000.00\n"
        + "General terms apply. " * 20
        + "\nAll recurring fees are subscription fees.\n"
        "2. Analytics seats: EUR 4,800.00\n"
    )
    result = ground(
        {
            "lines": [
                {"description": "Kick-off workshop", "billing_model": "one_time"},
                {"description": "Analytics seats", "billing_model": "subscription"},
                {"description": "Travel", "billing_model": "expenses"},
            ]
        },
        Document.from_text("sow.txt", text),
        extractor="llm/m",
    )
    models = {
        path: (v.provenance.quote, v.confidence)
        for path, v in result.values.items()
        if path.endswith("billing_model")
    }
    assert models == {
        "lines[0].billing_model": ("one-time", Decimal("0.75")),
        "lines[1].billing_model": ("subscription", Decimal("0.75")),
    }
    assert result.ungrounded == [
        UngroundedValue(
            "lines[2].description", "Travel", "the text 'Travel' is not in the document"
        ),
        UngroundedValue(
            "lines[2].billing_model",
            "expenses",
            "no words in the document say billing_model is 'expenses'",
        ),
    ]


def test_line_evidence_only_far_away_is_weak() -> None:
    text = "Subscription order.\n" + "Definitions apply. " * 30 + "\nItem: Analytics seats, 40"
    result = ground(
        {"lines": [{"description": "Analytics seats", "billing_model": "subscription"}]},
        Document.from_text("of.txt", text),
        extractor="llm/m",
    )
    model = result.values["lines[0].billing_model"]
    assert (model.provenance.quote, model.confidence) == ("Subscription", Decimal("0.55"))


# --------------------------------------------------------------------------
# Whatever a model answers, grounding answers calmly, and every quote is the source text

_KEYS = st.sampled_from(
    [
        "currency",
        "lines",
        "description",
        "quantity",
        "unit_price",
        "start_date",
        "billing",
        "frequency",
        "customer",
        "name",
        "renewal",
        "auto_renew",
        "oops",
        "provenance",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9),
    st.text(max_size=20),
    st.sampled_from(["USD", "2026-03-01", "annual", "40", "1150.00", "Umbrella Corporation"]),
)
_ANSWERS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)


@given(answer=st.dictionaries(_KEYS, _ANSWERS, max_size=6))
def test_any_answer_is_grounded_or_reported_never_a_crash(answer: dict[str, Any]) -> None:
    document = Document.from_text("umbrella-of.txt", UMBRELLA)
    result = ground(answer, document, extractor="llm/m")
    for path, value in result.values.items():
        source = value.provenance
        assert source.span is not None
        assert source.quote == UMBRELLA[source.span[0] : source.span[1]]
        assert field_kind(path) is not None
    reported = {u.path for u in result.ungrounded} | set(result.skipped)
    assert not reported & set(result.values)
