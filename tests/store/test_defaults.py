"""The embedded default directory: mairies + France services, from the snapshot or the files."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest

from importers import defaults
from importers.france_services import default_path as fs_path
from importers.france_services import published_on
from importers.runner import import_file
from store import defaults as snapshots
from store.db import Store
from store.models import StructureRecord
from store.writer import ImportReport, write_records


def _rows(store: Store, source: str) -> list[tuple[str, str, str]]:
    return store.conn.execute(
        "SELECT id, nom, content_hash FROM structures WHERE source = ? ORDER BY id", (source,)
    ).fetchall()


def test_france_services_are_shipped_and_dated_by_their_list(tmp_path: Path) -> None:
    assert fs_path().is_file()
    assert published_on(fs_path()) == "2024-08-01"
    with Store(tmp_path / "fs.db") as store:
        report = import_file(store, fs_path(), backup=False)
        assert report.added == 2845
        dates = store.conn.execute(
            "SELECT DISTINCT date_maj, kind FROM structures WHERE source = 'anct-france-services'"
        ).fetchall()
    assert dates == [("2024-08-01", "france-services")]


def test_snapshot_rows_are_what_the_importer_writes(tmp_path: Path) -> None:
    """The France services of the shipped snapshot, against an import of the shipped file."""
    snapshot = snapshots.read_snapshot()
    assert snapshot is not None, "store/data/defaults.json.gz absent ou illisible"
    # A stale snapshot makes every first run re-import the files behind the list: it must be
    # rebuilt with the code that shapes the rows, not skipped.
    assert snapshot.code == snapshots.code_fingerprint(), (
        "store/data/defaults.json.gz built by older code: "
        ".venv/bin/python -m importers.defaults --build"
    )
    with Store(tmp_path / "snap.db") as fast, Store(tmp_path / "files.db") as slow:
        report = defaults.load_snapshot_if_current(fast)
        assert report is not None and report.from_snapshot and not report.stale
        assert report.added == {"mairies": 34861, "France services": 2845}
        import_file(slow, fs_path(), backup=False)
        assert _rows(fast, "anct-france-services") == _rows(slow, "anct-france-services")
        # Searchable and orientable at once: index, vocabulary and tags came with the rows.
        from store.search import search

        assert search(fast.conn, "france services melun", limit=3)[0].commune == "Melun"
        tags = fast.conn.execute(
            "SELECT count(*) FROM structure_tags WHERE tag = 'kind:france-services'"
            " AND latitude IS NOT NULL"
        ).fetchone()[0]
        assert tags > 2800


def test_a_snapshot_of_another_schema_or_other_files_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = snapshots.read_snapshot()
    assert real is not None
    monkeypatch.setattr(
        snapshots, "read_snapshot", lambda: dataclasses.replace(real, schema=real.schema - 1)
    )
    with Store(tmp_path / "a.db") as store:
        assert defaults.load_snapshot_if_current(store) is None
        assert store.is_empty()
    other = {name: "0" * 64 for name in real.files}
    monkeypatch.setattr(snapshots, "read_snapshot", lambda: dataclasses.replace(real, files=other))
    with Store(tmp_path / "b.db") as store:
        assert defaults.load_snapshot_if_current(store) is None


def test_snapshot_built_by_other_code_is_loaded_then_marked_for_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = snapshots.read_snapshot()
    assert real is not None
    monkeypatch.setattr(
        snapshots, "read_snapshot", lambda: dataclasses.replace(real, code="autre version")
    )
    with Store(tmp_path / "c.db") as store:
        report = defaults.load_snapshot_if_current(store)
        assert report is not None
        assert [d.source for d in report.stale] == [d.source for d in defaults.DEFAULT_FILES]
        assert not store.is_empty()
    assert stat.S_IMODE((tmp_path / "c.db").stat().st_mode) == 0o600


def test_what_each_store_is_given(tmp_path: Path) -> None:
    mine = StructureRecord(nom="Association fictive", source="mon-annuaire", source_id="1")
    with Store(tmp_path / "d.db") as store:
        assert defaults.missing_defaults(store) == list(defaults.DEFAULT_FILES)
        with store.transaction() as conn:
            write_records(conn, [mine], ImportReport(path="x", format="test"))
        assert defaults.missing_defaults(store) == []  # the worker's own data only
        mairie = StructureRecord(nom="Mairie fictive", source="dila-mairies", source_id="0")
        with store.transaction() as conn:
            write_records(conn, [mairie], ImportReport(path="y", format="mairies"))
        # An older store: the mairies but not the France services.
        assert [d.label for d in defaults.missing_defaults(store)] == ["France services"]
