"""Small builders for schedule stories: a contract from only the fields a story cares about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.schedules import Schedule, ScheduleItem


def contract(*lines: dict[str, Any], **fields: Any) -> ContractTerms:
    """Contract ``C-1`` in USD with ``lines`` (each needs only what differs from a default)."""
    data: dict[str, Any] = {
        "contract_id": "C-1",
        "document_type": "order_form",
        "currency": "USD",
        "supplier": {"name": "Acme Software, Inc."},
        "customer": {"name": "Globex Corporation"},
        "lines": [
            {"line_id": f"L{index}", "description": f"Line {index}", **line}
            for index, line in enumerate(lines, start=1)
        ],
    }
    data.update(fields)
    return parse_contract(data)


def seats(**fields: Any) -> dict[str, Any]:
    """A subscription line of seats (fields override)."""
    return {"billing_model": "subscription", "unit": "seat", **fields}


def amounts(items: tuple[ScheduleItem, ...] | list[ScheduleItem]) -> list[str]:
    return [format(item.amount.amount, "f") for item in items]


def rows(schedule: Schedule) -> list[tuple[str, str, date | None, str]]:
    """(key, amount, bill date, status) of each item: the shape stories assert on."""
    return [
        (item.item_key, format(item.amount.amount, "f"), item.bill_date, item.status.value)
        for item in schedule.items
    ]


def total(items: tuple[ScheduleItem, ...] | list[ScheduleItem]) -> Decimal:
    return sum((item.amount.amount for item in items), Decimal(0))


def rule_ids(schedule: Schedule) -> list[str]:
    return [f.rule_id for f in schedule.findings]
