"""Acceptance (issue 13): in the TUI, orienting a sentence about violence, choosing a structure
and pressing `p` writes a fiche with none of the typed words, with 3919, the structure's phone
and its week in French; the journal keeps none of the typed words either."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from textual.app import App
from textual.widgets import Input, OptionList

from store.db import Store
from store.text import fold
from tests.orientation_helpers import URGENT_FIXTURE, fixture_store
from tui.fiche_flow import FicheChoice
from tui.screens.orientation import OrientationScreen

SENTENCE = "mon mari me frape, j'ai peur de rentrer"
TYPED = [w for w in re.findall(r"[a-z]+", fold(SENTENCE)) if len(w) >= 3]
NOW = dt.datetime(2026, 11, 3, 10, 30)  # a Tuesday


class FicheApp(App[None]):
    """The parts of the Aiguillage app the fiche uses: a clock, a folder, the settings."""

    def __init__(self, db_path: Path, choice: FicheChoice) -> None:
        super().__init__()
        self.db_path = db_path
        self.choice = choice

    @property
    def fiches_dir(self) -> Path:
        return self.db_path.parent / "fiches"

    def now(self) -> dt.datetime:
        return NOW

    def fiche_choice(self) -> FicheChoice:
        return self.choice

    def on_mount(self) -> None:
        self.push_screen(OrientationScreen(str(self.db_path)))


async def _orient_and_print(db: Path, choice: FicheChoice) -> Path:
    async with FicheApp(db, choice).run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, OrientationScreen)
        screen.query_one("#need", Input).value = SENTENCE
        screen.query_one("#place", Input).value = "Melun"
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        results = screen.query_one("#results", OptionList)
        results.focus()
        ids = [o.id for o in (results.get_option_at_index(i) for i in range(results.option_count))]
        first = screen.suggestions[next(i for i in ids if i)]
        assert first.nom == "CIDFF de la Brie (fictif)"
        results.highlighted = results.get_option_index(first.id)
        await pilot.press("space", "p")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        assert screen.last_fiche is not None, "no fiche written"
        return screen.last_fiche


def _words_in(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", fold(text)))


async def test_violence_fiche_is_neutral_and_carries_3919_phone_and_week(tmp_path: Path) -> None:
    db = fixture_store(tmp_path / "urgent.db", URGENT_FIXTURE)
    for choice in (FicheChoice("html", "fr"), FicheChoice("txt", "fr"), FicheChoice("md", "en")):
        page = await _orient_and_print(db, choice)
        text = page.read_text(encoding="utf-8")
        assert not set(TYPED) & _words_in(text), (choice, set(TYPED) & _words_in(text))
        assert "3919" in text and "01 00 00 00 11" in text
        assert "09:00–17:00" in text
        if choice.lang == "fr":
            assert "Où vous adresser — " in text and "CIDFF" in text.split("\n")[0] + text
            for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi"):
                assert day in text
            assert "(aujourd'hui)" in text or "aujourd'hui" in text
    with Store(db) as store:
        rows = store.conn.execute("SELECT * FROM journal").fetchall()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert len(rows) == 3
    for row in rows:
        assert not set(TYPED) & _words_in(" ".join(str(v) for v in row)), row
    raw = db.read_bytes()  # (single words like "frape" are in commune names: "Frapelle")
    for phrase in ("me frape", "peur de rentrer", "mon mari"):
        assert phrase.encode() not in raw
