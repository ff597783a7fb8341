"""An invoice or credit note as UN/CEFACT CII, and as a Factur-X PDF.

Factur-X (ZUGFeRD 2 in Germany) is the hybrid e-invoice of France and
Germany: a PDF/A-3 a person can read, with the same invoice embedded as
CII XML (``factur-x.xml``) a machine can book. billops writes the EN 16931
profile (guideline id ``urn:cen.eu:en16931:2017``, BT-24): every business
term of the European standard, nothing of the EXTENDED profile.

The CII tree follows the D16B schema's element order:

- ``ExchangedDocument``: number, type code (380/381), issue date, note;
- one ``IncludedSupplyChainTradeLineItem`` per line: product, gross and
  net price, billed quantity, VAT category and rate, service period, net
  amount;
- ``ApplicableHeaderTradeAgreement``: buyer reference, seller and buyer
  (address, electronic address, VAT id), the purchase order;
- ``ApplicableHeaderTradeSettlement``: payment reference and means (IBAN),
  one ``ApplicableTradeTax`` per VAT category and rate (with the exemption
  reason and VATEX code where no VAT is charged), payment terms and due
  date, totals, and for a credit note the invoice it corrects (BT-25).

    xml_bytes = render_cii(invoice)
    pdf_bytes = render_facturx(invoice, locale="de_DE")   # PDF/A-3 with factur-x.xml

The PDF is ``billops.adapters.renderers.pdf``'s, written as PDF/A-3b by
WeasyPrint; the XML is attached by the ``factur-x`` library, which also
writes the XMP metadata Factur-X readers look for and checks the XML
against the Factur-X schema on the way.
"""

from __future__ import annotations

from datetime import date

from facturx import generate_from_binary
from lxml import etree

from billops.adapters.renderers import einvoice
from billops.adapters.renderers.pdf import render_pdf
from billops.domain.invoices import DocumentKind, Invoice, InvoiceLine, InvoiceParty, TaxCategory
from billops.domain.money import Money

__all__ = ["render_cii", "render_facturx"]

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"


def _el(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    prefix, _, local = name.partition(":")
    namespace = {"ram": RAM, "rsm": RSM, "udt": UDT, "qdt": QDT}[prefix]
    element = etree.SubElement(parent, f"{{{namespace}}}{local}", attributes)
    if text is not None:
        element.text = text
    return element


def _date(parent: etree._Element, name: str, day: date, kind: str = "udt") -> None:
    _el(_el(parent, name), f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _amount(parent: etree._Element, name: str, money: Money, *, currency: bool = False) -> None:
    attributes = {"currencyID": money.currency} if currency else {}
    _el(parent, name, einvoice.amount_text(money), **attributes)


def render_cii(invoice: Invoice) -> bytes:
    """The CII CrossIndustryInvoice (Factur-X EN 16931 profile) of an issued invoice."""
    number = einvoice.check_sendable(invoice)
    root = etree.Element(
        f"{{{RSM}}}CrossIndustryInvoice",
        nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT},
    )
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(
        _el(context, "ram:GuidelineSpecifiedDocumentContextParameter"),
        "ram:ID",
        einvoice.CII_GUIDELINE,
    )
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", number)
    _el(document, "ram:TypeCode", einvoice.type_code(invoice))
    _date(document, "ram:IssueDateTime", invoice.issue_date)
    note = einvoice.document_note(invoice)
    if note:
        _el(_el(document, "ram:IncludedNote"), "ram:Content", note)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(transaction, line)
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _el(agreement, "ram:BuyerReference", invoice.purchase_order or invoice.customer_code)
    no_vat_ids = any(line.tax.category is TaxCategory.OUTSIDE_SCOPE for line in invoice.lines)
    _party(agreement, "ram:SellerTradeParty", invoice.seller, no_vat_ids, seller=True)
    _party(agreement, "ram:BuyerTradeParty", invoice.buyer, no_vat_ids, seller=False)
    if invoice.purchase_order:
        _el(
            _el(agreement, "ram:BuyerOrderReferencedDocument"),
            "ram:IssuerAssignedID",
            invoice.purchase_order,
        )
    for contract_id in invoice.contract_ids[:1]:
        _el(_el(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", contract_id)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, invoice)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _party(
    parent: etree._Element, name: str, party: InvoiceParty, no_vat_ids: bool, *, seller: bool
) -> None:
    element = _el(parent, name)
    if party.code:
        _el(element, "ram:ID", party.code)
    _el(element, "ram:Name", party.name)
    if party.contact is not None:
        contact = _el(element, "ram:DefinedTradeContact")
        if party.contact.name:
            _el(contact, "ram:PersonName", party.contact.name)
        if party.contact.phone:
            _el(
                _el(contact, "ram:TelephoneUniversalCommunication"),
                "ram:CompleteNumber",
                party.contact.phone,
            )
        if party.contact.email:
            _el(
                _el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.contact.email
            )
    address = _el(element, "ram:PostalTradeAddress")
    if party.address.postal_code:
        _el(address, "ram:PostcodeCode", party.address.postal_code)
    if party.address.line1:
        _el(address, "ram:LineOne", party.address.line1)
    if party.address.line2:
        _el(address, "ram:LineTwo", party.address.line2)
    if party.address.city:
        _el(address, "ram:CityName", party.address.city)
    _el(address, "ram:CountryID", party.address.country)
    if party.address.region:
        _el(address, "ram:CountrySubDivisionName", party.address.region)
    endpoint = einvoice.electronic_address(party)
    if endpoint is not None:
        _el(
            _el(element, "ram:URIUniversalCommunication"),
            "ram:URIID",
            endpoint[1],
            schemeID=endpoint[0],
        )
    vat = einvoice.vat_id(party)
    if vat and not no_vat_ids:
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", vat, schemeID="VA")
    other = einvoice.other_tax_id(party)
    if seller and other:  # BT-32, the seller's tax registration other than VAT
        _el(_el(element, "ram:SpecifiedTaxRegistration"), "ram:ID", other, schemeID="FC")


def _line(transaction: etree._Element, line: InvoiceLine) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.line_no))
    product = _el(item, "ram:SpecifiedTradeProduct")
    if line.sku:
        _el(product, "ram:SellerAssignedID", line.sku)
    _el(product, "ram:Name", line.description)
    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    gross = einvoice.gross_price(line)
    discount = einvoice.price_discount(line)
    if gross is not None and discount is not None:
        gross_price = _el(agreement, "ram:GrossPriceProductTradePrice")
        _el(gross_price, "ram:ChargeAmount", einvoice.decimal_text(gross))
        allowance = _el(gross_price, "ram:AppliedTradeAllowanceCharge")
        _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        _el(allowance, "ram:ActualAmount", einvoice.decimal_text(discount))
    _el(
        _el(agreement, "ram:NetPriceProductTradePrice"),
        "ram:ChargeAmount",
        einvoice.decimal_text(einvoice.net_price(line)),
    )
    _el(
        _el(item, "ram:SpecifiedLineTradeDelivery"),
        "ram:BilledQuantity",
        einvoice.decimal_text(line.quantity),
        unitCode=einvoice.unit_code(line.unit),
    )
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.tax.category.value)
    if line.tax.category is not TaxCategory.OUTSIDE_SCOPE:
        _el(tax, "ram:RateApplicablePercent", einvoice.decimal_text(line.tax.rate))
    if line.service_period is not None:
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", line.service_period.start)
        _date(period, "ram:EndDateTime", line.service_period.end)
    _amount(
        _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount",
        line.net_amount,
    )


