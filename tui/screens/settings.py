"""Settings: the author's initials (asked once), the theme, the fiche format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from store.vocab.fiche_words import language_names

from ..keymap import SETTINGS

THEMES: tuple[tuple[str, str], ...] = (
    ("Sombre", "textual-dark"),
    ("Clair", "textual-light"),
    ("Contraste élevé", "aiguillage-contraste"),
)
FICHE_FORMATS: tuple[tuple[str, str], ...] = (
    ("HTML (à imprimer)", "html"),
    ("Markdown", "md"),
    ("Texte", "txt"),
)


@dataclass(frozen=True)
class Settings:
    author: str
    theme: str
    fiche_format: str
    fiche_lang: str = "fr"  # the language of the fiche's own words (store/vocab/fiche_words.tsv)


class SettingsScreen(ModalScreen[Settings | None]):
    BINDINGS: ClassVar[list[BindingType]] = SETTINGS.bindings()

    def __init__(self, current: Settings) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="settings", classes="dialog"):
            yield Label("Réglages", id="settings-title")
            yield Label("Vos initiales (signent vos notes) :")
            yield Input(self.current.author, id="author", max_length=12, placeholder="ex. AB")
            yield Label("Thème :")
            yield Select(THEMES, value=self.current.theme, allow_blank=False, id="theme")
            yield Label("Format des fiches :")
            yield Select(
                FICHE_FORMATS, value=self.current.fiche_format, allow_blank=False, id="format"
            )
            yield Label("Langue des fiches (les données restent telles que publiées) :")
            yield Select(
                [(name, code) for code, name in language_names()],
                value=self.current.fiche_lang,
                allow_blank=False,
                id="fiche-lang",
            )
            with Horizontal(classes="buttons"):
                yield Button("Enregistrer (ctrl+s)", id="save", variant="primary")
                yield Button("Annuler (échap)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        theme = self.query_one("#theme", Select).value
        fmt = self.query_one("#format", Select).value
        lang = self.query_one("#fiche-lang", Select).value
        self.dismiss(
            Settings(
                author=" ".join(self.query_one("#author", Input).value.split()),
                theme=theme if isinstance(theme, str) else self.current.theme,
                fiche_format=fmt if isinstance(fmt, str) else self.current.fiche_format,
                fiche_lang=lang if isinstance(lang, str) else self.current.fiche_lang,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
