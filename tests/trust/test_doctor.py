"""`aiguillage doctor`: each kind of damage is found, reported in French, with a way out."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from store.db import Store
from store.doctor import diagnose
from store.notes import add_note
from tests.conftest import FIXTURES
from tui.cli import main

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"


def doctor(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str]:
    code = main(["--db", str(db), "doctor", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


@pytest.fixture
def loaded(fresh_db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["--db", str(fresh_db), "import", str(MAIRIES)]) == 0
    with Store(fresh_db) as store:
        sid = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
        add_note(store.conn, sid, "accueil sans rendez-vous le mardi")
    capsys.readouterr()
    return fresh_db


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_healthy_store(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _sha(loaded)
    code, out = doctor(capsys, loaded)
    assert code == 0, out
    assert "Tout va bien." in out and "intégrité du fichier vérifiée" in out
    assert _sha(loaded) == before  # a diagnosis changes nothing
    code, out = doctor(capsys, loaded, "--json")
    data = json.loads(out)
    assert data["healthy"] is True
    assert {f["check"] for f in data["findings"]} >= {
        "integrity",
        "schema",
        "orphans",
        "fts",
        "permissions",
        "notes",
        "backup",
    }


def test_missing_store_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "absente.db"
    code, out = doctor(capsys, db)
    assert code != 0 and "n'existe pas" in out
    assert not db.exists()


def test_corrupted_file_points_to_restore(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(loaded), "import", str(MAIRIES)]) == 0  # makes a backup
    data = bytearray(loaded.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 7):
        data[offset + 100 : offset + 400] = b"\xa5" * 300
    loaded.write_bytes(bytes(data))
    code, out = doctor(capsys, loaded)
    assert code != 0
    assert "endommagé" in out or "ne peut pas être lue" in out
    assert f"aiguillage --db '{loaded}' restore" in out


def test_orphans_found(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _raw(
        loaded,
        "INSERT INTO services(id, structure_id, source, nom) VALUES ('sv-x', 'disparue', 't', 'S')",
        "INSERT INTO notes(structure_id, created_at, text) VALUES ('disparue', '2024-01-01', 'n')",
    )
    code, out = doctor(capsys, loaded)
    assert code != 0
    assert "1 service(s) rattaché(s) à aucune structure" in out
    assert "1 note(s) dont la structure a disparu" in out


def test_fts_out_of_sync_found_and_repaired(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _raw(loaded, "DELETE FROM structures_fts WHERE rowid = (SELECT min(num) FROM structures)")
    code, out = doctor(capsys, loaded)
    assert code != 0 and "1 structure(s) absente(s) de l'index" in out
    assert "--reparer" in out
    code, out = doctor(capsys, loaded, "--reparer")
    assert code == 0, out
    assert "index de recherche reconstruit" in out
    assert diagnose(loaded).healthy


def test_loose_permissions_found_and_repaired(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded.chmod(0o644)
    code, out = doctor(capsys, loaded)
    assert code != 0 and "lisible par d'autres comptes" in out
    code, out = doctor(capsys, loaded, "--reparer")
    assert code == 0
    assert loaded.stat().st_mode & 0o777 == 0o600


def test_newer_schema_and_missing_note_protection(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _raw(loaded, "DROP TRIGGER notes_immutable")
    code, out = doctor(capsys, loaded)
    assert code != 0 and "protection des notes" in out
    _raw(loaded, "PRAGMA user_version = 99")
    code, out = doctor(capsys, loaded)
    assert code != 0 and "plus récent que ce programme" in out


def test_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "texte.db"
    db.write_text("ceci n'est pas une base\n" * 200)
    db.chmod(0o600)
    code, out = doctor(capsys, db)
    assert code != 0 and "ne peut pas être lue" in out
