"""Pilot helpers and a small fixture store for the TUI tests.

Every structure here is FICTIONAL (invented for tests, marked « fictif »): never shipped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.writer import ImportReport, write_records
from tui.app import AiguillageApp
from tui.screens.main import MainScreen
from tui.widgets.results import ResultsList

FIXTURES_CLI = Path(__file__).resolve().parent.parent / "fixtures" / "cli"
SOURCE = "tests-tui-fictif"
# Tuesday 3 November 2026, 10:30: the hours below are open then.
NOW = dt.datetime(2026, 11, 3, 10, 30)
HOSTILE_NAME = "Piège [bold red]ROUGE[/]"
HOSTILE_DESCRIPTION = (
    "[@click=app.quit]quitter[/] \x1b[31mrouge\x1b[0m \x1b]8;;http://exemple.invalid\x07lien"
    "\x1b]8;;\x07 \u202eenrevni\u202c fin\x07"
)


def fictional_records() -> list[StructureRecord]:
    return [
        StructureRecord(
            nom="Centre social Arc-en-ciel (fictif)",
            source=SOURCE,
            source_id="cs-1",
            kind="centre-social",
            adresse="12 rue des Essais",
            code_postal="31100",
            commune="Toulouse",
            code_insee="31555",
            latitude=43.58,
            longitude=1.41,
            telephone="05 00 00 00 01",
            courriel="accueil@arc-en-ciel.invalid",
            site_web="https://arc-en-ciel.invalid",
            horaires_accueil="Mo-Fr 09:00-12:00,14:00-17:00",
            description="Centre social fictif pour les tests.",
            date_maj="2026-09-01",
            services=[
                ServiceRecord(
                    nom="Écrivain public",
                    source_id="cs-1-ep",
                    thematiques=[
                        "difficultes-administratives-ou-juridiques--"
                        "accompagnement-aux-demarches-administratives"
                    ],
                    publics=["tous-publics"],
                    frais=["gratuit"],
                    conditions_acces="Sur rendez-vous",
                    description="Aide à écrire des courriers et remplir des dossiers.",
                    modes_mobilisation=["telephoner", "se-presenter"],
                    mobilisable_par=["usagers", "professionnels"],
                )
            ],
        ),
        StructureRecord(
            nom="Épicerie solidaire Les Tournesols (fictive)",
            source=SOURCE,
            source_id="es-1",
            kind="epicerie-solidaire",
            adresse="3 place du Marché",
            code_postal="77000",
            commune="Melun",
            code_insee="77288",
            latitude=48.54,
            longitude=2.66,
            telephone="01 00 00 00 02",
            horaires_accueil="We 14:00-18:00; Sa 09:00-12:00",
            date_maj="2026-10-15",
        ),
        StructureRecord(
            nom="PIMMS Médiation Exemple (fictif)",
            source=SOURCE,
            source_id="pimms-1",
            kind="pimms",
            code_postal="95200",
            commune="Sarcelles",
            code_insee="95585",
            latitude=48.99,
            longitude=2.38,
            horaires_accueil="le mardi matin sur rendez-vous",
            date_maj="2023-01-10",
        ),
        StructureRecord(
            nom=HOSTILE_NAME,
            source=SOURCE,
            source_id="piege-1",
            kind="association",
            commune="Melun",
            code_postal="77000",
            code_insee="77288",
            latitude=48.54,
            longitude=2.66,
            description=HOSTILE_DESCRIPTION,
            telephone="[link=http://exemple.invalid]appeler[/link]",
            date_maj="2026-10-01",
        ),
    ]


def build_store(path: Path) -> Path:
    with Store(path) as store:
        with store.transaction() as conn:
            write_records(conn, fictional_records(), ImportReport(path="fixture", format="test"))
            conn.execute("UPDATE sources SET imported_at = '2026-10-20T09:00:00'")
        centre = store.conn.execute(
            "SELECT id FROM structures WHERE source_id = 'cs-1'"
        ).fetchone()[0]
        for created, author, text in (
            ("2026-10-01T09:15:00", "AB", "Accueil chaleureux, demander Mme B."),
            ("2026-10-20T16:40:00", "CD", "N'accepte plus de dossiers avant mars."),
        ):
            store.conn.execute(
                "INSERT INTO notes(structure_id, created_at, author, text) VALUES (?,?,?,?)",
                (centre, created, author, text),
            )
    return path


@pytest.fixture
def tui_db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "tui.db")


@pytest.fixture
def make_app(tui_db: Path):
    def make(**kwargs: object) -> AiguillageApp:
        kwargs.setdefault("load_demo", False)
        return AiguillageApp(tui_db, now=lambda: NOW, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(autouse=True)
def steady_cursor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots: text cursors do not blink, so what is captured does not depend on when
    (a blinking cursor is drawn or not every half second). Set on the classes before any
    widget is mounted: the blink timer starts paused and the cursor of a focused field is
    always drawn."""
    if "snap_compare" in request.fixturenames:
        monkeypatch.setattr(Input, "cursor_blink", False)
        monkeypatch.setattr(TextArea, "cursor_blink", False)


# -- pilot helpers --------------------------------------------------------------------------


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and the screen process their messages."""
    from textual.worker import WorkerState

    quiet = 0
    for _ in range(40):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:  # nothing started again over three message rounds
            await _markdown_done(pilot)
            return


async def _markdown_done(pilot: Pilot) -> None:
    """Wait for Markdown widgets to finish rendering (they parse in a thread of their own,
    not a Textual worker)."""
    from textual.widgets import Markdown

    for _ in range(3):
        for widget in pilot.app.screen.query(Markdown):
            async with widget.lock:
                pass
        await pilot.pause()


def main_screen(pilot: Pilot) -> MainScreen:
    screen = pilot.app.get_screen("main")
    assert isinstance(screen, MainScreen)
    return screen


async def type_search(pilot: Pilot, text: str) -> None:
    search = main_screen(pilot).query_one("#search", Input)
    search.focus()
    search.value = ""
    await pilot.press(*text) if text else None
    await settle(pilot)


def result_names(pilot: Pilot) -> list[str]:
    results = main_screen(pilot).query_one("#results", ResultsList)
    # The name line, without the note mark that may follow it ("  ✎ « … »").
    return [
        str(results.get_option_at_index(i).prompt).split("\n")[0].split("  ✎")[0]
        for i in range(results.option_count)
    ]


def detail_text(pilot: Pilot) -> str:
    """What the detail pane shows: its text, then its presentation as rendered from Markdown."""
    from textual.widgets import Static
    from textual.widgets.markdown import MarkdownBlock

    body = main_screen(pilot).query_one("#detail-body", Static)
    text = str(body.visual if hasattr(body, "visual") else body.renderable)
    blocks = main_screen(pilot).query("#detail-presentation MarkdownBlock")
    rendered = [str(b.render()) for b in blocks if isinstance(b, MarkdownBlock)]
    return "\n".join([text, *rendered])
