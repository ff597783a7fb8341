"""A small stored company for the revenue-run tests: booked, billed by the real billing run.

Northwind Software GmbH (``NW-DE``, EUR, de_DE) sells to Globex GmbH
(``globex``, credit status good). The catalogue has two products:

- ``WS-PRO``, Workspace Pro, a subscription (revenue 4010, deferred 2410,
  unbilled 1310), SSP 45.00 a seat a month;
- ``ONB``, onboarding, one-time (4310 / 2460 / 1360), SSP 2,500.00.

OF-B-1 runs 2026-01-01 to 2026-12-31, billed monthly in advance:
L1 10 seats x 45.00 = 450.00 a month, 5,400.00 a year. German VAT 19 %.
Revenue is ratable by day: January 31/365 x 5,400.00 = 458.63, February
28/365 x 5,400.00 = 414.25 (largest remainder over the 12 months).

OF-B-2 (``with_onboarding``) adds L2 onboarding 2,500.00, billed on
signature and recognised at go-live (a ``tenant_live`` provisioning event
of L2). Its allocation: 5,400.00 + 2,500.00 at SSPs 5,400.00 and 2,500.00,
so each line keeps its own price.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from billops.adapters.storage.database import Database
from billops.adapters.storage.setup_store import CatalogStore
from billops.domain.events import Provisioning, ProvisioningKind
from billops.domain.policy import Policy
from billops.workflows.billing import approve, bill_run, issue
from billops.workflows.events import record_events
from billops.workflows.revenue_booking import book
from tests.billing_run import support

CATALOGUE: list[dict[str, Any]] = [
    {
        "sku": "WS-PRO",
        "name": "Workspace Pro",
        "billing_model": "subscription",
        "revenue_category": "subscription",
        "unit": "seat",
        "price_period": "month",
        "list_price": {"EUR": "45.00"},
        "ssp": {"EUR": "45.00"},
        "gl_revenue": "4010",
        "gl_deferred": "2410",
        "gl_unbilled": "1310",
        "tax_code": "DIGITAL_SERVICE",
    },
    {
        "sku": "ONB",
        "name": "Onboarding",
        "billing_model": "one_time",
        "revenue_category": "onboarding",
        "unit": "each",
        "ssp": {"EUR": "2500.00"},
        "gl_revenue": "4310",
        "gl_deferred": "2460",
        "gl_unbilled": "1360",
        "tax_code": "PROFESSIONAL_SERVICE",
    },
]


def order_form(**changes: Any) -> dict[str, Any]:
    data = support.order_form(
        payment_terms={"net_days": 30, "description": "Net 30"},
    )
    data["lines"][0]["sku"] = "WS-PRO"
    data.update(changes)
    return data


def with_onboarding() -> dict[str, Any]:
    data = order_form(contract_id="OF-B-2", signature_date="2025-10-01")
    lines = copy.deepcopy(data["lines"])
    lines.append(
        {
            "line_id": "L2",
            "sku": "ONB",
            "description": "Onboarding",
            "billing_model": "one_time",
            "quantity": "1",
            "unit_price": "2500.00",
            "amount": "2500.00",
        }
    )
    data["lines"] = lines
    data["total_contract_value"] = "7900.00"
    return data


def company(db: Database, *contracts: dict[str, Any]) -> None:
    """Northwind, Globex (good credit), the catalogue; the contracts stored, set up, booked."""
    support.store_parties(db, support.customer(credit_status="good"))
    with db.transaction() as session:
        CatalogStore(session, "tester").save(copy.deepcopy(CATALOGUE))
    for data in contracts or (order_form(),):
        support.store_contract(db, data)
        book(
            db,
            data["contract_id"],
            actor="controller",
            policy=Policy(),
            as_of=date(2026, 1, 1),
        )


def bill(db: Database, day: date) -> list[str]:
    """The real billing run as of ``day``, approved and issued: the invoice numbers."""
    bill_run(db, as_of=day, actor="biller")
    approve(db, [], actor="approver")
    return issue(db, [], actor="approver")


def go_live(db: Database, contract_id: str, day: date) -> None:
    event = Provisioning(
        idempotency_key=f"PV-{contract_id}-L2",
        contract_id=contract_id,
        line_id="L2",
        event=ProvisioningKind.TENANT_LIVE,
        occurred=day,
        quantity=Decimal(1),
    )
    record_events(db, [event], actor="psa", source="test")


def eur(amount: str) -> Decimal:
    return Decimal(amount)
