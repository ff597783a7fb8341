"""Run extraction over a labelled corpus and score it: ``evaluate_directory``.

A corpus is a directory of documents, each ``NAME.ext`` beside its gold file
``NAME.gold.json`` (see ``billops.domain.evaluation`` and docs/evaluation.md).
For every gold file the workflow reads the document with the readers
(``billops.adapters.documents.read_document``), extracts its terms
(``billops.domain.extraction.extract_terms``) and scores the result; the
report sums the scores. Nothing is stored.

A document that cannot be read or extracted (missing file, corrupt PDF, a
bug in an extractor) is not a crash: it is scored as if nothing had been
extracted, every gold field missed, with the error on its row, so one bad
file never hides the figures of the others. A malformed gold file is
different: the yardstick itself is broken, so it is an ``InvalidInput``
naming the file and the field.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from billops.adapters.files import load_mapping
from billops.domain.evaluation import (
    DocumentScore,
    EvaluationReport,
    Gold,
    score_document,
    summarise,
    unflatten_values,
)
from billops.errors import BillopsError, InvalidInput, NotFound
from billops.workflows.progress import SILENT, Progress

if TYPE_CHECKING:
    from billops.domain.extraction.model import Extraction

GOLD_SUFFIX = ".gold.json"

Extractor = Callable[[Path], "Extraction"]
"""Reads and extracts one document file; the default uses the readers and ``extract_terms``."""


def gold_files(directory: Path) -> list[Path]:
    """Every ``*.gold.json`` under ``directory`` (recursively), in name order."""
    if not directory.is_dir():
        raise NotFound("is not a directory", source=str(directory))
    found = sorted(directory.rglob(f"*{GOLD_SUFFIX}"))
    if not found:
        raise InvalidInput(
            f"holds no gold files (*{GOLD_SUFFIX})",
            source=str(directory),
            hint="each document NAME.ext needs NAME.gold.json beside it",
        )
    return found


def document_for(gold_path: Path) -> Path | None:
    """The document a gold file labels: same stem, any other extension; None if absent."""
    stem = gold_path.name[: -len(GOLD_SUFFIX)]
    candidates = sorted(
        p
        for p in gold_path.parent.glob(f"{stem}.*")
        if p.name != gold_path.name
        and not p.name.endswith(GOLD_SUFFIX)
        and p.name[len(stem) + 1 :].count(".") == 0
    )
    return candidates[0] if candidates else None


def load_gold(path: Path) -> Gold:
    """Read and validate one gold file; ``InvalidInput`` names the file and the field."""
    return Gold.parse(load_mapping(path), source=str(path))


def default_extractor() -> Extractor:
    """The readers, then ``extract_terms``; a ``BillopsError`` when they are not installed.

    Imported by name when first needed: the readers pull in pdfplumber,
    python-docx and Tesseract, which scoring alone does not need.
    """
    try:
        read_document: Callable[[Path], Any] = importlib.import_module(
            "billops.adapters.documents"
        ).read_document
        extract_terms: Callable[[Any], Extraction] = importlib.import_module(
            "billops.domain.extraction"
        ).extract_terms
    except (ImportError, AttributeError) as error:
        raise BillopsError(
            f"extraction is not available in this installation ({error})",
            hint="the document readers and extract_terms are needed to evaluate",
        ) from error

    def read_and_extract(path: Path) -> Extraction:
        return extract_terms(read_document(path))

    return read_and_extract


def extracted_terms(extraction: Extraction) -> dict[str, Any] | None:
    """What an extraction offers as terms, as plain data: None for ``not_a_contract``.

    The assembled terms when there are any, otherwise the individual values
    (a partial draft is still what a person would review).
    """
    if extraction.classification.kind.value == "not_a_contract":
        return None
    if extraction.terms is not None:
        data: dict[str, Any] = extraction.terms.model_dump(mode="json")
        return data
    return unflatten_values({path: v.value for path, v in extraction.values.items()})


def evaluate_file(gold_path: Path, extractor: Extractor | None = None) -> DocumentScore:
    """Score one labelled document; a document that fails is scored as all-missed.

    ``extractor`` defaults to ``default_extractor()`` (the readers, then
    ``extract_terms``); tests pass their own.
    """
    extractor = extractor or default_extractor()
    gold = load_gold(gold_path)
    document = document_for(gold_path)
    name = document.name if document is not None else gold_path.name[: -len(GOLD_SUFFIX)]
    if document is None:
        return score_document(name, gold, None, None, (), error="no document beside the gold file")
    started = time.perf_counter_ns()
    try:
        extraction = extractor(document)
    except BillopsError as error:
        return score_document(name, gold, None, None, (), error=error.describe())
    except Exception as error:  # an extractor bug must not hide the other documents' scores
        return score_document(
            name, gold, None, None, (), error=f"internal error: {type(error).__name__}: {error}"
        )
    milliseconds = (time.perf_counter_ns() - started) // 1_000_000
    return score_document(
        name,
        gold,
        extraction.classification.kind.value,
        extracted_terms(extraction),
        [finding.rule_id for finding in extraction.findings],
        milliseconds=milliseconds,
    )


def evaluate_directory(
    path: Path, *, extractor: Extractor | None = None, progress: Progress = SILENT
) -> EvaluationReport:
    """Read, extract and score every labelled document under ``path``."""
    golds = gold_files(path)
    for gold_path in golds:  # a broken yardstick stops the run before any work
        load_gold(gold_path)
    extractor = extractor or default_extractor()
    progress.start("evaluating", len(golds))
    scores: list[DocumentScore] = []
    for gold_path in golds:
        scores.append(evaluate_file(gold_path, extractor))
        progress.advance()
    return summarise(scores)
