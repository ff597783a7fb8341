"""Completeness: does the contract state everything billing needs to set it up and invoice it?

A contract can be signed and still be unbillable: no payment terms, no
billing frequency for a subscription, no purchase order for a customer whose
accounts payable rejects invoices without one, nobody to send the invoice
to, no VAT id for a reverse-charge invoice. Each gap is a finding for the
billing team (tax ids for the tax team) before setup, not a held invoice
months later.

=========================  ========  ============================================
rule                       severity  raised when
=========================  ========  ============================================
COMPLETE-FIELDS            error     a field the policy requires for the document
                                     type (``completeness.document_fields``) or
                                     for a billing model on the contract
                                     (``contract_fields_by_billing_model``, e.g.
                                     a rate card for T&M) is not stated
COMPLETE-LINE-FIELDS       error     a line lacks a field its billing model needs
                                     (``completeness.line_fields``)
COMPLETE-BILLING-FREQUENCY error     a recurring line (``frequency_required_for``)
                                     has no frequency, neither its own nor the
                                     contract's
COMPLETE-PO                error     the customer requires a PO (customer record,
                                     ``purchase_order.required`` or "PO on
                                     invoice") and the contract has no PO number
COMPLETE-BILLING-CONTACT   error     neither the contract nor the customer record
                                     names anyone to send invoices to
COMPLETE-TAX-ID            error     no customer tax id, though the billing entity
                                     or the customer is in a country whose
                                     invoices need it (``tax.customer_tax_id_
                                     countries``, the EU by default: B2B VAT)
=========================  ========  ============================================

The currency is not checked here: the contract model requires it.
"""

from __future__ import annotations

from collections.abc import Iterator

from billops.domain.contract import ContractTerms
from billops.domain.findings import Finding, Route, Severity
from billops.domain.policy import missing_field
from billops.domain.rules.engine import finding, line_label
from billops.domain.rules.registry import RuleContext, rule

__all__ = [
    "billing_contact_named",
    "billing_frequency_stated",
    "customer_country",
    "customer_tax_id_stated",
    "document_fields_stated",
    "entity_country",
    "line_fields_stated",
    "purchase_order_stated",
]


def _shown_path(entry: str) -> str:
    return " or ".join(path.strip() for path in entry.split("|"))


