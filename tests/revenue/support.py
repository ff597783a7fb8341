"""Shared pieces of the revenue tests: a small catalogue and contracts written out by hand.

The catalogue follows the demo company's: a per-seat-per-month plan with an
SSP range, onboarding with one SSP, an appliance with one SSP, maintenance
at 18 % of the appliance (its SSP 18 % of the appliance's SSP), fixed-fee
implementation with a range, deliverables with no SSP (a residual
candidate), usage, time and materials, and an edge kit bundle.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from billops.domain.catalog import Catalogue, parse_catalogue
from billops.domain.contract import ContractTerms, parse_contract
from billops.domain.money import Money

D = Decimal


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def _product(sku: str, model: str, category: str, unit: str, **extra: Any) -> dict[str, Any]:
    accounts = {
        "subscription": ("4010", "2410", "1310"),
        "hardware": ("4210", "2440", "1340"),
        "maintenance": ("4220", "2450", "1350"),
        "onboarding": ("4310", "2460", "1360"),
        "professional_services": ("4110", "2430", "1330"),
        "usage": ("4020", "2420", "1320"),
        "software_licence": ("4050", "2415", "1315"),
    }[category]
    return {
        "sku": sku,
        "name": sku.title(),
        "billing_model": model,
        "revenue_category": category,
        "unit": unit,
        "gl_revenue": accounts[0],
        "gl_deferred": accounts[1],
        "gl_unbilled": accounts[2],
        "tax_code": "T",
        **extra,
    }


CATALOGUE: list[dict[str, Any]] = [
    _product(
        "SUB-PRO", "subscription", "subscription", "seat", price_period="month",
        list_price={"USD": "45"}, ssp_range={"USD": {"low": "36", "high": "45"}},
    ),
    _product("ONB", "one_time", "onboarding", "each", ssp={"USD": "2500"}),
    _product("HW", "hardware", "hardware", "appliance", ssp={"USD": "10800"}),
    _product(
        "MNT", "maintenance", "maintenance", "appliance", price_period="year",
        percent="18", percent_of="hardware", ssp_percent="18",
    ),
    _product(
        "IMPL", "fixed_fee", "professional_services", "engagement",
        ssp_range={"USD": {"low": "25000", "high": "32000"}},
    ),
    _product("DELIV", "milestone", "professional_services", "deliverable"),
    _product("API", "usage", "usage", "call"),
    _product("TM", "time_and_materials", "professional_services", "hour"),
    _product("LIC", "one_time", "software_licence", "licence", ssp={"USD": "50000"}),
    _product(
        "KIT", "hardware", "hardware", "kit", list_price={"USD": "14500"},
        components=[{"sku": "HW"}, {"sku": "MNT"}, {"sku": "ONB"}],
    ),
]  # fmt: skip


def catalogue(records: list[dict[str, Any]] | None = None) -> Catalogue:
    return parse_catalogue(copy.deepcopy(records if records is not None else CATALOGUE))


def contract(lines: list[dict[str, Any]], **extra: Any) -> ContractTerms:
    """An order form for Globex in USD for 2026, with these lines."""
    data: dict[str, Any] = {
        "contract_id": "OF-R-1",
        "document_type": "order_form",
        "supplier": {"code": "NWUS", "name": "Northwind"},
        "customer": {"code": "C1", "name": "Globex"},
        "currency": "USD",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "lines": lines,
    }
    data.update(extra)
    return parse_contract(data)


def line(line_id: str, sku: str, model: str, amount: str | None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "line_id": line_id,
        "sku": sku,
        "description": f"{sku} line",
        "billing_model": model,
    }
    if amount is not None:
        data["amount"] = amount
    data.update(extra)
    return data


JAN_1 = date(2026, 1, 1)
