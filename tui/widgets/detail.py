"""The detail pane: everything a worker needs about one structure, shown literally.

Text from data never goes through markup: it is cleaned of control characters
(`store.text.clean_display`) and appended to a `rich.text.Text`, so `[bold]` or
`[@click=app.quit]` stay visible characters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from store import dates, kinds
from store.text import clean_display
from store.vocab import thematiques


def clean(value: object) -> str:
    """Data text made safe for the screen: no control characters, tabs as spaces."""
    if value is None:
        return ""
    return clean_display(str(value)).replace("\t", " ").strip()


def one_line(value: object) -> str:
    return " ".join(clean(value).split())


def format_km(km: float | None) -> str:
    if km is None:
        return ""
    if km < 10:
        return f"{km:.1f} km".replace(".", ",")
    return f"{km:.0f} km"


def format_date(value: str | None) -> str:
    """'2026-11-02T10:15:00' -> '02/11/2026 10:15'; '2025-03-01' -> '01/03/2025'."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return one_line(value)
    if len(value) <= 10:
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%d/%m/%Y %H:%M")


def _list(values: Iterable[object] | None) -> str:
    if not values or isinstance(values, str):
        return one_line(values) if isinstance(values, str) else ""
    return ", ".join(one_line(v) for v in values if v)


def _field(text: Text, label: str, value: str) -> None:
    if value:
        text.append(f"{label} : ", style="bold")
        text.append(value)
        text.append("\n")


def last_update(structure: Mapping[str, Any]) -> tuple[str, dt.date | None]:
    """The date the data was last known right: its own date, else the import date."""
    imported = (structure.get("import") or {}).get("imported_at")
    return dates.last_known(structure.get("date_maj"), imported)


def hours_section(text: Text, horaires: str | None, now: dt.datetime) -> None:
    from store import hours  # opening_hours is loaded with the first detail, not at start-up

    if not horaires:
        text.append("Horaires : ", style="bold")
        text.append("inconnus\n", style="italic")
        return
    current = hours.state(horaires, now)
    text.append("Horaires : ", style="bold")
    if current.open_now is True:
        text.append("● ", style="bold")
    elif current.open_now is False:
        text.append("○ ", style="bold")
    if current.open_now is None:
        text.append("non reconnus (texte d'origine ci-dessous)\n", style="italic")
    else:
        text.append(one_line(current.label), style="bold")
        text.append("\n")
    for line in hours.week_lines(horaires, today=now.date()):
        text.append(f"  {clean(line)}\n")


def _service(text: Text, service: Mapping[str, Any]) -> None:
    text.append("• ", style="bold")
    text.append(one_line(service.get("nom")) or "Service", style="bold")
    text.append("\n")
    codes = service.get("thematiques") or []
    if codes:
        labels = ", ".join(one_line(thematiques.label(str(c))) for c in codes)
        text.append("  Thématiques : ", style="italic")
        text.append(labels + "\n")
    for label, value in (
        ("Publics", _list(service.get("publics"))),
        ("Précisions", one_line(service.get("publics_precisions"))),
        ("Frais", _list(service.get("frais"))),
        ("Détail des frais", one_line(service.get("frais_precisions"))),
        ("Conditions", one_line(service.get("conditions_acces"))),
        ("Accueil", _list(service.get("modes_accueil"))),
        ("Horaires", one_line(service.get("horaires_accueil"))),
        ("Téléphone", one_line(service.get("telephone"))),
        ("Courriel", one_line(service.get("courriel"))),
    ):
        if value:
            text.append(f"  {label} : ", style="italic")
            text.append(value + "\n")
    description = clean(service.get("description"))
    if description:
        text.append("  ")
        text.append(description.replace("\n", "\n  ") + "\n", style="dim")


