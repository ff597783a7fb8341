"""Build the labelled extraction corpus: every document and its gold file from one spec.

Each document of the corpus is described once, below, by a ``Spec``: the
contract terms it states (which *are* the gold, ``ContractTerms`` JSON), how
it is written (file format and layout, date, number and money spellings,
wording variants) and what is special about it. ``compose`` turns the terms
into the document's text, clause by clause, so the text cannot state a
value the gold does not hold or miss one it holds (``compose`` refuses a
terms key it does not know how to write). The renderers then lay the text
out as PDF (reportlab: table, prose, two-column, letterhead, multi-page),
DOCX (python-docx), HTML, Markdown, plain text and scans (a PDF rendered to
an image with pypdfium2, slightly rotated and speckled with Pillow, saved
as PNG or as an image-only PDF).

All companies, people and numbers are invented; the prose is ours.

Run from the repository root::

    .venv/bin/python tests/corpus/build_corpus.py          # (re)write every file
    .venv/bin/python tests/corpus/build_corpus.py --check  # fail if a file would change

The output is deterministic (fixed PDF ids and dates, fixed zip timestamps,
seeded noise), so re-running it on an unchanged spec changes no byte and the
generated files are committed beside this script.

Gold file ``NAME.gold.json``::

    {"classification": "order_form" | "sow" | "amendment" | "msa" | "not_a_contract",
     "terms": <ContractTerms JSON: exactly what the document states; null if not a contract>,
     "expected_findings": ["EXTRACT-ARITH-LINE", ...],
     "notes": "what is special about this document"}

Finding rule ids the gold uses (see docs/evaluation.md): EXTRACT-ARITH-LINE
(quantity x unit price, less discount, is not the line amount),
EXTRACT-ARITH-TOTAL (the lines do not sum to the stated total),
EXTRACT-ARITH-MILESTONES (milestones do not sum to the fee they split),
EXTRACT-PO-MISSING (the customer requires a PO and the document gives none).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import random
import re
import sys
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------
# The text model: what compose produces and every renderer lays out


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Grid:
    """A table: a header row and body rows of text."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Fields:
    """Label: value pairs (a key-value block)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Grid | Fields | PageBreak

# --------------------------------------------------------------------------
# Spellings of dates, numbers and money

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONATE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}
MINOR_UNITS = {"JPY": 0}
WORDS = {
    0: "zero",
    10: "ten",
    14: "fourteen",
    15: "fifteen",
    20: "twenty",
    30: "thirty",
    45: "forty-five",
    60: "sixty",
    90: "ninety",
}


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spell_date(iso: str, style: str) -> str:
    d = date.fromisoformat(iso)
    return {
        "iso": d.isoformat(),
        "us": f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
        "uk": f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        "ordinal": f"{ordinal(d.day)} {MONTHS[d.month - 1]} {d.year}",
        "dmy_slash": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "mdy_slash": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "dmy_dot": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "de": f"{d.day}. {MONATE[d.month - 1]} {d.year}",
    }[style]


def spell_number(value: str | Decimal, style: str, places: int | None = None) -> str:
    number = Decimal(str(value))
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    text = f"{number:,.{places}f}"
    whole, _, fraction = text.partition(".")
    group, point = {
        "us": (",", "."),
        "eu": (".", ","),
        "fr": (" ", ","),
        "ch": ("'", "."),
        "plain": ("", "."),
    }[style]
    whole = whole.replace(",", group)
    return f"{whole}{point}{fraction}" if fraction else whole


def money_places(value: str, currency: str) -> int:
    minor = MINOR_UNITS.get(currency, 2)
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(minor, -exponent if isinstance(exponent, int) else 0)


def spell_money(value: str, currency: str, number_style: str, money_style: str) -> str:
    amount = spell_number(value, number_style, money_places(value, currency))
    symbol = SYMBOLS.get(currency)
    if money_style == "symbol" and symbol:
        return f"{symbol}{amount}"
    if money_style == "symbol_after" and symbol:
        return f"{amount} {symbol}"
    if money_style == "code_after" or (money_style == "symbol_after" and not symbol):
        return f"{amount} {currency}"
    if currency == "SEK" and money_style == "symbol":
        return f"{amount} kr"
    return f"{currency} {amount}"


def spell_percent(value: str, number_style: str) -> str:
    text = spell_number(value, number_style)
    return f"{text} %" if number_style in ("eu", "fr") else f"{text}%"


# --------------------------------------------------------------------------
# Specs


@dataclass(frozen=True)
class Style:
    dates: str = "iso"
    numbers: str = "us"
    money: str = "code_before"
    parties: str = "fields"  # fields | prose
    lines: str = "table"  # table | prose
    wording: int = 0  # picks among equivalent phrasings
    signature_place: str | None = None  # "Zürich": a place-and-date signature line
    signature_dates: str | None = None  # the signature date's own spelling, e.g. "de"


@dataclass(frozen=True)
class Spec:
    name: str  # file stem
    ext: str  # pdf | docx | html | md | txt | png
    layout: str  # table | prose | two_column | letterhead | multipage | scan | plain
    classification: str
    terms: Mapping[str, Any] | None
    style: Style = Style()
    expected_findings: tuple[str, ...] = ()
    notes: str = ""
    extra: tuple[Block, ...] = ()  # prose of the document's own (scope, legal) after the terms
    raw: tuple[Block, ...] = ()  # the whole document, for non-contracts

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.ext}"


def party(
    name: str,
    country: str,
    line1: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    region: str | None = None,
    tax: tuple[str, str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name}
    address: dict[str, Any] = {"country": country}
    for key, value in (
        ("line1", line1),
        ("city", city),
        ("region", region),
        ("postal_code", postal_code),
    ):
        if value is not None:
            address[key] = value
    data["address"] = address
    if tax is not None:
        data["tax_ids"] = [{"scheme": tax[0], "value": tax[1]}]
    return data


def line(line_id: str, description: str, model: str, **kw: Any) -> dict[str, Any]:
    return {"line_id": line_id, "description": description, "billing_model": model, **kw}


# --------------------------------------------------------------------------
# compose: terms -> text


COUNTRY_NAMES = {
    "US": "USA",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "CH": "Switzerland",
    "SE": "Sweden",
    "JP": "Japan",
    "AU": "Australia",
    "CA": "Canada",
    "NL": "Netherlands",
    "AT": "Austria",
    "IE": "Ireland",
}
TAX_LABELS = {"vat": "VAT No.", "ein": "EIN", "gst": "GST No.", "abn": "ABN", "uid": "UID"}
DOC_WORD = {
    "order_form": "Order Form",
    "sow": "Statement of Work",
    "amendment": "Amendment",
    "msa": "Agreement",
}
FREQ_WORD = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semi_annual": "semi-annually",
    "annual": "annually",
    "one_time": "once",
}
PERIOD_WORD = {
    "monthly": "month",
    "quarterly": "quarter",
    "semi_annual": "half-year",
    "annual": "year",
}


class Writer:
    """Spells the values of one spec in its style."""

    def __init__(self, spec: Spec) -> None:
        assert spec.terms is not None
        self.spec = spec
        self.terms = spec.terms
        self.style = spec.style
        self.currency: str = self.terms["currency"]

    def date(self, iso: str) -> str:
        return spell_date(iso, self.style.dates)

    def money(self, value: str) -> str:
        return spell_money(value, self.currency, self.style.numbers, self.style.money)

    def number(self, value: str) -> str:
        return spell_number(value, self.style.numbers)

    def percent(self, value: str) -> str:
        return spell_percent(value, self.style.numbers)

    def pick(self, *options: str) -> str:
        return options[self.style.wording % len(options)]


def _address(p: Mapping[str, Any]) -> str:
    a = p.get("address") or {}
    parts = [a.get("line1"), a.get("line2")]
    city = " ".join(x for x in (a.get("postal_code"), a.get("city")) if x)
    if a.get("country") == "US" or a.get("country") == "CA" or a.get("country") == "AU":
        city = ", ".join(x for x in (a.get("city"), a.get("region")) if x)
        if a.get("postal_code"):
            city += f" {a['postal_code']}"
    parts.append(city or None)
    parts.append(COUNTRY_NAMES[a["country"]])
    return ", ".join(x for x in parts if x)


def _tax(p: Mapping[str, Any]) -> str | None:
    ids = p.get("tax_ids") or []
    return "; ".join(f"{TAX_LABELS[t['scheme']]} {t['value']}" for t in ids) or None


KNOWN_KEYS = {
    "contract_id",
    "document_type",
    "title",
    "amends",
    "msa_reference",
    "supplier",
    "customer",
    "billing_contact",
    "signature_date",
    "effective_date",
    "start_date",
    "end_date",
    "term_months",
    "currency",
    "purchase_order",
    "payment_terms",
    "billing",
    "invoicing_provisions",
    "renewal",
    "lines",
    "milestones",
    "rate_card",
    "not_to_exceed",
    "expenses_policy",
    "total_contract_value",
}
LINE_KEYS = {
    "line_id",
    "sku",
    "description",
    "billing_model",
    "quantity",
    "unit",
    "unit_price",
    "list_price",
    "discount_percent",
    "amount",
    "service_start",
    "service_end",
    "frequency",
    "timing",
    "tiers",
    "tier_mode",
    "included_units",
    "minimum_commitment",
    "ramp",
    "percent_of_line",
    "percent",
    "bundle_parent",
    "expense_cap",
    "markup_percent",
    "cost_centre",
    "po_number",
}


def compose(spec: Spec) -> list[Block]:
    """The document's text, clause by clause, from the spec's terms."""
    if spec.terms is None:
        return list(spec.raw)
    unknown = set(spec.terms) - KNOWN_KEYS
    if unknown:
        raise ValueError(f"{spec.name}: compose cannot write {sorted(unknown)}")
    w = Writer(spec)
    t = spec.terms
    blocks: list[Block] = [Heading(t["title"], 1)]
    kind = t["document_type"]
    number_label = {"sow": "SOW No.", "amendment": "Amendment No.", "msa": "Agreement No."}
    blocks.append(Para(f"{number_label.get(kind, 'Order Form No.')} {t['contract_id']}"))
    blocks += _parties(w)
    blocks += _references(w)
    blocks += _term(w)
    blocks += _lines(w)
    blocks += _milestones(w)
    blocks += _rate_card(w)
    blocks += _money_caps(w)
    blocks += _invoicing(w)
    blocks += _renewal(w)
    blocks += list(spec.extra)
    blocks += _signatures(w)
    return blocks


def _parties(w: Writer) -> list[Block]:
    t = w.terms
    s, c = t["supplier"], t["customer"]
    doc = DOC_WORD[t["document_type"]]
    out: list[Block] = []
    if w.style.parties == "prose":
        text = (
            f'This {doc} is made between {s["name"]}, {_address(s)} ("Supplier"), '
            f'and {c["name"]}, {_address(c)} ("Customer").'
        )
        out.append(Para(text))
        for label, p in (("Supplier", s), ("Customer", c)):
            if _tax(p):
                out.append(Para(f"{label} {_tax(p)}."))
    else:
        pairs = [("Supplier", s["name"]), ("Supplier address", _address(s))]
        if _tax(s):
            pairs.append(("Supplier tax ID", _tax(s) or ""))
        pairs += [("Customer", c["name"]), ("Customer address", _address(c))]
        if _tax(c):
            pairs.append(("Customer tax ID", _tax(c) or ""))
        out.append(Heading("Parties"))
        out.append(Fields(tuple(pairs)))
    contact = t.get("billing_contact")
    if contact:
        bits = [contact.get("name"), contact.get("email"), contact.get("phone")]
        out.append(Para("Billing contact: " + ", ".join(b for b in bits if b)))
    return out


def _references(w: Writer) -> list[Block]:
    t = w.terms
    out: list[Block] = []
    doc = DOC_WORD[t["document_type"]]
    if t.get("msa_reference"):
        out.append(
            Para(
                w.pick(
                    f"This {doc} is governed by the {t['msa_reference']}.",
                    f"This {doc} is issued under and subject to the {t['msa_reference']}.",
                )
            )
        )
    if t.get("amends"):
        out.append(
            Para(
                f'This Amendment amends agreement {t["amends"]} (the "Original Agreement"). '
                "Except as changed below, the Original Agreement remains in full force."
            )
        )
    return out


def _term(w: Writer) -> list[Block]:
    t = w.terms
    pairs: list[tuple[str, str]] = []
    if t.get("effective_date"):
        pairs.append(("Effective Date", w.date(t["effective_date"])))
    if t.get("start_date"):
        pairs.append(("Start Date", w.date(t["start_date"])))
    if t.get("end_date"):
        pairs.append(("End Date", w.date(t["end_date"])))
    if t.get("term_months"):
        pairs.append(("Term", f"{t['term_months']} months"))
    pairs.append(("Currency", t["currency"]))
    if w.style.parties == "prose":
        sentences = []
        if t.get("effective_date"):
            sentences.append(f"This document takes effect on {w.date(t['effective_date'])}.")
        if t.get("start_date") and t.get("end_date"):
            sentences.append(
                w.pick(
                    f"The term runs from {w.date(t['start_date'])} to {w.date(t['end_date'])}",
                    f"Services start on {w.date(t['start_date'])} and end on "
                    f"{w.date(t['end_date'])}",
                )
                + (f" ({t['term_months']} months)." if t.get("term_months") else ".")
            )
        elif t.get("start_date"):
            sentences.append(f"Work starts on {w.date(t['start_date'])}.")
        elif t.get("term_months"):
            sentences.append(f"The term is {t['term_months']} months.")
        sentences.append(f"All amounts are in {t['currency']}.")
        return [Para(" ".join(sentences))]
    return [Heading("Term"), Fields(tuple(pairs))]


def _line_billing(w: Writer, ln: Mapping[str, Any]) -> str:
    bits = []
    if ln.get("frequency"):
        bits.append(FREQ_WORD[ln["frequency"]])
    if ln.get("timing"):
        bits.append(f"in {ln['timing']}")
    return " ".join(bits)


def _period(w: Writer, ln: Mapping[str, Any]) -> str:
    if ln.get("service_start") and ln.get("service_end"):
        return f"{w.date(ln['service_start'])} - {w.date(ln['service_end'])}"
    if ln.get("service_start"):
        return f"from {w.date(ln['service_start'])}"
    return ""


def _lines(w: Writer) -> list[Block]:
    lines = w.terms.get("lines") or []
    if not lines:
        return []
    for ln in lines:
        unknown = set(ln) - LINE_KEYS
        if unknown:
            raise ValueError(f"{w.spec.name}: compose cannot write line keys {sorted(unknown)}")
    out: list[Block] = [Heading(w.pick("Order Details", "Fees", "Pricing", "Commercial Terms"))]
    if w.style.lines == "table":
        columns = [
            ("Item", lambda i, ln: str(i + 1)),
            ("SKU", lambda i, ln: ln.get("sku", "")),
            ("Description", lambda i, ln: ln["description"]),
            ("Qty", lambda i, ln: w.number(ln["quantity"]) if "quantity" in ln else ""),
            ("Unit", lambda i, ln: ln.get("unit", "")),
            ("List Price", lambda i, ln: w.money(ln["list_price"]) if "list_price" in ln else ""),
            (
                "Discount",
                lambda i, ln: w.percent(ln["discount_percent"]) if "discount_percent" in ln else "",
            ),
            ("Unit Price", lambda i, ln: w.money(ln["unit_price"]) if "unit_price" in ln else ""),
            ("Service Period", lambda i, ln: _period(w, ln)),
            ("Billing", lambda i, ln: _line_billing(w, ln)),
            ("Amount", lambda i, ln: w.money(ln["amount"]) if "amount" in ln else ""),
        ]
        used = [
            (name, cell)
            for name, cell in columns
            if name == "Item" or any(cell(i, ln) for i, ln in enumerate(lines))
        ]
        rows = tuple(tuple(cell(i, ln) for _, cell in used) for i, ln in enumerate(lines))
        out.append(Grid(tuple(name for name, _ in used), rows))
    else:
        for i, ln in enumerate(lines):
            out.append(Para(_line_sentence(w, i, ln)))
    for i, ln in enumerate(lines):
        out += _line_details(w, i, ln, lines)
    if w.terms.get("total_contract_value"):
        label = w.pick("Total Contract Value", "Total", "Total Fees", "Total Contract Value (TCV)")
        out.append(Para(f"{label}: {w.money(w.terms['total_contract_value'])}"))
    return out


def _line_sentence(w: Writer, i: int, ln: Mapping[str, Any]) -> str:
    parts = [f"Item {i + 1}: {ln['description']}"]
    if ln.get("sku"):
        parts[0] += f" (SKU {ln['sku']})"
    if "quantity" in ln:
        unit = f" {ln['unit']}(s)" if ln.get("unit") else ""
        parts.append(f"quantity {w.number(ln['quantity'])}{unit}")
    if "list_price" in ln:
        parts.append(f"list price {w.money(ln['list_price'])}")
    if "discount_percent" in ln:
        parts.append(f"discount {w.percent(ln['discount_percent'])}")
    if "unit_price" in ln:
        parts.append(f"at {w.money(ln['unit_price'])} per unit")
    if _period(w, ln):
        parts.append(f"service period {_period(w, ln)}")
    if _line_billing(w, ln):
        parts.append(f"billed {_line_billing(w, ln)}")
    if "amount" in ln:
        parts.append(
            w.pick("for a total of ", "amounting to ", "line total ") + w.money(ln["amount"])
        )
    return ", ".join(parts) + "."


def _line_details(
    w: Writer, i: int, ln: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]
) -> list[Block]:
    item = f"Item {i + 1}"
    out: list[Block] = []
    model_word = {
        "subscription": "a subscription",
        "fixed_fee": "a fixed fee",
        "milestone": "billed on milestones",
        "time_and_materials": "time and materials",
        "usage": "usage-based",
        "one_time": "a one-time fee",
        "hardware": "hardware, invoiced on shipment",
        "maintenance": "maintenance and support",
        "expenses": "expenses",
    }[ln["billing_model"]]
    sentences = [f"{item} is {model_word}."]

    def position(line_id: str) -> str:
        return next(f"Item {j + 1}" for j, other in enumerate(lines) if other["line_id"] == line_id)

    if ln.get("included_units"):
        sentences.append(f"It includes {w.number(ln['included_units'])} units per period.")
    if ln.get("minimum_commitment"):
        sentences.append(
            f"A minimum commitment of {w.money(ln['minimum_commitment'])} per period applies; "
            "any shortfall is invoiced as a true-up."
        )
    if ln.get("percent_of_line"):
        sentences.append(
            f"It is priced at {w.percent(ln['percent'])} of the fee for "
            f"{position(ln['percent_of_line'])}."
        )
    if ln.get("bundle_parent"):
        sentences.append(f"It is a component of the bundle in {position(ln['bundle_parent'])}.")
    if ln.get("expense_cap"):
        sentences.append(f"Expenses under it are capped at {w.money(ln['expense_cap'])}.")
    if ln.get("markup_percent"):
        sentences.append(f"A handling mark-up of {w.percent(ln['markup_percent'])} applies.")
    if ln.get("cost_centre"):
        sentences.append(f"Invoice it to cost centre {ln['cost_centre']}.")
    if ln.get("po_number"):
        sentences.append(f"Invoice it against PO {ln['po_number']}.")
    out.append(Para(" ".join(sentences)))
    if ln.get("tiers"):
        mode = {
            "graduated": "graduated (each unit at the price of the tier it falls in)",
            "volume": "volume (all units at the price of the tier the total reaches)",
            "package": "package (a price per started package)",
        }[ln["tier_mode"]]
        out.append(Para(f"{item} usage tiers, {mode}:"))
        rows = []
        previous = Decimal(0)
        for tier in ln["tiers"]:
            start = w.number(str(previous + 1))
            band = (
                f"{start} - {w.number(tier['up_to'])}" if "up_to" in tier else f"above {previous}"
            )
            if "up_to" not in tier:
                band = f"above {w.number(str(previous))}"
            price = []
            if "unit_price" in tier:
                per = (
                    f"per {w.number(tier['package_size'])} units"
                    if "package_size" in tier
                    else "per unit"
                )
                price.append(f"{w.money(tier['unit_price'])} {per}")
            if "flat_fee" in tier:
                price.append(f"flat {w.money(tier['flat_fee'])}")
            rows.append((band, ", ".join(price)))
            if "up_to" in tier:
                previous = Decimal(tier["up_to"])
        out.append(Grid(("Units", "Price"), tuple(rows)))
    if ln.get("ramp"):
        out.append(Para(f"{item} ramps over the term as follows:"))
        rows = []
        for year, step in enumerate(ln["ramp"], start=1):
            period = w.date(step["start_date"])
            if step.get("end_date"):
                period += f" - {w.date(step['end_date'])}"
            rows.append(
                (
                    f"Year {year}",
                    period,
                    w.number(step["quantity"]) if "quantity" in step else "",
                    w.money(step["unit_price"]) if "unit_price" in step else "",
                    w.money(step["amount"]) if "amount" in step else "",
                )
            )
        out.append(Grid(("Year", "Period", "Quantity", "Unit Price", "Amount"), tuple(rows)))
    return out


def _milestones(w: Writer) -> list[Block]:
    ms = w.terms.get("milestones") or []
    if not ms:
        return []
    lines = w.terms.get("lines") or []
    rows = []
    for i, m in enumerate(ms, start=1):
        value = w.money(m["amount"]) if "amount" in m else w.percent(m["percent"])
        if "percent" in m:
            target = "the total fee"
            if m.get("line_id"):
                j = next(k for k, ln in enumerate(lines) if ln["line_id"] == m["line_id"])
                target = f"Item {j + 1}"
            value += f" of {target}"
        elif m.get("line_id"):
            j = next(k for k, ln in enumerate(lines) if ln["line_id"] == m["line_id"])
            value += f" (Item {j + 1})"
        acceptance = "on written acceptance" if m.get("acceptance_required", True) else "on date"
        rows.append(
            (
                f"M{i}",
                m["name"],
                w.date(m["due_date"]) if m.get("due_date") else "",
                value,
                acceptance,
            )
        )
    return [
        Heading(w.pick("Milestones", "Payment Milestones", "Milestone Schedule")),
        Grid(("No.", "Milestone", "Target Date", "Amount", "Invoiced"), tuple(rows)),
    ]


def _rate_card(w: Writer) -> list[Block]:
    rates = w.terms.get("rate_card") or []
    if not rates:
        return []
    rows = tuple(
        (r["role"], w.money(r["rate"]), "per day" if r.get("unit") == "day" else "per hour")
        for r in rates
    )
    return [
        Heading(w.pick("Rate Card", "Professional Services Rates")),
        Grid(("Role", "Rate", "Unit"), rows),
    ]


def _money_caps(w: Writer) -> list[Block]:
    t = w.terms
    out: list[Block] = []
    if t.get("not_to_exceed"):
        out.append(
            Para(
                w.pick(
                    f"Fees for time and materials shall not exceed {w.money(t['not_to_exceed'])} "
                    "without a written change order.",
                    f"Not-to-exceed amount: {w.money(t['not_to_exceed'])}.",
                )
            )
        )
    e = t.get("expenses_policy")
    if e:
        if e.get("billable", True) is False:
            out.append(Para("Expenses are not billable; they are included in the fees."))
        else:
            text = "Reasonable travel and living expenses are billed"
            text += (
                f" at cost plus {w.percent(e['markup_percent'])}"
                if e.get("markup_percent")
                else " at cost"
            )
            if e.get("cap"):
                text += f", up to {w.money(e['cap'])} in total"
            text += "."
            if e.get("receipts_required", True):
                text += " Receipts accompany each invoice."
            else:
                text += " No receipts are needed."
            out.append(Para(text))
    return out


def _payment(w: Writer, days: int) -> str:
    word = WORDS.get(days, str(days))
    return w.pick(
        f"Payment terms: Net {days}.",
        f"Invoices are payable within {word} ({days}) days of the invoice date.",
        f"Each invoice is due {days} days from invoice date.",
        f"Payment is due {days} days net from the date of invoice.",
    )


def _invoicing(w: Writer) -> list[Block]:
    t = w.terms
    out: list[Block] = []
    sentences: list[str] = []
    pt = t.get("payment_terms")
    if pt:
        if pt["net_days"] == 0:
            sentences.append("Invoices are due on receipt.")
        else:
            sentences.append(_payment(w, pt["net_days"]))
    b = t.get("billing")
    if b:
        freq = FREQ_WORD[b["frequency"]]
        timing = b.get("timing", "advance")
        text = w.pick(
            f"Fees are invoiced {freq} in {timing}",
            f"Supplier will invoice {freq}, in {timing}",
            f"Billing: {freq} in {timing}",
        )
        if b.get("alignment") == "calendar":
            text += f", aligned to calendar {PERIOD_WORD.get(b['frequency'], 'period')}s"
        if b.get("bill_cycle_day"):
            text += f", with invoices dated the {ordinal(b['bill_cycle_day'])} day of the month"
        sentences.append(text + ".")
    po = t.get("purchase_order")
    if po:
        if po.get("number"):
            sentences.append(f"Customer PO number: {po['number']}.")
        if po.get("amount"):
            sentences.append(f"The PO authorises {w.money(po['amount'])}.")
        if po.get("expires_on"):
            sentences.append(f"The PO expires on {w.date(po['expires_on'])}.")
        if po.get("required"):
            sentences.append(
                "Customer requires a valid purchase order; invoices without one will be rejected."
            )
    ip = t.get("invoicing_provisions") or {}
    if ip.get("po_on_invoice"):
        sentences.append("The PO number must appear on every invoice.")
    consolidation = ip.get("consolidation")
    if consolidation:
        sentences.append(
            {
                "consolidated": "All charges are consolidated onto one invoice per billing period.",
                "per_contract": "Each contract is invoiced separately.",
                "per_purchase_order": "A separate invoice is issued for each purchase order.",
                "per_cost_centre": "A separate invoice is issued for each cost centre.",
                "per_line": "Each line item is invoiced separately.",
            }[consolidation]
        )
    channel = ip.get("delivery_channel")
    if channel == "portal":
        sentences.append(f"Invoices are submitted through the {ip['portal']} supplier portal.")
    elif channel == "einvoice":
        sentences.append("Invoices are sent as e-invoices over the Peppol network.")
    elif channel == "post":
        sentences.append("Invoices are sent by post to the billing address.")
    if sentences:
        out.append(Heading(w.pick("Invoicing and Payment", "Payment Terms", "Billing")))
        out.append(Para(" ".join(sentences)))
    return out


def _renewal(w: Writer) -> list[Block]:
    r = w.terms.get("renewal")
    if not r:
        return []
    if r.get("auto_renew"):
        text = "This agreement renews automatically"
        if r.get("renewal_term_months"):
            text += f" for successive {r['renewal_term_months']}-month terms"
        if r.get("notice_days") is not None:
            text += (
                f" unless either party gives written notice at least {r['notice_days']} days "
                "before the end of the current term"
            )
        text += "."
    else:
        text = "This agreement does not renew automatically."
        if r.get("renewal_term_months"):
            text += (
                f" The parties may agree a renewal for a further {r['renewal_term_months']} months."
            )
        if r.get("notice_days") is not None:
            text += f" Either party may give {r['notice_days']} days' notice of non-renewal."
    if r.get("uplift_cap_percent"):
        text += (
            f" Renewal prices may not increase by more than {w.percent(r['uplift_cap_percent'])}."
        )
    return [Heading("Renewal"), Para(text)]


def _signatures(w: Writer) -> list[Block]:
    t = w.terms
    signed = t.get("signature_date")
    rows = []
    for who in ("supplier", "customer"):
        rows.append((t[who]["name"], "Name: ____________", "Title: ____________"))
    out: list[Block] = [Heading("Signatures"), Grid(("Party", "Signed by", "Title"), tuple(rows))]
    if signed:
        spelt = spell_date(signed, w.style.signature_dates or w.style.dates)
        if w.style.signature_place:
            out.append(Para(f"{w.style.signature_place}, {spelt}"))
        else:
            out.append(Para(f"Date of signature: {spelt}"))
    return out


# --------------------------------------------------------------------------
# Renderers

LEGAL = (
    Heading("General"),
    Para(
        "Each party keeps the other's confidential information confidential. Neither party's "
        "liability under this document exceeds the fees paid in the twelve months before the "
        "claim. Notices must be in writing."
    ),
)


def to_text(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(b.text.upper() if b.level == 1 else b.text)
            out.append(("=" if b.level == 1 else "-") * len(b.text))
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Fields):
            width = max(len(k) for k, _ in b.pairs) + 1
            out.append("\n".join(f"{k + ':':<{width}} {v}" for k, v in b.pairs))
        elif isinstance(b, Grid):
            rows = [b.header, *b.rows]
            widths = [max(len(r[i]) for r in rows) for i in range(len(b.header))]
            lines = [
                "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows
            ]
            lines.insert(1, "  ".join("-" * n for n in widths))
            out.append("\n".join(lines))
        elif isinstance(b, PageBreak):
            out.append("\f")
        out.append("")
    return "\n".join(out).replace("\n\f\n", "\f").rstrip() + "\n"


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Fields):
            out.append("\n".join(f"- **{k}:** {v}" for k, v in b.pairs))
        elif isinstance(b, Grid):
            rows = [b.header, *b.rows]
            text = ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
            text.insert(1, "|" + "|".join("---" for _ in b.header) + "|")
            out.append("\n".join(text))
        elif isinstance(b, PageBreak):
            out.append("---")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_html(blocks: Sequence[Block], title: str) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:50em}td,th{border:1px solid #999;"
        "padding:2px 6px}table{border-collapse:collapse}</style>",
        "</head><body>",
        '<nav><a href="#">Contracts portal</a> | <a href="#">Help</a></nav>',
        "<main>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{e(b.text)}</p>")
        elif isinstance(b, Fields):
            out.append("<dl>")
            out += [f"  <dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in b.pairs]
            out.append("</dl>")
        elif isinstance(b, Grid):
            out.append("<table>")
            out.append("  <tr>" + "".join(f"<th>{e(c)}</th>" for c in b.header) + "</tr>")
            for r in b.rows:
                out.append("  <tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
        elif isinstance(b, PageBreak):
            out.append("<hr>")
    out += [
        "</main>",
        "<footer>Generated by the customer contracts portal.</footer>",
        "</body></html>",
    ]
    return "\n".join(out) + "\n"


def to_docx(blocks: Sequence[Block], header: str, footer: str) -> bytes:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    props = document.core_properties
    props.author = "billops corpus"
    props.created = props.modified = datetime(2026, 1, 1)  # noqa: DTZ001 - fixed, for determinism
    props.last_modified_by = "billops corpus"
    props.revision = 1
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    for b in blocks:
        if isinstance(b, Heading):
            document.add_heading(b.text, level=b.level)
        elif isinstance(b, Para):
            document.add_paragraph(b.text)
        elif isinstance(b, Fields):
            for k, v in b.pairs:
                p = document.add_paragraph()
                p.add_run(f"{k}: ").bold = True
                p.add_run(v)
        elif isinstance(b, Grid):
            table = document.add_table(rows=1 + len(b.rows), cols=len(b.header))
            table.style = "Table Grid"
            for r, row in enumerate([b.header, *b.rows]):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
                        run.bold = r == 0
            document.add_paragraph()
        elif isinstance(b, PageBreak):
            document.add_page_break()
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 2026-01-01, so the bytes are reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def to_pdf(blocks: Sequence[Block], layout: str, letterhead: tuple[str, str] | None) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus import PageBreak as RLPageBreak

    rl_config.invariant = 1  # fixed document id and dates: reproducible bytes
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    tiny = styles["BodyText"].clone("tiny", fontSize=6, leading=7.2)
    e = html.escape
    buffer = io.BytesIO()
    width, height = A4
    margin = 20 * mm
    top = 32 * mm if letterhead else margin
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top,
        bottomMargin=margin,
        title="Contract",
        author="billops corpus",
        creator="billops corpus",
    )
    if layout == "two_column":
        gap = 8 * mm
        col = (width - 2 * margin - gap) / 2
        frames = [
            Frame(margin, margin, col, height - top - margin, id="left"),
            Frame(margin + col + gap, margin, col, height - top - margin, id="right"),
        ]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - top - margin, id="body")]
    frame_width = frames[0]._width

    def decorate(canvas: Any, document: Any) -> None:
        if letterhead is None:
            return
        name, address = letterhead
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#1f3a5f"))
        canvas.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 14)
        canvas.drawString(margin, height - 12 * mm, name)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, height - 18 * mm, address)
        canvas.setFillColor(colors.grey)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(margin, 10 * mm, f"{name} - Confidential")
        canvas.drawRightString(width - margin, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=decorate)])
    story: list[Any] = []
    for b in blocks:
        if isinstance(b, Heading):
            story.append(Paragraph(e(b.text), styles["Title" if b.level == 1 else "Heading3"]))
        elif isinstance(b, Para):
            story.append(Paragraph(e(b.text), body))
        elif isinstance(b, Fields):
            if layout == "prose":
                for k, v in b.pairs:
                    story.append(Paragraph(f"<b>{e(k)}:</b> {e(v)}", body))
            else:
                rows = [
                    [Paragraph(f"<b>{e(k)}</b>", small), Paragraph(e(v), small)] for k, v in b.pairs
                ]
                table = Table(rows, colWidths=[frame_width * 0.3, frame_width * 0.7])
                table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
                story.append(table)
        elif isinstance(b, Grid):
            cell_style = tiny if layout == "two_column" else small
            rows = [[Paragraph(f"<b>{e(c)}</b>", cell_style) for c in b.header]]
            rows += [[Paragraph(e(c), cell_style) for c in r] for r in b.rows]
            widths = _column_widths(b, frame_width, cell_style.fontSize * 0.6)
            table = Table(rows, colWidths=widths, repeatRows=1)
            grid = [("VALIGN", (0, 0), (-1, -1), "TOP")]
            if layout == "two_column":  # narrow columns: every point counts
                grid += [
                    ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
                ]
            if layout != "prose":
                grid += [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ]
            table.setStyle(TableStyle(grid))
            story.append(table)
        elif isinstance(b, PageBreak):
            story.append(RLPageBreak())
        story.append(Spacer(1, 3 * mm))
    doc.build(story)
    return buffer.getvalue()


def _unbreakable(cell: str) -> int:
    """Characters that must stay on one line: a whole amount, else the longest word."""
    if re.fullmatch(r"[0-9 .,'%A-Z$€£¥-]+", cell):
        return len(cell)
    return max((len(word) for word in cell.split()), default=0)


def _column_widths(grid: Grid, total: float, char: float) -> list[float]:
    """Each column wide enough for its longest word, the rest shared by text length."""
    rows = [grid.header, *grid.rows]
    columns = range(len(grid.header))
    words = [max(_unbreakable(r[i]) for r in rows) for i in columns]
    floor = [n * char + 4 for n in words]
    spare = max(0.0, total - sum(floor))
    weights = [min(40, max(len(r[i]) for r in rows)) + 1 for i in columns]
    return [f + spare * w / sum(weights) for f, w in zip(floor, weights, strict=True)]


def to_scan(pdf: bytes, seed: int, as_pdf: bool, dpi: int = 200) -> bytes:
    """A printed-and-scanned look: rasterised, slightly rotated, speckled, grey."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf_doc = pdfium.PdfDocument(pdf)
    rng = random.Random(seed)
    pages: list[Image.Image] = []
    for index in range(len(pdf_doc)):
        image = pdf_doc[index].render(scale=dpi / 72).to_pil().convert("L")
        angle = rng.uniform(-1.2, 1.2)
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        pixels = image.load()
        assert pixels is not None
        w, h = image.size
        for _ in range(w * h // 400):
            x, y = rng.randrange(w), rng.randrange(h)
            pixels[x, y] = rng.choice((0, 60, 120, 190))
        pages.append(image)
    pdf_doc.close()
    out = io.BytesIO()
    if as_pdf:
        fixed = time.struct_time((2026, 1, 1, 0, 0, 0, 3, 1, 0))  # fixed, for determinism
        pages[0].save(
            out,
            "PDF",
            resolution=dpi,
            save_all=True,
            append_images=pages[1:],
            creationDate=fixed,
            modDate=fixed,
            producer="billops corpus",
            quality=60,
        )
    else:
        assert len(pages) == 1, "a PNG scan holds one page"
        pages[0].save(out, "PNG", optimize=True)
    return out.getvalue()


def render(spec: Spec) -> bytes:
    blocks = compose(spec)
    title = next((b.text for b in blocks if isinstance(b, Heading)), spec.name)
    supplier = spec.terms["supplier"] if spec.terms else None
    letterhead = (supplier["name"], _address(supplier)) if supplier else None
    if spec.ext == "txt":
        return to_text(blocks).encode("utf-8")
    if spec.ext == "md":
        return to_markdown(blocks).encode("utf-8")
    if spec.ext == "html":
        return to_html(blocks, title).encode("utf-8")
    if spec.ext == "docx":
        header = letterhead[0] if letterhead else ""
        return to_docx(blocks, header, "Confidential - page footer")
    if spec.layout == "scan":
        pdf = to_pdf(blocks, "table", None)
        return to_scan(pdf, seed=sum(spec.name.encode()), as_pdf=spec.ext == "pdf")
    head = letterhead if spec.layout in ("letterhead", "multipage") else None
    return to_pdf(blocks, spec.layout, head)


def gold(spec: Spec) -> dict[str, Any]:
    return {
        "classification": spec.classification,
        "terms": spec.terms,
        "expected_findings": list(spec.expected_findings),
        "notes": spec.notes,
    }


# --------------------------------------------------------------------------
# The corpus

NORTHWIND = party(
    "Northwind Cloud, Inc.",
    "US",
    "200 Harbor Boulevard",
    "Oakland",
    "94607",
    "CA",
    ("ein", "47-1234567"),
)
BLUEFIN = party("Bluefin Logistics LLC", "US", "88 Pier Street", "Seattle", "98101", "WA")
FJORDLINE = party(
    "Fjordline Software AB",
    "SE",
    "Kungsgatan 12",
    "Stockholm",
    "111 43",
    None,
    ("vat", "SE556677889901"),
)
BRIGHTPATH = party(
    "Brightpath Consulting Ltd",
    "GB",
    "14 Aldgate High Street",
    "London",
    "EC3N 1AL",
    None,
    ("vat", "GB123456789"),
)
KESTREL = party(
    "Kestrel Data Services Inc.",
    "CA",
    "410 Bay Street",
    "Toronto",
    "M5H 2Y4",
    "ON",
    ("gst", "123456789RT0001"),
)
MAPLE_RIDGE = party(
    "Maple Ridge Credit Union", "CA", "1200 West Georgia Street", "Vancouver", "V6E 4R2", "BC"
)
ALPENROSE = party(
    "Alpenrose Software AG",
    "CH",
    "Bahnhofstrasse 21",
    "Zürich",
    "8001",
    None,
    ("vat", "CHE-123.456.789 MWST"),
)
BERGBAHN = party("Bergbahn Engelberg AG", "CH", "Dorfstrasse 5", "Engelberg", "6390")
SAKURA = party("Sakura Devices K.K.", "JP", "1-2-3 Marunouchi, Chiyoda-ku", "Tokyo", "100-0005")
LINDQVIST = party(
    "Lindqvist Analytics GmbH",
    "DE",
    "Friedrichstraße 68",
    "Berlin",
    "10117",
    None,
    ("vat", "DE287654321"),
)
SOUTHERN_CROSS = party(
    "Southern Cross Software Pty Ltd",
    "AU",
    "100 George Street",
    "Sydney",
    "2000",
    "NSW",
    ("abn", "51 824 753 556"),
)
ATELIER = party(
    "Atelier Numérique SAS",
    "FR",
    "12 rue de la Paix",
    "Paris",
    "75002",
    None,
    ("vat", "FR12345678901"),
)
RHEINWERK = party(
    "Rheinwerk Cloud GmbH", "DE", "Mediapark 8", "Köln", "50670", None, ("vat", "DE301234567")
)
STADTWERKE = party("Stadtwerke Neustadt GmbH", "DE", "Industriestraße 3", "Neustadt", "67433")
ORBITAL = party(
    "Orbital Metrics Ltd", "IE", "3 Dock Road", "Dublin", "D02 X285", None, ("vat", "IE9876543W")
)
THAMESBYTE = party(
    "Thamesbyte Ltd",
    "GB",
    "5 Southwark Street",
    "London",
    "SE1 1RQ",
    None,
    ("vat", "GB987654321"),
)
COBALT = party("Cobalt Messaging Corp.", "US", "77 Summer Street", "Boston", "02110", "MA")
GRANITE = party("Granite Peak Software, Inc.", "US", "1550 Wynkoop Street", "Denver", "80202", "CO")

SCOPE_MIGRATION = (
    Heading("Scope"),
    Para(
        "Supplier will map, cleanse and move the customer records, open opportunities and "
        "service history from the legacy CRM to the new platform, run two rehearsal "
        "migrations and support the production cut-over weekend."
    ),
)
SCOPE_SUPPORT = (
    Heading("Scope"),
    Para(
        "Supplier provides engineers to operate, tune and extend the customer's data platform "
        "on request. Work is scheduled by the customer's platform lead; time is recorded daily "
        "and approved weekly by the customer."
    ),
)
MULTIPAGE_LEGAL = (
    PageBreak(),
    Heading("Schedule 1 - Service Levels"),
    Para(
        "Supplier targets 99.9 per cent monthly availability of the production service, "
        "excluding announced maintenance windows on Sunday mornings. Service credits are the "
        "customer's sole remedy for missed availability and never exceed ten per cent of the "
        "monthly fee."
    ),
    Para(
        "Support requests are answered within four business hours for priority one incidents "
        "and within two business days for questions. Support is provided in German and English."
    ),
    Heading("Schedule 2 - Data Protection"),
    Para(
        "Supplier processes personal data only on documented instructions of the customer and "
        "keeps it in data centres in Switzerland. Sub-processors are listed on the supplier's "
        "website and changes are announced thirty days in advance."
    ),
    *LEGAL,
    PageBreak(),
)

SPECS: tuple[Spec, ...] = (
    Spec(
        "of-northwind-bluefin",
        "pdf",
        "table",
        "order_form",
        {
            "contract_id": "OF-2026-0310",
            "document_type": "order_form",
            "title": "Order Form - Northwind Platform",
            "msa_reference": "Master Subscription Agreement dated January 15, 2025",
            "supplier": NORTHWIND,
            "customer": BLUEFIN,
            "billing_contact": {"name": "Dana Whitfield", "email": "ap@bluefin.example"},
            "signature_date": "2026-02-20",
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
            "term_months": 12,
            "currency": "USD",
            "purchase_order": {"number": "PO-778812"},
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "renewal": {
                "auto_renew": True,
                "renewal_term_months": 12,
                "notice_days": 60,
                "uplift_cap_percent": "5",
            },
            "lines": [
                line(
                    "L1",
                    "Northwind Platform Enterprise",
                    "subscription",
                    sku="NW-PLAT-ENT",
                    quantity="50",
                    unit="user",
                    unit_price="1200.00",
                    amount="60000.00",
                    frequency="annual",
                ),
                line(
                    "L2",
                    "API calls",
                    "usage",
                    sku="NW-API-CALLS",
                    tier_mode="graduated",
                    tiers=[
                        {"up_to": "1000000", "unit_price": "0.002"},
                        {"up_to": "5000000", "unit_price": "0.0015"},
                        {"unit_price": "0.001"},
                    ],
                ),
                line(
                    "L3",
                    "Onboarding package",
                    "one_time",
                    sku="NW-ONB",
                    quantity="1",
                    unit_price="7500.00",
                    amount="7500.00",
                ),
            ],
            "total_contract_value": "67500.00",
        },
        Style(dates="us", money="symbol"),
        notes="Table layout, US dates and $ amounts; graduated usage tiers with sub-cent "
        "prices; MSA reference; auto-renewal with notice and uplift cap.",
    ),
    Spec(
        "of-fjordline-gotland",
        "pdf",
        "prose",
        "order_form",
        {
            "contract_id": "FL-2026-044",
            "document_type": "order_form",
            "title": "Order Form: Route Planner",
            "supplier": FJORDLINE,
            "customer": party("Gotland Ferries AB", "SE", "Hamngatan 4", "Visby", "621 57"),
            "signature_date": "2026-03-25",
            "effective_date": "2026-04-01",
            "start_date": "2026-04-01",
            "end_date": "2027-03-31",
            "term_months": 12,
            "currency": "SEK",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "invoicing_provisions": {"delivery_channel": "einvoice"},
            "lines": [
                line(
                    "L1",
                    "Route Planner Professional",
                    "subscription",
                    sku="FL-ROUTE",
                    quantity="25",
                    unit="user",
                    unit_price="4800.00",
                    amount="120000.00",
                ),
                line(
                    "L2",
                    "Administrator training",
                    "one_time",
                    sku="FL-TRAIN",
                    quantity="2",
                    unit="day",
                    unit_price="9500.00",
                    amount="19000.00",
                ),
            ],
            "total_contract_value": "139000.00",
        },
        Style(numbers="fr", money="code_after", parties="prose", lines="prose", wording=1),
        notes="Prose layout: parties, term and lines in sentences; Swedish number spelling "
        "(1 234,56 SEK); 'payable within thirty (30) days'; e-invoice delivery.",
    ),
    Spec(
        "sow-brightpath-harrow",
        "pdf",
        "letterhead",
        "sow",
        {
            "contract_id": "BP-SOW-003",
            "document_type": "sow",
            "title": "Statement of Work No. 3 - CRM Data Migration",
            "msa_reference": "Master Services Agreement dated 1 June 2025",
            "supplier": BRIGHTPATH,
            "customer": party(
                "Harrow & Finch plc", "GB", "2 Cathedral Square", "Bristol", "BS1 5DD"
            ),
            "signature_date": "2026-02-24",
            "start_date": "2026-03-02",
            "end_date": "2026-07-31",
            "currency": "GBP",
            "purchase_order": {"number": "HF-PO-20931"},
            "payment_terms": {"net_days": 30},
            "invoicing_provisions": {"po_on_invoice": True},
            "lines": [
                line("L1", "CRM data migration, fixed fee", "fixed_fee", amount="84000.00"),
            ],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Discovery and mapping sign-off",
                    "amount": "25200.00",
                    "due_date": "2026-04-03",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Test migration accepted",
                    "amount": "33600.00",
                    "due_date": "2026-06-05",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M3",
                    "name": "Production cut-over accepted",
                    "amount": "25200.00",
                    "due_date": "2026-07-31",
                    "line_id": "L1",
                },
            ],
            "expenses_policy": {"cap": "5000.00"},
        },
        Style(dates="uk", money="symbol", wording=2),
        notes="Letterhead with header band and page footer; fixed fee split into three "
        "milestones that add up; expenses capped; PO on every invoice; UK dates.",
        extra=SCOPE_MIGRATION,
    ),
    Spec(
        "sow-kestrel-mapleridge",
        "pdf",
        "two_column",
        "sow",
        {
            "contract_id": "KDS-SOW-2026-05",
            "document_type": "sow",
            "title": "Statement of Work - Data Platform Support",
            "supplier": KESTREL,
            "customer": MAPLE_RIDGE,
            "signature_date": "2026-04-22",
            "start_date": "2026-05-01",
            "end_date": "2026-10-31",
            "term_months": 6,
            "currency": "CAD",
            "payment_terms": {"net_days": 45},
            "billing": {"frequency": "monthly", "timing": "arrears"},
            "lines": [
                line("L1", "Data platform support services", "time_and_materials"),
                line(
                    "L2",
                    "Travel and living expenses",
                    "expenses",
                    expense_cap="8000.00",
                    markup_percent="10",
                ),
            ],
            "rate_card": [
                {"role": "Principal Architect", "rate": "245.00", "unit": "hour"},
                {"role": "Senior Data Engineer", "rate": "185.00", "unit": "hour"},
                {"role": "Data Engineer", "rate": "150.00", "unit": "hour"},
            ],
            "not_to_exceed": "120000.00",
            "expenses_policy": {"cap": "8000.00", "markup_percent": "10"},
        },
        Style(dates="us", wording=3),
        notes="Two-column layout; time and materials with an hourly rate card and a "
        "not-to-exceed cap; expenses with mark-up and cap; monthly in arrears; Net 45 worded "
        "'due 45 days net'.",
        extra=SCOPE_SUPPORT,
    ),
    Spec(
        "of-alpenrose-bergbahn",
        "pdf",
        "multipage",
        "order_form",
        {
            "contract_id": "ALP-2025-210",
            "document_type": "order_form",
            "title": "Order Form - Ticketing Suite",
            "supplier": ALPENROSE,
            "customer": BERGBAHN,
            "signature_date": "2025-12-15",
            "start_date": "2026-01-01",
            "end_date": "2028-12-31",
            "term_months": 36,
            "currency": "CHF",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "renewal": {"auto_renew": False, "notice_days": 90},
            "lines": [
                line(
                    "L1",
                    "Ticketing Suite",
                    "subscription",
                    sku="ALP-TIX",
                    unit="terminal",
                    amount="166500.00",
                    ramp=[
                        {
                            "start_date": "2026-01-01",
                            "end_date": "2026-12-31",
                            "quantity": "20",
                            "unit_price": "1850.00",
                            "amount": "37000.00",
                        },
                        {
                            "start_date": "2027-01-01",
                            "end_date": "2027-12-31",
                            "quantity": "30",
                            "unit_price": "1850.00",
                            "amount": "55500.00",
                        },
                        {
                            "start_date": "2028-01-01",
                            "end_date": "2028-12-31",
                            "quantity": "40",
                            "unit_price": "1850.00",
                            "amount": "74000.00",
                        },
                    ],
                ),
                line(
                    "L2",
                    "Premium support",
                    "maintenance",
                    sku="ALP-SUP",
                    percent="15",
                    percent_of_line="L1",
                    amount="24975.00",
                ),
            ],
            "total_contract_value": "191475.00",
        },
        Style(dates="dmy_dot", numbers="ch", signature_place="Zürich", signature_dates="de"),
        notes="Multi-page with letterhead and schedules; three-year ramp by terminals; "
        "maintenance as 15 % of the licence line; Swiss numbers (1'234.56) and dates "
        "(01.01.2026), signature dated '15. Dezember 2025'.",
        extra=MULTIPAGE_LEGAL,
    ),
    Spec(
        "amend-northwind-bluefin-seats",
        "pdf",
        "table",
        "amendment",
        {
            "contract_id": "OF-2026-0310-A1",
            "document_type": "amendment",
            "title": "Amendment No. 1 to Order Form OF-2026-0310",
            "amends": "OF-2026-0310",
            "supplier": NORTHWIND,
            "customer": BLUEFIN,
            "signature_date": "2026-05-27",
            "effective_date": "2026-06-01",
            "end_date": "2027-02-28",
            "currency": "USD",
            "payment_terms": {"net_days": 30},
            "lines": [
                line(
                    "L1",
                    "Northwind Platform Enterprise - additional users",
                    "subscription",
                    sku="NW-PLAT-ENT",
                    quantity="20",
                    unit="user",
                    unit_price="1200.00",
                    service_start="2026-06-01",
                    service_end="2027-02-28",
                    amount="18000.00",
                ),
            ],
            "total_contract_value": "18000.00",
        },
        Style(dates="mdy_slash", money="symbol", wording=2),
        notes="Add-on co-termed with the original order form; US month/day dates "
        "(06/01/2026), the order made clear by 02/28/2027 and the USD/US context; prorated "
        "amount for nine months.",
    ),
    Spec(
        "of-sakura-kitsune",
        "pdf",
        "table",
        "order_form",
        {
            "contract_id": "SD-2026-0007",
            "document_type": "order_form",
            "title": "Order Form - Store Terminals",
            "supplier": SAKURA,
            "customer": party(
                "Kitsune Retail Co., Ltd.", "JP", "4-5-6 Umeda, Kita-ku", "Osaka", "530-0001"
            ),
            "signature_date": "2026-01-20",
            "start_date": "2026-02-01",
            "end_date": "2027-01-31",
            "term_months": 12,
            "currency": "JPY",
            "payment_terms": {"net_days": 60},
            "lines": [
                line(
                    "L1",
                    "Point-of-sale terminal T1",
                    "hardware",
                    sku="SK-POS-T1",
                    quantity="40",
                    unit="device",
                    unit_price="85000",
                    amount="3400000",
                ),
                line(
                    "L2",
                    "Annual maintenance for POS terminals",
                    "maintenance",
                    sku="SK-POS-MNT",
                    percent="18",
                    percent_of_line="L1",
                    amount="612000",
                    frequency="annual",
                ),
                line("L3", "Installation", "one_time", sku="SK-INST", amount="240000"),
            ],
            "total_contract_value": "4252000",
        },
        Style(money="symbol", wording=1),
        notes="Yen amounts without decimals; hardware, maintenance at 18 % of hardware, "
        "one-time installation; Net 60 in words.",
    ),
    Spec(
        "of-lindqvist-hafenstadt-defect",
        "pdf",
        "table",
        "order_form",
        {
            "contract_id": "LA-2026-031",
            "document_type": "order_form",
            "title": "Order Form - Lindqvist BI",
            "supplier": LINDQVIST,
            "customer": party(
                "Hafenstadt Versicherung AG", "DE", "Ballindamm 9", "Hamburg", "20095"
            ),
            "signature_date": "2026-02-18",
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
            "term_months": 12,
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "BI Professional",
                    "subscription",
                    sku="LA-BI-PRO",
                    quantity="40",
                    unit="user",
                    unit_price="660.00",
                    amount="27400.00",
                ),
                line(
                    "L2",
                    "Connector pack",
                    "subscription",
                    sku="LA-CONN",
                    quantity="2",
                    unit_price="2500.00",
                    amount="5000.00",
                ),
            ],
            "total_contract_value": "32400.00",
        },
        Style(dates="dmy_dot", numbers="eu", money="code_after", wording=3),
        expected_findings=("EXTRACT-ARITH-LINE",),
        notes="DEFECT: line 1 says 40 x 660,00 = 27.400,00 EUR (should be 26.400,00); the "
        "total equals the stated lines. European numbers and dotted dates.",
    ),
    Spec(
        "of-southerncross-wattle-defect",
        "docx",
        "docx",
        "order_form",
        {
            "contract_id": "SCS-OF-2026-112",
            "document_type": "order_form",
            "title": "Order Form - Care Coordination Cloud",
            "supplier": SOUTHERN_CROSS,
            "customer": party(
                "Wattle Health Group Pty Ltd", "AU", "45 Collins Street", "Melbourne", "3000", "VIC"
            ),
            "signature_date": "2026-06-12",
            "start_date": "2026-07-01",
            "end_date": "2027-06-30",
            "term_months": 12,
            "currency": "AUD",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Care Coordination Cloud",
                    "subscription",
                    sku="SC-CARE",
                    quantity="120",
                    unit="user",
                    unit_price="540.00",
                    amount="64800.00",
                ),
                line(
                    "L2", "Implementation services", "fixed_fee", sku="SC-IMPL", amount="22000.00"
                ),
                line(
                    "L3",
                    "Training workshops",
                    "one_time",
                    sku="SC-TRAIN",
                    quantity="3",
                    unit="workshop",
                    unit_price="2400.00",
                    amount="7200.00",
                ),
            ],
            "total_contract_value": "96400.00",
        },
        Style(dates="dmy_slash", money="symbol", wording=1),
        expected_findings=("EXTRACT-ARITH-TOTAL",),
        notes="DEFECT: the lines sum to A$94,000.00 but the stated total is A$96,400.00. "
        "Day-first dates (12/06/2026 is 12 June: AUD, Australian addresses, 30/06/2027).",
    ),
    Spec(
        "sow-atelier-moreau-defect",
        "docx",
        "docx",
        "sow",
        {
            "contract_id": "AN-SOW-2026-09",
            "document_type": "sow",
            "title": "Statement of Work - E-commerce Storefront",
            "supplier": ATELIER,
            "customer": party(
                "Boulangeries Moreau SA", "FR", "8 avenue Jean Jaurès", "Lyon", "69007"
            ),
            "signature_date": "2026-03-20",
            "start_date": "2026-04-01",
            "end_date": "2026-12-18",
            "currency": "EUR",
            "payment_terms": {"net_days": 45},
            "lines": [
                line("L1", "E-commerce storefront build", "fixed_fee", amount="150000.00"),
            ],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Design approved",
                    "amount": "45000.00",
                    "due_date": "2026-05-29",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Storefront in staging",
                    "amount": "60000.00",
                    "due_date": "2026-09-30",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M3",
                    "name": "Go-live accepted",
                    "amount": "40000.00",
                    "due_date": "2026-12-18",
                    "line_id": "L1",
                },
            ],
            "expenses_policy": {"billable": False},
        },
        Style(dates="uk", numbers="eu", money="symbol_after"),
        expected_findings=("EXTRACT-ARITH-MILESTONES",),
        notes="DEFECT: milestones add up to 145.000,00 EUR but the fixed fee is "
        "150.000,00 EUR. Amounts written '45.000,00 EUR'; expenses not billable.",
    ),
    Spec(
        "of-northwind-redwood-defect",
        "html",
        "html",
        "order_form",
        {
            "contract_id": "OF-2026-0455",
            "document_type": "order_form",
            "title": "Order Form - Northwind Platform Education",
            "supplier": NORTHWIND,
            "customer": party(
                "Redwood County School District",
                "US",
                "500 Oak Avenue",
                "Redwood City",
                "94063",
                "CA",
            ),
            "signature_date": "2026-07-15",
            "start_date": "2026-08-01",
            "end_date": "2027-07-31",
            "term_months": 12,
            "currency": "USD",
            "purchase_order": {"required": True},
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "invoicing_provisions": {"po_on_invoice": True, "delivery_channel": "post"},
            "lines": [
                line(
                    "L1",
                    "Northwind Platform Education",
                    "subscription",
                    sku="NW-EDU",
                    quantity="300",
                    unit="user",
                    unit_price="45.00",
                    amount="13500.00",
                ),
            ],
            "total_contract_value": "13500.00",
        },
        Style(dates="us", money="symbol", wording=2),
        expected_findings=("EXTRACT-PO-MISSING",),
        notes="DEFECT: the district requires a purchase order on every invoice and the "
        "order form gives no PO number. HTML page with navigation and footer.",
    ),
    Spec(
        "of-rheinwerk-stadtwerke",
        "docx",
        "docx",
        "order_form",
        {
            "contract_id": "RW-2025-118",
            "document_type": "order_form",
            "title": "Order Form - GridWatch",
            "supplier": RHEINWERK,
            "customer": STADTWERKE,
            "billing_contact": {
                "name": "Kreditorenbuchhaltung",
                "email": "rechnungen@stadtwerke-neustadt.example",
            },
            "signature_date": "2025-12-10",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "term_months": 12,
            "currency": "EUR",
            "purchase_order": {"number": "4500123456"},
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "quarterly", "timing": "advance", "alignment": "calendar"},
            "invoicing_provisions": {"po_on_invoice": True, "delivery_channel": "einvoice"},
            "lines": [
                line(
                    "L1",
                    "GridWatch Monitoring",
                    "subscription",
                    sku="RW-GRID",
                    quantity="12",
                    unit="site",
                    list_price="3000.00",
                    discount_percent="15",
                    unit_price="2550.00",
                    amount="30600.00",
                ),
                line(
                    "L2",
                    "Sensor data volume",
                    "usage",
                    sku="RW-SENS",
                    tier_mode="volume",
                    included_units="5000",
                    frequency="quarterly",
                    timing="arrears",
                    tiers=[
                        {"up_to": "10000", "unit_price": "0.05"},
                        {"up_to": "100000", "unit_price": "0.04"},
                        {"unit_price": "0.03"},
                    ],
                ),
                line("L3", "Setup and commissioning", "one_time", sku="RW-SETUP", amount="4500.00"),
            ],
            "total_contract_value": "35100.00",
        },
        Style(dates="dmy_dot", numbers="eu", wording=1),
        notes="DOCX with header, footer, tables and headings; list price, discount and net "
        "price; volume tiers billed quarterly in arrears with included units; calendar "
        "quarters; e-invoice with the PO on every invoice.",
    ),
    Spec(
        "sow-southerncross-kookaburra",
        "docx",
        "docx",
        "sow",
        {
            "contract_id": "SCS-SOW-2026-031",
            "document_type": "sow",
            "title": "Statement of Work - Mine Scheduling Solution",
            "supplier": SOUTHERN_CROSS,
            "customer": party(
                "Kookaburra Mining Ltd", "AU", "250 St Georges Terrace", "Perth", "6000", "WA"
            ),
            "signature_date": "2026-09-01",
            "start_date": "2026-09-14",
            "end_date": "2027-03-26",
            "currency": "AUD",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "monthly", "timing": "arrears"},
            "lines": [
                line("L1", "Solution design, fixed fee", "fixed_fee", amount="48000.00"),
                line("L2", "Configuration and build support", "time_and_materials"),
            ],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Design document accepted",
                    "percent": "50",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Solution design sign-off",
                    "percent": "50",
                    "line_id": "L1",
                },
            ],
            "rate_card": [
                {"role": "Solution Architect", "rate": "2200.00", "unit": "day"},
                {"role": "Consultant", "rate": "1600.00", "unit": "day"},
            ],
            "not_to_exceed": "90000.00",
        },
        Style(dates="dmy_slash"),
        notes="Mixed SOW: fixed-fee design in two 50 % milestones plus T&M build at day "
        "rates with a not-to-exceed; day-first dates (14/09/2026).",
    ),
    Spec(
        "amend-rheinwerk-price",
        "html",
        "html",
        "amendment",
        {
            "contract_id": "RW-2025-118-A2",
            "document_type": "amendment",
            "title": "Amendment No. 2 - Price Change",
            "amends": "RW-2025-118",
            "supplier": RHEINWERK,
            "customer": STADTWERKE,
            "signature_date": "2026-02-16",
            "effective_date": "2026-03-01",
            "end_date": "2026-12-31",
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "lines": [
                line(
                    "L1",
                    "GridWatch Monitoring (new price)",
                    "subscription",
                    sku="RW-GRID",
                    quantity="12",
                    unit="site",
                    unit_price="2400.00",
                    service_start="2026-03-01",
                    service_end="2026-12-31",
                    amount="24000.00",
                ),
            ],
        },
        Style(dates="de", numbers="eu", wording=2),
        notes="Amendment lowering a price from 1. März 2026: German month names in an "
        "English document, European numbers.",
    ),
    Spec(
        "msa-orbital-celtictide",
        "docx",
        "docx",
        "msa",
        {
            "contract_id": "OM-MSA-2026-01",
            "document_type": "msa",
            "title": "Master Services Agreement and Order Schedule",
            "supplier": ORBITAL,
            "customer": party(
                "Celtic Tide Energy DAC", "IE", "21 Grand Canal Quay", "Dublin", "D04 Y123"
            ),
            "signature_date": "2026-01-28",
            "effective_date": "2026-02-01",
            "term_months": 36,
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "renewal": {
                "auto_renew": True,
                "renewal_term_months": 12,
                "notice_days": 90,
                "uplift_cap_percent": "3",
            },
            "lines": [
                line(
                    "L1",
                    "Orbital Meter Analytics",
                    "subscription",
                    sku="OM-METER",
                    quantity="1",
                    unit="platform",
                    unit_price="96000.00",
                    amount="96000.00",
                    frequency="annual",
                ),
            ],
        },
        Style(dates="uk", money="symbol", parties="prose", wording=3),
        notes="A master agreement carrying its own order schedule (classified msa); "
        "three-year term with auto-renewal, notice and uplift cap. The document states "
        "the effective date and a 36-month term but no end date, so none is expected.",
        extra=LEGAL,
    ),
    Spec(
        "of-cobalt-tangerine",
        "html",
        "html",
        "order_form",
        {
            "contract_id": "CMC-2026-0102",
            "document_type": "order_form",
            "title": "Order Form - Cobalt Messaging",
            "supplier": COBALT,
            "customer": party(
                "Tangerine Telecom Inc.", "US", "9 Market Plaza", "Austin", "78701", "TX"
            ),
            "signature_date": "2025-12-19",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "term_months": 12,
            "currency": "USD",
            "payment_terms": {"net_days": 15},
            "billing": {"frequency": "monthly", "timing": "arrears", "bill_cycle_day": 1},
            "invoicing_provisions": {"delivery_channel": "portal", "portal": "Ariba"},
            "lines": [
                line(
                    "L1",
                    "SMS messages",
                    "usage",
                    sku="CB-SMS",
                    tier_mode="volume",
                    minimum_commitment="1500.00",
                    frequency="monthly",
                    timing="arrears",
                    tiers=[
                        {"up_to": "100000", "unit_price": "0.0090"},
                        {"up_to": "1000000", "unit_price": "0.0075"},
                        {"unit_price": "0.0060"},
                    ],
                ),
                line(
                    "L2",
                    "Messaging platform fee",
                    "subscription",
                    sku="CB-PLAT",
                    quantity="1",
                    unit_price="2000.00",
                    frequency="monthly",
                    amount="24000.00",
                ),
            ],
        },
        Style(),
        notes="Usage in volume tiers with a monthly minimum commitment (true-up); bill-cycle "
        "day; invoices through the Ariba portal; ISO dates; Net 15.",
    ),
    Spec(
        "sow-atelier-durand",
        "html",
        "html",
        "sow",
        {
            "contract_id": "AN-SOW-2026-14",
            "document_type": "sow",
            "title": "Statement of Work - Brand Site Redesign",
            "supplier": ATELIER,
            "customer": party(
                "Vignobles Durand SARL", "FR", "3 chemin des Vignes", "Bordeaux", "33000"
            ),
            "signature_date": "2026-04-22",
            "start_date": "2026-05-01",
            "end_date": "2026-10-31",
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "monthly", "timing": "arrears"},
            "lines": [
                line(
                    "L1",
                    "Brand site redesign",
                    "fixed_fee",
                    amount="36000.00",
                    frequency="monthly",
                    service_start="2026-05-01",
                    service_end="2026-10-31",
                ),
            ],
            "expenses_policy": {"billable": False},
        },
        Style(dates="uk", numbers="eu", money="symbol", wording=1),
        notes="Fixed fee invoiced in monthly instalments in arrears; '€36.000,00'.",
    ),
    Spec(
        "amend-brightpath-extension",
        "html",
        "html",
        "amendment",
        {
            "contract_id": "BP-SOW-003-CO1",
            "document_type": "amendment",
            "title": "Change Order No. 1 - Schedule Extension",
            "amends": "BP-SOW-003",
            "supplier": BRIGHTPATH,
            "customer": party(
                "Harrow & Finch plc", "GB", "2 Cathedral Square", "Bristol", "BS1 5DD"
            ),
            "signature_date": "2026-06-26",
            "effective_date": "2026-07-01",
            "end_date": "2026-09-30",
            "currency": "GBP",
            "payment_terms": {"net_days": 30},
            "lines": [line("L1", "Additional hypercare support", "fixed_fee", amount="12000.00")],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Hypercare completed",
                    "amount": "12000.00",
                    "due_date": "2026-09-30",
                    "line_id": "L1",
                },
            ],
        },
        Style(dates="ordinal", money="symbol"),
        notes="A change order (amendment) extending a SOW: ordinal dates ('26th June 2026').",
    ),
    Spec(
        "of-thamesbyte-pennine",
        "md",
        "markdown",
        "order_form",
        {
            "contract_id": "TB-2026-0088",
            "document_type": "order_form",
            "title": "Order Form - Inventory Cloud",
            "supplier": THAMESBYTE,
            "customer": party(
                "Pennine Outdoor Retail Ltd", "GB", "12 Piccadilly", "Manchester", "M1 3BN"
            ),
            "signature_date": "2026-03-18",
            "start_date": "2026-04-01",
            "end_date": "2027-03-31",
            "term_months": 12,
            "currency": "GBP",
            "purchase_order": {"number": "PO-55120"},
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "quarterly", "timing": "advance", "alignment": "calendar"},
            "invoicing_provisions": {
                "consolidation": "consolidated",
                "delivery_channel": "portal",
                "portal": "Coupa",
            },
            "lines": [
                line(
                    "L1",
                    "Inventory Cloud",
                    "subscription",
                    sku="TB-INV",
                    quantity="8",
                    unit="store",
                    unit_price="2400.00",
                    amount="19200.00",
                    frequency="quarterly",
                ),
                line(
                    "L2",
                    "Handheld scanner HS-200",
                    "hardware",
                    sku="TB-HW",
                    quantity="16",
                    unit="device",
                    unit_price="350.00",
                    amount="5600.00",
                ),
            ],
            "total_contract_value": "24800.00",
        },
        Style(dates="uk", money="symbol", wording=2),
        notes="Markdown with a pipe table; quarterly in advance on calendar quarters; "
        "consolidated invoices through Coupa.",
    ),
    Spec(
        "sow-larkspur-quarrylane",
        "md",
        "markdown",
        "sow",
        {
            "contract_id": "LA-SOW-2026-002",
            "document_type": "sow",
            "title": "Statement of Work - Regulatory Reporting Advisory",
            "supplier": party(
                "Larkspur Advisory LLC", "US", "1 Liberty Plaza", "New York", "10006", "NY"
            ),
            "customer": party(
                "Quarry Lane Bank, N.A.", "US", "300 Main Street", "Hartford", "06103", "CT"
            ),
            "signature_date": "2026-01-27",
            "start_date": "2026-02-02",
            "end_date": "2026-06-30",
            "currency": "USD",
            "purchase_order": {"number": "QLB-88412", "required": True},
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "monthly", "timing": "arrears"},
            "invoicing_provisions": {"po_on_invoice": True, "consolidation": "per_purchase_order"},
            "lines": [line("L1", "Regulatory reporting advisory", "time_and_materials")],
            "rate_card": [
                {"role": "Partner", "rate": "3200.00", "unit": "day"},
                {"role": "Manager", "rate": "2100.00", "unit": "day"},
                {"role": "Analyst", "rate": "1100.00", "unit": "day"},
            ],
            "not_to_exceed": "250000.00",
            "expenses_policy": {"markup_percent": "5"},
        },
        Style(dates="us", money="symbol", wording=1),
        notes="T&M at day rates with a not-to-exceed; PO required and given; one invoice per "
        "PO; expenses at cost plus 5 %.",
    ),
    Spec(
        "of-southerncross-coralcoast",
        "md",
        "markdown",
        "order_form",
        {
            "contract_id": "SCS-OF-2026-140",
            "document_type": "order_form",
            "title": "Order Form - Booking Engine",
            "supplier": SOUTHERN_CROSS,
            "customer": party(
                "Coral Coast Tours Pty Ltd", "AU", "8 Esplanade", "Cairns", "4870", "QLD"
            ),
            "signature_date": "2026-09-24",
            "start_date": "2026-10-01",
            "end_date": "2027-09-30",
            "term_months": 12,
            "currency": "AUD",
            "payment_terms": {"net_days": 14},
            "billing": {"frequency": "monthly", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Booking notifications",
                    "usage",
                    sku="SC-SMS",
                    tier_mode="package",
                    tiers=[
                        {"up_to": "10000", "unit_price": "120.00", "package_size": "1000"},
                        {"unit_price": "100.00", "package_size": "1000"},
                    ],
                ),
                line(
                    "L2",
                    "Booking Engine Standard",
                    "subscription",
                    sku="SC-BOOK",
                    quantity="1",
                    unit="site",
                    unit_price="900.00",
                    frequency="monthly",
                    amount="10800.00",
                ),
            ],
        },
        Style(),
        notes="Usage priced per package of 1,000 notifications; ISO dates; AUD code; Net 14.",
    ),
    Spec(
        "of-kestrel-prairie",
        "txt",
        "plain",
        "order_form",
        {
            "contract_id": "KDS-OF-2026-019",
            "document_type": "order_form",
            "title": "Order Form - Managed Data Warehouse",
            "supplier": KESTREL,
            "customer": party(
                "Prairie Grain Co-operative Ltd.",
                "CA",
                "1900 Albert Street",
                "Regina",
                "S4P 4K8",
                "SK",
            ),
            "signature_date": "2026-05-20",
            "start_date": "2026-06-01",
            "end_date": "2027-05-31",
            "term_months": 12,
            "currency": "CAD",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "renewal": {
                "auto_renew": True,
                "renewal_term_months": 12,
                "notice_days": 30,
                "uplift_cap_percent": "4",
            },
            "lines": [
                line(
                    "L1",
                    "Managed data warehouse",
                    "subscription",
                    sku="KD-WH",
                    quantity="1",
                    unit="environment",
                    unit_price="54000.00",
                    amount="54000.00",
                    frequency="annual",
                ),
                line(
                    "L2",
                    "Additional storage (TB)",
                    "usage",
                    sku="KD-STOR",
                    included_units="10",
                    tier_mode="graduated",
                    tiers=[{"unit_price": "95.00"}],
                ),
            ],
        },
        Style(dates="us", money="code_after", wording=3),
        notes="Plain text with a fixed-width table; storage usage with 10 TB included; "
        "amounts written '54,000.00 CAD'.",
    ),
    Spec(
        "sow-alpenrose-seasonpass",
        "txt",
        "plain",
        "sow",
        {
            "contract_id": "ALP-SOW-2026-03",
            "document_type": "sow",
            "title": "Statement of Work - Season Pass Integration",
            "supplier": ALPENROSE,
            "customer": BERGBAHN,
            "signature_date": "2026-04-28",
            "start_date": "2026-05-04",
            "end_date": "2026-08-28",
            "currency": "CHF",
            "payment_terms": {"net_days": 30},
            "lines": [
                line("L1", "Season pass integration, fixed fee", "fixed_fee", amount="42000.00"),
            ],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Interface specification accepted",
                    "amount": "12600.00",
                    "due_date": "2026-06-12",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Integration live",
                    "amount": "29400.00",
                    "due_date": "2026-08-28",
                    "line_id": "L1",
                },
            ],
            "expenses_policy": {"cap": "3000.00"},
        },
        Style(dates="dmy_dot", numbers="ch", wording=1),
        notes="Plain-text SOW, Swiss numbers (CHF 12'600.00) and dotted dates; milestones add "
        "up to the fee.",
    ),
    Spec(
        "amend-fjordline-gotland",
        "txt",
        "plain",
        "amendment",
        {
            "contract_id": "FL-2026-044-A1",
            "document_type": "amendment",
            "title": "Amendment 1 - Additional Users",
            "amends": "FL-2026-044",
            "supplier": FJORDLINE,
            "customer": party("Gotland Ferries AB", "SE", "Hamngatan 4", "Visby", "621 57"),
            "signature_date": "2026-09-21",
            "effective_date": "2026-10-01",
            "end_date": "2027-03-31",
            "currency": "SEK",
            "payment_terms": {"net_days": 30},
            "lines": [
                line(
                    "L1",
                    "Route Planner Professional - 10 additional users",
                    "subscription",
                    sku="FL-ROUTE",
                    quantity="10",
                    unit="user",
                    unit_price="4800.00",
                    service_start="2026-10-01",
                    service_end="2027-03-31",
                    amount="24000.00",
                ),
            ],
        },
        Style(numbers="fr", money="code_after", wording=1),
        notes="Plain-text amendment adding users for the rest of the term; '24 000,00 SEK'.",
    ),
    Spec(
        "scan-of-granite-aspen",
        "png",
        "scan",
        "order_form",
        {
            "contract_id": "GP-OF-2026-007",
            "document_type": "order_form",
            "title": "Order Form - Clinic EHR",
            "supplier": GRANITE,
            "customer": party(
                "Aspen Valley Clinics", "US", "700 East Main Street", "Aspen", "81611", "CO"
            ),
            "signature_date": "2026-02-19",
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
            "term_months": 12,
            "currency": "USD",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Clinic EHR Standard",
                    "subscription",
                    sku="GP-EHR",
                    quantity="35",
                    unit="user",
                    unit_price="780.00",
                    amount="27300.00",
                ),
                line("L2", "Data migration", "one_time", sku="GP-MIG", amount="6000.00"),
            ],
            "total_contract_value": "33300.00",
        },
        Style(dates="us", money="symbol"),
        notes="Scanned (PNG, 200 dpi, slight skew and speckle): needs OCR.",
    ),
    Spec(
        "scan-sow-lindqvist-nordsee",
        "png",
        "scan",
        "sow",
        {
            "contract_id": "LA-SOW-2026-07",
            "document_type": "sow",
            "title": "Statement of Work - Dashboard Rollout",
            "supplier": LINDQVIST,
            "customer": party(
                "Nordsee Logistik GmbH", "DE", "Am Sandtorkai 40", "Hamburg", "20457"
            ),
            "signature_date": "2026-05-22",
            "start_date": "2026-06-01",
            "end_date": "2026-09-30",
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "lines": [line("L1", "Dashboard rollout", "fixed_fee", amount="28000.00")],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Prototype accepted",
                    "amount": "14000.00",
                    "due_date": "2026-07-17",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Rollout complete",
                    "amount": "14000.00",
                    "due_date": "2026-09-30",
                    "line_id": "L1",
                },
            ],
        },
        Style(dates="dmy_dot", numbers="eu", wording=2),
        notes="Scanned SOW (PNG) with European numbers and dotted dates.",
    ),
    Spec(
        "scan-of-thamesbyte-lakeland",
        "pdf",
        "scan",
        "order_form",
        {
            "contract_id": "TB-2026-0131",
            "document_type": "order_form",
            "title": "Order Form - Hotel POS Cloud",
            "supplier": THAMESBYTE,
            "customer": party("Lakeland Hotels Ltd", "GB", "1 Lake Road", "Windermere", "LA23 3AA"),
            "signature_date": "2026-04-15",
            "start_date": "2026-05-01",
            "end_date": "2027-04-30",
            "term_months": 12,
            "currency": "GBP",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "annual", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Hotel POS Cloud",
                    "subscription",
                    sku="TB-POS",
                    quantity="6",
                    unit="site",
                    unit_price="1800.00",
                    amount="10800.00",
                ),
                line(
                    "L2",
                    "POS terminal",
                    "hardware",
                    sku="TB-TERM",
                    quantity="12",
                    unit="device",
                    unit_price="420.00",
                    amount="5040.00",
                ),
            ],
            "total_contract_value": "15840.00",
        },
        Style(dates="uk", money="symbol", wording=1),
        notes="Image-only PDF (a scan, no text layer): needs OCR.",
    ),
    Spec(
        "scan-amend-granite-aspen",
        "pdf",
        "scan",
        "amendment",
        {
            "contract_id": "GP-OF-2026-007-A1",
            "document_type": "amendment",
            "title": "Amendment No. 1 - Additional Users",
            "amends": "GP-OF-2026-007",
            "supplier": GRANITE,
            "customer": party(
                "Aspen Valley Clinics", "US", "700 East Main Street", "Aspen", "81611", "CO"
            ),
            "signature_date": "2026-08-25",
            "effective_date": "2026-09-01",
            "end_date": "2027-02-28",
            "currency": "USD",
            "payment_terms": {"net_days": 30},
            "lines": [
                line(
                    "L1",
                    "Clinic EHR Standard - 10 additional users",
                    "subscription",
                    sku="GP-EHR",
                    quantity="10",
                    unit="user",
                    unit_price="780.00",
                    service_start="2026-09-01",
                    service_end="2027-02-28",
                    amount="3900.00",
                ),
            ],
        },
        Style(dates="us", money="symbol", wording=2),
        notes="Scanned amendment (image-only PDF), co-termed add-on.",
    ),
    Spec(
        "scan-of-sakura-tanuki",
        "png",
        "scan",
        "order_form",
        {
            "contract_id": "SD-2026-0019",
            "document_type": "order_form",
            "title": "Order Form - Ordering Tablets",
            "supplier": SAKURA,
            "customer": party(
                "Tanuki Cafe Holdings K.K.", "JP", "2-8-1 Sakae, Naka-ku", "Nagoya", "460-0008"
            ),
            "signature_date": "2026-03-10",
            "start_date": "2026-04-01",
            "end_date": "2027-03-31",
            "term_months": 12,
            "currency": "JPY",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "monthly", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Order tablet",
                    "hardware",
                    sku="SK-TAB",
                    quantity="25",
                    unit="device",
                    unit_price="48000",
                    amount="1200000",
                ),
                line(
                    "L2",
                    "Ordering app licence",
                    "subscription",
                    sku="SK-APP",
                    quantity="25",
                    unit="device",
                    unit_price="3000",
                    frequency="monthly",
                    amount="900000",
                ),
            ],
            "total_contract_value": "2100000",
        },
        Style(wording=3),
        notes="Scanned (PNG) yen order form: hardware and a monthly licence.",
    ),
    Spec(
        "scan-sow-kestrel-defect",
        "pdf",
        "scan",
        "sow",
        {
            "contract_id": "KDS-SOW-2026-09",
            "document_type": "sow",
            "title": "Statement of Work - Data Quality Assessment",
            "supplier": KESTREL,
            "customer": MAPLE_RIDGE,
            "signature_date": "2026-08-14",
            "start_date": "2026-09-01",
            "end_date": "2026-11-30",
            "currency": "CAD",
            "payment_terms": {"net_days": 30},
            "lines": [line("L1", "Data quality assessment", "fixed_fee", amount="36000.00")],
            "milestones": [
                {
                    "milestone_id": "M1",
                    "name": "Assessment report accepted",
                    "amount": "20000.00",
                    "due_date": "2026-10-16",
                    "line_id": "L1",
                },
                {
                    "milestone_id": "M2",
                    "name": "Remediation plan accepted",
                    "amount": "12000.00",
                    "due_date": "2026-11-30",
                    "line_id": "L1",
                },
            ],
        },
        Style(dates="us"),
        expected_findings=("EXTRACT-ARITH-MILESTONES",),
        notes="DEFECT in a scan (image-only PDF): milestones sum to CAD 32,000.00, the fee "
        "is CAD 36,000.00.",
    ),
    Spec(
        "of-vanderberg-logistiek",
        "pdf",
        "two_column",
        "order_form",
        {
            "contract_id": "VDB-2026-0042",
            "document_type": "order_form",
            "title": "Order Form - Edge Gateways",
            "supplier": party(
                "Van der Berg Systems B.V.",
                "NL",
                "Keizersgracht 100",
                "Amsterdam",
                "1015 AA",
                None,
                ("vat", "NL123456789B01"),
            ),
            "customer": party(
                "Logistiek Noord B.V.", "NL", "Stationsplein 1", "Groningen", "9726 AE"
            ),
            "signature_date": "2026-03-01",
            "start_date": "2026-03-15",
            "end_date": "2027-03-14",
            "term_months": 12,
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "invoicing_provisions": {"consolidation": "per_cost_centre"},
            "lines": [
                line(
                    "L1",
                    "Edge gateway EG-4",
                    "hardware",
                    sku="VB-GW",
                    quantity="10",
                    unit="device",
                    list_price="1400.00",
                    discount_percent="10",
                    unit_price="1260.00",
                    amount="12600.00",
                    cost_centre="CC-4410",
                ),
                line(
                    "L2",
                    "Gateway maintenance",
                    "maintenance",
                    sku="VB-MNT",
                    percent="20",
                    percent_of_line="L1",
                    amount="2520.00",
                    frequency="annual",
                ),
                line(
                    "L3",
                    "On-site installation",
                    "one_time",
                    sku="VB-INST",
                    quantity="2",
                    unit="day",
                    unit_price="950.00",
                    amount="1900.00",
                    cost_centre="CC-4410",
                ),
            ],
            "total_contract_value": "17020.00",
        },
        Style(dates="ordinal", numbers="fr", money="symbol_after", wording=1),
        notes="Two-column order form: hardware with list price and discount, maintenance at "
        "20 % of it, installation days; '12 600,00 €'; per-cost-centre invoicing; ordinal "
        "dates ('1st March 2026').",
    ),
    Spec(
        "sow-orbital-shannon",
        "pdf",
        "prose",
        "sow",
        {
            "contract_id": "OM-SOW-2026-02",
            "document_type": "sow",
            "title": "Statement of Work - Milk Yield Forecasting",
            "supplier": ORBITAL,
            "customer": party(
                "Shannon Dairy Co-operative", "IE", "Dock Road", "Limerick", "V94 E2X4"
            ),
            "signature_date": "2026-01-05",
            "start_date": "2026-01-12",
            "end_date": "2026-12-31",
            "currency": "EUR",
            "payment_terms": {"net_days": 30},
            "billing": {"frequency": "quarterly", "timing": "advance"},
            "lines": [
                line(
                    "L1",
                    "Forecasting model development",
                    "fixed_fee",
                    amount="60000.00",
                    frequency="quarterly",
                ),
                line(
                    "L2",
                    "Model hosting",
                    "subscription",
                    quantity="1",
                    unit="environment",
                    unit_price="12000.00",
                    amount="12000.00",
                    frequency="annual",
                ),
            ],
            "total_contract_value": "72000.00",
        },
        Style(dates="uk", money="symbol", parties="prose", lines="prose", wording=1),
        notes="Prose SOW: fixed fee in quarterly instalments plus annual hosting; "
        "'payable within thirty (30) days'.",
    ),
    Spec(
        "of-cobalt-juniper-bundle",
        "pdf",
        "letterhead",
        "order_form",
        {
            "contract_id": "CMC-2026-0230",
            "document_type": "order_form",
            "title": "Order Form - Customer Engagement Suite",
            "supplier": COBALT,
            "customer": party(
                "Juniper Airlines, Inc.", "US", "4000 Airport Boulevard", "Denver", "80249", "CO"
            ),
            "billing_contact": {
                "name": "Accounts Payable",
                "email": "ap@juniperair.example",
                "phone": "+1 303 555 0148",
            },
            "signature_date": "2026-06-20",
            "start_date": "2026-07-01",
            "end_date": "2027-06-30",
            "term_months": 12,
            "currency": "USD",
            "payment_terms": {"net_days": 45},
            "billing": {"frequency": "annual", "timing": "advance"},
            "renewal": {
                "auto_renew": True,
                "renewal_term_months": 12,
                "notice_days": 60,
                "uplift_cap_percent": "7",
            },
            "lines": [
                line(
                    "L1",
                    "Customer Engagement Suite",
                    "subscription",
                    sku="CB-SUITE",
                    quantity="1",
                    unit="suite",
                    unit_price="90000.00",
                    amount="90000.00",
                ),
                line("L2", "Chat module", "subscription", sku="CB-CHAT", bundle_parent="L1"),
                line("L3", "Voice module", "subscription", sku="CB-VOICE", bundle_parent="L1"),
            ],
            "total_contract_value": "90000.00",
        },
        Style(dates="us", wording=2),
        notes="Letterhead; a bundle with two component lines that carry no price; billing "
        "contact with phone; auto-renewal with 7 % cap; Net 45.",
    ),
    Spec(
        "invoice-northwind-bluefin",
        "pdf",
        "table",
        "not_a_contract",
        None,
        raw=(
            Heading("INVOICE", 1),
            Fields(
                (
                    ("Invoice number", "NW-INV-2026-00412"),
                    ("Invoice date", "March 1, 2026"),
                    ("Due date", "March 31, 2026"),
                    ("Bill to", "Bluefin Logistics LLC, 88 Pier Street, Seattle, WA 98101"),
                    ("PO", "PO-778812"),
                )
            ),
            Grid(
                ("Description", "Period", "Qty", "Unit price", "Amount"),
                (
                    (
                        "Northwind Platform Enterprise",
                        "Mar 1, 2026 - Feb 28, 2027",
                        "50",
                        "$1,200.00",
                        "$60,000.00",
                    ),
                    ("Onboarding package", "", "1", "$7,500.00", "$7,500.00"),
                ),
            ),
            Para("Subtotal: $67,500.00. Sales tax (0 %): $0.00. Amount due: $67,500.00."),
            Para(
                "Please pay by ACH to Northwind Cloud, Inc., account 000123456789. Thank you "
                "for your business."
            ),
        ),
        notes="An invoice, not a contract: it has an order's numbers but no terms to agree.",
    ),
    Spec(
        "novel-excerpt-lighthouse",
        "txt",
        "plain",
        "not_a_contract",
        None,
        raw=(
            Heading("Chapter Seven", 1),
            Para(
                "The ferry left Visby a little after six, and Maren stood at the rail until "
                "the town was only a line of roofs against the grey. She had signed nothing, "
                "promised nothing, and still the letter in her coat pocket felt like an "
                "agreement she would have to honour."
            ),
            Para(
                "Her uncle had kept the lighthouse accounts in a green ledger: oil, wicks, "
                "thirty kronor for a new lock in the spring of the year the harbour froze. "
                "Every line added up. He used to say that a column of figures was the only "
                "honest story a man could write."
            ),
            Para(
                "By noon the wind had turned, and the captain, who had known her since she was "
                "small, brought her coffee without being asked."
            ),
        ),
        notes="A novel excerpt with a few numbers and the word 'agreement': not a contract.",
    ),
    Spec(
        "cover-letter-harrow",
        "docx",
        "docx",
        "not_a_contract",
        None,
        raw=(
            Para("Brightpath Consulting Ltd, 14 Aldgate High Street, London EC3N 1AL"),
            Para("24 February 2026"),
            Para("Ms Priya Anand, Head of Procurement, Harrow & Finch plc"),
            Heading("Re: Statement of Work No. 3 - CRM Data Migration", 2),
            Para(
                "Dear Ms Anand, please find enclosed two signed copies of the Statement of "
                "Work for the CRM data migration. Kindly countersign one copy and return it to "
                "us; the other is for your records. Our project manager will contact your team "
                "next week to plan the discovery workshops."
            ),
            Para("Yours sincerely, Tom Reyes, Engagement Director"),
        ),
        notes="A cover letter that encloses a SOW: mentions one but is not one.",
    ),
)


def outputs() -> Iterator[tuple[Path, bytes]]:
    names: set[str] = set()
    for spec in SPECS:
        if spec.name in names:
            raise ValueError(f"duplicate document name {spec.name}")
        names.add(spec.name)
        yield HERE / spec.filename, render(spec)
        text = json.dumps(gold(spec), indent=2, ensure_ascii=False) + "\n"
        yield HERE / f"{spec.name}.gold.json", text.encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file would change")
    args = parser.parse_args(argv)
    changed = []
    for path, data in outputs():
        if path.exists() and path.read_bytes() == data:
            continue
        changed.append(path.name)
        if not args.check:
            path.write_bytes(data)
    if args.check and changed:
        print("out of date:", ", ".join(changed))
        return 1
    print(f"{len(SPECS)} documents; {'would change' if args.check else 'written'}: {len(changed)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
