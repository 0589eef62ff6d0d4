"""Issue 3's acceptance, through the command line: the five seed documents imported with
their formats detected, counted, re-imported without change, notes kept, and found by the
searches of `../shared/examples/searches.tsv` (skipped when ../shared is absent)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from store.text import normalize
from tests.conftest import shared_path
from tui.cli import main

SEEDS = {
    "000_88d2221b0a398721.txt": ("page", 1, 0),
    "001_e1b83866734b736b.txt": ("actions_sheets", 23, 25),
    "002_d9180392a53ac479.txt": ("page", 1, 0),
    "003_2571b6bc64aa39f5.txt": ("page", 1, 0),
    "004_1b948c6f7392e06d.txt": ("press_kit", None, 77),
}
# Ranking is store/search.py's business (the lead's): queries it does not answer yet go here.
RANKING_GAPS: dict[str, str] = {}


def cli(db: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--db", str(db), *args])
    return code, out.getvalue()


def cli_json(db: Path, *args: str) -> dict:
    code, out = cli(db, *args)
    assert code == 0, out
    return json.loads(out)


def seed_paths() -> list[str]:
    return [str(shared_path("seeds", name)) for name in SEEDS]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    paths = seed_paths()
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    report = cli_json(db, "import", "--json", *paths)
    return db, report


def search_names(db: Path, query: str, limit: int = 5) -> list[str]:
    data = cli_json(db, "search", query, "--limit", str(limit), "--json")
    return [hit["nom"] for hit in data["results"]]


def test_formats_detected_and_counts(seeded: tuple[Path, dict]) -> None:
    _, report = seeded
    by_file = {Path(item["path"]).name: item for item in report["imports"]}
    assert set(by_file) == set(SEEDS)
    for name, (fmt, structures, services) in SEEDS.items():
        item = by_file[name]
        assert item["format"] == fmt, name
        assert item["rejected"] == 0, name
        assert item["services"] == services, name
        if structures is not None:
            assert item["added"] == structures, name


def test_stats_reflect_the_seeds(seeded: tuple[Path, dict]) -> None:
    db, report = seeded
    stats = cli_json(db, "stats", "--json")
    added = sum(item["added"] for item in report["imports"])
    assert stats["structures"] == added
    assert stats["services"] == 25 + 77
    sources = {s["source"]: s["structures"] for s in stats["sources"]}
    assert sources["fcsf-actions"] == 23
    assert sources["page"] == 3


def test_reimport_changes_nothing_and_keeps_notes(tmp_path: Path) -> None:
    paths = seed_paths()
    db = tmp_path / "again.db"
    cli_json(db, "import", "--json", *paths)
    sid = cli_json(db, "search", "manou", "--json")["results"][0]["id"]
    code, _ = cli(db, "note", "add", sid, "demander la coordinatrice")
    assert code == 0
    before = cli_json(db, "stats", "--json")
    again = cli_json(db, "import", "--json", *paths)
    for item in again["imports"]:
        assert item["added"] == item["updated"] == item["absent"] == item["removed"] == 0
        assert item["unchanged"] > 0
    assert cli_json(db, "stats", "--json") == {**before, "imports": before["imports"] + 5}
    shown = cli_json(db, "show", sid, "--json")
    assert shown["nom"] == "Manou Partages"
    assert [n["text"] for n in shown["notes"]] == ["demander la coordinatrice"]


def test_issue_searches(seeded: tuple[Path, dict]) -> None:
    db, _ = seeded
    segala = [n for n in search_names(db, "segala") if "SEGALA LIMARGUE" in n]
    assert len(segala) == 2
    assert any("VILLE PLURIELLE" in n for n in search_names(db, "ville pluriel"))


def _examples() -> list[tuple[str, str]]:
    path = shared_path("examples", "searches.tsv")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        query, expected, first = line.split("\t")
        if first.strip() == "seeds":
            rows.append((query, expected))
    assert rows
    return rows


def _cases() -> list[object]:
    cases: list[object] = []
    # Parametrised at collection time: without ../shared, one case that skips.
    try:
        rows = _examples()
    except pytest.skip.Exception:
        return [pytest.param("", "", marks=pytest.mark.skip(reason="../shared absent"))]
    for query, expected in rows:
        marks = []
        if normalize(query) in RANKING_GAPS:
            marks.append(pytest.mark.xfail(reason=RANKING_GAPS[normalize(query)], strict=False))
        cases.append(pytest.param(query, expected, marks=marks, id=query))
    return cases


@pytest.mark.parametrize(("query", "expected"), _cases())
def test_example_searches(seeded: tuple[Path, dict], query: str, expected: str) -> None:
    db, _ = seeded
    names = search_names(db, query)
    assert any(normalize(expected) in normalize(n) for n in names), (query, names)


def test_text_search_says_when_a_structure_has_no_place(seeded: tuple[Path, dict]) -> None:
    # The press kit's "Restos du cœur les relais du cœur Paris" has neither commune nor
    # département: the line says so instead of ending on a bare separator.
    db, _ = seeded
    code, out = cli(db, "search", "relais du coeur", "--limit", "3")
    assert code == 0 and out
    lines = out.splitlines()
    assert all(not line.rstrip().endswith("·") for line in lines), out
    assert any("lieu non renseigné" in line for line in lines), out
