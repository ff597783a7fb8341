"""Milestones: an amount that becomes billable when the customer accepts a deliverable.

A statement of work prices deliverables (design sign-off, UAT sign-off,
go-live); each ``Milestone`` states an ``amount``, or a ``percent`` of its
line's amount (of the total contract value when it names no line). A
milestone that needs acceptance waits until a ``MilestoneAcceptance`` with
status ``accepted`` arrives; then it is billable on the day of the
decision. The customer may reject and later accept: the latest decision
(by date, then by arrival) wins, and a rejected milestone stays waiting.
An acceptance naming a milestone the contract does not have is a finding,
never a crash. A milestone without acceptance bills on its due date.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.events import Events, MilestoneAcceptance
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "SOW-1", "document_type": "sow", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "lines": [{"line_id": "L1", "description": "Deliverables",
    ...                "billing_model": "milestone", "amount": "50000.00"}],
    ...     "milestones": [
    ...         {"milestone_id": "M1", "name": "Design", "percent": 40, "line_id": "L1"},
    ...         {"milestone_id": "M2", "name": "Go-live", "percent": 60, "line_id": "L1"}]})
    >>> accepted = MilestoneAcceptance(idempotency_key="MA-1", contract_id="SOW-1",
    ...     milestone_id="M1", status="accepted", decided_on=date(2026, 3, 2))
    >>> schedule = build_schedule(terms, Events.of([accepted]), as_of=date(2026, 3, 31))
    >>> for item in schedule.items:
    ...     print(item.item_key, item.amount, item.status.value, item.bill_date)
    L1:M1 20000.00 USD billable 2026-03-02
    L1:M2 30000.00 USD waiting None
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billops.domain.contract import BillingModel, ContractLine, Milestone
from billops.domain.events import AcceptanceStatus, MilestoneAcceptance
from billops.domain.findings import Finding
from billops.domain.money import Money, allocate
from billops.domain.schedules._common import Generated, ScheduleContext, finding, number_text
from billops.domain.schedules.model import ScheduleItem, Trigger

__all__ = [
    "BILLING_MODELS",
    "generate",
    "latest_decision",
    "milestone_amounts",
    "milestone_items",
]

BILLING_MODELS = (BillingModel.MILESTONE,)

# Lines whose milestones another generator bills (fixed-fee installments).
_BILLED_ELSEWHERE = (BillingModel.FIXED_FEE,)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """Milestone lines' milestones, contract-level milestones, and unknown acceptances."""
    generated = Generated()
    for line in lines:
        own = [m for m in ctx.terms.milestones if m.line_id == line.line_id]
        if not own:
            generated = generated + Generated(
                findings=(
                    finding(
                        "SCHEDULE-MILESTONE-LINE-WITHOUT-MILESTONES",
                        f"milestone line {line.line_id} has no milestones, so nothing on it "
                        "can ever become billable",
                        fields=(f"lines[{line.line_id}].billing_model",),
                        hint="add the milestones of the statement of work",
                    ),
                )
            )
            continue
        base = line.amount
        if base is None and line.quantity is not None and line.unit_price is not None:
            base = line.quantity * line.unit_price
        generated = generated + milestone_items(
            own, base, line.line_id, BillingModel.MILESTONE, ctx
        )
    unattached = [m for m in ctx.terms.milestones if m.line_id is None]
    if unattached:
        generated = generated + milestone_items(
            unattached, ctx.terms.total_contract_value, None, BillingModel.MILESTONE, ctx
        )
    generated = generated + Generated(findings=tuple(_stray_milestones(ctx)))
    return generated + Generated(findings=tuple(_unknown_acceptances(ctx)))


def milestone_amounts(
    milestones: Sequence[Milestone], base: Decimal | None, ctx: ScheduleContext
) -> list[Money | None]:
    """Each milestone's amount: as stated, or its percent of ``base`` (None when no base).

    When every milestone is a percent and they add up to 100, ``base`` is
    split with ``allocate`` so that the milestones sum to it exactly.
    """
    percents = [m.percent for m in milestones]
    if base is not None and all(p is not None for p in percents):
        exact = [p for p in percents if p is not None]
        if sum(exact) == 100 and any(exact):
            return list(allocate(ctx.round(base), exact))
    amounts: list[Money | None] = []
    for m in milestones:
        if m.amount is not None:
            amounts.append(ctx.round(m.amount))
        elif m.percent is not None and base is not None:
            amounts.append(ctx.round(base * m.percent / 100))
        else:
            amounts.append(None)
    return amounts


def latest_decision(milestone_id: str, ctx: ScheduleContext) -> MilestoneAcceptance | None:
    """The customer's latest decision on a milestone up to the as-of date (None if none)."""
    decisions = [
        (a.decided_on, index, a)
        for index, a in enumerate(ctx.events.milestone_acceptances)
        if a.milestone_id == milestone_id and a.decided_on <= ctx.as_of
    ]
    return max(decisions, key=lambda d: (d[0], d[1]))[2] if decisions else None


