"""HTML, Markdown and plain text: blocks, tables and encodings."""

from __future__ import annotations

import hashlib

from billops.adapters.documents import read_bytes, read_document
from billops.adapters.documents.sniff import sniff

from .checks import assert_well_formed

ORDER_FORM_HTML = """<!DOCTYPE html>
<html><head><title>ignored</title><style>p { color: red }</style></head>
<body>
  <h1>Order   Form</h1>
  <script>var total = "99,999.00";</script>
  <p>Customer: <b>Acme&nbsp;GmbH</b><br>Payment terms: Net 30</p>
  <div hidden>draft note: 77,777.00</div>
  <ul><li>Billed annually</li><li>In advance</li></ul>
  <table>
    <caption>Fees</caption>
    <tr><th>Item</th><th>Amount</th><th>Term</th></tr>
    <tr><td rowspan="2">Platform licence</td><td>12,500.00</td><td>Year 1</td></tr>
    <tr><td>13,000.00</td><td>Year 2</td></tr>
    <tr><td colspan="2">Total</td><td>25,500.00</td></tr>
  </table>
  <p>Signed on 1 March 2026.</p>
</body></html>
"""


def test_html_block_elements_become_blocks_and_scripts_are_dropped() -> None:
    doc = read_bytes(ORDER_FORM_HTML.encode(), "order-form.html")
    assert_well_formed(doc)
    assert doc.media_type == "text/html"
    assert [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks] == [
        ("heading", "Order Form"),
        ("paragraph", "Customer: Acme\u00a0GmbH\nPayment terms: Net 30"),
        ("list_item", "Billed annually"),
        ("list_item", "In advance"),
        ("paragraph", "Fees"),
        ("paragraph", "Signed on 1 March 2026."),
    ]
    for hidden in ("99,999.00", "77,777.00", "ignored", "color"):
        assert hidden not in doc.text


def test_html_table_spans_are_padded_so_columns_stay_aligned() -> None:
    doc = read_bytes(ORDER_FORM_HTML.encode(), "order-form.html")
    (table,) = doc.tables
    assert [[doc.cell_text(c) for c in row] for row in table.rows] == [
        ["Item", "Amount", "Term"],
        ["Platform licence", "12,500.00", "Year 1"],
        ["", "13,000.00", "Year 2"],
        ["Total", "", "25,500.00"],
    ]
    empty = table.rows[2][0]
    assert empty.start == empty.end


def test_html_encoding_is_taken_from_the_meta_tag() -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head>'
        "<body><p>Preis: 12.500,00 €</p></body></html>"
    )
    doc = read_bytes(page.encode("cp1252"), "angebot.htm")
    assert doc.text == "Preis: 12.500,00 €"


ORDER_FORM_MD = """# Order Form

Customer: **Acme GmbH**
Payment terms: [Net 30](https://example.com/terms)

- Billed annually
- In advance
  - first invoice on signature

| Item | Qty | Amount |
|------|----:|-------:|
| Platform licence | 10 | 12,500.00 |
| Support | 1 | |

```
Reference: OF-2026-001
```
"""


def test_markdown_is_read_as_rendered_text() -> None:
    doc = read_bytes(ORDER_FORM_MD.encode(), "order-form.md")
    assert_well_formed(doc)
    assert doc.media_type == "text/markdown"
    assert [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks] == [
        ("heading", "Order Form"),
        ("paragraph", "Customer: Acme GmbH\nPayment terms: Net 30"),
        ("list_item", "Billed annually"),
        ("list_item", "In advance"),
        ("list_item", "first invoice on signature"),
        ("paragraph", "Reference: OF-2026-001"),
    ]
    (table,) = doc.tables
    assert [[doc.cell_text(c) for c in row] for row in table.rows] == [
        ["Item", "Qty", "Amount"],
        ["Platform licence", "10", "12,500.00"],
        ["Support", "1", ""],
    ]
    assert "**" not in doc.text and "|" not in doc.text


def test_markdown_without_extension_is_recognised_by_content() -> None:
    assert sniff(ORDER_FORM_MD.encode(), "upload") == "text/markdown"
    assert sniff(b"ORDER FORM\n\nTotal 12,500.00", "upload") == "text/plain"
    assert sniff(b"<html><body><p>x</p></body></html>", "upload.txt") == "text/plain"


def test_plain_text_pages_and_encodings(tmp_path) -> None:
    text = "ORDER FORM\r\n\r\nPayment terms: Net 30\r\n\fSchedule 1\r\nFees: 12.500,00 €\r\n"
    for encoded in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("cp1252"),
    ):
        path = tmp_path / "of.txt"
        path.write_bytes(encoded)
        doc = read_document(path)
        assert_well_formed(doc)
        assert doc.text == "ORDER FORM\n\nPayment terms: Net 30\n\fSchedule 1\nFees: 12.500,00 €\n"
        assert [doc.quote(b.start, b.end) for b in doc.blocks] == [
            "ORDER FORM",
            "Payment terms: Net 30",
            "Schedule 1\nFees: 12.500,00 €",
        ]
        assert doc.page_of(doc.text.index("12.500,00")) == 2
        assert len(doc.pages) == 2
    assert doc.sha256 == hashlib.sha256(text.encode("cp1252")).hexdigest()


def test_a_layout_table_is_read_as_the_blocks_inside_it() -> None:
    page = """<table><tr><td>
      <h2>Order Form</h2><p>Payment terms: Net 30</p>
      <table><tr><th>Item</th><th>Amount</th></tr><tr><td>Licence</td><td>12,500.00</td></tr></table>
    </td><td><p>Acme GmbH<br>Berlin</p></td></tr></table>"""
    doc = read_bytes(page.encode(), "email.html")
    assert_well_formed(doc)
    assert [(b.kind, doc.quote(b.start, b.end)) for b in doc.blocks] == [
        ("heading", "Order Form"),
        ("paragraph", "Payment terms: Net 30"),
        ("paragraph", "Acme GmbH\nBerlin"),
    ]
    (table,) = doc.tables
    assert [[doc.cell_text(c) for c in row] for row in table.rows] == [
        ["Item", "Amount"],
        ["Licence", "12,500.00"],
    ]


def test_binary_formats_are_told_by_content_not_name() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    assert sniff(png, "contract.pdf") == "image/png"
    assert sniff(b"%PDF-1.4\n...", "contract.docx") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0", "scan") == "image/jpeg"
    assert sniff(b"II*\x00", "scan.tif") == "image/tiff"
