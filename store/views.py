"""One typed view of a structure and its services, for every renderer.

The TUI detail pane, `aiguillage show` and the fiche all read a structure through
`structure_view`: the same places, the same French labels for codes, the same « Comment
orienter » lines, descriptions as plain text. Text from data is cleaned of control, escape
and bidi characters here (`clean_display`); each renderer escapes it for its own format and
never interprets it as markup.

`contact_nom_prenom` (a person's name) is not part of any view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import hours, kinds
from .markdown import to_plain
from .text import clean_display
from .vocab import services as vocab
from .vocab.thematiques import label as theme_label


def _text(value: object) -> str | None:
    """One cleaned line (whitespace collapsed), or None when empty."""
    if value is None:
        return None
    cleaned = " ".join(clean_display(str(value)).split())
    return cleaned or None


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value if v)
    return ()


def _float(value: object) -> float | None:
    if not isinstance(value, int | float | str) or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# -- a place ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    adresse: str | None = None
    complement_adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    departement: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Place:
        return cls(
            adresse=_text(row.get("adresse")),
            complement_adresse=_text(row.get("complement_adresse")),
            code_postal=_text(row.get("code_postal")),
            commune=_text(row.get("commune")),
            code_insee=_text(row.get("code_insee")),
            departement=_text(row.get("departement")),
            latitude=_float(row.get("latitude")),
            longitude=_float(row.get("longitude")),
        )

    @property
    def empty(self) -> bool:
        return not (self.adresse or self.commune or self.code_postal or self.latitude)

    @property
    def line(self) -> str:
        """'12 rue de la Paix, bât. B, 75002 Paris' (what is known of it)."""
        street = ", ".join(p for p in (self.adresse, self.complement_adresse) if p)
        town = " ".join(p for p in (self.code_postal, self.commune) if p)
        if not town and self.departement:
            town = f"département {self.departement}"
        return ", ".join(p for p in (street, town) if p)

    def same_as(self, other: Place) -> bool:
        def key(p: Place) -> tuple[str, str]:
            return ((p.adresse or "").casefold(), p.code_postal or p.commune or "")

        if self.latitude is not None and other.latitude is not None:
            return (
                abs(self.latitude - other.latitude) < 1e-4
                and abs((self.longitude or 0) - (other.longitude or 0)) < 1e-4
            ) or key(self) == key(other)
        return key(self) == key(other)


# -- how to mobilise a service ---------------------------------------------------------------


RESERVED = "Réservé aux orientations par un professionnel"
DIRECT = "La personne peut s'adresser directement au service"


@dataclass(frozen=True)
class Mobilisation:
    """Who sets the service in motion and how (data·inclusion `mobilisable_par`,
    `modes_mobilisation`, `lien_mobilisation`, `mobilisation_precisions`)."""

    par: tuple[str, ...] = ()  # codes: usagers, professionnels
    modes: tuple[str, ...] = ()  # codes: se-presenter, telephoner, …
    lien: str | None = None
    precisions: str | None = None

    @property
    def professionals_only(self) -> bool:
        return "professionnels" in self.par and "usagers" not in self.par

    @property
    def direct(self) -> bool:
        """The person may approach the service herself (unknown counts as yes)."""
        return not self.professionals_only

    @property
    def known(self) -> bool:
        return bool(self.par or self.modes or self.lien or self.precisions)

    def lines(self) -> list[str]:
        """« Comment orienter », in French, most important first."""
        lines: list[str] = []
        if self.professionals_only:
            lines.append(RESERVED)
        elif "usagers" in self.par:
            both = "professionnels" in self.par
            lines.append(DIRECT + (" (ou un professionnel pour elle)" if both else ""))
        modes = [vocab.label(vocab.MODES_MOBILISATION, m) for m in _ordered(self.modes)]
        if modes:
            text = ", ".join(modes)
            lines.append(text[:1].upper() + text[1:])
        if self.lien:
            lines.append(f"Lien de mobilisation : {self.lien}")
        if self.precisions:
            lines.append(self.precisions)
        return lines


def _ordered(modes: Sequence[str]) -> list[str]:
    order = list(vocab.MODES_MOBILISATION)
    return sorted(dict.fromkeys(modes), key=lambda m: order.index(m) if m in order else 99)


# -- a service ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceView:
    id: str
    nom: str
    type: str | None  # French label
    thematiques: tuple[str, ...]  # French labels
    publics: tuple[str, ...]  # French labels
    publics_precisions: str | None
    frais: str | None  # "Gratuit", "Payant" (several joined)
    frais_precisions: str | None
    conditions_acces: str | None
    modes_accueil: tuple[str, ...]  # French labels
    horaires: str | None  # OSM or the source's text; empty: the structure's hours apply
    telephone: str | None
    courriel: str | None
    description: str | None  # plain text (Markdown read)
    place: Place | None  # its own place, when not at the structure's
    mobilisation: Mobilisation

    def hours_summary(self, today: dt.date, departement: str | None = None) -> str | None:
        if not self.horaires:
            return None
        where = (self.place.departement if self.place else None) or departement
        return _text(hours.summary(self.horaires, today, where))


def service_view(row: Mapping[str, Any], home: Place | None = None) -> ServiceView:
    place = Place.of(row)
    own = None if place.empty or (home is not None and place.same_as(home)) else place
    frais = [vocab.label(vocab.FRAIS, c) for c in _codes(row.get("frais"))]
    kind = _text(row.get("type"))
    return ServiceView(
        id=str(row.get("id") or ""),
        nom=_text(row.get("nom")) or "Service",
        type=vocab.label(vocab.TYPES, kind) if kind else None,
        thematiques=tuple(theme_label(c) for c in _codes(row.get("thematiques"))),
        publics=tuple(vocab.label(vocab.PUBLICS, c) for c in _codes(row.get("publics"))),
        publics_precisions=_text(row.get("publics_precisions")),
        frais=", ".join(frais) or None,
        frais_precisions=_text(row.get("frais_precisions")),
        conditions_acces=_text(row.get("conditions_acces")),
        modes_accueil=tuple(
            vocab.label(vocab.MODES_ACCUEIL, c) for c in _codes(row.get("modes_accueil"))
        ),
        horaires=_text(row.get("horaires_accueil")),
        telephone=_text(row.get("telephone")),
        courriel=_text(row.get("courriel")),
        description=to_plain(row.get("description")) or None,
        place=own,
        mobilisation=Mobilisation(
            par=_codes(row.get("mobilisable_par")),
            modes=_codes(row.get("modes_mobilisation")),
            lien=_text(row.get("lien_mobilisation")),
            precisions=to_plain(row.get("mobilisation_precisions")) or None,
        ),
    )


# -- a structure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    id: int
    created_at: str
    author: str | None
    text: str  # cleaned, line breaks kept
    edited: bool
    shared: bool = False


@dataclass(frozen=True)
class StructureView:
    id: str
    nom: str
    kind: str
    kind_label: str
    place: Place
    telephone: str | None
    courriel: str | None
    site_web: str | None
    horaires: str | None
    accessibilite: str | None
    zone_intervention: tuple[str, ...]
    description: str | None  # plain text (Markdown read)
    description_markdown: str | None  # the source's text, cleaned, for a Markdown widget
    services: tuple[ServiceView, ...]
    notes: tuple[NoteView, ...]
    favori: bool
    absent: bool
    a_verifier: bool
    source: str | None
    lien_source: str | None
    date_maj: str | None
    imported_at: str | None

    def hours_state(self, now: dt.datetime) -> hours.HoursState:
        return hours.state(self.horaires, now, self.place.departement)

    def week(self, today: dt.date) -> list[str]:
        lines = hours.week_lines(self.horaires, today, self.place.departement)
        return [line for line in (_text(x) for x in lines) if line]

    @property
    def direct(self) -> bool:
        """A person may approach it herself: not every service is reserved to professionals."""
        return not self.services or any(s.mobilisation.direct for s in self.services)


def structure_view(structure: Mapping[str, Any]) -> StructureView:
    """The view of a structure read by `store.queries.get_structure`."""
    place = Place.of(structure)
    description = structure.get("description")
    notes = tuple(
        NoteView(
            id=int(n.get("id") or 0),
            created_at=str(n.get("created_at") or ""),
            author=_text(n.get("author")),
            text=clean_display(str(n.get("text") or "")).strip(),
            edited=bool(n.get("replaces")),
            shared=bool(n.get("shared")),
        )
        for n in structure.get("notes") or []
    )
    return StructureView(
        id=str(structure.get("id") or ""),
        nom=_text(structure.get("nom")) or "Structure sans nom",
        kind=str(structure.get("kind") or "autre"),
        kind_label=kinds.label(structure.get("kind")),
        place=place,
        telephone=_text(structure.get("telephone")),
        courriel=_text(structure.get("courriel")),
        site_web=_text(structure.get("site_web")),
        horaires=_text(structure.get("horaires_accueil")),
        accessibilite=_text(structure.get("accessibilite_lieu")),
        zone_intervention=tuple(
            t for t in (_text(z) for z in _codes(structure.get("zone_intervention"))) if t
        ),
        description=to_plain(description) or None,
        description_markdown=clean_display(description).strip() or None if description else None,
        services=tuple(service_view(s, place) for s in structure.get("services") or []),
        notes=notes,
        favori=bool(structure.get("favori")),
        absent=bool(structure.get("absent")),
        a_verifier=bool(structure.get("a_verifier")),
        source=_text(structure.get("source")),
        lien_source=_text(structure.get("lien_source")),
        date_maj=_text(structure.get("date_maj")),
        imported_at=_text((structure.get("import") or {}).get("imported_at")),
    )
