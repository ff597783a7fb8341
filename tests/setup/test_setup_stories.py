"""Setup stories: given these approved contracts and these events, on this date, this schedule.

Expected amounts are worked out by hand from the contracts in support.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import SetupStore, row_image
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_setup import OrderRow, ScheduleItemRow
from billops.domain.events import MilestoneAcceptance, Shipment, TimeEntry
from billops.errors import InvalidInput
from billops.workflows.events import record_events
from billops.workflows.setup import (
    NotApproved,
    amend_contract,
    preview_schedule,
    setup_all_approved,
    setup_contract,
)
from tests.setup.support import AS_OF, company, order_form, store_contract, write


def live(db: Database, contract_id: str) -> list[tuple[str, str | None, str, str, str]]:
    with db.transaction() as session:
        rows = SetupStore(session, "t").live_items(contract_id)
        images = [row_image(row) for row in rows]
    return sorted(
        (i["item_key"], i["bill_date"], i["amount"], i["trigger"], i["status"]) for i in images
    )


def audit_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def test_an_approved_order_form_gets_its_order_and_schedule(db: Database) -> None:
    company(db)
    outcome = setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    assert outcome.status == "created"
    assert outcome.findings == []
    # 10 seats x 135.00 a quarter = 1,350.00 each quarter, in advance; two quarters
    # have begun by 2026-05-01. Onboarding on signature; the appliances wait to ship.
    assert live(db, "OF-S-1") == [
        ("L1:2026-01-01", "2026-01-01", "1350.00", "date", "billable"),
        ("L1:2026-04-01", "2026-04-01", "1350.00", "date", "billable"),
        ("L1:2026-07-01", "2026-07-01", "1350.00", "date", "scheduled"),
        ("L1:2026-10-01", "2026-10-01", "1350.00", "date", "scheduled"),
        ("L2:one-time", "2025-12-20", "2500.00", "signature", "billable"),
        ("L3:unshipped", None, "2000.00", "shipment", "waiting"),
    ]
    with db.transaction() as session:
        store = SetupStore(session, "t")
        order = store.order("OF-S-1")
        assert order is not None
        lines = [(line.line_id, line.sku) for line in store.order_lines(order)]
        assert store.project("OF-S-1") is None  # no services: no project
    assert lines == [("L1", "SUB-PRO"), ("L2", "ONB"), ("L3", "HW-1")]
    assert order.record["lines"][0]["gl_revenue"] == "4010"


def test_running_setup_twice_changes_nothing(db: Database) -> None:
    company(db)
    first = setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    records = audit_count(db)
    again = setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    assert first.changed and not again.changed
    assert again.status == "unchanged"
    assert audit_count(db) == records  # not even an audit record


def test_setup_writes_the_order_project_and_schedule_with_audit_records(db: Database) -> None:
    company(db)
    before = audit_count(db)
    outcome = setup_contract(db, "SOW-2025-007", actor="analyst", as_of=AS_OF)
    assert outcome.has_project
    with db.transaction() as session:
        kinds = session.execute(
            select(AuditRow.entity_type).where(AuditRow.seq > before).order_by(AuditRow.seq)
        ).scalars()
        assert list(kinds) == ["order", "project", "schedule"]


def test_an_unapproved_contract_is_refused_and_nothing_is_saved(db: Database) -> None:
    company(db)
    store_contract(db, order_form(contract_id="OF-S-2"), approve=False)
    with pytest.raises(NotApproved, match="has no approved version") as raised:
        setup_contract(db, "OF-S-2", actor="analyst", as_of=AS_OF)
    assert raised.value.exit_code == 2
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(OrderRow)).scalar_one() == 0


def test_a_milestone_becomes_billable_when_its_acceptance_arrives(db: Database) -> None:
    company(db)
    setup_contract(db, "SOW-2025-007", actor="analyst", as_of=AS_OF)
    assert ("FF1:M1", None, "36000.00", "milestone_accepted", "waiting") in live(db, "SOW-2025-007")
    acceptance = MilestoneAcceptance(
        idempotency_key="MA-1",
        contract_id="SOW-2025-007",
        milestone_id="M1",
        status="accepted",  # type: ignore[arg-type]
        decided_on=date(2025, 4, 2),
    )
    record_events(db, [acceptance], actor="psa", source="test")
    refreshed = setup_contract(db, "SOW-2025-007", actor="analyst", as_of=AS_OF)
    assert refreshed.schedule.status_changed == ["FF1:M1"]
    assert refreshed.schedule.added == refreshed.schedule.superseded == []
    assert live(db, "SOW-2025-007") == [
        ("FF1:M1", "2025-04-02", "36000.00", "milestone_accepted", "billable"),
        ("FF1:M2", None, "48000.00", "milestone_accepted", "waiting"),
        # M3 is 30 % of the line's 120,000.00
        ("FF1:M3", None, "36000.00", "milestone_accepted", "waiting"),
    ]


def test_approved_time_is_billed_monthly_at_the_role_rate(db: Database) -> None:
    company(db)
    entries = [
        TimeEntry(
            idempotency_key=f"TE-{n}",
            contract_id="SOW-2025-007",
            line_id="TM1",
            person="Ada",
            role="Senior Consultant",
            work_date=date(2025, 5, n),
            hours=Decimal(8),
            approved=True,
        )
        for n in (5, 6)
    ]
    record_events(db, entries, actor="psa", source="test")
    setup_contract(db, "SOW-2025-007", actor="analyst", as_of=AS_OF)
    tm = [item for item in live(db, "SOW-2025-007") if item[0].startswith("TM1")]
    # 16 h = 2 days x 1,400.00 a day, billed in arrears on the first of June
    assert [(i[1], i[2], i[3], i[4]) for i in tm] == [
        ("2025-06-01", "2800.00", "time_approved", "billable")
    ]


def test_time_for_a_role_not_on_the_rate_card_is_a_finding_not_a_charge(db: Database) -> None:
    company(db)
    entry = TimeEntry(
        idempotency_key="TE-X",
        contract_id="SOW-2025-007",
        line_id="TM1",
        person="Bob",
        role="Data Engineer",
        work_date=date(2025, 5, 5),
        hours=Decimal(8),
        approved=True,
    )
    record_events(db, [entry], actor="psa", source="test")
    outcome = setup_contract(db, "SOW-2025-007", actor="analyst", as_of=AS_OF)
    rules = [f["rule_id"] for f in outcome.findings]
    assert "SCHEDULE-ROLE-NOT-ON-RATE-CARD" in rules
    assert not [item for item in live(db, "SOW-2025-007") if item[0].startswith("TM1")]


def test_a_shipment_bills_the_shipped_quantity(db: Database) -> None:
    company(db)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    shipment = Shipment(
        idempotency_key="SH-1",
        contract_id="OF-S-1",
        line_id="L3",
        sku="HW-1",
        quantity=Decimal(1),
        ship_date=date(2026, 2, 10),
    )
    record_events(db, [shipment], actor="warehouse", source="test")
    outcome = setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    hardware = [item for item in live(db, "OF-S-1") if item[0].startswith("L3")]
    # one of two shipped: 1 x 1,000.00 billable; the other still waits
    assert sorted((i[1] or "", i[2], i[4]) for i in hardware) == [
        ("", "1000.00", "waiting"),
        ("2026-02-10", "1000.00", "billable"),
    ]
    assert outcome.schedule.version == 2  # the waiting item was replaced, and kept
    with db.transaction() as session:
        history = SetupStore(session, "t").history("OF-S-1")
    superseded = [r for r in history if r.superseded_by_version is not None]
    assert [(r.item_key, r.superseded_by_version) for r in superseded] == [("L3:unshipped", 2)]


def test_the_preview_agrees_exactly_with_what_setup_stores(db: Database) -> None:
    from billops.adapters.storage.repositories import Contracts
    from billops.adapters.storage.setup_store import item_image

    company(db)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    with db.transaction() as session:
        terms = Contracts(session, "t").get("OF-S-1").terms
        stored = sorted(
            (row_image(r) for r in SetupStore(session, "t").live_items("OF-S-1")),
            key=lambda i: i["item_key"],
        )
    preview = preview_schedule(terms, as_of=AS_OF)
    assert sorted((item_image(i) for i in preview.items), key=lambda i: i["item_key"]) == stored


def test_setup_all_approved_skips_unapproved_and_amendments(db: Database) -> None:
    company(db)
    store_contract(db, order_form(contract_id="OF-S-2"), approve=False)
    outcomes = setup_all_approved(db, actor="night", as_of=AS_OF)
    assert [o.contract_id for o in outcomes] == ["OF-S-1", "SOW-2025-007"]
    assert [o.contract_id for o in setup_all_approved(db, actor="night", as_of=AS_OF)] == [
        "OF-S-1",
        "SOW-2025-007",
    ]


def amendment(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "contract_id": "AM-S-1",
        "document_type": "amendment",
        "amends": "OF-S-1",
        "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
        "customer": {"code": "globex", "name": "Globex Corporation"},
        "signature_date": "2026-06-20",
        "effective_date": "2026-07-01",
        "start_date": "2026-07-01",
        "end_date": "2026-12-31",
        "currency": "USD",
        "billing": {"frequency": "quarterly", "timing": "advance"},
        "lines": [
            {
                "line_id": "L1",
                "sku": "SUB-PRO",
                "description": "Additional Workspace Pro seats, co-termed",
                "billing_model": "subscription",
                "quantity": "4",
                "unit_price": "135.00",
                "amount": "1080.00",
                "service_start": "2026-07-01",
                "service_end": "2026-12-31",
            }
        ],
        "total_contract_value": "1080.00",
    }
    data.update(changes)
    return data


def test_an_add_on_amendment_adds_co_termed_items_and_keeps_the_history(
    db: Database, tmp_path: Path
) -> None:
    company(db)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    path = write(tmp_path / "am.yaml", amendment())
    outcome = amend_contract(db, "OF-S-1", path, actor="analyst", as_of=AS_OF)
    assert outcome.effective_date == date(2026, 7, 1)
    # 4 seats x 135.00 a quarter for the last two quarters
    assert outcome.setup.schedule.added == ["AM-S-1.L1:2026-07-01", "AM-S-1.L1:2026-10-01"]
    added = [item for item in live(db, "OF-S-1") if item[0].startswith("AM-S-1")]
    assert [(i[1], i[2], i[4]) for i in added] == [
        ("2026-07-01", "540.00", "scheduled"),
        ("2026-10-01", "540.00", "scheduled"),
    ]
    # the amendment is stored as a contract of its own, and applying it again changes nothing
    again = amend_contract(db, "OF-S-1", path, actor="analyst", as_of=AS_OF)
    assert again.already_applied and not again.setup.changed
    # and a later setup keeps the amendment in (it does not rebuild the original schedule)
    assert not setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF).changed
    with db.transaction() as session:
        order = SetupStore(session, "t").order("OF-S-1")
        assert order is not None
        assert [line["order_line_id"] for line in order.record["lines"]] == [
            "L1",
            "L2",
            "L3",
            "AM-S-1.L1",
        ]


def test_an_amendment_effective_outside_the_term_is_refused_and_nothing_saved(
    db: Database, tmp_path: Path
) -> None:
    company(db)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    records = audit_count(db)
    path = write(
        tmp_path / "late.yaml",
        amendment(effective_date="2027-02-01", start_date="2027-02-01", end_date="2027-06-30"),
    )
    with pytest.raises(InvalidInput, match=r"takes effect on 2027-02-01, outside the term") as e:
        amend_contract(db, "OF-S-1", path, actor="analyst", as_of=AS_OF)
    assert "late.yaml" in str(e.value)
    assert audit_count(db) == records
    with db.transaction() as session:
        count = select(func.count()).select_from(ScheduleItemRow)
        assert session.execute(count).scalar_one() == 6


def test_an_approved_amendment_is_not_set_up_on_its_own(db: Database) -> None:
    company(db)
    store_contract(db, amendment())
    with pytest.raises(InvalidInput, match="'AM-S-1' is an amendment of 'OF-S-1'") as raised:
        setup_contract(db, "AM-S-1", actor="analyst", as_of=AS_OF)
    assert "billops amend OF-S-1 FILE" in str(raised.value)


def test_an_amendment_of_a_contract_not_set_up_or_of_another_contract_is_refused(
    db: Database, tmp_path: Path
) -> None:
    company(db)
    path = write(tmp_path / "am.yaml", amendment())
    with pytest.raises(Exception, match="is not set up yet"):
        amend_contract(db, "OF-S-1", path, actor="analyst", as_of=AS_OF)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    with pytest.raises(InvalidInput, match="amends 'OF-S-1', not 'SOW-2025-007'"):
        amend_contract(db, "SOW-2025-007", path, actor="analyst", as_of=AS_OF)
    not_amendment = write(tmp_path / "of.yaml", order_form(contract_id="OF-S-9"))
    with pytest.raises(InvalidInput, match="is a order_form, not an amendment"):
        amend_contract(db, "OF-S-1", not_amendment, actor="analyst", as_of=AS_OF)


def test_an_early_termination_credits_the_days_after_the_new_end(
    db: Database, tmp_path: Path
) -> None:
    company(db)
    setup_contract(db, "OF-S-1", actor="analyst", as_of=AS_OF)
    # Signed 2026-06-20, effective 2026-08-01: the contract now ends on 2026-08-31.
    path = write(
        tmp_path / "end.yaml",
        amendment(
            lines=[],
            total_contract_value=None,
            effective_date="2026-08-01",
            start_date="2026-08-01",
            end_date="2026-08-31",
        ),
    )
    outcome = amend_contract(db, "OF-S-1", path, actor="analyst", as_of=AS_OF)
    assert outcome.setup.schedule.superseded == ["L1:2026-10-01"]
    subscription = [i for i in live(db, "OF-S-1") if i[0].startswith("L1")]
    # The third quarter (1,350.00 for 92 days) is running on 2026-08-01: it is kept;
    # the 61 days from 2026-08-01 are credited at the old price, 1,350.00 x 61/92 = 895.11,
    # and the 31 days of August charged at the amended price: the amended quarter is
    # 2026-07-01..2026-08-31, 1,350.00 x 62/92 = 909.78, of which 31/62 = 454.89.
    # Net for the quarter: 1,350.00 - 895.11 + 454.89 = 909.78.
    assert subscription == [
        ("L1:2026-01-01", "2026-01-01", "1350.00", "date", "billable"),
        ("L1:2026-04-01", "2026-04-01", "1350.00", "date", "billable"),
        ("L1:2026-07-01", "2026-07-01", "1350.00", "date", "scheduled"),
        ("L1:2026-07-01:charge@2026-08-01", "2026-08-01", "454.89", "date", "scheduled"),
        ("L1:2026-07-01:credit@2026-08-01", "2026-08-01", "-895.11", "date", "scheduled"),
    ]
    with db.transaction() as session:
        history = SetupStore(session, "t").history("OF-S-1")
    (gone,) = [r for r in history if r.superseded_by_version is not None]
    assert (gone.item_key, gone.superseded_by_version, gone.superseded_reason) == (
        "L1:2026-10-01",
        2,
        "amendment AM-S-1 v1 effective 2026-08-01",
    )
