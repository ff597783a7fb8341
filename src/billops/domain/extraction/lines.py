"""Contract lines: what is sold, how many, at what price, and how each line is charged.

Lines come from **tables** first. A table is a line table when its header
names a description (or SKU) column and a quantity, price or amount
column; header words are mapped by synonyms, in English and German:

=============  ============================================================
column         header words
=============  ============================================================
sku            SKU, Product Code, Item Code, Part No, Artikelnummer
description    Description, Product, Service, Item, Bezeichnung, Leistung
quantity       Qty, Quantity, Seats, Users, Licenses, Units, Menge, Anzahl
unit           Unit, UoM, Unit of Measure, Einheit
unit_price     Unit Price, Price, Rate, Net Price, Einzelpreis
list_price     List Price, MSRP, Listenpreis
discount       Discount, Disc %, Rabatt
amount         Amount, Total, Extended, Net Amount, Line Total, Gesamtpreis
service dates  Start / End, Service Period, Term
ramp           Year 1 / Year 2 / Year 3 (one ramp step per year)
=============  ============================================================

Rows named Total, Subtotal, Tax or VAT are not lines: a Total row is the
stated total the lines are checked against. Without a line table, lines
are read from **prose**: "100 Enterprise seats at USD 80.00 per user per
month", "a one-time onboarding fee of EUR 5.000".

Each line's **billing model** is inferred from its words and units, and the
reason is noted: "per user per month" or "subscription" -> subscription;
"one-time", "setup", "onboarding" -> one_time; "appliance", "hardware" ->
hardware; "maintenance" or support at N % -> maintenance; "API calls",
"per 1,000", "usage", "overage" -> usage; "fixed fee" -> fixed_fee;
"milestone" -> milestone; hourly or daily rates -> time_and_materials;
"travel", "expenses" -> expenses.

    >>> infer_billing_model("Premium Support (20% of license fees)", None)[0]
    'maintenance'
    >>> infer_billing_model("Enterprise Edition", "user/month")[0]
    'subscription'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from billops.domain.calendar import add_months
from billops.domain.extraction.fields import DateReader, sentence_at
from billops.domain.extraction.layout import Grid, Layout
from billops.domain.extraction.model import DocumentKind
from billops.domain.extraction.sources import Collector, Span, trim
from billops.domain.extraction.values import (
    NUMBER_PATTERN,
    DateMatch,
    find_money,
    find_numbers,
    find_percents,
    parse_number,
)

__all__ = ["LineDraft", "StatedTotal", "extract_lines", "infer_billing_model", "read_amount"]

TABLE: Final = Decimal("0.85")
_ONE_DAY: Final = timedelta(days=1)
PROSE_LINE: Final = Decimal("0.65")

_COLUMNS: Final = (
    ("list_price", r"list(?: price| unit price)?|msrp|listenpreis|standard price|list rate"),
    ("discount", r"disc(?:ount)?\.?(?: %| percent| \(%\))?|% disc(?:ount)?|rabatt(?: %)?|remise"),
    (
        "sku",
        (
            r"sku|product (?:code|id|no|number)|item (?:code|no|number|#|id)|part (?:no|number|#)"
            r"|code|artikel(?:nummer|nr)|art\.? ?nr|material(?:nummer)?|ref"
        ),
    ),
    (
        "amount",
        (
            r"(?:line |extended |net |total |annual |monthly |yearly |sub)?(?:amount|total"
            r"|price total|fees?)(?: total| amount)?|extended(?: price| amount)?|total (?:price"
            r"|fee|fees|amount|cost|value)|net amount|gesamt(?:preis|betrag)?|betrag|summe"
            r"|montant(?: total)?|annual (?:fee|cost|charge|total)|monthly (?:fee|charge|total)"
            r"|total annual fee|ext\.? price|cost"
        ),
    ),
    (
        "unit_price",
        (
            r"(?:net |sales |unit |monthly |annual |yearly )?(?:unit )?(?:price|rate"
            r"|cost)(?: per (?:unit|user|seat|month|year|licen[cs]e))?|(?:price|rate|fee) ?(?:/"
            r"|per) ?(?:unit|user|seat|month|year|licen[cs]e)|net unit price|einzelpreis|preis"
            r"|stückpreis|prix unitaire|unit fee"
        ),
    ),
    (
        "quantity",
        (
            r"qty?|quantity|seats|users|licen[cs]es|units|volume|menge|anzahl|quantité|(?:no\.?"
            r"|number|#) of (?:users|seats|licen[cs]es|units)|count"
        ),
    ),
    ("unit", r"unit|uom|unit of measure|einheit|unité|per|billing unit"),
    (
        "description",
        (
            r"description|product(?: name| / service| or service|/service)?|services?|item|name"
            r"|offering|beschreibung|leistung|artikel|bezeichnung|désignation|line item|module"
            r"|edition|plan|subscription|produkt"
        ),
    ),
    ("start", r"(?:service |subscription )?start(?: date)?|from|von|begin|beginn"),
    ("end", r"(?:service |subscription )?end(?: date)?|to|until|bis|ende"),
    ("period", r"(?:service |subscription |billing )?(?:period|term|dates)|laufzeit|zeitraum"),
    ("frequency", r"billing(?: frequency| cycle)?|frequency|abrechnung|invoicing"),
)
_YEAR_COLUMN: Final = re.compile(r"(?:year|yr|jahr|contract year)\s*(\d)\b(?:.*)?")
_TOTAL_ROW: Final = re.compile(
    r"^(?:grand |sub[- ]?|net |order |contract |annual |total )*(?:total|subtotal|summe"
    r"|gesamt|gesamtsumme|zwischensumme|tcv)\b"
    r"|^(?:sales )?(?:tax|vat|mwst|ust|gst|hst|umsatzsteuer)\b",
    re.IGNORECASE,
)
_ROLE_HEADER: Final = re.compile(
    r"\brole\b|\bresource\b|\bposition\b|\brolle\b|consultant level|\btitle\b|staff level"
)
_MILESTONE_HEADER: Final = re.compile(r"milestone|deliverable|payment event|phase|meilenstein")


_ITEM_NUMBER: Final = r"item(?: no| number| #)?|#|no|nr|pos(?:ition)?|line(?: no| #)?|lfd\.? nr"
_DESCRIPTION_WORDS: Final = next(pattern for kind, pattern in _COLUMNS if kind == "description")
_RULE_ROW: Final = re.compile(r"[\s\-=_:|+]*")


def _join_split_word(header: str) -> str:
    """``"qt y"`` -> ``"qty"``: a header word a PDF reader split (only the joined one is known)."""
    if any(re.fullmatch(pattern, header) for _, pattern in _COLUMNS):
        return header
    joined = header.replace(" ", "")
    return joined if any(re.fullmatch(pattern, joined) for _, pattern in _COLUMNS) else header


def _normalise_header(text: str) -> str:
    header = text.lower()
    header = re.sub(r"\((?:in )?(?:usd|eur|gbp|chf|cad|aud|jpy|[$€£¥]|%)\)", "", header)
    header = re.sub(r"\b(?:usd|eur|gbp|chf|cad|aud|jpy)\b|[$€£¥:*]", "", header)
    return re.sub(r"\s+", " ", header).strip(" .#'’")


def map_header(cells: list[str]) -> dict[int, str]:
    """Column index -> column kind, for the header cells of a table.

    >>> map_header(["Product Code", "Description", "Qty", "Unit Price (USD)", "Disc %", "Total"])
    {0: 'sku', 1: 'description', 2: 'quantity', 3: 'unit_price', 4: 'discount', 5: 'amount'}
    """
    mapping: dict[int, str] = {}
    headers = [_join_split_word(_normalise_header(cell)) for cell in cells]
    described = any(
        re.fullmatch(_DESCRIPTION_WORDS, h) and not re.fullmatch(_ITEM_NUMBER, h) for h in headers
    )
    for index, header in enumerate(headers):
        if not header:
            continue
        if described and re.fullmatch(_ITEM_NUMBER, header):
            mapping[index] = "item"  # "Item", "#", "No.", "Pos." next to a description column
            continue
        year = _YEAR_COLUMN.fullmatch(header)
        if year:
            mapping[index] = f"year{year.group(1)}"
            continue
        for kind, pattern in _COLUMNS:
            if re.fullmatch(pattern, header) and kind not in mapping.values():
                mapping[index] = kind
                break
        else:
            if re.search(r"price|rate|preis", header) and "unit_price" not in mapping.values():
                mapping[index] = "unit_price"
            elif re.search(r"total|amount|betrag|fee", header) and "amount" not in mapping.values():
                mapping[index] = "amount"
            elif (
                re.search(r"qty|quantity|seats|users|licen", header)
                and "quantity" not in mapping.values()
            ):
                mapping[index] = "quantity"
            elif (
                re.search(r"description|product|service", header)
                and "description" not in mapping.values()
            ):
                mapping[index] = "description"
    return mapping


@dataclass
class LineDraft:
    """One line being read: field -> (JSON value, span, confidence), and its words."""

    values: dict[str, tuple[Any, Span, Decimal]] = field(default_factory=dict)
    words: str = ""
    hints: str = ""
    row: Span = (0, 0)

    def set(self, name: str, value: Any, span: Span, confidence: Decimal) -> None:
        if value is not None and name not in self.values:
            self.values[name] = (value, span, confidence)

    def get(self, name: str) -> Any:
        item = self.values.get(name)
        return None if item is None else item[0]


@dataclass(frozen=True, slots=True)
class StatedTotal:
    """A total the document states for its lines (a Total row or the TCV)."""

    amount: Decimal
    span: Span
    label: str


def _code_in(layout: Layout, cell: Span) -> tuple[str, Span]:
    """A SKU or unit cell's word and its span, without a stray full stop or comma after it.

    Codes and units end in a letter or digit; a dot after one is a speck on a
    scan (``SK-APP.``) or a cell written as a sentence.
    """
    start, end = trim(layout.text, cell[0], cell[1])
    while end > start and layout.text[end - 1] in ".,;:":
        end -= 1
    return layout.text[start:end], (start, end)


def read_amount(text: str, offset: int = 0) -> tuple[Decimal, Span] | None:
    """The amount in a cell or phrase: money with a currency, else the first number.

    >>> read_amount("USD 1,200.00")[0], read_amount("1.234,56 €")[0], read_amount("960")[0]
    (Decimal('1200.00'), Decimal('1234.56'), Decimal('960'))
    >>> read_amount("included") is None
    True
    """
    money = find_money(text, offset)
    if money:
        return money[0].amount, (money[0].number_start, money[0].number_end)
    whole = parse_number(text.strip())
    if whole is not None:
        start, end = trim(text, 0, len(text))
        return whole, (start + offset, end + offset)
    numbers = find_numbers(text, offset)
    if numbers and not re.search(r"%", text):
        return numbers[0].value, (numbers[0].start, numbers[0].end)
    return None


_MODEL_RULES: Final = (
    (
        "expenses",
        r"travel|expenses?|out[- ]of[- ]pocket|reisekosten|spesen|auslagen|frais de déplacement",
    ),
    (
        "hardware",
        r"appliance|hardware|devices?\b|server|equipment|shipped|shipping|gerät|router|sensor|\bkit\b|terminal",
    ),
    ("maintenance", r"maintenance|wartung|softwarepflege|\bpflege\b|\bamc\b"),
    (
        "usage",
        (
            r"api calls?|per 1[,.]?000|per (?:million|gb|tb|call|request|transaction|message"
            r"|minute)|usage|overage|consumption|metered|pay[- ]as[- ]you[- ]go|verbrauch"
            r"|nutzungsbasiert|credits?\b|transactions?\b"
        ),
    ),
    (
        "one_time",
        (
            r"one[- ]time|one-off|setup|set-up|onboarding|installation|training|einrichtung"
            r"|einmalig|activation|kick-?off|migration fee|implementation fee"
        ),
    ),
    (
        "time_and_materials",
        (
            r"hourly|per hour|/ ?hr\b|/ ?hour|\bhours?\b|daily rate|per day|/ ?day\b"
            r"|person[- ]days?|man[- ]days?|time (?:and|&) materials?|\bt&m\b|stunden|tagessatz"
            r"|stundensatz"
        ),
    ),
    ("milestone", r"milestones?|meilenstein"),
    ("fixed_fee", r"fixed (?:fee|price)|festpreis|pauschal|lump[- ]sum|forfait"),
    (
        "subscription",
        (
            r"subscription|per (?:user|seat|licen[cs]e|named user)|/ ?(?:user|seat)|\busers?\b"
            r"|\bseats?\b|licen[cs]es?|saas|platform|edition|\bplan\b|per month|/ ?mo(?:nth)?\b"
            r"|monthly|annual|per year|/ ?y(?:ea)?r|abonnement|\babo\b|nutzer|lizenz|cloud"
            r"|\bsupport\b"
        ),
    ),
    ("fixed_fee", r"professional services|consulting|implementation|beratung|services"),
)


def infer_billing_model(
    words: str, unit: str | None, default: str | None = None
) -> tuple[str, str]:
    """The billing model a line's words and unit point to, and the reason in words."""
    text = f"{words} {unit or ''}".lower()
    if re.search(r"support|maintenance|wartung", text) and find_percents(text):
        return "maintenance", "support or maintenance priced as a percentage"
    for model, pattern in _MODEL_RULES:
        match = re.search(pattern, text)
        if match:
            return model, f"{match.group(0)!r} in the line"
    if default is not None:
        return default, "no telling word in the line; the default for this kind of document"
    return "one_time", "no telling word in the line"


