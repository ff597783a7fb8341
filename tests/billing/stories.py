"""Small builders for billing stories: an entity, its customers, the tax rules, contracts.

The stories bill from Northwind's German entity (EUR, VAT id DE136695976)
to a German, a French and a US customer, with the tax rules billops ships
(``billops/policies/tax.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import billops
from billops.domain.billing import DraftResult, draft_invoices
from billops.domain.checks import BillingLedger
from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.events import Events
from billops.domain.invoices import Invoice
from billops.domain.parties import Address, Contact, Customer, LegalEntity, TaxId
from billops.domain.schedules import ScheduleItem, build_schedule
from billops.domain.tax import TaxRules

TAX_YAML = Path(billops.__file__).parent / "policies" / "tax.yaml"

ENTITY = LegalEntity(
    code="NW-DE",
    name="Northwind Software GmbH",
    country="DE",
    currency="EUR",
    invoice_prefix="DE-INV",
    tax_id=TaxId(scheme="vat", value="DE136695976"),
    address=Address(line1="Speicherstraße 10", city="Hamburg", postal_code="20457", country="DE"),
)


def customer(code: str, country: str, vat: str | None = None, **fields: Any) -> Customer:
    """A customer with a complete billing address in ``country`` and a billing contact."""
    data: dict[str, Any] = {
        "code": code,
        "name": f"{code.title()} Ltd",
        "addresses": [Address(line1="1 Main Street", city="Somewhere", country=country)],
        "tax_ids": [TaxId(scheme="vat", value=vat)] if vat else [],
        "billing_contacts": [Contact(email=f"ap@{code}.example")],
        "payment_terms_days": 30,
    }
    data.update(fields)
    return Customer(**data)


GLOBEX_DE = customer("globex", "DE", "DE136695976")
FROMAGE_FR = customer("fromage", "FR", "FR40303265045")
INITECH_US = customer("initech", "US", None, tax_ids=[TaxId(scheme="ein", value="12-3456789")])
NO_EVENTS = Events()
NO_LEDGER = BillingLedger()
CUSTOMERS = {c.code: c for c in (GLOBEX_DE, FROMAGE_FR, INITECH_US)}


@cache
def tax_rules() -> TaxRules:
    """The shipped tax rules."""
    return TaxRules.from_mapping(yaml.safe_load(TAX_YAML.read_text()), str(TAX_YAML))


def contract(*lines: dict[str, Any], **fields: Any) -> ContractTerms:
    """Contract ``C-1`` of NW-DE with Globex (DE), in EUR, with ``lines`` (L1, L2, ...)."""
    data: dict[str, Any] = {
        "contract_id": "C-1",
        "document_type": "order_form",
        "currency": "EUR",
        "supplier": {"name": ENTITY.name, "code": ENTITY.code},
        "customer": {"name": "Globex", "code": "globex"},
        "lines": [
            {"line_id": f"L{index}", "description": f"Line {index}", **line}
            for index, line in enumerate(lines, start=1)
        ],
    }
    customer_code = fields.pop("customer_code", None)
    if customer_code is not None:
        data["customer"] = {"name": customer_code.title(), "code": customer_code}
    data.update(fields)
    return parse_contract(data)


def seats(**fields: Any) -> dict[str, Any]:
    """A subscription line of 10 seats (fields override)."""
    return {
        "billing_model": "subscription",
        "description": "Workspace Pro",
        "unit": "seat",
        "quantity": 10,
        **fields,
    }


def schedule_items(
    contracts: Iterable[ContractTerms], as_of: date, events: Events = NO_EVENTS
) -> list[ScheduleItem]:
    return [
        item for terms in contracts for item in build_schedule(terms, events, as_of=as_of).items
    ]


def bill(
    *contracts: ContractTerms,
    as_of: date,
    already_billed: frozenset[tuple[str, str]] = frozenset(),
    events: Events = NO_EVENTS,
    customers: dict[str, Customer] | None = None,
    ledger: BillingLedger = NO_LEDGER,
    entity: LegalEntity = ENTITY,
) -> DraftResult:
    """Recompute the contracts' schedules on ``as_of`` and draft what is due and unbilled."""
    return draft_invoices(
        schedule_items(contracts, as_of, events),
        {terms.contract_id: terms for terms in contracts},
        entity,
        customers if customers is not None else CUSTOMERS,
        as_of=as_of,
        already_billed=already_billed,
        tax_rules=tax_rules(),
        events=events,
        ledger=ledger,
    )


def lines(invoice: Invoice) -> list[tuple[str, str, str, str]]:
    """(service period, quantity, unit price, amount) of each line, as text."""
    return [
        (
            str(line.service_period) if line.service_period else "-",
            f"{line.quantity:f}",
            f"{line.unit_price:f}",
            f"{line.net_amount.amount:f}",
        )
        for line in invoice.lines
    ]


def check_ids(result: DraftResult) -> list[str]:
    return sorted({f.rule_id for f in result.findings})


D = Decimal
