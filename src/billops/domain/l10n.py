"""Money as people read it: symbols, grouping and decimal marks of a locale.

The same amount reads differently per country; the invoice follows the
legal entity's locale. Formatting is kept out of ``money.py`` on purpose:
computing and presenting are separate concerns, and the domain should not
change when a locale's conventions do (CLDR data, through Babel).

    >>> format_money(Money("1234.5", "USD"), "en_US")
    '$1,234.50'
    >>> format_money(Money("1234.5", "EUR"), "de_DE")
    '1.234,50\\xa0€'
    >>> format_amount(Money("1234.5", "BHD"), "en")
    '1,234.500'

The number of decimals is always the currency's ISO 4217 minor units (JPY
0, USD 2, BHD 3), the same precision billops rounds to, even where CLDR's
own preference differs (CLDR shows Iraqi dinars without decimals, ISO 4217
gives them three). Amounts with more decimals (unrounded intermediate
values) are rounded for display with ``rounding`` (half-up by default); the
``Money`` itself is never changed. Babel may emit non-breaking spaces
(``\\xa0``, ``\\u202f``) and bidi marks (``\\u200f``), which belong to the
locale's conventions: compare formatted strings with them written out.

Locales are written ``de_DE`` or ``de-DE``; an unknown or malformed locale
raises ``InvalidInput``.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern, format_currency, format_decimal

from billops.domain.money import Money, RoundingMode, currency_minor_units
from billops.errors import InvalidInput

__all__ = ["format_amount", "format_money", "format_unit_price"]


def format_money(
    money: Money, locale: str, *, rounding: RoundingMode = RoundingMode.HALF_UP
) -> str:
    """The amount with its currency symbol, as ``locale`` writes it.

    >>> format_money(Money("1234", "JPY"), "ja_JP")
    '￥1,234'
    """
    where = _parse_locale(locale)
    pattern = _with_minor_units(where.currency_formats["standard"], money.currency)
    shown = money.round(rounding).amount
    return format_currency(
        shown, money.currency, format=pattern, locale=where, currency_digits=False
    )


def format_amount(
    money: Money, locale: str, *, rounding: RoundingMode = RoundingMode.HALF_UP
) -> str:
    """The amount alone (no currency), with the locale's grouping and decimal mark.

    >>> format_amount(Money("-1234567.8", "EUR"), "de_DE")
    '-1.234.567,80'
    """
    where = _parse_locale(locale)
    pattern = _with_minor_units(where.decimal_formats[None], money.currency)
    return format_decimal(money.round(rounding).amount, format=pattern, locale=where)


def _with_minor_units(pattern: NumberPattern, currency: str) -> NumberPattern:
    """A copy of the locale's pattern showing exactly the currency's ISO minor units."""
    digits = currency_minor_units(currency)
    fixed = copy.copy(pattern)
    fixed.frac_prec = (digits, digits)
    return fixed


@lru_cache(maxsize=64)
def _parse_locale(locale: str) -> Locale:
    if not isinstance(locale, str) or not locale.strip():
        raise InvalidInput("a locale is required", field="locale", value=locale, hint="e.g. en_US")
    separator = "-" if "-" in locale else "_"
    try:
        return Locale.parse(locale, sep=separator)
    except (UnknownLocaleError, ValueError, TypeError):
        raise InvalidInput(
            "unknown locale",
            field="locale",
            value=locale,
            hint="use a locale such as en_US or de_DE",
        ) from None


def format_unit_price(money: Money, locale: str) -> str:
    """A unit price, never rounded: at least the currency's decimals, more when it has them.

    Unit prices of metered products are often fractions of a cent; rounding
    them for display would misstate the contract.

    >>> format_unit_price(Money("0.0012", "USD"), "en_US")
    '0.0012'
    >>> format_unit_price(Money("960", "EUR"), "de_DE")
    '960,00'
    """
    minor = currency_minor_units(money.currency)
    exponent = money.amount.as_tuple().exponent
    digits = max(minor, -exponent if isinstance(exponent, int) else 0)
    where = _parse_locale(locale)
    pattern = copy.copy(where.decimal_formats[None])
    pattern.frac_prec = (digits, digits)
    return format_decimal(money.amount, format=pattern, locale=where, decimal_quantization=True)
