"""Writing the demo company as the files a user could supply themselves.

The layout is the one billops reads from a customer's own exports, so the
demo exercises the same import paths real data takes::

    entities.yaml                       the legal entities (a YAML list)
    customers.yaml                      the customers (a YAML list)
    catalog.yaml                        the product catalogue (a YAML list)
    contracts/<contract_id>.yaml        one contract's terms per file
    crm/accounts.csv                    Salesforce accounts
    crm/opportunities.csv               Salesforce opportunities (Closed Won)
    crm/opportunity_line_items.csv      Salesforce opportunity products
    events/time_entries.csv             PSA time entries
    events/milestone_acceptances.csv    customer acceptances of milestones
    events/shipments.csv                hardware shipments with serial numbers
    events/provisioning.csv             tenant go-live and seat additions
    events/usage.csv                    monthly API-call counts
    data_quality_notes.csv              the answer key: what is wrong on purpose
    README.md                           this list, for whoever opens the folder

Money is written as a quoted decimal string (``'54000.00'``), never as a
YAML or CSV float, so reading it back with any loader gives the identical
``Decimal``; dates are ISO dates. In CSV files a list (serial numbers) is
joined with ``;``, booleans are ``true``/``false`` and a missing value is an
empty cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import yaml

from billops.demo.catalog import catalog as product_catalog
from billops.demo.company import DemoAccount, DemoCompany, Record
from billops.demo.crm import account_record
from billops.demo.parties import legal_entities
from billops.errors import InvalidInput

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Safe YAML with Decimals as quoted strings and no anchors between repeated objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: Any, value: Decimal) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="'")


# Text a YAML 1.1 or 1.2 reader could take for something else ("04109" as a
# number, "NO" as false) is quoted, so every reader gets the same text back.
_LOOKS_TYPED = re.compile(
    r"^([-+]?\.?[0-9]|\.(inf|nan)$)|^(y|n|yes|no|on|off|true|false|null|~)$", re.I
)


def _represent_text(dumper: Any, value: str) -> Any:
    if value == "" or _LOOKS_TYPED.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_text)


def to_yaml(data: Any) -> str:
    """``data`` as block-style YAML in insertion order, Decimals quoted."""
    text: str = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text


# The kinds ``write_company`` counts, in the order the README lists them.
COUNTED_KINDS: tuple[str, ...] = (
    "entities", "catalog", "customers", "crm_accounts", "contracts", "opportunities",
    "opportunity_line_items", "time_entries", "milestone_acceptances", "shipments",
    "provisioning", "usage", "data_quality_notes",
)  # fmt: skip

CSV_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "crm_accounts": (
        "crm/accounts.csv",
        ("Id", "Name", "BillingCountry", "CurrencyIsoCode", "ERP_Customer_Code__c"),
    ),
    "opportunities": (
        "crm/opportunities.csv",
        ("Id", "Name", "AccountId", "Account.Name", "Amount", "CurrencyIsoCode", "CloseDate",
         "StageName", "Probability", "Type", "Order_Form_Number__c"),
    ),
    "opportunity_line_items": (
        "crm/opportunity_line_items.csv",
        ("Id", "OpportunityId", "Product2.ProductCode", "Quantity", "UnitPrice", "TotalPrice",
         "ServiceDate", "Description"),
    ),
    "time_entries": (
        "events/time_entries.csv",
        ("idempotency_key", "contract_id", "line_id", "person", "role", "work_date", "hours",
         "approved", "status", "billable", "description"),
    ),
    "milestone_acceptances": (
        "events/milestone_acceptances.csv",
        ("idempotency_key", "contract_id", "milestone_id", "status", "decided_on", "decided_by",
         "comment"),
    ),
    "shipments": (
        "events/shipments.csv",
        ("idempotency_key", "contract_id", "line_id", "sku", "quantity", "serial_numbers",
         "ship_date", "tracking_number"),
    ),
    "provisioning": (
        "events/provisioning.csv",
        ("idempotency_key", "contract_id", "line_id", "sku", "event", "tenant_id", "occurred_on",
         "quantity"),
    ),
    "usage": (
        "events/usage.csv",
        ("idempotency_key", "contract_id", "line_id", "sku", "meter", "period_start",
         "period_end", "quantity", "unit"),
    ),
    "data_quality_notes": (
        "data_quality_notes.csv",
        ("record_type", "record_id", "field", "problem", "detail"),
    ),
}  # fmt: skip


def csv_cell(value: Any) -> str:
    """How one value is written in a CSV cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(csv_cell(item) for item in value)
    return str(value)


