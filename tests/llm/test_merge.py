"""Merging the rules' reading with the LLM's grounded reading, one explained decision per field.

The story: Hooli's order form is read by the rules (built here by hand, as
the rules extractor would report it, including one misreading) and by the
LLM through the local chat-completions service; the merge keeps what both
agree on, fills in what only the LLM found, settles two conflicts and
drops an invented PO number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billops.adapters.llm import LlmExtractor, LlmSettings
from billops.domain.contract import DocumentRef, Provenance, parse_contract
from billops.domain.document import Document
from billops.domain.extraction.grounding import GroundingResult, UngroundedValue, ground
from billops.domain.extraction.merge import assemble_terms, merge, nest_values, same_value
from billops.domain.extraction.model import (
    Classification,
    DocumentKind,
    ExtractedValue,
    Extraction,
)
from billops.domain.findings import Severity
from tests.llm.fake_chat_service import FakeChatService

HOOLI = (
    "ORDER FORM OF-2026-201\n"
    "\n"
    "Supplier: Pied Piper Ltd\n"
    "Customer: Hooli Inc.\n"
    "Start Date: 2026-04-01 for 12 months\n"
    "\n"
    "Platform subscription, 10 users at USD 1,000.00 = USD 10,000.00 per year.\n"
    "Invoiced annually in advance. Payment terms: Net 45 days from invoice date.\n"
    "Either party may terminate for breach on 30 days' written notice.\n"
)
DOCUMENT = Document.from_text("hooli-of.txt", HOOLI)

LLM_ANSWER: dict[str, Any] = {
    "contract_id": "OF-2026-201",
    "document_type": "order_form",
    "supplier": {"name": "Pied Piper Ltd"},
    "customer": {"name": "Hooli Inc."},
    "currency": "USD",
    "start_date": "2026-04-01",
    "payment_terms": {"net_days": 45},
    "billing": {"frequency": "annual", "timing": "advance"},
    "purchase_order": {"number": "PO-5521"},
    "lines": [
        {
            "line_id": "L1",
            "description": "Platform subscription",
            "billing_model": "subscription",
            "quantity": 12,
            "unit_price": "1000",
            "amount": "10000.00",
        }
    ],
}


def by_rules(path: str, value: Any, quote: str, confidence: str, after: str = "") -> ExtractedValue:
    """A value as the rules extractor reports it: the quote's span, page 1, ``rules/1``."""
    start = HOOLI.index(quote, HOOLI.index(after) if after else 0)
    source = Provenance(
        document=DocumentRef(name=DOCUMENT.name, sha256=DOCUMENT.sha256),
        page=1,
        span=(start, start + len(quote)),
        quote=quote,
        confidence=Decimal(confidence),
        extractor="rules/1",
    )
    return ExtractedValue(path, value, source, Decimal(confidence), "rules/1")


RULES_VALUES = [
    by_rules("contract_id", "OF-2026-201", "OF-2026-201", "0.95"),
    by_rules("document_type", "order_form", "ORDER FORM", "0.90"),
    by_rules("supplier.name", "Pied Piper Ltd", "Pied Piper Ltd", "0.85"),
    by_rules("customer.name", "Hooli Inc.", "Hooli Inc.", "0.85"),
    by_rules("currency", "USD", "USD", "0.90"),
    by_rules("start_date", "2026-04-01", "2026-04-01", "0.90"),
    # The rules misread the notice period of the termination clause as the payment terms.
    by_rules("payment_terms.net_days", 30, "30", "0.60", after="terminate"),
    by_rules("billing.frequency", "annual", "annually", "0.80"),
    by_rules("lines[0].description", "Platform subscription", "Platform subscription", "0.85"),
    by_rules("lines[0].billing_model", "subscription", "subscription", "0.80"),
    by_rules("lines[0].quantity", "10", "10", "0.90", after="Platform"),
    by_rules("lines[0].unit_price", "1000.00", "1,000.00", "0.90"),
]


