"""Money: exact amounts, currency minor units, rounding at named points, exact splitting.

Expected values are worked out by hand, not computed with the code under test.
"""

from __future__ import annotations

import pickle
from decimal import Decimal, getcontext, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billops.domain.money import (
    AMOUNT_LIMIT,
    Money,
    RoundingMode,
    allocate,
    currency_minor_units,
    parse_rounding_mode,
    split_evenly,
    sum_money,
    validate_currency,
)
from billops.errors import CurrencyError, CurrencyMismatch, InvalidInput


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def amounts(parts: list[Money]) -> list[str]:
    return [part.to_dict()["amount"] for part in parts]


# --- currencies -------------------------------------------------------------


@pytest.mark.parametrize(("code", "units"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("BHD", 3)])
def test_minor_units_come_from_iso_4217(code: str, units: int) -> None:
    assert currency_minor_units(code) == units


def test_a_known_currency_is_returned_as_written() -> None:
    assert validate_currency("KWD") == "KWD"


@pytest.mark.parametrize("code", ["ZZZ", "ABC"])
def test_an_unknown_currency_is_refused_and_named(code: str) -> None:
    with pytest.raises(CurrencyError, match="unknown currency code") as caught:
        validate_currency(code)
    assert caught.value.value == code


@pytest.mark.parametrize("code", ["usd", "Usd", " USD", "USD ", "US", "USDX", "", "U$D"])
def test_a_malformed_currency_code_is_refused_not_normalised(code: str) -> None:
    with pytest.raises(CurrencyError, match="three upper-case letters") as caught:
        Money("1.00", code)
    assert repr(code) in str(caught.value)


@pytest.mark.parametrize("code", [None, 840, b"USD"])
def test_a_currency_that_is_not_a_string_is_refused(code: object) -> None:
    with pytest.raises(CurrencyError):
        validate_currency(code)


@pytest.mark.parametrize("code", ["XAU", "XXX", "XDR"])
def test_codes_without_minor_units_are_not_billing_currencies(code: str) -> None:
    with pytest.raises(CurrencyError, match="not a billing currency"):
        currency_minor_units(code)


# --- construction -----------------------------------------------------------


def test_a_string_amount_is_kept_exactly() -> None:
    price = Money("1234.5678", "USD")
    assert price.amount == Decimal("1234.5678")
    assert price.currency == "USD"


def test_int_and_decimal_amounts_are_accepted() -> None:
    assert Money(12, "JPY").amount == Decimal(12)
    assert Money(Decimal("-0.10"), "EUR").amount == Decimal("-0.10")


@pytest.mark.parametrize("amount", [1.10, 0.0, float("nan")])
def test_a_float_amount_is_refused_with_a_clear_message(amount: float) -> None:
    with pytest.raises(TypeError, match="floats are inexact"):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [True, False, None, [1], Fraction(1, 3)])
def test_other_types_are_refused(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["NaN", "Infinity", "-inf", "1e3", "1,000.00", " 1.00", "1_000", "", "12.", ".5", "abc"]
)
def test_junk_strings_are_refused_naming_the_value(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a plain decimal number") as caught:
        Money(text, "USD")
    assert caught.value.value == text


@pytest.mark.parametrize("text", ["+1.50", "-1.50", "0", "007.10"])
def test_plain_decimal_strings_with_a_sign_are_accepted(text: str) -> None:
    assert Money(text, "USD").amount == Decimal(text)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")])
def test_non_finite_decimals_are_refused(amount: Decimal) -> None:
    with pytest.raises(InvalidInput, match="finite"):
        Money(amount, "USD")


def test_absurd_amounts_are_refused_as_input_errors() -> None:
    assert Money("999999999999999.99", "USD").amount == Decimal("999999999999999.99")
    with pytest.raises(InvalidInput, match="too large"):
        Money("1000000000000000", "USD")
    with pytest.raises(InvalidInput, match="too large"):
        Money(-(10**15), "USD")
    with pytest.raises(InvalidInput, match="too large"):
        usd("999999999999999.99") + usd("0.01")
    assert format(AMOUNT_LIMIT, "f") == "1000000000000000"


def test_money_is_immutable() -> None:
    price = usd("1.00")
    with pytest.raises(AttributeError):
        price.amount = Decimal(2)  # type: ignore[misc]


def test_negative_zero_is_plain_zero() -> None:
    assert (-usd("0.00")).to_dict() == {"amount": "0.00", "currency": "USD"}


# --- arithmetic -------------------------------------------------------------


def test_adding_and_subtracting_within_one_currency() -> None:
    assert usd("10.10") + usd("0.25") == usd("10.35")
    assert usd("10.10") - usd("20.00") == usd("-9.90")


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch, match="cannot add USD and EUR"):
        usd("1.00") + Money("1.00", "EUR")
    with pytest.raises(CurrencyMismatch, match="cannot subtract USD and JPY"):
        usd("1.00") - Money("1", "JPY")


