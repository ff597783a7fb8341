"""Milestone checks: a milestone is billed only once the customer accepted it.

A milestone line's source names the milestone; if the contract requires
acceptance, the customer's latest decision on it (up to the run date) must
be an acceptance. A rejection recorded after the schedule was built, or a
milestone that has left the contract, stops the line.

==============  ========  =================================================
check           severity  raised when
==============  ========  =================================================
INV-MILESTONE   error     a milestone line's milestone is unknown to the
                          contract, or needs acceptance and is not accepted
==============  ========  =================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-MILESTONE']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import Check, CheckContext, finding, line_field, sourced_lines
from billops.domain.events import AcceptanceStatus, MilestoneAcceptance
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice

__all__ = ["CHECKS", "latest_decision", "milestone_accepted"]


def latest_decision(
    ctx: CheckContext, contract_id: str, milestone_id: str
) -> MilestoneAcceptance | None:
    """The customer's latest decision on the milestone up to the run date."""
    decisions = [
        (a.decided_on, index, a)
        for index, a in enumerate(ctx.events.milestone_acceptances)
        if a.contract_id == contract_id
        and a.milestone_id == milestone_id
        and a.decided_on <= ctx.as_of
    ]
    return max(decisions, key=lambda d: (d[0], d[1]))[2] if decisions else None


def milestone_accepted(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Every milestone line's milestone exists and, where required, is accepted."""
    for line in sourced_lines(invoice):
        assert line.source is not None
        milestone_id = line.source.milestone_id
        if milestone_id is None:
            continue
        terms = ctx.contracts.get(line.source.contract_id)
        if terms is None:
            continue
        milestone = next((m for m in terms.milestones if m.milestone_id == milestone_id), None)
        where = (line_field(line, "source.milestone_id"),)
        if milestone is None:
            yield finding(
                "INV-MILESTONE",
                f"line {line.line_no} bills milestone {milestone_id}, which contract "
                f"{terms.contract_id} does not have",
                fields=where,
                values={"milestone_id": milestone_id},
                hint="rebuild the schedule from the current contract terms",
            )
            continue
        if not milestone.acceptance_required:
            continue
        decision = latest_decision(ctx, terms.contract_id, milestone_id)
        if decision is None or decision.status is not AcceptanceStatus.ACCEPTED:
            state = (
                "has no acceptance from the customer"
                if decision is None
                else f"was {decision.status.value} on {decision.decided_on} "
                f"({decision.idempotency_key})"
            )
            yield finding(
                "INV-MILESTONE",
                f"line {line.line_no} bills milestone {milestone_id} ({milestone.name}), which "
                f"{state}",
                fields=where,
                values={"milestone_id": milestone_id},
                hint="record the customer's signed acceptance before billing the milestone",
            )


CHECKS = (
    Check("INV-MILESTONE", "Milestone accepted", Severity.ERROR, Route.BILLING, milestone_accepted),
)
