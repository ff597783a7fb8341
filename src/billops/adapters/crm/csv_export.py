"""Reading opportunities from a Salesforce report export (CSV).

Most billing teams get CRM data as a report exported from Salesforce
("Export" > "Details only" > CSV): one file of opportunities, one of
opportunity products, optionally one of accounts. This module reads them
into ``billops.domain.crm.Opportunity`` records::

    opportunities = read_opportunities(
        Path("crm/opportunities.csv"),
        Path("crm/opportunity_line_items.csv"),
        Path("crm/accounts.csv"),
    )

Columns are found by their Salesforce API name or by the label a report
shows; case, spaces and punctuation do not matter ("Account.Name",
"Account Name" and "ACCOUNT_NAME" are one column):

==================  =============================================================
file                columns (API name, then accepted report labels)
==================  =============================================================
opportunities       Id (Opportunity ID), Name (Opportunity Name), AccountId
                    (Account ID), Account.Name (Account Name), Amount,
                    CurrencyIsoCode (Opportunity Currency, Currency, Amount
                    Currency), CloseDate (Close Date), StageName (Stage),
                    Probability (Probability (%)), Type (Opportunity Type), the
                    contract reference field (default Order_Form_Number__c, or
                    its label "Order Form Number"), the account's tax id
                    (Tax_Id__c, VAT_Number__c, Account.Tax_Id__c...) and customer
                    code (ERP_Customer_Code__c)
line items          Id (Line Item ID, Opportunity Product ID), OpportunityId
                    (Opportunity ID), Product2.ProductCode (Product Code),
                    Product2.Name (Product Name), Quantity, UnitPrice (Sales
                    Price, Unit Price), TotalPrice (Total Price), ServiceDate
                    (Date, Service Date), Description (Line Description)
accounts            Id (Account ID), Name (Account Name), tax id, customer code
==================  =============================================================

Required: the opportunity's Id, Name, Account.Name (or AccountId with an
accounts file), Amount, CurrencyIsoCode (unless every amount carries its
currency, "USD 1,234.56", or ``default_currency`` is given), CloseDate and
StageName; a line item's OpportunityId, Quantity, a product code or name, and
UnitPrice or TotalPrice (the other is derived: ``TotalPrice = Quantity x
UnitPrice``). Columns billops does not use are ignored and listed in
``CrmExport.warnings``.

The habits of real exports are tolerated:

- encodings: UTF-8 with or without a byte-order mark, else Windows-1252
  (what Salesforce writes for Western European locales);
- numbers with thousands separators ("1,234.56", "1.234,56", "1 234,56"),
  currency codes or symbols ("USD 1,234.56", "$1,234.56", "1.234,56 EUR"),
  and negative numbers in parentheses; which of "." and "," is the decimal
  separator is detected per export (or given as ``decimal_separator``);
- dates as the export's locale writes them: 2026-03-01, 3/1/2026 (US),
  1/3/2026 (UK), 01.03.2026 (German); the order of day and month is detected
  from the export's dates (a day above 12 decides it) or given as
  ``date_format``; an export whose dates fit both orders is refused rather
  than guessed;
- blank rows, the "Total" / "Grand Totals (103 records)" summary rows and
  the footer a report export ends with (title, "Confidential Information",
  "Copyright ... salesforce.com");
- 15- and 18-character record ids referring to one another.

What is refused, with the file, the row (the header is row 1, as in a
spreadsheet) and the column named, and nothing returned: a missing required
column, a duplicated opportunity id, an unknown currency, a non-numeric
amount or quantity, a date that is not one, and a line item whose
OpportunityId is not in the opportunities file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final, Literal

from pydantic import ValidationError

from billops.domain.crm import Opportunity, OpportunityLineItem
from billops.domain.money import validate_currency
from billops.errors import BillopsError, InvalidInput

__all__ = [
    "CrmExport",
    "CrmExportWarning",
    "DateFormat",
    "read_export",
    "read_opportunities",
]

DateFormat = Literal["YYYY-MM-DD", "M/D/YYYY", "D/M/YYYY", "D.M.YYYY"]
"""How an export writes dates; two-digit years ("3/1/26") are read as 20xx."""

DEFAULT_REFERENCE_FIELD: Final = "Order_Form_Number__c"
DEFAULT_CUSTOMER_CODE_FIELD: Final = "ERP_Customer_Code__c"
_TAX_ID_FIELDS: Final = ("Tax_Id__c", "VAT_Number__c", "VAT_Id__c", "Tax_Number__c")


class CrmExportWarning(UserWarning):
    """Something in an export was ignored (unused columns); the import itself succeeded."""


@dataclass(frozen=True)
class CrmExport:
    """What an export held: its opportunities, and what was ignored on the way."""

    opportunities: tuple[Opportunity, ...]
    warnings: tuple[str, ...] = ()
    skipped_rows: int = 0


# --------------------------------------------------------------------------
# Columns


def _norm(header: str) -> str:
    """A header as compared: no case, accents, spaces or punctuation.

    >>> _norm("Account.Name"), _norm("Account Name"), _norm("Order_Form_Number__c")
    ('accountname', 'accountname', 'orderformnumberc')
    """
    text = unicodedata.normalize("NFKD", header.casefold())
    return re.sub(r"[^a-z0-9]", "", text)


def _custom_field_aliases(api_name: str, *, account: bool = False) -> set[str]:
    """A custom field's spellings: its API name, its label (no ``__c``), and "Account." forms."""
    base = _norm(api_name)
    names = {base}
    if api_name.endswith("__c"):
        names.add(_norm(api_name[:-3]))
    if account:
        names |= {"account" + name for name in names}
    return names


