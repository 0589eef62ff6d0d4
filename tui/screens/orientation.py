"""The orientation view: the need in the person's words, a place, and whom to send them to.

The need is interpreted on every keystroke (chips show what was understood; the worker can
switch one off or add a kind); ranking runs in a thread worker with its own store connection
and reports back with a message, so typing never waits. Results are grouped by kind with their
reasons. `enter` shows a structure, `espace` picks it for the fiche, `p` writes the fiche for
the person (and logs the orientation in the journal — never the person's identity).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, HorizontalScroll, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store import kinds as kinds_mod
from store.communes import AmbiguousPlace, UnknownPlace
from store.db import Store
from store.journal import JournalEntry, log_orientation
from store.lines import heading, no_local_structure
from store.needs import Interpretation, interpret
from store.notes import NoteMark, note_marks
from store.orientation import Orientation, Suggestion, orient, short_label
from store.queries import get_structure
from store.text import clean_display
from store.vocab.thematiques import label as theme_label

from ..keymap import DETAIL, ORIENTATION
from ..stores import thread_store
from ..widgets.chip import NeedChip
from ..widgets.detail import format_km
from ..widgets.place import CommuneSuggester
from ..widgets.results import note_excerpt

MAX_CHOSEN = 3
MAX_CHIPS = 6


def _line(value: object) -> str:
    return " ".join(clean_display(str(value or "")).split())


@dataclass
class OrientationReady(Message):
    """A ranking finished in the worker (or failed on the place, with a French note)."""

    serial: int
    result: Orientation | None
    note: str = ""
    notes: dict[str, NoteMark] = field(default_factory=dict)  # structure id -> its notes


class DetailModal(ModalScreen[None]):
    """A structure's details, read-only, over the orientation view."""

    BINDINGS: ClassVar[list[BindingType]] = DETAIL.bindings()
    DEFAULT_CSS = """
    DetailModal { align: center middle; }
    DetailModal > VerticalScroll {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, body: Text, structure_id: str, name: str) -> None:
        super().__init__()
        self.body = body
        self.structure_id = structure_id
        self.structure_name = name

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.body, id="detail-body", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new_note(self) -> None:
        """`n`, as the pane says: a note on the structure shown."""
        from .note_editor import open_new_note

        open_new_note(self.app, self.structure_id, self.structure_name, self._reload)

    def _reload(self) -> None:
        orientation = next(
            (s for s in self.app.screen_stack if isinstance(s, OrientationScreen)), None
        )
        if orientation is not None:
            self.body = orientation.detail_body(self.structure_id) or self.body
            self.query_one("#detail-body", Static).update(self.body)

    def action_fiche(self) -> None:
        """`p`: the fiche with the structure shown."""
        orientation = next(
            (s for s in self.app.screen_stack if isinstance(s, OrientationScreen)), None
        )
        if orientation is not None:
            orientation.write_fiche_for([self.structure_id])


class OrientationScreen(Screen[None]):
    """Need + place -> structures, grouped by kind, with reasons."""

    BINDINGS: ClassVar[list[BindingType]] = ORIENTATION.bindings()
    DEFAULT_CSS = """
    OrientationScreen { layout: vertical; }
    OrientationScreen #title { height: 1; text-style: bold; padding: 0 1; }
    OrientationScreen #inputs { height: 1; margin: 0 1; }
    OrientationScreen #inputs > Input { margin-right: 1; }
    OrientationScreen #need { width: 2fr; }
    OrientationScreen #place { width: 1fr; }
    OrientationScreen #add-kind { width: 24; }
    OrientationScreen #chips { height: 1; padding: 0 1; scrollbar-size-horizontal: 0; }
    OrientationScreen #note { height: auto; padding: 0 1; color: $text-muted; }
    OrientationScreen #lines { height: auto; padding: 0 1; display: none; }
    OrientationScreen #results { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    OrientationScreen #chosen { height: 1; padding: 0 1; }
    """

    def __init__(self, db_path: str, need: str = "") -> None:
        super().__init__()
        self.db_path = str(db_path)
        self.need = need
        self.ui_store: Store | None = None
        self.interpretation: Interpretation = interpret("")
        self.off: set[str] = set()  # chips the worker switched off ("k:slug" / "t:code")
        self.added: list[str] = []  # kinds the worker added ("k:slug")
        self.result: Orientation | None = None
        self.suggestions: dict[str, Suggestion] = {}
        self.chosen: list[str] = []
        self.serial = 0
        self.last_fiche: Path | None = None
        self.show_reasons = False  # `d`: one line per structure, or its reasons below
        self.notes: dict[str, NoteMark] = {}

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("Orienter — vers qui ?", id="title")
        with Horizontal(id="inputs"):
            yield Input(
                value=self.need,
                placeholder="Besoin, avec les mots de la personne (ex. « plus rien à manger »)",
                id="need",
                compact=True,
                select_on_focus=False,
            )
            yield Input(
                placeholder="Commune ou code postal",
                id="place",
                suggester=CommuneSuggester(
                    lambda: self.ui_store.conn if self.ui_store is not None else None
                ),
                compact=True,
                select_on_focus=False,
            )
            yield Select(
                [(short_label(k.slug), k.slug) for k in kinds_mod.KINDS if k.slug != "autre"],
                prompt="＋ ajouter un type",
                id="add-kind",
                compact=True,
            )
        yield HorizontalScroll(id="chips")
        yield Static("", id="lines", markup=False)
        yield Static("", id="note", markup=False)
        yield OptionList(id="results")
        yield Static("", id="chosen", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.ui_store = Store(self.db_path)
        self.query_one("#need", Input).focus()
        self._refresh()

    def on_unmount(self) -> None:
        if self.ui_store is not None:
            self.ui_store.close()
            self.ui_store = None

    # -- what was understood -----------------------------------------------------------------
    def _chip_tags(self) -> list[str]:
        tags = [f"k:{k}" for k, _ in self.interpretation.kinds[: MAX_CHIPS // 2 + 1]]
        tags += [t for t in self.added if t not in tags]
        tags += [f"t:{c}" for c, _ in self.interpretation.thematiques[: MAX_CHIPS // 2]]
        return tags

    def _chip_label(self, tag: str) -> str:
        prefix, _, value = tag.partition(":")
        name = short_label(value) if prefix == "k" else theme_label(value)
        return f"✗ {name}" if tag in self.off else f"✓ {name}"

    def _render_chips(self) -> None:
        self.run_worker(self._rebuild_chips(), group="chips", exclusive=True)

    async def _rebuild_chips(self) -> None:
        # Removal is asynchronous: wait for it before mounting chips with the same ids.
        box = self.query_one("#chips", HorizontalScroll)
        await box.remove_children()
        chips = [
            NeedChip(
                tag,
                self._chip_label(tag),
                off=tag in self.off,
                id="chip-" + tag.replace(":", "-", 1),
            )
            for tag in self._chip_tags()
        ]
        await box.mount_all(chips)

    @on(NeedChip.Toggled)
    def _chip_clicked(self, event: NeedChip.Toggled) -> None:
        self._toggle(event.chip)

    def action_toggle_chip(self) -> None:
        if isinstance(self.focused, NeedChip):
            self._toggle(self.focused)

    def _toggle(self, chip: NeedChip) -> None:
        if chip.tag in self.off:
            self.off.discard(chip.tag)
        else:
            self.off.add(chip.tag)
        chip.set_state(self._chip_label(chip.tag), off=chip.tag in self.off)
        self._rank_now()

    @on(Select.Changed, "#add-kind")
    def _add_kind(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value is None:
            return
        tag = f"k:{event.value}"
        self.off.discard(tag)
        if tag not in self.added and tag not in self._chip_tags():
            self.added.append(tag)
        self._render_chips()
        self._rank_now()

    @on(Input.Changed, "#need")
    def _need_changed(self, event: Input.Changed) -> None:
        self.need = event.value
        self._refresh()

    @on(Input.Changed, "#place")
    def _place_changed(self, event: Input.Changed) -> None:
        self._rank_now()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.focus()

    def _refresh(self) -> None:
        before = self._chip_tags()
        self.interpretation = interpret(self.need)
        if self._chip_tags() != before or not self.query_one("#chips").query(NeedChip):
            self._render_chips()
        self._rank_now()

    # -- ranking in a worker -----------------------------------------------------------------
    def wanted(self) -> tuple[list[str] | None, list[str] | None]:
        """Kinds and thématiques to rank with (None: as interpreted, nothing changed)."""
        if not self.off and not self.added:
            return None, None
        tags = [t for t in self._chip_tags() if t not in self.off]
        kinds = [t[2:] for t in tags if t.startswith("k:")]
        themes = [t[2:] for t in tags if t.startswith("t:")]
        return kinds, themes

    def _rank_now(self) -> None:
        self.serial += 1
        kinds, themes = self.wanted()
        place = self.query_one("#place", Input).value if self.is_mounted else ""
        self._rank(self.serial, self.need, place, kinds, themes)

    @work(thread=True, exclusive=True, group="orientation")
    def _rank(
        self,
        serial: int,
        need: str,
        place: str,
        kinds: list[str] | None,
        themes: list[str] | None,
    ) -> None:
        store = thread_store(self.db_path)
        note = ""
        try:
            result = orient(store.conn, need, place or None, kinds=kinds, thematiques=themes)
        except AmbiguousPlace as exc:
            choices = ", ".join(f"{c.nom} ({c.dep})" for c in exc.choices[:6])
            first = exc.choices[0]
            note = (
                f"Plusieurs communes « {place} » : {choices}. "
                f"Précisez, ex. « {first.nom} ({first.dep}) »."
            )
            result = orient(store.conn, need, None, kinds=kinds, thematiques=themes)
        except UnknownPlace as exc:
            proposals = ", ".join(f"{c.nom} ({c.dep})" for c in exc.closest[:4])
            note = f"Lieu inconnu : « {place} » (commune ou code postal)." + (
                f" Vouliez-vous dire {proposals} ?" if proposals else ""
            )
            note += " Résultats sans lieu."
            result = orient(store.conn, need, None, kinds=kinds, thematiques=themes)
        marks = note_marks(store.conn, [s.id for s in result.suggestions])
        self.post_message(OrientationReady(serial, result, note, marks))

    @on(OrientationReady)
    def _show(self, message: OrientationReady) -> None:
        if message.serial != self.serial or message.result is None:
            return
        self.result = message.result
        self.notes = message.notes
        note = message.note
        if not note:
            if not self.need.strip():
                note = "Tapez le besoin de la personne ; puis un lieu."
            elif message.result.interpretation.empty:
                note = "Besoin non reconnu : essayez d'autres mots, ou ajoutez un type."
            elif message.result.location is not None:
                loc = message.result.location
                note = f"Près de {loc.nom} ({loc.dep})."
            else:
                note = "Sans lieu : indiquez une commune ou un code postal pour les distances."
        result = message.result
        if result.lines and not result.suggestions and not any(g.missing for g in result.groups):
            note += " " + no_local_structure(result.lines)  # else each group says what is missing
        self.query_one("#note", Static).update(note)
        self._show_lines(message.result)
        self._fill(message.result)

    def _show_lines(self, result: Orientation) -> None:
        """The national lines, above every structure, one compact line each."""
        block = self.query_one("#lines", Static)
        block.display = bool(result.lines)
        if not result.lines:
            block.update("")
            return
        text = Text(no_wrap=False, overflow="ellipsis")
        text.append(
            heading(result.lines, result.urgent), style="bold red" if result.urgent else "bold"
        )
        for answer in result.lines:
            text.append("\n☎ ")
            text.append(_line(answer.numero), style="bold")
            text.append("  " + _line(answer.summary(short=True)))
        block.update(text)

    def _fill(self, result: Orientation) -> None:
        results = self.query_one("#results", OptionList)
        highlighted = results.highlighted_option.id if results.highlighted_option else None
        suggestions = result.suggestions
        self.suggestions = {s.id: s for s in suggestions}
        # What is acted on is what is shown: a structure gone from the list is no longer chosen.
        self.chosen = [i for i in self.chosen if i in self.suggestions]
        options: list[Option | None] = []
        several = len(result.groups) > 1
        for group in result.groups:
            title = group.label
            if several and group.need.words:
                title += f" (« {group.need.words} »)"
            options.append(Option(Text(_line(title), style="bold underline"), disabled=True))
            if group.missing:
                options.append(Option(Text(_line(group.missing), style="italic"), disabled=True))
            else:
                options.extend(Option(self._prompt(s), id=s.id) for s in group.suggestions)
            if group.fallbacks:
                options.append(
                    Option(Text("À défaut, près de la personne :", style="dim"), disabled=True)
                )
                options.extend(Option(self._prompt(s), id=s.id) for s in group.fallbacks)
            if group.see_above:
                names = ", ".join(s.nom for s in group.see_above)
                options.append(
                    Option(
                        Text(
                            _line(f"Aussi pour ce besoin (voir plus haut) : {names}"), style="dim"
                        ),
                        disabled=True,
                    )
                )
            if group.missing and group.suggestions:
                options.append(Option(Text("Autres pistes :", style="dim"), disabled=True))
                options.extend(Option(self._prompt(s), id=s.id) for s in group.suggestions)
        results.clear_options()
        results.add_options(options)
        if highlighted and highlighted in self.suggestions:
            results.highlighted = results.get_option_index(highlighted)
        elif suggestions:
            results.highlighted = results.get_option_index(suggestions[0].id)
        self._update_chosen()

    def _prompt(self, s: Suggestion) -> Text:
        """One line: choice box, name, distance, opening, note; the reasons on a second
        line only with `d` (at 80×24 one line each keeps eight structures or more in view)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("[x] " if s.id in self.chosen else "[ ] ")
        text.append(_line(s.nom) or "Structure sans nom", style="bold")
        facts = []
        if s.distance_km is not None:
            facts.append(format_km(s.distance_km))
        if s.open_now is True:
            facts.append("● ouvert")
        elif s.open_now is False:
            facts.append("○ fermé")
        if facts:
            text.append(" · " + " · ".join(facts), style="dim")
        mark = self.notes.get(s.id)
        if mark is not None:
            text.append(" · ")
            text.append(note_excerpt(mark), style="italic")
        if self.show_reasons and s.reasons:
            text.append("\n    ")
            text.append(_line(" · ".join(s.reasons)), style="dim")
        return text

    def action_toggle_reasons(self) -> None:
        self.show_reasons = not self.show_reasons
        if self.result is not None:
            self._fill(self.result)

    # -- actions -------------------------------------------------------------------------------
    def _highlighted(self) -> Suggestion | None:
        results = self.query_one("#results", OptionList)
        option = results.highlighted_option
        return self.suggestions.get(option.id) if option and option.id else None

    @on(OptionList.OptionSelected, "#results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_details(event.option.id)

    def detail_body(self, structure_id: str) -> Text | None:
        assert self.ui_store is not None
        structure = get_structure(self.ui_store.conn, structure_id)
        if structure is None:
            return None
        from ..widgets.detail import render_structure

        suggestion = self.suggestions.get(structure_id)
        distance = suggestion.distance_km if suggestion else None
        from ..fiche_flow import FicheHost  # the app's clock (tests set it)

        now = self.app.now() if isinstance(self.app, FicheHost) else dt.datetime.now()
        return render_structure(structure, now=now, distance_km=distance)

    def open_details(self, structure_id: str) -> None:
        body = self.detail_body(structure_id)
        if body is None:
            self.notify("Cette structure n'est plus dans la base.", severity="warning")
            return
        suggestion = self.suggestions.get(structure_id)
        name = _line(suggestion.nom) if suggestion else ""
        self.app.push_screen(DetailModal(body, structure_id, name))

    def action_new_note(self) -> None:
        """`n`: a note on the structure under the cursor (its mark shows in the list)."""
        s = self._highlighted()
        if s is None:
            self.notify("Choisissez d'abord une structure dans la liste.", severity="warning")
            return
        from .note_editor import open_new_note

        open_new_note(self.app, s.id, _line(s.nom), self._rank_now)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letter keys are off (and out of the footer) while a text field has the focus;
        removing a need only on a need."""
        if action in ORIENTATION.typing_actions and isinstance(self.focused, Input):
            return False
        if action == "toggle_chip":
            return isinstance(self.focused, NeedChip)
        return True

    def action_choose(self) -> None:
        s = self._highlighted()
        if s is None:
            return
        if s.id in self.chosen:
            self.chosen.remove(s.id)
        elif len(self.chosen) >= MAX_CHOSEN:
            self.notify("Trois structures au plus sur une fiche.", severity="warning")
            return
        else:
            self.chosen.append(s.id)
        results = self.query_one("#results", OptionList)
        index = results.get_option_index(s.id)
        results.replace_option_prompt_at_index(index, self._prompt(s))
        self._update_chosen()

    def _update_chosen(self) -> None:
        names = [_line(self.suggestions[i].nom) for i in self.chosen if i in self.suggestions]
        text = (
            f"Pour la fiche ({len(self.chosen)}/{MAX_CHOSEN}) : " + " ; ".join(names)
            if self.chosen
            else "Espace : choisir une structure pour la fiche · p : écrire la fiche"
        )
        self.query_one("#chosen", Static).update(text)

    def action_fiche(self) -> None:
        ids = list(self.chosen)
        if not ids:
            highlighted = self._highlighted()
            ids = [highlighted.id] if highlighted else []
        if not ids:
            self.notify("Choisissez d'abord une structure (espace).", severity="warning")
            return
        self.write_fiche_for(ids)

    def write_fiche_for(self, ids: list[str]) -> None:
        assert self.ui_store is not None
        from store.fiche import FicheRequest, lines_of

        from ..fiche_flow import hand_fiche

        kinds, themes = self._understood()
        result = hand_fiche(
            self,
            self.ui_store,
            FicheRequest(
                structure_ids=tuple(ids),
                kinds=tuple(kinds),
                thematiques=tuple(themes),
                lines=lines_of(self.result.lines) if self.result else (),
                distances={
                    sid: self.suggestions[sid].distance_km for sid in ids if sid in self.suggestions
                },
            ),
        )
        if result is None:
            return
        self.last_fiche = result.path
        self._log(result.fiche.issued.date(), kinds, themes)

    def _understood(self) -> tuple[list[str], list[str]]:
        """The need as codes (kinds, thématiques): what the fiche and the journal keep."""
        if self.result is not None:  # what the ranking used, the worker's changes included
            return list(self.result.wanted_kinds), list(self.result.wanted_thematiques)
        kinds, themes = self.wanted()
        if kinds is None:
            kinds = [k for k, _ in self.interpretation.kinds[:3]]
            themes = [t for t, _ in self.interpretation.thematiques[:3]]
        return kinds, themes or []

    def _log(self, fiche_day: dt.date, kinds: list[str], themes: list[str]) -> None:
        location = self.result.location if self.result else None
        entry = JournalEntry(
            day=fiche_day,
            kinds=tuple(kinds),
            thematiques=tuple(themes),
            commune=location.nom if location else None,
            code_insee=location.insee if location else None,
        )
        self._write_log(entry)

    @work(thread=True, group="journal")
    def _write_log(self, entry: JournalEntry) -> None:
        """The journal line is written off the UI thread, retried while another process
        imports (the fiche is already written: nothing waits for this)."""
        from ..writes import WriteCancelled, write

        with contextlib.suppress(WriteCancelled):
            write(
                self.db_path,
                lambda conn: log_orientation(conn, entry),
                cancelled=get_current_worker().cancelled_event,
            )

    def action_focus_need(self) -> None:
        self.query_one("#need", Input).focus()

    def action_back(self) -> None:
        """Escape: from the list, the chips or the type -> the need; from the need or the
        place -> the previous screen. Nothing typed is lost: the view is kept."""
        if not isinstance(self.focused, Input):
            self.action_focus_need()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()
