"""Parties: who sells, who buys, where they are, their tax ids, and who receives invoices.

Contracts name their parties in three ways, and all are read:

- a sentence: ``between Acme Software, Inc., 1 Main St, Austin, TX 78701
  ("Supplier") and Globex Corporation ("Customer")``, where the defined
  term in quotes says which party is which;
- a label: ``Customer: Globex Corporation``, ``Vendor: Acme GmbH``,
  ``Bill To: ...``, ``Auftraggeber: ...``;
- a section: ``Name:``, ``Address:`` and ``VAT ID:`` under a ``CUSTOMER
  INFORMATION`` heading (but not under a signature block, where ``Name:``
  is the person signing).

Tax ids are recognised by their label and shape: EU VAT numbers
(``DE123456789``, ``ATU12345678``, ``GB123456789``), US EINs
(``12-3456789``), Australian ABNs (``51 824 753 556``) and GST numbers;
python-stdnum checks their check digits, and a number that fails keeps a
lower confidence (a typo or an OCR error is likelier than a wrong rule).
Each tax id and address belongs to the party whose name or section comes
last before it.

Addresses are read from their postal line: ``Springfield, OR 97403`` (US),
``Toronto, ON M5V 2T6`` (Canada), ``London EC1A 1BB`` (UK), ``Sydney NSW
2000`` (Australia), ``10115 Berlin`` (continental Europe, with the country
named); an address whose country cannot be told is left out, with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from stdnum.au import abn as stdnum_abn
from stdnum.eu import vat as stdnum_vat
from stdnum.us import ein as stdnum_ein

from billops.domain.extraction.layout import Layout
from billops.domain.extraction.sources import Collector, Span, trim

__all__ = ["extract_parties", "read_address"]

_SUPPLIER_ROLES: Final = (
    r"supplier|provider|service provider|vendor|licensor|seller|contractor|consultant|company"
    r"|auftragnehmer|anbieter|lieferant|prestataire|fournisseur"
)
_CUSTOMER_ROLES: Final = (
    r"customer|client|buyer|licensee|subscriber|purchaser|auftraggeber|kunde|besteller|acheteur"
)
_SUPPLIER_LABEL: Final = (
    r"(?:supplier|provider|service provider|vendor|licensor|seller|contractor|consultant"
    r"|auftragnehmer|anbieter|lieferant|prestataire|fournisseur)"
    r"(?: name| legal name| entity| legal entity| company)?|prepared by|remit to|from"
)
_CUSTOMER_LABEL: Final = (
    r"(?:" + _CUSTOMER_ROLES + r")(?: name| legal name| entity| legal entity| company)?"
    r"|bill to|billed to|sold to|invoice to|rechnungsempfänger|ship to|prepared for|quote for"
)
_NAME_LABEL: Final = (
    r"name|company|company name|legal name|legal entity|entity|firma|firmenname|organisation"
    r"|organization|account name"
)
_SIGNATURE_SECTION: Final = re.compile(
    r"sign|accept|witness|unterschrift|agreed|authori[sz]ed", re.IGNORECASE
)
_COMPANY_SUFFIX: Final = (
    r"(?:Inc|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Co|GmbH|AG|S\.A|SA|B\.V|BV|N\.V|NV|Pty Ltd"
    r"|PLC|plc|LLP|SARL|SAS|S\.p\.A|KG|SE|Oy|AB|ApS|AS|K\.K|N\.A)\b\.?"
)

COUNTRIES: Final = {
    "united states of america": "US", "united states": "US", "usa": "US", "u.s.a.": "US",
    "u.s.": "US",
    "canada": "CA", "united kingdom": "GB", "uk": "GB", "u.k.": "GB", "england": "GB",
    "great britain": "GB", "scotland": "GB", "germany": "DE", "deutschland": "DE",
    "france": "FR", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "austria": "AT", "österreich": "AT",
    "australia": "AU", "ireland": "IE", "spain": "ES", "españa": "ES", "italy": "IT",
    "italia": "IT", "belgium": "BE", "belgique": "BE", "sweden": "SE", "sverige": "SE",
    "denmark": "DK", "danmark": "DK", "norway": "NO", "norge": "NO", "finland": "FI",
    "poland": "PL", "polska": "PL", "japan": "JP", "singapore": "SG", "india": "IN",
    "new zealand": "NZ", "luxembourg": "LU", "portugal": "PT", "mexico": "MX", "brazil": "BR",
}  # fmt: skip
_COUNTRY_PATTERN: Final = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(k) for k in sorted(COUNTRIES, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_CITY: Final = r"(?P<city>[A-Z][A-Za-z .'-]{1,40})"
_POSTAL_LINES: Final = (
    # a semicolon for the comma: a comma as OCR reads it off a speckled scan
    ("US", re.compile(_CITY + r"[,;]\s*(?P<region>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)\b")),
    (
        "CA",
        re.compile(
            _CITY + r",?\s+(?P<region>AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\s+"
            r"(?P<zip>[A-Z]\d[A-Z]\s?\d[A-Z]\d)\b"
        ),
    ),
    ("AU", re.compile(_CITY + r",?\s+(?P<region>NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+(?P<zip>\d{4})\b")),
    (
        # Japan, the country named: "1-2-3 Marunouchi, Chiyoda-ku, 100-0005 Tokyo"
        "",
        re.compile(
            r"(?<![\w-])(?:〒\s?)?(?P<zip>\d{3}-\d{4})[ ]+"
            r"(?P<city>[A-Z][A-Za-z .'-]{1,40}?)(?=,|\n|$|\s{2})"
        ),
    ),
    ("", re.compile(_CITY + r",?\s+(?:〒\s?)?(?P<zip>\d{3}-\d{4})\b")),  # "Tokyo 100-0005"
    (
        # the postal code before the city, written so in most of Europe: "EC3N 1AL London"
        # (UK), "D02 X285 Dublin" (Ireland), "111 43 Stockholm" (Sweden), "1015 AA
        # Amsterdam" (Netherlands); the country must be named
        "",
        re.compile(
            r"(?<![\w-])(?P<zip>[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|[A-Z]\d[\dW] [A-Z\d]{4}"
            r"|\d{3} \d{2}|\d{4} ?[A-Z]{2})[ ]+"
            r"(?P<city>[A-ZÄÖÜ][\wäöüßÄÖÜéèàç .'-]{1,40}?)(?=,|\n|$|\s{2})"
        ),
    ),
    ("GB", re.compile(_CITY + r",?\s+(?P<zip>[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2})\b")),
    (
        "",
        re.compile(
            r"(?:(?P<cc>[A-Z]{1,2})-)?(?P<zip>\d{4,5})\s+"
            r"(?P<city>[A-ZÄÖÜ][\wäöüßÄÖÜéèàç .'-]{1,40}?)(?=,|\n|$|\s{2})"
        ),
    ),
)
_US_STATES: Final = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "PR",
    ]
)


_STREET: Final = re.compile(
    r"^\s*[A-ZÄÖÜ][\w'.-]*(?: [\w'.-]+){0,3} (?:Road|Street|St|Avenue|Ave|Lane|Way|Quay"
    r"|Drive|Boulevard|Square|Place|Row|Terrace|Court|Close|Crescent|Wharf|Parade)\.?\s*$"
    r"|^\s*[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|weg|gasse|platz|allee|ring|damm|kai)\s*$"
)


@dataclass(frozen=True, slots=True)
class AddressReading:
    """An address read from text: each part with its span (country always set)."""

    country: tuple[str, Span]
    line1: tuple[str, Span] | None
    city: tuple[str, Span] | None
    region: tuple[str, Span] | None
    postal_code: tuple[str, Span] | None


def read_address(text: str, offset: int = 0) -> AddressReading | None:
    """The address written in ``text`` (parts separated by commas or lines), or None.

    >>> a = read_address("100 Main Street, Springfield, OR 97403, USA")
    >>> a.line1[0], a.city[0], a.region[0], a.postal_code[0], a.country[0]
    ('100 Main Street', 'Springfield', 'OR', '97403', 'US')
    >>> a = read_address("Hauptstraße 5\\n10115 Berlin\\nDeutschland")
    >>> a.line1[0], a.city[0], a.postal_code[0], a.country[0]
    ('Hauptstraße 5', 'Berlin', '10115', 'DE')
    >>> read_address("somewhere nice") is None
    True
    """
    country: tuple[str, Span] | None = None
    for match in _COUNTRY_PATTERN.finditer(text):
        code = COUNTRIES[match.group(1).lower()]
        if match.group(1).islower() and len(match.group(1)) <= 4:
            continue  # "us" and "uk" in running text are words, not countries
        country = (code, (match.start() + offset, match.end() + offset))
    for code, pattern in _POSTAL_LINES:
        postal = pattern.search(text)
        if postal is None or postal.group("city").strip().lower() in COUNTRIES:
            continue
        guessed = code
        if code == "US" and postal.group("region") not in _US_STATES:
            continue
        if not code:
            prefix = postal.groupdict().get("cc")
            guessed = {
                "D": "DE",
                "A": "AT",
                "CH": "CH",
                "F": "FR",
                "NL": "NL",
                "B": "BE",
                "L": "LU",
            }.get(prefix or "", "")
        if country is None and not guessed:
            continue
        if country is None:
            country = (guessed, (postal.start() + offset, postal.end() + offset))

        def part(name: str, match: re.Match[str] = postal) -> tuple[str, Span] | None:
            if name not in match.groupdict() or not match.group(name):
                return None
            start, end = trim(text, *match.span(name))
            return text[start:end], (start + offset, end + offset)

        line1 = None
        before = text[: postal.start()]
        pieces = [
            m
            for m in re.finditer(r"[^,\n]+", before)
            if re.search(r"\d", m.group(0)) and re.search(r"[A-Za-zäöüß]", m.group(0))
        ]
        last = [m for m in re.finditer(r"[^,\n]+", before) if m.group(0).strip()]
        if not pieces and last and _STREET.search(last[-1].group(0)):
            pieces = last[-1:]  # a street without a number: "Dock Road, V94 E2X4 Limerick"
        if pieces:
            start, end = trim(text, *pieces[-1].span())
            if re.fullmatch(r"\d{3}-\d{4}", postal.group("zip")):
                # a Japanese address: block number and district, then the ward ("-ku")
                end = trim(text, start, len(before.rstrip(" ,\n")))[1]
            line1 = (text[start:end], (start + offset, end + offset))
        return AddressReading(country, line1, part("city"), part("region"), part("zip"))
    return None


def _split_name(text: str) -> tuple[int, int]:
    """The span of the legal name at the start of ``text`` (before any address)."""
    match = re.match(
        r"\s*(?P<name>[^,(\n]+?(?:,\s*" + _COMPANY_SUFFIX + r")?)(?=\s*(?:,|\(|\n|$|\s{2}))", text
    )
    if match is None:
        return 0, 0
    return match.span("name")


def _clean_name(layout: Layout, span: Span) -> Span | None:
    start, end = trim(layout.text, *span)
    text = layout.text[start:end]
    # trailing punctuation is no part of a name (a scan's specks read as ". -"), but the
    # full stop of "Inc." is
    text_stripped = text
    while not re.search(_COMPANY_SUFFIX + r"$", text_stripped):
        shorter = text_stripped.rstrip(" ,;:.-–—_|~")
        if shorter == text_stripped:
            break
        text_stripped = shorter
    end = start + len(text_stripped)
    if end - start < 2 or not re.search(r"[A-Za-zÄÖÜäöü]", layout.text[start:end]):
        return None
    if re.fullmatch(
        r"(?:tbd|n/a|none|see below|see above|\[.*\]|_+)", layout.text[start:end], re.IGNORECASE
    ):
        return None
    return start, end


def _name_value(quote: str) -> str:
    """The name as written, its dotted suffix whole: "Sakura Devices K.K" (a scan whose
    last full stop the speck filter took) is "Sakura Devices K.K."."""
    if re.search(r"\b(?:[A-Z]\.)+[A-Z]$", quote):
        return quote + "."
    return quote


def extract_parties(layout: Layout, found: Collector) -> None:
    """Supplier and customer names, addresses, tax ids; the billing contact."""
    anchors: list[tuple[int, str]] = []
    names: dict[str, Span] = {}
    _from_party_tables(layout, names, found)
    _from_prose(layout, names, found)
    _from_labels(layout, names, found)
    for role, span in names.items():
        found.put(f"{role}.name", _name_value(layout.quote(span)), span, Decimal("0.85"))
        anchors += [
            (m.start(), role) for m in re.finditer(re.escape(layout.quote(span)), layout.text)
        ]
    for offset, heading in layout.headings:
        if _SIGNATURE_SECTION.search(heading):
            anchors.append((offset, "none"))
        elif re.search(r"\b(?:" + _CUSTOMER_ROLES + r"|bill to|sold to)\b", heading):
            anchors.append((offset, "customer"))
        elif re.search(r"\b(?:" + _SUPPLIER_ROLES + r")\b", heading):
            anchors.append((offset, "supplier"))
    anchors.sort()
    _tax_ids(layout, anchors, found)
    _addresses(layout, names, anchors, found)
    _billing_contact(layout, found)


def _from_party_tables(layout: Layout, names: dict[str, Span], found: Collector) -> None:
    """A table with a Supplier column and a Customer column, one row per detail."""
    for grid in layout.grids:
        if len(grid.rows) < 2:
            continue
        header = [layout.cell_text(cell).strip(" :*").lower() for cell in grid.rows[0]]
        columns: dict[str, int] = {}
        for index, text in enumerate(header):
            if re.fullmatch(r"(?:" + _SUPPLIER_ROLES + r")(?: details| information)?", text):
                columns.setdefault("supplier", index)
            elif re.fullmatch(
                r"(?:" + _CUSTOMER_ROLES + r"|bill to)(?: details| information)?", text
            ):
                columns.setdefault("customer", index)
        if len(columns) < 2:
            continue
        counts = {"supplier": 0, "customer": 0}
        for row in grid.rows[1:]:
            label = layout.cell_text(row[0]).strip(" :*").lower() if row else ""
            for role, index in columns.items():
                if index >= len(row) or row[index][1] <= row[index][0] or index == 0:
                    continue
                cell = row[index]
                if re.fullmatch(_NAME_LABEL + r"|name", label) and role not in names:
                    cleaned = _clean_name(layout, cell)
                    if cleaned is not None:
                        names[role] = cleaned
                elif re.search(r"address|anschrift|adresse", label):
                    _put_address(layout, role, cell, found, Decimal("0.85"))
                elif re.search(r"vat|tax|ein|abn|gst|ust|tin", label):
                    value = layout.cell_text(cell).strip()
                    scheme = (
                        "ein"
                        if re.fullmatch(r"\d{2}-\d{7}", value)
                        else "abn"
                        if "abn" in label
                        else "gst"
                        if "gst" in label
                        else "vat"
                        if re.match(r"[A-Z]{2}", value)
                        else "tax_id"
                    )
                    position = counts[role]
                    counts[role] += 1
                    confidence = Decimal("0.85") if _tax_valid(scheme, value) else Decimal("0.7")
                    found.put(f"{role}.tax_ids[{position}].scheme", scheme, row[0], confidence)
                    found.put(f"{role}.tax_ids[{position}].value", value, cell, confidence)


def _from_prose(layout: Layout, names: dict[str, Span], found: Collector) -> None:
    pattern = re.compile(
        r"(?:between|by and between|zwischen"
        r"|entre)\s+(?P<a>[^()“\"]{2,300}?)\s*\(\s*(?:the\s+|hereinafter\s+|im folgenden\s+)?"
        r"[\"“'„](?P<ra>[A-Za-zäöü ]{2,30})[\"”'“]\s*\)\s*,?\s*(?:and|und"
        r"|et)\s+(?P<b>[^()“\"]{2,300}?)\s*\(\s*"
        r"(?:the\s+|hereinafter\s+|im folgenden\s+)?[\"“'„](?P<rb>[A-Za-zäöü ]{2,30})[\"”'“]\s*\)",
        re.IGNORECASE | re.DOTALL,
    )
    match = pattern.search(layout.text)
    if match is None:
        loose = re.compile(
            pattern.pattern.replace(
                r"(?:between|by and between|zwischen|entre)\s+(?P<a>[^()“\"]{2,300}?)",
                r"(?:^|(?<=[.:]\s))(?P<a>[A-Z][^()“\"\n]{2,200}?)",
            ),
            re.IGNORECASE | re.MULTILINE,
        )
        match = loose.search(layout.text)
    if match is None:
        return
    for part, role_group in (("a", "ra"), ("b", "rb")):
        role_text = match.group(role_group).lower().strip()
        role = (
            "supplier"
            if re.fullmatch(_SUPPLIER_ROLES, role_text)
            else "customer"
            if re.fullmatch(_CUSTOMER_ROLES, role_text)
            else None
        )
        if role is None:
            continue
        chunk_start = match.start(part)
        name_start, name_end = _split_name(match.group(part))
        cleaned = _clean_name(layout, (chunk_start + name_start, chunk_start + name_end))
        if cleaned is not None and role not in names:
            names[role] = cleaned
            found.note(f"{role}: named in the parties clause as ({match.group(role_group)!r})")
            rest = (cleaned[1], match.end(part))
            if rest[1] - rest[0] > 8:
                _put_address(layout, role, rest, found, Decimal("0.75"))


def _from_labels(layout: Layout, names: dict[str, Span], found: Collector) -> None:
    for role, label in (("supplier", _SUPPLIER_LABEL), ("customer", _CUSTOMER_LABEL)):
        if role in names:
            continue
        other = _CUSTOMER_ROLES if role == "supplier" else _SUPPLIER_ROLES
        for labelled in layout.find(label):
            section = labelled.section or ""
            if _SIGNATURE_SECTION.search(section) or re.search(rf"\b(?:{other})\b", section):
                continue
            name_start, name_end = _split_name(labelled.value)
            cleaned = _clean_name(
                layout, (labelled.value_span[0] + name_start, labelled.value_span[0] + name_end)
            )
            if cleaned is None or re.fullmatch(r"[\d\s.,-]+", layout.quote(cleaned)):
                continue
            names[role] = cleaned
            rest = (cleaned[1], labelled.value_span[1])
            if rest[1] - rest[0] > 8:
                _put_address(layout, role, rest, found, Decimal("0.8"))
            break
    for labelled in layout.find(_NAME_LABEL):
        section = labelled.section or ""
        if _SIGNATURE_SECTION.search(section):
            continue
        section_role = (
            "customer"
            if re.search(r"\b(?:" + _CUSTOMER_ROLES + r"|bill to|sold to)\b", section)
            else "supplier"
            if re.search(r"\b(?:" + _SUPPLIER_ROLES + r")\b", section)
            else None
        )
        if section_role is None or section_role in names or re.search(r"contact", section):
            continue
        cleaned = _clean_name(layout, labelled.value_span)
        if cleaned is not None:
            names[section_role] = cleaned


_TAX_PATTERNS: Final = (
    (
        "vat",
        re.compile(
            r"(?:VAT|USt\.?-?Id(?:Nr)?\.?|USt-IdNr\.?|Umsatzsteuer-?(?:Identifikations)?(?:nummer"
            r"|-ID)|UID|TVA|BTW|IVA|MwSt\.?-?Nr\.?|Tax ID|TIN)"
            r"\s*(?:ID|No\.?|Nr\.?|Number|Reg(?:istration)?\.?(?: No\.?| Number)?|#)?\s*[:.]?\s*"
            r"(?P<v>(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO"
            r"|SE|SI|SK|XI|CHE)[- ]?[0-9A-Z][0-9A-Z .]{5,16}[0-9A-Z](?:\s?(?:MWST|TVA|IVA))?)"
        ),
    ),
    (
        "ein",
        re.compile(
            r"(?:EIN|FEIN|Federal (?:Tax|Employer) (?:ID|Identification)(?: Number| No\.?)?"
            r"|Tax ID|TIN|Tax Identification Number)"
            r"\s*(?:No\.?|Number|#)?\s*[:.]?\s*(?P<v>\d{2}-\d{7})\b"
        ),
    ),
    (
        "abn",
        re.compile(r"\bABN\s*(?:No\.?|Number|#)?\s*[:.]?\s*(?P<v>\d{2}\s?\d{3}\s?\d{3}\s?\d{3})\b"),
    ),
    (
        "gst",
        re.compile(
            r"\b(?:GST|GST/HST|HST|GSTIN)\s*(?:Reg(?:istration)?\.?\s*)?(?:No\.?|Number|#)?\s*[:.]?\s*"
            r"(?P<v>\d[0-9A-Z]{7,14}(?:\s?RT\s?\d{4})?|\d{2}[A-Z]{5}\d{4}[A-Z]\d[Z][0-9A-Z])"
        ),
    ),
    (
        "vat",
        re.compile(
            r"(?<![\w-])(?P<v>ATU\d{8}|BE0\d{9}|DE\d{9}|FR[0-9A-Z]{2}\d{9}|GB\d{9}(?:\d{3})?|NL\d{9}B\d{2}"
            r"|IT\d{11}|ES[0-9A-Z]\d{7}[0-9A-Z]|IE\d{7}[A-Z]{1,2}|SE\d{10}01|DK\d{8}|FI\d{8}|PL\d{10}"
            r"|LU\d{8}|PT\d{9}|CHE-?\d{3}\.?\d{3}\.?\d{3})(?![\w])"
        ),
    ),
)


def _tax_valid(scheme: str, value: str) -> bool:
    validator = {"vat": stdnum_vat, "ein": stdnum_ein, "abn": stdnum_abn}.get(scheme)
    if validator is None:
        return True
    try:
        return bool(validator.is_valid(value))
    except Exception:
        return False


def _owner(anchors: list[tuple[int, str]], offset: int, reach: int = 800) -> str | None:
    owner: str | None = None
    for anchor, role in anchors:
        if anchor > offset:
            break
        if offset - anchor <= reach:
            owner = role
    return owner if owner in ("supplier", "customer") else None


def _named_owner(text: str, offset: int) -> str | None:
    """The party a tax id's own label names: "Supplier VAT No.", "Customer's tax ID"."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\t", 0, offset)) + 1
    before = text[max(line_start, offset - 40) : offset].lower()
    role = re.search(
        r"\b(?P<r>" + _SUPPLIER_ROLES + "|" + _CUSTOMER_ROLES + r")(?:'s|’s)?\s*(?:tax\s*)?$",
        before,
    )
    if role is None:
        return None
    return "supplier" if re.fullmatch(_SUPPLIER_ROLES, role.group("r")) else "customer"


