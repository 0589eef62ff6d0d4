"""The command line contract of architecture.md: subcommands, JSON shapes, French errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tui.cli import main

MAIRIES = FIXTURES / "cli" / "mairies-extrait.csv"  # 4 real rows of the DILA directory


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loaded(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, _ = run(capsys, db_path, "import", str(MAIRIES))
    assert code == 0, out
    return db_path


def test_import_summary_and_stats(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, loaded, "stats", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["structures"], data["services"], data["notes"]) == (4, 0, 0)
    assert data["sources"] == [{"source": "dila-mairies", "structures": 4}]
    code, out, _ = run(capsys, loaded, "import", str(MAIRIES))
    assert "0 ajoutée(s), 0 mise(s) à jour, 4 inchangée(s)" in out


def test_search_json_shape(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, loaded, "search", "plaisr", "--near", "Versailles", "--json")
    data = json.loads(out)
    assert code == 0 and data["query"] == "plaisr"
    first = data["results"][0]
    assert {"id", "nom", "kind", "commune", "code_postal", "distance_km", "score"} <= set(first)
    assert first["sources"] == ["dila-mairies"] and first["same_place"] == []
    assert first["nom"] == "Mairie de Plaisir"
    assert first["kind"] == "mairie"
    assert 5 < first["distance_km"] < 20


def test_show_and_notes(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, loaded, "search", "melun", "--json")
    sid = json.loads(out)["results"][0]["id"]
    code, out, _ = run(capsys, loaded, "note", "add", sid, "demander Mme B. à l'accueil")
    assert code == 0 and "ajoutée" in out
    code, out, _ = run(capsys, loaded, "show", sid, "--json")
    shown = json.loads(out)
    assert shown["nom"] == "Mairie de Melun"
    assert shown["notes"][0]["text"] == "demander Mme B. à l'accueil"
    assert shown["horaires_accueil"].startswith("Mo")
    code, out, _ = run(capsys, loaded, "note", "list", "--json")
    assert [n["structure_id"] for n in json.loads(out)["notes"]] == [sid]
    code, out, _ = run(capsys, loaded, "show", sid)
    assert "Mairie de Melun" in out and "demander Mme B." in out


def test_note_that_identifies_a_person_is_refused_unless_confirmed(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, loaded, "search", "melun", "--json")
    sid = json.loads(out)["results"][0]["id"]
    text = "Mme X, née le 12/03/1980, 06 12 34 56 78"
    code, out, err = run(capsys, loaded, "note", "add", sid, text)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "semble identifier une personne" in err
    assert "date de naissance" in err and "portable" in err and "--confirmer" in err
    assert json.loads(run(capsys, loaded, "note", "list", "--json")[1])["notes"] == []
    code, out, _ = run(capsys, loaded, "note", "add", sid, text, "--confirmer")
    assert code == 0 and "ajoutée" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("show", "zzzz-inconnu"), "aucune structure"),
        (("note", "add", "zzzz-inconnu", "texte"), "aucune structure"),
        (("search", "x", "--near", "Nulle-Part-sur-Rien"), "commune ou code postal inconnu"),
        (("search", "x", "--kind", "boulangerie"), "type inconnu"),
        (("import", "/nonexistent/fichier.csv"), "fichier introuvable"),
    ],
)
def test_errors_are_one_french_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fragment: str
) -> None:
    code, out, err = run(capsys, db_path, *args)
    assert code != 0
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_usage_error_exit_code(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--db", str(db_path), "search"])
    assert info.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_env_var_names_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("AIGUILLAGE_DB", str(target))
    assert main(["import", str(MAIRIES)]) == 0
    assert target.exists()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
