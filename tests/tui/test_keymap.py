"""The key map: one source for the footer, the help and the README, and the traps of issue 14
(a letter typed instead of acting, Escape wiping the search, Enter removing a need, the fiche
of a structure no longer shown, « Touche n » doing nothing)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from tests.conftest import ROOT
from tui import keymap
from tui.screens.help import HelpScreen, help_text
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.orientation import DetailModal, OrientationScreen
from tui.widgets.results import ResultsList

from .conftest import detail_text, main_screen, settle, type_search


def _footer_keys(pilot) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the footer shows now: key display -> label."""
    shown = {}
    for _key, active in pilot.app.screen.active_bindings.items():
        binding = active.binding
        if binding.show and active.enabled:
            shown[pilot.app.get_key_display(binding)] = binding.description
    return shown


# -- one key map everywhere ------------------------------------------------------------------


def test_readme_table_is_the_key_map() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(keymap.README_BEGIN, 1)[1].split(keymap.README_END, 1)[0]
    assert block.strip() == keymap.markdown_table()


def test_help_screen_is_the_key_map() -> None:
    text = help_text().plain
    for context in keymap.CONTEXTS:
        assert context.name in text
        for key in context.keys:
            if key.help:
                assert f"{key.display:>9}  {key.help}" in text


def test_screens_bind_what_the_key_map_says() -> None:
    ids = {b.id for b in MainScreen.BINDINGS}  # type: ignore[union-attr]
    assert ids == {k.id for k in keymap.MAIN.keys if k.action}
    ids = {b.id for b in OrientationScreen.BINDINGS}  # type: ignore[union-attr]
    assert ids == {k.id for k in keymap.ORIENTATION.keys if k.action}
    every = [k.id for c in keymap.CONTEXTS for k in c.keys]
    assert len(every) == len(set(every)), "binding ids are unique (a keymap rebinds by id)"


async def test_the_footer_never_shows_a_letter_that_would_be_typed(make_app) -> None:
    """At launch the search has the focus: the footer offers ctrl+o, not `o`."""
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = _footer_keys(pilot)
        assert "^o" in shown or "ctrl+o" in shown
        assert not [k for k in shown if len(k) == 1], shown
        await pilot.press("o")
        assert main_screen(pilot).query_one("#search", Input).value == "o"
        await pilot.press("escape")  # to the list: now the letters act, and say so
        await settle(pilot)
        shown = _footer_keys(pilot)
        assert {"n", "p", "f"} <= set(shown)
        await pilot.press("o")
        assert isinstance(pilot.app.screen, OrientationScreen)