def _tax_ids(layout: Layout, anchors: list[tuple[int, str]], found: Collector) -> None:
    seen: set[Span] = {
        found.values[path].provenance.span or (0, 0)
        for path in found.values
        if ".tax_ids[" in path and path.endswith(".value")
    }
    counts = {
        role: sum(
            1 for p in found.values if p.startswith(f"{role}.tax_ids[") and p.endswith(".value")
        )
        for role in ("supplier", "customer")
    }
    for scheme, pattern in _TAX_PATTERNS:
        for match in pattern.finditer(layout.text):
            start, end = trim(layout.text, *match.span("v"))
            if any(s <= start < e for s, e in seen):
                continue
            seen.add((start, end))
            role = _named_owner(layout.text, match.start()) or _owner(anchors, start)
            if role is None:
                found.note(
                    f"tax id {layout.text[start:end]!r} found but not attributable to a party"
                )
                continue
            value = layout.text[start:end]
            confidence = Decimal("0.85") if _tax_valid(scheme, value) else Decimal("0.7")
            index = counts[role]
            counts[role] += 1
            found.put(
                f"{role}.tax_ids[{index}].scheme", scheme, (match.start(), match.end()), confidence
            )
            found.put(f"{role}.tax_ids[{index}].value", value, (start, end), confidence)


