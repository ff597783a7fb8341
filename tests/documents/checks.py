"""The structural checks every read ``Document`` must pass, whatever its format."""

from __future__ import annotations

from itertools import pairwise

from billops.domain.document import Document


def assert_well_formed(doc: Document) -> None:
    """Spans, pages, blocks and cells agree with ``doc.text`` (see domain/document.py)."""
    text = doc.text
    # Pages tile the text, separated by exactly one form feed, numbered 1..n.
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    assert doc.pages[0].start == 0
    assert doc.pages[-1].end == len(text)
    for before, after in pairwise(doc.pages):
        assert text[before.end] == "\f"
        assert after.start == before.end + 1
    assert text.count("\f") == len(doc.pages) - 1
    # Every block is a stripped, non-empty span on its own page.
    for block in doc.blocks:
        quoted = text[block.start : block.end]
        assert 0 <= block.start < block.end <= len(text)
        assert quoted == quoted.strip() and quoted
        assert "\f" not in quoted
        assert doc.page_of(block.start) == block.page
        if block.box is not None:
            assert block.box.x0 <= block.box.x1 and block.box.top <= block.box.bottom
    # Blocks other than lines do not overlap and come in reading order.
    outer = [b for b in doc.blocks if b.kind != "line"]
    for before, after in pairwise(outer):
        assert before.end < after.start
    # A line lies inside a paragraph of its page.
    for line in (b for b in doc.blocks if b.kind == "line"):
        assert any(b.start <= line.start and line.end <= b.end for b in outer)
    # Each table row is its cells joined by tabs; rows are joined by newlines.
    for table in doc.tables:
        first, last = table.rows[0][0], table.rows[-1][-1]
        rows = text[first.start : last.end].split("\n")
        assert len(rows) == len(table.rows)
        for row_text, row in zip(rows, table.rows, strict=True):
            assert row_text.split("\t") == [doc.cell_text(cell) for cell in row]
        for row in table.rows:
            for cell in row:
                assert doc.cell_text(cell) == text[cell.start : cell.end]
                assert "\t" not in doc.cell_text(cell) and "\n" not in doc.cell_text(cell)
                assert doc.page_of(cell.start) == table.page


def block_with(doc: Document, phrase: str) -> int:
    """The index of the (non-line) block holding ``phrase``."""
    for index, block in enumerate(doc.blocks):
        if block.kind != "line" and phrase in doc.quote(block.start, block.end):
            return index
    raise AssertionError(f"no block holds {phrase!r}: {doc.text!r}")


def page_of_phrase(doc: Document, phrase: str) -> int:
    return doc.page_of(doc.text.index(phrase))
