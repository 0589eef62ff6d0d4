"""Issue 15, one test (or more) per failure found by the adversarial run: restore keeps what
the worker wrote, doctor advises restore only for damage, durability settings, honest
messages, another program's file left alone, private modes, no « erreur inattendue »,
coded fields validated at import. All data here is FICTIONAL."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from store.db import Store, StoreError
from store.doctor import diagnose
from store.models import StructureRecord
from store.notes import add_note
from store.writer import ImportReport, record_id, write_records
from tests.conftest import FIXTURES, ROOT
from tui.cli import main

from .conftest import CLI

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"
BOM = FIXTURES / "opendata" / "tableau-bom.csv"


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_french_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "erreur inattendue" not in err, err
    return lines[0]


# -- 2. restore keeps the notes; doctor advises restore only for damage ----------------------


@pytest.fixture
def imported_twice(fresh_db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """Town halls, then a second file (the backup holds the town halls only), then notes,
    a favourite and a setting written after the backup, on a structure of the second file."""
    assert run(capsys, fresh_db, "import", str(MAIRIES))[0] == 0
    assert run(capsys, fresh_db, "import", str(BOM))[0] == 0
    with Store(fresh_db) as store:
        sid = store.conn.execute(
            "SELECT id FROM structures WHERE source != 'dila-mairies' LIMIT 1"
        ).fetchone()[0]
        add_note(store.conn, sid, "NOTE-APRES-SAUVEGARDE à garder")
        store.conn.execute("INSERT INTO favorites VALUES (?, '2026-12-06')", (sid,))
        store.set_setting("author", "AB")
    return fresh_db, sid


def test_restore_keeps_what_was_written_since_the_backup(
    imported_twice: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = imported_twice
    code, out, _ = run(capsys, db, "restore")
    assert code == 0
    assert "1 note(s), 1 favori(s)" in out and "avant-restauration" in out
    with Store(db) as store:
        assert [n[0] for n in store.conn.execute("SELECT text FROM notes")] == [
            "NOTE-APRES-SAUVEGARDE à garder"
        ]
        assert store.get_setting("author") == "AB"
        # The structure of the note came with the second file: kept, marked absent.
        assert store.conn.execute("SELECT absent FROM structures WHERE id = ?", (sid,)).fetchone()
        assert store.count("structures", "source = 'dila-mairies'") == 4
        assert store.count("structures") == 5
    copy = db.with_name(db.name + ".avant-restauration")
    with Store(copy) as replaced:  # the state it replaced, whole
        assert replaced.count("structures") == 6 and replaced.count("notes") == 1
    code, out, _ = run(capsys, db, "search", "fictive")
    assert code == 0  # the kept structure is still found


def test_restore_refuses_a_damaged_backup(
    imported_twice: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = imported_twice
    backup = db.with_name(db.name + ".sauvegarde")
    backup.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    code, _, err = run(capsys, db, "restore")
    line = one_french_line(err)
    assert code == 1 and "sauvegarde endommagée" in line and str(backup) in line
    with Store(db) as store:
        assert store.count("notes") == 1 and store.count("structures") == 6


def test_restore_of_a_damaged_store_refuses_when_its_notes_cannot_be_read(
    imported_twice: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = imported_twice
    raw = bytearray(db.read_bytes())
    raw[100:4096] = b"\x00" * (4096 - 100)  # the schema page: nothing can be read
    db.write_bytes(bytes(raw))
    code, _, err = run(capsys, db, "restore")
    assert code == 1 and "--perdre-les-notes" in one_french_line(err)
    assert run(capsys, db, "restore", "--perdre-les-notes")[0] == 0
    with Store(db) as store:
        assert store.count("structures") == 4
    assert db.with_name(db.name + ".avant-restauration").read_bytes() == bytes(raw)


@pytest.mark.parametrize("situation", ["newer_schema", "wal_missing", "foreign", "fts"])
def test_doctor_advises_restore_only_for_damage(
    imported_twice: tuple[Path, str], situation: str
) -> None:
    db, _ = imported_twice
    holder = None
    if situation == "newer_schema":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version = 999")
        conn.close()
    elif situation == "foreign":
        db.unlink()
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE autre (x)")
        conn.commit()
        conn.close()
    elif situation == "fts":
        conn = sqlite3.connect(db)
        conn.execute(
            "DELETE FROM structures_fts WHERE rowid IN (SELECT rowid FROM structures_fts LIMIT 1)"
        )
        conn.commit()
        conn.close()
    else:
        holder = Store(db)
        add_note(holder.conn, holder.conn.execute("SELECT id FROM structures").fetchone()[0], "x")
        db.with_name(db.name + "-wal").unlink()
    try:
        diagnosis = diagnose(db)
    finally:
        if holder is not None:
            holder.close()
    assert not diagnosis.healthy
    advice = " ".join(diagnosis.advice())
    assert " restore »" not in advice, advice
    assert "notes export" not in advice
    assert "perdu" in advice or "gardé" in advice  # says what it keeps and loses
    if situation == "wal_missing":
        assert "wal" in {f.check for f in diagnosis.problems}


def test_doctor_advises_restore_for_a_damaged_file_and_says_what_it_keeps(
    imported_twice: tuple[Path, str],
) -> None:
    db, _ = imported_twice
    raw = bytearray(db.read_bytes())
    raw[100:4096] = b"\x00" * (4096 - 100)
    db.write_bytes(bytes(raw))
    advice = " ".join(diagnose(db).advice())
    assert " restore »" in advice and "garde les notes" in advice and "perd" in advice
    assert "notes export" not in advice  # it could not read them


# -- 3. coded fields validated at import -----------------------------------------------------


def test_kind_and_departement_from_data_must_be_codes(fresh_db: Path) -> None:
    record = StructureRecord(
        nom="Épicerie solidaire fictive",
        source="tests-fictif",
        source_id="k1",
        kind="\x1b]0;piège\x07\nFAUX",
        departement="77\x1b[2J",
        code_postal="77000",
    )
    with Store(fresh_db) as store:
        with store.transaction() as conn:
            write_records(conn, [record], ImportReport())
        kind, dep = store.conn.execute(
            "SELECT kind, departement FROM structures WHERE id = ?", (record_id(record),)
        ).fetchone()
    from store import kinds

    assert kind in kinds.BY_SLUG and dep == "77"


# -- 4. durability ---------------------------------------------------------------------------


def test_note_writes_are_synced_before_they_are_acknowledged(fresh_db: Path) -> None:
    with Store(fresh_db) as store:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- 6. honest messages ----------------------------------------------------------------------


def test_many_processes_opening_a_new_store_together(tmp_path: Path) -> None:
    """The migration runs under the write lock and re-reads the version: no process sees
    « table already exists »."""
    db = tmp_path / "nouvelle.db"
    code = "from store.db import Store; Store(__import__('sys').argv[1]).close()"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(db)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(12)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert all(p.returncode == 0 for p in processes), [e for e in errors if e][:1]


def test_a_store_this_account_cannot_write_is_read_read_only(
    imported_twice: tuple[Path, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    db, _ = imported_twice
    # As root every file is writable: simulate what a read-only mount or a 0400 file does.
    monkeypatch.setattr("tui.cli.common.writable", lambda path: False)
    before = db.read_bytes()
    code, out, err = run(capsys, db, "search", "mairie")
    assert code == 0 and "Mairie" in out
    assert "lecture seule" in one_french_line(err)
    assert db.read_bytes() == before
    with (
        Store(db, read_only=True) as store,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        store.conn.execute("DELETE FROM notes")


def test_disk_full_is_said_as_such(
    imported_twice: tuple[Path, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    db, sid = imported_twice
    original = Store.__init__

    def tiny(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Store, "__init__", tiny)
    code, _, err = run(capsys, db, "note", "add", sid, "z" * 200_000)
    line = one_french_line(err)
    assert code == 1 and "disque plein" in line and "rollback" not in line


# -- 7. another program's SQLite file --------------------------------------------------------


def test_another_programs_sqlite_file_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "autre.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (nom TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Mme Fictive')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    code, _, err = run(capsys, other, "stats")
    assert code == 1 and "pas une base Aiguillage" in one_french_line(err)
    assert other.read_bytes() == before
    with pytest.raises(StoreError):
        Store(other)
    assert other.read_bytes() == before


# -- 8. modes --------------------------------------------------------------------------------


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_folders_created_are_private_whatever_the_umask(tmp_path: Path) -> None:
    db = tmp_path / "a" / "b" / "c" / "aiguillage.db"
    Store(db).close()
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.usefixtures("open_umask")
def test_an_export_replacing_a_readable_file_becomes_private(
    fresh_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "notes.json"
    out.write_text("ancien")
    out.chmod(0o644)
    assert run(capsys, fresh_db, "notes", "export", "-o", str(out))[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# -- 9. no « erreur inattendue » -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("notes", "purge", "--older-than", "999999999999m", "--yes"), "durée invalide"),
        (("notes", "export", "-o", "{tmp}/absent/notes.json"), "introuvable"),
        (("notes", "export", "-o", "{tmp}"), "dossier"),
        (("notes", "export", "-o", "/dev/full"), "disque plein"),
    ],
)
def test_user_errors_are_one_french_line(
    fresh_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    fragment: str,
) -> None:
    if "/dev/full" in args and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    code, _, err = run(capsys, fresh_db, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code != 0 and fragment in one_french_line(err)


def test_invalid_utf8_argument(fresh_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CLI, "--db", str(fresh_db), "search", "caf\udce9"],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and "UTF-8" in one_french_line(err)


def test_a_store_folder_that_is_not_a_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    code, _, err = run(capsys, blocker / "aiguillage.db", "stats")
    assert code == 1 and str(blocker) in one_french_line(err)


@pytest.mark.usefixtures("open_umask")
def test_fiche_folders_and_rejects_file_are_private(fresh_db: Path, tmp_path: Path) -> None:
    from importers.runner import write_rejects
    from store.models import Reject
    from tui.fiche import private_dir

    private_dir(tmp_path / "x" / "y" / "fiches")
    for folder in (tmp_path / "x", tmp_path / "x" / "y", tmp_path / "x" / "y" / "fiches"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    with Store(fresh_db) as store:
        first = write_rejects(store, MAIRIES, [Reject("ligne 2", "motif")])
        assert first is not None
        first.chmod(0o644)  # left readable by an older version
        write_rejects(store, MAIRIES, [Reject("ligne 3", "motif")])
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