def _put_address(
    layout: Layout,
    role: str,
    span: Span,
    found: Collector,
    confidence: Decimal,
    text: str | None = None,
) -> bool:
    """Read the address at ``span``; ``text``, when given, is its text with words that
    are not the address (a wrapped label) blanked out."""
    address = read_address(layout.quote(span) if text is None else text, span[0])
    if address is None:
        return False
    if found.has(f"{role}.address.country"):
        return True
    found.put(f"{role}.address.country", address.country[0], address.country[1], confidence)
    for part in ("line1", "city", "region", "postal_code"):
        value: tuple[str, Span] | None = getattr(address, part)
        if value is not None:
            found.put(f"{role}.address.{part}", value[0], value[1], confidence)
    return True


def _addresses(
    layout: Layout, names: dict[str, Span], anchors: list[tuple[int, str]], found: Collector
) -> None:
    for labelled in layout.find(
        r"(?:(?:customer|client|supplier|vendor|provider|billing|bill to|registered|company"
        r"|business|mailing|office|invoice) )?"
        r"(?:address|anschrift|adresse|sitz|registered office)"
    ):
        role = (
            "customer"
            if re.search(r"customer|client|billing|bill to|invoice", labelled.label)
            else "supplier"
            if re.search(r"supplier|vendor|provider", labelled.label)
            else _owner(anchors, labelled.label_span[0])
        )
        if role is None or found.has(f"{role}.address.country"):
            continue
        span = labelled.value_span
        # the address often continues on the following lines
        line = layout.line_at(span[1])
        if line is not None:
            for nxt in layout.lines[line.index + 1 : line.index + 4]:
                if ":" in nxt.text or layout.text[span[1] : nxt.start].count("\n") > 1:
                    break
                span = (span[0], nxt.end)
        text = labelled.value + layout.text[labelled.value_span[1] : span[1]]
        _put_address(layout, role, span, found, Decimal("0.85"), text)
    for role, name_span in names.items():
        if found.has(f"{role}.address.country"):
            continue
        line = layout.line_at(name_span[0])
        if line is None:
            continue
        end = line.end
        for nxt in layout.lines[line.index + 1 : line.index + 5]:
            if layout.text[end : nxt.start].count("\n") > 1 or re.match(
                r"[A-Za-z ]{2,30}:", nxt.text
            ):
                break
            end = nxt.end
        _put_address(layout, role, (name_span[1], end), found, Decimal("0.75"))
    for role in ("supplier", "customer"):
        if role in names and not found.has(f"{role}.address.country"):
            found.note(f"{role}.address: no address with a recognisable country found")


