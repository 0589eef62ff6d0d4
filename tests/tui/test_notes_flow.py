"""Pilot tests of notes (editor, edit, hide, list), settings, hostile text, palette, demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea

from store.db import Store
from store.notes import list_notes
from tui.app import AiguillageApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.notes import NotesScreen
from tui.screens.settings import SettingsScreen

from .conftest import (
    FIXTURES_CLI,
    HOSTILE_NAME,
    NOW,
    detail_text,
    main_screen,
    result_names,
    settle,
    type_search,
)


async def open_centre(pilot) -> None:
    await type_search(pilot, "arc en ciel")
    await pilot.press("enter")
    await settle(pilot)


async def test_new_note_is_saved_and_shown_first(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        await pilot.press(*"Permanence le jeudi", "enter", *"2e ligne")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        text = detail_text(pilot)
        assert "Notes (3)" in text
        assert text.index("Permanence le jeudi\n2e ligne") < text.index("N'accepte plus")
    with Store(tui_db) as store:
        assert list_notes(store.conn)[0].text == "Permanence le jeudi\n2e ligne"


async def test_escape_asks_before_discarding_typed_text(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("n", *"brouillon", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # « Continuer »: back to the text
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        assert pilot.app.screen.query_one(TextArea).text == "brouillon"
        await pilot.press("escape", "o")  # « Abandonner »
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        # An empty editor closes at once.
        await pilot.press("n", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
    with Store(tui_db) as store:
        assert len(list_notes(store.conn)) == 2


async def test_notes_screen_edits_as_a_new_version_and_hides(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NotesScreen)
        assert "Centre social Arc-en-ciel (fictif)" in str(
            pilot.app.screen.query_one("#notes-list").get_option_at_index(0).prompt
        )
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        await pilot.press("end", *" (vu en novembre)", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NotesScreen)
        await pilot.press("down", "h")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("o")
        await pilot.pause()
        assert len(pilot.app.screen.notes) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        text = detail_text(pilot)
        assert "(vu en novembre)" in text and "modifiée" in text
        assert "demander Mme B." not in text
    with Store(tui_db) as store:
        history = list_notes(store.conn, include_history=True)
        assert len(history) == 3  # two originals kept, one new version
        assert sum(1 for n in history if n.hidden_at) == 1


async def test_notes_screen_erases_a_note_for_real_after_confirmation(
    make_app, tui_db: Path
) -> None:
    """x (never enter) asks, then erases the note and all its versions from the files."""
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NotesScreen)
        first = pilot.app.screen.notes[0]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # « Non »: nothing erased
        await pilot.pause()
        assert len(pilot.app.screen.notes) == 2
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("o")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotesScreen)
        assert [n.id for n in pilot.app.screen.notes] != [] and first.id not in [
            n.id for n in pilot.app.screen.notes
        ]
    raw = b"".join(
        p.read_bytes() for p in tui_db.parent.iterdir() if p.name.startswith(tui_db.name)
    )
    assert first.text.encode() not in raw


async def test_settings_store_initials_and_theme(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SettingsScreen)
        pilot.app.screen.query_one("#author", Input).value = "EF"
        pilot.app.screen.query_one("#theme", Select).value = "aiguillage-contraste"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.theme == "aiguillage-contraste"
        await pilot.press("n", *"Signée", "ctrl+s")
        await settle(pilot)
        assert "· EF" in detail_text(pilot)
    with Store(tui_db) as store:
        assert store.get_setting("author") == "EF"
        assert store.get_setting("theme") == "aiguillage-contraste"
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pilot.app.theme == "aiguillage-contraste"


async def test_hostile_text_is_shown_literally_and_does_not_act(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "piege")
        assert result_names(pilot) == [HOSTILE_NAME]
        await pilot.press("enter")
        await settle(pilot)
        text = detail_text(pilot)
        assert HOSTILE_NAME in text
        assert "[@click=app.quit]quitter[/]" in text
        assert "[link=http://exemple.invalid]appeler[/link]" in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        # Click all over the detail pane: nothing in it is a live action.
        pane = main_screen(pilot).query_one("#detail")
        for y in range(0, 12):
            for x in range(0, 60, 6):
                await pilot.click(pane, offset=(x, y))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, MainScreen)
        svg = app.export_screenshot()
        assert "ROUGE[/]" in svg.replace("&#160;", " ")
    assert app.return_code is None


async def test_palette_finds_a_structure(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tournesol")
        for _ in range(20):
            await pilot.pause(0.05)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        assert "Épicerie solidaire Les Tournesols (fictive)" in detail_text(pilot)


async def test_palette_sets_kind_and_near(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        screen.set_kind("epicerie-solidaire")
        screen.set_near("Melun (77)")
        await settle(pilot)
        assert result_names(pilot) == ["Épicerie solidaire Les Tournesols (fictive)"]


async def test_empty_store_loads_the_default_directory_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importers.mairies

    monkeypatch.setattr(
        importers.mairies, "default_path", lambda: FIXTURES_CLI / "mairies-extrait.csv"
    )
    app = AiguillageApp(tmp_path / "vide.db", load_demo=True, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        # The snapshot was built from the shipped mairies, not this extract: imported.
        assert "Annuaire par défaut chargé : 4 mairies et 2845 France services." in str(
            screen.query_one("#status", Static).render()
        )
        assert screen.query_one("#hint", Static).display
        assert "aiguillage import" in str(screen.query_one("#hint", Static).render())
        await type_search(pilot, "melun")
        assert "Mairie de Melun" in result_names(pilot)
        assert any("France services" in name for name in result_names(pilot))


async def test_no_demo_leaves_the_store_empty(tmp_path: Path) -> None:
    app = AiguillageApp(tmp_path / "vide.db", load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert result_names(pilot) == []
    with Store(tmp_path / "vide.db") as store:
        assert store.is_empty()


async def test_a_note_that_identifies_a_person_needs_confirmation(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("n")
        await pilot.pause()
        pilot.app.screen.query_one(TextArea).text = "Mme Dupont, née le 12/03/1980"
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "Cette note semble identifier une personne" in confirm.question
        assert "« Mme Dupont »" in confirm.question
        await pilot.press("n")  # « Reformuler »: back to the text, nothing saved
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteEditor)
        with Store(tui_db) as store:
            assert len(list_notes(store.conn)) == 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o")  # « Enregistrer » quand même
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
    with Store(tui_db) as store:
        assert list_notes(store.conn)[0].text == "Mme Dupont, née le 12/03/1980"


async def test_fiche_language_chosen_in_settings_is_used_by_p(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_centre(pilot)
        await pilot.press("r")
        await pilot.pause()
        settings = pilot.app.screen
        assert isinstance(settings, SettingsScreen)
        language = settings.query_one("#fiche-lang", Select)
        assert language.region.bottom <= 40  # visible in the dialog
        language.value = "ar"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        fiche = main_screen(pilot).last_fiche
        assert fiche is not None
        text = fiche.read_text(encoding="utf-8")
        assert '<html lang="ar" dir="rtl">' in text
        assert "Centre social Arc-en-ciel (fictif)" in text  # the data as published
    with Store(tui_db) as store:
        assert store.get_setting("fiche_lang") == "ar"
