"""The main screen: type to filter, a bounded list, the detail of the highlighted structure."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, OptionList, Select, Static
from textual.worker import get_current_worker

from store import kinds
from store.vocab.thematiques import CATEGORIES, THEMATIQUES

from ..keymap import MAIN
from ..messages import DemoLoaded, DemoProgress, DetailReady, ResultsReady
from ..stores import thread_store
from ..widgets.detail import DetailPane, one_line
from ..widgets.place import CommuneSuggester
from ..widgets.results import WINDOW, ResultsList
from ..widgets.toggle import StateCheckbox

if TYPE_CHECKING:
    from store.communes import Commune
    from store.views import StructureView

    from ..app import AiguillageApp
    from .orientation import OrientationScreen

# Start-up: what only a search, a detail or another screen needs is imported there, on first
# use (the search core, communes, notes, the fiche, the other screens), so that the first
# screen is ready for typing sooner.

DEFAULT_SOURCES = ("dila-mairies", "anct-france-services")
HINT = (
    "Annuaire par défaut : les mairies et les France services. Le vôtre : "
    "aiguillage import FICHIER (puis aiguillage update)."
)


def kind_options() -> list[tuple[str, str]]:
    return [(k.label.split(" (")[0], k.slug) for k in kinds.KINDS]


def thematique_options() -> list[tuple[str, str]]:
    """Each category, then its sub-themes indented."""
    options: list[tuple[str, str]] = []
    for category, label in CATEGORIES.items():
        options.append((label, category))
        options += [
            (f"  {sub_label}", code)
            for code, sub_label in THEMATIQUES.items()
            if code.startswith(category + "--")
        ]
    return options


@dataclass(frozen=True)
class Shown:
    """The structure the detail shows, as read, and its distance when it was shown."""

    view: StructureView
    distance_km: float | None


@dataclass(frozen=True)
class SearchRequest:
    serial: int
    query: str
    near: str
    kind: str | None
    thematique: str | None
    open_now: bool
    favorites: bool


class MainScreen(Screen[None]):
    """Search, filters, results and detail."""

    AUTO_FOCUS = "#search"

    BINDINGS: ClassVar[list[BindingType]] = MAIN.bindings()

    def __init__(self) -> None:
        super().__init__()
        self._serial = 0
        self._distances: dict[str, float | None] = {}
        # The structure the detail pane shows (or is loading): what `n`, `p`, `f` act on.
        self.current: Shown | None = None
        self.shown_id: str | None = None
        self._orientation: OrientationScreen | None = None  # kept with what was typed
        self.last_fiche: Path | None = None
        self._notice = ""  # shown once before the next results count

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Focusing a field never selects its text: the next key adds to it, never replaces it.
        yield Input(
            placeholder="Chercher : nom, commune, service… (typos et accents tolérés)",
            id="search",
            select_on_focus=False,
        )
        with Horizontal(id="filters"):
            yield Input(
                placeholder="Près de (commune ou CP)",
                id="near",
                compact=True,
                select_on_focus=False,
                suggester=CommuneSuggester(
                    lambda: self.aig.store.conn if self.aig.store_ready else None
                ),
            )
            yield Select(kind_options(), prompt="Type : tous", id="kind", compact=True)
            yield Select(
                thematique_options(), prompt="Thématique : toutes", id="thematique", compact=True
            )
            yield StateCheckbox("Ouvert", id="open-now", compact=True)
            yield StateCheckbox("Favoris", id="favorites", compact=True)
        yield Static("", id="status", markup=False)
        yield Static(HINT, id="hint", markup=False)
        with Horizontal(id="body"):
            yield ResultsList(id="results")
            yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results", ResultsList).border_title = "Résultats"
        self.query_one("#detail", DetailPane).border_title = "Détail"
        self.query_one("#hint", Static).display = False
        if self.aig.store_ready:
            self.store_opened()

    def store_opened(self) -> None:
        """The app opened the store: search what was typed meanwhile."""
        self.update_hint()
        self.refresh_results()

    def show_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    @property
    def aig(self) -> AiguillageApp:
        """The app (tui.app imports this screen: its class is imported for typing only)."""
        return cast("AiguillageApp", self.app)

    def update_hint(self) -> None:
        from store.queries import source_names

        names = source_names(self.aig.store.conn)
        self.query_one("#hint", Static).display = all(n in DEFAULT_SOURCES for n in names)

    # -- searching ------------------------------------------------------------------------
    def _request(self) -> SearchRequest:
        self._serial += 1
        kind = self.query_one("#kind", Select).value
        them = self.query_one("#thematique", Select).value
        return SearchRequest(
            serial=self._serial,
            query=self.query_one("#search", Input).value,
            near=self.query_one("#near", Input).value.strip(),
            kind=kind if isinstance(kind, str) else None,
            thematique=them if isinstance(them, str) else None,
            open_now=self.query_one("#open-now", Checkbox).value,
            favorites=self.query_one("#favorites", Checkbox).value,
        )

    def refresh_results(self) -> None:
        if not self.aig.store_ready:
            return  # typing is kept; the search starts when the store is open
        self.run_search(self._request())

    @on(Input.Changed, "#search, #near")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filters_changed(self) -> None:
        self.refresh_results()

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, request: SearchRequest) -> None:
        """Runs off the UI thread; a newer keystroke cancels the result of an older one."""
        from store import hours
        from store.communes import AmbiguousPlace, UnknownPlace, resolve_place
        from store.search import search

        worker = get_current_worker()
        conn = thread_store(self.aig.db_path).conn
        near: Commune | None = None
        note = ""
        if request.near:
            try:
                near = resolve_place(conn, request.near)
                note = f"près de {near.nom} ({near.dep}), du plus proche au plus loin"
            except AmbiguousPlace as exc:
                choices = ", ".join(f"{c.nom} ({c.dep})" for c in exc.choices[:3])
                note = f"« {one_line(request.near)} » : plusieurs communes ({choices}…) — précisez"
            except UnknownPlace as exc:  # says the closest communes when there are some
                note = one_line(str(exc))
        limit = WINDOW * 4 if request.open_now else WINDOW
        hits = search(
            conn,
            request.query,
            limit=limit,
            near=near,
            kind=request.kind,
            thematique=request.thematique,
            favorites=request.favorites,
        )
        if request.open_now:
            now = self.aig.now()
            hits = [h for h in hits if hours.state(h.horaires_accueil, now, h.departement).open_now]
        if not worker.is_cancelled:
            from store.notes import note_marks

            shown = hits[:WINDOW]
            marks = note_marks(conn, [h.id for h in shown])
            self.post_message(ResultsReady(request.serial, shown, note, marks))

    def on_results_ready(self, message: ResultsReady) -> None:
        if message.serial != self._serial:
            return  # an older search finishing late
        results = self.query_one("#results", ResultsList)
        keep = results.highlighted_id
        self._distances = {h.id: h.distance_km for h in message.hits}
        results.show_hits(message.hits, self.aig.now(), keep=keep, notes=message.notes)
        count = len(message.hits)
        status = (
            "Aucun résultat"
            if not count
            else f"{count} résultat{'s' if count > 1 else ''}"
            + (" (les premiers)" if count >= WINDOW else "")
            + " · ↑↓ choisir · entrée détail"
        )
        if message.place_note:
            status += f" · {message.place_note}"
        if self._notice:
            status = f"{self._notice} · {status}"
            self._notice = ""
        if not self.aig.loading_demo:
            self.query_one("#status", Static).update(status)
        # The detail follows the list: a refresh shows the highlighted row, or nothing.
        highlighted = results.highlighted_id
        if highlighted is None:
            self.current = None
            self.shown_id = None
            self.query_one("#detail", DetailPane).show_message(
                "Aucune structure ne correspond. Essayez moins de mots ou retirez un filtre."
            )
        elif highlighted != self.shown_id or (
            self.current is not None
            and self.current.distance_km != self._distances.get(highlighted)
        ):
            self.load_detail(highlighted)

    # -- detail ---------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.load_detail(event.option.id)

    @on(OptionList.OptionSelected, "#results")
    def _selected(self) -> None:
        self.query_one("#detail", DetailPane).focus()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        if self.query_one("#results", ResultsList).option_count:
            self.query_one("#detail", DetailPane).focus()

    def load_detail(self, structure_id: str) -> None:
        """Show this structure in the detail pane; until it is read, nothing is acted on but
        it (`target` reads it at once if a key asks before the worker is done)."""
        if self.shown_id == structure_id and self.current is None:
            return  # already being read
        if self.shown_id != structure_id:
            self.current = None
            self.shown_id = structure_id
        self._read_detail(structure_id)

    @work(thread=True, exclusive=True, group="detail")
    def _read_detail(self, structure_id: str) -> None:
        from store.queries import get_structure
        from store.views import structure_view

        worker = get_current_worker()
        structure = get_structure(thread_store(self.aig.db_path).conn, structure_id)
        view = structure_view(structure) if structure is not None else None
        if not worker.is_cancelled:
            self.post_message(DetailReady(structure_id, view))

    def on_detail_ready(self, message: DetailReady) -> None:
        if message.structure_id != self.shown_id:
            return  # the list moved on since this read started
        pane = self.query_one("#detail", DetailPane)
        if message.structure is None:
            self.current = None
            pane.show_message("Cette structure n'est plus dans la base.")
            return
        self.current = Shown(message.structure, self._distances.get(message.structure_id))
        pane.show_structure(
            self.current.view, now=self.aig.now(), distance_km=self.current.distance_km
        )

    def reload_detail(self) -> None:
        if self.shown_id:
            self._read_detail(self.shown_id)

    # -- demo loading ---------------------------------------------------------------------
    def on_demo_progress(self, message: DemoProgress) -> None:
        if message.total:
            share = f"{100 * message.done // max(message.total, 1)} %"
        else:
            share = f"{message.done} lues"
        self.query_one("#status", Static).update(
            f"Chargement de l'annuaire par défaut ({message.phase}) : {share}… "
            "vous pouvez déjà chercher."
        )

    def on_demo_loaded(self, message: DemoLoaded) -> None:
        if message.error:
            self._notice = f"L'annuaire par défaut n'a pas pu être chargé : {message.error}"
        elif message.refreshing:
            self._notice = f"Annuaire par défaut : {message.summary} (mise à jour en cours)."
        else:
            self._notice = f"Annuaire par défaut chargé : {message.summary}."
        self.query_one("#status", Static).update(self._notice)
        self.update_hint()
        self.refresh_results()

    # -- actions --------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        """Escape: one level back, nothing erased. A field (search or filter) -> the list,
        where the letter keys act; the detail -> the list; the list -> the search."""
        results = self.query_one("#results", ResultsList)
        search = self.query_one("#search", Input)
        focused = self.focused
        if focused is results:
            search.focus()
            search.cursor_position = len(search.value)
        elif results.option_count:
            results.focus()
        elif focused is not search:
            search.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter keys are off (and out of the footer) while a text field has the focus."""
        return not (action in MAIN.typing_actions and isinstance(self.focused, Input))

    def _move(self, delta: int) -> None:
        results = self.query_one("#results", ResultsList)
        if not results.option_count:
            return
        if delta > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def _need_store(self) -> bool:
        """False (and a French line) while the store is still being opened or created."""
        if not self.aig.store_ready:
            self.notify("La base se prépare, un instant…", severity="warning")
        return bool(self.aig.store_ready)

    def target(self) -> StructureView | None:
        """The structure the detail shows — the highlighted row, unless one was opened from
        the palette or the notes — read now if its worker is not done yet."""
        if self.shown_id is None:
            return None
        if self.current is None or self.current.view.id != self.shown_id:
            from store.queries import get_structure
            from store.views import structure_view

            structure = get_structure(self.aig.store.conn, self.shown_id)
            if structure is None:
                return None
            distance = self._distances.get(self.shown_id)
            self.current = Shown(structure_view(structure), distance)
        return self.current.view

    def _need_current(self) -> StructureView | None:
        structure = self.target()
        if structure is None:
            self.notify("Choisissez d'abord une structure dans la liste.", severity="warning")
        return structure

    def action_new_note(self) -> None:
        structure = self._need_current()
        if structure is None:
            return
        from .note_editor import open_new_note

        open_new_note(self.app, structure.id, structure.nom, self.reload_detail)

    def action_favorite(self) -> None:
        structure = self._need_current()
        if structure is None:
            return
        self.write_favorite(structure.id)

    @work(thread=True, group="favorite")
    def write_favorite(self, structure_id: str) -> None:
        """Toggled in a worker: while another process imports, retried, never lost."""
        from store.db import transaction
        from store.queries import toggle_favorite

        from ..writes import write_from_worker

        def toggle(conn: sqlite3.Connection) -> bool:
            with transaction(conn):
                return toggle_favorite(conn, structure_id)

        written, now_favorite = write_from_worker(
            self.app, self.aig.db_path, toggle, failure="Le favori n'a pas pu être enregistré"
        )
        if written:
            self.app.call_from_thread(self._favorite_written, bool(now_favorite))

    def _favorite_written(self, now_favorite: bool) -> None:
        self.notify("★ Ajoutée aux favoris." if now_favorite else "Retirée des favoris.")
        self.reload_detail()
        if self.query_one("#favorites", Checkbox).value:
            self.refresh_results()

    def action_fiche(self) -> None:
        structure = self._need_current()
        if structure is None:
            return
        from store.fiche import FicheRequest

        from ..fiche_flow import hand_fiche

        # The title names the need from the filters (a kind, a thématique), never the search.
        kind = self.query_one("#kind", Select).value
        them = self.query_one("#thematique", Select).value
        result = hand_fiche(
            self,
            self.aig.store,
            FicheRequest(
                structure_ids=(structure.id,),
                kinds=(kind,) if isinstance(kind, str) else (),
                thematiques=(them,) if isinstance(them, str) else (),
            ),
        )
        if result is not None:
            self.last_fiche = result.path

    def action_orientation(self) -> None:
        if not self._need_store():
            return
        from .orientation import OrientationScreen

        # One orientation view for the session: leaving it (échap) keeps the need and place.
        if self._orientation is None:
            self._orientation = OrientationScreen(str(self.aig.db_path), need="")
            self.app.install_screen(self._orientation, "orientation")
        self.app.push_screen("orientation")

    def action_help(self) -> None:
        self.aig.action_help()

    def action_settings(self) -> None:
        if self._need_store():
            self.aig.open_settings()

    def action_notes(self) -> None:
        if not self._need_store():
            return
        from .notes import NotesScreen

        def chosen(structure_id: str | None) -> None:
            self.reload_detail()
            if structure_id:
                self.load_detail(structure_id)
                self.query_one("#detail", DetailPane).focus()

        self.app.push_screen(NotesScreen(), chosen)

    # -- used by the command palette ---------------------------------------------------------
    def show_structure(self, structure_id: str) -> None:
        self.load_detail(structure_id)
        self.query_one("#detail", DetailPane).focus()

    def set_near(self, text: str) -> None:
        self.query_one("#near", Input).value = text

    def set_kind(self, slug: str) -> None:
        self.query_one("#kind", Select).value = slug
