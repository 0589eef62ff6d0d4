"""Orientation: from a need and a place to the structures to suggest, each with its reasons.

Every need recognised in the sentence ("il a perdu son travail et ne peut plus payer le
loyer": a job, the rent) is answered in its own group (`NeedGroup`). Within a group:
- only structures within the reach of the place (store/reach.py: about 30 km in a city,
  50 km in the countryside) are proposed, never farther ones to fill the list;
- the good fits come first, nearest first; places that receive the public before head
  offices (store/places.py); for tonight's needs (shelter, violence) what is open now first;
- records of one place from several sources are one row, with their sources;
- when no structure of the kind the need calls for is known within reach, the group says so
  (« Aucune structure « Point conseil budget » connue à moins de 30 km de Toulouse. ») and
  gives the fallbacks the embedded data always has: the mairie of the commune (for its
  CCAS) and the nearest France Services.

Candidates come from the `structure_tags` side index (store/tags.py): structures whose kind,
name, or (services') thématiques fit a need, in the départements and the box of the reach —
an indexed lookup, never a scan.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import sqlite3
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from . import dates
from . import kinds as kinds_mod
from .communes import Commune, haversine_km, resolve_place
from .hours import state
from .lines import LineAnswer, answers, call_above
from .needs import Interpretation, interpret
from .places import Member, PlaceInfo, members_of, places_of
from .queries import directly_reachable
from .reach import RURAL_KM, Reach, reach_of
from .text import normalize
from .vocab.thematiques import label as theme_label
from .zones import combined as combined_zones
from .zones import eligible as zone_eligible

FIRST_CLASS = frozenset({"pimms", "france-services", "ecrivain-public", "epicerie-solidaire"})
MAX_WANTED = 6  # kinds and thématiques taken from the interpretation
MIN_SHARE = 0.3  # ... when their score is at least this share of the best one
MAX_NEEDS = 4  # groups of one answer
MAX_KM = RURAL_KM  # nothing is ever proposed farther than the widest reach
GOOD_FIT = 0.75  # a candidate is a good fit at this share of the group's best fit
MAIN_KIND = 0.75  # ... and answers the need itself when its kind has this share
OUTSIDE_ZONE_KM = 25.0  # outside its zone of eligibility: shown only this near (data may lag)
NO_COORDS_SAME_DEP = 0.3  # proximity credit of a structure known only by its département
# Needs of tonight: what is open now comes first, and a closed place says until when.
TONIGHT_KINDS = frozenset({"hebergement", "accueil-de-jour"})
TONIGHT_THEMES = frozenset(
    {
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
        "famille--surmonter-conflits-separation-violence",
    }
)
SOON = dt.timedelta(hours=2)  # "reachable now": open, or opening within this delay
# Within a fit tier, the score only breaks ties (distance comes first).
WEIGHTS = {"fit": 0.7, "proximity": 0.18, "open": 0.06, "fresh": 0.03, "zone": 0.03}


# -- what is returned --------------------------------------------------------------------------


@dataclass
class Suggestion:
    id: str
    nom: str
    kind: str
    group: str  # the kind it is suggested as (its own, or the one its name or services show)
    commune: str | None
    code_postal: str | None
    departement: str | None
    adresse: str | None
    telephone: str | None
    distance_km: float | None
    open_now: bool | None
    hours: str | None
    score: float
    reasons: list[str] = field(default_factory=list)
    need: str = ""  # key of the need group it answers
    sources: list[str] = field(default_factory=list)  # datasets that know this place
    same_place: list[str] = field(default_factory=list)  # other records of this place
    receives_public: bool = True
    fallback: bool = False  # given because nothing of the kind is known within reach

    @property
    def place_ids(self) -> list[str]:
        """Every record of this place (its notes are this place's notes)."""
        return [self.id, *self.same_place]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "nom": self.nom,
            "kind": self.kind,
            "commune": self.commune,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "open_now": self.open_now,
            "reasons": self.reasons,
            "group": self.need,
            "sources": self.sources,
            "same_place": self.same_place,
            "fallback": self.fallback,
        }


@dataclass(frozen=True)
class Need:
    """One need of the sentence: what the worker said, and what answers it."""

    key: str  # the kind that answers it best ("france-travail"), or a thématique code
    words: str  # what was typed for it ("perdu travail"); "" when chosen by hand
    kinds: dict[str, float]  # kind -> share of the best
    thematiques: dict[str, float]

    @property
    def label(self) -> str:
        if self.key in kinds_mod.BY_SLUG:
            return short_label(self.key)
        return theme_label(self.key)

    @property
    def tonight(self) -> bool:
        return bool(TONIGHT_KINDS & set(self.kinds) or TONIGHT_THEMES & set(self.thematiques))

    @property
    def tags(self) -> list[str]:
        return [f"kind:{k}" for k in self.kinds] + list(self.thematiques)


