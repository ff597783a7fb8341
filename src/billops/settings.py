"""Settings: read once, at the edge, from the environment, then passed in.

The domain never reads the environment. The interfaces build one
``Settings`` when they start and hand it to the workflows.

    BILLOPS_DATABASE_URL   a SQLAlchemy URL, e.g. postgresql+psycopg://billops@127.0.0.1/billops
    BILLOPS_DB_PATH        the SQLite file used when no URL is given (default: ./billops.db)
    BILLOPS_ACTOR          who is acting, written to the audit trail (default: the OS user)
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILE = "billops.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    actor: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        url = env.get("BILLOPS_DATABASE_URL", "").strip()
        if not url:
            path = Path(env.get("BILLOPS_DB_PATH", "").strip() or DEFAULT_DB_FILE)
            url = f"sqlite:///{path}"
        return cls(database_url=url, actor=env.get("BILLOPS_ACTOR") or _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
