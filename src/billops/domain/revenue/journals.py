"""Journal entries: what billing and revenue recognition post to the general ledger each period.

Each period (a calendar month), for each contract, up to three balanced
entries, with the GL accounts of each obligation's catalogue product
(``gl_revenue``, ``gl_deferred``, ``gl_unbilled``) and the ledger's
receivable and tax accounts:

- **billing**: Dr accounts receivable (with tax) / Cr tax payable / Cr the
  obligation's contract asset first, if it has recognised revenue not yet
  billed (the right to consideration became unconditional, IFRS 15.108),
  and deferred revenue for the rest;
- **recognition**: Dr deferred revenue / Cr revenue, for revenue earned out
  of what was billed in advance;
- **unbilled**: Dr contract asset (unbilled revenue) / Cr revenue, for
  revenue earned beyond what was billed.

Billing is posted before recognition within a period. Negative amounts (a
credit note, a downward change of estimate) post the same lines on the
other side. Every entry checks on construction that its debits equal its
credits (``UnbalancedEntry`` otherwise).

Each obligation keeps its own position in its own accounts: billed minus
recognised to date is deferred when positive and unbilled when negative,
so after the period's entries each obligation's deferred and unbilled
balances are exactly its ``position``. Nothing is stored between periods:
the opening position is recomputed from all billing and revenue before
the period, so the entries of a period can be recomputed at any time.

    >>> from datetime import date
    >>> from billops.domain.calendar import parse_period
    >>> from billops.domain.money import Money
    >>> from billops.domain.revenue.allocation import allocate_transaction_price, standalone
    >>> from billops.domain.revenue.balances import BilledAmount
    >>> from billops.domain.revenue.obligations import RecognitionPattern, manual_obligation
    >>> from billops.domain.revenue.recognition import recognition_schedule
    >>> from billops.domain.calendar import Period
    >>> seats = manual_obligation("L1", "OF-1", "USD", pattern=RecognitionPattern.RATABLE,
    ...     service_period=Period(date(2026, 1, 1), date(2026, 12, 31)),
    ...     stated_price=Money("12000.00", "USD"), gl_revenue="4010", gl_deferred="2410",
    ...     gl_unbilled="1310")
    >>> allocation = allocate_transaction_price(
    ...     [seats], Money("12000.00", "USD"), [standalone("L1", "12000")])
    >>> schedule = recognition_schedule([seats], allocation)
    >>> billed = [BilledAmount("OF-1", "L1", date(2026, 1, 1), Money("12000.00", "USD"),
    ...                        Money("960.00", "USD"))]
    >>> for entry in period_journals([seats], allocation, schedule, billed,
    ...                              parse_period("2026-01")):
    ...     print(entry.kind.value, [(l.account, str(l.debit.amount), str(l.credit.amount))
    ...                               for l in entry.lines])
    billing [('1200', '12960.00', '0.00'), ('2300', '0.00', '960.00'), ('2410', '0.00', '12000.00')]
    recognition [('2410', '1019.18', '0.00'), ('4010', '0.00', '1019.18')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from billops.domain.calendar import Period
from billops.domain.money import Money, allocate, sum_money
from billops.domain.revenue.allocation import Allocation
from billops.domain.revenue.balances import BilledAmount, position
from billops.domain.revenue.obligations import Obligation
from billops.domain.revenue.recognition import RecognitionSchedule
from billops.errors import IntegrityProblem, InvalidInput

__all__ = [
    "JournalEntry",
    "JournalKind",
    "JournalLine",
    "LedgerAccounts",
    "UnbalancedEntry",
    "obligation_positions",
    "period_journals",
]


class UnbalancedEntry(IntegrityProblem):
    """A journal entry whose debits and credits differ: never posted."""


class JournalKind(StrEnum):
    BILLING = "billing"
    RECOGNITION = "recognition"
    UNBILLED = "unbilled"


@dataclass(frozen=True, slots=True)
class LedgerAccounts:
    """The ledger's own accounts; the demo chart's numbers by default."""

    receivable: str = "1200"
    tax_payable: str = "2300"


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One line: an account debited or credited (the other side zero)."""

    account: str
    debit: Money
    credit: Money
    memo: str
    obligation_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "account": self.account,
            "debit": format(self.debit.amount, "f"),
            "credit": format(self.credit.amount, "f"),
            "memo": self.memo,
            "obligation_id": self.obligation_id,
        }


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced journal entry of one contract for one period, dated the period's end.

    ``entry_key`` (contract, period, kind) identifies it across runs, so
    posting the same period twice can be refused by a unique key.
    ``documents`` are the invoices and credit notes a billing entry
    journals, so that a document is journaled once even when it is issued
    after the month it is dated in was run.
    """

    entry_key: str
    contract_id: str
    period: Period
    kind: JournalKind
    lines: tuple[JournalLine, ...]
    description: str
    documents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.lines:
            raise UnbalancedEntry(
                "a journal entry needs lines", field="lines", value=self.entry_key
            )
        currency = self.lines[0].debit.currency
        for line in self.lines:
            for side in (line.debit, line.credit):
                if side.currency != currency:
                    raise UnbalancedEntry(
                        "a journal entry mixes currencies", field="lines", value=self.entry_key
                    )
                if side.amount < 0:
                    raise UnbalancedEntry(
                        "journal amounts are never negative; use the other side",
                        field=f"lines[{line.account}]",
                        value=str(side),
                    )
        debits, credits = self.totals()
        if debits != credits:
            raise UnbalancedEntry(
                f"debits {debits} do not equal credits {credits}",
                field="lines",
                value=self.entry_key,
            )

    @property
    def posting_date(self) -> date:
        return self.period.end

    def totals(self) -> tuple[Money, Money]:
        """(total debits, total credits)."""
        currency = self.lines[0].debit.currency
        return (
            sum_money((line.debit for line in self.lines), currency),
            sum_money((line.credit for line in self.lines), currency),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "entry_key": self.entry_key,
            "contract_id": self.contract_id,
            "posting_date": self.posting_date.isoformat(),
            "kind": self.kind.value,
            "description": self.description,
            "lines": [line.as_dict() for line in self.lines],
            "documents": list(self.documents),
        }


def _line(
    account: str, amount: Money, *, debit: bool, memo: str, obligation_id: str | None = None
) -> JournalLine | None:
    """A line of ``amount`` on its side; a negative amount goes to the other side; zero: none."""
    if amount.is_zero():
        return None
    zero = Money.zero(amount.currency)
    on_debit = debit if amount.amount > 0 else not debit
    value = abs(amount)
    return JournalLine(
        account, value if on_debit else zero, zero if on_debit else value, memo, obligation_id
    )


def _billed_by_obligation(
    obligations: Sequence[Obligation],
    allocation: Allocation,
    invoices: Sequence[BilledAmount],
) -> dict[str, list[tuple[BilledAmount, Money]]]:
    """Each billed amount's parts per obligation: by line, split by allocated price if shared."""
    parts: dict[str, list[tuple[BilledAmount, Money]]] = {o.obligation_id: [] for o in obligations}
    for invoice in invoices:
        owners = [o for o in obligations if o.names(invoice.line_id)] or list(obligations)
        weights: list[Decimal] = [
            abs(allocation.allocated_to(o.obligation_id).amount) for o in owners
        ]
        if not any(weights):
            weights = [abs(o.stated_price.amount) if o.stated_price else Decimal(0) for o in owners]
        if not any(weights):
            weights = [Decimal(1)] * len(owners)
        for owner, share in zip(owners, allocate(invoice.amount.round(), weights), strict=True):
            parts[owner.obligation_id].append((invoice, share))
    return parts


