"""Grounding: keep a value a language model proposes only if the document states it.

A language model reads a contract fluently and also, now and then, writes
down a PO number nobody issued, a total nobody signed, or a date a month
off. Billing on such a value is worse than billing on nothing, so every
value the LLM backend returns is checked against ``Document.text`` before
billops believes it: a value the text states (in whatever form it is
written) is *grounded* and gets a ``Provenance`` pointing at the words that
state it; anything else is *ungrounded*, dropped and reported with the
reason, so a person can see what the model claimed and why it was refused.

What "states" means, per kind of field:

- **numbers** (amounts, prices, quantities, percents, days): the number is
  written somewhere, in any usual form: ``12500``, ``12,500.00``,
  ``12.500,00``, ``12 500``, ``12'500``, ``12.5k``, "thirty (30) days".
  A number that appears nowhere is ungrounded, so a derived value (a total
  the document never writes down) is ungrounded by design;
- **dates**: the day is written in any usual form: ``2026-03-01``,
  ``March 1, 2026``, ``1st March 2026``, ``01.03.2026``, ``01/03/2026``
  (a numeric date that reads either way grounds both readings, with a lower
  confidence); a month without a day grounds nothing;
- **currency**: the ISO code (``EUR``) or a symbol or name (``€``, ``euro``);
- **enumerations** (billing model, frequency, timing, document type, ...)
  and **yes/no clauses** (auto-renewal, PO required, ...): evidence words
  ("billed quarterly in advance", "renews automatically"), looked for near
  the item's other values first;
- **text** (names, descriptions, addresses, e-mails): the text itself,
  ignoring case, runs of white space and typographic quotes and dashes;
  identifiers (PO numbers, SKUs, tax ids, phone numbers) also ignoring the
  spaces, dots, dashes and slashes written between their characters.

Confidence says how the value was found: 0.90 when the text writes it
exactly as the value, 0.80 after normalising (case, number or date form),
0.65 when the written form is ambiguous; evidence words give 0.70 for a
contract-level field and, for a field of a line, milestone or rate, 0.75
when they stand near the item's other values and 0.55 when only elsewhere.

Values equal to a schema default (``false``, ``per_contract``, ...) that
the document does not state are dropped silently (``skipped``), and so
are the model's own line and milestone ids (``L1``) when the text does not
write them: neither says anything about the contract.

    >>> from billops.domain.document import Document
    >>> doc = Document.from_text("of.txt", "Order Form\\nCustomer: Globex Corp.\\n"
    ...     "Fees: USD 12,500.00 per year, billed annually in advance. Start: March 1, 2026.")
    >>> result = ground({"currency": "USD", "total_contract_value": "12500",
    ...                  "start_date": "2026-03-01", "billing": {"frequency": "annual"},
    ...                  "purchase_order": {"number": "PO-7781"}},
    ...                 doc, extractor="llm/demo")
    >>> sorted(result.values)
    ['billing.frequency', 'currency', 'start_date', 'total_contract_value']
    >>> result.values["total_contract_value"].provenance.quote
    '12,500.00'
    >>> result.values["start_date"].provenance.quote
    'March 1, 2026'
    >>> result.ungrounded[0].reason
    "the text 'PO-7781' is not in the document"
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Final, Literal

from babel import Locale
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from billops.domain.contract import ContractTerms, DocumentRef, Provenance
from billops.domain.document import Box, Document, TableCell, TextBlock
from billops.domain.extraction.model import ExtractedValue

__all__ = [
    "AMBIGUOUS",
    "EVIDENCE_FAR",
    "EVIDENCE_NEAR",
    "EXACT",
    "NORMALISED",
    "GroundingResult",
    "UngroundedValue",
    "field_kind",
    "format_path",
    "ground",
    "split_path",
]

EXACT: Final = Decimal("0.90")
"""The document writes the value exactly as given."""
NORMALISED: Final = Decimal("0.80")
"""Found after normalising case, white space, or the written form of a number or date."""
SYMBOL: Final = Decimal("0.70")
"""A currency found by its symbol or name rather than its code."""
AMBIGUOUS: Final = Decimal("0.65")
"""Found, but the written form reads two ways (1,234 / 01/03/2026 / a bare $)."""
EVIDENCE_NEAR: Final = Decimal("0.75")
"""An enumeration or yes/no clause backed by evidence words near the item's other values."""
EVIDENCE_FAR: Final = Decimal("0.55")
"""Evidence words found, but elsewhere in the document."""
EVIDENCE_TOP: Final = Decimal("0.70")
"""Evidence words for a contract-level field (no item to be near)."""

_NOT_FACTS: Final = frozenset({"provenance", "schema_version"})
"""Keys of the terms that are bookkeeping, not something a document states."""

_MAX_QUOTE: Final = 5000


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class UngroundedValue:
    """A value the LLM proposed that the document does not state: dropped, with the reason."""

    path: str
    value: Any
    reason: str


@dataclass(frozen=True)
class GroundingResult:
    """The grounded values (by field path) and the dropped ones, in the candidate's order."""

    values: dict[str, ExtractedValue] = field(default_factory=dict)
    ungrounded: list[UngroundedValue] = field(default_factory=list)
    extractor: str = "llm"
    skipped: tuple[str, ...] = ()
    """Paths dropped without a report: schema defaults (``false``, ``per_contract``) and
    the model's own item ids (``L1``, ``M1``) that the document does not state. They
    assert nothing about the contract; ids are assigned again when terms are assembled."""


# --------------------------------------------------------------------------
# Field paths and what kind of value each holds

