"""Fixed fees: one price for a piece of work, invoiced in installments.

A fixed-fee line is billed whatever the hours spent, in installments. The
statement of work says how, in one of two ways:

- **installments as milestones** of the line (``Milestone.line_id``), each
  a ``percent`` of the fee or an ``amount``: "40 % on signature, 30 % on
  1 May, 30 % on 1 July". Without acceptance they bill on their
  ``due_date`` (on signature when they have none); with
  ``acceptance_required`` they wait for the customer's acceptance, like
  any milestone;
- **equal installments**, one per billing period of the line's frequency
  over its service range, each invoiced at the period's start (advance)
  or after its end (arrears). A line with no frequency, or ``one_time``,
  is one installment due on signature.

The installments sum exactly to the fee (``amount``, else quantity x
unit price): percent installments and equal ones are split with
``money.allocate``, so 100.00 in three is 33.34 + 33.33 + 33.33.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "SOW-2", "document_type": "sow", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "signature_date": "2026-02-20",
    ...     "start_date": "2026-03-01", "end_date": "2026-05-31",
    ...     "lines": [{"line_id": "L1", "description": "Implementation",
    ...                "billing_model": "fixed_fee", "amount": "100.00", "frequency": "monthly"}]})
    >>> [str(i.amount) for i in build_schedule(terms, as_of=date(2026, 3, 1)).items]
    ['33.34 USD', '33.33 USD', '33.33 USD']
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billops.domain.contract import Alignment, BillingModel, ContractLine, Frequency, Timing
from billops.domain.money import split_evenly
from billops.domain.schedules._common import ONE_DAY, Generated, ScheduleContext, finding
from billops.domain.schedules.milestone import milestone_items
from billops.domain.schedules.model import ScheduleItem, Trigger
from billops.domain.schedules.subscription import billing_periods

__all__ = ["BILLING_MODELS", "generate"]

BILLING_MODELS = (BillingModel.FIXED_FEE,)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """The installments of each fixed-fee line."""
    generated = Generated()
    for line in lines:
        generated = generated + _installments(line, ctx)
    return generated


def _installments(line: ContractLine, ctx: ScheduleContext) -> Generated:
    fee = line.amount
    if fee is None and line.unit_price is not None:
        fee = (line.quantity if line.quantity is not None else 1) * line.unit_price
    if fee is None:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-NO-PRICE",
                    f"fixed-fee line {line.line_id} states no amount or price; "
                    "nothing can be billed for it",
                    fields=(f"lines[{line.line_id}].amount",),
                    hint="add the fee from the statement of work",
                ),
            )
        )
    own = [m for m in ctx.terms.milestones if m.line_id == line.line_id]
    if own:
        generated = milestone_items(own, fee, line.line_id, BillingModel.FIXED_FEE, ctx)
        billed = sum((i.amount.amount for i in generated.items), start=Decimal(0))
        if billed != ctx.round(fee).amount and len(generated.items) == len(own):
            generated = generated + Generated(
                findings=(
                    finding(
                        "SCHEDULE-INSTALLMENTS-NOT-FEE",
                        f"the installments of fixed-fee line {line.line_id} sum to {billed:,f}, "
                        f"not to the fee {fee:,f}",
                        fields=(f"lines[{line.line_id}].amount",),
                        values={"installments": f"{billed:f}", "fee": f"{fee:f}"},
                        hint="correct the installment percents or amounts",
                    ),
                )
            )
        return generated
    return _equal_installments(line, ctx, fee)


def _equal_installments(line: ContractLine, ctx: ScheduleContext, fee: Decimal) -> Generated:
    total = ctx.round(fee)
    frequency = line.frequency or (ctx.terms.billing.frequency if ctx.terms.billing else None)
    service = ctx.service_period(line)
    if frequency is None or frequency is Frequency.ONE_TIME or service is None:
        bill_date = ctx.terms.signature_date
        when = f"signed {bill_date}" if bill_date else "not signed yet"
        item = ctx.item(
            line.line_id,
            f"{line.line_id}:signature",
            BillingModel.FIXED_FEE,
            total,
            trigger=Trigger.SIGNATURE,
            bill_date=bill_date,
            explanation=f"fixed fee {total.amount:,f} in one installment on signature ({when})",
            service_period=service,
        )
        return Generated(items=(item,))
    timing = ctx.timing(line, Timing.ADVANCE)
    anchor = ctx.anchor or ctx.terms.start_date or service.start
    alignment = ctx.alignment() if ctx.terms.billing else Alignment.ANNIVERSARY
    periods = billing_periods(service, frequency, alignment, anchor)
    parts = split_evenly(total, len(periods))
    items: list[ScheduleItem] = []
    for number, (bp, part) in enumerate(zip(periods, parts, strict=True), start=1):
        bill_date = bp.period.start if timing is Timing.ADVANCE else bp.period.end + ONE_DAY
        items.append(
            ctx.item(
                line.line_id,
                f"{line.line_id}:{bp.period.start.isoformat()}",
                BillingModel.FIXED_FEE,
                part,
                trigger=Trigger.DATE,
                bill_date=bill_date,
                explanation=f"fixed fee {total.amount:,f} in {len(periods)} equal "
                f"{frequency.value} installments: installment {number} of {len(periods)} "
                f"({bp.period}, {timing.value}) = {part.amount:,f}",
                service_period=bp.period,
            )
        )
    return Generated(items=tuple(items))
