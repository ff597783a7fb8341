"""Benchmarks: ``make bench`` (``python -m billops.bench``).

Each measurement is reported beside the raw cost of the same work's I/O,
measured in the same run, because this machine is shared and noisy: the
*ratio* (our step / raw cost) is what to compare across runs, not seconds.

- generate: the demo company of N customers generated and written as files,
  against re-reading and parsing those files (raw).
- import: every contract file imported (validate, version, audit, commit),
  against reading and parsing the same files (raw).
- verify: the audit chain recomputed, against fetching the same rows (raw).
- events: the demo's event files recorded (checked, once per key, audited),
  against inserting the same number of rows with the same driver (raw).
- setup: every contract approved, then order + project + billing schedule
  computed and stored (audited, one transaction per contract), against
  inserting the same number of rows (orders, order lines, projects,
  schedule items, audit records), one transaction per contract, with the
  same driver (raw). ``--setup-only`` skips the document intake
  measurements, for big runs (the issue asks for 100,000 customers:
  ``python -m billops.bench --customers 100000 --setup-only``).

Results, with the machine they ran on, go to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select

from billops.adapters.files import load_document
from billops.adapters.storage import audit_store
from billops.adapters.storage.database import open_database
from billops.adapters.storage.tables import AuditRow
from billops.demo.generator import iter_accounts, write_accounts
from billops.workflows.contracts import import_contracts
from billops.workflows.parties import import_customers, import_entities


@dataclass
class Result:
    name: str
    items: int
    unit: str
    seconds: float
    raw_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.raw_seconds if self.raw_seconds else float("nan")

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else float("nan")


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text(encoding="utf-8").split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def run(customers: int, database_url: str | None) -> list[Result]:
    work = Path(tempfile.mkdtemp(prefix="billops-bench-"))
    try:
        return _run(work, customers, database_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _parse_all(paths: list[Path]) -> int:
    return sum(1 for path in paths if load_document(path) is not None)


def _run(work: Path, customers: int, database_url: str | None) -> list[Result]:
    data = work / "data"
    gen_seconds, counts = timed(lambda: write_accounts(iter_accounts(customers), data))
    files = sorted(p for p in data.rglob("*") if p.suffix in {".yaml", ".csv"})
    yaml_files = [p for p in files if p.suffix == ".yaml"]
    raw_read, _ = timed(lambda: [p.read_bytes() for p in files])
    contract_files = sorted((data / "contracts").glob("*.yaml"))
    raw_parse, _ = timed(lambda: _parse_all(yaml_files))
    results = [
        Result(
            "generate + write demo company",
            customers,
            "customers",
            gen_seconds,
            raw_read + raw_parse,
        )
    ]

    database = open_database(database_url or f"sqlite:///{work / 'bench.db'}")
    try:
        import_contracts_seconds = _import(database, data, contract_files)
        raw_contracts, _ = timed(lambda: _parse_all(contract_files))
        results.append(
            Result(
                "contract import (validate, version, audit)",
                len(contract_files),
                "contracts",
                import_contracts_seconds,
                raw_contracts,
            )
        )
        verify_seconds, report = timed(lambda: _verify(database))
        raw_rows, _ = timed(lambda: _fetch_rows(database))
        results.append(
            Result("audit verify (hash chain)", report.checked, "records", verify_seconds, raw_rows)
        )
        results += setup_results(database, data)
    finally:
        database.dispose()
    del counts
    return results


def setup_results(database: Any, data: Path, as_of: Any = None) -> list[Result]:
    """Record the demo events, approve every contract and set them all up; raw inserts beside."""
    from datetime import date

    from billops.adapters.catalog_files import load_catalogue
    from billops.adapters.storage.repositories import Contracts
    from billops.adapters.storage.setup_store import CatalogStore
    from billops.adapters.storage.tables import AuditRow as Audit
    from billops.adapters.storage.tables_setup import (
        OrderLineRow,
        OrderRow,
        ProjectRow,
        ScheduleItemRow,
    )
    from billops.adapters.storage.tables_validation import ContractApprovalRow
    from billops.workflows.events import import_event_files
    from billops.workflows.setup import setup_all_approved

    day = as_of or date(2026, 11, 30)
    with database.transaction() as session:
        CatalogStore(session, "bench").save(load_catalogue(data / "catalog.yaml").records())
        now = datetime.now(UTC)
        session.add_all(
            ContractApprovalRow(
                contract_id=stored.contract_id,
                contract_version=stored.version,
                approver="bench",
                reason="bench",
                approved_at=now,
            )
            for stored in Contracts(session, "bench").current_versions()
        )
    files = sorted((data / "events").glob("*.csv"))
    events_seconds, imports = timed(lambda: import_event_files(database, files, actor="bench"))
    recorded = sum(len(i.recorded) for i in imports)
    raw_events = _raw_inserts(database, [recorded])  # one transaction per file: close enough
    audit_before = _count(database, Audit)
    setup_seconds, outcomes = timed(lambda: setup_all_approved(database, actor="bench", as_of=day))
    rows = sum(
        _count(database, table) for table in (OrderRow, OrderLineRow, ProjectRow, ScheduleItemRow)
    ) + (_count(database, Audit) - audit_before)
    per_contract = [rows // max(len(outcomes), 1)] * len(outcomes)
    per_contract[-1:] = [rows - sum(per_contract[:-1])] if outcomes else []
    raw_setup = _raw_inserts(database, per_contract)
    items = sum(o.items for o in outcomes)
    return [
        Result("events recorded (checked, once per key, audit)", recorded, "events",
               events_seconds, raw_events),
        Result(f"setup: order + project + schedule stored ({items} items, {rows} rows)",
               len(outcomes), "contracts", setup_seconds, raw_setup),
    ]  # fmt: skip


def _count(database: Any, row_type: Any) -> int:
    with database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(row_type)).scalar_one())


def _raw_inserts(database: Any, batches: list[int]) -> float:
    """Seconds to insert ``sum(batches)`` rows of a schedule item's width, a transaction a batch."""
    metadata = MetaData()
    table = Table(
        "bench_raw_rows",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("contract_id", String(64)),
        Column("item_key", String(200)),
        Column("amount", String(40)),
        Column("explanation", Text),
    )
    metadata.create_all(database.engine)
    row = {
        "contract_id": "NWUS-OF-000101",
        "item_key": "L1:2026-01-01",
        "amount": "13500.00",
        "explanation": "100 seat x 45.00 x 31/31 days (2026-01-01..2026-01-31) = 4,500.00",
    }
    try:
        start = time.perf_counter()
        for size in batches:
            if size:
                with database.engine.begin() as connection:
                    connection.execute(insert(table), [row] * size)
        return time.perf_counter() - start
    finally:
        metadata.drop_all(database.engine)