_UNIT: Final = re.compile(
    (
        r"(?:per|/|each|pro|je)\s*(?P<u>(?:named )?(?:user|seat|licen[cs]e|device|unit|hour|day"
        r"|month|year|gb|tb|node|host|instance|agent|1[,.]?000 [a-z ]{2,20}?|call|api call"
        r"|transaction|nutzer|stunde|tag|monat|jahr))s?\b"
    ),
    re.IGNORECASE,
)


def _unit_from(text: str) -> str | None:
    match = _UNIT.search(text)
    return match.group("u").lower() if match else None


def _frequency_match(text: str) -> tuple[str, re.Match[str]] | None:
    for value, pattern in (
        ("one_time", r"one[- ]time|einmalig"),
        ("monthly", r"per month|/ ?mo(?:nth)?\b|monthly|monatlich"),
        ("quarterly", r"quarterly|per quarter|vierteljährlich"),
        ("annual", r"per year|/ ?y(?:ea)?r\b|annual(?:ly)?|yearly|per annum|jährlich"),
    ):
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return value, match
    return None


def _line_frequency(text: str) -> str | None:
    lower = text.lower()
    if re.search(r"one[- ]time|einmalig|setup|onboarding", lower):
        return "one_time"
    for value, pattern in (
        ("monthly", r"per month|/ ?mo(?:nth)?\b|monthly|monatlich"),
        ("quarterly", r"quarterly|per quarter|vierteljährlich"),
        ("annual", r"per year|/ ?y(?:ea)?r\b|annual(?:ly)?|yearly|per annum|jährlich"),
    ):
        if re.search(pattern, lower):
            return value
    return None


