"""Pilot tests of team notes in the TUI: the editor's « partagée » key, whose note and whether
it is shared in the detail, and the merge from the team folder when the app starts."""

from __future__ import annotations

from pathlib import Path

from store.db import Store
from store.notes import add_note, list_notes
from store.team import join
from store.team_sync import synchronise_store
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor

from .conftest import build_store, detail_text, settle, type_search


async def _open_centre(pilot) -> None:
    await type_search(pilot, "arc en ciel")
    await pilot.press("enter")
    await settle(pilot)


async def test_ctrl_t_shares_the_note_and_the_detail_says_so(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await _open_centre(pilot)
        await pilot.press("n")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, NoteEditor)
        assert "Note privée" in str(editor.query_one("#editor-sharing").render())
        await pilot.press(*"Accueil le mardi", "ctrl+t")
        await pilot.pause()
        assert "partagée avec l'équipe" in str(editor.query_one("#editor-sharing").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        assert "Accueil le mardi" in detail_text(pilot)
        assert " · partagée" in detail_text(pilot)
    with Store(tui_db) as store:
        newest = list_notes(store.conn)[0]
    assert newest.text == "Accueil le mardi" and newest.shared


async def test_a_note_is_private_unless_marked(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await _open_centre(pilot)
        await pilot.press("n", *"Entre nous", "ctrl+s")
        await settle(pilot)
    with Store(tui_db) as store:
        newest = list_notes(store.conn)[0]
    assert newest.text == "Entre nous" and not newest.shared


async def test_the_app_merges_the_team_folder_when_it_starts(
    make_app, tui_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "equipe"
    folder.mkdir()
    colleague = build_store(tmp_path / "collegue.db")
    with Store(colleague) as other:
        sid = other.conn.execute("SELECT id FROM structures WHERE nom LIKE '%Arc%'").fetchone()[0]
        add_note(other.conn, sid, "Vu par une collègue : fermé en août", "CD", shared=True)
        join(other.conn, folder, "CD")
        synchronise_store(other)
    with Store(tui_db) as store:
        join(store.conn, folder, "AB")
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await _open_centre(pilot)
        text = detail_text(pilot)
        assert "Vu par une collègue : fermé en août" in text
        assert "CD · partagée" in text
