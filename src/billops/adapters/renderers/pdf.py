"""The printed invoice and credit note: HTML and CSS, rendered to PDF by WeasyPrint.

What a customer's accounts-payable clerk needs on one page, in the order
they look for it: who bills (the legal entity, its VAT id), the document
number and dates, who is billed and to whose attention, the purchase order
to match against, the lines with their service periods, the tax breakdown
(with the legal wording a reverse charge or an exemption requires), the
total, and how to pay it. A credit note says, above its lines, which
invoice it corrects and why.

Amounts, dates and quantities are written for the legal entity's locale
(``billops.domain.l10n``: ``6.961,50 €`` for de_DE, ``$6,961.50`` for
en_US, ``￥529,101`` for ja_JP); the labels are English.

    pdf_bytes = render_pdf(invoice, locale="de_DE")
    pdf_a = render_pdf(invoice, locale="de_DE", pdf_variant="pdf/a-3b")

The page is ``templates/invoice.html`` (a ``string.Template``) styled by
``templates/invoice.css``; every value is HTML-escaped before it goes in.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape
from importlib.resources import files
from string import Template
from typing import Final

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from stdnum import iban as iban_number

from billops.domain.calendar import Period
from billops.domain.invoices import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceParty,
    TaxBreakdown,
    TaxCategory,
)
from billops.domain.l10n import format_amount, format_money, format_unit_price
from billops.domain.money import Money
from billops.domain.parties import Address

__all__ = ["render_html", "render_pdf"]

_TEMPLATES = files("billops.adapters.renderers") / "templates"

# Countries that write the postcode after the city and region.
_CITY_REGION_POSTCODE: Final = frozenset({"US", "CA", "AU"})
# What the "VAT" column says for a line without a rate of its own.
_LINE_VAT: Final = {
    TaxCategory.ZERO_RATED: "0 %",
    TaxCategory.EXEMPT: "exempt",
    TaxCategory.REVERSE_CHARGE: "reverse charge",
    TaxCategory.INTRA_COMMUNITY: "exempt (IC)",
    TaxCategory.EXPORT: "exempt (export)",
    TaxCategory.OUTSIDE_SCOPE: "not subject",
}
# The legal wording printed under the tax breakdown for a category without VAT.
_TAX_NOTES: Final = {
    TaxCategory.REVERSE_CHARGE: (
        "Reverse charge: no VAT is charged on this supply. The recipient is liable to account "
        "for the VAT (Article 196, Council Directive 2006/112/EC)."
    ),
    TaxCategory.INTRA_COMMUNITY: (
        "Intra-community supply exempt from VAT (Article 138, Council Directive 2006/112/EC)."
    ),
    TaxCategory.EXPORT: "Export outside the European Union, exempt from VAT.",
    TaxCategory.OUTSIDE_SCOPE: "Not subject to VAT.",
    TaxCategory.EXEMPT: "Exempt from VAT.",
}


def render_pdf(invoice: Invoice, *, locale: str, pdf_variant: str | None = None) -> bytes:
    """The invoice or credit note as a PDF; ``pdf_variant="pdf/a-3b"`` for Factur-X."""
    from weasyprint import HTML  # imported here: loading Pango costs a second

    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    document = HTML(string=render_html(invoice, locale=locale))
    pdf: bytes = document.write_pdf(**options)
    return pdf


def render_html(invoice: Invoice, *, locale: str) -> str:
    """The HTML page that ``render_pdf`` prints."""
    page = _Page(invoice, locale)
    template = Template((_TEMPLATES / "invoice.html").read_text(encoding="utf-8"))
    return template.substitute(page.fields())


def _css_string(text: str) -> str:
    """Text as the inside of a double-quoted CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


