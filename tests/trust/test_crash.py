"""Crash safety: SIGKILL in the middle of an import or of saving notes, at random points.

Each time, the store must open, pass `PRAGMA integrity_check`, hold every note that was
acknowledged before the kill, and show the interrupted import either not at all or whole.
The delays come from a seeded RNG, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.db import Store
from tests.conftest import ROOT

from .conftest import cli_command, copy_store, integrity, mairies_rows, run_cli

pytestmark = pytest.mark.slow

SEED = 8_2024
IMPORT_KILLS = 22
NOTE_KILLS = 26
LARGE_KILLS = 2  # total: 50 kills


def _digest(conn: sqlite3.Connection, sql: str) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for row in conn.execute(sql):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def snapshot(path: Path) -> dict[str, object]:
    """Everything an import may change, and the notes, in a comparable form."""
    conn = sqlite3.connect(path)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "structures": one("SELECT count(*) FROM structures"),
            "structures_digest": _digest(
                conn, "SELECT id, content_hash, absent, nom, adresse FROM structures ORDER BY id"
            ),
            "services": one("SELECT count(*) FROM services"),
            "fts": _digest(conn, "SELECT rowid, nom, lieu FROM structures_fts ORDER BY rowid"),
            "sources": _digest(
                conn,
                "SELECT name, format, added, updated, unchanged, rejected, absent, removed "
                "FROM sources ORDER BY id",
            ),
            "notes": _digest(conn, "SELECT id, structure_id, text FROM notes ORDER BY id"),
        }
    finally:
        conn.close()


def _kill_after(command: list[str], delay: float) -> subprocess.CompletedProcess[str]:
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _check_backup(db: Path) -> None:
    backup = db.with_name(db.name + ".sauvegarde")
    if backup.exists():  # written to a temp file then renamed: never half a backup
        assert integrity(backup) == "ok"


def test_kill_during_import(template_db: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    # Before: 600 town halls imported, with notes. The interrupted import brings 1 500,
    # 150 of the first ones with a changed address (updates, additions, and absences).
    first = tmp_path / "avant.csv"
    first.write_text("\n".join(mairies_rows(600)) + "\n", encoding="utf-8")
    header, *rows = mairies_rows(1500, skip=150)
    rows = [row.replace(",", ",Modifiée-", 1) if i < 150 else row for i, row in enumerate(rows)]
    second = tmp_path / "apres.csv"
    second.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    before_db = copy_store(template_db, tmp_path / "before.db")
    assert run_cli(before_db, "import", str(first)).returncode == 0
    with Store(before_db) as store:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM structures LIMIT 5")]
    for sid in ids:
        assert run_cli(before_db, "note", "add", sid, f"note avant import {sid}").returncode == 0
    before = snapshot(before_db)

    calibration = copy_store(before_db, tmp_path / "calibration.db")
    start = time.perf_counter()
    done = run_cli(calibration, "import", str(second))
    duration = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    after = snapshot(calibration)
    assert after["structures"] != before["structures"]
    assert after["notes"] == before["notes"]

    outcomes = {"avant l'écriture": 0, "pendant l'écriture": 0, "après": 0}
    db = tmp_path / "run.db"
    for _ in range(IMPORT_KILLS):
        copy_store(before_db, db)
        delay = rng.uniform(0.05, duration * 1.05)
        _kill_after(cli_command(db, "import", str(second)), delay)
        with Store(db) as store:  # opens (and would migrate) like the app does
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        state = snapshot(db)
        assert state in (before, after), f"import half-done after a kill at {delay:.2f} s"
        _check_backup(db)
        if state == after:
            outcomes["après"] += 1
        elif db.with_name(db.name + ".sauvegarde").exists():  # the backup precedes the write
            outcomes["pendant l'écriture"] += 1
        else:
            outcomes["avant l'écriture"] += 1
    print(f"import kills: {outcomes} (full run {duration:.2f} s)")
    assert outcomes["pendant l'écriture"] > 0, "no kill landed while the import was writing"


def test_kill_during_large_import(template_db: Path, tmp_path: Path) -> None:
    """The embedded national file (34 861 town halls), killed while it is being written."""
    rng = random.Random(SEED + 1)
    from importers.mairies import default_path

    db = tmp_path / "large.db"
    for _ in range(LARGE_KILLS):
        copy_store(template_db, db)
        delay = rng.uniform(1.0, 5.0)
        result = _kill_after(cli_command(db, "import", str(default_path())), delay)
        assert integrity(db) == "ok"
        state = snapshot(db)
        with Store(db) as store:
            sources = store.count("sources")
            fts = store.count("structures_fts")
        if result.returncode == 0:
            assert (state["structures"], sources, fts) == (34861, 1, 34861)
        else:
            assert (state["structures"], sources, fts) in ((0, 0, 0), (34861, 1, 34861))
        _check_backup(db)


NOTE_WRITER = """
import sys
from store.db import Store
from store.notes import add_note, edit_note, hide_note
store = Store(sys.argv[1])
sids = [r[0] for r in store.conn.execute("SELECT id FROM structures ORDER BY id LIMIT 20")]
run = sys.argv[2]
i = 0
while True:
    text = f"note {run}-{i} " + "x" * (i % 7 * 300)
    note = add_note(store.conn, sids[i % len(sids)], text, "AB")
    print(f"ok {note.id} {run}-{i}", flush=True)
    if i % 5 == 4:
        new = edit_note(store.conn, note.id, text + " (modifiée)")
        print(f"ok {new.id} {run}-{i}e", flush=True)
    if i % 9 == 8:
        hide_note(store.conn, note.id)
        print(f"hidden {note.id}", flush=True)
    i += 1
