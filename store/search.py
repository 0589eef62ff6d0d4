"""Accent- and typo-tolerant search over structures.

Index: an FTS5 table over a normalised copy of each structure's name, place and services
(rowid = structures.num). Query: each typed word is expanded against the index vocabulary —
prefixes (the word being typed) and close spellings (rapidfuzz) — then FTS5 finds the
candidates and rapidfuzz ranks them against the name.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from . import kinds
from .communes import Commune, haversine_km
from .text import normalize, tokens

MAX_CANDIDATES = 400
MAX_PREFIX_TERMS = 60
FUZZY_TERMS = 6
FUZZY_CUTOFF = 78


# -- indexing -------------------------------------------------------------------------------


def _lieu(commune: str | None, code_postal: str | None, dep: str | None, kind: str | None) -> str:
    parts = [commune, code_postal, dep, kinds.label(kind) if kind else None]
    return normalize(" ".join(p for p in parts if p))


@functools.lru_cache(maxsize=8192)
def _service_text(nom: str, description: str | None) -> str:
    # Service names and descriptions repeat a lot across structures (networks, templates).
    return normalize(f"{nom} {(description or '')[:2000]}")


def index_entry(
    nom: str,
    commune: str | None,
    code_postal: str | None,
    departement: str | None,
    kind: str | None,
    services: Iterable[tuple[str, str | None]],
) -> tuple[str, str, str]:
    """The (nom, lieu, services) columns of one structure's index row."""
    return (
        normalize(nom),
        _lieu(commune, code_postal, departement, kind),
        " ".join(_service_text(n, d) for n, d in services),
    )


def index_structures(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """(Re)build the index rows of the given structures."""
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start : chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT num, id, nom, commune, code_postal, departement, kind FROM structures "
            f"WHERE id IN ({marks})",
            chunk,
        ).fetchall()
        services: dict[str, list[tuple[str, str | None]]] = {}
        for sid, nom, description in conn.execute(
            f"SELECT structure_id, nom, description FROM services WHERE structure_id IN ({marks})",
            chunk,
        ):
            services.setdefault(sid, []).append((nom, description))
        conn.executemany("DELETE FROM structures_fts WHERE rowid = ?", [(r[0],) for r in rows])
        conn.executemany(
            "INSERT INTO structures_fts(rowid, nom, lieu, services) VALUES (?,?,?,?)",
            [
                (num, *index_entry(nom, com, cp, dep, kind, services.get(sid, ())))
                for num, sid, nom, com, cp, dep, kind in rows
            ],
        )


