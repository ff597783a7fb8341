"""Layout: the shapes contract text comes in, before any field is read.

Commercial terms are written in three shapes, and every field extractor
looks in all of them:

- **labelled values**: ``Payment Terms: Net 30`` on a line, a label alone on
  a line with its value on the next (PDFs often lay forms out so), or a
  two-column table row ``| Payment Terms | Net 30 |``;
- **grids**: the tables a reader found (``Document.tables``) plus tables
  written in the text itself (Markdown pipes, columns aligned with spaces
  or tabs), all as rows of cell spans;
- **prose**: sentences such as "Fees are invoiced annually in advance".

Sections matter too: ``Name:`` under a ``CUSTOMER`` heading is the
customer's name. Each labelled value carries the heading it sits under.

    >>> from billops.domain.document import Document
    >>> doc = Document.from_text("of.txt", "CUSTOMER\\nName: Globex Corp\\nTerm:\\n12 months")
    >>> layout = Layout.of(doc)
    >>> [(f.label, f.value, f.section) for f in layout.fields]
    [('name', 'Globex Corp', 'customer'), ('term', '12 months', 'customer')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from billops.domain.document import Document
from billops.domain.extraction.sources import Span, trim

__all__ = ["Grid", "LabelledValue", "Layout", "Line", "normalise_label"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text (trimmed); ``index`` is its position among the lines."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class LabelledValue:
    """``label: value``; ``label`` normalised (lower case, no trailing ':'/'#')."""

    label: str
    label_span: Span
    value_span: Span
    value: str
    section: str | None = None
    in_table: bool = False


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as rows of cell spans (empty cells have start == end)."""

    rows: tuple[tuple[Span, ...], ...]
    from_reader: bool = True


_SEGMENT_SPLIT: Final = re.compile(r"\t+|\s{2,}|\s\|\s")
_LABEL: Final = re.compile(
    r"(?P<label>[A-Za-zÄÖÜäöüßÀ-ÿ][^:\n]{0,70}?)\s*[:：]\s*(?P<value>.*)$", re.DOTALL
)
_HEADING_WORDS: Final = re.compile(r"[A-Za-zÄÖÜäöüß]")
_INNER_LABEL: Final = re.compile(
    r"(?<=[\w_)\].])\s+(?=(?:[A-ZÄÖÜ][\w.#/-]*)(?:\s[\w.#/-]+){0,2}:\s)"
)
_PIPE_SEPARATOR: Final = re.compile(r"^\|?\s*:?-{2,}")
_ROLE_WORDS: Final = (
    r"supplier|provider|service provider|vendor|licensor|seller|contractor|consultant|customer"
    r"|client|buyer|licensee|subscriber|purchaser|auftraggeber|auftragnehmer|kunde|anbieter"
)
_BARE_LABEL: Final = re.compile(
    r"(?:" + _ROLE_WORDS + r")(?: name| legal name| entity| address| registered office"
    r"| tax id| vat (?:no|number|id)| billing address)?"
    r"|bill to|billed to|sold to|ship to|invoice to|billing address|registered office"
    r"|(?:effective|start|end|expiry|expiration|order|commencement|signature|service start"
    r"|service end|subscription start|subscription end) date|date of signature"
    r"|(?:initial |subscription |contract |agreement )?term|currency|payment terms"
    r"|billing frequency|invoicing frequency|purchase order(?: no| number)?|po (?:no|number)"
    r"|(?:order form|order|contract|agreement|amendment|quote|sow) (?:no|number|id|reference)",
    re.IGNORECASE,
)


def normalise_label(text: str) -> str:
    """``"Order Form No.:"`` -> ``"order form no"``: lower case, single spaces, no end marks."""
    label = re.sub(r"\s+", " ", text.strip().lower())
    label = label.replace("(s)", "s").strip(" :#*.-–—_|")
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", label)


def _is_label_like(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 8
        and len(text) <= 70
        and bool(_HEADING_WORDS.match(text.lstrip("*#_ ")))
        and not text.lower().startswith(("http", "www"))
    )