def _stated_rhythm(layout: Layout, draft: LineDraft, span: Span) -> None:
    """ "billed monthly in arrears" written in a line's own description."""
    text = layout.cell_text(span)
    said = re.search(
        (
            r"(?:billed|invoiced|abgerechnet)\s+(?P<f>monthly|quarterly|annually|yearly|monatlich"
            r"|jährlich)(?:\s+(?P<t>in advance|in arrears|im voraus))?"
        ),
        text,
        re.IGNORECASE,
    )
    if said is None:
        return
    frequency = _line_frequency(said.group("f"))
    where = (span[0] + said.start(), span[0] + said.end())
    if frequency:
        draft.set("frequency", frequency, where, TABLE - Decimal("0.1"))
    if said.group("t"):
        timing = "arrears" if "arrears" in said.group("t").lower() else "advance"
        draft.set("timing", timing, where, TABLE - Decimal("0.1"))


def _table_lines(
    layout: Layout, grid: Grid, reader: DateReader, found: Collector, totals: list[StatedTotal]
) -> list[LineDraft]:
    header_index: int | None = None
    mapping: dict[int, str] = {}
    for index, row in enumerate(grid.rows[:3]):
        candidate = map_header([layout.cell_text(cell) for cell in row])
        kinds = set(candidate.values())
        if ({"description", "sku"} & kinds) and (
            {"unit_price", "amount", "quantity"} & kinds
            or any(k.startswith("year") for k in kinds)
            or ("item" in kinds and _numbered_lines_stated(layout, len(grid.rows) - index - 1))
        ):
            header_index, mapping = index, candidate
            break
    if header_index is None:
        return []
    header_text = " ".join(layout.cell_text(c) for c in grid.rows[header_index]).lower()
    if _ROLE_HEADER.search(header_text) and re.search(r"rate|satz", header_text):
        return []  # a rate card, read by services
    if _MILESTONE_HEADER.search(header_text) and "quantity" not in mapping.values():
        return []  # a milestone schedule, read by services
    drafts: list[LineDraft] = []
    for row in grid.rows[header_index + 1 :]:
        cells = {
            mapping[i]: cell for i, cell in enumerate(row) if i in mapping and cell[1] > cell[0]
        }
        if not cells or all(_RULE_ROW.fullmatch(layout.cell_text(c)) for c in row):
            continue  # a rule under the header: "----  -------"
        description = cells.get("description") or cells.get("sku")
        if description is None:
            continue
        description_text = layout.cell_text(description)
        row_span = (min(c[0] for c in row if c[1] > c[0]), max(c[1] for c in row))
        if _TOTAL_ROW.search(description_text.strip(" *")) or not re.search(
            r"[A-Za-zÄÖÜäöü]", description_text
        ):
            amount_cell = cells.get("amount") or next(
                (c for c in reversed(row) if c[1] > c[0] and c != description), None
            )
            if amount_cell is not None and _TOTAL_ROW.search(description_text.strip(" *")):
                read = read_amount(layout.cell_text(amount_cell), amount_cell[0])
                label = description_text.strip(" *:").lower()
                if read is not None:
                    totals.append(StatedTotal(read[0], read[1], label))
            continue
        draft = LineDraft(row=row_span, hints=header_text)
        draft.words = " ".join(layout.cell_text(c) for c in row if c[1] > c[0])
        draft.set("description", re.sub(r"\s+", " ", description_text)[:5000], description, TABLE)
        if "sku" in cells and cells["sku"] != description:
            sku, where = _code_in(layout, cells["sku"])
            if 0 < len(sku) <= 64:
                draft.set("sku", sku, where, TABLE)
        if "quantity" in cells:
            numbers = find_numbers(layout.cell_text(cells["quantity"]), cells["quantity"][0])
            whole = parse_number(layout.cell_text(cells["quantity"]))
            if whole is not None:
                draft.set("quantity", str(whole), cells["quantity"], TABLE)
            elif numbers:
                draft.set(
                    "quantity", str(numbers[0].value), (numbers[0].start, numbers[0].end), TABLE
                )
                tail = layout.text[numbers[0].end : cells["quantity"][1]].strip()
                if tail and re.fullmatch(r"[A-Za-z][A-Za-z /-]{0,38}", tail):
                    draft.set(
                        "unit",
                        tail.lower().rstrip("s") if tail.lower().endswith("s") else tail.lower(),
                        (numbers[0].end, cells["quantity"][1]),
                        TABLE - Decimal("0.1"),
                    )
        if "unit" in cells:
            unit, where = _code_in(layout, cells["unit"])
            if 0 < len(unit) <= 40:
                draft.set("unit", unit.lower(), where, TABLE)
        for name in ("unit_price", "list_price", "amount"):
            if name in cells:
                read = read_amount(layout.cell_text(cells[name]), cells[name][0])
                if read is not None and read[0] >= 0:
                    draft.set(name, str(read[0]), read[1], TABLE)
                priced_unit = _unit_from(layout.cell_text(cells[name]))
                if priced_unit and name == "unit_price":
                    draft.set("unit", priced_unit, cells[name], TABLE - Decimal("0.15"))
        if "discount" in cells:
            percents = find_percents(layout.cell_text(cells["discount"]), cells["discount"][0])
            number = parse_number(layout.cell_text(cells["discount"]).replace("%", ""))
            if percents:
                draft.set(
                    "discount_percent",
                    str(percents[0].value),
                    (percents[0].start, percents[0].end),
                    TABLE,
                )
            elif number is not None and 0 <= number <= 100:
                draft.set("discount_percent", str(number), cells["discount"], TABLE)
        for name, path in (("start", "service_start"), ("end", "service_end")):
            if name in cells:
                dates = reader.dates(layout.cell_text(cells[name]), cells[name][0])
                if dates:
                    draft.set(path, dates[0], (dates[0].start, dates[0].end), TABLE)
        if "period" in cells:
            dates = reader.dates(layout.cell_text(cells["period"]), cells["period"][0])
            if len(dates) >= 2:
                draft.set("service_start", dates[0], (dates[0].start, dates[0].end), TABLE)
                draft.set("service_end", dates[1], (dates[1].start, dates[1].end), TABLE)
        if "frequency" in cells:
            billing = layout.cell_text(cells["frequency"])
            frequency = _line_frequency(billing)
            if frequency:
                draft.set("frequency", frequency, cells["frequency"], TABLE)
            timing = re.search(r"in arrears|in advance|im voraus|nachträglich", billing, re.I)
            if timing:  # a Billing cell "monthly in arrears"
                said = timing.group(0).lower()
                draft.set(
                    "timing",
                    "arrears" if said in ("in arrears", "nachträglich") else "advance",
                    (cells["frequency"][0] + timing.start(), cells["frequency"][0] + timing.end()),
                    TABLE,
                )
        _stated_rhythm(layout, draft, description)
        described_unit = _unit_from(description_text)
        if described_unit:
            draft.set("unit", described_unit, description, TABLE - Decimal("0.15"))
        years = sorted(
            (int(kind[4:]), cell) for kind, cell in cells.items() if kind.startswith("year")
        )
        if years:
            draft.set("_ramp", years, row_span, TABLE)
        drafts.append(draft)
    return drafts


