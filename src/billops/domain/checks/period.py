"""Period check: the invoice is dated in an open accounting period.

Once a month is closed (``billops close``), nothing may be posted into it:
an invoice dated on or before the last closed day would change a locked
period's revenue and receivables.

==================  ========  ==============================================
check               severity  raised when
==================  ========  ==============================================
INV-PERIOD-CLOSED   error     the invoice date is on or before the last day
                              of the closed periods
==================  ========  ==============================================

    >>> [check.check_id for check in CHECKS]
    ['INV-PERIOD-CLOSED']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice

__all__ = ["CHECKS", "period_open"]


def period_open(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """The invoice date falls after the last closed day."""
    closed = ctx.ledger.closed_through
    if closed is not None and invoice.issue_date <= closed:
        yield finding(
            "INV-PERIOD-CLOSED",
            f"the invoice is dated {invoice.issue_date}, in a closed period (closed through "
            f"{closed})",
            fields=("issue_date",),
            values={"issue_date": str(invoice.issue_date), "closed_through": str(closed)},
            hint="date the invoice in the open period (run the billing as of a later date)",
            route=Route.FINANCE,
        )


CHECKS = (
    Check(
        "INV-PERIOD-CLOSED",
        "Invoice date in an open period",
        Severity.ERROR,
        Route.FINANCE,
        period_open,
    ),
)
