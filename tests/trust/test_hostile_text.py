"""Hostile text in data: markup, ANSI/OSC escapes, C1 and bidi controls, huge fields.

Every field that reaches the CLI, the fiche or the TUI is shown literally (markup as text)
and safely (no escape or control character reaches the output). All data here is FICTIONAL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from store.db import Store
from store.fiche import FicheRequest
from store.models import ServiceRecord, StructureRecord
from store.notes import add_note
from store.queries import get_structure
from store.writer import ImportReport, record_id, write_records
from tui.cli import main
from tui.fiche import FORMATS, produce_fiche

MARKUP = (
    "[bold]gras[/bold] [@click=app.quit]quitter[/] [link=https://exemple.invalid]lien[/link] [/]"
)
ESCAPES = (
    "\x1b[31mrouge\x1b[0m \x1b[2J\x1b[?1049h "  # colour, clear screen, alternate screen
    "\x1b]8;;https://exemple.invalid\x07lien\x1b]8;;\x07 "  # OSC 8 hyperlink
    "\x1b]0;titre piégé\x07 \x1b]52;c;Y29waWU=\x07 "  # window title, clipboard write
    "\x9b31m \x85 \x07\x08\x00\r"  # C1 CSI, NEL, bell, backspace, NUL, carriage return
)
BIDI = "\u202eenrevni\u202c \u2066isolé\u2069 \u200f\u200e\u061c"
HOSTILE = f"Piège {MARKUP} {ESCAPES} {BIDI} fin"
HUGE = "Très longue description fictive. " * 3_100  # ~100 000 characters
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
NOW = dt.datetime(2026, 11, 3, 10, 30)


def assert_safe(text: str, *, allow_tab: bool = False) -> None:
    found = sorted({repr(c) for c in FORBIDDEN.findall(text)})
    if allow_tab:
        found = [c for c in found if c != repr("\t")]
    assert not found, f"control characters reach the output: {found}"


def assert_literal(text: str) -> None:
    for token in ("[bold]gras[/bold]", "[@click=app.quit]quitter[/]", "[link=https://exemple"):
        assert token in text, token


def hostile_record(source_id: str = "piege-1") -> StructureRecord:
    return StructureRecord(
        nom=f"Structure fictive {HOSTILE}",
        source="tests-hostile-fictif",
        source_id=source_id,
        kind="association",
        description=HUGE + HOSTILE,
        adresse=HOSTILE,
        complement_adresse=HOSTILE,
        code_postal="77000",
        commune="Melun",
        code_insee="77288",
        latitude=48.54,
        longitude=2.66,
        telephone=f"01 00 00 00 00 {ESCAPES}",
        courriel=f"piege@exemple.invalid {MARKUP}",
        site_web=f"https://exemple.invalid/{ESCAPES}",
        horaires_accueil=f"le mardi {HOSTILE}",
        accessibilite_lieu=HOSTILE,
        services=[
            ServiceRecord(
                nom=f"Service fictif {HOSTILE}",
                source_id="piege-svc",
                description=HOSTILE,
                conditions_acces=HOSTILE,
                publics_precisions=HOSTILE,
                frais_precisions=HOSTILE,
                horaires_accueil=HOSTILE,
            )
        ],
    )


@pytest.fixture
def hostile_db(fresh_db: Path) -> tuple[Path, str]:
    record = hostile_record()
    with Store(fresh_db) as store:
        with store.transaction() as conn:
            write_records(conn, [record], ImportReport())
        sid = record_id(record)
        add_note(store.conn, sid, f"Note {HOSTILE}", author=f"A{ESCAPES}B")
        add_note(store.conn, sid, HUGE)
    return fresh_db, sid


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert_safe(err)
    return out


def test_stored_as_given(hostile_db: tuple[Path, str]) -> None:
    """Cleaning happens on display: the store keeps the source's text (bytes in, bytes out)."""
    db, sid = hostile_db
    with Store(db) as store:
        structure = get_structure(store.conn, sid)
    assert structure is not None
    assert "\x1b]52;" in structure["adresse"]
    assert len(structure["description"]) > 100_000


