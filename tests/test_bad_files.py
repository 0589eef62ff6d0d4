"""Unusable files: one French line naming the file, non-zero exit, no traceback, store unchanged."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tui.cli import main

GOOD = FIXTURES / "opendata" / "di-structures.json"


def _empty(tmp: Path) -> Path:
    path = tmp / "vide.csv"
    path.write_bytes(b"")
    return path


def _random(tmp: Path) -> Path:
    path = tmp / "hasard.csv"
    path.write_bytes(random.Random(6).randbytes(50_000))
    return path


def _truncated_json(tmp: Path) -> Path:
    path = tmp / "tronque.json"
    path.write_text(GOOD.read_text(encoding="utf-8")[:700], encoding="utf-8")
    return path


def _numbers(tmp: Path) -> Path:
    path = tmp / "nombres.json"
    path.write_text("[1, 2, 3, 4.5]", encoding="utf-8")
    return path


def _gzip_as_csv(tmp: Path) -> Path:
    path = tmp / "compresse.csv"
    path.write_bytes(gzip.compress(b"nom;ville\nStructure fictive;Plaisir\n"))
    return path


def _nul_bytes(tmp: Path) -> Path:
    path = tmp / "nul.csv"
    path.write_bytes(b"nom;ville\nStructure\x00 fictive;Plaisir\n")
    return path


def _huge_line(tmp: Path) -> Path:
    path = tmp / "ligne.csv"
    path.write_bytes(b"nom;ville;" + b"x" * (20 * 1024 * 1024))
    return path


def _huge_json_line(tmp: Path) -> Path:
    path = tmp / "ligne.json"
    path.write_bytes(b'[{"nom": "' + b"x" * (20 * 1024 * 1024))
    return path


MAKERS: list[Callable[[Path], Path]] = [
    _empty,
    _random,
    _truncated_json,
    _numbers,
    _gzip_as_csv,
    _nul_bytes,
    _huge_line,
    _huge_json_line,
]


def _counts(db: Path) -> tuple[int, int, int]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("structures", "services", "notes")
        )
    finally:
        conn.close()


@pytest.fixture
def loaded(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["--db", str(db_path), "import", str(GOOD)]) == 0
    from store.db import Store
    from store.notes import add_note

    with Store(db_path) as store:
        (sid,) = store.conn.execute("SELECT id FROM structures LIMIT 1").fetchone()
        add_note(store.conn, sid, "Note fictive")
    capsys.readouterr()
    return db_path


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("strict", [True, False], ids=["strict", "souple"])
def test_bad_file(
    loaded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    strict: bool,
) -> None:
    before = _counts(loaded)
    bad = make(tmp_path)
    args = ["--db", str(loaded), "import", str(bad)] + (["--strict"] if strict else [])
    code = main(args)
    _, err = capsys.readouterr()
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(bad) in lines[0]
    assert "Traceback" not in err and "erreur inattendue" not in err
    assert _counts(loaded) == before == (3, 1, 1)


def test_forced_format_on_bad_files(loaded: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for make in MAKERS[1:]:
        bad = make(tmp_path)
        for fmt in ("csv", "data_inclusion", "france_services", "hsds", "xlsx"):
            code = main(["--db", str(loaded), "import", str(bad), "--format", fmt, "--strict"])
            _, err = capsys.readouterr()
            assert code != 0, (make.__name__, fmt)
            assert "Traceback" not in err and "erreur inattendue" not in err, (
                make.__name__,
                fmt,
                err,
            )
            assert len(err.strip().splitlines()) == 1, (make.__name__, fmt, err)
    assert _counts(loaded) == (3, 1, 1)