@dataclass
class NeedGroup:
    need: Need
    suggestions: list[Suggestion]
    reach_km: float | None  # None without a place
    missing: str | None = None  # « Aucune structure « … » connue à moins de N km de … »
    fallbacks: list[Suggestion] = field(default_factory=list)
    # Places that answer this need too but are shown in an earlier group (one row per place).
    see_above: list[Suggestion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.need.label

    @property
    def rows(self) -> list[Suggestion]:
        """The rows in the order shown: when the kind the need calls for is missing, the
        local fallbacks (the mairie, the France Services) before weaker fits."""
        if self.missing:
            return self.fallbacks + self.suggestions
        return self.suggestions + self.fallbacks

    def as_json(self) -> dict[str, object]:
        return {
            "need": self.need.key,
            "label": self.need.label,
            "words": self.need.words,
            "radius_km": self.reach_km,
            "missing": self.missing,
            "suggestions": [s.id for s in self.suggestions],
            "fallbacks": [s.id for s in self.fallbacks],
            "see_above": [s.id for s in self.see_above],
        }


@dataclass
class Orientation:
    need: str
    interpretation: Interpretation
    location: Commune | None
    groups: list[NeedGroup] = field(default_factory=list)
    wanted_kinds: dict[str, float] = field(default_factory=dict)
    wanted_thematiques: dict[str, float] = field(default_factory=dict)
    reach: Reach | None = None
    # National lines for the need, shown before every structure (115, 3919 then 17…).
    lines: list[LineAnswer] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        """A need of tonight or of danger: its lines come first, and it is never answered
        "not understood" or "nothing found"."""
        return self.interpretation.urgent

    @property
    def suggestions(self) -> list[Suggestion]:
        """Every row, group after group (a place appears once)."""
        return [s for g in self.groups for s in g.rows]

    def as_json(self) -> dict[str, object]:
        return {
            "need": self.need,
            "location": self.location.as_json() if self.location else None,
            "kinds": [
                {"kind": k, "label": kinds_mod.label(k), "score": round(s, 3)}
                for k, s in self.interpretation.kinds
            ],
            "thematiques": [
                {"code": c, "label": theme_label(c), "score": round(s, 3)}
                for c, s in self.interpretation.thematiques
            ],
            "urgent": self.urgent,
            "lines": [line.as_json() for line in self.lines],
            "reach_km": self.reach.km if self.reach else None,
            "groups": [g.as_json() for g in self.groups],
            "suggestions": [s.as_json() for s in self.suggestions],
        }


def short_label(slug: str) -> str:
    """ "PIMMS (point d'information …)" -> "PIMMS"."""
    return kinds_mod.label(slug).split(" (")[0].split(",")[0]


def format_km(km: float) -> str:
    return (f"{km:.1f}" if km < 10 else f"{km:.0f}").replace(".", ",") + " km"


def missing_text(
    need: Need,
    reach_km: float,
    place: Commune,
    lines: Sequence[LineAnswer] = (),
    outside_zone: bool = False,
) -> str:
    """What is missing within reach. With national lines (an urgent need is never answered
    « Aucune structure »), the lines above come first. `outside_zone`: some are known within
    reach, but their zone of eligibility leaves the place out (they are not an answer)."""
    where = f"connue à moins de {reach_km:.0f} km de {place.nom}"
    if outside_zone:
        where += " dont la zone d'éligibilité couvre ce lieu"
    if lines:
        return f"Pas de structure « {need.label} » {where} : {call_above(lines)}."
    return f"Aucune structure « {need.label} » {where}."


# -- where to look -----------------------------------------------------------------------------


CELL = 0.1  # degrees: communes are bucketed on this grid to find the départements near a place
MAX_FROM_CENTRE_KM = 180.0
_GRID: dict[tuple[int, int], frozenset[str]] = {}


def _grid(conn: sqlite3.Connection) -> dict[tuple[int, int], frozenset[str]]:
    """Départements present in each grid cell (built once per process from the communes)."""
    if not _GRID:
        rows = conn.execute(
            "SELECT dep, lat, lon FROM communes WHERE lat IS NOT NULL AND dep IS NOT NULL"
        ).fetchall()
        by_dep: dict[str, list[tuple[float, float]]] = {}
        for dep, lat, lon in rows:
            by_dep.setdefault(dep, []).append((lat, lon))
        centre = {
            dep: (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts))
            for dep, pts in by_dep.items()
        }
        cells: dict[tuple[int, int], set[str]] = {}
        for dep, lat, lon in rows:
            # A few communes carry wrong coordinates (a lost minus sign): keep them out.
            if haversine_km(lat, lon, *centre[dep]) > MAX_FROM_CENTRE_KM:
                continue
            cells.setdefault((math.floor(lat / CELL), math.floor(lon / CELL)), set()).add(dep)
        _GRID.update({cell: frozenset(deps) for cell, deps in cells.items()})
    return _GRID