_QUANTITY_WORDS: Final = (
    r"(?:named |concurrent |additional |enterprise |professional |standard |premium )*"
    r"(?:seats?|users?|licen[cs]es?|devices?|units?|hosts?|nodes?|instances?|accounts?|agents?|appliances?|employees?|nutzer|lizenzen)"
)
_PROSE_QTY: Final = re.compile(
    r"(?P<qty>"
    + NUMBER_PATTERN
    + r")\s*(?:x\s+|×\s*)?(?P<desc>(?:[A-Za-z][\w&+.'-]*\s+){0,5}?"
    + _QUANTITY_WORDS
    + r"|[A-Z][\w&+.'-]*(?:\s+[A-Z][\w&+.'-]*){0,4})"
    r"(?P<rest>[^.\n;]{0,40}?)\s+(?:at|@|for|zu|à)\s+(?:a (?:price|rate) of\s+)?",
    re.IGNORECASE,
)
_PROSE_FEE: Final = re.compile(
    (
        r"(?P<desc>(?:an?\s+|the\s+)?(?:one[- ]time|fixed|annual|monthly|yearly|recurring|setup"
        r"|set-up|onboarding|implementation|training|subscription|support|maintenance"
        r"|professional services?|platform|licen[cs]e|hardware|einmalige?|jährliche?)"
        r"(?:[ -][\w&-]+){0,4}?\s+(?:fee|fees|charge|price|gebühr|pauschale))\s*(?:of|:|is|are"
        r"|shall be|will be|totaling|totalling|in the amount of|von|in höhe von)\s+"
    ),
    re.IGNORECASE,
)


