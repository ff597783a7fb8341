"""One-time fees: onboarding, set-up or training, invoiced once.

A one-time line is billed once, in full (``amount``, else quantity x unit
price). By default it is due **on signature**. It is due **on go-live**
instead when the line says so: its description mentions go-live ("payable
on go-live", "due at go live"), or provisioning reports the line's tenant
live (a ``Provisioning`` event ``tenant_live`` naming the line), which is
how the provisioning system tells billing that a set-up fee was earned. A
go-live line waits until that event has arrived and is then billable on
the go-live day; a go-live line without the event stays waiting.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> from billops.domain.contract import parse_contract
    >>> from billops.domain.schedules import build_schedule
    >>> terms = parse_contract({
    ...     "contract_id": "OF-3", "document_type": "order_form", "currency": "JPY",
    ...     "supplier": {"name": "Acme"}, "customer": {"name": "Globex"},
    ...     "signature_date": "2026-04-01",
    ...     "lines": [
    ...         {"line_id": "L1", "description": "Onboarding", "billing_model": "one_time",
    ...          "quantity": 3, "unit_price": "50000"},
    ...         {"line_id": "L2", "description": "Set-up, payable on go-live",
    ...          "billing_model": "one_time", "amount": "120000"}]})
    >>> for item in build_schedule(terms, as_of=date(2026, 4, 30)).items:
    ...     print(item.item_key, item.amount, item.trigger.value, item.status.value)
    L1:one-time 150000 JPY signature billable
    L2:one-time 120000 JPY go_live waiting
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from billops.domain.contract import BillingModel, ContractLine
from billops.domain.events import Provisioning, ProvisioningKind
from billops.domain.schedules._common import Generated, ScheduleContext, finding, number_text
from billops.domain.schedules.model import ScheduleItem, Trigger

__all__ = ["BILLING_MODELS", "generate", "go_live_event", "is_go_live_line"]

BILLING_MODELS = (BillingModel.ONE_TIME,)

_GO_LIVE_WORDS = re.compile(r"\bgo[- ]?live\b", re.IGNORECASE)


def generate(lines: Sequence[ContractLine], ctx: ScheduleContext) -> Generated:
    """One item per one-time line: on signature, or on go-live."""
    generated = Generated()
    for line in lines:
        generated = generated + _one_time(line, ctx)
    return generated


def go_live_event(line: ContractLine, ctx: ScheduleContext) -> Provisioning | None:
    """The first ``tenant_live`` provisioning event of the line up to the as-of date."""
    live = [
        p
        for p in ctx.events.provisioning
        if p.line_id == line.line_id
        and p.event is ProvisioningKind.TENANT_LIVE
        and p.occurred <= ctx.as_of
    ]
    return min(live, key=lambda p: p.occurred) if live else None


def is_go_live_line(line: ContractLine, ctx: ScheduleContext) -> bool:
    """True when the line is billed on go-live (see the module docstring)."""
    return bool(_GO_LIVE_WORDS.search(line.description)) or go_live_event(line, ctx) is not None


def _one_time(line: ContractLine, ctx: ScheduleContext) -> Generated:
    quantity = line.quantity if line.quantity is not None else None
    if line.amount is not None:
        amount = ctx.round(line.amount)
        what = f"one-time fee {amount.amount:,f} as stated"
    elif line.unit_price is not None:
        q = quantity if quantity is not None else 1
        amount = ctx.round(q * line.unit_price)
        unit = line.unit or "unit"
        what = f"{number_text(q)} {unit} x {number_text(line.unit_price)} = {amount.amount:,f}"
    else:
        return Generated(
            findings=(
                finding(
                    "SCHEDULE-NO-PRICE",
                    f"one-time line {line.line_id} states no amount or price; nothing is billed",
                    fields=(f"lines[{line.line_id}].amount",),
                    hint="add the fee from the order form",
                ),
            )
        )
    key = f"{line.line_id}:one-time"
    item: ScheduleItem
    if is_go_live_line(line, ctx):
        event = go_live_event(line, ctx)
        when = (
            f"went live on {event.occurred} ({event.idempotency_key})"
            if event
            else "waits for go-live"
        )
        item = ctx.item(
            line.line_id,
            key,
            BillingModel.ONE_TIME,
            amount,
            trigger=Trigger.GO_LIVE,
            bill_date=event.occurred if event else None,
            trigger_ref=event.idempotency_key if event else None,
            explanation=f"{what}, due on go-live: {when}",
            quantity=quantity,
            unit_price=line.unit_price,
        )
    else:
        signed = ctx.terms.signature_date
        when = f"signed {signed}" if signed else "not signed yet"
        item = ctx.item(
            line.line_id,
            key,
            BillingModel.ONE_TIME,
            amount,
            trigger=Trigger.SIGNATURE,
            bill_date=signed,
            explanation=f"{what}, due on signature ({when})",
            quantity=quantity,
            unit_price=line.unit_price,
        )
    return Generated(items=(item,))
