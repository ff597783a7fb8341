"""Arithmetic the document states, checked: lines, totals, milestones.

A signed contract whose figures disagree is still signed, but someone
must look before it is billed. Three checks run on what was extracted,
and each disagreement becomes a finding quoting every figure's source:

- ``EXTRACT-ARITH-LINE``: quantity x unit price x (1 - discount) x periods
  against the line's amount. The number of periods is unknown to the
  table: a subscription line's amount may be for one month, one year or
  the whole term, so each reading is tried (1, 12, the term in months,
  the term in years, the service period) and only a line that no reading
  explains is reported. A unit price may be the list price before the
  discount or the net price after it; both readings are tried.
- ``EXTRACT-ARITH-TOTAL``: the lines' amounts against a stated total (a
  Total row, the total contract value), again under every reading of
  recurring lines (one year, the whole term) and of tax (included or not).
- ``EXTRACT-ARITH-MILESTONES``: milestone amounts against the fixed fee
  (or the total contract value), and milestone percentages against 100 %.

Tolerance: one cent, plus half a cent per unit and period (unit prices
are rounded to the cent before they are multiplied).

    >>> readings(Decimal("10"), Decimal("100"), None, {Decimal(1), Decimal(12)})
    [Decimal('1000'), Decimal('12000')]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Final

from billops.domain.contract import Provenance
from billops.domain.extraction.lines import StatedTotal
from billops.domain.extraction.sources import Collector
from billops.domain.findings import Severity

__all__ = ["check_arithmetic", "readings"]

_CENT: Final = Decimal("0.01")
_HALF_CENT: Final = Decimal("0.005")
_HUNDRED: Final = Decimal(100)


def readings(
    quantity: Decimal, price: Decimal, discount: Decimal | None, periods: Iterable[Decimal]
) -> list[Decimal]:
    """quantity x price x (1 - discount %) x each number of periods, in order."""
    factor = Decimal(1) if discount is None else (1 - discount / _HUNDRED)
    return [quantity * price * factor * p for p in sorted(set(periods))]


def _decimal(found: Collector, path: str) -> Decimal | None:
    value = found.get(path)
    return Decimal(value) if isinstance(value, str) and value else None


def _months_between(start: str | None, end: str | None) -> Decimal | None:
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    months = (
        (last.year - first.year) * 12
        + last.month
        - first.month
        + (1 if last.day >= first.day - 1 else 0)
    )
    return Decimal(months) if months > 0 else None


def _term_months(found: Collector) -> Decimal | None:
    stated = found.get("term_months")
    if isinstance(stated, int):
        return Decimal(stated)
    return _months_between(found.get("start_date"), found.get("end_date"))


def _periods(found: Collector, path: str) -> set[Decimal]:
    periods = {Decimal(1)}
    model = found.get(f"{path}.billing_model")
    if model not in ("subscription", "maintenance", "usage", "time_and_materials"):
        return periods
    term = _term_months(found)
    service = _months_between(found.get(f"{path}.service_start"), found.get(f"{path}.service_end"))
    periods.add(Decimal(12))
    for months in (term, service):
        if months is not None:
            periods.add(months)
            periods.add(months / 12)
            periods.add(months / 3)
    return periods


def _sources(found: Collector, paths: Iterable[str]) -> tuple[Provenance, ...]:
    return tuple(found.values[p].provenance for p in paths if p in found.values)


def _line_count(found: Collector) -> int:
    count = 0
    while found.has(f"lines[{count}].line_id"):
        count += 1
    return count


def _check_lines(found: Collector) -> None:
    for index in range(_line_count(found)):
        path = f"lines[{index}]"
        amount = _decimal(found, f"{path}.amount")
        quantity = _decimal(found, f"{path}.quantity")
        unit_price = _decimal(found, f"{path}.unit_price")
        list_price = _decimal(found, f"{path}.list_price")
        discount = _decimal(found, f"{path}.discount_percent")
        if amount is None or (unit_price is None and list_price is None):
            continue
        qty = quantity if quantity is not None else Decimal(1)
        periods = _periods(found, path)
        expected: list[Decimal] = []
        if unit_price is not None:
            expected += readings(qty, unit_price, None, periods)
            if discount is not None and list_price is None:
                expected += readings(qty, unit_price, discount, periods)
        if list_price is not None:
            expected += readings(qty, list_price, discount, periods)
        tolerance = _CENT + _HALF_CENT * qty * max(periods)
        if any(abs(value - amount) <= tolerance for value in expected):
            continue
        price = unit_price if unit_price is not None else list_price
        assert price is not None
        shown = f"{qty} x {price}" + (f" less {discount} %" if discount is not None else "")
        fields = tuple(
            f"{path}.{name}"
            for name in ("quantity", "unit_price", "list_price", "discount_percent", "amount")
            if found.has(f"{path}.{name}")
        )
        per_period = readings(
            qty, price, discount if list_price is not None else None, [Decimal(1)]
        )
        found.finding(
            "EXTRACT-ARITH-LINE",
            f"{path}: {shown} = {per_period[0]:f} per period, but the amount says {amount:f}"
            " and no number of periods explains it",
            fields=fields,
            values={
                "quantity": str(qty),
                "price": str(price),
                "amount": str(amount),
                "discount_percent": "" if discount is None else str(discount),
            },
            sources=_sources(found, fields),
            hint="check the quantity, unit price and line amount against the signed document",
            severity=Severity.ERROR,
        )


def _check_totals(found: Collector, totals: list[StatedTotal]) -> None:
    count = _line_count(found)
    if count == 0:
        return
    amounts: list[tuple[Decimal, set[Decimal]]] = []
    for index in range(count):
        amount = _decimal(found, f"lines[{index}].amount")
        if amount is None:
            return  # a line without an amount: the total cannot be checked
        periods = {Decimal(1)}
        if found.get(f"lines[{index}].billing_model") in ("subscription", "maintenance"):
            term = _term_months(found)
            if term is not None and term >= 12:
                periods.add(term / 12)
        amounts.append((amount, periods))
    sums = {sum((a for a, _ in amounts), Decimal(0))}
    longest = max(max(p) for _, p in amounts)
    sums.add(sum((a * (longest if longest in p else 1) for a, p in amounts), Decimal(0)))
    taxes = sum((t.amount for t in totals if _is_tax(t.label)), Decimal(0))
    stated: list[tuple[Decimal, Provenance, str, str]] = []
    for total in totals:
        if _is_tax(total.label):
            continue
        stated.append(
            (total.amount, found.source(total.span, Decimal("0.8")), total.label, "lines total row")
        )
    tcv = _decimal(found, "total_contract_value")
    if tcv is not None and all(tcv != s[0] for s in stated):
        stated.append(
            (
                tcv,
                found.values["total_contract_value"].provenance,
                "total contract value",
                "total_contract_value",
            )
        )
    tolerance = _CENT * (count + 1)
    for value, source, label, field in stated:
        candidates = set(sums) | {s + taxes for s in sums}
        if any(abs(value - c) <= tolerance for c in candidates):
            continue
        line_paths = tuple(f"lines[{i}].amount" for i in range(count))
        found.finding(
            "EXTRACT-ARITH-TOTAL",
            f"the {count} line amounts add up to {min(sums):f}"
            + (f" ({max(sums):f} over the whole term)" if len(sums) > 1 else "")
            + f", but the {label} says {value:f}",
            fields=(*line_paths, field) if field == "total_contract_value" else line_paths,
            values={"lines_sum": str(min(sums)), "stated_total": str(value)},
            sources=(source, *_sources(found, line_paths)),
            hint="check for a missing or extra line, or a mistyped total",
            severity=Severity.ERROR,
        )


def _is_tax(label: str) -> bool:
    return any(
        word in label for word in ("tax", "vat", "mwst", "ust", "gst", "hst", "umsatzsteuer")
    )


def _check_milestones(found: Collector) -> None:
    count = 0
    while found.has(f"milestones[{count}].milestone_id"):
        count += 1
    if count == 0:
        return
    fee_paths = [
        f"lines[{i}].amount"
        for i in range(_line_count(found))
        if found.get(f"lines[{i}].billing_model") in ("fixed_fee", "milestone")
        and found.has(f"lines[{i}].amount")
    ]
    fee_path = (
        fee_paths[0]
        if len(fee_paths) == 1
        else "total_contract_value"
        if found.has("total_contract_value")
        else None
    )
    fee = _decimal(found, fee_path) if fee_path else None
    amounts = [_decimal(found, f"milestones[{i}].amount") for i in range(count)]
    percents = [_decimal(found, f"milestones[{i}].percent") for i in range(count)]
    if all(p is not None for p in percents):
        total = sum((p for p in percents if p is not None), Decimal(0))
        if abs(total - _HUNDRED) > _CENT:
            paths = tuple(f"milestones[{i}].percent" for i in range(count))
            found.finding(
                "EXTRACT-ARITH-MILESTONES",
                f"the {count} milestone percentages add up to {total:f} %, not 100 %",
                fields=paths,
                values={"percent_sum": str(total)},
                sources=_sources(found, paths),
                hint="check each milestone's percentage against the signed document",
                severity=Severity.ERROR,
            )
        return
    if fee is None or fee_path is None:
        return
    total = Decimal(0)
    for amount, percent in zip(amounts, percents, strict=True):
        total += amount if amount is not None else fee * (percent or Decimal(0)) / _HUNDRED
    if abs(total - fee) > _CENT * count:
        paths = tuple(
            f"milestones[{i}].amount" if amounts[i] is not None else f"milestones[{i}].percent"
            for i in range(count)
        )
        found.finding(
            "EXTRACT-ARITH-MILESTONES",
            f"the {count} milestones add up to {total:f}, but the fee ({fee_path}) is {fee:f}",
            fields=(*paths, fee_path),
            values={"milestones_sum": str(total), "fee": str(fee)},
            sources=_sources(found, (*paths, fee_path)),
            hint="check for a missing milestone or a mistyped amount",
            severity=Severity.ERROR,
        )


def check_arithmetic(found: Collector, totals: list[StatedTotal]) -> None:
    """Every arithmetic check; disagreements become findings on ``found``."""
    _check_lines(found)
    _check_totals(found, totals)
    _check_milestones(found)
