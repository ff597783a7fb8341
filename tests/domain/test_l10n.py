"""Formatting money for people: the expected strings are Babel's (CLDR) real output.

Non-breaking spaces (\\xa0), narrow no-break spaces (\\u202f) and right-to-left
marks (\\u200f) are part of the locales' conventions and written out here.
"""

from __future__ import annotations

import pytest

from billops.domain.l10n import format_amount, format_money
from billops.domain.money import Money, RoundingMode
from billops.errors import InvalidInput


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "USD", "en_US", "$1,234.50"),
        ("-1234.5", "USD", "en_US", "-$1,234.50"),
        ("1234.5", "EUR", "de_DE", "1.234,50\xa0€"),
        ("1234567.89", "EUR", "de_DE", "1.234.567,89\xa0€"),
        ("1234", "JPY", "ja_JP", "￥1,234"),
        ("1234.5", "BHD", "en", "BHD1,234.500"),
        ("1234.5", "BHD", "ar_BH", "\u200f1,234.500\xa0د.ب.\u200f"),
        ("1234.5", "USD", "fr_FR", "1\u202f234,50\xa0$US"),
        ("0", "USD", "en_US", "$0.00"),
    ],
)
def test_money_is_written_as_the_locale_writes_it(
    amount: str, currency: str, locale: str, expected: str
) -> None:
    assert format_money(Money(amount, currency), locale) == expected


def test_decimals_follow_iso_4217_even_where_cldr_differs() -> None:
    # CLDR shows Iraqi dinars without decimals; ISO 4217 (and billops) uses three.
    assert format_money(Money("1234.5", "IQD"), "en") == "IQD1,234.500"


def test_bcp47_locale_spelling_is_accepted() -> None:
    assert format_money(Money("2.5", "EUR"), "de-DE") == "2,50\xa0€"


def test_unrounded_amounts_are_rounded_for_display_only() -> None:
    intermediate = Money("2.345", "USD")
    assert format_money(intermediate, "en_US") == "$2.35"
    assert format_money(intermediate, "en_US", rounding=RoundingMode.HALF_EVEN) == "$2.34"
    assert format_money(Money("1234.5", "JPY"), "ja_JP") == "￥1,235"
    assert intermediate.amount == Money("2.345", "USD").amount


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "USD", "en_US", "1,234.50"),
        ("-1234567.8", "EUR", "de_DE", "-1.234.567,80"),
        ("1234", "JPY", "ja_JP", "1,234"),
        ("1234.5", "BHD", "en", "1,234.500"),
        ("1234.5", "CHF", "de_CH", "1’234.50"),
    ],
)
def test_amount_alone_has_grouping_and_the_currency_decimals(
    amount: str, currency: str, locale: str, expected: str
) -> None:
    assert format_amount(Money(amount, currency), locale) == expected


@pytest.mark.parametrize("locale", ["xx_YY", "zz", "", "  ", "123", "en US"])
def test_an_unknown_locale_is_an_input_error(locale: str) -> None:
    with pytest.raises(InvalidInput, match="locale") as caught:
        format_money(Money("1.00", "USD"), locale)
    assert caught.value.field == "locale"
    with pytest.raises(InvalidInput, match="locale"):
        format_amount(Money("1.00", "USD"), locale)


def test_unit_prices_keep_their_fractions_of_a_cent() -> None:
    from billops.domain.l10n import format_unit_price

    assert format_unit_price(Money("0.0012", "USD"), "en_US") == "0.0012"
    assert format_unit_price(Money("960", "EUR"), "de_DE") == "960,00"
    assert format_unit_price(Money("1234.5", "USD"), "en_US") == "1,234.50"
    assert format_unit_price(Money("7", "JPY"), "ja_JP") == "7"
