"""Erasing notes for real — the RGPD right to erasure — in the store, its WAL and its copies.

One mechanism serves `note effacer ID` (a note and all its versions) and `notes purge` (the
notes older than a date; a purge is an erasure of many notes):

1. The copies first (the backup made before each import, the copy kept by `restore`), then
   the store: a copy never holds a note the store no longer has.
2. In each file, one transaction deletes the notes with `secure_delete` on (freed bytes are
   zeroed) and writes a marker in the same commit; then VACUUM rewrites the file (no old
   free space, no leftover of an earlier version of a page), the WAL is truncated, and the
   marker goes. A run killed at any point leaves the marker (or the notes) behind: the next
   erasure or purge finishes the job first, and `doctor` reports it.

Every step is idempotent: running it again on a finished file changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .schema import NOTES_APPEND_ONLY_TRIGGER, NOTES_APPEND_ONLY_TRIGGER_NAME
from .settings import set_setting

# settings key: an erasure committed its deletion but has not yet rewritten the file.
PENDING_KEY = "erasure_pending"

BACKUP_SUFFIX = ".sauvegarde"
REPLACED_SUFFIX = ".avant-restauration"
# Files that hold a copy of the notes beside the store (oldest role first).
COPY_SUFFIXES = (BACKUP_SUFFIX, REPLACED_SUFFIX)
# Half-written copies left by a killed process: they hold notes too, and are only ever
# deleted.
SCRATCH_SUFFIXES = (BACKUP_SUFFIX + ".tmp", ".restauration.tmp")


class ErasureError(Exception):
    """An erasure that could not be completed; the message is French and names the file."""


@dataclass(frozen=True)
class Selection:
    """Which notes to erase: a SQL condition on `notes`, the same in every file."""

    where: str
    params: tuple[object, ...]
    description: str  # French, for messages


def older_than(cutoff: str) -> Selection:
    return Selection("created_at < ?", (cutoff,), f"d'avant le {cutoff[:10]}")


def note_ids(ids: Sequence[int]) -> Selection:
    marks = ",".join("?" * len(ids)) or "NULL"
    return Selection(f"id IN ({marks})", tuple(ids), "")


@dataclass
class ErasureReport:
    erased: int = 0  # notes deleted from the store itself
    files: tuple[Path, ...] = ()  # every file rewritten (store and copies)
    wal_pending: bool = False  # another process kept the WAL open: finished next time


def copy_paths(store_path: Path) -> list[Path]:
    return [store_path.with_name(store_path.name + s) for s in COPY_SUFFIXES]


def version_chain(conn: sqlite3.Connection, note_id: int) -> list[int]:
    """The note and every version linked to it, before and after (ids, ascending)."""
    rows = conn.execute(
        """WITH RECURSIVE chain(id) AS (
               SELECT ?
               UNION SELECT n.replaces FROM notes n JOIN chain c ON n.id = c.id
                     WHERE n.replaces IS NOT NULL
               UNION SELECT n.id FROM notes n JOIN chain c ON n.replaces = c.id
           )
           SELECT id FROM chain WHERE id IN (SELECT id FROM notes) ORDER BY id""",
        (note_id,),
    ).fetchall()
    return [r[0] for r in rows]


def count(conn: sqlite3.Connection, selection: Selection) -> int:
    sql = f"SELECT count(*) FROM notes WHERE {selection.where}"
    return conn.execute(sql, selection.params).fetchone()[0]


def is_pending(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM settings WHERE key = ?", (PENDING_KEY,)).fetchone()
    return row is not None


def erase(
    store_conn: sqlite3.Connection, store_path: Path | None, selection: Selection
) -> ErasureReport:
    """Erase the selected notes from the copies, then from the store (see the module doc).

    `store_conn` is the store's own connection, outside any transaction; `store_path` is
    None for a store in memory (no copies, no WAL).
    """
    report = ErasureReport()
    files: list[Path] = []
    if store_path is not None:
        for scratch in SCRATCH_SUFFIXES:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(store_path.with_name(store_path.name + scratch))
        for copy in copy_paths(store_path):
            if copy.exists():
                with _open_copy(copy) as conn:
                    _erase_in(conn, selection, wal=False)
                files.append(copy)
    report.erased = _delete(store_conn, selection)
    report.wal_pending = not _rewrite(store_conn, wal=store_path is not None)
    if store_path is not None:
        files.append(store_path)
    report.files = tuple(files)
    return report


def erase_note(
    conn: sqlite3.Connection, store_path: Path | None, note_id: int, author: str | None = None
) -> tuple[list[int], ErasureReport]:
    """Erase a note and every version of it (the RGPD right to erasure): the ids erased and
    the report. A shared note is also erased from the team: an `erased` event goes to the
    team folder, and this laptop's file there loses its text (store/team.py)."""
    chain = version_chain(conn, note_id) or [note_id]
    shared = [
        r[0]
        for r in conn.execute(
            f"SELECT uuid FROM notes WHERE shared AND uuid IS NOT NULL AND {note_ids(chain).where}",
            chain,
        )
    ]
    if shared:
        from .team_log import record_erasures

        conn.execute("BEGIN IMMEDIATE")
        try:
            record_erasures(conn, shared, author)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    report = erase(conn, store_path, note_ids(chain))
    if shared:
        from .team import TeamError, team_folder, write_own_file

        # The folder may be unmounted: the erased event is recorded, and the next
        # synchronisation rewrites this laptop's file without the text.
        with contextlib.suppress(TeamError):
            if team_folder(conn) is not None:
                write_own_file(conn)
    return chain, report


