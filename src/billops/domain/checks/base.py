"""The one shape of every pre-invoice check, and what the checks look at.

A pre-invoice check is a named question asked of a draft invoice before
anyone sends it: does every rate match the contract, is the PO still open,
is the customer's address complete? Each check has an id (``INV-RATE``),
a title, the severity of what it finds and the work queue it routes to,
and a function ``(invoice, context) -> findings``. A family of related
checks lives in one module and lists them in ``CHECKS``, as each
python-stdnum module offers the same small API.

The **context** is what the checks compare the draft against: the
contracts, the customers, the schedule items the run found billable, the
events, the keys already billed and the ``BillingLedger`` (what storage
knows: amounts already invoiced against each not-to-exceed and each PO,
and the last day of the closed periods). It holds values only; the
billing workflow loads them.

    >>> from billops.domain.findings import Severity
    >>> check = Check("INV-EXAMPLE", "An example", Severity.WARNING, Route.BILLING,
    ...               lambda invoice, ctx: iter(()))
    >>> check.check_id, check.severity.value
    ('INV-EXAMPLE', 'warning')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billops.domain.contract import ContractLine, ContractTerms
from billops.domain.events import Events
from billops.domain.findings import Finding, Route, Severity
from billops.domain.invoices import Invoice, InvoiceLine
from billops.domain.money import Money
from billops.domain.parties import Customer, LegalEntity
from billops.domain.schedules import ScheduleItem

__all__ = [
    "BillingLedger",
    "Check",
    "CheckContext",
    "CheckFunction",
    "contract_line",
    "finding",
    "line_field",
    "net_unit_price",
    "sourced_lines",
]


@dataclass(frozen=True, slots=True)
class BillingLedger:
    """What has been billed and locked so far, as storage knows it.

    ``capped_billed``: net amount already invoiced against each contract's
    not-to-exceed (time and materials), by contract id. ``po_billed``: net
    amount already invoiced against each PO number. ``closed_through``: the
    last day of the latest closed period (no invoice may be dated on or
    before it).
    """

    capped_billed: Mapping[str, Money] = field(default_factory=dict)
    po_billed: Mapping[str, Money] = field(default_factory=dict)
    closed_through: date | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the checks compare a draft against (see the module docstring)."""

    as_of: date
    entity: LegalEntity
    contracts: Mapping[str, ContractTerms]
    customers: Mapping[str, Customer]
    schedule_items: Mapping[tuple[str, str], ScheduleItem] = field(default_factory=dict)
    events: Events = field(default_factory=Events)
    already_billed: frozenset[tuple[str, str]] = frozenset()
    ledger: BillingLedger = field(default_factory=BillingLedger)

    def item_for(self, line: InvoiceLine) -> ScheduleItem | None:
        """The schedule item a line bills, when the line has a source and the item is known."""
        if line.source is None:
            return None
        return self.schedule_items.get((line.source.contract_id, line.source.item_key))


CheckFunction = Callable[[Invoice, CheckContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    """One pre-invoice check: its id, what it asks, severity, work queue, function."""

    check_id: str
    title: str
    severity: Severity
    route: Route
    function: CheckFunction

    def __call__(self, invoice: Invoice, ctx: CheckContext) -> tuple[Finding, ...]:
        return tuple(self.function(invoice, ctx))


def finding(
    check_id: str,
    message: str,
    *,
    fields: tuple[str, ...] = (),
    values: Mapping[str, str] | None = None,
    hint: str = "",
    severity: Severity = Severity.ERROR,
    route: Route = Route.BILLING,
) -> Finding:
    """A finding of a pre-invoice check."""
    return Finding(
        rule_id=check_id,
        severity=severity,
        message=message,
        fields=fields,
        values=dict(values or {}),
        hint=hint,
        route=route.value,
    )


def line_field(line: InvoiceLine, name: str) -> str:
    """The field path of a line's attribute: ``lines[2].unit_price``."""
    return f"lines[{line.line_no}].{name}"


def sourced_lines(invoice: Invoice) -> Iterator[InvoiceLine]:
    """The invoice's lines that name their source."""
    return (line for line in invoice.lines if line.source is not None)


def contract_line(
    ctx: CheckContext, contract_id: str, item: ScheduleItem | None
) -> ContractLine | None:
    """The contract line a schedule item bills, when both are known."""
    terms = ctx.contracts.get(contract_id)
    if terms is None or item is None:
        return None
    return next((line for line in terms.lines if line.line_id == item.line_id), None)


def net_unit_price(line: InvoiceLine) -> Decimal:
    """The line's unit price after its discount."""
    if line.discount_percent:
        return line.unit_price * (100 - line.discount_percent) / 100
    return line.unit_price
