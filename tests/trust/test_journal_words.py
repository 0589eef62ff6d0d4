"""The journal keeps no words: old rows lose their typed need on migration (in the file too),
new rows never get one, and `journal purge` deletes old entries, in the backup as well."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from store.backup import make_backup
from store.db import Store
from store.journal import JournalEntry, log_orientation, summarize
from tests.conftest import FIXTURES
from tui.cli import main

DUMP = FIXTURES / "trust" / "store-v1.sql"
OLD_NEED = b"colis alimentaire"


def test_migration_drops_the_typed_need_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.db"
    conn = sqlite3.connect(path)
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    conn.close()
    assert OLD_NEED in path.read_bytes()
    with Store(path) as store:
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(journal)")]
        assert columns == ["id", "day", "kinds", "thematiques", "commune", "code_insee"]
        assert store.conn.execute("SELECT day, commune FROM journal").fetchall() == [
            ("2024-03-02", "Toulouse")
        ]
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert OLD_NEED not in path.read_bytes()
    assert summarize(sqlite3.connect(path)).total == 1


def _store_with_entries(path: Path) -> Path:
    with Store(path) as store:
        for day in (dt.date(2026, 1, 5), dt.date(2026, 6, 1), dt.date(2026, 11, 2)):
            log_orientation(store.conn, JournalEntry(day=day, kinds=["pimms"], commune="Albi"))
        make_backup(store)
    return path


def test_purge_before_a_day_also_in_the_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _store_with_entries(tmp_path / "j.db")
    assert main(["--db", str(db), "journal", "purge", "--avant", "2026-06-01", "--yes"]) == 0
    assert "1 orientation(s) d'avant le 01/06/2026 effacée(s)" in capsys.readouterr().out
    for path in (db, db.with_name("j.db.sauvegarde")):
        days = sqlite3.connect(path).execute("SELECT day FROM journal ORDER BY day").fetchall()
        assert days == [("2026-06-01",), ("2026-11-02",)], path


def test_purge_everything_asks_for_confirmation_and_refuses_bad_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _store_with_entries(tmp_path / "j.db")
    assert main(["--db", str(db), "journal", "purge"]) == 1  # stdin is not a terminal
    assert "confirmez avec --yes" in capsys.readouterr().err
    assert main(["--db", str(db), "journal", "purge", "--avant", "hier", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "date invalide" in err and err.count("\n") == 1
    assert main(["--db", str(db), "journal", "purge", "--yes"]) == 0
    with Store(db) as store:
        assert summarize(store.conn).total == 0
