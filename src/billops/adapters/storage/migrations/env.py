"""Alembic environment: billops always hands in an open connection."""

from __future__ import annotations

from alembic import context

from billops.adapters.storage.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - billops never runs alembic without one
    raise RuntimeError("billops runs migrations through `billops db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
