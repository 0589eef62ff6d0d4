"""Every current note with its structure: open the structure, edit or hide a note."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from store.notes import Note, edit_note, hide_note, list_notes

from ..keymap import NOTES
from ..widgets.detail import clean, format_date, one_line
from .confirm import ConfirmScreen
from .note_editor import NoteEditor

if TYPE_CHECKING:
    from ..app import AiguillageApp


def note_prompt(note: Note) -> Text:
    text = Text()
    text.append(format_date(note.created_at), style="bold")
    text.append(f" · {one_line(note.author) or 'auteur non renseigné'} · ", style="bold")
    text.append(one_line(note.structure_nom) or "structure disparue", style="bold underline")
    text.append(" · partagée" if note.shared else " · privée", style="italic")
    if note.replaces:
        text.append(" · modifiée", style="italic")
    text.append("\n")
    text.append(clean(note.text))
    return text


class NotesScreen(ModalScreen[str | None]):
    """Returns the id of the structure to show, or None."""

    BINDINGS: ClassVar[list[BindingType]] = NOTES.bindings()

    def __init__(self, structure_id: str | None = None) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.notes: list[Note] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-box", classes="dialog"):
            yield Static("Mes notes", id="notes-title", markup=False)
            yield OptionList(id="notes-list")
            yield Static(
                "entrée voir la structure · e modifier · h masquer · "
                "x effacer pour de bon (droit à l'effacement) · échap retour",
                id="notes-help",
                markup=False,
            )
        yield Footer()

    @property
    def aig(self) -> AiguillageApp:
        """The app (tui.app imports this screen: its class is imported for typing only)."""
        return cast("AiguillageApp", self.app)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#notes-list", OptionList).focus()

    def reload(self) -> None:
        self.notes = list_notes(self.aig.store.conn, self.structure_id)
        listing = self.query_one("#notes-list", OptionList)
        highlighted = listing.highlighted
        listing.set_options(
            [Option(note_prompt(n), id=str(n.id)) for n in self.notes]
            or [Option(Text("Aucune note pour l'instant.", style="italic"), disabled=True)]
        )
        if self.notes:
            listing.highlighted = min(highlighted or 0, len(self.notes) - 1)
        count = len(self.notes)
        self.query_one("#notes-title", Static).update(
            f"Mes notes ({count})" if count else "Mes notes"
        )

    def _selected(self) -> Note | None:
        index = self.query_one("#notes-list", OptionList).highlighted
        if index is None or not self.notes or index >= len(self.notes):
            return None
        return self.notes[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        note = self._selected()
        if note is not None:
            self.dismiss(note.structure_id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        note = self._selected()
        if note is None:
            return

        author = self.aig.settings.author or note.author

        def write(conn: sqlite3.Connection, text: str, shared: bool) -> None:
            edit_note(conn, note.id, text, author, shared=shared)

        def saved(text: str | None) -> None:
            if text:
                self.notify("Note modifiée (l'ancienne version est conservée).")
                self.reload()
                self.aig.sync_team()

        editor = NoteEditor(
            one_line(note.structure_nom),
            author=note.author,
            text=note.text,
            db_path=self.aig.db_path,
            save=write,
            shared=note.shared,
        )
        self.app.push_screen(editor, saved)

    def action_hide(self) -> None:
        note = self._selected()
        if note is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write_hidden(note.id)

        self.app.push_screen(ConfirmScreen("Masquer cette note ?"), answered)

    @work(thread=True, group="hide-note")
    def write_hidden(self, note_id: int) -> None:
        """In a worker: retried while another process imports."""
        from ..writes import write_from_worker

        written, _ = write_from_worker(
            self.app,
            self.aig.db_path,
            lambda conn: hide_note(conn, note_id),
            failure="La note n'a pas pu être masquée",
        )
        if written:
            self.app.call_from_thread(self._hidden)

    def _hidden(self) -> None:
        self.notify("Note masquée.")
        self.reload()

    def action_erase(self) -> None:
        """Erase the note and all its versions for real, after a confirmation."""
        note = self._selected()
        if note is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write_erased(note.id)

        question = (
            "Effacer pour de bon cette note et toutes ses versions, de la base et de ses "
            "sauvegardes ? Elle ne pourra pas être retrouvée. (Pour une simple correction, "
            "modifiez-la ou masquez-la.)"
        )
        self.app.push_screen(ConfirmScreen(question, yes="Effacer"), answered)

    @work(thread=True, group="erase-note")
    def write_erased(self, note_id: int) -> None:
        from store.erase import erase_note

        from ..writes import write_from_worker

        path = Path(self.aig.db_path)
        author = self.aig.settings.author
        written, result = write_from_worker(
            self.app,
            self.aig.db_path,
            lambda conn: erase_note(conn, path, note_id, author),
            failure="La note n'a pas pu être effacée",
        )
        if written and result is not None:
            self.app.call_from_thread(self._erased, len(result[0]))

    def _erased(self, versions: int) -> None:
        self.notify(
            f"Note effacée pour de bon ({versions} version(s)) : base, journal et sauvegardes."
        )
        self.reload()
