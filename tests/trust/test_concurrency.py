"""The TUI (or any long-lived store) open while `aiguillage import` runs in another process:
no "database is locked" reaches the user, and the new data shows up."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from store.db import Store
from store.notes import add_note
from store.search import search
from tests.conftest import ROOT

from .conftest import cli_command, copy_store, mairies_rows, run_cli

pytestmark = pytest.mark.slow

FIRST = 400  # town halls in the store before
SECOND = 1500  # town halls in the file imported meanwhile
NEWCOMER = 1200  # a row only in the second file


@pytest.fixture
def stores(template_db: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """(store with FIRST town halls, file with SECOND town halls, a newcomer's commune)."""
    db = copy_store(template_db, tmp_path / "store.db")
    first = tmp_path / "premier.csv"
    first.write_text("\n".join(mairies_rows(FIRST)) + "\n", encoding="utf-8")
    assert run_cli(db, "import", str(first)).returncode == 0
    rows = mairies_rows(SECOND)
    second = tmp_path / "second.csv"
    second.write_text("\n".join(rows) + "\n", encoding="utf-8")
    commune = rows[NEWCOMER].split(",")[1]
    return db, second, commune


def _start_import(db: Path, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(db, "import", str(path)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_store_settings_for_concurrency(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_reader_and_note_writer_during_import(stores: tuple[Path, Path, str]) -> None:
    db, second, commune = stores
    reader = Store(db)  # opened before the import, kept open, like the TUI's
    try:
        assert all(h.commune != commune for h in search(reader.conn, commune))
        sid = reader.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        process = _start_import(db, second)
        seen: set[int] = set()
        notes = 0
        errors: list[str] = []
        while process.poll() is None:
            try:
                seen.add(reader.count("structures"))
                search(reader.conn, "mairie", limit=20)
                add_note(reader.conn, sid, f"note pendant l'import {notes}")
                notes += 1
            except sqlite3.OperationalError as exc:  # "database is locked" and the like
                errors.append(str(exc))
            time.sleep(0.01)
        _, err = process.communicate()
        assert process.returncode == 0, err
        assert "locked" not in err and "verrouill" not in err
        assert errors == []
        assert seen <= {FIRST, SECOND}  # never half an import
        # The long-lived reader sees the new data, search index and vocabulary included.
        assert reader.count("structures") == SECOND
        assert any(h.commune == commune for h in search(reader.conn, commune))
        assert reader.count("notes") == notes
    finally:
        reader.close()


async def test_tui_open_during_import(stores: tuple[Path, Path, str]) -> None:
    from tests.tui.conftest import result_names, settle, type_search
    from tui.app import AiguillageApp

    db, second, commune = stores
    app = AiguillageApp(db, load_demo=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_search(pilot, commune)
        assert not any(commune in name for name in result_names(pilot))
        sid = app.store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        process = _start_import(db, second)
        typed = 0
        while process.poll() is None:
            # The worker keeps searching and saving notes while the other process writes.
            await pilot.press("backspace", commune[-1])
            await settle(pilot)
            add_note(app.store.conn, sid, f"note depuis l'interface {typed}")
            typed += 1
            await asyncio.sleep(0.02)
        _, err = process.communicate()
        assert process.returncode == 0, err
        await type_search(pilot, commune)
        assert any(commune in name for name in result_names(pilot))
        assert app.is_running
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "locked" not in messages and "verrouill" not in messages
        assert typed > 0
