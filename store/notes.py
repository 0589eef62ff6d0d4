"""Notes: append-only. An edit adds a version that replaces the previous one; a deletion
hides. Imports never touch this table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass


@dataclass
class Note:
    id: int
    structure_id: str
    created_at: str
    author: str | None
    text: str
    replaces: int | None
    hidden_at: str | None
    structure_nom: str | None = None

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class NoteError(Exception):
    pass


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def add_note(
    conn: sqlite3.Connection,
    structure_id: str,
    text: str,
    author: str | None = None,
    *,
    replaces: int | None = None,
) -> Note:
    text = text.strip()
    if not text:
        raise NoteError("La note est vide.")
    if not conn.execute("SELECT 1 FROM structures WHERE id = ?", (structure_id,)).fetchone():
        raise NoteError(f"Structure inconnue : {structure_id}")
    in_tx = conn.in_transaction
    if not in_tx:
        conn.execute("BEGIN IMMEDIATE")
    try:
        cursor = conn.execute(
            "INSERT INTO notes(structure_id, created_at, author, text, replaces)"
            " VALUES (?,?,?,?,?)",
            (structure_id, _now(), author, text, replaces),
        )
        note_id = cursor.lastrowid
        if not in_tx:
            conn.execute("COMMIT")
    except BaseException:
        if not in_tx:
            conn.execute("ROLLBACK")
        raise
    return get_note(conn, note_id)  # type: ignore[arg-type]


def edit_note(conn: sqlite3.Connection, note_id: int, text: str, author: str | None = None) -> Note:
    """A new version of a note; the old one stays in the table, replaced."""
    old = get_note(conn, note_id)
    if old is None:
        raise NoteError(f"Note inconnue : {note_id}")
    return add_note(conn, old.structure_id, text, author or old.author, replaces=note_id)


def hide_note(conn: sqlite3.Connection, note_id: int) -> None:
    if get_note(conn, note_id) is None:
        raise NoteError(f"Note inconnue : {note_id}")
    conn.execute(
        "UPDATE notes SET hidden_at = ? WHERE id = ? AND hidden_at IS NULL", (_now(), note_id)
    )


_COLUMNS = "n.id, n.structure_id, n.created_at, n.author, n.text, n.replaces, n.hidden_at, s.nom"
_CURRENT = "n.hidden_at IS NULL AND NOT EXISTS (SELECT 1 FROM notes r WHERE r.replaces = n.id)"


def get_note(conn: sqlite3.Connection, note_id: int) -> Note | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM notes n LEFT JOIN structures s ON s.id = n.structure_id "
        "WHERE n.id = ?",
        (note_id,),
    ).fetchone()
    return Note(*row) if row else None


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
    return [Note(*r) for r in conn.execute(sql, params)]
