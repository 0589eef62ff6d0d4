"""French communes: the embedded table, resolving a place typed by a worker, distances."""

from __future__ import annotations

import csv
import gzip
import math
import re
import sqlite3
import threading
from dataclasses import dataclass
from importlib import resources

from .schema import COMMUNES_TABLES
from .text import normalize
from .vocab.departements import code_of

_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(\d{2}|2[AB])\d{3}$", re.IGNORECASE)
_DEP_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<dep>\d{2,3}|2[AB])\)\s*$", re.IGNORECASE)
# "Saint-Denis 93": a département code after the name, without brackets.
_DEP_TRAILING = re.compile(r"^(?P<name>.*[^\d\s])\s+(?P<dep>\d{2}|2[AB]|97\d)$", re.IGNORECASE)
# "Paris 15", "paris 15e", "Lyon 3ème", "Marseille 13e arrondissement" (on the normalised text).
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>paris|lyon|marseille)\s*(?P<n>\d{1,2})\s*(?:e|eme|er|ere|re|em)?"
    r"(?:\s*arr(?:ondissement|t)?)?$"
)
_ARRONDISSEMENTS = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
# Abbreviations workers type in names: "St-Denis", "Ste-Geneviève-des-Bois".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MERGED_RATIO = 10  # "Evry" also names Évry-Courcouronnes, ten times bigger: ask which


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    dep: str
    lat: float | None
    lon: float | None
    population: int
    codes_postaux: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"commune": self.nom, "insee": self.insee, "lat": self.lat, "lon": self.lon}


class AmbiguousPlace(Exception):
    def __init__(self, query: str, choices: list[Commune]) -> None:
        self.query = query
        self.choices = choices
        names = ", ".join(f"{c.nom} ({c.dep})" for c in choices[:6])
        end = "…" if len(choices) > 6 else "."
        first = choices[0] if choices else None
        example = f", ex. « {first.nom} ({first.dep}) »" if first else ""
        super().__init__(
            f"« {query} » désigne plusieurs communes : {names}{end} "
            f"Précisez le département{example}, ou le code postal."
        )


class UnknownPlace(Exception):
    """No commune by that name; `closest` holds the nearest spellings, biggest first."""

    def __init__(
        self, query: str, message: str | None = None, closest: list[Commune] | None = None
    ) -> None:
        self.query = query
        self.closest = closest or []
        if message is None:
            message = f"« {query} » : commune ou code postal inconnu."
            if self.closest:
                names = ", ".join(f"{c.nom} ({c.dep})" for c in self.closest[:4])
                message = f"« {query} » : commune inconnue. Vouliez-vous dire {names} ?"
        super().__init__(message)


class DepartementPlace(UnknownPlace):
    """A département's name where a commune was expected ("Seine-Saint-Denis")."""

    def __init__(self, query: str, code: str, example: str | None) -> None:
        self.dep = code
        hint = f", par ex. « {example} »" if example else ""
        super().__init__(
            query,
            f"« {query} » est un département ({code}) : indiquez une commune ou un code "
            f"postal{hint}.",
        )


_LOOKUP_LOCK = threading.Lock()
_LOOKUP: list[sqlite3.Connection] = []


def communes_only() -> sqlite3.Connection:
    """The embedded communes alone, in a private in-memory database built once per process
    (about 0.3 s) and read-only afterwards: for the importers that find communes in prose."""
    with _LOOKUP_LOCK:
        if not _LOOKUP:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            for statement in COMMUNES_TABLES:
                conn.execute(statement)
            with conn:
                load_communes(conn)
            conn.execute("PRAGMA query_only = ON")
            _LOOKUP.append(conn)
        return _LOOKUP[0]


