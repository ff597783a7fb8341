"""Pre-invoice checks: the questions every draft answers before anyone sends it.

The billing run drafts invoices; before one reaches a customer, each check
here looks at it with the contract, the schedule, the customer and the
ledger beside it. Every check has the same shape (``Check``: an id, a
title, a severity, a work queue, ``function(invoice, context)``), and each
family of checks is a module listing its ``CHECKS``:

    ===================  =====================================================
    module               checks
    ===================  =====================================================
    rates                INV-RATE, INV-RATE-ZERO
    time_entries         INV-TIME
    caps                 INV-NTE
    purchase_orders      INV-PO-MISSING, INV-PO-EXPIRED, INV-PO-EXHAUSTED
    milestones           INV-MILESTONE
    schedule             INV-DUPLICATE, INV-SCHEDULE
    customer             INV-CUSTOMER-ADDRESS, INV-CUSTOMER-TAX-ID,
                         INV-CUSTOMER-ENDPOINT, INV-CUSTOMER-CONTACT
    currency             INV-CURRENCY
    period               INV-PERIOD-CLOSED
    totals               INV-NEGATIVE, INV-ZERO-TOTAL
    ===================  =====================================================

``run_checks(invoice, context)`` runs them all, in that order, and returns
what they found; ``hold(invoice, findings)`` puts a draft with any
error-severity finding on hold with the ids of the failed checks (the
work-queue task), and leaves any other draft as a draft.

    >>> len(CHECKS), CHECKS[0].check_id
    (18, 'INV-RATE')
    >>> sorted(CHECKS_BY_ID)[:3]
    ['INV-CURRENCY', 'INV-CUSTOMER-ADDRESS', 'INV-CUSTOMER-CONTACT']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from billops.domain.checks import (
    caps,
    currency,
    customer,
    milestones,
    period,
    purchase_orders,
    rates,
    schedule,
    time_entries,
    totals,
)
from billops.domain.checks.base import BillingLedger, Check, CheckContext, CheckFunction
from billops.domain.findings import Finding, Severity
from billops.domain.invoices import Invoice, InvoiceStatus

__all__ = [
    "CHECKS",
    "CHECKS_BY_ID",
    "FAMILIES",
    "BillingLedger",
    "Check",
    "CheckContext",
    "CheckFunction",
    "failed_check_ids",
    "hold",
    "run_checks",
]

FAMILIES = (
    rates,
    time_entries,
    caps,
    purchase_orders,
    milestones,
    schedule,
    customer,
    currency,
    period,
    totals,
)
"""The check modules, each with its ``CHECKS``."""

CHECKS: tuple[Check, ...] = tuple(check for module in FAMILIES for check in module.CHECKS)
CHECKS_BY_ID: dict[str, Check] = {check.check_id: check for check in CHECKS}


def run_checks(
    invoice: Invoice, context: CheckContext, checks: Iterable[Check] = CHECKS
) -> tuple[Finding, ...]:
    """Every check's findings on ``invoice``, in check order."""
    return tuple(found for check in checks for found in check(invoice, context))


def failed_check_ids(findings: Iterable[Finding]) -> tuple[str, ...]:
    """The ids of the checks with an error-severity finding, sorted, each once."""
    return tuple(sorted({f.rule_id for f in findings if f.severity is Severity.ERROR}))


def hold(invoice: Invoice, findings: Iterable[Finding]) -> Invoice:
    """The draft HELD with the failed check ids, or a DRAFT without holds when none failed."""
    failed = failed_check_ids(findings)
    status = InvoiceStatus.HELD if failed else InvoiceStatus.DRAFT
    return dataclasses.replace(invoice, status=status, holds=failed)
