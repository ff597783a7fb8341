"""evaluate_directory and ``billops eval extract`` on small corpora under tmp_path."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from billops.domain.contract import parse_contract
from billops.domain.evaluation import Counts
from billops.domain.extraction.model import Classification, DocumentKind, Extraction
from billops.domain.findings import Finding, Severity
from billops.errors import InvalidInput
from billops.interfaces.cli.main import main
from billops.workflows import evaluation
from billops.workflows.evaluation import evaluate_directory
from tests.corpus import build_corpus

CORPUS = Path(build_corpus.__file__).parent

TERMS: dict[str, Any] = {
    "contract_id": "OF-7",
    "document_type": "order_form",
    "supplier": {"name": "Acme Software, Inc."},
    "customer": {"name": "Globex Corporation"},
    "currency": "EUR",
    "payment_terms": {"net_days": 30},
}


def write_corpus(root: Path) -> Path:
    """Three labelled documents: a good order form, an unreadable one, a letter."""
    root.mkdir(exist_ok=True)
    for name, kind, terms in (
        ("good", "order_form", TERMS),
        ("broken", "order_form", TERMS),
        ("letter", "not_a_contract", None),
    ):
        (root / f"{name}.txt").write_text(f"{name} document\n", encoding="utf-8")
        gold = {"classification": kind, "terms": terms, "expected_findings": [], "notes": name}
        (root / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def fake_extractor(path: Path) -> Extraction:
    """Reads the good order form with its customer wrong; chokes on the broken one."""
    if path.stem == "broken":
        raise InvalidInput("file is encrypted", source=str(path))
    if path.stem == "letter":
        kind = Classification(DocumentKind.NOT_A_CONTRACT, Decimal("0.9"))
        return Extraction(path.name, "0" * 64, kind)
    terms = parse_contract({**TERMS, "customer": {"name": "Initech"}})
    finding = Finding("EXTRACT-ARITH-LINE", Severity.ERROR, "10 x 100 is not 1,100")
    kind = Classification(DocumentKind.ORDER_FORM, Decimal("0.9"))
    return Extraction(path.name, "0" * 64, kind, terms=terms, findings=(finding,))


def test_a_directory_is_scored_document_by_document(tmp_path: Path) -> None:
    report = evaluate_directory(write_corpus(tmp_path / "c"), extractor=fake_extractor)

    by_name = {score.document: score for score in report.documents}
    assert list(by_name) == ["broken.txt", "good.txt", "letter.txt"]
    # good: classification, supplier.name, currency, net_days right; customer wrong
    assert by_name["good.txt"].overall == Counts(tp=4, fp=1, fn=1)
    assert by_name["good.txt"].findings == Counts(fp=1)
    # broken: read failed, all 5 gold leaves missed, the error on its row
    assert by_name["broken.txt"].overall == Counts(fn=5)
    assert by_name["broken.txt"].error is not None
    assert "file is encrypted" in by_name["broken.txt"].error
    # letter: rightly not a contract, nothing else to score
    assert by_name["letter.txt"].overall == Counts(tp=1)
    assert report.overall == Counts(tp=5, fp=1, fn=6)
    assert [s.document for s in report.errored] == ["broken.txt"]


def test_a_gold_without_its_document_is_reported_not_fatal(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c")
    (root / "good.txt").unlink()
    report = evaluate_directory(root, extractor=fake_extractor)
    missing = next(s for s in report.documents if s.document == "good")
    assert missing.error == "no document beside the gold file"


def test_a_broken_gold_file_stops_the_run_naming_it(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c")
    (root / "good.gold.json").write_text('{"classification": "order_form", "terms": {}}')
    with pytest.raises(InvalidInput) as caught:
        evaluate_directory(root, extractor=fake_extractor)
    assert "good.gold.json" in caught.value.describe()


def test_the_cli_prints_the_table_and_exits_1_when_a_document_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(evaluation, "default_extractor", lambda: fake_extractor)
    root = write_corpus(tmp_path / "c")

    code = main(["eval", "extract", str(root), "--misses", "3"])
    out = capsys.readouterr().out
    assert code == 1
    assert "overall field F1: 0.588" in out  # 2 x 5 / (2 x 5 + 1 + 6) = 10 / 17
    assert "error: broken.txt: " in out
    assert "Misses (3 of 7)" in out  # 5 for broken, 2 for good (customer, finding)

    code = main(["eval", "extract", str(root), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["overall"] == {
        "tp": 5, "fp": 1, "fn": 6, "precision": "0.8333", "recall": "0.4545", "f1": "0.5882",
    }  # fmt: skip
    assert {"document": "good.txt", "field": "customer.name", "expected": "globex corporation",
            "got": "initech", "kind": "wrong"} in data["misses"]  # fmt: skip


def test_the_cli_refuses_a_directory_without_gold_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "extract", str(tmp_path)]) == 2
    assert "holds no gold files" in capsys.readouterr().err


def test_the_real_extractor_runs_over_a_two_document_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mini"
    root.mkdir()
    for name in ("of-kestrel-prairie.txt", "novel-excerpt-lighthouse.txt"):
        shutil.copy(CORPUS / name, root / name)
        gold = name.rsplit(".", 1)[0] + ".gold.json"
        shutil.copy(CORPUS / gold, root / gold)

    code = main(["eval", "extract", str(root), "--json"])
    data = json.loads(capsys.readouterr().out)

    assert code == 0
    assert [d["document"] for d in data["documents"]] == [
        "novel-excerpt-lighthouse.txt", "of-kestrel-prairie.txt",
    ]  # fmt: skip
    assert all(d["error"] is None for d in data["documents"])
    novel = data["documents"][0]
    assert novel["got_kind"] == "not_a_contract"
    assert data["families"]["classification"]["tp"] == 2
    assert "0.0000" < data["overall"]["f1"] <= "1.0000"  # four places, as text
