"""The validation policy: thresholds, required fields, allowed values and severities, as data.

What a billing team checks on a signed contract differs from company to
company and from legal entity to legal entity: one deal desk approves
discounts above 30 %, another above 20 %; a German GmbH needs its EU
customers' VAT ids, a US Inc. does not. The rules (``billops.domain.rules``)
say *how* to check; the policy says *against what*. It is a versioned
document, shipped with billops as ``billops/policies/default.yaml`` and
overridden per company and per legal entity (``billops.adapters.policy_files``
reads and merges the files; this module only validates the merged mapping).

    >>> policy = Policy.from_mapping({"discount": {"approval_threshold_percent": 25}})
    >>> policy.discount.approval_threshold_percent
    Decimal('25')
    >>> policy.payment_terms.max_net_days      # not overridden: the shipped default
    60
    >>> Policy.from_mapping({"discount": {"aproval_threshold_percent": 25}}, "company.yaml")
    Traceback (most recent call last):
    ...
    billops.domain.policy.PolicyInvalid: company.yaml: discount.aproval_threshold_percent: \
unknown key (did you mean approval_threshold_percent?)

**Severities and switches.** Every rule has a severity of its own (error
blocks approval, warning needs a look, info is worth knowing). The policy may
change it, or switch the rule off, by rule id:

    >>> policy = Policy.from_mapping({"severities": {"COMMERCIAL-ARREARS": "off",
    ...                                              "DATES-TERM-MONTHS": "error"}})
    >>> policy.severity_for("COMMERCIAL-ARREARS", Severity.WARNING) is None
    True
    >>> policy.severity_for("DATES-TERM-MONTHS", Severity.WARNING)
    <Severity.ERROR: 'error'>
    >>> policy.severity_for("ARITH-TCV", Severity.ERROR)
    <Severity.ERROR: 'error'>

**Work queues.** Every finding goes to a role's work queue (its route) and
must be dealt with within that route's SLA:

    >>> Policy().sla_hours("deal_desk"), Policy().sla_hours("finance")
    (24, 48)

Decisions worth knowing:

- ``Policy()`` (every field at its default) *is* the shipped default policy,
  and ``default_policy()`` returns it without reading a file (the domain
  does no I/O). A test holds ``billops/policies/default.yaml`` and these
  defaults equal, so the commented YAML file is the readable copy of them.
- Every section forbids unknown keys, so a typo in a policy file is an error
  that names the key and the closest known one, never a silently ignored
  threshold.
- Field paths in ``completeness`` are checked against the contract model
  here, so ``payment_term`` (for ``payment_terms``) is refused at load time,
  not discovered when no contract ever trips the rule.
- Rule ids in ``severities`` and ``routes`` are checked against the
  registered rules by the loader (``Policy.unknown_rule_ids``): the rule
  registry imports this module, so this module cannot import it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator

from billops.domain.contract import (
    BillingModel,
    ContractLine,
    ContractTerms,
    DocumentType,
    Frequency,
    RateUnit,
)
from billops.domain.findings import Route, Severity
from billops.domain.parties import CountryCode, CurrencyCode, FrozenModel
from billops.errors import InvalidInput

__all__ = [
    "EU_MEMBER_STATES",
    "ArithmeticPolicy",
    "BookingPolicy",
    "CompletenessPolicy",
    "CurrencyPolicy",
    "DatesPolicy",
    "DiscountPolicy",
    "LedgerPolicy",
    "PaymentTermsPolicy",
    "Policy",
    "PolicyInvalid",
    "PolicyProblem",
    "RateCardPolicy",
    "RenewalPolicy",
    "ServicesPolicy",
    "SlaPolicy",
    "StandardRate",
    "SubscriptionPolicy",
    "TaxPolicy",
    "default_policy",
    "missing_field",
]

EU_MEMBER_STATES: Final[tuple[str, ...]] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
"""The 27 member states (ISO 3166 codes; Greece is GR here, EL only in VAT numbers)."""

Threshold = Annotated[Decimal, Field(ge=0, le=100)]
SeverityOrOff = Literal["error", "warning", "info", "off"]


def _version_text(value: object) -> object:
    # ``version: 2`` in YAML is an int; a version is a label, so accept it as text.
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


# --------------------------------------------------------------------------
# Field paths named by the completeness section


def _model_at_path(path: str, model: type[BaseModel]) -> str | None:
    """Why ``path`` (``billing.frequency``) names no field of ``model`` (None when it does)."""
    current: type[BaseModel] | None = model
    for step in path.split("."):
        if current is None:
            return f"{step!r} is below a field that has no fields"
        fields = current.model_fields
        if step not in fields:
            close = difflib.get_close_matches(step, list(fields), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            return f"{current.__name__} has no field {step!r}{hint}"
        current = _submodel(fields[step].annotation)
    return None


def _submodel(annotation: Any) -> type[BaseModel] | None:
    candidates = getattr(annotation, "__args__", (annotation,))
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _check_paths(paths: Iterable[str], model: type[BaseModel]) -> None:
    for entry in paths:
        for path in entry.split("|"):
            trouble = _model_at_path(path.strip(), model)
            if trouble is not None:
                raise ValueError(f"{entry!r} names no field: {trouble}")


def missing_field(obj: BaseModel, entry: str) -> bool:
    """True when ``obj`` states none of the alternatives in ``entry`` (``"tiers|unit_price"``).

    A value is missing when it is ``None`` or an empty list; ``0`` and
    ``false`` are stated values.

    >>> from billops.domain.contract import PaymentTerms
    >>> missing_field(PaymentTerms(net_days=0), "net_days|description")
    False
    """
    return all(_value_at(obj, path.strip()) in (None, ()) for path in entry.split("|"))


def _value_at(obj: BaseModel, path: str) -> object:
    current: object = obj
    for step in path.split("."):
        if current is None:
            return None
        current = getattr(current, step)
    return current


# --------------------------------------------------------------------------
# Sections


def _contract_fields_by_model() -> dict[BillingModel, tuple[str, ...]]:
    return {
        BillingModel.TIME_AND_MATERIALS: ("rate_card",),
        BillingModel.MILESTONE: ("milestones",),
    }


class CompletenessPolicy(FrozenModel):
    """What a contract must state, by document type and by billing model."""

    document_fields: dict[DocumentType, tuple[str, ...]] = Field(
        default_factory=lambda: {
            DocumentType.ORDER_FORM: (
                "supplier.code",
                "customer.code",
                "signature_date",
                "start_date",
                "end_date",
                "payment_terms",
            ),
            DocumentType.SOW: (
                "supplier.code",
                "customer.code",
                "signature_date",
                "start_date",
                "end_date",
                "payment_terms",
            ),
            DocumentType.AMENDMENT: (
                "supplier.code",
                "customer.code",
                "signature_date",
                "start_date",
                "end_date",
            ),
            DocumentType.MSA: ("supplier.code", "customer.code", "signature_date"),
        },
        description="Contract fields (paths such as 'payment_terms' or 'billing.frequency') "
        "each document type must state.",
    )
    line_fields: dict[BillingModel, tuple[str, ...]] = Field(
        default_factory=lambda: {
            BillingModel.SUBSCRIPTION: ("quantity", "unit_price", "amount"),
            BillingModel.FIXED_FEE: ("amount",),
            BillingModel.MILESTONE: ("amount",),
            BillingModel.TIME_AND_MATERIALS: (),
            BillingModel.USAGE: ("tiers|unit_price",),
            BillingModel.ONE_TIME: ("quantity", "unit_price", "amount"),
            BillingModel.HARDWARE: ("quantity", "unit_price", "amount"),
            BillingModel.MAINTENANCE: ("quantity", "unit_price", "amount"),
            BillingModel.EXPENSES: (),
        },
        description="Line fields each line of a billing model must state; 'a|b' means one of them.",
    )
    contract_fields_by_billing_model: dict[BillingModel, tuple[str, ...]] = Field(
        default_factory=_contract_fields_by_model,
        description="Contract fields needed as soon as one line has the billing model.",
    )
    frequency_required_for: tuple[BillingModel, ...] = Field(
        default=(BillingModel.SUBSCRIPTION, BillingModel.MAINTENANCE, BillingModel.USAGE),
        description="Billing models whose lines need a billing frequency (the line's or "
        "the contract's).",
    )

    @field_validator("document_fields")
    @classmethod
    def _document_paths(
        cls, value: dict[DocumentType, tuple[str, ...]]
    ) -> dict[DocumentType, tuple[str, ...]]:
        _check_paths((path for paths in value.values() for path in paths), ContractTerms)
        return value

    @field_validator("contract_fields_by_billing_model")
    @classmethod
    def _contract_paths(
        cls, value: dict[BillingModel, tuple[str, ...]]
    ) -> dict[BillingModel, tuple[str, ...]]:
        _check_paths((path for paths in value.values() for path in paths), ContractTerms)
        return value

    @field_validator("line_fields")
    @classmethod
    def _line_paths(
        cls, value: dict[BillingModel, tuple[str, ...]]
    ) -> dict[BillingModel, tuple[str, ...]]:
        _check_paths((path for paths in value.values() for path in paths), ContractLine)
        return value


class ArithmeticPolicy(FrozenModel):
    """How far stated figures may differ from the recomputed ones."""

    tolerance_minor_units: int = Field(
        default=1,
        ge=0,
        le=10_000,
        description="Difference allowed per line, in the currency's minor unit (1 = one cent "
        "in USD, one yen in JPY); a sum of n lines may differ by n times this.",
    )


class DatesPolicy(FrozenModel):
    """How the contract's dates must relate."""

    max_signature_after_start_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Most days the last signature may follow the start of the term.",
    )
    term_tolerance_days: int = Field(
        default=0,
        ge=0,
        le=366,
        description="Days the end date may differ from start date + term_months - 1 day.",
    )


