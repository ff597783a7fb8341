"""Schedule checks: each line bills a billable schedule item, once, for its amount.

The billing run drafts from the schedule; these checks hold a draft that
no longer agrees with it. ``INV-DUPLICATE`` is the last line of defence of
exactly-once billing (the database's unique key per schedule item is the
first): a line whose item was already billed, or two lines of one invoice
billing the same item. ``INV-SCHEDULE`` checks that the item is billable
on the run date, that the line's amount is the item's amount within
rounding (one minor unit of the currency), and that the line adds up:
quantity x net unit price = line amount, within one minor unit (EN 16931
and Peppol rule R120 ask the same of an e-invoice).

==============  ========  =================================================
check           severity  raised when
==============  ========  =================================================
INV-DUPLICATE   error     a line's (contract, item key) is already billed,
                          or appears on two lines
INV-SCHEDULE    error     a line's item is unknown or not billable, its
                          amount differs from the item's, or quantity x
                          price does not make the line amount
==============  ========  =================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-DUPLICATE', 'INV-SCHEDULE']
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.checks.base import (
    Check,
    CheckContext,
    finding,
    line_field,
    net_unit_price,
    sourced_lines,
)
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice
from billops.domain.money import Money, currency_minor_units
from billops.domain.schedules import ItemStatus

__all__ = ["CHECKS", "amounts_agree_with_schedule", "no_item_billed_twice"]


def no_item_billed_twice(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """No line bills an item already billed, and no two lines bill the same item."""
    seen: dict[tuple[str, str], int] = {}
    for line in sourced_lines(invoice):
        assert line.source is not None
        key = (line.source.contract_id, line.source.item_key)
        shown = f"{key[0]}/{key[1]}"
        if key in ctx.already_billed:
            yield finding(
                "INV-DUPLICATE",
                f"line {line.line_no} bills schedule item {shown}, which is already billed",
                fields=(line_field(line, "source.item_key"),),
                values={"contract_id": key[0], "item_key": key[1]},
                hint="remove the line; correct a billed amount only by a credit note",
            )
        if key in seen:
            yield finding(
                "INV-DUPLICATE",
                f"lines {seen[key]} and {line.line_no} both bill schedule item {shown}",
                fields=(line_field(line, "source.item_key"),),
                values={"contract_id": key[0], "item_key": key[1]},
                hint="remove one of the two lines",
            )
        seen.setdefault(key, line.line_no)


def amounts_agree_with_schedule(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Each line bills a billable item for its amount, and adds up."""
    minor = Money.from_minor_units(1, invoice.currency).amount
    for line in invoice.lines:
        arithmetic = line.quantity * net_unit_price(line)
        if abs(arithmetic - line.net_amount.amount) > minor:
            yield finding(
                "INV-SCHEDULE",
                f"line {line.line_no}: {line.quantity:f} x {net_unit_price(line):f} = "
                f"{arithmetic:f}, but the line amount is {line.net_amount}",
                fields=(line_field(line, "net_amount"),),
                values={"quantity": f"{line.quantity:f}", "amount": str(line.net_amount)},
                hint="rebuild the draft",
            )
        if line.source is None:
            continue
        item = ctx.item_for(line)
        where = (line_field(line, "source.item_key"),)
        if item is None:
            yield finding(
                "INV-SCHEDULE",
                f"line {line.line_no} bills {line.source.contract_id}/{line.source.item_key}, "
                "which is not on the contract's schedule",
                fields=where,
                values={"item_key": line.source.item_key},
                hint="rebuild the schedule and the draft from the current contract terms",
            )
            continue
        if item.status is not ItemStatus.BILLABLE:
            yield finding(
                "INV-SCHEDULE",
                f"line {line.line_no} bills schedule item {item.item_key}, which is "
                f"{item.status.value} on {ctx.as_of}, not billable",
                fields=where,
                values={"item_key": item.item_key, "status": item.status.value},
                hint="bill the item on or after its bill date or trigger",
            )
        if item.amount.currency != line.net_amount.currency:
            continue  # INV-CURRENCY reports it
        if abs((line.net_amount - item.amount).amount) > minor:
            yield finding(
                "INV-SCHEDULE",
                f"line {line.line_no} bills {line.net_amount} for schedule item "
                f"{item.item_key}, whose amount is {item.amount}",
                fields=(line_field(line, "net_amount"),),
                values={
                    "item_key": item.item_key,
                    "line_amount": str(line.net_amount),
                    "schedule_amount": str(item.amount),
                    "places": str(currency_minor_units(invoice.currency)),
                },
                hint="rebuild the draft from the schedule",
            )


CHECKS = (
    Check(
        "INV-DUPLICATE",
        "No source item billed twice",
        Severity.ERROR,
        Route.BILLING,
        no_item_billed_twice,
    ),
    Check(
        "INV-SCHEDULE",
        "Amounts agree with the schedule within rounding",
        Severity.ERROR,
        Route.BILLING,
        amounts_agree_with_schedule,
    ),
)
