"""Storing invoices: drafts with their billed lines and holds, numbers, credits, period locks.

``BillingStore`` is the billing run's repository (tables in
``tables_billing``). Every change writes an audit record in the same
transaction. The whole ``Invoice`` is kept as JSON (``invoice_image`` /
``invoice_from_image``, exact decimals as text), beside the columns that are
searched on. What makes billing exactly-once lives in the database, not
here: ``invoice_lines`` is unique per ``(contract_id, item_key)``, so a
second draft of an item fails with ``IntegrityError`` and its transaction
rolls back whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from billops.adapters.storage.audit_store import Clock, Entry, append, append_many, utc_now
from billops.adapters.storage.setup_store import plain
from billops.adapters.storage.tables_billing import (
    InvoiceHoldRow,
    InvoiceLineRow,
    InvoiceRow,
    InvoiceSequenceRow,
    PeriodLockRow,
)
from billops.domain.calendar import Period
from billops.domain.checks import BillingLedger
from billops.domain.contract import BillingModel
from billops.domain.findings import Finding
from billops.domain.invoices import DocumentKind, Invoice, InvoiceLine, InvoiceStatus
from billops.domain.money import Money
from billops.errors import NotFound

__all__ = ["BillingStore", "invoice_from_image", "invoice_image"]


def invoice_image(invoice: Invoice) -> dict[str, Any]:
    """The invoice as JSON-native data (decimals and dates as text)."""
    image: dict[str, Any] = plain(invoice)
    return image


def invoice_from_image(image: Mapping[str, Any]) -> Invoice:
    """The ``Invoice`` back from ``invoice_image``'s data."""
    value: Invoice = _decode(Invoice, image)
    return value


def _decode(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(options[0], value)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_decode(item, v) for v in value)
    if origin is not None:  # Mapping, dict: kept as data
        return value
    if kind is Money:
        return Money(Decimal(value["amount"]), value["currency"])
    if kind is Period:
        return Period(date.fromisoformat(value["start"]), date.fromisoformat(value["end"]))
    if kind is Decimal:
        return Decimal(value)
    if kind is date:
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate(value)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        fields = {
            f.name: _decode(hints[f.name], value[f.name])
            for f in dataclasses.fields(kind)
            if f.init and f.name in value
        }
        return kind(**fields)
    return value


def _money_text(money: Money) -> str:
    return format(money.amount, "f")


BILLED = "billed"
CREDITED = "credited"
_REBILL, _CREDIT = "~rebill", "~credit"


def item_key(base: str, kind: str, generation: int) -> str:
    """The stored key of one billing (or re-billing credit) of a schedule item.

    The first billing keeps the schedule's key; after a credit for re-billing
    the item is billed again as ``<key>~rebill<n>``; the credit itself is
    ``<key>~credit<n>`` for the generation it cancels.

        >>> item_key("L1:2026-01-01", BILLED, 0), item_key("L1:2026-01-01", CREDITED, 0)
        ('L1:2026-01-01', 'L1:2026-01-01~credit0')
        >>> split_item_key("L1:2026-01-01~rebill2")
        ('L1:2026-01-01', 'billed', 2)
    """
    if kind == CREDITED:
        return f"{base}{_CREDIT}{generation}"
    return base if generation == 0 else f"{base}{_REBILL}{generation}"


def split_item_key(stored: str) -> tuple[str, str, int]:
    """(schedule item key, billed or credited, generation) of a stored key."""
    for marker, kind in ((_REBILL, BILLED), (_CREDIT, CREDITED)):
        base, found, number = stored.rpartition(marker)
        if found and number.isdigit():
            return base, kind, int(number)
    return stored, BILLED, 0


@dataclasses.dataclass(frozen=True, slots=True)
class Rebill:
    """An item credited for re-billing: the generation it is billed as next, and why."""

    generation: int
    credit_note: str
    invoice: str | None
    invoice_date: date | None


