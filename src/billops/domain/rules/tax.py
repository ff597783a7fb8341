"""Tax ids: is every tax registration number on the contract a number that can exist?

A VAT id with a wrong check digit makes an EU reverse-charge invoice
invalid, and an e-invoice network rejects it outright; an EIN with a prefix
the IRS never issues is a typo. Tax identifiers carry their own checks (a
check digit, a length, a country prefix), and python-stdnum implements the
issuing authorities' rules, so billops checks each number with it:

    >>> problem_with("vat", "DE136695976", None) is None
    True
    >>> problem_with("vat", "DE136695978", None)
    'the check digit is wrong'
    >>> problem_with("ein", "07-1234567", "US")
    'a part of it is not valid (the prefix or country code)'

Which rule checks a number: the scheme (``vat``, ``ein``, ``gst``, ``abn``, ...)
and the country. A VAT number is checked as an EU VAT number when it begins
with a member state's prefix (``DE``, ``EL``, ``XI``...), else with the
national module of the party's country (``stdnum.<cc>.vat``); a GST number
by the country's (Canada's business number, Australia's ABN, India's GSTIN);
any other scheme through ``stdnum.get_cc_module(country, scheme)``. A number
no module knows is not reported: billops cannot say it is wrong.

=================  ========  =====================================================
rule               severity  raised when
=================  ========  =====================================================
TAX-ID-INVALID     error     a tax id of the supplier or the customer (on the
                             contract, or on the customer or entity record)
                             fails its format, length or check digit
=================  ========  =====================================================

Numbers only on the records (not on the contract) are reported under the
field paths ``customer_record.tax_ids[i].value`` and
``entity_record.tax_id.value``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Protocol

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from billops.domain.findings import Finding, Route, Severity
from billops.domain.parties import TaxId
from billops.domain.rules.completeness import customer_country, entity_country
from billops.domain.rules.engine import finding
from billops.domain.rules.registry import RuleContext, rule

__all__ = ["Validator", "problem_with", "tax_ids_valid", "validator_for"]

_GST_MODULES: Final = {"CA": "ca.bn", "AU": "au.abn", "IN": "in.gstin", "NZ": "nz.ird"}
_EU_PREFIXES: Final = frozenset(
    code.upper() for code in eu_vat.MEMBER_STATES if isinstance(code, str)
) | {"EL"}


class Validator(Protocol):
    """What every python-stdnum number module offers (the shape STYLE.md admires)."""

    def validate(self, number: str) -> str: ...


def _module(path: str) -> Validator | None:
    country, _, name = path.partition(".")
    try:
        return get_cc_module(country, name)
    except (ImportError, ValueError):
        return None


def validator_for(scheme: str, value: str, country: str | None) -> Validator | None:
    """The python-stdnum module that checks ``value`` of ``scheme`` (None: none known)."""
    prefix = value.strip()[:2].upper()
    if scheme == "vat" and prefix in _EU_PREFIXES:
        return eu_vat
    if scheme == "ein":
        return _module("us.ein")
    if scheme == "abn":
        return _module("au.abn")
    if country is None:
        return None
    if scheme == "gst":
        path = _GST_MODULES.get(country)
        return _module(path) if path else None
    return _module(f"{country.lower()}.{scheme}")


def problem_with(scheme: str, value: str, country: str | None) -> str | None:
    """What is wrong with the tax id, in words; None when it is valid or cannot be checked."""
    module = validator_for(scheme, value, country)
    if module is None:
        return None
    try:
        module.validate(value)
    except InvalidChecksum:
        return "the check digit is wrong"
    except InvalidLength:
        return "it has the wrong number of characters"
    except InvalidComponent:
        return "a part of it is not valid (the prefix or country code)"
    except InvalidFormat:
        return "it is not written in the number's format"
    except ValidationError as error:
        return str(error)
    return None


def _scheme_name(tax_id: TaxId, country: str | None) -> str:
    if tax_id.scheme == "vat":
        prefix = tax_id.value.strip()[:2].upper()
        where = prefix if prefix in _EU_PREFIXES else country
        return f"{where} VAT number" if where else "VAT number"
    return f"{tax_id.scheme.upper()}"


@rule(
    "TAX-ID-INVALID",
    title="Tax ids pass their country's format and check digit",
    severity=Severity.ERROR,
    route=Route.TAX,
)
def tax_ids_valid(ctx: RuleContext) -> Iterator[Finding]:
    """Every tax id of the supplier and the customer is valid for its scheme and country."""
    terms = ctx.terms
    seller, buyer = entity_country(ctx), customer_country(ctx)
    checked: list[tuple[str, str, TaxId, str | None]] = []
    for index, tax_id in enumerate(terms.supplier.tax_ids):
        checked.append(("supplier", f"supplier.tax_ids[{index}].value", tax_id, seller))
    for index, tax_id in enumerate(terms.customer.tax_ids):
        checked.append(("customer", f"customer.tax_ids[{index}].value", tax_id, buyer))
    on_contract = {(role, t.scheme, t.value) for role, _, t, _ in checked}
    if ctx.entity is not None and ctx.entity.tax_id is not None:
        tax_id = ctx.entity.tax_id
        if ("supplier", tax_id.scheme, tax_id.value) not in on_contract:
            checked.append(("supplier", "entity_record.tax_id.value", tax_id, seller))
    if ctx.customer is not None:
        for index, tax_id in enumerate(ctx.customer.tax_ids):
            if ("customer", tax_id.scheme, tax_id.value) not in on_contract:
                path = f"customer_record.tax_ids[{index}].value"
                checked.append(("customer", path, tax_id, buyer))
    for role, path, tax_id, country in checked:
        problem = problem_with(tax_id.scheme, tax_id.value, country)
        if problem is None:
            continue
        owner = terms.supplier if role == "supplier" else terms.customer
        yield finding(
            ctx,
            "TAX-ID-INVALID",
            f"{role} {owner.name}: {tax_id.value} is not a valid "
            f"{_scheme_name(tax_id, country)}: {problem}",
            fields=(path,),
            values={"scheme": tax_id.scheme, "value": tax_id.value, "country": country or ""},
            hint=f"ask the {role} for the registration number as the tax office issued it "
            "(the VIES service confirms EU VAT numbers) and correct the record",
        )
