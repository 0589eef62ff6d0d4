"""Accent- and typo-tolerant search over structures.

Index: an FTS5 table over a normalised copy of each structure's name, place and services
(rowid = structures.num). Query: each typed word is expanded against the index vocabulary —
prefixes (the word being typed) and close spellings (rapidfuzz) — then FTS5 finds the
candidates and rapidfuzz ranks them against the name.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from . import kinds
from .communes import Commune, haversine_km
from .db import Connection
from .places import members_of, places_of
from .queries import DIRECT_ACCESS_SQL
from .reach import reach_of
from .text import normalize, tokens

MAX_CANDIDATES = 300  # rows read per candidate pass
GOOD_MATCH = 15.0  # near a place, hits this close to the best score are ranked by distance
MAX_PREFIX_TERMS = 40  # completions of a word of 3 letters or more (the most frequent)
SHORT_PREFIX_TERMS = 12  # completions of a word of 1 or 2 letters
FUZZY_TERMS = 6
SEARCH_MMAP_BYTES = 512 * 1024 * 1024
FUZZY_CUTOFF = 78
STOPWORDS = frozenset(
    "a au aux d de des du en et l la le les un une sur pour par".split()  # noqa: SIM905
)


# -- indexing -------------------------------------------------------------------------------


_NON_WORD = re.compile(r"[^0-9a-z]+")


def _normalize(text: str) -> str:
    """`text.normalize`, with a shortcut for plain ASCII (most names): same result."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    return normalize(text)


@functools.lru_cache(maxsize=65536)  # every commune × kind of a national file
def _lieu(commune: str | None, code_postal: str | None, dep: str | None, kind: str | None) -> str:
    parts = [commune, code_postal, dep, kinds.label(kind) if kind else None]
    return _normalize(" ".join(p for p in parts if p))


@functools.lru_cache(maxsize=8192)
def _service_text(nom: str, description: str | None) -> str:
    # Service names and descriptions repeat a lot across structures (networks, templates).
    return _normalize(f"{nom} {(description or '')[:2000]}")


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
        _normalize(nom),
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
    # Near a place: within its reach (store/reach.py), or, without coordinates, in its
    # département. Matches within reach come before matches beyond it.
    in_reach: bool = False
    strict: bool = True  # every typed word matched (not the relaxed query)
    extra: dict[str, object] = field(default_factory=dict)
    receives_public: bool = True  # False: a head office or administrative address
    place: str = ""  # shared by every record of the same place (store/places.py)
    sources: list[str] = field(default_factory=list)  # datasets that know this place
    same_place: list[str] = field(default_factory=list)  # other records of this place

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "nom": self.nom,
            "kind": self.kind,
            "commune": self.commune,
            "code_postal": self.code_postal,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "score": round(self.score, 2),
            "sources": self.sources,
            "same_place": self.same_place,
        }


