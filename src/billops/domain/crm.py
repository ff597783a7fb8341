"""CRM opportunities: what Sales sold, to cross-check against what was signed.

Before a contract is set up for billing, the billing team checks it against
the Closed Won opportunity Sales booked in the CRM: the same account, the
same amount and currency, the same products and quantities, and a close date
on or before the signature. A difference means one of the two records is
wrong, and either the invoice or the bookings report will be.

The shape follows Salesforce's standard objects (Opportunity,
OpportunityLineItem, Account) with our names in snake_case; each field's
description names the Salesforce field it comes from, so that an import
(``billops.adapters.crm``) and a reader of a finding agree on what it means.
Money is ``Decimal`` in the opportunity's currency (``CurrencyIsoCode``).

    >>> from decimal import Decimal
    >>> opportunity = Opportunity(
    ...     opportunity_id="006Dn000te57NJ5IAM", name="Globex - Platform 2025",
    ...     account_name="Globex Corporation", amount=Decimal("60000.00"),
    ...     currency="USD", stage="Closed Won", contract_reference="OF-2025-001",
    ...     lines=(OpportunityLineItem(line_id="00kDn000te8hl4MIAQ", product_code="PLAT-ENT",
    ...            quantity=Decimal(50), unit_price=Decimal("1200.00"),
    ...            total_price=Decimal("60000.00")),))
    >>> opportunity.is_won
    True
    >>> opportunity.product_codes()
    ('PLAT-ENT',)

Salesforce's ``TotalPrice`` is ``Quantity x UnitPrice``; ``UnitPrice`` is
the net price per unit for whatever period the product covers, so a
three-year subscription booked as one product carries a three-year unit
price.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from pydantic import Field

from billops.domain.parties import CurrencyCode, FrozenModel

__all__ = ["CLOSED_WON", "Opportunity", "OpportunityLineItem"]

CLOSED_WON: Final = "Closed Won"
"""Salesforce's default stage for a signed deal (orgs may rename it)."""


class OpportunityLineItem(FrozenModel):
    """One product on an opportunity (Salesforce: OpportunityLineItem, "Opportunity Product")."""

    line_id: str = Field(description="OpportunityLineItem.Id")
    product_code: str | None = Field(default=None, description="Product2.ProductCode")
    product_name: str | None = Field(default=None, description="Product2.Name")
    quantity: Decimal = Field(description="Quantity")
    unit_price: Decimal = Field(description="UnitPrice (net, per unit)")
    total_price: Decimal = Field(description="TotalPrice")
    service_date: date | None = Field(default=None, description="ServiceDate")
    description: str | None = Field(default=None, description="Description (line description)")

    @property
    def product_key(self) -> str | None:
        """What identifies the product: its code, else its name (codes are our SKUs)."""
        return self.product_code or self.product_name


class Opportunity(FrozenModel):
    """A CRM deal (Salesforce: Opportunity) with its account and its products."""

    opportunity_id: str = Field(description="Opportunity.Id (15 or 18 characters)")
    name: str = Field(description="Opportunity.Name")
    account_id: str | None = Field(default=None, description="Opportunity.AccountId")
    account_name: str = Field(description="Account.Name")
    amount: Decimal | None = Field(default=None, description="Opportunity.Amount")
    currency: CurrencyCode = Field(description="Opportunity.CurrencyIsoCode")
    close_date: date | None = Field(default=None, description="Opportunity.CloseDate")
    stage: str = Field(description="Opportunity.StageName, e.g. 'Closed Won'")
    probability: Decimal | None = Field(
        default=None, description="Opportunity.Probability (percent, 100 when won)"
    )
    opportunity_type: str | None = Field(
        default=None, description="Opportunity.Type, e.g. 'New Business', 'Existing Business'"
    )
    contract_reference: str | None = Field(
        default=None,
        description="A custom field naming the signed contract (e.g. Order_Form_Number__c)",
    )
    account_tax_id: str | None = Field(default=None, description="Account VAT / tax id, if kept")
    customer_code: str | None = Field(
        default=None,
        description="Account custom field linking it to the billing customer "
        "(e.g. Account.ERP_Customer_Code__c)",
    )
    lines: tuple[OpportunityLineItem, ...] = ()

    @property
    def is_won(self) -> bool:
        """True when the stage is Closed Won (compared without regard to case or spacing)."""
        return " ".join(self.stage.split()).casefold() == CLOSED_WON.casefold()

    def product_codes(self) -> tuple[str, ...]:
        """The distinct product keys of the lines, in the order they first appear."""
        keys = (line.product_key for line in self.lines)
        return tuple(dict.fromkeys(key for key in keys if key))
