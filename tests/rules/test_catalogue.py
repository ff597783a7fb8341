"""CATALOG-*: every line sells a product the catalogue knows, checked before setup."""

from __future__ import annotations

import dataclasses
from typing import Any

from billops.domain.catalog import Catalogue, parse_catalogue
from tests.rules.builders import check, context, line, terms


def _product(sku: str, name: str, model: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "name": name,
        "billing_model": model,
        "revenue_category": "subscription" if model == "subscription" else "services",
        "unit": "each",
        "gl_revenue": "4000",
        "gl_deferred": "2400",
        "gl_unbilled": "1300",
        "tax_code": "DIGITAL_SERVICE",
    }


CATALOGUE: Catalogue = parse_catalogue(
    [
        _product("PLAT-PRO", "Platform Pro", "subscription"),
        _product("ONB", "Onboarding", "one_time"),
        _product("TRN-ADMIN", "Admin training day", "one_time"),
        _product("TRN-USER", "User training day", "one_time"),
    ]
)


def _with_catalogue(**changes: Any) -> Any:
    return dataclasses.replace(context(terms(**changes)), catalogue=CATALOGUE)


def test_lines_whose_skus_are_in_the_catalogue_pass() -> None:
    ctx = _with_catalogue()
    assert check("CATALOG-PRODUCT", ctx) == []
    assert check("CATALOG-SKU-UNKNOWN", ctx) == []


def test_without_a_catalogue_the_rules_say_nothing() -> None:
    ctx = context(terms(lines=line(1, sku="NOPE", description="Something unheard of")))
    assert ctx.catalogue is None
    assert check("CATALOG-PRODUCT", ctx) == []


def test_a_line_that_matches_no_product_is_an_error_naming_it() -> None:
    ctx = _with_catalogue(lines=line(1, sku="XYZ-9", description="Quantum consulting"))
    [found] = check("CATALOG-PRODUCT", ctx)
    assert found.severity.value == "error"
    assert found.message.startswith(
        "line L2 (XYZ-9: 'Quantum consulting') matches no product; candidates:"
    )
    assert found.fields == ("lines[1].sku", "lines[1].description")


def test_a_line_that_could_be_two_products_is_an_error_listing_both() -> None:
    ctx = _with_catalogue(lines=line(1, sku=None, description="Training day"))
    [found] = check("CATALOG-PRODUCT", ctx)
    assert "matches several products about equally" in found.message
    assert "TRN-ADMIN" in found.message and "TRN-USER" in found.message


def test_a_wrong_sku_on_a_clear_description_is_a_warning_with_the_fix() -> None:
    ctx = _with_catalogue(lines=line(1, sku="ONBOARD-1", description="Onboarding"))
    assert check("CATALOG-PRODUCT", ctx) == []
    [found] = check("CATALOG-SKU-UNKNOWN", ctx)
    assert found.severity.value == "warning"
    assert found.message.startswith(
        "line L2: SKU 'ONBOARD-1' is not in the catalogue; its description matches ONB 'Onboarding'"
    )
    assert found.hint == "correct the SKU to ONB if that is what was sold"
