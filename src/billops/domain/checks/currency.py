"""Currency check: the invoice is in the currency of every contract it bills.

A contract fixes its currency; invoicing a EUR contract in USD (a customer
record's default currency, an entity's functional currency) bills the
wrong amount.

==============  ========  =================================================
check           severity  raised when
==============  ========  =================================================
INV-CURRENCY    error     the invoice's currency is not a billed contract's,
                          or a line's schedule item is in another currency
==============  ========  =================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-CURRENCY']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding, line_field, sourced_lines
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice

__all__ = ["CHECKS", "currency_is_contracts"]


def currency_is_contracts(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The invoice currency is each contract's and each schedule item's."""
    for contract_id in invoice.contract_ids:
        terms = ctx.contracts.get(contract_id)
        if terms is not None and terms.currency != invoice.currency:
            yield finding(
                "INV-CURRENCY",
                f"the invoice is in {invoice.currency}, but contract {contract_id} is in "
                f"{terms.currency}",
                fields=("currency",),
                values={"invoice": invoice.currency, "contract": terms.currency},
                hint="invoice the contract in its own currency",
            )
    for line in sourced_lines(invoice):
        item = ctx.item_for(line)
        if item is not None and item.amount.currency != invoice.currency:
            yield finding(
                "INV-CURRENCY",
                f"line {line.line_no} bills a schedule item in {item.amount.currency} on an "
                f"invoice in {invoice.currency}",
                fields=(line_field(line, "net_amount"),),
                values={"invoice": invoice.currency, "item": item.amount.currency},
                hint="invoice the contract in its own currency",
            )


CHECKS = (
    Check(
        "INV-CURRENCY",
        "Invoice currency is the contract's",
        Severity.ERROR,
        Route.BILLING,
        currency_is_contracts,
    ),
)
