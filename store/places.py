"""One place, one row: records of the same place from several sources, and head offices.

The same CIDFF comes from dora and from les emplois de l'inclusion; a France Services is
also in the médiation numérique data. Two records are the same place when they have
- the same SIRET and the same address, or
- the same normalised name and the same address, or
- coordinates within `SAME_PLACE_M` metres and a similar name (rapidfuzz).

The grouping is computed when structures are written (`place_structures`, called by the
writer with the tags and the search index), never per keystroke: `place_keys` holds a few
lookup keys per structure (its address, its ~50 m grid cell) so that the records sharing one
are found by an indexed lookup; `structure_places` holds the resulting place of each
structure (the smallest id of its group) and whether it receives the public.

A structure "receives no public" when its name says it is a head office or an
administrative address (« siège », « direction générale », « fédération », « délégation
régionale »…) or when all its services are given at a distance. Orientation and search rank
those after the places that receive people; they are never hidden (a worker may look for
one by name).
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from .communes import haversine_km
from .tags import quick_fold

SAME_PLACE_M = 50.0
SIMILAR_NAME = 85  # rapidfuzz token_sort_ratio of names, small words left out
CELL_DEG = 0.0005  # grid cell of the coordinates key: ~55 m of latitude
_CELL_LON_DEG = 0.0007  # ~55 m of longitude at 45°N (narrower north, wider south: checked)

_SMALL = frozenset("a au aux d de des du en et l la le les un une sur pour par".split())  # noqa: SIM905
_ADDRESS_WORDS = {
    "bd": "boulevard",
    "boul": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "r": "rue",
    "pl": "place",
    "rte": "route",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "sq": "square",
    "fg": "faubourg",
    "fbg": "faubourg",
    "st": "saint",
    "ste": "sainte",
}
# Names of head offices and administrative addresses (on the quick fold of the name).
_NO_PUBLIC = re.compile(
    r"(?<! les)(?<! des)(?<! aux) (siege|sieges"
    r"|direction generale|direction regionale|direction nationale"
    r"|federation|federations|delegation regionale|delegation nationale"
    r"|union regionale|union nationale|tete de reseau"
    r"|services administratifs|bureaux administratifs|administration generale) "
)


_ALWAYS_PUBLIC = frozenset({"mairie", "france-services"})  # "Mairie des Sièges"


@dataclass
class PlaceRecord:
    """What the grouping reads of one structure, with its address key and grid cell."""

    id: str
    nom: str
    adresse: str | None
    code_postal: str | None
    siret: str | None
    latitude: float | None
    longitude: float | None
    geo_approx: bool
    code_insee: str | None
    kind: str | None
    remote_only: bool  # it has services and all of them are given at a distance
    address: str | None = None  # address_key(adresse, code_postal)
    cell: tuple[int, int] | None = None  # its ~50 m grid cell, when precisely placed

    def __post_init__(self) -> None:
        self.address = address_key(self.adresse, self.code_postal)
        if self.latitude is not None and self.longitude is not None and not self.geo_approx:
            self.cell = (
                math.floor(self.latitude / CELL_DEG),
                math.floor(self.longitude / _CELL_LON_DEG),
            )

    @property
    def point(self) -> tuple[float, float] | None:
        """Its coordinates when precisely placed (those that have a grid cell)."""
        if self.cell is None or self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    @cached_property
    def name(self) -> str:
        return name_key(self.nom)

    def filed_keys(self) -> list[str]:
        """The keys it is filed under: its address, its grid cell."""
        keys = ["a" + self.address] if self.address else []
        if self.cell:
            keys.append(f"g{self.cell[0]},{self.cell[1]}")
        return keys

    def lookup_keys(self) -> list[str]:
        """Keys under which a record of the same place may be filed (neighbouring cells)."""
        keys = ["a" + self.address] if self.address else []
        if self.cell:
            i, j = self.cell
            keys += [f"g{i + di},{j + dj}" for di in (-1, 0, 1) for dj in (-1, 0, 1)]
        return keys


@dataclass(frozen=True)
class PlaceInfo:
    """The place of one structure, as read at query time."""

    place: str  # the id shared by every record of the same place
    receives_public: bool


# -- keys and tests ----------------------------------------------------------------------------


def name_key(nom: str | None) -> str:
    return " ".join(w for w in quick_fold(nom or "").split() if w not in _SMALL)


def address_key(adresse: str | None, code_postal: str | None) -> str | None:
    """The address as compared: folded, usual abbreviations written out, with its postcode."""
    if not adresse or not code_postal:
        return None
    words = [_ADDRESS_WORDS.get(w, w) for w in quick_fold(adresse).split()]
    words = [w for w in words if w not in _SMALL]
    if not words:
        return None
    return f"{code_postal.strip()} {' '.join(words)}"


def receives_public(nom: str | None, kind: str | None, remote_only: bool) -> bool:
    if kind in _ALWAYS_PUBLIC:
        return True
    return not remote_only and _NO_PUBLIC.search(quick_fold(nom or "")) is None


def same_place(a: PlaceRecord, b: PlaceRecord) -> bool:
    if a.code_insee and b.code_insee and a.code_insee != b.code_insee:
        return False  # two communes' mairies may share a building, not a row
    if a.address is not None and a.address == b.address:
        if a.siret and a.siret == b.siret:
            return True
        if a.name and a.name == b.name:
            return True
    pa, pb = a.point, b.point
    if pa is not None and pb is not None:
        metres = 1000.0 * haversine_km(*pa, *pb)
        if metres <= SAME_PLACE_M and fuzz.token_sort_ratio(a.name, b.name) >= SIMILAR_NAME:
            return True
    return False


# -- grouping at write time --------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int = 400) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _read(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, PlaceRecord]:
    found: dict[str, PlaceRecord] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        remote: dict[str, bool] = {}
        for sid, modes in conn.execute(
            f"SELECT structure_id, modes_accueil FROM services WHERE structure_id IN ({marks})",
            chunk,
        ):
            only_remote = "a-distance" in (modes or "") and "en-presentiel" not in (modes or "")
            remote[sid] = remote.get(sid, True) and only_remote
        for sid, nom, adresse, cp, siret, lat, lon, approx, insee, kind in conn.execute(
            "SELECT id, nom, adresse, code_postal, siret, latitude, longitude, geo_approx,"
            f" code_insee, kind FROM structures WHERE id IN ({marks})",
            chunk,
        ):
            found[sid] = PlaceRecord(
                sid, nom, adresse, cp, siret, lat, lon, bool(approx), insee, kind,
                remote_only=remote.get(sid, False),
            )  # fmt: skip
    return found


def place_structures(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """(Re)compute the place of the given structures (just written) and of their neighbours,
    inside the caller's transaction."""
    for chunk in _chunks(list(ids)):
        _place_chunk(conn, chunk)