@dataclass(frozen=True)
class _Column:
    name: str  # the Salesforce API name, used in messages
    aliases: frozenset[str]


def _column(name: str, *aliases: str | Iterable[str]) -> _Column:
    spelled: set[str] = {_norm(name)}
    for alias in aliases:
        spelled |= {_norm(alias)} if isinstance(alias, str) else {_norm(a) for a in alias}
    return _Column(name, frozenset(spelled))


def _opportunity_columns(reference_field: str, customer_code_field: str) -> tuple[_Column, ...]:
    tax_ids = {a for f in _TAX_ID_FIELDS for a in _custom_field_aliases(f, account=True)}
    return (
        _column("Id", "Opportunity ID", "Opportunity ID (18)", "Opportunity 18 Digit ID"),
        _column("Name", "Opportunity Name"),
        _column("AccountId", "Account ID"),
        _column("Account.Name", "Account Name"),
        _column("Amount"),
        _column("CurrencyIsoCode", "Opportunity Currency", "Currency", "Amount Currency"),
        _column("CloseDate", "Close Date"),
        _column("StageName", "Stage"),
        _column("Probability", "Probability (%)"),
        _column("Type", "Opportunity Type"),
        _column(reference_field, _custom_field_aliases(reference_field)),
        _column("Account tax id", tax_ids, "Tax ID", "VAT Number", "Account VAT Number"),
        _column(customer_code_field, _custom_field_aliases(customer_code_field, account=True)),
    )


_LINE_ITEM_COLUMNS: Final = (
    _column("Id", "Line Item ID", "Opportunity Product ID", "OpportunityLineItem ID"),
    _column("OpportunityId", "Opportunity ID", "Opportunity ID (18)"),
    _column("Product2.ProductCode", "Product Code", "ProductCode"),
    _column("Product2.Name", "Product Name", "Product"),
    _column("Quantity"),
    _column("UnitPrice", "Sales Price", "Unit Price"),
    _column("TotalPrice", "Total Price"),
    _column("ServiceDate", "Date", "Service Date"),
    _column("Description", "Line Description", "Product Description"),
    _column("CurrencyIsoCode", "Currency", "Opportunity Product Currency"),
    _column("ListPrice", "List Price"),
)


def _account_columns(customer_code_field: str) -> tuple[_Column, ...]:
    tax_ids = {a for f in _TAX_ID_FIELDS for a in _custom_field_aliases(f)}
    return (
        _column("Id", "Account ID"),
        _column("Name", "Account Name"),
        _column("Account tax id", tax_ids, "Tax ID", "VAT Number"),
        _column(customer_code_field, _custom_field_aliases(customer_code_field)),
        # Read by no one, but expected in an accounts export: not worth a warning.
        _column("BillingCountry", "Billing Country"),
        _column("CurrencyIsoCode", "Account Currency", "Currency"),
    )


