"""A small company for the setup tests: a catalogue, an order form and a SOW, approved.

The order form OF-S-1 (Acme Software, Inc. for Globex, USD), a year from
2026-01-01, billed quarterly in advance:

- L1 Workspace Pro, 10 seats at 135.00 a quarter: 5,400.00, four items of 1,350.00;
- L2 onboarding, one-time 2,500.00, due on signature (2025-12-20);
- L3 edge appliance, 2 at 1,000.00, billed on shipment.

The SOW is ``tests/fixtures/contracts/sow_initech.json`` (SOW-2025-007,
EUR): milestones M1 36,000.00, M2 48,000.00, M3 30 % of 120,000.00;
time and materials against a rate card, capped at 60,000.00; expenses.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts
from billops.adapters.storage.setup_store import CatalogStore
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import ContractTerms, parse_contract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"
AS_OF = date(2026, 5, 1)

CATALOGUE: list[dict[str, Any]] = [
    {
        "sku": "SUB-PRO",
        "name": "Workspace Pro",
        "billing_model": "subscription",
        "revenue_category": "subscription",
        "unit": "seat",
        "gl_revenue": "4010",
        "gl_deferred": "2410",
        "gl_unbilled": "1310",
        "tax_code": "DIGITAL",
        "list_price": {"USD": "45"},
    },
    {
        "sku": "ONB",
        "name": "Onboarding",
        "billing_model": "one_time",
        "revenue_category": "onboarding",
        "unit": "each",
        "gl_revenue": "4310",
        "gl_deferred": "2460",
        "gl_unbilled": "1360",
        "tax_code": "SERVICE",
        "list_price": {"USD": "2500"},
    },
    {
        "sku": "HW-1",
        "name": "Edge appliance",
        "billing_model": "hardware",
        "revenue_category": "hardware",
        "unit": "appliance",
        "gl_revenue": "4210",
        "gl_deferred": "2440",
        "gl_unbilled": "1340",
        "tax_code": "GOODS",
        "list_price": {"USD": "1000"},
    },
    {
        "sku": "PS-MIGRATION",
        "name": "CRM data migration",
        "billing_model": "milestone",
        "revenue_category": "professional_services",
        "unit": "project",
        "gl_revenue": "4320",
        "gl_deferred": "2470",
        "gl_unbilled": "1370",
        "tax_code": "SERVICE",
    },
    {
        "sku": "PS-INTEGRATION-TM",
        "name": "Integration services",
        "billing_model": "time_and_materials",
        "revenue_category": "professional_services",
        "unit": "hour",
        "gl_revenue": "4330",
        "gl_deferred": "2470",
        "gl_unbilled": "1370",
        "tax_code": "SERVICE",
    },
    {
        "sku": "EXP",
        "name": "Travel and expenses",
        "billing_model": "expenses",
        "revenue_category": "expenses",
        "unit": "each",
        "gl_revenue": "4900",
        "gl_deferred": "2490",
        "gl_unbilled": "1390",
        "tax_code": "EXPENSES",
    },
]

ORDER_FORM: dict[str, Any] = {
    "contract_id": "OF-S-1",
    "document_type": "order_form",
    "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    "customer": {"code": "globex", "name": "Globex Corporation"},
    "signature_date": "2025-12-20",
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
    "currency": "USD",
    "billing": {"frequency": "quarterly", "timing": "advance"},
    "lines": [
        {
            "line_id": "L1",
            "sku": "SUB-PRO",
            "description": "Workspace Pro seats",
            "billing_model": "subscription",
            "quantity": "10",
            "unit_price": "135.00",
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
        {
            "line_id": "L3",
            "sku": "HW-1",
            "description": "Edge appliance",
            "billing_model": "hardware",
            "quantity": "2",
            "unit_price": "1000.00",
            "amount": "2000.00",
        },
    ],
    "total_contract_value": "9900.00",
}


def order_form(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(ORDER_FORM)
    data.update(changes)
    return data


def sow() -> dict[str, Any]:
    from billops.adapters.files import load_document

    data: dict[str, Any] = load_document(FIXTURES / "sow_initech.json")  # exact decimals
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def store_contract(db: Database, data: dict[str, Any], *, approve: bool = True) -> ContractTerms:
    terms = parse_contract(data)
    with db.transaction() as session:
        saved = Contracts(session, "maker").save(terms)
        if approve:
            ValidationStore(session, "checker").approve(
                terms.contract_id, saved.version, approver="checker", reason="test"
            )
    return terms


def store_catalogue(db: Database) -> None:
    with db.transaction() as session:
        CatalogStore(session, "tester").save(CATALOGUE)


def company(db: Database) -> None:
    """The catalogue, the order form and the SOW, both approved."""
    store_catalogue(db)
    store_contract(db, order_form())
    store_contract(db, sow())
