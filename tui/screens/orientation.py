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
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.suggester import Suggester
from textual.widgets import Button, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store import kinds as kinds_mod
from store.communes import AmbiguousPlace, UnknownPlace, complete
from store.db import Store
from store.journal import JournalEntry, log_orientation
from store.lines import heading, no_local_structure
from store.needs import Interpretation, interpret
from store.orientation import Orientation, Suggestion, orient, short_label
from store.queries import get_structure
from store.text import clean_display
from store.vocab.thematiques import label as theme_label

from ..stores import thread_store

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


class CommuneSuggester(Suggester):
    """Completes a commune name or postcode from the embedded communes table."""

    def __init__(self, screen: OrientationScreen) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.owner = screen

    async def get_suggestion(self, value: str) -> str | None:
        store = self.owner.ui_store
        if store is None or len(value.strip()) < 2:
            return None
        found = complete(store.conn, value, limit=1)
        if not found:
            return None
        commune = found[0]
        if value.strip().isdigit():
            code = next((c for c in commune.codes_postaux if c.startswith(value.strip())), None)
            return code
        return commune.nom if commune.nom.lower().startswith(value.lower()) else None


class DetailModal(ModalScreen[None]):
    """A structure's details, read-only, over the orientation view."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape,q", "dismiss", "Fermer")]
    DEFAULT_CSS = """
    DetailModal { align: center middle; }
    DetailModal > VerticalScroll {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, body: Text) -> None:
        super().__init__()
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.body, id="detail-body", markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class OrientationScreen(Screen[None]):
    """Need + place -> structures, grouped by kind, with reasons."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "back", "Retour"),
        Binding("space", "choose", "Choisir", show=True),
        Binding("p", "fiche", "Fiche"),
        Binding("ctrl+l", "focus_need", "Besoin", show=False),
    ]
    DEFAULT_CSS = """
    OrientationScreen { layout: vertical; }
    OrientationScreen #title { height: 1; text-style: bold; padding: 0 1; }
    OrientationScreen #inputs { height: 3; }
    OrientationScreen #need { width: 2fr; }
    OrientationScreen #place { width: 1fr; }
    OrientationScreen #add-kind { width: 26; }
    OrientationScreen #chips { height: 1; padding: 0 1; scrollbar-size-horizontal: 0; }
    OrientationScreen #chips Button { min-width: 8; height: 1; border: none; margin: 0 1 0 0; }
    OrientationScreen #note { height: auto; padding: 0 1; color: $text-muted; }
    OrientationScreen #lines { height: auto; padding: 0 1; display: none; }
    OrientationScreen #results { height: 1fr; }
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

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("Orienter — vers qui ?", id="title")
        with Horizontal(id="inputs"):
            yield Input(
                value=self.need,
                placeholder="Besoin, avec les mots de la personne (ex. « plus rien à manger »)",
                id="need",
            )
            yield Input(
                placeholder="Commune ou code postal",
                id="place",
                suggester=CommuneSuggester(self),
            )
            yield Select(
                [(short_label(k.slug), k.slug) for k in kinds_mod.KINDS if k.slug != "autre"],
                prompt="＋ ajouter un type",
                id="add-kind",
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
        buttons = []
        for tag in self._chip_tags():
            button = Button(
                self._chip_label(tag),
                id="chip-" + tag.replace(":", "-", 1),
                variant="default" if tag in self.off else "primary",
                compact=True,
            )
            button.tag = tag  # type: ignore[attr-defined]
            button.tooltip = "Entrée : retirer ou remettre ce besoin"
            buttons.append(button)
        await box.mount_all(buttons)

    @on(Button.Pressed)
    def _toggle_chip(self, event: Button.Pressed) -> None:
        tag = getattr(event.button, "tag", None)
        if not tag:
            return
        if tag in self.off:
            self.off.discard(tag)
        else:
            self.off.add(tag)
        event.button.label = self._chip_label(tag)
        event.button.variant = "default" if tag in self.off else "primary"
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
        if self._chip_tags() != before or not self.query_one("#chips").query(Button):
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
        except UnknownPlace:
            note = f"Lieu inconnu : « {place} » (commune ou code postal). Résultats sans lieu."
            result = orient(store.conn, need, None, kinds=kinds, thematiques=themes)
        self.post_message(OrientationReady(serial, result, note))

    @on(OrientationReady)
    def _show(self, message: OrientationReady) -> None:
        if message.serial != self.serial or message.result is None:
            return
        self.result = message.result
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
        if message.result.lines and not message.result.suggestions:
            note += " " + no_local_structure(message.result.lines)
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
        options: list[Option | None] = []
        several = len(result.groups) > 1
        for group in result.groups:
            title = group.label
            if several and group.need.words:
                title += f" (« {group.need.words} »)"
            options.append(Option(Text(_line(title), style="bold underline"), disabled=True))
            if group.missing:
                options.append(Option(Text(_line(group.missing), style="italic"), disabled=True))
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
        results.clear_options()
        results.add_options(options)
        if highlighted and highlighted in self.suggestions:
            results.highlighted = results.get_option_index(highlighted)
        elif suggestions:
            results.highlighted = results.get_option_index(suggestions[0].id)
        self._update_chosen()

    def _prompt(self, s: Suggestion) -> Text:
        text = Text(no_wrap=False, overflow="ellipsis")
        text.append("[x] " if s.id in self.chosen else "[ ] ")
        text.append(_line(s.nom) or "Structure sans nom", style="bold")
        text.append("\n    ")
        text.append(_line(" · ".join(s.reasons)), style="dim")
        return text

    # -- actions -------------------------------------------------------------------------------
    def _highlighted(self) -> Suggestion | None:
        results = self.query_one("#results", OptionList)
        option = results.highlighted_option
        return self.suggestions.get(option.id) if option and option.id else None

    @on(OptionList.OptionSelected, "#results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_details(event.option.id)

    def open_details(self, structure_id: str) -> None:
        assert self.ui_store is not None
        structure = get_structure(self.ui_store.conn, structure_id)
        if structure is None:
            self.notify("Cette structure n'est plus dans la base.", severity="warning")
            return
        suggestion = self.suggestions.get(structure_id)
        distance = suggestion.distance_km if suggestion else None
        try:
            from ..widgets.detail import render_structure

            body = render_structure(structure, now=dt.datetime.now(), distance_km=distance)
        except ImportError:  # the main app's detail renderer is optional here
            from ..cli.show_cmd import render_text

            body = Text("\n".join(render_text(structure)))
        self.app.push_screen(DetailModal(body))

    def action_choose(self) -> None:
        if isinstance(self.focused, Input):
            return
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
        if isinstance(self.focused, Input):
            return
        assert self.ui_store is not None
        ids = list(self.chosen)
        if not ids:
            highlighted = self._highlighted()
            ids = [highlighted.id] if highlighted else []
        if not ids:
            self.notify("Choisissez d'abord une structure (espace).", severity="warning")
            return
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
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()
