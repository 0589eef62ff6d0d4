"""A copy of the store before each import, and bringing it back without losing notes.

`restore` brings back what the imports wrote (structures, services, sources, the indexes)
as it was in the backup, and keeps what the worker wrote since (notes, favourites, settings,
journal: `USER_TABLES`). Structures that notes or favourites point to and that the backup
does not have are kept too, marked absent. The state it replaces is kept beside the store
(`<store>.avant-restauration`).

On a sound store the whole restore is one transaction: a kill leaves the store as before or
restored, never between. On a store SQLite cannot read, the worker's tables are read from it
if they can be; if they cannot, restore refuses unless told to drop them (`keep_recent=False`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .db import Store, StoreError
from .erase import BACKUP_SUFFIX, REPLACED_SUFFIX
from .schema import REFERENCE_TABLES, SCHEMA_VERSION, USER_TABLES
from .search import index_structures

SCRATCH_SUFFIX = ".restauration.tmp"


class RestoreError(Exception):
    """Restore refused or impossible; the message is French, names the file, and says
    that nothing was changed."""


@dataclass
class RestoreReport:
    backup: Path
    replaced_copy: Path  # the state that was replaced
    kept: dict[str, int]  # rows of each user table carried over
    kept_structures: int  # structures absent from the backup kept for their notes
    salvaged: bool  # the store was damaged: its user tables were read back from it


def backup_path(store: Store | str | os.PathLike[str]) -> Path:
    path = Path(store.path if isinstance(store, Store) else store)
    return path.with_name(path.name + BACKUP_SUFFIX)


def replaced_path(store_path: str | os.PathLike[str]) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + REPLACED_SUFFIX)


def _snapshot(conn: sqlite3.Connection, target: Path) -> None:
    """An online copy of `conn`'s database into `target` (written aside, then renamed),
    0600, a plain file without WAL."""
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover from a killed run may have another mode
    os.close(fd)
    dest = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    os.replace(tmp, target)


def make_backup(store: Store) -> Path | None:
    """Snapshot the store (online backup API) into `<store>.sauvegarde`, mode 0600."""
    if store.in_memory:
        return None
    target = backup_path(store)
    _snapshot(store.conn, target)
    return target


def restore_backup(
    store_path: str | os.PathLike[str], *, keep_recent: bool = True
) -> RestoreReport:
    """Bring back the last backup, keeping the worker's tables (see the module doc)."""
    path = Path(store_path)
    source = backup_path(path)
    if not source.exists():
        raise RestoreError(f"{source} : aucune sauvegarde à restaurer.")
    scratch = path.with_name(path.name + SCRATCH_SUFFIX)
    try:
        _prepare_scratch(source, scratch)
        try:
            live = Store(path)
        except StoreError:
            live = None
        if live is not None:
            with live:
                if live.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                    return _restore_in_place(live, source, scratch)
        return _restore_damaged(path, source, scratch, keep_recent=keep_recent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(scratch)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(scratch.with_name(scratch.name + suffix))


def _prepare_scratch(source: Path, scratch: Path) -> None:
    """A checked, migrated copy of the backup, beside the store."""
    damaged = f"{source} : sauvegarde endommagée, rien n'a été modifié"
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{damaged} ({exc}).") from None
    try:
        fd = os.open(scratch, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)
        dest = sqlite3.connect(scratch, isolation_level=None)
        try:
            src.backup(dest)
            check = dest.execute("PRAGMA quick_check").fetchone()[0]
            version = dest.execute("PRAGMA user_version").fetchone()[0]
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{damaged} ({exc}).") from None
    finally:
        src.close()
    if check != "ok":
        raise RestoreError(f"{damaged} ({check}).")
    if version == 0:
        raise RestoreError(f"{source} : n'est pas une sauvegarde Aiguillage, rien n'a été modifié.")
    if version > SCHEMA_VERSION:
        raise RestoreError(
            f"{source} : sauvegarde faite par une version plus récente d'Aiguillage "
            f"(schéma {version}), rien n'a été modifié."
        )
    try:
        Store(scratch).close()  # migrated to this program's schema
    except StoreError as exc:
        raise RestoreError(f"{damaged} ({exc}).") from None


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info('{table}')")]


def _data_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables an import writes (FTS shadow tables included), present in both files."""
    names = []
    for (name,) in conn.execute(
        "SELECT name FROM bak.sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ):
        if name in USER_TABLES or name in REFERENCE_TABLES:
            continue
        if _columns(conn, "main", name):
            names.append(name)
    return names


def _restore_in_place(store: Store, source: Path, scratch: Path) -> RestoreReport:
    conn = store.conn
    copy = replaced_path(store.path)
    _snapshot(conn, copy)
    conn.execute("ATTACH DATABASE ? AS bak", (str(scratch),))
    try:
        with store.transaction():
            kept_ids = _keep_referenced_structures(conn)
            for table in _data_tables(conn):
                columns = ", ".join(
                    c for c in _columns(conn, "bak", table) if c in _columns(conn, "main", table)
                )
                conn.execute(f"DELETE FROM main.{table}")
                conn.execute(
                    f"INSERT INTO main.{table}({columns}) SELECT {columns} FROM bak.{table}"
                )
            _put_back_structures(conn, kept_ids)
            kept = {t: store.count(t) for t in USER_TABLES}
    finally:
        conn.execute("DETACH DATABASE bak")
    return RestoreReport(source, copy, kept, len(kept_ids), salvaged=False)


_REFERENCED = "SELECT structure_id FROM main.notes UNION SELECT structure_id FROM main.favorites"


def _keep_referenced_structures(conn: sqlite3.Connection) -> list[str]:
    """Copy aside the structures that notes or favourites need and the backup lacks."""
    conn.execute("DROP TABLE IF EXISTS temp.kept_structures")
    conn.execute("DROP TABLE IF EXISTS temp.kept_services")
    conn.execute(
        "CREATE TEMP TABLE kept_structures AS SELECT * FROM main.structures "
        f"WHERE id IN ({_REFERENCED}) AND id NOT IN (SELECT id FROM bak.structures)"
    )
    conn.execute(
        "CREATE TEMP TABLE kept_services AS SELECT * FROM main.services "
        "WHERE structure_id IN (SELECT id FROM temp.kept_structures)"
    )
    return [r[0] for r in conn.execute("SELECT id FROM temp.kept_structures ORDER BY id")]


def _put_back_structures(conn: sqlite3.Connection, ids: list[str]) -> None:
    if ids:
        for table in ("structures", "services"):
            columns = ", ".join(c for c in _columns(conn, "main", table) if c != "num")
            conn.execute(
                f"INSERT INTO main.{table}({columns}) SELECT {columns} FROM temp.kept_{table}"
            )
        conn.execute(
            "UPDATE main.structures SET absent = 1 WHERE id IN "
            "(SELECT id FROM temp.kept_structures)"
        )
        index_structures(conn, ids)
    conn.execute("DROP TABLE temp.kept_structures")
    conn.execute("DROP TABLE temp.kept_services")


def _restore_damaged(
    path: Path, source: Path, scratch: Path, *, keep_recent: bool
) -> RestoreReport:
    """The store cannot be read as a whole: rebuild it from the backup, with the worker's
    tables read back from the damaged file when they can be."""
    salvaged: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    failure = ""
    try:
        salvaged = _salvage(path)
    except sqlite3.DatabaseError as exc:
        failure = str(exc)
    if failure and keep_recent:
        raise RestoreError(
            f"{path} : base endommagée dont les notes, favoris et réglages ne peuvent pas être "
            f"relus ({failure}) ; rien n'a été modifié. Pour restaurer quand même en perdant "
            "ce qui a été écrit depuis la sauvegarde : aiguillage restore --perdre-les-notes"
        )
    with _raw(scratch) as conn:
        conn.execute("BEGIN IMMEDIATE")
        for table, (columns, rows) in salvaged.items():
            known = _columns(conn, "main", table)
            use = [i for i, c in enumerate(columns) if c in known]
            names = ", ".join(columns[i] for i in use)
            conn.execute(f"DELETE FROM {table}")
            conn.executemany(
                f"INSERT INTO {table}({names}) VALUES ({', '.join('?' * len(use))})",
                [tuple(row[i] for i in use) for row in rows],
            )
        conn.execute("COMMIT")
        kept = {t: len(salvaged[t][1]) if t in salvaged else 0 for t in USER_TABLES}
    copy = replaced_path(path)
    # The damaged state is kept as it was (its WAL too); the WAL goes before the file is
    # replaced, never after: an old WAL must not be replayed onto the restored file.
    for suffix in ("", "-wal"):
        original = path.with_name(path.name + suffix)
        if original.exists():
            target = copy.with_name(copy.name + suffix)
            shutil.copyfile(original, target)
            os.chmod(target, 0o600)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path.with_name(path.name + suffix))
    os.replace(scratch, path)
    return RestoreReport(source, copy, kept, 0, salvaged=bool(salvaged))


def _salvage(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every row of the user tables of a damaged store; DatabaseError if one is unreadable."""
    tables = {}
    with _raw(path, read_only=True) as conn:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        for table in USER_TABLES:
            if table not in present:  # a table of a later migration
                continue
            cursor = conn.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            tables[table] = (columns, cursor.fetchall())
    return tables


@contextlib.contextmanager
def _raw(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()
