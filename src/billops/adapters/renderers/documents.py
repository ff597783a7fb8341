"""The files a customer receives for one issued invoice or credit note, written to a folder.

Published for the billing workflow:

    write_documents(invoice: Invoice, out_dir: Path, *, locale: str | None = None) -> list[Path]

writes, for an issued invoice or credit note numbered ``DE-INV-2026-000042``:

- ``DE-INV-2026-000042.pdf``: the printable document (``pdf``);
- ``DE-INV-2026-000042.ubl.xml``: the UBL 2.1 / Peppol BIS Billing 3.0 e-invoice (``ubl``);
- ``DE-INV-2026-000042.facturx.pdf``: the Factur-X PDF/A-3 with its CII XML (``cii``);

and returns their paths in that order. An invoice in a currency with three
decimals (BHD, KWD...) cannot be an EN 16931 e-invoice (amounts carry at
most two): it gets its PDF only, and the list holds that one path.
``locale`` formats the amounts in
the PDFs (the legal entity's locale, ``LegalEntity.locale``); without one
it is guessed from the seller's country. Characters a file name cannot
hold (``/``, ``\\``, ``:``...) become ``-``. Each file is written to a
temporary name beside it and renamed into place, so a run killed part-way
leaves whole files or none, and writing the same invoice again replaces
them with the same content. A draft (no number) is refused with
``InvalidInput``: only an issued document is sent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from billops.adapters.renderers.cii import render_facturx
from billops.adapters.renderers.pdf import render_pdf
from billops.adapters.renderers.ubl import render_ubl
from billops.domain.invoices import Invoice, InvoiceStatus
from billops.domain.money import currency_minor_units
from billops.errors import InvalidInput

__all__ = ["document_file_stem", "write_documents"]

# The seller's country -> the locale its documents are written in, when none is given.
_LOCALES: Final = {
    "DE": "de_DE", "AT": "de_AT", "CH": "de_CH", "FR": "fr_FR", "BE": "fr_BE",
    "LU": "fr_LU", "NL": "nl_NL", "IT": "it_IT", "ES": "es_ES", "PT": "pt_PT",
    "IE": "en_IE", "GB": "en_GB", "US": "en_US", "CA": "en_CA", "JP": "ja_JP",
    "SE": "sv_SE", "DK": "da_DK", "FI": "fi_FI", "NO": "nb_NO", "PL": "pl_PL",
}  # fmt: skip
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


def document_file_stem(invoice: Invoice) -> str:
    """The document number as a file name: ``DE/2026/42`` -> ``DE-2026-42``."""
    if invoice.number is None or invoice.status is not InvoiceStatus.ISSUED:
        raise InvalidInput(
            "only an issued invoice or credit note has documents to send",
            field="number",
            value=str(invoice.number),
            hint="issue the invoice before writing its PDF and e-invoices",
        )
    stem = _UNSAFE.sub("-", invoice.number).strip(".-")
    if not stem:
        raise InvalidInput(
            "the document number gives no usable file name", field="number", value=invoice.number
        )
    return stem


def write_documents(invoice: Invoice, out_dir: Path, *, locale: str | None = None) -> list[Path]:
    """Write the PDF, the UBL e-invoice and the Factur-X PDF of ``invoice`` into ``out_dir``."""
    stem = document_file_stem(invoice)
    shown_in = locale or _LOCALES.get(invoice.seller.address.country.upper(), "en_US")
    out_dir.mkdir(parents=True, exist_ok=True)
    # Render everything first: a rendering error leaves no file behind.
    contents = [(f"{stem}.pdf", render_pdf(invoice, locale=shown_in))]
    if currency_minor_units(invoice.currency) <= 2:
        contents.append((f"{stem}.ubl.xml", render_ubl(invoice)))
        contents.append((f"{stem}.facturx.pdf", render_facturx(invoice, locale=shown_in)))
    return [_write_atomically(out_dir / name, data) for name, data in contents]


def _write_atomically(path: Path, data: bytes) -> Path:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path
