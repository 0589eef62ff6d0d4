"""`aiguillage equipe …` and `note add --partagee`: two laptops, one folder, the CLI only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tui.cli import main

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def laptops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    first = tmp_path / "a.db"
    assert run(capsys, first, "import", str(MAIRIES))[0] == 0
    second = tmp_path / "b.db"
    shutil.copy(first, second)  # same imports: the same structures
    folder = tmp_path / "equipe"
    folder.mkdir()
    return first, second, folder


def _first_id(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    code, out, _ = run(capsys, db, "search", "mairie", "--json")
    assert code == 0
    return json.loads(out)["results"][0]["id"]


def test_join_share_synchronise(laptops, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, folder = laptops
    code, out, _ = run(capsys, a, "equipe", "rejoindre", str(folder), "--initiales", "AB")
    assert code == 0 and "notes-ab-" in out
    assert run(capsys, b, "equipe", "rejoindre", str(folder), "--initiales", "CD")[0] == 0
    sid = _first_id(capsys, a)
    code, out, _ = run(capsys, a, "note", "add", sid, "Accueil fermé le lundi", "--partagee")
    assert code == 0 and "partagée" in out
    assert run(capsys, a, "note", "add", sid, "Remarque privée")[0] == 0
    assert run(capsys, a, "equipe", "synchroniser")[0] == 0

    code, out, _ = run(capsys, b, "equipe", "synchroniser")
    assert code == 0 and "1 nouveauté(s) reçue(s)" in out
    code, out, _ = run(capsys, b, "note", "list", "--json")
    notes = json.loads(out)["notes"]
    assert [(n["text"], n["author"], n["shared"]) for n in notes] == [
        ("Accueil fermé le lundi", "AB", True)
    ]
    code, out, _ = run(capsys, b, "equipe")
    assert "Notes partagées : 1" in out


def test_errors_are_one_french_line(laptops, capsys: pytest.CaptureFixture[str]) -> None:
    a, _b, folder = laptops
    code, _out, err = run(capsys, a, "equipe", "synchroniser")
    assert code == 1 and "equipe rejoindre" in err and "Traceback" not in err
    code, _out, err = run(capsys, a, "equipe", "rejoindre", str(folder / "absent"))
    assert code == 1 and "n'existe pas" in err and len(err.strip().splitlines()) == 1
