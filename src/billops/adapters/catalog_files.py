"""Reading and writing the product catalogue as YAML or CSV.

**YAML** (``.yaml``, ``.yml``; ``.json`` is read too) is a list of product
records in the shape ``billops demo`` writes to ``data/catalog.yaml`` (see
``billops.domain.catalog``), or a mapping whose ``products`` key holds that
list. Money maps are keyed by currency; write amounts in quotes ('12.50')
so they stay exact.

**CSV** (``.csv``, UTF-8, comma-separated, header row first) has one row per
product, so nested parts become columns. An empty cell means "not given".

==============================  ================================================
column                          holds
==============================  ================================================
sku, name, billing_model,       as in the YAML record
revenue_category, unit,
gl_revenue, gl_deferred,
gl_unbilled, tax_code,
price_period, tier_mode,
included_units, role, percent,
percent_of, ssp_percent
list_price_<CUR>                list price in currency CUR (``list_price_USD``)
ssp_<CUR>                       single SSP in CUR
ssp_low_<CUR>, ssp_high_<CUR>   SSP range in CUR
minimum_commitment_<CUR>        usage minimum commitment in CUR
day_rate_<CUR>                  role day rate in CUR
tiers_<CUR>                     usage tiers in CUR, compact (below)
components                      bundle components, compact (below)
==============================  ================================================

Tiers are written ``UP_TO:UNIT_PRICE[:FLAT_FEE[:PACKAGE_SIZE]]``, tiers
separated by ``;``, ``*`` for the open-ended last tier and an empty part for
"not given": ``9000000:0.0020; 49000000:0.0015; *:0.0010``. Components are
``SKU:QUANTITY`` separated by ``;`` (the quantity may be left out for 1):
``NW-HW-E100:1; NW-MNT-STD:1``.

Errors name the file, the place and the key, e.g.
``catalog.yaml: line 14: NW-SUB-PRO: list_price.USD: must be greater than
or equal to 0 (got '-45')`` or ``catalog.csv: row 3: NW-SUB-PRO:
list_price_USD: ...``; rows are counted as a spreadsheet does (the header
is row 1).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "catalog.csv").write_text(
    ...     "sku,name,billing_model,revenue_category,unit,gl_revenue,gl_deferred,"
    ...     "gl_unbilled,tax_code,list_price_USD\\n"
    ...     "ONB,Onboarding,one_time,onboarding,each,4310,2460,1360,SERVICE,2500\\n")
    >>> catalogue = load_catalogue(folder / "catalog.csv")
    >>> catalogue["ONB"].list_price
    {'USD': Decimal('2500')}
    >>> export_catalogue(catalogue, folder / "catalog.yaml")
    >>> load_catalogue(folder / "catalog.yaml") == catalogue
    True

Public API (stable): ``load_catalogue(path) -> Catalogue``,
``export_catalogue(catalogue, path) -> None`` (by suffix),
``catalogue_from_csv(text, source=None) -> Catalogue``,
``catalogue_to_csv(catalogue) -> str``, ``catalogue_to_yaml(catalogue) -> str``.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import yaml

from billops.adapters.files import load_document
from billops.adapters.policy_files import key_lines
from billops.domain.catalog import Catalogue, CatalogueInvalid, CatalogueProblem, parse_catalogue
from billops.errors import InvalidInput

__all__ = [
    "CSV_COLUMNS",
    "catalogue_from_csv",
    "catalogue_to_csv",
    "catalogue_to_yaml",
    "export_catalogue",
    "load_catalogue",
]

CSV_COLUMNS: Final = (
    "sku",
    "name",
    "billing_model",
    "revenue_category",
    "unit",
    "gl_revenue",
    "gl_deferred",
    "gl_unbilled",
    "tax_code",
    "price_period",
    "tier_mode",
    "included_units",
    "role",
    "percent",
    "percent_of",
    "ssp_percent",
    "components",
)
"""The plain CSV columns, in the order written; per-currency columns follow their kind."""

_REQUIRED: Final = ("sku", "name", "billing_model")

# Per-currency columns: prefix -> the record key they fill (longest prefixes first,
# so that ssp_low_USD is not read as ssp_ of the currency "low_USD").
_MONEY_COLUMNS: Final = (
    ("minimum_commitment", "minimum_commitment"),
    ("list_price", "list_price"),
    ("day_rate", "day_rate"),
    ("ssp_high", "ssp_range"),
    ("ssp_low", "ssp_range"),
    ("tiers", "tiers"),
    ("ssp", "ssp"),
)
_CURRENCY_COLUMN: Final = re.compile(
    r"^(" + "|".join(prefix for prefix, _ in _MONEY_COLUMNS) + r")_([A-Za-z]+)$"
)
_WRITE_ORDER: Final = (
    "list_price",
    "ssp",
    "ssp_low",
    "ssp_high",
    "tiers",
    "minimum_commitment",
    "day_rate",
)


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read a catalogue file (.yaml, .yml, .json or .csv); errors name file, place and key."""
    file = Path(path)
    source = str(path)
    if file.suffix.lower() == ".csv":
        return catalogue_from_csv(_read_csv_text(file, source), source)
    data = load_document(file)
    records: Any = data
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict):
        if set(data) != {"products"}:
            raise InvalidInput(
                "a catalogue file is a list of products, or a mapping with only 'products'",
                source=source,
                value=", ".join(sorted(data)),
            )
        records, prefix = data["products"], ("products",)
    if not isinstance(records, list):
        raise InvalidInput("the products must be a list", source=source, field="products")
    try:
        return parse_catalogue(records, source)
    except CatalogueInvalid as error:
        try:
            lines = key_lines(file)
        except yaml.YAMLError:  # a JSON spelling YAML reads differently: no line numbers
            lines = {}
        located = [_yaml_location(problem, prefix, lines) for problem in error.problems]
        raise CatalogueInvalid(located, source=source) from None


