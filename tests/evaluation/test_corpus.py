"""The labelled corpus under tests/corpus: complete, valid, varied, small, and current."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from billops.domain.evaluation import Gold
from billops.workflows.evaluation import document_for, gold_files, load_gold
from tests.corpus import build_corpus

CORPUS = Path(build_corpus.__file__).parent
GOLDS = gold_files(CORPUS)


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.name)
def test_every_gold_validates_and_labels_a_document_that_exists(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    document = document_for(gold_path)
    assert document is not None and document.stat().st_size > 0
    if gold.terms is not None:
        assert gold.terms.document_type.value == gold.classification.value
    assert gold.notes, "say what is special about the document"


def test_the_corpus_has_the_variety_the_issue_asks_for() -> None:
    specs = build_corpus.SPECS
    assert len(specs) >= 30
    assert len(GOLDS) == len(specs)
    kinds = Counter(spec.classification for spec in specs)
    assert kinds["order_form"] >= 10 and kinds["sow"] >= 8 and kinds["amendment"] >= 4
    assert kinds["msa"] >= 1 and kinds["not_a_contract"] >= 3
    formats = Counter(spec.ext for spec in specs)
    assert {"pdf", "docx", "html", "md", "txt", "png"} <= set(formats)
    layouts = {spec.layout for spec in specs if spec.ext == "pdf"}
    assert {"table", "prose", "two_column", "letterhead", "multipage", "scan"} <= layouts
    assert sum(spec.layout == "scan" for spec in specs) >= 5
    contracts = [spec for spec in specs if spec.terms is not None]
    assert {spec.terms["currency"] for spec in contracts if spec.terms} >= {
        "USD", "EUR", "GBP", "CHF", "JPY", "SEK", "AUD", "CAD",
    }  # fmt: skip
    assert {spec.style.dates for spec in contracts} >= {
        "iso", "us", "uk", "dmy_slash", "dmy_dot", "de",
    }  # fmt: skip
    assert {spec.style.numbers for spec in contracts} >= {"us", "eu", "fr", "ch"}
    models = {
        line["billing_model"] for spec in contracts if spec.terms for line in spec.terms["lines"]
    }
    assert models >= {
        "subscription", "usage", "one_time", "hardware", "maintenance", "fixed_fee",
        "time_and_materials", "expenses",
    }  # fmt: skip
    findings = Counter(f for spec in specs for f in spec.expected_findings)
    assert set(findings) == {
        "EXTRACT-ARITH-LINE", "EXTRACT-ARITH-TOTAL", "EXTRACT-ARITH-MILESTONES",
        "EXTRACT-PO-MISSING",
    }  # fmt: skip


def test_the_corpus_is_small_on_disk() -> None:
    total = sum(path.stat().st_size for path in CORPUS.iterdir() if path.is_file())
    assert total < 15 * 1024 * 1024


def test_gold_and_text_documents_are_what_build_corpus_generates() -> None:
    """Text and gold can never disagree: both come from the spec (re-run build_corpus.py)."""
    for spec in build_corpus.SPECS:
        gold = json.loads((CORPUS / f"{spec.name}.gold.json").read_text(encoding="utf-8"))
        assert gold == build_corpus.gold(spec), spec.name
        Gold.parse(gold, source=spec.name)
        if spec.ext in ("txt", "md", "html"):
            assert (CORPUS / spec.filename).read_bytes() == build_corpus.render(spec), spec.name


def test_every_stated_value_appears_in_the_text_of_a_text_document() -> None:
    """Spot check of compose: the amounts and parties of a plain-text order form, as spelt."""
    text = (CORPUS / "of-kestrel-prairie.txt").read_text(encoding="utf-8")
    for spelt in (
        "Kestrel Data Services Inc.",
        "Prairie Grain Co-operative Ltd.",
        "54,000.00 CAD",
        "95.00 CAD per unit",
        "June 1, 2026",
        "May 31, 2027",
        "30 days net",
        "12-month terms",
        "more than 4%",
    ):
        assert spelt in text, spelt
