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

from . import dates, hours, kinds
from .markdown import to_plain
from .text import clean_display
from .vocab import services as vocab
from .vocab.thematiques import label as theme_label


def one_line(value: object) -> str | None:
    """One cleaned line of data (control, escape and bidi characters removed, whitespace
    collapsed), or None when empty."""
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
            adresse=one_line(row.get("adresse")),
            complement_adresse=one_line(row.get("complement_adresse")),
            code_postal=one_line(row.get("code_postal")),
            commune=one_line(row.get("commune")),
            code_insee=one_line(row.get("code_insee")),
            departement=one_line(row.get("departement")),
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
    papers: tuple[str, ...] = ()  # to bring (data·inclusion v0 justificatifs, pre_requis)

    def hours_summary(self, today: dt.date, departement: str | None = None) -> str | None:
        if not self.horaires:
            return None
        where = (self.place.departement if self.place else None) or departement
        return one_line(hours.summary(self.horaires, today, where))


def service_view(row: Mapping[str, Any], home: Place | None = None) -> ServiceView:
    place = Place.of(row)
    own = None if place.empty or (home is not None and place.same_as(home)) else place
    frais = [vocab.label(vocab.FRAIS, c) for c in _codes(row.get("frais"))]
    kind = one_line(row.get("type"))
    return ServiceView(
        id=str(row.get("id") or ""),
        nom=one_line(row.get("nom")) or "Service",
        type=vocab.label(vocab.TYPES, kind) if kind else None,
        thematiques=tuple(theme_label(c) for c in _codes(row.get("thematiques"))),
        publics=tuple(vocab.label(vocab.PUBLICS, c) for c in _codes(row.get("publics"))),
        publics_precisions=one_line(row.get("publics_precisions")),
        frais=", ".join(frais) or None,
        frais_precisions=one_line(row.get("frais_precisions")),
        conditions_acces=one_line(row.get("conditions_acces")),
        modes_accueil=tuple(
            vocab.label(vocab.MODES_ACCUEIL, c) for c in _codes(row.get("modes_accueil"))
        ),
        horaires=one_line(row.get("horaires_accueil")),
        telephone=one_line(row.get("telephone")),
        courriel=one_line(row.get("courriel")),
        description=to_plain(row.get("description")) or None,
        place=own,
        mobilisation=Mobilisation(
            par=_codes(row.get("mobilisable_par")),
            modes=_codes(row.get("modes_mobilisation")),
            lien=one_line(row.get("lien_mobilisation")),
            precisions=to_plain(row.get("mobilisation_precisions")) or None,
        ),
        papers=_papers(row.get("extra")),
    )


def _papers(extra: object) -> tuple[str, ...]:
    """Papers to bring, when an importer kept them in `extra` (data·inclusion v0
    `justificatifs`, `pre_requis`: a text or a list of texts)."""
    if not isinstance(extra, Mapping):
        return ()
    found: list[str] = []
    for key in ("justificatifs", "pre_requis"):
        value = extra.get(key)
        items = (value,) if isinstance(value, str) else value
        if isinstance(items, list | tuple):
            found.extend(line for line in (one_line(v) for v in items if v is not None) if line)
    return tuple(found)


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
    import_path: str | None = None  # the file of its last import

    def last_known(self) -> tuple[str, dt.date | None]:
        """When its data was last known right, and how (« mise à jour », « importée »)."""
        return dates.last_known(self.date_maj, self.imported_at)

    def hours_state(self, now: dt.datetime) -> hours.HoursState:
        return hours.state(self.horaires, now, self.place.departement)

    def week(self, today: dt.date) -> list[str]:
        lines = hours.week_lines(self.horaires, today, self.place.departement)
        return [line for line in (one_line(x) for x in lines) if line]

    @property
    def direct(self) -> bool:
        """A person may approach it herself: not every service is reserved to professionals."""
        return not self.services or any(s.mobilisation.direct for s in self.services)


def structure_view(structure: Mapping[str, Any]) -> StructureView:
    """The view of a structure read by `store.queries.get_structure`."""
    place = Place.of(structure)
    description = structure.get("description")
    last_import = structure.get("import") or {}
    notes = tuple(
        NoteView(
            id=int(n.get("id") or 0),
            created_at=str(n.get("created_at") or ""),
            author=one_line(n.get("author")),
            text=clean_display(str(n.get("text") or "")).strip(),
            edited=bool(n.get("replaces")),
            shared=bool(n.get("shared")),
        )
        for n in structure.get("notes") or []
    )
    return StructureView(
        id=str(structure.get("id") or ""),
        nom=one_line(structure.get("nom")) or "Structure sans nom",
        kind=str(structure.get("kind") or "autre"),
        kind_label=kinds.label(structure.get("kind")),
        place=place,
        telephone=one_line(structure.get("telephone")),
        courriel=one_line(structure.get("courriel")),
        site_web=one_line(structure.get("site_web")),
        horaires=one_line(structure.get("horaires_accueil")),
        accessibilite=one_line(structure.get("accessibilite_lieu")),
        zone_intervention=tuple(
            t for t in (one_line(z) for z in _codes(structure.get("zone_intervention"))) if t
        ),
        description=to_plain(description) or None,
        description_markdown=clean_display(description).strip() or None if description else None,
        services=tuple(service_view(s, place) for s in structure.get("services") or []),
        notes=notes,
        favori=bool(structure.get("favori")),
        absent=bool(structure.get("absent")),
        a_verifier=bool(structure.get("a_verifier")),
        source=one_line(structure.get("source")),
        lien_source=one_line(structure.get("lien_source")),
        date_maj=one_line(structure.get("date_maj")),
        imported_at=one_line(last_import.get("imported_at")),
        import_path=one_line(last_import.get("path")),
    )
