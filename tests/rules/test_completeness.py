"""Completeness rules: each passes on the clean base contract and fails on one gap."""

from __future__ import annotations

from billops.domain.findings import Severity
from billops.domain.parties import Customer
from billops.domain.policy import Policy
from tests.rules.builders import CUSTOMER, check, context, line, terms


def test_base_contract_is_complete() -> None:
    for rule_id in (
        "COMPLETE-FIELDS",
        "COMPLETE-LINE-FIELDS",
        "COMPLETE-BILLING-FREQUENCY",
        "COMPLETE-PO",
        "COMPLETE-BILLING-CONTACT",
        "COMPLETE-TAX-ID",
    ):
        assert check(rule_id, context()) == [], rule_id


def test_order_form_without_payment_terms_or_signature() -> None:
    findings = check("COMPLETE-FIELDS", context(terms(payment_terms=None, signature_date=None)))
    assert [(f.fields, f.message) for f in findings] == [
        (
            ("payment_terms",),
            "OF-2026-001: payment_terms is missing; the policy requires it for a order_form",
        ),
        (
            ("signature_date",),
            "OF-2026-001: signature_date is missing; the policy requires it for a order_form",
        ),
    ]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].route == "billing"


def test_unmatched_customer_code_is_missing() -> None:
    customer = {"name": "Globex SARL", "address": {"country": "FR"}}
    [found] = check("COMPLETE-FIELDS", context(terms(customer=customer)))
    assert found.fields == ("customer.code",)


def test_policy_decides_which_fields_a_document_type_needs() -> None:
    policy = Policy.from_mapping(
        {"completeness": {"document_fields": {"order_form": ["msa_reference"]}}}
    )
    [found] = check("COMPLETE-FIELDS", context(terms(payment_terms=None), policy=policy))
    assert found.fields == ("msa_reference",)


def test_time_and_materials_needs_a_rate_card() -> None:
    tm_line = {
        "line_id": "L3",
        "description": "Consulting",
        "billing_model": "time_and_materials",
        "amount": "10000.00",
    }
    contract = terms(
        lines=[*line(0), tm_line], total_contract_value="34100.00", not_to_exceed="10000.00"
    )
    [found] = check("COMPLETE-FIELDS", context(contract))
    assert found.fields == ("rate_card",)
    assert found.message == (
        "OF-2026-001: rate_card is missing; the policy requires it for a time_and_materials line"
    )


def test_subscription_line_without_unit_price() -> None:
    contract = terms(lines=line(0, unit_price=None, discount_percent=None))
    [found] = check("COMPLETE-LINE-FIELDS", context(contract))
    assert found.fields == ("lines[0].unit_price",)
    assert found.message == (
        "line L1 (PLAT-PRO): unit_price is missing; a subscription line needs it"
    )


def test_usage_line_needs_tiers_or_a_unit_price() -> None:
    usage = {
        "line_id": "L3",
        "description": "API calls",
        "billing_model": "usage",
        "frequency": "monthly",
    }
    [found] = check("COMPLETE-LINE-FIELDS", context(terms(lines=[*line(0), usage])))
    assert found.fields == ("lines[2].tiers",)
    assert found.message == "line L3: tiers or unit_price is missing; a usage line needs it"


def test_subscription_without_any_frequency() -> None:
    [found] = check("COMPLETE-BILLING-FREQUENCY", context(terms(billing=None)))
    assert found.fields == ("lines[0].frequency",)
    assert found.message == (
        "line L1 (PLAT-PRO) is a subscription line but neither it nor the contract states "
        "a billing frequency"
    )


def test_line_frequency_is_enough_without_contract_billing() -> None:
    contract = terms(billing=None, lines=line(0, frequency="annual"))
    assert check("COMPLETE-BILLING-FREQUENCY", context(contract)) == []


def test_po_required_by_customer_record_but_missing() -> None:
    customer = CUSTOMER.model_copy(update={"po_required": True})
    [found] = check("COMPLETE-PO", context(customer=customer))
    assert found.fields == ("purchase_order",)
    assert found.message == (
        "OF-2026-001 has no purchase order number, but customer globex requires a PO on "
        "every invoice"
    )
    assert found.values["po_required"] == "true"


def test_po_with_number_satisfies_the_customer() -> None:
    customer = CUSTOMER.model_copy(update={"po_required": True})
    contract = terms(purchase_order={"number": "PO-4711", "required": True})
    assert check("COMPLETE-PO", context(contract, customer=customer)) == []


def test_po_required_by_the_contract_itself_without_number() -> None:
    contract = terms(purchase_order={"required": True, "amount": "24100.00"})
    [found] = check("COMPLETE-PO", context(contract))
    assert found.fields == ("purchase_order.number",)
    assert "the contract says a PO is required" in found.message


def test_no_billing_contact_anywhere() -> None:
    customer = CUSTOMER.model_copy(update={"billing_contacts": ()})
    [found] = check(
        "COMPLETE-BILLING-CONTACT", context(terms(billing_contact=None), customer=customer)
    )
    assert found.fields == ("billing_contact",)
    assert found.message == (
        "OF-2026-001 names no billing contact and customer globex has no billing contact "
        "either: invoices have no recipient"
    )


def test_customer_record_contact_is_enough() -> None:
    assert check("COMPLETE-BILLING-CONTACT", context(terms(billing_contact=None))) == []


def test_eu_customer_without_vat_id() -> None:
    customer = {"code": "globex", "name": "Globex SARL", "address": {"country": "FR"}}
    record = Customer(code="globex", name="Globex SARL")
    [found] = check("COMPLETE-TAX-ID", context(terms(customer=customer), customer=record))
    assert found.fields == ("customer.tax_ids",)
    assert found.route == "tax"
    assert found.message == (
        "customer globex (FR) has no tax id, but the billing entity is in DE and the customer "
        "is in FR, where B2B invoices must state the customer's VAT id"
    )


def test_us_entity_and_us_customer_need_no_tax_id() -> None:
    customer = {"code": "initech", "name": "Initech Inc.", "address": {"country": "US"}}
    supplier = {"code": "ACME-US", "name": "Acme Inc.", "address": {"country": "US"}}
    contract = terms(customer=customer, supplier=supplier, currency="USD")
    assert check("COMPLETE-TAX-ID", context(contract, customer=None, entity=None)) == []
