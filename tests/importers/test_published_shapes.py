"""Every shape the data·inclusion pipeline publishes gives the same store (issue 12).

The fixtures are written by tests/importers/published.py the way pandas and the API write
them; a set-up failure there fails these tests (no skip).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from importers.base import ImportFailure
from importers.registry import detect
from importers.runner import import_file
from store import dates
from store.db import Store
from store.queries import get_structure
from tests.importers import published
from tui.cli import main

SHAPES = sorted(published.SHAPES)


def _import_all(store: Store, files: list[Path]) -> list[Any]:
    return [import_file(store, path) for path in files]


def _content(store: Store) -> list[dict[str, Any]]:
    """The store's structures and services, without what says when and how they came."""
    content = []
    for (sid,) in store.conn.execute("SELECT id FROM structures ORDER BY id"):
        structure = get_structure(store.conn, sid)
        assert structure is not None
        for key in ("import", "notes", "favori"):
            structure.pop(key, None)
        content.append(structure)
    return content


def _reference(tmp_path: Path) -> list[dict[str, Any]]:
    folder = tmp_path / "reference"
    folder.mkdir()
    with Store(folder / "store.db") as store:
        _import_all(store, published.SHAPES["json"](folder, "2026-11-30", None))
        return _content(store)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_read_as_data_inclusion_and_gives_the_same_store(
    shape: str, tmp_path: Path
) -> None:
    files = published.SHAPES[shape](tmp_path, "2026-11-30", None)
    for path in files:
        assert detect(path).name == "data_inclusion", path.name
    with Store(tmp_path / "store.db") as store:
        reports = _import_all(store, files)
        assert [r.rejects for r in reports] == [[]] * len(files)
        content = _content(store)
    assert len(content) == 2 and sum(len(s["services"]) for s in content) == 2
    assert _differences(content, _reference(tmp_path)) == []


def test_the_kind_does_not_depend_on_services_being_nested(tmp_path: Path) -> None:
    files = published.SHAPES["api-search"](tmp_path, "2026-11-30", None)
    with Store(tmp_path / "store.db") as store:
        _import_all(store, files)
        content = _content(store)
    assert _differences(content, _reference(tmp_path)) == []


def _differences(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[str]:
    """Readable differences: "structure 0 extra: … != …"."""
    found = [f"{len(got)} structures != {len(want)}"] if len(got) != len(want) else []
    for number, (g, w) in enumerate(zip(got, want, strict=False)):
        for key in sorted(set(g) | set(w)):
            if key == "services":
                for n, (gs, ws) in enumerate(zip(g[key], w[key], strict=False)):
                    found += [
                        f"structure {number} service {n} {k}: {gs.get(k)!r} != {ws.get(k)!r}"
                        for k in sorted(set(gs) | set(ws))
                        if gs.get(k) != ws.get(k)
                    ]
            elif g.get(key) != w.get(key):
                found.append(f"structure {number} {key}: {g.get(key)!r} != {w.get(key)!r}")
    return found


def test_the_reference_store_reads_the_pandas_json_right(tmp_path: Path) -> None:
    (lilas, cidff) = sorted(_reference(tmp_path), key=lambda s: s["nom"], reverse=True)
    assert lilas["source"] == "data-inclusion:dora"
    assert lilas["date_maj"] == "2024-01-10"  # from 1704844800000
    assert lilas["description"].startswith("Aide alimentaire / épicerie")  # "\/" unescaped
    assert lilas["reseaux_porteurs"] == ["secours-populaire"]
    (paniers,) = lilas["services"]
    assert paniers["frais"] == ["payant"]
    assert paniers["thematiques"] == ["equipement-et-alimentation--alimentation"]
    assert paniers["extra"]["volume_horaire_hebdomadaire"] == "3"  # 3.0 in the file
    assert cidff["geo_approx"] == 1 and cidff["code_insee"] == "75111"  # null coordinates
    assert cidff["services"][0]["zone_eligibilite"] == ["france"]


@pytest.mark.parametrize("shape", ["json", "csv", "xlsx", "geojson"])
def test_next_weeks_file_updates_and_never_duplicates(shape: str, tmp_path: Path) -> None:
    write = published.SHAPES[shape]
    with Store(tmp_path / "store.db") as store:
        _import_all(store, write(tmp_path, "2026-11-30", None))
        before = store.conn.execute("SELECT id, source FROM structures ORDER BY id").fetchall()
        services = store.conn.execute("SELECT id FROM services ORDER BY id").fetchall()
        reports = _import_all(store, write(tmp_path, "2026-12-07", "Épicerie des Lilas"))
        after = store.conn.execute("SELECT id, source FROM structures ORDER BY id").fetchall()
        assert store.conn.execute("SELECT id FROM services ORDER BY id").fetchall() == services
        names = {r[0] for r in store.conn.execute("SELECT nom FROM structures")}
        sources = {r[0] for r in store.conn.execute("SELECT DISTINCT source FROM structures")}
    assert after == before
    assert reports[0].added == 0 and reports[0].updated == 1
    assert "Épicerie des Lilas" in names
    assert sources == {"data-inclusion:dora", "data-inclusion:emplois-de-linclusion"}


def test_a_dated_generic_table_keeps_one_source_name(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        for date in ("2026-11-30", "2026-12-07"):
            path = tmp_path / f"annuaire-{date}.csv"
            path.write_text("nom;commune\nPoint conseil fictif;Paris\n", encoding="utf-8")
            import_file(store, path)
        rows = store.conn.execute("SELECT source FROM structures").fetchall()
    assert rows == [("annuaire",)]


def test_date_in_ms_shows_french_date_and_staleness(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = published.SHAPES["json"](tmp_path, "2026-11-30", None)
    assert json.loads(files[0].read_text())[0]["date_maj"] == 1704844800000
    for path in files:
        assert main(["--db", str(db_path), "import", str(path)]) == 0
    capsys.readouterr()
    with Store(db_path) as store:
        (sid,) = store.conn.execute("SELECT id FROM structures WHERE source_id = 'st-lilas'")
        structure = get_structure(store.conn, sid[0])
    assert structure is not None
    assert main(["--db", str(db_path), "show", sid[0]]) == 0
    out = capsys.readouterr().out
    assert "mise à jour le 10/01/2024" in out
    assert dates.STALE_WARNING in out

    from tui.widgets.detail import render_structure

    now = dt.datetime(2026, 12, 6, 10, 0)
    shown = render_structure(structure, now=now, distance_km=None).plain
    assert "mise à jour le 10/01/2024" in shown
    assert dates.STALE_WARNING in shown
    fresh = render_structure({**structure, "date_maj": "2026-11-20"}, now=now, distance_km=None)
    assert dates.STALE_WARNING not in fresh.plain


def test_orientation_freshness_reads_milliseconds() -> None:
    from store.orientation import _freshness

    now = dt.datetime(2026, 12, 6, 10, 0)
    assert _freshness("1704844800000", now) == _freshness("2024-01-10", now)
    assert _freshness("2026-11-20T08:00:00+00:00", now) == (1.0, None)
    assert _freshness("2021-01-10", now)[1] == "données de 2021, à vérifier"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1704844800000, "2024-01-10"),
        (1704844800000.0, "2024-01-10"),
        ("1704844800000", "2024-01-10"),
        ("2024-01-10", "2024-01-10"),
        ("2024-01-10 00:00:00", "2024-01-10"),
        ("2024-01-10T23:30:00+00:00", "2024-01-10"),
        ("10/01/2024", "2024-01-10"),
        (dt.datetime(2024, 1, 10, 15, 0), "2024-01-10"),
        (dt.date(2024, 1, 10), "2024-01-10"),
        ("pas une date", None),
        (None, None),
        (True, None),
        (float("nan"), None),
    ],
)
def test_one_date_reader(value: object, expected: str | None) -> None:
    assert dates.canonical(value) == expected


