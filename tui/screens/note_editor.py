"""The note editor: multi-line, ctrl+s saves, escape cancels (asking before losing text)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from .confirm import ConfirmScreen


class NoteEditor(ModalScreen[str | None]):
    """Returns the text to save, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer", priority=True, id="save"),
        Binding("escape", "cancel", "Annuler", id="cancel"),
    ]

    def __init__(self, structure_name: str, *, author: str | None, text: str = "") -> None:
        super().__init__()
        self.structure_name = structure_name
        self.author = author
        self.initial = text

    def compose(self) -> ComposeResult:
        title = "Modifier la note" if self.initial else "Nouvelle note"
        with Vertical(id="editor", classes="dialog"):
            yield Static(f"{title} — {self.structure_name}", id="editor-title", markup=False)
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
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
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    def action_save(self) -> None:
        text = self.text.strip()
        if not text:
            self.notify("La note est vide.", severity="warning")
            return
        if text == self.initial.strip():
            self.dismiss(None)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        if self.text.strip() == self.initial.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Abandonner le texte saisi ?", yes="Abandonner", no="Continuer"),
            answered,
        )