def _yaml_location(
    problem: CatalogueProblem,
    prefix: tuple[str | int, ...],
    lines: Mapping[tuple[str | int, ...], int],
) -> CatalogueProblem:
    if problem.record is None:
        return problem
    path: tuple[str | int, ...] = (*prefix, problem.record, *problem.path)
    while path and path not in lines:
        path = path[:-1]  # a missing key: point at the record that lacks it
    line = lines.get(path) if path else None
    return _with(problem, location=None if line is None else f"line {line}")


def _with(problem: CatalogueProblem, **changes: Any) -> CatalogueProblem:
    return replace(problem, **changes)


def export_catalogue(catalogue: Catalogue, path: str | os.PathLike[str]) -> None:
    """Write ``catalogue`` to a .yaml, .yml or .csv file (UTF-8), replacing it."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        text = catalogue_to_csv(catalogue)
    elif suffix in (".yaml", ".yml"):
        text = catalogue_to_yaml(catalogue)
    else:
        raise InvalidInput(
            "unknown kind of catalogue file",
            source=str(path),
            value=file.suffix or None,
            hint="use a .yaml, .yml or .csv file",
        )
    try:
        file.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"cannot write the file: {error.strerror}", source=str(path)) from None


# --------------------------------------------------------------------------
# YAML


class _Dumper(yaml.SafeDumper):
    """Block-style YAML, Decimals as exact quoted strings, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", format(value, "f"), style="'")


_Dumper.add_representer(Decimal, _represent_decimal)


def catalogue_to_yaml(catalogue: Catalogue) -> str:
    """The catalogue as a YAML list of records, in catalogue order."""
    text: str = yaml.dump(
        catalogue.records(),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    return text


# --------------------------------------------------------------------------
# CSV


def _read_csv_text(file: Path, source: str) -> str:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("no such file", source=source) from None
    except OSError as error:
        raise InvalidInput(f"cannot read the file: {error.strerror}", source=source) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "is not UTF-8 text", source=source, hint="save the file as UTF-8 CSV"
        ) from None


