"""Writing validated records: stable ids, upsert with added/updated/unchanged, absences.

The caller owns the transaction (`Store.transaction()`): a file lands whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TypeVar

from . import kinds
from .communes import departement_of
from .hours import normalize_hours
from .ids import service_id, structure_id
from .models import LIST_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS, Reject, StructureRecord
from .search import index_entry, refresh_terms, unindex_structures
from .tags import tag_rows, untag_structures

T = TypeVar("T")


@dataclass
class ImportReport:
    path: str | None = None
    format: str | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0  # disappeared from the source but kept for their notes
    removed: int = 0  # disappeared from the source, no notes: deleted
    services: int = 0
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["rejects"] = [asdict(r) for r in self.rejects]
        data["rejected"] = self.rejected
        return data


def _json(value: object) -> str:
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# Opening-hours texts repeat a lot across a national file ("Mo-Fr 09:00-12:00").
_hours = functools.lru_cache(maxsize=4096)(normalize_hours)


def _hash(row: dict[str, object]) -> str:
    return hashlib.blake2b(_json(row).encode(), digest_size=10).hexdigest()


def _structure_row(record: StructureRecord, sid: str) -> dict[str, object]:
    row: dict[str, object] = {"id": sid, "source": record.source, "source_id": record.source_id}
    for name in STRUCTURE_FIELDS:
        value = getattr(record, name)
        if name in LIST_FIELDS:
            value = _json(sorted(set(value or ())))
        elif name == "extra":
            value = _json(value or {})
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, str):
            value = value.strip() or None
        row[name] = value
    row["horaires_accueil"] = _hours(record.horaires_accueil)
    if not row["departement"]:
        row["departement"] = departement_of(record.code_insee) or departement_of(record.code_postal)
    if not row["kind"]:
        row["kind"] = kinds.infer(
            record.nom, record.typologie, record.reseaux_porteurs, record.description
        )
    if row["thematiques"] == "[]":
        themes = {t for s in record.services for t in s.thematiques}
        themes = themes or set(kinds.thematiques_of(str(row["kind"])))
        row["thematiques"] = _json(sorted(themes))
    return row


def _service_rows(record: StructureRecord, sid: str) -> list[dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for service in record.services:
        row: dict[str, object] = {
            "id": service_id(sid, service.source_id, service.nom),
            "structure_id": sid,
            "source": record.source,
            "source_id": service.source_id,
        }
        for name in SERVICE_FIELDS:
            value = getattr(service, name)
            if name in LIST_FIELDS:
                value = _json(sorted(set(value or ())))
            elif name == "extra":
                value = _json(value or {})
            elif isinstance(value, str):
                value = value.strip() or None
            row[name] = value
        row["horaires_accueil"] = _hours(service.horaires_accueil)
        row["content_hash"] = _hash(row)
        rows[str(row["id"])] = row
    return list(rows.values())


def record_id(record: StructureRecord) -> str:
    place = record.code_insee or record.commune or record.departement or record.code_postal
    return structure_id(record.source, record.source_id, record.nom, place)


def merge_duplicates(records: Iterable[StructureRecord]) -> dict[str, StructureRecord]:
    """Group records by id: the first one's fields win, services accumulate."""
    merged: dict[str, StructureRecord] = {}
    for record in records:
        sid = record_id(record)
        if sid in merged:
            merged[sid].services.extend(record.services)
        else:
            merged[sid] = record
    return merged


