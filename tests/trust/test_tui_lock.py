"""A worker's note is never lost while another process holds the write lock.

Another connection takes the lock (`BEGIN IMMEDIATE`, as `aiguillage import` does for its
whole transaction) while the TUI saves a note, a favourite, settings: the UI keeps
responding, the editor keeps the text and says the store is busy in French, and
everything lands once the lock is released. Structures are fictional (tests/tui fixture).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

import tui.writes
from store.db import Store
from store.notes import list_notes
from store.queries import is_favorite
from tests.tui.conftest import NOW, build_store, main_screen, settle, type_search
from tui.app import AiguillageApp
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor

NOTE = "Permanence le jeudi : venir avec un justificatif (écrit pendant l'import)."


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each attempt waits 0.1 s for the lock instead of 1 s: the same path, sooner.
    monkeypatch.setattr(tui.writes, "ATTEMPT_TIMEOUT_S", 0.1)
    monkeypatch.setattr(tui.writes, "PAUSE_S", 0.05)


def hold_lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO settings(key, value) VALUES ('verrou-test', '1')")
    return conn


async def wait_until(pilot: Pilot, condition, rounds: int = 400) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


def editor_status(editor: NoteEditor) -> str:
    return str(editor.query_one("#editor-status", Static).render())


async def open_centre(pilot: Pilot) -> None:
    await type_search(pilot, "arc en ciel")
    await pilot.press("enter")
    await settle(pilot)


async def test_note_saved_during_a_lock_is_kept_then_written(tmp_path: Path) -> None:
    db = build_store(tmp_path / "verrou.db")
    with Store(db) as store:
        before = len(list_notes(store.conn))
    app = AiguillageApp(db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.query_one(TextArea).insert(NOTE)
        locker = hold_lock(db)
        try:
            await pilot.press("ctrl+s")
            # The store is busy: the editor stays, with the text, and says so in French.
            assert await wait_until(pilot, lambda: "occupée" in editor_status(editor))
            assert app.screen is editor
            assert editor.query_one(TextArea).text == NOTE
            assert "nouvel essai" in editor_status(editor)
            assert any("occupée" in str(n.message) for n in app._notifications)
            # The UI is not frozen meanwhile: the app still answers keys and timers.
            await pilot.pause(0.3)
            assert app.is_running
            with Store(db) as reader:
                assert len(list_notes(reader.conn)) == before  # not written yet
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        # Released: the retry lands, the editor closes, the note is in the pane.
        assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert any("Note enregistrée" in str(n.message) for n in app._notifications)
    with Store(db) as store:
        notes = list_notes(store.conn)
        assert len(notes) == before + 1  # saved exactly once
        assert notes[0].text == NOTE


async def test_abandoning_a_blocked_note_writes_nothing(tmp_path: Path) -> None:
    db = build_store(tmp_path / "verrou.db")
    with Store(db) as store:
        before = len(list_notes(store.conn))
    app = AiguillageApp(db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.query_one(TextArea).insert(NOTE)
        locker = hold_lock(db)
        try:
            await pilot.press("ctrl+s")
            assert await wait_until(pilot, lambda: "occupée" in editor_status(editor))
            await pilot.press("escape")  # asks first: the text is not saved yet
            await pilot.pause()
            assert app.screen is not editor
            await pilot.press("o")  # « Abandonner »
            assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
            await settle(pilot)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        await pilot.pause(0.3)
        await settle(pilot)
    with Store(db) as store:
        assert len(list_notes(store.conn)) == before


async def test_favourite_and_settings_wait_for_the_lock(tmp_path: Path) -> None:
    db = build_store(tmp_path / "verrou.db")
    app = AiguillageApp(db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        screen = main_screen(pilot)
        structure_id = screen.current.view.id if screen.current else ""
        locker = hold_lock(db)
        try:
            await pilot.press("f")
            assert await wait_until(
                pilot, lambda: any("occupée" in str(n.message) for n in app._notifications)
            )
            # Typing still works while the write waits.
            await pilot.press("slash", *"melun")
            await pilot.pause()
            assert screen.query_one("#search", Input).value.endswith("melun")
            app.open_settings()
            await pilot.pause()
            app.screen.query_one("#author", Input).value = "ZZ"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.settings.author == "ZZ"  # applied at once, written later
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert await wait_until(
            pilot, lambda: any("Réglages enregistrés" in str(n.message) for n in app._notifications)
        )
        assert await wait_until(
            pilot, lambda: any("favoris" in str(n.message) for n in app._notifications)
        )
        await settle(pilot)
    with Store(db) as store:
        assert is_favorite(store.conn, structure_id)
        assert store.get_setting("author") == "ZZ"