def catalogue_from_csv(text: str, source: str | None = None) -> Catalogue:
    """A catalogue from CSV text in the format of the module doc.

    Every problem is collected (with its row and column) before raising
    ``CatalogueInvalid``; a bad header raises ``InvalidInput`` at once.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the file is empty", source=source) from None
    except csv.Error as error:
        raise InvalidInput(f"malformed CSV in row 1: {error}", source=source) from None
    columns = [column.strip() for column in header]
    _check_header(columns, source)
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    problems: list[CatalogueProblem] = []
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) > len(columns):
                raise InvalidInput(
                    f"row {row_number} has {len(cells)} cells, the header {len(columns)}",
                    source=source,
                    hint="quote cells that contain commas",
                )
            row = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
            record, row_problems = _record_from_row(row, len(records), f"row {row_number}")
            problems.extend(row_problems)
            records.append(record)
            rows.append(row_number)
    except csv.Error as error:
        raise InvalidInput(f"malformed CSV in row {row_number}: {error}", source=source) from None
    if problems:
        raise CatalogueInvalid(problems, source=source)
    try:
        return parse_catalogue(records, source)
    except CatalogueInvalid as error:
        located = [
            _csv_location(problem, rows) if problem.location is None else problem
            for problem in error.problems
        ]
        raise CatalogueInvalid(located, source=source) from None


def _check_header(columns: Sequence[str], source: str | None) -> None:
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InvalidInput("a column appears twice in the header", source=source, value=column)
        seen.add(column)
        if column not in CSV_COLUMNS and _CURRENCY_COLUMN.match(column) is None:
            known = [*CSV_COLUMNS, *(f"{prefix}_USD" for prefix, _ in _MONEY_COLUMNS)]
            close = difflib.get_close_matches(column, known, n=1)
            raise InvalidInput(
                "unknown column in the header",
                source=source,
                value=column,
                hint=f"did you mean {close[0]!r}?" if close else "see the catalogue CSV format",
            )
    for column in _REQUIRED:
        if column not in seen:
            raise InvalidInput(f"the header has no column {column!r}", source=source)


def _record_from_row(
    row: Mapping[str, str], index: int, location: str
) -> tuple[dict[str, Any], list[CatalogueProblem]]:
    record: dict[str, Any] = {}
    problems: list[CatalogueProblem] = []
    sku = row.get("sku") or None

    def problem(column: str, message: str, value: str | None, hint: str | None = None) -> None:
        problems.append(CatalogueProblem(index, sku, (column,), message, value, hint, location))

    for column, cell in row.items():
        if not cell:
            continue
        match = None if column in CSV_COLUMNS else _CURRENCY_COLUMN.match(column)
        if match is None:
            if column == "components":
                try:
                    record["components"] = _parse_components(cell)
                except ValueError as error:
                    problem(column, str(error), cell, "write SKU:QUANTITY; SKU:QUANTITY")
            else:
                record[column] = cell
            continue
        prefix, currency = match.groups()
        key = dict(_MONEY_COLUMNS)[prefix]
        if prefix == "tiers":
            try:
                record.setdefault("tiers", {})[currency] = _parse_tiers(cell)
            except ValueError as error:
                problem(column, str(error), cell, "write UP_TO:UNIT_PRICE; ...; *:UNIT_PRICE")
        elif key == "ssp_range":
            bound = "low" if prefix == "ssp_low" else "high"
            record.setdefault("ssp_range", {}).setdefault(currency, {})[bound] = cell
        else:
            record.setdefault(key, {})[currency] = cell
    return record, problems


def _parse_tiers(text: str) -> list[dict[str, str | None]]:
    tiers: list[dict[str, str | None]] = []
    for number, entry in enumerate(text.split(";"), start=1):
        parts = [part.strip() for part in entry.split(":")]
        if not entry.strip():
            continue
        if len(parts) < 2 or len(parts) > 4:
            raise ValueError(f"tier {number} must be UP_TO:UNIT_PRICE[:FLAT_FEE[:PACKAGE_SIZE]]")
        up_to, unit_price, *rest = parts
        tier: dict[str, str | None] = {"up_to": None if up_to == "*" else up_to or None}
        for name, value in zip(
            ("unit_price", "flat_fee", "package_size"), (unit_price, *rest), strict=False
        ):
            if value:
                tier[name] = value
        tiers.append(tier)
    if not tiers:
        raise ValueError("lists no tier")
    return tiers


def _parse_components(text: str) -> list[dict[str, str]]:
    components: list[dict[str, str]] = []
    for number, entry in enumerate(text.split(";"), start=1):
        if not entry.strip():
            continue
        sku, colon, quantity = (part.strip() for part in entry.partition(":"))
        if not sku or (colon and not quantity):
            raise ValueError(f"component {number} must be SKU or SKU:QUANTITY")
        components.append({"sku": sku, "quantity": quantity} if quantity else {"sku": sku})
    return components


def _csv_location(problem: CatalogueProblem, rows: Sequence[int]) -> CatalogueProblem:
    if problem.record is None:
        return problem
    return _with(
        problem,
        path=(_column_of(problem.path), *_inner(problem.path)),
        location=f"row {rows[problem.record]}",
    )


def _column_of(path: tuple[str | int, ...]) -> str:
    """The CSV column that holds the value at ``path`` of a record."""
    if not path:
        return "sku"
    head = str(path[0])
    currency = str(path[1]) if len(path) > 1 else ""
    if head in ("list_price", "ssp", "minimum_commitment", "day_rate", "tiers") and currency:
        return f"{head}_{currency}"
    if head == "ssp_range" and currency:
        bound = str(path[2]) if len(path) > 2 and path[2] in ("low", "high") else "low"
        return f"ssp_{bound}_{currency}"
    return head


def _inner(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    # Inside a compact cell (tiers, components), keep the position: tiers_USD[1].up_to.
    if path and path[0] == "tiers" and len(path) > 2:
        return path[2:]
    if path and path[0] == "components" and len(path) > 1:
        return path[1:]
    return ()


def catalogue_to_csv(catalogue: Catalogue) -> str:
    """The catalogue as CSV text, one row per product (see the module doc for the format)."""
    currency_columns: list[str] = []
    for prefix in _WRITE_ORDER:
        for currency in catalogue.currencies():
            if any(_cell(product.record(), prefix, currency) for product in catalogue):
                currency_columns.append(f"{prefix}_{currency}")
    columns = [*CSV_COLUMNS[:10], *currency_columns, *CSV_COLUMNS[10:]]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for product in catalogue:
        record = product.record()
        row: list[str] = []
        for column in columns:
            match = None if column in CSV_COLUMNS else _CURRENCY_COLUMN.match(column)
            if match is not None:
                row.append(_cell(record, match.group(1), match.group(2)))
            elif column == "components":
                row.append(
                    "; ".join(
                        f"{c['sku']}:{_plain(c['quantity'])}" for c in record.get("components", ())
                    )
                )
            else:
                row.append(_plain(record.get(column)))
        writer.writerow(row)
    return out.getvalue()


def _cell(record: Mapping[str, Any], prefix: str, currency: str) -> str:
    if prefix in ("ssp_low", "ssp_high"):
        bounds = record.get("ssp_range", {}).get(currency)
        return "" if bounds is None else _plain(bounds[prefix.removeprefix("ssp_")])
    if prefix == "tiers":
        tiers = record.get("tiers", {}).get(currency)
        return "" if not tiers else "; ".join(_tier_text(tier) for tier in tiers)
    return _plain(record.get(prefix, {}).get(currency))


def _tier_text(tier: Mapping[str, Any]) -> str:
    parts = [
        "*" if tier.get("up_to") is None else _plain(tier["up_to"]),
        _plain(tier.get("unit_price")),
        _plain(tier.get("flat_fee")),
        _plain(tier.get("package_size")),
    ]
    while len(parts) > 2 and not parts[-1]:
        parts.pop()
    return ":".join(parts)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