_STEP: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[0-9]+\])*)")
_INDEX: Final = re.compile(r"\[([0-9]+)\]")

Kind = Literal[
    "decimal",
    "integer",
    "date",
    "bool",
    "enum",
    "text",
    "identifier",
    "currency",
    "country",
    "tax_scheme",
]

_IDENTIFIERS: Final = frozenset(
    {
        "contract_id",
        "amends",
        "sku",
        "po_number",
        "postal_code",
        "phone",
        "cost_centre",
        "line_id",
        "milestone_id",
        "bundle_parent",
        "percent_of_line",
    }
)


def split_path(path: str) -> tuple[str | int, ...]:
    """The steps of a field path.

    >>> split_path("lines[1].tiers[0].up_to")
    ('lines', 1, 'tiers', 0, 'up_to')
    """
    parts: list[str | int] = []
    for step in path.split("."):
        match = _STEP.fullmatch(step)
        if match is None:
            raise ValueError(f"not a field path such as 'lines[0].unit_price': {path!r}")
        parts.append(match.group(1))
        parts.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return tuple(parts)


def format_path(parts: Sequence[str | int]) -> str:
    """The provenance spelling of path steps.

    >>> format_path(("lines", 1, "unit_price"))
    'lines[1].unit_price'
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _alternatives(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        yield from _alternatives(typing.get_args(annotation)[0])
    elif origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            yield from _alternatives(arg)
    else:
        yield annotation


@dataclass(frozen=True, slots=True)
class _Leaf:
    name: str
    kind: Kind
    enum: type[Enum] | None
    default: Any


@lru_cache(maxsize=512)
def _leaf(parts: tuple[str | int, ...]) -> _Leaf | None:
    """What the path names in ``ContractTerms``: None when it is not a single value."""
    annotation: Any = ContractTerms
    default: Any = PydanticUndefined
    name = ""
    for part in parts:
        if isinstance(part, int):
            items = [
                typing.get_args(c)[0]
                for c in _alternatives(annotation)
                if typing.get_origin(c) in (tuple, list) and typing.get_args(c)
            ]
            if not items:
                return None
            annotation, default = items[0], PydanticUndefined
            continue
        models = [
            c for c in _alternatives(annotation) if isinstance(c, type) and issubclass(c, BaseModel)
        ]
        if not models or part not in models[0].model_fields:
            return None
        info = models[0].model_fields[part]
        annotation, default, name = info.annotation, info.default, part
    return _classify(name, annotation, default)


def _classify(name: str, annotation: Any, default: Any) -> _Leaf | None:
    kinds = [c for c in _alternatives(annotation) if c is not type(None)]
    if len(kinds) != 1 or not isinstance(kinds[0], type):
        return None
    leaf_type = kinds[0]
    if issubclass(leaf_type, BaseModel) or leaf_type in (tuple, list, dict):
        return None
    kind: Kind
    enum: type[Enum] | None = None
    if leaf_type is bool:
        kind = "bool"
    elif issubclass(leaf_type, Enum):
        kind, enum = "enum", leaf_type
    elif leaf_type is int:
        kind = "integer"
    elif leaf_type is Decimal:
        kind = "decimal"
    elif leaf_type is date:
        kind = "date"
    elif name == "currency":
        kind = "currency"
    elif name == "country":
        kind = "country"
    elif name == "scheme":
        kind = "tax_scheme"
    elif name in _IDENTIFIERS or name in ("number", "value"):
        kind = "identifier"  # purchase_order.number, tax_ids[].value
    else:
        kind = "text"
    return _Leaf(name, kind, enum, default)


def field_kind(path: str) -> Kind | None:
    """The kind of value a field path of contract terms holds (None: not a single value).

    >>> field_kind("lines[0].unit_price"), field_kind("billing.frequency"), field_kind("lines")
    ('decimal', 'enum', None)
    """
    try:
        leaf = _leaf(split_path(path))
    except ValueError:
        return None
    return None if leaf is None else leaf.kind


# --------------------------------------------------------------------------
# The document's text, folded for case- and space-insensitive search

_FOLD: Final = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)


@dataclass(frozen=True)
class _Folded:
    """``text`` lower-cased with white space collapsed; ``origin[i]`` is where char i came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def _fold(text: str) -> _Folded:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
            continue
        for folded in char.translate(_FOLD).casefold():
            chars.append(folded)
            origin.append(index)
    return _Folded("".join(chars), tuple(origin))


def _fold_text(text: str) -> str:
    return " ".join(text.translate(_FOLD).casefold().split())


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    confidence: Decimal


