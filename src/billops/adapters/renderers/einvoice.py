"""What the two e-invoice syntaxes share: EN 16931's code lists and number formats.

EN 16931 is the European semantic model of an invoice; UBL 2.1 and
UN/CEFACT CII are its two syntaxes. Both write the same values the same
way, so the translation from billops' invoice model lives here once:

- amounts as plain decimals with the currency's minor units, no grouping
  (``1234.50``; ``1001`` in JPY), as BR-DEC-* wants;
- quantities and prices without exponent or trailing zeros beyond need;
- units of measure as UN/ECE Recommendation 20 codes (``HUR`` hour,
  ``MON`` month, ``C62`` one), BR-CL-23;
- document type codes (UNTDID 1001: 380 invoice, 381 credit note);
- the VAT exemption reason that categories E, AE, K, G and O must carry
  (BR-E-10, BR-AE-10 ...), defaulted from the category when the line gives
  none;
- a line's net price after its discount, so that quantity x net price is
  the line's net amount (Peppol R120).

    >>> from billops.domain.money import Money
    >>> amount_text(Money("1234.5", "EUR")), amount_text(Money("1001", "JPY"))
    ('1234.50', '1001')
    >>> unit_code("hour"), unit_code("seat"), unit_code("MON")
    ('HUR', 'C62', 'MON')
    >>> decimal_text(Decimal("45.000")), decimal_text(Decimal("1E+2"))
    ('45', '100')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    TaxBreakdown,
    TaxCategory,
)
from billops.domain.money import Money, currency_minor_units

__all__ = [
    "CII_GUIDELINE",
    "PEPPOL_CUSTOMIZATION",
    "PEPPOL_PROFILE",
    "amount_text",
    "decimal_text",
    "document_note",
    "exemption",
    "gross_price",
    "net_price",
    "other_tax_id",
    "payment_means_code",
    "price_discount",
    "split_endpoint",
    "type_code",
    "unit_code",
    "vat_id",
]

PEPPOL_CUSTOMIZATION: Final = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
)
PEPPOL_PROFILE: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CII_GUIDELINE: Final = "urn:cen.eu:en16931:2017"  # Factur-X / ZUGFeRD profile EN 16931

_HUNDRED = Decimal(100)

# Units as billing teams write them -> UN/ECE Recommendation 20 (BR-CL-23).
_UNITS: Final = {
    "each": "C62", "ea": "C62", "unit": "C62", "units": "C62", "piece": "C62", "pcs": "C62",
    "seat": "C62", "seats": "C62", "user": "C62", "users": "C62", "license": "C62",
    "licence": "C62", "item": "C62", "lot": "C62", "one": "C62", "": "C62",
    "hour": "HUR", "hours": "HUR", "hr": "HUR", "h": "HUR",
    "minute": "MIN", "minutes": "MIN", "min": "MIN",
    "day": "DAY", "days": "DAY", "week": "WEE", "weeks": "WEE",
    "month": "MON", "months": "MON", "mo": "MON", "year": "ANN", "years": "ANN",
    "kg": "KGM", "kilogram": "KGM", "mb": "4L", "gb": "E34", "tb": "E35",
    "call": "C62", "calls": "C62", "request": "C62", "requests": "C62",
}  # fmt: skip
# Codes passed through as they are when a line already uses one.
_REC20_CODES: Final = frozenset(_UNITS.values()) | {"H87", "XPP", "LS", "SEC", "KWH", "MTR"}

# The wording each category without VAT must carry (BT-120) when the line gives none,
# with its VATEX code (BT-121).
_EXEMPTIONS: Final = {
    TaxCategory.REVERSE_CHARGE: ("Reverse charge", "VATEX-EU-AE"),
    TaxCategory.INTRA_COMMUNITY: ("Intra-community supply", "VATEX-EU-IC"),
    TaxCategory.EXPORT: ("Export outside the EU", "VATEX-EU-G"),
    TaxCategory.OUTSIDE_SCOPE: ("Not subject to VAT", "VATEX-EU-O"),
    TaxCategory.EXEMPT: ("Exempt from VAT", None),
}


def amount_text(money: Money) -> str:
    """An amount as the syntaxes write it: the currency's minor units, '.' as mark."""
    digits = currency_minor_units(money.currency)
    return f"{money.round().amount:.{digits}f}"


def decimal_text(value: Decimal) -> str:
    """A quantity, rate or price with no exponent and no needless trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def unit_code(unit: str) -> str:
    """The UN/ECE Rec 20 code of a unit; units billops does not know count as pieces."""
    if unit in _REC20_CODES:
        return unit
    return _UNITS.get(unit.strip().lower(), "C62")


def type_code(invoice: Invoice) -> str:
    """UNTDID 1001: 380 commercial invoice, 381 credit note (BT-3)."""
    return "381" if invoice.kind is DocumentKind.CREDIT_NOTE else "380"


def exemption(group: TaxBreakdown) -> tuple[str | None, str | None]:
    """The exemption reason text and VATEX code a VAT breakdown group carries.

    Standard and zero-rated groups carry none; the others must carry one
    (BR-AE-10, BR-E-10, BR-G-10, BR-IC-10, BR-O-10).
    """
    if group.category in (TaxCategory.STANDARD, TaxCategory.ZERO_RATED):
        return None, None
    default_reason, default_code = _EXEMPTIONS[group.category]
    return group.exemption_reason or default_reason, group.exemption_code or default_code


def net_price(line: InvoiceLine) -> Decimal:
    """The unit price after the line's discount (BT-146): quantity x it = the net amount."""
    if not line.discount_percent:
        return line.unit_price
    return line.unit_price * (_HUNDRED - line.discount_percent) / _HUNDRED


def gross_price(line: InvoiceLine) -> Decimal | None:
    """The list price before the discount (BT-148), when the line has a discount."""
    return line.unit_price if line.discount_percent else None


def price_discount(line: InvoiceLine) -> Decimal | None:
    """The discount per unit (BT-147), when the line has one."""
    if not line.discount_percent:
        return None
    return line.unit_price - net_price(line)


def vat_id(party: InvoiceParty) -> str | None:
    """The party's VAT identifier (BT-31 / BT-48), when its tax id is a VAT number."""
    if party.tax_id is not None and party.tax_id.scheme == "vat":
        return party.tax_id.value.replace(" ", "")
    return None


def other_tax_id(party: InvoiceParty) -> str | None:
    """A tax registration that is not a VAT number (seller BT-32: an EIN, a GST number)."""
    if party.tax_id is not None and party.tax_id.scheme != "vat":
        return party.tax_id.value
    return None


def split_endpoint(endpoint: str | None) -> tuple[str, str] | None:
    """A Peppol participant id ``"0088:7300010000001"`` as (scheme, id) for BT-34 / BT-49."""
    if not endpoint or ":" not in endpoint:
        return None
    scheme, _, identifier = endpoint.partition(":")
    return scheme, identifier


def payment_means_code(invoice: Invoice) -> str:
    """UNCL4461: 58 SEPA credit transfer for euro, 30 credit transfer otherwise (BT-81)."""
    return "58" if invoice.currency == "EUR" else "30"


def document_note(invoice: Invoice) -> str | None:
    """The one free-text note an e-invoice carries (Peppol allows one): note and reason."""
    parts = [part for part in (invoice.reason, invoice.note) if part]
    return " ".join(parts) if parts else None
