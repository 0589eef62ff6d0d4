"""Privacy: private files whatever the umask; notes export and purge (text really gone)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from importers.runner import import_file, write_rejects
from store.backup import make_backup
from store.db import Store
from store.models import Reject
from store.notes import add_note, edit_note
from tests.conftest import FIXTURES
from tui.cli import main

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Files would be world-readable (0666/0777) if the code relied on the umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_store_side_files_and_backup_are_private(tmp_path: Path) -> None:
    db = tmp_path / "nouveau" / "dossier" / "aiguillage.db"
    with Store(db) as store:
        assert mode(db.parent) == 0o700
        assert mode(db) == 0o600
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            assert side.exists() and mode(side) == 0o600, suffix
        report = import_file(store, MAIRIES)
        assert report.added == 4
        backup = make_backup(store)
    assert backup is not None and mode(backup) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_rejects_file_and_notes_export_are_private(
    fresh_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(fresh_db) as store:
        rejects = write_rejects(store, MAIRIES, [Reject("ligne 3", "nom manquant")])
    assert rejects is not None and mode(rejects) == 0o600
    out = tmp_path / "export.json"
    assert main(["--db", str(fresh_db), "notes", "export", "-o", str(out)]) == 0
    assert mode(out) == 0o600


@pytest.fixture
def with_old_notes(fresh_db: Path) -> tuple[Path, dict[str, int]]:
    """Two notes written 14 months ago (one edited since), one from last week."""
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    old = (dt.datetime.now() - dt.timedelta(days=430)).isoformat(timespec="seconds")
    week = (dt.datetime.now() - dt.timedelta(days=7)).isoformat(timespec="seconds")
    with Store(fresh_db) as store:
        sid = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        conn = store.conn
        ids = {}
        for key, when, text in (
            ("old", old, "SECRET-ANCIEN-1 Mme X. orientée vers le CCAS"),
            ("old_edited", old, "SECRET-ANCIEN-2 à rappeler"),
            ("recent", week, "note récente à garder"),
        ):
            cursor = conn.execute(
                "INSERT INTO notes(structure_id, created_at, text) VALUES (?,?,?)",
                (sid, when, text),
            )
            ids[key] = cursor.lastrowid
        ids["new_version"] = edit_note(conn, ids["old_edited"], "version récente, à garder").id
        ids["today"] = add_note(conn, sid, "note du jour").id
        make_backup(store)  # the backup holds the old notes too
    return fresh_db, ids


def test_notes_export_json_and_csv(
    with_old_notes: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = with_old_notes
    capsys.readouterr()
    assert main(["--db", str(db), "notes", "export"]) == 0
    data = json.loads(capsys.readouterr().out)
    current = {n["id"] for n in data["notes"]}
    assert current == {ids["old"], ids["recent"], ids["new_version"], ids["today"]}
    assert main(["--db", str(db), "notes", "export", "--format", "csv", "--history"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {int(r["id"]) for r in rows} == set(ids.values())
    assert {"structure_nom", "text", "created_at"} <= set(rows[0])


def test_purge_older_than_12_months(
    with_old_notes: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, ids = with_old_notes
    assert main(["--db", str(db), "notes", "purge", "--older-than", "12m", "--yes"]) == 0
    assert "2 note(s) effacée(s)" in capsys.readouterr().out
    with Store(db) as store:
        kept = {r[0]: r[1] for r in store.conn.execute("SELECT id, replaces FROM notes")}
        assert set(kept) == {ids["recent"], ids["new_version"], ids["today"]}
        assert kept[ids["new_version"]] is None  # its old version is gone, its text stays
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("UPDATE notes SET text = 'x' WHERE id = ?", (ids["recent"],))
    # The purged text is gone from the files themselves, the backup included.
    backup = db.with_name(db.name + ".sauvegarde")
    for path in (db, backup):
        raw = path.read_bytes()
        assert b"SECRET-ANCIEN" not in raw, path.name
        assert b"note r\xc3\xa9cente" in raw, path.name
    with Store(backup) as restored:
        assert restored.count("notes") == 3


def test_purge_refuses_bad_duration_and_needs_confirmation(
    with_old_notes: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = with_old_notes
    assert main(["--db", str(db), "notes", "purge", "--older-than", "douze"]) != 0
    assert "durée invalide" in capsys.readouterr().err
    assert main(["--db", str(db), "notes", "purge", "--older-than", "12m"]) != 0  # no tty
    with Store(db) as store:
        assert store.count("notes") == 5