class _Searcher:
    """One document, prepared once for every kind of search."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.folded = _fold(document.text)
        self.date_mentions = list(_date_mentions(document.text))
        self.numbers = list(_number_mentions(document.text, self.date_mentions))

    def text_matches(self, value: str) -> list[_Match]:
        needle = _fold_text(value)
        if not needle:
            return []
        haystack = self.folded.text
        found: list[_Match] = []
        at = haystack.find(needle)
        while at >= 0:
            end = at + len(needle)
            before_ok = not (needle[0].isalnum() and at > 0 and haystack[at - 1].isalnum())
            after_ok = not (
                needle[-1].isalnum() and end < len(haystack) and haystack[end].isalnum()
            )
            if before_ok and after_ok:
                start, stop = self.folded.span(at, end)
                exact = self.text[start:stop] == value
                found.append(_Match(start, stop, EXACT if exact else NORMALISED))
            at = haystack.find(needle, at + 1)
        return found

    def regex_matches(
        self, pattern: re.Pattern[str], confidence: Decimal, group: int = 0
    ) -> list[_Match]:
        return [
            _Match(m.start(group), m.end(group), confidence)
            for m in pattern.finditer(self.text)
            if m.end(group) > m.start(group)
        ]


# --------------------------------------------------------------------------
# Numbers in their written forms

_SPACES: Final = " \u00a0\u202f\u2009"
_NUMBER_GROUPED: Final = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:(?:[,.'\u2019]|[ \u00a0\u202f\u2009])\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?!\d|[.,]\d)"
)
_NUMBER_PLAIN: Final = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)(?!\d|[.,]\d)")
_MULTIPLIER: Final = re.compile(r"\s?(k|thousand|m|mm|mn|million|bn|billion)\b", re.IGNORECASE)
_MULTIPLIERS: Final = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
# fmt: off
_UNITS: Final = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
# fmt: on
_TENS: Final = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# "one" and "zero" are left out on purpose: "one-time", "one of the parties" state no quantity.
_NUMBER_WORD: Final = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[- ](one|two|three|four|five|six|seven|eight|nine))?"
    r"|(" + "|".join(_UNITS[2:]) + r"))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _NumberMention:
    start: int
    end: int
    readings: frozenset[Decimal]
    ambiguous: bool
    written: str


def _readings(token: str) -> tuple[frozenset[Decimal], bool]:
    """The values a written number can mean, and whether it reads two ways.

    >>> sorted(_readings("1.234,56")[0]), sorted(_readings("1,234")[0]), _readings("1,234")[1]
    ([Decimal('1234.56')], [Decimal('1.234'), Decimal('1234')], True)
    """
    text = token
    for separator in _SPACES + "'\u2019":
        text = text.replace(separator, "")
    try:
        if "," in text and "." in text:
            decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
            group_mark = "." if decimal_mark == "," else ","
            if text.count(decimal_mark) > 1:
                return frozenset(), False
            whole, fraction = text.split(decimal_mark)
            if any(len(g) != 3 for g in whole.split(group_mark)[1:]):
                return frozenset(), False
            return frozenset({Decimal(whole.replace(group_mark, "") + "." + fraction)}), False
        mark = "," if "," in text else "." if "." in text else None
        if mark is None:
            return frozenset({Decimal(text)}), False
        parts = text.split(mark)
        if len(parts) > 2:
            if all(len(part) == 3 for part in parts[1:]):
                return frozenset({Decimal("".join(parts))}), False
            return frozenset(), False
        head, tail = parts
        if len(tail) == 3 and head != "0":
            return frozenset({Decimal(head + tail), Decimal(head + "." + tail)}), True
        return frozenset({Decimal(head + "." + tail)}), False
    except InvalidOperation:
        return frozenset(), False


def _number_mentions(text: str, dates: Sequence[_DateMention]) -> Iterator[_NumberMention]:
    taken = [(d.start, d.end) for d in dates]

    def inside_a_date(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in taken)

    seen: set[tuple[int, int]] = set()
    with_fraction: list[tuple[int, int]] = []  # "1 234,56" is one number, not "1" and "234,56"
    for pattern in (_NUMBER_GROUPED, _NUMBER_PLAIN):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if (start, end) in seen or inside_a_date(start, end):
                continue
            if pattern is _NUMBER_PLAIN and any(s < end and start < e for s, e in with_fraction):
                continue
            seen.add((start, end))
            if pattern is _NUMBER_GROUPED and re.search(
                r"\d[ \u00a0\u202f\u2009'\u2019]\d.*[.,]\d+$", match.group(1)
            ):
                with_fraction.append((start, end))
            readings, ambiguous = _readings(match.group(1))
            if not readings:
                continue
            yield _NumberMention(start, end, readings, ambiguous, match.group(1))
            scale = _MULTIPLIER.match(text, end)
            if scale is not None:
                factor = _MULTIPLIERS[scale.group(1).lower()]
                yield _NumberMention(
                    start,
                    scale.end(),
                    frozenset(r * factor for r in readings),
                    ambiguous,
                    text[start : scale.end()],
                )
    for match in _NUMBER_WORD.finditer(text):
        tens, unit, single = match.groups()
        if single:
            number = _UNITS.index(single.lower())
        else:
            number = _TENS[tens.lower()] + (_UNITS.index(unit.lower()) if unit else 0)
        yield _NumberMention(
            match.start(), match.end(), frozenset({Decimal(number)}), False, match.group(0)
        )


def _number_matches(search: _Searcher, value: Decimal, written: str) -> list[_Match]:
    found: list[_Match] = []
    for mention in search.numbers:
        if value not in mention.readings:
            continue
        if mention.written == written:
            confidence = EXACT
        elif mention.ambiguous:
            confidence = AMBIGUOUS
        else:
            confidence = NORMALISED
        found.append(_Match(mention.start, mention.end, confidence))
    return found


# --------------------------------------------------------------------------
# Dates in their written forms

_MONTHS: Final[dict[str, int]] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier enero gennaio januari janeiro jänner",
        "february feb februar février fevrier febrero febbraio februari fevereiro",
        "march mar märz maerz mars marzo maart março",
        "april apr avril abril aprile",
        "may mai mayo maggio mei maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre december dezembro",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH_NAME: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL: Final = r"(?:st|nd|rd|th|er|º|\.)?"
_DATE_FORMS: Final = re.compile(
    rf"(?<![\d])(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?![\d])"
    rf"|(?<![\d.])(?P<na>\d{{1,2}})(?P<sep>[./-])(?P<nb>\d{{1,2}})(?P=sep)(?P<ny>\d{{4}}|\d{{2}})(?![\d])"
    rf"|(?<![\w])(?P<dd>\d{{1,2}}){_ORDINAL}(?:\s+day)?[\s\-/]*(?:(?:of|de)\s+)?"
    rf"(?P<dm>{_MONTH_NAME})\.?,?[\s\-/]*(?:de\s+)?(?P<dy>\d{{4}})(?![\d])"
    rf"|(?<![\w])(?P<mm>{_MONTH_NAME})\.?[\s\-]*(?P<md>\d{{1,2}}){_ORDINAL},?\s*(?P<my>\d{{4}})(?![\d])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _DateMention:
    start: int
    end: int
    readings: frozenset[date]
    ambiguous: bool
    written: str


def _a_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_mentions(text: str) -> Iterator[_DateMention]:
    for m in _DATE_FORMS.finditer(text):
        readings: set[date | None] = set()
        ambiguous = False
        if m.group("iy"):
            readings.add(_a_date(int(m["iy"]), int(m["im"]), int(m["id"])))
        elif m.group("na"):
            first, second, year = int(m["na"]), int(m["nb"]), int(m["ny"])
            year += 2000 if year < 100 else 0
            if m["sep"] == "." or first > 12:  # 01.03.2026 is day first by convention
                readings.add(_a_date(year, second, first))
            elif second > 12:
                readings.add(_a_date(year, first, second))
            else:
                readings |= {_a_date(year, second, first), _a_date(year, first, second)}
                ambiguous = first != second
        elif m.group("dd"):
            readings.add(_a_date(int(m["dy"]), _MONTHS[m["dm"].lower()], int(m["dd"])))
        else:
            readings.add(_a_date(int(m["my"]), _MONTHS[m["mm"].lower()], int(m["md"])))
        found = frozenset(d for d in readings if d is not None)
        if found:
            yield _DateMention(m.start(), m.end(), found, ambiguous, m.group(0))


def _date_matches(search: _Searcher, value: date) -> list[_Match]:
    found: list[_Match] = []
    for mention in search.date_mentions:
        if value not in mention.readings:
            continue
        if mention.written == value.isoformat():
            confidence = EXACT
        elif mention.ambiguous:
            confidence = AMBIGUOUS
        else:
            confidence = NORMALISED
        found.append(_Match(mention.start, mention.end, confidence))
    return found


# --------------------------------------------------------------------------
# Currencies, countries, tax schemes

_CURRENCY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "USD": ("US$", "U.S. dollars", "US dollars", "United States dollars"),
    "EUR": ("€", "euro", "euros"),
    "GBP": ("£", "pounds sterling", "pound sterling", "sterling"),
    "JPY": ("¥", "円", "yen"),
    "CNY": ("元", "RMB", "yuan", "renminbi"),
    "CHF": ("SFr.", "Fr.", "Swiss francs"),
    "CAD": ("C$", "CA$", "Canadian dollars"),
    "AUD": ("A$", "AU$", "Australian dollars"),
    "NZD": ("NZ$", "New Zealand dollars"),
    "SGD": ("S$", "Singapore dollars"),
    "HKD": ("HK$", "Hong Kong dollars"),
    "INR": ("₹", "Rs.", "rupees"),
    "BRL": ("R$", "reais"),
    "MXN": ("MX$", "Mex$", "Mexican pesos"),
    "SEK": ("Swedish kronor", "kronor"),
    "NOK": ("Norwegian kroner",),
    "DKK": ("Danish kroner",),
    "PLN": ("zł", "złoty", "zloty"),
    "KRW": ("₩", "won"),
    "ZAR": ("rand",),
}
_BARE_DOLLAR: Final = re.compile(r"(?<![A-Za-z$])\$")

_COUNTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "US": ("USA", "U.S.A.", "U.S.", "United States of America"),
    "GB": ("UK", "U.K.", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "NL": ("Holland",),
    "AE": ("UAE", "U.A.E."),
}

_TAX_SCHEME_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "vat": ("VAT", "USt-IdNr", "USt-ID", "UStID", "TVA", "IVA", "BTW", "MwSt", "moms", "ALV"),
    "ein": ("EIN", "Employer Identification Number", "Federal Tax ID"),
    "gst": ("GST", "GSTIN", "GST/HST"),
    "abn": ("ABN", "Australian Business Number"),
    "uen": ("UEN",),
    "siren": ("SIREN",),
    "siret": ("SIRET",),
}


@lru_cache(maxsize=256)
def _country_names(code: str) -> tuple[str, ...]:
    names = list(_COUNTRY_ALIASES.get(code, ()))
    for language in ("en", "de", "fr", "es", "it", "nl", "pt"):
        name = Locale(language).territories.get(code)
        if isinstance(name, str):
            names.append(name)
    return tuple(names)


def _code_pattern(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z]){re.escape(code)}(?![A-Za-z])")


def _currency_matches(search: _Searcher, code: str) -> list[_Match]:
    found = search.regex_matches(_code_pattern(code), EXACT)
    for word in _CURRENCY_WORDS.get(code, ()):
        found += [_Match(m.start, m.end, SYMBOL) for m in search.text_matches(word)]
    if code == "USD":
        found += search.regex_matches(_BARE_DOLLAR, AMBIGUOUS)
    return found


def _country_matches(search: _Searcher, code: str) -> list[_Match]:
    found = search.regex_matches(_code_pattern(code), EXACT)
    for name in _country_names(code):
        found += [_Match(m.start, m.end, NORMALISED) for m in search.text_matches(name)]
    return found


def _tax_scheme_matches(search: _Searcher, scheme: str) -> list[_Match]:
    found: list[_Match] = []
    for word in (scheme, *_TAX_SCHEME_WORDS.get(scheme, ())):
        found += [_Match(m.start, m.end, NORMALISED) for m in search.text_matches(word)]
    return found


def _identifier_matches(search: _Searcher, value: str) -> list[_Match]:
    """The identifier with any spaces, dots, dashes, slashes or brackets between its characters."""
    found = search.text_matches(value)
    characters = [c for c in value if c.isalnum()]
    if not characters or len(characters) > 64:
        return found
    pattern = re.compile(
        r"(?<![A-Za-z0-9])"
        + r"[\s.\-/()]*".join(re.escape(c) for c in characters)
        + r"(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    known = {(m.start, m.end) for m in found}
    for match in pattern.finditer(search.text):
        if (match.start(), match.end()) not in known:
            exact = match.group(0) == value
            found.append(_Match(match.start(), match.end(), EXACT if exact else NORMALISED))
    return found


# --------------------------------------------------------------------------
# Evidence words for enumerations and yes/no clauses


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_ENUM_EVIDENCE: Final[dict[tuple[str, str], re.Pattern[str]]] = {
    ("DocumentType", "order_form"): _words(
        r"\border\s+form\b", r"\b(?:service|sales|subscription|purchase)\s+order\b", r"\bquote\b"
    ),
    ("DocumentType", "sow"): _words(r"\bstatement\s+of\s+work\b", r"\bSOW\b"),
    ("DocumentType", "amendment"): _words(r"\bamendment\b", r"\baddendum\b", r"\bchange\s+order\b"),
    ("DocumentType", "msa"): _words(
        r"\bmaster\s+(?:services?\s+|subscription\s+|software\s+)?agreement\b", r"\bMSA\b"
    ),
    ("BillingModel", "subscription"): _words(
        r"\bsubscri(?:ption|be|bed)",
        r"\bSaaS\b",
        r"\bper\s+(?:user|seat)\b",
        r"\b(?:user|seat)s?\s*/\s*(?:month|year)",
        r"\blicen[cs]e\s+term\b",
    ),
    ("BillingModel", "fixed_fee"): _words(
        r"\bfixed[- ](?:fee|price)\b", r"\blump[- ]sum\b", r"\bfirm[- ]fixed\b"
    ),
    ("BillingModel", "milestone"): _words(r"\bmilestones?\b"),
    ("BillingModel", "time_and_materials"): _words(
        r"\btime\s*(?:and|&)\s*materials?\b",
        r"\bT\s*&\s*M\b",
        r"\bhourly\b",
        r"\bper\s+(?:hour|day)\b",
        r"\bdaily\s+rate\b",
        r"\brate\s+card\b",
    ),
    ("BillingModel", "usage"): _words(
        r"\busage\b",
        r"\boverages?\b",
        r"\bconsumption\b",
        r"\bmetered\b",
        r"\bpay[- ]as[- ]you[- ]go\b",
        r"\bper\s+(?:GB|TB|API\s+call|call|transaction|request)\b",
    ),
    ("BillingModel", "one_time"): _words(
        r"\bone[- ]time\b",
        r"\bnon[- ]recurring\b",
        r"\bset[- ]?up\s+fee\b",
        r"\bonboarding\b",
        r"\bimplementation\s+fee\b",
    ),
    ("BillingModel", "hardware"): _words(
        r"\bhardware\b", r"\bappliances?\b", r"\bdevices?\b", r"\bship(?:ped|ment)?\b"
    ),
    ("BillingModel", "maintenance"): _words(r"\bmaintenance\b", r"\bsupport\s+and\s+updates\b"),
    ("BillingModel", "expenses"): _words(r"\bexpenses?\b", r"\btravel\b"),
    ("Frequency", "monthly"): _words(
        r"\bmonthly\b", r"\b(?:per|each|every|a)\s+month\b", r"/\s*mo(?:nth)?\b"
    ),
    ("Frequency", "quarterly"): _words(
        r"\bquarterly\b",
        r"\b(?:per|each|every|a)\s+(?:calendar\s+)?quarter\b",
        r"\bevery\s+(?:three|3)\s+months\b",
    ),
    ("Frequency", "semi_annual"): _words(
        r"\bsemi[- ]?annual(?:ly)?\b",
        r"\bhalf[- ]yearly\b",
        r"\bbi[- ]?annual(?:ly)?\b",
        r"\btwice\s+a\s+year\b",
        r"\bevery\s+(?:six|6)\s+months\b",
    ),
    ("Frequency", "annual"): _words(
        r"\bannual(?:ly)?\b",
        r"\byearly\b",
        r"\bper\s+annum\b",
        r"\b(?:per|each|every|a)\s+year\b",
        r"/\s*(?:yr|year)\b",
    ),
    ("Frequency", "one_time"): _words(
        r"\bone[- ]time\b",
        r"\bonce\b",
        r"\bup[- ]?front\b",
        r"\bin\s+full\b",
        r"\b(?:up)?on\s+(?:signature|execution)\b",
    ),
    ("Timing", "advance"): _words(
        r"\bin\s+advance\b",
        r"\bup[- ]?front\b",
        r"\bpre[- ]?paid\b",
        r"\b(?:at|on)\s+the\s+(?:start|beginning)\s+of\b",
    ),
    ("Timing", "arrears"): _words(
        r"\bin\s+arrears?\b",
        r"\bpost[- ]?paid\b",
        r"\b(?:at|after)\s+the\s+end\s+of\b",
        r"\bfollowing\s+the\s+(?:end\s+of\s+the\s+)?(?:month|quarter|period)\b",
    ),
    ("Alignment", "calendar"): _words(r"\bcalendar\s+(?:month|quarter|year)s?\b"),
    ("Alignment", "anniversary"): _words(r"\banniversar(?:y|ies)\b"),
    ("TierMode", "graduated"): _words(r"\bgraduated\b", r"\bincremental\b", r"\btiered\b"),
    ("TierMode", "volume"): _words(r"\bvolume\b"),
    ("TierMode", "package"): _words(
        r"\bpackages?\b", r"\bpacks?\b", r"\bblocks?\s+of\b", r"\bbundles?\s+of\b"
    ),
    ("Consolidation", "consolidated"): _words(
        r"\bconsolidated\b", r"\b(?:a\s+)?single\s+invoice\b", r"\bone\s+invoice\b"
    ),
    ("Consolidation", "per_contract"): _words(
        r"\bper\s+(?:contract|order\s+form)\b",
        r"\bseparate\s+invoices?\s+for\s+(?:each|this)\s+"
        r"(?:contract|order)\b",
    ),
    ("Consolidation", "per_purchase_order"): _words(
        r"\b(?:per|each|every)\s+(?:purchase\s+order|PO)\b",
        r"\bseparate\s+invoices?\s+(?:for|per)\s+(?:each\s+)?(?:purchase\s+order|PO)\b",
    ),
    ("Consolidation", "per_cost_centre"): _words(r"\bcost\s*cent(?:re|er)s?\b"),
    ("Consolidation", "per_line"): _words(
        r"\b(?:per|each)\s+line(?:\s+item)?\b",
        r"\bseparate\s+invoices?\s+(?:for|per)\s+each\s+line\b",
    ),
    ("DeliveryChannel", "email"): _words(r"\be-?mail(?:ed)?\b", r"[\w.+-]+@[\w-]+\.[\w.]+"),
    ("DeliveryChannel", "portal"): _words(
        r"\bportal\b",
        r"\bCoupa\b",
        r"\bAriba\b",
        r"\bTungsten\b",
        r"\bJaggaer\b",
        r"\bOracle\s+iSupplier\b",
    ),
    ("DeliveryChannel", "einvoice"): _words(
        r"\be-?invoic(?:e|es|ing)\b",
        r"\belectronic\s+invoic",
        r"\bPEPPOL\b",
        r"\bXRechnung\b",
        r"\bFactur-X\b",
        r"\bZUGFeRD\b",
        r"\bFatturaPA\b",
        r"\bUBL\b",
    ),
    ("DeliveryChannel", "post"): _words(
        r"\bby\s+(?:post|mail|courier)\b",
        r"\bpostal\s+mail\b",
        r"\bhard\s*copy\b",
        r"\bpaper\s+invoices?\b",
    ),
    ("RateUnit", "hour"): _words(r"\bhours?\b", r"\bhourly\b", r"/\s*h(?:r|our)?\b", r"\bhrs?\b"),
    ("RateUnit", "day"): _words(r"\bdays?\b", r"\bdaily\b", r"\bper\s+diem\b", r"/\s*day\b"),
    ("AddressKind", "billing"): _words(
        r"\bbill(?:ed)?\s+to\b", r"\bbilling\s+address\b", r"\binvoice\s+(?:to|address)\b"
    ),
    ("AddressKind", "shipping"): _words(
        r"\bship\s+to\b", r"\bshipping\s+address\b", r"\bdelivery\s+address\b"
    ),
}

_BOOL_EVIDENCE: Final[dict[tuple[str, bool], re.Pattern[str]]] = {
    ("auto_renew", True): _words(
        r"\bauto(?:matic(?:ally)?)?[- ]?renew",
        r"\brenew(?:s|ed)?\s+automatically\b",
        r"\bevergreen\b",
    ),
    ("auto_renew", False): _words(
        r"\b(?:not|never)\s+(?:be\s+)?(?:automatically\s+)?renew",
        r"\bno\s+(?:automatic\s+|auto[- ])?renewal\b",
        r"\bexpires?\s+(?:at\s+the\s+end|without\s+renewal)",
    ),
    ("required", True): _words(
        r"\b(?:PO|purchase\s+order)(?:\s+number)?s?\s+(?:is|are|will\s+be)\s+required\b",
        r"\brequires?\s+a\s+(?:valid\s+)?(?:PO|purchase\s+order)\b",
        r"\bno\s+PO,?\s+no\s+pay\b",
        r"\b(?:must|shall)\s+(?:reference|quote|include|bear|show|state)\s+(?:a\s+|the\s+)?"
        r"(?:valid\s+)?(?:PO|purchase\s+order)",
    ),
    ("required", False): _words(
        r"\b(?:PO|purchase\s+order)(?:\s+number)?s?\s+(?:is|are)\s+not\s+required\b",
        r"\bno\s+(?:PO|purchase\s+order)\s+(?:is\s+)?(?:required|needed)\b",
    ),
    ("po_on_invoice", True): _words(
        r"\b(?:PO|purchase\s+order)(?:\s+number)?s?\s+(?:must|shall|will)\s+(?:appear|be\s+"
        r"(?:stated|shown|quoted|printed|referenced))\s+on\b",
        r"\binvoices?\s+(?:must|shall|will)\s+(?:reference|quote|include|bear|show|state)\s+"
        r"(?:the\s+|a\s+|our\s+)?(?:customer's\s+)?(?:PO|purchase\s+order)",
    ),
    ("acceptance_required", True): _words(r"\baccept(?:ance|ed)\b"),
    ("acceptance_required", False): _words(
        r"\b(?:no|without)\s+(?:formal\s+)?acceptance\b", r"\bupon\s+(?:delivery|completion)\b"
    ),
    ("billable", True): _words(
        r"\bexpenses?\b[^.\n]{0,80}\b(?:billed|billable|reimburs\w*|invoiced|charged|re-?billed)",
        r"\b(?:reimburse|bill|invoice)\w*\s+[^.\n]{0,40}\bexpenses\b",
    ),
    ("billable", False): _words(
        r"\bexpenses?\b[^.\n]{0,60}\b(?:not|non)[- ]?(?:billable|reimbursable|be\s+billed)",
        r"\bno\s+(?:travel\s+)?expenses\b",
        r"\bexpenses\b[^.\n]{0,40}\bincluded\b",
    ),
    ("receipts_required", True): _words(r"\breceipts?\b"),
    ("receipts_required", False): _words(r"\bwithout\s+receipts\b", r"\bno\s+receipts\b"),
}


# --------------------------------------------------------------------------
# Grounding one candidate


class _Refused(Exception):
    """The value cannot be read as the field's kind (the reason is the message)."""


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _Refused("a yes/no where a number belongs")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[0-9]+(?:\.[0-9]+)?\s*", value):
        number = Decimal(value.strip())
    else:
        raise _Refused("not a decimal number such as '1200.00'")
    if not number.is_finite() or number < 0:
        raise _Refused("not a non-negative decimal number")
    return number


