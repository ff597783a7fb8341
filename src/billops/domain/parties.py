"""Parties: the legal entity that bills and the customer that is billed.

A software company usually sells through several **legal entities** (one per
country or region), each with its own currency, tax registration, invoice
numbering and fiscal year. A **customer** is the account that receives the
invoices: its billing address, tax ids, the people who receive invoices, and
the standing rules the billing team must respect (a PO on every invoice, net
payment days, an e-invoicing endpoint).

    >>> entity = LegalEntity(
    ...     code="ACME-US", name="Acme Software, Inc.", country="US", currency="USD",
    ...     invoice_prefix="US-INV",
    ... )
    >>> entity.rounding_mode, entity.locale, entity.fiscal_year_start_month
    (<RoundingMode.HALF_UP: 'half_up'>, 'en_US', 1)
    >>> customer = Customer(
    ...     code="globex", name="Globex Corporation",
    ...     addresses=[Address(kind="billing", line1="1 Globex Way", city="Springfield",
    ...                        postal_code="97403", region="OR", country="US")],
    ...     tax_ids=[TaxId(scheme="ein", value="12-3456789")],
    ...     po_required=True, payment_terms_days=45,
    ... )
    >>> customer.billing_address.city
    'Springfield'

The small value types shared with the contract terms live here too (one
definition each): ``Address``, ``TaxId``, ``Contact`` and the ``Code``,
``CountryCode`` and ``CurrencyCode`` string types. Codes are short
identifiers safe in file names, URLs and invoice numbers:
``[A-Za-z0-9][A-Za-z0-9._-]{0,63}``.

Every model is immutable and forbids unknown keys, so a misspelt key in an
import file is an error that names it, never a silently dropped field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Final

import iso4217
from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError
from stdnum import bic, iban
from stdnum.exceptions import ValidationError

from billops.domain.money import RoundingMode

__all__ = [
    "Address",
    "AddressKind",
    "Code",
    "Contact",
    "CountryCode",
    "CreditStatus",
    "CurrencyCode",
    "Customer",
    "FrozenModel",
    "LegalEntity",
    "TaxId",
    "Text",
    "check_bic",
    "check_country",
    "check_currency",
    "check_iban",
    "check_locale",
]


class FrozenModel(BaseModel):
    """Base of every domain record: immutable, unknown keys refused, text trimmed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _matching(pattern: str, error_type: str, message: str) -> Callable[[str], str]:
    """A validator accepting text that matches ``pattern`` and refusing it with ``message``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise PydanticCustomError(error_type, message)
        return value

    return check


CODE_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
Code = Annotated[
    str,
    AfterValidator(
        _matching(
            CODE_PATTERN,
            "code_format",
            "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    ),
    Field(json_schema_extra={"pattern": CODE_PATTERN}),
]
"""An identifier: entity and customer codes, contract, line and milestone ids."""

# Babel's CLDR territory list holds the ISO 3166-1 alpha-2 codes plus a few
# that are not countries (EU, UN, ZZ, ...) or only exceptionally reserved
# (AC, IC, TA, ...). XK (Kosovo, user-assigned) is kept: tax authorities and
# e-invoicing networks use it.
_NOT_COUNTRIES: Final = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
COUNTRY_CODES: Final[frozenset[str]] = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str)
    and len(code) == 2
    and code.isalpha()
    and code.isupper()
    and code not in _NOT_COUNTRIES
)
"""The assigned ISO 3166-1 alpha-2 country codes (and XK)."""


def check_country(code: str) -> str:
    """Accept an assigned ISO 3166-1 alpha-2 country code in upper case ("DE", "US")."""
    if len(code) != 2 or not code.isalpha():
        raise PydanticCustomError(
            "country_format", "must be a two-letter ISO 3166 country code, e.g. 'DE' or 'US'"
        )
    if code not in COUNTRY_CODES:
        if code.upper() in COUNTRY_CODES:
            raise PydanticCustomError(
                "country_case", "must be written in upper case: '{upper}'", {"upper": code.upper()}
            )
        raise PydanticCustomError("country_unknown", "is not an ISO 3166 country code")
    return code


def check_currency(code: str) -> str:
    """Accept an ISO 4217 code of a currency that can be billed ("EUR", "JPY").

    Codes without a minor unit (gold XAU, special drawing rights XDR, the
    test code XTS, "no currency" XXX) are refused: nothing can be invoiced in
    them. The verdict is the same as ``billops.domain.money.validate_currency``
    (same ISO 4217 data; a test checks every code), only the errors differ:
    these are pydantic errors, so a model reports the field path with them.
    """
    if len(code) != 3 or not code.isalpha():
        raise PydanticCustomError(
            "currency_format", "must be a three-letter ISO 4217 currency code, e.g. 'EUR'"
        )
    try:
        currency = iso4217.Currency(code)
    except ValueError:
        if code.upper() != code:
            raise PydanticCustomError(
                "currency_case", "must be written in upper case: '{upper}'", {"upper": code.upper()}
            ) from None
        raise PydanticCustomError("currency_unknown", "is not an ISO 4217 currency code") from None
    if currency.exponent is None:
        raise PydanticCustomError(
            "currency_not_billing",
            "is not a billing currency (ISO 4217 gives it no minor unit)",
        )
    return code


CountryCode = Annotated[
    str, AfterValidator(check_country), Field(json_schema_extra={"pattern": "^[A-Z]{2}$"})
]
"""An ISO 3166-1 alpha-2 country code in upper case."""

CurrencyCode = Annotated[
    str, AfterValidator(check_currency), Field(json_schema_extra={"pattern": "^[A-Z]{3}$"})
]
"""An ISO 4217 currency code, upper case, of a currency with a minor unit."""

Text = Annotated[str, Field(min_length=1, max_length=500)]
"""A short piece of human text (a name, a city, a street line)."""

_EMAIL_PATTERN: Final = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Email = Annotated[
    str,
    AfterValidator(_matching(_EMAIL_PATTERN, "email_format", "must be an e-mail address")),
    Field(max_length=254, json_schema_extra={"pattern": _EMAIL_PATTERN}),
]

_PEPPOL_PATTERN: Final = r"^[0-9]{4}:[A-Za-z0-9][A-Za-z0-9.:_/+-]{0,99}$"


class AddressKind(StrEnum):
    """What an address is used for."""

    BILLING = "billing"
    SHIPPING = "shipping"


class CreditStatus(StrEnum):
    """The outcome of a customer's last credit assessment (is collection probable?)."""

    GOOD = "good"
    WATCH = "watch"
    DOUBTFUL = "doubtful"
    UNASSESSED = "unassessed"