_FEE_LABEL: Final = re.compile(
    r"(?:(?:annual|monthly|yearly|recurring|subscription|licen[cs]e|platform|service|services"
    r"|setup|set-up|one-time|implementation|onboarding|support|maintenance|professional services"
    r"|jährliche|monatliche|einmalige)\s+)*(?:fees?|price|charges?|gebühr|entgelt|vergütung)"
)


def _labelled_fees(layout: Layout) -> list[LineDraft]:
    """``Annual Subscription Fee: USD 24,000`` as a line (no quantity, no unit price)."""
    drafts: list[LineDraft] = []
    for labelled in layout.find(_FEE_LABEL):
        money = find_money(labelled.value, labelled.value_span[0])
        if not money:
            continue
        draft = LineDraft(row=(labelled.label_span[0], labelled.value_span[1]))
        label = layout.quote(labelled.label_span).strip(" :*")
        draft.words = f"{label} {labelled.value}"
        draft.set("description", label, labelled.label_span, PROSE_LINE + Decimal("0.1"))
        draft.set(
            "amount",
            str(money[0].amount),
            (money[0].number_start, money[0].number_end),
            Decimal("0.8"),
        )
        drafts.append(draft)
    return drafts


_ENUMERATED: Final = re.compile(
    r"^(?:item|line|line item|position|pos\.)\s+\d{1,3}\s*[:.)]\s+"
    r"(?P<body>[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*)",
    re.IGNORECASE | re.MULTILINE,
)


def _enumerated_lines(layout: Layout) -> list[LineDraft]:
    """ "Item 2: Model hosting (SKU MH-1), quantity 1 environment(s), at EUR 12,000.00 per
    unit, billed annually, amounting to EUR 12,000.00.": a line written as one numbered
    sentence, as order forms without a table (or a PDF's table without rules) state them."""
    drafts: list[LineDraft] = []
    text = layout.text
    for match in _ENUMERATED.finditer(text):
        body_start = match.start("body")
        body = match.group("body")
        money = find_money(body, body_start)
        if not money:
            continue
        name = re.match(r"[^,(\n]+", body)
        if name is None:
            continue
        desc_span = trim(text, body_start, body_start + name.end())
        description = text[desc_span[0] : desc_span[1]].rstrip(" .")
        if not re.search(r"[A-Za-zÄÖÜäöü]", description):
            continue
        desc_span = (desc_span[0], desc_span[0] + len(description))
        draft = LineDraft(row=(match.start(), match.end()))
        draft.words = body
        draft.set("description", description, desc_span, TABLE - Decimal("0.1"))
        sku = re.search(r"\bSKU\s*:?\s*(?P<s>[A-Z0-9][\w./-]{0,63})", body)
        if sku:
            draft.set(
                "sku",
                sku.group("s"),
                (body_start + sku.start("s"), body_start + sku.end("s")),
                TABLE - Decimal("0.1"),
            )
        quantity = re.search(
            r"\b(?:quantity|qty)\s*:?\s*(?P<q>"
            + NUMBER_PATTERN
            + r")(?:\s+(?P<u>[A-Za-z]+)(?:\(s\))?)?",
            body,
            re.IGNORECASE,
        )
        if quantity and parse_number(quantity.group("q")) is not None:
            where = (body_start + quantity.start("q"), body_start + quantity.end("q"))
            draft.set(
                "quantity", str(parse_number(quantity.group("q"))), where, TABLE - Decimal("0.1")
            )
            if quantity.group("u"):
                unit = quantity.group("u").lower()
                unit = unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit
                draft.set(
                    "unit",
                    unit,
                    (body_start + quantity.start("u"), body_start + quantity.end("u")),
                    TABLE - Decimal("0.1"),
                )
        total = re.search(
            r"(?:amounting to|for a total of|total(?:l?ing)?(?: of)?|=)\s*", body, re.IGNORECASE
        )
        amount = next((m for m in money if total and m.start >= body_start + total.end()), None)
        if amount is None and len(money) == 1:
            amount = money[0]
        if amount is not None:
            draft.set(
                "amount",
                str(amount.amount),
                (amount.number_start, amount.number_end),
                TABLE - Decimal("0.1"),
            )
        price = next(
            (
                m
                for m in money
                if m is not amount
                and text[max(0, m.start - 4) : m.start].strip().lower() in ("at", "@")
            ),
            None,
        )
        if price is not None:
            draft.set(
                "unit_price",
                str(price.amount),
                (price.number_start, price.number_end),
                TABLE - Decimal("0.1"),
            )
        billed = re.search(
            r"billed\s+(?P<f>monthly|quarterly|annually|yearly|one[- ]time)", body, re.IGNORECASE
        )
        if billed:
            frequency = _line_frequency(billed.group("f"))
            if frequency:
                draft.set(
                    "frequency",
                    frequency,
                    (body_start + billed.start(), body_start + billed.end()),
                    TABLE - Decimal("0.1"),
                )
        drafts.append(draft)
    return drafts