def test_money_and_plain_numbers_do_not_add() -> None:
    with pytest.raises(TypeError):
        usd("1.00") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        sum([usd("1.00")])  # type: ignore[list-item]


def test_multiplying_and_dividing_by_numbers() -> None:
    assert usd("19.99") * 3 == usd("59.97")
    assert 3 * usd("19.99") == usd("59.97")
    assert usd("100.00") * Decimal("0.15") == usd("15.00")
    assert usd("10.00") / 4 == usd("2.50")


def test_division_keeps_the_unrounded_intermediate_value() -> None:
    third = usd("100.00") / 3
    assert third.amount == Decimal("33.33333333333333333333333333333333")
    assert not third.is_rounded()
    assert third.round() == usd("33.33")


def test_arithmetic_does_not_depend_on_the_callers_decimal_context() -> None:
    with localcontext() as context:
        context.prec = 5
        assert (usd("100.00") / 3).amount == Decimal("33.33333333333333333333333333333333")
    assert getcontext().prec == 28


@pytest.mark.parametrize("factor", [1.5, True, "2"])
def test_multiplying_by_a_float_bool_or_string_is_refused(factor: object) -> None:
    with pytest.raises(TypeError, match="only be multiplied by Decimal or int"):
        usd("1.00") * factor  # type: ignore[operator]


def test_money_times_money_is_refused() -> None:
    with pytest.raises(TypeError):
        usd("1.00") * usd("2.00")  # type: ignore[operator]
    with pytest.raises(TypeError):
        usd("1.00") / usd("2.00")  # type: ignore[operator]


def test_dividing_by_zero_is_an_input_error() -> None:
    with pytest.raises(InvalidInput, match="divide money by zero"):
        usd("1.00") / 0


def test_negation_and_absolute_value() -> None:
    assert -usd("5.00") == usd("-5.00")
    assert abs(usd("-5.00")) == usd("5.00")


def test_comparisons_within_one_currency() -> None:
    assert usd("1.00") < usd("1.01") <= usd("1.01")
    assert usd("2.00") > usd("1.99") >= usd("1.99")
    assert usd("1.0") == usd("1.00")
    assert hash(usd("1.0")) == hash(usd("1.00"))


def test_comparing_across_currencies_is_refused_but_equality_is_false() -> None:
    with pytest.raises(CurrencyMismatch, match="cannot compare USD and EUR"):
        assert usd("1.00") < Money("2.00", "EUR")
    assert usd("1.00") != Money("1.00", "EUR")


def test_zero_is_written_with_the_currency_minor_units() -> None:
    assert Money.zero("USD").to_dict()["amount"] == "0.00"
    assert Money.zero("JPY").to_dict()["amount"] == "0"
    assert Money.zero("BHD").is_zero()
    assert not usd("0.01").is_zero()


def test_sum_money_adds_lines_and_is_zero_for_none() -> None:
    lines = [usd("10.00"), usd("0.99"), usd("-2.50")]
    assert sum_money(lines, "USD") == usd("8.49")
    assert sum_money([], "USD") == Money.zero("USD")
    assert sum_money(iter([]), "BHD").currency == "BHD"
    with pytest.raises(CurrencyMismatch):
        sum_money([usd("1.00")], "EUR")


# --- rounding ---------------------------------------------------------------


def test_half_up_and_half_even_differ_on_a_half() -> None:
    assert usd("2.345").round() == usd("2.35")
    assert usd("2.345").round(RoundingMode.HALF_EVEN) == usd("2.34")
    assert usd("2.355").round(RoundingMode.HALF_EVEN) == usd("2.36")


