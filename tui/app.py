"""The Aiguillage TUI: find a structure, read it, note it, hand a fiche to the person."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

from store.db import Store

from .commands import CommunesProvider, KindsProvider, StructuresProvider
from .messages import DemoLoaded, DemoProgress
from .screens.main import MainScreen
from .screens.settings import Settings, SettingsScreen
from .stores import thread_store

CONTRAST = Theme(
    name="aiguillage-contraste",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5555",
    dark=True,
    variables={
        "border": "#ffffff",
        "border-blurred": "#aaaaaa",
        "footer-key-foreground": "#ffff00",
        "input-selection-background": "#ffff00 50%",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
    },
)

DEFAULT_THEME = "textual-dark"


class AiguillageApp(App[None]):
    """`db_path` is always passed in; `now` is injectable so that tests can freeze time."""

    TITLE = "Aiguillage"
    SUB_TITLE = "trouver vers qui orienter"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {StructuresProvider, CommunesProvider, KindsProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quitter", priority=True, id="quit"),
    ]

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        load_demo: bool = True,
        *,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = str(db_path)
        self.load_demo = load_demo
        self._now = now or dt.datetime.now
        self.loading_demo = False
        self.store: Store

    def now(self) -> dt.datetime:
        return self._now()

    @property
    def fiches_dir(self) -> Path:
        """`fiches/` next to the store (0700, created on first use)."""
        if self.db_path == ":memory:":
            return Path(tempfile.gettempdir()) / "aiguillage-fiches"
        return Path(self.db_path).resolve().parent / "fiches"

    @property
    def main_screen(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.store = Store(self.db_path)
        self.register_theme(CONTRAST)
        theme = self.store.get_setting("theme", DEFAULT_THEME) or DEFAULT_THEME
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        if self.load_demo and self.store.is_empty():
            self.loading_demo = True
            self.load_default_directory()

    def on_unmount(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            store.close()

    # -- embedded default data -------------------------------------------------------------
    @work(thread=True, exclusive=True, group="demo")
    def load_default_directory(self) -> None:
        """The ~35 000 town halls, imported in a thread while the worker can already type."""
        from importers.base import ImportFailure
        from importers.mairies import default_path
        from importers.runner import import_file

        screen = self.main_screen
        last = 0.0

        def progress(phase: str, done: int, total: int | None) -> None:
            nonlocal last
            moment = time.monotonic()
            if moment - last >= 0.2:
                last = moment
                screen.post_message(DemoProgress(phase, done, total))

        screen.post_message(DemoProgress("lecture", 0, None))
        try:
            report = import_file(
                thread_store(self.db_path), default_path(), backup=False, progress=progress
            )
        except ImportFailure as exc:
            self.call_from_thread(self._demo_done)
            screen.post_message(DemoLoaded(0, error=str(exc)))
            return
        self.call_from_thread(self._demo_done)
        screen.post_message(DemoLoaded(report.added))

    def _demo_done(self) -> None:
        self.loading_demo = False

    # -- settings -------------------------------------------------------------------------
    def current_settings(self) -> Settings:
        return Settings(
            author=self.store.get_setting("author", "") or "",
            theme=self.theme,
            fiche_format=self.store.get_setting("fiche_format", "html") or "html",
        )

    def open_settings(self) -> None:
        def saved(settings: Settings | None) -> None:
            if settings is None:
                return
            self.store.set_setting("author", settings.author)
            self.store.set_setting("theme", settings.theme)
            self.store.set_setting("fiche_format", settings.fiche_format)
            self.theme = settings.theme
            self.notify("Réglages enregistrés.")

        self.push_screen(SettingsScreen(self.current_settings()), saved)
