"""Scoring stories: a gold contract, a hand-made extraction, the counts worked out by hand.

Every story's gold is the small order form below. Its scored leaves, counted
by hand: classification (1); supplier.name, customer.name (parties 2);
start_date, end_date (dates 2); currency (money 1); payment_terms.net_days
(terms 1); and line L1's sku, description, billing_model, quantity,
unit_price, amount (lines 6): 13 in all. contract_id, document_type and
line_id are not scored.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from billops.domain.evaluation import Counts, Gold, score_document, summarise, unflatten_values
from billops.errors import InvalidInput


def order_form(**changes: Any) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "contract_id": "OF-1",
        "document_type": "order_form",
        "supplier": {"name": "Acme Software, Inc."},
        "customer": {"name": "Globex Corporation"},
        "currency": "USD",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "payment_terms": {"net_days": 30},
        "lines": [
            {
                "line_id": "L1",
                "sku": "PLAT",
                "description": "Platform subscription",
                "billing_model": "subscription",
                "quantity": "10",
                "unit_price": "100.00",
                "amount": "1000.00",
            }
        ],
    }
    terms.update(changes)
    return terms


def gold_of(terms: dict[str, Any] | None, kind: str = "order_form", **rest: Any) -> Gold:
    return Gold.parse({"classification": kind, "terms": terms, **rest})


def test_a_perfect_extraction_scores_one_everywhere() -> None:
    score = score_document("of.pdf", gold_of(order_form()), "order_form", order_form(), ())
    assert score.overall == Counts(tp=13, fp=0, fn=0)
    assert score.counts["lines"] == Counts(tp=6)
    assert score.counts["classification"] == Counts(tp=1)
    assert (score.overall.precision, score.overall.recall, score.overall.f1) == (1.0, 1.0, 1.0)
    assert score.misses == ()


def test_a_wrong_value_counts_against_both_a_miss_against_recall_an_extra_against_precision() -> (
    None
):
    got = order_form(term_months=12, customer={"name": "  GLOBEX   corporation "})
    del got["end_date"]
    got["lines"] = [{**got["lines"][0], "unit_price": "110.00", "amount": "1000"}]

    score = score_document("of.pdf", gold_of(order_form()), "order_form", got, ())

    # 13 leaves: unit price wrong, end date missed; term_months extra.
    # Case and spaces in the name and "1000" for "1000.00" are not errors.
    assert score.overall == Counts(tp=11, fp=2, fn=2)
    assert score.counts["dates"] == Counts(tp=1, fp=1, fn=1)
    assert score.counts["lines"] == Counts(tp=5, fp=1, fn=1)
    assert score.overall.precision == Fraction(11, 13)
    assert score.overall.recall == Fraction(11, 13)
    assert score.overall.f1 == Fraction(22, 26)
    assert {(m.field, m.expected, m.got, m.kind) for m in score.misses} == {
        ("end_date", "2026-12-31", None, "missed"),
        ("term_months", None, "12", "extra"),
        ("lines[0].unit_price", "100", "110", "wrong"),
    }


def test_reordered_lines_are_aligned_by_sku_and_references_follow_the_alignment() -> None:
    two_lines = order_form(
        lines=[
            {"line_id": "L1", "sku": "PLAT", "description": "Platform", "billing_model":
             "subscription", "amount": "1000.00"},
            {"line_id": "L2", "sku": "ONB", "description": "Onboarding", "billing_model":
             "fixed_fee", "amount": "500.00"},
        ],
        milestones=[{"milestone_id": "M1", "name": "Kick-off", "amount": "500.00",
                     "line_id": "L2"}],
    )  # fmt: skip
    got = order_form(
        lines=[
            {"line_id": "1", "sku": "ONB", "description": "Onboarding", "billing_model":
             "fixed_fee", "amount": "500"},
            {"line_id": "2", "sku": "PLAT", "description": "Platform", "billing_model":
             "subscription", "amount": "1000"},
        ],
        milestones=[{"milestone_id": "x", "name": "Kick-off", "amount": "500", "line_id": "1"}],
    )  # fmt: skip

    score = score_document("of.pdf", gold_of(two_lines), "order_form", got, ())

    # 2 lines x 4 leaves, all right although listed the other way round and
    # with other ids; the milestone's name, amount and line reference right.
    assert score.counts["lines"] == Counts(tp=8)
    assert score.counts["milestones"] == Counts(tp=3)
    assert score.misses == ()


def test_lines_without_sku_are_aligned_by_description() -> None:
    gold_lines = order_form(
        lines=[
            {"line_id": "L1", "description": "Platform subscription, Enterprise",
             "billing_model": "subscription", "amount": "1000.00"},
            {"line_id": "L2", "description": "Onboarding services",
             "billing_model": "one_time", "amount": "500.00"},
        ]
    )  # fmt: skip
    got = order_form(
        lines=[
            {"line_id": "A", "description": "Onboarding services", "billing_model": "one_time",
             "amount": "500.00"},
            {"line_id": "B", "description": "Platform Subscription - Enterprise",
             "billing_model": "subscription", "amount": "1000.00"},
        ]
    )  # fmt: skip

    score = score_document("of.pdf", gold_of(gold_lines), "order_form", got, ())

    # Aligned by similarity; only the description spelt with a dash differs.
    assert score.counts["lines"] == Counts(tp=5, fp=1, fn=1)
    assert [m.field for m in score.misses] == ["lines[0].description"]


def test_a_missing_line_is_all_misses_and_an_invented_line_all_extras() -> None:
    got = order_form(
        lines=[{"line_id": "Z", "sku": "TRAIN", "description": "Training days",
                "billing_model": "one_time", "quantity": "2"}]
    )  # fmt: skip
    gold_lines = order_form()
    gold_lines["lines"].append(
        {"line_id": "L2", "sku": "SUP", "description": "Support", "billing_model": "maintenance"}
    )

    score = score_document("of.pdf", gold_of(gold_lines), "order_form", got, ())

    # The invented line Z shares no sku and no similar description with
    # either gold line, so it is paired by position with L1:
    # sku, description, billing_model and quantity wrong (4 fp + 4 fn),
    # unit_price and amount missed (2 fn). L2 has no partner: its sku,
    # description and billing_model are missed (3 fn).
    assert score.counts["lines"] == Counts(tp=0, fp=4, fn=9)


def test_an_extracted_line_beyond_gold_counts_against_precision_only() -> None:
    got = order_form()
    got["lines"] = [
        *got["lines"],
        {"line_id": "L9", "description": "Free trial", "billing_model": "one_time"},
    ]
    score = score_document("of.pdf", gold_of(order_form()), "order_form", got, ())
    assert score.counts["lines"] == Counts(tp=6, fp=2, fn=0)
    assert {m.field for m in score.misses} == {"lines[1].description", "lines[1].billing_model"}


def test_values_equal_to_the_default_are_not_stated_on_either_side() -> None:
    stated = order_form(
        invoicing_provisions={"delivery_channel": "email", "po_on_invoice": True},
        billing={"frequency": "annual", "timing": "advance"},
    )
    got = order_form(billing={"frequency": "annual"})
    score = score_document("of.pdf", gold_of(stated), "order_form", got, ())
    # email delivery and advance timing are defaults: not counted. The PO
    # clause is missed; the frequency found.
    assert score.counts["terms"] == Counts(tp=2, fp=0, fn=1)
    assert [m.field for m in score.misses] == ["invoicing_provisions.po_on_invoice"]


def test_a_contract_read_from_an_invoice_is_wrong_twice() -> None:
    invoice = gold_of(None, "not_a_contract")
    got = {"currency": "USD", "supplier": {"name": "Acme"}, "total_contract_value": "500"}

    misread = score_document("invoice.pdf", invoice, "order_form", got, ())
    right = score_document("invoice.pdf", invoice, "not_a_contract", None, ())

    assert misread.counts["classification"] == Counts(fp=1, fn=1)
    assert misread.overall == Counts(tp=0, fp=4, fn=1)
    assert right.overall == Counts(tp=1)


def test_findings_are_scored_as_sets_of_rule_ids_apart_from_fields() -> None:
    gold = gold_of(order_form(), expected_findings=["EXTRACT-ARITH-LINE"])
    score = score_document(
        "of.pdf", gold, "order_form", order_form(), ["EXTRACT-ARITH-LINE", "EXTRACT-ARITH-TOTAL"]
    )
    assert score.findings == Counts(tp=1, fp=1, fn=0)
    assert score.overall == Counts(tp=13)  # findings are not fields
    assert [(m.field, m.got, m.kind) for m in score.misses] == [
        ("findings", "EXTRACT-ARITH-TOTAL", "extra")
    ]


def test_a_document_that_failed_misses_everything() -> None:
    score = score_document(
        "broken.pdf", gold_of(order_form()), None, None, (), error="file is encrypted"
    )
    assert score.overall == Counts(tp=0, fp=0, fn=13)
    assert score.error == "file is encrypted"
    assert score.overall.f1 == 0.0


def test_the_report_sums_documents_per_family_micro_averaged() -> None:
    perfect = score_document("a.pdf", gold_of(order_form()), "order_form", order_form(), ())
    failed = score_document("b.pdf", gold_of(order_form()), None, None, (), error="unreadable")
    report = summarise([failed, perfect])

    assert [s.document for s in report.documents] == ["a.pdf", "b.pdf"]
    assert report.overall == Counts(tp=13, fp=0, fn=13)
    assert report.overall.precision == 1.0
    assert report.overall.recall == 0.5
    assert report.overall.f1 == Fraction(26, 39)
    assert report.families["lines"] == Counts(tp=6, fn=6)
    assert [s.document for s in report.errored] == ["b.pdf"]
    as_json = report.as_dict()
    assert as_json["overall"] == {
        "tp": 13, "fp": 0, "fn": 13,
        "precision": Decimal("1.0000"), "recall": Decimal("0.5000"), "f1": Decimal("0.6667"),
    }  # fmt: skip
    assert len(as_json["misses"]) == 13


def test_field_values_unflatten_into_terms_for_scoring() -> None:
    values = {
        "currency": "USD",
        "supplier.name": "Acme Software, Inc.",
        "customer.name": "Globex Corporation",
        "lines[0].sku": "PLAT",
        "lines[0].unit_price": "100",
    }
    got = unflatten_values(values)
    assert got["lines"] == [{"sku": "PLAT", "unit_price": "100"}]
    score = score_document("of.pdf", gold_of(order_form()), "order_form", got, ())
    assert score.overall == Counts(tp=6, fp=0, fn=7)


def test_empty_counts_mean_nothing_was_wrong() -> None:
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)
    assert Counts(tp=3, fp=1, fn=0).precision == 0.75


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"classification": "invoice", "terms": None}, "classification: must be one of"),
        ({"classification": "not_a_contract", "terms": {}}, "terms: must be null"),
        ({"classification": "sow", "terms": order_form()}, "disagrees with terms.document_type"),
        ({"classification": "order_form", "terms": None}, "terms: must hold"),
        ({"classification": "order_form", "terms": order_form(), "note": ""}, "note: is not"),
        (
            {"classification": "order_form", "terms": order_form(currency="usd")},
            "gold.json: currency",
        ),
    ],
)
def test_a_malformed_gold_file_is_refused_with_the_field(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Gold.parse(data, source="x.gold.json")
    assert message in caught.value.describe()