def load_communes(conn: sqlite3.Connection) -> None:
    """Fill the communes tables from the embedded, credited open-data file."""
    data = resources.files("store").joinpath("data/communes.csv.gz").read_bytes()
    rows = []
    postcodes = []
    for row in csv.DictReader(gzip.decompress(data).decode("utf-8").splitlines()):
        rows.append(
            (
                row["insee"],
                row["nom"],
                row["nom_complet"],
                row["type"],
                row["dep"],
                float(row["lat"]) if row["lat"] else None,
                float(row["lon"]) if row["lon"] else None,
                row["coord_src"],
                int(row["population"] or 0),
                row["codes_postaux"],
                normalize(row["nom_complet"] or row["nom"]),
            )
        )
        for cp in row["codes_postaux"].split():
            postcodes.append((cp, row["insee"]))
    conn.executemany("INSERT INTO communes VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT OR IGNORE INTO commune_postcodes VALUES (?,?)", postcodes)


def _row_to_commune(row: sqlite3.Row | tuple) -> Commune:
    insee, nom, dep, lat, lon, population, cps = row
    return Commune(insee, nom, dep, lat, lon, population or 0, tuple((cps or "").split()))


_SELECT = "SELECT insee, nom_complet, dep, lat, lon, population, codes_postaux FROM communes"


def by_insee(conn: sqlite3.Connection, insee: str) -> Commune | None:
    row = conn.execute(_SELECT + " WHERE insee = ?", (insee.upper(),)).fetchone()
    return _row_to_commune(row) if row else None


def by_postcode(conn: sqlite3.Connection, code_postal: str) -> list[Commune]:
    rows = conn.execute(
        _SELECT + " WHERE insee IN (SELECT insee FROM commune_postcodes WHERE code_postal = ?)"
        " ORDER BY population DESC",
        (code_postal,),
    ).fetchall()
    return [_row_to_commune(r) for r in rows]