class DiscountPolicy(FrozenModel):
    """Discounts above the threshold need the deal desk's approval."""

    approval_threshold_percent: Threshold = Field(
        default=Decimal(30),
        description="Highest line discount (percent off list price) allowed without an "
        "approval reference.",
    )


class PaymentTermsPolicy(FrozenModel):
    max_net_days: int = Field(
        default=60, ge=0, le=365, description="Longest payment terms allowed without finance."
    )


class SubscriptionPolicy(FrozenModel):
    allowed_frequencies: tuple[Frequency, ...] = Field(
        default=(Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.ANNUAL),
        description="Standard billing frequencies of subscription lines.",
    )
    arrears_allowed: bool = Field(
        default=False, description="True when subscriptions may be billed in arrears."
    )


class RenewalPolicy(FrozenModel):
    uplift_cap_required: bool = Field(
        default=True, description="True when an auto-renewing contract must cap the uplift."
    )


class CurrencyPolicy(FrozenModel):
    allowed: tuple[CurrencyCode, ...] = Field(
        default=(),
        description="Currencies the legal entity may contract in; empty: its functional "
        "currency only. Set it in the entity's policy file.",
    )


class ServicesPolicy(FrozenModel):
    nte_required_for_time_and_materials: bool = Field(
        default=True, description="True when T&M work needs a not-to-exceed cap."
    )
    expenses_policy_required: bool = Field(
        default=True,
        description="True when a contract with services lines must say how expenses are billed.",
    )


