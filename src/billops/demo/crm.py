"""CRM records in Salesforce's own field names, linked to the demo contracts.

Billing teams cross-check every signed contract against the Closed Won
opportunity that sales booked: same account, same amount, same currency,
same products and quantities, a close date on or before signature. The
demo writes what a Salesforce report export would hold:

- ``Account``: ``Id``, ``Name``, ``BillingCountry``, ``CurrencyIsoCode`` and
  ``ERP_Customer_Code__c``, the custom field that links it to the billing
  system's customer.
- ``Opportunity``: ``Id``, ``Name``, ``AccountId``, ``Account.Name``,
  ``Amount``, ``CurrencyIsoCode``, ``CloseDate``, ``StageName``,
  ``Probability``, ``Type`` and ``Order_Form_Number__c`` (the contract id).
- ``OpportunityLineItem``: ``Id``, ``OpportunityId``,
  ``Product2.ProductCode``, ``Quantity``, ``UnitPrice`` (net, for the
  whole service period), ``TotalPrice`` (``Quantity x UnitPrice``),
  ``ServiceDate``, ``Description``.

Record ids look like Salesforce's: a three-character key prefix (``001``
account, ``006`` opportunity, ``00k`` line item), a pod and a base-62
record number make the 15-character case-sensitive id; three more
characters encode which of those 15 are upper case, giving the 18-character
case-insensitive id that exports and APIs use:

    >>> salesforce_id("006", 42)
    '006Dn000vYsOnJkIQK'

(chunks ``006Dn``, ``000vY``, ``sOnJk`` have upper-case letters at
positions {3}, {4}, {1, 3}: bits 8, 16, 10, letters I, Q, K.)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from billops.demo.company import DataQualityNote, DemoAccount, Record
from billops.demo.contracts import Sequences

CENT = Decimal("0.01")

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_RECORD_SPACE = 62**9
# An odd multiplier coprime with 62**9 spreads consecutive record numbers
# over the id space one-to-one, so ids look random yet never collide.
_SPREAD = 2_654_435_761


def salesforce_id(key_prefix: str, number: int) -> str:
    """The 18-character Salesforce id of record ``number`` of the object ``key_prefix``."""
    offset = int.from_bytes(key_prefix.encode("ascii"), "big") * 1_000_003
    value = (number * _SPREAD + offset) % _RECORD_SPACE
    digits = []
    for _ in range(9):
        value, remainder = divmod(value, 62)
        digits.append(_BASE62[remainder])
    short = f"{key_prefix}Dn0{''.join(reversed(digits))}"
    return short + _case_suffix(short)


_UPPER_AS_ONE = str.maketrans({char: "1" if char.isupper() else "0" for char in _BASE62})


def _case_suffix(short_id: str) -> str:
    """Salesforce's checksum: per 5-character chunk, a bit per upper-case letter."""
    flags = short_id.translate(_UPPER_AS_ONE)
    # Bit i is character i of the chunk, so the chunk's flags read right to left.
    return "".join(_SUFFIX_ALPHABET[int(flags[start : start + 5][::-1], 2)] for start in (0, 5, 10))


def account_record(account_id: str, customer: Record) -> Record:
    billing = customer["addresses"][0] if customer["addresses"] else {}
    return {
        "Id": account_id,
        "Name": customer["name"],
        "BillingCountry": billing.get("country"),
        "CurrencyIsoCode": customer["default_currency"],
        "ERP_Customer_Code__c": customer["code"],
    }


def opportunity_record(
    opportunity_id: str, account_id: str, customer_name: str, contract: Record
) -> Record:
    """The Closed Won opportunity that matches ``contract`` exactly."""
    kind = "Existing Business" if contract["document_type"] == "amendment" else "New Business"
    return {
        "Id": opportunity_id,
        "Name": f"{customer_name} - {contract['title']}",
        "AccountId": account_id,
        "Account.Name": customer_name,
        "Amount": contract["total_contract_value"],
        "CurrencyIsoCode": contract["currency"],
        "CloseDate": contract["signature_date"],
        "StageName": "Closed Won",
        "Probability": 100,
        "Type": kind,
        "Order_Form_Number__c": contract["contract_id"],
    }


