"""An invoice or credit note as a UBL 2.1 e-invoice, following Peppol BIS Billing 3.0.

Peppol BIS Billing 3.0 is the European network's profile of EN 16931 in
UBL 2.1: an ``Invoice`` document for invoices (type 380) and a
``CreditNote`` for credit notes (type 381), whose amounts are positive (the
document type says they are credited) and which names the invoice it
corrects in ``cac:BillingReference`` (BT-25, BR-55).

What goes where is EN 16931's business terms (BT-n) in the syntax's
element order, which the UBL schema enforces:

- seller and buyer with their Peppol electronic addresses
  (``cbc:EndpointID/@schemeID``, BT-34/BT-49), postal addresses, VAT ids
  (``PartyTaxScheme``) and legal names;
- the purchase order (BT-13) and the buyer reference (BT-10; Peppol wants
  one of them): the PO when there is one, else the customer code;
- one ``cac:TaxSubtotal`` per VAT category and rate with the exemption
  reason and VATEX code where no VAT is charged (reverse charge ``AE``:
  "Reverse charge", ``VATEX-EU-AE``);
- payment by credit transfer to the seller's IBAN (BT-81/BT-84);
- lines with their service period (BG-26), net price and, for a discount,
  the gross price and the discount per unit (BT-148/BT-147), so that
  quantity x net price = line amount.

A party with no electronic address (no Peppol id, no tax number to make
one of) cannot be reached over Peppol, whose rules require both (R010,
R020): such a document is labelled a plain EN 16931 invoice
(``CustomizationID urn:cen.eu:en16931:2017``, no Peppol ``ProfileID``),
still valid for the ERP, an archive or e-mail.

    xml_bytes = render_ubl(invoice)   # UTF-8, with an XML declaration
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from billops.adapters.renderers import einvoice
from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    TaxCategory,
)
from billops.domain.money import Money

__all__ = ["render_ubl"]

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _cbc(parent: etree._Element, name: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attributes)
    element.text = text
    return element


def _amount(parent: etree._Element, name: str, money: Money) -> None:
    _cbc(parent, name, einvoice.amount_text(money), currencyID=money.currency)


def _price(parent: etree._Element, name: str, value: Decimal, currency: str) -> None:
    _cbc(parent, name, einvoice.decimal_text(value), currencyID=currency)


def render_ubl(invoice: Invoice) -> bytes:
    """The UBL 2.1 Invoice or CreditNote of an issued invoice, as UTF-8 bytes."""
    number = einvoice.check_sendable(invoice)
    credit = invoice.kind is DocumentKind.CREDIT_NOTE
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, "cac": CAC, "cbc": CBC},
    )
    if einvoice.peppol_ready(invoice):
        _cbc(root, "CustomizationID", einvoice.PEPPOL_CUSTOMIZATION)
        _cbc(root, "ProfileID", einvoice.PEPPOL_PROFILE)
    else:  # no electronic address for a party: an EN 16931 invoice, not a Peppol one
        _cbc(root, "CustomizationID", einvoice.EN16931_CUSTOMIZATION)
    _cbc(root, "ID", number)
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if credit:
        _cbc(root, "CreditNoteTypeCode", einvoice.type_code(invoice))
    else:
        _cbc(root, "DueDate", invoice.due_date.isoformat())
        _cbc(root, "InvoiceTypeCode", einvoice.type_code(invoice))
    note = einvoice.document_note(invoice)
    if note:
        _cbc(root, "Note", note)
    _cbc(root, "DocumentCurrencyCode", invoice.currency)
    _cbc(root, "BuyerReference", invoice.purchase_order or invoice.customer_code)
    if invoice.purchase_order:
        _cbc(_cac(root, "OrderReference"), "ID", invoice.purchase_order)
    if invoice.preceding is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.preceding.number)
        _cbc(reference, "IssueDate", invoice.preceding.issue_date.isoformat())
    for contract_id in invoice.contract_ids[:1]:  # BT-12 occurs once
        _cbc(_cac(root, "ContractDocumentReference"), "ID", contract_id)
    no_vat_ids = _outside_scope_only(invoice)
    _party(_cac(root, "AccountingSupplierParty"), invoice.seller, no_vat_ids, seller=True)
    _party(_cac(root, "AccountingCustomerParty"), invoice.buyer, no_vat_ids, seller=False)
    _payment(root, invoice, credit)
    _taxes(root, invoice)
    totals = _cac(root, "LegalMonetaryTotal")
    _amount(totals, "LineExtensionAmount", invoice.net_total)
    _amount(totals, "TaxExclusiveAmount", invoice.net_total)
    _amount(totals, "TaxInclusiveAmount", invoice.gross_total)
    _amount(totals, "PayableAmount", invoice.gross_total)
    for line in invoice.lines:
        _line(root, line, credit)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _outside_scope_only(invoice: Invoice) -> bool:
    """True when VAT ids must be left out: lines not subject to VAT (BR-O-02)."""
    return any(line.tax.category is TaxCategory.OUTSIDE_SCOPE for line in invoice.lines)


def _party(holder: etree._Element, party: InvoiceParty, no_vat_ids: bool, *, seller: bool) -> None:
    element = _cac(holder, "Party")
    endpoint = einvoice.electronic_address(party)
    if endpoint is not None:
        _cbc(element, "EndpointID", endpoint[1], schemeID=endpoint[0])
    if party.code:
        _cbc(_cac(element, "PartyIdentification"), "ID", party.code)
    _cbc(_cac(element, "PartyName"), "Name", party.name)
    address = _cac(element, "PostalAddress")
    if party.address.line1:
        _cbc(address, "StreetName", party.address.line1)
    if party.address.line2:
        _cbc(address, "AdditionalStreetName", party.address.line2)
    if party.address.city:
        _cbc(address, "CityName", party.address.city)
    if party.address.postal_code:
        _cbc(address, "PostalZone", party.address.postal_code)
    if party.address.region:
        _cbc(address, "CountrySubentity", party.address.region)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.address.country)
    vat = einvoice.vat_id(party)
    if vat and not no_vat_ids:
        scheme = _cac(element, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", vat)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    other = einvoice.other_tax_id(party)
    if seller and other:  # BT-32, the seller's tax registration other than VAT
        scheme = _cac(element, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", other)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "TAX")
    _cbc(_cac(element, "PartyLegalEntity"), "RegistrationName", party.name)
    if party.contact is not None:
        contact = _cac(element, "Contact")
        if party.contact.name:
            _cbc(contact, "Name", party.contact.name)
        if party.contact.phone:
            _cbc(contact, "Telephone", party.contact.phone)
        if party.contact.email:
            _cbc(contact, "ElectronicMail", party.contact.email)


def _payment(root: etree._Element, invoice: Invoice, credit: bool) -> None:
    payment = invoice.payment
    if payment is not None and payment.iban:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", einvoice.payment_means_code(invoice))
        if credit:  # a CreditNote has no cbc:DueDate of its own (Peppol puts BT-9 here)
            _cbc(means, "PaymentDueDate", invoice.due_date.isoformat())
        _cbc(means, "PaymentID", payment.reference or invoice.number or "")
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", payment.iban.replace(" ", ""))
        if payment.account_name:
            _cbc(account, "Name", payment.account_name)
        if payment.bic:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", payment.bic)
    if invoice.payment_terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", invoice.payment_terms)


def _tax_category(
    parent: etree._Element, name: str, category: TaxCategory, rate: Decimal
) -> etree._Element:
    element = _cac(parent, name)
    _cbc(element, "ID", category.value)
    if category is not TaxCategory.OUTSIDE_SCOPE:  # "not subject to VAT" has no rate (BR-O-05)
        _cbc(element, "Percent", einvoice.decimal_text(rate))
    return element


def _taxes(root: etree._Element, invoice: Invoice) -> None:
    total = _cac(root, "TaxTotal")
    _amount(total, "TaxAmount", invoice.tax_total)
    for group in invoice.taxes:
        subtotal = _cac(total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", group.taxable)
        _amount(subtotal, "TaxAmount", group.tax)
        category = _tax_category(subtotal, "TaxCategory", group.category, group.rate)
        reason, code = einvoice.exemption(group)
        if code:
            _cbc(category, "TaxExemptionReasonCode", code)
        if reason:
            _cbc(category, "TaxExemptionReason", reason)
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def _line(root: etree._Element, line: InvoiceLine, credit: bool) -> None:
    currency = line.net_amount.currency
    element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(element, "ID", str(line.line_no))
    _cbc(
        element,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        einvoice.decimal_text(line.quantity),
        unitCode=einvoice.unit_code(line.unit),
    )
    _amount(element, "LineExtensionAmount", line.net_amount)
    if line.service_period is not None:
        _period(_cac(element, "InvoicePeriod"), line.service_period.start, line.service_period.end)
    item = _cac(element, "Item")
    _cbc(item, "Name", line.description)
    if line.sku:
        _cbc(_cac(item, "SellersItemIdentification"), "ID", line.sku)
    category = _tax_category(item, "ClassifiedTaxCategory", line.tax.category, line.tax.rate)
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    price = _cac(element, "Price")
    _price(price, "PriceAmount", einvoice.net_price(line), currency)
    discount = einvoice.price_discount(line)
    gross = einvoice.gross_price(line)
    if discount is not None and gross is not None:
        allowance = _cac(price, "AllowanceCharge")
        _cbc(allowance, "ChargeIndicator", "false")
        _price(allowance, "Amount", discount, currency)
        _price(allowance, "BaseAmount", gross, currency)


def _period(element: etree._Element, start: date, end: date) -> None:
    _cbc(element, "StartDate", start.isoformat())
    _cbc(element, "EndDate", end.isoformat())