# --------------------------------------------------------------------------
# Files into tables of text


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("file not found", source=str(path)) from None
    except OSError as error:
        raise InvalidInput(f"cannot read the file: {error.strerror}", source=str(path)) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Salesforce writes the user's export encoding; for Western European
        # locales that is Windows-1252 (ISO-8859-1 plus curly quotes and €).
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


_SUMMARY_LABEL: Final = re.compile(r"^(grand\s+)?(sub)?totals?\b|^count\b|^sum\b", re.I)


@dataclass
class _Table:
    """One CSV file: its header, which column holds which field, and its data rows."""

    path: Path
    header: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0

    def has(self, name: str) -> bool:
        return name in self.columns

    def cell(self, cells: Sequence[str], name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def error(
        self, number: int, name: str, message: str, value: str | None = None, hint: str = ""
    ) -> InvalidInput:
        index = self.columns.get(name)
        column = self.header[index] if index is not None else name
        return InvalidInput(
            message,
            source=str(self.path),
            field=f"row {number}, column {column}",
            value=value,
            hint=hint or None,
        )


def _read_table(
    path: Path,
    known: Sequence[_Column],
    required: Sequence[tuple[str, ...]],
    what: str,
) -> _Table:
    """Read ``path``; map its header onto ``known``; refuse it if a ``required`` group is absent.

    Each group in ``required`` lists alternatives: one of them must be present.
    """
    text = _decode(path)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise InvalidInput(f"the {what} export is empty", source=str(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        records = list(reader)
    except csv.Error as error:
        raise InvalidInput(
            f"not a readable CSV file: {error}", source=str(path), field=f"line {reader.line_num}"
        ) from None
    header_at = next(i for i, record in enumerate(records) if any(c.strip() for c in record))
    header = [cell.strip().lstrip("\ufeff") for cell in records[header_at]]
    by_alias = {alias: column.name for column in known for alias in column.aliases}
    columns: dict[str, int] = {}
    ignored: list[str] = []
    notes: list[str] = []
    for index, label in enumerate(header):
        name = by_alias.get(_norm(label))
        if name is None:
            if label:
                ignored.append(label)
        elif name in columns:
            notes.append(
                f"{path.name}: column {label!r} ignored: {header[columns[name]]!r} "
                f"already gives {name}"
            )
        else:
            columns[name] = index
    for group in required:
        if not any(name in columns for name in group):
            wanted = " or ".join(group)
            accepted = sorted(
                {label for column in known if column.name in group for label in column.aliases}
            )
            raise InvalidInput(
                f"missing required column {wanted}",
                source=str(path),
                field="header (row 1)",
                hint=f"columns found: {', '.join(h for h in header if h) or 'none'}; "
                f"accepted spellings (ignoring case and punctuation): {', '.join(accepted)}",
            )
    if ignored:
        notes.insert(0, f"{path.name}: ignored columns billops does not use: {', '.join(ignored)}")
    table = _Table(path, header, columns, [], notes)
    _collect_rows(table, records[header_at + 1 :], first_number=header_at + 2)
    return table


def _collect_rows(table: _Table, records: list[list[str]], first_number: int) -> None:
    id_index = table.columns.get("Id", table.columns.get("OpportunityId"))
    after_blank = False
    for number, cells in enumerate(records, start=first_number):
        filled = [cell.strip() for cell in cells if cell.strip()]
        if not filled:
            after_blank = True
            table.skipped += 1
            continue
        row_id = cells[id_index].strip() if id_index is not None and id_index < len(cells) else ""
        if _SUMMARY_LABEL.match(filled[0]) and (not row_id or row_id == filled[0]):
            table.skipped += 1
            continue
        if after_blank and len(filled) == 1:
            table.skipped += 1  # the report footer: title, copyright, "Generated By"
            continue
        if len(cells) > len(table.header) and any(c.strip() for c in cells[len(table.header) :]):
            raise InvalidInput(
                f"the row has {len(cells)} cells but the header has {len(table.header)} columns",
                source=str(table.path),
                field=f"row {number}",
                hint="check for an unquoted comma in a text cell",
            )
        table.rows.append((number, cells))


# --------------------------------------------------------------------------
# Numbers

_US_NUMBER: Final = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d+$")
_EU_NUMBER: Final = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+,\d+$")
_INTEGER: Final = re.compile(r"^\d+$")
_CURRENCY_AFFIX: Final = re.compile(r"^([A-Za-z]{3})\s*(?=[-+(0-9$€£¥])|\s+([A-Za-z]{3})$")
_GROUPING_SPACES: Final = re.compile(r"[\s\u00a0\u202f'’]")


@dataclass(frozen=True)
class _NumberText:
    digits: str  # digits and separators only
    negative: bool
    currency: str | None


def _split_number(text: str) -> _NumberText | None:
    """Take the sign, currency code and symbol off a number as written; None if not a number."""
    rest = text.strip()
    currency = None
    for match in _CURRENCY_AFFIX.finditer(rest):
        currency = (match.group(1) or match.group(2)).upper()
    rest = _CURRENCY_AFFIX.sub("", rest).strip()
    negative = False
    if rest.startswith("(") and rest.endswith(")"):
        negative, rest = True, rest[1:-1].strip()
    if rest[:1] in "-+" and rest:
        negative, rest = rest[0] == "-", rest[1:].strip()
    rest = rest.strip("$€£¥").strip()
    if rest[:1] in "-+" and rest:
        negative, rest = rest[0] == "-", rest[1:].strip()
    rest = rest.rstrip("%").strip()
    digits = _GROUPING_SPACES.sub("", rest)
    if not digits or not re.fullmatch(r"[0-9.,]+", digits):
        return None
    return _NumberText(digits, negative, currency)


def _number_style(digits: str) -> Literal["us", "eu", "either", "neither"]:
    us = bool(_US_NUMBER.match(digits) or _INTEGER.match(digits))
    eu = bool(_EU_NUMBER.match(digits) or _INTEGER.match(digits))
    if us and eu:
        return "either"
    return "us" if us else "eu" if eu else "neither"


def _decimal_separator(cells: Iterable[str]) -> str:
    """'.' or ',': whichever the export's unambiguous numbers use ('.' when none tells)."""
    seen: set[str] = set()
    for cell in cells:
        parts = _split_number(cell) if cell.strip() else None
        if parts is not None:
            style = _number_style(parts.digits)
            if style in {"us", "eu"}:
                seen.add(style)
    return "," if seen == {"eu"} else "."


def _parse_number(text: str, separator: str) -> tuple[Decimal, str | None] | None:
    """(value, currency code written with it) of a number as an export writes it, or None.

    >>> _parse_number("USD 1,234.56", "."), _parse_number("1.234,56 EUR", ",")
    ((Decimal('1234.56'), 'USD'), (Decimal('1234.56'), 'EUR'))
    >>> _parse_number("(1,000)", "."), _parse_number("12abc", ".")
    ((Decimal('-1000'), None), None)
    """
    parts = _split_number(text)
    if parts is None:
        return None
    style = _number_style(parts.digits)
    if style in {"neither", "eu" if separator == "." else "us"}:
        return None
    if separator == ".":
        plain = parts.digits.replace(",", "")
    else:
        plain = parts.digits.replace(".", "").replace(",", ".")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    return (-value if parts.negative else value), parts.currency


# --------------------------------------------------------------------------
# Dates

_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_SLASH_DATE: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ ,].*)?$")
_DOT_DATE: Final = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ ,].*)?$")


