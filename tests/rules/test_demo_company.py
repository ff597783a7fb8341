"""Every rule over the demo company: the planted defects are found, clean contracts pass.

The demo generator plants one defect of each kind per 50 customers and lists
them in ``data_quality_notes``. Validation must find each non-CRM one with the
right rule on the right record, and raise no error on any other contract.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from billops.demo.company import DataQualityNote, DemoCompany
from billops.demo.generator import generate_company
from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.findings import Finding, Severity
from billops.domain.parties import Customer, LegalEntity
from billops.domain.policy import default_policy
from billops.domain.rules import RuleContext, describe_rules, run_rules

RULES = [rule for rule in describe_rules() if not rule.rule_id.startswith("CRM-")]

# defect -> the rules that may report it (a ramped line's amount is ARITH-RAMP's)
EXPECTED_RULES: dict[str, set[str]] = {
    "arithmetic_mismatch": {"ARITH-LINE-TOTAL", "ARITH-RAMP"},
    "missing_purchase_order": {"COMPLETE-PO"},
    "discount_above_policy": {"COMMERCIAL-DISCOUNT"},
    "missing_billing_contact": {"COMPLETE-BILLING-CONTACT"},
    "missing_tax_id": {"COMPLETE-TAX-ID"},
    "invalid_vat_check_digit": {"TAX-ID-INVALID"},
}
# a line amount typed wrong also breaks the sum the total contract value states
CONSEQUENCES: dict[str, set[str]] = {"arithmetic_mismatch": {"ARITH-TCV"}}


@cache
def _company() -> DemoCompany:
    return generate_company(customers=50)


@cache
def _findings() -> dict[str, tuple[ContractTerms, list[Finding]]]:
    company = _company()
    entities = {e["code"]: LegalEntity.model_validate(e) for e in company.entities}
    customers = {c["code"]: Customer.model_validate(c) for c in company.customers}
    results = {}
    for record in company.contracts:
        terms = parse_contract(record, source=record["contract_id"])
        assert terms.customer.code is not None and terms.supplier.code is not None
        context = RuleContext(
            terms=terms,
            policy=default_policy(),
            today=company.as_of,
            customer=customers[terms.customer.code],
            entity=entities[terms.supplier.code],
        )
        results[terms.contract_id] = (terms, run_rules(context, RULES))
    return results


def _notes() -> list[DataQualityNote]:
    return [note for note in _company().data_quality_notes if note.problem in EXPECTED_RULES]


def _contracts_of(note: DataQualityNote) -> list[str]:
    if note.record_type == "contract":
        return [note.record_id]
    return [cid for cid, (terms, _) in _findings().items() if terms.customer.code == note.record_id]


def test_every_planted_defect_is_planted_once() -> None:
    assert Counter(note.problem for note in _notes()) == {problem: 1 for problem in EXPECTED_RULES}


def test_each_planted_defect_is_found_by_the_right_rule_on_the_right_record() -> None:
    for note in _notes():
        contracts = _contracts_of(note)
        assert contracts, note
        for contract_id in contracts:
            _, findings = _findings()[contract_id]
            hits = [f for f in findings if f.rule_id in EXPECTED_RULES[note.problem]]
            assert hits, (note, [f.key for f in findings])
            if note.record_type == "contract":
                assert any(f.fields == (note.field,) for f in hits), (note, hits)


def test_the_findings_quote_the_planted_values() -> None:
    by_problem = {note.problem: note for note in _notes()}
    discount = by_problem["discount_above_policy"]
    _, findings = _findings()[discount.record_id]
    [found] = [f for f in findings if f.rule_id == "COMMERCIAL-DISCOUNT"]
    percent = discount.detail.split(" is discounted ")[1].split(" %")[0]
    assert f"is discounted {percent} %" in found.message
    vat = by_problem["invalid_vat_check_digit"]
    bad_value = vat.detail.split(" ")[0]
    for contract_id in _contracts_of(vat):
        _, findings = _findings()[contract_id]
        [found] = [f for f in findings if f.rule_id == "TAX-ID-INVALID"]
        assert found.values["value"] == bad_value
        assert found.message.endswith("the check digit is wrong")


def test_no_error_outside_the_planted_defects() -> None:
    allowed: dict[str, set[str]] = defaultdict(set)
    for note in _notes():
        for contract_id in _contracts_of(note):
            allowed[contract_id] |= EXPECTED_RULES[note.problem] | CONSEQUENCES.get(
                note.problem, set()
            )
    for contract_id, (_, findings) in _findings().items():
        errors = {f.rule_id for f in findings if f.severity is Severity.ERROR}
        assert errors <= allowed[contract_id], (contract_id, errors)


def test_warnings_on_the_demo_are_the_justified_ones() -> None:
    """Subscriptions in arrears and SOWs silent on expenses: both real policy questions."""
    warnings = Counter(
        f.rule_id
        for _, findings in _findings().values()
        for f in findings
        if f.severity is Severity.WARNING
    )
    assert set(warnings) <= {"COMMERCIAL-ARREARS", "COMMERCIAL-EXPENSES"}
    assert warnings == {"COMMERCIAL-ARREARS": 11, "COMMERCIAL-EXPENSES": 8}


def test_finding_keys_are_unique_per_contract() -> None:
    for _, findings in _findings().values():
        assert len({f.key for f in findings}) == len(findings)
