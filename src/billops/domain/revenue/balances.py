"""Contract balances: deferred revenue (contract liability) and unbilled revenue (contract asset).

At every period end, each contract is either ahead on billing or ahead on
revenue (IFRS 15.105-107):

- billed more than recognised: the difference is **deferred revenue**, a
  contract liability (we owe the customer the service);
- recognised more than billed: the difference is **unbilled revenue**, a
  contract asset (we have earned it and not yet invoiced it).

One contract is presented net, as one or the other, never both, so that at
every period end

    deferred revenue + recognised to date = billed to date + unbilled revenue

A year of 12,000.00 billed annually in advance on 1 January: at the end of
January 12,000.00 is billed and 1,019.18 recognised, so 10,980.82 is
deferred and nothing unbilled.

    >>> from datetime import date
    >>> from billops.domain.calendar import parse_period
    >>> from billops.domain.revenue.recognition import RecognitionEntry
    >>> january = parse_period("2026-01")
    >>> recognised = [RecognitionEntry("OF-1", "L1", january, Money("1019.18", "USD"),
    ...                                Money("1019.18", "USD"), "ratable")]
    >>> billed = [BilledAmount("OF-1", "L1", date(2026, 1, 1), Money("12000.00", "USD"))]
    >>> [balance] = contract_balances(recognised, billed, [january])
    >>> str(balance.deferred_revenue), str(balance.unbilled_revenue)
    ('10980.82 USD', '0.00 USD')

Billed amounts are net of tax: tax is owed to the tax authority, not
revenue (IFRS 15.47).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from billops.domain.calendar import Period
from billops.domain.money import Money, sum_money
from billops.domain.revenue.recognition import RecognitionEntry, RecognitionSchedule
from billops.errors import InvalidInput

__all__ = ["BilledAmount", "ContractBalance", "contract_balances", "position"]


@dataclass(frozen=True, slots=True)
class BilledAmount:
    """An amount invoiced (or credited, negative) on ``on``, net of tax, and its tax.

    ``line_id`` names the contract line invoiced (an order line or a bundle
    line), None when the invoice line names none; journals use it to pick
    the obligation's accounts.
    """

    contract_id: str
    line_id: str | None
    on: date
    amount: Money
    tax: Money | None = None
    document: str = ""


@dataclass(frozen=True, slots=True)
class ContractBalance:
    """One contract's position at one period end (see the module docstring)."""

    contract_id: str
    period_end: date
    billed_to_date: Money
    recognised_to_date: Money
    deferred_revenue: Money
    unbilled_revenue: Money

    def __post_init__(self) -> None:
        left = self.deferred_revenue + self.recognised_to_date
        right = self.billed_to_date + self.unbilled_revenue
        if left != right:  # pragma: no cover - position() makes it so by construction
            raise InvalidInput(
                "deferred + recognised must equal billed + unbilled",
                field="balance",
                value=f"{left} != {right}",
            )

    def as_dict(self) -> dict[str, object]:
        return {
            "contract_id": self.contract_id,
            "period_end": self.period_end.isoformat(),
            "billed_to_date": self.billed_to_date.to_dict(),
            "recognised_to_date": self.recognised_to_date.to_dict(),
            "deferred_revenue": self.deferred_revenue.to_dict(),
            "unbilled_revenue": self.unbilled_revenue.to_dict(),
        }


def position(net: Money) -> tuple[Money, Money]:
    """(deferred revenue, unbilled revenue) of a net position billed minus recognised.

    >>> [str(m) for m in position(Money("-5.00", "USD"))]
    ['0.00 USD', '5.00 USD']
    """
    zero = Money.zero(net.currency)
    if net.amount > 0:
        return net, zero
    return zero, -net if not net.is_zero() else zero


def contract_balances(
    recognised: Iterable[RecognitionEntry] | RecognitionSchedule,
    billed: Iterable[BilledAmount],
    periods: Sequence[Period],
) -> tuple[ContractBalance, ...]:
    """Each contract's balance at the end of each of ``periods``. Pure.

    ``recognised`` are recognition entries (of one contract or many);
    ``billed`` what was invoiced. A contract appears once it has anything
    billed or recognised. Ordered by contract, then period end. Raises
    ``InvalidInput`` when one contract's amounts mix currencies.
    """
    entries = list(
        recognised.entries if isinstance(recognised, RecognitionSchedule) else recognised
    )
    invoices = list(billed)
    currencies: dict[str, str] = {}
    for contract_id, money in [(e.contract_id, e.amount) for e in entries] + [
        (b.contract_id, b.amount) for b in invoices
    ]:
        known = currencies.setdefault(contract_id, money.currency)
        if known != money.currency:
            raise InvalidInput(
                f"contract {contract_id} mixes {known} and {money.currency} amounts",
                field="currency",
                value=money.currency,
            )
    balances: list[ContractBalance] = []
    for contract_id in sorted(currencies):
        currency = currencies[contract_id]
        for period in sorted(periods, key=lambda p: p.end):
            end = period.end
            billed_to_date = sum_money(
                (b.amount for b in invoices if b.contract_id == contract_id and b.on <= end),
                currency,
            )
            recognised_to_date = sum_money(
                (e.amount for e in entries if e.contract_id == contract_id and e.month.end <= end),
                currency,
            )
            deferred, unbilled = position(billed_to_date - recognised_to_date)
            balances.append(
                ContractBalance(
                    contract_id, end, billed_to_date, recognised_to_date, deferred, unbilled
                )
            )
    return tuple(balances)
