"""The document's context: which currency it speaks and how it writes dates.

Two readings depend on the whole document rather than on one line:

- **Currency.** ``$`` is US, Canadian or Australian dollars depending on
  the document: a Canadian GST number, "CAD" or a Toronto address make it
  CAD; an ABN or "AUD" make it AUD; otherwise it is USD (and a note says it
  was decided so). A stated "Currency: EUR" or "All fees are in euros"
  beats counting the amounts.
- **Date order.** ``03/04/2026`` is 4 March in a US contract and 3 April in
  a German one. The order is decided, in this order, by the document's own
  numeric dates (``25/03/2026`` proves day first), the caller's
  ``locale_hint``, the currency (USD month first; EUR, GBP, AUD, ... day
  first; CAD decides nothing, Canada writes both) and the parties'
  countries. When nothing decides, each ambiguous date is flagged.

    >>> from billops.domain.document import Document
    >>> from billops.domain.extraction.layout import Layout
    >>> doc = Document.from_text("x", "Fee: $1,000 (GST 12345 6789 RT0001, Canada)")
    >>> ctx = DocumentContext.of(Layout.of(doc))
    >>> ctx.currency, ctx.date_order
    ('CAD', None)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from billops.domain.extraction.layout import Layout
from billops.domain.extraction.sources import Span
from billops.domain.extraction.values import (
    CURRENCY_CODES,
    DateOrder,
    find_money,
    numeric_date_order_evidence,
)

__all__ = ["DocumentContext"]

_CURRENCY_NAMES: Final = (
    (r"u\.?s\.?\s*dollars?|united states dollars?|us-dollar", "USD"),
    (r"canadian dollars?", "CAD"),
    (r"australian dollars?", "AUD"),
    (r"new zealand dollars?", "NZD"),
    (r"euros?\b|\beur\b", "EUR"),
    (r"pounds? sterling|british pounds?", "GBP"),
    (r"swiss francs?|schweizer franken", "CHF"),
    (r"japanese yen", "JPY"),
    (r"swedish kron(?:a|or)", "SEK"),
    (r"norwegian kron(?:e|er)", "NOK"),
    (r"danish kron(?:e|er)", "DKK"),
)
_STATED: Final = re.compile(
    r"(?:amounts?|fees?|prices?|charges?|payments?|figures?|values?)[^.\n]{0,60}?"
    r"\b(?:in|stated in|denominated in|expressed in|payable in|are in)\s+"
    r"(?P<what>(?:[A-Z]{3})\b|(?:" + "|".join(p for p, _ in _CURRENCY_NAMES) + r"))",
    re.IGNORECASE,
)
_CAD_HINTS: Final = re.compile(r"\bCAD\b|C\$|CA\$|\bCanad(?:a|ian)\b|\bRT\d{4}\b|\bHST\b")
_AUD_HINTS: Final = re.compile(r"\bAUD\b|A\$|AU\$|\bAustralia(?:n)?\b|\bABN\b")
_MONTH_FIRST_COUNTRIES: Final = frozenset({"US", "PH", "FM", "PW", "MH"})
_COUNTRY_WORDS: Final = (
    (r"United States|U\.S\.A\.|\bUSA\b", "US"),
    (r"Germany|Deutschland", "DE"),
    (r"United Kingdom|\bU\.?K\.?\b|England", "GB"),
    (r"France\b", "FR"),
    (r"Netherlands|Nederland", "NL"),
    (r"Switzerland|Schweiz", "CH"),
    (r"Austria|Österreich", "AT"),
    (r"Australia\b", "AU"),
    (r"Ireland\b", "IE"),
    (r"Sweden|Sverige", "SE"),
)


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What the whole document says about currency and date order, with the reasons."""

    currency: str | None
    currency_span: Span | None
    currency_confidence: Decimal
    currency_reason: str
    date_order: DateOrder | None
    date_order_reason: str
    countries: tuple[str, ...]

    @classmethod
    def of(cls, layout: Layout, locale_hint: str | None = None) -> DocumentContext:
        currency, span, confidence, reason = _currency(layout)
        countries = _countries(layout.text)
        order, why = _date_order(layout.text, locale_hint, currency, countries)
        return cls(currency, span, confidence, reason, order, why, countries)


