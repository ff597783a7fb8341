"""Contract-level fields: number, title, dates and term, PO, payment, billing, invoicing, renewal.

Each field is looked for the way an analyst would: first under a label
that names it ("Payment Terms: Net 30", "Subscription Term: 1 March 2026 -
28 February 2027"), then in the sentences that state it ("Fees are
invoiced annually in advance", "This Order Form renews automatically for
successive twelve (12) month terms unless either party gives sixty (60)
days' notice"). A labelled value gets confidence 0.9, a sentence 0.7.

Dates go through ``DateReader``: a numeric date whose order the document's
context settled is noted ("read day first from the EUR currency"); one
that nothing settles keeps the month-first reading at confidence 0.45, a
note, and an ``EXTRACT-DATE-AMBIGUOUS`` warning for a person to confirm.
"""

from __future__ import annotations

import bisect
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

from billops.domain.extraction.context import DocumentContext
from billops.domain.extraction.layout import LabelledValue, Layout
from billops.domain.extraction.model import DocumentKind
from billops.domain.extraction.sources import Collector, Span
from billops.domain.extraction.values import (
    COUNT_PATTERN,
    DateMatch,
    count_value,
    find_dates,
    find_durations,
    find_money,
    find_percents,
)
from billops.domain.findings import Severity

__all__ = ["DateReader", "extract_contract_fields", "sentence_at", "sentences"]

LABELLED: Final = Decimal("0.9")
PROSE: Final = Decimal("0.7")
_CODE_TOKEN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_PLACEHOLDERS: Final = frozenset(
    {"tbd", "tba", "n/a", "na", "none", "pending", "to follow", "to be provided", "-", "—"}
)


@lru_cache(maxsize=8)
def sentences(text: str) -> tuple[Span, ...]:
    """Spans of sentences and lines: text split at '.', ';' or a line break before a capital.

    Cached: every field extractor walks the same sentences of the same text.
    """
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return tuple(spans)


# a line break ends a sentence before a capital, a bullet or a list number ("2. ", "2\t"),
# not before a number that continues it: "may not increase by more than\n5%."
_SENTENCE_END: Final = re.compile(
    r"(?<!\b[A-Z])(?<!\bNo)(?<!\bno)[.;!?](?=\s)|\n\s*\n"
    r"|\n(?=\s*(?:[-•*(A-Z|]|\d{1,3}(?:[.)]\s|\t|\s{2})|\d+[ \t]*(?:\n|$)))"
)


@lru_cache(maxsize=8)
def _sentence_starts(text: str) -> tuple[int, ...]:
    return tuple(span[0] for span in sentences(text))


def sentence_at(text: str, offset: int) -> Span:
    """The sentence holding ``offset``."""
    spans = sentences(text)
    index = bisect.bisect_right(_sentence_starts(text), offset) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return spans[index]
    return offset, min(len(text), offset + 1)


class DateReader:
    """Reads dates with the document's day/month order and reports what it decided."""

    def __init__(self, context: DocumentContext, found: Collector) -> None:
        self.context = context
        self.found = found

    def dates(self, text: str, offset: int = 0) -> list[DateMatch]:
        return find_dates(text, self.context.date_order, offset)

    def put(self, path: str, match: DateMatch, confidence: Decimal) -> None:
        quote = self.found.document.text[match.start : match.end]
        if match.ambiguous:
            confidence = min(confidence, Decimal("0.45"))
            self.found.note(
                f"{path}: {quote!r} read as {match.value.isoformat()} (month first), "
                f"but {self.context.date_order_reason}"
            )
            self.found.put(path, match.value.isoformat(), (match.start, match.end), confidence)
            self.found.finding(
                "EXTRACT-DATE-AMBIGUOUS",
                f"{path}: {quote!r} could be {match.value.isoformat()} or "
                f"{_swapped(match.value)}; nothing in the document decides the order",
                fields=(path,),
                values={"quote": quote, "read_as": match.value.isoformat()},
                sources=(self.found.source((match.start, match.end), confidence),),
                hint="confirm the date with the signed document or the customer",
                severity=Severity.WARNING,
            )
            return
        if match.numeric and self.context.date_order is not None:
            confidence -= Decimal("0.05")
            self.found.note(f"date {quote} read {self.context.date_order_reason}")
        self.found.put(path, match.value.isoformat(), (match.start, match.end), confidence)


def _swapped(value: date) -> str:
    try:
        return date(value.year, value.day, value.month).isoformat()
    except ValueError:
        return "another date"


def _first(layout: Layout, pattern: str) -> LabelledValue | None:
    found = layout.find(pattern)
    return found[0] if found else None


# ------------------------------------------------------------------ identity

_NUMBER_LABEL: Final = (
    r"(?:order form|order|contract|agreement|sow|statement of work|quote|quotation|document"
    r"|amendment|change order|reference|deal|bestellung|auftrag|vertrag|angebot|work order)"
    r"\s*(?:no|number|nr|#|id|ref|reference|nummer)\.?"
    r"|(?:vertrags|auftrags|angebots|bestellformular)(?:nummer|nr)\.?|ref|reference"
)


