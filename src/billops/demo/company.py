"""What the demo generator produces: one account at a time, or the whole company.

The generator works customer by customer. A ``DemoAccount`` is one customer
with everything that hangs off it (its contracts, its CRM opportunities,
the events delivered against its contracts, and notes on whatever is
deliberately wrong with it), so that a benchmark can stream 100,000
accounts without holding them. A ``DemoCompany`` is every account
gathered into one list per kind, plus the two legal entities and the
catalogue: the shape a demo, a test or ``write_company`` wants.

All records are plain data (dicts and lists, ``Decimal`` for money,
``datetime.date`` for dates) in the shapes the domain models read:
``LegalEntity``, ``Customer`` and ``ContractTerms``. Events and CRM rows
are flat dicts, one per CSV row.

A ``DataQualityNote`` names a record and field that the generator broke on
purpose, so a validation run can be checked against the list:

    >>> DataQualityNote("contract", "NWUS-OF-000101", "lines[0].amount",
    ...                 "arithmetic_mismatch", "...").record_id
    'NWUS-OF-000101'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

Record = dict[str, Any]

EVENT_KINDS: tuple[str, ...] = (
    "time_entries",
    "milestone_acceptances",
    "shipments",
    "provisioning",
    "usage",
)


@dataclass(frozen=True, slots=True)
class DataQualityNote:
    """A deliberate defect: which record, which field, what kind of problem, in words.

    ``problem`` is one of ``PROBLEMS``; ``record_type`` is ``customer``,
    ``contract``, ``opportunity`` or ``opportunity_line_item``.
    """

    record_type: str
    record_id: str
    field: str
    problem: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {
            "record_type": self.record_type,
            "record_id": self.record_id,
            "field": self.field,
            "problem": self.problem,
            "detail": self.detail,
        }


PROBLEMS: dict[str, str] = {
    "missing_billing_contact": "customer has no billing contact to send invoices to",
    "missing_tax_id": "EU business customer without a VAT id: reverse charge cannot be applied",
    "invalid_vat_check_digit": "VAT id fails its country's check-digit rule",
    "arithmetic_mismatch": "line amount is not quantity x unit price x (1 - discount)",
    "missing_purchase_order": "customer requires a PO on every invoice, contract has none",
    "discount_above_policy": "line discount above the 30 % approval limit",
    "crm_amount_mismatch": "Closed Won opportunity amount differs from the contract value",
    "crm_quantity_mismatch": "opportunity line quantity differs from the contract line",
    "crm_close_date_after_signature": "opportunity closed after the contract was signed",
}


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """One customer and everything generated for it."""

    index: int
    entity_code: str
    crm_account_id: str
    customer: Record
    contracts: list[Record] = field(default_factory=list)
    opportunities: list[Record] = field(default_factory=list)
    opportunity_line_items: list[Record] = field(default_factory=list)
    time_entries: list[Record] = field(default_factory=list)
    milestone_acceptances: list[Record] = field(default_factory=list)
    shipments: list[Record] = field(default_factory=list)
    provisioning: list[Record] = field(default_factory=list)
    usage: list[Record] = field(default_factory=list)
    data_quality_notes: list[DataQualityNote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DemoCompany:
    """The whole fictional company as of ``as_of``: one list per kind of record."""

    seed: int
    as_of: date
    entities: list[Record]
    catalog: list[Record]
    customers: list[Record]
    crm_accounts: list[Record]
    contracts: list[Record]
    opportunities: list[Record]
    opportunity_line_items: list[Record]
    time_entries: list[Record]
    milestone_acceptances: list[Record]
    shipments: list[Record]
    provisioning: list[Record]
    usage: list[Record]
    data_quality_notes: list[DataQualityNote]

    def counts(self) -> dict[str, int]:
        """How many records of each kind (the numbers ``write_company`` reports)."""
        return {
            "entities": len(self.entities),
            "catalog": len(self.catalog),
            "customers": len(self.customers),
            "crm_accounts": len(self.crm_accounts),
            "contracts": len(self.contracts),
            "opportunities": len(self.opportunities),
            "opportunity_line_items": len(self.opportunity_line_items),
            "time_entries": len(self.time_entries),
            "milestone_acceptances": len(self.milestone_acceptances),
            "shipments": len(self.shipments),
            "provisioning": len(self.provisioning),
            "usage": len(self.usage),
            "data_quality_notes": len(self.data_quality_notes),
        }