def _currency(layout: Layout) -> tuple[str | None, Span | None, Decimal, str]:
    text = layout.text
    for labelled in layout.find(r"(?:contract |billing |invoice )?(?:currency|währung|devise)"):
        code = re.search(r"\b[A-Z]{3}\b", labelled.value)
        if code and code.group(0) in CURRENCY_CODES:
            start = labelled.value_span[0] + code.start()
            return (
                code.group(0),
                (start, start + 3),
                Decimal("0.95"),
                "stated under the label 'currency'",
            )
        for pattern, iso in _CURRENCY_NAMES:
            named = re.search(pattern, labelled.value, re.IGNORECASE)
            if named:
                start = labelled.value_span[0] + named.start()
                return (
                    iso,
                    (start, start + len(named.group(0))),
                    Decimal("0.9"),
                    "named as the currency",
                )
    stated = _STATED.search(text)
    if stated:
        what = stated.group("what")
        stated_code = what.upper() if what.upper() in CURRENCY_CODES else None
        for pattern, name_code in _CURRENCY_NAMES:
            if stated_code is None and re.fullmatch(pattern, what, re.IGNORECASE):
                stated_code = name_code
        if stated_code is not None:
            return stated_code, stated.span("what"), Decimal("0.9"), f"stated: {stated.group(0)!r}"
    money = find_money(text)
    counts: Counter[str] = Counter(m.currency for m in money if m.currency)
    if not counts:
        return None, None, Decimal("0.0"), "no amount with a currency code or symbol"
    written, _ = counts.most_common(1)[0]
    first = next(m for m in money if m.currency == written)
    span = (first.start, first.end)
    if written == "$":
        if _CAD_HINTS.search(text) and not _AUD_HINTS.search(text):
            return (
                "CAD",
                span,
                Decimal("0.75"),
                "'$' read as CAD: the document mentions Canada or CAD",
            )
        if _AUD_HINTS.search(text) and not _CAD_HINTS.search(text):
            return (
                "AUD",
                span,
                Decimal("0.75"),
                "'$' read as AUD: the document mentions Australia or AUD",
            )
        return (
            "USD",
            span,
            Decimal("0.7"),
            "'$' read as USD: nothing in the document names another dollar",
        )
    if written == "kr":
        for country, krona in (
            ("Swed|Sverige|SEK", "SEK"),
            ("Norw|Norge|NOK", "NOK"),
            ("Denmark|Danmark|DKK", "DKK"),
        ):
            if re.search(country, text):
                return (
                    krona,
                    span,
                    Decimal("0.7"),
                    f"'kr' read as {krona} from the document's country",
                )
        return (
            None,
            span,
            Decimal("0.0"),
            "'kr' is Swedish, Norwegian or Danish; nothing says which",
        )
    share = counts[written] / sum(counts.values())
    confidence = Decimal("0.85") if share > Decimal("0.8") else Decimal("0.7")
    return written, span, confidence, f"{counts[written]} of {sum(counts.values())} amounts"


def _countries(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern, code in _COUNTRY_WORDS:
        if re.search(pattern, text) and code not in found:
            found.append(code)
    return tuple(found)


def _date_order(
    text: str, locale_hint: str | None, currency: str | None, countries: tuple[str, ...]
) -> tuple[DateOrder | None, str]:
    proven = numeric_date_order_evidence(text)
    if proven is not None:
        first = "day" if proven == "dmy" else "month"
        return proven, f"{first} first, as the document's own unambiguous numeric dates show"
    if locale_hint:
        parts = re.split(r"[-_]", locale_hint)
        territory = parts[1].upper() if len(parts) > 1 else None
        language = parts[0].lower()
        if territory:
            order: DateOrder = "mdy" if territory in _MONTH_FIRST_COUNTRIES else "dmy"
            first = "month" if order == "mdy" else "day"
            return order, f"{first} first from the locale {locale_hint}"
        if language != "en":
            return "dmy", f"day first from the locale {locale_hint}"
    if currency == "USD":
        return "mdy", "month first from the USD currency"
    if currency is not None and currency != "CAD":
        return "dmy", f"day first from the {currency} currency"
    if len(countries) == 1:
        order = "mdy" if countries[0] in _MONTH_FIRST_COUNTRIES else "dmy"
        first = "month" if order == "mdy" else "day"
        return order, f"{first} first from the country {countries[0]}"
    return None, "nothing in the document decides the order of day and month"