def line_item_record(
    line_item_id: str,
    opportunity_id: str,
    line: Record,
    quantity: Decimal,
    unit_price: Decimal,
    total_price: Decimal,
    service_date: date,
) -> Record:
    """One opportunity product; ``TotalPrice`` is ``Quantity x UnitPrice`` as in Salesforce."""
    return {
        "Id": line_item_id,
        "OpportunityId": opportunity_id,
        "Product2.ProductCode": line["sku"],
        "Quantity": quantity,
        "UnitPrice": unit_price,
        "TotalPrice": total_price,
        "ServiceDate": service_date,
        "Description": line["description"],
    }


def misstate_amount(opportunity: Record) -> DataQualityNote:
    """Sales booked the pre-negotiation amount: 5 % above the signed value."""
    signed: Decimal = opportunity["Amount"]
    booked = (signed * Decimal("1.05")).quantize(Decimal("0.01"))
    opportunity["Amount"] = booked
    return DataQualityNote(
        "opportunity",
        opportunity["Id"],
        "Amount",
        "crm_amount_mismatch",
        f"opportunity for {opportunity['Order_Form_Number__c']} says {booked} "
        f"{opportunity['CurrencyIsoCode']}, the contract's total value is {signed}",
    )


def misstate_quantity(line_item: Record, contract_id: str) -> DataQualityNote:
    """Sales entered a quantity the customer negotiated down before signing."""
    signed: Decimal = line_item["Quantity"]
    booked = signed + max(Decimal(1), (signed / 5).to_integral_value())
    line_item["Quantity"] = booked
    line_item["TotalPrice"] = booked * line_item["UnitPrice"]
    return DataQualityNote(
        "opportunity_line_item",
        line_item["Id"],
        "Quantity",
        "crm_quantity_mismatch",
        f"{line_item['Product2.ProductCode']} on {contract_id}: CRM quantity {booked}, "
        f"contract quantity {signed}",
    )


def misstate_close_date(opportunity: Record, signature_date: date) -> DataQualityNote:
    """The opportunity was closed after the contract was signed (booked late)."""
    opportunity["CloseDate"] = signature_date + timedelta(days=9)
    return DataQualityNote(
        "opportunity",
        opportunity["Id"],
        "CloseDate",
        "crm_close_date_after_signature",
        f"opportunity for {opportunity['Order_Form_Number__c']} closed "
        f"{opportunity['CloseDate'].isoformat()}, contract signed {signature_date.isoformat()}",
    )


def book_opportunities(account: DemoAccount, sequences: Sequences) -> None:
    """One Closed Won opportunity per contract, one product per priced line (or ramp step)."""
    name = account.customer["name"]
    for contract in account.contracts:
        sequences.opportunities += 1
        opportunity_id = salesforce_id("006", sequences.opportunities)
        account.opportunities.append(
            opportunity_record(opportunity_id, account.crm_account_id, name, contract)
        )
        for line in contract["lines"]:
            for quantity, unit_price, total, service_date in products_for_line(contract, line):
                sequences.line_items += 1
                item_id = salesforce_id("00k", sequences.line_items)
                account.opportunity_line_items.append(
                    line_item_record(
                        item_id, opportunity_id, line, quantity, unit_price, total, service_date
                    )
                )


def products_for_line(
    contract: Record, line: Record
) -> list[tuple[Decimal, Decimal, Decimal, date]]:
    """Opportunity products for a contract line, as a CPQ would book them.

    Salesforce's ``TotalPrice`` is ``Quantity x UnitPrice``, so ``UnitPrice``
    is the price per unit for the whole service period; a ramped line books
    one product per step (as multi-year quoting does); a line with no whole
    price per unit (usage, T&M) books quantity 1 at its amount; expenses
    (billed at cost, no amount) are not booked at all.
    """
    amount = line.get("amount")
    if amount is None:
        return []
    start: date = line.get("service_start") or contract["start_date"]
    if line.get("ramp"):
        return [
            (
                step["quantity"],
                (step["amount"] / step["quantity"]).quantize(CENT),
                step["amount"],
                step["start_date"],
            )
            for step in line["ramp"]
        ]
    quantity = line.get("quantity")
    if quantity and (amount / quantity).quantize(CENT) * quantity == amount:
        return [(quantity, (amount / quantity).quantize(CENT), amount, start)]
    return [(Decimal(1), amount, amount, start)]