def _notes(text: Text, notes: list[Mapping[str, Any]]) -> None:
    text.append(f"\nNotes ({len(notes)})\n", style="bold underline")
    if not notes:
        text.append("Aucune note. Touche n pour en écrire une.\n", style="italic")
        return
    for note in notes:  # the core returns them newest first
        text.append(format_date(note.get("created_at")), style="bold")
        author = one_line(note.get("author"))
        text.append(f" · {author}" if author else " · auteur non renseigné", style="bold")
        text.append(" · partagée" if note.get("shared") else " · privée", style="italic")
        if note.get("replaces"):
            text.append(" · modifiée", style="italic")
        text.append("\n")
        text.append(clean(note.get("text")) + "\n")


def render_structure(
    structure: Mapping[str, Any], *, now: dt.datetime, distance_km: float | None = None
) -> Text:
    """The whole detail of a structure as literal text."""
    text = Text()
    if structure.get("favori"):
        text.append("★ Favori  ", style="bold")
    text.append(one_line(structure.get("nom")) or "Structure sans nom", style="bold underline")
    text.append("\n")
    text.append(one_line(kinds.label(structure.get("kind"))), style="italic")
    text.append("\n")
    if structure.get("absent"):
        text.append("⚠ Absente de la dernière mise à jour de sa source\n", style="bold")
    if structure.get("a_verifier"):
        text.append("⚠ Informations à vérifier\n", style="bold")
    text.append("\n")
    parts = (one_line(structure.get("adresse")), one_line(structure.get("complement_adresse")))
    street = ", ".join(p for p in parts if p)
    town = " ".join(
        p for p in (one_line(structure.get("code_postal")), one_line(structure.get("commune"))) if p
    )
    dep = one_line(structure.get("departement"))
    if not town and dep:
        town = f"département {dep}"
    _field(text, "Adresse", ", ".join(p for p in (street, town) if p) or "non renseignée")
    if distance_km is not None:
        _field(text, "Distance", format_km(distance_km))
    _field(text, "Téléphone", one_line(structure.get("telephone")))
    _field(text, "Courriel", one_line(structure.get("courriel")))
    _field(text, "Site", one_line(structure.get("site_web")))
    hours_section(text, structure.get("horaires_accueil"), now)
    _field(text, "Accessibilité", one_line(structure.get("accessibilite_lieu")))
    _field(text, "Intervient sur", _list(structure.get("zone_intervention")))
    # The worker's own notes come before the source's long texts: they are what matters.
    _notes(text, structure.get("notes") or [])
    services = structure.get("services") or []
    if services:
        text.append(f"\nServices ({len(services)})\n", style="bold underline")
        for service in services:
            _service(text, service)
    description = clean(structure.get("description"))
    if description:
        text.append("\nPrésentation\n", style="bold underline")
        text.append(description + "\n")
    _source(text, structure, now)
    return text


def _source(text: Text, structure: Mapping[str, Any], now: dt.datetime) -> None:
    text.append("\nSource : ", style="bold")
    text.append(one_line(structure.get("source")) or "inconnue")
    what, when = last_update(structure)
    if when is not None:
        text.append(f" · {what} le {when.strftime('%d/%m/%Y')}")
        if dates.is_stale(when, now.date()):
            text.append("\n" + dates.STALE_WARNING, style="bold")
    text.append("\n")
    link = one_line(structure.get("lien_source"))
    if link:
        text.append(f"{link}\n", style="dim")


class DetailPane(VerticalScroll, can_focus=True):
    """Scrollable pane that shows one structure (arrows scroll it when it has the focus)."""

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
    }
    DetailPane > #detail-body {
        width: 100%;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Tapez quelques lettres pour chercher une structure.", style="italic"),
            id="detail-body",
            markup=False,
        )

    def show_structure(
        self, structure: Mapping[str, Any], *, now: dt.datetime, distance_km: float | None
    ) -> None:
        self.query_one("#detail-body", Static).update(
            render_structure(structure, now=now, distance_km=distance_km)
        )
        self.scroll_home(animate=False)

    def show_message(self, message: str) -> None:
        self.query_one("#detail-body", Static).update(Text(message, style="italic"))