def rules_extraction() -> Extraction:
    return Extraction(
        document_name=DOCUMENT.name,
        sha256=DOCUMENT.sha256,
        classification=Classification(DocumentKind.ORDER_FORM, Decimal("0.9")),
        values={value.path: value for value in RULES_VALUES},
        missing=("lines[0].amount", "billing.timing", "purchase_order"),
        notes=("no table found; lines read from prose",),
        problems=("terms not assembled: lines[0].amount is missing",),
    )


def read_by_the_llm(service: FakeChatService) -> GroundingResult:
    service.answer_json(LLM_ANSWER)
    settings = LlmSettings(service.base_url, service.model, None, 10.0)
    extractor = LlmExtractor(settings)
    return ground(extractor.extract(DOCUMENT), DOCUMENT, extractor=extractor.name)


def test_the_merge_explains_every_field(chat_service: FakeChatService) -> None:
    merged = merge(rules_extraction(), read_by_the_llm(chat_service))

    assert merged.decisions == {
        "contract_id": "rules and llm agree: confidence 0.95 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "document_type": "rules and llm agree: confidence 0.90 (rules/1) and 0.70 "
        "(llm/test-model) -> 0.97",
        "supplier.name": "rules and llm agree: confidence 0.85 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "customer.name": "rules and llm agree: confidence 0.85 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "currency": "rules and llm agree: confidence 0.90 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "start_date": "rules and llm agree: confidence 0.90 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "payment_terms.net_days": "conflict: kept the llm's 45 (confidence 0.90, page 1 at "
        "'45') over the rules' 30 (confidence 0.60, page 1 at '30')",
        "billing.frequency": "rules and llm agree: confidence 0.80 (rules/1) and 0.70 "
        "(llm/test-model) -> 0.94",
        "lines[0].description": "rules and llm agree: confidence 0.85 (rules/1) and 0.90 "
        "(llm/test-model) -> 0.99",
        "lines[0].billing_model": "rules and llm agree: confidence 0.80 (rules/1) and 0.75 "
        "(llm/test-model) -> 0.95",
        "lines[0].quantity": "conflict: kept the rules' '10' (confidence 0.90, page 1 at '10') "
        "over the llm's '12' (confidence 0.90, page 1 at '12')",
        "lines[0].unit_price": "rules and llm agree: confidence 0.90 (rules/1) and 0.80 "
        "(llm/test-model) -> 0.98",
        "billing.timing": "only the llm found it (llm/test-model): grounded on page 1 at "
        "'in advance'",
        "lines[0].amount": "only the llm found it (llm/test-model): grounded on page 1 at "
        "'10,000.00'",
    }


def test_agreed_values_keep_the_rules_source_with_more_confidence(
    chat_service: FakeChatService,
) -> None:
    merged = merge(rules_extraction(), read_by_the_llm(chat_service))

    unit_price = merged.values["lines[0].unit_price"]
    assert (unit_price.value, unit_price.confidence) == ("1000.00", Decimal("0.98"))
    assert unit_price.extractor == "rules/1+llm/test-model"
    assert unit_price.provenance.quote == "1,000.00"
    assert unit_price.provenance.confidence == Decimal("0.98")
    net_days = merged.values["payment_terms.net_days"]
    assert (net_days.value, net_days.extractor, net_days.provenance.quote) == (
        45,
        "llm/test-model",
        "45",
    )


def test_conflicts_become_warnings_quoting_both_sources(chat_service: FakeChatService) -> None:
    merged = merge(rules_extraction(), read_by_the_llm(chat_service))

    conflicts = [f for f in merged.findings if f.rule_id == "EXTRACT-CONFLICT"]
    assert [f.key for f in conflicts] == [
        "EXTRACT-CONFLICT:payment_terms.net_days",
        "EXTRACT-CONFLICT:lines[0].quantity",
    ]
    net_days = conflicts[0]
    assert net_days.severity is Severity.WARNING
    assert net_days.message == (
        "payment_terms.net_days: the rules read 30 from '30' (page 1) but the llm read 45 from "
        "'45' (page 1); kept the llm's value"
    )
    assert dict(net_days.values) == {"rules": "30", "llm": "45", "kept": "45"}
    assert [s.span for s in net_days.sources] == [
        (HOOLI.index("30 days'"), HOOLI.index("30 days'") + 2),
        (HOOLI.index("45 days"), HOOLI.index("45 days") + 2),
    ]


