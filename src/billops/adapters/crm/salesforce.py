"""Reading Closed Won opportunities straight from Salesforce (REST API).

The same records a report export holds (``csv_export``), fetched with one
SOQL query through simple-salesforce, products included as a child
subquery::

    SELECT Id, Name, AccountId, Account.Name, Amount, CurrencyIsoCode, CloseDate,
           StageName, Probability, Type, Order_Form_Number__c,
           (SELECT Id, Product2.ProductCode, Product2.Name, Quantity, UnitPrice,
                   TotalPrice, ServiceDate, Description FROM OpportunityLineItems)
    FROM Opportunity WHERE StageName = 'Closed Won' [AND CloseDate >= 2026-01-01]
    ORDER BY CloseDate, Id

Salesforce answers a query in pages (``"done": false`` and a
``nextRecordsUrl``); simple-salesforce's ``query_all`` follows them, and a
child list cut short the same way is followed here.

Configuration, read once at the edge and passed in (``from_env``):

=============================  ==================================================
variable                       meaning
=============================  ==================================================
SF_INSTANCE_URL                https://yourorg.my.salesforce.com
SF_ACCESS_TOKEN                an OAuth access token (session id) for it
SF_USERNAME, SF_PASSWORD,      or a username-password login (SOAP), with
SF_SECURITY_TOKEN, SF_DOMAIN   ``SF_DOMAIN=test`` for a sandbox
SF_API_VERSION                 REST API version, e.g. 59.0 (default 59.0)
SF_CONTRACT_REFERENCE_FIELD    opportunity field naming the signed contract
                               (default Order_Form_Number__c; empty: none)
SF_CUSTOMER_CODE_FIELD         account field holding the billing customer code
SF_TAX_ID_FIELD                account field holding the VAT / tax id
SF_DEFAULT_CURRENCY            for single-currency orgs (no CurrencyIsoCode)
=============================  ==================================================

None of them set means "no Salesforce" (``from_env`` returns ``None``);
some set but not enough is an error naming what is missing. Every failure
of the remote side (expired token: 401 ``INVALID_SESSION_ID``, a query
Salesforce rejects, a 5xx, a refused connection, a time-out) becomes one
``SalesforceFailure`` line saying what happened and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

import requests
from pydantic import ValidationError
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)
from simple_salesforce.format import format_soql

from billops.domain.crm import CLOSED_WON, Opportunity, OpportunityLineItem
from billops.errors import BillopsError, InvalidInput

__all__ = ["DEFAULT_API_VERSION", "SalesforceFailure", "SalesforceSource"]

DEFAULT_API_VERSION: Final = "59.0"
DEFAULT_REFERENCE_FIELD: Final = "Order_Form_Number__c"
DEFAULT_TIMEOUT_SECONDS: Final = 30.0

_FIELD_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_API_VERSION: Final = re.compile(r"^v?(\d{2,3}\.\d)$")

_LINE_ITEM_FIELDS: Final = (
    "Id, Product2.ProductCode, Product2.Name, Quantity, UnitPrice, TotalPrice, "
    "ServiceDate, Description"
)


class SalesforceFailure(BillopsError):
    """Salesforce could not be reached, refused us, or answered with an error."""


def _field_name(env_name: str, value: str) -> str:
    if not _FIELD_NAME.match(value):
        raise InvalidInput(
            "is not a Salesforce field API name",
            field=env_name,
            value=value,
            hint="write the API name, e.g. Order_Form_Number__c",
        )
    return value


class SalesforceSource:
    """Opportunities from one Salesforce org, through its REST API."""

    def __init__(
        self,
        instance_url: str | None = None,
        *,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        security_token: str | None = None,
        domain: str | None = None,
        api_version: str = DEFAULT_API_VERSION,
        reference_field: str | None = DEFAULT_REFERENCE_FIELD,
        customer_code_field: str | None = None,
        tax_id_field: str | None = None,
        default_currency: str | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if not (instance_url and access_token) and not (username and password):
            raise InvalidInput(
                "Salesforce needs an instance URL and access token, or a username and password"
            )
        self.instance_url = instance_url.rstrip("/") if instance_url else None
        self.access_token = access_token
        self.username = username
        self.password = password
        self.security_token = security_token
        self.domain = domain
        self.api_version = api_version
        self.reference_field = reference_field
        self.customer_code_field = customer_code_field
        self.tax_id_field = tax_id_field
        self.default_currency = default_currency
        self.session = session
        self.timeout = timeout

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SalesforceSource | None:
        """The source the ``SF_*`` variables describe; None when none of them is set."""
        values = {k: v.strip() for k, v in env.items() if k.startswith("SF_") and v.strip()}
        if not values:
            return None
        instance_url = values.get("SF_INSTANCE_URL")
        token = values.get("SF_ACCESS_TOKEN")
        username, password = values.get("SF_USERNAME"), values.get("SF_PASSWORD")
        if not (instance_url and token) and not (username and password):
            have = ", ".join(sorted(values))
            raise InvalidInput(
                "Salesforce is not fully configured",
                field="environment",
                hint=f"set SF_INSTANCE_URL and SF_ACCESS_TOKEN, or SF_USERNAME, SF_PASSWORD "
                f"and SF_SECURITY_TOKEN (found only: {have})",
            )
        if instance_url and not instance_url.startswith(("https://", "http://")):
            raise InvalidInput(
                "must be a URL such as https://yourorg.my.salesforce.com",
                field="SF_INSTANCE_URL",
                value=instance_url,
            )
        version_text = values.get("SF_API_VERSION", DEFAULT_API_VERSION)
        version = _API_VERSION.match(version_text)
        if version is None:
            raise InvalidInput(
                "is not a Salesforce API version", field="SF_API_VERSION", value=version_text,
                hint="write it as e.g. 59.0",
            )  # fmt: skip
        reference = env.get("SF_CONTRACT_REFERENCE_FIELD", DEFAULT_REFERENCE_FIELD).strip()
        optional = {
            name: _field_name(name, values[name]) if name in values else None
            for name in ("SF_CUSTOMER_CODE_FIELD", "SF_TAX_ID_FIELD")
        }
        return cls(
            instance_url,
            access_token=token,
            username=username if not token else None,
            password=password if not token else None,
            security_token=values.get("SF_SECURITY_TOKEN"),
            domain=values.get("SF_DOMAIN"),
            api_version=version.group(1),
            reference_field=_field_name("SF_CONTRACT_REFERENCE_FIELD", reference)
            if reference
            else None,
            customer_code_field=optional["SF_CUSTOMER_CODE_FIELD"],
            tax_id_field=optional["SF_TAX_ID_FIELD"],
            default_currency=values.get("SF_DEFAULT_CURRENCY"),
        )

    @property
    def where(self) -> str:
        """Which org, for messages: the instance URL or the login user."""
        return f"Salesforce {self.instance_url or self.username}"

    def soql(self, stage: str = CLOSED_WON, since: date | None = None) -> str:
        """The query ``fetch_opportunities`` sends."""
        fields = ["Id", "Name", "AccountId", "Account.Name", "Amount"]
        if not self.default_currency:
            fields.append("CurrencyIsoCode")
        fields += ["CloseDate", "StageName", "Probability", "Type"]
        if self.reference_field:
            fields.append(self.reference_field)
        for account_field in (self.customer_code_field, self.tax_id_field):
            if account_field:
                fields.append(f"Account.{account_field}")
        children = f"(SELECT {_LINE_ITEM_FIELDS} FROM OpportunityLineItems)"
        where = format_soql("StageName = {}", stage)
        if since is not None:
            where += format_soql(" AND CloseDate >= {}", since)
        return (
            f"SELECT {', '.join(fields)}, {children} FROM Opportunity "
            f"WHERE {where} ORDER BY CloseDate, Id"
        )

    def fetch_opportunities(
        self, stage: str = CLOSED_WON, since: date | None = None
    ) -> list[Opportunity]:
        """Every opportunity at ``stage`` (closed on or after ``since``), with its products."""
        try:
            client = self._client()
            result = client.query_all(self.soql(stage, since), timeout=self.timeout)
            return [self._opportunity(client, record) for record in result["records"]]
        except SalesforceError as error:
            raise self._failure(error) from None
        except requests.Timeout:
            raise SalesforceFailure(
                f"no answer within {self.timeout:g} seconds",
                source=self.where,
                hint="try again later, or check the network",
            ) from None
        except requests.ConnectionError as error:
            raise SalesforceFailure(
                f"cannot connect: {_connection_reason(error)}",
                source=self.where,
                hint="check SF_INSTANCE_URL and the network",
            ) from None

    # -- internals --------------------------------------------------------

    def _client(self) -> Any:
        options: dict[str, Any] = {
            "version": self.api_version,
            "session": self.session,
            "parse_float": Decimal,
        }
        if self.access_token and self.instance_url:
            return Salesforce(
                instance_url=self.instance_url, session_id=self.access_token, **options
            )
        return Salesforce(
            username=self.username,
            password=self.password,
            security_token=self.security_token or "",
            domain=self.domain,
            **options,
        )

    def _failure(self, error: SalesforceError) -> SalesforceFailure:
        detail = _error_detail(error.content)
        if isinstance(error, SalesforceAuthenticationFailed):
            return SalesforceFailure(
                f"login failed: {detail}",
                source=self.where,
                hint="check SF_USERNAME, SF_PASSWORD and SF_SECURITY_TOKEN (and SF_DOMAIN=test "
                "for a sandbox)",
            )
        if isinstance(error, SalesforceExpiredSession):
            return SalesforceFailure(
                f"the session was refused (HTTP 401 {detail})",
                source=self.where,
                hint="get a fresh access token into SF_ACCESS_TOKEN, or log in with "
                "SF_USERNAME / SF_PASSWORD / SF_SECURITY_TOKEN",
            )
        if isinstance(error, SalesforceRefusedRequest):
            return SalesforceFailure(
                f"the request was refused (HTTP 403 {detail})",
                source=self.where,
                hint="the API user needs read access to Opportunity, OpportunityLineItem and "
                "Account",
            )
        if isinstance(error, SalesforceMalformedRequest):
            return SalesforceFailure(
                f"the query was rejected (HTTP 400 {detail})",
                source=self.where,
                hint="check SF_CONTRACT_REFERENCE_FIELD, SF_CUSTOMER_CODE_FIELD and "
                "SF_TAX_ID_FIELD name fields that exist (SF_DEFAULT_CURRENCY for a "
                "single-currency org)",
            )
        return SalesforceFailure(
            f"Salesforce answered HTTP {error.status} {detail}",
            source=self.where,
            hint="Salesforce may be down or in maintenance; try again later",
        )

    def _opportunity(self, client: Any, record: Mapping[str, Any]) -> Opportunity:
        account = record.get("Account") or {}
        record_id = str(record.get("Id"))
        try:
            return Opportunity(
                opportunity_id=record_id,
                name=record.get("Name") or "",
                account_id=record.get("AccountId"),
                account_name=account.get("Name") or "",
                amount=_decimal(record.get("Amount")),
                currency=record.get("CurrencyIsoCode") or self.default_currency or "",
                close_date=_date(record.get("CloseDate")),
                stage=record.get("StageName") or "",
                probability=_decimal(record.get("Probability")),
                opportunity_type=record.get("Type"),
                contract_reference=_text(record, self.reference_field),
                customer_code=_text(account, self.customer_code_field),
                account_tax_id=_text(account, self.tax_id_field),
                lines=tuple(_line_item(item) for item in self._children(client, record)),
            )
        except (ValidationError, ValueError) as error:
            raise SalesforceFailure(
                f"the record cannot be read: {_first_problem(error)}",
                source=f"{self.where}: Opportunity {record_id}",
            ) from None

    def _children(self, client: Any, record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The opportunity's products, following a child list Salesforce sent in pages."""
        children = record.get("OpportunityLineItems")
        items: list[Mapping[str, Any]] = []
        while children:
            items.extend(children.get("records") or [])
            next_url = children.get("nextRecordsUrl")
            if children.get("done", True) or not next_url:
                break
            children = client.query_more(next_url, identifier_is_url=True, timeout=self.timeout)
        return items


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _text(record: Mapping[str, Any], field: str | None) -> str | None:
    if not field:
        return None
    value = record.get(field)
    return str(value) if value not in (None, "") else None


