"""Where the store lives: `--db`, then `AIGUILLAGE_DB`, then the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "AIGUILLAGE_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("aiguillage", appauthor=False) / "aiguillage.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def fiches_dir_for(db_path: str | os.PathLike[str]) -> Path:
    """`fiches/` next to the store (a store in memory: a folder of the temporary directory)."""
    if str(db_path) == ":memory:":
        import tempfile

        return Path(tempfile.gettempdir()) / "aiguillage-fiches"
    return Path(db_path).resolve().parent / "fiches"