@pytest.mark.parametrize(
    ("mode", "positive", "negative"),
    [
        (RoundingMode.HALF_UP, "2.35", "-2.35"),
        (RoundingMode.HALF_EVEN, "2.34", "-2.34"),
        (RoundingMode.HALF_DOWN, "2.34", "-2.34"),
        (RoundingMode.DOWN, "2.34", "-2.34"),
        (RoundingMode.UP, "2.35", "-2.35"),
        (RoundingMode.CEILING, "2.35", "-2.34"),
        (RoundingMode.FLOOR, "2.34", "-2.35"),
    ],
)
def test_every_rounding_mode_on_a_half_cent(
    mode: RoundingMode, positive: str, negative: str
) -> None:
    assert usd("2.345").round(mode) == usd(positive)
    assert usd("-2.345").round(mode) == usd(negative)


def test_rounding_follows_the_currency_minor_units() -> None:
    assert Money("1234.5", "JPY").round() == Money("1235", "JPY")
    assert Money("1.2345", "BHD").round() == Money("1.235", "BHD")
    assert Money("1.2345", "BHD").round().to_dict()["amount"] == "1.235"
    assert usd("7").round().to_dict()["amount"] == "7.00"


def test_is_rounded_looks_at_the_value_not_the_notation() -> None:
    assert usd("1.230").is_rounded()
    assert usd("5").is_rounded()
    assert not usd("1.234").is_rounded()
    assert not Money("0.5", "JPY").is_rounded()


def test_rounding_modes_are_named_for_settings() -> None:
    assert parse_rounding_mode("half_even") is RoundingMode.HALF_EVEN
    assert RoundingMode.HALF_UP.decimal_rounding == "ROUND_HALF_UP"
    with pytest.raises(InvalidInput, match="unknown rounding mode"):
        parse_rounding_mode("bankers")


# --- allocation -------------------------------------------------------------


def test_a_hundred_dollars_in_three_installments() -> None:
    assert amounts(split_evenly(usd("100.00"), 3)) == ["33.34", "33.33", "33.33"]


def test_ten_yen_by_equal_weights() -> None:
    assert amounts(allocate(Money("10", "JPY"), [1, 1, 1])) == ["4", "3", "3"]


def test_bahraini_dinar_splits_to_the_fils() -> None:
    assert amounts(split_evenly(Money("1.000", "BHD"), 3)) == ["0.334", "0.333", "0.333"]


def test_a_credit_splits_as_the_mirror_image() -> None:
    assert amounts(split_evenly(usd("-100.00"), 3)) == ["-33.34", "-33.33", "-33.33"]


def test_allocation_by_decimal_weights_gives_leftovers_to_the_largest_remainders() -> None:
    # 0.05 by 0.333 : 0.333 : 0.334 -> exact shares 1.665, 1.665, 1.67 cents;
    # 1 cent each, the 2 left go to 1.67 (largest) then the earlier 1.665.
    parts = allocate(usd("0.05"), [Decimal("0.333"), Decimal("0.333"), Decimal("0.334")])
    assert amounts(parts) == ["0.02", "0.01", "0.02"]


def test_zero_weights_get_nothing() -> None:
    assert amounts(allocate(usd("1.00"), [0, 1, 0, 2])) == ["0.00", "0.33", "0.00", "0.67"]


def test_zero_money_allocates_to_zeros() -> None:
    assert amounts(allocate(usd("0.00"), [1, 2])) == ["0.00", "0.00"]


def test_ties_go_to_the_earlier_part() -> None:
    assert amounts(allocate(usd("0.02"), [1, 1, 1])) == ["0.01", "0.01", "0.00"]
    assert amounts(allocate(usd("0.01"), [1, 3, 1, 3])) == ["0.00", "0.01", "0.00", "0.00"]


