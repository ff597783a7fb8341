"""Every other billing model, one story each: contract and events -> exact invoice lines.

Amounts are worked out by hand in each story (no production formula is
called to compute an expected value). The seller is NW-DE, the buyer
Globex (DE): German VAT at 19 % unless the story says otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.events import (
    AcceptanceStatus,
    Events,
    ExpenseEntry,
    MilestoneAcceptance,
    Shipment,
    TimeEntry,
    UsageRecord,
)
from tests.billing.stories import bill, contract, lines


def test_fixed_fee_in_three_monthly_installments() -> None:
    # 100.00 in three installments: 33.34 + 33.33 + 33.33 (the cent goes first);
    # on 1 April the March and April installments are due.
    terms = contract(
        {"billing_model": "fixed_fee", "amount": "100.00", "frequency": "monthly"},
        signature_date="2026-02-20",
        start_date="2026-03-01",
        end_date="2026-05-31",
    )
    invoice = bill(terms, as_of=date(2026, 4, 1)).invoices[0]
    assert lines(invoice) == [
        ("2026-03-01..2026-03-31", "1", "33.34", "33.34"),
        ("2026-04-01..2026-04-30", "1", "33.33", "33.33"),
    ]
    # 66.67 x 19 % = 12.6673 -> 12.67
    assert str(invoice.tax_total) == "12.67 EUR"


def test_milestone_billed_on_acceptance_only() -> None:
    # 40 % of 50,000.00 on Design (accepted 2 March); Go-live waits for acceptance.
    terms = contract(
        {"billing_model": "milestone", "amount": "50000.00", "description": "Deliverables"},
        document_type="sow",
        milestones=[
            {"milestone_id": "M1", "name": "Design", "percent": 40, "line_id": "L1"},
            {"milestone_id": "M2", "name": "Go-live", "percent": 60, "line_id": "L1"},
        ],
    )
    accepted = MilestoneAcceptance(
        idempotency_key="MA-1",
        contract_id="C-1",
        milestone_id="M1",
        status=AcceptanceStatus.ACCEPTED,
        decided_on=date(2026, 3, 2),
    )
    result = bill(terms, as_of=date(2026, 3, 31), events=Events.of([accepted]))
    (invoice,) = result.invoices
    assert lines(invoice) == [("-", "1", "20000.00", "20000.00")]
    line = invoice.lines[0]
    assert line.description == "Deliverables: Design"
    assert line.source is not None
    assert (line.source.milestone_id, line.source.events) == ("M1", ("MA-1",))
    assert invoice.status.value == "draft"


def test_time_and_materials_month_in_arrears_at_day_rate() -> None:
    # March: 8 h + 4 h approved = 12 h = 1.5 days x 1,200.00 = 1,800.00; the
    # 2 h not approved yet are not billed.
    terms = contract(
        {"billing_model": "time_and_materials", "description": "Consulting"},
        document_type="sow",
        rate_card=[{"role": "Architect", "rate": "1200.00", "unit": "day"}],
    )
    entries = [
        TimeEntry("TE-1", "C-1", "L1", "Ada", "Architect", date(2026, 3, 3), Decimal(8), True),
        TimeEntry("TE-2", "C-1", "L1", "Ada", "Architect", date(2026, 3, 4), Decimal(4), True),
        TimeEntry("TE-3", "C-1", "L1", "Ada", "Architect", date(2026, 3, 5), Decimal(2), False),
    ]
    (invoice,) = bill(terms, as_of=date(2026, 4, 1), events=Events.of(entries)).invoices
    assert lines(invoice) == [("2026-03-01..2026-03-31", "1.5", "1200.00", "1800.00")]
    line = invoice.lines[0]
    assert (line.unit, line.description) == ("day", "Consulting: Architect")
    assert line.source is not None and line.source.events == ("TE-1", "TE-2")
    assert invoice.status.value == "draft"


def test_usage_over_the_included_units_with_minimum_true_up() -> None:
    # 1,500 calls in October, 1,000 included: 500 x 0.10 = 50.00; the minimum
    # commitment of 100.00 is topped up by 50.00.
    terms = contract(
        {
            "billing_model": "usage",
            "description": "API calls",
            "included_units": 1000,
            "tier_mode": "graduated",
            "minimum_commitment": "100.00",
            "tiers": [{"up_to": 1000, "unit_price": "0.10"}, {"unit_price": "0.05"}],
        }
    )
    october = UsageRecord(
        idempotency_key="US-1",
        contract_id="C-1",
        line_id="L1",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        quantity=Decimal(1500),
    )
    (invoice,) = bill(terms, as_of=date(2026, 11, 2), events=Events.of([october])).invoices
    assert lines(invoice) == [
        ("2026-10-01..2026-10-31", "500", "0.10", "50.00"),
        ("2026-10-01..2026-10-31", "1", "50.00", "50.00"),
    ]
    assert invoice.lines[1].description == "API calls, minimum commitment true-up"
    assert str(invoice.net_total) == "100.00 EUR"


def test_one_time_fee_on_signature() -> None:
    # 3 x 500.00 = 1,500.00, due on signature (1 April).
    terms = contract(
        {"billing_model": "one_time", "quantity": 3, "unit_price": "500.00"},
        signature_date="2026-04-01",
    )
    (invoice,) = bill(terms, as_of=date(2026, 4, 30)).invoices
    assert lines(invoice) == [("-", "3", "500.00", "1500.00")]


def test_hardware_on_shipment_of_part_of_the_order() -> None:
    # 2 of 3 appliances shipped on 4 May: 2 x 1,000.00; the third waits.
    terms = contract(
        {"billing_model": "hardware", "quantity": 3, "unit_price": "1000.00", "unit": "device"}
    )
    shipped = Shipment("SH-1", "C-1", "L1", "E400", Decimal(2), date(2026, 5, 4))
    (invoice,) = bill(terms, as_of=date(2026, 5, 31), events=Events.of([shipped])).invoices
    assert lines(invoice) == [("-", "2", "1000.00", "2000.00")]
    assert invoice.lines[0].source is not None
    assert invoice.lines[0].source.events == ("SH-1",)
    # goods sold within Germany: 19 % of 2,000.00
    assert str(invoice.tax_total) == "380.00 EUR"


def test_maintenance_annually_in_advance() -> None:
    # 22 % of the appliances' 53,200.00 = 11,704.00 a year, billed on 1 February.
    terms = contract(
        {"billing_model": "hardware", "quantity": 2, "unit_price": "26600.00",
         "amount": "53200.00"},
        {"billing_model": "maintenance", "percent_of_line": "L1", "percent": 22,
         "description": "Maintenance 22 %"},
        start_date="2026-02-01",
        end_date="2028-01-31",
    )  # fmt: skip
    (invoice,) = bill(terms, as_of=date(2026, 2, 1)).invoices
    assert [row[0] for row in lines(invoice)] == ["2026-02-01..2027-01-31"]
    assert [row[3] for row in lines(invoice)] == ["11704.00"]


def test_expenses_at_cost_plus_mark_up() -> None:
    # 400.00 of June travel + 10 % mark-up = 440.00, billed after June.
    terms = contract(
        {"billing_model": "expenses", "expense_cap": "500.00", "markup_percent": 10,
         "description": "Travel"},
    )  # fmt: skip
    trip = ExpenseEntry("EX-1", "C-1", "L1", date(2026, 6, 9), Decimal("400.00"))
    (invoice,) = bill(terms, as_of=date(2026, 7, 1), events=Events.of([trip])).invoices
    assert [row[0] for row in lines(invoice)] == ["2026-06-01..2026-06-30"]
    assert [row[3] for row in lines(invoice)] == ["440.00"]
    assert invoice.lines[0].source is not None
    assert invoice.lines[0].source.events == ("EX-1",)


def test_usage_within_the_included_units_bills_nothing() -> None:
    # 800 calls in November, 1,000 included: nothing to bill, no zero line.
    terms = contract(
        {
            "billing_model": "usage",
            "description": "API calls",
            "included_units": 1000,
            "tier_mode": "graduated",
            "tiers": [{"unit_price": "0.10"}],
        }
    )
    november = UsageRecord(
        idempotency_key="US-2",
        contract_id="C-1",
        line_id="L1",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        quantity=Decimal(800),
    )
    result = bill(terms, as_of=date(2026, 12, 1), events=Events.of([november]))
    assert result.invoices == ()
    assert [(s.item_key, s.reason.value) for s in result.skipped] == [
        ("L1:US-2", "nothing_to_bill")
    ]