def _settlement(transaction: etree._Element, invoice: Invoice) -> None:
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    payment = invoice.payment
    if payment is not None and payment.iban:
        _el(settlement, "ram:PaymentReference", payment.reference or invoice.number or "")
    _el(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
    if payment is not None and payment.iban:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", einvoice.payment_means_code(invoice))
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", payment.iban.replace(" ", ""))
        if payment.account_name:
            _el(account, "ram:AccountName", payment.account_name)
        if payment.bic:
            _el(
                _el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"),
                "ram:BICID",
                payment.bic,
            )
    for group in invoice.taxes:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _amount(tax, "ram:CalculatedAmount", group.tax)
        _el(tax, "ram:TypeCode", "VAT")
        reason, code = einvoice.exemption(group)
        if reason:
            _el(tax, "ram:ExemptionReason", reason)
        _amount(tax, "ram:BasisAmount", group.taxable)
        _el(tax, "ram:CategoryCode", group.category.value)
        if code:
            _el(tax, "ram:ExemptionReasonCode", code)
        if group.category is not TaxCategory.OUTSIDE_SCOPE:
            _el(tax, "ram:RateApplicablePercent", einvoice.decimal_text(group.rate))
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    if invoice.payment_terms:
        _el(terms, "ram:Description", invoice.payment_terms)
    _date(terms, "ram:DueDateDateTime", invoice.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _amount(totals, "ram:LineTotalAmount", invoice.net_total)
    _amount(totals, "ram:TaxBasisTotalAmount", invoice.net_total)
    _amount(totals, "ram:TaxTotalAmount", invoice.tax_total, currency=True)
    _amount(totals, "ram:GrandTotalAmount", invoice.gross_total)
    _amount(totals, "ram:DuePayableAmount", invoice.gross_total)
    if invoice.preceding is not None:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", invoice.preceding.number)
        _date(reference, "ram:FormattedIssueDateTime", invoice.preceding.issue_date, kind="qdt")


def render_facturx(invoice: Invoice, *, locale: str) -> bytes:
    """The Factur-X PDF: the invoice's PDF as PDF/A-3b with its CII XML embedded."""
    xml = render_cii(invoice)
    pdf = render_pdf(invoice, locale=locale, pdf_variant="pdf/a-3b")
    kind = "Credit note" if invoice.kind is DocumentKind.CREDIT_NOTE else "Invoice"
    title = f"{kind} {invoice.number}"
    metadata = {
        "author": invoice.seller.name,
        "keywords": "Factur-X, invoice",
        "title": title,
        "subject": f"{title} to {invoice.buyer.name}",
    }
    result: bytes = generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=metadata
    )
    return result