def write_records(
    conn: sqlite3.Connection,
    records: Iterable[StructureRecord],
    report: ImportReport,
    *,
    complete_sources: bool = True,
    sha256: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert `records` inside the caller's transaction and fill `report`.

    When `complete_sources` is true the file is a full snapshot of each source it names:
    structures of those sources not seen again are deleted, or marked absent when they
    have notes.

    Records are handled in batches: rows prepared in Python, then written with `executemany`
    together with their search index and tag rows.
    """
    now = dt.datetime.now().isoformat(timespec="seconds")
    cursor = conn.execute(
        "INSERT INTO sources(name, path, format, sha256, imported_at) VALUES (?,?,?,?,?)",
        ("", report.path, report.format or "?", sha256, now),
    )
    import_id = cursor.lastrowid
    merged = merge_duplicates(records)
    sources = sorted({r.source for r in merged.values()})
    existing: dict[str, tuple[int, str | None, int]] = {}
    for source in sources:
        for num, sid, chash, absent in conn.execute(
            "SELECT num, id, content_hash, absent FROM structures WHERE source = ?", (source,)
        ):
            existing[sid] = (num, chash, absent)

    done = 0
    touched = False
    with _bulk_settings(conn):
        for batch in _batches(list(merged.items()), WRITE_BATCH):
            added: list[dict[str, object]] = []
            changed: list[dict[str, object]] = []
            unchanged: list[str] = []
            services: list[dict[str, object]] = []
            for sid, record in batch:
                row = _structure_row(record, sid)
                rows = _service_rows(record, sid)
                row["content_hash"] = _hash({**row, "services": [s["content_hash"] for s in rows]})
                row["import_id"] = import_id
                row["absent"] = 0
                report.services += len(rows)
                previous = existing.get(sid)
                if previous is None:
                    added.append(row)
                    services.extend(rows)
                elif previous[1] != row["content_hash"] or previous[2]:
                    changed.append(row)
                    services.extend(rows)
                else:
                    unchanged.append(sid)
            report.added += len(added)
            report.updated += len(changed)
            report.unchanged += len(unchanged)
            _write_batch(conn, import_id, added, changed, unchanged, services, existing)
            touched = touched or bool(added or changed)
            done += len(batch)
            if progress:
                progress(done)
        if complete_sources:
            gone = [sid for sid in existing if sid not in merged]
            _retire(conn, gone, report)
        if touched or report.removed:
            refresh_terms(conn)
    conn.execute(
        "UPDATE sources SET name = ?, added = ?, updated = ?, unchanged = ?, rejected = ?,"
        " absent = ?, removed = ? WHERE id = ?",
        (
            ", ".join(sources),
            report.added,
            report.updated,
            report.unchanged,
            report.rejected,
            report.absent,
            report.removed,
            import_id,
        ),
    )
    if progress:
        progress(done)
    return report


def _write_batch(
    conn: sqlite3.Connection,
    import_id: int | None,
    added: list[dict[str, object]],
    changed: list[dict[str, object]],
    unchanged: list[str],
    services: list[dict[str, object]],
    existing: dict[str, tuple[int, str | None, int]],
) -> None:
    # An added id may exist under another source name (e.g. a renamed source).
    _delete_structures(
        conn, _existing_ids(conn, [str(r["id"]) for r in added]), forget_favorites=False
    )
    _insert_many(conn, "structures", added)
    if changed:
        cols = [c for c in changed[0] if c != "id"]
        conn.executemany(
            f"UPDATE structures SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
            [[r[c] for c in cols] + [r["id"]] for r in changed],
        )
        conn.executemany(
            "DELETE FROM services WHERE structure_id = ?", [(r["id"],) for r in changed]
        )
    _insert_many(conn, "services", services, verb="INSERT OR REPLACE")
    conn.executemany(
        "UPDATE structures SET import_id = ? WHERE id = ?",
        [(import_id, sid) for sid in unchanged],
    )
    _index(conn, added, changed, services, existing)
    tag_rows(conn, [*added, *changed], services)


# Records are prepared and written this many at a time: memory stays flat on big files.
WRITE_BATCH = 2000

# Page cache for one import: the structures, services and FTS B-trees stay in memory
# instead of being re-read from disk for every batch (negative = KiB).
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _bulk_settings(conn: sqlite3.Connection) -> Iterator[None]:
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    return _batches(items, size)


def _existing_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> list[str]:
    found: list[str] = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        found += [
            r[0] for r in conn.execute(f"SELECT id FROM structures WHERE id IN ({marks})", chunk)
        ]
    return found


def _delete_structures(
    conn: sqlite3.Connection, ids: Sequence[str], *, forget_favorites: bool = True
) -> None:
    """Delete structures with their services, index row and (unless kept) favourite mark."""
    if not ids:
        return
    unindex_structures(conn, ids)
    untag_structures(conn, ids)
    pairs = [(sid,) for sid in ids]
    conn.executemany("DELETE FROM services WHERE structure_id = ?", pairs)
    conn.executemany("DELETE FROM structures WHERE id = ?", pairs)
    if forget_favorites:
        conn.executemany("DELETE FROM favorites WHERE structure_id = ?", pairs)


def _insert_many(
    conn: sqlite3.Connection, table: str, rows: list[dict[str, object]], verb: str = "INSERT"
) -> None:
    if not rows:
        return
    cols = list(rows[0])
    conn.executemany(
        f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [[r[c] for c in cols] for r in rows],
    )


def _index(
    conn: sqlite3.Connection,
    added: list[dict[str, object]],
    changed: list[dict[str, object]],
    services: list[dict[str, object]],
    existing: dict[str, tuple[int, str | None, int]],
) -> None:
    """Write the search index rows of the added and changed structures."""
    conn.executemany(
        "DELETE FROM structures_fts WHERE rowid = ?",
        [(existing[str(r["id"])][0],) for r in changed],
    )
    texts: dict[object, list[tuple[str, str | None]]] = {}
    for service in services:
        texts.setdefault(service["structure_id"], []).append(
            (str(service["nom"]), service["description"])  # type: ignore[arg-type]
        )
    conn.executemany(
        "INSERT INTO structures_fts(rowid, nom, lieu, services) "
        "VALUES ((SELECT num FROM structures WHERE id = ?), ?, ?, ?)",
        (
            (
                row["id"],
                *index_entry(
                    row["nom"],  # type: ignore[arg-type]
                    row["commune"],  # type: ignore[arg-type]
                    row["code_postal"],  # type: ignore[arg-type]
                    row["departement"],  # type: ignore[arg-type]
                    row["kind"],  # type: ignore[arg-type]
                    texts.get(row["id"], ()),
                ),
            )
            for row in (*added, *changed)
        ),
    )


def _retire(conn: sqlite3.Connection, gone: list[str], report: ImportReport) -> None:
    if not gone:
        return
    with_notes = {sid for (sid,) in conn.execute("SELECT DISTINCT structure_id FROM notes")}
    kept = [sid for sid in gone if sid in with_notes]
    for sid in kept:
        report.absent += conn.execute(
            "UPDATE structures SET absent = 1 WHERE id = ? AND absent = 0", (sid,)
        ).rowcount
    removed = [sid for sid in gone if sid not in with_notes]
    _delete_structures(conn, removed)
    report.removed += len(removed)
