"""Expenses: travel and other costs re-billed at cost, monthly in arrears, up to a cap.

A statement of work may let the supplier re-bill expenses (travel,
lodging) at cost, or with a mark-up, up to a cap. Each month's approved
``ExpenseEntry`` amounts of an expenses line are invoiced after the month
ends as one item, at cost plus ``markup_percent`` (the line's, else the
contract's ``expenses_policy``). Unapproved expenses are not billed (the
explanation counts them). The cap (the line's ``expense_cap``, else the
policy's ``cap``) applies to the billed amount, mark-up included: the
month that crosses it is cut at the cap and the rest is a ``held_excess``
item with status ``held`` and a finding. A policy saying expenses are not
billable bills nothing and reports any expense filed.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.events import Events, ExpenseEntry
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "SOW-4", "document_type": "sow", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "lines": [{"line_id": "L2", "description": "Travel", "billing_model": "expenses",
    ...                "expense_cap": "500.00", "markup_percent": 10}]})
    >>> trip = ExpenseEntry(idempotency_key="EX-1", contract_id="SOW-4", line_id="L2",
    ...                     incurred_on=date(2026, 6, 9), amount=Decimal("400.00"))
    >>> for item in build_schedule(terms, Events.of([trip]), as_of=date(2026, 7, 1)).items:
    ...     print(item.item_key, item.amount, item.status.value)
    L2:2026-06 440.00 USD billable
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from billops.domain.calendar import Period, month_period
from billops.domain.contract import BillingModel, ContractLine
from billops.domain.events import ExpenseEntry
from billops.domain.findings import Finding
from billops.domain.schedules._common import ONE_DAY, Generated, ScheduleContext, finding
from billops.domain.schedules.model import ScheduleItem, Trigger
from billops.domain.schedules.time_and_materials import apply_cap

__all__ = ["BILLING_MODELS", "generate"]

BILLING_MODELS = (BillingModel.EXPENSES,)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """One item per month of each expenses line, up to its cap."""
    generated = Generated()
    for line in lines:
        generated = generated + _expenses(line, ctx)
    return generated


def _expenses(line: ContractLine, ctx: ScheduleContext) -> Generated:
    policy = ctx.terms.expenses_policy
    entries = sorted(
        (
            e
            for e in ctx.events.expenses
            if e.line_id == line.line_id and e.incurred_on <= ctx.as_of
        ),
        key=lambda e: (e.incurred_on, e.idempotency_key),
    )
    if policy is not None and not policy.billable:
        findings: tuple[Finding, ...] = ()
        if entries:
            findings = (
                finding(
                    "SCHEDULE-EXPENSES-NOT-BILLABLE",
                    f"{len(entries)} expenses were filed on line {line.line_id}, but the "
                    "contract's expenses policy says expenses are not billable",
                    fields=(f"lines[{line.line_id}].billing_model",),
                    hint="check the expenses policy, or remove the expenses line",
                ),
            )
        return Generated(findings=findings)
    markup = line.markup_percent
    if markup is None and policy is not None:
        markup = policy.markup_percent
    markup = markup or Decimal(0)
    cap = line.expense_cap if line.expense_cap is not None else policy.cap if policy else None
    approved: dict[Period, list[ExpenseEntry]] = defaultdict(list)
    unapproved: dict[Period, Decimal] = defaultdict(Decimal)
    for e in entries:
        if e.approved:
            approved[month_period(e.incurred_on)].append(e)
        else:
            unapproved[month_period(e.incurred_on)] += e.amount
    items: list[ScheduleItem] = []
    for period in sorted(approved):
        month = approved[period]
        cost = sum((e.amount for e in month), Decimal(0))
        amount = ctx.round(cost * (100 + markup) / 100)
        label = period.start.strftime("%Y-%m")
        marked = f" + {markup} % mark-up" if markup else " at cost"
        waiting = (
            f" ({unapproved[period]:,f} not approved yet, not billed)"
            if unapproved.get(period)
            else ""
        )
        items.append(
            ctx.item(
                line.line_id,
                f"{line.line_id}:{label}",
                BillingModel.EXPENSES,
                amount,
                trigger=Trigger.EXPENSE_APPROVED,
                bill_date=period.end + ONE_DAY,
                service_period=period,
                trigger_ref=",".join(e.idempotency_key for e in month),
                explanation=f"expenses {label}: {len(month)} approved, cost {cost:,f}{marked} "
                f"= {amount.amount:,f}{waiting}",
            )
        )
    return apply_cap(
        items,
        cap,
        ctx,
        "SCHEDULE-EXPENSE-CAP-EXCEEDED",
        "expense cap",
        f"lines[{line.line_id}].expense_cap",
    )
