"""Placeholder for the orientation view (issue 5 replaces it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class OrientationScreen(Screen[None]):
    BINDINGS = [("escape", "app.pop_screen", "Retour")]

    def __init__(self, db_path: str, need: str = "") -> None:
        super().__init__()
        self.db_path = db_path
        self.need = need

    def compose(self) -> ComposeResult:
        yield Static("Orientation : bientôt disponible.")
        yield Footer()
