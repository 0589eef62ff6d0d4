"""`note effacer ID` (the RGPD right to erasure) and `notes purge`: the text is gone from
the store, its WAL, its backup and the copy kept by `restore` — the tests grep the files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from store.backup import make_backup
from store.db import Store
from store.erase import PENDING_KEY, note_ids
from store.notes import add_note, edit_note, hide_note
from tests.conftest import FIXTURES
from tui.cli import main

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"
SIDE_FILES = ("", "-wal", "-shm", ".sauvegarde", ".avant-restauration")


def files_of(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in SIDE_FILES if db.with_name(db.name + s).exists()]


def holding(db: Path, needle: str) -> list[str]:
    """The store's files whose bytes contain `needle`."""
    raw = needle.encode()
    return [p.name for p in files_of(db) if raw in p.read_bytes()]


@pytest.fixture
def store_with_secret(fresh_db: Path) -> tuple[Path, int, str]:
    """A note with two versions, in the backup and in the copy restore keeps, and a note
    that stays."""
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    with Store(fresh_db) as store:
        sid = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        first = add_note(store.conn, sid, "SECRET-EFFACE-1 Mme Dupont, née le 12/03/1980")
        second = edit_note(store.conn, first.id, "SECRET-EFFACE-2 Mme Dupont rappelée")
        hide_note(store.conn, second.id)
        add_note(store.conn, sid, "NOTE-GARDEE à garder")
        make_backup(store)
    assert main(["--db", str(fresh_db), "restore"]) == 0  # writes .avant-restauration
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    assert len(holding(fresh_db, "SECRET-EFFACE-2")) >= 3  # store, backup, restore's copy
    return fresh_db, second.id, sid


def test_note_effacer_erases_every_version_everywhere(
    store_with_secret: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, note_id, _ = store_with_secret
    # A second connection keeps the store open (the TUI in another window): the WAL too
    # must lose the text.
    with Store(db) as other:
        other.conn.execute("SELECT count(*) FROM notes").fetchone()
        capsys.readouterr()
        assert main(["--db", str(db), "note", "effacer", str(note_id), "--yes"]) == 0
        out = capsys.readouterr().out
        assert "effacée pour de bon avec ses 2 version(s)" in out
        assert "sauvegarde" in out
        for secret in ("SECRET-EFFACE-1", "SECRET-EFFACE-2", "12/03/1980"):
            assert holding(db, secret) == [], secret
        assert "aiguillage.db-wal" not in holding(db, "SECRET") and holding(db, "NOTE-GARDEE"), (
            "the other note stays"
        )
    with Store(db) as store:
        texts = [r[0] for r in store.conn.execute("SELECT text FROM notes")]
        assert texts == ["NOTE-GARDEE à garder"]
        assert store.get_setting(PENDING_KEY) is None
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("UPDATE notes SET text = 'x'")
    assert main(["--db", str(db), "note", "effacer", str(note_id), "--yes"]) != 0
    assert "note inconnue" in capsys.readouterr().err


def test_erasing_any_version_erases_the_whole_chain(
    store_with_secret: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, note_id, _ = store_with_secret
    assert main(["--db", str(db), "note", "erase", str(note_id - 1), "--yes"]) == 0
    assert holding(db, "SECRET-EFFACE") == []


def test_note_effacer_asks_for_confirmation(
    store_with_secret: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, note_id, _ = store_with_secret
    assert main(["--db", str(db), "note", "effacer", str(note_id)]) != 0  # stdin is no tty
    assert "--yes" in capsys.readouterr().err
    assert holding(db, "SECRET-EFFACE-2")


def test_an_interrupted_erasure_is_finished_by_the_next_one(
    store_with_secret: tuple[Path, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed after its deletion committed, before the file was rewritten: the marker stays,
    `doctor` says so, and the next purge rewrites the file."""
    db, note_id, _ = store_with_secret
    from store.erase import _delete

    for path in files_of(db):  # copies first, then the store, as erase() does
        if path.name.endswith(("-wal", "-shm")):
            continue
        conn = sqlite3.connect(path, isolation_level=None)
        _delete(conn, note_ids([note_id - 1, note_id]))
        conn.close()
    assert main(["--db", str(db), "doctor"]) != 0
    assert "effacement de notes a été interrompu" in capsys.readouterr().out
    assert main(["--db", str(db), "notes", "purge", "--older-than", "999999j", "--yes"]) == 0
    assert holding(db, "SECRET-EFFACE-2") == []


def test_purge_twice_is_a_no_op_and_cleans_a_copy_left_behind(
    fresh_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A purge killed after the backup but before the store: the next purge finishes."""
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    old = (dt.datetime.now() - dt.timedelta(days=800)).isoformat(timespec="seconds")
    with Store(fresh_db) as store:
        sid = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        store.conn.execute(
            "INSERT INTO notes(structure_id, created_at, text) VALUES (?, ?, 'VIEILLE-NOTE')",
            (sid, old),
        )
        make_backup(store)
    backup = fresh_db.with_name(fresh_db.name + ".sauvegarde")
    scratch = fresh_db.with_name(fresh_db.name + ".sauvegarde.tmp")
    scratch.write_bytes(backup.read_bytes())  # a backup killed while being written
    for _ in range(2):
        assert main(["--db", str(fresh_db), "notes", "purge", "--older-than", "24m", "--yes"]) == 0
        assert holding(fresh_db, "VIEILLE-NOTE") == [] and not scratch.exists()
    assert "Aucune note plus ancienne" in capsys.readouterr().out


def test_erasing_a_shared_note_erases_it_from_the_team_folder(
    fresh_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "equipe"
    folder.mkdir()
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    assert main(["--db", str(fresh_db), "equipe", "rejoindre", str(folder)]) == 0
    with Store(fresh_db) as store:
        sid = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
    args = ["--db", str(fresh_db), "note", "add", sid, "SECRET-PARTAGE Mme Y", "--partagee"]
    assert main(args) == 0
    assert main(["--db", str(fresh_db), "equipe", "synchroniser"]) == 0
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(b"SECRET-PARTAGE" in p.read_bytes() for p in files)
    with Store(fresh_db) as store:
        note_id = store.conn.execute("SELECT max(id) FROM notes").fetchone()[0]
    assert main(["--db", str(fresh_db), "note", "effacer", str(note_id), "--yes"]) == 0
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert not any(b"SECRET-PARTAGE" in p.read_bytes() for p in files)
    assert any(b'"erased"' in p.read_bytes() for p in files)
    assert holding(fresh_db, "SECRET-PARTAGE") == []