class StandardRate(FrozenModel):
    """One rate of the standard rate card."""

    currency: CurrencyCode
    role: str = Field(min_length=1, max_length=500)
    rate: Annotated[Decimal, Field(ge=0)]
    unit: RateUnit = RateUnit.HOUR


class RateCardPolicy(FrozenModel):
    standard: tuple[StandardRate, ...] = Field(
        default=(), description="The standard rate per role, currency and unit."
    )
    allowed_discount_percent: Threshold = Field(
        default=Decimal(0),
        description="How far below the standard rate a contract rate may be without approval.",
    )


class TaxPolicy(FrozenModel):
    customer_tax_id_countries: tuple[CountryCode, ...] = Field(
        default=EU_MEMBER_STATES,
        description="Countries where an invoice needs the customer's tax id: when the "
        "billing entity or the customer is in one of them (EU B2B).",
    )


class BookingPolicy(FrozenModel):
    """Booking an order for revenue (``billops.domain.revenue.readiness``)."""

    combination_window_days: int = Field(
        default=30,
        ge=0,
        le=366,
        description="Contracts with the same customer signed at most this many days apart "
        "raise the contract-combination question (IFRS 15.17) before booking.",
    )


class LedgerPolicy(FrozenModel):
    """The entity's own ledger accounts in revenue journal entries (the products carry the rest)."""

    receivable: str = Field(
        default="1200",
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Accounts receivable: debited with each invoice's gross amount.",
    )
    tax_payable: str = Field(
        default="2300",
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Output tax payable: credited with each invoice's tax.",
    )