class Vocabulary:
    """The index's distinct terms (sorted) with the number of structures holding each.

    Read from the `search_terms` table that each import refreshes (a plain table: cheap to
    load at start-up), else from the FTS5 vocabulary (a scan of the whole index). Reloaded
    when the database changes. Expansions are cached per typed word.
    """

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self.terms: list[str] = []
        self.docs: list[int] = []
        self._known: set[str] = set()
        self._cache: dict[tuple[str, bool], list[str]] = {}

    def refresh(self, conn: sqlite3.Connection) -> Vocabulary:
        key = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if key != self._key:
            rows = _load_terms(conn)
            self.terms = [t for t, _ in rows]
            self.docs = [d for _, d in rows]
            self._known = set(self.terms)
            self._cache.clear()
            self._key = key
        return self

    def __contains__(self, term: str) -> bool:
        return term in self._known

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Terms starting with `prefix`: all of them, or the `limit` most frequent in names
        and places (small words left out: they narrow nothing)."""
        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\uffff", lo=start)
        if end - start <= limit:
            return self.terms[start:end]
        candidates = (i for i in range(start, end) if self.terms[i] not in STOPWORDS)
        best = heapq.nlargest(limit, candidates, key=self.docs.__getitem__)
        return [self.terms[i] for i in sorted(best) if self.docs[i] > 0] or [
            self.terms[i] for i in sorted(best)
        ]

    def close(self, word: str, limit: int = FUZZY_TERMS) -> list[str]:
        """Close spellings of `word` (typos, missing or doubled letters)."""
        return [
            term
            for term, _score, _ in process.extract(
                word, self.terms, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
            )
        ]

    def expand(self, word: str, last: bool) -> list[str]:
        """Index terms a typed word may stand for. The last word is still being typed."""
        key = (word, last)
        found = self._cache.get(key)
        if found is None:
            found = self._expand(word, last)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _expand(self, word: str, last: bool) -> list[str]:
        if last or word not in self:
            limit = SHORT_PREFIX_TERMS if len(word) <= 2 else MAX_PREFIX_TERMS
            found = self.completions(word, limit)
        else:
            found = [word]
        if len(word) >= 4:
            found += [t for t in self.close(word) if t not in found]
        return found


def _load_terms(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    try:
        rows = conn.execute("SELECT term, docs FROM search_terms ORDER BY term").fetchall()
    except sqlite3.OperationalError:  # a store from before the table existed
        rows = []
    if rows or not conn.execute("SELECT 1 FROM structures_fts LIMIT 1").fetchone():
        return rows
    return conn.execute("SELECT term, doc FROM structures_fts_vocab ORDER BY term").fetchall()


def refresh_terms(conn: sqlite3.Connection) -> None:
    """Copy the index vocabulary into `search_terms` (after an import changed the index).

    `docs` counts the structures whose name or place holds the term: completions of a short
    prefix prefer what is typed to find a structure (terms only found in services count 0).
    """
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab_col "
        "USING fts5vocab(main, structures_fts, 'col')"
    )
    conn.execute("DELETE FROM search_terms")
    conn.execute(
        "INSERT INTO search_terms(term, docs) SELECT term, "
        "sum(CASE WHEN col IN ('nom', 'lieu') THEN doc ELSE 0 END) "
        "FROM temp.search_vocab_col GROUP BY term"
    )


def _vocabulary(conn: sqlite3.Connection) -> Vocabulary:
    """The connection's cached vocabulary (stores open a Connection subclass that keeps it)."""
    # A plain sqlite3.Connection (tests, tools) carries no cache.
    vocabulary = conn.search_vocabulary if isinstance(conn, Connection) else None
    if vocabulary is None:
        vocabulary = Vocabulary()
        # Read the index through a memory map: a keystroke touches scattered FTS pages, and
        # copying them through SQLite's small page cache was most of a query's time.
        conn.execute(f"PRAGMA mmap_size = {SEARCH_MMAP_BYTES}")
        if isinstance(conn, Connection):
            conn.search_vocabulary = vocabulary
    return vocabulary.refresh(conn)


def expand(term: str, vocab: Vocabulary, last: bool = True) -> list[str]:
    """Index terms a typed word may stand for: itself, its completions, close spellings."""
    return vocab.expand(term, last)


def _fts_query(groups: Sequence[Sequence[str]], conjunction: str = "AND") -> str:
    parts = ["(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups]
    return f" {conjunction} ".join(parts)


def _relaxed(groups: list[list[str]]) -> str:
    """All words but one (a word typed wrong must not empty the list), else any word."""
    if 3 <= len(groups) <= 4:
        combos = itertools.combinations(groups, len(groups) - 1)
        return " OR ".join(f"({_fts_query(c)})" for c in combos)
    return _fts_query(groups, "OR")


def _filters(
    kind: str | None,
    thematique: str | None,
    favorites: bool,
    include_absent: bool,
    direct_only: bool = False,
) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if direct_only:
        where.append(DIRECT_ACCESS_SQL)
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

# Candidate passes, best first: (FTS column filter, weight of the pass in the score).
# Each pass reads at most MAX_CANDIDATES matches in index order (no bm25 over thousands of
# matches: that was the cost at national scale); later passes run only while too few.
_PASSES = (("{nom}", 1.0), ("{nom lieu}", 0.6), ("", 0.3))


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
    direct_only: bool = False,
    with_sources: bool = False,
) -> list[Hit]:
    """Structures matching `query`, best first (by relevance, then distance when `near`), each
    place once. `with_sources` fills `sources` and `same_place` (two more queries: the command
    line asks for them, a keystroke does not).

    `direct_only`: only structures a person can approach herself (not every service of
    theirs reserved to orientations by a professional)."""
    words = tokens(query)
    where, params = _filters(kind, thematique, favorites, include_absent, direct_only)
    if not words:
        return _browse(conn, where, params, limit, near)
    vocab = _vocabulary(conn)
    groups = _groups(words, vocab)
    if not groups:
        return []
    sql = (
        f"SELECT {_HIT_COLUMNS}, f.nom, f.lieu "
        f"FROM structures_fts f JOIN structures s ON s.num = f.rowid "
        f"WHERE structures_fts MATCH ? {where}"
    )
    local = ""
    local_params: list[object] = []
    if near is not None and near.dep:
        local, local_params = " AND s.departement = ?", [near.dep]
    rows: list[tuple] = []
    seen: set[str] = set()
    wanted = max(limit, 1)
    matches = [_fts_query(groups)]
    for attempt, match in enumerate(matches):
        passes = _PASSES if attempt == 0 else (("", 0.0),)
        for columns, weight in passes:
            fts = f"{columns} : ({match})" if columns else match
            # Near a place: that département's matches first, then everywhere.
            scopes = [(local, local_params), ("", [])] if local else [("", [])]
            for scope, scope_params in scopes:
                for row in conn.execute(
                    f"{sql}{scope} LIMIT ?", [fts, *params, *scope_params, MAX_CANDIDATES]
                ):
                    if row[0] not in seen:
                        seen.add(row[0])
                        rows.append((*row, weight))
            if len(rows) >= wanted:
                break
        if not rows and attempt == 0 and len(groups) > 1:
            matches.append(_relaxed(groups))
    # Places are read for the best hits only (a keystroke must stay cheap): being a head
    # office only moves a hit down, and a place's other records rank near it.
    reach_km = reach_of(conn, near).km if near is not None else None
    hits = _rank(rows, words, vocab, 2 * limit + 10, near, reach_km)
    places = places_of(conn, [h.id for h in hits])
    for hit in hits:
        hit.place, hit.receives_public = places[hit.id].place, places[hit.id].receives_public
    _sort(hits, near)
    return one_row_per_place(conn, hits, limit, with_sources=with_sources)