def finish_pending(store_conn: sqlite3.Connection, store_path: Path | None) -> bool:
    """Finish an erasure a killed process left half-done. True if there was one."""
    if not is_pending(store_conn):
        return False
    erase(store_conn, store_path, note_ids([]))
    return True


@contextlib.contextmanager
def _open_copy(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.DatabaseError as exc:
        raise ErasureError(f"{path} : copie illisible, rien n'a été effacé ({exc}).") from None
    try:
        # A copy is a plain file with no WAL beside it: the rollback journal only lives
        # for the time of a transaction.
        conn.execute("PRAGMA journal_mode = DELETE")
        yield conn
    except sqlite3.DatabaseError as exc:
        raise ErasureError(f"{path} : effacement impossible dans cette copie ({exc}).") from None
    finally:
        conn.close()


def _erase_in(conn: sqlite3.Connection, selection: Selection, *, wal: bool) -> int:
    erased = _delete(conn, selection)
    _rewrite(conn, wal=wal)
    return erased


def _delete(conn: sqlite3.Connection, selection: Selection) -> int:
    """Delete the selected notes and set the marker, in one transaction."""
    conn.execute("PRAGMA secure_delete = ON")
    if not count(conn, selection):
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        selected = f"SELECT id FROM notes WHERE {selection.where}"
        linked = conn.execute(
            f"SELECT count(*) FROM notes WHERE replaces IN ({selected}) "
            f"AND NOT ({selection.where})",
            selection.params * 2,
        ).fetchone()[0]
        if linked:  # later versions that stay lose the link to the erased one, not their text
            conn.execute(f"DROP TRIGGER IF EXISTS {NOTES_APPEND_ONLY_TRIGGER_NAME}")
            conn.execute(
                f"UPDATE notes SET replaces = NULL WHERE replaces IN ({selected})",
                selection.params,
            )
            conn.execute(NOTES_APPEND_ONLY_TRIGGER)
        # Versions before the notes that point at them, so no link is ever dangling.
        erased = conn.execute(
            f"DELETE FROM notes WHERE {selection.where}", selection.params
        ).rowcount
        set_setting(conn, PENDING_KEY, "1")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return erased


def _rewrite(conn: sqlite3.Connection, *, wal: bool) -> bool:
    """VACUUM and truncate the WAL if an erasure is pending; clear the marker.

    False when another connection kept the WAL from being truncated (the marker stays, the
    next erasure finishes it)."""
    if not is_pending(conn):
        return True
    conn.execute("VACUUM")
    if wal and not _truncate_wal(conn):
        return False
    conn.execute("DELETE FROM settings WHERE key = ?", (PENDING_KEY,))
    if wal:
        _truncate_wal(conn)
    return True


def _truncate_wal(conn: sqlite3.Connection) -> bool:
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
