"""A clean contract, its parties, and helpers shared by the validation tests.

The contract is an order form of Acme Software Inc. (US) for Globex
Corporation (US): 10 seats at 1,080.00 a year for 24 months = 21,600.00
plus onboarding 1 x 2,500.00; total 24,100.00 USD. Every shipped rule
passes on it with the parties below on file; each test changes one thing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.adapters.storage.tables import AuditRow
from billops.domain.contract import parse_contract
from billops.domain.parties import Customer, LegalEntity

TODAY = date(2026, 3, 2)
MAKER = "maria.maker"
CHECKER = "carl.checker"

BASE: dict[str, Any] = {
    "contract_id": "OF-2026-001",
    "document_type": "order_form",
    "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    "customer": {"code": "globex", "name": "Globex Corporation"},
    "billing_contact": {"name": "Accounts Payable", "email": "ap@globex.example"},
    "signature_date": "2025-12-20",
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "term_months": 24,
    "currency": "USD",
    "payment_terms": {"net_days": 30, "description": "Net 30"},
    "billing": {"frequency": "annual", "timing": "advance"},
    "lines": [
        {
            "line_id": "L1",
            "sku": "PLAT-PRO",
            "description": "Platform Pro, per user per year",
            "billing_model": "subscription",
            "quantity": "10",
            "unit_price": "1080.00",
            "amount": "21600.00",
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
    "total_contract_value": "24100.00",
}

ENTITY = LegalEntity.model_validate(
    {
        "code": "ACME-US",
        "name": "Acme Software, Inc.",
        "country": "US",
        "currency": "USD",
        "invoice_prefix": "ACUS",
    }
)
CUSTOMER = Customer.model_validate(
    {
        "code": "globex",
        "name": "Globex Corporation",
        "addresses": [{"country": "US", "city": "Springfield"}],
        "billing_contacts": [{"email": "ap@globex.example"}],
    }
)


def contract(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced (None removes the key)."""
    result = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def with_line_amount(amount: str, **changes: Any) -> dict[str, Any]:
    """BASE with line L1's amount typed as ``amount`` (ARITH-LINE-TOTAL and ARITH-TCV fire)."""
    data = contract(**changes)
    data["lines"][0]["amount"] = amount
    return data


def store_parties(database: Database, *, customer: bool = True, entity: bool = True) -> None:
    with database.transaction() as session:
        if entity:
            LegalEntities(session, "setup").add(ENTITY)
        if customer:
            Customers(session, "setup").add(CUSTOMER)


def save_contract(database: Database, data: dict[str, Any], actor: str = MAKER) -> int:
    """Store ``data`` as the contract's next version, made by ``actor``; return the version."""
    with database.transaction() as session:
        return Contracts(session, actor).save(parse_contract(data), source_name="of.yaml").version


def audit_count(database: Database) -> int:
    with database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


class FixedClock:
    """A clock that stands still until moved: ``clock.move(hours=2)``."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def rows(database: Database, table: Any) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` as a dict, in id order (to compare two states)."""
    with database.transaction() as session:
        for row in session.execute(select(table).order_by(table.id)).scalars():
            yield {c.name: getattr(row, c.key) for c in table.__table__.columns}