def _prose_lines(layout: Layout, found: Collector) -> list[LineDraft]:
    enumerated = _enumerated_lines(layout)
    if enumerated:
        return enumerated
    drafts: list[LineDraft] = _labelled_fees(layout)
    text = layout.text
    used: list[Span] = [d.row for d in drafts]
    for match in _PROSE_QTY.finditer(text):
        if any(s <= match.start() < e for s, e in used):
            continue
        money = find_money(text[match.end() : match.end() + 40], match.end())
        if not money or money[0].start != match.end():
            continue
        price = money[0]
        sentence = next(
            (s for s in [sentence_at(text, match.start())] if s[0] <= match.start() < s[1]),
            (match.start(), price.end + 60),
        )
        tail = text[price.end : min(sentence[1], price.end + 80)]
        draft = LineDraft(row=(match.start(), price.end))
        desc_span = trim(text, *match.span("desc"))
        draft.words = text[match.start() : min(sentence[1], price.end + 60)]
        draft.set("description", text[desc_span[0] : desc_span[1]], desc_span, PROSE_LINE)
        quantity = parse_number(match.group("qty"))
        if quantity is not None:
            draft.set("quantity", str(quantity), match.span("qty"), PROSE_LINE)
        draft.set(
            "unit_price", str(price.amount), (price.number_start, price.number_end), PROSE_LINE
        )
        unit_match = _UNIT.search(tail[:40])
        if unit_match:
            where = (price.end + unit_match.start(), price.end + unit_match.end())
            draft.set("unit", unit_match.group("u").lower(), where, PROSE_LINE - Decimal("0.1"))
        elif _unit_from(match.group("desc")):
            draft.set(
                "unit", _unit_from(match.group("desc")), desc_span, PROSE_LINE - Decimal("0.1")
            )
        total = re.search(
            r"(?:total(?:ling|ing)?(?: of)?|for a total of|=|amounting to|insgesamt)\s*",
            tail,
            re.IGNORECASE,
        )
        if total:
            amount = find_money(tail[total.end() : total.end() + 30], price.end + total.end())
            if amount:
                draft.set(
                    "amount",
                    str(amount[0].amount),
                    (amount[0].number_start, amount[0].number_end),
                    PROSE_LINE,
                )
        drafts.append(draft)
        used.append((match.start(), price.end))
    for match in _PROSE_FEE.finditer(text):
        if any(s <= match.start() < e for s, e in used):
            continue
        money = find_money(text[match.end() : match.end() + 40], match.end())
        if not money or money[0].start - match.end() > 2:
            continue
        sentence = next(
            (s for s in [sentence_at(text, match.start())] if s[0] <= match.start() < s[1]),
            (match.start(), money[0].end),
        )
        words = text[sentence[0] : sentence[1]]
        if re.search(
            r"not to exceed|shall not exceed|cap|total contract value|liabil|purchase order",
            words,
            re.IGNORECASE,
        ):
            continue
        draft = LineDraft(row=(match.start(), money[0].end))
        desc_span = trim(text, *match.span("desc"))
        description = re.sub(
            r"^(?:an?|the)\s+", "", text[desc_span[0] : desc_span[1]], flags=re.IGNORECASE
        )
        desc_span = (desc_span[1] - len(description), desc_span[1])
        draft.words = words
        draft.set("description", description[:1].upper() + description[1:], desc_span, PROSE_LINE)
        draft.set(
            "amount", str(money[0].amount), (money[0].number_start, money[0].number_end), PROSE_LINE
        )
        frequency = _line_frequency(words)
        if frequency:
            draft.set("frequency", frequency, sentence, PROSE_LINE - Decimal("0.1"))
        drafts.append(draft)
    return drafts


def extract_lines(
    layout: Layout, kind: DocumentKind, reader: DateReader, found: Collector
) -> tuple[list[LineDraft], list[StatedTotal]]:
    """Read every line, infer its billing model, and record it at ``lines[i]``."""
    totals: list[StatedTotal] = []
    drafts: list[LineDraft] = []
    for grid in layout.grids:
        drafts += _table_lines(layout, grid, reader, found, totals)
    if not drafts:
        drafts = _prose_lines(layout, found)
    default = {DocumentKind.SOW: "fixed_fee", DocumentKind.ORDER_FORM: "subscription"}.get(kind)
    start_text = found.get("start_date")
    stated = _stated_models(layout.text, len(drafts))
    for index, draft in enumerate(drafts):
        path = f"lines[{index}]"
        description = draft.values["description"]
        found.put(f"{path}.line_id", f"L{index + 1}", description[1], description[2])
        model, reason = infer_billing_model(
            f"{draft.words} {draft.hints if not draft.get('description') else ''}",
            draft.get("unit"),
            default,
        )
        confidence = Decimal("0.75") if "default" not in reason else Decimal("0.5")
        if index + 1 in stated:
            model, where = stated[index + 1]
            reason, confidence = f"stated: {layout.text[where[0] : where[1]]!r}", Decimal("0.85")
            found.put(f"{path}.billing_model", model, where, confidence)
        found.put(f"{path}.billing_model", model, draft.row, confidence)
        _stated_links(layout.text, index + 1, len(drafts), found)
        found.note(f"{path}.billing_model {model}: {reason}")
        for name, (value, span, confidence) in draft.values.items():
            if name == "_ramp":
                _ramp(layout, path, value, start_text, found)
                continue
            if isinstance(value, DateMatch):
                reader.put(f"{path}.{name}", value, confidence)
                continue
            found.put(f"{path}.{name}", value, span, confidence)
        if model == "expenses":
            cap = re.search(
                r"(?:cap|not to exceed|max(?:imum)?|up to)\D{0,20}", draft.words, re.IGNORECASE
            )
            if cap:
                found.note(f"{path}: expenses line mentions a cap: {draft.words[:120]!r}")
    _link_maintenance(drafts, found)
    _ramp_tables(layout, drafts, reader, found)
    return drafts, totals


def _numbered_lines_stated(layout: Layout, rows: int) -> bool:
    """True when sentences say what the numbered lines are ("Item 1 is time and materials.").

    A table of item numbers and descriptions only (a SOW billed by the hour,
    its rates in a rate card) is a line table when the text goes on to state
    its lines' billing models.
    """
    return any(1 <= int(m.group("n")) <= rows for m in _ITEM_IS.finditer(layout.text))


_ITEM_IS: Final = re.compile(
    r"\b(?:item|line|line item|position|pos\.)\s+(?P<n>\d{1,3})\s+(?:is|shall be|will be)\s+"
    r"(?:billed as\s+|charged as\s+)?(?P<what>[^.;\n]{3,80})",
    re.IGNORECASE,
)