"""


def test_kill_while_saving_notes(template_db: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 2)
    db = copy_store(template_db, tmp_path / "notes.db")
    source = tmp_path / "m.csv"
    source.write_text("\n".join(mairies_rows(30)) + "\n", encoding="utf-8")
    assert run_cli(db, "import", str(source)).returncode == 0

    acknowledged: dict[int, str] = {}
    hidden: set[int] = set()
    for run in range(NOTE_KILLS):
        delay = rng.uniform(0.05, 0.8)
        result = _kill_after([sys.executable, "-c", NOTE_WRITER, str(db), str(run)], delay)
        assert result.returncode == -signal.SIGKILL, result.stderr
        for line in result.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "ok":
                acknowledged[int(parts[1])] = parts[2]
            elif len(parts) == 2 and parts[0] == "hidden":
                hidden.add(int(parts[1]))
        assert integrity(db) == "ok"
        conn = sqlite3.connect(db)
        try:
            stored = {
                i: (t, h) for i, t, h in conn.execute("SELECT id, text, hidden_at FROM notes")
            }
        finally:
            conn.close()
        for note_id, tag in acknowledged.items():
            assert note_id in stored, f"acknowledged note {tag} lost after kill {run}"
            assert stored[note_id][0].split()[1] == tag.removesuffix("e")
        for note_id in hidden:
            assert stored[note_id][1] is not None
    print(f"note kills: {NOTE_KILLS}, acknowledged notes kept: {len(acknowledged)}")
    assert len(acknowledged) > NOTE_KILLS  # the writers did get to write


# -- purge and restore, killed ---------------------------------------------------------------
PURGE_KILLS = 16
RESTORE_KILLS = 16  # with the 50 above: 82 kills; 32 of them during purge and restore
PURGED = "PURGEE-"
SIDE = ("", "-wal", ".sauvegarde", ".sauvegarde-wal", ".avant-restauration")


def _copy_with_sides(source: Path, target: Path) -> Path:
    for suffix in (*SIDE, "-shm", ".sauvegarde.tmp", ".avant-restauration.tmp"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    for suffix in ("", ".sauvegarde"):
        if source.with_name(source.name + suffix).exists():
            shutil.copyfile(
                source.with_name(source.name + suffix), target.with_name(target.name + suffix)
            )
            target.with_name(target.name + suffix).chmod(0o600)
    return target


def _files_holding(db: Path, needle: bytes) -> list[str]:
    found = []
    for suffix in SIDE:
        path = db.with_name(db.name + suffix)
        if path.exists() and needle in path.read_bytes():
            found.append(path.name)
    return found


def _note_texts(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT text FROM notes")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def purge_base(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    """30 town halls, a second import (so a backup), 40 notes of two years ago (one edited
    since) that a purge erases, and recent notes that stay. All in the backup too."""
    folder = tmp_path_factory.mktemp("purge")
    db = copy_store(template_db, folder / "base.db")
    first = folder / "a.csv"
    first.write_text("\n".join(mairies_rows(30)) + "\n", encoding="utf-8")
    assert run_cli(db, "import", str(first)).returncode == 0
    old = "2020-01-01T10:00:00"
    with Store(db) as store:
        sids = [r[0] for r in store.conn.execute("SELECT id FROM structures ORDER BY id")]
        with store.transaction() as conn:
            for i in range(40):
                conn.execute(
                    "INSERT INTO notes(structure_id, created_at, text) VALUES (?, ?, ?)",
                    (sids[i % len(sids)], old, f"{PURGED}{i:03d} " + "confidentiel " * (i * 20)),
                )
        from store.notes import add_note, edit_note

        edit_note(store.conn, 1, "version récente d'une note ancienne, à garder")
        for i in range(10):
            add_note(store.conn, sids[i], f"GARDEE-{i:03d} note récente")
    second = folder / "b.csv"
    second.write_text("\n".join(mairies_rows(60)) + "\n", encoding="utf-8")
    assert run_cli(db, "import", str(second)).returncode == 0  # backup: 30 + every note
    assert _files_holding(db, PURGED.encode()) == ["base.db", "base.db.sauvegarde"]
    return db


def test_kill_during_purge(purge_base: Path, tmp_path: Path) -> None:
    """Killed anywhere, a purge run again erases everything it should, everywhere, and
    never loses a note it should keep."""
    rng = random.Random(SEED + 3)
    calibration = _copy_with_sides(purge_base, tmp_path / "calibration.db")
    start = time.perf_counter()
    done = run_cli(calibration, "notes", "purge", "--older-than", "24m", "--yes")
    duration = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert _files_holding(calibration, PURGED.encode()) == []
    kept = _note_texts(calibration)
    assert len(kept) == 11

    db = tmp_path / "run.db"
    outcomes = {"finie": 0, "interrompue": 0}
    for run in range(PURGE_KILLS):
        _copy_with_sides(purge_base, db)
        with Store(db) as holder:  # another window keeps the store open, notes in its WAL
            from store.notes import add_note

            sid = holder.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()[0]
            acknowledged = add_note(holder.conn, sid, f"ACK-{run} écrite avant la purge").text
            delay = rng.uniform(0.05, duration * 1.1)
            result = _kill_after(
                cli_command(db, "notes", "purge", "--older-than", "24m", "--yes"), delay
            )
            outcomes["finie" if result.returncode == 0 else "interrompue"] += 1
            assert integrity(db) == "ok"
            assert kept | {acknowledged} <= _note_texts(db), f"a kept note lost (kill {run})"
            if result.returncode == 0:
                assert _files_holding(db, PURGED.encode()) == [], f"kill {run}"
            again = run_cli(db, "notes", "purge", "--older-than", "24m", "--yes")
            assert again.returncode == 0, again.stderr
            assert _files_holding(db, PURGED.encode()) == [], f"purged text left (kill {run})"
            assert _note_texts(db) == kept | {acknowledged}
        _check_backup(db)
    print(f"purge kills: {outcomes} (full run {duration:.2f} s)")
    assert outcomes["interrompue"] > 0


def test_kill_during_restore(purge_base: Path, tmp_path: Path) -> None:
    """Killed anywhere, a restore leaves the store as before or restored, with every note
    written since the backup, and brings back no purged text."""
    rng = random.Random(SEED + 4)
    base = _copy_with_sides(purge_base, tmp_path / "purged.db")
    assert run_cli(base, "notes", "purge", "--older-than", "24m", "--yes").returncode == 0
    before_count = snapshot(base)["structures"]
    calibration = _copy_with_sides(base, tmp_path / "calibration.db")
    start = time.perf_counter()
    done = run_cli(calibration, "restore")
    duration = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    restored_count = snapshot(calibration)["structures"]
    assert (before_count, restored_count) == (60, 30)
    kept = _note_texts(calibration)
    assert kept == _note_texts(base) and len(kept) == 11

    backup = sqlite3.connect(base.with_name(base.name + ".sauvegarde"))
    in_backup = {r[0] for r in backup.execute("SELECT id FROM structures")}
    backup.close()
    db = tmp_path / "run.db"
    outcomes = {"avant": 0, "restaurée": 0}
    for run in range(RESTORE_KILLS):
        _copy_with_sides(base, db)
        with Store(db) as holder:
            from store.notes import add_note

            sid = next(  # a structure the backup does not have
                r[0]
                for r in holder.conn.execute("SELECT id FROM structures ORDER BY id")
                if r[0] not in in_backup
            )
            acknowledged = add_note(holder.conn, sid, f"ACK-{run} écrite après l'import").text
            delay = rng.uniform(0.05, duration * 1.1)
            _kill_after(cli_command(db, "restore"), delay)
            assert integrity(db) == "ok"
            assert kept | {acknowledged} <= _note_texts(db), f"a note lost (kill {run})"
            count = snapshot(db)["structures"]
            # A structure the new note points to is kept (absent) when the backup lacks it.
            assert count in (before_count, restored_count + 1), f"half restored (kill {run})"
            outcomes["avant" if count == before_count else "restaurée"] += 1
            assert _files_holding(db, PURGED.encode()) == [], f"purged text back (kill {run})"
        _check_backup(db)
    print(f"restore kills: {outcomes} (full run {duration:.2f} s)")
    assert outcomes["avant"] and outcomes["restaurée"]
