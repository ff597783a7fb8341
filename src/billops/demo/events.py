"""What happened under the demo contracts up to the as-of date.

Contracts say what may be billed; events say what has become billable.
A billing run reads both. The demo produces the five kinds of event the
billing models wait for, each as flat rows a PSA, warehouse, provisioning
system or metering pipeline would export:

- **time entries** (time and materials): who worked, in which role, on
  which day, how many hours; ``approved`` and ``status`` (``approved``,
  ``submitted`` - the last ten days are not approved yet -, ``rejected``).
  Only approved hours may be billed.
- **milestone acceptances**: the customer accepted (or rejected) a
  deliverable; an accepted milestone makes its amount billable.
- **shipments** (hardware): what left the warehouse, with serial numbers.
- **provisioning**: a subscription's tenant went live or seats were added
  (what a go-live trigger waits for, and what a leakage check compares
  with the seats billed).
- **usage**: API calls per line per calendar month, closed months only.

Every row carries an ``idempotency_key`` derived from what it describes
(``TE-<contract>-<n>``, ``MA-<contract>-<milestone>-<n>``,
``SH-<contract>-<line>-<n>``, ``PV-<contract>-<line>``,
``US-<contract>-<line>-<yyyymm>``), so loading the same file twice, or a
corrected file, can be recognised without comparing contents.

    >>> usage_key("NWDE-OF-000104", "L2", date(2026, 10, 1))
    'US-NWDE-OF-000104-L2-202610'
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from billops.demo import fiction
from billops.demo.amounts import months_between, next_weekday
from billops.demo.company import Record

UNAPPROVED_DAYS = 10
FULL_DAY = Decimal(8)
_HOURS: tuple[Decimal, ...] = (Decimal(2), Decimal(4), Decimal("6.5"), FULL_DAY)

_TASKS: tuple[str, ...] = (
    "Discovery workshop",
    "Requirements and process mapping",
    "Solution design",
    "Data migration: customer master",
    "Data migration: open items",
    "Integration build: ERP connector",
    "Integration build: identity provider (SSO)",
    "Reporting and dashboards",
    "User acceptance testing support",
    "Cut-over planning",
    "Go-live support",
    "Project steering and status reporting",
    "Admin training",
)


def usage_key(contract_id: str, line_id: str, month_start: date) -> str:
    """The idempotency key of one usage line's count for one calendar month."""
    return f"US-{contract_id}-{line_id}-{month_start:%Y%m}"


def _lines(contract: Record, billing_model: str) -> Iterator[Record]:
    for line in contract["lines"]:
        if line["billing_model"] == billing_model and not line.get("bundle_parent"):
            yield line


def time_entries(rng: random.Random, contract: Record, entity: str, as_of: date) -> list[Record]:
    """Weekly timesheet rows for the staff on each T&M line, from start to ``as_of``."""
    entries: list[Record] = []
    for line in _lines(contract, "time_and_materials"):
        staff = _staff(rng, contract, entity)
        start = line.get("service_start") or contract["start_date"]
        end = min(line.get("service_end") or contract["end_date"], as_of)
        week = start - timedelta(days=start.weekday())
        while week <= end:
            for person, role, unit in staff:
                entries.extend(
                    _week_of_entries(
                        rng, contract, line, (person, role, unit), week, start, end, as_of
                    )
                )
            week += timedelta(days=7)
    for number, entry in enumerate(entries, start=1):
        entry["idempotency_key"] = f"TE-{contract['contract_id']}-{number:05d}"
    return [_key_first(entry) for entry in entries]


def _staff(rng: random.Random, contract: Record, entity: str) -> list[tuple[str, str, str]]:
    people = fiction.CONSULTANTS["US" if entity == "NWUS" else "DE"]
    rates = contract["rate_card"]
    size = min(len(rates), rng.randint(2, 3))
    chosen_rates = rng.sample(rates, size)
    names = rng.sample(people, size)
    return [
        (name, rate["role"], rate["unit"]) for name, rate in zip(names, chosen_rates, strict=True)
    ]


def _week_of_entries(
    rng: random.Random,
    contract: Record,
    line: Record,
    staff: tuple[str, str, str],
    week: date,
    start: date,
    end: date,
    as_of: date,
) -> Iterator[Record]:
    person, role, unit = staff
    days = sorted(rng.sample(range(5), rng.choice((1, 2, 2))))
    for offset in days:
        work_date = week + timedelta(days=offset)
        if not start <= work_date <= end:
            continue
        hours = FULL_DAY if unit == "day" else rng.choice(_HOURS)
        status = _status(rng, work_date, as_of)
        yield {
            "contract_id": contract["contract_id"],
            "line_id": line["line_id"],
            "person": person,
            "role": role,
            "work_date": work_date,
            "hours": hours,
            "approved": status == "approved",
            "status": status,
            "billable": True,
            "description": rng.choice(_TASKS),
        }


def _status(rng: random.Random, work_date: date, as_of: date) -> str:
    if (as_of - work_date).days < UNAPPROVED_DAYS:
        return "submitted"
    return "rejected" if rng.random() < 0.03 else "approved"


def milestone_acceptances(rng: random.Random, contract: Record, as_of: date) -> list[Record]:
    """Acceptances of the milestones due by ``as_of``; a few were rejected once first."""
    rows: list[Record] = []
    approver = (contract.get("billing_contact") or {}).get("name") or "Project sponsor"
    for milestone in contract["milestones"]:
        due: date | None = milestone.get("due_date")
        if not milestone.get("acceptance_required", True) or due is None or due > as_of:
            continue
        if rng.random() < 0.15:
            continue  # delivered, acceptance still outstanding: work in progress, not billable
        decided = due + timedelta(days=rng.randint(0, 12))
        number = 1
        if rng.random() < 0.12 and decided + timedelta(days=10) <= as_of:
            rows.append(_decision(contract, milestone, number, "rejected", decided, approver))
            decided += timedelta(days=rng.randint(5, 10))
            number += 1
        if decided <= as_of:
            rows.append(_decision(contract, milestone, number, "accepted", decided, approver))
    return rows


