"""Billing-run stories: exactly once, grouping by invoicing provisions, tax, credits.

Given these contracts, on these dates, exactly these invoices.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from billops.domain.billing import SkipReason, draft_invoices
from billops.domain.catalog import parse_catalogue
from billops.domain.contract import Consolidation, ContractTerms
from billops.domain.invoices import TaxCategory
from billops.domain.money import Money
from billops.domain.schedules import ItemKind, ScheduleItem
from tests.billing.stories import (
    CUSTOMERS,
    ENTITY,
    bill,
    check_ids,
    contract,
    lines,
    schedule_items,
    seats,
    tax_rules,
)

MONTHLY = {"frequency": "monthly", "timing": "advance", "alignment": "calendar"}


def monthly_seats(contract_id: str = "C-1", **fields: object) -> ContractTerms:
    return contract(
        seats(unit_price="30.00"),
        contract_id=contract_id,
        start_date="2026-01-01",
        end_date="2026-12-31",
        billing=MONTHLY,
        **fields,
    )


# --- exactly once: recompute and diff -------------------------------------------


def test_second_run_with_the_first_runs_keys_drafts_nothing() -> None:
    terms = monthly_seats()
    first = bill(terms, as_of=date(2026, 2, 1))
    assert [row[0] for row in lines(first.invoices[0])] == [
        "2026-01-01..2026-01-31",
        "2026-02-01..2026-02-28",
    ]
    again = bill(terms, as_of=date(2026, 2, 1), already_billed=first.billed_keys)
    assert again.invoices == ()
    assert {s.reason for s in again.skipped} == {SkipReason.ALREADY_BILLED}
    assert {(s.contract_id, s.item_key) for s in again.skipped} == first.billed_keys


def test_a_run_a_month_later_drafts_only_the_new_month() -> None:
    terms = monthly_seats()
    first = bill(terms, as_of=date(2026, 2, 1))
    march = bill(terms, as_of=date(2026, 3, 1), already_billed=first.billed_keys)
    (invoice,) = march.invoices
    assert lines(invoice) == [("2026-03-01..2026-03-31", "10", "30.00", "300.00")]
    assert invoice.issue_date == date(2026, 3, 1)


def test_the_same_item_passed_twice_is_drafted_once() -> None:
    terms = monthly_seats()
    items = schedule_items([terms], date(2026, 1, 1))
    result = draft_invoices(
        items + items,
        {"C-1": terms},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 1, 1),
        already_billed=frozenset(),
        tax_rules=tax_rules(),
    )
    assert len(result.invoices[0].lines) == 1
    assert [s.reason for s in result.skipped] == [SkipReason.REPEATED]


# --- grouping by the invoicing provisions --------------------------------------


def test_consolidated_contracts_share_one_invoice_per_customer() -> None:
    provisions = {"consolidation": "consolidated"}
    a = monthly_seats("C-A", invoicing_provisions=provisions)
    b = monthly_seats("C-B", invoicing_provisions=provisions)
    (invoice,) = bill(a, b, as_of=date(2026, 1, 1)).invoices
    assert invoice.contract_ids == ("C-A", "C-B")
    assert [line.source.contract_id for line in invoice.lines if line.source] == ["C-A", "C-B"]
    assert [line.line_no for line in invoice.lines] == [1, 2]


def test_per_contract_is_the_default_one_invoice_each() -> None:
    a, b = monthly_seats("C-A"), monthly_seats("C-B")
    result = bill(a, b, as_of=date(2026, 1, 1))
    assert [invoice.contract_ids for invoice in result.invoices] == [("C-A",), ("C-B",)]


def test_separate_invoices_per_purchase_order_with_the_po_printed() -> None:
    provisions = {"consolidation": "consolidated", "po_on_invoice": True}
    a = monthly_seats("C-A", invoicing_provisions=provisions, purchase_order={"number": "PO-1"})
    b = monthly_seats("C-B", invoicing_provisions=provisions, purchase_order={"number": "PO-2"})
    result = bill(a, b, as_of=date(2026, 1, 1))
    assert [(i.purchase_order, i.contract_ids) for i in result.invoices] == [
        ("PO-1", ("C-A",)),
        ("PO-2", ("C-B",)),
    ]


def test_per_cost_centre_and_per_line() -> None:
    by_centre = contract(
        seats(unit_price="30.00", cost_centre="CC-10"),
        seats(unit_price="20.00", cost_centre="CC-20"),
        seats(unit_price="10.00", cost_centre="CC-10"),
        start_date="2026-01-01",
        end_date="2026-12-31",
        billing=MONTHLY,
        invoicing_provisions={"consolidation": "per_cost_centre"},
    )
    result = bill(by_centre, as_of=date(2026, 1, 1))
    assert [(i.note, [r[3] for r in lines(i)]) for i in result.invoices] == [
        ("Cost centre: CC-10", ["300.00", "100.00"]),
        ("Cost centre: CC-20", ["200.00"]),
    ]
    per_line = by_centre.model_copy(
        update={
            "invoicing_provisions": by_centre.invoicing_provisions.model_copy(
                update={"consolidation": Consolidation.PER_LINE}
            )
        }
    )
    assert len(bill(per_line, as_of=date(2026, 1, 1)).invoices) == 3


def test_due_date_from_the_contracts_terms_else_the_customers() -> None:
    with_terms = monthly_seats(payment_terms={"net_days": 45, "description": "Net 45"})
    (invoice,) = bill(with_terms, as_of=date(2026, 1, 1)).invoices
    assert (invoice.due_date, invoice.payment_terms) == (date(2026, 2, 15), "Net 45")
    (default,) = bill(monthly_seats(), as_of=date(2026, 1, 1)).invoices
    assert (default.due_date, default.payment_terms) == (date(2026, 1, 31), "Net 30 days")


def test_discount_shown_as_list_price_less_the_discount() -> None:
    terms = contract(
        seats(unit_price="45.00", list_price="50.00", discount_percent=10),
        start_date="2026-01-01",
        end_date="2026-12-31",
        billing=MONTHLY,
    )
    (invoice,) = bill(terms, as_of=date(2026, 1, 1)).invoices
    line = invoice.lines[0]
    assert (line.unit_price, line.discount_percent, str(line.net_amount)) == (
        Decimal("50.00"),
        Decimal(10),
        "450.00 EUR",
    )


# --- tax per line ---------------------------------------------------------------


def test_domestic_de_sale_at_19_percent() -> None:
    (invoice,) = bill(monthly_seats(), as_of=date(2026, 1, 1)).invoices
    assert [(t.category, t.rate, str(t.tax)) for t in invoice.taxes] == [
        (TaxCategory.STANDARD, Decimal(19), "57.00 EUR")
    ]
    assert str(invoice.gross_total) == "357.00 EUR"


def test_reverse_charge_de_seller_to_fr_business() -> None:
    terms = monthly_seats(customer_code="fromage")
    result = bill(terms, as_of=date(2026, 1, 1))
    (invoice,) = result.invoices
    tax = invoice.lines[0].tax
    assert (tax.category, tax.rate, tax.exemption_code, tax.exemption_reason) == (
        TaxCategory.REVERSE_CHARGE,
        Decimal(0),
        "VATEX-EU-AE",
        "Reverse charge",
    )
    assert str(invoice.gross_total) == "300.00 EUR"
    assert "reverse charge" in result.drafts[0].tax_explanations[0]
    assert invoice.status.value == "draft"


def test_us_buyer_is_outside_the_scope_of_eu_vat() -> None:
    (invoice,) = bill(monthly_seats(customer_code="initech"), as_of=date(2026, 1, 1)).invoices
    tax = invoice.lines[0].tax
    assert (tax.category, tax.exemption_code) == (TaxCategory.OUTSIDE_SCOPE, "VATEX-EU-O")
    assert str(invoice.tax_total) == "0.00 EUR"


def test_tax_code_from_the_catalogue_product() -> None:
    catalogue = parse_catalogue(
        [
            {"sku": "TRAIN", "name": "Training", "billing_model": "one_time",
             "revenue_category": "training", "unit": "day", "gl_revenue": "4000",
             "gl_deferred": "2000", "gl_unbilled": "1000", "tax_code": "EXEMPT_EDUCATION"},
        ]
    )  # fmt: skip
    terms = contract(
        {"billing_model": "one_time", "sku": "TRAIN", "quantity": 2, "unit_price": "900.00"},
        signature_date="2026-01-05",
    )
    result = draft_invoices(
        schedule_items([terms], date(2026, 1, 31)),
        {"C-1": terms},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 1, 31),
        already_billed=frozenset(),
        tax_rules=tax_rules(),
        catalogue=catalogue,
    )
    tax = result.invoices[0].lines[0].tax
    assert (tax.category, tax.exemption_code) == (TaxCategory.EXEMPT, "VATEX-EU-132-1I")


def test_unknown_tax_code_drafts_nothing_and_names_the_code() -> None:
    catalogue = parse_catalogue(
        [
            {"sku": "X", "name": "Mystery", "billing_model": "one_time",
             "revenue_category": "x", "unit": "each", "gl_revenue": "4000",
             "gl_deferred": "2000", "gl_unbilled": "1000", "tax_code": "MYSTERY"},
        ]
    )  # fmt: skip
    terms = contract(
        {"billing_model": "one_time", "sku": "X", "quantity": 1, "unit_price": "10.00"},
        signature_date="2026-01-05",
    )
    result = draft_invoices(
        schedule_items([terms], date(2026, 1, 31)),
        {"C-1": terms},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 1, 31),
        already_billed=frozenset(),
        tax_rules=tax_rules(),
        catalogue=catalogue,
    )
    assert result.invoices == ()
    assert [s.reason for s in result.skipped] == [SkipReason.TAX_UNDETERMINED]
    (problem,) = result.findings
    assert problem.rule_id == "BILL-TAX-UNDETERMINED"
    assert "'MYSTERY'" in problem.message


# --- negative amounts ---------------------------------------------------------------


def _credit(item: ScheduleItem, amount: str) -> ScheduleItem:
    return dataclasses.replace(
        item,
        item_key=f"{item.item_key}:credit@2026-01-16",
        kind=ItemKind.PRORATION_CREDIT,
        amount=Money(amount, "EUR"),
    )


def test_a_proration_credit_is_a_negative_line_on_a_positive_invoice() -> None:
    terms = monthly_seats()
    items = schedule_items([terms], date(2026, 2, 1))
    billable = [i for i in items if i.bill_date and i.bill_date <= date(2026, 2, 1)]
    result = draft_invoices(
        [*billable, _credit(billable[0], "-150.00")],
        {"C-1": terms},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 2, 1),
        already_billed=frozenset(),
        tax_rules=tax_rules(),
    )
    (invoice,) = result.invoices
    # 300.00 (January) + 300.00 (February) - 150.00 (credit for January's second half)
    assert [row[1:] for row in lines(invoice)] == [
        ("10", "30.00", "300.00"),
        ("-10", "15.00", "-150.00"),
        ("10", "30.00", "300.00"),
    ]
    assert str(invoice.net_total) == "450.00 EUR"
    assert invoice.lines[1].description == "Workspace Pro, credit for the amended days"
    assert invoice.status.value == "draft"


def test_a_group_that_nets_negative_becomes_a_credit_note_proposal() -> None:
    terms = monthly_seats()
    items = schedule_items([terms], date(2026, 1, 1))
    january = next(i for i in items if i.bill_date == date(2026, 1, 1))
    result = draft_invoices(
        [_credit(january, "-150.00")],
        {"C-1": terms},
        ENTITY,
        CUSTOMERS,
        as_of=date(2026, 2, 1),
        already_billed=frozenset({("C-1", january.item_key)}),
        tax_rules=tax_rules(),
    )
    assert result.invoices == ()
    (proposal,) = result.credit_proposals
    assert str(proposal.total) == "-150.00 EUR"
    assert [s.reason for s in result.skipped] == [SkipReason.CREDIT_PROPOSED]
    assert check_ids(result) == ["BILL-CREDIT-PROPOSED"]


def test_items_of_another_entity_or_unknown_customer_are_left_out() -> None:
    other = monthly_seats("C-X", supplier={"name": "Northwind Inc.", "code": "NW-US"})
    stranger = monthly_seats("C-Y", customer_code="nobody")
    result = bill(other, stranger, as_of=date(2026, 1, 1))
    assert result.invoices == ()
    assert sorted(s.reason for s in result.skipped) == [
        SkipReason.OTHER_ENTITY,
        SkipReason.UNKNOWN_CUSTOMER,
    ]
    assert check_ids(result) == ["BILL-CUSTOMER-UNKNOWN"]


def test_a_year_of_monthly_runs_bills_each_month_once() -> None:
    # Kill Bill's fake clock: run on the 1st of every month of 2026; each run
    # drafts exactly that month's 300.00, and a run on 15 June drafts nothing.
    terms = monthly_seats()
    billed: frozenset[tuple[str, str]] = frozenset()
    periods = []
    for month in range(1, 13):
        result = bill(terms, as_of=date(2026, month, 1), already_billed=billed)
        (invoice,) = result.invoices
        periods += [(row[0], row[3]) for row in lines(invoice)]
        billed |= result.billed_keys
        if month == 6:
            assert bill(terms, as_of=date(2026, 6, 15), already_billed=billed).invoices == ()
    assert [amount for _, amount in periods] == ["300.00"] * 12
    assert periods[0][0] == "2026-01-01..2026-01-31"
    assert periods[11][0] == "2026-12-01..2026-12-31"
    assert bill(terms, as_of=date(2027, 6, 1), already_billed=billed).invoices == ()


def test_the_entitys_bank_account_and_peppol_id_go_on_every_draft() -> None:
    banked = ENTITY.model_copy(
        update={
            "bank_iban": "DE89370400440532013000",
            "bank_bic": "COBADEFFXXX",
            "einvoice_endpoint": "9930:DE136695976",
        }
    )
    invoice = bill(monthly_seats(), as_of=date(2026, 2, 1), entity=banked).invoices[0]
    assert invoice.payment is not None
    assert (invoice.payment.iban, invoice.payment.bic, invoice.payment.account_name) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        "Northwind Software GmbH",
    )
    assert invoice.seller.endpoint == "9930:DE136695976"
    plain = bill(monthly_seats(), as_of=date(2026, 2, 1)).invoices[0]
    assert plain.payment is None and plain.seller.endpoint is None