def test_missing_notes_and_terms_are_recomputed(chat_service: FakeChatService) -> None:
    merged = merge(rules_extraction(), read_by_the_llm(chat_service))

    assert merged.missing == ("purchase_order",)
    assert merged.notes == (
        "no table found; lines read from prose",
        "llm value dropped as ungrounded: purchase_order.number = 'PO-5521' "
        "(the text 'PO-5521' is not in the document)",
    )
    assert merged.problems == ()
    assert merged.terms is not None
    line = merged.terms.lines[0]
    assert (line.line_id, line.quantity, line.unit_price, line.amount) == (
        "L1",
        Decimal("10"),
        Decimal("1000.00"),
        Decimal("10000.00"),
    )
    assert merged.terms.payment_terms is not None
    assert merged.terms.payment_terms.net_days == 45
    assert merged.terms.provenance["lines[0].amount"].extractor == "llm/test-model"
    assert merged.as_dict()["decisions"]["lines[0].amount"].startswith("only the llm found it")
    assert (merged.document_name, merged.classification) == (
        "hooli-of.txt",
        Classification(DocumentKind.ORDER_FORM, Decimal("0.9")),
    )


def test_a_value_only_the_rules_found_says_so_and_names_the_dropped_llm_value() -> None:
    rules = rules_extraction()
    llm = GroundingResult(
        values={},
        ungrounded=[UngroundedValue("currency", "EUR", "neither the code EUR nor ...")],
        extractor="llm/test-model",
    )
    merged = merge(rules, llm)
    assert merged.decisions["currency"] == (
        "only the rules found it (rules/1): page 1 at 'USD'; "
        "the llm's 'EUR' was dropped as ungrounded"
    )
    assert merged.values == rules.values
    assert merged.findings == ()


def test_the_rules_terms_are_the_base_the_merged_values_are_laid_on() -> None:
    base = parse_contract(
        {
            "contract_id": "hooli-of",  # from the file name: no value of the document
            "document_type": "order_form",
            "supplier": {"name": "Pied Piper Ltd"},
            "customer": {"name": "Hooli Inc."},
            "currency": "USD",
        }
    )
    values = {v.path: v for v in RULES_VALUES if v.path in ("currency", "customer.name")}
    terms, problems = assemble_terms(values, base)
    assert problems == ()
    assert terms is not None
    assert (terms.contract_id, terms.customer.name) == ("hooli-of", "Hooli Inc.")
    assert sorted(terms.provenance) == ["currency", "customer.name"]


def test_terms_that_cannot_be_assembled_say_why() -> None:
    values = {v.path: v for v in RULES_VALUES if v.path in ("currency", "lines[0].quantity")}
    terms, problems = assemble_terms(values)
    assert terms is None
    assert problems == (
        "contract_id: is required",
        "document_type: is required",
        "supplier: is required",
        "customer: is required",
        "lines[0].description: is required",
        "lines[0].billing_model: is required",
    )


def test_nest_values_builds_the_json_shape_of_the_terms() -> None:
    assert nest_values(
        {
            "customer.address.country": "DE",
            "lines[0].tiers[1].unit_price": "0.05",
            "invoicing_provisions.notes[0]": "Quote PO on every invoice",
        }
    ) == {
        "customer": {"address": {"country": "DE"}},
        "lines": [{"tiers": [{}, {"unit_price": "0.05"}]}],
        "invoicing_provisions": {"notes": ["Quote PO on every invoice"]},
    }


def test_same_value_compares_the_way_a_reviewer_would() -> None:
    assert same_value("total_contract_value", "10000", Decimal("10000.00"))
    assert same_value("lines[0].description", "Platform  Subscription", "platform subscription")
    assert same_value("customer.tax_ids[0].value", "DE 811 907 980", "DE811907980")
    assert not same_value("billing.frequency", "annual", "monthly")
    assert not same_value("renewal.auto_renew", True, "true")
    assert not same_value("start_date", "2026-04-01", "2026-01-04")