_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE: Final = re.compile(r"(?<![\w])\+?\(?\d[\d ()./-]{6,18}\d(?![\w])")


def _billing_contact(layout: Layout, found: Collector) -> None:
    _labelled_contact(layout, found)
    if found.has("billing_contact.name") or found.has("billing_contact.email"):
        return
    prose = re.search(
        r"(?:billing|invoice|invoicing|accounts payable) contact(?: is|:| shall be| will be)\s+"
        r"(?P<n>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})",
        layout.text,
    )
    if prose:
        found.put("billing_contact.name", prose.group("n"), prose.span("n"), Decimal("0.7"))
        window = layout.text[prose.end() : prose.end() + 120]
        email = _EMAIL.search(window)
        if email and "\n\n" not in window[: email.start()]:
            found.put(
                "billing_contact.email",
                email.group(0),
                (prose.end() + email.start(), prose.end() + email.end()),
                Decimal("0.7"),
            )


def _labelled_contact(layout: Layout, found: Collector) -> None:
    contact_section = re.compile(
        r"billing contact|invoice contact|accounts payable|ap contact|bill to contact"
        r"|invoicing contact"
        r"|rechnungs(?:empfänger|kontakt)|ansprechpartner (?:buchhaltung|rechnung)|finance contact"
    )
    direct = layout.find(
        r"(?:customer )?(?:billing|invoice|invoicing|accounts payable|ap|finance) (?:contact"
        r"|contact name|e-?mail|email address|phone|telephone|tel)"
        r"|(?:send )?invoices (?:to|sent to)|rechnungsempfänger|rechnungs-e-mail"
    )
    in_section = [
        f
        for f in layout.fields
        if f.section
        and contact_section.search(f.section)
        and re.fullmatch(
            r"(?:contact )?(?:name|e-?mail|email address|phone|telephone|tel|contact)", f.label
        )
    ]
    nearby = [
        f
        for f in layout.fields
        for d in direct[:1]
        if 0 < f.label_span[0] - d.label_span[0] <= 300
        and re.fullmatch(
            r"(?:contact )?(?:e-?mail|email address|phone|telephone|tel|phone number)", f.label
        )
    ]
    for labelled in [*direct, *in_section, *nearby]:
        value, offset = labelled.value, labelled.value_span[0]
        email = _EMAIL.search(value)
        if email and not found.has("billing_contact.email"):
            found.put(
                "billing_contact.email",
                email.group(0),
                (offset + email.start(), offset + email.end()),
                Decimal("0.85"),
            )
        phone = _PHONE.search(value)
        if (
            phone
            and not email
            and not found.has("billing_contact.phone")
            and re.search(r"phone|tel|contact", labelled.label)
            and len(re.sub(r"\D", "", phone.group(0))) >= 7
        ):
            found.put(
                "billing_contact.phone",
                phone.group(0),
                (offset + phone.start(), offset + phone.end()),
                Decimal("0.8"),
            )
        if re.search(r"e-?mail|phone|tel", labelled.label):
            continue
        name = re.match(r"\s*(?P<n>[A-ZÄÖÜ][\w.'’-]+(?:\s+[A-ZÄÖÜ][\w.'’-]+){0,3})", value)
        if name and not _EMAIL.fullmatch(name.group("n")) and not found.has("billing_contact.name"):
            found.put(
                "billing_contact.name",
                name.group("n"),
                (offset + name.start("n"), offset + name.end("n")),
                Decimal("0.8"),
            )
        if (
            phone
            and not found.has("billing_contact.phone")
            and len(re.sub(r"\D", "", phone.group(0))) >= 7
        ):
            found.put(
                "billing_contact.phone",
                phone.group(0),
                (offset + phone.start(), offset + phone.end()),
                Decimal("0.75"),
            )
