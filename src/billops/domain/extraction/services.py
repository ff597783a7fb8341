"""Services terms: milestones, rate cards, not-to-exceed caps, expenses, usage tiers.

A Statement of Work prices services in ways an order form does not:

- **Milestones**: a payment schedule ("Milestone 1 - Discovery complete:
  USD 20,000 upon acceptance"), in a table (Milestone | Amount | % | Due
  Date | Acceptance) or as a list. Each has a name, an amount *or* a
  percent, maybe a due date, and whether the customer's acceptance
  triggers the invoice ("upon acceptance" yes; "upon signature" no).
- **Rate card**: the price per role per hour or day ("Senior Consultant |
  USD 250 / hour"; "Projektleiter: 1.200 € pro Tag").
- **Not-to-exceed**: a cap on time-and-materials fees ("fees shall not
  exceed USD 50,000"); caps in liability clauses are not billing caps and
  are skipped, caps on expenses belong to the expenses policy.
- **Expenses**: whether travel is billed, at cost or with a mark-up, up to
  a cap, with receipts.
- **Usage tiers**: "0 - 1,000,000 calls at USD 0.002; 1,000,001 - 5,000,000
  at USD 0.0015; above 5,000,000 at USD 0.001" on the usage line; graduated
  unless the document says volume pricing.

    >>> read_tier("1,000,001 – 5,000,000 API calls: USD 0.0015 per call")[:2]
    (Decimal('5000000'), Decimal('0.0015'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from billops.domain.extraction.fields import DateReader, sentence_at, sentences
from billops.domain.extraction.layout import Layout, Line
from billops.domain.extraction.lines import LineDraft, read_amount
from billops.domain.extraction.model import DocumentKind
from billops.domain.extraction.sources import Collector, Span, trim
from billops.domain.extraction.values import find_money, find_percents, parse_number

__all__ = ["extract_services", "read_tier"]

_MILESTONE_NAME: Final = r"milestone|name|event|phase|meilenstein"
_ACCEPTANCE: Final = re.compile(r"accept|abnahme|approv|sign[- ]off|réception", re.IGNORECASE)
_NO_ACCEPTANCE: Final = re.compile(
    r"upon (?:signature|execution|signing|contract signature|kick-?off|start)|on (?:signature"
    r"|execution)"
    r"|at signing|bei (?:unterzeichnung|vertragsschluss)|in advance",
    re.IGNORECASE,
)


def _milestone_grid(layout: Layout, reader: DateReader, found: Collector) -> int:
    count = 0
    for grid in layout.grids:
        if not grid.rows:
            continue
        header = [layout.cell_text(c).lower() for c in grid.rows[0]]
        joined = " ".join(header)
        if not re.search(r"milestone|deliverable|payment event|meilenstein|phase", joined):
            continue
        if not re.search(r"amount|fee|payment|price|%|percent|betrag|value|invoice", joined):
            continue
        columns: dict[str, int] = {}
        for index, heading in enumerate(header):
            if re.search(r"%|percent|anteil|share", heading) and "percent" not in columns:
                columns["percent"] = index
            elif (
                re.search(r"amount|fee|payment|price|betrag|value|invoice", heading)
                and "amount" not in columns
            ):
                columns["amount"] = index
            elif (
                re.search(r"due|date|target|planned|completion|fällig|datum", heading)
                and "due" not in columns
            ):
                columns["due"] = index
            elif (
                re.search(r"accept|trigger|criteria|condition|abnahme", heading)
                and "acceptance" not in columns
            ):
                columns["acceptance"] = index
            elif (
                re.search(r"description|deliverable|beschreibung", heading)
                and "description" not in columns
            ):
                columns["description"] = index
            elif re.search(_MILESTONE_NAME, heading) and "name" not in columns:
                columns["name"] = index
        if "name" not in columns and "description" in columns:
            columns["name"] = columns.pop("description")
        if "name" not in columns:
            continue
        for row in grid.rows[1:]:
            cell: dict[str, Span] = {
                k: row[i] for k, i in columns.items() if i < len(row) and row[i][1] > row[i][0]
            }
            if "name" not in cell:
                continue
            if "description" in cell and re.fullmatch(
                r"\s*(?:M|MS|P)?[-\s]?\d{1,2}\.?\s*", layout.cell_text(cell["name"]), re.IGNORECASE
            ):
                cell["name"] = cell["description"]
            name = layout.cell_text(cell["name"])
            if re.match(r"(?:grand )?total|summe|gesamt", name.strip(), re.IGNORECASE):
                continue
            row_text = " ".join(layout.cell_text(c) for c in row)
            if _put_milestone(layout, count, cell["name"], row_text, cell, reader, found):
                count += 1
    return count


_LINE_REFERENCE: Final = re.compile(
    r"\b(?:item|line|line item|pos(?:ition)?\.?|position)\s+(?:no\.?\s*)?(\d{1,3})\b", re.IGNORECASE
)


def _put_milestone(
    layout: Layout,
    index: int,
    name_span: Span,
    row_text: str,
    cells: dict[str, Span],
    reader: DateReader,
    found: Collector,
) -> bool:
    amount: tuple[Decimal, Span] | None = None
    percent: tuple[Decimal, Span] | None = None
    if "amount" in cells:
        amount = read_amount(layout.cell_text(cells["amount"]), cells["amount"][0])
    if "percent" in cells:
        percents = find_percents(layout.cell_text(cells["percent"]), cells["percent"][0])
        number = parse_number(layout.cell_text(cells["percent"]).replace("%", ""))
        if percents:
            percent = (percents[0].value, (percents[0].start, percents[0].end))
        elif number is not None:
            percent = (number, cells["percent"])
    if "amount" in cells and amount is None and percent is None:
        # "50% of Item 1" in the amount column: a share of a line's fee
        percents = find_percents(layout.cell_text(cells["amount"]), cells["amount"][0])
        if percents:
            percent = (percents[0].value, (percents[0].start, percents[0].end))
    if amount is None and percent is None:
        return False
    path = f"milestones[{index}]"
    for where in cells.values():
        # "£12,000.00 (Item 1)", "50% of Line 2": the line the milestone bills
        named = _LINE_REFERENCE.search(layout.cell_text(where))
        if named:
            span = (where[0] + named.start(), where[0] + named.end())
            found.put(f"{path}.line_id", f"L{int(named.group(1))}", span, Decimal("0.8"))
            break
    name = re.sub(r"\s+", " ", layout.cell_text(name_span)).strip()
    found.put(f"{path}.milestone_id", f"M{index + 1}", name_span, Decimal("0.85"))
    found.put(f"{path}.name", name[:500], name_span, Decimal("0.85"))
    if amount is not None:
        found.put(f"{path}.amount", str(amount[0]), amount[1], Decimal("0.85"))
        if percent is not None:
            found.note(f"{path}: both {amount[0]} and {percent[0]} % stated; the amount is kept")
    elif percent is not None:
        found.put(f"{path}.percent", str(percent[0]), percent[1], Decimal("0.85"))
    if "due" in cells:
        dates = reader.dates(layout.cell_text(cells["due"]), cells["due"][0])
        if dates:
            reader.put(f"{path}.due_date", dates[0], Decimal("0.8"))
    trigger_text = layout.cell_text(cells["acceptance"]) if "acceptance" in cells else row_text
    trigger_span = cells.get("acceptance", name_span)
    if "acceptance" in cells and re.fullmatch(
        r"\s*(?:yes|y|required|ja|x)\s*", trigger_text, re.IGNORECASE
    ):
        found.put(f"{path}.acceptance_required", True, trigger_span, Decimal("0.8"))
    elif "acceptance" in cells and re.fullmatch(
        r"\s*(?:no|n|none|nein|-)\s*", trigger_text, re.IGNORECASE
    ):
        found.put(f"{path}.acceptance_required", False, trigger_span, Decimal("0.8"))
    elif _ACCEPTANCE.search(trigger_text):
        found.put(f"{path}.acceptance_required", True, trigger_span, Decimal("0.75"))
    elif _NO_ACCEPTANCE.search(trigger_text):
        found.put(f"{path}.acceptance_required", False, trigger_span, Decimal("0.75"))
    return True


_MILESTONE_LINE: Final = re.compile(
    r"^(?:[-•*]\s*|\(?\d{1,2}[.)]\s*|[a-z][.)]\s*)?(?:(?:Milestone|Meilenstein|Phase|Payment)\s*\d{1,2}\s*[:.–—-]?\s*)?"
    r"(?P<name>[^:–—\n]{3,90}?)\s*(?::|–|—|\s-\s|\|)\s*(?P<rest>.+)$"
)


def _milestone_lines(layout: Layout, reader: DateReader, found: Collector, start: int) -> int:
    count = start
    for line in layout.lines:
        if layout.in_grid(line.start):
            continue
        section = layout.section_at(line.start) or ""
        in_schedule = re.search(
            r"milestone|payment schedule|zahlungsplan|meilenstein|fee schedule|payment terms",
            section,
        )
        if not (
            in_schedule or re.match(r"\s*(?:[-•*]\s*)?(?:Milestone|Meilenstein)\s*\d", line.text)
        ):
            continue
        match = _MILESTONE_LINE.match(line.text)
        if match is None:
            continue
        rest_start = line.start + match.start("rest")
        rest = match.group("rest")
        money = find_money(rest, rest_start)
        percents = find_percents(rest, rest_start)
        if not money and not percents:
            continue
        name_span = trim(
            layout.text, line.start + match.start("name"), line.start + match.end("name")
        )
        cells: dict[str, Span] = {}
        if money:
            cells["amount"] = (money[0].start, money[0].end)
        if percents and (not money or percents[0].start < money[0].start or True):
            cells["percent"] = (percents[0].start, percents[0].end)
        dates = reader.dates(rest, rest_start)
        if dates:
            cells["due"] = (dates[0].start, dates[0].end)
        if _put_milestone(layout, count, name_span, line.text, cells, reader, found):
            count += 1
    return count


# ------------------------------------------------------------------ rate card

_RATE_LINE: Final = re.compile(
    (
        r"(?:^|\n)\s*(?:[-•*]\s*)?(?P<role>[A-Z][A-Za-zÄÖÜäöüß &/.-]{2,50}?)\s*(?::|–|—|\s-\s|\|"
        r"|\bat\b)\s*"
        r"(?P<rate>[^\n]{1,30}?)\s*(?:per|/|pro|je)\s*(?P<unit>hour|hr|h|day|person[- ]day|stunde"
        r"|std|tag|personentag)\b"
    ),
    re.IGNORECASE,
)


def _rate_card(layout: Layout, found: Collector) -> None:
    count = 0
    roles: set[tuple[str, str]] = set()
    for grid in layout.grids:
        if not grid.rows:
            continue
        header = [layout.cell_text(c).lower() for c in grid.rows[0]]
        role_col = next(
            (
                i
                for i, h in enumerate(header)
                if re.search(r"role|resource|position|rolle|title|level|profil", h)
            ),
            None,
        )
        rate_cols = [i for i, h in enumerate(header) if re.search(r"rate|price|satz|preis|fee", h)]
        if role_col is None or not rate_cols:
            continue
        unit_col = next(
            (i for i, h in enumerate(header) if re.fullmatch(r"\s*(?:unit|per|einheit)\s*", h)),
            None,
        )
        for row in grid.rows[1:]:
            if role_col >= len(row) or row[role_col][1] <= row[role_col][0]:
                continue
            role = re.sub(r"\s+", " ", layout.cell_text(row[role_col])).strip()
            for rate_col in rate_cols:
                if rate_col >= len(row):
                    continue
                read = read_amount(layout.cell_text(row[rate_col]), row[rate_col][0])
                if read is None:
                    continue
                unit_text = header[rate_col] + " " + layout.cell_text(row[rate_col])
                if unit_col is not None and unit_col < len(row):
                    unit_text += " " + layout.cell_text(row[unit_col]).lower()
                unit = (
                    "day" if re.search(r"day|daily|tag|jour", unit_text, re.IGNORECASE) else "hour"
                )
                if (role.casefold(), unit) in roles:
                    continue
                roles.add((role.casefold(), unit))
                found.put(f"rate_card[{count}].role", role[:500], row[role_col], Decimal("0.85"))
                found.put(f"rate_card[{count}].rate", str(read[0]), read[1], Decimal("0.85"))
                found.put(f"rate_card[{count}].unit", unit, row[rate_col], Decimal("0.8"))
                count += 1
    if count:
        return
    for match in _RATE_LINE.finditer(layout.text):
        read = read_amount(match.group("rate"), match.start("rate"))
        if read is None:
            continue
        role = match.group("role").strip()
        if re.search(r"fee|total|expens|travel|cap|not to exceed|rate|price", role, re.IGNORECASE):
            continue
        unit = "day" if re.match(r"day|tag|person", match.group("unit"), re.IGNORECASE) else "hour"
        if (role.casefold(), unit) in roles:
            continue
        roles.add((role.casefold(), unit))
        found.put(
            f"rate_card[{count}].role",
            role[:500],
            trim(layout.text, *match.span("role")),
            Decimal("0.7"),
        )
        found.put(f"rate_card[{count}].rate", str(read[0]), read[1], Decimal("0.7"))
        found.put(f"rate_card[{count}].unit", unit, match.span("unit"), Decimal("0.7"))
        count += 1


# ------------------------------------------------------------- NTE, expenses

_EXPENSE_WORDS: Final = re.compile(
    r"expens|travel|reisekosten|spesen|out[- ]of[- ]pocket|auslagen|frais", re.IGNORECASE
)
_CAP_WORDS: Final = re.compile(
    r"not[- ]to[- ]exceed|shall not exceed|will not exceed|may not exceed|\bNTE\b|capped at"
    r"|cap of|\bcap\b|maximum (?:of|amount|fees?|budget)"
    r"|höchstbetrag|nicht überschreiten|budget cap|up to a maximum",
    re.IGNORECASE,
)


def _not_to_exceed(layout: Layout, found: Collector) -> None:
    for labelled in layout.find(
        r"(?:not[- ]to[- ]exceed|nte)(?: amount| cap| limit| value)?|budget cap|fee cap"
        r"|höchstbetrag|maximum fees?"
    ):
        read = read_amount(labelled.value, labelled.value_span[0])
        if read is not None:
            found.put("not_to_exceed", str(read[0]), read[1], Decimal("0.9"))
            return
    for span in sentences(layout.text):
        sentence = layout.quote(span)
        cap = _CAP_WORDS.search(sentence)
        if (
            cap is None
            or _EXPENSE_WORDS.search(sentence)
            or re.search(r"liab|haftung|indemn|renewal|uplift|increase", sentence, re.IGNORECASE)
        ):
            continue
        money = [m for m in find_money(sentence, span[0]) if m.start - span[0] >= cap.start() - 60]
        if money:
            found.put(
                "not_to_exceed",
                str(money[0].amount),
                (money[0].number_start, money[0].number_end),
                Decimal("0.7"),
            )
            return


def _expenses(layout: Layout, found: Collector) -> None:
    spans = [s for s in sentences(layout.text) if _EXPENSE_WORDS.search(layout.quote(s))]
    for span in spans:
        sentence = layout.quote(span)
        lower = sentence.lower()
        if re.search(r"liab|indemn|each party shall bear its own", lower):
            continue
        if re.search(
            (
                r"(?:not|no) (?:be )?(?:separately )?(?:billable|reimbursed|reimbursable|charged"
                r"|invoiced)|included in the fees?"
                r"|inclusive of (?:all )?(?:travel|expenses)|no (?:separate )?(?:travel|expenses)"
                r"|sind im (?:preis|festpreis) enthalten"
            ),
            lower,
        ):
            found.put("expenses_policy.billable", False, span, Decimal("0.75"))
            continue
        if not re.search(
            (
                r"reimburs|billable|billed|invoic|charged|at cost|pass[- ]through|in rechnung"
                r"|erstattet|abgerechnet|cost"
            ),
            lower,
        ):
            continue
        found.put("expenses_policy.billable", True, span, Decimal("0.75"))
        markup = re.search(
            r"mark[- ]?up|plus|handling|admin(?:istrative)? fee|aufschlag|surcharge", lower
        )
        if markup:
            percents = find_percents(sentence, span[0])
            near = [p for p in percents if abs(p.start - span[0] - markup.start()) < 60]
            if near:
                found.put(
                    "expenses_policy.markup_percent",
                    str(near[0].value),
                    (near[0].start, near[0].end),
                    Decimal("0.75"),
                )
        elif at_cost := re.search(
            (
                r"at (?:actual )?cost|without (?:any )?mark[- ]?up|no mark[- ]?up"
                r"|zum selbstkostenpreis|ohne aufschlag"
            ),
            lower,
        ):
            # the terms model reads no mark-up as "at cost": there is nothing to record
            quote = sentence[at_cost.start() : at_cost.end()]
            found.note(f"expenses_policy: billed {quote!r}: no mark-up recorded")
        cap = _CAP_WORDS.search(sentence) or re.search(
            r"up to|maximum|höchstens|limit", sentence, re.IGNORECASE
        )
        if cap:
            money = [m for m in find_money(sentence, span[0]) if m.start >= span[0] + cap.start()]
            if money:
                found.put(
                    "expenses_policy.cap",
                    str(money[0].amount),
                    (money[0].number_start, money[0].number_end),
                    Decimal("0.75"),
                )
            elif find_percents(sentence):
                quoted = sentence.strip()[:160]
                found.note(f"expenses cap stated as a percentage, not an amount: {quoted!r}")
        receipts = re.search(r"receipts?|supporting documentation|belege|justificatifs", lower)
        if receipts:
            negative = re.search(r"without receipts|no receipts", lower)
            found.put(
                "expenses_policy.receipts_required",
                not negative,
                (span[0] + receipts.start(), span[0] + receipts.end()),
                Decimal("0.7"),
            )


# ---------------------------------------------------------------- tiers

_TIER_PRICE: Final = re.compile(
    r"(?::|@|\bat\b|=|\||\t| {2,})\s*"
    r"(?P<price>(?:[A-Z]{3}|[$€£])\s?\d[\d,.]*|\d[\d,.]*\s?(?:[A-Z]{3}|[$€£]))"
)
_TIER_RANGE: Final = re.compile(
    (
        r"(?P<a>\d[\d,.' ]*?)\s*(?:-|–|—|to|bis)\s*(?P<b>\d[\d,.']*)|(?:up to|first"
        r"|bis zu)\s+(?P<c>\d[\d,.']*)"
    ),
    re.IGNORECASE,
)
_TIER_OPEN: Final = re.compile(
    r"\b(?:above|over|more than|beyond|thereafter|in excess of|über|ab)\b|\d\s*\+", re.IGNORECASE
)
_TIER_CONTEXT: Final = re.compile(
    r"tier|usage|volume|overage|staffel|package|graduated|per started|stufe", re.IGNORECASE
)
_PACKAGE_SIZE: Final = re.compile(
    r"\bper\s+(?:(?:started|each|every)\s+)?(?:package|block|bundle|pack)?\s*(?:of\s+)?"
    r"(?P<n>\d[\d,.' ]*\d|\d)\s+(?:units?|calls?|messages?|requests?|transactions?|credits?"
    r"|events?|einheiten)\b",
    re.IGNORECASE,
)
_DATED: Final = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b(?:jan|feb|mar|apr|may|jun|jul"
    r"|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b|\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun"
    r"|jul|aug|sep|oct|nov|dec|mär)[a-zä]*\.? \d{4}\b",
    re.IGNORECASE,
)
_TIER_ITEM: Final = re.compile(r"\b(?:item|line|position|pos\.)\s+(?P<n>\d{1,3})\b", re.IGNORECASE)
_VOLUME: Final = re.compile(
    r"\bvolume\b(?! of)|all units|volume-based|the tier the total reaches", re.IGNORECASE
)
_GRADUATED: Final = re.compile(
    r"graduated|each unit at (?:the price of )?(?:its|the) tier|stepped|gestaffelt|incremental",
    re.IGNORECASE,
)
_PACKAGE: Final = re.compile(r"\bpackages?\b|per started|\bblocks? of\b|paket", re.IGNORECASE)


def read_tier(text: str) -> tuple[Decimal | None, Decimal, Span] | None:
    """(up_to, or None for the open-ended tier; unit price; span of the price) of a tier line.

    The price follows a colon, ``at``, ``@``, ``=``, a table cell's edge or a
    column gap:

    >>> read_tier("1 - 100,000\tUSD 0.009 per unit")[:2]
    (Decimal('100000'), Decimal('0.009'))
    >>> read_tier("above 5,000,000  $0.001 per unit")[:2]
    (None, Decimal('0.001'))
    """
    price_match = _TIER_PRICE.search(text)
    if price_match is None:
        return None
    money = find_money(price_match.group("price"), price_match.start("price"))
    if not money:
        return None
    head = text[: price_match.start()]
    price = (money[0].amount, (money[0].number_start, money[0].number_end))
    bounds = _TIER_RANGE.search(head)
    if bounds is not None:
        upper = parse_number((bounds.group("b") or bounds.group("c")).strip())
        if upper is not None:
            return upper, *price
    if _TIER_OPEN.search(head):
        return None, *price
    return None


@dataclass(frozen=True, slots=True)
class _Tier:
    up_to: Decimal | None
    price: Decimal
    price_span: Span
    line: Line


def _tier_blocks(layout: Layout) -> list[list[_Tier]]:
    """Runs of consecutive tier lines (a tier table's rows, or a list of tier sentences)."""
    blocks: list[list[_Tier]] = []
    for line in layout.lines:
        read = read_tier(line.text)
        if read is None or _DATED.search(line.text):
            continue  # a tier counts units; a row with a date is a line or a ramp step
        up_to, price, span = read
        tier = _Tier(up_to, price, (span[0] + line.start, span[1] + line.start), line)
        if blocks and blocks[-1][-1].line.index == line.index - 1:
            blocks[-1].append(tier)
        else:
            blocks.append([tier])
    return blocks


def _tier_intro(layout: Layout, block: list[_Tier]) -> tuple[str, int]:
    """The (at most three) lines before a tier block, which name its line and its mode."""
    first = block[0].line.index
    lines = layout.lines[max(first - 3, 0) : first]
    if not lines:
        return "", block[0].line.start
    return layout.text[lines[0].start : lines[-1].end], lines[0].start


def _tiers(layout: Layout, drafts: list[LineDraft], found: Collector) -> None:
    """Usage tiers, each run of tier lines attached to the line it names or the next usage line.

    The sentence before the tiers (``Item 2 usage tiers, volume (all units at
    the price of the tier the total reaches):``) names the line and the mode:
    volume, package (a price per started package of ``package_size`` units;
    ``AUD 120.00 per 1,000 units``) or graduated (each unit at its tier's
    price), the mode assumed, and noted, when nothing says.
    """
    usage = [i for i in range(len(drafts)) if found.get(f"lines[{i}].billing_model") == "usage"]
    pending = list(usage)
    blocks = _tier_blocks(layout)
    for block in blocks:
        intro, intro_start = _tier_intro(layout, block)
        section = layout.section_at(block[0].line.start) or ""
        context = " ".join([section, intro, *(t.line.text for t in block)])
        if not _TIER_CONTEXT.search(context) or (
            len(block) < 2 and not re.search(r"tier|staffel|stufe", section + " " + intro, re.I)
        ):
            continue
        named = list(_TIER_ITEM.finditer(intro))
        target: int | None = None
        if named and 1 <= int(named[-1].group("n")) <= len(drafts):
            target = int(named[-1].group("n")) - 1
        elif pending:
            target = pending[0]
        if target is None:
            found.note("usage tiers found, but no usage line to attach them to")
            continue
        if target in pending:
            pending.remove(target)
        _put_tiers(layout, f"lines[{target}]", block, intro, intro_start, len(blocks), found)


def _put_tiers(
    layout: Layout,
    path: str,
    block: list[_Tier],
    intro: str,
    intro_start: int,
    block_count: int,
    found: Collector,
) -> None:
    previous: Decimal | None = None
    for index, tier in enumerate(block):
        last = index == len(block) - 1
        if (tier.up_to is None and not last) or (
            tier.up_to is not None and previous is not None and tier.up_to <= previous
        ):
            found.note(f"{path}: usage tiers out of order; not recorded")
            return
        previous = tier.up_to if tier.up_to is not None else previous
    sizes = [_PACKAGE_SIZE.search(tier.line.text) for tier in block]
    mode_match = _PACKAGE.search(intro) or _VOLUME.search(intro) or _GRADUATED.search(intro)
    mode_span: Span | None = None
    if mode_match is not None:
        mode_span = (intro_start + mode_match.start(), intro_start + mode_match.end())
    elif block_count == 1:  # the document's one tier schedule: a mode stated anywhere is its
        mode_match = _VOLUME.search(layout.text) or _GRADUATED.search(layout.text)
        mode_span = mode_match.span() if mode_match else None
    mode = "graduated"
    if mode_match is not None:
        word = mode_match.group(0)
        mode = (
            "package"
            if _PACKAGE.fullmatch(word)
            else "volume"
            if _VOLUME.fullmatch(word)
            else "graduated"
        )
    for index, tier in enumerate(block):
        line_span = (tier.line.start, tier.line.end)
        if tier.up_to is not None:
            found.put(f"{path}.tiers[{index}].up_to", str(tier.up_to), line_span, Decimal("0.75"))
        found.put(
            f"{path}.tiers[{index}].unit_price", str(tier.price), tier.price_span, Decimal("0.75")
        )
        size = sizes[index]
        if mode == "package" and size is not None:
            number = parse_number(size.group("n"))
            if number is not None:
                where = (tier.line.start + size.start("n"), tier.line.start + size.end("n"))
                found.put(
                    f"{path}.tiers[{index}].package_size", str(number), where, Decimal("0.75")
                )
    found.put(
        f"{path}.tier_mode",
        mode,
        mode_span or (block[0].line.start, block[0].line.end),
        Decimal("0.75") if mode_span else Decimal("0.5"),
    )
    if mode_span is None:
        found.note(
            f"{path}: usage tiers read as graduated (each unit at its tier's price); the docum"
            f"ent does not say volume or package"
        )


# ------------------------------------------------------------ fixed fee line

_FIXED_FEE: Final = re.compile(
    (
        r"(?:fixed (?:fee|price)|festpreis|pauschalpreis|lump[- ]sum)[^.\n]{0,40}?(?:of|:|is|von"
        r"|in höhe von|totaling|totalling)?\s*"
    ),
    re.IGNORECASE,
)


def _fixed_fee_line(
    layout: Layout, kind: DocumentKind, found: Collector, has_milestones: bool
) -> None:
    if kind is not DocumentKind.SOW or found.has("lines[0].line_id"):
        return
    for match in _FIXED_FEE.finditer(layout.text):
        money = find_money(layout.text[match.end() : match.end() + 40], match.end())
        if not money or money[0].start - match.end() > 3:
            continue
        sentence = sentence_at(layout.text, match.start())
        label = layout.text[match.start() : match.end()].strip(" :")
        model = "milestone" if has_milestones else "fixed_fee"
        found.put("lines[0].line_id", "L1", (match.start(), money[0].end), Decimal("0.7"))
        found.put(
            "lines[0].description",
            label[:1].upper() + label[1:] if label else "Fixed fee",
            (match.start(), match.start() + len(label)),
            Decimal("0.7"),
        )
        found.put("lines[0].billing_model", model, sentence, Decimal("0.7"))
        found.put(
            "lines[0].amount",
            str(money[0].amount),
            (money[0].number_start, money[0].number_end),
            Decimal("0.7"),
        )
        found.note(f"lines[0]: the SOW's fixed fee as one {model} line")
        return


def _time_and_materials_line(layout: Layout, kind: DocumentKind, found: Collector) -> None:
    if kind is not DocumentKind.SOW or found.has("lines[0].line_id"):
        return
    if not found.has("rate_card[0].role"):
        return
    said = re.search(
        r"time (?:and|&) materials?|\bT&M\b|hourly rates?|daily rates?|nach aufwand|stundensätze?",
        layout.text,
        re.IGNORECASE,
    )
    if said is None:
        return
    found.put("lines[0].line_id", "L1", said.span(), Decimal("0.65"))
    found.put("lines[0].description", "Time and materials services", said.span(), Decimal("0.65"))
    found.put("lines[0].billing_model", "time_and_materials", said.span(), Decimal("0.7"))
    found.note("lines[0]: the SOW's rate card billed as one time and materials line")


def extract_services(
    layout: Layout,
    kind: DocumentKind,
    drafts: list[LineDraft],
    reader: DateReader,
    found: Collector,
) -> None:
    """Milestones, rate card, NTE, expenses policy and usage tiers."""
    count = _milestone_grid(layout, reader, found)
    count = _milestone_lines(layout, reader, found, count)
    _rate_card(layout, found)
    _not_to_exceed(layout, found)
    _expenses(layout, found)
    _tiers(layout, drafts, found)
    _fixed_fee_line(layout, kind, found, count > 0)
    _time_and_materials_line(layout, kind, found)
    fee_lines = [
        i
        for i in range(len(drafts) or 1)
        if found.get(f"lines[{i}].billing_model") in ("fixed_fee", "milestone")
    ]
    if count and len(fee_lines) == 1:
        for index in range(count):
            if found.has(f"milestones[{index}].percent") and found.has(
                f"lines[{fee_lines[0]}].amount"
            ):
                line_id = found.get(f"lines[{fee_lines[0]}].line_id")
                source = found.values[f"lines[{fee_lines[0]}].line_id"].provenance
                assert source.span is not None
                found.put(f"milestones[{index}].line_id", line_id, source.span, Decimal("0.6"))
