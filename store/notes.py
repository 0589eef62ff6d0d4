"""Notes: append-only. An edit adds a version that replaces the previous one; a deletion
hides. Imports never touch this table."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from .db import transaction
from .team_log import EventType, new_uuid, record_local


@dataclass
class Note:
    id: int
    structure_id: str
    created_at: str
    author: str | None
    text: str
    replaces: int | None
    hidden_at: str | None
    uuid: str = ""
    shared: bool = False
    structure_nom: str | None = None

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class NoteError(Exception):
    pass


@dataclass(frozen=True)
class RemoteOrigin:
    """Where a note merged from the team folder comes from: its own UUID and date."""

    note_uuid: str
    created_at: str


@contextlib.contextmanager
def _joined_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction, or run in one of our own (committed at the end)."""
    if conn.in_transaction:
        yield
        return
    with transaction(conn):
        yield


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def add_note(
    conn: sqlite3.Connection,
    structure_id: str,
    text: str,
    author: str | None = None,
    *,
    replaces: int | None = None,
    shared: bool = False,
    remote: RemoteOrigin | None = None,
) -> Note:
    """Add a note (or, with `replaces`, a new version of one).

    A shared note is also recorded as an event for the team folder (store/team.py); a note
    merged from the team (`remote`) keeps its UUID and date and records no event of ours.
    """
    text = text.strip()
    if not text:
        raise NoteError("La note est vide.")
    if not conn.execute("SELECT 1 FROM structures WHERE id = ?", (structure_id,)).fetchone():
        raise NoteError(f"Structure inconnue : {structure_id}")
    with _joined_transaction(conn):
        note_uuid = remote.note_uuid if remote else new_uuid()
        cursor = conn.execute(
            "INSERT INTO notes(structure_id, created_at, author, text, replaces, uuid, shared)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                structure_id,
                remote.created_at if remote else _now(),
                author,
                text,
                replaces,
                note_uuid,
                int(shared or remote is not None),
            ),
        )
        note_id = cursor.lastrowid
        if shared and remote is None:
            event = EventType.VERSION if replaces is not None else EventType.ADDED
            record_local(conn, event, note_uuid, author)
    written = get_note(conn, note_id) if note_id is not None else None
    if written is None:  # an INSERT always gives a rowid: this cannot happen
        raise NoteError("La note enregistrée n'a pas pu être relue.")
    return written


def edit_note(
    conn: sqlite3.Connection,
    note_id: int,
    text: str,
    author: str | None = None,
    *,
    shared: bool | None = None,
) -> Note:
    """A new version of a note; the old one stays in the table, replaced. A version of a
    shared note stays shared unless `shared` says otherwise."""
    old = get_note(conn, note_id)
    if old is None:
        raise NoteError(f"Note inconnue : {note_id}")
    return add_note(
        conn,
        old.structure_id,
        text,
        author or old.author,
        replaces=note_id,
        shared=old.shared if shared is None else shared,
    )


def hide_note(conn: sqlite3.Connection, note_id: int, author: str | None = None) -> None:
    note = get_note(conn, note_id)
    if note is None:
        raise NoteError(f"Note inconnue : {note_id}")
    with _joined_transaction(conn):
        changed = conn.execute(
            "UPDATE notes SET hidden_at = ? WHERE id = ? AND hidden_at IS NULL",
            (_now(), note_id),
        ).rowcount
        if changed and note.shared:
            record_local(conn, EventType.HIDDEN, note.uuid, author)


_COLUMNS = (
    "n.id, n.structure_id, n.created_at, n.author, n.text, n.replaces, n.hidden_at,"
    " n.uuid, n.shared, s.nom"
)
_CURRENT = "n.hidden_at IS NULL AND NOT EXISTS (SELECT 1 FROM notes r WHERE r.replaces = n.id)"


def get_note(conn: sqlite3.Connection, note_id: int) -> Note | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notes n LEFT JOIN structures s ON s.id = n.structure_id "
        "WHERE n.id = ?",
        (note_id,),
    ).fetchone()
    return _note(row) if row else None


def list_notes(
    conn: sqlite3.Connection, structure_id: str | None = None, *, include_history: bool = False
) -> list[Note]:
    """Current notes, newest first (with `include_history`, every version and hidden ones)."""
    where = [] if include_history else [_CURRENT]
    params: list[object] = []
    if structure_id:
        where.append("n.structure_id = ?")
        params.append(structure_id)
    sql = f"SELECT {_COLUMNS} FROM notes n LEFT JOIN structures s ON s.id = n.structure_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY n.created_at DESC, n.id DESC"
    return [_note(r) for r in conn.execute(sql, params)]


def _note(row: tuple) -> Note:
    return Note(
        id=row[0],
        structure_id=row[1],
        created_at=row[2],
        author=row[3],
        text=row[4],
        replaces=row[5],
        hidden_at=row[6],
        uuid=row[7] or "",
        shared=bool(row[8]),
        structure_nom=row[9],
    )


def note_by_uuid(conn: sqlite3.Connection, note_uuid: str) -> Note | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notes n LEFT JOIN structures s ON s.id = n.structure_id "
        "WHERE n.uuid = ?",
        (note_uuid,),
    ).fetchone()
    return _note(row) if row else None


@dataclass(frozen=True)
class NoteMark:
    """What a list shows of a structure's notes: how many, and the latest one's text."""

    count: int
    latest: str


def note_marks(conn: sqlite3.Connection, structure_ids: list[str]) -> dict[str, NoteMark]:
    """The current notes of these structures, summed up per structure (for result lists)."""
    marks: dict[str, NoteMark] = {}
    for start in range(0, len(structure_ids), 500):
        chunk = structure_ids[start : start + 500]
        placeholders = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT n.structure_id, n.text FROM notes n WHERE {_CURRENT}"
            f" AND n.structure_id IN ({placeholders}) ORDER BY n.created_at DESC, n.id DESC",
            chunk,
        )
        for structure_id, text in rows:
            mark = marks.get(structure_id)
            marks[structure_id] = (
                NoteMark(mark.count + 1, mark.latest) if mark else NoteMark(1, text)
            )
    return marks
