"""Side index of what each structure is for: `structure_tags(tag, departement, structure_id)`.

A tag is a v1 thématique code (of the structure or one of its services) or `kind:<slug>` (its
kind, and the kinds its name or its services' names point to: "France services Pimms
Médiation …" is tagged `kind:pimms` too, a centre social with an "Écrivain public" permanence
`kind:ecrivain-public`). Orientation finds its candidates with one indexed lookup by tag and
département instead of scanning every structure.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache

from . import kinds
from .text import fold


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (k.slug, re.compile(p)) for k in kinds.KINDS if k.slug != "autre" for p in k.patterns
    )


def kinds_in_name(name: str | None) -> set[str]:
    """Every kind whose name pattern matches (not only the first, unlike kinds.from_text)."""
    folded = fold(name)
    if not folded:
        return set()
    return {slug for slug, pattern in _name_patterns() if pattern.search(folded)}


def _codes(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return [c for c in data if isinstance(c, str) and c] if isinstance(data, list) else []


def tags_of(
    nom: str | None, kind: str | None, thematiques: str | None, services: Iterable[tuple]
) -> set[str]:
    """Tags of one structure; `services` yields (nom, thematiques JSON) pairs."""
    tags = {f"kind:{kind or 'autre'}"}
    tags |= {f"kind:{slug}" for slug in kinds_in_name(nom)}
    tags |= set(_codes(thematiques))
    for service_nom, service_themes in services:
        tags |= {f"kind:{slug}" for slug in kinds_in_name(service_nom)}
        tags |= set(_codes(service_themes))
    return tags


def tag_structures(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """(Re)compute the tags of the given structures (inside the caller's transaction)."""
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        services: dict[str, list[tuple]] = {}
        for sid, nom, themes in conn.execute(
            f"SELECT structure_id, nom, thematiques FROM services WHERE structure_id IN ({marks})",
            chunk,
        ):
            services.setdefault(sid, []).append((nom, themes))
        conn.execute(f"DELETE FROM structure_tags WHERE structure_id IN ({marks})", chunk)
        rows = []
        for sid, nom, kind, dep, themes in conn.execute(
            f"SELECT id, nom, kind, departement, thematiques FROM structures "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            for tag in tags_of(nom, kind, themes, services.get(sid, ())):
                rows.append((tag, dep or "", sid))
        conn.executemany(
            "INSERT OR IGNORE INTO structure_tags(tag, departement, structure_id) VALUES (?,?,?)",
            rows,
        )


def untag_structures(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM structure_tags WHERE structure_id = ?", [(i,) for i in ids])


def retag_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM structure_tags")
    tag_structures(conn, [sid for (sid,) in conn.execute("SELECT id FROM structures")])