def _import(database: Any, data: Path, contract_files: list[Path]) -> float:
    import_entities(database, data / "entities.yaml", actor="bench")
    import_customers(database, data / "customers.yaml", actor="bench")
    seconds, _ = timed(lambda: import_contracts(database, contract_files, actor="bench"))
    return seconds


def _verify(database: Any) -> audit_store.ChainReport:
    with database.transaction() as session:
        return audit_store.verify(session)


def _fetch_rows(database: Any) -> int:
    with database.transaction() as session:
        rows = session.execute(select(AuditRow).execution_options(yield_per=1000)).scalars()
        return sum(1 for _ in rows)


def order_form_pdf(pages: int) -> bytes:
    """A text PDF order form of ``pages`` pages: a line-item table, then terms clauses."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph("ORDER FORM No. OF-2026-0917", styles["Title"]),
        Paragraph("Supplier: Northwind Cloud Inc.", styles["Normal"]),
        Paragraph("Customer: Globex Corporation", styles["Normal"]),
        Paragraph("Start Date: March 1, 2026", styles["Normal"]),
        Paragraph("End Date: February 28, 2027", styles["Normal"]),
        Paragraph("Payment Terms: Net 30", styles["Normal"]),
        Table(
            [
                ["SKU", "Description", "Qty", "Unit Price", "Amount"],
                [
                    "PLAT-ENT",
                    "Platform Enterprise, per user per year",
                    "100",
                    "960.00",
                    "96,000.00",
                ],
                ["PS-ONBOARD", "Onboarding, one-time", "1", "15,000.00", "15,000.00"],
            ]
        ),
        Paragraph("Total Contract Value: USD 111,000.00", styles["Normal"]),
    ]
    clause = (
        "The Customer shall pay each invoice within thirty days. Fees are exclusive of "
        "taxes. This Order Form is governed by the Master Subscription Agreement. "
    ) * 6
    for page in range(2, pages + 1):
        story.append(PageBreak())
        story.extend(Paragraph(f"{page}.{n} {clause}", styles["Normal"]) for n in range(1, 5))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def intake_results(work: Path) -> list[Result]:
    """Read + extract a 10-page PDF (median of 5) against pypdfium2's raw text extraction."""
    import statistics

    import pypdfium2 as pdfium

    from billops.workflows.intake import extract_file

    path = work / "of-10-pages.pdf"
    path.write_bytes(order_form_pdf(10))
    ours = statistics.median(timed(lambda: extract_file(path, llm=None))[0] for _ in range(5))

    def raw_text() -> int:
        pdf = pdfium.PdfDocument(str(path))
        return sum(len(page.get_textpage().get_text_range()) for page in pdf)

    raw = statistics.median(timed(raw_text)[0] for _ in range(5))
    return [Result("extract a 10-page text PDF (median of 5)", 1, "document", ours, raw)]


