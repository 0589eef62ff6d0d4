"""Orientation: from a need and a place to the structures to suggest, each with its reasons.

Candidates come from the `structure_tags` side index (store/tags.py): structures whose kind,
name, or (services') thématiques fit the need, in the départements around the place — an
indexed lookup, never a scan. They are then scored on fit, distance (same département when a
structure has no coordinates), zone d'éligibilité, opening hours and data freshness.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import dates
from . import kinds as kinds_mod
from .communes import Commune, haversine_km, resolve_place
from .hours import state
from .lines import LineAnswer, answers
from .needs import Interpretation, interpret
from .text import normalize
from .vocab.thematiques import label as theme_label

FIRST_CLASS = frozenset({"pimms", "france-services", "ecrivain-public", "epicerie-solidaire"})
MAX_WANTED = 6  # kinds and thématiques taken from the interpretation
MIN_SHARE = 0.3  # ... when their score is at least this share of the best one
# Widened until enough candidates; beyond the last, a suggestion is of no use to the person
# (a worker in Bordeaux is not helped by a point-justice 500 km away).
RADII_KM = (25.0, 70.0, MAX_KM := 200.0)
NEAR_DEPS_KM = 70.0  # a structure without coordinates counts only in a département this near
OUTSIDE_ZONE_KM = 25.0  # outside its zone of eligibility: shown only this near (data may lag)
RESERVED_SHARE = 0.5  # a need's best structure is kept among the first when its fit is this
NO_COORDS_SAME_DEP = 0.3  # proximity credit of a structure known only by its département
# Fit (squared, relative to the best recognised need) dominates: a worker who typed "écrivain
# public" wants one, even a little farther than a PIMMS next door.
WEIGHTS = {"fit": 0.7, "proximity": 0.18, "open": 0.06, "fresh": 0.03, "zone": 0.03}


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

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "nom": self.nom,
            "kind": self.kind,
            "commune": self.commune,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "open_now": self.open_now,
            "reasons": self.reasons,
        }


@dataclass
class Orientation:
    need: str
    interpretation: Interpretation
    location: Commune | None
    suggestions: list[Suggestion]
    wanted_kinds: dict[str, float] = field(default_factory=dict)
    wanted_thematiques: dict[str, float] = field(default_factory=dict)
    # National lines for the need, shown before every structure (115, 3919 then 17…).
    lines: list[LineAnswer] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        """A need of tonight or of danger: its lines come first, and it is never answered
        "not understood" or "nothing found"."""
        return self.interpretation.urgent

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
            "suggestions": [s.as_json() for s in self.suggestions],
        }


def short_label(slug: str) -> str:
    """ "PIMMS (point d'information …)" -> "PIMMS"."""
    return kinds_mod.label(slug).split(" (")[0].split(",")[0]


def format_km(km: float) -> str:
    return (f"{km:.1f}" if km < 10 else f"{km:.0f}").replace(".", ",") + " km"


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


# -- the wanted tags ---------------------------------------------------------------------------


def _wanted(scored: Sequence[tuple[str, float]]) -> dict[str, float]:
    """The best kinds (or thématiques), scored relative to the best one."""
    if not scored:
        return {}
    best = scored[0][1]
    return {k: s / best for k, s in scored[:MAX_WANTED] if s >= MIN_SHARE * best}


def _candidates(
    conn: sqlite3.Connection,
    tags: list[str],
    deps: list[str] | None,
    box: tuple[float, float, float, float] | None,
    cap: int = 20000,
) -> list[tuple]:
    """(id, departement, latitude, longitude, "tag|tag…") of the structures carrying a wanted
    tag, in the départements and box given (kept when without coordinates). Only the
    structure_tags index is read."""
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
    return conn.execute(sql, params).fetchall()


def _box(place: Commune, radius_km: float) -> tuple[float, float, float, float] | None:
    if place.lat is None or place.lon is None:
        return None
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(place.lat)), 0.2))
    return (place.lat - dlat, place.lat + dlat, place.lon - dlon, place.lon + dlon)


_COLUMNS = (
    "id, nom, kind, commune, code_postal, code_insee, departement, adresse, telephone,"
    " latitude, longitude, horaires_accueil, date_maj, zone_intervention, geo_approx"
)


def _structures(conn: sqlite3.Connection, ids: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += conn.execute(
            f"SELECT {_COLUMNS} FROM structures WHERE absent = 0 AND id IN "
            f"({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return rows


# -- scoring -----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    row: tuple
    fit: float
    group: str
    theme: str | None
    distance_km: float | None
    proximity: float
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    open_now: bool | None = None
    hours: str | None = None
    outside_zone: bool = False


def _fit(
    tags: set[str], own_kind: str | None, kinds: dict[str, float], themes: dict[str, float]
) -> tuple[float, str, str | None]:
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
    return min(fit, 1.0), group, theme


def _proximity(row: tuple, place: Commune | None) -> tuple[float | None, float]:
    if place is None:
        return None, 0.5
    lat, lon, dep = row[9], row[10], row[6]
    if lat is not None and lon is not None and place.lat is not None and place.lon is not None:
        km = haversine_km(place.lat, place.lon, lat, lon)
        return km, 1.0 / (1.0 + km / 8.0)
    if row[5] and row[5] == place.insee:
        return None, 0.8
    if dep and dep == place.dep:
        return None, NO_COORDS_SAME_DEP
    return None, 0.05


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
    """True inside a stated zone, False outside every one, None when nothing is stated."""
    if place is None:
        return None
    stated = [z for z in zones if z]
    if stated:
        for zone in stated:
            for code in zone:
                folded = code.strip().lower()
                if folded in ("france", "fr", "national") or len(folded) == 9:
                    return True  # national, or an EPCI we cannot check offline
                if folded.upper() in (place.insee, place.dep):
                    return True
        return False
    place_name = normalize(place.nom)
    texts = [normalize(t) for t in intervention if t]
    if texts and place_name:
        return any(place_name in t or place.dep == t for t in texts) or None
    return None


def _hours_reason(text: str | None, now: dt.datetime) -> tuple[bool | None, float, str | None]:
    hs = state(text, now)
    if hs.open_now is None:
        return None, 0.3, None
    if hs.open_now:
        if hs.closes_at is not None and hs.closes_at.date() == now.date():
            return True, 1.0, f"ouvert jusqu'à {hs.closes_at.strftime('%H:%M')}"
        return True, 1.0, "ouvert"
    if hs.opens_at is not None and (hs.opens_at - now) <= dt.timedelta(hours=24):
        return False, 0.5, hs.label.replace("Fermé · ouvre", "fermé, ouvre")
    return False, 0.0, hs.label.replace("Fermé · ouvre", "fermé, ouvre").replace("Fermé", "fermé")


def _services_info(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, list]]:
    info: dict[str, dict[str, list]] = {}
    if not ids:
        return info
    marks = ",".join("?" * len(ids))
    for sid, zone, hours in conn.execute(
        f"SELECT structure_id, zone_eligibilite, horaires_accueil FROM services "
        f"WHERE structure_id IN ({marks})",
        ids,
    ):
        entry = info.setdefault(sid, {"zones": [], "hours": []})
        entry["zones"].append(_zone_codes(zone))
        if hours:
            entry["hours"].append(hours)
    return info


def orient(
    conn: sqlite3.Connection,
    need: str,
    near: str | Commune | None = None,
    *,
    limit: int = 10,
    now: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
    thematiques: Sequence[str] | None = None,
) -> Orientation:
    """Suggestions for `need` near a place (a commune name, postcode, or Commune).

    `kinds` / `thematiques`, when given, replace what was recognised in the need (the worker
    removed or added some). Raises UnknownPlace / AmbiguousPlace for a place it cannot pin.
    """
    now = now or dt.datetime.now()
    place = resolve_place(conn, near) if isinstance(near, str) and near.strip() else None
    if isinstance(near, Commune):
        place = near
    interpretation = interpret(need)
    wanted_kinds = _wanted(interpretation.kinds)
    wanted_themes = _wanted(interpretation.thematiques)
    if kinds is not None:
        wanted_kinds = dict.fromkeys(kinds, 1.0)
    if thematiques is not None:
        wanted_themes = dict.fromkeys(thematiques, 1.0)
    result = Orientation(need, interpretation, place, [], wanted_kinds, wanted_themes)
    result.lines = answers(interpretation.lines, now)
    tags = [f"kind:{k}" for k in wanted_kinds] + list(wanted_themes)
    if not tags:
        return result

    radii: Sequence[float | None] = RADII_KM if place is not None else (None,)
    near_deps = set(departements_near(conn, place, NEAR_DEPS_KM)) if place else set()
    ranked: list[tuple[float, str, str]] = []
    for radius in radii:
        deps = departements_near(conn, place, radius) if place and radius else None
        box = _box(place, radius) if place and radius else None
        ranked = []
        for sid, dep, lat, lon, found in _candidates(conn, tags, deps, box):
            fit, group, theme = _fit(set(found.split("|")), None, wanted_kinds, wanted_themes)
            row = (sid, None, None, None, None, None, dep, None, None, lat, lon)
            km, proximity = _proximity(row, place)
            if radius is not None and km is not None and km > radius:
                continue
            if place is not None and km is None and dep not in near_deps:
                continue  # no address, and its département is too far to say
            score = WEIGHTS["fit"] * fit**2 + WEIGHTS["proximity"] * proximity
            ranked.append((score, sid, found))
        if len(ranked) >= limit:
            break

    ranked.sort(key=lambda r: -r[0])
    picked = {sid: found for _, sid, found in ranked[: 3 * limit + 20]}
    shortlist: list[_Candidate] = []
    for row in _structures(conn, list(picked)):
        tagged = set(picked[row[0]].split("|"))
        fit, group, theme = _fit(tagged, row[2], wanted_kinds, wanted_themes)
        km, proximity = _proximity(row, place)
        score = WEIGHTS["fit"] * fit**2 + WEIGHTS["proximity"] * proximity
        shortlist.append(_Candidate(row, fit, group, theme, km, proximity, score))
    services = _services_info(conn, [c.row[0] for c in shortlist])
    for c in shortlist:
        _finish(c, services.get(c.row[0], {}), place, now, wanted_kinds)
    if place is not None:
        # Outside its zone of eligibility and not next door: the person cannot go there.
        shortlist = [
            c
            for c in shortlist
            if not c.outside_zone
            or (c.distance_km is not None and c.distance_km <= OUTSIDE_ZONE_KM)
        ]
    shortlist.sort(key=lambda c: (-c.score, c.distance_km or 0.0, c.row[1]))
    chosen = _with_every_need(shortlist, picked, wanted_kinds, wanted_themes, limit)
    result.suggestions = [_suggestion(c) for c in chosen]
    return result


def _facets(wanted: dict[str, float], prefix: str = "") -> list[str]:
    return [prefix + k for k, share in wanted.items() if share >= RESERVED_SHARE][:3]


def _with_every_need(
    ranked: list[_Candidate],
    tags_of: dict[str, str],
    kinds: dict[str, float],
    themes: dict[str, float],
    limit: int,
) -> list[_Candidate]:
    """The best `limit` candidates, but each recognised need keeps its best structure.

    "Plus rien à manger et refaire ses papiers" near Melun: six France Services close by
    would otherwise push the food bank of the département out of the list.
    """
    facets = _facets(kinds, "kind:") + _facets(themes)
    kept: list[_Candidate] = []
    for facet in facets[: max(1, limit // 2)]:
        for c in ranked:
            if facet in tags_of[c.row[0]].split("|"):
                if c not in kept and (not kept or c.fit >= RESERVED_SHARE):
                    kept.append(c)
                break
    for c in ranked:
        if len(kept) >= limit:
            break
        if c not in kept:
            kept.append(c)
    kept = kept[:limit]
    return sorted(kept, key=lambda c: (-c.score, c.distance_km or 0.0, c.row[1]))


def _finish(
    c: _Candidate,
    services: dict[str, list],
    place: Commune | None,
    now: dt.datetime,
    wanted_kinds: dict[str, float] | None = None,
) -> None:
    row = c.row
    hours_text = row[11] or next(iter(services.get("hours", [])), None)
    open_now, open_score, hours_reason = _hours_reason(hours_text, now)
    fresh, fresh_reason = _freshness(row[12], now)
    eligible = _eligibility(services.get("zones", []), _zone_codes(row[13]), place)
    zone_score = {True: 1.0, None: 0.5, False: 0.0}[eligible]
    c.score += (
        WEIGHTS["open"] * open_score + WEIGHTS["fresh"] * fresh + WEIGHTS["zone"] * zone_score
    )
    if eligible is False:
        c.score -= 0.4  # outside its zone: the person cannot go there
        c.outside_zone = True
    c.open_now, c.hours = open_now, hours_text
    reasons = [short_label(row[2])]
    if c.group != row[2]:
        reasons.append(short_label(c.group))
    if row[2] == "mairie" and "ccas" in (wanted_kinds or {}):
        reasons.append("CCAS : s'adresser à la mairie")
    if c.theme:
        text = theme_label(c.theme)
        reasons.append(text[:1].lower() + text[1:])
    if c.distance_km is not None and row[14] and row[3]:
        # Placed at its commune's centre: say where, the distance is only approximate.
        reasons.append(f"à {row[3]} (≈ {format_km(c.distance_km)})")
    elif c.distance_km is not None:
        reasons.append(format_km(c.distance_km))
    elif place is not None and row[5] and row[5] == place.insee:
        reasons.append(f"à {row[3] or place.nom}")
    elif place is not None and row[6] and row[6] == place.dep:
        reasons.append(f"même département ({row[6]})")
    elif place is not None and row[6]:
        reasons.append(f"département voisin ({row[6]})")
    if hours_reason:
        reasons.append(hours_reason)
    if eligible is True:
        reasons.append("zone d'éligibilité : oui")
    elif eligible is False:
        reasons.append("hors de sa zone d'éligibilité")
    if fresh_reason:
        reasons.append(fresh_reason)
    c.reasons = reasons


def _suggestion(c: _Candidate) -> Suggestion:
    row = c.row
    return Suggestion(
        id=row[0],
        nom=row[1],
        kind=row[2],
        group=c.group,
        commune=row[3],
        code_postal=row[4],
        departement=row[6],
        adresse=row[7],
        telephone=row[8],
        distance_km=c.distance_km,
        open_now=c.open_now,
        hours=c.hours,
        score=round(c.score, 4),
        reasons=c.reasons,
    )


def grouped(suggestions: Sequence[Suggestion]) -> list[tuple[str, list[Suggestion]]]:
    """Suggestions grouped by the kind they are suggested as, groups in order of their best."""
    groups: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        groups.setdefault(s.group, []).append(s)
    return list(groups.items())
