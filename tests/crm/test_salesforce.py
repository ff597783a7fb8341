"""The Salesforce REST source, against a local server replaying Salesforce's responses."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from billops.adapters.crm.salesforce import SalesforceFailure, SalesforceSource
from billops.errors import BillopsError, InvalidInput
from tests.crm.fake_salesforce import FakeSalesforce, Reply, serve, write_certificate

NEXT_PAGE = "/services/data/v59.0/query/01gD0000002HU6KIAW-2000"


def _opportunity_record(
    opportunity_id: str, account: dict[str, object] | None, items: object
) -> dict[str, object]:
    return {
        "attributes": {
            "type": "Opportunity",
            "url": f"/services/data/v59.0/sobjects/Opportunity/{opportunity_id}",
        },
        "Id": opportunity_id,
        "Name": "Globex - Platform renewal",
        "AccountId": "001Dn000te4mOZgIAM",
        "Account": account,
        "Amount": 60250.5,
        "CurrencyIsoCode": "USD",
        "CloseDate": "2026-02-27",
        "StageName": "Closed Won",
        "Probability": 100,
        "Type": "New Business",
        "Order_Form_Number__c": "OF-2026-014",
        "OpportunityLineItems": items,
    }


ACCOUNT: dict[str, object] = {
    "attributes": {
        "type": "Account",
        "url": "/services/data/v59.0/sobjects/Account/001Dn000te4mOZgIAM",
    },
    "Name": "Globex Corporation",
    "ERP_Customer_Code__c": "CUST-000042",
}


def _line_item(
    item_id: str,
    code: str,
    name: str,
    quantity: float,
    unit: float,
    total: float,
    service_date: str | None,
    description: str | None,
) -> dict[str, object]:
    return {
        "attributes": {
            "type": "OpportunityLineItem",
            "url": f"/services/data/v59.0/sobjects/OpportunityLineItem/{item_id}",
        },
        "Id": item_id,
        "Product2": {
            "attributes": {"type": "Product2", "url": "/services/data/v59.0/sobjects/Product2/01t"},
            "ProductCode": code,
            "Name": name,
        },
        "Quantity": quantity,
        "UnitPrice": unit,
        "TotalPrice": total,
        "ServiceDate": service_date,
        "Description": description,
    }


FIRST_ITEM = _line_item(
    "00kDn000te8hl4MIAQ", "PLAT-ENT", "Platform, Enterprise", 50.0, 1200.01, 60000.5,
    "2026-03-01", None,
)  # fmt: skip
SECOND_ITEM = _line_item(
    "00kDn000th2LV4NIAW", "ONB-STD", "Onboarding", 1.0, 250.0, 250.0, None, "one-off"
)
LINE_ITEMS: dict[str, object] = {"totalSize": 2, "done": True, "records": [FIRST_ITEM, SECOND_ITEM]}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def fake(certificate: tuple[Path, Path]) -> Iterator[FakeSalesforce]:
    yield from serve(FakeSalesforce(), *certificate)


def _source(fake: FakeSalesforce, certificate: tuple[Path, Path], token: str) -> SalesforceSource:
    session = requests.Session()
    session.verify = str(certificate[0])
    session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
    source = SalesforceSource.from_env(
        {"SF_INSTANCE_URL": fake.url, "SF_ACCESS_TOKEN": token, "SF_API_VERSION": "59.0",
         "SF_CUSTOMER_CODE_FIELD": "ERP_Customer_Code__c"}
    )  # fmt: skip
    assert source is not None
    source.session = session
    return source


def test_fetch_follows_next_records_url_and_reads_nested_records(
    fake: FakeSalesforce, certificate: tuple[Path, Path]
) -> None:
    fake.replies = [
        Reply(200, {"totalSize": 2, "done": False, "nextRecordsUrl": NEXT_PAGE,
                    "records": [_opportunity_record("006Dn000te57NJ5IAM", ACCOUNT, LINE_ITEMS)]}),
        Reply(200, {"totalSize": 2, "done": True,
                    "records": [_opportunity_record("006Dn000tgyl7J6IAI", ACCOUNT, None)]}),
    ]  # fmt: skip
    source = _source(fake, certificate, fake.token)

    opportunities = source.fetch_opportunities(since=date(2026, 1, 1))

    first, second = opportunities
    assert first.opportunity_id == "006Dn000te57NJ5IAM"
    assert first.account_name == "Globex Corporation"
    assert first.customer_code == "CUST-000042"
    assert first.amount == Decimal("60250.5")  # read as Decimal, never through a float
    assert first.currency == "USD"
    assert first.close_date == date(2026, 2, 27)
    assert first.contract_reference == "OF-2026-014"
    assert [(i.product_code, i.quantity, i.unit_price, i.total_price) for i in first.lines] == [
        ("PLAT-ENT", Decimal("50.0"), Decimal("1200.01"), Decimal("60000.5")),
        ("ONB-STD", Decimal("1.0"), Decimal("250.0"), Decimal("250.0")),
    ]
    assert first.lines[0].service_date == date(2026, 3, 1)
    assert second.opportunity_id == "006Dn000tgyl7J6IAI"
    assert second.lines == ()

    query_request, more_request = fake.requests
    assert query_request["path"] == "/services/data/v59.0/query/"
    soql = query_request["query"]["q"][0]
    assert soql.startswith("SELECT Id, Name, AccountId, Account.Name, Amount, CurrencyIsoCode,")
    assert "Order_Form_Number__c, Account.ERP_Customer_Code__c" in soql
    assert "FROM OpportunityLineItems)" in soql
    assert soql.endswith(
        "FROM Opportunity WHERE StageName = 'Closed Won' AND CloseDate >= 2026-01-01 "
        "ORDER BY CloseDate, Id"
    )
    assert query_request["authorization"] == f"Bearer {fake.token}"
    assert more_request["path"] == NEXT_PAGE


def test_a_child_list_sent_in_pages_is_followed(
    fake: FakeSalesforce, certificate: tuple[Path, Path]
) -> None:
    first_items = {
        **LINE_ITEMS,
        "totalSize": 3,
        "done": False,
        "nextRecordsUrl": "/services/data/v59.0/query/01gD0000002HU6KIAW-200",
    }
    rest = {
        "totalSize": 3,
        "done": True,
        "records": [{**SECOND_ITEM, "Id": "00kDn000tjvzF4OIAU"}],
    }
    fake.replies = [
        Reply(200, {"totalSize": 1, "done": True,
                    "records": [_opportunity_record("006Dn000te57NJ5IAM", ACCOUNT, first_items)]}),
        Reply(200, rest),
    ]  # fmt: skip

    (opportunity,) = _source(fake, certificate, fake.token).fetch_opportunities()

    assert [i.line_id for i in opportunity.lines] == [
        "00kDn000te8hl4MIAQ",
        "00kDn000th2LV4NIAW",
        "00kDn000tjvzF4OIAU",
    ]
    assert fake.requests[1]["path"] == "/services/data/v59.0/query/01gD0000002HU6KIAW-200"


def test_an_expired_session_is_one_clear_error(
    fake: FakeSalesforce, certificate: tuple[Path, Path]
) -> None:
    source = _source(fake, certificate, "00Dxx-expired-token")

    with pytest.raises(SalesforceFailure) as caught:
        source.fetch_opportunities()

    message = str(caught.value)
    assert message.startswith(f"Salesforce {fake.url}: the session was refused (HTTP 401 ")
    assert "INVALID_SESSION_ID: Session expired or invalid" in message
    assert "SF_ACCESS_TOKEN" in message
    assert "\n" not in message


def test_a_server_error_is_one_clear_error(
    fake: FakeSalesforce, certificate: tuple[Path, Path]
) -> None:
    fake.replies = [
        Reply(503, [{"message": "Server is unavailable", "errorCode": "SERVER_UNAVAILABLE"}])
    ]

    with pytest.raises(SalesforceFailure) as caught:
        _source(fake, certificate, fake.token).fetch_opportunities()

    assert "answered HTTP 503 SERVER_UNAVAILABLE: Server is unavailable" in str(caught.value)
    assert "try again later" in str(caught.value)


def test_a_rejected_query_names_the_configuration_to_check(
    fake: FakeSalesforce, certificate: tuple[Path, Path]
) -> None:
    fake.replies = [
        Reply(400, [{"message": "No such column 'Order_Form_Number__c' on entity 'Opportunity'.",
                     "errorCode": "INVALID_FIELD"}])
    ]  # fmt: skip

    with pytest.raises(SalesforceFailure) as caught:
        _source(fake, certificate, fake.token).fetch_opportunities()

    assert "the query was rejected (HTTP 400 INVALID_FIELD: No such column" in str(caught.value)
    assert "SF_CONTRACT_REFERENCE_FIELD" in str(caught.value)


def test_connection_refused_is_one_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is free again and nothing listens on it.
    source = SalesforceSource(f"https://127.0.0.1:{port}", access_token="token", timeout=5)

    with pytest.raises(SalesforceFailure) as caught:
        source.fetch_opportunities()

    assert str(caught.value) == (
        f"Salesforce https://127.0.0.1:{port}: cannot connect: connection refused; "
        "check SF_INSTANCE_URL and the network"
    )
    assert isinstance(caught.value, BillopsError)


def test_from_env_is_none_when_nothing_is_configured() -> None:
    assert SalesforceSource.from_env({"PATH": "/usr/bin", "SF_ACCESS_TOKEN": "  "}) is None


def test_from_env_reads_token_configuration() -> None:
    source = SalesforceSource.from_env(
        {"SF_INSTANCE_URL": "https://northwind.my.salesforce.com/", "SF_ACCESS_TOKEN": "tok",
         "SF_API_VERSION": "v60.0", "SF_CONTRACT_REFERENCE_FIELD": "Contract_Number__c",
         "SF_TAX_ID_FIELD": "VAT_Number__c", "SF_DEFAULT_CURRENCY": "EUR"}
    )  # fmt: skip
    assert source is not None
    assert source.instance_url == "https://northwind.my.salesforce.com"
    assert source.api_version == "60.0"
    soql = source.soql()
    assert "CurrencyIsoCode" not in soql  # a single-currency org has no such field
    assert "Contract_Number__c, Account.VAT_Number__c" in soql


def test_from_env_accepts_a_username_password_login() -> None:
    source = SalesforceSource.from_env(
        {"SF_USERNAME": "billing@northwind.example", "SF_PASSWORD": "secret",
         "SF_SECURITY_TOKEN": "abc", "SF_DOMAIN": "test"}
    )  # fmt: skip
    assert source is not None
    assert (source.username, source.domain, source.instance_url) == (
        "billing@northwind.example",
        "test",
        None,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SF_INSTANCE_URL": "https://x.my.salesforce.com"}, "Salesforce is not fully configured"),
        ({"SF_USERNAME": "me@x.example"}, "found only: SF_USERNAME"),
        ({"SF_INSTANCE_URL": "x.my.salesforce.com", "SF_ACCESS_TOKEN": "t"}, "SF_INSTANCE_URL"),
        (
            {"SF_INSTANCE_URL": "https://x", "SF_ACCESS_TOKEN": "t", "SF_API_VERSION": "latest"},
            "SF_API_VERSION: is not a Salesforce API version (got 'latest')",
        ),
        (
            {"SF_INSTANCE_URL": "https://x", "SF_ACCESS_TOKEN": "t",
             "SF_CUSTOMER_CODE_FIELD": "Code; DROP"},
            "SF_CUSTOMER_CODE_FIELD: is not a Salesforce field API name",
        ),
    ],
)  # fmt: skip
def test_from_env_refuses_half_a_configuration(env: dict[str, str], expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        SalesforceSource.from_env(env)
    assert expected in str(caught.value)
