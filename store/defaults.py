"""The embedded default directory as a prebuilt snapshot of rows, loaded in bulk on a first run.

Importing the ~35 000 mairies and ~2 800 France services through the importers takes several
seconds of Python (hours, tags, search index). The snapshot holds the rows those imports
write (structures, tags, search index, vocabulary, the import log), built by
`python -m importers.defaults --build` and shipped as `store/data/defaults.json.gz`; a new
store loads it with a few `executemany` in one transaction, well under a second.

The snapshot names what it was built from: the schema version, a fingerprint of the code that
turns files into rows (`store/`, `importers/`) and the sha256 of each default file. It is used
only when the schema and the files are the same; when the code changed since, the caller
imports the files again afterwards (nothing else is faster than the snapshot, nothing else is
trusted more than the importers).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import cast

from .schema import SCHEMA_VERSION

SNAPSHOT_FILE = "data/defaults.json.gz"
# What an import writes, in the order the rows are loaded; the search index by its rowid.
TABLES = (
    "sources",
    "structures",
    "services",
    "structure_tags",
    "search_terms",
    "place_keys",
    "structure_places",
)
FTS_TABLE = "structures_fts"
FTS_COLUMNS = ("rowid", "nom", "lieu", "services")
_TAG_COLUMNS = ("tag", "departement", "structure_id")
_CODE_PACKAGES = ("store", "importers")
_CODE_SUFFIXES = (".py", ".json", ".tsv", ".txt")
# Modules that never shape an imported row (reading, orienting, notes, this loader...). Any
# other module, a new one included, counts: when in doubt the files are imported again.
_NOT_ROW_CODE = frozenset(
    {
        "store/defaults.py",
        "importers/defaults.py",
        "store/orientation.py",
        "store/needs.py",
        "store/notes.py",
        "store/journal.py",
        "store/doctor.py",
        "store/queries.py",
        "store/backup.py",
        "store/paths.py",
        "store/reach.py",
        "store/fiche.py",
        "store/views.py",
        "store/identifying.py",
        "store/vocab/fiche_words.py",
        "store/vocab/fiche_words.tsv",
    }
)


@dataclass(frozen=True)
class Snapshot:
    schema: int
    code: str  # fingerprint of the code that built the rows
    files: dict[str, str]  # default file name -> sha256
    tables: dict[str, tuple[list[str], list[tuple[object, ...]]]]  # name -> (columns, rows)

    def count(self, table: str) -> int:
        return len(self.tables.get(table, ([], []))[1])


def snapshot_path() -> Path:
    return Path(str(resources.files("store").joinpath(SNAPSHOT_FILE)))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_fingerprint() -> str:
    """sha256 of the code of `store/` and `importers/` that turns files into rows."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in _CODE_PACKAGES:
        base = root / package
        for path in sorted(base.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.suffix in _CODE_SUFFIXES and name not in _NOT_ROW_CODE:
                digest.update(name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def read_snapshot(path: Path | None = None) -> Snapshot | None:
    """The shipped snapshot, or None when it is absent or unreadable."""
    path = path or snapshot_path()
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        tables = {
            name: (
                list(table["columns"]),
                list(zip(*(_decode(c) for c in table["data"]), strict=True)),
            )
            for name, table in data["tables"].items()
        }
        return Snapshot(int(data["schema"]), str(data["code"]), dict(data["files"]), tables)
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def _encode(values: list[object]) -> dict[str, object]:
    """One column: its values, or its distinct values and an index per row when that is
    much smaller (kinds, sources, repeated JSON lists...)."""
    distinct: dict[object, int] = {}
    index = [distinct.setdefault(v, len(distinct)) for v in values]
    if len(distinct) * 4 < len(values):
        return {"d": list(distinct), "i": index}
    return {"v": values}


def _decode(column: dict[str, list[object]]) -> list[object]:
    """A column as `_encode` wrote it: its values, or distinct values and their indexes."""
    if "v" in column:
        return column["v"]
    distinct, indexes = column["d"], cast(list[int], column["i"])
    return [distinct[i] for i in indexes]


def _table(conn: sqlite3.Connection, sql: str, columns: list[str]) -> dict[str, object]:
    rows = conn.execute(sql).fetchall()
    return {
        "columns": columns,
        "data": [_encode([r[i] for r in rows]) for i in range(len(columns))],
    }


def dump_snapshot(conn: sqlite3.Connection, files: dict[str, str]) -> bytes:
    """The rows of a store holding only the default data, as the gzip-compressed snapshot.

    Stored by column; the tags without their coordinates (taken from the structures when
    loading).
    """
    tables: dict[str, dict[str, object]] = {}
    for name in TABLES:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
        if name == "structure_tags":
            columns = list(_TAG_COLUMNS)
        tables[name] = _table(conn, f"SELECT {', '.join(columns)} FROM {name} ORDER BY 1", columns)
    tables[FTS_TABLE] = _table(
        conn,
        f"SELECT {', '.join(FTS_COLUMNS)} FROM {FTS_TABLE} ORDER BY rowid",
        list(FTS_COLUMNS),
    )
    document = {
        "schema": SCHEMA_VERSION,
        "code": code_fingerprint(),
        "files": files,
        "tables": tables,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def load_snapshot(conn: sqlite3.Connection, snapshot: Snapshot) -> int:
    """Insert the snapshot's rows into an empty store (the caller holds the transaction).

    The secondary indexes are dropped during the load and built again after it (one sort
    each instead of as many B-tree insertions as rows). Returns the structures loaded.
    """
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({','.join('?' * len(TABLES))})",
        TABLES,
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    places: dict[object, tuple[object, object]] = {}
    for name in (*TABLES, FTS_TABLE):
        columns, rows = snapshot.tables.get(name, ([], []))
        if not rows:
            continue
        if name == "structures":
            at = columns.index("id"), columns.index("latitude"), columns.index("longitude")
            places = {r[at[0]]: (r[at[1]], r[at[2]]) for r in rows}
        if name == "structure_tags":
            columns = [*columns, "latitude", "longitude"]
            rows = [(*r, *places.get(r[2], (None, None))) for r in rows]
        marks = ",".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {name}({', '.join(columns)}) VALUES ({marks})", rows)
    for _, sql in indexes:
        conn.execute(sql)
    return snapshot.count("structures")
