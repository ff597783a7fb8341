"""Cap checks: time and materials stays under the contract's not-to-exceed.

The schedule already cuts T&M at the not-to-exceed (the excess is held,
not billed); this check asks the question again with what has *actually*
been invoiced (the ``BillingLedger``), so that a cap lowered by an
amendment, or time billed by hand, cannot push the contract over it.

=========  ========  ========================================================
check      severity  raised when
=========  ========  ========================================================
INV-NTE    error     T&M already invoiced on a contract plus this invoice's
                     T&M lines would exceed its not-to-exceed
=========  ========  ========================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-NTE']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding, sourced_lines
from billops.domain.contract import BillingModel
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice
from billops.domain.money import Money

__all__ = ["CHECKS", "not_to_exceed_kept"]


def not_to_exceed_kept(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Per contract: billed T&M plus this invoice's T&M lines stay within the cap."""
    here: dict[str, Money] = {}
    for line in sourced_lines(invoice):
        assert line.source is not None
        if line.source.billing_model is BillingModel.TIME_AND_MATERIALS:
            cid = line.source.contract_id
            here[cid] = here.get(cid, Money.zero(invoice.currency)) + line.net_amount
    for contract_id, amount in sorted(here.items()):
        terms = ctx.contracts.get(contract_id)
        if terms is None or terms.not_to_exceed is None:
            continue
        before = ctx.ledger.capped_billed.get(contract_id, Money.zero(invoice.currency))
        total = before + amount
        cap = Money(terms.not_to_exceed, invoice.currency)
        if total > cap:
            yield finding(
                "INV-NTE",
                f"contract {contract_id}: {before} already billed plus {amount} on this "
                f"invoice is {total}, over the not-to-exceed of {cap} by {total - cap}",
                fields=(f"contracts[{contract_id}].not_to_exceed",),
                values={
                    "contract_id": contract_id,
                    "billed": str(before),
                    "invoice": str(amount),
                    "not_to_exceed": str(cap),
                },
                hint="bill only up to the cap, or have the customer sign a change order",
            )


CHECKS = (
    Check(
        "INV-NTE",
        "Not-to-exceed not exceeded",
        Severity.ERROR,
        Route.BILLING,
        not_to_exceed_kept,
    ),
)
