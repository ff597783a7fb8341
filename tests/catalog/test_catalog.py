"""The catalogue: products, validation, bundle expansion by SSP, matching contract lines.

Expected amounts are worked out by hand; each comment shows the arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billops.domain.catalog import (
    MATCH_SCORE,
    BundleError,
    Catalogue,
    CatalogueInvalid,
    MatchMethod,
    Product,
    UnknownSku,
    expand_bundle,
    match_line,
    parse_catalogue,
    sku_key,
    standalone_price,
)
from billops.domain.contract import BillingModel, ContractLine
from billops.domain.money import Money
from billops.errors import InvalidInput

D = Decimal


def product(sku: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "sku": sku,
        "name": name or sku,
        "billing_model": "one_time",
        "revenue_category": "services",
        "unit": "each",
        "gl_revenue": "4000",
        "gl_deferred": "2400",
        "gl_unbilled": "1300",
        "tax_code": "STD",
    }
    record.update(extra)
    return record


def kit_catalogue(ssps: tuple[str, str, str] = ("6000", "3000", "1500")) -> Catalogue:
    """A kit of an appliance, a support plan and training, with single SSPs."""
    return parse_catalogue(
        [
            product("APP", "Appliance", billing_model="hardware", ssp={"USD": ssps[0]}),
            product("SUP", "Support plan", billing_model="maintenance", ssp={"USD": ssps[1]}),
            product("TRN", "Training", ssp={"USD": ssps[2]}),
            product(
                "KIT",
                "Starter kit",
                billing_model="hardware",
                list_price={"USD": "10000"},
                components=[{"sku": "APP"}, {"sku": "SUP"}, {"sku": "TRN"}],
            ),
        ]
    )


def problems_of(records: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(records)
    assert isinstance(caught.value, InvalidInput)
    return caught.value.errors


# --- products and lookup ----------------------------------------------------


def test_a_product_keeps_its_prices_per_currency_exactly() -> None:
    catalogue = parse_catalogue(
        [product("SEAT", list_price={"USD": "45", "EUR": "42.50"}, price_period="month")]
    )
    seat = catalogue["SEAT"]
    assert seat.list_price == {"USD": D("45"), "EUR": D("42.50")}
    assert seat.list_price_in("EUR") == Money("42.50", "EUR")
    assert seat.list_price_in("JPY") is None
    assert seat.price_period is not None and seat.price_period.value == "month"


def test_lookup_ignores_case_and_spaces_but_an_unknown_sku_is_an_error() -> None:
    catalogue = parse_catalogue([product("NW-SUB-PRO")])
    assert catalogue["nw-sub-pro"].sku == "NW-SUB-PRO"
    assert catalogue.get(" NW - SUB - PRO ") is not None
    assert "nw-sub-pro" in catalogue
    assert "NW-SUB-ENT" not in catalogue
    assert catalogue.get("NW-SUB-ENT") is None
    with pytest.raises(UnknownSku, match="no product with this SKU") as caught:
        catalogue["NW-SUB-ENT"]
    assert caught.value.value == "NW-SUB-ENT"


def test_a_catalogue_iterates_in_the_order_given() -> None:
    catalogue = parse_catalogue([product("B"), product("A"), product("C")])
    assert [p.sku for p in catalogue] == ["B", "A", "C"]
    assert len(catalogue) == 3


def test_demo_style_nulls_mean_not_given() -> None:
    catalogue = parse_catalogue([product("TM", list_price=None, ssp=None, ssp_range=None)])
    assert catalogue["TM"].list_price == {}
    assert catalogue["TM"].ssp_in("USD") is None


def test_ssp_is_the_single_price_else_the_midpoint_of_the_range() -> None:
    catalogue = parse_catalogue(
        [
            product("ONE", ssp={"USD": "100"}),
            product("RANGE", ssp_range={"USD": {"low": "20", "high": "25"}}),
        ]
    )
    assert standalone_price(catalogue, catalogue["ONE"], "USD") == D("100")
    # (20 + 25) / 2 = 22.5
    assert standalone_price(catalogue, catalogue["RANGE"], "USD") == D("22.5")
    assert standalone_price(catalogue, catalogue["RANGE"], "EUR") is None


def test_a_bundle_ssp_is_the_sum_of_its_components() -> None:
    catalogue = kit_catalogue()
    # 6,000 + 3,000 + 1,500
    assert standalone_price(catalogue, catalogue["KIT"], "USD") == D("10500")


def test_records_round_trip_through_plain_data() -> None:
    catalogue = kit_catalogue()
    assert parse_catalogue(catalogue.records()) == catalogue


# --- bad input --------------------------------------------------------------


def test_a_negative_price_is_refused_naming_sku_field_and_value() -> None:
    errors = problems_of([product("SEAT", list_price={"USD": "-45"})])
    assert errors == ["SEAT: list_price.USD: must be greater than or equal to 0 (got '-45')"]


def test_the_error_message_leads_with_the_first_problem() -> None:
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue([product("SEAT", list_price={"USD": "-45"}, ssp={"USD": "-1"})])
    error = caught.value
    assert str(error).startswith("SEAT: list_price.USD: must be greater than or equal to 0")
    assert "and 1 more problem" in str(error)
    assert error.field == "list_price.USD"
    assert error.value == "-45"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZ", "is not an ISO 4217 currency code"),
        ("usd", "must be written in upper case: 'USD'"),
        ("XAU", "is not a billing currency"),
    ],
)
def test_an_unknown_currency_is_refused(code: str, message: str) -> None:
    errors = problems_of([product("SEAT", list_price={code: "45"})])
    assert len(errors) == 1
    assert errors[0].startswith(f"SEAT: list_price.{code}: {message}")


def test_a_duplicate_sku_is_refused_even_in_another_case() -> None:
    errors = problems_of([product("SEAT"), product("OTHER"), product("seat")])
    assert errors[0].startswith("seat: sku: is already used by record 1 (got 'seat')")


def test_a_component_naming_no_product_is_refused() -> None:
    errors = problems_of(
        [product("A", ssp={"USD": "1"}), product("KIT", components=[{"sku": "A"}, {"sku": "B"}])]
    )
    assert errors == ["KIT: components[1].sku: names no product of the catalogue (got 'B')"]


def test_bundles_containing_each_other_are_refused() -> None:
    errors = problems_of(
        [
            product("KIT-A", components=[{"sku": "KIT-B"}]),
            product("KIT-B", components=[{"sku": "KIT-C"}]),
            product("KIT-C", components=[{"sku": "KIT-A"}]),
        ]
    )
    assert errors[0] == "KIT-A: components: bundles contain each other in a cycle: " + (
        "KIT-A -> KIT-B -> KIT-C -> KIT-A"
    )
    assert len(errors) == 3  # each bundle of the cycle is named


def test_a_bundle_cannot_contain_itself_or_a_component_twice() -> None:
    errors = problems_of(
        [product("A", ssp={"USD": "1"}), product("KIT", components=[{"sku": "KIT"}])]
    )
    assert errors == ["KIT: components[0].sku: a bundle cannot contain itself (got 'KIT')"]
    errors = problems_of(
        [product("A", ssp={"USD": "1"}), product("KIT", components=[{"sku": "A"}, {"sku": "a"}])]
    )
    assert errors == ["KIT: components[1].sku: is listed twice in the bundle (got 'a')"]


def test_a_bundle_sold_in_a_currency_its_components_have_no_ssp_in_is_refused() -> None:
    errors = problems_of(
        [
            product("A", ssp={"USD": "10"}),
            product("B", ssp={"USD": "20"}),
            product(
                "KIT",
                list_price={"USD": "25", "EUR": "23"},
                components=[{"sku": "A"}, {"sku": "B"}],
            ),
        ]
    )
    assert errors == [
        "KIT: components: cannot split the EUR list price by SSP: component A of bundle KIT "
        "has no SSP in EUR (got 'A'); give A an ssp or ssp_range in EUR"
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"ssp_range": {"USD": {"low": "30", "high": "20"}}}, "ssp_range.USD: high 20"),
        ({"ssp": {"USD": "1"}, "ssp_range": {"USD": {"low": "1", "high": "2"}}}, "not both"),
        ({"tier_mode": "graduated"}, "tiers: must list the tiers"),
        ({"tiers": {"USD": [{"unit_price": "1"}]}}, "tier_mode: is required"),
        (
            {
                "tier_mode": "graduated",
                "tiers": {"USD": [{"up_to": 10, "unit_price": "1"}, {"up_to": 5, "unit_price": 1}]},
            },
            "tiers.USD[1].up_to: must be greater than the previous tier's up_to 10 (got '5')",
        ),
        (
            {
                "tier_mode": "graduated",
                "tiers": {"USD": [{"unit_price": "1"}, {"up_to": 5, "unit_price": 1}]},
            },
            "tiers.USD[0].up_to: may be open-ended only on the last tier",
        ),
        ({"percent": "18"}, "percent_of: is required when percent is given"),
        ({"ssp_percent": "18"}, "percent_of: is required when ssp_percent is given"),
        ({"percent": "120", "percent_of": "hardware"}, "percent: must be less than or equal"),
        ({"billing_model": "subscriptions"}, "did you mean 'subscription'?"),
        ({"colour": "red"}, "colour: is not a known field"),
        ({"list_price": {"USD": 12.5}}, "not a float"),
        ({"components": [{"sku": "A", "quantity": 0}]}, "greater than 0"),
    ],
)
def test_incoherent_records_are_refused_with_the_field(
    extra: dict[str, Any], expected: str
) -> None:
    errors = problems_of([product("A", ssp={"USD": "1"}), product("X", **extra)])
    assert any(expected in error for error in errors), errors


def test_every_bad_record_is_reported_at_once() -> None:
    errors = problems_of(
        [
            product("A", list_price={"USD": "-1"}),
            {"name": "no sku"},
            "not a mapping",
        ]
    )
    assert errors[0].startswith("A: list_price.USD:")
    assert any(error.startswith("record 2: sku: is required") for error in errors)
    assert "record 3: a product must be a mapping of fields (got 'str')" in errors


# --- bundles ----------------------------------------------------------------


def test_a_bundle_price_splits_by_relative_ssp_to_the_cent() -> None:
    # SSPs 6,000 / 3,000 / 1,500 sum to 10,500; 10,000.00 x each / 10,500:
    #   5,714.2857... -> 5,714.28 (remainder .57 of a cent, the largest: +1 cent)
    #   2,857.1428... -> 2,857.14
    #   1,428.5714... -> 1,428.57
    # 5,714.29 + 2,857.14 + 1,428.57 = 10,000.00
    components = expand_bundle(kit_catalogue(), "KIT", D(1), Money("10000.00", "USD"))
    assert [(c.sku, c.amount) for c in components] == [
        ("APP", Money("5714.29", "USD")),
        ("SUP", Money("2857.14", "USD")),
        ("TRN", Money("1428.57", "USD")),
    ]
    assert [c.ssp_weight for c in components] == [D(6000), D(3000), D(1500)]
    assert {c.parent_sku for c in components} == {"KIT"}


def test_bundles_sold_several_times_multiply_component_quantities() -> None:
    catalogue = parse_catalogue(
        [
            product("SEAT", ssp={"EUR": "10"}),
            product("KIT", components=[{"sku": "SEAT", "quantity": "5"}]),
        ]
    )
    (only,) = expand_bundle(catalogue, "KIT", D(3), Money("120.00", "EUR"))
    assert only.quantity == D(15)
    assert only.amount == Money("120.00", "EUR")


def test_ssp_ranges_weigh_by_their_midpoint() -> None:
    catalogue = parse_catalogue(
        [
            product("A", ssp_range={"USD": {"low": "100", "high": "300"}}),  # midpoint 200
            product("B", ssp={"USD": "100"}),
            product("KIT", components=[{"sku": "A"}, {"sku": "B"}]),
        ]
    )
    # 99.99 x 200/300 = 66.66, x 100/300 = 33.33; sum 99.99
    parts = expand_bundle(catalogue, "KIT", D(1), Money("99.99", "USD"))
    assert [str(c.amount) for c in parts] == ["66.66 USD", "33.33 USD"]


def test_maintenance_in_a_bundle_weighs_its_percent_of_the_bundles_hardware() -> None:
    # The demo's Edge Starter Kit in EUR: appliance SSP 9,900; maintenance 18 %
    # of it = 1,782; onboarding SSP 2,300; total 13,982. Two kits at 12,635.00
    # each = 25,270.00:
    #   25,270 x 9,900 / 13,982 = 17,892.5046... -> 17,892.50, remainder 0.46 cent
    #   25,270 x 1,782 / 13,982 =  3,220.6508... ->  3,220.65, remainder 0.08 cent
    #   25,270 x 2,300 / 13,982 =  4,156.8445... ->  4,156.84, remainder 0.45 cent
    # floors sum to 25,269.99; the cent left goes to the largest remainder,
    # the appliance: 17,892.51 + 3,220.65 + 4,156.84 = 25,270.00.
    from billops.demo.catalog import catalog

    catalogue = parse_catalogue(catalog())
    parts = expand_bundle(catalogue, "NW-BND-EDGE-KIT", D(2), Money("25270.00", "EUR"))
    assert [(c.sku, c.quantity, str(c.amount)) for c in parts] == [
        ("NW-HW-E100", D(2), "17892.51 EUR"),
        ("NW-MNT-STD", D(2), "3220.65 EUR"),
        ("NW-ONB-STD", D(2), "4156.84 EUR"),
    ]
    assert parts[1].ssp_weight == D("1782")


def test_a_nested_bundle_is_split_again_into_its_leaves() -> None:
    catalogue = parse_catalogue(
        [
            product("A", ssp={"USD": "1"}),
            product("B", ssp={"USD": "1"}),
            product("C", ssp={"USD": "2"}),
            product("INNER", components=[{"sku": "A"}, {"sku": "B"}]),
            product("OUTER", components=[{"sku": "INNER"}, {"sku": "C"}]),
        ]
    )
    # INNER weighs 1 + 1 = 2, C weighs 2: 1.01 -> 0.51 / 0.50; INNER's 0.51 -> 0.26 / 0.25
    parts = expand_bundle(catalogue, "OUTER", D(1), Money("1.01", "USD"))
    assert [(c.sku, str(c.amount), c.parent_sku) for c in parts] == [
        ("A", "0.26 USD", "INNER"),
        ("B", "0.25 USD", "INNER"),
        ("C", "0.50 USD", "OUTER"),
    ]


def test_expanding_what_is_no_bundle_or_cannot_be_priced_is_an_error() -> None:
    catalogue = kit_catalogue()
    with pytest.raises(BundleError, match="is not a bundle"):
        expand_bundle(catalogue, "APP", D(1), Money("1.00", "USD"))
    with pytest.raises(UnknownSku):
        expand_bundle(catalogue, "NOPE", D(1), Money("1.00", "USD"))
    with pytest.raises(BundleError, match="greater than 0"):
        expand_bundle(catalogue, "KIT", D(0), Money("1.00", "USD"))
    with pytest.raises(BundleError, match="component APP of bundle KIT has no SSP in EUR"):
        expand_bundle(catalogue, "KIT", D(1), Money("1.00", "EUR"))


def test_a_bundle_whose_components_all_have_zero_ssp_cannot_be_split() -> None:
    # Sold at a list price: refused when the catalogue is read.
    with pytest.raises(CatalogueInvalid, match="every component of bundle KIT has an SSP of zero"):
        kit_catalogue(("0", "0", "0"))
    # Priced per contract: refused when a contract sells it.
    catalogue = parse_catalogue(
        [product("A", ssp={"USD": "0"}), product("KIT", components=[{"sku": "A"}])]
    )
    with pytest.raises(BundleError, match="SSP of zero"):
        expand_bundle(catalogue, "KIT", D(1), Money("1.00", "USD"))


CURRENCIES = st.sampled_from(["JPY", "USD", "BHD"])


@given(
    currency=CURRENCIES,
    minor_units=st.integers(min_value=0, max_value=10**12),
    ssps=st.lists(
        st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False), min_size=1, max_size=6
    ).filter(any),
    quantity=st.integers(min_value=1, max_value=1000),
)
def test_bundle_allocation_always_sums_to_the_price_exactly(
    currency: str, minor_units: int, ssps: list[Decimal], quantity: int
) -> None:
    records = [product(f"C{i}", ssp={currency: str(ssp)}) for i, ssp in enumerate(ssps)]
    records.append(product("KIT", components=[{"sku": f"C{i}"} for i in range(len(ssps))]))
    catalogue = parse_catalogue(records)
    price = Money.from_minor_units(minor_units, currency)
    parts = expand_bundle(catalogue, "KIT", D(quantity), price)
    assert sum((p.amount for p in parts), Money.zero(currency)) == price
    assert all(p.amount.is_rounded() and p.amount.amount >= 0 for p in parts)
    for part, ssp in zip(parts, ssps, strict=True):
        exact = price.amount * ssp / sum(ssps)
        assert abs(part.amount.amount - exact) < Money.from_minor_units(1, currency).amount
        if ssp == 0:
            assert part.amount.is_zero()


# --- matching contract lines --------------------------------------------------


def line(description: str, sku: str | None = None, model: str = "subscription") -> ContractLine:
    return ContractLine(
        line_id="L1", sku=sku, description=description, billing_model=BillingModel(model)
    )


@pytest.fixture(scope="module")
def demo_catalogue() -> Catalogue:
    from billops.demo.catalog import catalog

    return parse_catalogue(catalog())


def test_a_line_with_a_known_sku_matches_it_whatever_its_case(demo_catalogue: Catalogue) -> None:
    match = match_line(demo_catalogue, line("anything at all", sku=" nw-sub-pro "))
    assert match.method is MatchMethod.SKU
    assert match.product is not None and match.product.sku == "NW-SUB-PRO"
    assert match.score == 100
    assert match.matched


def test_a_clear_description_matches_when_there_is_no_sku(demo_catalogue: Catalogue) -> None:
    match = match_line(demo_catalogue, line("Appliance maintenance, premium 24x7 (annual)"))
    assert match.method is MatchMethod.DESCRIPTION
    assert match.product is not None and match.product.sku == "NW-MNT-PREM"
    assert match.score == 100
    assert match.candidates[0].sku == "NW-MNT-PREM"
    assert match.stated_sku is None


def test_a_description_with_extra_words_still_matches(demo_catalogue: Catalogue) -> None:
    match = match_line(
        demo_catalogue, line("Northwind Workspace Enterprise, per seat per month, 36 months")
    )
    assert match.product is not None and match.product.sku == "NW-SUB-ENT"


def test_an_exact_name_wins_over_a_near_twin(demo_catalogue: Catalogue) -> None:
    # "E100" and "E400" differ in one token; the exact name decides.
    match = match_line(demo_catalogue, line("Northwind Edge Appliance E400", model="hardware"))
    assert match.product is not None and match.product.sku == "NW-HW-E400"


def test_a_description_several_products_fit_is_ambiguous(demo_catalogue: Catalogue) -> None:
    match = match_line(demo_catalogue, line("Northwind Workspace"))
    assert match.method is MatchMethod.AMBIGUOUS
    assert match.product is None
    assert not match.matched
    assert {c.sku for c in match.candidates} >= {"NW-SUB-STARTER", "NW-SUB-PRO", "NW-SUB-ENT"}
    assert match.score >= MATCH_SCORE


def test_a_description_nothing_fits_is_unmatched_with_the_closest(
    demo_catalogue: Catalogue,
) -> None:
    match = match_line(demo_catalogue, line("Workspace Pro seats"))
    assert match.method is MatchMethod.NONE
    assert match.product is None
    assert match.candidates[0].sku == "NW-SUB-PRO"
    assert match.score == match.candidates[0].score < MATCH_SCORE
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)


def test_gibberish_has_no_candidates(demo_catalogue: Catalogue) -> None:
    match = match_line(demo_catalogue, line("zzqx"))
    assert match.method is MatchMethod.NONE
    assert match.candidates == ()


def test_an_unknown_sku_falls_back_to_the_description_and_says_so(
    demo_catalogue: Catalogue,
) -> None:
    match = match_line(demo_catalogue, line("Onboarding, standard", sku="NW-ONB-STANDARD"))
    assert match.method is MatchMethod.DESCRIPTION
    assert match.product is not None and match.product.sku == "NW-ONB-STD"
    assert match.stated_sku == "NW-ONB-STANDARD"


def test_matching_against_an_empty_catalogue_finds_nothing() -> None:
    match = match_line(parse_catalogue([]), line("Anything", sku="X"))
    assert match.method is MatchMethod.NONE
    assert match.candidates == ()


def test_sku_key_drops_spaces_and_case() -> None:
    assert sku_key(" Nw-Sub Pro\t") == "nw-subpro"


def test_products_are_immutable() -> None:
    seat = Product.model_validate(product("SEAT"))
    with pytest.raises(ValueError, match="frozen"):
        seat.name = "Other"  # type: ignore[misc]
