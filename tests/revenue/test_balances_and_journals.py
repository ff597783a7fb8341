"""Deferred and unbilled revenue at period ends, and the journal entries of each period."""

from __future__ import annotations

from datetime import date

import pytest

from billops.domain.calendar import Period, parse_period
from billops.domain.money import Money
from billops.domain.revenue import (
    BilledAmount,
    JournalEntry,
    JournalKind,
    JournalLine,
    RecognitionPattern,
    UnbalancedEntry,
    allocate_transaction_price,
    contract_balances,
    manual_obligation,
    period_journals,
    recognition_schedule,
)
from billops.domain.revenue.allocation import standalone
from tests.revenue.support import usd

C = "OF-R-1"
Q1 = [parse_period(m) for m in ("2026-01", "2026-02", "2026-03")]


def _quarter_of_service():  # type: ignore[no-untyped-def]
    # January to March, 900.00 by day over 90 days: 310.00, 280.00, 310.00.
    service = manual_obligation(
        "L1",
        C,
        "USD",
        pattern=RecognitionPattern.RATABLE,
        service_period=Period(date(2026, 1, 1), date(2026, 3, 31)),
        gl_revenue="4010",
        gl_deferred="2410",
        gl_unbilled="1310",
    )
    allocation = allocate_transaction_price([service], usd("900.00"), [standalone("L1", "900")])
    return service, allocation, recognition_schedule([service], allocation)


def _lines(entry: JournalEntry) -> list[tuple[str, str, str]]:
    return [(x.account, str(x.debit.amount), str(x.credit.amount)) for x in entry.lines]


def test_billed_in_advance_is_deferred_then_released() -> None:
    _, _, schedule = _quarter_of_service()
    billed = [BilledAmount(C, "L1", date(2026, 1, 1), usd("900.00"), usd("90.00"))]
    balances = contract_balances(schedule, billed, Q1)
    # deferred = billed 900 - recognised 310, 590, 900
    assert [(str(b.deferred_revenue.amount), str(b.unbilled_revenue.amount)) for b in balances] == [
        ("590.00", "0.00"),
        ("310.00", "0.00"),
        ("0.00", "0.00"),
    ]


def test_billed_in_arrears_is_unbilled_revenue_until_invoiced() -> None:
    _, _, schedule = _quarter_of_service()
    billed = [BilledAmount(C, "L1", date(2026, 3, 31), usd("900.00"))]
    balances = contract_balances(schedule, billed, Q1)
    assert [(str(b.deferred_revenue.amount), str(b.unbilled_revenue.amount)) for b in balances] == [
        ("0.00", "310.00"),
        ("0.00", "590.00"),
        ("0.00", "0.00"),
    ]


def test_journals_of_advance_billing_with_tax() -> None:
    service, allocation, schedule = _quarter_of_service()
    billed = [BilledAmount(C, "L1", date(2026, 1, 1), usd("900.00"), usd("90.00"))]
    january = period_journals([service], allocation, schedule, billed, Q1[0])
    assert [(e.kind, _lines(e)) for e in january] == [
        (
            JournalKind.BILLING,
            [("1200", "990.00", "0.00"), ("2300", "0.00", "90.00"), ("2410", "0.00", "900.00")],
        ),
        (JournalKind.RECOGNITION, [("2410", "310.00", "0.00"), ("4010", "0.00", "310.00")]),
    ]
    assert january[0].entry_key == "OF-R-1:2026-01:billing"
    assert january[0].posting_date == date(2026, 1, 31)


def test_journals_of_arrears_billing_post_a_contract_asset_then_clear_it() -> None:
    service, allocation, schedule = _quarter_of_service()
    billed = [BilledAmount(C, "L1", date(2026, 3, 31), usd("900.00"))]
    [january] = period_journals([service], allocation, schedule, billed, Q1[0])
    assert (january.kind, _lines(january)) == (
        JournalKind.UNBILLED,
        [("1310", "310.00", "0.00"), ("4010", "0.00", "310.00")],
    )
    march = period_journals([service], allocation, schedule, billed, Q1[2])
    # Opening: 590 unbilled. The invoice of 900 clears it and defers 310,
    # which March's 310 of revenue then releases.
    assert [(e.kind, _lines(e)) for e in march] == [
        (
            JournalKind.BILLING,
            [("1200", "900.00", "0.00"), ("1310", "0.00", "590.00"), ("2410", "0.00", "310.00")],
        ),
        (JournalKind.RECOGNITION, [("2410", "310.00", "0.00"), ("4010", "0.00", "310.00")]),
    ]


def test_a_credit_note_posts_on_the_other_side() -> None:
    service, allocation, schedule = _quarter_of_service()
    billed = [
        BilledAmount(C, "L1", date(2026, 1, 1), usd("900.00")),
        BilledAmount(C, "L1", date(2026, 2, 10), usd("-100.00"), document="CN-1"),
    ]
    february = period_journals([service], allocation, schedule, billed, Q1[1])
    assert _lines(february[0]) == [("1200", "0.00", "100.00"), ("2410", "100.00", "0.00")]
    # deferred: 590 - 100 - 280 = 210 at the end of February
    [balance] = contract_balances(schedule, billed, [Q1[1]])
    assert str(balance.deferred_revenue.amount) == "210.00"


def test_every_journal_entry_balances_or_is_refused() -> None:
    zero, ten = Money.zero("USD"), usd("10.00")
    with pytest.raises(UnbalancedEntry):
        JournalEntry(
            "k",
            C,
            Q1[0],
            JournalKind.RECOGNITION,
            (JournalLine("2410", ten, zero, "x"), JournalLine("4010", zero, usd("9.99"), "x")),
            "unbalanced",
        )