def _place_chunk(conn: sqlite3.Connection, chunk: Sequence[str]) -> None:
    records = _read(conn, chunk)
    marks = ",".join("?" * len(chunk))
    conn.execute(f"DELETE FROM place_keys WHERE structure_id IN ({marks})", list(chunk))
    conn.executemany(
        "INSERT OR IGNORE INTO place_keys(key, structure_id) VALUES (?, ?)",
        sorted((key, sid) for sid, r in records.items() for key in r.filed_keys()),
    )
    wanted = sorted({k for r in records.values() for k in r.lookup_keys()})
    neighbours: set[str] = set()
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        neighbours.update(
            sid
            for (sid,) in conn.execute(
                f"SELECT structure_id FROM place_keys WHERE key IN ({','.join('?' * len(part))})",
                part,
            )
        )
    # Records grouped before with the chunk's or its neighbours' places stay in the picture.
    old_places = _places_of(conn, set(chunk) | neighbours)
    members = _members(conn, set(old_places.values()))
    others = (neighbours | set(members)) - set(chunk)
    known = dict(records)
    known.update(_read(conn, sorted(others - set(known))))

    parent: dict[str, str] = {sid: sid for sid in known}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    # Unchanged records keep their grouping among themselves.
    by_old: dict[str, list[str]] = {}
    for sid, place in members.items():
        if sid in known and sid not in records:
            by_old.setdefault(place, []).append(sid)
    for group in by_old.values():
        for sid in group[1:]:
            union(group[0], sid)
    # The chunk's records are compared with every record filed under one of their keys.
    candidates = sorted(known)
    index: dict[str, list[str]] = {}
    for sid in candidates:
        for key in known[sid].filed_keys():
            index.setdefault(key, []).append(sid)
    for sid, record in records.items():
        seen: set[str] = set()
        for key in record.lookup_keys():
            for other in index.get(key, ()):
                if other != sid and other not in seen:
                    seen.add(other)
                    if same_place(record, known[other]):
                        union(sid, other)
    # Only records sharing their place, or receiving no public, get a row: the rest (most)
    # are their own place, which is what a missing row says.
    size: dict[str, int] = {}
    for sid in known:
        size[find(sid)] = size.get(find(sid), 0) + 1
    rows = []
    for sid, r in sorted(known.items()):
        public = receives_public(r.nom, r.kind, r.remote_only)
        if size[find(sid)] > 1 or not public:
            rows.append((sid, find(sid), int(public)))
    stale = [(sid,) for sid in old_places if sid in known and size[find(sid)] == 1]
    conn.executemany("DELETE FROM structure_places WHERE structure_id = ?", stale)
    conn.executemany(
        "INSERT OR REPLACE INTO structure_places(structure_id, place, receives_public)"
        " VALUES (?, ?, ?)",
        rows,
    )