def departements_near(conn: sqlite3.Connection, place: Commune, radius_km: float) -> list[str]:
    """Départements with a commune within about `radius_km` of the place (its own first)."""
    deps = [place.dep]
    box = _box(place, radius_km)
    if box is None:
        return deps
    grid = _grid(conn)
    lat0, lat1, lon0, lon1 = box
    found: set[str] = set()
    for i in range(math.floor(lat0 / CELL), math.floor(lat1 / CELL) + 1):
        for j in range(math.floor(lon0 / CELL), math.floor(lon1 / CELL) + 1):
            found |= grid.get((i, j), frozenset())
    return deps + sorted(found - {place.dep})


def _box(place: Commune, radius_km: float) -> tuple[float, float, float, float] | None:
    if place.lat is None or place.lon is None:
        return None
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(place.lat)), 0.2))
    return (place.lat - dlat, place.lat + dlat, place.lon - dlon, place.lon + dlon)


# -- the needs of a sentence -------------------------------------------------------------------


def _wanted(scored: Sequence[tuple[str, float]]) -> dict[str, float]:
    """The best kinds (or thématiques), scored relative to the best one."""
    if not scored:
        return {}
    best = scored[0][1]
    return {k: s / best for k, s in scored[:MAX_WANTED] if s >= MIN_SHARE * best}


def _need(key_words: str, kinds: dict[str, float], themes: dict[str, float]) -> Need | None:
    if kinds:
        key = max(kinds, key=lambda k: (kinds[k], k in FIRST_CLASS))
    elif themes:
        key = max(themes, key=themes.__getitem__)
    else:
        return None
    return Need(key, key_words, kinds, themes)


def needs_of(
    interpretation: Interpretation,
    kinds: Sequence[str] | None = None,
    thematiques: Sequence[str] | None = None,
) -> list[Need]:
    """The needs of a sentence, in the order they were said: one per phrase of the vocabulary
    recognised (its kinds and thématiques), phrases answered by the same kind together.

    `kinds` / `thematiques`, when given, replace what was recognised (the worker removed or
    added some): then there is one need, made of them."""
    if kinds is not None or thematiques is not None:
        wanted_kinds = dict.fromkeys(kinds, 1.0) if kinds is not None else {}
        wanted_themes = dict.fromkeys(thematiques, 1.0) if thematiques is not None else {}
        if kinds is None:
            wanted_kinds = _wanted(interpretation.kinds)
        if thematiques is None:
            wanted_themes = _wanted(interpretation.thematiques)
        need = _need("", wanted_kinds, wanted_themes)
        return [need] if need else []
    needs: dict[str, Need] = {}
    for typed, phrase in interpretation.matched:
        kinds_of, themes_of = _phrase_targets(phrase)
        need = _need(typed, dict(kinds_of), dict(themes_of))
        if need is None:
            continue
        same = needs.get(need.key)
        if same is not None:
            need = Need(
                same.key,
                same.words if typed in same.words.split(", ") else f"{same.words}, {typed}",
                _merge(same.kinds, need.kinds),
                _merge(same.thematiques, need.thematiques),
            )
        needs[need.key] = need
    if not needs:
        need = _need("", _wanted(interpretation.kinds), _wanted(interpretation.thematiques))
        return [need] if need else []
    return list(needs.values())[:MAX_NEEDS]


