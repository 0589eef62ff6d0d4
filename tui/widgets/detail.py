"""The detail pane: everything a worker needs about one structure, shown literally.

Text from data never goes through markup: it is cleaned of control characters
(`store.text.clean_display`) and appended to a `rich.text.Text`, so `[bold]` or
`[@click=app.quit]` stay visible characters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from store import dates
from store.text import clean_display

if TYPE_CHECKING:
    from store.views import NoteView, ServiceView, StructureView


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


def _field(text: Text, label: str, value: str | None) -> None:
    if value:
        text.append(f"{label} : ", style="bold")
        text.append(value)
        text.append("\n")


def hours_section(text: Text, view: StructureView, now: dt.datetime) -> None:
    if not view.horaires:
        text.append("Horaires : ", style="bold")
        text.append("inconnus\n", style="italic")
        return
    current = view.hours_state(now)
    text.append("Horaires : ", style="bold")
    if current.open_now is True:
        text.append("● ", style="bold")
    elif current.open_now is False:
        text.append("○ ", style="bold")
    if current.open_now is None and current.holiday is None:
        text.append("non reconnus (texte d'origine ci-dessous)\n", style="italic")
    else:
        text.append(one_line(current.label), style="bold")
        text.append("\n")
    for line in view.week(now.date()):
        text.append(f"  {line}\n")


def _how_to_orient(text: Text, service: ServiceView) -> None:
    from store.views import RESERVED

    lines = service.mobilisation.lines()
    if not lines:
        return
    text.append("  Comment orienter :\n", style="italic")
    for line in lines:
        style = "bold" if line == RESERVED else ""
        text.append(f"    {line}\n", style=style)


def _service(text: Text, service: ServiceView, home: StructureView, now: dt.datetime) -> None:
    text.append("• ", style="bold")
    text.append(service.nom, style="bold")
    if service.type:
        text.append(f" ({service.type})", style="italic")
    text.append("\n")
    if service.thematiques:
        text.append("  Thématiques : ", style="italic")
        text.append(", ".join(service.thematiques) + "\n")
    if service.place is not None:
        text.append("  Lieu : ", style="italic")
        text.append(service.place.line + "\n")
    _how_to_orient(text, service)
    for label, value in (
        ("Publics", ", ".join(service.publics)),
        ("Précisions", service.publics_precisions),
        ("Frais", service.frais),
        ("Détail des frais", service.frais_precisions),
        ("Conditions", service.conditions_acces),
        ("Accueil", ", ".join(service.modes_accueil)),
        ("Horaires", service.hours_summary(now.date(), home.place.departement)),
        ("Téléphone", service.telephone),
        ("Courriel", service.courriel),
    ):
        if value:
            text.append(f"  {label} : ", style="italic")
            text.append(value + "\n")
    if service.description:
        text.append("  ")
        text.append(service.description.replace("\n", "\n  ") + "\n", style="dim")


def _notes(text: Text, notes: Sequence[NoteView]) -> None:
    text.append(f"\nNotes ({len(notes)})\n", style="bold underline")
    if not notes:
        text.append("Aucune note. Touche n pour en écrire une.\n", style="italic")
        return
    for note in notes:  # the core returns them newest first
        text.append(format_date(note.created_at), style="bold")
        text.append(f" · {note.author}" if note.author else " · auteur non renseigné", style="bold")
        text.append(" · partagée" if note.shared else " · privée", style="italic")
        if note.edited:
            text.append(" · modifiée", style="italic")
        text.append("\n")
        text.append(note.text.replace("\t", " ") + "\n")


def render_structure(
    structure: Mapping[str, Any],
    *,
    now: dt.datetime,
    distance_km: float | None = None,
    description: bool = True,
) -> Text:
    """The whole detail of a structure as literal text."""
    # Loaded with the first detail, not at start-up (opening_hours, markdown-it).
    from store.views import structure_view

    return render_view(
        structure_view(structure),
        now=now,
        distance_km=distance_km,
        description=description,
    )


def render_view(
    view: StructureView,
    *,
    now: dt.datetime,
    distance_km: float | None = None,
    description: bool = True,
) -> Text:
    """The detail as literal text (without the presentation when `description` is false: the
    pane shows it in a Markdown widget)."""
    text = Text()
    if view.favori:
        text.append("★ Favori  ", style="bold")
    text.append(view.nom, style="bold underline")
    text.append("\n")
    text.append(one_line(view.kind_label), style="italic")
    text.append("\n")
    if view.absent:
        text.append("⚠ Absente de la dernière mise à jour de sa source\n", style="bold")
    if view.a_verifier:
        text.append("⚠ Informations à vérifier\n", style="bold")
    text.append("\n")
    _field(text, "Adresse", view.place.line or "non renseignée")
    if distance_km is not None:
        _field(text, "Distance", format_km(distance_km))
    _field(text, "Téléphone", view.telephone)
    _field(text, "Courriel", view.courriel)
    _field(text, "Site", view.site_web)
    hours_section(text, view, now)
    _field(text, "Accessibilité", view.accessibilite)
    _field(text, "Intervient sur", ", ".join(view.zone_intervention))
    # The worker's own notes come before the source's long texts: they are what matters.
    _notes(text, view.notes)
    if view.services:
        text.append(f"\nServices ({len(view.services)})\n", style="bold underline")
        for service in view.services:
            _service(text, service, view, now)
    _source(text, view, now)
    if description and view.description:
        text.append("\nPrésentation\n", style="bold underline")
        text.append(view.description + "\n")
    return text


def _source(text: Text, view: StructureView, now: dt.datetime) -> None:
    text.append("\nSource : ", style="bold")
    text.append(view.source or "inconnue")
    what, when = view.last_known()
    if when is not None:
        text.append(f" · {what} le {when.strftime('%d/%m/%Y')}")
        if dates.is_stale(when, now.date()):
            text.append("\n" + dates.STALE_WARNING, style="bold")
    text.append("\n")
    if view.lien_source:
        text.append(f"{view.lien_source}\n", style="dim")


# A description longer than this is cut in the Markdown widget (the full text stays in `show`).
MARKDOWN_LIMIT = 20_000


class DetailPane(VerticalScroll, can_focus=True):
    """Scrollable pane that shows one structure (arrows scroll it when it has the focus)."""

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
    }
    DetailPane > #detail-body {
        width: 100%;
    }
    DetailPane > #detail-title {
        margin-top: 1;
    }
    DetailPane > #detail-presentation {
        margin: 0;
        padding: 0;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Tapez quelques lettres pour chercher une structure.", style="italic"),
            id="detail-body",
            markup=False,
        )
        title = Static(Text("Présentation", style="bold underline"), id="detail-title")
        title.display = False
        yield title

    def show_structure(
        self, view: StructureView, *, now: dt.datetime, distance_km: float | None
    ) -> None:
        self.query_one("#detail-body", Static).update(
            render_view(view, now=now, distance_km=distance_km, description=False)
        )
        self._presentation(view.description_markdown)
        self.scroll_home(animate=False)

    def _presentation(self, markdown: str | None) -> None:
        """The structure's presentation, its Markdown read (headings, lists, bold)."""
        self.query_one("#detail-title").display = bool(markdown)
        found = self.query("#detail-presentation")
        if not markdown and not found:
            return
        from textual.widgets import Markdown  # markdown-it is loaded with the first one

        if len(markdown or "") > MARKDOWN_LIMIT:
            markdown = (markdown or "")[:MARKDOWN_LIMIT] + "\n\n… (texte coupé)"
        if found:
            widget = found.first(Markdown)
            widget.display = bool(markdown)
            widget.update(markdown or "")
        else:
            # Links are not followed: a description is data, its links are shown, not opened.
            self.mount(Markdown(markdown, id="detail-presentation", open_links=False))

    def show_message(self, message: str) -> None:
        self.query_one("#detail-body", Static).update(Text(message, style="italic"))
        self._presentation(None)
