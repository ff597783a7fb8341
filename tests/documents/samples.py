"""Real contract files made for the reader tests: PDFs, DOCX, scans, bad inputs.

Each builder returns the bytes of a file a customer could send; the tests
read them with the real libraries and the real Tesseract. The wording is
that of a small order form, so the expected values in the tests ("Net 30",
"12,500.00") can be written out by hand.
"""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pypdfium2 as pdfium
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

A4_HEIGHT = A4[1]  # 841.89 points


def order_form_pdf(*, encrypt: str | None = None) -> bytes:
    """Two pages: a heading, terms, a ruled line-item table; signatures on page 2."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=72,
        rightMargin=72,
        topMargin=72,
        bottomMargin=72,
        encrypt=encrypt,
    )
    table = Table(
        [
            ["Item", "Qty", "Unit price", "Amount"],
            ["Platform licence", "10", "1,250.00", "12,500.00"],
            ["Onboarding services", "1", "2,000.00", "2,000.00"],
        ],
        colWidths=[200, 50, 90, 90],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [
        Paragraph("Order Form", styles["Title"]),
        Paragraph("Customer: Acme GmbH, Berlin", styles["Normal"]),
        Paragraph("Payment terms: Net 30 from the invoice date.", styles["Normal"]),
        Spacer(1, 12),
        table,
        Spacer(1, 12),
        Paragraph("Total contract value: USD 14,500.00", styles["Normal"]),
        PageBreak(),
        Paragraph("Signatures", styles["Heading2"]),
        Paragraph("Signed for Acme GmbH on 1 March 2026.", styles["Normal"]),
    ]
    template.build(story)
    return out.getvalue()


def paged_pdf(pages: int, *, size: tuple[float, float] = A4) -> bytes:
    """``pages`` pages, page n saying "Section n" and its own fee."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=size)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, size[1] - 72, f"Section {number}")
        pdf.setFont("Helvetica", 10)
        for row in range(20):
            pdf.drawString(
                72,
                size[1] - 110 - row * 14,
                f"Clause {number}.{row + 1}: the fee for item {row + 1} is "
                f"USD {number * 100 + row},000.00 a year.",
            )
        pdf.drawString(72, 40, f"Page {number} of {pages}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def tiny_pages_pdf(pages: int) -> bytes:
    """Many blank 10 x 10 point pages: cheap to make, the shape of a huge file."""
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(10, 10).close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def scan_text_pdf() -> bytes:
    """The page that is scanned: large, plain type, as a printed order form."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawString(72, A4_HEIGHT - 100, "Order Form")
    pdf.setFont("Helvetica", 14)
    lines = [
        "Customer: Acme GmbH",
        "Payment terms: Net 30",
        "Total: USD 12,500.00",
    ]
    for index, line in enumerate(lines):
        pdf.drawString(72, A4_HEIGHT - 160 - index * 30, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scan_image(dpi: int = 200, *, rotate: float = 1.0, seed: int = 7) -> Image.Image:
    """``scan_text_pdf`` printed and scanned: rendered at ``dpi``, speckled, slightly rotated."""
    document = pdfium.PdfDocument(scan_text_pdf())
    page = document[0]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    page.close()
    document.close()
    rng = random.Random(seed)
    pixels = image.load()
    assert pixels is not None
    for _ in range(image.width * image.height // 400):  # light noise: 0.25% of pixels
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.choice((0, 90, 170))
    return image.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)


def png_bytes(image: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def scanned_pdf(dpi: int = 200) -> bytes:
    """A PDF whose page 1 is only a scanned image and whose page 2 has a text layer."""
    image = scan_image(dpi)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawInlineImage(image, 0, 0, width=A4[0], height=A4_HEIGHT)
    pdf.showPage()
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, A4_HEIGHT - 72, "Appendix: the service levels agreed in the order form.")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def photo_without_text() -> bytes:
    """A photo-like picture: a sky gradient, hills and a sun, blurred; no text at all."""
    image = Image.new("RGB", (1200, 900))
    draw = ImageDraw.Draw(image)
    for y in range(900):
        draw.line([(0, y), (1200, y)], fill=(90 + y // 12, 140 + y // 15, 230 - y // 10))
    draw.ellipse((850, 80, 1050, 280), fill=(250, 220, 90))
    draw.polygon(
        [(0, 700), (300, 450), (650, 680), (1000, 500), (1200, 640), (1200, 900), (0, 900)],
        fill=(60, 120, 50),
    )
    image = image.filter(ImageFilter.GaussianBlur(3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def order_form_docx() -> bytes:
    """A Word order form: header, heading, terms, a bullet, a table with a merged row, footer."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Acme Software Ltd - Confidential"
    section.footer.paragraphs[0].text = "Order Form OF-2026-001 - page 1"
    document.add_heading("Order Form", level=1)
    document.add_paragraph("Customer: Beta Industries Inc.")
    intro = document.add_paragraph("Payment terms: ")
    intro.add_run("Net 30").bold = True
    document.add_paragraph("Invoiced annually in advance", style="List Bullet")
    table = document.add_table(rows=3, cols=3)
    title = table.cell(0, 0).merge(table.cell(0, 2))
    title.text = "Fees"
    for column, text in enumerate(("Platform licence", "12 months", "12,500.00")):
        table.cell(1, column).text = text
    for column, text in enumerate(("Support", "12 months", "1,500.00")):
        table.cell(2, column).text = text
    closing = document.add_paragraph("Governing law: England and Wales.")
    closing.runs[0].font.size = Pt(10)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx(megabytes: int = 300) -> bytes:
    """A DOCX-shaped zip whose document.xml inflates from ~300 KB to ``megabytes`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        chunk = b"\x00" * (1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def lying_zip_docx(claimed: int = 0xFFFFFFFE) -> bytes:
    """A small DOCX-shaped zip whose central directory claims ``claimed`` bytes uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" * 100)
    return with_declared_size(out.getvalue(), "word/document.xml", claimed)


def with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` (a zip) whose central directory says ``member`` inflates to ``size`` bytes."""
    patched = bytearray(data)
    entry = patched.find(b"PK\x01\x02")
    while entry != -1:
        name_length = int.from_bytes(patched[entry + 28 : entry + 30], "little")
        if patched[entry + 46 : entry + 46 + name_length] == member.encode():
            patched[entry + 24 : entry + 28] = size.to_bytes(4, "little")
            return bytes(patched)
        entry = patched.find(b"PK\x01\x02", entry + 4)
    raise KeyError(member)