def one_row_per_place(
    conn: sqlite3.Connection, hits: list[Hit], limit: int, *, with_sources: bool = True
) -> list[Hit]:
    """The best `limit` hits, each place once (its best-ranked record), with its sources."""
    kept: list[Hit] = []
    seen: set[str] = set()
    for hit in hits:
        key = hit.place or hit.id
        if key in seen:
            continue
        seen.add(key)
        kept.append(hit)
        if len(kept) >= limit:
            break
    if not with_sources:
        return kept
    members = members_of(conn, {h.place for h in kept if h.place})
    marks = ",".join("?" * len(kept))
    own = dict(
        conn.execute(
            f"SELECT id, source FROM structures WHERE id IN ({marks})", [h.id for h in kept]
        )
    )
    for hit in kept:
        records = members.get(hit.place, [])
        hit.same_place = [m.id for m in records if m.id != hit.id]
        hit.sources = sorted(
            {m.source for m in records} | ({own[hit.id]} if hit.id in own else set())
        )
    return kept


def _groups(words: list[str], vocab: Vocabulary) -> list[list[str]]:
    """One group of index terms per typed word that can narrow the search.

    Small words (de, la, du…) and a single letter being typed are left to the ranking when
    other words are there: they match most of the index and narrow nothing.
    """
    groups: list[list[str]] = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if len(words) > 1 and (word in STOPWORDS or (last and len(word) == 1)):
            continue
        group = vocab.expand(word, last)
        if group:
            groups.append(group)
    if not groups and words:
        # Only small words typed: search them anyway.
        groups = [
            g for g in (vocab.expand(w, i == len(words) - 1) for i, w in enumerate(words)) if g
        ]
    return groups


def _word_score(word: str, words: list[str], last: bool) -> float:
    """How well one typed word matches a list of words: 1 exact, 0.9 prefix, else closeness."""
    best = 0.0
    for candidate in words:
        if candidate == word:
            return 1.0
        if candidate.startswith(word) and (last or len(word) >= 3):
            best = max(best, 0.9 - 0.02 * min(len(candidate) - len(word), 5))
    if best == 0.0 and len(word) >= 4 and words:
        match = process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is not None:
            best = 0.85 * match[1] / 100.0
    return best


