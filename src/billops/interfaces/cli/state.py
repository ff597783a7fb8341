"""What every command shares: the settings, read once, and the open database."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer

from billops.adapters.storage.database import Database, open_database
from billops.settings import Settings


@dataclass
class AppState:
    settings: Settings
    debug: bool = False
    _database: Database | None = field(default=None, repr=False)

    def database(self) -> Database:
        if self._database is None:
            self._database = open_database(self.settings.database_url)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    assert isinstance(root.obj, AppState)
    return root.obj
