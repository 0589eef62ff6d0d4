"""Crash safety: SIGKILL in the middle of an import or of saving notes, at random points.

Each time, the store must open, pass `PRAGMA integrity_check`, hold every note that was
acknowledged before the kill, and show the interrupted import either not at all or whole.
The delays come from a seeded RNG, so a failure can be replayed.
"""

from __future__ import annotations

import hashlib
import os
import random
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
