"""Order forms for edge appliances: hardware billed on shipment, maintenance yearly.

An appliance is billed once, when it ships. Its maintenance is a yearly
charge of a fixed percentage of the appliance price (18 % standard, 22 %
premium), billed annually in advance for one or three years, and stated
as ``percent`` of the hardware line (``percent_of_line``).

    Order Form NWUS-OF-000107, 36 months from 2026-02-01
    L1  Edge Appliance E400           2 x 26,600.00 (5 % off 28,000) = 53,200.00   on shipment
    L2  Maintenance, premium (22 %)   2 x  5,852.00 a year x 3 years = 35,112.00   annual, advance

The **Edge Starter Kit** is a bundle: one price for the appliance, its
first year of maintenance and onboarding. The contract lists the kit with
its price and each component with ``bundle_parent`` pointing at it and a
zero price; revenue allocation later splits the kit price over the
components by their standalone selling prices.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from billops.demo.amounts import cents, term_end
from billops.demo.catalog import product_by_sku
from billops.demo.company import Record
from billops.demo.contracts import (
    DealContext,
    choose_discount,
    commercial_terms,
    finish,
    header,
    percent_of,
    priced_line,
    renewal,
    signature_and_start,
)

PRODUCTS = product_by_sku()
ZERO = Decimal("0.00")


def build_hardware(ctx: DealContext) -> Record:
    """Appliances with maintenance, or the Edge Starter Kit bundle."""
    rng = ctx.rng
    bundle = ctx.option("bundle", rng.random() < 0.3)
    years = 1 if bundle else ctx.option("maintenance_years", rng.choice((1, 3, 3)))
    signed, start = signature_and_start(ctx)
    end = term_end(start, 12 * years)
    title = (
        "Order Form: Edge Starter Kit"
        if bundle
        else f"Order Form: edge appliances, {12 * years} months maintenance"
    )
    contract = header(
        ctx,
        document_type="order_form",
        title=title,
        signed=signed,
        start=start,
        end=end,
        term_months=12 * years,
    )
    billing = {
        "frequency": "annual",
        "timing": "advance",
        "alignment": "anniversary",
        "bill_cycle_day": start.day,
    }
    commercial_terms(ctx, contract, billing)
    contract["renewal"] = renewal(rng)
    lines = _kit(ctx, contract) if bundle else _appliances(ctx, contract, years)
    return finish(contract, lines)


def _appliances(ctx: DealContext, contract: Record, years: int) -> list[Record]:
    rng = ctx.rng
    sku = rng.choice(("NW-HW-E100", "NW-HW-E100", "NW-HW-E400"))
    quantity = Decimal(rng.randint(1, 6) if sku == "NW-HW-E100" else rng.randint(1, 3))
    discount = min(choose_discount(rng, ctx.profile.segment), Decimal(20))
    appliance = PRODUCTS[sku]
    hardware = priced_line(
        line_id="L1",
        product=appliance,
        currency=ctx.currency,
        quantity=quantity,
        discount_percent=discount,
        frequency="one_time",
    )
    maintenance_sku = "NW-MNT-PREM" if rng.random() < 0.3 else "NW-MNT-STD"
    maintenance = PRODUCTS[maintenance_sku]
    percent: Decimal = maintenance["percent"]
    yearly_list = percent_of(appliance["list_price"][ctx.currency], percent)
    care = priced_line(
        line_id="L2",
        product=maintenance,
        currency=ctx.currency,
        quantity=quantity,
        discount_percent=discount,
        list_price=yearly_list,
        periods=Fraction(years),
        description=f"{maintenance['name']}: {percent} % of the appliance price a year",
        service_start=contract["start_date"],
        service_end=contract["end_date"],
        percent_of_line="L1",
        percent=percent,
    )
    return [hardware, care]


def _kit(ctx: DealContext, contract: Record) -> list[Record]:
    rng = ctx.rng
    kits = Decimal(rng.randint(1, 3))
    bundle = PRODUCTS["NW-BND-EDGE-KIT"]
    parent = priced_line(
        line_id="L1",
        product=bundle,
        currency=ctx.currency,
        quantity=kits,
        discount_percent=min(choose_discount(rng, ctx.profile.segment), Decimal(10)),
        frequency="one_time",
    )
    lines = [parent]
    for number, component in enumerate(bundle["components"], start=2):
        lines.append(
            _component(ctx, contract, f"L{number}", component["sku"], kits * component["quantity"])
        )
    return lines


def _component(
    ctx: DealContext, contract: Record, line_id: str, sku: str, quantity: Decimal
) -> Record:
    """A bundle component: its own billing model and list price, no price of its own."""
    product = PRODUCTS[sku]
    listed = product["list_price"]
    if product["billing_model"] == "maintenance":
        listed = {
            ctx.currency: percent_of(
                PRODUCTS["NW-HW-E100"]["list_price"][ctx.currency], product["percent"]
            )
        }
    line = {
        "line_id": line_id,
        "sku": sku,
        "description": f"{product['name']} (Edge Starter Kit component)",
        "billing_model": product["billing_model"],
        "quantity": quantity,
        "unit": product["unit"],
        "unit_price": ZERO,
        "list_price": cents(listed[ctx.currency]),
        "amount": ZERO,
        "bundle_parent": "L1",
    }
    if product["billing_model"] == "maintenance":
        line.update(service_start=contract["start_date"], service_end=contract["end_date"])
    return line