class BillingStore:
    """Invoices in storage; ``actor`` is who makes the changes (the audit trail's who)."""

    def __init__(self, session: Session, actor: str, clock: Clock = utc_now) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock
        self._pending: list[Entry] | None = None

    # -- reading -----------------------------------------------------------

    def _generations(
        self, contract_ids: Iterable[str] | None = None
    ) -> dict[tuple[str, str], tuple[set[int], dict[int, int]]]:
        """Per (contract, item): the generations billed, and those credited for re-billing.

        The value is (billed generations, {credited generation: credit note id}).
        """
        query = select(
            InvoiceLineRow.contract_id, InvoiceLineRow.item_key, InvoiceLineRow.invoice_id
        )
        if contract_ids is not None:
            query = query.where(InvoiceLineRow.contract_id.in_(list(contract_ids)))
        found: dict[tuple[str, str], tuple[set[int], dict[int, int]]] = {}
        for contract_id, stored, invoice_id in self.session.execute(query):
            base, kind, generation = split_item_key(stored)
            billed, credited = found.setdefault((contract_id, base), (set(), {}))
            if kind == CREDITED:
                credited[generation] = invoice_id
            else:
                billed.add(generation)
        return found

    def billed_keys(self, contract_ids: Iterable[str] | None = None) -> frozenset[tuple[str, str]]:
        """Every (contract id, item key) on an invoice document, whatever its status.

        An item whose every billing was credited for re-billing (``credit
        --rebill``) is not billed any more: the next run drafts it again.
        """
        return frozenset(
            key
            for key, (billed, credited) in self._generations(contract_ids).items()
            if billed - set(credited)
        )

    def rebills(self, contract_ids: Iterable[str] | None = None) -> dict[tuple[str, str], Rebill]:
        """The items credited for re-billing and not re-billed yet, with what credited them."""
        found: dict[tuple[str, str], Rebill] = {}
        notes: dict[int, InvoiceRow] = {}
        for key, (billed, credited) in self._generations(contract_ids).items():
            if not credited or billed - set(credited):
                continue
            last = max(credited)
            note_id = credited[last]
            note = notes.get(note_id) or self.session.get(InvoiceRow, note_id)
            assert note is not None
            notes[note_id] = note
            original = (
                self.session.get(InvoiceRow, note.credits_invoice_id)
                if note.credits_invoice_id is not None
                else None
            )
            found[key] = Rebill(
                generation=last + 1,
                credit_note=note.number or f"#{note.id}",
                invoice=None if original is None else original.number,
                invoice_date=None if original is None else original.issue_date,
            )
        return found

    def issued_for_contracts(
        self, contract_ids: Iterable[str], customer_code: str
    ) -> list[InvoiceRow]:
        """Issued invoices of a customer that billed any of these contracts, latest first."""
        billed = select(InvoiceLineRow.invoice_id).where(
            InvoiceLineRow.contract_id.in_(list(contract_ids))
        )
        query = (
            select(InvoiceRow)
            .where(
                InvoiceRow.id.in_(billed),
                InvoiceRow.kind == DocumentKind.INVOICE.value,
                InvoiceRow.status == InvoiceStatus.ISSUED.value,
                InvoiceRow.customer_code == customer_code,
            )
            .order_by(InvoiceRow.issue_date.desc(), InvoiceRow.id.desc())
        )
        return list(self.session.execute(query).scalars())

    def first_billed(self, contract_ids: Iterable[str]) -> dict[str, date]:
        """The issue date of the first invoice document that billed each contract."""
        rows = self.session.execute(
            select(InvoiceLineRow.contract_id, func.min(InvoiceRow.issue_date))
            .join(InvoiceRow, InvoiceRow.id == InvoiceLineRow.invoice_id)
            .where(
                InvoiceLineRow.contract_id.in_(list(contract_ids)),
                InvoiceRow.kind == DocumentKind.INVOICE.value,
            )
            .group_by(InvoiceLineRow.contract_id)
        )
        return {str(contract_id): day for contract_id, day in rows}

    def stored_key(self, invoice_id: int, line_no: int) -> tuple[str, str] | None:
        """The (contract id, stored item key) an invoice line billed, if it billed one."""
        found = self.session.execute(
            select(InvoiceLineRow.contract_id, InvoiceLineRow.item_key).where(
                InvoiceLineRow.invoice_id == invoice_id, InvoiceLineRow.line_no == line_no
            )
        ).first()
        return None if found is None else (found[0], found[1])

    def ledger(self, entity_code: str, contract_ids: Iterable[str] | None = None) -> BillingLedger:
        """Amounts billed against each not-to-exceed and PO, and the closed period.

        Drafts count: a held draft already reserves its share of a PO. With
        ``contract_ids``, only those contracts' lines are read (a run works
        a chunk of customers at a time): a PO is counted from the lines of
        the contracts that quote it, which are the same customer's.
        """
        query = select(
            InvoiceLineRow.contract_id,
            InvoiceLineRow.billing_model,
            InvoiceLineRow.purchase_order,
            InvoiceLineRow.net_amount,
            InvoiceRow.currency,
        ).join(InvoiceRow, InvoiceRow.id == InvoiceLineRow.invoice_id)
        if contract_ids is not None:
            query = query.where(InvoiceLineRow.contract_id.in_(list(contract_ids)))
        rows = self.session.execute(query)
        capped: dict[str, Money] = {}
        po: dict[str, Money] = {}
        for contract_id, model, purchase_order, amount, currency in rows:
            money = Money(Decimal(amount), currency)
            if model == BillingModel.TIME_AND_MATERIALS.value:
                capped[contract_id] = capped.get(contract_id, Money(0, currency)) + money
            if purchase_order:
                po[purchase_order] = po.get(purchase_order, Money(0, currency)) + money
        return BillingLedger(
            capped_billed=capped, po_billed=po, closed_through=self.closed_through(entity_code)
        )

    def closed_through(self, entity_code: str) -> date | None:
        return self.session.execute(
            select(PeriodLockRow.closed_through).where(PeriodLockRow.entity_code == entity_code)
        ).scalar_one_or_none()

    def row(self, reference: str, *, lock: bool = False) -> InvoiceRow:
        """An invoice by number, or by id (``12`` or ``#12``) while it has no number."""
        query = select(InvoiceRow)
        text = reference.strip().lstrip("#")
        if text.isdigit():
            query = query.where(InvoiceRow.id == int(text))
        else:
            query = query.where(InvoiceRow.number == reference.strip())
        if lock:
            query = query.with_for_update()
        found = self.session.execute(query).scalar_one_or_none()
        if found is None:
            raise NotFound(
                f"no invoice {reference!r}",
                field="invoice",
                value=reference,
                hint="see `billops invoice list`",
            )
        return found

    def rows(
        self,
        *,
        status: str | None = None,
        customer: str | None = None,
        kind: str | None = None,
        entity: str | None = None,
    ) -> list[InvoiceRow]:
        query = select(InvoiceRow).order_by(InvoiceRow.id)
        if status is not None:
            query = query.where(InvoiceRow.status == status)
        if customer is not None:
            query = query.where(InvoiceRow.customer_code == customer)
        if kind is not None:
            query = query.where(InvoiceRow.kind == kind)
        if entity is not None:
            query = query.where(InvoiceRow.entity_code == entity)
        return list(self.session.execute(query).scalars())

    def holds(
        self, invoice_id: int | None = None, status: str | None = "open"
    ) -> list[InvoiceHoldRow]:
        query = select(InvoiceHoldRow).order_by(InvoiceHoldRow.invoice_id, InvoiceHoldRow.check_id)
        if invoice_id is not None:
            query = query.where(InvoiceHoldRow.invoice_id == invoice_id)
        if status is not None:
            query = query.where(InvoiceHoldRow.status == status)
        return list(self.session.execute(query).scalars())

    def credited(self, invoice_id: int) -> list[InvoiceRow]:
        """The credit notes that correct an invoice."""
        return list(
            self.session.execute(
                select(InvoiceRow)
                .where(InvoiceRow.credits_invoice_id == invoice_id)
                .order_by(InvoiceRow.id)
            ).scalars()
        )

    def count(self, status: str | None = None, kind: str = DocumentKind.INVOICE.value) -> int:
        query = select(func.count()).select_from(InvoiceRow).where(InvoiceRow.kind == kind)
        if status is not None:
            query = query.where(InvoiceRow.status == status)
        return int(self.session.execute(query).scalar_one())

    # -- writing -----------------------------------------------------------

    def add(
        self,
        invoice: Invoice,
        findings: Iterable[Finding] = (),
        *,
        reason: str,
        credits: InvoiceRow | None = None,
        rebills: Mapping[tuple[str, str], Rebill] | None = None,
        bills_items: bool | None = None,
    ) -> InvoiceRow:
        """Store a drafted invoice (or a credit note) with its billed lines and holds.

        ``rebills`` (from ``rebills()``) gives the generation of items billed
        again after a credit; their lines are stored under that generation's
        key, so the database still bills each generation exactly once.
        ``bills_items`` (default: for invoices) also records a credit note's
        lines as billing their schedule items (a run's credit for items due
        that net negative), with the items' own signed amounts.
        """
        now = self.clock()
        row = InvoiceRow(
            kind=invoice.kind.value,
            entity_code=invoice.entity_code,
            customer_code=invoice.customer_code,
            currency=invoice.currency,
            status=invoice.status.value,
            number=invoice.number,
            fiscal_year=None,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            purchase_order=invoice.purchase_order,
            net_total=_money_text(invoice.net_total),
            tax_total=_money_text(invoice.tax_total),
            gross_total=_money_text(invoice.gross_total),
            record=invoice_image(invoice),
            holds=list(invoice.holds),
            credits_invoice_id=credits.id if credits is not None else None,
            reason=invoice.reason,
            drafted_by=self.actor,
            drafted_at=now,
        )
        self.session.add(row)
        self.session.flush()
        sign = Decimal(1) if invoice.kind is DocumentKind.INVOICE else Decimal(-1)
        # Lines and holds as plain multi-row inserts: a run stores thousands of
        # invoices, and the ORM's unit of work per row is most of the cost.
        if bills_items if bills_items is not None else invoice.kind is DocumentKind.INVOICE:
            again = rebills or {}
            billed = [
                {
                    "invoice_id": row.id,
                    "line_no": line.line_no,
                    "contract_id": line.source.contract_id,
                    "item_key": item_key(
                        line.source.item_key,
                        BILLED,
                        again[key].generation if key in again else 0,
                    ),
                    "billing_model": line.source.billing_model.value,
                    "purchase_order": invoice.purchase_order,
                    "net_amount": _money_text(line.net_amount * sign),
                }
                for line in invoice.lines
                if line.source is not None
                for key in [(line.source.contract_id, line.source.item_key)]
            ]
            if billed:
                self.session.execute(insert(InvoiceLineRow), billed)
        failed = {f.rule_id: f for f in findings if f.rule_id in invoice.holds}
        holds = [
            {
                "invoice_id": row.id,
                "check_id": check_id,
                "message": failed[check_id].message if check_id in failed else check_id,
                "route": failed[check_id].route if check_id in failed else "billing",
                "status": "open",
                "created_at": now,
            }
            for check_id in invoice.holds
        ]
        if holds:
            self.session.execute(insert(InvoiceHoldRow), holds)
        self._audit(row, "draft" if credits is None else "credit", None, self.summary(row), reason)
        return row

    def credit_for_rebill(
        self, note: InvoiceRow, original: InvoiceRow, credited: Iterable[tuple[int, InvoiceLine]]
    ) -> int:
        """Record that ``note`` credits lines of ``original`` so their items are billed again.

        ``credited`` pairs each credited line of the original invoice with
        its line number on the credit note. One ``invoice_lines`` row per
        line, under the credited generation's key with the negative amount:
        the unique key refuses crediting the same billing twice for
        re-billing, and PO and not-to-exceed ledgers get the amount back.
        Returns how many items were released.
        """
        released = 0
        for note_line_no, line in credited:
            found = self.stored_key(original.id, line.line_no)
            if found is None or line.source is None:
                continue
            contract_id, stored = found
            base, _, generation = split_item_key(stored)
            self.session.add(
                InvoiceLineRow(
                    invoice_id=note.id,
                    line_no=note_line_no,
                    contract_id=contract_id,
                    item_key=item_key(base, CREDITED, generation),
                    billing_model=line.source.billing_model.value,
                    purchase_order=original.purchase_order,
                    net_amount=_money_text(-line.net_amount),
                )
            )
            released += 1
        self.session.flush()
        return released

    def update(self, row: InvoiceRow, invoice: Invoice, *, action: str, reason: str | None) -> None:
        """Replace a draft's image and status (the trigger refuses this on an issued row)."""
        before = self.summary(row)
        row.status = invoice.status.value
        row.number = invoice.number
        row.issue_date = invoice.issue_date
        row.due_date = invoice.due_date
        row.record = invoice_image(invoice)
        row.holds = list(invoice.holds)
        if invoice.status is InvoiceStatus.APPROVED:
            row.approved_by = self.actor
        if invoice.status is InvoiceStatus.ISSUED:
            row.issued_at = self.clock()
        self.session.flush()
        self._audit(row, action, before, self.summary(row), reason)

    def close_holds(self, row: InvoiceRow, status: str, reason: str) -> None:
        now = self.clock()
        for hold in self.holds(row.id):
            hold.status = status
            hold.closed_at = now
            hold.closed_by = self.actor
            hold.closed_reason = reason
        self.session.flush()

    def discard(self, row: InvoiceRow, reason: str) -> None:
        """Delete a draft or held invoice: its items become billable again."""
        before = self.summary(row)
        self.session.delete(row)
        self.session.flush()
        self._audit(row, "discard", before, None, reason)

    def next_number(self, entity_code: str, fiscal_year: int) -> int:
        """The next number of the entity's fiscal year, taken under a row lock (gapless)."""
        dialect = self.session.get_bind().dialect.name
        values = {"entity_code": entity_code, "fiscal_year": fiscal_year, "last_number": 0}
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            InvoiceSequenceRow
        )
        self.session.execute(insert.values(**values).on_conflict_do_nothing())
        sequence = self.session.execute(
            select(InvoiceSequenceRow)
            .where(
                InvoiceSequenceRow.entity_code == entity_code,
                InvoiceSequenceRow.fiscal_year == fiscal_year,
            )
            .with_for_update()
        ).scalar_one()
        sequence.last_number += 1
        self.session.flush()
        return sequence.last_number

    def close_period(self, entity_code: str, through: date) -> None:
        lock = self.session.get(PeriodLockRow, entity_code)
        before = None if lock is None else lock.closed_through.isoformat()
        if lock is None:
            lock = PeriodLockRow(entity_code=entity_code, closed_through=through)
            self.session.add(lock)
        lock.closed_through = through
        lock.closed_by = self.actor
        lock.closed_at = self.clock()
        self.session.flush()
        append(
            self.session,
            actor=self.actor,
            entity_type="period_lock",
            entity_id=entity_code,
            action="close",
            before={"closed_through": before},
            after={"closed_through": through.isoformat()},
            reason=f"periods closed through {through}",
            clock=self.clock,
        )

    @staticmethod
    def summary(row: InvoiceRow) -> dict[str, Any]:
        return {
            "id": row.id,
            "kind": row.kind,
            "number": row.number,
            "status": row.status,
            "customer": row.customer_code,
            "issue_date": row.issue_date.isoformat(),
            "gross_total": f"{row.gross_total} {row.currency}",
            "holds": list(row.holds),
        }

    @contextlib.contextmanager
    def audit_together(self) -> Iterator[None]:
        """Collect the audit records of the changes made inside, and append them at the end.

        One chained append for a batch of drafts instead of one per draft
        (each takes the audit head under a lock); the records are the same,
        in the same order, in the same transaction.
        """
        outer = self._pending is not None
        if not outer:
            self._pending = []
        try:
            yield
            if not outer and self._pending:
                append_many(self.session, self._pending, clock=self.clock)
        finally:
            if not outer:
                self._pending = None

    def _audit(
        self, row: InvoiceRow, action: str, before: Any, after: Any, reason: str | None
    ) -> None:
        entry = Entry(
            actor=self.actor,
            entity_type=row.kind,
            entity_id=row.number or f"#{row.id}",
            action=action,
            before=before,
            after=after,
            reason=reason,
        )
        if self._pending is not None:
            self._pending.append(entry)
        else:
            append_many(self.session, [entry], clock=self.clock)
