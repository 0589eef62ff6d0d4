"""Side index of what each structure is for: `structure_tags(tag, departement, structure_id)`.

A tag is a v1 thématique code (of the structure or one of its services) or `kind:<slug>` (its
kind, and the kinds its name or its services' names point to: "France services Pimms
Médiation …" is tagged `kind:pimms` too, a centre social with an "Écrivain public" permanence
`kind:ecrivain-public`). Orientation finds its candidates with one indexed lookup by tag and
département instead of scanning every structure.

Tagging runs on every imported structure and service, so reading names is kept cheap: a
fast fold, then only the kind patterns whose key word occurs are tried.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import kinds

Pattern = re.Pattern[str]
_SPLIT = re.compile(r"\\b|\(.*?\)\??|.\?|[\\^$.|*+\[\]{}()]")


_NON_WORD = re.compile(r"[^0-9a-z]+")


def quick_fold(text: str) -> str:
    """Lower-case, accents off, punctuation to spaces, padded with spaces (cheap)."""
    text = text.lower()
    if not text.isascii():
        text = text.replace("œ", "oe").replace("æ", "ae").replace("’", "'")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " " + _NON_WORD.sub(" ", text) + " "


@dataclass(frozen=True)
class _Gates:
    by_key: dict[str, tuple[tuple[str, Pattern], ...]]  # key -> patterns to try


@lru_cache(maxsize=1)
def _gates() -> _Gates:
    """Each kind pattern keyed by the longest literal word it requires."""
    keyed: dict[str, list[tuple[str, Pattern]]] = {}
    for kind in kinds.KINDS:
        if kind.slug == "autre":
            continue
        for source in kind.patterns:
            words = [w for piece in _SPLIT.split(source) if piece for w in piece.split()]
            keyed.setdefault(max(words, key=len), []).append((kind.slug, re.compile(source)))
    by_key = {key: tuple(patterns) for key, patterns in keyed.items()}
    return _Gates(by_key)


@lru_cache(maxsize=65536)  # service names repeat a lot across a national export
def kinds_in_name(name: str | None, commune: str | None = None) -> frozenset[str]:
    """Every kind whose name pattern matches (not only the first, unlike kinds.from_text);
    saints' names and the name of the structure's commune do not count."""
    if not name:
        return frozenset()
    folded = kinds.without_places(quick_fold(name), commune)
    gates = _gates()
    text = folded.strip()
    found: set[str] = set()
    for key, patterns in gates.by_key.items():
        if key not in folded:
            continue
        for slug, pattern in patterns:
            if slug not in found and pattern.search(text):
                found.add(slug)
    return frozenset(found)


@lru_cache(maxsize=8192)  # the same few code lists repeat across a national export
def _json_codes(value: str) -> tuple[str, ...]:
    try:
        decoded = json.loads(value or "[]")
    except ValueError:
        return ()
    return _codes(decoded) if isinstance(decoded, list) else ()


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return _json_codes(value)
    if isinstance(value, list | tuple):
        return tuple(c for c in value if isinstance(c, str) and c)
    return ()


# One row of structure_tags: tag, département, structure id, latitude, longitude.
TagRow = tuple[str, str, str, object, object]


def tags_of(
    nom: str | None,
    kind: str | None,
    thematiques: object,
    services: Iterable[tuple[str | None, object]],
    commune: str | None = None,
) -> set[str]:
    """Tags of one structure; `services` yields (nom, thematiques) pairs (JSON or list)."""
    tags = {f"kind:{kind or 'autre'}"}
    tags |= {f"kind:{slug}" for slug in kinds_in_name(nom, commune)}
    tags |= set(_codes(thematiques))
    for service_nom, service_themes in services:
        tags |= {f"kind:{slug}" for slug in kinds_in_name(service_nom, commune)}
        tags |= set(_codes(service_themes))
    return tags


def tag_rows(
    conn: sqlite3.Connection,
    structures: Sequence[Mapping[str, object]],
    services: Iterable[Mapping[str, object]] = (),
    *,
    replace: bool = True,
) -> None:
    """(Re)tag structures from the rows just written (dicts with id, nom, kind, departement,
    thematiques, latitude, longitude, commune; services with structure_id, nom, thematiques),
    inside the caller's transaction.

    With `replace`, their stored tags are read and only the differences written (a services
    file re-tags every structure it names, and most of their tags stay); `replace=False`
    when they have no tags (new structures).
    """
    by_structure: dict[object, list[tuple[str | None, object]]] = {}
    for service in services:
        by_structure.setdefault(service["structure_id"], []).append(
            (_text(service.get("nom")), service.get("thematiques"))
        )
    rows: set[TagRow] = set()
    for s in structures:
        dep = str(s.get("departement") or "")
        sid = str(s["id"])
        tags = tags_of(
            _text(s.get("nom")),
            _text(s.get("kind")),
            s.get("thematiques"),
            by_structure.get(s["id"], ()),
            _text(s.get("commune")),
        )
        lat, lon = s.get("latitude"), s.get("longitude")
        rows.update((tag, dep, sid, lat, lon) for tag in tags)
    if replace:
        stored = _stored_tags(conn, [str(s["id"]) for s in structures])
        conn.executemany(
            "DELETE FROM structure_tags WHERE tag = ? AND departement = ? AND structure_id = ?",
            [row[:3] for row in stored - rows],
        )
        rows -= stored
    in_key_order = sorted(rows, key=_row_key)  # fewer B-tree pages touched
    conn.executemany(
        "INSERT OR REPLACE INTO structure_tags(tag, departement, structure_id, latitude,"
        " longitude) VALUES (?,?,?,?,?)",
        in_key_order,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _row_key(row: TagRow) -> tuple[str, str, str]:
    return row[0], row[1], row[2]


def _stored_tags(conn: sqlite3.Connection, ids: Sequence[str]) -> set[TagRow]:
    stored: set[TagRow] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        stored.update(
            conn.execute(
                "SELECT tag, departement, structure_id, latitude, longitude FROM structure_tags"
                f" WHERE structure_id IN ({marks})",
                chunk,
            )
        )
    return stored


def tag_structures(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """(Re)tag the given structures, reading them from the store."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        structures = [
            {
                "id": r[0],
                "nom": r[1],
                "kind": r[2],
                "departement": r[3],
                "thematiques": r[4],
                "latitude": r[5],
                "longitude": r[6],
                "commune": r[7],
            }
            for r in conn.execute(
                "SELECT id, nom, kind, departement, thematiques, latitude, longitude, commune "
                "FROM structures "
                f"WHERE id IN ({marks})",
                chunk,
            )
        ]
        services = [
            {"structure_id": r[0], "nom": r[1], "thematiques": r[2]}
            for r in conn.execute(
                "SELECT structure_id, nom, thematiques FROM services "
                f"WHERE structure_id IN ({marks})",
                chunk,
            )
        ]
        tag_rows(conn, structures, services)


def untag_structures(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM structure_tags WHERE structure_id = ?", [(i,) for i in ids])


def retag_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM structure_tags")
    tag_structures(conn, [sid for (sid,) in conn.execute("SELECT id FROM structures")])