def _places_of(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    ids = list(ids)
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT structure_id, place FROM structure_places WHERE structure_id IN ({marks})",
                chunk,
            ).fetchall()
        )
    return found


def _members(conn: sqlite3.Connection, places: Iterable[str]) -> dict[str, str]:
    """Structure id -> place, for every member of the given places."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(places)):
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT structure_id, place FROM structure_places WHERE place IN ({marks})",
                chunk,
            ).fetchall()
        )
    return found


def forget_structures(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    pairs = [(sid,) for sid in ids]
    conn.executemany("DELETE FROM place_keys WHERE structure_id = ?", pairs)
    conn.executemany("DELETE FROM structure_places WHERE structure_id = ?", pairs)


def replace_all(conn: sqlite3.Connection) -> None:
    """Recompute every place (a store from before the grouping existed)."""
    conn.execute("DELETE FROM place_keys")
    conn.execute("DELETE FROM structure_places")
    place_structures(
        conn, [sid for (sid,) in conn.execute("SELECT id FROM structures ORDER BY id")]
    )


# -- reading at query time ---------------------------------------------------------------------


def places_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, PlaceInfo]:
    """The place of each given structure (its own id, receiving the public, when unknown)."""
    found: dict[str, PlaceInfo] = {}
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        for sid, place, public in conn.execute(
            "SELECT structure_id, place, receives_public FROM structure_places"
            f" WHERE structure_id IN ({marks})",
            chunk,
        ):
            found[sid] = PlaceInfo(place, bool(public))
    return {sid: found.get(sid, PlaceInfo(sid, True)) for sid in ids}


@dataclass(frozen=True)
class Member:
    """One record of a place: its id and the dataset it comes from."""

    id: str
    source: str


def members_of(conn: sqlite3.Connection, places: Iterable[str]) -> dict[str, list[Member]]:
    """Every record of the given places, by place (a place with no row: itself alone)."""
    wanted = sorted(set(places))
    found: dict[str, list[Member]] = {}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for place, sid, source in conn.execute(
            "SELECT p.place, s.id, s.source FROM structure_places p"
            " JOIN structures s ON s.id = p.structure_id"
            f" WHERE p.place IN ({marks}) AND s.absent = 0 ORDER BY s.id",
            chunk,
        ):
            found.setdefault(place, []).append(Member(sid, source))
    return found