class _CompanyWriter:
    """Writes accounts as they come, so a large company never has to be held whole."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counts: dict[str, int] = dict.fromkeys(COUNTED_KINDS, 0)
        try:
            for folder in ("contracts", "crm", "events"):
                (directory / folder).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidInput(
                f"cannot create the demo folders: {error.strerror}",
                source=str(directory),
                hint="choose a directory you can write to",
            ) from error
        self._customers = (directory / "customers.yaml").open("w", encoding="utf-8")
        self._csv_files: dict[str, IO[str]] = {}
        self._csv_writers: dict[str, Any] = {}
        for kind, (relative, header) in CSV_FILES.items():
            handle = (directory / relative).open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            self._csv_files[kind] = handle
            self._csv_writers[kind] = writer

    def write_list(self, kind: str, filename: str, records: list[Record]) -> None:
        (self.directory / filename).write_text(to_yaml(records), encoding="utf-8")
        self.counts[kind] = len(records)

    def add_customer(self, customer: Record) -> None:
        self._customers.write(to_yaml([customer]))
        self.counts["customers"] += 1

    def add_contract(self, contract: Record) -> None:
        path = self.directory / "contracts" / f"{contract['contract_id']}.yaml"
        path.write_text(to_yaml(contract), encoding="utf-8")
        self.counts["contracts"] += 1

    def add_rows(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        header = CSV_FILES[kind][1]
        writer = self._csv_writers[kind]
        for row in rows:
            writer.writerow([csv_cell(row.get(column)) for column in header])
            self.counts[kind] += 1

    def add_account(self, account: DemoAccount) -> None:
        self.add_customer(account.customer)
        for contract in account.contracts:
            self.add_contract(contract)
        self.add_rows("crm_accounts", [account_record(account.crm_account_id, account.customer)])
        for kind in CSV_FILES:
            if kind not in {"crm_accounts", "data_quality_notes"}:
                self.add_rows(kind, getattr(account, kind))
        self.add_rows("data_quality_notes", [n.as_dict() for n in account.data_quality_notes])

    def close(self) -> dict[str, int]:
        if self.counts["customers"] == 0:
            self._customers.write("[]\n")
        self._customers.close()
        for handle in self._csv_files.values():
            handle.close()
        (self.directory / "README.md").write_text(readme(self.counts), encoding="utf-8")
        return dict(self.counts)


def write_company(company: DemoCompany, directory: Path) -> dict[str, int]:
    """Write ``company`` under ``directory`` (created if needed); return the count per kind.

    Files of the same name are replaced and nothing else is removed, so
    write into an empty directory: a contract file left from an earlier,
    larger run would otherwise look like part of this company.
    """
    writer = _CompanyWriter(Path(directory))
    try:
        writer.write_list("entities", "entities.yaml", company.entities)
        writer.write_list("catalog", "catalog.yaml", company.catalog)
        for customer in company.customers:
            writer.add_customer(customer)
        for contract in company.contracts:
            writer.add_contract(contract)
        for kind in CSV_FILES:
            rows = getattr(company, kind)
            if kind == "data_quality_notes":
                rows = [note.as_dict() for note in rows]
            writer.add_rows(kind, rows)
    finally:
        counts = writer.close()
    return counts


def write_accounts(
    accounts: Iterable[DemoAccount],
    directory: Path,
    *,
    entities: list[Record] | None = None,
    catalog: list[Record] | None = None,
) -> dict[str, int]:
    """Write accounts as ``iter_accounts`` yields them, holding one at a time.

    The files are the same as ``write_company`` writes for the same
    accounts; use this for sizes too large to hold in memory.
    """
    writer = _CompanyWriter(Path(directory))
    try:
        writer.write_list("entities", "entities.yaml", entities or legal_entities())
        writer.write_list("catalog", "catalog.yaml", catalog or product_catalog())
        for account in accounts:
            writer.add_account(account)
    finally:
        counts = writer.close()
    return counts


def readme(counts: Mapping[str, int]) -> str:
    """The README.md written beside the files: what each file is, and how many records."""
    rows = "\n".join(f"| {kind} | {count} |" for kind, count in counts.items())
    return _README.format(rows=rows)


_README = """\
# Northwind Cloud: demo company data

Generated by `billops.demo` (deterministic: the same size, seed and as-of
date give byte-identical files). Everything here is fictional: company
names are invented, e-mail domains end in `.example`, US phone numbers are
in the 555-01xx range reserved for fiction. Tax ids are well formed (EU VAT
ids pass their national check digits) but belong to nobody.

These are the files a billops user supplies from their own systems; load
them the same way.

| file | what it holds |
|---|---|
| `entities.yaml` | the selling legal entities: NWUS (Inc., USD) and NWDE (GmbH, EUR) |
| `customers.yaml` | customers: addresses, tax ids, billing contacts, PO rule, payment terms |
| `catalog.yaml` | products: SKU, billing model, GL accounts, tax code, prices, SSP, bundles |
| `contracts/<contract_id>.yaml` | one contract (order form, SOW, amendment): ContractTerms |
| `crm/accounts.csv` | Salesforce accounts; `ERP_Customer_Code__c` is the customer code |
| `crm/opportunities.csv` | Closed Won opportunities; `Order_Form_Number__c` is the contract id |
| `crm/opportunity_line_items.csv` | the opportunities' products |
| `events/time_entries.csv` | time entries (approved, submitted, rejected) against T&M lines |
| `events/milestone_acceptances.csv` | milestone acceptances and rejections |
| `events/shipments.csv` | appliance shipments; serial numbers joined with `;` |
| `events/provisioning.csv` | tenant go-live and seats-added events |
| `events/usage.csv` | API calls per usage line per closed calendar month |
| `data_quality_notes.csv` | the answer key: every record deliberately made wrong, and how |

Money is a quoted decimal string in YAML and a plain decimal in CSV: read
it as `Decimal`, never as a float. Dates are ISO 8601. Every event row has an
`idempotency_key`: loading a file twice must change nothing.

## Counts

| kind | records |
|---|---|
{rows}
"""
