"""Booking readiness, the pure checklist: each criterion met, missing and judged.

The contract: order form OF-R-1 of Acme Software, Inc. for Globex
Corporation, signed 2026-01-15, a year from 2026-02-01, Net 30, 10 seats at
1,200.00 (12,000.00) plus onboarding 2,500.00; total 14,500.00 USD.
Version 1, approved by carl on 2026-01-20. Globex's credit status is good.
Checked on 2026-02-01 with a 30-day combination window. Each test changes
one thing.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from billops.domain.contract import DocumentType, parse_contract
from billops.domain.parties import CreditStatus, Customer
from billops.domain.revenue.readiness import (
    APPROVED,
    COLLECTABILITY,
    COMBINATION,
    CRITERIA,
    PAYMENT_TERMS,
    RIGHTS,
    SIGNED,
    SUBSTANCE,
    ContractApproval,
    CriterionStatus,
    Judgement,
    Readiness,
    RelatedContract,
    booking_readiness,
    criterion_id_of,
)
from billops.errors import InvalidInput

MET, MISSING, JUDGED = CriterionStatus.MET, CriterionStatus.MISSING, CriterionStatus.JUDGED
AS_OF = date(2026, 2, 1)
SIGNED_ON = date(2026, 1, 15)

BASE: dict[str, Any] = {
    "contract_id": "OF-R-1",
    "document_type": "order_form",
    "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
    "customer": {"code": "globex", "name": "Globex Corporation"},
    "signature_date": "2026-01-15",
    "start_date": "2026-02-01",
    "end_date": "2027-01-31",
    "currency": "USD",
    "payment_terms": {"net_days": 30, "description": "Net 30"},
    "lines": [
        {
            "line_id": "L1",
            "sku": "PLAT-PRO",
            "description": "Platform Pro seats",
            "billing_model": "subscription",
            "quantity": "10",
            "unit": "seat",
            "unit_price": "1200.00",
            "amount": "12000.00",
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
    ],
    "total_contract_value": "14500.00",
}

APPROVAL = ContractApproval(version=1, approver="carl", approved_on=date(2026, 1, 20))
GLOBEX = Customer(code="globex", name="Globex Corporation", credit_status=CreditStatus.GOOD)


def terms(**changes: Any) -> Any:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return parse_contract(data)


def check(
    contract: Any = None,
    *,
    version: int = 1,
    approval: ContractApproval | None = APPROVAL,
    customer: Customer | None = GLOBEX,
    others: list[RelatedContract] | None = None,
    window: int = 30,
    as_of: date = AS_OF,
    judgements: list[Judgement] | None = None,
) -> Readiness:
    return booking_readiness(
        contract if contract is not None else terms(),
        version=version,
        approval=approval,
        customer=customer,
        other_contracts=others or [],
        combination_window_days=window,
        as_of=as_of,
        judgements=judgements or [],
    )


def status(readiness: Readiness, criterion_id: str) -> CriterionStatus:
    return readiness.criterion(criterion_id).status


def explained(readiness: Readiness, criterion_id: str) -> str:
    return readiness.criterion(criterion_id).explanation


def only_missing(readiness: Readiness) -> list[str]:
    return [c.criterion_id for c in readiness.missing]


# --------------------------------------------------------------------------
# The clean contract


def test_a_clean_contract_meets_every_criterion_with_its_evidence() -> None:
    readiness = check()
    assert [c.criterion_id for c in readiness.criteria] == list(CRITERIA)
    assert all(c.status is MET for c in readiness.criteria)
    assert readiness.ready
    assert explained(readiness, APPROVED) == "version 1 approved by carl on 2026-01-20"
    assert explained(readiness, SIGNED) == (
        "signed 2026-01-15 by Globex Corporation (customer) and Acme Software, Inc. (supplier)"
    )
    assert explained(readiness, RIGHTS) == (
        "2 lines: L1 PLAT-PRO (subscription, 10 seat), L2 ONB (one_time, 1); "
        "term 2026-02-01 to 2027-01-31"
    )
    assert explained(readiness, PAYMENT_TERMS) == (
        "payment terms 'Net 30', invoices due 30 days after issue; every line priced in USD"
    )
    assert explained(readiness, SUBSTANCE) == (
        "USD 14500.00 (total contract value) from Globex Corporation, a third party"
    )
    assert explained(readiness, COLLECTABILITY) == "Globex Corporation (globex): credit status good"
    assert explained(readiness, COMBINATION) == (
        "no other contract with customer globex signed within 30 days of 2026-01-15"
    )


def test_the_checklist_as_json_names_status_evidence_and_reference() -> None:
    data = check(customer=None).as_dict()
    assert data["ready"] is False
    assert data["missing"] == [COLLECTABILITY]
    collectability = next(c for c in data["criteria"] if c["criterion"] == COLLECTABILITY)
    assert collectability["status"] == "missing"
    assert collectability["reference"] == "IFRS 15.9(e), ASC 606-10-25-1(e)"
    assert collectability["judgeable"] is True
    assert "customer 'globex' is not on file" in collectability["explanation"]


# --------------------------------------------------------------------------
# (a) approved in billops, signed by the parties


def test_an_unapproved_version_is_missing_approval() -> None:
    readiness = check(approval=None)
    assert only_missing(readiness) == [APPROVED]
    assert explained(readiness, APPROVED) == "version 1 of the contract has not been approved"


def test_approval_of_an_older_version_does_not_count_for_the_current_one() -> None:
    readiness = check(version=2)
    assert only_missing(readiness) == [APPROVED]
    assert explained(readiness, APPROVED) == (
        "the current version 2 is not approved (version 1 was, by carl on 2026-01-20)"
    )


def test_the_contract_approval_cannot_be_judged_away() -> None:
    judgement = Judgement(APPROVED, "we trust it", "maria", approved_by="lee")
    readiness = check(approval=None, judgements=[judgement])
    assert status(readiness, APPROVED) is MISSING
    assert CRITERIA[APPROVED].judgeable is False


def test_no_signature_date_is_missing_signature() -> None:
    readiness = check(terms(signature_date=None))
    assert status(readiness, SIGNED) is MISSING
    assert "states no signature date" in explained(readiness, SIGNED)
    assert "customary business practice" in readiness.criterion(SIGNED).hint


def test_a_signature_date_after_the_check_date_is_not_signed_yet() -> None:
    readiness = check(as_of=date(2026, 1, 14))
    assert status(readiness, SIGNED) is MISSING
    assert explained(readiness, SIGNED) == (
        "the signature date 2026-01-15 is after 2026-01-14: the contract is not signed yet"
    )
    assert status(check(as_of=SIGNED_ON), SIGNED) is MET  # signed that very day


def test_the_signature_evidence_quotes_the_signed_document() -> None:
    contract = terms(
        provenance={
            "signature_date": {
                "document": {"name": "globex-of.pdf"},
                "page": 3,
                "quote": "Signed 15 January 2026",
            }
        }
    )
    assert explained(check(contract), SIGNED).endswith(
        "(\u201cSigned 15 January 2026\u201d, globex-of.pdf p. 3)"
    )


# --------------------------------------------------------------------------
# (b) rights


def test_a_contract_without_lines_does_not_identify_the_rights() -> None:
    readiness = check(terms(lines=[], total_contract_value=None))
    assert status(readiness, RIGHTS) is MISSING
    assert explained(readiness, RIGHTS) == "the contract lists no goods or services (no lines)"


def test_milestone_lines_without_milestones_do_not_identify_the_deliverables() -> None:
    lines = copy.deepcopy(BASE["lines"])
    lines[1] = {
        "line_id": "PS",
        "description": "Implementation",
        "billing_model": "milestone",
        "amount": "2500.00",
    }
    readiness = check(terms(lines=lines))
    assert status(readiness, RIGHTS) is MISSING
    assert explained(readiness, RIGHTS) == (
        "line PS bill on milestones, but the contract names no milestone (no deliverable to accept)"
    )


def test_no_start_date_leaves_the_transfer_unidentified() -> None:
    readiness = check(terms(start_date=None, end_date=None))
    assert status(readiness, RIGHTS) is MISSING
    assert "states no start date" in explained(readiness, RIGHTS)


def test_a_master_agreement_is_not_booked_itself() -> None:
    readiness = check(terms(document_type="msa"))
    assert status(readiness, RIGHTS) is MISSING
    assert "master agreement promises no goods or services" in explained(readiness, RIGHTS)


def test_many_lines_are_listed_up_to_five() -> None:
    lines = [
        {
            "line_id": f"L{n}",
            "description": f"Item {n}",
            "billing_model": "one_time",
            "amount": "100.00",
        }
        for n in range(1, 8)
    ]
    text = explained(check(terms(lines=lines, total_contract_value=None)), RIGHTS)
    assert text.startswith("7 lines: L1 Item 1 (one_time), ")
    assert "L5 Item 5 (one_time) and 2 more" in text


# --------------------------------------------------------------------------
# (c) payment terms


def test_no_payment_terms_is_missing() -> None:
    readiness = check(terms(payment_terms=None))
    assert only_missing(readiness) == [PAYMENT_TERMS]
    assert explained(readiness, PAYMENT_TERMS) == "the contract states no payment terms"


def test_no_payment_terms_under_an_msa_says_where_they_may_be() -> None:
    readiness = check(terms(payment_terms=None, msa_reference="MSA-2024-07"))
    assert "refers to the master agreement 'MSA-2024-07'" in explained(readiness, PAYMENT_TERMS)


def test_a_line_without_a_price_is_named() -> None:
    lines = copy.deepcopy(BASE["lines"])
    lines.append(
        {"line_id": "HW", "description": "Edge appliance", "billing_model": "hardware"},
    )
    readiness = check(terms(lines=lines))
    assert status(readiness, PAYMENT_TERMS) is MISSING
    assert explained(readiness, PAYMENT_TERMS) == (
        "payment terms 'Net 30', but no price is stated for line HW"
    )
    assert readiness.criterion(PAYMENT_TERMS).evidence["unpriced_lines"] == "HW"


def test_time_and_materials_is_priced_by_the_rate_card_and_only_by_it() -> None:
    lines = [
        {
            "line_id": "TM",
            "description": "Integration services",
            "billing_model": "time_and_materials",
        }
    ]
    rates = [{"role": "Senior Consultant", "rate": "250.00"}]
    with_rates = check(terms(lines=lines, rate_card=rates, total_contract_value=None))
    assert status(with_rates, PAYMENT_TERMS) is MET
    assert status(with_rates, SUBSTANCE) is MET
    assert explained(with_rates, SUBSTANCE) == (
        "variable consideration (rates for Senior Consultant) in USD from Globex Corporation, "
        "a third party"
    )
    without = check(terms(lines=lines, total_contract_value=None))
    assert status(without, PAYMENT_TERMS) is MISSING
    assert status(without, SUBSTANCE) is MISSING


def test_the_payment_terms_evidence_quotes_the_clause() -> None:
    contract = terms(
        provenance={
            "payment_terms.net_days": {
                "document": {"name": "globex-of.pdf"},
                "page": 2,
                "quote": "payable within thirty (30) days",
            }
        }
    )
    assert "(\u201cpayable within thirty (30) days\u201d, globex-of.pdf p. 2)" in explained(
        check(contract), PAYMENT_TERMS
    )


# --------------------------------------------------------------------------
# (d) commercial substance


def test_a_contract_for_nothing_has_no_commercial_substance() -> None:
    lines = copy.deepcopy(BASE["lines"])
    for line in lines:
        line["unit_price"], line["amount"] = "0.00", "0.00"
    readiness = check(terms(lines=lines, total_contract_value="0.00"))
    assert only_missing(readiness) == [SUBSTANCE]
    assert explained(readiness, SUBSTANCE) == (
        "the contract's consideration is USD 0.00 (total contract value): nothing is exchanged "
        "for the goods or services"
    )


def test_without_a_total_the_line_amounts_are_the_consideration() -> None:
    readiness = check(terms(total_contract_value=None))
    assert explained(readiness, SUBSTANCE) == (
        "USD 14500.00 (sum of the line amounts) from Globex Corporation, a third party"
    )


def test_a_contract_with_our_own_entity_has_no_commercial_substance() -> None:
    customer = {"code": "ACME-US", "name": "Acme Software US"}
    readiness = check(terms(customer=customer), customer=None)
    assert status(readiness, SUBSTANCE) is MISSING
    assert "is our own entity 'Acme Software, Inc.'" in explained(readiness, SUBSTANCE)
    by_name = check(terms(customer={"code": "acme", "name": "ACME SOFTWARE, INC."}))
    assert status(by_name, SUBSTANCE) is MISSING


# --------------------------------------------------------------------------
# (e) collectability


@pytest.mark.parametrize(
    ("credit", "words"),
    [
        (CreditStatus.WATCH, "is on credit watch: collection is not clearly probable"),
        (CreditStatus.DOUBTFUL, "has credit status doubtful: collection is not probable"),
        (CreditStatus.UNASSESSED, "has no credit assessment on file (credit status unassessed)"),
    ],
)
def test_collectability_is_met_only_with_good_credit(credit: CreditStatus, words: str) -> None:
    customer = GLOBEX.model_copy(update={"credit_status": credit})
    readiness = check(customer=customer)
    assert only_missing(readiness) == [COLLECTABILITY]
    assert explained(readiness, COLLECTABILITY) == f"Globex Corporation (globex) {words}" + (
        ", so revenue waits until the customer pays (IFRS 15.15)"
        if credit is CreditStatus.DOUBTFUL
        else ""
    )
    assert readiness.criterion(COLLECTABILITY).evidence["credit_status"] == credit.value


def test_a_customer_is_unassessed_until_its_credit_is_checked() -> None:
    assert Customer(code="initech", name="Initech").credit_status is CreditStatus.UNASSESSED


def test_a_customer_not_on_file_has_no_credit_assessment() -> None:
    readiness = check(customer=None)
    assert explained(readiness, COLLECTABILITY) == (
        "customer 'globex' is not on file: no credit assessment to rely on"
    )
    no_code = check(terms(customer={"name": "Globex Corporation"}), customer=None)
    assert explained(no_code, COLLECTABILITY).startswith("the contract names no customer code")


# --------------------------------------------------------------------------
# Combination: the customer's other contracts signed close by


def other(contract_id: str, signed: date | None, **kind: Any) -> RelatedContract:
    return RelatedContract(contract_id, signed, **kind)


def test_a_contract_signed_exactly_the_window_apart_raises_the_question() -> None:
    readiness = check(others=[other("OF-R-2", date(2026, 2, 14))])  # 30 days later
    assert only_missing(readiness) == [COMBINATION]
    assert explained(readiness, COMBINATION) == (
        "OF-R-2 was signed 2026-02-14, 30 days apart from this contract's 2026-01-15 "
        "(window: 30 days)"
    )
    assert readiness.criterion(COMBINATION).evidence == {"contracts": "OF-R-2", "window_days": "30"}


def test_a_contract_signed_one_day_beyond_the_window_does_not() -> None:
    readiness = check(others=[other("OF-R-2", date(2025, 12, 15))])  # 31 days earlier
    assert status(readiness, COMBINATION) is MET
    assert explained(readiness, COMBINATION) == (
        "no other contract with customer globex signed within 30 days of 2026-01-15; "
        "nearest: OF-R-2, signed 2025-12-15, 31 days apart"
    )


def test_a_window_of_zero_days_asks_only_about_the_same_day() -> None:
    same_day = check(others=[other("OF-R-2", SIGNED_ON)], window=0)
    assert status(same_day, COMBINATION) is MISSING
    assert explained(same_day, COMBINATION).endswith(
        "0 days apart from this contract's 2026-01-15 (window: 0 days)"
    )
    next_day = check(others=[other("OF-R-2", date(2026, 1, 16))], window=0)
    assert status(next_day, COMBINATION) is MET


def test_every_contract_within_the_window_is_named_nearest_first() -> None:
    readiness = check(
        others=[
            other("OF-R-4", date(2026, 1, 25)),
            other("OF-R-2", date(2026, 1, 14)),
            other("OF-R-3", date(2026, 6, 1)),
        ]
    )
    assert explained(readiness, COMBINATION) == (
        "OF-R-2 was signed 2026-01-14, 1 day apart from this contract's 2026-01-15, "
        "OF-R-4 was signed 2026-01-25, 10 days apart from this contract's 2026-01-15 "
        "(window: 30 days)"
    )


def test_msas_own_amendments_unsigned_contracts_and_itself_are_not_candidates() -> None:
    readiness = check(
        others=[
            other("OF-R-1", SIGNED_ON),
            other("MSA-1", SIGNED_ON, document_type=DocumentType.MSA),
            other("AM-1", SIGNED_ON, document_type=DocumentType.AMENDMENT, amends="OF-R-1"),
            other("OF-DRAFT", None),
        ]
    )
    assert status(readiness, COMBINATION) is MET
    assert explained(readiness, COMBINATION).endswith(
        "; not yet signed, so not considered: OF-DRAFT"
    )


def test_an_amendment_of_another_contract_signed_close_by_is_a_candidate() -> None:
    amendment = other("AM-9", SIGNED_ON, document_type=DocumentType.AMENDMENT, amends="OF-R-9")
    assert status(check(others=[amendment]), COMBINATION) is MISSING


def test_without_a_signature_date_combination_cannot_be_assessed() -> None:
    readiness = check(terms(signature_date=None), others=[])
    assert status(readiness, COMBINATION) is MISSING
    assert "without a signature date" in explained(readiness, COMBINATION)


def test_without_a_customer_code_the_other_contracts_cannot_be_found() -> None:
    readiness = check(terms(customer={"name": "Globex Corporation"}), customer=None)
    assert status(readiness, COMBINATION) is MISSING


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(InvalidInput, match="booking.combination_window_days"):
        check(window=-1)


# --------------------------------------------------------------------------
# Judgements


def test_an_approved_judgement_settles_a_missing_criterion() -> None:
    judgement = Judgement(COMBINATION, "separate negotiations, priced alone", "maria", "carl")
    readiness = check(others=[other("OF-R-2", SIGNED_ON)], judgements=[judgement])
    assert status(readiness, COMBINATION) is JUDGED
    assert readiness.ready
    assert explained(readiness, COMBINATION).endswith(
        "; judged by maria, approved by carl: separate negotiations, priced alone"
    )
    assert readiness.as_dict()["criteria"][-1]["judgement"] == {
        "text": "separate negotiations, priced alone",
        "made_by": "maria",
        "approved_by": "carl",
    }


def test_a_judgement_awaiting_approval_does_not_count() -> None:
    judgement = Judgement(COMBINATION, "separate negotiations", "maria")
    readiness = check(others=[other("OF-R-2", SIGNED_ON)], judgements=[judgement])
    assert status(readiness, COMBINATION) is MISSING
    assert not readiness.ready
    assert explained(readiness, COMBINATION).endswith(
        "; a judgement by maria awaits a second person's approval"
    )


def test_a_judgement_on_a_met_criterion_changes_nothing() -> None:
    judgement = Judgement(COLLECTABILITY, "fine", "maria", "carl")
    readiness = check(judgements=[judgement])
    assert status(readiness, COLLECTABILITY) is MET
    assert readiness.criterion(COLLECTABILITY).judgement is None


# --------------------------------------------------------------------------
# Naming a criterion


@pytest.mark.parametrize(
    ("given", "criterion"),
    [
        ("REV-READY-COLLECTABILITY", COLLECTABILITY),
        ("collectability", COLLECTABILITY),
        (" rev-ready-payment-terms ", PAYMENT_TERMS),
        ("payment_terms", PAYMENT_TERMS),
    ],
)
def test_a_criterion_is_named_in_any_case_with_or_without_prefix(
    given: str, criterion: str
) -> None:
    assert criterion_id_of(given) == criterion


def test_an_unknown_criterion_is_refused_with_the_closest_one() -> None:
    with pytest.raises(InvalidInput) as raised:
        criterion_id_of("collectibility")
    message = raised.value.describe()
    assert message.startswith(
        "--criterion: not a booking-readiness criterion (did you mean REV-READY-COLLECTABILITY?)"
    )
    assert "(got 'collectibility')" in message
    assert "REV-READY-COMBINATION" in message  # the hint lists them all
    with pytest.raises(InvalidInput):
        criterion_id_of("")