def _date_format(cells: Iterable[str]) -> DateFormat | None:
    """The export's day/month order for slash dates, or None when its dates do not tell."""
    day_first = month_first = False
    for cell in cells:
        match = _SLASH_DATE.match(cell.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            day_first |= first > 12
            month_first |= second > 12
    if day_first and not month_first:
        return "D/M/YYYY"
    if month_first and not day_first:
        return "M/D/YYYY"
    return None


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _parse_date(text: str, date_format: DateFormat | None) -> date:
    """A date as an export writes it; ValueError (with the reason) if it is not one."""
    if match := _ISO_DATE.match(text):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _DOT_DATE.match(text):
        return date(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
    if match := _SLASH_DATE.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if date_format == "D/M/YYYY":
            return date(year, second, first)
        if date_format == "M/D/YYYY":
            return date(year, first, second)
        if date_format is not None:
            raise ValueError(f"not a date in the export's format {date_format}")
        raise ValueError(
            "cannot tell the day from the month: no date in the export has a day above 12"
        )
    raise ValueError("not a date (expected e.g. 2026-03-01, 3/1/2026 or 01.03.2026)")


# --------------------------------------------------------------------------
# Cells into values


def _record_key(record_id: str) -> str:
    """15- and 18-character ids of one record compare equal: the 18th-char form adds a checksum."""
    return record_id[:15] if len(record_id) == 18 else record_id


@dataclass(frozen=True)
class _Reader:
    separator: str
    date_format: DateFormat | None

    def number(
        self, table: _Table, number: int, cells: Sequence[str], name: str, *, required: bool
    ) -> tuple[Decimal | None, str | None]:
        text = table.cell(cells, name)
        if not text:
            if required:
                raise table.error(number, name, "a value is required here")
            return None, None
        parsed = _parse_number(text, self.separator)
        if parsed is None:
            expected = "1,234.56" if self.separator == "." else "1.234,56"
            raise table.error(
                number, name, "not a number", text, f"write it as e.g. {expected} or USD {expected}"
            )
        return parsed

    def date(self, table: _Table, number: int, cells: Sequence[str], name: str) -> date | None:
        text = table.cell(cells, name)
        if not text:
            return None
        try:
            return _parse_date(text, self.date_format)
        except ValueError as error:
            raise table.error(
                number,
                name,
                str(error),
                text,
                "pass date_format ('M/D/YYYY', 'D/M/YYYY', 'D.M.YYYY' or 'YYYY-MM-DD')",
            ) from None

    def currency(self, table: _Table, number: int, name: str, code: str) -> str:
        try:
            return validate_currency(code.strip().upper())
        except BillopsError:
            raise table.error(
                number, name, "not an ISO 4217 currency code", code, "e.g. USD, EUR, GBP"
            ) from None


def _opportunity(table: _Table, number: int, values: Mapping[str, object]) -> Opportunity:
    try:
        return Opportunity.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            f"{where}: {first['msg']}", source=str(table.path), field=f"row {number}"
        ) from None


@dataclass(frozen=True)
class _Account:
    name: str
    tax_id: str | None
    customer_code: str | None


def _read_accounts(table: _Table, customer_code_field: str) -> dict[str, _Account]:
    accounts: dict[str, _Account] = {}
    for number, cells in table.rows:
        account_id = table.cell(cells, "Id")
        if not account_id:
            raise table.error(number, "Id", "an account id is required here")
        accounts[_record_key(account_id)] = _Account(
            table.cell(cells, "Name"),
            table.cell(cells, "Account tax id") or None,
            table.cell(cells, customer_code_field) or None,
        )
    return accounts


def _opportunity_fields(
    table: _Table,
    number: int,
    cells: Sequence[str],
    reader: _Reader,
    accounts: Mapping[str, _Account],
    default_currency: str | None,
    reference_field: str,
    customer_code_field: str,
) -> dict[str, object]:
    opportunity_id = table.cell(cells, "Id")
    if not opportunity_id:
        raise table.error(number, "Id", "an opportunity id is required here")
    amount, amount_currency = reader.number(table, number, cells, "Amount", required=False)
    written = table.cell(cells, "CurrencyIsoCode")
    if written and amount_currency and written.upper() != amount_currency:
        raise table.error(
            number,
            "Amount",
            f"the amount is written in {amount_currency} but the currency column says {written}",
            table.cell(cells, "Amount"),
        )
    code = written or amount_currency or default_currency
    if not code:
        raise table.error(
            number,
            "CurrencyIsoCode" if table.has("CurrencyIsoCode") else "Amount",
            "no currency for this opportunity",
            hint="export the Opportunity Currency column, or pass default_currency",
        )
    currency = reader.currency(table, number, "CurrencyIsoCode" if written else "Amount", code)
    probability, _ = reader.number(table, number, cells, "Probability", required=False)
    account_id = table.cell(cells, "AccountId") or None
    account = accounts.get(_record_key(account_id)) if account_id else None
    account_name = table.cell(cells, "Account.Name") or (account.name if account else "")
    if not account_name:
        where = "Account.Name" if table.has("Account.Name") else "AccountId"
        raise table.error(
            number,
            where,
            "no account name for this opportunity",
            account_id,
            "export the Account Name column, or give the accounts export that holds the account",
        )
    stage = table.cell(cells, "StageName")
    if not stage:
        raise table.error(number, "StageName", "a stage is required here")
    return {
        "opportunity_id": opportunity_id,
        "name": table.cell(cells, "Name"),
        "account_id": account_id,
        "account_name": account_name,
        "amount": amount,
        "currency": currency,
        "close_date": reader.date(table, number, cells, "CloseDate"),
        "stage": stage,
        "probability": probability,
        "opportunity_type": table.cell(cells, "Type") or None,
        "contract_reference": table.cell(cells, reference_field) or None,
        "account_tax_id": table.cell(cells, "Account tax id")
        or (account.tax_id if account else None),
        "customer_code": table.cell(cells, customer_code_field)
        or (account.customer_code if account else None),
    }


def _line_item(
    table: _Table,
    number: int,
    cells: Sequence[str],
    reader: _Reader,
    currency: str,
) -> OpportunityLineItem:
    quantity, _ = reader.number(table, number, cells, "Quantity", required=True)
    unit_price, unit_currency = reader.number(table, number, cells, "UnitPrice", required=False)
    total_price, total_currency = reader.number(table, number, cells, "TotalPrice", required=False)
    written = table.cell(cells, "CurrencyIsoCode").upper()
    for name, code in (
        ("UnitPrice", unit_currency),
        ("TotalPrice", total_currency),
        ("CurrencyIsoCode", written or None),
    ):
        if code and code != currency:
            raise table.error(
                number,
                name,
                f"the line item is in {code} but its opportunity is in {currency}",
                table.cell(cells, name),
            )
    assert quantity is not None  # required=True
    if unit_price is None and total_price is None:
        raise table.error(
            number,
            "UnitPrice" if table.has("UnitPrice") else "TotalPrice",
            "a sales price or a total price is required here",
        )
    if total_price is None:
        assert unit_price is not None
        total_price = quantity * unit_price
    if unit_price is None:
        unit_price = _unit_price(total_price, quantity)
    product_code = table.cell(cells, "Product2.ProductCode") or None
    product_name = table.cell(cells, "Product2.Name") or None
    if product_code is None and product_name is None:
        column = "Product2.ProductCode" if table.has("Product2.ProductCode") else "Product2.Name"
        raise table.error(number, column, "a product code or product name is required here")
    line_id = table.cell(cells, "Id") or f"{table.path.name}:row-{number}"
    try:
        return OpportunityLineItem(
            line_id=line_id,
            product_code=product_code,
            product_name=product_name,
            quantity=quantity,
            unit_price=unit_price,
            total_price=total_price,
            service_date=reader.date(table, number, cells, "ServiceDate"),
            description=table.cell(cells, "Description") or None,
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidInput(
            f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}",
            source=str(table.path),
            field=f"row {number}",
        ) from None


def _unit_price(total: Decimal, quantity: Decimal) -> Decimal:
    if not quantity:
        return Decimal(0)
    exact = total / quantity
    if exact * quantity == total:
        return exact
    return exact.quantize(Decimal("0.000001"))


def _cells(tables: Iterable[_Table], names: Sequence[str]) -> Iterator[str]:
    for table in tables:
        for _, cells in table.rows:
            for name in names:
                yield table.cell(cells, name)


# --------------------------------------------------------------------------
# The public functions


def read_export(
    opportunities_csv: Path,
    line_items_csv: Path | None = None,
    accounts_csv: Path | None = None,
    *,
    date_format: DateFormat | None = None,
    decimal_separator: Literal[".", ","] | None = None,
    default_currency: str | None = None,
    reference_field: str = DEFAULT_REFERENCE_FIELD,
    customer_code_field: str = DEFAULT_CUSTOMER_CODE_FIELD,
) -> CrmExport:
    """Read a Salesforce report export: the opportunities, their products and accounts.

    ``reference_field`` is the opportunity field holding the signed contract's
    id; ``customer_code_field`` the account field holding the billing
    customer code. Raises ``InvalidInput`` (file, row, column) on the first
    problem; nothing is returned then.
    """
    opportunities_csv = Path(opportunities_csv)
    accounts: dict[str, _Account] = {}
    account_table = None
    if accounts_csv is not None:
        account_table = _read_table(
            Path(accounts_csv),
            _account_columns(customer_code_field),
            [("Id",), ("Name",)],
            "accounts",
        )
        accounts = _read_accounts(account_table, customer_code_field)
    required: list[tuple[str, ...]] = [
        ("Id",),
        ("Name",),
        ("Account.Name", "AccountId") if account_table else ("Account.Name",),
        ("Amount",),
        ("CloseDate",),
        ("StageName",),
    ]
    table = _read_table(
        opportunities_csv,
        _opportunity_columns(reference_field, customer_code_field),
        required,
        "opportunities",
    )
    item_table = None
    if line_items_csv is not None:
        item_table = _read_table(
            Path(line_items_csv),
            _LINE_ITEM_COLUMNS,
            [
                ("OpportunityId",),
                ("Quantity",),
                ("UnitPrice", "TotalPrice"),
                ("Product2.ProductCode", "Product2.Name"),
            ],
            "opportunity line items",
        )
    tables = [t for t in (table, item_table) if t is not None]
    separator = decimal_separator or _decimal_separator(
        _cells(tables, ("Amount", "Probability", "Quantity", "UnitPrice", "TotalPrice"))
    )
    reader = _Reader(
        separator, date_format or _date_format(_cells(tables, ("CloseDate", "ServiceDate")))
    )
    if not (table.has("CurrencyIsoCode") or default_currency):
        # Without a currency column every amount must say its currency.
        for number, cells in table.rows:
            if not _CURRENCY_AFFIX.search(table.cell(cells, "Amount")):
                raise table.error(
                    number,
                    "Amount",
                    "no currency: the export has no CurrencyIsoCode column and the amount "
                    "names none",
                    table.cell(cells, "Amount"),
                    "export the Opportunity Currency column, or pass default_currency",
                )

    fields: dict[str, dict[str, object]] = {}
    numbers: dict[str, int] = {}
    for number, cells in table.rows:
        values = _opportunity_fields(
            table, number, cells, reader, accounts, default_currency,
            reference_field, customer_code_field,
        )  # fmt: skip
        key = _record_key(str(values["opportunity_id"]))
        if key in fields:
            raise table.error(
                number,
                "Id",
                f"opportunity listed twice (first in row {numbers[key]})",
                str(values["opportunity_id"]),
            )
        fields[key], numbers[key] = values, number

    lines: dict[str, list[OpportunityLineItem]] = {key: [] for key in fields}
    if item_table is not None:
        for number, cells in item_table.rows:
            parent = item_table.cell(cells, "OpportunityId")
            key = _record_key(parent)
            if key not in fields:
                raise item_table.error(
                    number,
                    "OpportunityId",
                    f"no such opportunity in {table.path.name}",
                    parent,
                    "export the line items of the same report, or add the opportunity",
                )
            currency = str(fields[key]["currency"])
            lines[key].append(_line_item(item_table, number, cells, reader, currency))

    opportunities = tuple(
        _opportunity(table, numbers[key], {**values, "lines": tuple(lines[key])})
        for key, values in fields.items()
    )
    all_tables = [t for t in (table, item_table, account_table) if t is not None]
    return CrmExport(
        opportunities,
        tuple(note for t in all_tables for note in t.warnings),
        sum(t.skipped for t in all_tables),
    )


def read_opportunities(
    opportunities_csv: Path,
    line_items_csv: Path | None = None,
    accounts_csv: Path | None = None,
    *,
    date_format: DateFormat | None = None,
    decimal_separator: Literal[".", ","] | None = None,
    default_currency: str | None = None,
    reference_field: str = DEFAULT_REFERENCE_FIELD,
    customer_code_field: str = DEFAULT_CUSTOMER_CODE_FIELD,
) -> list[Opportunity]:
    """The opportunities of a Salesforce report export (see ``read_export``).

    Ignored columns are reported as a ``CrmExportWarning`` (``warnings``
    module); call ``read_export`` to receive them as data instead.
    """
    export = read_export(
        opportunities_csv,
        line_items_csv,
        accounts_csv,
        date_format=date_format,
        decimal_separator=decimal_separator,
        default_currency=default_currency,
        reference_field=reference_field,
        customer_code_field=customer_code_field,
    )
    for note in export.warnings:
        warnings.warn(note, CrmExportWarning, stacklevel=2)
    return list(export.opportunities)
