"""``setup --all-approved`` sets contracts up a batch at a time: the same end state, audited.

Seven order forms like OF-S-1 (support.py) and the SOW are approved; set up
three to a transaction, each contract gets what it would get set up on its
own: its order, its six schedule items (four quarters of L1 at 1,350.00,
onboarding, the appliances waiting to ship) and one audit record per change,
in contract order (order, then project, then schedule), chained intact.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts
from billops.adapters.storage.tables import AuditRow
from billops.adapters.storage.tables_setup import OrderRow, ScheduleItemRow
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import parse_contract
from billops.errors import InvalidInput
from billops.workflows.setup import setup_all_approved
from tests.setup.support import AS_OF, company, order_form, store_catalogue, store_contract

FORMS = [f"OF-B-{n}" for n in range(1, 8)]


def audit_trail(db: Database, after: int = 0) -> list[tuple[str, str, str]]:
    with db.transaction() as session:
        rows = session.execute(
            select(AuditRow.entity_type, AuditRow.entity_id, AuditRow.action)
            .where(AuditRow.seq > after)
            .order_by(AuditRow.seq)
        )
        return [(kind, entity, action) for kind, entity, action in rows]


def last_seq(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.max(AuditRow.seq))).scalar_one() or 0)


def live_items(db: Database) -> dict[str, list[tuple[str, str]]]:
    with db.transaction() as session:
        rows = session.execute(
            select(ScheduleItemRow.contract_id, ScheduleItemRow.item_key, ScheduleItemRow.amount)
            .where(ScheduleItemRow.superseded_by_version.is_(None))
            .order_by(ScheduleItemRow.contract_id, ScheduleItemRow.item_key)
        )
        found: dict[str, list[tuple[str, str]]] = {}
        for contract_id, key, amount in rows:
            found.setdefault(contract_id, []).append((key, amount))
        return found


def test_contracts_set_up_three_a_transaction_end_as_if_set_up_one_by_one(db: Database) -> None:
    company(db)
    for contract_id in FORMS:
        store_contract(db, order_form(contract_id=contract_id))
    before = last_seq(db)

    outcomes = setup_all_approved(db, actor="night", as_of=AS_OF, batch=3)

    assert [o.contract_id for o in outcomes] == [*FORMS, "OF-S-1", "SOW-2025-007"]
    assert all(o.status == "created" for o in outcomes)
    quarters = [(f"L1:2026-{month}-01", "1350.00") for month in ("01", "04", "07", "10")]
    l1_and_l2 = [*quarters, ("L2:one-time", "2500.00")]
    items = live_items(db)
    for contract_id in [*FORMS, "OF-S-1"]:
        assert items[contract_id][:5] == l1_and_l2
        assert len(items[contract_id]) == 6  # and the appliances, waiting to ship
    trail = audit_trail(db, before)
    expected = [
        (kind, contract_id, "create")
        for contract_id in [*FORMS, "OF-S-1"]
        for kind in ("order", "schedule")
    ]
    expected += [("order", "SOW-2025-007", "create"), ("project", "SOW-2025-007", "create")]
    expected += [("schedule", "SOW-2025-007", "create")]
    assert trail == expected
    with db.transaction() as session:
        assert audit_store.verify(session).ok

    seq = last_seq(db)
    again = setup_all_approved(db, actor="night", as_of=AS_OF, batch=3)
    assert [o.status for o in again] == ["unchanged"] * 9
    assert last_seq(db) == seq  # not even an audit record


def test_a_contract_that_cannot_be_set_up_stops_the_run_after_the_ones_before_it(
    db: Database,
) -> None:
    """OF-B-2's approved version is an amendment: refused, as setting it up alone refuses it.

    OF-B-1 comes before it in the same batch and is stored; OF-B-3, after it,
    is not: a re-run (once OF-B-2 is fixed) picks up from there.
    """
    store_catalogue(db)
    for contract_id in ("OF-B-1", "OF-B-3"):
        store_contract(db, order_form(contract_id=contract_id))
    amendment = order_form(
        contract_id="OF-B-2",
        document_type="amendment",
        amends="OF-B-1",
        effective_date="2026-03-01",
    )
    with db.transaction() as session:
        contracts = Contracts(session, "maker")
        contracts.save(parse_contract(amendment))
        ValidationStore(session, "checker").approve("OF-B-2", 1, approver="checker", reason="t")
        contracts.save(parse_contract(order_form(contract_id="OF-B-2")))  # v2, not approved

    with pytest.raises(InvalidInput, match="'OF-B-2' is an amendment of 'OF-B-1'"):
        setup_all_approved(db, actor="night", as_of=AS_OF, batch=10)

    with db.transaction() as session:
        orders = session.execute(select(OrderRow.contract_id).order_by(OrderRow.contract_id))
        assert list(orders.scalars()) == ["OF-B-1"]
        assert audit_store.verify(session).ok