class Layout:
    """Lines, labelled values, grids and headings of one document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.lines = self._lines()
        self._line_starts = [line.start for line in self.lines]
        self.headings = self._headings()
        self._heading_starts = [start for start, _ in self.headings]
        self.grids = self._reader_grids() + self._text_grids()
        self._grid_ranges = sorted(
            (min(c[0] for row in g.rows for c in row), max(c[1] for row in g.rows for c in row))
            for g in self.grids
            if any(row for row in g.rows)
        )
        self.fields = self._fields()

    @classmethod
    def of(cls, document: Document) -> Layout:
        return cls(document)

    def quote(self, span: Span) -> str:
        return self.text[span[0] : span[1]]

    # ---------------------------------------------------------------- lines

    def _lines(self) -> list[Line]:
        lines: list[Line] = []
        for match in re.finditer(r"[^\n\f]+", self.text):
            start, end = trim(self.text, match.start(), match.end())
            if end > start:
                lines.append(Line(len(lines), start, end, self.text[start:end]))
        return lines

    def line_at(self, offset: int) -> Line | None:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        if index >= 0 and self.lines[index].start <= offset <= self.lines[index].end:
            return self.lines[index]
        return None

    def _headings(self) -> list[tuple[int, str]]:
        headings: list[tuple[int, str]] = []
        heading_blocks = {b.start for b in self.document.blocks if b.kind == "heading"}
        for line in self.lines:
            text = line.text.strip("#*_ ").strip()
            bare = text.rstrip(":").strip()
            if not bare or len(bare) > 60 or not _HEADING_WORDS.search(bare):
                continue
            if ":" in text.rstrip(":") or "|" in text:
                continue
            letters = [c for c in bare if c.isalpha()]
            shouting = bool(letters) and all(c.isupper() for c in letters) and len(letters) > 2
            marked = line.text.startswith("#") or line.start in heading_blocks
            ends_colon = text.endswith(":") and len(bare.split()) <= 5
            numbered = bool(re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", bare)) and len(bare.split()) <= 6
            if shouting or marked or ends_colon or numbered:
                headings.append((line.start, normalise_label(bare)))
        return headings

    def section_at(self, offset: int) -> str | None:
        """The heading (normalised) the text at ``offset`` sits under, if any."""
        index = bisect.bisect_right(self._heading_starts, offset) - 1
        return self.headings[index][1] if index >= 0 else None

    # ---------------------------------------------------------------- grids

    def _reader_grids(self) -> list[Grid]:
        grids: list[Grid] = []
        for table in self.document.tables:
            rows = tuple(
                tuple(trim(self.text, cell.start, cell.end) for cell in row) for row in table.rows
            )
            grids.append(Grid(rows, from_reader=True))
        return grids

    def _text_grids(self) -> list[Grid]:
        grids: list[Grid] = []
        covered = self._table_ranges()
        run: list[Line] = []
        for candidate in [*self.lines, None]:
            line = candidate
            if line is not None and self._inside(line.start, covered):
                line = None
            if line is not None and line.text.count("|") >= 2:
                run.append(line)
                continue
            if len(run) >= 2:
                grids.append(self._pipe_grid(run))
            run = []
        grids += self._aligned_grids(covered)
        return grids

    def _table_ranges(self) -> list[Span]:
        ranges: list[Span] = []
        for table in self.document.tables:
            cells = [cell for row in table.rows for cell in row if cell.end > cell.start]
            if cells:
                ranges.append((min(c.start for c in cells), max(c.end for c in cells)))
        return ranges

    @staticmethod
    def _inside(offset: int, ranges: list[Span]) -> bool:
        return any(start <= offset < end for start, end in ranges)

    def _pipe_grid(self, lines: list[Line]) -> Grid:
        rows: list[tuple[Span, ...]] = []
        for line in lines:
            if _PIPE_SEPARATOR.match(line.text) and not re.search(r"[A-Za-z0-9]", line.text):
                continue
            bounds = [m.start() + line.start for m in re.finditer(r"\|", line.text)]
            edges = [line.start - 1, *bounds, line.end]
            cells = [trim(self.text, left + 1, right) for left, right in itertools.pairwise(edges)]
            if line.text.startswith("|"):
                cells = cells[1:]
            if line.text.endswith("|"):
                cells = cells[:-1]
            rows.append(tuple(cells))
        return Grid(tuple(rows), from_reader=False)

    def _aligned_grids(self, covered: list[Span]) -> list[Grid]:
        """Columns aligned with two or more spaces or tabs: a header and its rows."""
        grids: list[Grid] = []
        index = 0
        while index < len(self.lines):
            header = self.lines[index]
            header_cells = self._segments(header)
            if (
                len(header_cells) < 3
                or "|" in header.text
                or self._inside(header.start, covered)
                or not _looks_like_header([self.quote(c) for c in header_cells])
            ):
                index += 1
                continue
            rows = [tuple(header_cells)]
            follow = index + 1
            while follow < len(self.lines):
                line = self.lines[follow]
                if self.text[self.lines[follow - 1].end : line.start].count("\n") > 2:
                    break
                cells = self._segments(line)
                if len(cells) < 2 or (
                    len(cells) >= 3 and _looks_like_header([self.quote(c) for c in cells])
                ):
                    break  # the end of the table, or the header of the next one
                rows.append(self._align(header, header_cells, line, cells))
                follow += 1
            if len(rows) >= 2:
                grids.append(Grid(tuple(rows), from_reader=False))
            index = follow
        return grids

    def _segments(self, line: Line) -> list[Span]:
        cells: list[Span] = []
        position = line.start
        for match in _SEGMENT_SPLIT.finditer(line.text):
            cells.append(trim(self.text, position, line.start + match.start()))
            position = line.start + match.end()
        cells.append(trim(self.text, position, line.end))
        return [cell for cell in cells if cell[1] > cell[0]]

    def _align(
        self, header: Line, header_cells: list[Span], line: Line, cells: list[Span]
    ) -> tuple[Span, ...]:
        if len(cells) == len(header_cells) or "\t" in line.text:
            padded = list(cells[: len(header_cells)])
            return tuple(padded + [(line.end, line.end)] * (len(header_cells) - len(padded)))
        columns = [(s - header.start, e - header.start) for s, e in header_cells]
        placed: list[Span] = [(line.end, line.end)] * len(columns)
        for cell in cells:
            left, right = cell[0] - line.start, cell[1] - line.start

            def distance(column: Span, left: int = left, right: int = right) -> int:
                overlap = min(right, column[1]) - max(left, column[0])
                if overlap > 0:
                    return -overlap
                # twice the distance between the midpoints: the same order, in integers
                return abs((left + right) - (column[0] + column[1]))

            best = min(range(len(columns)), key=lambda i: distance(columns[i]))
            if placed[best][0] == placed[best][1]:
                placed[best] = cell
            else:
                placed[best] = (placed[best][0], cell[1])
        return tuple(placed)

    # --------------------------------------------------------------- fields

    def _fields(self) -> list[LabelledValue]:
        fields: list[LabelledValue] = []
        grid_lines = {
            line.index
            for grid in self.grids
            if not grid.from_reader
            for row in grid.rows
            for cell in row[:1]
            for line in [self.line_at(cell[0])]
            if line is not None
        }
        for line in self.lines:
            if line.index in grid_lines:
                continue
            segments = self._split_labels(self._segments(line))
            for position, segment in enumerate(segments):
                found = self._labelled(segment)
                if found is None:
                    continue
                label_span, value_span = found
                if value_span[1] <= value_span[0]:
                    following = self._value_after(line, segments, position)
                    if following is None:
                        continue
                    value_span = following
                label = normalise_label(self.quote(label_span))
                if not label:
                    continue
                fields.append(
                    LabelledValue(
                        label,
                        label_span,
                        value_span,
                        self.quote(value_span),
                        self.section_at(line.start - 1),
                    )
                )
        labelled_lines = {
            line.index for f in fields for line in [self.line_at(f.label_span[0])] if line
        }
        fields += self._bare_fields(grid_lines | labelled_lines)
        for grid in self.grids:
            fields += self._grid_fields(grid)
        fields.sort(key=lambda f: f.label_span[0])
        return fields

    def _bare_fields(self, skip: set[int]) -> list[LabelledValue]:
        """Form labels without a colon, as readers deliver forms.

        - a label alone in its block, its value the next block (HTML ``<dt>``/``<dd>``
          or ``<div>`` pairs, DOCX paragraphs): ``Supplier`` / ``Acme Ltd``;
        - a label and its value in two columns of one line: ``Supplier  Acme Ltd``
          (text aligned with spaces) or ``Supplier Acme Ltd`` (a PDF form row,
          whose column gap the reader turns into one space), when the line is a
          block of its own and the value starts like a value, not a sentence.
        """
        # OCR finds no columns: a form's rows are the lines of one paragraph, each with
        # its own "line" block
        kinds = (
            ("paragraph", "list_item", "line") if self.document.ocr else ("paragraph", "list_item")
        )
        standalone = {(b.start, b.end) for b in self.document.blocks if b.kind in kinds}
        block_ends = {
            b.start: b.end
            for b in self.document.blocks
            if b.kind in ("paragraph", "list_item") and "\n" in self.text[b.start : b.end]
        }
        bare: list[LabelledValue] = []
        used: set[int] = set()
        for line in self.lines:
            if line.index in skip or line.index in used or self.in_grid(line.start):
                continue
            if ":" in line.text or "\t" in line.text:
                continue
            label_span: Span | None = None
            value_span: Span | None = None
            segments = self._segments(line)
            alone = (line.start, line.end) in standalone
            if _BARE_LABEL.fullmatch(normalise_label(line.text)) and alone:
                following = line.index + 1
                if following < len(self.lines):
                    nxt = self.lines[following]
                    gap = self.text[line.end : nxt.start]
                    if (
                        gap.count("\n") <= 2
                        and "\f" not in gap
                        and (nxt.start, nxt.end) in standalone
                        and not _BARE_LABEL.fullmatch(normalise_label(nxt.text))
                        # nor a form row of its own: "Term" (a heading) over
                        # "Start Date  1 May 2026"
                        and not _BARE_LABEL.fullmatch(
                            normalise_label(self.quote(self._segments(nxt)[0]))
                        )
                        and ":" not in nxt.text
                    ):
                        label_span, value_span = (line.start, line.end), (nxt.start, nxt.end)
                        used.add(nxt.index)
            elif len(segments) == 2 and _BARE_LABEL.fullmatch(
                normalise_label(self.quote(segments[0]))
            ):
                label_span, value_span = segments
            elif line.start in block_ends and line.index + 1 < len(self.lines):
                # a PDF form row whose label cell wraps: "Supplier Keizersgracht 100, ...,"
                # then "address Netherlands" (label "Supplier address")
                nxt = self.lines[line.index + 1]
                words = list(re.finditer(r"\S+", line.text))
                wrapped = re.match(r"\S+", nxt.text)
                if (
                    wrapped
                    and len(words) >= 2
                    and re.match(r"[A-Za-zÄÖÜäöü]", words[0].group(0))
                    and re.match(r"[A-ZÄÖÜ0-9]", words[1].group(0))
                ):
                    head = line.text[: words[0].end()]
                    if _BARE_LABEL.fullmatch(
                        normalise_label(f"{head} {wrapped.group(0)}")
                    ) and not _BARE_LABEL.fullmatch(normalise_label(head + " x")):
                        label_span = (line.start, line.start + words[0].end())
                        value_span = (line.start + words[1].start(), block_ends[line.start])
                        used.add(nxt.index)
                        # the value without the label's wrapped word, blanked so that
                        # offsets into it still hold: "BC\n        V6E 4R2"
                        value = self.quote(value_span)
                        cut = nxt.start - value_span[0]
                        width = len(wrapped.group(0))
                        value = value[:cut] + " " * width + value[cut + width :]
                        bare.append(
                            LabelledValue(
                                normalise_label(f"{head} {wrapped.group(0)}"),
                                label_span,
                                value_span,
                                value,
                                self.section_at(line.start - 1),
                            )
                        )
                        continue
            if (
                label_span is None
                and alone
                and len(line.text) <= 160
                and not _BARE_LABEL.fullmatch(normalise_label(line.text))
            ):
                words = list(re.finditer(r"\S+", line.text))
                for count in range(min(5, len(words) - 1), 0, -1):
                    head = line.text[: words[count - 1].end()]
                    rest = words[count].group(0)
                    value = line.text[words[count].start() :]
                    if re.search(r"\b(?:no|number|id|reference)$", normalise_label(head)) and (
                        len(words) - count > 1 or not re.search(r"\d", value)
                    ):
                        continue  # "Amendment No. 2 to Order Form ..." is a title
                    if _BARE_LABEL.fullmatch(normalise_label(head)) and re.match(
                        r"[A-ZÄÖÜ0-9$€£¥\"“(]", rest
                    ):
                        label_span = (line.start, line.start + words[count - 1].end())
                        value_span = (line.start + words[count].start(), line.end)
                        break
            if label_span is None or value_span is None:
                continue
            bare.append(
                LabelledValue(
                    normalise_label(self.quote(label_span)),
                    label_span,
                    value_span,
                    self.quote(value_span),
                    self.section_at(line.start - 1),
                )
            )
        return bare

    def _split_labels(self, segments: list[Span]) -> list[Span]:
        """``Start: 1 March  End: ...`` is split by spaces; ``By: ___ Date: 1 March`` here."""
        result: list[Span] = []
        for start, end in segments:
            text = self.text[start:end]
            first = text.find(":")
            cut = start
            if first > 0:
                for match in _INNER_LABEL.finditer(text, first + 1):
                    result.append(trim(self.text, cut, start + match.start()))
                    cut = start + match.start()
            result.append(trim(self.text, cut, end))
        return [span for span in result if span[1] > span[0]]

    def _labelled(self, segment: Span) -> tuple[Span, Span] | None:
        text = self.quote(segment)
        match = _LABEL.match(text.lstrip("*-•#> "))
        if match is None:
            return None
        shift = segment[0] + len(text) - len(text.lstrip("*-•#> "))
        label_text = match.group("label")
        if not _is_label_like(label_text.strip("* ")) or label_text.strip().startswith("http"):
            return None
        label = trim(self.text, shift + match.start("label"), shift + match.end("label"))
        value = trim(self.text, shift + match.start("value"), shift + match.end("value"))
        return label, value

    def _value_after(self, line: Line, segments: list[Span], position: int) -> Span | None:
        if position + 1 < len(segments) and self._labelled(segments[position + 1]) is None:
            return segments[position + 1]
        if position + 1 < len(segments):
            return None
        following = line.index + 1
        if following >= len(self.lines):
            return None
        if self.text[line.end : self.lines[following].start].count("\n") > 2:
            return None
        nxt = self.lines[following]
        first = self._segments(nxt)
        if not first or self._labelled(first[0]) is not None:
            return None
        return (nxt.start, nxt.end) if len(first) == 1 else first[0]

    def _grid_fields(self, grid: Grid) -> Iterator[LabelledValue]:
        for row in grid.rows:
            cells = [cell for cell in row if cell[1] > cell[0]]
            pairs: list[tuple[Span, Span]] = []
            if len(cells) == 2:
                pairs.append((cells[0], cells[1]))
            elif len(cells) == 4 and all(
                _is_label_like(self.quote(c)) and not re.match(r"[\d$€£]", self.quote(c))
                for c in (cells[0], cells[2])
            ):
                pairs += [(cells[0], cells[1]), (cells[2], cells[3])]
            for label_span, value_span in pairs:
                label_text = self.quote(label_span)
                if not _is_label_like(label_text) or re.match(r"[\d$€£]", label_text):
                    continue
                yield LabelledValue(
                    normalise_label(label_text),
                    label_span,
                    value_span,
                    self.quote(value_span),
                    self.section_at(label_span[0]),
                    in_table=True,
                )

    # -------------------------------------------------------------- queries

    def find(self, pattern: str | re.Pattern[str]) -> list[LabelledValue]:
        """The labelled values whose label matches ``pattern`` in full, in document order."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [f for f in self.fields if compiled.fullmatch(f.label)]

    def in_grid(self, offset: int) -> bool:
        """True when ``offset`` lies inside a table (read by a reader or from the text)."""
        return self._inside(offset, self._grid_ranges)

    def cell_text(self, span: Span) -> str:
        return self.text[span[0] : span[1]]


_HEADER_WORDS: Final = re.compile(
    r"\b(sku|product|item|description|service|qty|quantity|seats|users|units?|price|rate|"
    r"amount|total|discount|fee|fees|term|period|role|milestone|deliverable|due|"
    r"menge|anzahl|beschreibung|preis|betrag|einzelpreis|gesamt|artikel|leistung)\b",
    re.IGNORECASE,
)


def _looks_like_header(cells: list[str]) -> bool:
    hits = sum(1 for cell in cells if _HEADER_WORDS.search(cell))
    numeric = sum(1 for cell in cells if re.search(r"\d", cell))
    return hits >= 2 and numeric <= 1
