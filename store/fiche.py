"""What goes on the fiche a person takes home: a typed model, built in one place.

The fiche never carries the worker's words. Its title comes from the understood needs
(their vocabulary labels), restricted to those the chosen structures answer. For each
structure: where to go (a service's own place when it has one; a postal box is not a place),
the phone, the week's hours with today and holidays, how one is received, conditions, fees
and papers when the data says so. The renderers (tui/fiche.py) only translate and format.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from . import hours as hours_mod
from . import views
from .lines import LineAnswer
from .needs import theme_matches
from .orientation import short_label
from .queries import get_structure
from .text import fold
from .views import one_line, structure_view
from .vocab.thematiques import THEMATIQUES
from .vocab.thematiques import label as theme_label

MAX_SERVICES = 1  # the service that answers the need: three structures fit on one A4 page
MAX_TITLE_NEEDS = 2

# "BP 24", "B.P. 24", "CS 1234", "TSA 70001": postal boxes, not places one can go to.
_POSTAL_BOX = re.compile(r"\b(?:B\.?\s?P|C\.?\s?S|T\.?\s?S\.?\s?A)\.?\s*\d+\b", re.IGNORECASE)
_CEDEX = re.compile(r"\bcedex(?:\s*\d+)?\b", re.IGNORECASE)


class Access(Enum):
    """How the person is received; the value is the key of its word (fiche_words.tsv)."""

    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"
    REFERRAL = "referral"


class Fees(Enum):
    FREE = "free"
    PAYING = "paying"


@dataclass(frozen=True)
class Place:
    """Where to go: a street (None when only a postal box or nothing is published) and a
    town ("31000 Toulouse")."""

    street: str | None
    town: str | None


@dataclass(frozen=True)
class Week:
    """This week's hours: day by day when understood, else the text as published."""

    days: tuple[hours_mod.DayHours, ...] = ()
    published: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.days) or bool(self.published)

    def today(self) -> hours_mod.DayHours | None:
        return next((d for d in self.days if d.today), None)


@dataclass(frozen=True)
class FicheService:
    nom: str
    place: Place | None  # its own place, when it differs from the structure's
    phone: str | None  # its own phone, when it differs from the structure's
    week: Week | None  # its own hours, when it has some
    access: tuple[Access, ...]
    conditions: str | None
    fees: Fees | None
    fees_details: str | None
    papers: tuple[str, ...]


@dataclass(frozen=True)
class FicheStructure:
    id: str
    nom: str
    kind: str | None
    place: Place
    phone: str | None
    week: Week
    access: tuple[Access, ...]
    services: tuple[FicheService, ...]
    distance_km: float | None = None
    departement: str | None = None  # for the place's own public holidays


@dataclass(frozen=True)
class FicheLine:
    """A national line of the need, printed on top of the fiche (115, 3919…)."""

    number: str
    name: str
    hours: str | None = None  # in French, as published ("24 h/24, 7 j/7")
    free: bool = False
    in_danger: bool = False  # to call in an immediate danger (17 beside 3919)


def lines_of(found: Sequence[LineAnswer]) -> tuple[FicheLine, ...]:
    """The fiche's lines from the orientation's answers (store/lines.py)."""
    return tuple(
        FicheLine(a.numero, a.nom, a.horaires, a.line.gratuit, a.when_in_danger) for a in found
    )


@dataclass(frozen=True)
class Fiche:
    needs: tuple[str, ...]  # French labels of the understood needs the structures answer
    structures: tuple[FicheStructure, ...]
    issued: dt.datetime
    lines: tuple[FicheLine, ...] = ()


@dataclass(frozen=True)
class FicheRequest:
    """What the worker chose: structures, and the understood needs as codes (never words)."""

    structure_ids: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    thematiques: tuple[str, ...] = ()
    lines: tuple[FicheLine, ...] = ()
    distances: Mapping[str, float | None] = field(default_factory=dict)


# -- small readers -------------------------------------------------------------------------


def _strip_postal_box(text: str) -> str:
    text = _CEDEX.sub("", _POSTAL_BOX.sub("", text))
    text = re.sub(r"\s*[-–,/]\s*(?=[-–,/]|$)", "", text)  # separators left dangling
    return " ".join(text.strip(" -–,/").split())


def where(place: views.Place) -> Place:
    """Where to go, from a view's place: postal boxes and CEDEX removed, so that « BP 24 »
    is never printed as a street."""
    street = ", ".join(
        p
        for p in (
            _strip_postal_box(place.adresse or ""),
            _strip_postal_box(place.complement_adresse or ""),
        )
        if p
    )
    town = " ".join(
        p for p in (place.code_postal or "", _strip_postal_box(place.commune or "")) if p
    )
    return Place(street or None, town or None)


def week_of(text: str | None, today: dt.date, departement: str | None = None) -> Week:
    if not text or not text.strip():
        return Week()
    days = hours_mod.week_days(text, today, departement)
    if days is None:
        return Week(published=one_line(text))
    return Week(days=tuple(days))


