"""Opening the store: file permissions, WAL, migrations, the communes table."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .schema import MIGRATIONS, SCHEMA_VERSION
from .text import normalize

if TYPE_CHECKING:
    from .search import Vocabulary

# Read the store through a memory map: a search keystroke touches scattered FTS pages, and
# copying them through SQLite's small page cache was most of a query's time. Read-only
# mapping (SQLite writes through ordinary I/O), so crash safety is unchanged.
MMAP_BYTES = 512 * 1024 * 1024


class StoreError(Exception):
    """A problem with the store file itself; the message is French and shown as is."""


class Connection(sqlite3.Connection):
    """sqlite3 connection that can carry per-connection caches (e.g. the search vocabulary)."""

    search_vocabulary: Vocabulary | None = None


class Store:
    """A connection to one Aiguillage store.

    The path is always passed in; `":memory:"` is accepted for tests. Connections are bound
    to the thread that opened them: open one Store per worker thread.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, timeout: float = 30.0, read_only: bool = False
    ) -> None:
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        self.read_only = read_only
        if not self.in_memory and not read_only:
            _prepare_file(Path(self.path))
        try:
            if read_only:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(
                    uri, uri=True, timeout=timeout, isolation_level=None, factory=Connection
                )
            else:
                self.conn = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, factory=Connection
                )
            self.conn.create_function("aig_normalize", 1, normalize, deterministic=True)
            self.conn.execute("PRAGMA foreign_keys = ON")
            # Deleted or rewritten bytes are zeroed: an erased note leaves no trace in free
            # space (store/erase.py), nor does an earlier version of a row.
            self.conn.execute("PRAGMA secure_delete = ON")
            self._check_version()  # before anything writes to another program's file
            if not self.in_memory and not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # FULL: each commit is on disk (WAL fsync) before it is acknowledged, so a
                # confirmed note survives a power cut. Cost measured in BENCHMARKS.md.
                self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not self.in_memory:
                self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise  # another process holds the write lock: the caller may retry
            if is_disk_full(exc):
                message = f"{self.path} : disque plein, la base n'a pas pu être ouverte."
                raise StoreError(message) from None
            raise StoreError(
                f"{self.path} : ce fichier n'est pas une base Aiguillage lisible ({exc})."
            ) from None

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
            if self.conn.in_transaction:  # SQLite may have rolled back itself (disk full)
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- schema ------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        if self._check_version() == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(
                f"{self.path} : base en lecture seule à mettre à jour (schéma "
                f"{self.schema_version}, attendu {SCHEMA_VERSION}) : ouvrez-la une fois avec "
                "le droit d'écrire."
            )
        with self.transaction() as conn:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = self._check_version()
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                if number == 0:
                    from .communes import load_communes

                    load_communes(conn)
                if any("CREATE TABLE structure_places" in st for st in MIGRATIONS[number]):
                    from .places import replace_all

                    replace_all(conn)  # a store from before: group its places once
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check_version(self) -> int:
        """The schema version, after refusing a newer one or another program's file."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} : base créée par une version plus récente d'Aiguillage "
                f"(schéma {version}, attendu {SCHEMA_VERSION})."
            )
        if version == 0:
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if tables:
                raise StoreError(
                    f"{self.path} : ce fichier SQLite n'est pas une base Aiguillage "
                    f"({tables} objet(s) d'une autre application) ; il n'a pas été modifié."
                )
        return version

    # -- small helpers -------------------------------------------------------------------
    def count(self, table: str, where: str = "") -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql).fetchone()[0]

    def is_empty(self) -> bool:
        return self.count("structures") == 0

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        from .settings import get_setting

        return get_setting(self.conn, key, default)

    def set_setting(self, key: str, value: str) -> None:
        from .settings import set_setting

        set_setting(self.conn, key, value)


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked/busy": another connection holds the lock."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def is_disk_full(exc: BaseException) -> bool:
    """True for "database or disk is full" and ENOSPC/EDQUOT."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.DatabaseError) and "full" in str(exc).lower()


def make_private_dirs(directory: Path) -> None:
    """Create `directory` and its missing parents, each 0700 whatever the umask (folders
    that already exist are left as they are)."""
    missing = []
    for folder in (directory, *directory.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode goes through the umask


def _prepare_file(path: Path) -> None:
    """Create the store's directory 0700 and the file 0600 before SQLite touches them."""
    make_private_dirs(path.parent)
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


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on a bare connection (a worker's short-lived one): everything
    inside lands, or nothing does. `Store.transaction` is the same on a Store."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (disk full)
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