def _line_item(item: Mapping[str, Any]) -> OpportunityLineItem:
    product = item.get("Product2") or {}
    quantity = _decimal(item.get("Quantity")) or Decimal(0)
    unit_price = _decimal(item.get("UnitPrice")) or Decimal(0)
    total = _decimal(item.get("TotalPrice"))
    return OpportunityLineItem(
        line_id=str(item.get("Id")),
        product_code=product.get("ProductCode"),
        product_name=product.get("Name"),
        quantity=quantity,
        unit_price=unit_price,
        total_price=total if total is not None else quantity * unit_price,
        service_date=_date(item.get("ServiceDate")),
        description=item.get("Description"),
    )


def _error_detail(content: object) -> str:
    """'INVALID_SESSION_ID: Session expired or invalid' from Salesforce's error body."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        first = content[0]
        return f"{first.get('errorCode', 'ERROR')}: {first.get('message', '')}".strip()
    if isinstance(content, Mapping):
        code = content.get("errorCode") or content.get("error") or "ERROR"
        message = content.get("message") or content.get("error_description") or ""
        return f"{code}: {message}".strip()
    text = " ".join(str(content).split())
    return text[:200] or "no details"


def _connection_reason(error: requests.ConnectionError) -> str:
    text = str(error)
    if isinstance(error, requests.exceptions.SSLError):
        return "the TLS handshake failed (certificate not trusted?)"
    if "Connection refused" in text or "refused" in text.lower():
        return "connection refused"
    if "Name or service not known" in text or "getaddrinfo" in text:
        return "unknown host name"
    return " ".join(text.split())[:200]


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']} (got {first.get('input')!r})"
    return str(error)