class SlaPolicy(FrozenModel):
    """Hours a finding may wait in each route's work queue."""

    billing: int = Field(default=24, ge=1, le=8760)
    finance: int = Field(default=48, ge=1, le=8760)
    sales_ops: int = Field(default=48, ge=1, le=8760)
    legal: int = Field(default=72, ge=1, le=8760)
    tax: int = Field(default=48, ge=1, le=8760)
    deal_desk: int = Field(default=24, ge=1, le=8760)
    default: int = Field(default=48, ge=1, le=8760, description="Any other route.")


# --------------------------------------------------------------------------
# The policy


class Policy(FrozenModel):
    """The effective validation policy (defaults, then company, then entity overrides)."""

    version: Annotated[str, BeforeValidator(_version_text), Field(min_length=1, max_length=40)] = (
        Field(default="1", description="Version of the policy document.")
    )
    name: str = Field(default="billops default policy", min_length=1, max_length=200)
    completeness: CompletenessPolicy = Field(default_factory=CompletenessPolicy)
    arithmetic: ArithmeticPolicy = Field(default_factory=ArithmeticPolicy)
    dates: DatesPolicy = Field(default_factory=DatesPolicy)
    discount: DiscountPolicy = Field(default_factory=DiscountPolicy)
    payment_terms: PaymentTermsPolicy = Field(default_factory=PaymentTermsPolicy)
    subscriptions: SubscriptionPolicy = Field(default_factory=SubscriptionPolicy)
    renewal: RenewalPolicy = Field(default_factory=RenewalPolicy)
    currencies: CurrencyPolicy = Field(default_factory=CurrencyPolicy)
    services: ServicesPolicy = Field(default_factory=ServicesPolicy)
    rate_card: RateCardPolicy = Field(default_factory=RateCardPolicy)
    tax: TaxPolicy = Field(default_factory=TaxPolicy)
    booking: BookingPolicy = Field(default_factory=BookingPolicy)
    ledger: LedgerPolicy = Field(default_factory=LedgerPolicy)
    severities: dict[str, SeverityOrOff] = Field(
        default_factory=dict,
        description="Rule id -> error | warning | info | off (off: the rule does not run).",
    )
    routes: dict[str, Route] = Field(
        default_factory=dict, description="Rule id -> the work queue its findings go to."
    )
    sla: SlaPolicy = Field(default_factory=SlaPolicy)
    sources: tuple[str, ...] = Field(
        default=(),
        description="The files this policy was merged from (set by the loader, not in files).",
    )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str | None = None) -> Policy:
        """Validate plain data (a merged policy document) into a Policy.

        Raises ``PolicyInvalid`` listing every problem by key path.
        """
        if not isinstance(data, Mapping):
            raise InvalidInput(
                "a policy must be a mapping of sections", source=source, value=type(data).__name__
            )
        if "sources" in data:
            raise PolicyInvalid(
                [PolicyProblem("sources", "unknown key (it is set by the loader)")], source
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            raise PolicyInvalid(policy_problems(error), source) from error

    def severity_for(self, rule_id: str, default: Severity) -> Severity | None:
        """The severity the policy gives ``rule_id``: ``default`` unless overridden; None = off."""
        setting = self.severities.get(rule_id)
        if setting is None:
            return default
        return None if setting == "off" else Severity(setting)

    def route_for(self, rule_id: str, default: str) -> str:
        """The work queue ``rule_id``'s findings go to: ``default`` unless overridden."""
        route = self.routes.get(rule_id)
        return default if route is None else route.value

    def sla_hours(self, route: str) -> int:
        """Hours a finding on ``route`` may stay open (the ``default`` for unknown routes)."""
        hours: int = getattr(self.sla, route) if route in SlaPolicy.model_fields else 0
        return hours or self.sla.default

    def unknown_rule_ids(self, known: Iterable[str]) -> list[PolicyProblem]:
        """Problems for rule ids in ``severities`` / ``routes`` that name no rule in ``known``."""
        names = sorted(known)
        problems = []
        for section in ("severities", "routes"):
            for rule_id in getattr(self, section):
                if rule_id not in names:
                    problems.append(
                        PolicyProblem(f"{section}.{rule_id}", _unknown("rule id", rule_id, names))
                    )
        return problems


def default_policy() -> Policy:
    """The shipped default policy (``billops/policies/default.yaml``), without reading it."""
    return _DEFAULT


_DEFAULT: Final = Policy()


# --------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class PolicyProblem:
    """One problem in a policy document: the key path, what is wrong, the line when known."""

    key: str
    message: str
    value: str | None = None
    line: int | None = None

    def describe(self, source: str | None = None) -> str:
        """``policy/company.yaml: line 7: discount.x: unknown key (did you mean y?)``."""
        parts = [part for part in (source, f"line {self.line}" if self.line else None) if part]
        text = ": ".join([*parts, self.key, self.message]) if self.key else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        return text


class PolicyInvalid(InvalidInput):
    """A policy document that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[PolicyProblem], source: str | None = None) -> None:
        if not problems:
            raise ValueError("PolicyInvalid needs at least one problem")
        self.problems = tuple(problems)
        self.errors = [problem.describe(source) for problem in self.problems]
        more = len(self.problems) - 1
        first = self.problems[0]
        super().__init__(
            first.message,
            source=source,
            field=first.key or None,
            value=first.value,
            hint=f"and {more} more problem{'s' if more > 1 else ''}" if more else None,
        )

    def describe(self) -> str:
        text = self.problems[0].describe(self.source)
        return f"{text}; {self.hint}" if self.hint else text


def _unknown(what: str, word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f"unknown {what}" + (f" (did you mean {close[0]}?)" if close else "")


def policy_problems(error: ValidationError) -> list[PolicyProblem]:
    """Each error of ``error`` (raised validating a Policy) as a PolicyProblem."""
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        key = _key_path(loc)
        kind = detail["type"]
        given = detail.get("input")
        if kind == "extra_forbidden":
            known = _known_keys(loc[:-1])
            problems.append(PolicyProblem(key, _unknown("key", str(loc[-1]), known)))
            continue
        message = str(detail["msg"]).removeprefix("Value error, ")
        message = message.replace("Input should be", "must be")
        if kind == "missing":
            message = "is required"
        shown = None if isinstance(given, Mapping | list | tuple) else given
        problems.append(PolicyProblem(key, message, None if shown is None else str(shown)))
    return problems


def _key_path(loc: Sequence[str | int]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _known_keys(loc: Sequence[str | int]) -> list[str]:
    model: type[BaseModel] | None = Policy
    for part in loc:
        if model is None or isinstance(part, int) or part not in model.model_fields:
            return []
        model = _submodel(model.model_fields[part].annotation)
    return [] if model is None else [name for name in model.model_fields if name != "sources"]