def _decision(
    contract: Record, milestone: Record, number: int, status: str, on: date, approver: str
) -> Record:
    comment = (
        "Deliverable accepted as specified."
        if status == "accepted"
        else ("Rejected: open defects in acceptance test; resubmit after fixes.")
    )
    return {
        "idempotency_key": f"MA-{contract['contract_id']}-{milestone['milestone_id']}-{number}",
        "contract_id": contract["contract_id"],
        "milestone_id": milestone["milestone_id"],
        "status": status,
        "decided_on": on,
        "decided_by": approver,
        "comment": comment,
    }


def shipments(rng: random.Random, contract: Record, as_of: date) -> list[Record]:
    """Shipments of appliances (and kits); orders above two units ship in two parts."""
    rows: list[Record] = []
    for line_number, line in enumerate(contract["lines"], start=1):
        if line["billing_model"] != "hardware" or line.get("bundle_parent"):
            continue
        quantity = int(line["quantity"])
        parts = [quantity] if quantity <= 2 else [quantity // 2, quantity - quantity // 2]
        ship_date = next_weekday(contract["start_date"] + timedelta(days=rng.randint(3, 20)))
        serials = _serial_numbers(contract["contract_id"], line_number, line["sku"], quantity)
        for part_number, part in enumerate(parts, start=1):
            if ship_date > as_of:
                break
            shipped, serials = serials[:part], serials[part:]
            key = f"SH-{contract['contract_id']}-{line['line_id']}-{part_number}"
            rows.append(_shipment(key, contract, line, shipped, ship_date, rng))
            ship_date = next_weekday(ship_date + timedelta(days=rng.randint(14, 35)))
    return rows


def _serial_numbers(contract_id: str, line_number: int, sku: str, quantity: int) -> list[str]:
    """``E100-0001040101``: model, contract number, line number, unit: unique by construction."""
    model = sku.rsplit("-", 1)[-1]
    contract_number = contract_id.rsplit("-", 1)[-1]
    return [
        f"{model}-{contract_number}{line_number:02d}{unit:03d}" for unit in range(1, quantity + 1)
    ]


def _shipment(
    key: str,
    contract: Record,
    line: Record,
    serials: list[str],
    ship_date: date,
    rng: random.Random,
) -> Record:
    return {
        "idempotency_key": key,
        "contract_id": contract["contract_id"],
        "line_id": line["line_id"],
        "sku": line["sku"],
        "quantity": Decimal(len(serials)),
        "serial_numbers": serials,
        "ship_date": ship_date,
        "tracking_number": f"NWL{rng.randint(10**9, 10**10 - 1)}",
    }


def provisioning(rng: random.Random, contract: Record, as_of: date) -> list[Record]:
    """Go-live of each subscription line's tenant (seats added, for an amendment)."""
    rows: list[Record] = []
    amends = contract.get("amends")
    for line in _lines(contract, "subscription"):
        start: date = line.get("service_start") or contract["start_date"]
        live = start + timedelta(days=rng.choice((-2, 0, 0, 0, 1, 3, 6)))
        if live > as_of:
            continue
        rows.append(
            {
                "idempotency_key": f"PV-{contract['contract_id']}-{line['line_id']}",
                "contract_id": contract["contract_id"],
                "line_id": line["line_id"],
                "sku": line["sku"],
                "event": "seats_added" if amends else "tenant_live",
                "tenant_id": _tenant_id(amends or contract["contract_id"]),
                "occurred_on": live,
                "quantity": line["quantity"],
            }
        )
    return rows


def _tenant_id(contract_id: str) -> str:
    entity, _, number = contract_id.split("-")
    return f"tnt-{entity.lower()}-{number}"


def usage(rng: random.Random, contract: Record, as_of: date) -> list[Record]:
    """Monthly API-call counts per usage line, for every month that has closed by ``as_of``."""
    rows: list[Record] = []
    for line in _lines(contract, "usage"):
        start: date = line.get("service_start") or contract["start_date"]
        end: date = min(line.get("service_end") or contract["end_date"], as_of)
        volume = _monthly_volume(rng, line)
        for month_start, month_end in months_between(start, end):
            if month_end > as_of:
                continue
            calls = int(volume * rng.uniform(0.7, 1.3))
            volume *= rng.uniform(1.0, 1.06)
            rows.append(_usage_row(contract, line, month_start, month_end, calls))
    return rows


def _monthly_volume(rng: random.Random, line: Record) -> float:
    included = int(line.get("included_units") or 1_000_000)
    # Some customers stay under their included units (minimum commitment true-up),
    # most exceed them by a little, a few by several times.
    return included * rng.choice((0.6, 0.9, 1.2, 1.5, 2.5, 4.0))


def _usage_row(
    contract: Record, line: Record, month_start: date, month_end: date, calls: int
) -> Record:
    return {
        "idempotency_key": usage_key(contract["contract_id"], line["line_id"], month_start),
        "contract_id": contract["contract_id"],
        "line_id": line["line_id"],
        "sku": line["sku"],
        "meter": "api_calls",
        "period_start": month_start,
        "period_end": month_end,
        "quantity": Decimal(calls),
        "unit": line.get("unit") or "api_call",
    }


def _key_first(entry: dict[str, Any]) -> Record:
    return {"idempotency_key": entry.pop("idempotency_key"), **entry}
