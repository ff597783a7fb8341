"""Hardware: appliances invoiced when they ship, per shipped quantity.

A hardware line is billed as the warehouse ships it: each ``Shipment`` of
the line bills its quantity at the unit price, on the ship date. What has
not shipped yet is one *waiting* item, so the line's whole value is always
on the schedule. Shipping more than was ordered bills nothing for the
excess and raises a finding: the order, not the warehouse, sets what the
customer owes.

When the line states its ``amount``, each shipment bills its share of it
cumulatively (the first ``n`` units are worth ``amount x n / ordered``,
rounded), so the shipments of the whole order sum to the amount exactly.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.events import Events, Shipment
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "OF-4", "document_type": "order_form", "currency": "BHD",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "lines": [{"line_id": "L1", "description": "Edge appliance",
    ...                "billing_model": "hardware", "quantity": 3, "unit_price": "1000.125"}]})
    >>> shipped = Shipment(idempotency_key="SH-1", contract_id="OF-4", line_id="L1",
    ...                    sku="E400", quantity=Decimal(2), ship_date=date(2026, 5, 4))
    >>> for item in build_schedule(terms, Events.of([shipped]), as_of=date(2026, 5, 31)).items:
    ...     print(item.item_key, item.amount, item.status.value)
    L1:SH-1 2000.250 BHD billable
    L1:unshipped 1000.125 BHD waiting
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from billops.domain.contract import BillingModel, ContractLine
from billops.domain.findings import Finding
from billops.domain.schedules._common import Generated, ScheduleContext, finding, number_text
from billops.domain.schedules.model import ScheduleItem, Trigger

__all__ = ["BILLING_MODELS", "generate"]

BILLING_MODELS = (BillingModel.HARDWARE,)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """Each line's shipments, and what remains to ship."""
    generated = Generated()
    for line in lines:
        generated = generated + _hardware(line, ctx)
    return generated


def _hardware(line: ContractLine, ctx: ScheduleContext) -> Generated:
    ordered = line.quantity if line.quantity is not None else Decimal(1)
    if line.amount is not None:
        value = line.amount
    elif line.unit_price is not None:
        value = ordered * line.unit_price
    else:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-NO-PRICE",
                    f"hardware line {line.line_id} states no price or amount",
                    fields=(f"lines[{line.line_id}].unit_price",),
                    hint="add the unit price from the order form",
                ),
            )
        )
    unit = line.unit or "unit"
    price = (
        line.unit_price if line.unit_price is not None else value / ordered if ordered else value
    )
    shipments = sorted(
        (s for s in ctx.events.shipments if s.line_id == line.line_id and s.ship_date <= ctx.as_of),
        key=lambda s: (s.ship_date, s.idempotency_key),
    )
    items: list[ScheduleItem] = []
    findings: list[Finding] = []
    shipped = Decimal(0)
    billed = ctx.round(Decimal(0))
    for s in shipments:
        billable = min(s.quantity, max(ordered - shipped, Decimal(0)))
        excess = s.quantity - billable
        if excess > 0:
            findings.append(
                finding(
                    "SCHEDULE-SHIPPED-ABOVE-ORDERED",
                    f"shipment {s.idempotency_key} ships {number_text(s.quantity)} {unit} of line "
                    f"{line.line_id}, {number_text(excess)} more than the "
                    f"{number_text(ordered)} ordered; the excess is not billed",
                    fields=(f"events.shipment[{s.idempotency_key}].quantity",),
                    values={"shipped": f"{s.quantity}", "ordered": f"{ordered}"},
                    hint="check the shipment, or amend the order for the extra units",
                )
            )
        if billable <= 0:
            continue
        shipped += billable
        cumulative = ctx.round(value * shipped / ordered) if ordered else ctx.round(value)
        amount = cumulative - billed
        billed = cumulative
        capped = f" ({number_text(excess)} above the order not billed)" if excess > 0 else ""
        items.append(
            ctx.item(
                line.line_id,
                f"{line.line_id}:{s.idempotency_key}",
                BillingModel.HARDWARE,
                amount,
                trigger=Trigger.SHIPMENT,
                bill_date=s.ship_date,
                trigger_ref=s.idempotency_key,
                quantity=billable,
                unit_price=price,
                explanation=f"shipped {s.ship_date}: {number_text(billable)} {unit} x "
                f"{number_text(price)} = {amount.amount:,f}{capped}",
            )
        )
    remaining = ordered - shipped
    if remaining > 0:
        amount = ctx.round(value) - billed
        items.append(
            ctx.item(
                line.line_id,
                f"{line.line_id}:unshipped",
                BillingModel.HARDWARE,
                amount,
                trigger=Trigger.SHIPMENT,
                bill_date=None,
                quantity=remaining,
                unit_price=price,
                explanation=f"{number_text(remaining)} of {number_text(ordered)} {unit} not "
                f"shipped yet: {number_text(remaining)} x {number_text(price)} = "
                f"{amount.amount:,f}, billed as they ship",
            )
        )
    return Generated(tuple(items), tuple(findings))
