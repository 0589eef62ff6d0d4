"""Opening the store: file permissions, WAL, migrations, the communes table."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .schema import MIGRATIONS, SCHEMA_VERSION
from .text import normalize

if TYPE_CHECKING:
    import sqlite_utils

# Read the store through a memory map: a search keystroke touches scattered FTS pages, and
# copying them through SQLite's small page cache was most of a query's time. Read-only
# mapping (SQLite writes through ordinary I/O), so crash safety is unchanged.
MMAP_BYTES = 512 * 1024 * 1024


class StoreError(Exception):
    """A problem with the store file itself; the message is French and shown as is."""


class Connection(sqlite3.Connection):
    """sqlite3 connection that can carry per-connection caches (e.g. the search vocabulary)."""


class Store:
    """A connection to one Aiguillage store.

    The path is always passed in; `":memory:"` is accepted for tests. Connections are bound
    to the thread that opened them: open one Store per worker thread.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        if not self.in_memory:
            _prepare_file(Path(self.path))
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, factory=Connection
            )
            self.conn.create_function("aig_normalize", 1, normalize, deterministic=True)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not self.in_memory:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not self.in_memory:
                self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise  # another process holds the write lock: the caller may retry
            raise StoreError(
                f"{self.path} : ce fichier n'est pas une base Aiguillage lisible ({exc})."
            ) from None

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, imported on first use (it is slow to import)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside lands, or nothing does."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- schema ------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} : base créée par une version plus récente d'Aiguillage "
                f"(schéma {version}, attendu {SCHEMA_VERSION})."
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as conn:
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                if number == 0:
                    from .communes import load_communes

                    load_communes(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- small helpers -------------------------------------------------------------------
    def count(self, table: str, where: str = "") -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql).fetchone()[0]

    def is_empty(self) -> bool:
        return self.count("structures") == 0

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked/busy": another connection holds the lock."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _prepare_file(path: Path) -> None:
    """Create the store's directory 0700 and the file 0600 before SQLite touches them."""
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif path.is_dir():
        raise StoreError(f"{path} : est un dossier, pas une base.")
    # WAL and SHM side files inherit the umask: create them restricted too.
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            with contextlib.suppress(OSError):
                os.close(os.open(side, os.O_CREAT | os.O_WRONLY, 0o600))


def open_store(path: str | os.PathLike[str]) -> Store:
    return Store(path)
