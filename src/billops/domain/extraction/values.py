"""Reading the values a contract writes: numbers, money, percentages, dates, durations.

Contracts are written by people in many countries, so the same value has
many spellings. This module turns those spellings into exact values and
says how sure it is; every finder returns the span of what it read, so the
caller can quote the source.

**Numbers.** ``1,234.56`` (US, UK), ``1.234,56`` (Germany), ``1 234,56``
(France, with a space or a no-break space), ``1'234.56`` (Switzerland),
``1234`` and ``(1,234.00)`` (negative, as accountants write it):

    >>> parse_number("1.234,56"), parse_number("1 234,56"), parse_number("(1,234.00)")
    (Decimal('1234.56'), Decimal('1234.56'), Decimal('-1234.00'))

A single separator followed by exactly three digits is a thousands
separator, whatever the document's decimal mark: in an order form
``1,234`` users and ``EUR 1.234`` are one thousand two hundred thirty-four
(nobody writes a seat count or a price to three decimals); ``0.125`` keeps
its decimals. Otherwise the one separator is the decimal mark:

    >>> parse_number("1,234"), parse_number("1.234"), parse_number("80,00"), parse_number("0.125")
    (Decimal('1234'), Decimal('1234'), Decimal('80.00'), Decimal('0.125'))

**Dates.** ISO ``2026-03-01`` is never ambiguous; neither are written
months (``March 1, 2026``, ``1st March 2026``, ``1-Mar-2026``,
``1. März 2026``) or dotted dates (``01.03.2026`` is day first, as in
Germany). ``03/04/2026`` is: the caller resolves the order from the
document (its currency, its countries, the locale) and passes it in; when
nothing decides, the reading is flagged ``ambiguous``:

    >>> [d.value.isoformat() for d in find_dates("from 03/04/2026 to 2026-05-31", "mdy")]
    ['2026-03-04', '2026-05-31']
    >>> [d.value.isoformat() for d in find_dates("from 03/04/2026 to 1. März 2027", "dmy")]
    ['2026-04-03', '2027-03-01']

**Durations** become months: ``twelve (12) months`` is 12, ``3 years`` 36.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

__all__ = [
    "CURRENCY_CODES",
    "DateMatch",
    "DateOrder",
    "DurationMatch",
    "MoneyMatch",
    "NumberMatch",
    "PercentMatch",
    "find_dates",
    "find_durations",
    "find_money",
    "find_numbers",
    "find_percents",
    "parse_number",
    "word_number",
]

DateOrder = Literal["mdy", "dmy"]
"""How a numeric date like 03/04/2026 is read: month first (US) or day first."""

# --------------------------------------------------------------------------
# Numbers

_GROUP_CHARS: Final = " \u00a0\u202f\u2009'’"
_PLAIN_AMOUNT: Final = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
    r"|\d{1,3}(?:['’]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
)
_SPACED_AMOUNT: Final = r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?"
NUMBER_PATTERN: Final = rf"(?<![\w.,])\(?[-−]?(?:{_PLAIN_AMOUNT})\)?(?![\w])"
"""A number in running text (spaces are not read as thousands separators there)."""
_NUMBER: Final = re.compile(NUMBER_PATTERN)


def parse_number(text: str) -> Decimal | None:
    """The exact value of a written number, or None when ``text`` is not one.

    >>> parse_number("1'234.50"), parse_number("12,000"), parse_number("-5"), parse_number("abc")
    (Decimal('1234.50'), Decimal('12000'), Decimal('-5'), None)
    >>> parse_number("1.234.567"), parse_number("1,5")
    (Decimal('1234567'), Decimal('1.5'))
    """
    raw = text.strip()
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    if raw[:1] in ("-", "−"):
        negative, raw = True, raw[1:]
    for char in _GROUP_CHARS:
        raw = raw.replace(char, "")
    if not raw or not re.fullmatch(r"[0-9.,]+", raw) or not raw[0].isdigit():
        return None
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        decimal_mark = "." if raw.rfind(".") > raw.rfind(",") else ","
        group = "," if decimal_mark == "." else "."
        if raw.count(decimal_mark) > 1:
            return None
        integer, fraction = raw.split(decimal_mark)
        if not _grouped(integer, group):
            return None
        digits = integer.replace(group, "") + "." + fraction
    elif dots + commas == 0:
        digits = raw
    else:
        mark = "." if dots else ","
        parts = raw.split(mark)
        if len(parts) > 2:
            if not _grouped(raw, mark):
                return None
            digits = raw.replace(mark, "")
        elif len(parts[1]) == 3 and parts[0] != "0" and len(parts[0]) <= 3:
            digits = parts[0] + parts[1]  # 1,234 and 1.234: a thousands separator
        else:
            digits = parts[0] + "." + parts[1]
    if digits.endswith(".") or digits.startswith("."):
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def _grouped(integer: str, group: str) -> bool:
    parts = integer.split(group)
    return 1 <= len(parts[0]) <= 3 and all(len(part) == 3 for part in parts[1:])


@dataclass(frozen=True, slots=True)
class NumberMatch:
    value: Decimal
    start: int
    end: int


def find_numbers(text: str, offset: int = 0) -> list[NumberMatch]:
    """Every number written in ``text``; spans are shifted by ``offset``."""
    found: list[NumberMatch] = []
    for match in _NUMBER.finditer(text):
        value = parse_number(match.group(0))
        if value is not None:
            start, end = match.span()
            found.append(NumberMatch(value, start + offset, end + offset))
    return found


# --------------------------------------------------------------------------
# Words for numbers ("thirty (30) days", "twelve months")

_UNITS: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
    "ein": 1, "eins": 1, "einen": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4,
    "sechs": 6, "zwölf": 12, "dreißig": 30, "sechzig": 60, "neunzig": 90, "vierzehn": 14,
}  # fmt: skip
_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
WORD_NUMBER_PATTERN: Final = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one hundred(?: and)? \w+|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)


def word_number(text: str) -> int | None:
    """The value of a number written in words (English, a few German), or None.

    >>> word_number("thirty"), word_number("forty-five"), word_number("twelve"), word_number("x")
    (30, 45, 12, None)
    """
    words = text.strip().lower().replace("-", " ").split()
    if not words:
        return None
    if words[:2] == ["one", "hundred"]:
        rest = [w for w in words[2:] if w != "and"]
        tail = word_number(" ".join(rest)) if rest else 0
        return None if tail is None else 100 + tail
    if len(words) == 1:
        if words[0] in _UNITS:
            return _UNITS[words[0]]
        return _TENS.get(words[0])
    if len(words) == 2 and words[0] in _TENS and words[1] in _UNITS and _UNITS[words[1]] < 10:
        return _TENS[words[0]] + _UNITS[words[1]]
    return None


# A count as contracts write it: "30", "thirty (30)", "thirty".
COUNT_PATTERN: Final = (
    r"(?:(?P<words>" + WORD_NUMBER_PATTERN + r")\s*\(\s*(?P<paren>\d{1,4})\s*\)"
    r"|(?P<digits>\d{1,4})|(?P<alone>" + WORD_NUMBER_PATTERN + r"))"
)


def count_value(match: re.Match[str]) -> int | None:
    """The count of a COUNT_PATTERN match: the digits win over the words."""
    for group in ("paren", "digits"):
        if match.group(group):
            return int(match.group(group))
    words = match.group("alone")
    return word_number(words) if words else None


# --------------------------------------------------------------------------
# Durations


@dataclass(frozen=True, slots=True)
class DurationMatch:
    months: int
    start: int
    end: int


_DURATION: Final = re.compile(
    r"(?<![\w])" + COUNT_PATTERN + r"\s*[- ]?\s*"
    r"(?P<unit>months?|mos?\b\.?|years?|yrs?\b\.?|Monate?n?|Jahre?n?|mois|ans?|años?|meses)"
    r"(?![a-z])",
    re.IGNORECASE,
)


def find_durations(text: str, offset: int = 0) -> list[DurationMatch]:
    """Every stated duration, in months.

    >>> [d.months for d in find_durations("a term of twelve (12) months, renewing yearly: 1-year")]
    [12, 12]
    >>> [d.months for d in find_durations("Laufzeit: 24 Monate; 3 years")]
    [24, 36]
    """
    found: list[DurationMatch] = []
    for match in _DURATION.finditer(text):
        count = count_value(match)
        if count is None or count == 0:
            continue
        unit = match.group("unit").lower()
        months = count if unit.startswith(("mo", "me")) else count * 12
        found.append(DurationMatch(months, match.start() + offset, match.end() + offset))
    return found


# --------------------------------------------------------------------------
# Money

CURRENCY_CODES: Final = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "CHF",
        "JPY",
        "CAD",
        "AUD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "SGD",
        "HKD",
        "CNY",
        "BRL",
        "MXN",
        "ZAR",
        "AED",
        "SAR",
        "ILS",
        "KRW",
        "TRY",
        "RON",
        "BGN",
        "ISK",
    ]
)
_SYMBOLS: Final = {
    "US$": "USD", "C$": "CAD", "CA$": "CAD", "CAD$": "CAD", "A$": "AUD", "AU$": "AUD",
    "NZ$": "NZD", "S$": "SGD", "HK$": "HKD", "R$": "BRL", "€": "EUR", "£": "GBP", "¥": "JPY",
    "₹": "INR", "$": "$", "kr.": "kr", "kr": "kr", "Fr.": "CHF", "SFr.": "CHF", "zł": "PLN",
}  # fmt: skip
_SYMBOL_PATTERN: Final = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_PATTERN: Final = "|".join(sorted(CURRENCY_CODES))
_AMOUNT: Final = rf"\(?[-−]?(?:{_SPACED_AMOUNT}|{_PLAIN_AMOUNT})\)?"
_MONEY: Final = re.compile(
    rf"(?:(?<![A-Za-z])(?P<pcode>{_CODE_PATTERN})|(?P<psym>{_SYMBOL_PATTERN}))\s?(?P<pnum>{_AMOUNT})(?![\w])"
    rf"|(?<![\w.,])(?P<snum>{_AMOUNT})\s?(?:(?P<scode>{_CODE_PATTERN})(?![A-Za-z])|(?P<ssym>€|£|¥|₹|kr\.?(?![a-z])|zł|Fr\.))"
)


@dataclass(frozen=True, slots=True)
class MoneyMatch:
    """An amount as written: ``currency`` is an ISO code, ``"$"`` or ``"kr"``, or None."""

    amount: Decimal
    currency: str | None
    start: int
    end: int
    number_start: int
    number_end: int


def find_money(text: str, offset: int = 0) -> list[MoneyMatch]:
    """Every amount written with a currency code or symbol, before or after the number.

    >>> [(str(m.amount), m.currency) for m in find_money("USD 80.00, 1.234,56 €, $5k, £ 2,000")]
    [('80.00', 'USD'), ('1234.56', 'EUR'), ('2000', 'GBP')]

    ``$`` stays ``"$"``: which dollar is the document's to say.
    """
    found: list[MoneyMatch] = []
    for match in _MONEY.finditer(text):
        group = "pnum" if match.group("pnum") else "snum"
        value = parse_number(match.group(group))
        if value is None:
            continue
        code = match.group("pcode") or match.group("scode")
        symbol = match.group("psym") or match.group("ssym")
        currency = code if code else _SYMBOLS.get(symbol or "", None)
        if currency is None and symbol and symbol.startswith("kr"):
            currency = "kr"
        number_start, number_end = match.span(group)
        found.append(
            MoneyMatch(
                value,
                currency,
                match.start() + offset,
                match.end() + offset,
                number_start + offset,
                number_end + offset,
            )
        )
    return found


# --------------------------------------------------------------------------
# Percentages


@dataclass(frozen=True, slots=True)
class PercentMatch:
    value: Decimal
    start: int
    end: int


_PERCENT: Final = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:[.,]\d+)?)\s?(?:%|percent\b|per cent\b|Prozent\b|pour cent\b)",
    re.IGNORECASE,
)


def find_percents(text: str, offset: int = 0) -> list[PercentMatch]:
    """Every percentage: ``5%``, ``12.5 %``, ``7,5 %``, ``three percent (3%)`` (the digits).

    >>> [str(p.value) for p in find_percents("a 12.5 % discount, uplift 7,5% and 10 percent")]
    ['12.5', '7.5', '10']
    """
    found: list[PercentMatch] = []
    for match in _PERCENT.finditer(text):
        value = Decimal(match.group("num").replace(",", "."))
        found.append(PercentMatch(value, match.start() + offset, match.end() + offset))
    return found


# --------------------------------------------------------------------------
# Dates

_MONTHS: Final = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3, "mai": 5,
    "juni": 6, "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
_MONTH: Final = (
    r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![a-zäéû])"
)
_DAY: Final = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR: Final = r"(?P<year>(?:19|20|21)\d\d)"
_DATE_PATTERNS: Final = (
    ("iso", rf"(?<!\d){_YEAR}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)"),
    ("ymd", rf"(?<!\d){_YEAR}/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?!\d)"),
    ("month_first", rf"(?<![\w]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)"),
    ("day_first", rf"(?<![\w]){_DAY}\s*(?:of\s+|de\s+)?{_MONTH}\s*,?\s*{_YEAR}(?!\d)"),
    ("dash", rf"(?<![\w]){_DAY}[-/ ]{_MONTH}[-/ ](?P<year2>(?:19|20|21)?\d\d)(?!\d)"),
    ("dotted", r"(?<![\d.])(?P<a>[0-3]?\d)\.(?P<b>[01]?\d)\.(?P<y>(?:19|20|21)\d\d|\d\d)(?![\d])"),
    (
        "numeric",
        r"(?<![\d/-])(?P<a>[01]?\d|[23]\d)[/-](?P<b>[0-3]?\d)[/-]"
        r"(?P<y>(?:19|20|21)\d\d|\d\d)(?![\d/])",
    ),
)
_DATE: Final = re.compile(
    "|".join(
        f"(?P<{name}>{pattern.replace('(?P<', f'(?P<{name}__')})"
        for name, pattern in _DATE_PATTERNS
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date as written. ``ambiguous``: day and month could swap and nothing said which."""

    value: date
    start: int
    end: int
    ambiguous: bool = False
    numeric: bool = False  # written as 03/04/2026: its order needed deciding


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, order: DateOrder | None = None, offset: int = 0) -> list[DateMatch]:
    """Every date written in ``text``; ``order`` reads numeric dates like 03/04/2026.

    Without an ``order``, a numeric date whose day and month could swap is
    read month first and marked ``ambiguous``; one that cannot swap
    (25/03/2026) is read the only way it can be.

    >>> d = find_dates("signed 03/04/2026")[0]
    >>> d.value.isoformat(), d.ambiguous
    ('2026-03-04', True)
    >>> written = "1st March 2026; Mar 1, 2026; 1-Mar-26; 25/03/2026"
    >>> [x.value.isoformat() for x in find_dates(written)]
    ['2026-03-01', '2026-03-01', '2026-03-01', '2026-03-25']
    """
    found: list[DateMatch] = []
    for match in _DATE.finditer(text):
        kind = next(name for name, _ in _DATE_PATTERNS if match.group(name))
        groups = {
            key.split("__", 1)[1]: value
            for key, value in match.groupdict().items()
            if value and key.startswith(kind + "__")
        }
        ambiguous = numeric = False
        value: date | None
        if kind in ("iso", "ymd"):
            value = _safe_date(int(groups["year"]), int(groups["m"]), int(groups["d"]))
        elif kind in ("month_first", "day_first", "dash"):
            month = _MONTHS[groups["month"].lower().rstrip(".")]
            year = _year(groups.get("year") or groups["year2"])
            value = _safe_date(year, month, int(groups["day"]))
        elif kind == "dotted":
            value = _safe_date(_year(groups["y"]), int(groups["b"]), int(groups["a"]))
        else:
            a, b, year = int(groups["a"]), int(groups["b"]), _year(groups["y"])
            numeric = True
            if a > 12 or b > 12:
                day, month = (a, b) if a > 12 else (b, a)
            elif a == b or order == "dmy":
                day, month = a, b
            else:
                day, month = b, a
                ambiguous = order is None
            value = _safe_date(year, month, day)
        if value is not None:
            found.append(
                DateMatch(value, match.start() + offset, match.end() + offset, ambiguous, numeric)
            )
    return found


def numeric_date_order_evidence(text: str) -> DateOrder | None:
    """The order the document's own numeric dates prove (25/03/2026 proves day first).

    >>> numeric_date_order_evidence("03/04/2026 to 25/03/2027"), numeric_date_order_evidence("x")
    ('dmy', None)
    """
    seen: set[DateOrder] = set()
    for match in _NUMERIC_DATE.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        if a > 12 >= b:
            seen.add("dmy")
        elif b > 12 >= a:
            seen.add("mdy")
    return seen.pop() if len(seen) == 1 else None


_NUMERIC_DATE: Final = re.compile(
    r"(?<![\d/-])([0-3]?\d)[/-]([0-3]?\d)[/-](?:(?:19|20|21)\d\d|\d\d)(?![\d/])"
)
