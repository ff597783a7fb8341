"""Total checks: an invoice asks for money; a negative total is a credit note.

EN 16931 allows negative lines (a proration credit) on an invoice whose
total stays at or above zero; a negative total is a credit, which billops
issues only as a credit note naming the invoice it corrects. The billing
run already turns a net-negative group into a credit proposal; this check
holds any draft that reaches a negative total another way.

==============  ========  =================================================
check           severity  raised when
==============  ========  =================================================
INV-NEGATIVE    error     the invoice's net total is below zero
INV-ZERO-TOTAL  warning   the invoice's net total is zero
==============  ========  =================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-NEGATIVE', 'INV-ZERO-TOTAL']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice

__all__ = ["CHECKS", "total_not_negative", "total_not_zero"]


def total_not_negative(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The net total is zero or more."""
    if invoice.net_total.amount < 0:
        yield finding(
            "INV-NEGATIVE",
            f"the invoice totals {invoice.net_total}: a negative invoice is a credit",
            fields=("net_total",),
            values={"net_total": str(invoice.net_total)},
            hint="issue a credit note against the invoice being corrected instead",
        )


def total_not_zero(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The net total is not zero (lines that cancel out deserve a look)."""
    if invoice.net_total.is_zero():
        yield finding(
            "INV-ZERO-TOTAL",
            "the invoice totals zero",
            fields=("net_total",),
            severity=Severity.WARNING,
            hint="check that the lines should cancel out",
        )


CHECKS = (
    Check("INV-NEGATIVE", "No negative total", Severity.ERROR, Route.BILLING, total_not_negative),
    Check("INV-ZERO-TOTAL", "No zero total", Severity.WARNING, Route.BILLING, total_not_zero),
)
