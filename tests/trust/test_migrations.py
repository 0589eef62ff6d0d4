"""A store made by schema version 1 (frozen fixture) opens, migrates, and keeps its notes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import store.db as db_module
from store.db import Store, StoreError
from store.doctor import diagnose
from store.notes import add_note, list_notes
from store.schema import SCHEMA_VERSION
from store.search import search
from tests.conftest import FIXTURES

DUMP = FIXTURES / "trust" / "store-v1.sql"
NOTE_COLUMNS = "id, structure_id, created_at, author, text, replaces, hidden_at"


@pytest.fixture
def v1_store(tmp_path: Path) -> Path:
    path = tmp_path / "ancienne.db"
    conn = sqlite3.connect(path)
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    conn.close()
    path.chmod(0o600)
    return path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_fixture_is_version_1(v1_store: Path) -> None:
    assert _rows(v1_store, "PRAGMA user_version") == [(1,)]
    assert SCHEMA_VERSION > 1, "no migration after the first one: the test would be empty"


def test_old_store_migrates_with_notes_intact(v1_store: Path) -> None:
    notes_before = _rows(v1_store, f"SELECT {NOTE_COLUMNS} FROM notes ORDER BY id")
    structures_before = _rows(v1_store, "SELECT id, nom FROM structures ORDER BY id")
    assert len(notes_before) == 4
    with Store(v1_store) as store:
        assert store.schema_version == SCHEMA_VERSION
        conn = store.conn
        assert conn.execute(f"SELECT {NOTE_COLUMNS} FROM notes ORDER BY id").fetchall() == (
            notes_before
        )
        assert conn.execute("SELECT id, nom FROM structures ORDER BY id").fetchall() == (
            structures_before
        )
        current = {n.id: n.text for n in list_notes(conn)}
        assert current == {
            1: "Accueil le matin, sans rendez-vous.",
            3: "Orientation par le CCAS ou la MDS d'abord.",
        }
        assert store.get_setting("author") == "AB"
        assert conn.execute("SELECT structure_id FROM favorites").fetchall() == [("s-fictif-ccas",)]
        # Still append-only, still writable, still searchable.
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE notes SET text = 'x' WHERE id = 1")
        assert add_note(conn, "s-fictif-ccas", "après migration").id == 5
        assert [h.id for h in search(conn, "epicerie")][:1] == ["s-fictif-epicerie"]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    if SCHEMA_VERSION >= 2:  # the orientation index of migration 2, filled from old rows
        assert "structure_tags" in tables
        tags = _rows(
            v1_store, "SELECT tag FROM structure_tags WHERE structure_id = 's-fictif-ccas'"
        )
        assert ("kind:ccas",) in tags
    assert diagnose(v1_store).healthy, diagnose(v1_store).problems


def test_failed_migration_changes_nothing(v1_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that breaks halfway is rolled back whole: the old store stays usable."""
    broken = [*db_module.MIGRATIONS, ["CREATE TABLE nouvelle (x)", "SELECT * FROM introuvable"]]
    monkeypatch.setattr(db_module, "MIGRATIONS", broken)
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", len(broken))
    notes_before = _rows(v1_store, f"SELECT {NOTE_COLUMNS} FROM notes ORDER BY id")
    with pytest.raises(StoreError):
        Store(v1_store)
    assert _rows(v1_store, "PRAGMA user_version") == [(1,)]
    assert _rows(v1_store, "SELECT name FROM sqlite_master WHERE name = 'nouvelle'") == []
    assert _rows(v1_store, f"SELECT {NOTE_COLUMNS} FROM notes ORDER BY id") == notes_before
