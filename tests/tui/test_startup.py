"""Start-up: the first screen comes at once, slow things wait for first use.

A first run creates the store (migrations, ~35 000 communes) in a worker: the screen is
already there and typing is kept. Structures are fictional (see conftest).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static

import tui.app
from store import hours
from store.db import Store
from tests.conftest import ROOT

from .conftest import NOW, build_store, main_screen, result_names, settle

# Not needed before the first keystroke's results (or a palette, a note, an import).
DEFERRED = (
    "sqlite_utils",
    "importers",
    "rapidfuzz",
    "opening_hours",
    "store.search",
    "store.communes",
    "store.orientation",
    "store.needs",
    "tui.commands",
    "tui.fiche",
    "tui.screens.orientation",
    "tui.screens.note_editor",
)


def test_importing_the_app_leaves_slow_modules_for_later() -> None:
    code = f"import sys, tui.app\nprint(' '.join(m for m in {DEFERRED!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == ""


async def test_first_run_shows_the_screen_while_the_store_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = tui.app.thread_store

    def slow_thread_store(path: str) -> Store:
        release.wait(30)  # the store creation is held until the test says so
        return real(path)

    monkeypatch.setattr(tui.app, "thread_store", slow_thread_store)
    db = tmp_path / "premiere.db"
    app = tui.app.AiguillageApp(db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = main_screen(pilot)
        # Up and ready for typing before the store exists.
        assert isinstance(app.focused, Input)
        assert not app.store_ready
        assert "Première ouverture" in str(screen.query_one("#status", Static).render())
        await pilot.press(*"melun")
        assert screen.query_one("#search", Input).value == "melun"
        # Screens that read the store wait for it (no lock wait on the UI thread).
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        assert any("se prépare" in str(n.message) for n in app._notifications)
        release.set()
        await settle(pilot)
        assert app.store_ready
        # The search of what was typed meanwhile ran once the store was ready.
        assert "Aucun résultat" in str(screen.query_one("#status", Static).render())
    with Store(db) as store:
        assert store.count("communes") > 30_000


async def test_typing_before_the_store_is_ready_is_searched_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = tui.app.thread_store
    monkeypatch.setattr(tui.app, "thread_store", lambda path: release.wait(30) and real(path))
    app = tui.app.AiguillageApp(build_store(tmp_path / "s.db"), load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"tournesols")
        assert result_names(pilot) == []
        release.set()
        await settle(pilot)
        assert result_names(pilot) == ["Épicerie solidaire Les Tournesols (fictive)"]


async def test_an_unreadable_store_ends_with_a_french_line(tmp_path: Path) -> None:
    (tmp_path / "dossier.db").mkdir()
    app = tui.app.AiguillageApp(tmp_path / "dossier.db", load_demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert app.exit_error == f"{tmp_path / 'dossier.db'} : est un dossier, pas une base."


def test_week_lines_follow_the_given_day() -> None:
    june_mondays = "Jun Mo 09:00-12:00"
    assert hours.week_lines(june_mondays, today=dt.date(2026, 6, 3))[0] == "lundi : 09:00–12:00"
    assert hours.week_lines(june_mondays, today=dt.date(2026, 1, 7))[0] == "lundi : fermé"