@rule(
    "COMPLETE-FIELDS",
    title="The contract states every field its document type needs",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def document_fields_stated(ctx: RuleContext) -> Iterator[Finding]:
    """Fields required by document type (and by the billing models present) are stated."""
    terms = ctx.terms
    completeness = ctx.policy.completeness
    kind = terms.document_type
    required = [(entry, f"a {kind.value}") for entry in completeness.document_fields.get(kind, ())]
    models = {line.billing_model for line in terms.lines}
    for model, entries in completeness.contract_fields_by_billing_model.items():
        if model in models:
            required.extend((entry, f"a {model.value} line") for entry in entries)
    seen: set[str] = set()
    for entry, reason in required:
        if entry in seen or not missing_field(terms, entry):
            continue
        seen.add(entry)
        first = entry.split("|")[0].strip()
        yield finding(
            ctx,
            "COMPLETE-FIELDS",
            f"{terms.contract_id}: {_shown_path(entry)} is missing; the policy requires it "
            f"for {reason}",
            fields=(first,),
            values={"field": entry, "document_type": kind.value},
            hint=f"read {_shown_path(entry)} from the signed document and add it to the terms",
        )


@rule(
    "COMPLETE-LINE-FIELDS",
    title="Every line states what its billing model needs",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def line_fields_stated(ctx: RuleContext) -> Iterator[Finding]:
    """Each line states the fields its billing model needs (quantity, unit price, amount...)."""
    for index, line in enumerate(ctx.terms.lines):
        for entry in ctx.policy.completeness.line_fields.get(line.billing_model, ()):
            if not missing_field(line, entry):
                continue
            first = entry.split("|")[0].strip()
            yield finding(
                ctx,
                "COMPLETE-LINE-FIELDS",
                f"{line_label(line)}: {_shown_path(entry)} is missing; a "
                f"{line.billing_model.value} line needs it",
                fields=(f"lines[{index}].{first}",),
                values={"line_id": line.line_id, "field": entry},
                hint=f"add the line's {_shown_path(entry)} as the document states it",
            )


@rule(
    "COMPLETE-BILLING-FREQUENCY",
    title="Recurring lines have a billing frequency",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def billing_frequency_stated(ctx: RuleContext) -> Iterator[Finding]:
    """Recurring lines (subscription, maintenance, usage) have a billing frequency."""
    terms = ctx.terms
    if terms.billing is not None:
        return
    for index, line in enumerate(terms.lines):
        if line.billing_model in ctx.policy.completeness.frequency_required_for and (
            line.frequency is None
        ):
            yield finding(
                ctx,
                "COMPLETE-BILLING-FREQUENCY",
                f"{line_label(line)} is a {line.billing_model.value} line but neither it nor "
                f"the contract states a billing frequency",
                fields=(f"lines[{index}].frequency",),
                values={"line_id": line.line_id, "billing_model": line.billing_model.value},
                hint="add billing.frequency (monthly, quarterly, annual) from the document",
            )


def _po_reasons(ctx: RuleContext) -> list[str]:
    terms = ctx.terms
    reasons = []
    if ctx.customer is not None and ctx.customer.po_required:
        reasons.append(f"customer {ctx.customer.code} requires a PO on every invoice")
    if terms.purchase_order is not None and terms.purchase_order.required:
        reasons.append("the contract says a PO is required")
    if terms.invoicing_provisions.po_on_invoice:
        reasons.append("the invoicing provisions put the PO on every invoice")
    return reasons


@rule(
    "COMPLETE-PO",
    title="A purchase order number, where the customer requires one",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def purchase_order_stated(ctx: RuleContext) -> Iterator[Finding]:
    """When a PO is required, the contract (or every line) names the PO number."""
    terms = ctx.terms
    reasons = _po_reasons(ctx)
    if not reasons:
        return
    po = terms.purchase_order
    if po is not None and po.number is not None:
        return
    if terms.lines and all(line.po_number for line in terms.lines):
        return
    field = "purchase_order" if po is None else "purchase_order.number"
    yield finding(
        ctx,
        "COMPLETE-PO",
        f"{terms.contract_id} has no purchase order number, but {'; '.join(reasons)}",
        fields=(field,),
        values={
            "customer": ctx.customer.code if ctx.customer else (terms.customer.code or ""),
            "po_required": "true",
        },
        hint="ask the customer for the PO number and add it before the first invoice",
    )


@rule(
    "COMPLETE-BILLING-CONTACT",
    title="Someone to send invoices to",
    severity=Severity.ERROR,
    route=Route.BILLING,
)
def billing_contact_named(ctx: RuleContext) -> Iterator[Finding]:
    """The contract or the customer record names a billing contact."""
    terms = ctx.terms
    if terms.billing_contact is not None:
        return
    if ctx.customer is not None and ctx.customer.billing_contacts:
        return
    who = ctx.customer.code if ctx.customer else (terms.customer.code or terms.customer.name)
    record = (
        f"customer {ctx.customer.code} has no billing contact either"
        if ctx.customer
        else "no customer record was given"
    )
    yield finding(
        ctx,
        "COMPLETE-BILLING-CONTACT",
        f"{terms.contract_id} names no billing contact and {record}: invoices have no recipient",
        fields=("billing_contact",),
        values={"customer": who},
        hint="get the accounts-payable contact (name and e-mail) from the customer and add it "
        "to the customer record",
    )


def entity_country(ctx: RuleContext) -> str | None:
    """The billing entity's country: the entity record's, else the contract's supplier address."""
    if ctx.entity is not None:
        return ctx.entity.country
    address = ctx.terms.supplier.address
    return address.country if address is not None else None


def customer_country(ctx: RuleContext) -> str | None:
    """The customer's country: the contract's customer address, else the record's billing one."""
    address = ctx.terms.customer.address
    if address is not None:
        return address.country
    if ctx.customer is not None and ctx.customer.billing_address is not None:
        return ctx.customer.billing_address.country
    return None


def _customer_has_tax_id(terms: ContractTerms, ctx: RuleContext) -> bool:
    return bool(terms.customer.tax_ids) or bool(ctx.customer and ctx.customer.tax_ids)


@rule(
    "COMPLETE-TAX-ID",
    title="The customer's tax id, where invoices need it",
    severity=Severity.ERROR,
    route=Route.TAX,
)
def customer_tax_id_stated(ctx: RuleContext) -> Iterator[Finding]:
    """A customer tax id is known when the entity's or the customer's country needs it (EU B2B)."""
    terms = ctx.terms
    needing = ctx.policy.tax.customer_tax_id_countries
    seller, buyer = entity_country(ctx), customer_country(ctx)
    why = [
        f"{role} is in {country}"
        for role, country in (("the billing entity", seller), ("the customer", buyer))
        if country is not None and country in needing
    ]
    if not why or _customer_has_tax_id(terms, ctx):
        return
    who = ctx.customer.code if ctx.customer else (terms.customer.code or terms.customer.name)
    yield finding(
        ctx,
        "COMPLETE-TAX-ID",
        f"customer {who} ({buyer or 'country unknown'}) has no tax id, but "
        f"{' and '.join(why)}, where B2B invoices must state the customer's VAT id",
        fields=("customer.tax_ids",),
        values={"customer": who, "customer_country": buyer, "entity_country": seller},
        hint="ask the customer for its VAT registration number and add it to the customer "
        "record; without it the invoice cannot apply reverse charge",
    )