def _access(
    week: Week | None,
    mobilisation: views.Mobilisation | None = None,
    conditions: str | None = None,
) -> tuple[Access, ...]:
    """How one is received, from the mobilisation, the conditions and the hours' comments."""
    said = " ".join(
        fold(t)
        for t in (
            mobilisation.precisions if mobilisation else None,
            conditions,
            *(c for d in (week.days if week else ()) for c in d.comments),
            week.published if week else None,
        )
        if t
    )
    found: list[Access] = []
    if "sans rendez-vous" in said or (mobilisation and "se-presenter" in mobilisation.modes):
        found.append(Access.WALK_IN)
    if "sur rendez-vous" in said or "prendre rendez-vous" in said:
        found.append(Access.APPOINTMENT)
    if mobilisation and mobilisation.professionals_only:
        found.append(Access.REFERRAL)
    return tuple(found)


def _fees(label: str | None) -> Fees | None:
    folded = fold(label)
    if "payant" in folded:
        return Fees.PAYING
    if "gratuit" in folded:
        return Fees.FREE
    return None


def _service(view: views.ServiceView, parent: FicheStructure, today: dt.date) -> FicheService:
    place = where(view.place) if view.place else None
    departement = (view.place.departement if view.place else None) or parent.departement
    week = week_of(view.horaires, today, departement)
    phone = view.telephone
    return FicheService(
        nom=view.nom,
        place=place if place and place.street and place != parent.place else None,
        phone=phone if phone and phone != parent.phone else None,
        week=week if week.known else None,
        access=_access(week, view.mobilisation, view.conditions_acces) or parent.access,
        conditions=view.conditions_acces,
        fees=_fees(view.frais),
        fees_details=view.frais_precisions,
        papers=view.papers,
    )


def _wanted_labels(thematiques: Sequence[str]) -> set[str]:
    """The French labels of the wanted thématiques (views carry labels, not codes)."""
    wanted = [t for t in thematiques if t]
    return {
        theme_label(code) for code in THEMATIQUES if any(theme_matches(w, code) for w in wanted)
    }


def _chosen_services(
    services: Sequence[views.ServiceView], thematiques: Sequence[str]
) -> list[views.ServiceView]:
    """The service that answers the need (a lone service always counts)."""
    if len(services) == 1:
        return list(services)
    labels = _wanted_labels(thematiques)
    return [s for s in services if labels & set(s.thematiques)][:MAX_SERVICES]


def structure_of(
    view: views.StructureView,
    *,
    today: dt.date,
    thematiques: Sequence[str] = (),
    distance_km: float | None = None,
) -> FicheStructure:
    """The fiche's part of one structure, from the shared view (store/views.py)."""
    week = week_of(view.horaires, today, view.place.departement)
    base = FicheStructure(
        id=view.id,
        nom=view.nom,
        kind=view.kind,
        place=where(view.place),
        phone=view.telephone,
        week=week,
        access=_access(week),
        services=(),
        distance_km=distance_km,
        departement=view.place.departement,
    )
    services = tuple(_service(s, base, today) for s in _chosen_services(view.services, thematiques))
    if base.phone is None:
        # No phone of its own: a service's phone is the way in (said once, on the structure).
        phone = next((s.phone for s in services if s.phone), None)
        if phone:
            services = tuple(replace(s, phone=None) if s.phone == phone else s for s in services)
            base = replace(base, phone=phone)
    if not base.week.known:
        base = replace(base, week=next((s.week for s in services if s.week), week))
    return replace(base, services=services)


# -- the title -------------------------------------------------------------------------------


def _tags(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        tag
        for (tag,) in conn.execute(
            f"SELECT DISTINCT tag FROM structure_tags WHERE structure_id IN ({marks})", list(ids)
        )
    }


def need_labels(
    kinds: Sequence[str],
    thematiques: Sequence[str],
    answered: set[str],
) -> tuple[str, ...]:
    """Labels of the understood needs that the chosen structures answer (`answered`: their
    tags, "kind:slug" and thématique codes), kinds first; at most two."""
    labels: list[str] = []
    for kind in kinds:
        if f"kind:{kind}" in answered:
            labels.append(short_label(kind))
    if not labels:
        for code in thematiques:
            if any(theme_matches(code, tag) for tag in answered if not tag.startswith("kind:")):
                labels.append(theme_label(code))
    unique = list(dict.fromkeys(label for label in labels if label))
    return tuple(unique[:MAX_TITLE_NEEDS])


def build_fiche(conn: sqlite3.Connection, request: FicheRequest, now: dt.datetime) -> Fiche:
    """The fiche for the chosen structures (those no longer in the store are left out)."""
    records = [
        r for r in (get_structure(conn, sid) for sid in request.structure_ids) if r is not None
    ]
    if not records:
        raise ValueError("aucune structure à mettre dans la fiche")
    answered = _tags(conn, [str(r["id"]) for r in records])
    answered |= {f"kind:{r['kind']}" for r in records if r.get("kind")}
    structures = tuple(
        structure_of(
            structure_view(r),
            today=now.date(),
            thematiques=request.thematiques,
            distance_km=request.distances.get(str(r["id"])),
        )
        for r in records
    )
    return Fiche(
        needs=need_labels(request.kinds, request.thematiques, answered),
        structures=structures,
        issued=now,
        lines=request.lines,
    )
