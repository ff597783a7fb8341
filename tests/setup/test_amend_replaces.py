"""Amendments that replace a line of the amended contract (an upgrade, a downgrade).

OF-R-1 (Acme for Globex, USD): Workspace Pro, 100 seats x 45.00 a month,
2026-01-01 to 2026-12-31, billed monthly in advance: 4,500.00 a month. The
amendment is signed on 2026-06-10, so (until the billing run exists) the items
dated before then, January to June, count as billed; it takes effect on
2026-06-16. June has 30 days, so the 15 days 2026-06-16..30 are half of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import SetupStore, row_image
from billops.adapters.storage.tables import AuditRow
from billops.domain.contract import ContractInvalid, parse_contract
from billops.errors import InvalidInput
from billops.workflows.setup import amend_contract, setup_contract
from tests.setup.support import order_form, store_catalogue, store_contract, write

AS_OF = date(2026, 6, 16)


def base() -> dict[str, Any]:
    return order_form(
        contract_id="OF-R-1",
        billing={"frequency": "monthly", "timing": "advance"},
        lines=[
            {
                "line_id": "L1",
                "sku": "SUB-PRO",
                "description": "Workspace Pro",
                "billing_model": "subscription",
                "quantity": "100",
                "unit": "seat",
                "unit_price": "45.00",
                "amount": "54000.00",
            }
        ],
        total_contract_value="54000.00",
    )


def amendment(seats: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contract_id": "AM-R-1",
        "document_type": "amendment",
        "amends": "OF-R-1",
        "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
        "customer": {"code": "globex", "name": "Globex Corporation"},
        "signature_date": "2026-06-10",
        "effective_date": "2026-06-16",
        "start_date": "2026-06-16",
        "end_date": "2026-12-31",
        "currency": "USD",
        "lines": [
            {
                "line_id": "L1",
                "sku": "SUB-PRO",
                "description": f"Workspace Pro, {seats} seats from 2026-06-16",
                "billing_model": "subscription",
                "quantity": seats,
                "unit": "seat",
                "unit_price": "45.00",
                "replaces": "L1",
            }
        ],
    }
    data.update(changes)
    return data


Row = tuple[str, str, str | None, str, str | None, str | None]


def live(db: Database, contract_id: str) -> list[Row]:
    with db.transaction() as session:
        images = [row_image(row) for row in SetupStore(session, "t").live_items(contract_id)]
    return sorted(
        (i["item_key"], i["kind"], i["bill_date"], i["amount"], i["period_start"], i["period_end"])
        for i in images
    )


def set_up(db: Database) -> None:
    store_catalogue(db)
    store_contract(db, base())
    setup_contract(db, "OF-R-1", actor="analyst", as_of=AS_OF)


def audit_count(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


BILLED = [
    (f"L1:2026-0{month}-01", "charge", f"2026-0{month}-01", "4500.00", f"2026-0{month}-01", end)
    for month, end in (
        (1, "2026-01-31"),
        (2, "2026-02-28"),
        (3, "2026-03-31"),
        (4, "2026-04-30"),
        (5, "2026-05-31"),
        (6, "2026-06-30"),
    )
]
LATER_MONTHS = [
    ("07-01", "07-31"),
    ("08-01", "08-31"),
    ("09-01", "09-30"),
    ("10-01", "10-31"),
    ("11-01", "11-30"),
    ("12-01", "12-31"),
]


def replaced_from_july(monthly: str) -> list[Row]:
    return [
        (
            f"AM-R-1.L1:2026-{start}",
            "charge",
            f"2026-{start}",
            monthly,
            f"2026-{start}",
            f"2026-{end}",
        )
        for start, end in LATER_MONTHS
    ]


def test_an_upgrade_credits_the_old_seats_and_bills_the_new_from_the_effective_date(
    db: Database, tmp_path: Path
) -> None:
    set_up(db)
    path = write(tmp_path / "upgrade.yaml", amendment("150"))
    outcome = amend_contract(db, "OF-R-1", path, actor="analyst", as_of=AS_OF)
    assert outcome.setup.findings == []
    # July to December of L1 were not billed: they go, the 150 seats take their place
    assert outcome.setup.schedule.superseded == [f"L1:2026-{start}" for start, _ in LATER_MONTHS]
    assert live(db, "OF-R-1") == sorted(
        [
            # 150 seats x 45.00 x 15/30 days of June = 3,375.00, then 6,750.00 a month
            ("AM-R-1.L1:2026-06-16", "charge", "2026-06-16", "3375.00", "2026-06-16", "2026-06-30"),
            *replaced_from_july("6750.00"),
            *BILLED,
            # June was billed at 100 seats: 4,500.00 x 15/30 days back = 2,250.00
            (
                "L1:2026-06-01:credit@2026-06-16",
                "proration_credit",
                "2026-06-16",
                "-2250.00",
                "2026-06-16",
                "2026-06-30",
            ),
        ]
    )
    # a later setup re-applies the amendment: nothing changes
    assert not setup_contract(db, "OF-R-1", actor="analyst", as_of=AS_OF).changed
    with db.transaction() as session:
        order = SetupStore(session, "t").order("OF-R-1")
        assert order is not None
        lines = {line["order_line_id"]: line for line in order.record["lines"]}
    assert list(lines) == ["L1", "AM-R-1.L1"]


def test_a_downgrade_credits_the_old_seats_and_bills_fewer(db: Database, tmp_path: Path) -> None:
    set_up(db)
    path = write(tmp_path / "downgrade.yaml", amendment("60"))
    amend_contract(db, "OF-R-1", path, actor="analyst", as_of=AS_OF)
    assert live(db, "OF-R-1") == sorted(
        [
            # 60 seats x 45.00 x 15/30 = 1,350.00, then 2,700.00 a month
            ("AM-R-1.L1:2026-06-16", "charge", "2026-06-16", "1350.00", "2026-06-16", "2026-06-30"),
            *replaced_from_july("2700.00"),
            *BILLED,
            (
                "L1:2026-06-01:credit@2026-06-16",
                "proration_credit",
                "2026-06-16",
                "-2250.00",
                "2026-06-16",
                "2026-06-30",
            ),
        ]
    )


def test_replacing_a_line_the_contract_does_not_have_is_refused_and_nothing_saved(
    db: Database, tmp_path: Path
) -> None:
    set_up(db)
    before, records = live(db, "OF-R-1"), audit_count(db)
    data = amendment("150")
    data["lines"][0]["replaces"] = "L9"
    path = write(tmp_path / "typo.yaml", data)
    with pytest.raises(InvalidInput, match=r"line L1 replaces line 'L9'") as error:
        amend_contract(db, "OF-R-1", path, actor="analyst", as_of=AS_OF)
    text = str(error.value)
    assert "typo.yaml" in text and "lines[0].replaces" in text and "OF-R-1" in text
    assert live(db, "OF-R-1") == before
    assert audit_count(db) == records


def test_replaces_is_only_for_amendments() -> None:
    data = base()
    data["lines"][0]["replaces"] = "L0"
    with pytest.raises(ContractInvalid, match="is only for amendments") as error:
        parse_contract(data)
    assert error.value.field == "lines[0].replaces"