class Address(FrozenModel):
    """A postal address. Only the country is required (as in EN 16931)."""

    kind: AddressKind = Field(
        default=AddressKind.BILLING,
        description="What the address is for: 'billing' (invoices) or 'shipping' (hardware).",
    )
    line1: Text | None = Field(default=None, description="First street line.")
    line2: Text | None = Field(default=None, description="Second street line (suite, floor).")
    city: Text | None = Field(default=None, description="City or town.")
    region: Text | None = Field(
        default=None, description="State, province or county, as written on the address."
    )
    postal_code: Annotated[str, Field(min_length=1, max_length=20)] | None = Field(
        default=None, description="Postal or ZIP code."
    )
    country: CountryCode = Field(
        description="ISO 3166-1 alpha-2 country code in upper case, e.g. 'DE'."
    )


class TaxId(FrozenModel):
    """A tax registration number and the scheme it belongs to."""

    scheme: Annotated[
        str,
        AfterValidator(
            _matching(
                r"^[a-z][a-z0-9_]{1,31}$",
                "tax_scheme_format",
                "must be a lower-case scheme name such as 'vat', 'ein', 'gst' or 'abn'",
            )
        ),
        Field(json_schema_extra={"pattern": "^[a-z][a-z0-9_]{1,31}$"}),
    ] = Field(description="Tax id scheme, lower case: 'vat', 'ein', 'gst', 'abn', ...")
    value: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        description="The number as written, e.g. 'DE123456789' or '12-3456789'."
    )


class Contact(FrozenModel):
    """A person or mailbox that receives invoices or answers billing questions."""

    name: Text | None = Field(default=None, description="Name of the person or team.")
    email: Email | None = Field(default=None, description="E-mail address invoices go to.")
    phone: Annotated[str, Field(min_length=3, max_length=40)] | None = Field(
        default=None, description="Telephone number as written."
    )

    @model_validator(mode="after")
    def _says_who(self) -> Contact:
        if self.name is None and self.email is None and self.phone is None:
            raise PydanticCustomError("contact_empty", "needs at least a name, email or phone")
        return self


def check_locale(identifier: str) -> str:
    """Accept a locale babel knows, in its canonical spelling ("en_US", "de_DE", "fr")."""
    try:
        locale = Locale.parse(identifier)
    except (ValueError, UnknownLocaleError):
        raise PydanticCustomError(
            "locale_unknown", "is not a known locale; use a form such as 'en_US' or 'de_DE'"
        ) from None
    canonical = str(locale)
    if canonical != identifier:
        raise PydanticCustomError(
            "locale_spelling", "must be spelt '{canonical}'", {"canonical": canonical}
        )
    return identifier


def check_iban(value: str) -> str:
    """Accept an IBAN with a valid checksum, kept in its compact form (no spaces)."""
    try:
        return str(iban.validate(value))
    except ValidationError:
        raise PydanticCustomError(
            "iban_invalid", "is not a valid IBAN (check the country code, length and digits)"
        ) from None


