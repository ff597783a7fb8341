"""The CLI contract: exit codes, one-line errors, --json, db commands, the published schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from billops.adapters.storage.database import head_revision
from billops.domain.contract import contract_json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "schemas" / "contract.schema.json").read_text(encoding="utf-8"))
    assert committed == contract_json_schema()


def test_schema_contract_prints_the_schema(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("schema", "contract")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == contract_json_schema()


def test_db_status_reports_the_head(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("db", "status", "--json")
    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["current"] == status["head"] == head_revision()
    assert status["up_to_date"] is True


def test_db_upgrade_twice_is_harmless(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("db", "upgrade")
    assert result.exit_code == 0
    assert f"already at migration {head_revision()}" in result.stdout


def test_an_unknown_option_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("entity", "list", "--colour")
    assert result.exit_code == 2
    assert "No such option: --colour" in result.stderr


def test_audit_verify_on_an_empty_trail_is_clean(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "checked": 0, "first_broken": None}


def run_billops(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    billops = Path(sys.executable).parent / "billops"
    return subprocess.run(
        [str(billops), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_the_installed_command_fails_cleanly_on_an_unreachable_database(tmp_path: Path) -> None:
    env = {**os.environ, "BILLOPS_DATABASE_URL": "postgresql://billops:pw@127.0.0.1:1/billops"}
    result = run_billops("customer", "list", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot connect to the database at ")
    assert "Traceback" not in result.stderr
    assert "pw@" not in result.stderr
    debug = run_billops("--debug", "customer", "list", env=env)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_the_installed_command_reports_an_older_schema(tmp_path: Path) -> None:
    from alembic import command

    from billops.adapters.storage.database import alembic_config, make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001_foundation")
        connection.commit()
    engine.dispose()
    env = {**os.environ, "BILLOPS_DATABASE_URL": url}
    result = run_billops("contract", "list", env=env)
    assert result.returncode == 2
    assert "is at migration '0001_foundation'" in result.stderr
    assert "run `billops db upgrade`" in result.stderr
    assert run_billops("db", "upgrade", env=env).returncode == 0
    assert run_billops("contract", "list", env=env).returncode == 0


def test_audit_verify_names_a_tampered_record_and_exits_1(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    for code in ("a", "b", "c"):
        assert cli("customer", "add", "--code", code, "--name", f"Customer {code}").exit_code == 0
    assert cli("audit", "verify").exit_code == 0
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET reason = 'backdated' WHERE seq = 2"))
    engine.dispose()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert (
        "audit trail BROKEN at record 2: content was altered after it was written "
        "(hash differs) (1 earlier record verified)"
    ) in result.stdout
