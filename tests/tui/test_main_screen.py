"""Pilot tests of the main screen: search, filters, detail, favourites, fiche, keys."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import Input, Select, Static

from store.db import Store
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.detail import DetailPane
from tui.widgets.results import ResultsList

from .conftest import (
    HOSTILE_NAME,
    detail_text,
    main_screen,
    result_names,
    settle,
    type_search,
)

CENTRE = "Centre social Arc-en-ciel (fictif)"
EPICERIE = "Épicerie solidaire Les Tournesols (fictive)"
PIMMS = "PIMMS Médiation Exemple (fictif)"


async def test_search_is_focused_and_lists_everything_at_start(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, MainScreen)
        assert pilot.app.focused is main_screen(pilot).query_one("#search", Input)
        assert sorted(result_names(pilot)) == sorted([CENTRE, EPICERIE, PIMMS, HOSTILE_NAME])


async def test_typing_filters_on_every_keystroke_with_typos_and_no_accents(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "tournesol")
        assert result_names(pilot) == [EPICERIE]
        await type_search(pilot, "epicrie")  # typo, no accent
        assert result_names(pilot)[0] == EPICERIE
        await type_search(pilot, "zzzzqqq")
        assert result_names(pilot) == []
        status = main_screen(pilot).query_one("#status", Static)
        assert "Aucun résultat" in str(status.render())


async def test_arrows_in_the_search_move_the_highlight_and_the_detail_follows(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = main_screen(pilot).query_one("#results", ResultsList)
        first = result_names(pilot)[0]
        assert first in detail_text(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert results.highlighted == 1
        assert result_names(pilot)[1].split(" [")[0] in detail_text(pilot)
        assert pilot.app.focused is main_screen(pilot).query_one("#search", Input)


async def test_enter_shows_the_details_with_services_hours_and_notes(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "arc en ciel")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.focused, DetailPane)
        text = detail_text(pilot)
        assert "Écrivain public" in text
        assert "Accompagnement aux démarches administratives" in text
        assert "Conditions : Sur rendez-vous" in text
        assert "Ouvert · ferme à 12:00" in text  # frozen clock: Tuesday 10:30
        assert "lundi : 09:00–12:00, 14:00–17:00" in text
        # Notes newest first, with date and author.
        assert text.index("20/10/2026 16:40 · CD") < text.index("01/10/2026 09:15 · AB")
        assert "Source : tests-tui-fictif · mise à jour le 01/09/2026" in text
        assert "12 mois" not in text
        await pilot.press("slash")
        assert pilot.app.focused is main_screen(pilot).query_one("#search", Input)


async def test_old_data_warns_and_unparsed_hours_are_shown_raw(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "pimms")
        text = detail_text(pilot)
        assert "⚠ Données de plus de 12 mois" in text
        assert "le mardi matin sur rendez-vous" in text


async def test_near_filter_sorts_by_distance_and_shows_it(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main_screen(pilot).query_one("#near", Input).value = "Melun"
        await settle(pilot)
        names = result_names(pilot)
        assert set(names[:2]) == {EPICERIE, HOSTILE_NAME}
        assert names.index(PIMMS) < names.index(CENTRE)  # Sarcelles is nearer than Toulouse
        assert "près de Melun (77)" in str(main_screen(pilot).query_one("#status").render())
        assert "Distance : " in detail_text(pilot)
        main_screen(pilot).query_one("#near", Input).value = "Nullepartville"
        await settle(pilot)
        assert "commune ou code postal inconnu" in str(
            main_screen(pilot).query_one("#status").render()
        )


async def test_kind_and_open_now_filters(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        screen.query_one("#kind", Select).value = "pimms"
        await settle(pilot)
        assert result_names(pilot) == [PIMMS]
        screen.query_one("#kind", Select).clear()
        await settle(pilot)
        await pilot.click("#open-now")
        await settle(pilot)
        assert result_names(pilot) == [CENTRE]  # the only one open on Tuesday at 10:30


async def test_thematique_filter(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main_screen(pilot).query_one(
            "#thematique", Select
        ).value = "difficultes-administratives-ou-juridiques"
        await settle(pilot)
        names = result_names(pilot)
        assert CENTRE in names and EPICERIE not in names


async def test_favourite_toggles_and_filters(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "tournesol")
        await pilot.press("enter", "f")
        await settle(pilot)
        assert "★ Favori" in detail_text(pilot)
        await type_search(pilot, "")
        await pilot.click("#favorites")
        await settle(pilot)
        assert result_names(pilot) == [EPICERIE]
    with Store(tui_db) as store:
        assert store.count("favorites") == 1


async def test_fiche_is_written_next_to_the_store_and_copied(make_app, tui_db: Path) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "arc en ciel")
        await pilot.press("enter", "p")
        await settle(pilot)
        fiches = tui_db.parent / "fiches"
        files = list(fiches.iterdir())
        assert len(files) == 1 and files[0].suffix == ".html"
        assert stat.S_IMODE(fiches.stat().st_mode) == 0o700
        assert CENTRE in files[0].read_text(encoding="utf-8")
        assert pilot.app.clipboard.startswith(CENTRE)
        assert "12 rue des Essais, 31100 Toulouse" in pilot.app.clipboard


async def test_orientation_key_opens_the_orientation_screen(make_app) -> None:
    from tui.screens.orientation import OrientationScreen

    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "arc")
        await pilot.press("enter", "o")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OrientationScreen)


async def test_help_screen_lists_the_keys(make_app) -> None:
    async with make_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        await pilot.press("enter")  # to the detail: « ? » is a key again, not a character
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_ctrl_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_footer_keys_are_french(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "arc")
        await pilot.press("enter")
        await settle(pilot)
        descriptions = {b.description for _, b, _, _ in pilot.app.active_bindings.values()}
        for expected in ("Chercher", "Note", "Orienter", "Fiche", "Favori", "Aide", "Quitter"):
            assert expected in descriptions
