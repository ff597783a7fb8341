"""Orders: an approved contract becomes ERP order lines tied to catalogue products.

Each test is a short story: given this contract and the demo catalogue, the
order has these lines and the billing team gets these findings.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from billops.demo.catalog import catalog
from billops.demo.generator import generate_company
from billops.domain.calendar import Period
from billops.domain.catalog import Catalogue, MatchMethod, parse_catalogue
from billops.domain.contract import BillingModel, ContractTerms, parse_contract
from billops.domain.findings import Finding, Severity
from billops.domain.money import Money
from billops.domain.orders import (
    RULE_BUNDLE_COMPONENT,
    RULE_BUNDLE_PRICE,
    RULE_BUNDLE_QUANTITY,
    RULE_CUSTOMER_CODE,
    RULE_ENTITY_CODE,
    RULE_MODEL_MISMATCH,
    RULE_NO_LIST_PRICE,
    RULE_SKU_AMBIGUOUS,
    RULE_SKU_UNKNOWN,
    RULE_SKU_UNMATCHED,
    OrderLineKind,
    build_order,
)

D = Decimal


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    return parse_catalogue(catalog())


def kit_record(**extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "revenue_category": "hardware",
        "gl_revenue": "4210",
        "gl_deferred": "2440",
        "gl_unbilled": "1340",
        "tax_code": "GOODS",
    }
    record.update(extra)
    return record


@pytest.fixture(scope="module")
def kits() -> Catalogue:
    """A kit whose components have SSPs 6,000 / 3,000 / 1,500 (USD only)."""
    return parse_catalogue(
        [
            kit_record(sku="APP", name="Appliance", billing_model="hardware", unit="unit",
                       ssp={"USD": "6000"}, list_price={"USD": "6500"}),
            kit_record(sku="SUP", name="Support plan", billing_model="maintenance",
                       unit="unit", gl_revenue="4220", ssp={"USD": "3000"}),
            kit_record(sku="TRN", name="Training", billing_model="one_time", unit="day",
                       gl_revenue="4310", ssp={"USD": "1500"}),
            kit_record(sku="KIT", name="Starter kit", billing_model="hardware", unit="kit",
                       list_price={"USD": "10500"},
                       components=[{"sku": "APP"}, {"sku": "SUP"}, {"sku": "TRN"}]),
        ]
    )  # fmt: skip


def contract(lines: list[dict[str, Any]], **extra: Any) -> ContractTerms:
    data: dict[str, Any] = {
        "contract_id": "NWUS-OF-000900",
        "document_type": "order_form",
        "supplier": {"code": "NWUS", "name": "Northwind Cloud, Inc."},
        "customer": {"code": "C000900", "name": "Globex Corporation"},
        "currency": "USD",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "lines": lines,
    }
    data.update(extra)
    return parse_contract(data)


def rules(findings: tuple[Finding, ...]) -> list[tuple[str, Severity]]:
    return [(finding.rule_id, finding.severity) for finding in findings]


# --- a clean order form -----------------------------------------------------


def test_an_order_form_becomes_order_lines_with_the_products_accounts(demo: Catalogue) -> None:
    terms = contract(
        [
            {"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Workspace Pro, 100 seats",
             "billing_model": "subscription", "quantity": 100, "unit": "seat",
             "unit_price": "40.50", "list_price": "45", "discount_percent": 10,
             "amount": "48600.00"},
            {"line_id": "L2", "sku": "nw-onb-std", "description": "Onboarding",
             "billing_model": "one_time", "quantity": 1, "unit_price": "2500",
             "amount": "2500.00", "service_start": "2026-01-05", "service_end": "2026-01-05"},
            {"line_id": "L3", "sku": "NW-API-CALLS", "description": "API calls",
             "billing_model": "usage"},
        ]
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=3, opportunity_id="006XX000001")
    assert findings == ()
    assert (order.contract_id, order.version, order.customer_code, order.entity_code) == (
        "NWUS-OF-000900",
        3,
        "C000900",
        "NWUS",
    )
    assert (order.currency, order.opportunity_id) == ("USD", "006XX000001")
    seats, onboarding, calls = order.lines
    assert seats.order_line_id == seats.contract_line_id == "L1"
    assert (seats.sku, seats.product_name, seats.kind) == (
        "NW-SUB-PRO",
        "Northwind Workspace Pro",
        OrderLineKind.STANDARD,
    )
    assert (seats.quantity, seats.unit, seats.unit_price, seats.list_price) == (
        D(100),
        "seat",
        D("40.50"),
        D(45),
    )
    assert seats.discount_percent == D(10)
    assert seats.amount == Money("48600.00", "USD")
    assert (seats.gl_revenue, seats.gl_deferred, seats.gl_unbilled, seats.tax_code) == (
        "4010",
        "2410",
        "1310",
        "DIGITAL_SERVICE",
    )
    assert seats.service_period == Period(date(2026, 1, 1), date(2026, 12, 31))  # the contract's
    assert seats.match_method is MatchMethod.SKU
    assert onboarding.sku == "NW-ONB-STD"  # the catalogue's spelling, not the contract's
    assert onboarding.service_period == Period(date(2026, 1, 5), date(2026, 1, 5))
    assert onboarding.list_price == D(2500)  # from the catalogue: the contract states none
    assert calls.amount is None  # usage: nothing stated, nothing invented
    assert calls.gl_revenue == "4020"


def test_a_line_stating_one_end_of_its_service_takes_the_other_from_the_term(
    demo: Catalogue,
) -> None:
    # As an amendment leaves them: the replaced line ends the day before the effective
    # date, the replacement runs from it; each states one end only.
    terms = contract(
        [
            {"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
             "billing_model": "subscription", "quantity": 10, "unit_price": "40",
             "service_end": "2026-06-30"},
            {"line_id": "AM-1.L1", "sku": "NW-SUB-PRO", "description": "More seats",
             "billing_model": "subscription", "quantity": 15, "unit_price": "40",
             "service_start": "2026-07-01"},
        ]
    )  # fmt: skip
    order, _ = build_order(terms, demo, version=1)
    assert [line.service_period for line in order.lines] == [
        Period(date(2026, 1, 1), date(2026, 6, 30)),
        Period(date(2026, 7, 1), date(2026, 12, 31)),
    ]


def test_building_twice_gives_the_same_order(demo: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
          "billing_model": "subscription", "amount": "1.00"}]
    )  # fmt: skip
    assert build_order(terms, demo, version=1) == build_order(terms, demo, version=1)


def test_the_order_is_plain_json_data(demo: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
          "billing_model": "subscription", "quantity": 2, "amount": "90.00"}]
    )  # fmt: skip
    order, _ = build_order(terms, demo, version=1)
    data = json.loads(json.dumps(order.as_dict()))
    line = data["lines"][0]
    assert line["amount"] == {"amount": "90.00", "currency": "USD"}
    assert (line["quantity"], line["service_start"], line["service_end"]) == (
        "2",
        "2026-01-01",
        "2026-12-31",
    )
    assert (line["kind"], line["match_method"], line["billing_model"]) == (
        "standard",
        "sku",
        "subscription",
    )


# --- bundles ------------------------------------------------------------------


def test_a_bundle_keeps_its_line_and_expands_into_components_split_by_ssp(
    kits: Catalogue,
) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "KIT", "description": "Starter kit",
          "billing_model": "hardware", "quantity": 1, "unit_price": "10000.00",
          "amount": "10000.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, kits, version=1)
    assert findings == ()
    kit, *components = order.lines
    assert (kit.order_line_id, kit.kind, kit.amount) == (
        "L1",
        OrderLineKind.BUNDLE,
        Money("10000.00", "USD"),
    )
    # 10,000.00 by 6,000 / 3,000 / 1,500 of 10,500: 5,714.29 + 2,857.14 + 1,428.57
    assert [
        (c.order_line_id, c.sku, c.amount.amount if c.amount else None) for c in components
    ] == [
        ("L1.1", "APP", D("5714.29")),
        ("L1.2", "SUP", D("2857.14")),
        ("L1.3", "TRN", D("1428.57")),
    ]
    assert {(c.kind, c.bundle_parent, c.contract_line_id) for c in components} == {
        (OrderLineKind.COMPONENT, "L1", "L1")
    }
    assert [c.billing_model for c in components] == [
        BillingModel.HARDWARE,
        BillingModel.MAINTENANCE,
        BillingModel.ONE_TIME,
    ]
    assert [c.gl_revenue for c in components] == ["4210", "4220", "4310"]
    assert order.components_of("L1") == tuple(components)
    assert order.lines_for("L1") == order.lines


def test_two_kits_double_the_component_quantities(kits: Catalogue) -> None:
    terms = contract(
        [{"line_id": "K", "sku": "KIT", "description": "Starter kits",
          "billing_model": "hardware", "quantity": 2, "unit_price": "5000.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, kits, version=1)
    assert findings == ()
    # No amount stated: 2 x 5,000.00 = 10,000.00 is split as above.
    appliance = order.line("K.1")
    assert appliance is not None
    assert (appliance.quantity, appliance.amount) == (D(2), Money("5714.29", "USD"))
    assert appliance.unit_price == D("2857.15")  # 5,714.29 / 2 = 2,857.145, rounded half-up


def test_components_the_contract_lists_become_the_component_lines(demo: Catalogue) -> None:
    # The demo's order forms list a kit's components under it, at zero.
    terms = contract(
        [
            {"line_id": "L1", "sku": "NW-BND-EDGE-KIT", "description": "Edge Starter Kit",
             "billing_model": "hardware", "quantity": 2, "unit_price": "12635.00",
             "amount": "25270.00"},
            {"line_id": "L2", "sku": "NW-HW-E100", "bundle_parent": "L1",
             "description": "Edge Appliance E100 (kit component)", "billing_model": "hardware",
             "quantity": 2, "amount": "0.00"},
            {"line_id": "L3", "sku": "NW-MNT-STD", "bundle_parent": "L1",
             "description": "Maintenance (kit component)", "billing_model": "maintenance",
             "quantity": 2, "amount": "0.00", "service_start": "2026-02-01",
             "service_end": "2027-01-31"},
            {"line_id": "L4", "sku": "NW-ONB-STD", "bundle_parent": "L1",
             "description": "Onboarding (kit component)", "billing_model": "one_time",
             "quantity": 2, "amount": "0.00"},
        ],
        currency="EUR",
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    assert findings == ()
    # 25,270.00 EUR by SSP 9,900 / 1,782 (18 % of 9,900) / 2,300: see the catalogue tests.
    assert [(line.order_line_id, line.kind.value, str(line.amount)) for line in order.lines] == [
        ("L1", "bundle", "25270.00 EUR"),
        ("L2", "component", "17892.51 EUR"),
        ("L3", "component", "3220.65 EUR"),
        ("L4", "component", "4156.84 EUR"),
    ]
    maintenance = order.line("L3")
    assert maintenance is not None
    assert maintenance.service_period == Period(date(2026, 2, 1), date(2027, 1, 31))
    assert maintenance.description == "Maintenance (kit component)"
    assert maintenance.list_price is None  # priced as a percentage: no list price


def test_a_component_listed_in_another_quantity_is_a_warning(kits: Catalogue) -> None:
    terms = contract(
        [
            {"line_id": "L1", "sku": "KIT", "description": "Kit", "billing_model": "hardware",
             "quantity": 1, "amount": "10000.00"},
            {"line_id": "L2", "sku": "TRN", "bundle_parent": "L1", "description": "Training",
             "billing_model": "one_time", "quantity": 3},
        ]
    )  # fmt: skip
    order, findings = build_order(terms, kits, version=1)
    assert rules(findings) == [(RULE_BUNDLE_QUANTITY, Severity.WARNING)]
    assert findings[0].fields == ("lines[1].quantity",)
    assert "lists 3 of bundle component TRN" in findings[0].message
    training = order.line("L2")
    assert training is not None and training.quantity == D(3)
    assert [line.order_line_id for line in order.lines] == ["L1", "L1.1", "L1.2", "L2"]


def test_a_line_under_a_bundle_that_does_not_hold_it_is_an_error(
    kits: Catalogue, demo: Catalogue
) -> None:
    terms = contract(
        [
            {"line_id": "L1", "sku": "KIT", "description": "Kit", "billing_model": "hardware",
             "amount": "10000.00"},
            {"line_id": "L2", "sku": "APP", "bundle_parent": "L1", "description": "Appliance",
             "billing_model": "hardware"},
            {"line_id": "L3", "sku": "APP", "bundle_parent": "L1", "description": "Appliance",
             "billing_model": "hardware"},
        ]
    )  # fmt: skip
    order, findings = build_order(terms, kits, version=1)
    assert rules(findings) == [(RULE_BUNDLE_COMPONENT, Severity.ERROR)]
    assert findings[0].message == (
        "line L3 'Appliance' (APP) is listed as part of bundle line L1 (KIT), but that "
        "bundle holds APP, SUP, TRN"
    )
    assert order.line("L3") is None


def test_a_bundle_without_a_price_cannot_be_split(kits: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "KIT", "description": "Kit", "billing_model": "hardware"}]
    )
    order, findings = build_order(terms, kits, version=1)
    assert rules(findings) == [(RULE_BUNDLE_PRICE, Severity.ERROR)]
    assert findings[0].fields == ("lines[0].amount",)
    assert [line.kind for line in order.lines] == [OrderLineKind.BUNDLE]


def test_a_bundle_in_a_currency_without_component_ssps_cannot_be_split(
    kits: Catalogue,
) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "KIT", "description": "Kit", "billing_model": "hardware",
          "amount": "9000.00"}],
        currency="EUR",
    )  # fmt: skip
    _, findings = build_order(terms, kits, version=1)
    assert rules(findings) == [
        (RULE_NO_LIST_PRICE, Severity.WARNING),
        (RULE_BUNDLE_PRICE, Severity.ERROR),
    ]
    assert "component APP of bundle KIT has no SSP in EUR" in findings[1].message


# --- lines that cannot be matched are never guessed ---------------------------


def test_an_unmatched_line_is_left_out_and_named_with_the_closest_products(
    demo: Catalogue,
) -> None:
    terms = contract(
        [
            {"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
             "billing_model": "subscription", "amount": "100.00"},
            {"line_id": "L2", "description": "Workspace Pro seats",
             "billing_model": "subscription", "amount": "100.00"},
        ],
        provenance={"lines[1].sku": {"document": {"name": "globex-of.pdf"}, "page": 2}},
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    assert [line.order_line_id for line in order.lines] == ["L1"]
    (finding,) = findings
    assert (finding.rule_id, finding.severity, finding.route) == (
        RULE_SKU_UNMATCHED,
        Severity.ERROR,
        "billing",
    )
    assert finding.fields == ("lines[1].sku",)
    assert finding.message.startswith(
        "line L2 'Workspace Pro seats' matches no catalogue product; closest: "
        "NW-SUB-PRO 'Northwind Workspace Pro' (score "
    )
    assert finding.values["description"] == "Workspace Pro seats"
    assert finding.values["candidates"].startswith("NW-SUB-PRO")
    assert [source.page for source in finding.sources] == [2]


def test_an_ambiguous_line_is_left_out_with_its_candidates(demo: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "description": "Edge appliance", "billing_model": "hardware",
          "amount": "12000.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    assert order.lines == ()
    (finding,) = findings
    assert (finding.rule_id, finding.severity) == (RULE_SKU_AMBIGUOUS, Severity.ERROR)
    assert "line L1 'Edge appliance' could be any of several products" in finding.message
    assert "NW-HW-E100 'Northwind Edge Appliance E100' (score 100)" in finding.message
    assert "NW-HW-E400 'Northwind Edge Appliance E400' (score 100)" in finding.message
    assert finding.message.endswith("not chosen automatically")


def test_an_unknown_sku_with_a_clear_description_is_matched_and_flagged(
    demo: Catalogue,
) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "NW-SUB-PRO-2026", "billing_model": "subscription",
          "description": "Northwind Workspace Pro, per seat per month", "amount": "45.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    assert [line.sku for line in order.lines] == ["NW-SUB-PRO"]
    assert order.lines[0].match_method is MatchMethod.DESCRIPTION
    (finding,) = findings
    assert (finding.rule_id, finding.severity) == (RULE_SKU_UNKNOWN, Severity.WARNING)
    assert finding.message == (
        "line L1: SKU 'NW-SUB-PRO-2026' is not in the catalogue; matched by its description "
        "'Northwind Workspace Pro, per seat per month' to NW-SUB-PRO 'Northwind Workspace Pro' "
        "(score 100)"
    )


def test_an_unknown_sku_with_an_unclear_description_is_unmatched(demo: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "XX-1", "billing_model": "subscription",
          "description": "Platinum tier", "amount": "45.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    assert order.lines == ()
    assert rules(findings) == [(RULE_SKU_UNMATCHED, Severity.ERROR)]
    assert "(SKU 'XX-1' is not in the catalogue)" in findings[0].message
    assert "no product comes close" in findings[0].message


def test_an_unmatched_bundle_leaves_its_components_as_plain_lines(kits: Catalogue) -> None:
    terms = contract(
        [
            {"line_id": "L1", "description": "Mystery box", "billing_model": "hardware",
             "amount": "100.00"},
            {"line_id": "L2", "sku": "APP", "bundle_parent": "L1", "description": "Appliance",
             "billing_model": "hardware", "amount": "100.00"},
        ]
    )  # fmt: skip
    order, findings = build_order(terms, kits, version=1)
    assert rules(findings) == [(RULE_SKU_UNMATCHED, Severity.ERROR)]
    (appliance,) = order.lines
    assert (appliance.order_line_id, appliance.kind, appliance.bundle_parent) == (
        "L2",
        OrderLineKind.STANDARD,
        None,
    )


# --- disagreements with the catalogue ------------------------------------------


def test_a_billing_model_other_than_the_products_is_an_error(demo: Catalogue) -> None:
    terms = contract(
        [{"line_id": "L1", "sku": "NW-PS-IMPL", "description": "Implementation",
          "billing_model": "time_and_materials", "amount": "30000.00"}]
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    (finding,) = findings
    assert (finding.rule_id, finding.severity, finding.fields) == (
        RULE_MODEL_MISMATCH,
        Severity.ERROR,
        ("lines[0].billing_model",),
    )
    assert finding.message == (
        "line L1 'Implementation' is billed as time_and_materials, but its product "
        "NW-PS-IMPL is fixed_fee"
    )
    # Kept, as the contract says it is charged; the error blocks until resolved.
    assert order.lines[0].billing_model is BillingModel.TIME_AND_MATERIALS


def test_a_currency_the_product_has_no_list_price_in_is_a_warning(demo: Catalogue) -> None:
    terms = contract(
        [
            {"line_id": "L1", "sku": "NW-SUB-PRO", "description": "Seats",
             "billing_model": "subscription", "amount": "100"},
            {"line_id": "L2", "sku": "NW-EXP", "description": "Expenses",
             "billing_model": "expenses"},
        ],
        currency="GBP",
    )  # fmt: skip
    order, findings = build_order(terms, demo, version=1)
    # NW-EXP has no list price in any currency: nothing to warn about.
    assert rules(findings) == [(RULE_NO_LIST_PRICE, Severity.WARNING)]
    assert findings[0].message == (
        "line L1: product NW-SUB-PRO has no list price in GBP (only in EUR, USD), so its "
        "discount cannot be checked"
    )
    assert order.lines[0].list_price is None
    assert order.lines[0].amount == Money("100", "GBP")


def test_parties_without_codes_are_errors(demo: Catalogue) -> None:
    terms = contract(
        [],
        supplier={"name": "Northwind Cloud, Inc."},
        customer={"name": "Globex Corporation"},
    )
    order, findings = build_order(terms, demo, version=1)
    assert rules(findings) == [
        (RULE_CUSTOMER_CODE, Severity.ERROR),
        (RULE_ENTITY_CODE, Severity.ERROR),
    ]
    assert (order.customer_code, order.entity_code) == (None, None)


# --- the demo company ------------------------------------------------------------


def test_every_demo_contract_makes_an_order_without_findings() -> None:
    company = generate_company(customers=50)
    catalogue = parse_catalogue(company.catalog)
    for record in company.contracts:
        terms = parse_contract(record)
        order, findings = build_order(terms, catalogue, version=1)
        assert findings == (), (terms.contract_id, [f.message for f in findings])
        ordered = {line.contract_line_id for line in order.lines}
        assert ordered == {line.line_id for line in terms.lines}, terms.contract_id
        for bundle in (line for line in order.lines if line.kind is OrderLineKind.BUNDLE):
            parts = order.components_of(bundle.order_line_id)
            assert bundle.amount is not None and parts
            assert sum((p.amount for p in parts if p.amount), Money.zero(order.currency)) == (
                bundle.amount
            )
