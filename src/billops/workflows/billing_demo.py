"""The demo's billing step: a catch-up run for the months before, then the demo month.

The demo company's contracts started months before the demo date, so a
first run as of the last day of the previous month bills that history
(the catch-up: what the previous system would have invoiced); its clean
invoices are approved and issued, its held ones stay on the queue. The
demo month is then one ordinary run: drafts, holds by check id, approval
and issue, and the documents (PDF, UBL, Factur-X) of a sample of the
month's invoices and of one credit note under ``<out>/invoices/``
(rendering every PDF would make the demo slow; ``billops invoice issue
--out DIR`` writes them all).

Before the demo month's run the demo breaks the billing data of three
customers the way it goes wrong in real life, through the same audited
master-data path a person would use (``plant_billing_problems``): a CRM
sync blanks a billing address (INV-CUSTOMER-ADDRESS), an e-invoicing
customer's Peppol endpoint is removed (INV-CUSTOMER-ENDPOINT), an EU
customer billed under reverse charge loses its VAT id
(INV-CUSTOMER-TAX-ID). The run must hold exactly those customers'
invoices with those check ids; the step reports each one as held or
missed, and issues every invoice that passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from billops.adapters.storage.billing_store import BillingStore, invoice_from_image
from billops.adapters.storage.database import Database
from billops.adapters.storage.repositories import Contracts, Customers, LegalEntities
from billops.domain.contract import DeliveryChannel
from billops.domain.tax import EU_MEMBER_STATES
from billops.workflows.billing import (
    approve,
    bill_preview,
    bill_run,
    credit,
    issue,
    write_documents,
)

__all__ = ["PlantedProblem", "demo_billing_step", "plant_billing_problems"]

Say = Callable[[str], None]
DOCUMENT_SAMPLE = 1  # invoices per legal entity whose documents the demo writes


@dataclass(frozen=True, slots=True)
class PlantedProblem:
    """A billing problem the demo planted: the customer, the check that must hold it, how."""

    check_id: str
    customer: str
    what: str


def _held_text(held: dict[str, int]) -> str:
    return ", ".join(f"{check} {count}" for check, count in sorted(held.items())) or "none"


def demo_billing_step(
    database: Database,
    out: Path,
    say: Say,
    *,
    as_of: date,
    actor: str,
    document_sample: int = DOCUMENT_SAMPLE,
) -> dict[str, Any]:
    """Catch-up run, the month's run, approve, issue, documents; returns the counts."""
    month_start = as_of.replace(day=1)
    catch_up_day = month_start - timedelta(days=1)
    catch_up = bill_run(database, as_of=catch_up_day, actor=actor)
    held_before = dict(catch_up.held)
    approve(database, [], actor="demo-approver")
    issued_before = issue(database, [], actor="demo-approver")
    say(
        f"   catch-up as of {catch_up_day} (the months before the demo month): "
        f"{len(catch_up.drafts)} invoices drafted, {len(issued_before)} issued, "
        f"{sum(1 for d in catch_up.drafts if d['status'] == 'held')} held "
        f"({_held_text(held_before)})"
    )
    planted = plant_billing_problems(database, as_of=as_of, actor="demo-crm-sync")
    say(
        f"   planted {len(planted)} billing problems: "
        + "; ".join(f"{p.customer} {p.what}" for p in planted)
    )
    month = bill_run(database, as_of=as_of, actor=actor)
    held = dict(month.held)
    held_count = sum(1 for d in month.drafts if d["status"] == "held")
    say(
        f"   run as of {as_of}: {len(month.drafts)} invoices drafted, {held_count} held "
        f"({_held_text(held)}); {len(month.credit_proposals)} credit proposals"
    )
    caught = _caught(planted, month.drafts)
    say(
        f"   planted problems held by the right check: {sum(caught.values())}/{len(planted)} ("
        + ", ".join(
            f"{p.check_id} {p.customer} {'held' if caught[p] else 'MISSED'}" for p in planted
        )
        + ")"
    )
    again = bill_run(database, as_of=as_of, actor=actor)
    say(f"   the same run again: {len(again.drafts)} new invoices (exactly once)")
    approve(database, [], actor="demo-approver")
    issued = issue(database, [], actor="demo-approver")
    ranges: dict[str, list[str]] = {}
    for number in issued:
        ranges.setdefault(number.rsplit("-", 1)[0], []).append(number)
    say(
        f"   approved and issued {len(issued)}: "
        + ", ".join(f"{r[0]} .. {r[-1]}" for r in ranges.values())
    )
    documents = out / "invoices"
    written = _documents(database, issued, documents, document_sample)
    credit_note = None
    if issued:
        note = credit(
            database,
            issued[0],
            actor="demo-approver",
            reason="demo: line 1 not delivered, credited in full",
            amount=None,
            lines=[1],
            on=as_of,
            out=documents if document_sample else None,
        )
        credit_note = note["credit_note"]
        written += 3 if document_sample else 0
        say(
            f"   credit note {credit_note} for {issued[0]} line 1: {note['gross_total']}; "
            f"{note['remaining_creditable']} remains creditable"
        )
    say(f"   {written} documents (PDF, UBL, Factur-X) under {documents}")
    with database.transaction() as session:
        store = BillingStore(session, "reader")
        open_holds = len(store.holds())
        totals = {status: store.count(status) for status in ("draft", "held", "approved", "issued")}
    return {
        "catch_up_as_of": catch_up_day.isoformat(),
        "catch_up_drafted": len(catch_up.drafts),
        "catch_up_issued": len(issued_before),
        "catch_up_held_by_check": held_before,
        "planted": [
            {"check_id": p.check_id, "customer": p.customer, "held": caught[p]} for p in planted
        ],
        "drafted": len(month.drafts),
        "held": held_count,
        "held_by_check": held,
        "rerun_drafted": len(again.drafts),
        "issued": len(issued),
        "credit_note": credit_note,
        "documents": written,
        "open_holds": open_holds,
        "invoices_by_status": totals,
    }