def _decimal_text(number: Decimal) -> str:
    return format(number, "f")


def _normalised(leaf: _Leaf, value: Any) -> Any:
    """The value in the JSON shape of contract terms, or ``_Refused`` saying why not."""
    if leaf.kind == "bool":
        if not isinstance(value, bool):
            raise _Refused("not true or false")
        return value
    if leaf.kind == "decimal":
        number = _as_decimal(value)
        return value.strip() if isinstance(value, str) else _decimal_text(number)
    if leaf.kind == "integer":
        number = _as_decimal(value)
        if number != number.to_integral_value():
            raise _Refused("not a whole number")
        return int(number)
    if leaf.kind == "date":
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise _Refused("not a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise _Refused("not a date that exists") from None
    if leaf.kind == "enum":
        assert leaf.enum is not None
        allowed = [str(member.value) for member in leaf.enum]
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise _Refused(f"not one of {', '.join(allowed)}")
        return value.strip().lower()
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Refused("not a text")
    return str(value).strip()


def _matches(search: _Searcher, leaf: _Leaf, value: Any, raw: Any) -> list[_Match]:
    if leaf.kind in ("decimal", "integer"):
        written = raw if isinstance(raw, str) else str(value)
        return _number_matches(search, Decimal(value), written.strip())
    if leaf.kind == "date":
        return _date_matches(search, date.fromisoformat(value))
    if leaf.kind == "currency":
        return _currency_matches(search, value)
    if leaf.kind == "country":
        return _country_matches(search, value)
    if leaf.kind == "tax_scheme":
        return _tax_scheme_matches(search, value)
    if leaf.kind == "identifier":
        return _identifier_matches(search, value)
    if leaf.kind == "enum":
        assert leaf.enum is not None
        pattern = _ENUM_EVIDENCE.get((leaf.enum.__name__, value))
        return [] if pattern is None else search.regex_matches(pattern, EVIDENCE_TOP)
    if leaf.kind == "bool":
        return _bool_matches(search, leaf.name, value)
    return search.text_matches(value)


def _bool_matches(search: _Searcher, name: str, value: bool) -> list[_Match]:
    pattern = _BOOL_EVIDENCE.get((name, value))
    if pattern is None:
        return []
    found = search.regex_matches(pattern, EVIDENCE_TOP)
    opposite = _BOOL_EVIDENCE.get((name, not value))
    if value and opposite is not None:
        # "will not automatically renew" holds the words "automatically renew":
        # a positive match inside a sentence that says the opposite is no evidence.
        found = [m for m in found if opposite.search(_sentence(search.text, m)) is None]
    return found


def _sentence(text: str, match: _Match) -> str:
    start = max(text.rfind(".", 0, match.start), text.rfind("\n", 0, match.start)) + 1
    stops = [i for i in (text.find(".", match.end), text.find("\n", match.end)) if i >= 0]
    return text[start : min(stops) if stops else len(text)]


def _why_not(leaf: _Leaf, value: Any) -> str:
    if leaf.kind in ("decimal", "integer"):
        return f"the number {value} appears nowhere in the document"
    if leaf.kind == "date":
        return f"the date {value} is not stated in the document in any written form"
    if leaf.kind == "currency":
        return f"neither the code {value} nor its symbol appears in the document"
    if leaf.kind == "country":
        return f"neither the country code {value} nor the country's name appears in the document"
    if leaf.kind in ("enum", "bool", "tax_scheme"):
        shown = str(value).lower() if isinstance(value, bool) else value
        return f"no words in the document say {leaf.name} is {shown!r}"
    return f"the text {value!r} is not in the document"


def _leaves(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not path and key in _NOT_FACTS:
                continue
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif value is not None and not (isinstance(value, str) and not value.strip()):
        yield path, value


def _group(parts: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The item a value belongs to: ``lines[1]`` for ``lines[1].unit_price``, ``supplier`` ..."""
    for index in range(len(parts) - 1, -1, -1):
        if isinstance(parts[index], int):
            return parts[: index + 1]
    return parts[:1] if len(parts) > 1 else ()


@dataclass
class _Pending:
    parts: tuple[str | int, ...]
    leaf: _Leaf
    value: Any
    matches: list[_Match]


_ANCHOR_ORDER: Final[dict[str, int]] = {
    "text": 0,
    "identifier": 1,
    "date": 2,
    "decimal": 3,
    "integer": 3,
    "currency": 4,
    "country": 4,
    "tax_scheme": 4,
    "enum": 5,
    "bool": 5,
}
_NEAR: Final = 300  # characters: about a table row or a short paragraph


def ground(candidate: Mapping[str, Any], document: Document, *, extractor: str) -> GroundingResult:
    """Split ``candidate`` (contract-terms JSON from an LLM) into grounded and ungrounded values.

    ``extractor`` names the source in every provenance, e.g. ``llm/gpt-4o-mini``.
    """
    search = _Searcher(document)
    pending: list[_Pending] = []
    ungrounded: list[UngroundedValue] = []
    skipped: list[str] = []
    for parts, raw in _leaves(candidate):
        path = format_path(parts)
        leaf = _leaf(parts) if _STEP_NAMES.fullmatch(path) else None
        if leaf is None:
            ungrounded.append(UngroundedValue(path, raw, "not a value of contract terms"))
            continue
        try:
            value = _normalised(leaf, raw)
        except _Refused as refused:
            ungrounded.append(UngroundedValue(path, raw, str(refused)))
            continue
        matches = _matches(search, leaf, value, raw)
        if matches:
            pending.append(_Pending(parts, leaf, value, matches))
        elif _is_default(leaf, value) or leaf.name in ("line_id", "milestone_id"):
            skipped.append(path)
        else:
            ungrounded.append(UngroundedValue(path, raw, _why_not(leaf, value)))
    chosen = _choose(pending, document)
    ref = DocumentRef(name=document.name, sha256=document.sha256)
    values: dict[str, ExtractedValue] = {}
    for item in pending:
        match = chosen[item.parts]
        path = format_path(item.parts)
        provenance = Provenance(
            document=ref,
            page=document.page_of(match.start),
            span=(match.start, match.end),
            box=_box(document, match),
            quote=document.text[match.start : match.end][:_MAX_QUOTE],
            confidence=match.confidence,
            extractor=extractor,
        )
        values[path] = ExtractedValue(path, item.value, provenance, match.confidence, extractor)
    return GroundingResult(values, ungrounded, extractor, tuple(skipped))


_STEP_NAMES: Final = re.compile(r"[a-z_][a-z0-9_]*(\[[0-9]+\])*(\.[a-z_][a-z0-9_]*(\[[0-9]+\])*)*")


def _is_default(leaf: _Leaf, value: Any) -> bool:
    default = leaf.default
    if default is PydanticUndefined or default is None:
        return False
    return bool(value == (default.value if isinstance(default, Enum) else default))


def _choose(pending: Sequence[_Pending], document: Document) -> dict[tuple[str | int, ...], _Match]:
    """One match per value: near the item's other values, else the surest, then the first."""
    groups: dict[tuple[str | int, ...], list[_Pending]] = {}
    for item in pending:
        groups.setdefault(_group(item.parts), []).append(item)
    anchors: dict[tuple[str | int, ...], int] = {}
    chosen: dict[tuple[str | int, ...], _Match] = {}
    for key in sorted(groups, key=len):
        anchor = next(
            (anchors[key[:n]] for n in range(len(key) - 1, 0, -1) if key[:n] in anchors), None
        )
        members = sorted(groups[key], key=lambda p: (_ANCHOR_ORDER[p.leaf.kind], len(p.matches)))
        used: set[tuple[int, int]] = set()
        in_a_list = any(isinstance(part, int) for part in key)  # a line, a milestone, ...
        for item in members:
            if anchor is None or not key:
                match = min(item.matches, key=lambda m: (-m.confidence, m.start))
            else:
                here = anchor
                match = min(
                    item.matches,
                    key=lambda m: ((m.start, m.end) in used, abs(m.start - here), -m.confidence),
                )
                if item.leaf.kind in ("enum", "bool") and in_a_list:
                    near = abs(match.start - here) <= _NEAR
                    match = _Match(match.start, match.end, EVIDENCE_NEAR if near else EVIDENCE_FAR)
            chosen[item.parts] = match
            if item.leaf.kind not in ("enum", "bool"):
                used.add((match.start, match.end))
            if key and anchor is None:
                anchor = match.start
        if key and anchor is not None:
            anchors[key] = anchor
    return chosen


def _box(document: Document, match: _Match) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """The box of the smallest table cell or text block holding the match, when it has one."""
    best: tuple[int, Box] | None = None
    parts: list[TableCell | TextBlock] = [
        cell for table in document.tables for row in table.rows for cell in row
    ]
    parts.extend(document.blocks)
    for part in parts:
        holds = part.start <= match.start and match.end <= part.end
        if part.box is not None and holds and (best is None or part.end - part.start < best[0]):
            best = (part.end - part.start, part.box)
    if best is None:
        return None
    box = best[1]
    return (
        Decimal(str(box.x0)),
        Decimal(str(box.top)),
        Decimal(str(box.x1)),
        Decimal(str(box.bottom)),
    )