def check_bic(value: str) -> str:
    """Accept a BIC (ISO 9362, 8 or 11 characters), kept in upper case."""
    try:
        return str(bic.validate(value))
    except ValidationError:
        raise PydanticCustomError(
            "bic_invalid", "is not a valid BIC: 8 or 11 letters and digits, e.g. 'COBADEFFXXX'"
        ) from None


_PREFIX_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,15}$"


class LegalEntity(FrozenModel):
    """A company of the group that signs contracts and issues invoices."""

    code: Code = Field(description="Unique code of the entity, e.g. 'ACME-US'.")
    name: Text = Field(description="Registered legal name, as printed on invoices.")
    country: CountryCode = Field(description="Country of registration (ISO 3166-1 alpha-2).")
    currency: CurrencyCode = Field(
        description="Functional currency (ISO 4217): the currency of its books."
    )
    tax_id: TaxId | None = Field(default=None, description="The entity's own tax registration.")
    address: Address | None = Field(
        default=None, description="Registered address, printed on invoices."
    )
    invoice_prefix: Annotated[
        str,
        AfterValidator(
            _matching(
                _PREFIX_PATTERN,
                "invoice_prefix_format",
                "must be 1 to 16 letters, digits, '/', '_' or '-', starting with a letter or digit",
            )
        ),
        Field(json_schema_extra={"pattern": _PREFIX_PATTERN}),
    ] = Field(
        description="Prefix of this entity's invoice numbers, e.g. 'US-INV'; numbering is "
        "gapless per entity and fiscal year."
    )
    fiscal_year_start_month: int = Field(
        default=1, ge=1, le=12, description="Month (1-12) in which the fiscal year starts."
    )
    rounding_mode: RoundingMode = Field(
        default=RoundingMode.HALF_UP,
        description="How amounts are rounded to the currency's minor unit (default half_up).",
    )
    locale: Annotated[str, AfterValidator(check_locale)] = Field(
        default="en_US",
        description="Locale for money and dates on invoices and reports, e.g. 'en_US', 'de_DE'.",
    )
    bank_iban: Annotated[str, AfterValidator(check_iban)] | None = Field(
        default=None,
        description="IBAN of the account customers pay into, printed on invoices and sent in "
        "e-invoices (BT-84), e.g. 'DE89370400440532013000'.",
    )
    bank_bic: Annotated[str, AfterValidator(check_bic)] | None = Field(
        default=None, description="BIC of the bank holding that account, e.g. 'COBADEFFXXX'."
    )
    einvoice_endpoint: (
        Annotated[
            str,
            AfterValidator(
                _matching(
                    _PEPPOL_PATTERN,
                    "einvoice_endpoint_format",
                    "must be a Peppol participant id '<scheme>:<id>', e.g. '9930:DE123456789'",
                )
            ),
            Field(json_schema_extra={"pattern": _PEPPOL_PATTERN}),
        ]
        | None
    ) = Field(
        default=None,
        description="The entity's own Peppol participant id (BT-34), sent on its e-invoices.",
    )


class Customer(FrozenModel):
    """An account that receives invoices, with its standing billing instructions."""

    code: Code = Field(description="Unique customer code, e.g. 'globex'.")
    name: Text = Field(description="Legal name of the customer, as invoiced.")
    addresses: tuple[Address, ...] = Field(
        default=(), description="Billing and shipping addresses; the first billing one is used."
    )
    tax_ids: tuple[TaxId, ...] = Field(
        default=(), description="The customer's tax registrations (VAT, EIN, GST, ...)."
    )
    billing_contacts: tuple[Contact, ...] = Field(
        default=(), description="People or mailboxes that receive invoices."
    )
    po_required: bool = Field(
        default=False, description="True when every invoice must carry a purchase order number."
    )
    payment_terms_days: int = Field(
        default=30, ge=0, le=365, description="Net payment days from invoice date (0 = on receipt)."
    )
    default_currency: CurrencyCode | None = Field(
        default=None, description="Currency contracts with this customer usually use (ISO 4217)."
    )
    einvoice_endpoint: (
        Annotated[
            str,
            AfterValidator(
                _matching(
                    _PEPPOL_PATTERN,
                    "einvoice_endpoint_format",
                    "must be a Peppol participant id '<scheme>:<id>', e.g. '0088:7300010000001'",
                )
            ),
            Field(json_schema_extra={"pattern": _PEPPOL_PATTERN}),
        ]
        | None
    ) = Field(
        default=None,
        description="Peppol participant id for e-invoices: four-digit ICD scheme, ':', id.",
    )
    credit_status: CreditStatus = Field(
        default=CreditStatus.UNASSESSED,
        description="Last credit assessment: good, watch, doubtful or unassessed; revenue is "
        "booked only when collection is probable (IFRS 15.9(e)).",
    )

    @property
    def billing_address(self) -> Address | None:
        """The first address of kind billing, if any."""
        return next((a for a in self.addresses if a.kind is AddressKind.BILLING), None)
