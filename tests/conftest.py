"""Test fixtures: a fresh, migrated database per test, on SQLite or PostgreSQL.

The suite runs on SQLite by default. With ``BILLOPS_TEST_DATABASE_URL`` set
(``make test-pg`` sets it to a throwaway server) every database test runs on
PostgreSQL instead. Migrating is done once per worker into a template; each
test gets its own copy (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE``
on PostgreSQL), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from billops.adapters.storage.database import Database, make_engine, open_database, upgrade

hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PG_URL = os.environ.get("BILLOPS_TEST_DATABASE_URL", "").strip()
_counter = itertools.count()


def _worker() -> str:
    # The process id keeps two test runs against one PostgreSQL server apart:
    # without it, each run's gw0 would drop the other's template database.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{os.getpid()}"


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy from: a file path (SQLite) or a database name (PostgreSQL)."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    name = f"billops_tpl_{_worker()}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    engine = make_engine(str(make_url(PG_URL).set(database=name)))
    upgrade(engine)
    engine.dispose()
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(*statements: str) -> None:
    engine = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database for this test alone."""
    if not PG_URL:
        path = tmp_path / "billops.db"
        shutil.copyfile(_template, path)
        yield f"sqlite:///{path}"
        return
    name = f"billops_t_{_worker()}_{next(_counter)}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"')
    yield str(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no schema at all."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"billops_e_{_worker()}_{next(_counter)}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    yield str(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    yield database
    database.dispose()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run ``billops ARGS`` in-process against this test's database."""
    from billops.interfaces.cli.main import main

    monkeypatch.setenv("BILLOPS_DATABASE_URL", database_url)
    monkeypatch.setenv("BILLOPS_ACTOR", "tester")
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
