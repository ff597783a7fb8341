"""Customer checks: the billing data an invoice needs is complete.

An invoice that reaches no one, or that a customer's AP team must send
back, is as late as one never sent. The customer record must give a
complete billing address (street and city, not only a country), the VAT
id a reverse-charge or intra-community invoice must show (EN 16931
BR-AE-02, BR-IC-02), a valid VAT id where one is given, a Peppol endpoint
where the contract says invoices travel as e-invoices, and someone to
e-mail the invoice to where they travel by e-mail.

=======================  ========  ============================================
check                    severity  raised when
=======================  ========  ============================================
INV-CUSTOMER-ADDRESS     error     the customer record is missing, or has no
                                   billing address with street and city
INV-CUSTOMER-TAX-ID      error     a reverse-charge or intra-community line and
                                   no buyer VAT id; a VAT id that fails its
                                   check digit; an EU seller billing a buyer in
                                   another member state without a valid VAT id
                                   (warning: no tax id at all)
INV-CUSTOMER-ENDPOINT    error     delivery by e-invoice and no Peppol endpoint
INV-CUSTOMER-CONTACT     warning   delivery by e-mail and no billing contact
=======================  ========  ============================================

    >>> [check.check_id for check in CHECKS]  # doctest: +NORMALIZE_WHITESPACE
    ['INV-CUSTOMER-ADDRESS', 'INV-CUSTOMER-TAX-ID', 'INV-CUSTOMER-ENDPOINT',
     'INV-CUSTOMER-CONTACT']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding
from billops.domain.contract import DeliveryChannel
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice, TaxCategory
from billops.domain.tax import EU_MEMBER_STATES, valid_vat_id

__all__ = [
    "CHECKS",
    "address_complete",
    "contact_present",
    "einvoice_endpoint_present",
    "tax_id_present",
]


def _channels(invoice: Invoice, ctx: CheckContext) -> set[DeliveryChannel]:
    return {
        ctx.contracts[cid].invoicing_provisions.delivery_channel
        for cid in invoice.contract_ids
        if cid in ctx.contracts
    }


def address_complete(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The customer has a billing address with at least a street line and a city."""
    customer = ctx.customers.get(invoice.customer_code)
    if customer is None:
        yield finding(
            "INV-CUSTOMER-ADDRESS",
            f"customer {invoice.customer_code} has no customer record to bill",
            fields=("customer",),
            values={"customer": invoice.customer_code},
            hint="create the customer record (billops customer import)",
        )
        return
    address = customer.billing_address
    missing = (
        ["billing address"]
        if address is None
        else [name for name in ("line1", "city") if getattr(address, name) is None]
    )
    if missing:
        yield finding(
            "INV-CUSTOMER-ADDRESS",
            f"customer {customer.code} ({customer.name}) has no complete billing address: "
            f"{', '.join(missing)} missing",
            fields=("customer.addresses",),
            values={"customer": customer.code, "missing": ", ".join(missing)},
            hint="add the billing address to the customer record",
        )


def tax_id_present(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The buyer's VAT id is there where the tax needs it, and valid where given."""
    customer = ctx.customers.get(invoice.customer_code)
    if customer is None:
        return
    vats = [t.value for t in customer.tax_ids if t.scheme == "vat"]
    needs_vat = {
        line.tax.category
        for line in invoice.lines
        if line.tax.category in (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY)
    }
    if needs_vat and not vats:
        yield finding(
            "INV-CUSTOMER-TAX-ID",
            f"customer {customer.code} is invoiced without VAT "
            f"({', '.join(sorted(c.value for c in needs_vat))}) but has no VAT id",
            fields=("customer.tax_ids",),
            values={"customer": customer.code},
            hint="add the customer's VAT id (the invoice must show it)",
            route=Route.TAX,
        )
    for vat in vats:
        prefix = vat.strip()[:2].upper()
        if prefix.isalpha() and not valid_vat_id(vat, "GR" if prefix == "EL" else prefix):
            yield finding(
                "INV-CUSTOMER-TAX-ID",
                f"customer {customer.code}'s VAT id {vat} fails its format or check digit, so "
                "the invoice's tax may be wrong",
                fields=("customer.tax_ids",),
                values={"customer": customer.code, "vat_id": vat},
                hint="correct the VAT id on the customer record",
                route=Route.TAX,
            )
    seller, buyer = ctx.entity.country, invoice.buyer.address.country
    cross_border = seller in EU_MEMBER_STATES and buyer in EU_MEMBER_STATES and seller != buyer
    if cross_border and not any(valid_vat_id(vat, buyer) for vat in vats):
        yield finding(
            "INV-CUSTOMER-TAX-ID",
            f"customer {customer.code} in {buyer} has no valid {buyer} VAT id, so the invoice "
            f"charges VAT as a sale to a consumer instead of reverse charge",
            fields=("customer.tax_ids",),
            values={"customer": customer.code, "country": buyer},
            hint="add the customer's VAT id (then draft again), or override if it is a consumer",
            route=Route.TAX,
        )
    elif not customer.tax_ids:
        yield finding(
            "INV-CUSTOMER-TAX-ID",
            f"customer {customer.code} has no tax id on record",
            fields=("customer.tax_ids",),
            values={"customer": customer.code},
            hint="add the customer's tax registration if it has one",
            severity=Severity.WARNING,
            route=Route.TAX,
        )


def einvoice_endpoint_present(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """A Peppol endpoint exists where invoices travel as e-invoices."""
    if DeliveryChannel.EINVOICE not in _channels(invoice, ctx):
        return
    customer = ctx.customers.get(invoice.customer_code)
    if customer is not None and customer.einvoice_endpoint is None:
        yield finding(
            "INV-CUSTOMER-ENDPOINT",
            f"the contract sends invoices by e-invoice, but customer {customer.code} has no "
            "Peppol endpoint",
            fields=("customer.einvoice_endpoint",),
            values={"customer": customer.code},
            hint="add the customer's Peppol participant id ('0088:...')",
        )


def contact_present(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Someone receives the invoice where it travels by e-mail."""
    if DeliveryChannel.EMAIL not in _channels(invoice, ctx):
        return
    customer = ctx.customers.get(invoice.customer_code)
    if customer is None or customer.billing_contacts:
        return
    if any(ctx.contracts[c].billing_contact for c in invoice.contract_ids if c in ctx.contracts):
        return
    yield finding(
        "INV-CUSTOMER-CONTACT",
        f"customer {customer.code} has no billing contact to e-mail the invoice to",
        fields=("customer.billing_contacts",),
        values={"customer": customer.code},
        hint="add a billing contact to the customer record",
        severity=Severity.WARNING,
    )


CHECKS = (
    Check(
        "INV-CUSTOMER-ADDRESS",
        "Customer billing address complete",
        Severity.ERROR,
        Route.BILLING,
        address_complete,
    ),
    Check(
        "INV-CUSTOMER-TAX-ID",
        "Customer tax id present and valid",
        Severity.ERROR,
        Route.TAX,
        tax_id_present,
    ),
    Check(
        "INV-CUSTOMER-ENDPOINT",
        "E-invoice endpoint present",
        Severity.ERROR,
        Route.BILLING,
        einvoice_endpoint_present,
    ),
    Check(
        "INV-CUSTOMER-CONTACT",
        "Billing contact present",
        Severity.WARNING,
        Route.BILLING,
        contact_present,
    ),
)
