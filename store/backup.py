"""A copy of the store before each import, and bringing it back."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .db import Store


def backup_path(store: Store) -> Path:
    path = Path(store.path)
    return path.with_name(path.name + ".sauvegarde")


def make_backup(store: Store) -> Path | None:
    """Snapshot the store (online backup API) into `<store>.sauvegarde`, mode 0600."""
    if store.in_memory:
        return None
    target = backup_path(store)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    dest = sqlite3.connect(tmp)
    try:
        store.conn.backup(dest)
    finally:
        dest.close()
    os.replace(tmp, target)
    return target


def restore_backup(store_path: str | os.PathLike[str]) -> Path:
    """Replace the store's content with its last backup. Returns the backup used."""
    path = Path(store_path)
    source = path.with_name(path.name + ".sauvegarde")
    if not source.exists():
        raise FileNotFoundError(f"{source} : aucune sauvegarde à restaurer.")
    src = sqlite3.connect(source)
    dest = sqlite3.connect(path)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    return source
