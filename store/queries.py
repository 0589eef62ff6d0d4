"""Reading structures for display and the command line."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from typing import Any

from .models import LIST_FIELDS
from .notes import list_notes
from .places import members_of, places_of


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if (key in LIST_FIELDS or key == "extra") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                row[key] = json.loads(value)
    return row


def _dict_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [_decode(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


# A person can approach the structure herself: it has no service, or one not reserved to
# professionals (`mobilisable_par` without `usagers` but with `professionnels`); the same
# rule as `store.views.Mobilisation.direct`. `s` is the structures table.
DIRECT_ACCESS_SQL = (
    "(NOT EXISTS (SELECT 1 FROM services v WHERE v.structure_id = s.id)"
    " OR EXISTS (SELECT 1 FROM services v WHERE v.structure_id = s.id"
    " AND NOT (v.mobilisable_par LIKE '%\"professionnels\"%'"
    " AND v.mobilisable_par NOT LIKE '%\"usagers\"%')))"
)


def directly_reachable(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """The structures among `ids` that a person can approach without a professional."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            sid
            for (sid,) in conn.execute(
                f"SELECT s.id FROM structures s WHERE s.id IN ({marks}) AND {DIRECT_ACCESS_SQL}",
                chunk,
            )
        )
    return found


def resolve_id(conn: sqlite3.Connection, text: str) -> str | None:
    """A structure id from an id or an unambiguous id prefix."""
    text = text.strip()
    if conn.execute("SELECT 1 FROM structures WHERE id = ?", (text,)).fetchone():
        return text
    if len(text) >= 4:
        rows = conn.execute(
            "SELECT id FROM structures WHERE id LIKE ? LIMIT 2", (text + "%",)
        ).fetchall()
        if len(rows) == 1:
            return rows[0][0]
    return None


def get_structure(conn: sqlite3.Connection, structure_id: str) -> dict[str, Any] | None:
    """The structure with its services, current notes and last import source."""
    rows = _dict_rows(conn.execute("SELECT * FROM structures WHERE id = ?", (structure_id,)))
    if not rows:
        return None
    structure = rows[0]
    for internal in ("num", "content_hash"):
        structure.pop(internal, None)
    structure["services"] = _dict_rows(
        conn.execute("SELECT * FROM services WHERE structure_id = ? ORDER BY nom", (structure_id,))
    )
    for service in structure["services"]:
        service.pop("num", None)
        service.pop("content_hash", None)
    # One place, one row: the other records of this place (other sources) and their notes.
    place = places_of(conn, [structure_id])[structure_id].place
    others = [m for m in members_of(conn, [place]).get(place, []) if m.id != structure_id]
    structure["same_place"] = [{"id": m.id, "source": m.source} for m in others]
    structure["sources"] = sorted({str(structure["source"]), *(m.source for m in others)})
    notes = list_notes(conn, structure_id)
    for other in others:
        notes += list_notes(conn, other.id)
    notes.sort(key=lambda n: (n.created_at, n.id), reverse=True)
    structure["notes"] = [n.as_json() for n in notes]
    import_id = structure.pop("import_id", None)
    source = _dict_rows(conn.execute("SELECT * FROM sources WHERE id = ?", (import_id,)))
    structure["import"] = source[0] if source else None
    structure["favori"] = is_favorite(conn, structure_id)
    return structure


def source_names(conn: sqlite3.Connection) -> set[str]:
    """The names of the sources imported so far (an import log row may name several)."""
    names: set[str] = set()
    for (value,) in conn.execute("SELECT DISTINCT name FROM sources"):
        names.update(n for n in (value or "").split(", ") if n)
    return names


def rename_source_path(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Make the import log name `new` where it named the file at `old`."""
    conn.execute("UPDATE sources SET path = ? WHERE path = ?", (new, old))


def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    def one(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    sources = [
        {"source": name, "structures": count}
        for name, count in conn.execute(
            "SELECT source, count(*) FROM structures GROUP BY source ORDER BY source"
        )
    ]
    return {
        "structures": one("SELECT count(*) FROM structures"),
        "services": one("SELECT count(*) FROM services"),
        "notes": one(
            "SELECT count(*) FROM notes n WHERE n.hidden_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM notes r WHERE r.replaces = n.id)"
        ),
        "sources": sources,
        "imports": one("SELECT count(*) FROM sources"),
        "absent": one("SELECT count(*) FROM structures WHERE absent = 1"),
    }


def is_favorite(conn: sqlite3.Connection, structure_id: str) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM favorites WHERE structure_id = ?", (structure_id,)).fetchone()
    )


def toggle_favorite(conn: sqlite3.Connection, structure_id: str) -> bool:
    """Flip the favourite mark; returns the new state."""
    if is_favorite(conn, structure_id):
        conn.execute("DELETE FROM favorites WHERE structure_id = ?", (structure_id,))
        return False
    conn.execute(
        "INSERT INTO favorites(structure_id, created_at) VALUES (?, ?)",
        (structure_id, dt.datetime.now().isoformat(timespec="seconds")),
    )
    return True


def kind_counts(conn: sqlite3.Connection, source_prefix: str = "") -> dict[str, int]:
    """How many structures of each kind (of the sources starting with `source_prefix`)."""
    return dict(
        conn.execute(
            "SELECT coalesce(kind, 'autre'), count(*) FROM structures"
            " WHERE source LIKE ? ESCAPE '\\' GROUP BY 1 ORDER BY 2 DESC, 1",
            (source_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
    )
