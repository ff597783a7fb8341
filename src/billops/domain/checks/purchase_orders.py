"""Purchase-order checks: a PO where one is required, still valid, with money left on it.

Customers that require a PO reject (or silently do not pay) an invoice
without one, with an expired one, or with one already used up. The PO
comes from the contract (``purchase_order``, or a line's ``po_number``);
the customer record may require one for every invoice (``po_required``).

A PO's validity is compared with what each line supplies, not with the
invoice date: the final invoice of a term billed in arrears is dated after
the term (and the PO) ended, yet bills service the PO covered, and AP
departments accept it; a line for service after the expiry is what the
customer rejects.

================  ========  ===================================================
check             severity  raised when
================  ========  ===================================================
INV-PO-MISSING    error     the contract (PO required, or PO on invoice) or
                            the customer requires a PO; the invoice has none
INV-PO-EXPIRED    error     the PO expired before the supply a line bills:
                            the end of its service period, or for a
                            delivery (shipment, milestone, one-time) the
                            day it became billable
INV-PO-EXHAUSTED  error     already billed on the PO plus this invoice is more
                            than the PO authorises
================  ========  ===================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-PO-MISSING', 'INV-PO-EXPIRED', 'INV-PO-EXHAUSTED']
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from billops.domain.checks.base import Check, CheckContext, finding
from billops.domain.contract import ContractTerms, PurchaseOrder
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice, InvoiceLine
from billops.domain.money import Money

__all__ = ["CHECKS", "po_covers_invoice", "po_not_expired", "po_present"]


def _contracts(invoice: Invoice, ctx: CheckContext) -> list[ContractTerms]:
    return [ctx.contracts[cid] for cid in invoice.contract_ids if cid in ctx.contracts]


def _invoice_po(invoice: Invoice, ctx: CheckContext) -> list[tuple[str, PurchaseOrder]]:
    """The contracts' POs that this invoice bills against (matched by number)."""
    found = []
    for terms in _contracts(invoice, ctx):
        po = terms.purchase_order
        if po is not None and po.number is not None and po.number == invoice.purchase_order:
            found.append((terms.contract_id, po))
    return found


def po_present(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """A PO number is on the invoice when the contract or the customer requires one."""
    if invoice.purchase_order:
        return
    customer = ctx.customers.get(invoice.customer_code)
    who = []
    if customer is not None and customer.po_required:
        who.append(f"customer {customer.code}")
    for terms in _contracts(invoice, ctx):
        if terms.purchase_order is not None and terms.purchase_order.required:
            who.append(f"contract {terms.contract_id}")
        elif terms.invoicing_provisions.po_on_invoice:
            who.append(f"contract {terms.contract_id} (PO on invoice)")
    if who:
        yield finding(
            "INV-PO-MISSING",
            f"{' and '.join(who)} require a purchase order number, and the invoice has none",
            fields=("purchase_order",),
            values={"required_by": ", ".join(who)},
            hint="record the customer's PO number on the contract, then run the billing again",
        )


def _supplied_until(line: InvoiceLine, ctx: CheckContext, fallback: date) -> date:
    """The last day of what ``line`` supplies: its service period's end, else its bill date."""
    if line.service_period is not None:
        return line.service_period.end
    item = ctx.item_for(line)
    if item is not None and item.bill_date is not None:
        return item.bill_date
    return fallback


def po_not_expired(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The PO is still valid for everything the invoice's lines supply."""
    for contract_id, po in _invoice_po(invoice, ctx):
        if po.expires_on is None:
            continue
        expires = po.expires_on
        late = [
            (line, until)
            for line in invoice.lines
            if line.source is not None and line.source.contract_id == contract_id
            for until in [_supplied_until(line, ctx, invoice.issue_date)]
            if until > expires
        ]
        if not late:
            continue
        line, until = late[0]
        more = f" (and {len(late) - 1} more line(s))" if len(late) > 1 else ""
        yield finding(
            "INV-PO-EXPIRED",
            f"PO {po.number} (contract {contract_id}) expired on {expires}; line "
            f"{line.line_no} ({line.description}) supplies until {until}{more}",
            fields=("purchase_order",),
            values={
                "po_number": str(po.number),
                "expires_on": str(expires),
                "supplied_until": str(until),
            },
            hint="ask the customer for a new or extended PO",
        )
        return


def po_covers_invoice(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """What remains on the PO covers the invoice's net total."""
    for contract_id, po in _invoice_po(invoice, ctx):
        if po.amount is None or po.number is None:
            continue
        authorised = Money(po.amount, invoice.currency)
        used = ctx.ledger.po_billed.get(po.number, Money.zero(invoice.currency))
        remaining = authorised - used
        if invoice.net_total > remaining:
            yield finding(
                "INV-PO-EXHAUSTED",
                f"PO {po.number} (contract {contract_id}) authorises {authorised}; {used} is "
                f"billed on it, so {remaining} remains, less than this invoice's "
                f"{invoice.net_total}",
                fields=("purchase_order",),
                values={
                    "po_number": po.number,
                    "authorised": str(authorised),
                    "billed": str(used),
                    "invoice": str(invoice.net_total),
                },
                hint="ask the customer to raise the PO amount or issue a new PO",
            )
            return


CHECKS = (
    Check("INV-PO-MISSING", "PO present when required", Severity.ERROR, Route.BILLING, po_present),
    Check("INV-PO-EXPIRED", "PO not expired", Severity.ERROR, Route.BILLING, po_not_expired),
    Check(
        "INV-PO-EXHAUSTED",
        "Remaining PO amount covers the invoice",
        Severity.ERROR,
        Route.BILLING,
        po_covers_invoice,
    ),
)
