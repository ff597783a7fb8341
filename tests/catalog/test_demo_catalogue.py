"""The demo catalogue is valid, and it sells everything the demo contracts name."""

from __future__ import annotations

from billops.demo.catalog import catalog
from billops.demo.generator import generate_company
from billops.domain.catalog import MatchMethod, match_line, parse_catalogue
from billops.domain.contract import parse_contract


def test_the_demo_catalogue_loads_into_a_valid_catalogue() -> None:
    catalogue = parse_catalogue(catalog())
    assert len(catalogue) == len(catalog()) == 19
    assert catalogue.currencies() == ("EUR", "USD")
    kit = catalogue["NW-BND-EDGE-KIT"]
    assert [component.sku for component in kit.components] == [
        "NW-HW-E100",
        "NW-MNT-STD",
        "NW-ONB-STD",
    ]


def test_every_sku_of_the_demo_contracts_is_in_the_catalogue() -> None:
    company = generate_company(customers=50)
    catalogue = parse_catalogue(company.catalog)
    used = {line["sku"] for contract in company.contracts for line in contract["lines"]}
    assert used, "the demo contracts name SKUs"
    assert {sku for sku in used if sku not in catalogue} == set()
    for record in company.contracts:
        terms = parse_contract(record)
        for line in terms.lines:
            match = match_line(catalogue, line)
            assert match.method is MatchMethod.SKU, (terms.contract_id, line.line_id)
            assert match.product is not None
            assert match.product.sku == line.sku