class _Page:
    """The pieces of one document's page, each already escaped HTML."""

    def __init__(self, invoice: Invoice, locale: str) -> None:
        self.invoice = invoice
        self.locale = locale
        self.babel_locale = Locale.parse(locale, sep="-" if "-" in locale else "_")
        self.credit = invoice.kind is DocumentKind.CREDIT_NOTE

    # -- formatting
    def money(self, money: Money) -> str:
        return escape(format_money(money, self.locale))

    def amount(self, money: Money) -> str:
        return escape(format_amount(money, self.locale))

    def quantity(self, value: Decimal) -> str:
        return escape(format_decimal(value, locale=self.babel_locale))

    def day(self, value: date) -> str:
        return escape(format_date(value, format="medium", locale=self.babel_locale))

    def period(self, period: Period) -> str:
        return f"{self.day(period.start)} – {self.day(period.end)}"

    def percent(self, rate: Decimal) -> str:
        return escape(format_decimal(rate, locale=self.babel_locale)) + "&#160;%"

    def fields(self) -> dict[str, str]:
        invoice = self.invoice
        kind_label = "Credit note" if self.credit else "Invoice"
        title = f"{kind_label} {invoice.number or '(draft)'}"
        return {
            "lang": "en",
            "title": escape(title),
            "page_label": _css_string(title),
            "css": (_TEMPLATES / "invoice.css").read_text(encoding="utf-8"),
            "seller_name": escape(invoice.seller.name),
            "seller_block": self.seller_block(),
            "kind_label": kind_label.upper(),
            "facts": self.facts(),
            "buyer_block": self.buyer_block(),
            "remit_heading": "Your contact" if self.credit else "Remit to",
            "remit_block": self.remit_block(),
            "correction": self.correction(),
            "currency": escape(invoice.currency),
            "lines": "".join(self.line(line) for line in invoice.lines),
            "taxes": "".join(self.tax_row(group) for group in invoice.taxes),
            "tax_notes": self.tax_notes(),
            "totals": self.totals(),
            "payment_heading": "Settlement" if self.credit else "Payment instructions",
            "payment": self.payment(),
            "footer": self.footer(),
        }

    # -- blocks
    def address_lines(self, address: Address) -> list[str]:
        country = Locale("en").territories.get(address.country, address.country)
        if address.country in _CITY_REGION_POSTCODE:  # "San Francisco, CA 94105"
            region = " ".join(part for part in (address.region, address.postal_code) if part)
            city = ", ".join(part for part in (address.city, region) if part)
            lines = [address.line1, address.line2, city, country]
        else:  # "10117 Berlin"
            city = " ".join(part for part in (address.postal_code, address.city) if part)
            lines = [address.line1, address.line2, city, address.region, country]
        return [escape(line) for line in lines if line]

    def seller_block(self) -> str:
        seller = self.invoice.seller
        lines = self.address_lines(seller.address)
        lines.extend(self.tax_id_lines(seller))
        if seller.contact is not None:
            lines.extend(escape(v) for v in (seller.contact.email, seller.contact.phone) if v)
        return "<br>".join(lines)

    def tax_id_lines(self, party: InvoiceParty) -> list[str]:
        if party.tax_id is None:
            return []
        label = "VAT ID" if party.tax_id.scheme == "vat" else f"{party.tax_id.scheme.upper()}"
        return [f"{escape(label)} {escape(party.tax_id.value)}"]

    def facts(self) -> str:
        invoice = self.invoice
        rows: list[tuple[str, str]] = [
            (
                "Credit note no." if self.credit else "Invoice no.",
                escape(invoice.number or "draft"),
            ),
            ("Issue date", self.day(invoice.issue_date)),
        ]
        if self.credit and invoice.preceding is not None:
            rows.append(("Corrects invoice", escape(invoice.preceding.number)))
        else:
            rows.append(("Due date", self.day(invoice.due_date)))
            if invoice.preceding is not None:
                rows.append(("Replaces invoice", escape(invoice.preceding.number)))
        if invoice.purchase_order:
            rows.append(("Purchase order", escape(invoice.purchase_order)))
        rows.append(("Customer no.", escape(invoice.customer_code)))
        if invoice.contract_ids:
            rows.append(("Contract", escape(", ".join(invoice.contract_ids))))
        return "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)

    def buyer_block(self) -> str:
        buyer = self.invoice.buyer
        parts = [f'<div class="name">{escape(buyer.name)}</div>']
        lines = self.address_lines(buyer.address) + self.tax_id_lines(buyer)
        contact = buyer.contact
        if contact is not None:
            if contact.name:
                lines.append(f"Attn: {escape(contact.name)}")
            lines.extend(escape(v) for v in (contact.email, contact.phone) if v)
        parts.append('<div class="muted">' + "<br>".join(lines) + "</div>")
        return "".join(parts)

    def remit_block(self) -> str:
        invoice = self.invoice
        seller = invoice.seller
        if self.credit:
            lines: list[str] = []
            if seller.contact is not None:
                contact = seller.contact
                lines.extend(escape(v) for v in (contact.name, contact.email, contact.phone) if v)
            return f'<div class="name">{escape(seller.name)}</div>' + "<br>".join(lines)
        payment = invoice.payment
        name = (payment.account_name if payment else None) or seller.name
        lines = []
        if payment is not None and payment.iban:
            lines.append(f"IBAN {escape(iban_number.format(payment.iban))}")
            if payment.bic:
                lines.append(f"BIC {escape(payment.bic)}")
        else:
            lines.extend(self.address_lines(seller.address))
        lines.append(f"Reference {escape(self.reference())}")
        return f'<div class="name">{escape(name)}</div>' + "<br>".join(lines)

    def reference(self) -> str:
        payment = self.invoice.payment
        return (payment.reference if payment else None) or self.invoice.number or ""

    def correction(self) -> str:
        invoice = self.invoice
        if not self.credit and invoice.note:
            return f'<p class="correction">{escape(invoice.note)}</p>'  # e.g. a re-bill
        if not self.credit or invoice.preceding is None:
            return ""
        text = (
            f"This credit note corrects invoice <b>{escape(invoice.preceding.number)}</b> "
            f"of {self.day(invoice.preceding.issue_date)}."
        )
        if invoice.reason:
            text += f" Reason: {escape(invoice.reason)}"
        return f'<p class="correction">{text}</p>'

    def line(self, line: InvoiceLine) -> str:
        details = []
        if line.service_period is not None:
            details.append(f"Service period {self.period(line.service_period)}")
        if line.sku:
            details.append(f"Item {escape(line.sku)}")
        detail = f'<div class="detail">{" · ".join(details)}</div>' if details else ""
        price = Money(line.unit_price, line.net_amount.currency)
        discount = self.percent(line.discount_percent) if line.discount_percent else ""
        if line.tax.category is TaxCategory.STANDARD:
            vat = self.percent(line.tax.rate)
        else:
            vat = escape(_LINE_VAT[line.tax.category])
        cells = [
            f'<td class="num">{line.line_no}</td>',
            f"<td>{escape(line.description)}{detail}</td>",
            f'<td class="right">{self.quantity(line.quantity)}</td>',
            f"<td>{escape(line.unit)}</td>",
            f'<td class="right">{escape(format_unit_price(price, self.locale))}</td>',
            f'<td class="right">{discount}</td>',
            f'<td class="right">{vat}</td>',
            f'<td class="right">{self.amount(line.net_amount)}</td>',
        ]
        return "<tr>" + "".join(cells) + "</tr>"

    def tax_label(self, group: TaxBreakdown) -> str:
        if group.category is TaxCategory.STANDARD:
            return f"VAT {self.percent(group.rate)}"
        if group.category is TaxCategory.ZERO_RATED:
            return "VAT 0&#160;% (zero rated)"
        return escape(_LINE_VAT[group.category].capitalize())

    def tax_row(self, group: TaxBreakdown) -> str:
        return (
            f"<tr><td>{self.tax_label(group)}</td>"
            f'<td class="right">{self.money(group.taxable)}</td>'
            f'<td class="right">{self.money(group.tax)}</td></tr>'
        )

    def tax_notes(self) -> str:
        invoice = self.invoice
        notes = []
        seen = set()
        for group in invoice.taxes:
            if group.category in seen or group.category not in _TAX_NOTES:
                continue
            seen.add(group.category)
            note = escape(_TAX_NOTES[group.category])
            if group.exemption_reason and group.category is not TaxCategory.REVERSE_CHARGE:
                note = f"{escape(_LINE_VAT[group.category].capitalize())}: "
                note += escape(group.exemption_reason.rstrip(".")) + "."
            if group.category is TaxCategory.REVERSE_CHARGE:
                ids = [
                    f"{label} VAT ID {escape(party.tax_id.value)}"
                    for label, party in (("Supplier", invoice.seller), ("Customer", invoice.buyer))
                    if party.tax_id is not None
                ]
                note += (" " + "; ".join(ids) + ".") if ids else ""
            notes.append(f'<p class="tax-note">{note}</p>')
        return "".join(notes)

    def totals(self) -> str:
        invoice = self.invoice
        rows = [("Net total", self.money(invoice.net_total), "")]
        for group in invoice.taxes:
            if group.category is TaxCategory.STANDARD:
                rows.append((f"VAT {self.percent(group.rate)}", self.money(group.tax), ""))
        if len(rows) == 1:
            rows.append(("VAT", self.money(invoice.tax_total), ""))
        grand = "Total credited" if self.credit else "Total due"
        rows.append((grand, self.money(invoice.gross_total), ' class="grand"'))
        return "".join(
            f"<tr{css}><th>{label}</th><td>{value}</td></tr>" for label, value, css in rows
        )

    def payment(self) -> str:
        invoice = self.invoice
        total = self.money(invoice.gross_total)
        if self.credit:
            return (
                f"<p>{total} is credited to your account: it will be set off against your next "
                "payment or refunded to you. No payment is due on this credit note.</p>"
            )
        payment = invoice.payment
        text = f"<p>Please pay <b>{total}</b> by <b>{self.day(invoice.due_date)}</b>"
        rows: list[tuple[str, str]] = []
        if payment is not None and payment.iban:
            text += " by bank transfer to the account below"
            rows.append(("Account holder", escape(payment.account_name or invoice.seller.name)))
            rows.append(("IBAN", escape(iban_number.format(payment.iban))))
            if payment.bic:
                rows.append(("BIC", escape(payment.bic)))
        text += f", quoting <b>{escape(self.reference())}</b>.</p>"
        if invoice.payment_terms:
            rows.append(("Payment terms", escape(invoice.payment_terms)))
        table = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
        return text + (f"<table>{table}</table>" if table else "")

    def footer(self) -> str:
        seller = self.invoice.seller
        address = ", ".join(self.address_lines(seller.address))
        parts = [escape(seller.name), address, *self.tax_id_lines(seller)]
        return " · ".join(part for part in parts if part)
