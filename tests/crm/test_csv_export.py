"""Reading Salesforce report exports: the habits of real files, and what is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from billops.adapters.crm.csv_export import (
    CrmExportWarning,
    read_export,
    read_opportunities,
)
from billops.errors import InvalidInput

API_HEADER = (
    "Id,Name,AccountId,Account.Name,Amount,CurrencyIsoCode,CloseDate,StageName,"
    "Probability,Type,Order_Form_Number__c"
)
ITEMS_HEADER = "Id,OpportunityId,Product2.ProductCode,Quantity,UnitPrice,TotalPrice,ServiceDate"


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def test_api_names_utf8_with_bom(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "opportunities.csv",
        [
            API_HEADER,
            "006Dn000te57NJ5IAM,Globex - Platform,001Dn000te4mOZgIAM,Globex Corporation,"
            "60000.00,USD,2026-03-01,Closed Won,100,New Business,OF-2026-001",
        ],
        encoding="utf-8-sig",
    )
    items = _write(
        tmp_path / "items.csv",
        [
            ITEMS_HEADER,
            "00kDn000te8hl4MIAQ,006Dn000te57NJ5IAM,PLAT-ENT,50,1200.00,60000.00,2026-03-01",
        ],
        encoding="utf-8-sig",
    )

    (opportunity,) = read_opportunities(opportunities, items)

    assert opportunity.opportunity_id == "006Dn000te57NJ5IAM"  # no BOM glued to the first header
    assert opportunity.account_name == "Globex Corporation"
    assert opportunity.amount == Decimal("60000.00")
    assert opportunity.close_date == date(2026, 3, 1)
    assert opportunity.contract_reference == "OF-2026-001"
    assert opportunity.probability == Decimal(100)
    (line,) = opportunity.lines
    assert (line.product_code, line.quantity, line.unit_price, line.total_price) == (
        "PLAT-ENT",
        Decimal(50),
        Decimal("1200.00"),
        Decimal("60000.00"),
    )


def test_report_labels_cp1252_thousands_separators_and_summary_rows(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "report.csv",
        [
            '"Opportunity ID","Opportunity Name","Account Name","Amount","Opportunity Currency",'
            '"Close Date","Stage","Order Form Number"',
            '"006Dn000xi9svKUIAY","Crème - Renewal","Société Crème Brûlée SARL","EUR 1.234.567,89",'
            '"EUR","15.03.2026","Closed Won","NWDE-OF-000132"',
            '"006Dn000yGvZpKgIQK","Zeta - New","Zeta Werke GmbH","2.500,00","EUR","01.04.2026",'
            '"Closed Won",""',
            '"Total","","","1.237.067,89","","","",""',
            "",
            "",
            '"Closed Won Opportunities"',
            '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
            '"Confidential Information - Do Not Distribute"',
        ],
        encoding="cp1252",
    )

    export = read_export(opportunities)

    first, second = export.opportunities
    assert first.account_name == "Société Crème Brûlée SARL"
    assert first.amount == Decimal("1234567.89")
    assert first.close_date == date(2026, 3, 15)
    assert second.amount == Decimal("2500.00")
    assert second.close_date == date(2026, 4, 1)
    assert second.contract_reference is None
    assert export.skipped_rows == 6  # the total, two blank rows, three footer lines
    assert export.warnings == ()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("3/1/2026", date(2026, 3, 1)),
        ("01.03.2026", date(2026, 3, 1)),
    ],
)
def test_each_salesforce_date_format(tmp_path: Path, written: str, expected: date) -> None:
    # The second row's day above 12 tells which order a slash date uses.
    later = {"2026-03-01": "2026-03-20", "3/1/2026": "3/20/2026", "01.03.2026": "20.03.2026"}
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            f"006A,First,Globex,100.00,USD,{written},Closed Won",
            f"006B,Second,Globex,100.00,USD,{later[written]},Closed Won",
        ],
    )
    first, second = read_opportunities(opportunities)
    assert first.close_date == expected
    assert second.close_date == date(2026, 3, 20)


def test_day_first_slash_dates_are_detected(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,100.00,GBP,1/3/2026,Closed Won",
            "006B,Second,Globex,100.00,GBP,25/3/2026,Closed Won",
        ],
    )
    first, _ = read_opportunities(opportunities)
    assert first.close_date == date(2026, 3, 1)


def test_slash_dates_that_fit_both_orders_need_a_date_format(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,100.00,USD,3/1/2026,Closed Won",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        read_opportunities(opportunities)
    assert "row 2, column Close Date: cannot tell the day from the month" in str(caught.value)

    (opportunity,) = read_opportunities(opportunities, date_format="D/M/YYYY")
    assert opportunity.close_date == date(2026, 1, 3)


def test_currency_prefixed_amounts_without_a_currency_column(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,Close Date,Stage",
            '006A,First,Globex,"USD 1,234.56",2026-03-01,Closed Won',
        ],
    )
    (opportunity,) = read_opportunities(opportunities)
    assert (opportunity.amount, opportunity.currency) == (Decimal("1234.56"), "USD")


def test_missing_required_column_names_it(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,USD,2026-03-01,Won",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        read_opportunities(opportunities)
    message = str(caught.value)
    assert message.startswith(f"{opportunities}: header (row 1): missing required column Amount")
    assert "columns found: Id, Name, Account Name, CurrencyIsoCode, Close Date, Stage" in message


def test_extra_columns_are_ignored_and_listed(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage,Lead Source,Owner",
            "006A,First,Globex,100.00,USD,2026-03-01,Closed Won,Web,Jane Doe",
        ],
    )
    export = read_export(opportunities)
    assert len(export.opportunities) == 1
    assert export.warnings == ("o.csv: ignored columns billops does not use: Lead Source, Owner",)

    with pytest.warns(CrmExportWarning, match="Lead Source, Owner"):
        read_opportunities(opportunities)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12O.00", "row 3, column Amount: not a number (got '12O.00')"),
        ("100.00 XYZ", "row 3, column Amount: the amount is written in XYZ but the currency"),
    ],
)
def test_bad_amount_names_file_row_and_column(tmp_path: Path, cell: str, expected: str) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,100.00,USD,2026-03-01,Closed Won",
            f"006B,Second,Globex,{cell},USD,2026-03-01,Closed Won",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        read_opportunities(opportunities)
    assert str(caught.value).startswith(f"{opportunities}: {expected}")


def test_unknown_currency_is_refused(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,100.00,USX,2026-03-01,Closed Won",
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        read_opportunities(opportunities)
    assert str(caught.value).startswith(
        f"{opportunities}: row 2, column CurrencyIsoCode: not an ISO 4217 currency code (got 'USX')"
    )


def test_line_item_of_an_unknown_opportunity_is_refused(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [API_HEADER, "006A,First,001A,Globex,100.00,USD,2026-03-01,Closed Won,100,,"],
    )
    items = _write(
        tmp_path / "items.csv",
        [ITEMS_HEADER, "00kA,006A,SKU-1,1,100.00,100.00,", "00kB,006Z,SKU-1,1,100.00,100.00,"],
    )
    with pytest.raises(InvalidInput) as caught:
        read_opportunities(opportunities, items)
    assert str(caught.value).startswith(
        f"{items}: row 3, column OpportunityId: no such opportunity in o.csv (got '006Z')"
    )


def test_duplicate_opportunity_is_refused(tmp_path: Path) -> None:
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,Account Name,Amount,CurrencyIsoCode,Close Date,Stage",
            "006A,First,Globex,100.00,USD,2026-03-01,Closed Won",
            "006A,Again,Globex,100.00,USD,2026-03-01,Closed Won",
        ],
    )
    with pytest.raises(InvalidInput, match=r"row 3, column Id: opportunity listed twice"):
        read_opportunities(opportunities)


def test_accounts_fill_in_name_and_codes_and_ids_of_15_and_18_characters_meet(
    tmp_path: Path,
) -> None:
    accounts = _write(
        tmp_path / "accounts.csv",
        [
            "Id,Name,BillingCountry,VAT_Number__c,ERP_Customer_Code__c",
            "001Dn000te4mOZgIAM,Lindenhof Engineering AG,DE,DE 123 456 789,CUST-000002",
        ],
    )
    opportunities = _write(
        tmp_path / "o.csv",
        [
            "Id,Name,AccountId,Amount,CurrencyIsoCode,CloseDate,StageName",
            "006Dn000te57NJ5IAM,Lindenhof,001Dn000te4mOZg,1000,EUR,2026-03-01,Closed Won",
        ],
    )
    items = _write(
        tmp_path / "items.csv",
        # Report label spellings; a 15-character parent id; the total derived from the price.
        ["Opportunity ID,Product Name,Quantity,Sales Price", "006Dn000te57NJ5,Platform,4,250.00"],
    )
    (opportunity,) = read_opportunities(opportunities, items, accounts)
    assert opportunity.account_name == "Lindenhof Engineering AG"
    assert opportunity.account_tax_id == "DE 123 456 789"
    assert opportunity.customer_code == "CUST-000002"
    (line,) = opportunity.lines
    assert (line.product_name, line.total_price, line.line_id) == (
        "Platform",
        Decimal("1000.00"),
        "items.csv:row-2",
    )
