"""The Aiguillage TUI: find a structure, read it, note it, hand a fiche to the person."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.theme import Theme

from store.db import Store, StoreError, is_busy
from store.paths import fiches_dir_for

from .fiche_flow import FicheChoice
from .keymap import EVERYWHERE
from .messages import DemoLoaded, DemoProgress, StoreFailed, StorePreparing, StoreReady
from .screens.main import MainScreen
from .screens.settings import Settings
from .stores import thread_store

if TYPE_CHECKING:
    from textual.command import Provider

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
FIRST_RUN = "Première ouverture : création de la base (communes de France)… un instant."


# The palette providers are imported when the palette first opens, not at start-up.
def _structures_provider() -> type[Provider]:
    from .commands import StructuresProvider

    return StructuresProvider


def _communes_provider() -> type[Provider]:
    from .commands import CommunesProvider

    return CommunesProvider


def _kinds_provider() -> type[Provider]:
    from .commands import KindsProvider

    return KindsProvider


class AiguillageApp(App[None]):
    """`db_path` is always passed in; `now` is injectable so that tests can freeze time."""

    TITLE = "Aiguillage"
    SUB_TITLE = "trouver vers qui orienter"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_structures_provider, _communes_provider, _kinds_provider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = EVERYWHERE.bindings()

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
        self.store_ready = False
        self.exit_error: str | None = None
        self.settings = Settings(author="", theme=DEFAULT_THEME, fiche_format="html")
        self._store: Store | None = None

    def now(self) -> dt.datetime:
        return self._now()

    @property
    def store(self) -> Store:
        """A connection on the UI thread, for quick reads once the store is ready.

        Writes never go through it (see `tui.writes`): they could wait for another
        process's lock.
        """
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    @property
    def fiches_dir(self) -> Path:
        """`fiches/` next to the store (0700, created on first use)."""
        return fiches_dir_for(self.db_path)

    def fiche_choice(self) -> FicheChoice:
        """The format and language of fiches, from the settings."""
        return FicheChoice(fmt=self.settings.fiche_format, lang=self.settings.fiche_lang)

    @property
    def main_screen(self) -> MainScreen:
        return self.get_screen("main", MainScreen)

    def on_mount(self) -> None:
        self.register_theme(CONTRAST)
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        # The screen is up at once; the store is opened (created, on a first run) off the UI
        # thread, and the search starts as soon as it is ready.
        self.open_store()

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    # -- keys that act everywhere (tui.keymap.EVERYWHERE) ----------------------------------
    def action_orientation(self) -> None:
        """The orientation view from anywhere: brought forward, or its need field focused."""
        from .screens.orientation import OrientationScreen

        if isinstance(self.screen, OrientationScreen):
            self.screen.action_focus_need()
            return
        if any(isinstance(s, OrientationScreen) for s in self.screen_stack):
            self.notify("Fermez d'abord cette fenêtre (échap).", severity="warning")
            return
        self.main_screen.action_orientation()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    # -- opening the store -----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="store")
    def open_store(self) -> None:
        path = Path(self.db_path)
        if self.db_path != ":memory:" and (not path.exists() or path.stat().st_size == 0):
            self.post_message(StorePreparing(FIRST_RUN))
        attempt = 0
        while True:
            try:
                store = thread_store(self.db_path)
                settings = Settings(
                    author=store.get_setting("author", "") or "",
                    theme=store.get_setting("theme", DEFAULT_THEME) or DEFAULT_THEME,
                    fiche_format=store.get_setting("fiche_format", "html") or "html",
                    fiche_lang=store.get_setting("fiche_lang", "fr") or "fr",
                )
                wants_defaults = False
                if self.load_demo:
                    from importers.defaults import missing_defaults

                    # empty, or an older store with the mairies but not the France services
                    wants_defaults = bool(missing_defaults(store))
                break
            except StoreError as exc:
                self.post_message(StoreFailed(str(exc)))
                return
            except Exception as exc:
                if not is_busy(exc):
                    self.post_message(StoreFailed(f"{self.db_path} : {exc}"))
                    return
            from .writes import BUSY

            attempt += 1
            self.post_message(StorePreparing(f"{BUSY} (essai {attempt + 1})"))
            time.sleep(0.5)
        self.post_message(StoreReady(settings, wants_defaults))

    def on_store_preparing(self, message: StorePreparing) -> None:
        self.main_screen.show_status(message.text)

    def on_store_ready(self, message: StoreReady) -> None:
        self.settings = message.settings
        theme = message.settings.theme
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        self.store_ready = True
        if message.wants_defaults:
            self.loading_demo = True
            self.load_default_directory()
        self.main_screen.store_opened()
        self.sync_team()

    # -- team notes ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="team-sync")
    def sync_team(self) -> None:
        """Merge the team folder's notes (store/team.py), off the UI thread; silent when no
        team folder is set, one line when something arrived or a file could not be read."""
        from store.team import TeamError, team_folder
        from store.team_sync import synchronise_store

        try:
            with Store(self.db_path) as store:
                if team_folder(store.conn) is None:
                    return
                report = synchronise_store(store)
        except (TeamError, sqlite3.Error, OSError) as exc:
            self.call_from_thread(self.notify, f"Équipe : {exc}", severity="warning", markup=False)
            return
        if report.applied or report.warnings:
            message = report.summary()
            if report.warnings:
                message += f" {len(report.warnings)} ligne(s) ignorée(s)."
            self.call_from_thread(self.notify, message, markup=False)

    def on_store_failed(self, message: StoreFailed) -> None:
        # Printed by `tui.launch` once the terminal is restored: one plain French line.
        self.exit_error = message.error
        self.exit(return_code=1)

    # -- embedded default data -------------------------------------------------------------
    @work(thread=True, exclusive=True, group="demo")
    def load_default_directory(self) -> None:
        """The mairies and France services: on a first run from the prebuilt snapshot (a second
        or so), then imported from their files only when the code changed since the snapshot;
        into an older store that has the mairies, the France services alone."""
        from importers.base import ImportFailure
        from importers.defaults import import_defaults, load_snapshot_if_current, missing_defaults

        screen = self.main_screen
        last = 0.0

        def progress(phase: str, done: int, total: int | None) -> None:
            nonlocal last
            moment = time.monotonic()
            if moment - last >= 0.2:
                last = moment
                screen.post_message(DemoProgress(phase, done, total))

        store = thread_store(self.db_path)
        try:
            fast = load_snapshot_if_current(store)
            if fast is not None:
                screen.post_message(DemoLoaded(fast.summary(), refreshing=bool(fast.stale)))
            wanted = fast.stale if fast is not None else missing_defaults(store)
            if wanted:
                screen.post_message(DemoProgress("lecture", 0, None))
                report = import_defaults(store, wanted, progress=progress)
                screen.post_message(DemoLoaded(report.summary()))
        except ImportFailure as exc:
            screen.post_message(DemoLoaded("", error=str(exc)))
        finally:
            self.call_from_thread(self._demo_done)

    def _demo_done(self) -> None:
        self.loading_demo = False

    # -- settings -------------------------------------------------------------------------
    def current_settings(self) -> Settings:
        return Settings(
            author=self.settings.author,
            theme=self.theme,
            fiche_format=self.settings.fiche_format,
            fiche_lang=self.settings.fiche_lang,
        )

    def open_settings(self) -> None:
        from .screens.settings import SettingsScreen

        def saved(settings: Settings | None) -> None:
            if settings is None:
                return
            # Applied at once; written to the store by a worker (retried while it is busy).
            self.settings = settings
            self.theme = settings.theme
            self.save_settings(settings)

        self.push_screen(SettingsScreen(self.current_settings()), saved)

    @work(thread=True, group="settings")
    def save_settings(self, settings: Settings) -> None:
        from store.settings import set_settings

        from .writes import write_from_worker

        values = {
            "author": settings.author,
            "theme": settings.theme,
            "fiche_format": settings.fiche_format,
            "fiche_lang": settings.fiche_lang,
        }

        written, _ = write_from_worker(
            self,
            self.db_path,
            lambda conn: set_settings(conn, values),
            failure="Les réglages n'ont pas pu être enregistrés",
        )
        if written:
            self.call_from_thread(self.notify, "Réglages enregistrés.")
