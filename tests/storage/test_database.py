"""Opening databases: the schema must be current, and problems get one clear error."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from billops.adapters.storage.database import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from billops.adapters.storage.tables import Base
from billops.errors import StorageError


def test_the_migrations_build_exactly_the_tables_the_code_declares(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_migrated_database_is_at_the_head_revision(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_is_safe_to_run_again(database_url: str) -> None:
    engine = make_engine(database_url)
    assert upgrade(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_a_database_at_an_older_migration_is_refused_with_the_fix(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001_foundation")
        connection.commit()
    engine.dispose()
    with pytest.raises(StorageError) as caught:
        open_database(empty_database_url)
    message = caught.value.describe()
    assert "is at migration '0001_foundation'" in message
    assert f"needs {head_revision()!r}" in message
    assert "billops db upgrade" in message


def test_an_empty_sqlite_file_is_initialised_on_first_use(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    database = open_database(url)
    assert current_revision(database.engine) == head_revision()
    database.dispose()


def test_an_empty_postgresql_database_asks_for_db_upgrade(
    empty_database_url: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite files are initialised automatically (tested above)")
    with pytest.raises(StorageError, match="has no billops schema yet.*billops db upgrade"):
        open_database(empty_database_url)


def test_a_database_of_someone_else_is_not_taken_over(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices_legacy (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StorageError, match="holds tables but no billops schema"):
        open_database(empty_database_url)
    engine = create_engine(empty_database_url)
    assert inspect(engine).get_table_names() == ["invoices_legacy"]
    engine.dispose()


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = "postgresql://billops:s3cret@127.0.0.1:1/billops"
    with pytest.raises(StorageError) as caught:
        open_database(url)
    message = caught.value.describe()
    assert (
        "cannot connect to the database at postgresql+psycopg://billops:***@127.0.0.1:1" in message
    )
    assert "s3cret" not in message
    assert "\n" not in message


def test_a_missing_folder_for_the_sqlite_file_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StorageError, match="folder for the SQLite database does not exist"):
        open_database(f"sqlite:///{tmp_path / 'nope' / 'billops.db'}")


def test_a_url_that_is_not_a_url_is_named() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        open_database("not a url at all")


def test_an_unknown_database_kind_is_named() -> None:
    with pytest.raises(StorageError, match="unsupported database kind 'oracle\\+nothing'"):
        open_database("oracle+nothing://x@y/z")
