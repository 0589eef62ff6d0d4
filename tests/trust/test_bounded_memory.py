"""Bounded memory on any input (issue 15, failure 5): a small gzip that decompresses to a
huge line, and a huge line in a plain CSV, are refused in one French line after reading at
most one capped line — never decompressed or read whole. Measured with tracemalloc."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest

from importers.base import MAX_LINE_CHARS, ImportFailure
from importers.mairies import HEADER
from importers.runner import import_file
from store import writer
from store.db import Store

BOMB_BYTES = 120 * 1024 * 1024  # decompressed; the gzip itself is ~120 KB
PEAK_LIMIT = 6 * MAX_LINE_CHARS  # a few copies of one capped line, nothing like the file


def _gzip_bomb(path: Path, first_line: str) -> Path:
    block = b"a" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(first_line.encode())
        for _ in range(BOMB_BYTES // len(block)):
            out.write(block)
    return path


def _peak_of_import(db: Path, source: Path, **kwargs: object) -> tuple[int, str]:
    with Store(db) as store:
        tracemalloc.start()
        try:
            with pytest.raises(ImportFailure) as failure:
                import_file(store, source, **kwargs)  # type: ignore[arg-type]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert store.count("structures") == 0
    return peak, str(failure.value)


@pytest.mark.parametrize("first_line", [HEADER + "\n", "nom,adresse\n"])
def test_gzip_bomb_is_refused_with_flat_memory(
    fresh_db: Path, tmp_path: Path, first_line: str
) -> None:
    """Town-hall header (the mairies reader streams the gzip) or not (detection reads a
    capped first line of any .gz, then the file is refused)."""
    bomb = _gzip_bomb(tmp_path / "bombe.csv.gz", first_line)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    peak, message = _peak_of_import(fresh_db, bomb)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"
    assert str(bomb) in message and "\n" not in message


def test_huge_line_in_a_csv_is_refused_with_flat_memory(fresh_db: Path, tmp_path: Path) -> None:
    source = tmp_path / "ligne-geante.csv"
    with source.open("w", encoding="utf-8") as out:
        out.write("nom,adresse,commune\n")
        for _ in range(40):
            out.write("x" * (1 << 20))
    peak, message = _peak_of_import(fresh_db, source, format_name="csv")
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"
    assert "ligne de plus de" in message and "ligne 2" in message


def _associations_csv(path: Path, rows: int) -> Path:
    """Fictional associations, each its own id, address and spot (a place shared by many
    records costs memory of its own, not this test's subject); names repeat, as in real
    files, so that bounded name caches do not grow with the rows here either."""
    with path.open("w", encoding="utf-8") as out:
        out.write("id,nom,adresse,code_postal,commune,latitude,longitude\n")
        for i in range(rows):
            lat, lon = 43 + i // 100 * 0.01, 2 + i % 100 * 0.01
            out.write(
                f"fictif-{i},Association fictive {i % 40},{i} rue Fictive,77000,Melun,"
                f"{lat:.4f},{lon:.4f}\n"
            )
    return path


def _peak_of_rows(tmp_path: Path, rows: int) -> int:
    source = _associations_csv(tmp_path / f"associations-{rows}.csv", rows)
    with Store(tmp_path / f"store-{rows}.db") as store:
        tracemalloc.start()
        try:
            report = import_file(store, source, format_name="csv", backup=False)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.added == store.count("structures") == rows
    return peak


def test_import_memory_does_not_grow_with_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failure 10: what the writer remembers of each structure lives in SQLite temporary
    tables, so eight times the rows cost no more Python memory (small batches here, so that
    per-row state would show above the batch's own)."""
    monkeypatch.setattr(writer, "WRITE_BATCH", 100)
    monkeypatch.setattr(writer, "REBUILD_CHUNK", 100)
    monkeypatch.setattr(writer, "FEW_TO_REBUILD", 0)
    _peak_of_rows(tmp_path, 1001)  # modules and caches loaded: not part of the comparison
    small = _peak_of_rows(tmp_path, 1000)
    large = _peak_of_rows(tmp_path, 8000)
    # The old writer's sets grew by 1.2 MiB from 1 000 to 8 000 rows (2.4 → 3.6 MiB); the
    # new one by at most 0.5 MiB (1.1 → 1.65 MiB after other imports in this process).
    assert large < small + 0.8 * 2**20, f"{small / 2**20:.2f} MiB → {large / 2**20:.2f} MiB"
