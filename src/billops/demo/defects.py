"""The deliberate defects: how the demo breaks a record, and the note that says so.

Validation needs data with known faults to prove it finds them. The
portfolio decides which customers get a defect (a fixed slot in every 50,
see ``billops.demo.portfolio``); this module applies it to the generated
record and writes the ``DataQualityNote`` naming the record, the field
and, in words, what is wrong and what the right value would be.

    >>> transposed(Decimal("54000.00"))
    Decimal('45000.00')
"""

from __future__ import annotations

from decimal import Decimal

from billops.demo import crm
from billops.demo.company import DataQualityNote, DemoAccount, Record
from billops.demo.parties import CustomerProfile


def customer_notes(profile: CustomerProfile, customer: Record) -> list[DataQualityNote]:
    """Notes for the gaps the customer record was generated with."""
    code, name, flaws = profile.code, profile.name, profile.flaws
    notes = []
    if flaws.no_billing_contact:
        notes.append(
            DataQualityNote(
                "customer",
                code,
                "billing_contacts",
                "missing_billing_contact",
                f"{name} has no billing contact: invoices have no recipient",
            )
        )
    if flaws.no_tax_id:
        notes.append(
            DataQualityNote(
                "customer",
                code,
                "tax_ids",
                "missing_tax_id",
                f"{name} ({profile.country}) has no VAT id: the GmbH cannot invoice "
                "it under reverse charge",
            )
        )
    if flaws.bad_vat_check_digit:
        vat = customer["tax_ids"][0]["value"]
        notes.append(
            DataQualityNote(
                "customer",
                code,
                "tax_ids[0].value",
                "invalid_vat_check_digit",
                f"{vat} fails the {profile.country} VAT check-digit rule",
            )
        )
    return notes


def break_contract(contract: Record, defect: str) -> DataQualityNote:
    """Break ``contract`` (already built) the way ``defect`` says, and describe it.

    A missing PO and an excessive discount were built in by the deal's
    options; only the arithmetic mismatch is made here, after the total was
    computed from the correct amount, as a typist's slip on the document.
    """
    contract_id = contract["contract_id"]
    if defect == "missing_purchase_order":
        return DataQualityNote(
            "contract",
            contract_id,
            "purchase_order",
            defect,
            "the customer requires a purchase order on every invoice; the contract has none",
        )
    index, line = next(
        (i, line) for i, line in enumerate(contract["lines"]) if line.get("unit_price")
    )
    if defect == "discount_above_policy":
        return DataQualityNote(
            "contract",
            contract_id,
            f"lines[{index}].discount_percent",
            defect,
            f"{line['sku']} is discounted {line['discount_percent']} %, "
            "above the 30 % approval limit",
        )
    correct: Decimal = line["amount"]
    line["amount"] = transposed(correct)
    return DataQualityNote(
        "contract",
        contract_id,
        f"lines[{index}].amount",
        defect,
        f"{line['sku']} states {line['amount']}, but its quantity, unit price and periods give "
        f"{correct}; the total contract value {contract['total_contract_value']} uses {correct}",
    )


def transposed(amount: Decimal) -> Decimal:
    """A typist's error: two neighbouring digits swapped (or a hundred added if they are equal)."""
    whole, _, fraction = f"{amount:.2f}".partition(".")
    for position in range(len(whole) - 1):
        if whole[position] != whole[position + 1] and not (position == 0 and whole[1] == "0"):
            swapped = (
                whole[:position] + whole[position + 1] + whole[position] + whole[position + 2 :]
            )
            return Decimal(f"{swapped}.{fraction}")
    return amount + 100


def break_crm(account: DemoAccount, defect: str) -> DataQualityNote:
    """Misstate the account's first opportunity (or its first product) as ``defect`` says."""
    opportunity = account.opportunities[0]
    contract = account.contracts[0]
    if defect == "crm_amount_mismatch":
        return crm.misstate_amount(opportunity)
    if defect == "crm_close_date_after_signature":
        return crm.misstate_close_date(opportunity, contract["signature_date"])
    item = next(
        i for i in account.opportunity_line_items if i["OpportunityId"] == opportunity["Id"]
    )
    return crm.misstate_quantity(item, contract["contract_id"])
