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
  computed and stored (audited; ``SETUP_BATCH`` contracts a transaction),
  against inserting the same number of rows (orders, order lines, projects,
  schedule items, audit records) with the same driver and the same
  transactions (raw); the raw cost with one transaction per contract (how
  setup committed before it was batched) is reported beside it, for runs
  made before. The peak memory of setup itself (resident set, reset when it
  starts) shows that it does not grow with the number of contracts.

``--setup-only`` skips the document intake measurements and does the
preparation (demo files, contract import in chunks of ``IMPORT_CHUNK``
files, events one file at a time) without measuring it against raw, for big
runs (the issue asks for 100,000 customers: ``python -m billops.bench
--customers 100000 --setup-only``); it verifies the audit chain after setup.

Results, with the machine they ran on, go to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
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

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select

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


def run(customers: int, database_url: str | None, *, setup_only: bool = False) -> Run:
    work = Path(tempfile.mkdtemp(prefix="billops-bench-"))
    try:
        if setup_only:
            return _run_setup_only(work, customers, database_url)
        return _run(work, customers, database_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Run:
    """What a benchmark run measured: the table's rows and the lines printed under it."""

    results: list[Result]
    notes: list[str]


def _parse_all(paths: list[Path]) -> int:
    return sum(1 for path in paths if load_document(path) is not None)


def _run(work: Path, customers: int, database_url: str | None) -> Run:
    data = work / "data"
    gen_seconds, _ = timed(lambda: write_accounts(iter_accounts(customers), data))
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
        measured = setup_results(database, data)
        later = billing_and_revenue_results(database)
    finally:
        database.dispose()
    return Run(results + measured.results + later.results, measured.notes + later.notes)


def billing_and_revenue_results(database: Any) -> Run:
    """November's billing run over the set-up company, then November's revenue run.

    (``bench_billing`` and ``bench_revenue`` measure each beside its raw I/O;
    every set-up contract is booked in bulk first, as approvals are above.)
    """
    from datetime import date

    from billops.bench_billing import billing_results
    from billops.bench_revenue import book_all_set_up, revenue_results

    billing = billing_results(database, date(2026, 11, 30))
    booked = book_all_set_up(database)
    start_rss = _reset_peak_rss()
    revenue = revenue_results(database, "2026-11")
    peak = _peak_rss()
    return Run(
        billing.results + revenue,
        [
            *billing.notes,
            f"revenue: {booked} set-up contracts booked in bulk before the run (not measured); "
            f"memory of the revenue run itself: resident {start_rss:.0f} MiB when it started, "
            f"peak {peak:.0f} MiB while it ran",
        ],
    )


IMPORT_CHUNK = 1000
SPLIT_RECORDS = 20_000


def _split_customers(path: Path, folder: Path, per_file: int) -> list[Path]:
    """The demo's customers.yaml (a list, each record starting ``- ``) as files of ``per_file``."""
    folder.mkdir(parents=True)
    parts: list[Path] = []
    lines: list[str] = []
    records = 0

    def flush() -> None:
        part = folder / f"customers-{len(parts) + 1:04d}.yaml"
        part.write_text("".join(lines), encoding="utf-8")
        parts.append(part)

    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("- "):
                if records == per_file:
                    flush()
                    lines, records = [], 0
                records += 1
            lines.append(line)
    if lines:
        flush()
    return parts


def _split_csv(path: Path, folder: Path, per_file: int) -> list[Path]:
    """``path`` as CSV files of ``per_file`` rows each, under the same name in numbered folders."""
    parts: list[Path] = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None:
            return [path]
        rows = list(itertools.islice(reader, per_file))
        while rows or not parts:
            part = folder / f"{len(parts) + 1:04d}" / path.name
            part.parent.mkdir(parents=True, exist_ok=True)
            with part.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(header)
                writer.writerows(rows)
            parts.append(part)
            rows = list(itertools.islice(reader, per_file))
    return parts


def _run_setup_only(work: Path, customers: int, database_url: str | None) -> Run:
    """Prepare (demo files, contracts imported in chunks), then measure events and setup."""
    data = work / "data"
    gen_seconds, _ = timed(lambda: write_accounts(iter_accounts(customers), data))
    contract_files = sorted((data / "contracts").glob("*.yaml"))
    database = open_database(database_url or f"sqlite:///{work / 'bench.db'}")
    try:
        import_entities(database, data / "entities.yaml", actor="bench")
        for part in _split_customers(data / "customers.yaml", work / "customers", SPLIT_RECORDS):
            import_customers(database, part, actor="bench")
        start = time.perf_counter()
        for first in range(0, len(contract_files), IMPORT_CHUNK):
            chunk = contract_files[first : first + IMPORT_CHUNK]
            import_contracts(database, chunk, actor="bench")
        import_seconds = time.perf_counter() - start
        measured = setup_results(database, data, split=work / "events")
        verify_seconds, report = timed(lambda: _verify(database))
        raw_rows, _ = timed(lambda: _fetch_rows(database))
    finally:
        database.dispose()
    verified = Result(
        "audit verify after setup (hash chain)",
        report.checked,
        "records",
        verify_seconds,
        raw_rows,
    )
    notes = [
        f"preparation, not measured against raw: demo company generated and written in "
        f"{gen_seconds:.0f} s; {len(contract_files)} contracts imported in "
        f"{import_seconds:.0f} s ({IMPORT_CHUNK} files a transaction); customers and event "
        f"files split into files of {SPLIT_RECORDS:,} records (an import file is one "
        "transaction, held in memory whole, and a YAML file may hold at most 20 MiB)",
        *measured.notes,
        f"audit chain after setup: {'intact' if report.ok else 'BROKEN'}",
    ]
    return Run([*measured.results, verified], notes)


def setup_results(database: Any, data: Path, as_of: Any = None, split: Path | None = None) -> Run:
    """Record the demo events, approve every contract and set them all up; raw inserts beside.

    With ``split`` (a folder), each event file is recorded as files of
    ``SPLIT_RECORDS`` rows written there, so that one part is held at a time.
    """
    from datetime import date

    from billops.adapters.catalog_files import load_catalogue
    from billops.adapters.storage.setup_store import CatalogStore
    from billops.adapters.storage.tables import AuditRow as Audit
    from billops.adapters.storage.tables import ContractRow
    from billops.adapters.storage.tables_setup import (
        OrderLineRow,
        OrderRow,
        ProjectRow,
        ScheduleItemRow,
    )
    from billops.adapters.storage.tables_validation import ContractApprovalRow
    from billops.workflows.events import import_event_files
    from billops.workflows.setup import (
        SETUP_BATCH,
        apply_pending_amendments,
        iter_setup_all_approved,
    )

    day = as_of or date(2026, 11, 30)
    with database.transaction() as session:
        CatalogStore(session, "bench").save(load_catalogue(data / "catalog.yaml").records())
        now = datetime.now(UTC)
        current = session.execute(select(ContractRow.contract_id, ContractRow.current_version))
        approvals = [
            {
                "contract_id": contract_id,
                "contract_version": version,
                "approver": "bench",
                "reason": "bench",
                "approved_at": now,
            }
            for contract_id, version in current
        ]
        session.execute(insert(ContractApprovalRow), approvals)
    files = sorted((data / "events").glob("*.csv"))
    if split is not None:
        files = [part for path in files for part in _split_csv(path, split, SPLIT_RECORDS)]

    def record_events() -> list[Any]:
        # One file at a time (each its own transaction, as import_event_files does it),
        # so that only one file's events are held at once.
        return [i for path in files for i in import_event_files(database, [path], actor="bench")]

    events_seconds, imports = timed(record_events)
    recorded = sum(len(i.recorded) for i in imports)
    del imports
    raw_events = raw_inserts(database, [recorded])  # one transaction per file: close enough
    audit_before = _count(database, Audit)
    contracts = items = 0
    start_rss = _reset_peak_rss()
    start = time.perf_counter()
    for outcome in iter_setup_all_approved(database, actor="bench", as_of=day):
        contracts += 1
        items += outcome.items
    setup_seconds = time.perf_counter() - start
    peak_rss = _peak_rss()
    rows = sum(
        _count(database, table) for table in (OrderRow, OrderLineRow, ProjectRow, ScheduleItemRow)
    ) + (_count(database, Audit) - audit_before)
    raw_setup = raw_inserts(database, _spread(rows, -(-contracts // SETUP_BATCH)))
    raw_per_contract = raw_inserts(database, _spread(rows, contracts))
    # The demo's amendments, applied as the demo applies them (after the raw baselines,
    # which measure setup's rows only), so that the billing and revenue runs after this
    # meet amended contracts (IFRS 15 modifications).
    amend_seconds, amended = timed(
        lambda: apply_pending_amendments(database, data / "contracts", as_of=day, actor="bench")
    )
    return Run(
        [
            Result("events recorded (checked, once per key, audit)", recorded, "events",
                   events_seconds, raw_events),
            Result(f"setup: order + project + schedule stored ({items} items, {rows} rows)",
                   contracts, "contracts", setup_seconds, raw_setup),
        ],
        [
            f"setup commits {SETUP_BATCH} contracts a transaction, and so do its raw inserts; "
            f"the same rows inserted with one transaction per contract (how setup committed "
            f"before it was batched) take {raw_per_contract:.2f} s: ratio "
            f"{setup_seconds / raw_per_contract:.1f} against that",
            f"memory of setup itself: resident {start_rss:.0f} MiB when it started, peak "
            f"{peak_rss:.0f} MiB while it ran",
            f"then {len(amended)} amendments applied to their set-up contracts (one "
            f"transaction each, as `billops amend` does) in {amend_seconds:.1f} s, "
            "not measured against raw",
        ],
    )  # fmt: skip


def _spread(rows: int, transactions: int) -> list[int]:
    """``rows`` split as evenly as can be over ``transactions``."""
    if transactions <= 0:
        return []
    share, extra = divmod(rows, transactions)
    return [share + (1 if index < extra else 0) for index in range(transactions)]


def _status_kib(field: str) -> int | None:
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text(encoding="utf-8").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def _reset_peak_rss() -> float:
    """Reset this process's peak resident set (Linux) and return the resident set now (MiB)."""
    # Not Linux, or not allowed: the peak then covers the whole run so far.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")
    now = _status_kib("VmRSS")
    return (now if now is not None else 0) / 1024


def _peak_rss() -> float:
    """The peak resident set (MiB) since ``_reset_peak_rss`` (else since the process began)."""
    peak = _status_kib("VmHWM")
    if peak is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / 1024


def _count(database: Any, row_type: Any) -> int:
    with database.transaction() as session:
        return int(session.execute(select(func.count()).select_from(row_type)).scalar_one())


SCHEDULE_ITEM_ROW: dict[str, str] = {
    "contract_id": "NWUS-OF-000101",
    "item_key": "L1:2026-01-01",
    "amount": "13500.00",
    "explanation": "100 seat x 45.00 x 31/31 days (2026-01-01..2026-01-31) = 4,500.00",
}


def raw_inserts(
    database: Any,
    batches: list[int],
    row: dict[str, str] = SCHEDULE_ITEM_ROW,
    table_name: str = "bench_raw_rows",
) -> float:
    """Seconds to insert ``sum(batches)`` copies of ``row`` (text columns), a transaction a batch.

    The raw baseline of a step: the same number of rows of about its rows'
    width, with nothing computed or checked.
    """
    metadata = MetaData()
    table = Table(
        table_name,
        metadata,
        Column("id", Integer, primary_key=True),
        *(Column(name, Text) for name in row),
    )
    metadata.create_all(database.engine)
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


HEADER = """# Benchmarks

Made by `make bench` (`python -m billops.bench`). Each kind of run (a number of
customers, full or `--setup-only`) has its own section, rewritten when that kind
of run is made again; the other sections are kept. Compare the **ratio** column
across runs (our step / the raw cost of the same inputs or rows, measured in the
same run); seconds depend on the machine and its load.
"""


def section_title(customers: int, setup_only: bool) -> str:
    return f"## {customers:,} customers, {'setup only' if setup_only else 'full run'}"


def report(
    run: Run,
    customers: int,
    backend: str,
    *,
    setup_only: bool = False,
    big: tuple[int, float, float] | None = None,
    load: tuple[float, float] | None = None,
    note: str | None = None,
) -> str:
    """The section of BENCHMARKS.md for this run."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = machine()
    lines = [
        section_title(customers, setup_only),
        "",
        f"- run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
        f"{customers:,} demo customers, database {backend}",
        f"- machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, "
        f"{info['os']}, Python {info['python']}",
    ]
    if load is not None:
        lines.append(
            f"- load average (1 min) when the run started / ended: {load[0]:.1f} / {load[1]:.1f} "
            f"on {info['cores']} cores"
        )
    if note:
        lines.append(f"- {note}")
    lines += [
        f"- peak memory (max RSS) of the whole run: {peak:.0f} MiB",
        "",
        "| step | items | seconds | per second | raw seconds | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in run.results:
        lines.append(
            f"| {r.name} | {r.items} {r.unit} | {r.seconds:.2f} | {r.per_second:,.0f} | "
            f"{r.raw_seconds:.2f} | {r.ratio:.1f} |"
        )
    lines.append("")
    lines += [f"- {text}" for text in run.notes]
    if big is not None:
        pages, seconds, peak = big
        lines.append(
            f"- a {pages}-page text PDF read and extracted in a fresh process: {seconds:.1f} s, "
            f"peak memory (max RSS) {peak:.0f} MiB (the limit asked is 1 GiB)"
        )
    lines.append("")
    return "\n".join(lines)


def merged(existing: str, section: str) -> str:
    """BENCHMARKS.md with ``section`` put in place of the one with its title (or added)."""
    title = section.splitlines()[0]
    sections: list[str] = []
    for chunk in existing.split("\n## ")[1:]:
        text = "## " + chunk.strip("\n") + "\n"
        if text.splitlines()[0] != title:
            sections.append(text)
    sections.append(section if section.endswith("\n") else section + "\n")
    return HEADER + "\n" + "\n".join(sections)


def _load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument(
        "--out", type=Path, default=None, help="Markdown file whose section for this run to write."
    )
    parser.add_argument(
        "--setup-only",
        action="store_true",
        help="Measure events and setup only (no intake; preparation not measured).",
    )
    parser.add_argument("--note", default=None, help="A line to add to the report.")
    args = parser.parse_args(argv)
    url = os.environ.get("BILLOPS_DATABASE_URL") or None
    load_at_start = _load_average()
    measured = run(args.customers, url, setup_only=args.setup_only)
    big = None
    if not args.setup_only:
        work = Path(tempfile.mkdtemp(prefix="billops-bench-intake-"))
        try:
            measured.results += intake_results(work)
            seconds, peak = big_pdf_peak_mib(work, 200)
            big = (200, seconds, peak)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    text = report(
        measured,
        args.customers,
        "PostgreSQL" if url and url.startswith("postgresql") else "SQLite",
        setup_only=args.setup_only,
        big=big,
        load=(load_at_start, _load_average()),
        note=args.note,
    )
    if args.out is not None:
        existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(merged(existing, text), encoding="utf-8")
    print(text)  # noqa: T201 - the benchmark's output is its report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
