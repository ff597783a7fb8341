"""Classification: is this an order form, a SOW, an amendment, an MSA with an order, or no contract?

A billing team receives more than contracts: invoices (ours or a vendor's),
cover letters, signed NDAs, scans of nothing. Intake must say which kind
of document it holds before it reads terms out of it, and why.

The title decides first (the first lines of page 1): "Amendment No. 2 to
Order Form" is an amendment even though it names an order form; "Statement
of Work" is a SOW; "Order Form", "Service Order" or "Quote" an order form;
"Master Subscription Agreement" with an ordering section and prices is an
MSA with an order. Without a telling title, the words of the whole text
are counted.

A document is **not a contract** when it is empty, reads as an invoice
("Invoice Number", "Amount Due", "Remit to") or as a letter, or has no
commercial terms at all (no amounts, no term, no parties, no signatures):
a novel excerpt has words, but none of these.

    >>> from billops.domain.document import Document
    >>> sow = Document.from_text("x", "STATEMENT OF WORK\\nFees: USD 10,000. Signature: ____")
    >>> classify(sow).kind
    <DocumentKind.SOW: 'sow'>
    >>> classify(Document.from_text("x", "")).reasons
    ('the document has no text',)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from billops.domain.document import Document
from billops.domain.extraction.model import Classification, DocumentKind
from billops.domain.extraction.values import find_money

__all__ = ["classify"]

_KIND_TITLES: Final = (
    (
        DocumentKind.AMENDMENT,
        r"amendment|change order|change request|addendum|änderungsvereinbarung|nachtrag"
        r"|contract modification|avenant",
    ),
    (
        DocumentKind.SOW,
        r"statement of work|\bsow\b|work order|project order|services order form"
        r"|leistungsbeschreibung|leistungsschein|cahier des charges",
    ),
    (
        DocumentKind.ORDER_FORM,
        r"order form|service order|sales order|subscription order|ordering document|order"
        r" schedule|\bquote\b|quotation|purchase agreement|bestellformular|bestellschein"
        r"|auftragsformular|\bauftrag\b|bestellung|angebot|bon de commande",
    ),
    (DocumentKind.MSA, r"master (?:subscription |services? |software |license )?agreement"),
)
_INVOICE: Final = (
    r"\binvoice (?:no|number|#|date)\b",
    r"\bamount due\b",
    r"\bbalance due\b",
    r"\bremit(?:tance)? to\b",
    r"\bplease pay\b",
    r"\brechnungsnummer\b|\brechnungsdatum\b",
    r"\bpayment due\b",
    r"\btotal due\b",
)
_CONTRACT: Final = (
    r"\bsignature\b|\bsigned\b|\bby:\s|authori[sz]ed (?:signatory|representative)|unterschrift",
    r"\bin witness whereof\b|\bagree[sd]?\b|\bvereinbar",
    r"\b(?:subscription |initial |contract )?term\b|\blaufzeit\b",
    r"\bcustomer\b|\bclient\b|\bkunde\b|\bauftraggeber\b",
    r"\bsupplier\b|\bvendor\b|\bprovider\b|\blicensor\b|\bauftragnehmer\b|\banbieter\b",
    r"\bpayment terms?\b|\bnet \d+\b|\bzahlungs",
    r"\beffective date\b|\bstart date\b|\bcommencement\b|\bvertragsbeginn\b",
    r"\bfees?\b|\bpricing\b|\bunit price\b|\bpreis",
)
_LETTER: Final = (r"^\s*dear\b", r"\bsincerely\b|\byours (?:faithfully|truly)\b|\bkind regards\b")


def _title_text(document: Document) -> str:
    first_page_end = document.pages[0].end if document.pages else len(document.text)
    head = document.text[: min(first_page_end, 600)]
    return "\n".join(head.split("\n")[:6]).lower()


def classify(document: Document) -> Classification:
    """The kind of ``document``, how sure, and the reasons, each naming what was seen."""
    text = document.text
    if not text.strip():
        return Classification(
            DocumentKind.NOT_A_CONTRACT, Decimal("0.99"), ("the document has no text",)
        )
    lower = text.lower()
    title = _title_text(document)
    contract_hits = [p for p in _CONTRACT if re.search(p, lower)]
    invoice_hits = [m.group(0) for p in _INVOICE for m in [re.search(p, lower)] if m]
    letter_hits = [p for p in _LETTER if re.search(p, lower, re.MULTILINE)]
    money = find_money(text)
    reasons: list[str] = []
    title_kind: DocumentKind | None = None
    for line in title.split("\n"):
        matches = [(kind, re.search(pattern, line)) for kind, pattern in _KIND_TITLES]
        found = [(kind, match) for kind, match in matches if match is not None]
        if not found:
            continue
        title_kind, match = found[0]
        master = next((m for k, m in found if k is DocumentKind.MSA), None)
        if title_kind is DocumentKind.ORDER_FORM and master and master.start() < match.start():
            # "Master Services Agreement and Order Schedule": an MSA with its order
            title_kind, match = DocumentKind.MSA, master
        reasons.append(f"title mentions {match.group(0)!r} on page 1")
        break
    invoice_title = re.search(
        r"^\s*(?:tax |commercial |pro[- ]forma )?invoice\b|^\s*rechnung\b", title
    )
    if (invoice_title or len(invoice_hits) >= 2) and title_kind not in (
        DocumentKind.ORDER_FORM,
        DocumentKind.SOW,
        DocumentKind.AMENDMENT,
    ):
        reasons.append("reads as an invoice: " + ", ".join(repr(h) for h in invoice_hits[:3]))
        return Classification(DocumentKind.NOT_A_CONTRACT, Decimal("0.9"), tuple(reasons))
    commercial = len(contract_hits) + (2 if money else 0)
    if title_kind is None:
        counted, why = _by_counts(lower)
        if counted is None or commercial < 4:
            if letter_hits:
                reasons.append("reads as a letter (salutation or closing)")
            if not money:
                reasons.append("no amount of money anywhere")
            reasons.append(f"only {len(contract_hits)} of {len(_CONTRACT)} contract signals")
            return Classification(DocumentKind.NOT_A_CONTRACT, Decimal("0.8"), tuple(reasons))
        reasons.append(why)
        title_kind = counted
        confidence = Decimal("0.6")
    elif commercial < 3:
        reasons.append(
            f"but only {len(contract_hits)} contract signals and "
            f"{'no' if not money else 'some'} amounts"
        )
        return Classification(DocumentKind.NOT_A_CONTRACT, Decimal("0.6"), tuple(reasons))
    else:
        confidence = Decimal("0.95") if commercial >= 6 else Decimal("0.85")
    if title_kind is DocumentKind.MSA:
        ordering = re.search(
            r"order form|order schedule|ordering|schedule [a-z0-9]|exhibit [a-z0-9]|pricing|fees",
            lower,
        )
        if not (ordering and money):
            reasons.append("a master agreement without an order (no pricing section with amounts)")
            return Classification(DocumentKind.NOT_A_CONTRACT, Decimal("0.6"), tuple(reasons))
        reasons.append("with an ordering section and amounts")
    reasons.append(f"{len(contract_hits)} contract signals, {len(money)} amounts")
    return Classification(title_kind, confidence, tuple(reasons))


def _by_counts(lower: str) -> tuple[DocumentKind | None, str]:
    best: DocumentKind | None = None
    best_count = 0
    for kind, pattern in _KIND_TITLES:
        count = len(re.findall(pattern, lower))
        if kind is DocumentKind.AMENDMENT:
            count = len(re.findall(r"\bhereby amend|\bis amended\b|\bamendment no\b", lower)) * 3
        if count > best_count:
            best, best_count = kind, count
    if best is None:
        return None, "no document kind named in the text"
    return best, f"the text names it {best_count} times ({best.value})"
