"""Opening the database: one URL, SQLite or PostgreSQL, always at the right schema.

``open_database(url)`` returns a ``Database`` whose engine is configured for
the dialect (SQLite: foreign keys on, WAL, writers serialised with
``BEGIN IMMEDIATE``; PostgreSQL: psycopg 3), after checking that the server
can be reached and that the schema is at the Alembic head this billops
needs. A brand-new empty SQLite file is initialised on the spot (the
embedded default needs zero set-up); any other database that is empty or
behind says so and names the command that fixes it: ``billops db upgrade``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from billops.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Database:
    engine: Engine
    url: URL
    sessions: sessionmaker[Session]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole, or rolled back whole."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def display_url(url: URL | str) -> str:
    """The URL with its password hidden, for messages."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def normalise_url(url: str) -> str:
    """Let users write plain ``postgresql://`` URLs; we drive them with psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url_text: str) -> Engine:
    try:
        url = make_url(normalise_url(url_text.strip()))
    except ArgumentError as exc:
        raise StorageError(
            "not a database URL", field="BILLOPS_DATABASE_URL", value=url_text
        ) from exc
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True, connect_args=_connect_args(url))
    except NoSuchModuleError as exc:
        raise StorageError(
            f"unsupported database kind {url.drivername!r}",
            field="BILLOPS_DATABASE_URL",
            hint="use sqlite:///path/to/file.db or postgresql://user@host/db",
        ) from exc


def _connect_args(url: URL) -> dict[str, object]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": 5}
    return {}


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:":
        parent = Path(database).expanduser().resolve().parent
        if not parent.is_dir():
            raise StorageError(
                "the folder for the SQLite database does not exist",
                field="database",
                value=str(parent),
            )
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when transactions begin, so
        # that every write transaction starts with BEGIN IMMEDIATE: writers
        # are serialised up front instead of failing half-way with "locked".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(engine_connection: object | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine_connection is not None:
        config.attributes["connection"] = engine_connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with _connect(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _connect(engine: Engine) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        raise StorageError(
            f"cannot connect to the database at {display_url(engine.url)}: {_first_line(exc)}",
            hint="check BILLOPS_DATABASE_URL and that the server is running",
        ) from exc
    with connection:
        yield connection


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the head revision; return (before, after)."""
    before = current_revision(engine)
    with _connect(engine) as connection:
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
    return before, head_revision()


def _is_empty(engine: Engine) -> bool:
    with _connect(engine) as connection:
        return not inspect(connection).get_table_names()


def open_database(url_text: str, *, check_schema: bool = True) -> Database:
    """Connect, check the schema is current (initialising an empty SQLite file), return it."""
    engine = make_engine(url_text)
    if check_schema:
        _ensure_current(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(engine=engine, url=engine.url, sessions=sessions)


def _ensure_current(engine: Engine) -> None:
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None and _is_empty(engine):
        if engine.url.get_backend_name() == "sqlite":
            upgrade(engine)
            return
        raise StorageError(
            f"the database at {display_url(engine.url)} has no billops schema yet",
            hint="run `billops db upgrade` first",
        )
    if current is None:
        raise StorageError(
            f"the database at {display_url(engine.url)} holds tables but no billops schema",
            hint="point BILLOPS_DATABASE_URL at a billops database or an empty one",
        )
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise StorageError(
            f"the database at {display_url(engine.url)} is at migration {current!r}, "
            "which this billops does not know",
            hint="it was written by a newer billops, or is not a billops database",
        )
    raise StorageError(
        f"the database at {display_url(engine.url)} is at migration {current!r}; "
        f"this billops needs {head!r}",
        hint="run `billops db upgrade`",
    )
