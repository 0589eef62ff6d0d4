"""The note editor: multi-line, ctrl+s saves, escape cancels (asking before losing text).

With a `save` operation the editor writes the note itself, in a worker thread, and closes
only once the note is in the store. While another process imports (the store is locked)
the text stays on screen, the editor says so and tries again: a note is never lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea
from textual.worker import get_current_worker

from store.identifying import identifying, warning

from ..keymap import EDITOR
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from .settings import Settings

# save(conn, text, shared): shared notes go to the team folder (store/team.py).
SaveOperation = Callable[[sqlite3.Connection, str, bool], object]


@dataclass
class NoteSaved(Message, bubble=False):
    text: str


@dataclass
class NoteBusy(Message, bubble=False):
    attempt: int


@dataclass
class NoteSaveFailed(Message, bubble=False):
    error: str


class NoteEditor(ModalScreen[str | None]):
    """Returns the saved text, or None when cancelled.

    `save(conn, text)` runs in a worker on its own connection; without it the editor only
    returns the text (the caller writes it).
    """

    BINDINGS: ClassVar[list[BindingType]] = EDITOR.bindings()

    def __init__(
        self,
        structure_name: str,
        *,
        author: str | None,
        text: str = "",
        db_path: str | None = None,
        save: SaveOperation | None = None,
        shared: bool = False,
    ) -> None:
        super().__init__()
        self.structure_name = structure_name
        self.author = author
        self.initial = text
        self.db_path = db_path
        self.save_operation = save
        self.saving = False
        self.shared = shared
        self._result_sent = False

    def compose(self) -> ComposeResult:
        title = "Modifier la note" if self.initial else "Nouvelle note"
        with Vertical(id="editor", classes="dialog"):
            yield Static(f"{title} — {self.structure_name}", id="editor-title", markup=False)
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="editor-status", markup=False)
            yield Static(self._sharing_text(), id="editor-sharing", markup=False)
            author = (
                f"Auteur : {self.author}"
                if self.author
                else "Auteur non renseigné (vos initiales : touche r, Réglages)"
            )
            yield Static(
                f"{author} · ctrl+s enregistrer · échap annuler\n"
                "Ne notez rien qui permette d'identifier une personne.",
                id="editor-help",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor-status", Static).display = False
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _sharing_text(self) -> str:
        if self.shared:
            return "Note partagée avec l'équipe (dossier d'équipe) · ctrl+t : la garder privée"
        return "Note privée, jamais partagée · ctrl+t : la partager avec l'équipe"

    def action_toggle_shared(self) -> None:
        if self.saving:
            return
        self.shared = not self.shared
        self.query_one("#editor-sharing", Static).update(self._sharing_text())

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    def _status(self, message: str) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(message)
        status.display = bool(message)

    def _close(self, result: str | None) -> None:
        if not self._result_sent:
            self._result_sent = True
            self.dismiss(result)

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        text = self.text.strip()
        if not text:
            self.notify("La note est vide.", severity="warning")
            return
        if text == self.initial.strip():
            self._close(None)
            return
        findings = identifying(text)
        if findings:  # a person named or identified: the worker must confirm (issue 13)

            def answered(confirmed: bool | None) -> None:
                if confirmed:
                    self._save(text)
                else:
                    self._status("Reformulez la note : une initiale suffit (« Mme B. »).")

            question = f"{warning(findings)}\n\nEnregistrer quand même ?"
            self.app.push_screen(
                ConfirmScreen(question, yes="Enregistrer", no="Reformuler"), answered
            )
            return
        self._save(text)

    def _save(self, text: str) -> None:
        if self.save_operation is None or self.db_path is None:
            self._close(text)
            return
        self.saving = True
        # The text stays visible (read only while it is being written, so what lands is
        # exactly what is on screen).
        self.query_one("#note-text", TextArea).read_only = True
        self._status("Enregistrement…")
        self._write(text)

    @work(thread=True, exclusive=True, group="note-save")
    def _write(self, text: str) -> None:
        from store.notes import NoteError

        from ..writes import WriteCancelled, write

        worker = get_current_worker()
        assert self.save_operation is not None and self.db_path is not None
        operation = self.save_operation
        shared = self.shared
        try:
            write(
                self.db_path,
                lambda conn: operation(conn, text, shared),
                on_busy=lambda attempt: self.post_message(NoteBusy(attempt)),
                cancelled=worker.cancelled_event,
            )
        except WriteCancelled:
            return
        except NoteError as exc:
            self.post_message(NoteSaveFailed(str(exc)))
            return
        except Exception as exc:  # the store itself: say it, keep the text
            self.post_message(NoteSaveFailed(f"La note n'a pas pu être enregistrée ({exc})."))
            return
        self.post_message(NoteSaved(text))

    def on_note_saved(self, message: NoteSaved) -> None:
        self.saving = False
        if self._result_sent:
            return
        if self.app.screen is not self:  # a confirmation is open on top: close it first
            self.pop_until_active()
        self._close(message.text)

    def on_note_busy(self, message: NoteBusy) -> None:
        from ..writes import BUSY

        if not self.saving:
            return
        self._status(f"{BUSY} Votre texte est gardé (essai {message.attempt + 1}).")
        if message.attempt == 1:
            self.notify(BUSY, severity="warning", markup=False)

    def on_note_save_failed(self, message: NoteSaveFailed) -> None:
        self.saving = False
        self.query_one("#note-text", TextArea).read_only = False
        self._status(f"{message.error} Le texte est gardé : ctrl+s pour réessayer.")
        self.notify(message.error, severity="error", markup=False)

    # -- cancelling -----------------------------------------------------------------------
    def action_cancel(self) -> None:
        if not self.saving and self.text.strip() == self.initial.strip():
            self._close(None)
            return
        question = (
            "La note n'est pas encore enregistrée (base occupée). Abandonner le texte ?"
            if self.saving
            else "Abandonner le texte saisi ?"
        )

        def answered(discard: bool | None) -> None:
            if not discard:
                return
            if self.saving:
                self.workers.cancel_group(self, "note-save")
                self.saving = False
            self._close(None)

        self.app.push_screen(ConfirmScreen(question, yes="Abandonner", no="Continuer"), answered)


@runtime_checkable
class NoteHost(Protocol):
    """What the Aiguillage app offers a new note: the author, the store, the team sync."""

    settings: Settings
    db_path: str

    def sync_team(self) -> None: ...


def open_new_note(
    app: App[Any], structure_id: str, structure_name: str, on_saved: Callable[[], None]
) -> None:
    """The editor for a new note on one structure, from any screen (`n`); an app that is
    not a NoteHost (a screen run alone) gets no author, no store path and no sync."""
    from store.notes import add_note

    host = app if isinstance(app, NoteHost) else None
    author = (host.settings.author if host else "") or None

    def write(conn: sqlite3.Connection, text: str, shared: bool) -> None:
        add_note(conn, structure_id, text, author, shared=shared)

    def saved(text: str | None) -> None:
        if text:
            app.notify("Note enregistrée.")
            on_saved()
            if host is not None:
                host.sync_team()

    db_path = host.db_path if host else ""
    app.push_screen(
        NoteEditor(structure_name, author=author, db_path=db_path or None, save=write), saved
    )