def _documents(database: Database, numbers: list[str], folder: Path, sample: int) -> int:
    """Documents of the first ``sample`` issued invoices of each entity."""
    written = 0
    per_entity: dict[str, int] = {}
    with database.transaction() as session:
        store = BillingStore(session, "reader")
        entities = {e.code: e for e in LegalEntities(session, "reader").list()}
        rows = [store.row(number) for number in numbers]
        invoices = [(invoice_from_image(r.record), entities[r.entity_code].locale) for r in rows]
    for invoice, locale in invoices:
        if per_entity.get(invoice.entity_code, 0) >= sample:
            continue
        per_entity[invoice.entity_code] = per_entity.get(invoice.entity_code, 0) + 1
        written += len(write_documents(invoice, folder, locale=locale))
    return written


def _caught(
    planted: list[PlantedProblem], drafts: list[dict[str, Any]]
) -> dict[PlantedProblem, bool]:
    """Whether each planted problem's customer has a held draft failing its check."""
    return {
        p: any(
            d["customer"] == p.customer and d["status"] == "held" and p.check_id in d["holds"]
            for d in drafts
        )
        for p in planted
    }


def plant_billing_problems(database: Database, *, as_of: date, actor: str) -> list[PlantedProblem]:
    """Break three customers' billing data the way a bad CRM sync does (audited, with a reason).

    The customers are those the run as of ``as_of`` would bill, chosen in
    code order so the same demo plants the same problems: the first
    e-invoicing customer loses its Peppol endpoint, the first EU customer
    of another member state billed under reverse charge loses its VAT id,
    and the first other customer loses its billing address. A problem with
    no customer to plant it on (a very small demo) is left out.
    """
    preview = bill_preview(database, as_of=as_of)
    billed = sorted({d["customer"] for d in preview.drafts if d["status"] != "held"})
    planted: list[PlantedProblem] = []
    with database.transaction() as session:
        customers = Customers(session, actor)
        contracts = Contracts(session, actor)
        entities = {e.code: e for e in LegalEntities(session, actor).list()}
        channels = {
            code: {
                contracts.get(row.contract_id).terms.invoicing_provisions.delivery_channel
                for row in contracts.list(customer=code)
            }
            for code in billed
        }
        entity_of = {d["customer"]: d["entity"] for d in preview.drafts}
        used: set[str] = set()

        def pick(test: Callable[[str], bool]) -> str | None:
            code = next((c for c in billed if c not in used and test(c)), None)
            if code is not None:
                used.add(code)
            return code

        def einvoiced(code: str) -> bool:
            return DeliveryChannel.EINVOICE in channels[code] and bool(
                customers.get(code).einvoice_endpoint
            )

        def reverse_charged(code: str) -> bool:
            customer = customers.get(code)
            country = customer.addresses[0].country if customer.addresses else None
            seller = entities[entity_of[code]].country
            return (
                seller in EU_MEMBER_STATES
                and country in EU_MEMBER_STATES
                and country != seller
                and any(t.scheme == "vat" for t in customer.tax_ids)
            )

        code = pick(einvoiced)
        if code is not None:
            customer = customers.get(code)
            customers.update(
                customer.model_copy(update={"einvoice_endpoint": None}),
                "demo: planted billing problem, the Peppol endpoint was removed",
            )
            planted.append(
                PlantedProblem("INV-CUSTOMER-ENDPOINT", code, "lost its Peppol endpoint")
            )
        code = pick(reverse_charged)
        if code is not None:
            customer = customers.get(code)
            customers.update(
                customer.model_copy(
                    update={"tax_ids": tuple(t for t in customer.tax_ids if t.scheme != "vat")}
                ),
                "demo: planted billing problem, the VAT id was removed",
            )
            planted.append(PlantedProblem("INV-CUSTOMER-TAX-ID", code, "lost its VAT id"))
        code = pick(lambda _: True)
        if code is not None:
            customer = customers.get(code)
            customers.update(
                customer.model_copy(update={"addresses": ()}),
                "demo: planted billing problem, a CRM sync blanked the billing address",
            )
            planted.append(PlantedProblem("INV-CUSTOMER-ADDRESS", code, "lost its billing address"))
    return planted