async def test_orientation_is_one_key_away_from_every_screen_and_field(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        screen.query_one("#near", Input).focus()  # in a filter field
        await pilot.press("ctrl+o")
        assert isinstance(pilot.app.screen, OrientationScreen)
        await pilot.press(*"colis")
        await pilot.press("escape")  # from the need: back to the search, need kept
        assert isinstance(pilot.app.screen, MainScreen)
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("ctrl+o")
        assert isinstance(pilot.app.screen, OrientationScreen)
        assert pilot.app.screen.query_one("#need", Input).value == "colis"


# -- the traps -------------------------------------------------------------------------------


async def test_escape_from_the_place_field_then_p_keeps_the_search(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "solidaire")
        screen = main_screen(pilot)
        screen.query_one("#near", Input).focus()
        await pilot.press(*"Melun")
        await settle(pilot)
        await pilot.press("escape", "p")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "solidaire"
        assert screen.last_fiche is not None
        assert "Tournesols" in screen.last_fiche.read_text(encoding="utf-8")


def _crowded_store(path: Path) -> Path:
    """One fictional structure in Toulouse (first by name) and more structures around Melun
    than the list holds, so that « Melun » pushes the Toulouse one out of the list."""
    from store.db import Store
    from store.models import StructureRecord
    from store.writer import ImportReport, write_records
    from tui.widgets.results import WINDOW

    records = [
        StructureRecord(
            nom="Accueil de jour Aaron (fictif)",
            source="tests-fictif",
            source_id="toulouse",
            commune="Toulouse",
            code_postal="31000",
            departement="31",
            latitude=43.6,
            longitude=1.44,
        )
    ] + [
        StructureRecord(
            nom=f"Permanence fictive {n:03d}",
            source="tests-fictif",
            source_id=f"melun-{n}",
            commune="Melun",
            code_postal="77000",
            departement="77",
            latitude=48.54 + n / 10000,
            longitude=2.66,
        )
        for n in range(WINDOW + 10)
    ]
    with Store(path) as store, store.transaction() as conn:
        write_records(conn, records, ImportReport(path="fixture", format="test"))
    return path


async def test_a_new_place_refreshes_the_detail_and_p_prints_the_row_shown(
    tmp_path: Path,
) -> None:
    from tests.tui.conftest import NOW
    from tui.app import AiguillageApp

    app = AiguillageApp(_crowded_store(tmp_path / "crowded.db"), load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert "Aaron" in detail_text(pilot)  # first by name, highlighted
        screen.query_one("#near", Input).focus()
        await pilot.press(*"Melun")  # as typed: the Toulouse row leaves the list
        await settle(pilot)
        results = screen.query_one("#results", ResultsList)
        assert "Aaron" not in detail_text(pilot)
        await pilot.press("escape", "p")  # to the list, then the fiche
        await settle(pilot)
        assert screen.last_fiche is not None
        fiche = screen.last_fiche.read_text(encoding="utf-8")
        assert "Aaron" not in fiche
        shown = str(results.get_option_at_index(results.highlighted or 0).prompt)
        assert shown.split("\n")[0] in fiche


async def test_a_list_refresh_never_leaves_a_structure_that_is_gone(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "tournesol")
        assert "Tournesols" in detail_text(pilot)
        await type_search(pilot, "arc en ciel")
        assert "Arc-en-ciel" in detail_text(pilot)
        assert "Tournesols" not in detail_text(pilot)
        await type_search(pilot, "zzzqqq")
        assert main_screen(pilot).target() is None


async def test_enter_on_a_need_never_removes_it(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", *"epicerie solidaire")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, OrientationScreen)
        chips = list(screen.query("#chips NeedChip"))
        assert chips
        chips[0].focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.off


async def test_key_n_in_the_orientation_detail_writes_a_note(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", *"epicerie solidaire", "tab", *"Melun", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.focused, OptionList)
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, DetailModal)
        await pilot.press("n")
        assert isinstance(pilot.app.screen, NoteEditor)


async def test_notes_show_where_choices_are_made(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "arc en ciel")
        results = main_screen(pilot).query_one("#results", ResultsList)
        row = str(results.get_option_at_index(0).prompt)
        assert "✎ « N'accepte plus de dossiers avant mars. » (+1)" in row


async def test_help_lists_the_footer_keys(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        footer = _footer_keys(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        text = str(pilot.app.screen.query_one(Static).render())
        for key, label in footer.items():
            entry = next(k for c in keymap.CONTEXTS for k in c.keys if k.label == label and k.show)
            assert entry.help in text, (key, label)


def test_readme_mentions_no_other_key_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("| touche |") <= 1
    assert Path(ROOT / "README.md").exists()


# -- small terminals -------------------------------------------------------------------------


def _epiceries_store(path: Path) -> Path:
    """Twelve fictional épiceries solidaires around Melun."""
    from store.db import Store
    from store.models import StructureRecord
    from store.writer import ImportReport, write_records

    records = [
        StructureRecord(
            nom=f"Épicerie solidaire fictive n° {n} du quartier des Essais",
            source="tests-fictif",
            source_id=f"es-{n}",
            kind="epicerie-solidaire",
            commune="Melun",
            code_postal="77000",
            departement="77",
            code_insee="77288",
            latitude=48.54 + n / 1000,
            longitude=2.66,
        )
        for n in range(12)
    ]
    with Store(path) as store, store.transaction() as conn:
        write_records(conn, records, ImportReport(path="fixture", format="test"))
    return path


async def test_at_80x24_eight_suggestions_fit_on_one_line_each(tmp_path: Path) -> None:
    from tests.tui.conftest import NOW
    from tui.app import AiguillageApp

    app = AiguillageApp(_epiceries_store(tmp_path / "es.db"), load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", *"epicerie solidaire", "tab", *"Melun", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, OrientationScreen)
        results = screen.query_one("#results", OptionList)
        height = results.scrollable_content_region.height
        visible = [results.get_option_at_index(i) for i in range(min(height, results.option_count))]
        rows = [o for o in visible if not o.disabled]
        assert all("\n" not in str(o.prompt) for o in rows)
        assert len(rows) >= 8, (height, len(rows))
        await pilot.press("d")  # the reasons, on demand
        assert "\n" in str(results.get_option_at_index(1).prompt)


async def test_the_place_field_completes_and_forgives_a_typo(make_app) -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        near = screen.query_one("#near", Input)
        near.focus()
        await pilot.press(*"Toul")
        await settle(pilot)
        await pilot.press("right")  # accepts the completion
        assert near.value == "Toulouse"
        near.value = "Toulous"  # a typo: understood, and said
        await settle(pilot)
        assert "près de Toulouse (31)" in str(screen.query_one("#status", Static).render())


async def test_a_keymap_setting_rebinds_by_id(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.set_keymap({"orientation": "f2"})
        await pilot.press("f2")
        assert isinstance(app.screen, OrientationScreen)
