"""Sources: tying every extracted value to the text it was read from.

A billing analyst trusts an extracted value only when she can see where it
came from. Every value the rules extractor produces is put through a
``Collector``, which makes its ``Provenance``: the document (name and
sha256), the page, the character span ``[start, end)`` in
``Document.text``, the box of the table cell or text block holding it (when
the reader measured one), the quote (exactly ``document.text[start:end]``)
and the confidence.

    >>> from decimal import Decimal
    >>> from billops.domain.document import Document
    >>> doc = Document.from_text("of.txt", "Currency: EUR\\fPayment terms: Net 30")
    >>> found = Collector(doc)
    >>> found.put("currency", "EUR", (10, 13), Decimal("0.9"))
    >>> v = found.values["currency"]
    >>> v.provenance.quote, v.provenance.page, str(v.confidence)
    ('EUR', 1, '0.90')

Confidence is a judgement, not a probability: 0.9 for a value under a
label that names it, 0.8 for a value from a table column, 0.6 to 0.7 for
a value read from prose, 0.5 or less for a guess (an ambiguous date). On
an OCR'd scan every confidence is scaled by the reader's mean word
confidence, since the characters themselves may be wrong.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final

from billops.domain.contract import DocumentRef, Provenance
from billops.domain.document import Box, Document
from billops.domain.extraction.model import ExtractedValue
from billops.domain.findings import Finding, Route, Severity

__all__ = ["EXTRACTOR", "Collector", "Span", "trim"]

EXTRACTOR: Final = "rules/1"
Span = tuple[int, int]
_QUOTE_LIMIT: Final = 5000


def trim(text: str, start: int, end: int) -> Span:
    """The span without the white space at its ends (quotes are stored trimmed)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _coordinate(value: Decimal) -> Decimal:
    """A page coordinate (points), never negative, to two decimals."""
    return max(value, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@dataclass
class Collector:
    """Collects extracted values, notes and findings for one document."""

    document: Document
    values: dict[str, ExtractedValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        doc = self.document
        self._doc_ref = DocumentRef(name=doc.name or "document", sha256=doc.sha256 or None)
        boxed: list[tuple[int, int, Box]] = [
            (cell.start, cell.end, cell.box)
            for table in doc.tables
            for row in table.rows
            for cell in row
            if cell.box is not None
        ]
        boxed += [(b.start, b.end, b.box) for b in doc.blocks if b.box is not None]
        boxed.sort(key=lambda item: (item[0], item[1] - item[0]))
        self._boxes = boxed
        self._box_starts = [item[0] for item in boxed]
        self._scale = Decimal(1)
        if doc.ocr:
            read = Decimal(str(doc.ocr_confidence)) if doc.ocr_confidence else Decimal("0.5")
            self._scale = Decimal("0.5") + Decimal("0.5") * read

    def confidence(self, value: Decimal) -> Decimal:
        """``value`` scaled for OCR and written with two decimals."""
        scaled = min(max(value * self._scale, Decimal(0)), Decimal(1))
        return scaled.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    def _box_for(self, start: int, end: int) -> tuple[Decimal, ...] | None:
        best: Box | None = None
        best_size = -1
        index = bisect.bisect_right(self._box_starts, start)
        # The narrowest box holding the span: a cell beats its row's block.
        for box_start, box_end, box in reversed(self._boxes[max(0, index - 64) : index]):
            if box_start <= start and end <= box_end:
                size = box_end - box_start
                if best is None or size < best_size:
                    best, best_size = box, size
        if best is None or best.x1 < best.x0 or best.bottom < best.top:
            return None
        # The page geometry comes from the PDF reader in binary fractions; str() is their
        # shortest exact reading.
        corners = (best.x0, best.top, best.x1, best.bottom)
        return tuple(_coordinate(Decimal(str(v))) for v in corners)

    def source(self, span: Span, confidence: Decimal) -> Provenance:
        """The provenance of the text at ``span`` (trimmed; at most 5,000 characters)."""
        text = self.document.text
        start, end = trim(text, *span)
        if end - start > _QUOTE_LIMIT:
            end = start + _QUOTE_LIMIT
            start, end = trim(text, start, end)
        quote = text[start:end] if end > start else None
        return Provenance.model_validate(
            {
                "document": self._doc_ref,
                "page": self.document.page_of(start) if self.document.pages else 1,
                "span": (start, end),
                "box": self._box_for(start, end),
                "quote": quote,
                "confidence": self.confidence(confidence),
                "extractor": EXTRACTOR,
            }
        )

    def put(self, path: str, value: Any, span: Span, confidence: Decimal) -> None:
        """Record ``value`` at ``path``; a value already there with more confidence stays."""
        if value is None:
            return
        old = self.values.get(path)
        provenance = self.source(span, confidence)
        assert provenance.confidence is not None
        if old is not None and old.confidence >= provenance.confidence:
            return
        self.values[path] = ExtractedValue(
            path, value, provenance, provenance.confidence, EXTRACTOR
        )

    def has(self, path: str) -> bool:
        return path in self.values

    def get(self, path: str) -> Any:
        found = self.values.get(path)
        return None if found is None else found.value

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def finding(
        self,
        rule_id: str,
        message: str,
        *,
        fields: tuple[str, ...],
        values: dict[str, str],
        sources: tuple[Provenance, ...],
        hint: str,
        severity: Severity = Severity.WARNING,
    ) -> None:
        self.findings.append(
            Finding(
                rule_id=rule_id,
                severity=severity,
                message=message,
                fields=fields,
                values=values,
                sources=sources,
                hint=hint,
                route=Route.BILLING.value,
            )
        )
