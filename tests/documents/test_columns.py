"""A page set in two columns is read column by column; a form's label column is not a column.

Words are placed by hand (points from the top-left), as a PDF reader reports them.
"""

from __future__ import annotations

from billops.adapters.documents.layout import Word, blocks_of, page_items
from billops.domain.document import Box


def _words(text: str, left: float, top: float) -> list[Word]:
    """``text``'s words on one 10 pt line from ``left``, 5 pt a letter and a 3 pt space."""
    words: list[Word] = []
    x = left
    for part in text.split():
        words.append(Word(part, x, top, x + 5 * len(part), top + 10, 10))
        x += 5 * len(part) + 3
    return words


LEFT = [
    "Supplier provides engineers to",
    "operate and extend the data",
    "platform of the customer on",
    "request from its offices here.",
    "Work is scheduled by the lead.",
]
RIGHT = [
    "Payment is due 45 days net from",
    "the date of invoice. Fees are",
    "invoiced monthly in arrears and",
    "sent to the billing contact by",
    "e-mail as a PDF with its PO.",
]


def test_two_columns_of_prose_are_read_left_column_first() -> None:
    words: list[Word] = []
    for row, (left, right) in enumerate(zip(LEFT, RIGHT, strict=True)):
        words += _words(left, 72, 100 + 12 * row) + _words(right, 320, 100 + 12 * row)
    blocks = blocks_of(words)
    assert [list(text for text, _ in block.lines) for block in blocks] == [LEFT, RIGHT]


def test_a_form_with_a_narrow_label_column_stays_one_column() -> None:
    rows = [
        ("Supplier", "Kestrel Data Services Inc., 410 Bay Street, Toronto"),
        ("Customer", "Maple Ridge Credit Union, 1200 West Georgia Street"),
        ("Start Date", "May 1, 2026, for a term of six months from then"),
        ("End Date", "October 31, 2026, unless the parties agree otherwise"),
        ("Currency", "CAD for every fee, rate and expense in this order"),
    ]
    words: list[Word] = []
    for row, (label, value) in enumerate(rows):
        words += _words(label, 72, 100 + 12 * row) + _words(value, 160, 100 + 12 * row)
    (block,) = blocks_of(words)
    assert next(text for text, _ in block.lines) == (
        "Supplier Kestrel Data Services Inc., 410 Bay Street, Toronto"
    )


def test_a_table_in_the_right_column_is_read_with_that_column() -> None:
    words: list[Word] = []
    for row, (left, right) in enumerate(zip(LEFT, RIGHT, strict=True)):
        words += _words(left, 72, 100 + 12 * row) + _words(right, 320, 100 + 12 * row)
    words += _words("Term", 72, 200) + _words("Start Date May 1, 2026", 72, 215)
    signatures = (Box(320, 170, 520, 230), "the signature table")
    items = page_items(words, [signatures])
    texts = [item if isinstance(item, str) else item.lines[0][0] for item in items]
    assert texts == [LEFT[0], "Term", RIGHT[0], "the signature table"]


def test_a_form_with_a_wide_gap_before_its_values_stays_one_column() -> None:
    labels = ["Supplier", "Supplier address", "Supplier tax ID", "Customer", "Customer address"]
    values = [
        "Kestrel Data Services Inc. of Toronto",
        "410 Bay Street, Toronto, ON M5H 2Y4",
        "GST No. 123456789RT0001 registered",
        "Maple Ridge Credit Union of Vancouver",
        "1200 West Georgia Street, Vancouver",
    ]
    words: list[Word] = []
    for row in range(12):
        top = 100 + 12 * row
        words += _words(labels[row % 5], 72, top) + _words(values[row % 5], 260, top)
    blocks = blocks_of(words)
    assert next(text for text, _ in blocks[0].lines) == (
        "Supplier Kestrel Data Services Inc. of Toronto"
    )
