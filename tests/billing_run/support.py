"""A small company for the billing-run tests, stored and set up.

Northwind Software GmbH (``NW-DE``, invoice prefix ``NWDE``, EUR) sells to
Globex GmbH (``globex``, Hamburg, VAT id DE136695976, 30 days net). The
order form OF-B-1 runs from 2026-01-01 to 2026-12-31, billed monthly in
advance: L1 Workspace Pro, 10 seats at 45.00 a month (450.00 a month,
5,400.00 a year). German VAT 19 %: a month is 450.00 + 85.50 = 535.50.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.adapters.storage.validation_store import ValidationStore
from billops.domain.contract import parse_contract
from billops.domain.parties import Address, Contact, Customer, LegalEntity, TaxId
from billops.workflows.setup import setup_contract

ENTITY = LegalEntity(
    code="NW-DE",
    name="Northwind Software GmbH",
    country="DE",
    currency="EUR",
    invoice_prefix="NWDE",
    tax_id=TaxId(scheme="vat", value="DE136695976"),
    address=Address(line1="Speicherstraße 10", city="Hamburg", postal_code="20457", country="DE"),
    locale="de_DE",
    bank_iban="DE89370400440532013000",
    bank_bic="COBADEFFXXX",
)


def customer(code: str = "globex", **changes: Any) -> Customer:
    data: dict[str, Any] = {
        "code": code,
        "name": f"{code.title()} GmbH",
        "addresses": [
            Address(line1="Hauptstraße 1", city="Berlin", postal_code="10115", country="DE")
        ],
        "tax_ids": [TaxId(scheme="vat", value="DE136695976")],
        "billing_contacts": [Contact(email=f"ap@{code}.example")],
        "payment_terms_days": 30,
    }
    data.update(changes)
    return Customer(**data)


ORDER_FORM: dict[str, Any] = {
    "contract_id": "OF-B-1",
    "document_type": "order_form",
    "supplier": {"code": "NW-DE", "name": "Northwind Software GmbH"},
    "customer": {"code": "globex", "name": "Globex GmbH"},
    "signature_date": "2025-12-15",
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
    "currency": "EUR",
    "billing": {"frequency": "monthly", "timing": "advance"},
    "lines": [
        {
            "line_id": "L1",
            "description": "Workspace Pro seats",
            "billing_model": "subscription",
            "quantity": "10",
            "unit_price": "45.00",
            "amount": "5400.00",
        }
    ],
    "total_contract_value": "5400.00",
}


def order_form(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(ORDER_FORM)
    data.update(changes)
    return data


def store_parties(db: Database, *customers: Customer) -> None:
    with db.transaction() as session:
        LegalEntities(session, "tester").add(ENTITY)
        people = Customers(session, "tester")
        for each in customers or (customer(),):
            people.add(each)


def store_contract(db: Database, data: dict[str, Any], *, as_of: date = date(2026, 1, 1)) -> None:
    """Store, approve and set up a contract."""
    terms = parse_contract(data)
    with db.transaction() as session:
        saved = Contracts(session, "maker").save(terms)
        ValidationStore(session, "checker").approve(
            terms.contract_id, saved.version, approver="checker", reason="test"
        )
    setup_contract(db, terms.contract_id, actor="setup", as_of=as_of)


def company(db: Database) -> None:
    """Northwind, Globex and OF-B-1, set up."""
    store_parties(db)
    store_contract(db, order_form())