def unindex_structures(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany(
        "DELETE FROM structures_fts WHERE rowid = (SELECT num FROM structures WHERE id = ?)",
        [(sid,) for sid in ids],
    )


def rebuild_index(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM structures_fts")
    ids = [r[0] for r in conn.execute("SELECT id FROM structures")]
    index_structures(conn, ids)


# -- querying -------------------------------------------------------------------------------


@dataclass
class Hit:
    id: str
    nom: str
    kind: str
    commune: str | None
    code_postal: str | None
    departement: str | None
    latitude: float | None
    longitude: float | None
    horaires_accueil: str | None
    absent: bool
    score: float
    distance_km: float | None = None
    same_departement: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "nom": self.nom,
            "kind": self.kind,
            "commune": self.commune,
            "code_postal": self.code_postal,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "score": round(self.score, 2),
        }


class Vocabulary:
    """The index's distinct terms, sorted, reloaded when the database changes."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self.terms: list[str] = []

    def get(self, conn: sqlite3.Connection) -> list[str]:
        key = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if key != self._key:
            self.terms = [t for (t,) in conn.execute("SELECT term FROM structures_fts_vocab")]
            self._key = key
        return self.terms


def _vocabulary(conn: sqlite3.Connection) -> list[str]:
    """The connection's cached vocabulary (stores open a Connection subclass that keeps it)."""
    vocabulary = getattr(conn, "search_vocabulary", None)
    if vocabulary is None:
        vocabulary = Vocabulary()
        with contextlib.suppress(AttributeError):  # a plain sqlite3.Connection: no cache
            conn.search_vocabulary = vocabulary  # type: ignore[attr-defined]
    return vocabulary.get(conn)


def expand(term: str, vocab: list[str]) -> list[str]:
    """Index terms a typed word may stand for: itself, its completions, close spellings."""
    found: list[str] = []
    start = bisect.bisect_left(vocab, term)
    for candidate in vocab[start : start + MAX_PREFIX_TERMS]:
        if not candidate.startswith(term):
            break
        found.append(candidate)
    if len(term) >= 4:
        for candidate, _score, _ in process.extract(
            term, vocab, scorer=fuzz.ratio, limit=FUZZY_TERMS, score_cutoff=FUZZY_CUTOFF
        ):
            if candidate not in found:
                found.append(candidate)
    return found


def _fts_query(groups: list[list[str]], conjunction: str) -> str:
    parts = ["(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups]
    return f" {conjunction} ".join(parts)


def _filters(
    kind: str | None, thematique: str | None, favorites: bool, include_absent: bool
) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if kind:
        where.append("s.kind = ?")
        params.append(kind)
    if thematique:
        where.append(
            "(EXISTS (SELECT 1 FROM json_each(s.thematiques) WHERE value LIKE ?) OR EXISTS "
            "(SELECT 1 FROM services v, json_each(v.thematiques) j WHERE v.structure_id = s.id "
            "AND j.value LIKE ?))"
        )
        pattern = thematique if "--" in thematique else thematique + "--%"
        params += [pattern, pattern]
    if favorites:
        where.append("s.id IN (SELECT structure_id FROM favorites)")
    if not include_absent:
        where.append("s.absent = 0")
    return (" AND " + " AND ".join(where)) if where else "", params


_HIT_COLUMNS = (
    "s.id, s.nom, s.kind, s.commune, s.code_postal, s.departement, s.latitude, s.longitude,"
    " s.horaires_accueil, s.absent"
)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 50,
    near: Commune | None = None,
    kind: str | None = None,
    thematique: str | None = None,
    favorites: bool = False,
    include_absent: bool = False,
) -> list[Hit]:
    """Structures matching `query`, best first (by relevance, then distance when `near`)."""
    words = tokens(query)
    where, params = _filters(kind, thematique, favorites, include_absent)
    if not words:
        return _browse(conn, where, params, limit, near)
    vocab = _vocabulary(conn)
    groups = [expand(w, vocab) for w in words]
    groups_known = [g for g in groups if g]
    if not groups_known:
        return []
    rows: list[tuple] = []
    seen: set[str] = set()
    # All words must match when they can; then any word, to keep typos from emptying the list.
    conjunctions = ["AND", "OR"] if len(groups_known) > 1 else ["AND"]
    if len(groups_known) < len(groups):
        conjunctions = ["AND", "OR"]
    for conjunction in conjunctions:
        sql = (
            f"SELECT {_HIT_COLUMNS}, bm25(structures_fts, 10.0, 3.0, 1.0) AS rank "
            f"FROM structures_fts f JOIN structures s ON s.num = f.rowid "
            f"WHERE structures_fts MATCH ? {where} ORDER BY rank LIMIT ?"
        )
        for row in conn.execute(
            sql, [_fts_query(groups_known, conjunction), *params, MAX_CANDIDATES]
        ):
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
        if len(rows) >= limit:
            break
    return _rank(rows, " ".join(words), limit, near)


def _word_score(word: str, name_words: list[str], last: bool) -> float:
    """How well one typed word matches the name: 1 exact, 0.9 prefix, else closeness."""
    best = 0.0
    for candidate in name_words:
        if candidate == word:
            return 1.0
        if candidate.startswith(word) and (last or len(word) >= 3):
            best = max(best, 0.9 - 0.02 * min(len(candidate) - len(word), 5))
        elif len(word) >= 4:
            best = max(best, 0.85 * fuzz.ratio(word, candidate) / 100.0)
    return best


def _rank(rows: list[tuple], typed: str, limit: int, near: Commune | None) -> list[Hit]:
    words = typed.split()
    hits: list[Hit] = []
    count = len(rows)
    for position, row in enumerate(rows):
        name = normalize(row[1])
        name_words = name.split()
        cover = sum(
            _word_score(w, name_words, i == len(words) - 1) for i, w in enumerate(words)
        ) / len(words)
        # FTS rank (name, place and services all count) blends with closeness to the name.
        rank_score = 1.0 - position / max(count, 1)
        closeness = fuzz.ratio(typed, name) / 100.0
        score = 70.0 * cover + 20.0 * rank_score + 10.0 * closeness
        hits.append(Hit(*row[:9], absent=bool(row[9]), score=score))
    if near is not None:
        _add_distances(hits, near)
        hits.sort(key=lambda h: (-(h.score // 10), _distance_key(h), -h.score))
    else:
        hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def _distance_key(hit: Hit) -> float:
    if hit.distance_km is not None:
        return hit.distance_km
    return 500.0 if hit.same_departement else 10_000.0


def _add_distances(hits: list[Hit], near: Commune) -> None:
    for hit in hits:
        if near.lat is not None and hit.latitude is not None and hit.longitude is not None:
            hit.distance_km = haversine_km(near.lat, near.lon, hit.latitude, hit.longitude)
        hit.same_departement = bool(hit.departement) and hit.departement == near.dep


def _browse(
    conn: sqlite3.Connection, where: str, params: list[object], limit: int, near: Commune | None
) -> list[Hit]:
    """No words typed: the nearest structures when a place is set, else by name."""
    if near is not None and near.lat is not None:
        # Pre-filter on a bounding box that grows until enough structures are inside.
        for radius_deg in (0.1, 0.3, 1.0, 3.0, 180.0):
            box = " AND s.latitude BETWEEN ? AND ? AND s.longitude BETWEEN ? AND ?"
            box_params = [
                near.lat - radius_deg,
                near.lat + radius_deg,
                near.lon - radius_deg * 1.5,
                near.lon + radius_deg * 1.5,
            ]
            rows = conn.execute(
                f"SELECT {_HIT_COLUMNS} FROM structures s WHERE 1 {where}{box}",
                [*params, *box_params],
            ).fetchall()
            if len(rows) >= limit:
                break
        hits = [Hit(*r[:9], absent=bool(r[9]), score=0.0) for r in rows]
        _add_distances(hits, near)
        hits.sort(key=_distance_key)
        return hits[:limit]
    rows = conn.execute(
        f"SELECT {_HIT_COLUMNS} FROM structures s WHERE 1 {where} ORDER BY s.nom LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [Hit(*r[:9], absent=bool(r[9]), score=0.0) for r in rows]