@functools.lru_cache(maxsize=1024)
def _phrase_targets(
    phrase: str,
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """The kinds and thématiques one phrase of the vocabulary calls for (read once)."""
    part = interpret(phrase)
    return tuple(_wanted(part.kinds).items()), tuple(_wanted(part.thematiques).items())


def _merge(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    merged = dict(a)
    for key, value in b.items():
        merged[key] = max(merged.get(key, 0.0), value)
    return merged


# -- candidates --------------------------------------------------------------------------------


class TagRow(NamedTuple):
    """A structure as the tag index knows it: enough to place it and to know what it is for."""

    structure_id: str
    departement: str
    latitude: float | None
    longitude: float | None
    tags: frozenset[str]
    service: str | None = None  # a service held at a place of its own (a permanence)


class StructureRow(NamedTuple):
    """The columns of a structure that orientation reads."""

    id: str
    nom: str
    kind: str
    commune: str | None
    code_postal: str | None
    code_insee: str | None
    departement: str | None
    adresse: str | None
    telephone: str | None
    latitude: float | None
    longitude: float | None
    horaires_accueil: str | None
    date_maj: str | None
    zone_intervention: str | None
    geo_approx: int
    source: str


_COLUMNS = ", ".join(StructureRow._fields)


def _tag_rows(
    conn: sqlite3.Connection,
    tags: list[str],
    deps: list[str] | None,
    box: tuple[float, float, float, float] | None,
    cap: int = 20000,
) -> list[TagRow]:
    """The structures carrying a wanted tag, in the départements and box given (kept when
    without coordinates). Only the structure_tags index is read."""
    sql = (
        "SELECT structure_id, departement, latitude, longitude, group_concat(tag, '|')"
        f" FROM structure_tags WHERE tag IN ({','.join('?' * len(tags))})"
    )
    params: list[object] = list(tags)
    if deps is not None:
        sql += f" AND departement IN ({','.join('?' * len(deps))})"
        params += deps
    if box is not None:
        sql += (
            " AND (latitude IS NULL OR longitude IS NULL"
            " OR (latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?))"
        )
        params += box
    sql += " GROUP BY structure_id LIMIT ?"
    params.append(cap)
    return [
        TagRow(sid, dep, lat, lon, frozenset(found.split("|")))
        for sid, dep, lat, lon, found in conn.execute(sql, params)
    ]


def _service_tag_rows(
    conn: sqlite3.Connection, tags: list[str], box: tuple[float, float, float, float]
) -> list[TagRow]:
    """The services with a place of their own inside the box, whose structure carries a
    wanted tag: a permanence counts where it is held, not at its structure's seat."""
    marks = ",".join("?" * len(tags))
    return [
        TagRow(sid, dep, lat, lon, frozenset(found.split("|")), service)
        for sid, dep, lat, lon, found, service in conn.execute(
            "SELECT v.structure_id, coalesce(v.departement, ''), v.latitude, v.longitude,"
            " (SELECT group_concat(t.tag, '|') FROM structure_tags t"
            f"  WHERE t.structure_id = v.structure_id AND t.tag IN ({marks})),"
            " v.id FROM services v"
            " WHERE v.latitude BETWEEN ? AND ? AND v.longitude BETWEEN ? AND ?"
            " AND EXISTS (SELECT 1 FROM structure_tags t WHERE t.structure_id = v.structure_id"
            f"  AND t.tag IN ({marks}))",
            [*tags, *box, *tags],
        )
    ]


class ServicePlace(NamedTuple):
    """Where a service is held, when not at its structure's seat."""

    id: str
    commune: str | None
    code_postal: str | None
    code_insee: str | None
    departement: str | None
    adresse: str | None
    telephone: str | None
    latitude: float | None
    longitude: float | None
    horaires_accueil: str | None


def _service_places(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, ServicePlace]:
    wanted = list(ids)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    return {
        row[0]: ServicePlace(*row)
        for row in conn.execute(
            f"SELECT {', '.join(ServicePlace._fields)} FROM services WHERE id IN ({marks})",
            wanted,
        )
    }


def _at_service_place(row: StructureRow, service: ServicePlace) -> StructureRow:
    """The structure placed where its service is held (an exact place, its phone and hours
    when it has them)."""
    return row._replace(
        commune=service.commune,
        code_postal=service.code_postal,
        code_insee=service.code_insee,
        departement=service.departement or row.departement,
        adresse=service.adresse,
        telephone=service.telephone or row.telephone,
        latitude=service.latitude,
        longitude=service.longitude,
        horaires_accueil=service.horaires_accueil or row.horaires_accueil,
        geo_approx=0,
    )


def _structures(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, StructureRow]:
    wanted = list(ids)
    rows: dict[str, StructureRow] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM structures WHERE absent = 0 AND id IN "
            f"({','.join('?' * len(chunk))})",
            chunk,
        ):
            structure = StructureRow(*row)
            rows[structure.id] = structure
    return rows


@dataclass
class _Candidate:
    """One structure considered for one need."""

    structure_id: str
    fit: float
    kind_fit: float
    group: str
    theme: str | None
    distance_km: float | None
    proximity: float
    distance_key: float  # for ordering: km, or a stand-in for a structure without coordinates
    row: StructureRow | None = None
    place: PlaceInfo | None = None
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    open_now: bool | None = None
    soon: bool = False  # open now or within SOON
    hours: str | None = None
    outside_zone: bool = False
    service: str | None = None  # placed at this service's own place


def _fit(
    tags: frozenset[str], own_kind: str | None, kinds: dict[str, float], themes: dict[str, float]
) -> tuple[float, float, str, str | None]:
    """(fit, kind fit, the kind it is suggested as, the thématique that fits)."""
    kind_fit, group = 0.0, own_kind or ""
    for tag in tags:
        if tag.startswith("kind:"):
            slug = tag[5:]
            value = kinds.get(slug, 0.0) * (1.0 if slug == own_kind or own_kind is None else 0.9)
            if value > kind_fit:
                kind_fit, group = value, slug
    theme_fit, theme = 0.0, None
    for tag in tags:
        if tag in themes and themes[tag] > theme_fit:
            theme_fit, theme = themes[tag], tag
    fit = max(kind_fit, 0.6 * theme_fit) + 0.05 * min(kind_fit, theme_fit)
    if group in FIRST_CLASS and kind_fit:
        fit += 0.03
    return min(fit, 1.0), kind_fit, group, theme


def _where(
    lat: float | None,
    lon: float | None,
    dep: str | None,
    insee: str | None,
    place: Commune | None,
    reach_km: float,
) -> tuple[float | None, float, float]:
    """(distance in km, proximity credit, ordering key) of a structure from the place."""
    if place is None:
        return None, 0.5, 0.0
    if lat is not None and lon is not None and place.lat is not None and place.lon is not None:
        km = haversine_km(place.lat, place.lon, lat, lon)
        return km, 1.0 / (1.0 + km / 8.0), km
    if insee and insee == place.insee:
        return None, 0.8, 1.0  # in the commune itself, address unknown
    if dep and dep == place.dep:
        return None, NO_COORDS_SAME_DEP, reach_km  # somewhere in the département
    return None, 0.05, reach_km + 1.0


def _candidates(
    tag_rows: list[TagRow],
    need: Need,
    place: Commune | None,
    reach_km: float,
    near_deps: set[str],
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for row in tag_rows:
        fit, kind_fit, group, theme = _fit(row.tags, None, need.kinds, need.thematiques)
        if fit <= 0.0:
            continue
        km, proximity, key = _where(
            row.latitude, row.longitude, row.departement, None, place, reach_km
        )
        if place is not None:
            if km is not None and km > reach_km:
                continue
            if km is None and row.departement not in near_deps:
                continue  # no address, and its département is beyond reach
        candidate = _Candidate(row.structure_id, fit, kind_fit, group, theme, km, proximity, key)
        candidate.service = row.service
        found.append(candidate)
    return found


def _quick_score(c: _Candidate) -> float:
    return WEIGHTS["fit"] * c.fit**2 + WEIGHTS["proximity"] * c.proximity


# -- scoring details ---------------------------------------------------------------------------


def _freshness(date_maj: str | None, now: dt.datetime) -> tuple[float, str | None]:
    when = dates.parse(date_maj)
    if when is None:
        return 0.5, None
    age = (now.date() - when).days
    if age <= dates.STALE_DAYS:
        return 1.0, None
    if age <= 3 * dates.STALE_DAYS:
        return 0.5, None
    return 0.0, f"données de {when.year}, à vérifier"


def _zone_codes(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(v) for v in data] if isinstance(data, list) else []


def _eligibility(
    zones: list[list[str]], intervention: list[str], place: Commune | None
) -> bool | None:
    """True inside a service's stated zone, False only when every stated zone is known to
    leave the place out, None (cannot say) otherwise."""
    if place is None:
        return None
    stated = [z for z in zones if z]
    if stated:
        return combined_zones(zone_eligible(zone, place.insee, place.dep) for zone in stated)
    place_name = normalize(place.nom)
    texts = [normalize(t) for t in intervention if t]
    if texts and place_name:
        return any(place_name in t or place.dep == t for t in texts) or None
    return None


def _clock(moment: dt.datetime) -> str:
    """9 h, 9 h 30, 14 h."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def closed_until(opens_at: dt.datetime, now: dt.datetime) -> str:
    """« fermé jusqu'à demain 9 h », « fermé jusqu'à 14 h », « fermé jusqu'à lundi 9 h »."""
    days = (opens_at.date() - now.date()).days
    if days == 0:
        when = _clock(opens_at)
    elif days == 1:
        when = f"demain {_clock(opens_at)}"
    elif days < 7:
        when = f"{_DAYS[opens_at.weekday()]} {_clock(opens_at)}"
    else:
        when = f"le {opens_at.strftime('%d/%m')} {_clock(opens_at)}"
    return f"fermé jusqu'à {when}"


@dataclass(frozen=True)
class _Opening:
    open_now: bool | None  # None: the hours do not say
    score: float
    soon: bool  # open now, or opening within SOON
    reason: str | None


def _opening(text: str | None, now: dt.datetime, departement: str | None = None) -> _Opening:
    """Open now only when the hours say so (the place's public holidays known); closed:
    until when."""
    hs = state(text, now, departement)
    if hs.open_now is None:
        return _Opening(None, 0.3, False, None)
    if hs.open_now:
        if hs.closes_at is not None and hs.closes_at.date() == now.date():
            return _Opening(True, 1.0, True, f"ouvert jusqu'à {hs.closes_at.strftime('%H:%M')}")
        return _Opening(True, 1.0, True, "ouvert")
    if hs.opens_at is None:
        return _Opening(False, 0.0, False, "fermé")
    soon = hs.opens_at - now <= SOON
    score = 0.5 if hs.opens_at - now <= dt.timedelta(hours=24) else 0.0
    return _Opening(False, score, soon, closed_until(hs.opens_at, now))


@dataclass
class _ServicesInfo:
    zones: list[list[str]] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)


def _services_info(conn: sqlite3.Connection, ids: list[str]) -> dict[str, _ServicesInfo]:
    info: dict[str, _ServicesInfo] = {}
    if not ids:
        return info
    marks = ",".join("?" * len(ids))
    for sid, zone, hours in conn.execute(
        f"SELECT structure_id, zone_eligibilite, horaires_accueil FROM services "
        f"WHERE structure_id IN ({marks})",
        ids,
    ):
        entry = info.setdefault(sid, _ServicesInfo())
        entry.zones.append(_zone_codes(zone))
        if hours:
            entry.hours.append(hours)
    return info


def _finish(
    c: _Candidate,
    services: _ServicesInfo,
    place: Commune | None,
    now: dt.datetime,
    need: Need,
) -> None:
    """Score, opening state and reasons of a candidate whose structure row is read."""
    row = c.row
    assert row is not None
    hours_text = row.horaires_accueil or next(iter(services.hours), None)
    opening = _opening(hours_text, now, row.departement)
    fresh, fresh_reason = _freshness(row.date_maj, now)
    eligible = _eligibility(services.zones, _zone_codes(row.zone_intervention), place)
    zone_score = {True: 1.0, None: 0.5, False: 0.0}[eligible]
    c.score = (
        _quick_score(c)
        + WEIGHTS["open"] * opening.score
        + WEIGHTS["fresh"] * fresh
        + WEIGHTS["zone"] * zone_score
    )
    if eligible is False:
        c.score -= 0.4  # outside its zone: the person cannot go there
        c.outside_zone = True
    c.open_now, c.soon, c.hours = opening.open_now, opening.soon, hours_text
    reasons = [short_label(row.kind)]
    if c.group != row.kind and c.group:
        reasons.append(short_label(c.group))
    if row.kind == "mairie" and "ccas" in need.kinds:
        reasons.append("CCAS : s'adresser à la mairie")
    if c.theme:
        text = theme_label(c.theme)
        reasons.append(text[:1].lower() + text[1:])
    reasons += _place_reasons(c, row, place)
    if opening.reason:
        reasons.append(opening.reason)
    if eligible is True:
        reasons.append("zone d'éligibilité : oui")
    elif eligible is False:
        reasons.append("hors de sa zone d'éligibilité")
    if c.place is not None and not c.place.receives_public:
        reasons.append("siège ou adresse administrative : sans accueil du public")
    if fresh_reason:
        reasons.append(fresh_reason)
    c.reasons = reasons


def _place_reasons(c: _Candidate, row: StructureRow, place: Commune | None) -> list[str]:
    if c.distance_km is not None and row.geo_approx and row.commune:
        # Placed at its commune's centre: say where, the distance is only approximate.
        return [f"à {row.commune} (≈ {format_km(c.distance_km)})"]
    if c.distance_km is not None:
        return [format_km(c.distance_km)]
    if place is not None and row.code_insee and row.code_insee == place.insee:
        return [f"à {row.commune or place.nom}"]
    if place is not None and row.departement and row.departement == place.dep:
        return [f"même département ({row.departement})"]
    if place is not None and row.departement:
        return [f"département voisin ({row.departement})"]
    return []


def _order(c: _Candidate, best_fit: float, tonight: bool) -> tuple:
    """Outside its zone last; good fits first, nearest first; places receiving the public
    before head offices; tonight, what can be reached now first."""
    good = c.fit >= GOOD_FIT * best_fit
    public = c.place is None or c.place.receives_public
    return (
        c.outside_zone,
        not good,
        not public,
        tonight and not c.soon,
        c.distance_key,
        -c.score,
        c.row.nom if c.row else "",
    )


def _suggestion(c: _Candidate, need: Need, members: list[Member], fallback: bool) -> Suggestion:
    row = c.row
    assert row is not None
    sources = sorted({m.source for m in members} | {row.source})
    return Suggestion(
        id=row.id,
        nom=row.nom,
        kind=row.kind,
        group=c.group or row.kind,
        commune=row.commune,
        code_postal=row.code_postal,
        departement=row.departement,
        adresse=row.adresse,
        telephone=row.telephone,
        distance_km=c.distance_km,
        open_now=c.open_now,
        hours=c.hours,
        score=round(c.score, 4),
        reasons=c.reasons,
        need=need.key,
        sources=sources,
        same_place=[m.id for m in members if m.id != row.id],
        receives_public=c.place is None or c.place.receives_public,
        fallback=fallback,
    )


# -- orient ------------------------------------------------------------------------------------


def orient(
    conn: sqlite3.Connection,
    need: str,
    near: str | Commune | None = None,
    *,
    limit: int = 10,
    now: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
    thematiques: Sequence[str] | None = None,
    direct_only: bool = False,
) -> Orientation:
    """Suggestions for `need` near a place (a commune name, postcode, or Commune), one group
    per need of the sentence.

    `kinds` / `thematiques`, when given, replace what was recognised in the need (the worker
    removed or added some). `direct_only` keeps the structures a person can approach herself
    (not only through a professional). Raises UnknownPlace / AmbiguousPlace for a place it
    cannot pin.
    """
    now = now or dt.datetime.now()
    place = resolve_place(conn, near) if isinstance(near, str) and near.strip() else None
    if isinstance(near, Commune):
        place = near
    interpretation = interpret(need)
    needs = needs_of(interpretation, kinds, thematiques)
    result = Orientation(need, interpretation, place)
    result.lines = answers(interpretation.lines, now)
    result.wanted_kinds = _merge_all(n.kinds for n in needs)
    result.wanted_thematiques = _merge_all(n.thematiques for n in needs)
    if not needs:
        return result
    reach = reach_of(conn, place) if place is not None else None
    result.reach = reach
    reach_km = reach.km if reach else math.inf
    deps = departements_near(conn, place, reach_km) if place and reach else None
    box = _box(place, reach_km) if place and reach else None
    tags = sorted({t for n in needs for t in n.tags})
    tag_rows = _tag_rows(conn, tags, deps, box)
    if box is not None:
        tag_rows += _service_tag_rows(conn, tags, box)
    near_deps = set(deps or ())

    per_need = max(1, math.ceil(limit / len(needs)))
    shortlists: list[list[_Candidate]] = []
    for n in needs:
        found = _candidates(tag_rows, n, place, reach_km, near_deps)
        best = max((c.fit for c in found), default=0.0)
        # The good fits, nearest first, then the rest by score: enough to fill the group
        # after places are merged and head offices put after.
        found.sort(key=lambda c: (c.fit < GOOD_FIT * best, c.distance_key, -_quick_score(c)))
        shortlists.append(found[: 2 * per_need + 12])
    rows = _structures(conn, {c.structure_id for sl in shortlists for c in sl})
    if direct_only:
        reachable = directly_reachable(conn, list(rows))
        rows = {sid: row for sid, row in rows.items() if sid in reachable}
    held_at = _service_places(conn, {c.service for sl in shortlists for c in sl if c.service})
    place_of = places_of(conn, list(rows))
    services = _services_info(conn, list(rows))
    shown: dict[str, Suggestion] = {}  # place -> its row, shown in an earlier group
    for n, shortlist in zip(needs, shortlists, strict=True):
        group = NeedGroup(n, [], reach.km if reach else None)
        kept = [c for c in shortlist if c.structure_id in rows]
        for c in kept:
            c.row = rows[c.structure_id]
            if c.service in held_at:
                c.row = _at_service_place(c.row, held_at[c.service])
            c.place = place_of[c.structure_id]
            _finish(c, services.get(c.structure_id, _ServicesInfo()), place, now, n)
        if place is not None:
            # Outside its zone of eligibility and not next door: the person cannot go there.
            kept = [
                c
                for c in kept
                if not c.outside_zone
                or (c.distance_km is not None and c.distance_km <= OUTSIDE_ZONE_KM)
            ]
        best = max((c.fit for c in kept), default=0.0)
        kept.sort(key=lambda c: _order(c, best, n.tonight))
        chosen: list[_Candidate] = []
        seen: set[str] = set()
        for c in kept:
            if len(chosen) >= per_need:
                break
            key = c.place.place if c.place else c.structure_id
            if key in seen:
                continue  # another record of a place already in this group
            seen.add(key)
            if key in shown:
                if shown[key] not in group.see_above:
                    group.see_above.append(shown[key])
                continue
            chosen.append(c)
        members = members_of(conn, {c.place.place for c in chosen if c.place})
        for c in chosen:
            key = c.place.place if c.place else c.structure_id
            suggestion = _suggestion(c, n, members.get(key, []), False)
            group.suggestions.append(suggestion)
            shown[key] = suggestion
        if place is not None and reach is not None:
            # A structure outside its zone of eligibility is not an answer (the person
            # cannot go there): it may follow the fallbacks, as « Autres pistes ».
            answered = any(c.kind_fit >= MAIN_KIND and not c.outside_zone for c in chosen)
            answered = answered or any(_answers(s, n) for s in group.see_above)
            if not answered:
                # "Call the number above" only for an urgent need: SOS loyers impayés does
                # not answer a job loss said in the same sentence.
                lines = result.lines if result.urgent else ()
                outside = any(c.kind_fit >= MAIN_KIND and c.outside_zone for c in chosen)
                group.missing = missing_text(n, reach.km, place, lines, outside)
                group.fallbacks = _fallbacks(conn, n, place, now, shown, group)
        result.groups.append(group)
    return result


def _answers(s: Suggestion, need: Need) -> bool:
    return need.kinds.get(s.group, 0.0) >= MAIN_KIND or need.kinds.get(s.kind, 0.0) >= MAIN_KIND


def _merge_all(parts: Iterable[dict[str, float]]) -> dict[str, float]:
    merged: dict[str, float] = {}
    for part in parts:
        merged = _merge(merged, part)
    return merged


# -- fallbacks ---------------------------------------------------------------------------------


def _fallbacks(
    conn: sqlite3.Connection,
    need: Need,
    place: Commune,
    now: dt.datetime,
    shown: dict[str, Suggestion],
    group: NeedGroup,
) -> list[Suggestion]:
    """What always exists in the embedded data: the mairie of the commune (for its CCAS),
    the nearest France Services. A place already shown is named in `group.see_above`."""
    found: list[tuple[_Candidate, str]] = []
    mairie = conn.execute(
        "SELECT id FROM structures WHERE code_insee = ? AND kind = 'mairie' AND absent = 0"
        " ORDER BY nom LIMIT 1",
        (place.insee,),
    ).fetchone()
    if mairie:
        found.append((_fallback_candidate(mairie[0], place), "CCAS : s'adresser à la mairie"))
    nearest = _nearest_of_kind(conn, "france-services", place, group.reach_km or RURAL_KM)
    if nearest is not None:
        found.append((nearest, "la France Services la plus proche"))
    rows = _structures(conn, [c.structure_id for c, _ in found])
    place_of = places_of(conn, list(rows))
    services = _services_info(conn, list(rows))
    chosen: list[tuple[_Candidate, str]] = []
    moved: list[Suggestion] = []
    for c, why in found:
        if c.structure_id not in rows:
            continue
        c.row, c.place = rows[c.structure_id], place_of[c.structure_id]
        own = shown.get(c.place.place)
        if own is not None and own in group.suggestions:
            # Already a weaker fit of this group, printed below the fallbacks (« Autres
            # pistes »): it moves up as the fallback it is, never « voir plus haut ».
            group.suggestions.remove(own)
            own.fallback = True
            if why not in own.reasons:
                own.reasons.insert(1, why)
            moved.append(own)
            continue
        if c.place.place in shown:
            if shown[c.place.place] not in group.see_above:
                group.see_above.append(shown[c.place.place])
            continue
        c.group = c.row.kind
        c.distance_km, c.proximity, c.distance_key = _where(
            c.row.latitude, c.row.longitude, c.row.departement, c.row.code_insee, place, 0.0
        )
        _finish(c, services.get(c.structure_id, _ServicesInfo()), place, now, need)
        if why not in c.reasons:
            c.reasons.insert(1, why)
        chosen.append((c, why))
    members = members_of(conn, {c.place.place for c, _ in chosen if c.place})
    suggestions = list(moved)
    for c, _ in chosen:
        key = c.place.place if c.place else c.structure_id
        suggestion = _suggestion(c, need, members.get(key, []), True)
        shown[key] = suggestion
        suggestions.append(suggestion)
    # In the order they were looked for: the mairie, then the France Services.
    rank = {c.structure_id: i for i, (c, _) in enumerate(found)}
    suggestions.sort(key=lambda s: min((rank[i] for i in s.place_ids if i in rank), default=0))
    return suggestions


def _fallback_candidate(structure_id: str, place: Commune) -> _Candidate:
    return _Candidate(structure_id, 0.0, 0.0, "", None, None, 0.0, 0.0)


def _nearest_of_kind(
    conn: sqlite3.Connection, kind: str, place: Commune, reach_km: float
) -> _Candidate | None:
    """The nearest structure of a kind within reach (by the tag index), looking near first."""
    if place.lat is None or place.lon is None:
        return None
    lat, lon = place.lat, place.lon
    for radius in (reach_km / 3, reach_km):
        deps = departements_near(conn, place, radius)
        distances = [
            (haversine_km(lat, lon, r.latitude, r.longitude), r.structure_id)
            for r in _tag_rows(conn, [f"kind:{kind}"], deps, _box(place, radius))
            if r.latitude is not None and r.longitude is not None
        ]
        distances = [(km, sid) for km, sid in distances if km <= radius]
        if distances:
            return _fallback_candidate(min(distances)[1], place)
    return None


def grouped(suggestions: Sequence[Suggestion]) -> list[tuple[str, list[Suggestion]]]:
    """Suggestions grouped by the need they answer, groups in order."""
    groups: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        groups.setdefault(s.need or s.group, []).append(s)
    return list(groups.items())
