"""Invoices to render, written out by hand: one per tax situation billops must print and send.

Northwind Cloud GmbH (Berlin) bills in euro with a German locale; its
Japanese sister company bills in yen. Every amount below is worked out by
hand in the comment next to it, so a test can compare the documents with
numbers that do not come from the code under test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billops.domain.calendar import Period
from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    InvoiceStatus,
    PaymentInstructions,
    PrecedingInvoice,
    TaxCategory,
    TaxTreatment,
)
from billops.domain.parties import Address, Contact, TaxId

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))
VAT_19 = TaxTreatment(TaxCategory.STANDARD, Decimal("19"))
VAT_7 = TaxTreatment(TaxCategory.STANDARD, Decimal("7"))
REVERSE_CHARGE = TaxTreatment(
    TaxCategory.REVERSE_CHARGE, exemption_reason="Reverse charge", exemption_code="VATEX-EU-AE"
)
EXEMPT = TaxTreatment(TaxCategory.EXEMPT, exemption_reason="Training by a recognised institution")

NORTHWIND = InvoiceParty(
    name="Northwind Cloud GmbH",
    address=Address(line1="Friedrichstraße 123", city="Berlin", postal_code="10117", country="DE"),
    tax_id=TaxId(scheme="vat", value="DE123456789"),
    code="NW-DE",
    contact=Contact(
        name="Accounts receivable", email="billing@northwind.example", phone="+49 30 1234567"
    ),
    endpoint="9930:DE123456789",
)
NORTHWIND_BANK = PaymentInstructions(
    iban="DE89370400440532013000",
    bic="COBADEFFXXX",
    account_name="Northwind Cloud GmbH",
)
GLOBEX_DE = InvoiceParty(
    name="Globex Deutschland AG",
    address=Address(
        line1="Hafenstraße 7", line2="3. OG", city="Hamburg", postal_code="20457", country="DE"
    ),
    tax_id=TaxId(scheme="vat", value="DE987654321"),
    code="globex-de",
    contact=Contact(name="Petra Schmidt", email="ap@globex.example"),
    endpoint="9930:DE987654321",
)
RIVERBEND_BE = InvoiceParty(
    name="Riverbend Health BV",
    address=Address(line1="Bondgenotenlaan 1", city="Leuven", postal_code="3000", country="BE"),
    tax_id=TaxId(scheme="vat", value="BE0123456749"),
    code="riverbend",
    contact=Contact(name="Finance department", email="invoices@riverbend.example"),
    endpoint="0208:0123456749",
)


def _invoice(**fields: object) -> Invoice:
    defaults: dict[str, object] = {
        "kind": DocumentKind.INVOICE,
        "entity_code": "NW-DE",
        "currency": "EUR",
        "issue_date": date(2026, 11, 23),
        "due_date": date(2026, 12, 23),
        "seller": NORTHWIND,
        "status": InvoiceStatus.ISSUED,
        "payment_terms": "30 days net",
        "payment": NORTHWIND_BANK,
        "contract_ids": ("C-2026-014",),
    }
    defaults.update(fields)
    return Invoice(**defaults)  # type: ignore[arg-type]


def domestic() -> Invoice:
    """Germany to Germany at 19 %: 100 seats at 45.00 less 10 % and 12 hours at 150.00.

    4,050.00 + 1,800.00 = 5,850.00 net; 19 % = 1,111.50; 6,961.50 to pay.
    """
    return _invoice(
        number="NWDE-2026-000123",
        customer_code="globex-de",
        buyer=GLOBEX_DE,
        purchase_order="PO-4711",
        lines=(
            InvoiceLine.priced(
                line_no=1, description="Workspace Pro subscription, 100 seats",
                quantity=Decimal(100), unit="seat", unit_price=Decimal("45.00"),
                discount_percent=Decimal("10"), currency="EUR", tax=VAT_19,
                service_period=NOVEMBER, sku="WS-PRO",
            ),
            InvoiceLine.priced(
                line_no=2, description="Onboarding consultancy (approved time entries)",
                quantity=Decimal(12), unit="hour", unit_price=Decimal("150.00"),
                currency="EUR", tax=VAT_19, service_period=NOVEMBER,
            ),
        ),
    )  # fmt: skip


def reverse_charge() -> Invoice:
    """Germany to Belgium, both VAT-registered: reverse charge, no VAT.

    2 x 12,500.00 = 25,000.00 net; VAT 0.00; 25,000.00 to pay.
    """
    return _invoice(
        number="NWDE-2026-000124",
        customer_code="riverbend",
        buyer=RIVERBEND_BE,
        purchase_order="RB-2026-0042",
        lines=(
            InvoiceLine.priced(
                line_no=1, description="Analytics platform, annual licence (first half)",
                quantity=Decimal(2), unit="unit", unit_price=Decimal("12500.00"),
                currency="EUR", tax=REVERSE_CHARGE, service_period=Period(
                    date(2026, 12, 1), date(2027, 5, 31)
                ),
            ),
        ),
    )  # fmt: skip


def multiple_rates() -> Invoice:
    """Three taxes on one invoice: 19 %, 7 % (books) and an exempt training.

    19 %: 3 x 333.33 = 999.99 -> VAT 190.00 (189.9981);
    7 %: 4 x 24.90 = 99.60 -> VAT 6.97 (6.972);
    exempt: 1 x 800.00 = 800.00.
    Net 1,899.59; VAT 196.97; 2,096.56 to pay.
    """
    return _invoice(
        number="NWDE-2026-000125",
        customer_code="globex-de",
        buyer=GLOBEX_DE,
        purchase_order="PO-4712",
        lines=(
            InvoiceLine.priced(
                line_no=1, description="Support plan Gold", quantity=Decimal(3),
                unit="month", unit_price=Decimal("333.33"), currency="EUR", tax=VAT_19,
                service_period=Period(date(2026, 9, 1), date(2026, 11, 30)),
            ),
            InvoiceLine.priced(
                line_no=2, description="Printed administrator handbook", quantity=Decimal(4),
                unit="each", unit_price=Decimal("24.90"), currency="EUR", tax=VAT_7,
            ),
            InvoiceLine.priced(
                line_no=3, description="Administrator training, one day", quantity=Decimal(1),
                unit="day", unit_price=Decimal("800.00"), currency="EUR", tax=EXEMPT,
                service_period=Period(date(2026, 11, 12), date(2026, 11, 12)),
            ),
        ),
    )  # fmt: skip


def credit_note() -> Invoice:
    """A partial credit of invoice NWDE-2026-000123: 10 seats for November not used.

    10 x 45.00 less 10 % = 405.00 net; 19 % = 76.95; 481.95 credited.
    """
    return _invoice(
        kind=DocumentKind.CREDIT_NOTE,
        number="NWDE-2026-000130",
        customer_code="globex-de",
        buyer=GLOBEX_DE,
        purchase_order="PO-4711",
        preceding=PrecedingInvoice("NWDE-2026-000123", date(2026, 11, 23)),
        reason="10 seats cancelled from 1 November 2026.",
        issue_date=date(2026, 11, 25),
        due_date=date(2026, 11, 25),
        payment_terms=None,
        lines=(
            InvoiceLine.priced(
                line_no=1, description="Workspace Pro subscription, 10 seats cancelled",
                quantity=Decimal(10), unit="seat", unit_price=Decimal("45.00"),
                discount_percent=Decimal("10"), currency="EUR", tax=VAT_19,
                service_period=NOVEMBER, sku="WS-PRO",
            ),
        ),
    )  # fmt: skip


NORTHWIND_JP = InvoiceParty(
    name="Northwind Cloud KK",
    address=Address(
        line1="1-2-3 Marunouchi", city="Chiyoda-ku, Tokyo", postal_code="100-0005", country="JP"
    ),
    tax_id=TaxId(scheme="vat", value="JPT1234567890123"),
    code="NW-JP",
    contact=Contact(name="Billing", email="billing@northwind.example"),
    endpoint="0188:1234567890123",
)
KAIJU_JP = InvoiceParty(
    name="Kaiju Robotics KK",
    address=Address(line1="4-5-6 Umeda", city="Osaka", postal_code="530-0001", country="JP"),
    tax_id=TaxId(scheme="vat", value="JPT9876543210987"),
    code="kaiju",
    endpoint="0188:9876543210987",
)


def yen() -> Invoice:
    """In yen, which has no minor unit: 3 x 333.5 = 1,000.5 -> 1,001 yen, 10 % = 100 yen.

    Plus 40 hours at 12,000 = 480,000. Net 481,001; tax 48,100 (48,100.1); 529,101 to pay.
    """
    return _invoice(
        number="NWJP-2026-000007",
        entity_code="NW-JP",
        customer_code="kaiju",
        currency="JPY",
        seller=NORTHWIND_JP,
        buyer=KAIJU_JP,
        purchase_order="KJ-88",
        payment=PaymentInstructions(account_name="Northwind Cloud KK"),
        lines=(
            InvoiceLine.priced(
                line_no=1, description="API calls over quota (per 1,000)", quantity=Decimal(3),
                unit="each", unit_price=Decimal("333.5"), currency="JPY",
                tax=TaxTreatment(TaxCategory.STANDARD, Decimal("10")), service_period=NOVEMBER,
            ),
            InvoiceLine.priced(
                line_no=2, description="Integration engineering", quantity=Decimal(40),
                unit="hour", unit_price=Decimal("12000"), currency="JPY",
                tax=TaxTreatment(TaxCategory.STANDARD, Decimal("10")), service_period=NOVEMBER,
            ),
        ),
    )  # fmt: skip


NORTHWIND_US = InvoiceParty(
    name="Northwind Cloud, Inc.",
    address=Address(
        line1="500 Market Street",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        country="US",
    ),
    tax_id=TaxId(scheme="ein", value="12-3456789"),
    code="NW-US",
)
INITECH_US = InvoiceParty(
    name="Initech LLC",
    address=Address(
        line1="4120 Freidrich Lane", city="Austin", region="TX", postal_code="78744", country="US"
    ),
    tax_id=TaxId(scheme="ein", value="98-7654321"),
    code="initech",
    contact=Contact(name="Bill Lumbergh", email="ap@initech.example"),
)


def outside_scope() -> Invoice:
    """A US sale, not subject to VAT: 250 users at 12.00 = 3,000.00; nothing added.

    A further 1,234,567 API calls at 0.0012 = 1,481.4804 -> 1,481.48. Total 4,481.48.
    """
    no_vat = TaxTreatment(TaxCategory.OUTSIDE_SCOPE)
    return _invoice(
        number="NWUS-2026-000042",
        entity_code="NW-US",
        customer_code="initech",
        currency="USD",
        seller=NORTHWIND_US,
        buyer=INITECH_US,
        payment=PaymentInstructions(account_name="Northwind Cloud, Inc."),
        lines=(
            InvoiceLine.priced(
                line_no=1, description="Workspace Standard, 250 users", quantity=Decimal(250),
                unit="user", unit_price=Decimal("12.00"), currency="USD", tax=no_vat,
                service_period=DECEMBER,
            ),
            InvoiceLine.priced(
                line_no=2, description="API calls", quantity=Decimal(1234567),
                unit="request", unit_price=Decimal("0.0012"), currency="USD", tax=no_vat,
                service_period=NOVEMBER,
            ),
        ),
    )  # fmt: skip


ALL = {
    "domestic": domestic,
    "reverse_charge": reverse_charge,
    "multiple_rates": multiple_rates,
    "credit_note": credit_note,
    "yen": yen,
    "outside_scope": outside_scope,
}