def test_cli_show_search_and_notes(
    hostile_db: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = hostile_db
    shown = cli(capsys, db, "show", sid)
    assert_safe(shown)
    assert_literal(shown)
    assert "Structure fictive Piège" in shown
    found = cli(capsys, db, "search", "structure fictive piege")
    assert_safe(found)
    assert sid in found and "[bold]gras[/bold]" in found
    notes = cli(capsys, db, "note", "list")
    assert_safe(notes)
    assert_literal(notes)
    notes_one = cli(capsys, db, "note", "list", sid)
    assert_safe(notes_one)


def test_cli_json_escapes_terminal_controls(
    hostile_db: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON keeps the values as stored, with ESC and C0 controls as \\u escapes."""
    db, sid = hostile_db
    out = cli(capsys, db, "show", sid, "--json")
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert json.loads(out)["adresse"] == HOSTILE.strip()
    out = cli(capsys, db, "search", "piege", "--json")
    assert "\x1b" not in out and json.loads(out)["results"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_fiche_files(hostile_db: tuple[Path, str], tmp_path: Path, fmt: str) -> None:
    db, sid = hostile_db
    with Store(db) as store:
        # The need is never written on the fiche: only the structure's data can be hostile.
        result = produce_fiche(store.conn, FicheRequest((sid,)), tmp_path / "f", now=NOW, fmt=fmt)
    text = result.path.read_text(encoding="utf-8")
    assert_safe(text)
    assert "Structure fictive Piège" in text
    if fmt == "html":
        assert "<script" not in text.lower()
        assert "[@click=app.quit]quitter[/]" in text
    assert_safe(result.short)


async def test_tui_shows_hostile_text_literally(hostile_db: tuple[Path, str]) -> None:
    from textual.widgets import Static

    from tests.tui.conftest import detail_text, main_screen, result_names, settle, type_search
    from tui.app import AiguillageApp

    db, _ = hostile_db
    app = AiguillageApp(db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_search(pilot, "structure fictive")
        names = result_names(pilot)
        assert names and "Structure fictive Piège [bold]gras[/bold]" in names[0]
        await pilot.press("down", "enter")
        await settle(pilot)
        detail = detail_text(pilot)
        assert "[@click=app.quit]quitter[/]" in detail
        assert_safe(detail, allow_tab=True)
        # Clicking over the text must not run the action written in it.
        body = main_screen(pilot).query_one("#detail-body", Static)
        for offset in ((2, 0), (10, 1), (30, 2), (5, 3)):
            await pilot.click(body, offset=offset)
            await pilot.pause()
        assert app.is_running
        for name in names:
            assert_safe(name)
        # What the terminal actually receives: the screen, as rendered, holds no escape
        # sequence coming from the data (only Textual's own).
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "\u202e" not in screenshot
        await pilot.press("ctrl+p")  # the command palette lists structures too
        await pilot.press(*"piege")
        await settle(pilot)
        assert app.is_running


# -- Markdown descriptions ------------------------------------------------------------------

HOSTILE_MARKDOWN = (
    f"## Titre {MARKUP}\n\n"
    "[cliquer](javascript:alert(1)) [site](https://exemple.invalid/ok) "
    "[piège](https://exemple.invalid/\x1b]8;;https://mal.invalid\x07x)\n\n"
    f"- point \x1b]0;titre piégé\x07 {BIDI}\n"
    "- **[@click=app.quit]quitter[/]**\n\n"
    "<script>alert(1)</script> ![image](javascript:alert(2))\n"
)


def test_markdown_to_plain_text_is_inert() -> None:
    from store.markdown import to_plain

    text = to_plain(HOSTILE_MARKDOWN)
    assert_safe(text)
    assert_literal(text)
    assert "site (https://exemple.invalid/ok)" in text
    assert "javascript" not in text  # a refused link keeps only its words
    assert "cliquer" in text
    assert "<script>alert(1)</script>" in text  # raw HTML is shown as text, never run
    assert "• point" in text


async def test_tui_markdown_presentation_follows_no_link(fresh_db: Path) -> None:
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownBlock

    from tests.tui.conftest import detail_text, main_screen, settle, type_search
    from tui.app import AiguillageApp

    record = hostile_record("piege-markdown")
    record.nom = "Structure fictive Markdown"
    record.description = HOSTILE_MARKDOWN
    with Store(fresh_db) as store, store.transaction() as conn:
        write_records(conn, [record], ImportReport())
    opened: list[str] = []
    app = AiguillageApp(fresh_db, load_demo=False, now=lambda: NOW)
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 60)) as pilot:
        await type_search(pilot, "structure fictive markdown")
        await pilot.press("enter")
        await settle(pilot)
        text = detail_text(pilot)
        assert_safe(text, allow_tab=True)
        assert "[@click=app.quit]quitter[/]" in text
        presentation = main_screen(pilot).query_one("#detail-presentation", Markdown)
        main_screen(pilot).query_one("#detail").scroll_end(animate=False)
        await pilot.pause()
        clicked = 0
        for block in presentation.query(MarkdownBlock):
            assert "javascript" not in repr(block.render().spans)
            if block.region.height and 0 <= block.region.y < 59:  # on the screen
                for x in (1, 8, 20, 40):
                    await pilot.click(block, offset=(x, 0))
                    clicked += 1
        await pilot.pause()
        assert clicked, "the presentation was never on the screen"
        assert app.is_running
        assert opened == []  # no link of the data is followed
        assert "\x1b]8;;https://mal" not in app.export_screenshot()
