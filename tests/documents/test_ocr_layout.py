"""How the words Tesseract finds on a scan are laid out: rows, form lines and tables.

No Tesseract here: the pages are made of words with hand-placed boxes (in
points), the way ``ocr_image`` reports them, grouped into the blocks and
lines Tesseract chose, which are often not the page's rows.
"""

from __future__ import annotations

from billops.adapters.documents.builder import DocumentBuilder
from billops.adapters.documents.ocr import OcrPage, OcrWord, _keep, add_ocr_page
from billops.domain.document import Box, Document


def _line(*words: tuple[str, float, float], top: float = 100.0) -> tuple[OcrWord, ...]:
    """Words (text, left, right) on a 10 pt line whose top is ``top``."""
    return tuple(OcrWord(text, Box(x0, top, x1, top + 10), 0.9) for text, x0, x1 in words)


def _read(*paragraphs: tuple[tuple[OcrWord, ...], ...]) -> Document:
    builder = DocumentBuilder("scan.png", "0" * 64, "image/png")
    builder.start_page(595, 842)
    add_ocr_page(builder, OcrPage(paragraphs, 595, 842))
    return builder.finish(ocr=True, ocr_confidence=0.9)


def test_labels_and_values_tesseract_put_in_two_blocks_are_read_as_form_rows() -> None:
    labels = (
        _line(("Supplier", 72, 110), top=100),
        _line(("Customer", 72, 112), top=115),
    )
    values = (
        _line(("Kestrel", 200, 232), ("Data", 235, 255), ("Inc.", 258, 275), top=101),
        _line(("Maple", 200, 225), ("Ridge", 228, 250), ("Credit", 253, 280), top=116),
    )
    doc = _read(labels, values)
    assert doc.text == "Supplier  Kestrel Data Inc.\nCustomer  Maple Ridge Credit"
    assert doc.tables == ()


def test_a_scanned_table_becomes_a_table_with_empty_cells_in_their_columns() -> None:
    header = _line(
        ("Item", 72, 90),
        ("Description", 120, 170),
        ("Qty", 260, 275),
        ("Amount", 400, 440),
        top=200,
    )
    first = _line(
        ("1", 72, 76),
        ("Clinic", 120, 145),
        ("EHR", 148, 165),
        ("35", 260, 270),
        ("$27,300.00", 400, 445),
        top=218,
    )
    second = _line(("2", 72, 76), ("Data", 120, 140), ("migration", 143, 180), top=236)
    amount = _line(("$6,000.00", 400, 440), top=237)  # Tesseract's own block
    doc = _read((header, first, second), (amount,))
    assert len(doc.tables) == 1
    rows = [[doc.cell_text(cell) for cell in row] for row in doc.tables[0].rows]
    assert rows == [
        ["Item", "Description", "Qty", "Amount"],
        ["1", "Clinic EHR", "35", "$27,300.00"],
        ["2", "Data migration", "", "$6,000.00"],
    ]


def test_a_wrapped_cell_continues_its_row_and_specks_are_not_cells() -> None:
    header = _line(("Item", 72, 90), ("Description", 120, 170), ("Amount", 400, 440), top=200)
    first = _line(
        ("1", 72, 76),
        ("Clinic", 120, 145),
        ("EHR", 148, 165),
        ("j", 300, 302),
        ("$3,900.00", 400, 440),
        top=218,
    )
    wrapped = _line(("additional", 120, 160), ("users", 163, 185), top=230)
    doc = _read((header, first, wrapped))
    rows = [[doc.cell_text(cell) for cell in row] for row in doc.tables[0].rows]
    assert rows == [
        ["Item", "Description", "Amount"],
        ["1", "Clinic EHR additional users", "$3,900.00"],
    ]


def test_prose_lines_stay_a_paragraph() -> None:
    doc = _read(
        (
            _line(("Payment", 72, 110), ("terms:", 113, 140), ("Net", 143, 158), ("30.", 161, 172)),
            _line(("Invoiced", 72, 110), ("annually.", 113, 150), top=113),
        )
    )
    assert doc.text == "Payment terms: Net 30.\nInvoiced annually."
    assert doc.blocks[0].kind == "paragraph"


def test_an_amount_is_kept_however_unsure_tesseract_is_and_a_ruling_is_not() -> None:
    assert _keep("$6,000.00", 5.0)
    assert _keep("EUR 14.000,00", 3.0)
    assert not _keep("6o0", 5.0)
    assert not _keep(".", 95.0)
    assert not _keep("", 95.0)


def test_a_tilted_scan_pairs_labels_with_their_values() -> None:
    # the page is tilted: 3 pt up for every 100 pt right, rows 10 pt apart, 5 pt letters
    def tilted(text: str, x0: float, x1: float, top: float) -> OcrWord:
        lift = 0.03 * (x0 + x1) / 2
        return OcrWord(text, Box(x0, top - lift, x1, top - lift + 5), 0.9)

    prose = tuple(
        tilted(word, 40 + 40 * i, 75 + 40 * i, 80)
        for i, word in enumerate(["Statement", "of", "Work", "for", "the", "rollout"])
    )
    labels = (
        (tilted("Supplier", 40, 60, 100),),
        (tilted("Supplier", 40, 60, 110), tilted("address", 61, 80, 110)),
    )
    values = (
        (tilted("Lindqvist", 135, 155, 100), tilted("GmbH", 158, 172, 100)),
        (tilted("Friedrichstraße", 136, 169, 110), tilted("68", 171, 177, 110)),
    )
    doc = _read((prose,), labels, values)
    assert doc.text.split("\n\n")[1] == (
        "Supplier  Lindqvist GmbH\nSupplier address  Friedrichstraße 68"
    )


def test_a_scan_set_in_two_columns_is_read_column_by_column() -> None:
    left = [
        "Supplier provides engineers to",
        "operate and extend the data",
        "platform of the customer on",
        "request from its own offices.",
        "Work is scheduled weekly.",
    ]
    right = [
        "Payment is due 45 days net",
        "from the date of invoice and",
        "invoices are sent to the AP",
        "team by e-mail as a PDF with",
        "the purchase order number.",
    ]

    def column(lines: list[str], x: float) -> tuple[tuple[OcrWord, ...], ...]:
        out = []
        for row, text in enumerate(lines):
            words, left_edge = [], x
            for word in text.split():
                words.append((word, left_edge, left_edge + 6 * len(word)))
                left_edge += 6 * len(word) + 4
            out.append(_line(*words, top=100 + 14 * row))
        return tuple(out)

    # Tesseract sometimes runs a row across the gutter: one line of both columns
    rows = [column(left, 72)[i] + column(right, 330)[i] for i in range(5)]
    doc = _read(tuple(rows))
    assert doc.text == "\n".join(left) + "\n\n" + "\n".join(right)


def test_a_cell_tesseract_reads_apart_from_the_line_running_across_it_joins_its_row() -> None:
    header = _line(
        ("Item", 63, 80),
        ("SKU", 104, 120),
        ("Description", 169, 215),
        ("Qty", 282, 295),
        ("Amount", 456, 490),
        top=400,
    )
    around = _line(("2", 63, 67), ("TB-TERM", 104, 136), ("£5,040.00", 456, 489), top=418)
    inside = _line(("POS", 169, 184), ("terminal", 186, 212), ("12", 282, 289), top=419)
    doc = _read((header, around), (inside,))
    rows = [[doc.cell_text(cell) for cell in row] for row in doc.tables[0].rows]
    assert rows[1] == ["2", "TB-TERM", "POS terminal", "12", "£5,040.00"]