def test_unrounded_money_must_be_rounded_before_allocation() -> None:
    with pytest.raises(InvalidInput, match="round it first"):
        allocate(usd("100.005"), [1, 1])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "empty list of weights"),
        ([0, 0], "every weight is zero"),
        ([1, -1], "must not be negative"),
        ([1, Decimal("NaN")], "finite"),
    ],
)
def test_impossible_weights_are_refused(weights: list[Decimal | int], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        allocate(usd("1.00"), weights)


@pytest.mark.parametrize("weights", [[0.5, 0.5], [True, 1], ["1", "1"]])
def test_float_bool_and_string_weights_are_refused(weights: list[object]) -> None:
    with pytest.raises(TypeError):
        allocate(usd("1.00"), weights)  # type: ignore[arg-type]


@pytest.mark.parametrize("parts", [0, -2])
def test_splitting_into_no_parts_is_refused(parts: int) -> None:
    with pytest.raises(InvalidInput, match="fewer than one part"):
        split_evenly(usd("1.00"), parts)


# --- serialization ----------------------------------------------------------


def test_to_dict_writes_the_amount_as_an_exact_string() -> None:
    assert usd("123.45").to_dict() == {"amount": "123.45", "currency": "USD"}
    assert Money(Decimal("1E+3"), "USD").to_dict() == {"amount": "1000", "currency": "USD"}


def test_from_dict_reads_what_to_dict_wrote() -> None:
    assert Money.from_dict({"amount": "123.45", "currency": "USD"}) == usd("123.45")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"amount": 123.45, "currency": "USD"}, InvalidInput),
        ({"amount": "123.45"}, InvalidInput),
        ({"currency": "USD"}, InvalidInput),
        ({"amount": "1", "currency": "USD", "note": "x"}, InvalidInput),
        ({"amount": "1", "currency": 840}, CurrencyError),
        ({"amount": "1", "currency": "usd"}, CurrencyError),
        ({"amount": "NaN", "currency": "USD"}, InvalidInput),
    ],
)
def test_from_dict_refuses_bad_data(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Money.from_dict(data)


def test_minor_units_round_trip() -> None:
    assert Money.from_minor_units(1999, "USD") == usd("19.99")
    assert Money.from_minor_units(-5, "BHD") == Money("-0.005", "BHD")
    assert Money("1234", "JPY").to_minor_units() == 1234
    with pytest.raises(InvalidInput, match="unrounded"):
        usd("0.001").to_minor_units()


def test_money_survives_pickling_and_prints_plainly() -> None:
    price = Money("1.50", "EUR")
    assert pickle.loads(pickle.dumps(price)) == price
    assert str(price) == "1.50 EUR"


# --- properties -------------------------------------------------------------

CURRENCIES = st.sampled_from(["USD", "JPY", "BHD", "EUR", "CLF"])
MINOR = st.integers(min_value=-(10**12), max_value=10**12)
WEIGHT = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
)
WEIGHTS = st.lists(WEIGHT, min_size=1, max_size=12).filter(any)


@given(minor=MINOR, currency=CURRENCIES, weights=WEIGHTS)
def test_allocation_sums_exactly_and_stays_within_one_minor_unit(
    minor: int, currency: str, weights: list[Decimal | int]
) -> None:
    whole = Money.from_minor_units(minor, currency)
    parts = allocate(whole, weights)
    assert len(parts) == len(weights)
    assert sum_money(parts, currency) == whole
    total_weight = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact_share = Fraction(minor) * Fraction(weight) / total_weight
        assert abs(Fraction(part.to_minor_units()) - exact_share) < 1
        assert part.is_rounded()
        if weight == 0:
            assert part.is_zero()


@given(minor=MINOR, currency=CURRENCIES, parts=st.integers(min_value=1, max_value=50))
def test_even_split_parts_differ_by_at_most_one_minor_unit(
    minor: int, currency: str, parts: int
) -> None:
    whole = Money.from_minor_units(minor, currency)
    pieces = [piece.to_minor_units() for piece in split_evenly(whole, parts)]
    assert sum(pieces) == minor
    assert max(pieces) - min(pieces) <= 1
    assert pieces == sorted(pieces, key=abs, reverse=True)


@given(value=st.floats(allow_nan=True, allow_infinity=True), currency=CURRENCIES)
def test_no_float_is_ever_accepted(value: float, currency: str) -> None:
    with pytest.raises(TypeError):
        Money(value, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money("1", currency) * value  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1", currency) / value  # type: ignore[operator]
    with pytest.raises(TypeError):
        allocate(Money("1", currency), [value])  # type: ignore[list-item]


@given(
    amount=st.decimals(
        min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
    ),
    currency=CURRENCIES,
    mode=st.sampled_from(list(RoundingMode)),
)
def test_rounding_is_idempotent_and_within_one_minor_unit(
    amount: Decimal, currency: str, mode: RoundingMode
) -> None:
    money = Money(amount, currency)
    once = money.round(mode)
    assert once.is_rounded()
    assert once.round(mode) == once
    assert once.round(RoundingMode.HALF_EVEN) == once
    assert abs(once.amount - amount) < Decimal(1).scaleb(-currency_minor_units(currency))


@given(minor=MINOR, currency=CURRENCIES)
def test_serialization_round_trips(minor: int, currency: str) -> None:
    money = Money.from_minor_units(minor, currency)
    data = money.to_dict()
    assert isinstance(data["amount"], str)
    assert Money.from_dict(data) == money
    assert Money.from_dict(data).to_dict() == data