def _rank(
    rows: list[tuple],
    words: list[str],
    vocab: Vocabulary,
    limit: int,
    near: Commune | None,
    reach_km: float | None = None,
) -> list[Hit]:
    """Hits best first (see `_sort`)."""
    typed = " ".join(words)
    # Small words weigh little: "mairie de plaisir" is about "mairie" and "plaisir".
    weights = [0.2 if (w in STOPWORDS and len(words) > 1) else 1.0 for w in words]
    total = sum(weights)
    hits: list[Hit] = []
    # Rows are _HIT_COLUMNS, then the indexed name and place, then the weight of the pass.
    for sid, nom, kind, commune, cp, dep, lat, lon, hours, absent, name, lieu, pass_weight in rows:
        name_words = name.split()
        lieu_words = lieu.split()
        cover = 0.0
        kind_words = _kind_words(kind)
        for i, (word, weight) in enumerate(zip(words, weights, strict=True)):
            last = i == len(words) - 1
            score = _word_score(word, name_words, last)
            if score < 1.0 and word in kind_words:
                score = 1.0  # "caf" for a CAF named "Caisse d'allocations familiales"
            if score < 1.0:
                score = max(score, 0.75 * _word_score(word, lieu_words, last))
            cover += weight * score
        cover /= total
        closeness = fuzz.ratio(typed, name) / 100.0
        score = 70.0 * cover + 20.0 * pass_weight + 10.0 * closeness
        hits.append(
            Hit(
                sid,
                nom,
                kind,
                commune,
                cp,
                dep,
                lat,
                lon,
                hours,
                bool(absent),
                score,
                strict=pass_weight > 0,
            )
        )
    if near is not None:
        _add_distances(hits, near, reach_km)
    _sort(hits, near)
    return hits[:limit]


def _sort(hits: list[Hit], near: Commune | None) -> None:
    """Best first. Without a place: by score band, places receiving the public before head
    offices. Near a place, in this order:
    1. the good matches (within GOOD_MATCH points of the best) within reach, nearest first;
    2. the other matches of every typed word within reach (in the services' text: « écrivain
       public » offered by a centre social), by score band then distance;
    3. good matches beyond reach, nearest first (they say their distance);
    4. the rest, by score band then distance.
    """
    if not hits:
        return
    if near is not None:
        good = max(h.score for h in hits) - GOOD_MATCH

        def tier(h: Hit) -> int:
            if h.in_reach and h.strict:
                return 0 if h.score >= good else 1
            return 2 if h.score >= good else 3

        hits.sort(
            key=lambda h: (
                tier(h),
                -(h.score // 10) if tier(h) in (1, 3) else 0.0,
                not h.receives_public,
                _distance_key(h),
                -h.score,
            )
        )
    else:
        hits.sort(key=lambda h: (-(h.score // 10), not h.receives_public, -h.score))


@functools.lru_cache(maxsize=256)
def _kind_words(kind: str | None) -> frozenset[str]:
    """Words naming a kind ("caf", "pimms", "ccas"): typed, they name the structure too."""
    if not kind or kind == "autre":
        return frozenset()
    label = kinds.label(kind).split(" (")[0]
    return frozenset(_normalize(f"{label} {kind.replace('-', ' ')}").split()) - STOPWORDS


def _distance_key(hit: Hit) -> float:
    if hit.distance_km is not None:
        return hit.distance_km
    return 500.0 if hit.same_departement else 10_000.0


def _add_distances(hits: list[Hit], near: Commune, reach_km: float | None = None) -> None:
    lat, lon = near.lat, near.lon
    for hit in hits:
        hit_lat, hit_lon = hit.latitude, hit.longitude
        if lat is not None and lon is not None and hit_lat is not None and hit_lon is not None:
            hit.distance_km = haversine_km(lat, lon, hit_lat, hit_lon)
        hit.same_departement = bool(hit.departement) and hit.departement == near.dep
        if hit.distance_km is not None:
            hit.in_reach = reach_km is None or hit.distance_km <= reach_km
        else:
            hit.in_reach = hit.same_departement


def _browse(
    conn: sqlite3.Connection, where: str, params: list[object], limit: int, near: Commune | None
) -> list[Hit]:
    """No words typed: the nearest structures when a place is set, else by name."""
    if near is not None and near.lat is not None and near.lon is not None:
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
        hits = [
            Hit(sid, nom, kind, commune, cp, dep, lat, lon, hours, bool(absent), 0.0)
            for sid, nom, kind, commune, cp, dep, lat, lon, hours, absent in rows
        ]
        _add_distances(hits, near)
        hits.sort(key=_distance_key)
        return hits[:limit]
    rows = conn.execute(
        f"SELECT {_HIT_COLUMNS} FROM structures s WHERE 1 {where} ORDER BY s.nom LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        Hit(sid, nom, kind, commune, cp, dep, lat, lon, hours, bool(absent), 0.0)
        for sid, nom, kind, commune, cp, dep, lat, lon, hours, absent in rows
    ]
