"""Contract terms: what a signed order form or SOW says, and what is refused.

Each refusal test gives one wrong value and asserts that the message names
the exact field path and the value, as a billing analyst would need to fix
the file.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from billops.adapters.files import load_contract
from billops.domain.contract import (
    SCHEMA_ID,
    BillingModel,
    ContractInvalid,
    ContractLine,
    ContractTerms,
    DocumentType,
    Milestone,
    TierMode,
    Timing,
    canonical_json,
    contract_json_schema,
    parse_contract,
    terms_fingerprint,
)
from billops.errors import InvalidInput

FIXTURES = Path(__file__).parent.parent / "fixtures" / "contracts"


def minimal() -> dict[str, Any]:
    """A small but complete order form: one subscription line for a year."""
    return {
        "contract_id": "OF-2025-001",
        "document_type": "order_form",
        "supplier": {"code": "ACME-US", "name": "Acme Software, Inc."},
        "customer": {"code": "globex", "name": "Globex Corporation"},
        "currency": "USD",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "lines": [
            {
                "line_id": "L1",
                "sku": "PLAT-ENT",
                "description": "Platform, Enterprise",
                "billing_model": "subscription",
                "quantity": 50,
                "unit": "user",
                "unit_price": "1200.00",
                "amount": "60000.00",
            },
            {
                "line_id": "L2",
                "description": "Onboarding",
                "billing_model": "one_time",
                "quantity": 1,
                "unit_price": "5000.00",
                "amount": "5000.00",
            },
        ],
    }


def refusal(data: dict[str, Any], source: str | None = "contract.yaml") -> ContractInvalid:
    with pytest.raises(ContractInvalid) as caught:
        parse_contract(data, source)
    return caught.value


def with_change(path: str, value: Any) -> dict[str, Any]:
    """minimal() with the value at a dotted path (``lines.0.quantity``) replaced."""
    data = minimal()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


# --- the fixtures: a real order form and a real SOW -------------------------


def test_the_order_form_fixture_reads_with_exact_amounts_ramp_tiers_and_provenance() -> None:
    terms = load_contract(FIXTURES / "order_form_globex.yaml")

    assert terms.document_type is DocumentType.ORDER_FORM
    assert terms.currency == "USD"
    assert (terms.start_date, terms.end_date) == (date(2025, 1, 1), date(2027, 12, 31))
    subscription, usage, onboarding = terms.lines
    assert subscription.billing_model is BillingModel.SUBSCRIPTION
    assert subscription.unit_price == Decimal("960.00")
    assert [step.quantity for step in subscription.ramp] == [100, 110, 120]
    assert [step.amount for step in subscription.ramp] == [
        Decimal("96000.00"),
        Decimal("105600.00"),
        Decimal("115200.00"),
    ]
    assert usage.tier_mode is TierMode.GRADUATED
    assert [tier.unit_price for tier in usage.tiers] == [
        Decimal("0.0020"),
        Decimal("0.0015"),
        Decimal("0.0010"),
    ]
    assert usage.tiers[-1].up_to is None
    assert usage.timing is Timing.ARREARS
    assert onboarding.billing_model is BillingModel.ONE_TIME
    assert terms.total_contract_value == Decimal("349800.00")
    assert set(terms.provenance) == {"lines[0].unit_price", "end_date"}
    assert terms.provenance["lines[0].unit_price"].quote == "$960.00"
    assert terms.provenance["end_date"].box == (72.0, 412.5, 310.25, 426.0)


def test_the_sow_fixture_reads_milestones_rate_card_cap_and_expenses() -> None:
    terms = load_contract(FIXTURES / "sow_initech.json")

    assert terms.document_type is DocumentType.SOW
    assert terms.currency == "EUR"
    fixed_fee = terms.lines[0]
    assert fixed_fee.amount == Decimal("120000.00")
    assert [(m.milestone_id, m.amount, m.percent) for m in terms.milestones] == [
        ("M1", Decimal("36000.00"), None),
        ("M2", Decimal("48000.00"), None),
        ("M3", None, Decimal("30")),
    ]
    # 36,000 + 48,000 + 30 % of 120,000 = the fixed fee: the figures add up.
    assert Decimal("36000.00") + Decimal("48000.00") + Decimal("0.30") * fixed_fee.amount == (
        Decimal("120000.00")
    )
    assert [(r.role, r.rate, r.unit.value) for r in terms.rate_card] == [
        ("Solution Architect", Decimal("1650.00"), "day"),
        ("Senior Consultant", Decimal("1400.00"), "day"),
        ("Consultant", Decimal("1100.00"), "day"),
        ("Project Manager", Decimal("150.00"), "hour"),
    ]
    assert terms.not_to_exceed == Decimal("60000.00")
    # the fixed fee and the T&M cap; expenses are billed at cost and have no amount
    assert terms.total_contract_value == Decimal("180000.00")
    assert terms.expenses_policy is not None
    assert terms.expenses_policy.cap == Decimal("8000.00")
    assert terms.customer.address is not None
    assert terms.customer.address.line1 == "Hauptstraße 5"


# --- round trip and fingerprint -------------------------------------------


@pytest.mark.parametrize("name", ["order_form_globex.yaml", "sow_initech.json"])
def test_canonical_json_reads_back_to_equal_terms_with_the_same_fingerprint(name: str) -> None:
    terms = load_contract(FIXTURES / name)

    text = canonical_json(terms)
    again = parse_contract(json.loads(text), "canonical")

    assert again == terms
    assert canonical_json(again) == text
    assert terms_fingerprint(again) == terms_fingerprint(terms)
    # ... also when storage reads the JSON back with plain json.loads (floats stay out):
    assert ContractTerms.model_validate(json.loads(text)) == terms


def test_canonical_json_is_compact_sorted_with_decimals_as_strings() -> None:
    text = canonical_json(parse_contract(minimal()))

    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert ": " not in text
    assert ", " not in text.replace("Acme Software, Inc.", "").replace("Platform, Enterprise", "")
    assert data["lines"][0]["unit_price"] == "1200"
    assert data["lines"][0]["quantity"] == "50"
    # Defaults are left out, so a field added to the model later (say
    # ``lines[].replaces``) does not change the fingerprint of stored terms.
    assert "provenance" not in data and "purchase_order" not in data
    assert "replaces" not in data["lines"][0]


def test_adding_a_default_field_value_leaves_the_fingerprint_alone() -> None:
    plain = parse_contract(minimal())
    data = minimal()
    data["lines"][0]["replaces"] = None  # written out at its default
    data["purchase_order"] = None
    assert terms_fingerprint(parse_contract(data)) == terms_fingerprint(plain)


def test_the_same_terms_spelt_differently_have_one_fingerprint() -> None:
    as_strings = parse_contract(minimal())
    as_numbers = parse_contract(
        with_change("lines.0.unit_price", Decimal("1200.0")) | {"schema_version": "1"}
    )

    assert terms_fingerprint(as_numbers) == terms_fingerprint(as_strings)
    assert terms_fingerprint(as_strings) == terms_fingerprint(parse_contract(minimal()))


def test_a_changed_value_changes_the_fingerprint() -> None:
    before = terms_fingerprint(parse_contract(minimal()))

    assert terms_fingerprint(parse_contract(with_change("lines.0.quantity", 51))) != before
    assert terms_fingerprint(parse_contract(with_change("end_date", "2026-01-01"))) != before
    assert len(before) == 64
    assert int(before, 16) >= 0


def test_terms_are_immutable() -> None:
    terms = parse_contract(minimal())

    with pytest.raises(ValidationError):
        terms.currency = "EUR"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        terms.lines.append(terms.lines[0])  # type: ignore[attr-defined]


# --- the published JSON Schema ---------------------------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def test_the_schema_is_published_with_id_title_and_required_keys() -> None:
    schema = contract_json_schema()

    assert schema["$id"] == SCHEMA_ID == "https://billops.dev/schemas/contract.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert schema["description"]
    assert set(schema["required"]) == {
        "contract_id",
        "document_type",
        "supplier",
        "customer",
        "currency",
    }
    assert schema["additionalProperties"] is False
    assert json.loads(json.dumps(schema)) == schema  # plain JSON, nothing Python-only


def test_the_schema_lists_the_nine_billing_models_for_lines() -> None:
    schema = contract_json_schema()

    line = _resolve(schema, schema["properties"]["lines"]["items"])
    billing_model = _resolve(schema, line["properties"]["billing_model"])

    assert billing_model["enum"] == [
        "subscription",
        "fixed_fee",
        "milestone",
        "time_and_materials",
        "usage",
        "one_time",
        "hardware",
        "maintenance",
        "expenses",
    ]
    assert set(line["required"]) == {"line_id", "description", "billing_model"}
    assert line["additionalProperties"] is False


def test_every_field_in_the_schema_is_documented() -> None:
    schema = contract_json_schema()
    undocumented = [
        f"{name}.{field}"
        for name, definition in [("ContractTerms", schema), *schema["$defs"].items()]
        for field, spec in definition.get("properties", {}).items()
        if not spec.get("description")
    ]

    assert undocumented == []


def test_the_schema_accepts_amounts_as_numbers_or_decimal_strings() -> None:
    schema = contract_json_schema()

    amount = schema["properties"]["total_contract_value"]["anyOf"]
    assert {"type": "number", "minimum": 0, "maximum": 10**12} in amount
    assert {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"} in amount
    assert schema["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"


# --- refusals name the field and the value -----------------------------------


def test_an_unknown_currency_is_refused_naming_it() -> None:
    error = refusal(with_change("currency", "XYZ"))

    assert str(error) == "contract.yaml: currency: is not an ISO 4217 currency code (got 'XYZ')"
    assert error.field == "currency"
    assert error.value == "XYZ"
    assert isinstance(error, InvalidInput)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("XAU", "is not a billing currency"),
        ("usd", "must be written in upper case: 'USD'"),
        ("US", "must be a three-letter ISO 4217 currency code"),
    ],
)
def test_currencies_that_cannot_be_billed_are_refused(code: str, expected: str) -> None:
    error = refusal(with_change("currency", code))

    assert f"currency: {expected}" in str(error)
    assert f"(got '{code}')" in str(error)


def test_a_negative_quantity_is_refused() -> None:
    error = refusal(with_change("lines.1.quantity", -5))

    assert str(error) == (
        "contract.yaml: lines[1].quantity: must be greater than or equal to 0 (got '-5')"
    )


def test_an_absurd_quantity_is_refused_as_a_likely_typo() -> None:
    error = refusal(with_change("lines.0.quantity", 10**20))

    assert error.field == "lines[0].quantity"
    assert "implausibly large" in str(error)
    assert "(got '100000000000000000000')" in str(error)


def test_an_end_date_before_the_start_date_is_refused() -> None:
    error = refusal(with_change("end_date", "2024-12-31"))

    assert str(error) == (
        "contract.yaml: end_date: must be on or after start_date 2025-01-01 (got '2024-12-31')"
    )


def test_a_service_end_before_its_start_is_refused() -> None:
    data = minimal()
    data["lines"][0] |= {"service_start": "2025-06-01", "service_end": "2025-05-31"}

    error = refusal(data)

    assert error.field == "lines[0].service_end"
    assert "(got '2025-05-31')" in str(error)


def test_signing_after_the_term_ended_is_refused_but_backdating_is_not() -> None:
    error = refusal(with_change("signature_date", "2026-02-01"))
    assert error.field == "signature_date"
    assert "(got '2026-02-01')" in str(error)

    backdated = parse_contract(minimal() | {"signature_date": "2025-01-20"})
    assert backdated.signature_date == date(2025, 1, 20)


def test_a_number_where_a_date_belongs_is_refused() -> None:
    error = refusal(with_change("start_date", 20250101))

    assert str(error) == (
        "contract.yaml: start_date: must be a date written as YYYY-MM-DD (got '20250101')"
    )


def test_a_duplicate_line_id_is_refused_at_the_second_line() -> None:
    error = refusal(with_change("lines.1.line_id", "L1"))

    assert str(error) == "contract.yaml: lines[1].line_id: is already used by lines[0] (got 'L1')"


def test_a_misspelt_key_is_refused_with_a_suggestion() -> None:
    data = minimal()
    data["lines"][0]["quantty"] = data["lines"][0].pop("quantity")

    error = refusal(data)

    assert str(error) == (
        "contract.yaml: lines[0].quantty: is not a known field (got '50'); did you mean 'quantity'?"
    )


def test_a_float_given_in_python_is_refused() -> None:
    error = refusal(with_change("lines.0.unit_price", 1200.10))

    assert error.field == "lines[0].unit_price"
    assert "not a float" in str(error)
    assert "(got '1200.1')" in str(error)
    with pytest.raises(ValidationError, match="not a float"):
        ContractLine(
            line_id="L1",
            description="x",
            billing_model=BillingModel.ONE_TIME,
            amount=0.1,
        )


def test_decimals_ints_and_decimal_strings_are_accepted_in_python() -> None:
    line = ContractLine(
        line_id="L1",
        description="x",
        billing_model=BillingModel.SUBSCRIPTION,
        quantity=3,
        unit_price="19.99",
        amount=Decimal("59.97"),
    )

    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal(3),
        Decimal("19.99"),
        Decimal("59.97"),
    )


def test_a_provenance_key_naming_no_field_is_refused() -> None:
    source = {"document": {"name": "of.pdf"}, "page": 1}
    data = minimal() | {"provenance": {"lines[5].unit_price": source}}

    error = refusal(data)

    assert str(error) == (
        "contract.yaml: provenance: key names no field of the contract: lines has 2 entries, "
        "so no [5] (got 'lines[5].unit_price')"
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("currancy", "the contract has no field 'currancy' (did you mean 'currency'?)"),
        ("lines[0].unit_prise", "lines[0] has no field 'unit_prise'"),
        ("purchase_order.number", "purchase_order is not set"),
        ("currency.code", "currency has no fields"),
        ("provenance", "the contract has no field 'provenance'"),
        ("Lines[0]", "not a field path"),
    ],
)
def test_provenance_keys_must_name_a_value_of_these_terms(key: str, reason: str) -> None:
    data = minimal() | {"provenance": {key: {"document": {"name": "of.pdf"}}}}

    error = refusal(data)

    assert error.field == "provenance"
    assert reason in str(error)
    assert f"(got '{key}')" in str(error)


def test_provenance_may_point_at_any_value_that_exists() -> None:
    source = {"document": {"name": "of.pdf"}, "confidence": "0.9"}
    keys = ["currency", "lines[1]", "lines[0].unit_price", "customer.name", "lines[0].tiers"]

    terms = parse_contract(minimal() | {"provenance": dict.fromkeys(keys, source)})

    assert set(terms.provenance) == set(keys)
    assert terms.provenance["currency"].confidence == Decimal("0.9")


def test_an_amendment_must_say_what_it_amends() -> None:
    error = refusal(with_change("document_type", "amendment"))

    assert error.field == "amends"
    assert "is required for an amendment" in str(error)

    amendment = parse_contract(minimal() | {"document_type": "amendment", "amends": "OF-2024-9"})
    assert amendment.amends == "OF-2024-9"


def test_only_an_amendment_amends() -> None:
    error = refusal(minimal() | {"amends": "OF-2024-9"})

    assert error.field == "amends"
    assert "(got 'OF-2024-9')" in str(error)


def test_a_milestone_with_both_amount_and_percent_is_refused() -> None:
    milestone = {"milestone_id": "M1", "name": "Go-live", "amount": "5000.00", "percent": "10"}

    error = refusal(minimal() | {"milestones": [milestone]})

    assert str(error) == (
        "contract.yaml: milestones[0].percent: give either amount or percent, not both (got '10')"
    )


def test_a_milestone_with_neither_amount_nor_percent_is_refused() -> None:
    with pytest.raises(ValidationError, match="is required"):
        Milestone(milestone_id="M1", name="Go-live")


def test_references_to_lines_must_name_existing_lines() -> None:
    data = minimal()
    data["lines"][1]["bundle_parent"] = "L9"
    data["milestones"] = [{"milestone_id": "M1", "name": "x", "amount": 1, "line_id": "L7"}]
    data["lines"].append(
        {
            "line_id": "L3",
            "description": "Maintenance",
            "billing_model": "maintenance",
            "percent_of_line": "L8",
            "percent": "18",
        }
    )

    error = refusal(data)

    assert error.errors == [
        "lines[1].bundle_parent: names no line of this contract (got 'L9')",
        "lines[2].percent_of_line: names no line of this contract (got 'L8')",
        "milestones[0].line_id: names no line of this contract (got 'L7')",
    ]
    assert str(error).endswith("(got 'L9'); and 2 more problems")


def test_a_bundle_cycle_is_refused() -> None:
    data = minimal()
    data["lines"][0]["bundle_parent"] = "L2"
    data["lines"][1]["bundle_parent"] = "L1"

    error = refusal(data)

    assert error.errors == [
        "lines[0].bundle_parent: forms a cycle of bundle parents (got 'L2')",
        "lines[1].bundle_parent: forms a cycle of bundle parents (got 'L1')",
    ]


def test_usage_tiers_must_ascend_and_only_the_last_may_be_open() -> None:
    data = minimal()
    data["lines"][0] |= {
        "tier_mode": "volume",
        "tiers": [
            {"up_to": 1000, "unit_price": "1.00"},
            {"unit_price": "0.90"},
            {"up_to": 500, "unit_price": "0.80"},
        ],
    }

    error = refusal(data)

    assert error.errors == [
        "lines[0].tiers[1].up_to: may be open-ended only on the last tier",
        "lines[0].tiers[2].up_to: must be greater than the previous tier's up_to 1000 (got '500')",
    ]


def test_tiers_need_a_mode_and_packages_a_size() -> None:
    data = minimal()
    data["lines"][0] |= {"tiers": [{"unit_price": "1.00"}]}
    assert refusal(data).field == "lines[0].tier_mode"

    data["lines"][0] |= {"tier_mode": "package"}
    error = refusal(data)
    assert error.field == "lines[0].tiers[0].package_size"
    assert "must be greater than 0 in package mode" in str(error)


def test_ramp_steps_must_be_in_date_order() -> None:
    data = minimal()
    data["lines"][0]["ramp"] = [
        {"start_date": "2025-01-01", "end_date": "2025-06-30", "quantity": 50},
        {"start_date": "2025-06-01", "quantity": 60},
    ]

    error = refusal(data)

    assert error.field == "lines[0].ramp[1].start_date"
    assert "(got '2025-06-01')" in str(error)


def test_percentages_stay_within_0_and_100() -> None:
    error = refusal(with_change("lines.0", minimal()["lines"][0] | {"discount_percent": "120"}))

    assert str(error) == (
        "contract.yaml: lines[0].discount_percent: must be less than or equal to 100 (got '120')"
    )


def test_several_problems_are_all_listed_and_the_first_is_named() -> None:
    data = minimal() | {"currency": "XYZ", "contract_id": "bad id!"}
    data["lines"][0]["quantity"] = "-1"

    error = refusal(data)

    assert str(error).startswith("contract.yaml: contract_id: must be 1 to 64 letters")
    assert str(error).endswith("(got 'bad id!'); and 2 more problems")
    assert error.errors[1:] == [
        "currency: is not an ISO 4217 currency code (got 'XYZ')",
        "lines[0].quantity: must be greater than or equal to 0 (got '-1')",
    ]


def test_a_missing_required_field_is_named() -> None:
    data = minimal()
    del data["customer"]

    assert str(refusal(data)) == "contract.yaml: customer: is required"


def test_a_wrong_enum_value_gets_a_suggestion() -> None:
    error = refusal(with_change("lines.0.billing_model", "subscripton"))

    assert error.field == "lines[0].billing_model"
    assert "did you mean 'subscription'?" in str(error)


def test_a_number_given_for_a_text_field_asks_for_quotes() -> None:
    error = refusal(with_change("lines.0.sku", 4711))

    assert str(error) == (
        "contract.yaml: lines[0].sku: must be a valid string (got '4711'); "
        "write it in quotes so that it is read as text"
    )


def test_data_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must be a mapping of contract fields"):
        parse_contract([1, 2], "contract.json")  # type: ignore[arg-type]


def test_without_a_source_the_message_starts_with_the_field() -> None:
    error = refusal(with_change("currency", "XYZ"), source=None)

    assert str(error).startswith("currency: ")