def name_key(name: str) -> str:
    """A commune name as compared: normalised, "St"/"Ste" written out."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in normalize(name).split())


def by_name(conn: sqlite3.Connection, name: str, dep: str | None = None) -> list[Commune]:
    """Communes whose normalised name equals `name` (article, hyphens, "St" ignored)."""
    key = name_key(name)
    candidates = {key}
    for article in ("le ", "la ", "les ", "l ", "aux ", "los "):
        if key.startswith(article):
            candidates.add(key[len(article) :])
        else:
            candidates.add(article + key)
    marks = ",".join("?" * len(candidates))
    where = " AND dep = ?" if dep else ""
    extra = [dep.upper().zfill(2)] if dep else []
    order = " ORDER BY type = 'ARM', population DESC"
    # Only the indexed normalised full name: the short name differs by its article alone
    # ("Boisse" / "La Boisse"), which the candidates cover; a scan costs 8 ms a call.
    sql = _SELECT + f" WHERE nom_norm IN ({marks}){where}{order}"
    return [_row_to_commune(r) for r in conn.execute(sql, [*candidates, *extra]).fetchall()]


def complete(conn: sqlite3.Connection, prefix: str, limit: int = 10) -> list[Commune]:
    """Communes whose name (or postcode) starts with `prefix`, biggest first."""
    prefix = prefix.strip()
    if not prefix:
        return []
    if prefix.isdigit():
        rows = conn.execute(
            _SELECT + " WHERE insee IN (SELECT insee FROM commune_postcodes "
            "WHERE code_postal LIKE ?) ORDER BY population DESC LIMIT ?",
            (prefix + "%", limit),
        ).fetchall()
    else:
        # "St Den" -> "saint den%": abbreviations written out, except the word being typed.
        words = normalize(prefix).split()
        if prefix[-1:].isspace() or len(words) > 1:
            done = words if prefix[-1:].isspace() else words[:-1]
            words = [_ABBREVIATIONS.get(w, w) for w in done] + words[len(done) :]
        rows = conn.execute(
            _SELECT + " WHERE nom_norm LIKE ? ORDER BY population DESC LIMIT ?",
            (" ".join(words) + "%", limit),
        ).fetchall()
        if not rows and len(prefix) >= 4:  # "Toulous": the closest names instead
            return [c for c, _ in closest(conn, prefix, limit=limit)]
    return [_row_to_commune(r) for r in rows]


def resolve_place(conn: sqlite3.Connection, query: str) -> Commune:
    """A commune from what a worker typed: postcode, INSEE code, name, "Name (78)".

    Raises UnknownPlace, or AmbiguousPlace when several communes of similar size share
    the name (the biggest wins when it is clearly the one meant).
    """
    text = query.strip()
    if not text:
        raise UnknownPlace(query)
    if _POSTCODE.match(text):
        found = by_postcode(conn, text)
        if found:
            return found[0]
        commune = by_insee(conn, text)
        if commune:
            return commune
        raise UnknownPlace(query)
    if _INSEE.match(text):
        commune = by_insee(conn, text)
        if commune:
            return commune
    arrondissement = _arrondissement(conn, text)
    if arrondissement is not None:
        return arrondissement
    dep = None
    match = _DEP_SUFFIX.match(text) or _DEP_TRAILING.match(text)
    if match:
        text, dep = match["name"], match["dep"]
    found = by_name(conn, text, dep)
    if not found:
        code = code_of(text) if dep is None else None
        if code:
            raise DepartementPlace(query, code, _biggest_in(conn, code))
        # "Cherbourg" for Cherbourg-en-Cotentin: the beginning of one commune's name.
        found = _names_starting(conn, name_key(text), dep=dep)
        if not found:
            # "Toulous", "Clermont Ferand": a typo. The one clear closest name is taken (the
            # place shown says which); otherwise the closest are proposed.
            scored = closest(conn, text, dep=dep)
            if _clear_winner(scored):
                return scored[0][0]
            raise UnknownPlace(query, closest=[c for c, _ in scored])
        if len(found) == 1 or found[0].population >= 5 * max(found[1].population, 1):
            return found[0]
        raise AmbiguousPlace(query, found)
    if dep is None:
        # "Evry": the small Évry (89), or Évry-Courcouronnes (91), merged and far bigger?
        bigger = [
            c
            for c in _names_starting(conn, name_key(text))
            if c.population >= MERGED_RATIO * max(found[0].population, 1)
        ]
        if bigger:
            raise AmbiguousPlace(query, bigger + found)
    if len(found) == 1 or found[0].population >= 5 * max(found[1].population, 1):
        return found[0]
    raise AmbiguousPlace(query, found)


# -- typos: the closest commune names (rapidfuzz over the names, bucketed by first letter) ----

TYPO_CUTOFF = 80.0  # below this, a name is not proposed
TYPO_ACCEPT = 88.0  # at or above, and clearly ahead, a typo is corrected without asking
_NAMES: dict[str, list[tuple[str, str]]] = {}  # first letter -> (name key, insee), per process


def _name_index(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """The commune names (keys as compared), by first letter; built once per process from
    the embedded table, which never changes (34 920 names, a few milliseconds)."""
    if not _NAMES:
        for insee, nom_norm in conn.execute(
            "SELECT insee, nom_norm FROM communes WHERE type != 'ARM'"
        ):
            key = nom_norm or ""  # already normalised, "saint" written out
            if key:
                _NAMES.setdefault(key[0], []).append((key, insee))
    return _NAMES


def closest(
    conn: sqlite3.Connection, text: str, *, limit: int = 5, dep: str | None = None
) -> list[tuple[Commune, float]]:
    """The communes whose name is closest to `text` (typos, missing letters), with their
    score (0-100), best first; among equal scores the biggest commune first.

    Names starting with the same letter are compared first (a typo rarely hits the first
    letter); all names only when none of those comes close.
    """
    from rapidfuzz import fuzz, process

    key = name_key(text)
    if len(key) < 3:
        return []
    index = _name_index(conn)
    candidates = index.get(key[0], [])
    names = [k for k, _ in candidates]
    found = process.extract(
        key, names, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=TYPO_CUTOFF
    )
    if not found:
        candidates = [pair for bucket in index.values() for pair in bucket]
        names = [k for k, _ in candidates]
        found = process.extract(
            key, names, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=TYPO_CUTOFF
        )
    scored: list[tuple[Commune, float]] = []
    for _name, score, position in found:
        commune = by_insee(conn, candidates[position][1])
        if commune is not None and (dep is None or commune.dep == dep.upper().zfill(2)):
            scored.append((commune, float(score)))
    scored.sort(key=lambda pair: (-round(pair[1]), -pair[0].population))
    return scored[:limit]


def _clear_winner(scored: list[tuple[Commune, float]]) -> bool:
    if not scored or scored[0][1] < TYPO_ACCEPT:
        return False
    if len(scored) == 1:
        return True
    (best, score), (second, next_score) = scored[0], scored[1]
    return score - next_score >= 4 or best.population >= 5 * max(second.population, 1)


def _arrondissement(conn: sqlite3.Connection, text: str) -> Commune | None:
    """The arrondissement typed as "Paris 15", "Lyon 3e", "Marseille 13ème"."""
    match = _ARRONDISSEMENT.match(normalize(text))
    if not match:
        return None
    prefix, count = _ARRONDISSEMENTS[match["city"]]
    number = int(match["n"])
    if not 1 <= number <= count:
        return None
    width = 5 - len(prefix)
    return by_insee(conn, f"{prefix}{number:0{width}d}")


def _names_starting(
    conn: sqlite3.Connection, key: str, limit: int = 6, dep: str | None = None
) -> list[Commune]:
    """The biggest communes whose name begins with `key` and more words (index range)."""
    if not key:
        return []
    sql = _SELECT + " WHERE nom_norm >= ? AND nom_norm < ? AND type != 'ARM'"
    params: list[object] = [key + " ", key + "!"]
    if dep:
        sql += " AND dep = ?"
        params.append(dep.upper().zfill(2))
    rows = conn.execute(sql + " ORDER BY population DESC LIMIT ?", [*params, limit]).fetchall()
    return [_row_to_commune(r) for r in rows]


def _biggest_in(conn: sqlite3.Connection, dep: str) -> str | None:
    row = conn.execute(
        "SELECT nom_complet FROM communes WHERE dep = ? AND type != 'ARM'"
        " ORDER BY population DESC LIMIT 1",
        (dep,),
    ).fetchone()
    return row[0] if row else None


def find_in_text(conn: sqlite3.Connection, text: str) -> Commune | None:
    """The first commune named in free text as "NAME (dd)" or a 5-digit postcode + name."""
    for match in re.finditer(r"([A-ZÀ-Ÿa-zà-ÿ' -]{2,60}?)\s*\((\d{2}|2[AB])\)", text):
        name = match.group(1).strip(" -")
        # Try the last words first: "à SAINT-MARS-DU-DÉSERT (44)".
        words = name.split()
        for start in range(len(words)):
            found = by_name(conn, " ".join(words[start:]), match.group(2))
            if found:
                return found[0]
    for match in re.finditer(r"\b(\d{5})\s+([A-ZÀ-Ÿa-zà-ÿ' -]{2,60})", text):
        for commune in by_postcode(conn, match.group(1)):
            if normalize(match.group(2)).startswith(normalize(commune.nom)):
                return commune
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat = rlat2 - rlat1
    dlon = math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def departement_of(code_insee_or_postcode: str | None) -> str | None:
    """Département code from an INSEE code or postcode (2A/2B and DOM handled)."""
    code = (code_insee_or_postcode or "").strip().upper()
    if len(code) != 5:
        return None
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("2A") or code.startswith("2B"):
        return code[:2]
    if code.startswith("20") and code.isdigit():
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]
