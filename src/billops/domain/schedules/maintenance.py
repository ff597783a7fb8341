"""Maintenance: support for a licence or an appliance, invoiced each year in advance.

Maintenance is a recurring charge, annual and in advance unless the line
says otherwise (``line.frequency``, ``line.timing``; the contract's default
billing rhythm is for its subscriptions and does not apply). Its price is
either:

- a **percent of another line** (``percent_of_line`` and ``percent``):
  18 % of the appliance's price a year, the referenced line's ``amount``
  (else quantity x unit price) times the percent, for each year; or
- **its own price**: quantity x ``unit_price`` per billing period, as for
  subscriptions.

Periods run from the line's service start (anniversary), a partial last
year is charged by the day, and when the line states its ``amount`` the
items sum to it exactly.

    >>> from datetime import date
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "OF-5", "document_type": "order_form", "currency": "USD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "start_date": "2026-02-01", "end_date": "2028-01-31",
    ...     "lines": [
    ...         {"line_id": "L1", "description": "Appliance", "billing_model": "hardware",
    ...          "quantity": 2, "unit_price": "26600.00", "amount": "53200.00"},
    ...         {"line_id": "L2", "description": "Maintenance 22 %",
    ...          "billing_model": "maintenance", "percent_of_line": "L1", "percent": 22}]})
    >>> for item in build_schedule(terms, as_of=date(2026, 2, 1)).for_line("L2"):
    ...     print(item.item_key, item.amount, item.status.value)
    L2:2026-02-01 11704.00 USD billable
    L2:2027-02-01 11704.00 USD scheduled
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billops.domain.contract import Alignment, BillingModel, ContractLine, Frequency, Timing
from billops.domain.schedules._common import Generated, ScheduleContext, finding, number_text
from billops.domain.schedules.subscription import PriceStep, recurring_items

__all__ = ["BILLING_MODELS", "generate"]

BILLING_MODELS = (BillingModel.MAINTENANCE,)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """The yearly (or the line's) periods of each maintenance line."""
    generated = Generated()
    for line in lines:
        generated = generated + _maintenance(line, ctx)
    return generated


def _maintenance(line: ContractLine, ctx: ScheduleContext) -> Generated:
    frequency = line.frequency or Frequency.ANNUAL
    timing = line.timing or Timing.ADVANCE
    service = ctx.service_period(line)
    if line.percent_of_line is None or line.percent is None or service is None:
        return recurring_items(
            line, ctx, frequency=frequency, timing=timing, alignment=Alignment.ANNIVERSARY
        )
    base_line = ctx.line(line.percent_of_line)
    base = None
    if base_line is not None:
        base = base_line.amount
        if base is None and base_line.unit_price is not None:
            base = (base_line.quantity or Decimal(1)) * base_line.unit_price
    if base is None:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-MAINTENANCE-NO-BASE",
                    f"maintenance line {line.line_id} is {line.percent} % of line "
                    f"{line.percent_of_line}, which states no amount or price",
                    fields=(f"lines[{line.line_id}].percent_of_line",),
                    hint="state the referenced line's amount, or the maintenance price",
                ),
            )
        )
    # The percent is a yearly rate; a period of another length is its share of a year.
    per_year = base * line.percent / 100
    per_period = per_year * Decimal(_months_per_period(frequency)) / 12
    note = (
        f"{number_text(line.percent)} % of line {line.percent_of_line} ({number_text(base)}) a year"
    )
    steps = [PriceStep(service, Decimal(1), per_period)]
    return recurring_items(
        line,
        ctx,
        frequency=frequency,
        timing=timing,
        alignment=Alignment.ANNIVERSARY,
        steps=steps,
        price_note=note,
    )


def _months_per_period(frequency: Frequency) -> int:
    return {
        Frequency.MONTHLY: 1,
        Frequency.QUARTERLY: 3,
        Frequency.SEMI_ANNUAL: 6,
        Frequency.ANNUAL: 12,
        Frequency.ONE_TIME: 12,
    }[frequency]