def milestone_items(
    milestones: Sequence[Milestone],
    base: Decimal | None,
    line_id: str | None,
    billing_model: BillingModel,
    ctx: ScheduleContext,
) -> Generated:
    """One item per milestone, triggered by acceptance or by its due date."""
    items: list[ScheduleItem] = []
    findings: list[Finding] = []
    for m, amount in zip(milestones, milestone_amounts(milestones, base, ctx), strict=True):
        key = f"{line_id}:{m.milestone_id}" if line_id else m.milestone_id
        if amount is None:
            findings.append(
                finding(
                    "SCHEDULE-MILESTONE-NO-BASE",
                    f"milestone {m.milestone_id} is {m.percent} % of an amount the contract "
                    "does not state, so its amount is unknown",
                    fields=(f"milestones[{m.milestone_id}].percent",),
                    hint="state the line amount (or total contract value), or the milestone amount",
                )
            )
            continue
        share = (
            f"{number_text(m.percent)} % of {number_text(base)}"
            if m.percent is not None and base is not None
            else f"amount {amount.amount:,f}"
        )
        items.append(
            _milestone_item(m, key, line_id or m.milestone_id, amount, share, billing_model, ctx)
        )
    return Generated(tuple(items), tuple(findings))


def _milestone_item(
    m: Milestone,
    key: str,
    line_id: str,
    amount: Money,
    share: str,
    billing_model: BillingModel,
    ctx: ScheduleContext,
) -> ScheduleItem:
    what = f"milestone {m.milestone_id} {m.name!r}: {share}"
    if not m.acceptance_required:
        due = m.due_date or ctx.terms.signature_date
        trigger = Trigger.DATE if m.due_date is not None else Trigger.SIGNATURE
        when = (
            f"due on {m.due_date}"
            if m.due_date
            else f"due on signature ({due})"
            if due
            else "no due date or signature date yet"
        )
        return ctx.item(
            line_id,
            key,
            billing_model,
            amount,
            trigger=trigger,
            bill_date=due,
            explanation=f"{what}, no acceptance needed, {when}",
            trigger_ref=m.milestone_id,
        )
    decision = latest_decision(m.milestone_id, ctx)
    if decision is not None and decision.status is AcceptanceStatus.ACCEPTED:
        by = f" by {decision.decided_by}" if decision.decided_by else ""
        return ctx.item(
            line_id,
            key,
            billing_model,
            amount,
            trigger=Trigger.MILESTONE_ACCEPTED,
            bill_date=decision.decided_on,
            trigger_ref=decision.idempotency_key,
            explanation=f"{what}, accepted on {decision.decided_on}{by} "
            f"({decision.idempotency_key})",
        )
    if decision is not None:
        state = (
            f"rejected on {decision.decided_on} ({decision.idempotency_key}); waits for acceptance"
        )
    else:
        state = "waits for the customer's acceptance"
    return ctx.item(
        line_id,
        key,
        billing_model,
        amount,
        trigger=Trigger.MILESTONE_ACCEPTED,
        bill_date=None,
        trigger_ref=m.milestone_id,
        explanation=f"{what}, {state}",
    )


def _unknown_acceptances(ctx: ScheduleContext) -> list[Finding]:
    known = {m.milestone_id for m in ctx.terms.milestones}
    return [
        finding(
            "SCHEDULE-UNKNOWN-MILESTONE",
            f"acceptance {a.idempotency_key} names milestone {a.milestone_id!r}, which contract "
            f"{ctx.contract_id} does not have; nothing is billed for it",
            fields=(f"events.milestone_acceptance[{a.idempotency_key}].milestone_id",),
            values={"milestone_id": a.milestone_id, "known": ", ".join(sorted(known))},
            hint="correct the milestone id in the acceptance, or amend the contract",
        )
        for a in ctx.events.milestone_acceptances
        if a.milestone_id not in known
    ]


def _stray_milestones(ctx: ScheduleContext) -> list[Finding]:
    """Milestones on lines whose model bills no milestones: reported, not billed twice."""
    models = {line.line_id: line.billing_model for line in ctx.terms.lines}
    return [
        finding(
            "SCHEDULE-MILESTONE-ON-WRONG-LINE",
            f"milestone {m.milestone_id} is on line {m.line_id}, a "
            f"{models[m.line_id].value} line; it is not scheduled on its own",
            fields=(f"milestones[{m.milestone_id}].line_id",),
            hint="attach it to a milestone or fixed-fee line",
        )
        for m in ctx.terms.milestones
        if m.line_id is not None
        and m.line_id in models
        and models[m.line_id] not in (*BILLING_MODELS, *_BILLED_ELSEWHERE)
    ]
