"""Booking an order for revenue, on the database: readiness, judgements, maker-checker, booking.

The story: maria.maker keys in order form OF-R-1 of Acme Software, Inc. for
Globex Corporation (signed 2026-01-15, Net 30, 10 Workspace Pro seats and
onboarding, 7,900.00 USD); carl.checker approves it; its order is set up.
Globex's credit has not been assessed, so the order may not be booked until
someone judges collectability and a second person approves that judgement.
Checked on 2026-02-01.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_revenue import BookingRow, ReadinessJudgementRow
from billops.adapters.storage.tables_setup import OrderRow
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import parse_contract
from billops.domain.parties import CreditStatus, Customer
from billops.domain.policy import Policy
from billops.domain.revenue.readiness import COLLECTABILITY, COMBINATION, CriterionStatus
from billops.errors import BillopsError, InvalidInput, NotFound
from billops.interfaces.cli.revenue_booking import register
from billops.interfaces.cli.state import AppState
from billops.settings import Settings
from billops.workflows.revenue_booking import (
    BookingRefused,
    JudgementRefused,
    approve_judgement,
    book,
    booking_readiness_of,
    judge,
)

MAKER, CHECKER = "maria.maker", "carl.checker"
AS_OF = date(2026, 2, 1)
POLICY = Policy()
REASON = "50 % deposit received 2026-01-20; parent company guarantee G-17"

CONTRACT: dict[str, Any] = {
    "contract_id": "OF-R-1",
    "document_type": "order_form",
    "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    "customer": {"code": "globex", "name": "Globex Corporation"},
    "signature_date": "2026-01-15",
    "start_date": "2026-02-01",
    "end_date": "2027-01-31",
    "currency": "USD",
    "payment_terms": {"net_days": 30, "description": "Net 30"},
    "billing": {"frequency": "quarterly", "timing": "advance"},
    "lines": [
        {
            "line_id": "L1",
            "sku": "SUB-PRO",
            "description": "Workspace Pro seats",
            "billing_model": "subscription",
            "quantity": "10",
            "unit_price": "540.00",
            "amount": "5400.00",
        },
        {
            "line_id": "L2",
            "sku": "ONB",
            "description": "Onboarding",
            "billing_model": "one_time",
            "quantity": "1",
            "unit_price": "2500.00",
            "amount": "2500.00",
        },
    ],
    "total_contract_value": "7900.00",
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def contract(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CONTRACT)
    data.update(changes)
    return data


def store_contract(db: Database, data: dict[str, Any], *, approve: bool = True) -> int:
    with db.transaction() as session:
        version = Contracts(session, MAKER).save(parse_contract(data)).version
        if approve:
            ValidationStore(session, CHECKER).approve(
                data["contract_id"], version, approver=CHECKER, reason="checked against the OF"
            )
    return version


def set_up(db: Database, contract_id: str = "OF-R-1") -> None:
    """The order of the contract's current version, as `billops setup` stores it.

    Written directly: booking reads only which version the order was made
    from, and the setup workflow has tests of its own (tests/setup).
    """
    now = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    with db.transaction() as session:
        version = Contracts(session, "reader").get(contract_id).version
        row = session.execute(
            select(OrderRow).where(OrderRow.contract_id == contract_id)
        ).scalar_one_or_none()
        if row is None:
            row = OrderRow(contract_id=contract_id, currency="USD", created_at=now, findings=[])
            session.add(row)
        row.contract_version, row.record, row.updated_at = version, {"version": version}, now


def set_credit(db: Database, credit: CreditStatus) -> None:
    with db.transaction() as session:
        customers = Customers(session, "credit.desk")
        customers.update(customers.get("globex").model_copy(update={"credit_status": credit}))


def count(db: Database, table: Any) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def trail(db: Database, entity_type: str) -> list[tuple[str, str, str]]:
    with db.transaction() as session:
        return [
            (r.actor, r.entity_id, r.action)
            for r in audit_store.records(session, entity_type=entity_type)
        ]


@pytest.fixture
def company(db: Database) -> Database:
    """Globex (credit unassessed), OF-R-1 made by maria and approved by carl, its order set up."""
    with db.transaction() as session:
        Customers(session, "setup").add(Customer(code="globex", name="Globex Corporation"))
    store_contract(db, CONTRACT)
    set_up(db)
    return db


def readiness(db: Database, contract_id: str = "OF-R-1", policy: Any = POLICY) -> Any:
    return booking_readiness_of(db, contract_id, policy=policy, as_of=AS_OF)


def judge_collectability(db: Database, actor: str = MAKER, reason: str | None = REASON) -> Any:
    return judge(
        db,
        "OF-R-1",
        criterion="collectability",
        reason=reason,
        actor=actor,
        policy=POLICY,
        as_of=AS_OF,
        clock=Clock(),
    )


def book_it(db: Database, actor: str = CHECKER, contract_id: str = "OF-R-1") -> Any:
    return book(db, contract_id, actor=actor, policy=POLICY, as_of=AS_OF, clock=Clock())


# --------------------------------------------------------------------------
# Readiness


def test_readiness_reads_the_contract_approval_customer_and_order_and_stores_nothing(
    company: Database,
) -> None:
    before = count(company, AuditRow)
    result = readiness(company)
    assert (result.contract_id, result.version, result.order_version) == ("OF-R-1", 1, 1)
    assert [c.criterion_id for c in result.readiness.missing] == [COLLECTABILITY]
    assert result.readiness.criterion(COLLECTABILITY).explanation == (
        "Globex Corporation (globex) has no credit assessment on file (credit status unassessed)"
    )
    approved = result.readiness.criterion("REV-READY-APPROVED").explanation
    assert approved.startswith(f"version 1 approved by {CHECKER} on ")
    assert result.booking is None and not result.ready
    assert count(company, AuditRow) == before


def test_good_credit_makes_the_contract_ready(company: Database) -> None:
    set_credit(company, CreditStatus.GOOD)
    result = readiness(company)
    assert result.ready
    assert {c.status for c in result.readiness.criteria} == {CriterionStatus.MET}


def test_the_combination_window_comes_from_the_signing_entitys_policy(company: Database) -> None:
    set_credit(company, CreditStatus.GOOD)
    store_contract(company, contract(contract_id="OF-R-2", signature_date="2026-01-25"))
    assert [c.criterion_id for c in readiness(company).readiness.missing] == [COMBINATION]
    asked: list[str | None] = []

    def narrow(entity_code: str | None) -> Policy:
        asked.append(entity_code)
        return Policy.from_mapping({"booking": {"combination_window_days": 9}})

    result = readiness(company, policy=narrow)
    assert asked == ["ACME-US"]
    assert result.combination_window_days == 9
    assert result.readiness.criterion(COMBINATION).explanation == (
        "no other contract with customer globex signed within 9 days of 2026-01-15; "
        "nearest: OF-R-2, signed 2026-01-25, 10 days apart"
    )


def test_a_newer_unapproved_version_is_not_ready(company: Database) -> None:
    set_credit(company, CreditStatus.GOOD)
    store_contract(company, contract(title="Order form, corrected"), approve=False)
    result = readiness(company)
    assert result.version == 2
    assert [c.criterion_id for c in result.readiness.missing] == ["REV-READY-APPROVED"]


# --------------------------------------------------------------------------
# Booking refused, then allowed after an approved judgement


def test_booking_is_refused_while_a_criterion_is_missing_and_nothing_is_saved(
    company: Database,
) -> None:
    before = count(company, AuditRow)
    with pytest.raises(BookingRefused) as refused:
        book_it(company)
    message = refused.value.describe()
    assert message.startswith(
        "contract 'OF-R-1' v1 cannot be booked: 1 criterion missing: REV-READY-COLLECTABILITY: "
        "Globex Corporation (globex) has no credit assessment on file"
    )
    assert "`billops revenue ready OF-R-1` shows the evidence" in message
    assert refused.value.exit_code == 2
    assert count(company, BookingRow) == 0
    assert count(company, AuditRow) == before


def test_maker_checker_the_maker_cannot_approve_her_own_judgement(company: Database) -> None:
    recorded = judge_collectability(company)
    assert recorded.changed and recorded.judgement.made_by == MAKER
    before = count(company, AuditRow)
    for same_person in (MAKER, MAKER.upper()):
        with pytest.raises(JudgementRefused) as refused:
            approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=same_person)
        assert "cannot approve it: maker-checker needs a second person" in str(refused.value)
    assert count(company, AuditRow) == before
    status = readiness(company).readiness.criterion(COLLECTABILITY)
    assert status.status is CriterionStatus.MISSING
    assert status.explanation.endswith(f"a judgement by {MAKER} awaits a second person's approval")
    with pytest.raises(BookingRefused):
        book_it(company)


def test_the_database_itself_refuses_an_approval_by_the_maker(company: Database) -> None:
    judge_collectability(company)
    with (
        pytest.raises(IntegrityError, match="maker_checker"),
        company.transaction() as session,
    ):
        row = session.execute(select(ReadinessJudgementRow)).scalar_one()
        row.approved_by, row.approved_at = MAKER.upper(), datetime.now(UTC)
        session.flush()
    assert readiness(company).judgements[0].approved_by is None


def test_booked_after_the_judgement_is_approved_and_booking_twice_changes_nothing(
    company: Database,
) -> None:
    judge_collectability(company)
    approved = approve_judgement(
        company, "OF-R-1", criterion="REV-READY-COLLECTABILITY", approver=CHECKER, clock=Clock()
    )
    assert approved.changed and approved.judgement.approved_by == CHECKER
    result = readiness(company)
    assert result.ready
    collectability = result.readiness.criterion(COLLECTABILITY)
    assert collectability.status is CriterionStatus.JUDGED
    assert collectability.explanation.endswith(
        f"; judged by {MAKER}, approved by {CHECKER}: {REASON}"
    )

    first = book_it(company, actor="lee.booker")
    assert first.created
    assert (first.booking.contract_version, first.booking.booked_by) == (1, "lee.booker")
    assert first.booking.checklist["ready"] is True
    audit_before = count(company, AuditRow)
    again = book_it(company, actor="someone.else")
    assert not again.created
    assert again.booking == first.booking
    assert count(company, BookingRow) == 1
    assert count(company, AuditRow) == audit_before
    assert readiness(company).booking == first.booking


def test_every_change_is_in_the_audit_trail_and_the_chain_holds(company: Database) -> None:
    judge_collectability(company)
    approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=CHECKER)
    approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=CHECKER)  # no-op
    book_it(company)
    key = "OF-R-1/v1/REV-READY-COLLECTABILITY"
    assert trail(company, "readiness_judgement") == [
        (MAKER, key, "judge"),
        (CHECKER, key, "approve"),
    ]
    assert trail(company, "booking") == [(CHECKER, "OF-R-1", "book")]
    with company.transaction() as session:
        booked = next(audit_store.records(session, entity_type="booking"))
        judged = list(audit_store.records(session, entity_type="readiness_judgement"))
        assert audit_store.verify(session).ok
    assert judged[0].reason == REASON
    assert isinstance(booked.after, dict)
    assert booked.after["contract_version"] == 1
    criteria = booked.after["checklist"]["criteria"]
    assert [c["status"] for c in criteria if c["criterion"] == COLLECTABILITY] == ["judged"]


def test_the_same_judgement_twice_changes_nothing_and_a_new_text_replaces_it(
    company: Database,
) -> None:
    judge_collectability(company)
    audit_before = count(company, AuditRow)
    assert not judge_collectability(company).changed
    assert count(company, AuditRow) == audit_before
    replaced = judge_collectability(company, actor="lee", reason="deposit covers 60 %")
    assert replaced.changed and replaced.judgement.made_by == "lee"
    assert count(company, ReadinessJudgementRow) == 1
    assert trail(company, "readiness_judgement")[-1] == (
        "lee",
        "OF-R-1/v1/REV-READY-COLLECTABILITY",
        "update",
    )


def test_an_approved_judgement_is_not_replaced(company: Database) -> None:
    judge_collectability(company)
    approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=CHECKER)
    with pytest.raises(JudgementRefused, match="already judged by maria.maker and approved by"):
        judge_collectability(company, actor="lee", reason="other grounds")


def test_booking_needs_an_order_set_up_from_the_current_version(db: Database) -> None:
    with db.transaction() as session:
        Customers(session, "setup").add(
            Customer(code="globex", name="Globex Corporation", credit_status=CreditStatus.GOOD)
        )
    store_contract(db, CONTRACT)
    with pytest.raises(BookingRefused, match="has no order to book; set it up first"):
        book_it(db)
    set_up(db)
    store_contract(db, contract(title="Order form, corrected"))  # v2, approved
    with pytest.raises(BookingRefused, match="order of contract 'OF-R-1' v2 was set up from ver"):
        book_it(db)
    set_up(db)
    assert book_it(db).booking.contract_version == 2


def test_a_judgement_belongs_to_its_contract_version(company: Database) -> None:
    judge_collectability(company)
    store_contract(company, contract(title="Order form, corrected"))  # v2, approved
    assert readiness(company).judgements == ()
    with pytest.raises(NotFound, match="was made on version 1; the contract is now at version 2"):
        approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=CHECKER)


# --------------------------------------------------------------------------
# Bad input: one clear error, nothing saved


def test_an_unknown_contract_is_named(company: Database) -> None:
    before = count(company, AuditRow)
    attempts: list[Callable[[], object]] = [
        lambda: readiness(company, "OF-NOPE"),
        lambda: book_it(company, contract_id="OF-NOPE"),
        lambda: judge(
            company,
            "OF-NOPE",
            criterion="collectability",
            reason=REASON,
            actor=MAKER,
            policy=POLICY,
            as_of=AS_OF,
        ),
        lambda: approve_judgement(company, "OF-NOPE", criterion="collectability", approver=CHECKER),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound, match="no contract with id 'OF-NOPE'"):
            attempt()
    assert count(company, AuditRow) == before


def test_an_unknown_criterion_is_named(company: Database) -> None:
    with pytest.raises(InvalidInput, match="did you mean REV-READY-COLLECTABILITY"):
        judge(
            company,
            "OF-R-1",
            criterion="collectibility",
            reason=REASON,
            actor=MAKER,
            policy=POLICY,
            as_of=AS_OF,
        )
    with pytest.raises(InvalidInput, match="not a booking-readiness criterion"):
        approve_judgement(company, "OF-R-1", criterion="REV-READY-NOPE", approver=CHECKER)
    assert count(company, ReadinessJudgementRow) == 0


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_judgement_without_a_reason_is_refused(company: Database, reason: str | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        judge_collectability(company, reason=reason)
    assert refused.value.field == "--reason"
    assert "needs a reason for the audit trail" in refused.value.message
    assert count(company, ReadinessJudgementRow) == 0


def test_a_met_criterion_and_the_contract_approval_cannot_be_judged(company: Database) -> None:
    for criterion, words in (
        ("signed", "REV-READY-SIGNED is met on contract 'OF-R-1' v1: nothing to judge"),
        ("approved", "REV-READY-APPROVED cannot be settled by a judgement"),
    ):
        with pytest.raises(JudgementRefused, match=words):
            judge(
                company,
                "OF-R-1",
                criterion=criterion,
                reason=REASON,
                actor=MAKER,
                policy=POLICY,
                as_of=AS_OF,
            )
    assert count(company, ReadinessJudgementRow) == 0


def test_approving_a_judgement_nobody_made_is_refused(company: Database) -> None:
    with pytest.raises(
        NotFound, match="no judgement on REV-READY-COLLECTABILITY has been recorded"
    ):
        approve_judgement(company, "OF-R-1", criterion=COLLECTABILITY, approver=CHECKER)


def test_no_judgement_after_booking(company: Database) -> None:
    set_credit(company, CreditStatus.GOOD)
    book_it(company)
    set_credit(company, CreditStatus.DOUBTFUL)
    with pytest.raises(JudgementRefused, match="is already booked"):
        judge_collectability(company)


def test_an_amendment_is_not_booked_on_its_own(company: Database) -> None:
    amendment = contract(
        contract_id="AM-R-1",
        document_type="amendment",
        amends="OF-R-1",
        lines=[],
        total_contract_value=None,
    )
    store_contract(company, amendment)
    with pytest.raises(InvalidInput, match="is an amendment of 'OF-R-1': it is not booked"):
        readiness(company, "AM-R-1")


# --------------------------------------------------------------------------
# The commands, on a small Typer app (the lead registers them in `billops revenue`)


@pytest.fixture
def run(database_url: str) -> Callable[..., tuple[int, str]]:
    def invoke(actor: str, *args: str) -> tuple[int, str]:
        root = typer.Typer()
        group = typer.Typer()
        register(group)
        root.add_typer(group, name="revenue")

        @root.callback()
        def _state(ctx: typer.Context) -> None:
            ctx.obj = AppState(settings=Settings(database_url=database_url, actor=actor))

        result = CliRunner().invoke(root, list(args))
        if isinstance(result.exception, BillopsError):  # as billops.interfaces.cli.main does
            return result.exception.exit_code, f"error: {result.exception.describe()}"
        return result.exit_code, result.output

    return invoke


def test_the_commands_print_the_checklist_judge_approve_and_book(
    company: Database, run: Callable[..., tuple[int, str]]
) -> None:
    code, out = run(MAKER, "revenue", "ready", "OF-R-1")
    assert code == 1
    assert "OF-R-1 v1: not ready to book: 1 of 7 criteria missing" in out
    assert "REV-READY-COLLECTABILITY" in out and "problems found: 1 criterion missing" in out

    code, out = run(MAKER, "revenue", "judge", "OF-R-1", "--criterion", "collectability",
                    "--reason", REASON)  # fmt: skip
    assert code == 0
    assert "REV-READY-COLLECTABILITY on OF-R-1 v1: judgement recorded by maria.maker" in out

    code, out = run(
        MAKER, "revenue", "approve-judgement", "OF-R-1", "--criterion", "collectability"
    )
    assert code == 2
    assert out.startswith("error: BILLOPS_ACTOR: maria.maker made the judgement")

    code, out = run(CHECKER, "revenue", "approve-judgement", "OF-R-1", "--criterion",
                    "collectability")  # fmt: skip
    assert (code, out.strip()) == (
        0,
        "REV-READY-COLLECTABILITY on OF-R-1 v1: judgement by maria.maker approved by carl.checker",
    )

    code, out = run(CHECKER, "revenue", "ready", "OF-R-1", "--json")
    assert code == 0
    assert '"ready": true' in out and '"status": "judged"' in out

    code, out = run(CHECKER, "revenue", "book", "OF-R-1")
    assert (code, out.strip()) == (0, "OF-R-1 v1 booked by carl.checker")
    code, out = run(CHECKER, "revenue", "book", "OF-R-1", "--json")
    assert code == 0 and '"created": false' in out


def test_the_commands_report_bad_input_in_one_line(
    company: Database, run: Callable[..., tuple[int, str]]
) -> None:
    code, out = run(MAKER, "revenue", "ready", "OF-NOPE")
    assert (code, out) == (
        2,
        "error: no contract with id 'OF-NOPE'; `billops contract list` shows the ids",
    )
    code, out = run(MAKER, "revenue", "judge", "OF-R-1", "--criterion", "x", "--reason", "r")
    assert code == 2 and out.startswith("error: --criterion: not a booking-readiness criterion")
    code, out = run(MAKER, "revenue", "book", "OF-R-1")
    assert code == 2 and out.startswith("error: contract 'OF-R-1' v1 cannot be booked")
    assert count(company, BookingRow) == 0
