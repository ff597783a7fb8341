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
from typing import Final, TypeVar

from billops.adapters.documents.builder import Piece, union
from billops.domain.document import Box

__all__ = ["LaidOutBlock", "Line", "Word", "blocks_of", "column_gutter", "lines_of", "page_items"]

T = TypeVar("T")

HEADING_RATIO: Final = 1.2
"""A block whose font is this much larger than the body text's is a heading."""

_BLOCK_GAP: Final = 0.6  # a vertical gap above this many line heights starts a new block
_SIZE_CHANGE: Final = 0.15  # a font size change above this fraction starts a new block
_GUTTER: Final = 12.0  # points: a column gap at least this wide parts two columns of text
_MIN_COLUMN_WORDS: Final = 20
_MIN_COLUMN_LINE_WORDS: Final = 3
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


def column_gutter(words: Sequence[Word]) -> float | None:
    """The x of the gutter between two columns of text, if the page is set in two.

    A gutter is a vertical band, in the middle two fifths of the text's width
    and at least ``_GUTTER`` wide, that no word crosses, with prose on both
    sides: each side at least a third of the text's width, at least
    ``_MIN_COLUMN_WORDS`` words and lines of three words or more (the median),
    a row holding words on both sides. A form's label column does not count,
    nor does a table's column gap on a page of running text (the text
    crosses it).
    """
    if len(words) < _MIN_COLUMN_WORDS * 2:
        return None
    left_edge = min(w.x0 for w in words)
    right_edge = max(w.x1 for w in words)
    width = right_edge - left_edge
    low, high = left_edge + 0.3 * width, left_edge + 0.7 * width
    reach = low
    best: tuple[float, float] | None = None
    for word in sorted(words, key=lambda w: w.x0):
        if word.x0 > reach and word.x0 > low:
            gap = (max(reach, low), min(word.x0, high))
            if gap[1] - gap[0] >= _GUTTER and (best is None or gap[1] - gap[0] > best[1] - best[0]):
                best = gap
        reach = max(reach, word.x1)
    if best is None:
        return None
    middle = (best[0] + best[1]) / 2
    left = [w for w in words if w.x1 <= middle]
    right = [w for w in words if w.x0 >= middle]
    if min(len(left), len(right)) < _MIN_COLUMN_WORDS:
        return None
    if min(middle - left_edge, right_edge - middle) < width / 3:
        return None
    shared = sum(
        1 for line in lines_of(words) if line.words[0].x1 <= middle and line.words[-1].x0 >= middle
    )
    # running text on each side: a form's labels, a word or two a line, are no column
    prose = all(
        statistics.median(len(line.words) for line in lines_of(side)) >= _MIN_COLUMN_LINE_WORDS
        for side in (left, right)
    )
    return middle if shared >= 1 and prose else None


def blocks_of(words: Sequence[Word]) -> list[LaidOutBlock]:
    """Words laid out as blocks in reading order (top to bottom; on a page set in two
    columns, the left column's, then the right's)."""
    return [item for item in page_items(words, []) if isinstance(item, LaidOutBlock)]


def page_items(words: Sequence[Word], tables: Sequence[tuple[Box, T]]) -> list[LaidOutBlock | T]:
    """A page's blocks and tables (each with its box) in reading order.

    Top to bottom, a table before a block at the same height; on a page set
    in two columns, the left column's blocks and tables, then the right's (a
    table belongs to the column its left edge is in).
    """
    body = body_size(words)
    gutter = column_gutter(words)
    if gutter is None:
        columns = [(list(words), list(tables))]
    else:
        columns = [
            ([w for w in words if w.x1 <= gutter], [t for t in tables if t[0].x0 < gutter]),
            ([w for w in words if w.x1 > gutter], [t for t in tables if t[0].x0 >= gutter]),
        ]
    ordered: list[LaidOutBlock | T] = []
    for column_words, column_tables in columns:
        items: list[tuple[float, int, LaidOutBlock | T]] = [
            (box.top, 0, table) for box, table in column_tables
        ]
        items += [(b.box.top if b.box else 0.0, 1, b) for b in _blocks(column_words, body)]
        ordered += [item for _, _, item in sorted(items, key=lambda i: (i[0], i[1]))]
    return ordered


def _blocks(words: Sequence[Word], body: float) -> list[LaidOutBlock]:
    lines = lines_of(words)
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
