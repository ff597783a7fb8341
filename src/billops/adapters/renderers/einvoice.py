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
  the line's net amount (Peppol R120), with the list price and the
  discount per unit beside it (BT-148, BT-147; gross - discount = net,
  Peppol R046);
- electronic addresses (BT-34, BT-49) for Peppol, from the party's
  participant id or its tax number;
- the two decimals EN 16931 allows on amounts: a currency with three
  (BHD) cannot be sent as an e-invoice and is refused.

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
from billops.errors import InvalidInput

__all__ = [
    "CII_GUIDELINE",
    "EN16931_CUSTOMIZATION",
    "PEPPOL_CUSTOMIZATION",
    "PEPPOL_PROFILE",
    "amount_text",
    "check_sendable",
    "decimal_text",
    "document_note",
    "electronic_address",
    "exemption",
    "gross_price",
    "net_price",
    "other_tax_id",
    "payment_means_code",
    "peppol_ready",
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
EN16931_CUSTOMIZATION: Final = "urn:cen.eu:en16931:2017"
CII_GUIDELINE: Final = "urn:cen.eu:en16931:2017"  # Factur-X / ZUGFeRD profile EN 16931

_HUNDRED = Decimal(100)
# Peppol R120 accepts |quantity x net price - line amount| <= 0.02; billops stays within 0.01.
_PRICE_TOLERANCE: Final = Decimal("0.01")
_MAX_PRICE_PLACES: Final = 12

# Peppol EAS schemes of VAT numbers, by the number's country prefix (Greece writes EL).
_VAT_EAS: Final = {
    "AT": "9914", "ES": "9920", "AD": "9922", "AL": "9923", "BA": "9924", "BE": "9925",
    "BG": "9926", "CH": "9927", "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931",
    "GB": "9932", "EL": "9933", "GR": "9933", "HR": "9934", "IE": "9935", "LI": "9936",
    "LT": "9937", "LU": "9938", "LV": "9939", "MC": "9940", "ME": "9941", "MK": "9942",
    "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "RS": "9948",
    "SI": "9949", "SK": "9950", "SM": "9951", "TR": "9952", "VA": "9953", "FR": "9957",
    "HU": "9910", "IT": "0211",
}  # fmt: skip

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
    "api_call": "C62", "api_calls": "C62", "api call": "C62", "api calls": "C62",
    "transaction": "C62", "transactions": "C62", "event": "C62", "events": "C62",
    "appliance": "H87", "device": "H87", "kit": "H87",  # physical pieces (H87 piece)
    "second": "SEC", "seconds": "SEC", "sec": "SEC",
    "person-day": "DAY", "person_day": "DAY", "man-day": "DAY",
    "quarter": "QAN", "quarters": "QAN",
    "gigabyte": "E34", "terabyte": "E35", "megabyte": "4L", "kwh": "KWH",
}  # fmt: skip
# Codes passed through as they are when a line already uses one.
_REC20_CODES: Final = frozenset(_UNITS.values()) | {"XPP", "LS", "MTR"}

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
    """The UN/ECE Rec 20 code of a unit; units billops does not know count as one (C62).

    The free text stays on the line (and on the PDF): ``"api_call"`` is
    printed as written and sent as ``C62``.
    """
    if unit in _REC20_CODES:
        return unit
    return _UNITS.get(" ".join(unit.strip().lower().split()), "C62")


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
    """The unit price after the line's discount (BT-146): quantity x it = the net amount.

    The contract's price less the discount when quantity x that price lands
    within a hundredth of the line's amount (the rounding of a cent in
    euros); otherwise, the effective price ``amount / quantity`` to as many
    places as it takes to land there. Peppol R120 allows a difference of
    0.02, and a price rounded for print does not always stay inside it: a
    part period of 88 seats for JPY 9 printed at 0.102 gives 8.976, sent
    here as 0.1023 (9.0024). Prices carry any number of decimals in
    EN 16931; amounts carry at most two.
    """
    nominal = line.unit_price
    if line.discount_percent:
        nominal = line.unit_price * (_HUNDRED - line.discount_percent) / _HUNDRED
    amount = line.net_amount.amount
    if line.quantity == 0 or abs(line.quantity * nominal - amount) <= _PRICE_TOLERANCE:
        return nominal
    exact = amount / line.quantity
    places = max(currency_minor_units(line.net_amount.currency), 2)
    while places < _MAX_PRICE_PLACES:
        price = exact.quantize(Decimal(1).scaleb(-places))
        if abs(line.quantity * price - amount) <= _PRICE_TOLERANCE / 2:
            return price
        places += 1
    return exact.quantize(Decimal(1).scaleb(-_MAX_PRICE_PLACES))


def gross_price(line: InvoiceLine) -> Decimal | None:
    """The list price before the discount (BT-148), when the line has a discount."""
    if not line.discount_percent or net_price(line) > line.unit_price:
        return None
    return line.unit_price


def price_discount(line: InvoiceLine) -> Decimal | None:
    """The discount per unit (BT-147): gross less net price, so that Peppol R046 holds."""
    gross = gross_price(line)
    if gross is None:
        return None
    return gross - net_price(line)


def check_sendable(invoice: Invoice) -> str:
    """The invoice's number; refuses what cannot become an e-invoice: a draft (no
    number yet), or a currency whose minor units EN 16931 cannot carry.

    BR-DEC-* allow at most two decimals on every amount, so an invoice in
    Bahraini dinars (3) cannot be an EN 16931 e-invoice without changing its
    amounts; it is refused rather than sent wrong.
    """
    if invoice.number is None:
        raise InvalidInput(
            "only an issued invoice has a number to send",
            field="number",
            value="None",
            hint="issue the invoice before rendering its e-invoice",
        )
    digits = currency_minor_units(invoice.currency)
    if digits > 2:
        raise InvalidInput(
            f"an EN 16931 e-invoice carries amounts with at most 2 decimals; "
            f"{invoice.currency} has {digits}",
            field="currency",
            value=invoice.currency,
            hint="send the PDF only, or invoice in a currency with at most 2 decimals",
        )
    return invoice.number


def electronic_address(party: InvoiceParty) -> tuple[str, str] | None:
    """The party's electronic address (BT-34 / BT-49) as (EAS scheme, id).

    Its Peppol participant id when known; else one made of its tax number
    under the Peppol EAS scheme of that number (``9930`` German VAT,
    ``9957`` French VAT, ``9959`` US EIN...), as Peppol needs one (R010,
    R020) and VAT-based participant ids are the common ones; else none.
    """
    given = split_endpoint(party.endpoint)
    if given is not None:
        return given
    if party.tax_id is None:
        return None
    number = party.tax_id.value.replace(" ", "").replace("-", "").upper()
    if party.tax_id.scheme == "vat":
        scheme = _VAT_EAS.get(number[:2])
        return (scheme, number) if scheme else None
    if party.tax_id.scheme == "ein" and number.isdigit():
        return "9959", number
    return None


def peppol_ready(invoice: Invoice) -> bool:
    """Both parties have an electronic address, as Peppol BIS 3.0 requires (R010, R020)."""
    return (
        electronic_address(invoice.seller) is not None
        and electronic_address(invoice.buyer) is not None
    )


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