def big_pdf_peak_mib(work: Path, pages: int = 200) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of extracting a ``pages``-page PDF in a fresh process."""
    import subprocess
    import sys

    path = work / f"of-{pages}-pages.pdf"
    path.write_bytes(order_form_pdf(pages))
    # The child's own peak (VmHWM): ru_maxrss would also count this (large)
    # bench process's memory, which Linux carries across fork and exec.
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from billops.workflows.intake import extract_file\n"
        "t = time.perf_counter()\n"
        "extract_file(Path(sys.argv[1]), llm=None)\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(time.perf_counter() - t, hwm.split()[1])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024  # VmHWM is in kB


def report(
    results: list[Result], customers: int, backend: str, big: tuple[int, float, float] | None = None
) -> str:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = machine()
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`python -m billops.bench`); the file is rewritten each run.",
        "Compare the **ratio** column across runs (our step / the raw cost of reading and",
        "parsing the same inputs, measured in the same run); seconds depend on the machine",
        "and its load.",
        "",
        f"- run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
        f"{customers} demo customers, database {backend}",
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, "
        f"{info['os']}, Python {info['python']}",
        f"- peak memory (max RSS) of the whole run: {peak:.0f} MiB",
        "",
        "| step | items | seconds | per second | raw seconds | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.items} {r.unit} | {r.seconds:.2f} | {r.per_second:,.0f} | "
            f"{r.raw_seconds:.2f} | {r.ratio:.1f} |"
        )
    if big is not None:
        pages, seconds, peak = big
        lines += [
            "",
            f"- a {pages}-page text PDF read and extracted in a fresh process: {seconds:.1f} s, "
            f"peak memory (max RSS) {peak:.0f} MiB (the limit asked is 1 GiB)",
        ]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="Markdown file to write.")
    parser.add_argument(
        "--setup-only", action="store_true", help="Skip the document intake measurements."
    )
    args = parser.parse_args(argv)
    url = os.environ.get("BILLOPS_DATABASE_URL") or None
    results = run(args.customers, url)
    big = None
    if not args.setup_only:
        work = Path(tempfile.mkdtemp(prefix="billops-bench-intake-"))
        try:
            results += intake_results(work)
            seconds, peak = big_pdf_peak_mib(work, 200)
            big = (200, seconds, peak)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, args.customers, "PostgreSQL" if url else "SQLite", big)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    print(text)  # noqa: T201 - the benchmark's output is its report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
