"""``billops catalog``, ``setup``, ``schedule``, ``event``, ``amend``, ``order``, ``project``."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from billops.adapters.storage.database import Database
from tests.cli.test_parties_cli import bad
from tests.setup.support import CATALOGUE, company, order_form, store_contract, write
from tests.setup.test_setup_stories import amendment

AS_OF = ("--as-of", "2026-05-01")


def test_catalog_import_list_show_export(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(CATALOGUE, sort_keys=False), encoding="utf-8")
    first = cli("catalog", "import", str(path))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == "catalog.yaml: 6 products created, 0 updated, 0 unchanged"
    again = json.loads(cli("catalog", "import", str(path), "--json").stdout)
    assert again == {"created": 0, "updated": 0, "unchanged": 6}
    listed = json.loads(cli("catalog", "list", "--json").stdout)
    assert [p["sku"] for p in listed] == [p["sku"] for p in CATALOGUE]
    shown = json.loads(cli("catalog", "show", "sub-pro", "--json").stdout)
    assert (shown["name"], shown["list_price"]) == ("Workspace Pro", {"USD": "45"})
    exported = tmp_path / "out.csv"
    assert cli("catalog", "export", str(exported)).exit_code == 0
    assert exported.read_text(encoding="utf-8").splitlines()[1].startswith("SUB-PRO,")
    bad(cli("catalog", "show", "NOPE"), "no product with SKU 'NOPE'")


def test_a_bad_catalogue_is_one_line_and_nothing_is_stored(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = [dict(CATALOGUE[0], list_price={"USD": "-45"})]
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    bad(cli("catalog", "import", str(path)), "catalog.yaml", "SUB-PRO", "list_price.USD")
    assert json.loads(cli("catalog", "list", "--json").stdout) == []


def test_setup_then_show_the_schedule_order_and_project(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    company(db)
    done = cli("setup", "OF-S-1", *AS_OF)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("OF-S-1: created (version 1, schedule v1: +6 -0 ~0; 6 items")
    again = cli("setup", "OF-S-1", *AS_OF)
    assert again.stdout.startswith("OF-S-1: unchanged (version 1; 6 items, 3 billable")
    shown = json.loads(cli("schedule", "show", "OF-S-1", "--json").stdout)
    assert shown["total"] == {"USD": "9900.00"}
    assert shown["by_status"] == {"billable": 3, "scheduled": 2, "waiting": 1}
    assert [(i["bill_date"], i["amount"], i["status"]) for i in shown["schedule"]][:2] == [
        ("2025-12-20", "2500.00", "billable"),
        ("2026-01-01", "1350.00", "billable"),
    ]
    timeline = cli("schedule", "show", "OF-S-1")
    assert timeline.exit_code == 0
    assert "10 unit x 135.00 x 90/90 days" in timeline.stdout
    assert "6 items, total 9900.00 USD; 3 billable, 2 scheduled, 1 waiting" in timeline.stdout
    order = json.loads(cli("order", "show", "OF-S-1", "--json").stdout)
    assert [line["sku"] for line in order["lines"]] == ["SUB-PRO", "ONB", "HW-1"]
    assert "SUB-PRO" in cli("order", "show", "OF-S-1").stdout
    assert cli("setup", "SOW-2025-007", *AS_OF).exit_code == 0
    project = json.loads(cli("project", "show", "SOW-2025-007", "--json").stdout)
    assert [(m["milestone_id"], m["amount"]["amount"]) for m in project["milestones"]] == [
        ("M1", "36000.00"),
        ("M2", "48000.00"),
        ("M3", "36000.00"),
    ]
    assert "rate card" in cli("project", "show", "SOW-2025-007").stdout
    bad(cli("project", "show", "OF-S-1"), "has no project")


def test_setup_of_an_unapproved_or_unknown_contract_exits_2(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    company(db)
    store_contract(db, order_form(contract_id="OF-S-2"), approve=False)
    bad(cli("setup", "OF-S-2"), "OF-S-2", "no approved version", "billops contract approve")
    bad(cli("setup", "OF-NONE"), "no contract with id 'OF-NONE'")
    bad(cli("schedule", "show", "OF-S-2"), "is not set up", "billops setup OF-S-2")
    bad(cli("setup"), "give a contract id or --all-approved")
    bad(cli("setup", "OF-S-1", "--as-of", "tomorrow"), "--as-of", "tomorrow")


def test_setup_all_approved(cli, db: Database) -> None:  # type: ignore[no-untyped-def]
    company(db)
    result = json.loads(cli("setup", "--all-approved", *AS_OF, "--json").stdout)
    assert [(r["contract_id"], r["status"]) for r in result] == [
        ("OF-S-1", "created"),
        ("SOW-2025-007", "created"),
    ]
    store_contract(db, amendment())  # approved, not applied: named, not set up on its own
    again = cli("setup", "--all-approved", *AS_OF)
    assert "2 approved contracts: 0 changed, 2 unchanged" in again.stdout
    assert (
        "1 approved amendments are not applied yet (billops amend ID FILE): AM-S-1 amends OF-S-1"
        in again.stdout
    )


def test_preview_agrees_with_what_setup_stores(cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    company(db)
    path = write(tmp_path / "of.yaml", order_form())
    events = tmp_path / "shipments.csv"
    events.write_text(
        "idempotency_key,contract_id,line_id,sku,quantity,ship_date\n"
        "SH-1,OF-S-1,L3,HW-1,2,2026-02-10\n",
        encoding="utf-8",
    )
    preview = json.loads(
        cli("schedule", "preview", str(path), "--events", str(events), *AS_OF, "--json").stdout
    )
    assert cli("event", "import", str(events)).exit_code == 0
    assert cli("setup", "OF-S-1", *AS_OF).exit_code == 0
    stored = json.loads(cli("schedule", "show", "OF-S-1", "--json").stdout)
    columns = list(preview["schedule"][0])
    assert [{k: i[k] for k in columns} for i in stored["schedule"]] == preview["schedule"]
    assert preview["total"] == stored["total"] == {"USD": "9900.00"}
    human = cli("schedule", "preview", str(path), *AS_OF)
    assert "schedule preview of OF-S-1" in human.stdout


def test_preview_of_a_bad_file_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "of.yaml", order_form(currency="XYZ"))
    bad(cli("schedule", "preview", str(path)), "of.yaml", "currency")
    bad(cli("schedule", "preview", str(tmp_path / "none.yaml")), "none.yaml")


def test_event_add_and_import(cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    company(db)
    args = (
        "event",
        "add",
        "milestone_acceptance",
        "idempotency_key=MA-1",
        "contract_id=SOW-2025-007",
        "milestone_id=M1",
        "status=accepted",
        "decided_on=2025-04-02",
    )
    first = cli(*args)
    assert first.stdout.strip() == "milestone_acceptance MA-1: recorded for SOW-2025-007"
    assert cli(*args).stdout.strip() == "milestone_acceptance MA-1: already recorded"
    changed = list(args)
    changed[-1] = "decided_on=2025-04-03"
    bad(cli(*changed), "'MA-1' is already recorded with other content")
    bad(cli("event", "add", "parcel", "idempotency_key=X"), "unknown event kind 'parcel'")
    bad(cli("event", "add", "shipment", "oops"), "expected column=value")
    listed = json.loads(cli("event", "list", "--json").stdout)
    assert [e["idempotency_key"] for e in listed] == ["MA-1"]
    path = tmp_path / "acceptances-august.csv"
    path.write_text(
        "idempotency_key,contract_id,milestone_id,status,decided_on\n"
        "MA-2,SOW-2025-007,M2,accepted,2025-05-20\n",
        encoding="utf-8",
    )
    bad(cli("event", "import", str(path)), "unknown event kind 'acceptances-august'")
    imported = cli("event", "import", str(path), "--kind", "milestone_acceptance", "--json")
    assert json.loads(imported.stdout)[0]["recorded"] == 1
    # refresh makes both milestones billable
    assert cli("schedule", "refresh", "SOW-2025-007", *AS_OF).exit_code == 0
    shown = json.loads(cli("schedule", "show", "SOW-2025-007", "--json").stdout)
    assert shown["by_status"] == {"billable": 2, "waiting": 1}


def test_event_import_of_bad_rows_exits_2_and_saves_nothing(
    cli, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    company(db)
    path = tmp_path / "milestone_acceptances.csv"
    path.write_text(
        "idempotency_key,contract_id,milestone_id,status,decided_on\n"
        "MA-1,SOW-2025-007,M1,accepted,2025-04-02\n"
        "MA-2,SOW-2025-007,M9,accepted,2025-04-02\n",
        encoding="utf-8",
    )
    bad(cli("event", "import", str(path)), "MA-2", "has no milestone 'M9'")
    other = tmp_path / "shipments.csv"
    other.write_text(
        "idempotency_key,contract_id,line_id,sku,quantity,ship_date\n"
        "SH-1,OF-S-9,L3,HW-1,2,2026-02-10\n",
        encoding="utf-8",
    )
    bad(cli("event", "import", str(other)), "SH-1", "no contract 'OF-S-9'")
    assert json.loads(cli("event", "list", "--json").stdout) == []


def test_amend_and_the_schedule_history(cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    company(db)
    assert cli("setup", "OF-S-1", *AS_OF).exit_code == 0
    path = write(tmp_path / "am.yaml", amendment())
    done = cli("amend", "OF-S-1", str(path), *AS_OF)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == (
        "AM-S-1 (v1) applied to OF-S-1 from 2026-07-01: schedule v2, 2 items added, 0 superseded"
    )
    again = cli("amend", "OF-S-1", str(path), *AS_OF)
    assert again.stdout.strip() == "AM-S-1: already applied to OF-S-1; nothing changed"
    history = json.loads(cli("schedule", "show", "OF-S-1", "--history", "--json").stdout)
    assert {(i["version"], i["reason"]) for i in history["schedule"]} == {
        (1, "setup of version 1 as of 2026-05-01"),
        (2, "amendment AM-S-1 v1 effective 2026-07-01"),
    }
    text = cli("schedule", "show", "OF-S-1", "--history").stdout
    assert "v2: amendment AM-S-1 v1 effective 2026-07-01" in text
    late = write(
        tmp_path / "late.yaml",
        amendment(
            contract_id="AM-S-2",
            effective_date="2027-02-01",
            start_date="2027-02-01",
            end_date="2027-06-30",
        ),
    )
    bad(cli("amend", "OF-S-1", str(late)), "late.yaml", "outside the term of OF-S-1")
    assert cli("contract", "show", "AM-S-2").exit_code == 2  # not imported either


def test_preview_of_a_signed_document_goes_through_extraction(cli) -> None:  # type: ignore[no-untyped-def]
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    result = cli(
        "schedule", "preview", str(corpus / "of-kestrel-prairie.txt"), "--as-of", "2026-11-30",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["contract_id"] == "KDS-OF-2026-019"
    # one environment at 54,000.00 a year, billed annually in advance from 2026-06-01
    assert [(i["bill_date"], i["amount"], i["status"]) for i in data["schedule"]] == [
        ("2026-06-01", "54000.00", "billable")
    ]
    bad(
        cli("schedule", "preview", str(corpus / "novel-excerpt-lighthouse.txt")),
        "novel-excerpt-lighthouse.txt",
        "could not assemble contract terms",
    )


def test_setup_all_approved_prints_the_first_outcomes_and_counts_them_all(  # type: ignore[no-untyped-def]
    cli, db: Database, monkeypatch
) -> None:
    from billops.interfaces.cli import setup as setup_cli

    company(db)
    monkeypatch.setattr(setup_cli, "SHOWN", 1)
    result = cli("setup", "--all-approved", *AS_OF)
    assert "OF-S-1" in result.stdout and "SOW-2025-007:" not in result.stdout
    assert "... and 1 more (see `billops order show ID`)" in result.stdout
    assert "2 approved contracts: 2 changed, 0 unchanged" in result.stdout
