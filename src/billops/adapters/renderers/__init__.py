"""Renderers: an issued invoice or credit note as the documents a customer receives.

    write_documents(invoice: Invoice, out_dir: Path, *, locale: str | None = None) -> list[Path]

writes ``<number>.pdf``, ``<number>.ubl.xml`` and ``<number>.facturx.pdf`` of
an issued invoice or credit note into ``out_dir`` and returns their paths, in
that order (see ``documents``).

- ``pdf``: the printable document (HTML + CSS rendered by WeasyPrint), amounts
  written for the legal entity's locale;
- ``ubl``: the e-invoice as UBL 2.1, following Peppol BIS Billing 3.0;
- ``cii``: the e-invoice as UN/CEFACT CII (EN 16931 profile of Factur-X), and
  the Factur-X PDF: a PDF/A-3 with that CII XML embedded.

Each takes a ``billops.domain.invoices.Invoice`` and returns bytes; none
reads files, the clock or the environment. What EN 16931 needs beyond the
invoice model (code lists, number formats) lives in ``einvoice``.
"""

from billops.adapters.renderers.documents import document_file_stem, write_documents

__all__ = ["document_file_stem", "write_documents"]
