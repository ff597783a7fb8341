"""Rate checks: every line is priced at the contract's rate, and no rate is zero.

A line bills a schedule item, which was priced from a contract line: its
unit price per period (or a step of its ramp, or a usage tier's price), or
for time and materials the rate card's rate for the role. ``INV-RATE``
compares the price the schedule applied with those the contract states;
a difference means the contract changed after the schedule was built, or
the schedule was built from other terms. ``INV-RATE-ZERO`` stops a line
at a price of zero (or a zero amount): usually a missing price, never
what the customer agreed to pay.

=============  ========  ===================================================
check          severity  raised when
=============  ========  ===================================================
INV-RATE       error     a line's unit price is none the contract states
                         for its line (price, ramp step, tier) or role;
                         lines priced as a percent of another line
                         (maintenance) are not compared
INV-RATE-ZERO  error     a line's unit price or amount is zero
=============  ========  ===================================================

    >>> [check.check_id for check in CHECKS]
    ['INV-RATE', 'INV-RATE-ZERO']
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from billops.domain.checks.base import (
    Check,
    CheckContext,
    contract_line,
    finding,
    line_field,
    sourced_lines,
)
from billops.domain.contract import BillingModel, ContractLine, ContractTerms
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice
from billops.domain.schedules import ItemKind, ScheduleItem
from billops.domain.schedules.time_and_materials import rate_for

__all__ = ["CHECKS", "rate_not_zero", "rates_match_contract"]


def stated_prices(terms: ContractTerms, line: ContractLine, item: ScheduleItem) -> set[Decimal]:
    """Every unit price the contract states for what ``item`` bills (empty: nothing to compare)."""
    if item.billing_model is BillingModel.TIME_AND_MATERIALS:
        role = (item.trigger_ref or "").partition(":")[2]
        rate = rate_for(role, terms.rate_card) if role else None
        return {rate.rate} if rate is not None else set()
    if line.percent is not None:
        return set()  # priced as a percent of another line: nothing stated per unit
    prices: set[Decimal] = set()
    if line.unit_price is not None:
        prices.add(line.unit_price)
    prices.update(step.unit_price for step in line.ramp if step.unit_price is not None)
    prices.update(tier.unit_price for tier in line.tiers if tier.unit_price is not None)
    return prices


def rates_match_contract(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """Each line's schedule price is one the contract states for its line or role."""
    for line in sourced_lines(invoice):
        assert line.source is not None
        item = ctx.item_for(line)
        terms = ctx.contracts.get(line.source.contract_id)
        cline = contract_line(ctx, line.source.contract_id, item)
        if item is None or terms is None or cline is None or item.unit_price is None:
            continue
        if item.kind in (ItemKind.TRUE_UP, ItemKind.HELD_EXCESS, ItemKind.PRORATION_CREDIT):
            continue
        stated = stated_prices(terms, cline, item)
        if not stated or item.unit_price in stated:
            continue
        shown = ", ".join(f"{price:f}" for price in sorted(stated))
        yield finding(
            "INV-RATE",
            f"line {line.line_no} ({line.description}) is priced at {item.unit_price:f}, but "
            f"contract {terms.contract_id} line {cline.line_id} states {shown}",
            fields=(line_field(line, "unit_price"),),
            values={
                "unit_price": f"{item.unit_price:f}",
                "contract_price": shown,
                "contract_id": terms.contract_id,
                "item_key": line.source.item_key,
            },
            hint="rebuild the schedule from the current contract terms, or amend the contract",
        )


def rate_not_zero(invoice: Invoice, ctx: CheckContext) -> Iterator[Finding]:
    """No line is billed at a price of zero or for a zero amount."""
    for line in invoice.lines:
        if line.unit_price == 0 or line.net_amount.is_zero():
            yield finding(
                "INV-RATE-ZERO",
                f"line {line.line_no} ({line.description}) is billed at a rate of zero "
                f"({line.quantity:f} x {line.unit_price:f} = {line.net_amount})",
                fields=(line_field(line, "unit_price"),),
                values={"unit_price": f"{line.unit_price:f}", "amount": str(line.net_amount)},
                hint="enter the line's price on the contract (or, if it is free by agreement, "
                "approve the hold with that reason)",
            )


CHECKS = (
    Check(
        "INV-RATE",
        "Rates match the contract and rate card",
        Severity.ERROR,
        Route.BILLING,
        rates_match_contract,
    ),
    Check("INV-RATE-ZERO", "No rate of zero", Severity.ERROR, Route.BILLING, rate_not_zero),
)
