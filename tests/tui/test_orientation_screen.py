"""The orientation view, piloted on a store of fictional structures."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, OptionList, Static

from store.db import Store
from store.journal import summarize
from store.models import StructureRecord
from store.writer import ImportReport, write_records
from tests.orientation_helpers import URGENT_FIXTURE, fixture_store
from tui.screens.orientation import DetailModal, OrientationScreen
from tui.widgets.chip import NeedChip


class OrientationApp(App[None]):
    def __init__(self, db_path: Path, need: str = "") -> None:
        super().__init__()
        self.db_path = db_path
        self.need = need
        self.fiches_dir = db_path.parent / "fiches"

    def on_mount(self) -> None:
        self.push_screen(OrientationScreen(str(self.db_path), need=self.need))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return fixture_store(tmp_path / "orientation.db")


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot, need: str, place: str = "") -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    screen.query_one("#need", Input).value = need
    screen.query_one("#place", Input).value = place
    await settle(pilot)


def result_ids(screen: OrientationScreen) -> list[str]:
    results = screen.query_one("#results", OptionList)
    return [
        results.get_option_at_index(i).id
        for i in range(results.option_count)
        if results.get_option_at_index(i).id
    ]


def names(screen: OrientationScreen) -> list[str]:
    return [screen.suggestions[i].nom for i in result_ids(screen)]


async def test_need_and_place_show_results_grouped_with_chips(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, OrientationScreen)
        await pilot.press(*"epicerie solidaire")
        screen.query_one("#place", Input).value = "Toulouse"
        await settle(pilot)
        assert names(screen)[0] == "Épicerie solidaire La Fourmi (fictif)"
        chips = [str(b.render()) for b in screen.query("#chips NeedChip")]
        assert any("Épicerie solidaire" in c for c in chips)
        assert "Toulouse" in str(screen.query_one("#note", Static).render())
        headers = [
            screen.query_one("#results", OptionList).get_option_at_index(i)
            for i in range(screen.query_one("#results", OptionList).option_count)
        ]
        assert headers[0].disabled  # a kind heading comes first


async def test_switching_a_chip_off_reranks(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await fill(pilot, "colis alimentaire", "Toulouse")
        screen = pilot.app.screen
        assert any(n.startswith("Restos") for n in names(screen))
        chip = screen.query_one("#chip-k-aide-alimentaire", NeedChip)
        chip.focus()
        await pilot.press("enter")  # entrée never removes a need
        await settle(pilot)
        assert str(chip.render()).startswith("✓")
        assert screen.wanted() == (None, None)
        await pilot.press("delete")
        await settle(pilot)
        assert str(chip.render()).startswith("✗")
        # The Restos were there as aide alimentaire; now only through the thématique.
        assert screen.wanted()[0] is not None
        assert "aide-alimentaire" not in screen.wanted()[0]


async def test_adding_a_kind(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await fill(pilot, "qwertz", "Toulouse")
        screen = pilot.app.screen
        assert names(screen) == []
        from textual.widgets import Select

        screen.query_one("#add-kind", Select).value = "vestiaire"
        await settle(pilot)
        assert names(screen) == ["Vestiaire solidaire du Busca (fictif)"]


async def test_place_completion_and_unknown_place(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#place", Input).focus()
        await pilot.press(*"toulo")
        await pilot.pause(0.2)
        await pilot.press("right")  # accept the suggestion
        await settle(pilot)
        assert screen.query_one("#place", Input).value == "Toulouse"
        await fill(pilot, "PIMMS", "Nullepartville")
        assert "Lieu inconnu" in str(screen.query_one("#note", Static).render())
        assert names(screen)  # still suggestions, without a place


async def test_enter_opens_details_and_escape_closes(db: Path) -> None:
    async with OrientationApp(db, need="écrivain public").run_test(size=(120, 40)) as pilot:
        await fill(pilot, "écrivain public", "Toulouse")
        screen = pilot.app.screen
        screen.query_one("#results", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DetailModal)
        body = str(pilot.app.screen.query_one("#detail-body", Static).render())
        assert "Centre social Les Tilleuls (fictif)" in body
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_choose_and_write_the_fiche_logs_the_journal(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await fill(pilot, "plus rien à manger et refaire ses papiers", "Toulouse")
        screen = pilot.app.screen
        results = screen.query_one("#results", OptionList)
        results.focus()
        await pilot.press("space", "down", "down", "space")
        assert len(screen.chosen) == 2
        await pilot.press("p")
        await pilot.pause()
        assert screen.last_fiche is not None and screen.last_fiche.exists()
        text = screen.last_fiche.read_text(encoding="utf-8")
        for sid in screen.chosen:
            assert screen.suggestions[sid].nom.split(" (")[0] in text
    with Store(db) as store:
        summary = summarize(store.conn)
        assert summary.total == 1
        assert summary.by_commune == {"Toulouse": 1}
        row = store.conn.execute("SELECT * FROM journal").fetchone()
        assert not any("manger" in str(value) or "papiers" in str(value) for value in row)
        assert "Toulouse" in row


async def test_typing_space_and_p_in_the_need_is_text(db: Path) -> None:
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"pimms p")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one("#need", Input).value == "pimms p"
        assert screen.last_fiche is None


async def test_hostile_names_are_shown_literally(db: Path) -> None:
    hostile = "Épicerie [bold red]piège[/] \x1b[31m (fictif)"
    with Store(db) as store, store.transaction() as conn:
        write_records(
            conn,
            [
                StructureRecord(
                    nom=hostile,
                    source="fictif-hostile",
                    source_id="h1",
                    commune="Toulouse",
                    code_insee="31555",
                    latitude=43.6,
                    longitude=1.44,
                )
            ],
            ImportReport(),
        )
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await fill(pilot, "épicerie", "Toulouse")
        screen = pilot.app.screen
        results = screen.query_one("#results", OptionList)
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert any("[bold red]piège[/]" in p for p in prompts)
        assert not any("\x1b" in p for p in prompts)


async def test_urgent_lines_show_at_the_top_above_the_structures(tmp_path: Path) -> None:
    db = fixture_store(tmp_path / "urgent.db", URGENT_FIXTURE)
    async with OrientationApp(db).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        lines = screen.query_one("#lines", Static)
        assert not lines.display  # nothing typed: no block
        await fill(pilot, "mon mari me frape, j'ai peur de rentrer", "Melun")
        assert lines.display
        text = str(lines.render())
        assert text.startswith("Urgence — à appeler d'abord")
        assert text.index("☎ 3919") < text.index("☎ 17")
        assert "24 h/24, 7 j/7" in text and "si danger immédiat" in text
        assert names(screen)[0] == "CIDFF de la Brie (fictif)"
        assert lines.region.y < screen.query_one("#results", OptionList).region.y
        await fill(pilot, "epicerie solidaire", "Melun")
        assert not lines.display


async def test_an_urgent_need_on_an_empty_store_is_never_unanswered(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db"):
        pass
    async with OrientationApp(tmp_path / "empty.db").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await fill(pilot, "elle veut en finir")
        assert "☎ 3114" in str(screen.query_one("#lines", Static).render())
        note = str(screen.query_one("#note", Static).render())
        assert "non reconnu" not in note
        assert "appelez d'abord les numéros ci-dessus" in note