def _identity(layout: Layout, kind: DocumentKind, found: Collector) -> None:
    document = layout.document
    for labelled in layout.find(_NUMBER_LABEL):
        if (
            kind is DocumentKind.AMENDMENT
            and re.search(r"order form|contract|agreement|sow", labelled.label)
            and not re.search(r"amendment|change", labelled.label)
        ):
            continue  # in an amendment, "Order Form No." names the amended contract
        token = _CODE_TOKEN.search(labelled.value)
        if (
            token is None
            or token.group(0).lower() in _PLACEHOLDERS
            or not re.search(r"\d", token.group(0))
        ):
            continue
        code = token.group(0).rstrip(".-/").replace("/", "-")
        start = labelled.value_span[0] + token.start()
        found.put("contract_id", code, (start, start + len(token.group(0))), LABELLED)
        if "/" in token.group(0):
            found.note(f"contract_id: '/' in {token.group(0)!r} written as '-' (ids allow no '/')")
        break
    if not found.has("contract_id"):
        prose = re.search(
            r"(?:Order Form|Statement of Work|SOW|Contract|Agreement|Quote|Work Order)\s*"
            r"(?:No\.?|Number|#|Nr\.?)\s*:?\s*(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*\d[A-Za-z0-9._-]*)",
            document.text[: max(2000, len(document.text) // 5)],
            re.IGNORECASE,
        )
        if prose and kind is not DocumentKind.AMENDMENT:
            found.put("contract_id", prose.group("id"), prose.span("id"), PROSE)
    # title: the first line on page 1 that names the kind of document
    first_page_end = document.pages[0].end if document.pages else len(document.text)
    for line in layout.lines[:12]:
        if line.start > first_page_end:
            break
        text = line.text.strip("#*_ ")
        if len(text) > 150:
            lead = re.match(
                r"(.{3,120}?)(?:\s+(?:under|between|by and between|pursuant to|zwischen)\b|[,;(])",
                text,
            )
            text = lead.group(1).strip() if lead else text
        if (
            3 <= len(text) <= 150
            and re.search(
                r"order|statement of work|\bsow\b|amendment|agreement|addendum|change order|quote"
                r"|bestell|auftrag|vertrag|leistungs|nachtrag|angebot",
                text,
                re.IGNORECASE,
            )
            and (":" not in text[:40] or _KIND_COLON_NAME.match(text))
        ):
            start = line.start + line.text.index(text)
            end = start + len(text)
            heading = next(
                (
                    b
                    for b in document.blocks
                    if b.kind == "heading" and b.start == line.start and b.end > line.end
                ),
                None,
            )
            if heading is not None and document.text.count("\n", start, heading.end) <= 2:
                # a title set large wraps onto a second line: "Statement of Work - Data"
                # then "Platform Support"
                end = heading.end
                text = " ".join(document.text[start:end].split())
            found.put("title", text, (start, end), Decimal("0.85"))
            break
    if kind is DocumentKind.AMENDMENT:
        _amends(layout, found)
    msa = re.search(
        r"(?P<ref>(?:the\s+)?(?:Master|Main|General|Framework)\s+(?:[A-Z][a-z]+\s+){0,3}"
        r"(?:Agreement|Terms)(?:\s*\(\s*[\"“][^\"”]{1,12}[\"”]\s*\))?"
        r"(?:\s+(?:dated|effective|of)\s+[^;.\n()]{4,30}?\d{4})?"
        r"(?:\s*(?:No\.?|Number|#)\s*[A-Za-z0-9._-]+)?)",
        document.text,
    )
    labelled_msa = _first(
        layout,
        (
            r"(?:msa|master (?:services |subscription )?agreement|governing agreement"
            r"|rahmenvertrag)(?: reference| no| number| #| ref)?"
        ),
    )
    if labelled_msa is not None and labelled_msa.value.strip():
        found.put(
            "msa_reference", labelled_msa.value.strip()[:500], labelled_msa.value_span, LABELLED
        )
    elif msa and kind is not DocumentKind.MSA:
        text = msa.group("ref")
        text = re.sub(r"^the\s+", "", text)
        start = msa.end("ref") - len(text)
        found.put("msa_reference", text[:500], (start, msa.end("ref")), PROSE)


def _amends(layout: Layout, found: Collector) -> None:
    labelled = layout.find(
        r"(?:original|amended|underlying|existing|parent|related)\s+(?:order form|contract"
        r"|agreement|sow|order)"
        r"(?:\s*(?:no|number|#|id|ref))?|amends|amendment to|(?:order form|contract|agreement"
        r"|sow)\s*(?:no|number|#|id)"
    )
    for item in labelled:
        token = re.search(r"[A-Za-z0-9][A-Za-z0-9._-]*\d[A-Za-z0-9._-]*", item.value)
        if token:
            start = item.value_span[0] + token.start()
            found.put("amends", token.group(0), (start, start + len(token.group(0))), LABELLED)
            return
    prose = re.search(
        r"(?:amend(?:s|ment|ing)?|modif(?:ies|ication)|change order|nachtrag)\b[^.\n]{0,80}?"
        r"(?:Order Form|Statement of Work|SOW|Contract|Agreement|Order|Vertrag|Bestellung)\s*"
        r"(?:No\.?|Number|#|Nr\.?|ID)?\s*:?\s*[\"“(]?(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*\d[A-Za-z0-9._-]*)",
        layout.text,
        re.IGNORECASE,
    )
    if prose:
        found.put("amends", prose.group("id"), prose.span("id"), PROSE)


# --------------------------------------------------------------------- dates

_DATE_LABELS: Final = (
    (
        "signature_date",
        r"(?:date signed|signature date|signed(?: on| date)?|execution date|date of execution"
        r"|date of signature|unterschriftsdatum|datum der unterschrift|accepted on)",
    ),
    (
        "effective_date",
        r"(?:order |contract |agreement |sow |amendment )?effective(?: date| as of| from)?"
        r"|date effective|inkrafttreten|gültig ab|wirksam ab|date d'effet",
    ),
    (
        "start_date",
        r"(?:subscription |service |services |term |contract |project |billing |order "
        r"|initial term )?"
        r"(?:start|commencement|begin)(?: date)?|start date|vertragsbeginn|leistungsbeginn|beginn"
        r"|laufzeitbeginn|date de début|go[- ]live(?: date)?",
    ),
    (
        "end_date",
        r"(?:subscription |service |services |term |contract |project |order )?"
        r"(?:end|expiration|expiry)(?: date)?|vertragsende|laufzeitende|ende|date de fin",
    ),
)
_TERM_LABEL: Final = (
    r"(?:subscription |initial |contract |service |order |project |minimum )?"
    r"(?:term|period|duration)(?: dates| length| of (?:the )?(?:agreement|order|sow))?"
    r"|(?:vertrags)?laufzeit|durée|subscription period|service period"
)
_PROSE_RANGE: Final = re.compile(
    r"(?:from|commencing(?: on)?|beginning(?: on)?|starting(?: on)?|effective|vom|ab dem)\s+"
    r"(?P<a>[^\n;]{6,30}?)\s*(?:through|to|until|till|and ending(?: on)?|-|–|—|bis(?: zum)?)\s+"
    r"(?P<b>[^\n;]{6,30}?)(?=[\s,.;)]|$)",
    re.IGNORECASE,
)


def _dates(layout: Layout, reader: DateReader, found: Collector) -> None:
    text = layout.text
    for path, pattern in _DATE_LABELS:
        for labelled in layout.find(pattern):
            dates = reader.dates(labelled.value, labelled.value_span[0])
            if dates:
                reader.put(path, dates[0], LABELLED)
                break
    for labelled in layout.find(_TERM_LABEL):
        dates = reader.dates(labelled.value, labelled.value_span[0])
        if len(dates) >= 2 and dates[1].value >= dates[0].value:
            if not found.has("start_date"):
                reader.put("start_date", dates[0], LABELLED - Decimal("0.05"))
            if not found.has("end_date"):
                reader.put("end_date", dates[1], LABELLED - Decimal("0.05"))
        durations = [d for d in find_durations(labelled.value, labelled.value_span[0])]
        if durations and not re.search(r"renew", labelled.label):
            found.put(
                "term_months", durations[0].months, (durations[0].start, durations[0].end), LABELLED
            )
    # signature blocks: "Date:" under a signature heading or near "By:" / "Signature:"
    signature_dates: list[DateMatch] = []
    for labelled in layout.find(r"date|datum|dated|fecha"):
        section = labelled.section or ""
        before = text[max(0, labelled.label_span[0] - 300) : labelled.label_span[0]].lower()
        if re.search(r"sign|accept|witness|unterschrift|agreed", section) or re.search(
            r"\bby:|signature|signed|name:|title:|unterschrift", before
        ):
            signature_dates += reader.dates(labelled.value, labelled.value_span[0])
    # "Zürich, 15. Dezember 2025": place and date of signing, under the signatures
    for line in layout.lines:
        place = re.fullmatch(r"[A-ZÄÖÜ][\w.' -]{1,40},\s*(?P<date>.{6,30})", line.text)
        section = layout.section_at(line.start - 1) or ""
        if place and re.search(r"sign|unterschrift|witness", section):
            dates = reader.dates(place.group("date"), line.start + place.start("date"))
            if len(dates) == 1 and dates[0].end == line.end:
                signature_dates += dates
    if signature_dates and not found.has("signature_date"):
        latest = max(signature_dates, key=lambda d: d.value)
        reader.put("signature_date", latest, Decimal("0.8"))
    # prose
    for match in _PROSE_RANGE.finditer(text):
        first = reader.dates(match.group("a"), match.start("a"))
        second = reader.dates(match.group("b"), match.start("b"))
        if first and second and second[0].value > first[0].value:
            if not found.has("start_date"):
                reader.put("start_date", first[0], PROSE)
            if not found.has("end_date"):
                reader.put("end_date", second[0], PROSE)
            break
    prose_dates = (
        (
            "effective_date",
            r"(?:effective|(?:takes?|took|shall take|comes? into|entered into) effect)"
            r" (?:as of|from|on)\s+(?:the\s+)?",
        ),
        ("start_date", r"(?:commenc\w+|start\w*|begin\w*) on\s+(?:the\s+)?"),
        ("end_date", r"(?:end\w*|expir\w+|terminat\w+) on\s+(?:the\s+)?"),
        ("signature_date", r"(?:signed|executed|dated) (?:on|as of)\s+(?:the\s+)?"),
    )
    for path, lead in prose_dates:
        if found.has(path):
            continue
        for match in re.finditer(lead, text, re.IGNORECASE):
            dates = reader.dates(text[match.end() : match.end() + 30], match.end())
            if dates and dates[0].start == match.end():
                reader.put(path, dates[0], PROSE)
                # "ends on 31 March 2027 (12 months)": the term, stated beside its end
                stated = re.match(
                    r"\s*\(\s*([^()]{3,30})\)", text[dates[0].end : dates[0].end + 40]
                )
                durations = (
                    find_durations(stated.group(1), dates[0].end + stated.start(1))
                    if stated
                    else []
                )
                if path == "end_date" and durations and not found.has("term_months"):
                    where = (durations[0].start, durations[0].end)
                    found.put("term_months", durations[0].months, where, PROSE)
                break
    if not found.has("term_months"):
        for match in re.finditer(
            r"(?:term|period|duration|laufzeit)\s+(?:of|is|shall be|will be|von|:)\s+"
            r"(?:(?:the|a|an)\s+)?",
            text,
            re.IGNORECASE,
        ):
            window = text[match.end() : match.end() + 40]
            durations = find_durations(window, match.end())
            context = text[max(0, match.start() - 60) : match.start()].lower()
            if durations and durations[0].start - match.end() < 3 and "renew" not in context:
                found.put(
                    "term_months",
                    durations[0].months,
                    (durations[0].start, durations[0].end),
                    PROSE,
                )
                break
    if not found.has("term_months"):
        stated = re.search(
            r"(?P<d>"
            + COUNT_PATTERN
            + r"\s*[- ]?\s*(?:months?|years?))\s+(?:subscription |initial |contract )?term",
            text,
            re.IGNORECASE,
        )
        if stated:
            durations = find_durations(stated.group("d"), stated.start("d"))
            if durations:
                found.put(
                    "term_months",
                    durations[0].months,
                    (durations[0].start, durations[0].end),
                    PROSE,
                )


# ------------------------------------------------------------- PO, payment

_PO_LABEL: Final = (
    r"(?:customer |client |your )?(?:po|p\.o|purchase order|purchase order number)"
    r"(?:\s*(?:number|no|#|nr|reference|ref|id))?|bestellnummer|bestell-nr|bestellnr"
    r"|ihre bestellnummer|numéro de commande|bon de commande"
)
_PO_REQUIRED: Final = re.compile(
    r"(?:\b(?:po|p\.o\.|purchase order)s?\b[^.\n]{0,60}\b(?:is |are |shall be |will be )?"
    r"(?:required|mandatory|must be (?:issued|provided|obtained))"
    r"|requires? (?:a |an )?(?:valid )?(?:po|p\.o\.|purchase order)\b"
    r"|no invoice[^.\n]{0,40}without (?:a |an )?(?:valid )?(?:po|purchase order))",
    re.IGNORECASE,
)


# "Order Form: Route Planner" is a title; "Order Form No.: 42" and "Order Form: 2026-17" are not
_KIND_COLON_NAME: Final = re.compile(
    r"(?:order form|statement of work|sow|amendment|change order|quote|service order"
    r"|subscription order)\s*:\s*[^\d:]+$",
    re.IGNORECASE,
)


def _purchase_order(layout: Layout, found: Collector) -> None:
    for labelled in layout.find(_PO_LABEL + r"|po required|purchase order required"):
        value = labelled.value.strip()
        if re.search(r"required", labelled.label):
            if re.match(r"(?:yes|y|true|ja|required|x)\b", value, re.IGNORECASE):
                found.put("purchase_order.required", True, labelled.value_span, LABELLED)
            elif re.match(r"(?:no|n|false|nein)\b", value, re.IGNORECASE):
                found.put("purchase_order.required", False, labelled.value_span, LABELLED)
            continue
        if value.lower().rstrip(".") in _PLACEHOLDERS or re.match(
            r"(?:to follow|to be (?:issued|provided)|will be (?:issued|provided)|pending)",
            value,
            re.IGNORECASE,
        ):
            found.note(f"purchase order: the document says {value!r} (no number yet)")
            continue
        # a number ends in a letter or digit: the full stop after it ends the sentence
        token = re.search(r"[A-Za-z0-9][A-Za-z0-9._/-]*\d(?:[A-Za-z0-9._/-]*[A-Za-z0-9])?", value)
        if token:
            start = labelled.value_span[0] + token.start()
            found.put(
                "purchase_order.number",
                token.group(0)[:64],
                (start, start + len(token.group(0))),
                LABELLED,
            )
            break
    if not found.has("purchase_order.number"):
        prose = re.search(
            (
                r"\b(?:PO|P\.O\.|purchase order)\s*(?:number|no\.?|#"
                r"|nr\.?)\s*:?\s*(?P<n>[A-Z0-9][A-Z0-9._/-]*\d(?:[A-Z0-9._/-]*[A-Z0-9])?)"
            ),
            layout.text,
            re.IGNORECASE,
        )
        if prose:
            found.put("purchase_order.number", prose.group("n")[:64], prose.span("n"), PROSE)
    required = _PO_REQUIRED.search(layout.text)
    if required and not found.has("purchase_order.required"):
        found.put(
            "purchase_order.required", True, sentence_at(layout.text, required.start()), PROSE
        )
    if found.get("purchase_order.required") is True and not found.has("purchase_order.number"):
        where = found.values["purchase_order.required"].provenance
        quote = where.quote or ""
        found.finding(
            "EXTRACT-PO-MISSING",
            f"the customer requires a purchase order ({quote[:120]!r}), but the document "
            "gives no PO number",
            fields=("purchase_order.number", "purchase_order.required"),
            values={"required": quote[:200]},
            sources=(where,),
            hint="ask the customer for the PO number before the first invoice is sent",
            severity=Severity.ERROR,
        )
    for labelled in layout.find(r"(?:po|purchase order) (?:amount|value|total)"):
        money = find_money(labelled.value, labelled.value_span[0])
        if money:
            found.put(
                "purchase_order.amount",
                str(money[0].amount),
                (money[0].start, money[0].end),
                LABELLED,
            )
            break


_NET_DAYS: Final = (
    (re.compile(r"\bnet\s*[- ]?\s*(?P<n>\d{1,3})\b", re.IGNORECASE), None),
    (
        re.compile(
            r"\b(?P<n>\d{1,3})\s*days?\s*net\b|\b(?P<m>\d{1,3})\s*tage\s*netto\b|\bnetto\s*(?P<o>\d{1,3})\s*tage\b",
            re.IGNORECASE,
        ),
        None,
    ),
    (
        re.compile(
            r"(?:within|no later than|payable|due)\s+(?:(?:the|a)\s+)?"
            + COUNT_PATTERN
            + r"\s*\(?\s*(?:calendar\s+)?days?\)?\s+(?:of|from|after|following)\s+(?:the\s+)?"
            r"(?:date of\s+|receipt of\s+|issuance of\s+|issue of\s+)?(?:the\s+|an?\s+|each\s+)?"
            r"(?:invoice|receipt)",
            re.IGNORECASE,
        ),
        "count",
    ),
    (
        re.compile(
            COUNT_PATTERN + r"\s*\(?\s*days?\)?\s+(?:from|after|of)\s+(?:the\s+)?"
            r"(?:date of\s+|receipt of\s+)?(?:the\s+)?invoice",
            re.IGNORECASE,
        ),
        "count",
    ),
    (re.compile(r"innerhalb (?:von )?(?P<n>\d{1,3}) tagen", re.IGNORECASE), None),
)
_ON_RECEIPT: Final = re.compile(
    r"due (?:up)?on receipt|payable (?:up)?on receipt|payable immediately|due immediately"
    r"|sofort (?:zahlbar|fällig)|ohne abzug sofort|à réception",
    re.IGNORECASE,
)


def read_net_days(text: str, offset: int = 0) -> tuple[int, Span] | None:
    """Net days stated in ``text`` and the span that says so.

    >>> read_net_days("Net 45")[0], read_net_days("within thirty (30) days of the invoice date")[0]
    (45, 30)
    >>> read_net_days("Due upon receipt")[0], read_net_days("30 Tage netto")[0]
    (0, 30)
    """
    best: tuple[int, Span] | None = None
    for pattern, kind in _NET_DAYS:
        match = pattern.search(text)
        if match is None:
            continue
        days = (
            count_value(match)
            if kind == "count"
            else next(int(g) for g in match.groups() if g and g.isdigit())
        )
        if (
            days is not None
            and 0 <= days <= 365
            and (best is None or match.start() < best[1][0] - offset)
        ):
            best = (days, (match.start() + offset, match.end() + offset))
    receipt = _ON_RECEIPT.search(text)
    if receipt and (best is None or receipt.start() < best[1][0] - offset):
        best = (0, (receipt.start() + offset, receipt.end() + offset))
    return best


def _payment_terms(layout: Layout, found: Collector) -> None:
    for labelled in layout.find(
        r"payment terms?|terms of payment|payment|payment conditions|zahlungsbedingungen"
        r"|zahlungsziel|zahlungsbedingung|conditions de paiement|terms|invoice terms"
    ):
        net = read_net_days(labelled.value, labelled.value_span[0])
        if net is not None:
            found.put("payment_terms.net_days", net[0], net[1], LABELLED)
            found.put(
                "payment_terms.description",
                labelled.value.strip()[:500],
                labelled.value_span,
                LABELLED,
            )
            return
    for start, end in sentences(layout.text):
        sentence = layout.text[start:end]
        if not re.search(r"pay|invoice|due|zahl|rechnung|net\s*\d", sentence, re.IGNORECASE):
            continue
        net = read_net_days(sentence, start)
        if net is not None:
            found.put("payment_terms.net_days", net[0], net[1], PROSE)
            found.put(
                "payment_terms.description", layout.text[net[1][0] : net[1][1]], net[1], PROSE
            )
            return


# ------------------------------------------------------------------ billing

_FREQUENCIES: Final = (
    (
        "semi_annual",
        r"semi[- ]?annual(?:ly)?|half[- ]yearly|bi[- ]?annual(?:ly)?|every six months|halbjährlich",
    ),
    (
        "quarterly",
        (
            r"quarterly|per quarter|each quarter|every three months|vierteljährlich|quartalsweise"
            r"|trimestriel"
        ),
    ),
    ("monthly", r"monthly|per month|each month|every month|monatlich|mensuel"),
    ("annual", r"annual(?:ly)?|yearly|per year|each year|every year|per annum|jährlich|annuel"),
    ("one_time", r"one[- ]time|in full (?:up ?front|upon signature|in advance)|einmalig"),
)
_ADVANCE: Final = (
    r"in advance|up[- ]?front|beginning of (?:each|the)|im voraus|vorab|à l'avance|d'avance"
)
_ARREARS: Final = (
    r"in arrears|end of (?:each|the)|nachträglich|im nachhinein|rückwirkend|à terme échu"
)
_BILLING_VERBS: Final = re.compile(
    r"\b(?:bill(?:ed|ing)?|invoic(?:ed|ing|es?)|charged|payable|abgerechnet|in rechnung gestellt"
    r"|fakturiert|factur)",
    re.IGNORECASE,
)


def _billing(layout: Layout, found: Collector) -> None:
    candidates: list[tuple[Span, Decimal]] = [
        (labelled.value_span, LABELLED)
        for labelled in layout.find(
            r"billing(?: frequency| cycle| period| schedule| terms| timing)?"
            r"|invoicing(?: frequency| schedule| terms)?"
            r"|invoice frequency|billing and payment|abrechnung(?:szeitraum|sintervall|sweise)?"
            r"|rechnungsstellung|fakturierung|facturation|fees? payable|payment schedule"
            r"|billing method"
        )
    ]
    candidates += [
        (span, PROSE)
        for span in sentences(layout.text)
        if _BILLING_VERBS.search(layout.quote(span))
    ]
    for span, confidence in candidates:
        text = layout.quote(span)
        lower = text.lower()
        if (
            re.search(r"\bper (?:user|seat|unit|licen[cs]e|hour|day)\b", lower)
            and confidence < LABELLED
        ):
            continue  # a price ("USD 80 per user per month"), not a billing rhythm
        frequency = None
        for value, pattern in _FREQUENCIES:
            match = re.search(pattern, lower)
            if match:
                frequency = (value, (span[0] + match.start(), span[0] + match.end()))
                break
        if frequency is None:
            continue
        if not found.has("billing.frequency"):
            found.put("billing.frequency", frequency[0], frequency[1], confidence)
        for timing, pattern in (("advance", _ADVANCE), ("arrears", _ARREARS)):
            match = re.search(pattern, lower)
            if match and not found.has("billing.timing"):
                found.put(
                    "billing.timing",
                    timing,
                    (span[0] + match.start(), span[0] + match.end()),
                    confidence,
                )
        calendar = re.search(
            r"calendar (?:month|quarter|year)|kalender(?:monat|quartal|jahr)", lower
        )
        if calendar and not found.has("billing.alignment"):
            found.put(
                "billing.alignment",
                "calendar",
                (span[0] + calendar.start(), span[0] + calendar.end()),
                confidence,
            )
        day = re.search(
            r"(?:on|dated|issued on|as of) the (\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+)?of"
            r"\s+(?:each|every|the) month",
            lower,
        )
        if day and 1 <= int(day.group(1)) <= 31 and not found.has("billing.bill_cycle_day"):
            found.put(
                "billing.bill_cycle_day",
                int(day.group(1)),
                (span[0] + day.start(), span[0] + day.end()),
                confidence,
            )
        if found.has("billing.timing"):
            break


# --------------------------------------------------------- invoicing rules

_PORTALS: Final = re.compile(
    r"\b(SAP Ariba|Ariba|Coupa|Tungsten(?: Network)?|Taulia|Jaggaer|Basware|Tradeshift"
    r"|Oracle iSupplier|Ivalua|Zycus|supplier portal|vendor portal|procurement portal|AP portal)\b",
    re.IGNORECASE,
)


def _invoicing_provisions(layout: Layout, found: Collector) -> None:
    text = layout.text
    notes: list[Span] = []
    for span in sentences(text):
        sentence = layout.quote(span)
        lower = sentence.lower()
        if not re.search(r"invoice|rechnung|billing|factur", lower):
            continue
        noted = False
        if re.search(
            r"(?:\bpo\b|p\.o\.|purchase order|bestellnummer)[^.]{0,80}\b(?:on|appear"
            r"|include|referenc|quot|stat|shown|auf)"
            r"[^.]{0,30}(?:invoice|rechnung)"
            r"|invoices?[^.\n]{0,60}\b(?:must|shall|will|should)\s+(?:include|reference|quote|state|show|contain|bear|display)"
            r"[^.\n]{0,40}(?:\bpo\b|p\.o\.|purchase order)",
            lower,
        ):
            found.put("invoicing_provisions.po_on_invoice", True, span, Decimal("0.8"))
            noted = True
        # "A separate invoice is issued for each purchase order", wrapped or not
        separate = r"separate invoices?(?:\s+(?:is|are|will be|shall be)\s+\w+)?\s+(?:for|per)\s+"
        consolidation = (
            (
                "per_purchase_order",
                (
                    separate + r"(?:each\s+|every\s+)?(?:po|p\.o\.|purchase\s+order)"
                    r"|one\s+invoice\s+per\s+(?:po|purchase\s+order)"
                ),
            ),
            (
                "per_cost_centre",
                (
                    separate + r"(?:each\s+|every\s+)?cost\s+cent(?:er|re)"
                    r"|per\s+cost\s+cent(?:er|re)"
                ),
            ),
            (
                "per_line",
                separate + r"(?:each\s+|every\s+)?(?:line|product|item|service)",
            ),
            (
                "consolidated",
                (
                    r"consolidated\s+invoice|single\s+(?:consolidated\s+)?invoice"
                    r"|one\s+(?:single\s+)?invoice\s+(?:for|covering|per\s+billing\s+period)"
                    r"|consolidated\s+(?:on|onto|into|in)\s+(?:one|a\s+single|a)\s+invoice"
                    r"|combined\s+invoice|sammelrechnung"
                ),
            ),
        )
        for value, pattern in consolidation:
            if re.search(pattern, lower):
                found.put("invoicing_provisions.consolidation", value, span, Decimal("0.8"))
                noted = True
                break
        portal = _PORTALS.search(sentence)
        einvoice = re.search(
            r"peppol|e-?invoic|electronic invoic|xrechnung|zugferd|\bubl\b|factur-x|e-rechnung",
            lower,
        )
        post = re.search(
            r"\bby (?:post|mail|postal mail|courier)\b|per post|postalisch|\bpostal\b", lower
        )
        email = re.search(r"e-?mail", lower)
        if portal and re.search(r"submit|upload|portal|via|through|into|über|sent", lower):
            found.put("invoicing_provisions.delivery_channel", "portal", span, Decimal("0.8"))
            name = portal.group(0)
            found.put(
                "invoicing_provisions.portal",
                name,
                (span[0] + portal.start(), span[0] + portal.end()),
                Decimal("0.8"),
            )
            noted = True
        elif einvoice:
            found.put("invoicing_provisions.delivery_channel", "einvoice", span, Decimal("0.75"))
            noted = True
        elif post:
            found.put("invoicing_provisions.delivery_channel", "post", span, Decimal("0.7"))
            noted = True
        elif email and re.search(
            (
                r"(?:sent|deliver|submit|issued|e-?mailed)[^.\n]{0,40}(?:e-?mail|@)|by e-?mail"
                r"|via e-?mail|per e-?mail"
            ),
            lower,
        ):
            found.put("invoicing_provisions.delivery_channel", "email", span, Decimal("0.7"))
            noted = True
        if noted:
            notes.append(span)
    for index, span in enumerate(notes[:10]):
        note = re.sub(r"\s+", " ", layout.quote(span)).strip()
        if note:
            found.put(f"invoicing_provisions.notes[{index}]", note[:5000], span, Decimal("0.8"))


# ------------------------------------------------------------------ renewal


def _renewal(layout: Layout, found: Collector) -> None:
    text = layout.text
    for labelled in layout.find(
        r"(?:auto(?:matic)?[- ]?renew(?:al)?|renews automatically|automatische verlängerung)"
    ):
        if re.match(r"(?:yes|y|true|ja)\b", labelled.value, re.IGNORECASE):
            found.put("renewal.auto_renew", True, labelled.value_span, LABELLED)
        elif re.match(r"(?:no|n|false|nein|none)\b", labelled.value, re.IGNORECASE):
            found.put("renewal.auto_renew", False, labelled.value_span, LABELLED)
    renewal_spans = [
        span
        for span in sentences(text)
        if re.search(r"renew|verläng|reconduction|renouvel", layout.quote(span), re.IGNORECASE)
    ]
    for labelled in layout.find(r"renewal(?: terms?)?|verlängerung"):
        renewal_spans.insert(0, labelled.value_span)
    for span in renewal_spans:
        sentence = layout.quote(span)
        lower = sentence.lower()
        negative = re.search(
            (
                r"(?:will|shall|does|do) not (?:be )?(?:automatically )?renew|no (?:automatic"
                r"|auto)[- ]?renewal"
                r"|non[- ]renewing|not (?:be )?(?:subject to )?auto(?:matic)?(?:ally)? renew"
                r"|verlängert sich nicht"
            ),
            lower,
        )
        positive = re.search(
            r"(?:automatically|auto)[- ]?renew|renews? automatically"
            r"|shall (?:thereafter )?renew|will (?:thereafter )?renew"
            r"|auto[- ]renewal|automatic renewal|verlängert sich (?:automatisch|jeweils"
            r"|stillschweigend)"
            r"|tacite reconduction|evergreen",
            lower,
        )
        if negative and not found.has("renewal.auto_renew"):
            found.put("renewal.auto_renew", False, span, PROSE)
        elif positive and not found.has("renewal.auto_renew"):
            found.put("renewal.auto_renew", True, span, PROSE)
        if not (negative or positive or found.get("renewal.auto_renew")):
            continue
        renew_at = re.search(r"renew|verläng|reconduction", lower)
        after = renew_at.start() if renew_at else 0
        durations = [d for d in find_durations(sentence, span[0]) if d.start - span[0] >= after]
        if (
            durations
            and not found.has("renewal.renewal_term_months")
            and durations[0].months <= 120
        ):
            found.put(
                "renewal.renewal_term_months",
                durations[0].months,
                (durations[0].start, durations[0].end),
                PROSE,
            )
        elif not found.has("renewal.renewal_term_months"):
            period = re.search(r"year[- ]to[- ]year|month[- ]to[- ]month", lower)
            if period:
                months = 12 if period.group(0).startswith("year") else 1
                found.put(
                    "renewal.renewal_term_months",
                    months,
                    (span[0] + period.start(), span[0] + period.end()),
                    PROSE,
                )
        _notice(sentence, span, found)
    for span in sentences(text):
        sentence = layout.quote(span)
        if re.search(
            r"uplift|increase|escalat|price adjust|erhöh|anpass|indexation", sentence, re.IGNORECASE
        ):
            percents = find_percents(sentence, span[0])
            if percents and not found.has("renewal.uplift_cap_percent"):
                found.put(
                    "renewal.uplift_cap_percent",
                    str(percents[0].value),
                    (percents[0].start, percents[0].end),
                    PROSE,
                )
        if re.search(r"notice", sentence, re.IGNORECASE) and re.search(
            r"renew|terminat", sentence, re.IGNORECASE
        ):
            _notice(sentence, span, found)
    for labelled in layout.find(
        r"(?:renewal )?(?:price )?(?:uplift|increase)(?: cap)?|renewal uplift|uplift cap"
    ):
        percents = find_percents(labelled.value, labelled.value_span[0])
        if percents:
            found.put(
                "renewal.uplift_cap_percent",
                str(percents[0].value),
                (percents[0].start, percents[0].end),
                LABELLED,
            )
    for labelled in layout.find(
        r"(?:non-renewal |renewal |termination )?notice(?: period)?|kündigungsfrist"
    ):
        _notice(labelled.value, labelled.value_span, found, LABELLED)


_NOTICE: Final = re.compile(
    COUNT_PATTERN
    + r"\s*(?:\)\s*)?(?:calendar\s+|business\s+)?(?P<unit>days?|months?|tage|monate?)['’]?s?",
    re.IGNORECASE,
)


def _notice(sentence: str, span: Span, found: Collector, confidence: Decimal = PROSE) -> None:
    if found.has("renewal.notice_days") and confidence <= PROSE:
        return
    if (
        not re.search(r"notice|kündig|préavis|\bprior\b", sentence, re.IGNORECASE)
        and confidence < LABELLED
    ):
        return
    keyword = [
        m.start() for m in re.finditer(r"notice|kündig|préavis|prior", sentence, re.IGNORECASE)
    ]
    candidates: list[tuple[int, int, Span, int]] = []
    for match in _NOTICE.finditer(sentence):
        count = count_value(match)
        if count is None:
            continue
        days = count if match.group("unit").lower().startswith(("day", "tag")) else count * 30
        if 0 < days <= 730:
            distance = min((abs(k - match.end()) for k in keyword), default=0)
            where = (span[0] + match.start(), span[0] + match.end())
            candidates.append((distance, days, where, count))
    if candidates:
        _, days, where, count = min(candidates)
        if days != count:
            found.note(f"renewal.notice_days: {count} months of notice counted as {days} days")
        found.put("renewal.notice_days", days, where, confidence)


# ---------------------------------------------------------------- TCV

_TOTAL_LABELS: Final = (
    (
        (
            r"total contract value|tcv|total contract amount|contract value|gesamtauftragswert"
            r"|auftragswert|vertragswert"
        ),
        Decimal("0.9"),
    ),
    (
        (
            r"total (?:order|sow|subscription|agreement) (?:value|amount|fees?|price)|total value"
            r"|total fees?(?: payable)?|total investment|total price|grand total|total amount"
            r"|gesamtsumme|gesamtbetrag|gesamtpreis|montant total"
        ),
        Decimal("0.85"),
    ),
    (
        (
            r"total(?: \((?:excl|excluding|net|before|zzgl|ohne)[^)]*\))?|total net|net total"
            r"|summe|gesamt|total fees? \(.*\)"
        ),
        Decimal("0.75"),
    ),
)


def _total_contract_value(layout: Layout, found: Collector) -> None:
    for pattern, confidence in _TOTAL_LABELS:
        for labelled in layout.find(pattern):
            if re.search(r"incl|inkl|brutto|with tax|vat|mwst|gst|tax", labelled.label):
                continue
            money = find_money(labelled.value, labelled.value_span[0])
            if money and money[0].amount >= 0:
                found.put(
                    "total_contract_value",
                    str(money[0].amount),
                    (money[0].number_start, money[0].number_end),
                    confidence,
                )
                return
    prose = re.search(
        (
            r"total (?:contract value|fees?|price|value|amount)[^.\n]{0,60}?(?:is|of|are|shall be"
            r"|will be|:)\s*"
        ),
        layout.text,
        re.IGNORECASE,
    )
    if prose:
        money = find_money(layout.text[prose.end() : prose.end() + 40], prose.end())
        if money and money[0].start - prose.end() < 5:
            found.put(
                "total_contract_value",
                str(money[0].amount),
                (money[0].number_start, money[0].number_end),
                PROSE,
            )


def extract_contract_fields(
    layout: Layout, context: DocumentContext, kind: DocumentKind, found: Collector
) -> DateReader:
    """Every contract-level field (not parties, lines or services); returns the date reader."""
    reader = DateReader(context, found)
    if context.currency is not None and context.currency_span is not None:
        found.put("currency", context.currency, context.currency_span, context.currency_confidence)
        if context.currency_confidence < Decimal("0.8"):
            found.note(f"currency {context.currency}: {context.currency_reason}")
    elif context.currency_reason:
        found.note(f"currency not decided: {context.currency_reason}")
    _identity(layout, kind, found)
    _dates(layout, reader, found)
    _purchase_order(layout, found)
    _payment_terms(layout, found)
    _billing(layout, found)
    _invoicing_provisions(layout, found)
    _renewal(layout, found)
    _total_contract_value(layout, found)
    return reader