def test_a_date_that_is_no_date_is_noted_not_stored(store: Store, tmp_path: Path) -> None:
    structures, _services = published.records()
    structures[0]["date_maj"] = "bientôt"
    path = published.write_json(tmp_path / "structures.json", structures)
    import_file(store, path)
    (sid,) = store.conn.execute("SELECT id FROM structures WHERE source_id = 'st-lilas'")
    structure = get_structure(store.conn, sid[0])
    assert structure is not None
    assert structure["date_maj"] is None
    assert structure["extra"]["invalides"]["date_maj"] == "bientôt"


# -- bad files --------------------------------------------------------------------------------


def _bad(db_path: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    published.SHAPES["json"](db_path.parent, "2026-11-30", None)
    for good in sorted(db_path.parent.glob("*-inclusion-2026-11-30.json")):
        assert main(["--db", str(db_path), "import", str(good)]) == 0
    capsys.readouterr()
    before = _snapshot(db_path)
    code = main(["--db", str(db_path), "import", "--strict", str(path)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert _snapshot(db_path) == before
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert str(path) in lines[0]
    return lines[0]


def _snapshot(db_path: Path) -> list[Any]:
    with Store(db_path) as store:
        return store.conn.execute(
            "SELECT s.id, s.nom, s.date_maj, v.id FROM structures s"
            " LEFT JOIN services v ON v.structure_id = s.id ORDER BY s.id, v.id"
        ).fetchall()


def test_truncated_pandas_json_names_file_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "week"
    folder.mkdir()
    (full,) = published.SHAPES["json"](folder, "2026-12-07", "Renommée")[:1]
    full.write_text(full.read_text()[:-40], encoding="utf-8")
    line = _bad(tmp_path / "store.db", full, capsys)
    assert "JSON invalide ou tronqué" in line and "ligne 1, colonne" in line


def test_a_record_without_name_names_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    structures, _ = published.records("Renommée")
    structures[1]["nom"] = None
    folder = tmp_path / "week"
    folder.mkdir()
    path = published.write_xlsx(
        folder / "structures-inclusion-2026-12-07.xlsx", structures, published.STRUCTURE_COLUMNS
    )
    line = _bad(tmp_path / "store.db", path, capsys)
    assert "feuille « Sheet1 », ligne 3" in line and "structure sans nom" in line


def test_parquet_without_pyarrow_names_the_alternative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    path = tmp_path / "structures-inclusion-2026-11-30.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    assert detect(path).name == "data_inclusion"
    line = _bad(tmp_path / "store.db", path, capsys)
    assert "pyarrow" in line and "structures-inclusion-2026-11-30.json ou" in line


def test_parquet_is_read_when_pyarrow_is_installed(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    structures, services = published.records()
    for name, rows in (("structures", structures), ("services", services)):
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / f"{name}-inclusion.parquet")
    with Store(tmp_path / "store.db") as store:
        for name in ("structures", "services"):
            import_file(store, tmp_path / f"{name}-inclusion.parquet")
        assert _differences(_content(store), _reference(tmp_path)) == []


def test_a_broken_workbook_is_one_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "structures-inclusion-2026-11-30.xlsx"
    published.write_xlsx(path, published.records()[0], published.STRUCTURE_COLUMNS)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ImportFailure) as caught:
        import_file(store, path, format_name="data_inclusion")
    assert str(path) in str(caught.value)
