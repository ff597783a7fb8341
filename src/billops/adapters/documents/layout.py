"""From positioned words to lines and blocks: the reading order of a page.

A PDF does not store paragraphs, only glyphs at positions. pdfplumber
groups glyphs into words with boxes (points from the page's top-left);
this module groups words into lines (words whose vertical extents overlap,
left to right) and lines into blocks (consecutive lines closer together
than about half a line, in the same font size). A block set in a font
clearly larger than the page's body text is a heading; a block whose first
line starts with a bullet or a list number is a list item.

    >>> words = [
    ...     Word("ORDER", 72, 60, 120, 78, 18), Word("FORM", 125, 60, 170, 78, 18),
    ...     Word("Payment", 72, 100, 110, 110, 10), Word("terms:", 112, 100, 140, 110, 10),
    ...     Word("Net", 142, 100, 158, 110, 10), Word("30", 160, 100, 170, 110, 10),
    ...     Word("Invoiced", 72, 112, 110, 122, 10), Word("annually.", 112, 112, 150, 122, 10),
    ... ]
    >>> [(b.kind, [text for text, _ in b.lines]) for b in blocks_of(words)]
    [('heading', ['ORDER FORM']), ('paragraph', ['Payment terms: Net 30', 'Invoiced annually.'])]
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from billops.adapters.documents.builder import Piece, union
from billops.domain.document import Box

__all__ = ["LaidOutBlock", "Line", "Word", "blocks_of", "lines_of"]

HEADING_RATIO: Final = 1.2
"""A block whose font is this much larger than the body text's is a heading."""

_BLOCK_GAP: Final = 0.6  # a vertical gap above this many line heights starts a new block
_SIZE_CHANGE: Final = 0.15  # a font size change above this fraction starts a new block
_LIST_START: Final = re.compile(r"^([•◦▪▫■□●○‣⁃∙·*–-]|\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)])$")


@dataclass(frozen=True, slots=True)
class Word:
    """A word and its box in points from the page's top-left; ``size`` is its font size."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def middle(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> Box:
        return Box(
            min(w.x0 for w in self.words),
            min(w.top for w in self.words),
            max(w.x1 for w in self.words),
            max(w.bottom for w in self.words),
        )

    @property
    def size(self) -> float:
        return statistics.median(w.size or w.height for w in self.words)


@dataclass(frozen=True, slots=True)
class LaidOutBlock:
    """A block ready for ``DocumentBuilder.add_block``: its kind, lines (text, box) and box."""

    kind: str
    lines: tuple[Piece, ...]
    box: Box | None


def lines_of(words: Iterable[Word]) -> list[Line]:
    """Words grouped into lines, top to bottom, each line's words left to right."""
    ordered = sorted(words, key=lambda w: (w.middle[1], w.x0))
    rows: list[list[Word]] = []
    for word in ordered:
        if rows:
            row = rows[-1]
            top = min(w.top for w in row)
            bottom = max(w.bottom for w in row)
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(word.height, bottom - top):
                row.append(word)
                continue
        rows.append([word])
    return [Line(tuple(sorted(row, key=lambda w: w.x0))) for row in rows]


def body_size(words: Sequence[Word]) -> float:
    """The font size of most characters (the median, weighted by word length)."""
    sizes = [w.size or w.height for w in words for _ in range(max(len(w.text), 1))]
    return statistics.median(sizes) if sizes else 0.0


def _starts_list(line: Line) -> bool:
    return bool(_LIST_START.match(line.words[0].text)) and len(line.words) > 1


def blocks_of(words: Sequence[Word]) -> list[LaidOutBlock]:
    """Words laid out as blocks in reading order (top to bottom)."""
    lines = lines_of(words)
    body = body_size(words)
    groups: list[list[Line]] = []
    for line in lines:
        if groups:
            previous = groups[-1][-1]
            gap = line.box.top - previous.box.bottom
            height = max(previous.box.bottom - previous.box.top, line.box.bottom - line.box.top)
            same_size = abs(line.size - previous.size) <= _SIZE_CHANGE * max(previous.size, 0.1)
            if gap <= _BLOCK_GAP * height and same_size and not _starts_list(line):
                groups[-1].append(line)
                continue
        groups.append([line])
    blocks: list[LaidOutBlock] = []
    for group in groups:
        size = statistics.median(line.size for line in group)
        if body and size >= HEADING_RATIO * body and len(group) <= 3:
            kind = "heading"
        elif _starts_list(group[0]):
            kind = "list_item"
        else:
            kind = "paragraph"
        pieces = tuple((line.text, line.box) for line in group)
        blocks.append(LaidOutBlock(kind, pieces, union(box for _, box in pieces)))
    return blocks
