"""The demo company's CRM export, read back, matched to every contract and cross-checked.

The demo plants three CRM defects and lists them in data_quality_notes.csv;
the cross-check must find exactly those, each with the right rule, and
nothing else.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from billops.adapters.crm.csv_export import read_export
from billops.adapters.files import load_contract
from billops.demo.files import write_company
from billops.demo.generator import generate_company
from billops.domain.contract import ContractTerms
from billops.domain.crm import Opportunity
from billops.domain.crm_matching import match_opportunity
from billops.domain.policy import Policy
from billops.domain.rules.registry import RULES, RuleContext

PLANTED_RULE = {
    "crm_amount_mismatch": "CRM-AMOUNT",
    "crm_quantity_mismatch": "CRM-QUANTITY",
    "crm_close_date_after_signature": "CRM-CLOSE-DATE",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    write_company(generate_company(customers=50), directory)
    return directory


@pytest.fixture(scope="module")
def contracts(demo: Path) -> list[ContractTerms]:
    return [load_contract(path) for path in sorted((demo / "contracts").glob("*.yaml"))]


@pytest.fixture(scope="module")
def opportunities(demo: Path) -> list[Opportunity]:
    crm = demo / "crm"
    export = read_export(
        crm / "opportunities.csv", crm / "opportunity_line_items.csv", crm / "accounts.csv"
    )
    assert export.warnings == ()
    return list(export.opportunities)


def _crm_findings(terms: ContractTerms, opportunities: list[Opportunity]) -> list[str]:
    match = match_opportunity(terms, opportunities)
    context = RuleContext(
        terms=terms,
        policy=Policy(),
        today=date(2026, 6, 30),
        opportunity=match.opportunity,
        opportunity_candidates=match.candidates if match.ambiguous else (),
    )
    return [
        f"{terms.contract_id} {finding.rule_id}"
        for rule_id, r in RULES.items()
        if rule_id.startswith("CRM-")
        for finding in r.check(context)
    ]


def test_the_export_reads_back_whole(
    opportunities: list[Opportunity], contracts: list[ContractTerms]
) -> None:
    assert len(opportunities) == len(contracts)
    assert all(o.is_won and o.customer_code for o in opportunities)


def test_every_contract_matches_its_own_opportunity(
    opportunities: list[Opportunity], contracts: list[ContractTerms]
) -> None:
    for terms in contracts:
        match = match_opportunity(terms, opportunities)
        assert match.opportunity is not None, terms.contract_id
        assert match.opportunity.contract_reference == terms.contract_id


def test_without_references_or_codes_the_account_amount_and_date_still_find_each_deal(
    opportunities: list[Opportunity], contracts: list[ContractTerms]
) -> None:
    anonymous = [
        o.model_copy(update={"contract_reference": None, "customer_code": None})
        for o in opportunities
    ]
    by_id = {o.opportunity_id: o for o in opportunities}
    for terms in contracts:
        match = match_opportunity(terms, anonymous)
        assert match.opportunity is not None, (terms.contract_id, match.reason)
        assert by_id[match.opportunity.opportunity_id].contract_reference == terms.contract_id


def test_the_planted_crm_defects_are_found_by_the_right_rule_and_nothing_else(
    demo: Path, opportunities: list[Opportunity], contracts: list[ContractTerms]
) -> None:
    with (demo / "data_quality_notes.csv").open(encoding="utf-8", newline="") as handle:
        notes = [n for n in csv.DictReader(handle) if n["problem"] in PLANTED_RULE]
    owner = {o.opportunity_id: o for o in opportunities}
    owner.update({line.line_id: o for o in opportunities for line in o.lines})
    expected = sorted(
        f"{owner[n['record_id']].contract_reference} {PLANTED_RULE[n['problem']]}" for n in notes
    )
    assert len(expected) == 3  # the 50-customer demo plants one of each

    found = sorted(f for terms in contracts for f in _crm_findings(terms, opportunities))

    assert found == expected
