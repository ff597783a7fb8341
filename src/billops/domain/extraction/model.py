"""What an extractor returns: values with their sources, what is missing, what disagrees.

An ``Extraction`` never guesses silently. Each value it found is an
``ExtractedValue`` carrying the field path (the provenance spelling,
``lines[2].unit_price``), the value in the JSON shape of ``ContractTerms``
(strings for decimals, ISO dates), where it came from (``Provenance``:
page, span, box, quote) and a confidence. Fields it looked for and did not
find are listed in ``missing``; arithmetic the document states and that
does not add up becomes a ``Finding`` quoting both sources.

``terms`` is the assembled ``ContractTerms`` when the values are enough to
make one (they hold every required field and validate); otherwise it is
``None`` and ``problems`` says why, so a person can complete the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from billops.domain.contract import ContractTerms, Provenance
from billops.domain.findings import Finding


class DocumentKind(StrEnum):
    ORDER_FORM = "order_form"
    SOW = "sow"
    AMENDMENT = "amendment"
    MSA = "msa"
    NOT_A_CONTRACT = "not_a_contract"  # an invoice, a letter, a novel, an empty scan


@dataclass(frozen=True)
class Classification:
    kind: DocumentKind
    confidence: Decimal
    reasons: tuple[str, ...] = ()  # e.g. "title 'Statement of Work' on page 1"


@dataclass(frozen=True)
class ExtractedValue:
    path: str
    value: Any  # JSON-native: str (decimals, dates, text), int, bool, None
    provenance: Provenance
    confidence: Decimal
    extractor: str = "rules/1"  # which extractor produced it: rules/1, llm/<model>, human


@dataclass(frozen=True)
class Extraction:
    document_name: str
    sha256: str
    classification: Classification
    values: dict[str, ExtractedValue] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    terms: ContractTerms | None = None
    problems: tuple[str, ...] = ()  # why terms could not be assembled
    notes: tuple[str, ...] = ()  # e.g. "date 03/04/2026 read day-first from the EUR currency"
    decisions: dict[str, str] = field(default_factory=dict)  # field path -> why this value was kept

    def as_dict(self) -> dict[str, Any]:
        """The JSON that ``billops extract --json`` prints."""
        return {
            "document": {"name": self.document_name, "sha256": self.sha256},
            "classification": {
                "kind": self.classification.kind.value,
                "confidence": str(self.classification.confidence),
                "reasons": list(self.classification.reasons),
            },
            "terms": None if self.terms is None else self.terms.model_dump(mode="json"),
            "values": {
                path: {
                    "value": v.value,
                    "confidence": str(v.confidence),
                    "extractor": v.extractor,
                    "source": v.provenance.model_dump(mode="json"),
                }
                for path, v in self.values.items()
            },
            "missing": list(self.missing),
            "findings": [f.as_dict() for f in self.findings],
            "problems": list(self.problems),
            "notes": list(self.notes),
            "decisions": dict(self.decisions),
        }