def _stated_models(text: str, count: int) -> dict[int, tuple[str, Span]]:
    """ "Item 2 is a one-time fee.": the billing model a sentence states for a numbered line."""
    stated: dict[int, tuple[str, Span]] = {}
    for match in _ITEM_IS.finditer(text):
        number = int(match.group("n"))
        if not 1 <= number <= count or number in stated:
            continue
        model, reason = infer_billing_model(match.group("what"), None)
        if reason.startswith("no telling"):
            continue
        stated[number] = (model, match.span())
    return stated


_IT_LINKS: Final = (
    (
        "percent",
        re.compile(
            r"(?:priced|charged|billed) at\s+(?P<p>\d{1,3}(?:[.,]\d+)?)\s*%\s+of\s+[^.\n]{0,40}?"
            r"\b(?:item|line)\s+(?P<n>\d{1,3})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "bundle",
        re.compile(
            r"(?:component|part) of the bundle (?:in|of) (?:item|line)\s+(?P<n>\d{1,3})\b",
            re.IGNORECASE,
        ),
    ),
)


def _stated_links(text: str, number: int, count: int, found: Collector) -> None:
    """The sentences after "Item N is ..." that say how line N relates to another line."""
    path = f"lines[{number - 1}]"
    for match in _ITEM_IS.finditer(text):
        if int(match.group("n")) != number:
            continue
        # the sentences that follow, within the paragraph (a PDF wraps its lines)
        following = re.match(
            r"[^.\n]*\.(?:\s(?!\n)\s*(?:It|Its|A|An|The|This|Expenses|Invoice|Bill)\b"
            r"(?:[^.\n]|\n(?!\s*\n))*(?:\.\d(?:[^.\n]|\n(?!\s*\n))*)*\.)*",
            text[match.start() :],
        )
        if following is None:
            return
        offset = match.start()
        window = following.group(0)
        included = re.search(
            r"\bincludes?\s+(?P<q>" + NUMBER_PATTERN + r")\s+(?:units?|calls?|messages?"
            r"|transactions?|credits?)\b",
            window,
            re.IGNORECASE,
        )
        if included and parse_number(included.group("q")) is not None:
            where = (offset + included.start("q"), offset + included.end("q"))
            found.put(
                f"{path}.included_units",
                str(parse_number(included.group("q"))),
                where,
                Decimal("0.8"),
            )
        minimum = re.search(r"minimum (?:commitment|charge|fee) of\s+", window, re.IGNORECASE)
        if minimum:
            money = find_money(window[minimum.end() : minimum.end() + 30], offset + minimum.end())
            if money and money[0].start == offset + minimum.end():
                where = (money[0].number_start, money[0].number_end)
                found.put(f"{path}.minimum_commitment", str(money[0].amount), where, Decimal("0.8"))
        _stated_expenses(window, offset, path, found)
        centre = _COST_CENTRE.search(window)
        if centre:
            where = (offset + centre.start("cc"), offset + centre.end("cc"))
            found.put(f"{path}.cost_centre", centre.group("cc"), where, Decimal("0.8"))
        for kind, pattern in _IT_LINKS:
            link = pattern.search(window)
            if link is None or not 1 <= int(link.group("n")) <= count:
                continue
            target = f"L{int(link.group('n'))}"
            span = (offset + link.start(), offset + link.end())
            if kind == "percent":
                value = link.group("p").replace(",", ".")
                found.put(
                    f"{path}.percent",
                    value,
                    (offset + link.start("p"), offset + link.end("p")),
                    Decimal("0.8"),
                )
                found.put(f"{path}.percent_of_line", target, span, Decimal("0.8"))
            else:
                found.put(f"{path}.bundle_parent", target, span, Decimal("0.8"))
        return


_COST_CENTRE: Final = re.compile(
    r"\b(?:cost[- ]cent(?:re|er)|kostenstelle)\s*(?:no\.?|number|#)?\s*:?\s*"
    r"(?P<cc>[A-Z0-9][A-Za-z0-9/_-]*\d[A-Za-z0-9/_-]*[A-Za-z0-9]|\d+)",
    re.IGNORECASE,
)
_EXPENSE_CAP: Final = re.compile(
    r"(?:capped at|cap of|not (?:to )?exceed|up to|maximum of|limited to)\s+", re.IGNORECASE
)
_EXPENSE_MARKUP: Final = re.compile(
    r"(?:mark[- ]?up|handling fee|administrative fee|surcharge|aufschlag)[^.%]{0,20}?"
    r"(?P<p>\d{1,3}(?:[.,]\d+)?)\s*%|plus\s+(?P<q>\d{1,3}(?:[.,]\d+)?)\s*%",
    re.IGNORECASE,
)


def _stated_expenses(window: str, offset: int, path: str, found: Collector) -> None:
    """ "Expenses under it are capped at CAD 8,000.00. A handling mark-up of 10% applies."

    Only for a line already read as expenses; the cap and mark-up of that line.
    """
    if found.get(f"{path}.billing_model") != "expenses":
        return
    cap = _EXPENSE_CAP.search(window)
    if cap:
        money = find_money(window[cap.end() : cap.end() + 30], offset + cap.end())
        if money and money[0].start == offset + cap.end():
            where = (money[0].number_start, money[0].number_end)
            found.put(f"{path}.expense_cap", str(money[0].amount), where, Decimal("0.8"))
    markup = _EXPENSE_MARKUP.search(window)
    if markup:
        group = "p" if markup.group("p") else "q"
        where = (offset + markup.start(group), offset + markup.end(group))
        found.put(
            f"{path}.markup_percent", markup.group(group).replace(",", "."), where, Decimal("0.8")
        )


def _link_maintenance(drafts: list[LineDraft], found: Collector) -> None:
    """Support at N % of the licence: linked when exactly one subscription line is the licence."""
    licences = [
        i for i in range(len(drafts)) if found.get(f"lines[{i}].billing_model") == "subscription"
    ]
    for index, draft in enumerate(drafts):
        if found.get(f"lines[{index}].billing_model") != "maintenance":
            continue
        description = draft.values["description"]
        percents = find_percents(layout_text := str(description[0]), description[1][0])
        if not percents or layout_text is None:
            continue
        if len(licences) != 1:
            found.note(
                f"lines[{index}]: maintenance at {percents[0].value} % of a line not identified"
            )
            continue
        target = found.get(f"lines[{licences[0]}].line_id")
        found.put(
            f"lines[{index}].percent",
            str(percents[0].value),
            (percents[0].start, percents[0].end),
            Decimal("0.7"),
        )
        found.put(f"lines[{index}].percent_of_line", target, description[1], Decimal("0.6"))
        found.note(
            f"lines[{index}]: maintenance at {percents[0].value} % of {target}, the only licen"
            f"ce line"
        )


def _ramp(
    layout: Layout, path: str, years: list[tuple[int, Span]], start_text: Any, found: Collector
) -> None:
    if not isinstance(start_text, str):
        found.note(f"{path}: ramp by contract year found, but no start date to date its steps")
        return
    start = date.fromisoformat(start_text)
    step = 0
    for year, cell in years:
        read = read_amount(layout.cell_text(cell), cell[0])
        if read is None:
            continue
        step_start = add_months(start, 12 * (year - 1))
        found.put(
            f"{path}.ramp[{step}].start_date", step_start.isoformat(), cell, TABLE - Decimal("0.1")
        )
        found.put(
            f"{path}.ramp[{step}].end_date",
            (add_months(start, 12 * year) - _ONE_DAY).isoformat(),
            cell,
            TABLE - Decimal("0.1"),
        )
        found.put(f"{path}.ramp[{step}].amount", str(read[0]), read[1], TABLE)
        step += 1
    if step:
        found.note(f"{path}: ramp steps dated from the start date {start_text} by contract year")


_RAMP_COLUMNS: Final = (
    ("year", re.compile(r"(?:contract |subscription )?year|jahr|vertragsjahr|année", re.I)),
    ("period", re.compile(r"(?:service |billing )?period|dates|zeitraum|période", re.I)),
    ("quantity", re.compile(r"qty|quantity|seats|users|licen[cs]es|units|menge|anzahl", re.I)),
    ("unit_price", re.compile(r"unit price|price|rate|preis|einzelpreis|prix", re.I)),
    ("amount", re.compile(r"amount|total|fee|betrag|summe|montant|annual fee", re.I)),
)
_RAMP_INTRO: Final = re.compile(r"\bramp|step(?:s|ped)? up|by (?:contract )?year|staffel", re.I)
_ITEM_NAMED: Final = re.compile(r"\b(?:item|line|position|pos\.)\s+(?P<n>\d{1,3})\b", re.I)


def _ramp_columns(layout: Layout, header: tuple[Span, ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = layout.cell_text(cell).strip()
        for name, pattern in _RAMP_COLUMNS:
            if name not in columns and pattern.fullmatch(text):
                columns[name] = index
                break
    return columns


def _ramp_tables(
    layout: Layout, drafts: list[LineDraft], reader: DateReader, found: Collector
) -> None:
    """A ramp schedule in a table of its own, under the sentence that names its line.

    ``Item 1 ramps over the term as follows:`` then a table of Year / Period /
    Quantity / Unit Price / Amount: each row is a ramp step of that line,
    dated by its period, or else by contract year from the start date.
    """
    start_text = found.get("start_date")
    for grid in layout.grids:
        if len(grid.rows) < 2 or not grid.rows[0]:
            continue
        columns = _ramp_columns(layout, grid.rows[0])
        if not ({"year", "period"} & columns.keys()) or not (
            {"amount", "unit_price"} & columns.keys()
        ):
            continue
        first = layout.line_at(grid.rows[0][0][0])
        if first is None:
            continue
        before = layout.lines[max(first.index - 3, 0) : first.index]
        intro = " ".join(line.text for line in before)
        named = list(_ITEM_NAMED.finditer(intro))
        subscriptions = [
            i
            for i in range(len(drafts))
            if found.get(f"lines[{i}].billing_model") == "subscription"
        ]
        if named and _RAMP_INTRO.search(intro) and 1 <= int(named[-1].group("n")) <= len(drafts):
            target = int(named[-1].group("n")) - 1
        elif _RAMP_INTRO.search(intro) and len(subscriptions) == 1:
            target = subscriptions[0]
        else:
            continue
        path = f"lines[{target}]"
        if found.has(f"{path}.ramp[0].start_date"):
            continue
        _ramp_rows(layout, path, grid, columns, start_text, reader, found)


def _ramp_rows(
    layout: Layout,
    path: str,
    grid: Grid,
    columns: dict[str, int],
    start_text: Any,
    reader: DateReader,
    found: Collector,
) -> None:
    step = 0
    for row in grid.rows[1:]:

        def cell(name: str, row: tuple[Span, ...] = row) -> Span | None:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else None

        where = f"{path}.ramp[{step}]"
        period = cell("period")
        dates = reader.dates(layout.cell_text(period), period[0]) if period else []
        year_cell = cell("year")
        year = re.search(r"\d{1,2}", layout.cell_text(year_cell)) if year_cell else None
        if len(dates) >= 2:
            reader.put(f"{where}.start_date", dates[0], TABLE)
            reader.put(f"{where}.end_date", dates[1], TABLE)
        elif year is not None and year_cell is not None and isinstance(start_text, str):
            start = add_months(date.fromisoformat(start_text), 12 * (int(year.group(0)) - 1))
            found.put(f"{where}.start_date", start.isoformat(), year_cell, TABLE - Decimal("0.1"))
            end = add_months(start, 12) - _ONE_DAY
            found.put(f"{where}.end_date", end.isoformat(), year_cell, TABLE - Decimal("0.1"))
        else:
            continue
        quantity = cell("quantity")
        if quantity is not None:
            number = parse_number(layout.cell_text(quantity).strip())
            if number is not None:
                found.put(f"{where}.quantity", str(number), quantity, TABLE)
        for name in ("unit_price", "amount"):
            money = cell(name)
            read = read_amount(layout.cell_text(money), money[0]) if money else None
            if read is not None:
                found.put(f"{where}.{name}", str(read[0]), read[1], TABLE)
        step += 1
