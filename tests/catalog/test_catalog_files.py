"""Catalogue files: YAML and CSV in, YAML and CSV out, errors that point at the place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters.catalog_files import (
    catalogue_from_csv,
    catalogue_to_csv,
    catalogue_to_yaml,
    export_catalogue,
    load_catalogue,
)
from billops.demo.catalog import catalog
from billops.demo.files import to_yaml
from billops.domain.catalog import CatalogueInvalid, parse_catalogue
from billops.domain.contract import TierMode
from billops.errors import InvalidInput

HEADER = "sku,name,billing_model,revenue_category,unit,gl_revenue,gl_deferred,gl_unbilled,tax_code"
BASICS = "one_time,services,each,4000,2400,1300,STD"


@pytest.fixture
def demo_yaml(tmp_path: Path) -> Path:
    """The demo catalogue written as ``billops demo`` writes data/catalog.yaml."""
    path = tmp_path / "catalog.yaml"
    path.write_text(to_yaml(catalog()), encoding="utf-8")
    return path


def test_the_demo_catalogue_file_loads(demo_yaml: Path) -> None:
    catalogue = load_catalogue(demo_yaml)
    assert catalogue == parse_catalogue(catalog())
    api = catalogue["NW-API-CALLS"]
    assert api.tier_mode is TierMode.GRADUATED
    assert [tier.up_to for tier in api.tiers["USD"]] == [
        Decimal(9_000_000),
        Decimal(49_000_000),
        None,
    ]
    assert api.tiers["USD"][0].unit_price == Decimal("0.0020")


def test_yaml_to_catalogue_to_csv_to_catalogue_round_trips(demo_yaml: Path, tmp_path: Path) -> None:
    from_yaml = load_catalogue(demo_yaml)
    export_catalogue(from_yaml, tmp_path / "catalog.csv")
    from_csv = load_catalogue(tmp_path / "catalog.csv")
    assert from_csv == from_yaml
    export_catalogue(from_csv, tmp_path / "again.yaml")
    assert load_catalogue(tmp_path / "again.yaml") == from_yaml


def test_the_csv_writes_nested_parts_as_documented(demo_yaml: Path) -> None:
    text = catalogue_to_csv(load_catalogue(demo_yaml))
    header, *rows = text.splitlines()
    columns = header.split(",")
    assert columns[:10] == [*HEADER.split(","), "price_period"]
    assert {"list_price_USD", "ssp_low_EUR", "ssp_high_USD", "tiers_USD", "day_rate_EUR"} <= set(
        columns
    )
    by_sku = {row.split(",")[0]: row for row in rows}
    assert "9000000:0.0020; 49000000:0.0015; *:0.0010" in by_sku["NW-API-CALLS"]
    assert by_sku["NW-BND-EDGE-KIT"].endswith("NW-HW-E100:1; NW-MNT-STD:1; NW-ONB-STD:1")
    assert len(rows) == len(catalog())


def test_a_hand_written_csv_with_compact_tiers_and_components() -> None:
    text = (
        f"{HEADER},list_price_USD,ssp_USD,ssp_low_EUR,ssp_high_EUR,tier_mode,tiers_USD,"
        "components\n"
        "CALLS,API calls,usage,usage,call,4020,2420,1320,DIG,,0.01,,,package,"
        '"1000:5::100; *::50:1000",\n'
        f"A,Appliance,{BASICS},100,90,80,95,,,\n"
        f"KIT,Kit,{BASICS},150,,,,,,A:2; A2\n"
        f"A2,Appliance two,{BASICS},,1,,,,,\n"
    )
    catalogue = catalogue_from_csv(text, "hand.csv")
    calls = catalogue["CALLS"]
    assert calls.tier_mode is TierMode.PACKAGE
    first, last = calls.tiers["USD"]
    assert (first.up_to, first.unit_price, first.flat_fee, first.package_size) == (
        Decimal(1000),
        Decimal(5),
        None,
        Decimal(100),
    )
    assert (last.up_to, last.unit_price, last.flat_fee, last.package_size) == (
        None,
        None,
        Decimal(50),
        Decimal(1000),
    )
    assert catalogue["A"].ssp_range["EUR"].midpoint == Decimal("87.5")
    assert [(c.sku, c.quantity) for c in catalogue["KIT"].components] == [
        ("A", Decimal(2)),
        ("A2", Decimal(1)),
    ]


def test_a_blank_line_in_a_csv_is_skipped() -> None:
    catalogue = catalogue_from_csv(f"{HEADER}\n\nA,A,{BASICS}\n\n")
    assert [p.sku for p in catalogue] == ["A"]


# --- errors name the file, the place and the key ----------------------------


def test_a_bad_price_in_yaml_names_file_line_sku_and_key(demo_yaml: Path) -> None:
    text = demo_yaml.read_text(encoding="utf-8")
    demo_yaml.write_text(text.replace("USD: '45'", "USD: '-45'", 1), encoding="utf-8")
    line = next(
        number
        for number, content in enumerate(demo_yaml.read_text().splitlines(), start=1)
        if "'-45'" in content
    )
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(demo_yaml)
    assert str(caught.value) == (
        f"{demo_yaml}: line {line}: NW-SUB-PRO: list_price.USD: must be greater than or "
        "equal to 0 (got '-45')"
    )


def test_a_missing_key_in_yaml_points_at_its_record(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("- sku: A\n  name: A\n- sku: B\n  name: B\n", encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(path)
    assert caught.value.errors[0].startswith("line 1: A: billing_model: is required")
    assert any(error.startswith("line 3: B: billing_model") for error in caught.value.errors)


def test_an_unknown_component_in_yaml_names_the_line_of_the_component(tmp_path: Path) -> None:
    records = [*catalog()]
    kit = records[-1]
    kit["components"][1]["sku"] = "NW-MNT-NONE"
    path = tmp_path / "catalog.yaml"
    path.write_text(to_yaml(records), encoding="utf-8")
    line = next(
        number
        for number, content in enumerate(path.read_text().splitlines(), start=1)
        if "NW-MNT-NONE" in content
    )
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(path)
    assert caught.value.errors == [
        f"line {line}: NW-BND-EDGE-KIT: components[1].sku: names no product of the catalogue "
        "(got 'NW-MNT-NONE')"
    ]


def test_a_yaml_mapping_holds_its_products_under_products(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("products:\n  - sku: A\n    name: A\n", encoding="utf-8")
    with pytest.raises(CatalogueInvalid, match="line 2: A: billing_model: is required"):
        load_catalogue(path)
    path.write_text("items: []\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="mapping with only 'products'"):
        load_catalogue(path)


def test_a_bad_csv_cell_names_the_row_sku_and_column(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(
        f"{HEADER},list_price_USD\nA,A,{BASICS},10\nB,B,{BASICS},-10\n", encoding="utf-8"
    )
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(path)
    assert str(caught.value) == (
        f"{path}: row 3: B: list_price_USD: must be greater than or equal to 0 (got '-10')"
    )


def test_a_bad_compact_tier_cell_is_refused_with_its_format() -> None:
    text = f"{HEADER},tier_mode,tiers_USD\nA,A,{BASICS},graduated,100\n"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue_from_csv(text, "c.csv")
    assert caught.value.errors == [
        "row 2: A: tiers_USD: tier 1 must be UP_TO:UNIT_PRICE[:FLAT_FEE[:PACKAGE_SIZE]] "
        "(got '100'); write UP_TO:UNIT_PRICE; ...; *:UNIT_PRICE"
    ]


def test_tiers_out_of_order_in_csv_name_the_tier() -> None:
    text = f"{HEADER},tier_mode,tiers_USD\nA,A,{BASICS},graduated,100:1; 50:2; *:3\n"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue_from_csv(text, "c.csv")
    assert caught.value.errors == [
        "row 2: A: tiers_USD[1].up_to: must be greater than the previous tier's up_to 100 "
        "(got '50')"
    ]


def test_a_bad_component_cell_is_refused() -> None:
    text = f"{HEADER},components\nA,A,{BASICS},B:\n"
    with pytest.raises(CatalogueInvalid, match="row 2: A: components: component 1 must be"):
        catalogue_from_csv(text)


def test_a_duplicate_sku_in_csv_names_the_row() -> None:
    text = f"{HEADER}\nA,A,{BASICS}\nB,B,{BASICS}\na,a,{BASICS}\n"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue_from_csv(text, "c.csv")
    assert caught.value.errors[0].startswith("row 4: a: sku: is already used by record 1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (f"{HEADER},list_prize_USD\n", "unknown column in the header (got 'list_prize_USD')"),
        (f"{HEADER},sku\n", "a column appears twice in the header (got 'sku')"),
        ("sku,name\n", "the header has no column 'billing_model'"),
        (f"{HEADER}\nA,A,{BASICS},extra\n", "row 2 has 10 cells, the header 9"),
    ],
)
def test_a_malformed_csv_is_refused_as_a_whole(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match="c.csv: ") as caught:
        catalogue_from_csv(text, "c.csv")
    assert message in str(caught.value)


def test_a_lower_case_currency_column_is_refused_by_name() -> None:
    text = f"{HEADER},list_price_usd\nA,A,{BASICS},10\n"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue_from_csv(text, "c.csv")
    assert caught.value.errors == [
        "row 2: A: list_price_usd: must be written in upper case: 'USD' (got 'usd')"
    ]


def test_files_of_an_unknown_kind_are_refused(tmp_path: Path) -> None:
    catalogue = parse_catalogue([])
    with pytest.raises(InvalidInput, match="unknown kind of catalogue file"):
        export_catalogue(catalogue, tmp_path / "catalog.xlsx")
    with pytest.raises(InvalidInput, match="no such file"):
        load_catalogue(tmp_path / "missing.csv")
    with pytest.raises(InvalidInput, match="unknown kind of file"):
        load_catalogue(tmp_path / "catalog.txt")


def test_yaml_export_keeps_decimals_exact_and_quoted() -> None:
    catalogue = parse_catalogue(catalog())
    text = catalogue_to_yaml(catalogue)
    assert "unit_price: '0.0020'" in text
    assert "USD: '0.0018'" in text
    assert "included_units: '1000000'" in text


def test_a_json_catalogue_loads_too(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(
        '[{"sku": "A", "name": "A", "billing_model": "one_time", "revenue_category": "x",'
        ' "unit": "each", "gl_revenue": "4", "gl_deferred": "2", "gl_unbilled": "1",'
        ' "tax_code": "T", "list_price": {"USD": 12.10}}]',
        encoding="utf-8",
    )
    assert load_catalogue(path)["A"].list_price == {"USD": Decimal("12.10")}
    path.write_text('[{"sku": "A", "name": "A"}]', encoding="utf-8")
    with pytest.raises(CatalogueInvalid, match="line 1: A: billing_model: is required"):
        load_catalogue(path)
