"""``billops intake`` and ``billops extract`` on real files made here (reportlab, python-docx).

Each story writes a signed document the way a customer sends it back, takes
it in, and checks what was stored: the document (once per content), the
extraction with its status, and the draft contract version with the source
of its values. The expected values are the ones printed in the documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import func, select

from billops.adapters.storage import audit_store
from billops.adapters.storage.database import open_database
from billops.adapters.storage.documents import Documents, Extractions
from billops.adapters.storage.tables import ContractVersionRow
from tests.cli.test_parties_cli import bad

ORDER_FORM_TEXT = [
    "ORDER FORM",
    "Order Form No. OF-2026-0042",
    "Supplier: Acme Software, Inc., 500 Market Street, San Francisco, CA 94105, United States",
    "Customer: Initech LLC, 4120 Freidrich Lane, Austin, TX 78744, United States",
    "Effective Date: March 1, 2026",
    "Subscription Term: March 1, 2026 through February 28, 2027 (12 months)",
    "Currency: USD",
    "Payment Terms: Net 30 days from the invoice date",
    "Fees are invoiced annually in advance.",
]
ORDER_FORM_LINES = [
    ["SKU", "Description", "Quantity", "Unit Price", "Amount"],
    ["PLAT-STD", "Acme Platform, Standard edition", "40", "$1,200.00", "$48,000.00"],
]
ORDER_FORM_TOTAL = "Total Contract Value: $48,000.00"


def write_order_form_pdf(path: Path) -> Path:
    styles = getSampleStyleSheet()
    table = Table(ORDER_FORM_LINES)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    story = [Paragraph(line, styles["BodyText"]) for line in ORDER_FORM_TEXT]
    story += [table, Paragraph(ORDER_FORM_TOTAL, styles["BodyText"])]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


def write_sow_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("STATEMENT OF WORK", level=0)
    for line in (
        "SOW No. SOW-2026-0107",
        "Supplier: Acme Software GmbH, Speicherstraße 7, 20457 Hamburg, Germany",
        "Customer: Umbrella Pharma AG, Hafenweg 3, 28197 Bremen, Germany",
        "Start Date: 1 April 2026",
        "End Date: 30 September 2026",
        "Currency: EUR",
        "Payment terms: 30 days net.",
        "Fixed fee: EUR 36.000,00, invoiced by milestone on the Customer's written acceptance.",
    ):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows,
        [
            ("Milestone", "Deliverable", "Amount"),
            ("M1", "Design accepted", "EUR 12.000,00"),
            ("M2", "Go-live", "EUR 24.000,00"),
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Total Contract Value: EUR 36.000,00")
    document.save(str(path))
    return path


def counts(database_url: str) -> dict[str, int]:
    database = open_database(database_url)
    with database.transaction() as session:
        found = {
            "documents": Documents(session, "t").count(),
            "extractions": Extractions(session, "t").count(),
            "versions": int(
                session.execute(select(func.count()).select_from(ContractVersionRow)).scalar_one()
            ),
            "audit": len(list(audit_store.records(session))),
        }
    database.dispose()
    return found


def test_a_pdf_order_form_becomes_a_draft_with_sources(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pdf = write_order_form_pdf(tmp_path / "initech-order-form.pdf")
    result = cli("intake", str(pdf), "--json")
    assert result.exit_code == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "draft", outcome
    assert outcome["stored"] is True
    assert outcome["contract_id"] == "OF-2026-0042"
    assert outcome["version"] == 1
    shown = json.loads(cli("contract", "show", "OF-2026-0042", "--json").stdout)
    terms = shown["terms"]
    assert shown["source"] == "initech-order-form.pdf"
    assert terms["document_type"] == "order_form"
    assert terms["currency"] == "USD"
    assert terms["customer"]["name"] == "Initech LLC"
    assert terms["payment_terms"]["net_days"] == 30
    assert terms["total_contract_value"] in ("48000.00", "48000")
    currency = terms["provenance"]["currency"]
    assert currency["page"] == 1
    assert "USD" in currency["quote"]
    assert currency["document"] == {
        "name": "initech-order-form.pdf",
        "sha256": outcome["document"]["sha256"],
    }
    assert shown["intake"][0]["status"] == "draft"
    price = terms["provenance"]["lines[0].unit_price"]
    assert (price["page"], price["quote"]) == (1, "1,200.00")
    assert terms["lines"][0]["unit_price"] == "1200.00"
    human = cli("contract", "show", "OF-2026-0042")
    assert "sources (" in human.stdout
    row = next(line for line in human.stdout.splitlines() if "lines[0].unit_price" in line)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells[:4] == ["lines[0].unit_price", "1200.00", "1", "1,200.00"]
    assert cells[5] == "rules/1"


def test_a_docx_sow_becomes_a_draft_with_sources(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_sow_docx(tmp_path / "umbrella-sow.docx")
    result = cli("intake", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "draft", outcome
    terms = json.loads(cli("contract", "show", outcome["contract_id"], "--json").stdout)["terms"]
    assert terms["document_type"] == "sow"
    assert terms["currency"] == "EUR"
    assert terms["start_date"] == "2026-04-01"
    assert terms["end_date"] == "2026-09-30"
    assert terms["provenance"]["end_date"]["quote"].find("30 September 2026") >= 0


def test_the_same_file_twice_stores_nothing_new(cli, database_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = write_order_form_pdf(tmp_path / "of.pdf")
    assert cli("intake", str(pdf)).exit_code == 0
    after_first = counts(database_url)
    assert after_first["documents"] == 1
    assert after_first["extractions"] == 1
    assert after_first["versions"] == 1
    # the same bytes under another name are the same document
    copy = tmp_path / "of-copy.pdf"
    copy.write_bytes(pdf.read_bytes())
    again = cli("intake", str(pdf), str(copy))
    assert again.exit_code == 0, again.stderr
    assert again.stdout.count("already taken in as of.pdf") == 2
    assert "nothing new" in again.stdout
    assert counts(database_url) == after_first


def test_a_correction_survives_taking_the_document_in_again(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pdf = write_order_form_pdf(tmp_path / "of.pdf")
    cli("intake", str(pdf))
    fixed = cli(
        "contract", "set", "OF-2026-0042", "payment_terms.net_days", "45", "--reason", "side letter"
    )
    assert fixed.exit_code == 0, fixed.stderr
    assert cli("intake", str(pdf)).exit_code == 0
    terms = json.loads(cli("contract", "show", "OF-2026-0042", "--json").stdout)
    assert terms["version"] == 2
    assert terms["terms"]["payment_terms"]["net_days"] == 45


def test_a_document_that_is_not_a_contract_is_stored_without_a_contract(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    invoice = tmp_path / "invoice-7781.txt"
    invoice.write_text(
        "INVOICE\n\nInvoice number: INV-7781\nInvoice date: 2026-05-02\n\n"
        "Bill to: Initech LLC\n\nConsulting, April 2026: 12 hours at USD 150.00\n\n"
        "Amount due: USD 1,800.00\nPlease pay within 30 days.\n",
        encoding="utf-8",
    )
    result = cli("intake", str(invoice), "--json")
    assert result.exit_code == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "not_a_contract"
    assert outcome["contract_id"] is None
    # two audit records: the document stored, its extraction
    assert counts(database_url) == {"documents": 1, "extractions": 1, "versions": 0, "audit": 2}
    listed = json.loads(cli("intake", "list", "--json").stdout)
    assert [(d["document"], d["status"], d["contract_id"]) for d in listed] == [
        ("invoice-7781.txt", "not_a_contract", None)
    ]


def test_a_contract_without_a_currency_is_stored_as_incomplete(  # type: ignore[no-untyped-def]
    cli, database_url: str, tmp_path: Path
) -> None:
    order_form = tmp_path / "no-currency.txt"
    order_form.write_text(
        "ORDER FORM\n\nOrder Form No. OF-2026-0099\n\n"
        "Supplier: Acme Software, Inc.\n\nCustomer: Initech LLC\n\n"
        "Start Date: March 1, 2026\n\nEnd Date: February 28, 2027\n\n"
        "Platform subscription, 40 users at 1,200.00 per user per year: 48,000.00\n",
        encoding="utf-8",
    )
    result = cli("intake", str(order_form), "--json")
    assert result.exit_code == 0, result.stderr
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "incomplete", outcome
    assert outcome["contract_id"] is None
    assert outcome["problems"]
    assert "currency" in outcome["missing"]
    assert counts(database_url) == {"documents": 1, "extractions": 1, "versions": 0, "audit": 2}
    human = cli("intake", str(order_form))
    assert "already taken in as no-currency.txt" in human.stdout
    assert "incomplete, no contract saved" in human.stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"),
        ("broken.docx", b"PK\x03\x04 this is not a zip archive"),
        ("empty.pdf", b""),
    ],
)
def test_a_corrupt_file_is_one_error_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    cli, database_url: str, tmp_path: Path, name: str, content: bytes
) -> None:
    good = write_order_form_pdf(tmp_path / "good.pdf")
    broken = tmp_path / name
    broken.write_bytes(content)
    bad(cli("intake", str(good), str(broken)), name)
    assert counts(database_url) == {"documents": 0, "extractions": 0, "versions": 0, "audit": 0}


def test_a_missing_file_is_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad(cli("intake", str(tmp_path / "nope.pdf")), "nope.pdf: no such file")
    bad(cli("extract", str(tmp_path)), "is a folder, not a file")


def test_extract_json_prints_terms_sources_missing_and_findings(
    cli, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pdf = write_order_form_pdf(tmp_path / "of.pdf")
    result = cli("extract", str(pdf), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {
        "document",
        "classification",
        "terms",
        "values",
        "missing",
        "findings",
        "problems",
        "notes",
    }
    assert data["document"]["name"] == "of.pdf"
    assert data["classification"]["kind"] == "order_form"
    assert data["terms"]["contract_id"] == "OF-2026-0042"
    currency = data["values"]["currency"]
    assert currency["value"] == "USD"
    assert currency["source"]["page"] == 1
    assert set(currency) == {"value", "confidence", "extractor", "source"}
    assert isinstance(data["missing"], list)
    assert isinstance(data["findings"], list)
    # nothing was stored
    assert counts(database_url) == {"documents": 0, "extractions": 0, "versions": 0, "audit": 0}
    human = cli("extract", str(pdf))
    assert human.exit_code == 0, human.stderr
    assert "of.pdf (sha256 " in human.stdout
    assert "terms assembled as contract OF-2026-0042" in human.stdout


def test_an_unreachable_llm_leaves_the_rules_result_with_a_note(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = write_order_form_pdf(tmp_path / "of.pdf")
    rules_only = json.loads(cli("extract", str(pdf), "--json").stdout)
    monkeypatch.setenv("BILLOPS_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("BILLOPS_LLM_MODEL", "test-model")
    monkeypatch.setenv("BILLOPS_LLM_TIMEOUT", "2")
    result = cli("extract", str(pdf), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [note] = [n for n in data["notes"] if "llm/test-model" in n]
    assert note.startswith("the LLM extractor (llm/test-model) failed and was not used: ")
    assert note.endswith("; rules-only result")
    assert data["values"] == rules_only["values"]
    assert data["terms"] == rules_only["terms"]
