"""Time checks: the hours billed are approved, billable and inside the service period.

A time-and-materials line bills a month of a role's approved hours; its
source lists the time entries behind it. ``INV-TIME`` looks each one up
again in the events the run loaded: an entry that has gone (deleted in
the PSA), lost its approval, been marked non-billable, or lies outside
the line's service period must not be billed.

=========  ========  ========================================================
check      severity  raised when
=========  ========  ========================================================
INV-TIME   error     a T&M line names a time entry that is unknown, not
                     approved, non-billable or outside the service period;
                     or names none at all
=========  ========  ========================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-TIME']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.calendar import Period
from billops.domain.checks.base import Check, CheckContext, finding, line_field, sourced_lines
from billops.domain.contract import BillingModel
from billops.domain.events import TimeEntry
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice

__all__ = ["CHECKS", "time_approved_in_period"]


def _problem(entry: TimeEntry | None, line_period: Period | None) -> str | None:
    if entry is None:
        return "is not among the recorded time entries"
    if not entry.approved:
        return "is not approved"
    if not entry.billable:
        return "is marked non-billable"
    if line_period is not None and not line_period.contains(entry.work_date):
        return f"was worked on {entry.work_date}, outside the service period {line_period}"
    return None


def time_approved_in_period(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Every time entry behind a T&M line is approved, billable and inside its period."""
    entries = {e.idempotency_key: e for e in ctx.events.time_entries}
    for line in sourced_lines(invoice):
        assert line.source is not None
        if line.source.billing_model is not BillingModel.TIME_AND_MATERIALS:
            continue
        if not line.source.events:
            yield finding(
                "INV-TIME",
                f"line {line.line_no} ({line.description}) bills time but names no time entry",
                fields=(line_field(line, "source.events"),),
                hint="rebuild the draft from the approved time entries",
            )
            continue
        for key in line.source.events:
            problem = _problem(entries.get(key), line.service_period)
            if problem is None:
                continue
            yield finding(
                "INV-TIME",
                f"line {line.line_no} ({line.description}): time entry {key} {problem}",
                fields=(line_field(line, f"source.events[{key}]"),),
                values={"time_entry": key},
                hint="approve or correct the time entry in the PSA, then run the billing again",
            )


CHECKS = (
    Check(
        "INV-TIME",
        "Time entries approved and inside the service period",
        Severity.ERROR,
        Route.BILLING,
        time_approved_in_period,
    ),
)