def obligation_positions(
    obligations: Sequence[Obligation],
    allocation: Allocation,
    schedule: RecognitionSchedule,
    billed: Sequence[BilledAmount],
    day: date,
) -> dict[str, Money]:
    """Each obligation's billed minus recognised at the end of ``day`` (positive: deferred)."""
    invoices = [b for b in billed if b.contract_id == schedule.contract_id]
    parts = _billed_by_obligation(obligations, allocation, invoices)
    result: dict[str, Money] = {}
    for o in obligations:
        oid = o.obligation_id
        billed_total = sum_money((s for b, s in parts[oid] if b.on <= day), schedule.currency)
        recognised = sum_money(
            (e.amount for e in schedule.for_obligation(oid) if e.month.end <= day),
            schedule.currency,
        )
        result[oid] = billed_total - recognised
    return result


def period_journals(
    obligations: Sequence[Obligation],
    allocation: Allocation,
    schedule: RecognitionSchedule,
    billed: Sequence[BilledAmount],
    period: Period,
    accounts: LedgerAccounts | None = None,
) -> tuple[JournalEntry, ...]:
    """The billing, recognition and unbilled entries of one contract for ``period``. Pure.

    ``billed`` may hold other contracts' invoices; only this contract's are
    used. A document is journaled in the period its ``on`` date falls in
    (the caller dates a late document, issued after its own month was run,
    in the month being run). A billed amount names its line; one naming several obligations (a
    bundle) or none is split among them by allocated price (largest
    remainder). Raises ``InvalidInput`` for a billed amount in another
    currency.
    """
    accounts = accounts or LedgerAccounts()
    currency, contract_id = schedule.currency, schedule.contract_id
    invoices = [b for b in billed if b.contract_id == contract_id]
    for invoice in invoices:
        for money in (invoice.amount, invoice.tax or Money.zero(currency)):
            if money.currency != currency:
                raise InvalidInput(
                    f"a billed amount is in {money.currency}, the contract in {currency}",
                    field=f"billed[{invoice.document or invoice.on}]",
                    value=str(money),
                )
    parts = _billed_by_obligation(obligations, allocation, invoices)
    opening = obligation_positions(
        obligations, allocation, schedule, invoices, period.start - timedelta(days=1)
    )
    in_period = [b for b in invoices if period.contains(b.on)]
    billing: list[JournalLine | None] = []
    recognition: list[JournalLine | None] = []
    unbilled: list[JournalLine | None] = []
    gross = sum_money((b.amount + (b.tax or Money.zero(currency)) for b in in_period), currency)
    tax = sum_money((b.tax or Money.zero(currency) for b in in_period), currency)
    billing.append(_line(accounts.receivable, gross, debit=True, memo="invoiced"))
    billing.append(_line(accounts.tax_payable, tax, debit=False, memo="tax invoiced"))
    for o in obligations:
        oid = o.obligation_id
        billed_now = sum_money((s for b, s in parts[oid] if period.contains(b.on)), currency)
        earned = sum_money(
            (e.amount for e in schedule.for_obligation(oid) if period.contains(e.month.end)),
            currency,
        )
        d0, u0 = position(opening[oid])
        d1, u1 = position(opening[oid] + billed_now)
        d2, u2 = position(opening[oid] + billed_now - earned)
        memo = f"{oid} {o.sku}"
        billing.append(_line(o.gl_unbilled, u0 - u1, debit=False, memo=memo, obligation_id=oid))
        billing.append(_line(o.gl_deferred, d1 - d0, debit=False, memo=memo, obligation_id=oid))
        from_deferred = d1 - d2
        from_unbilled = u2 - u1
        recognition.append(
            _line(o.gl_deferred, from_deferred, debit=True, memo=memo, obligation_id=oid)
        )
        recognition.append(
            _line(o.gl_revenue, from_deferred, debit=False, memo=memo, obligation_id=oid)
        )
        unbilled.append(
            _line(o.gl_unbilled, from_unbilled, debit=True, memo=memo, obligation_id=oid)
        )
        unbilled.append(
            _line(o.gl_revenue, from_unbilled, debit=False, memo=memo, obligation_id=oid)
        )
    month = period.start.strftime("%Y-%m")
    documents = tuple(sorted({b.document for b in in_period if b.document}))
    entries: list[JournalEntry] = []
    for kind, lines, text in (
        (JournalKind.BILLING, billing, "invoices of the period"),
        (JournalKind.RECOGNITION, recognition, "revenue earned from deferred revenue"),
        (JournalKind.UNBILLED, unbilled, "revenue earned beyond billing (contract asset)"),
    ):
        kept = tuple(line for line in lines if line is not None)
        if kept:
            entries.append(
                JournalEntry(
                    entry_key=f"{contract_id}:{month}:{kind.value}",
                    contract_id=contract_id,
                    period=period,
                    kind=kind,
                    lines=kept,
                    description=f"{contract_id} {month}: {text}",
                    documents=documents if kind is JournalKind.BILLING else (),
                )
            )
    return tuple(entries)
