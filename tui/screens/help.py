"""The help screen: every key, in French, written from the key map (`tui.keymap`)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keymap import CONTEXTS


def help_text() -> Text:
    text = Text()
    text.append("Aide — Aiguillage\n", style="bold underline")
    for context in CONTEXTS:
        text.append(f"\n{context.name}\n", style="bold")
        for key in context.keys:
            if key.help:
                text.append(f"{key.display:>9}  ", style="bold")
                text.append(f"{key.help}\n")
    text.append("\nLa souris marche aussi : cliquez une structure, une case, un filtre.\n")
    text.append(
        "\nTout reste sur cet ordinateur. Aiguillage ne demande jamais l'identité d'une "
        "personne : vos notes parlent des structures, pas des gens.\n",
        style="italic",
    )
    text.append("\nÉchap, q, ? ou F1 pour fermer.", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Fermer", id="help-close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(help_text(), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
