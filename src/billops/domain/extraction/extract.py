"""The rules extractor: from a ``Document`` to an ``Extraction``, every value with its source.

``extract_terms(document)`` reads a signed order form, SOW, amendment or
MSA with an order the way a billing analyst does, in this order:

1. **classify** the document (``classify.py``); a non-contract (an invoice,
   a letter, a novel, an empty scan) stops here, with the reasons;
2. read the document's **context** (``context.py``): its currency and how
   it writes dates, which every later reading depends on;
3. read the **contract-level fields** (``fields.py``), the **parties**
   (``parties.py``), the **lines** (``lines.py``) and the **services**
   terms (``services.py``);
4. **check the arithmetic** the document states (``arithmetic.py``);
5. list what was looked for and **not found**, and **assemble** the terms
   (``assemble.py``) when the required fields are there.

    >>> from billops.domain.document import Document
    >>> doc = Document.from_text("of.txt", "ORDER FORM\\nOrder Form No: OF-1\\n"
    ...     "Supplier: Acme Inc.\\nCustomer: Globex Corp\\nTotal: USD 1,200.00\\nSignature: ____")
    >>> result = extract_terms(doc)
    >>> result.terms.contract_id, result.terms.customer.name, str(result.terms.total_contract_value)
    ('OF-1', 'Globex Corp', '1200.00')

A contract without a number gets ``DOC-`` and the first 12 hex digits of
its sha256 (stable across runs), and a note says so; ``contract_id`` is
then listed as missing. Nothing is ever filled with a default: what was
not found is in ``missing``.
"""

from __future__ import annotations

from typing import Final

from billops.domain.document import Document
from billops.domain.extraction.arithmetic import check_arithmetic
from billops.domain.extraction.assemble import assemble_terms
from billops.domain.extraction.classify import classify
from billops.domain.extraction.context import DocumentContext
from billops.domain.extraction.fields import extract_contract_fields
from billops.domain.extraction.layout import Layout
from billops.domain.extraction.lines import extract_lines
from billops.domain.extraction.model import DocumentKind, Extraction
from billops.domain.extraction.parties import extract_parties
from billops.domain.extraction.services import extract_services
from billops.domain.extraction.sources import Collector

__all__ = ["LOOKED_FOR", "extract_terms"]

LOOKED_FOR: Final = (
    "contract_id",
    "title",
    "supplier.name",
    "supplier.address",
    "supplier.tax_ids",
    "customer.name",
    "customer.address",
    "customer.tax_ids",
    "billing_contact",
    "signature_date",
    "effective_date",
    "start_date",
    "end_date",
    "term_months",
    "currency",
    "purchase_order.number",
    "payment_terms",
    "billing",
    "renewal",
    "lines",
    "total_contract_value",
)
"""Fields looked for in every contract; a field not found is listed in ``missing``."""

_BY_KIND: Final = {
    DocumentKind.SOW: ("milestones", "rate_card", "not_to_exceed", "expenses_policy"),
    DocumentKind.AMENDMENT: ("amends",),
    DocumentKind.MSA: ("msa_reference",),
}


def _missing(found: Collector, kind: DocumentKind) -> tuple[str, ...]:
    wanted = (*LOOKED_FOR, *_BY_KIND.get(kind, ()))
    if kind is DocumentKind.MSA:
        wanted = tuple(w for w in wanted if w != "msa_reference")
    missing: list[str] = []
    for field in wanted:
        if not any(
            path == field or path.startswith(field + ".") or path.startswith(field + "[")
            for path in found.values
        ):
            missing.append(field)
    return tuple(missing)


def extract_terms(document: Document, *, locale_hint: str | None = None) -> Extraction:
    """Extract the commercial terms of ``document`` (see the module docstring)."""
    classification = classify(document)
    kind = classification.kind
    if kind is DocumentKind.NOT_A_CONTRACT:
        return Extraction(
            document_name=document.name,
            sha256=document.sha256,
            classification=classification,
            problems=("the document is not a contract: " + "; ".join(classification.reasons),),
        )
    found = Collector(document)
    layout = Layout.of(document)
    context = DocumentContext.of(layout, locale_hint)
    reader = extract_contract_fields(layout, context, kind, found)
    extract_parties(layout, found)
    drafts, totals = extract_lines(layout, kind, reader, found)
    extract_services(layout, kind, drafts, reader, found)
    check_arithmetic(found, totals)
    contract_id = found.get("contract_id")
    if not isinstance(contract_id, str):
        contract_id = "DOC-" + (document.sha256 or "0" * 12)[:12]
        found.note(f"no contract number found; contract_id {contract_id} assigned from the sha256")
    values = {path: value.value for path, value in found.values.items()}
    provenance = {path: value.provenance for path, value in found.values.items()}
    terms, problems = assemble_terms(kind, values, provenance, contract_id)
    return Extraction(
        document_name=document.name,
        sha256=document.sha256,
        classification=classification,
        values=dict(found.values),
        missing=_missing(found, kind),
        findings=tuple(found.findings),
        terms=terms,
        problems=problems,
        notes=tuple(found.notes),
    )
