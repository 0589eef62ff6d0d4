"""Writing validated records: stable ids, upsert with added/updated/unchanged, absences.

The caller owns the transaction (`Store.transaction()`): a file lands whole or not at all.

Records arrive as a stream and are written in batches (`RecordWriter`). What the import
must remember of each structure (met, added or updated, fields taken, services to rebuild)
lives in temporary tables of the connection, not in Python: the writer's memory is bounded
by a batch, not by the file. A record may carry only part of a structure (`StructureRecord`):
- `services_complete=False` (a file of structures alone): stored services are kept, the
  record's own are upserted;
- `structure_fields=False` (a services file naming its structure): the structure row is not
  rewritten, only its services are upserted.
Records of one structure met several times in one import merge: the first fields win,
services accumulate. A structure counts once: added, updated (its fields or any of its
services changed) or unchanged.

The search index, the orientation tags and the structures' derived thématiques depend on
all of a structure's services, which may arrive in several batches: they are rebuilt once,
at the end of the import, for the structures that changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TypeVar, cast

from . import kinds
from .communes import departement_of
from .hours import normalize_hours
from .ids import service_id, structure_id
from .models import LIST_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS, Reject, StructureRecord
from .places import forget_structures, place_structures
from .search import index_entry, refresh_terms, unindex_structures
from .tags import tag_rows, untag_structures

T = TypeVar("T")

# Records are prepared and written this many at a time: memory stays flat on big files.
WRITE_BATCH = 2000

# Page cache for one import: the structures, services and FTS B-trees stay in memory
# instead of being re-read from disk for every batch (negative = KiB).
IMPORT_CACHE_KIB = 64 * 1024

# A structure's content hash ends with this mark when it has no thématique of its own: its
# stored `thematiques` are then derived (its services', or its kind's) and follow them.
DERIVED = "+"
# And holds this one when its own fields gave it only a generic kind (« Autre », association,
# mairie) and no importer said more: its services' thématiques, however they arrive, may.
KIND_OPEN = "?"

# Up to this many structures to rebuild are looked up by id; more, by one pass over the store.
FEW_TO_REBUILD = 5000
# Structures rebuilt (index, tags, thématiques) together.
REBUILD_CHUNK = 500

# Page cache of the temporary tables holding the import's state (spilled to a file beyond).
STATE_CACHE_KIB = 16 * 1024

UNCHANGED, UPDATED, ADDED = 0, 1, 2

# What the import knows of each structure it met, and the services given for the structures
# whose stored services it replaces: in the connection's temporary database (a file spilled
# from a bounded page cache), dropped at the end; created in the import's transaction, so
# a failed import rolls them back with the rest.
_STATE_TABLES = (
    "CREATE TEMP TABLE import_seen (id TEXT PRIMARY KEY, status INTEGER NOT NULL,"
    " fielded INTEGER NOT NULL, complete INTEGER NOT NULL, dirty INTEGER NOT NULL)"
    " WITHOUT ROWID",
    "CREATE TEMP TABLE import_seen_services (id TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TEMP TABLE import_gone (id TEXT NOT NULL)",
)
_STATE_TABLE_NAMES = ("import_seen", "import_seen_services", "import_gone")


@dataclass(slots=True)
class _Seen:
    """One structure met by this import (a row of `temp.import_seen`)."""

    status: int  # UNCHANGED / UPDATED / ADDED
    fielded: bool = False  # its fields were taken in this import
    complete: bool = False  # stored, and this import carries all its services
    dirty: bool = False  # index, tags and derived thématiques to rebuild


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


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _json(value: object) -> str:
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return _encode(value)


def _json_list(value: Iterable[str] | None) -> str:
    """A JSON list of the distinct values, sorted (code lists repeat: cached)."""
    if not value:
        return "[]"
    try:
        return _sorted_json_list(tuple(value))
    except TypeError:  # unhashable items
        return _json(sorted(set(value)))


@functools.lru_cache(maxsize=16384)
def _sorted_json_list(items: tuple[str, ...]) -> str:
    return _encode(sorted(set(items)))


# Opening-hours texts repeat a lot across a national file ("Mo-Fr 09:00-12:00").
_hours = functools.lru_cache(maxsize=4096)(normalize_hours)


def _digest(values: Iterable[object]) -> str:
    """A content hash of row values (str, int, float, None: `repr` is stable across runs)."""
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=10).hexdigest()


_DEPARTEMENT = re.compile(r"\d{2,3}|2[AB]")


def _structure_row(record: StructureRecord, sid: str) -> dict[str, object]:
    """The structure's row, with its content hash (over its own fields only)."""
    row: dict[str, object] = {"id": sid, "source": record.source, "source_id": record.source_id}
    for name in STRUCTURE_FIELDS:
        value = getattr(record, name)
        if name in LIST_FIELDS:
            value = _json_list(value)
        elif name == "extra":
            value = _json(value or {})
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, str):
            value = value.strip() or None
        row[name] = value
    row["horaires_accueil"] = _hours(record.horaires_accueil)
    # Coded fields hold codes only: a value from the data that is not one is derived again.
    if not _DEPARTEMENT.fullmatch(str(row["departement"] or "")):
        row["departement"] = departement_of(record.code_insee) or departement_of(record.code_postal)
    open_kind = False
    if row["kind"] not in kinds.BY_SLUG:
        row["kind"] = kinds.infer(
            record.nom,
            record.typologie,
            record.reseaux_porteurs,
            record.description,
            record.thematiques,
            record.commune,
        )
        open_kind = row["kind"] in kinds.GENERIC
    digest = _digest(row.values()) + (KIND_OPEN if open_kind else "")
    if row["thematiques"] == "[]":
        # A first guess from the services at hand; the end of the import sets it from all.
        themes = {t for s in record.services for t in s.thematiques}
        row["thematiques"] = _json_list(themes or kinds.thematiques_of(str(row["kind"])))
        digest += DERIVED
    row["content_hash"] = digest
    return row


# (field, how to store it): 1 = JSON list, 2 = JSON object, 0 = as is (text stripped)
_SERVICE_PLAN = tuple(
    (name, 1 if name in LIST_FIELDS else 2 if name == "extra" else 0) for name in SERVICE_FIELDS
)


def _service_rows(record: StructureRecord, sid: str) -> list[dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for service in record.services:
        values = service.__dict__
        row: dict[str, object] = {
            "id": service_id(sid, service.source_id, service.nom),
            "structure_id": sid,
            "source": record.source,
            "source_id": service.source_id,
        }
        for name, how in _SERVICE_PLAN:
            value = values[name]
            if how == 1:
                value = _json_list(value)
            elif how == 2:
                value = _json(value) if value else "{}"
            elif value.__class__ is str:
                value = value.strip() or None
            row[name] = value
        row["horaires_accueil"] = _hours(service.horaires_accueil)
        row["departement"] = departement_of(service.code_insee) or departement_of(
            service.code_postal
        )
        row["content_hash"] = _digest(row.values())
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
    """
    with RecordWriter(conn, report, complete_sources=complete_sources, sha256=sha256) as writer:
        for batch in batched(records, WRITE_BATCH):
            writer.write(batch)
            if progress:
                progress(writer.done)
        writer.finish()
    if progress:
        progress(writer.done)
    return report


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class RecordWriter:
    """Writes a stream of records in batches inside the caller's transaction.

    `write(batch)` as records come, then `finish()` once: pending services, services gone
    from complete records, retired structures, search index, tags and vocabulary.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        report: ImportReport,
        *,
        complete_sources: bool = True,
        sha256: str | None = None,
    ) -> None:
        self.conn = conn
        self.report = report
        self.complete_sources = complete_sources
        now = dt.datetime.now().isoformat(timespec="seconds")
        cursor = conn.execute(
            "INSERT INTO sources(name, path, format, sha256, imported_at) VALUES (?,?,?,?,?)",
            ("", report.path, report.format or "?", sha256, now),
        )
        self.import_id = cursor.lastrowid
        self.done = 0  # records received
        self.sources: set[str] = set()
        self.pending: list[StructureRecord] = []  # services of a structure not met yet
        for name in _STATE_TABLE_NAMES:
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        for statement in _STATE_TABLES:
            conn.execute(statement)
        self._settings = _bulk_settings(conn)

    def __enter__(self) -> RecordWriter:
        self._settings.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._settings.__exit__(None, None, None)

    # -- counting ---------------------------------------------------------------------------

    def _mark(self, seen: dict[str, _Seen], sid: str, status: int) -> _Seen:
        """Raise a structure's status (counted once, at its highest) in the batch's `seen`."""
        state = seen.get(sid)
        if state is None:
            state = seen[sid] = _Seen(status)
            before = None
        elif state.status >= status:
            return state
        else:
            before, state.status = state.status, status
        report = self.report
        if before == UNCHANGED:
            report.unchanged -= 1
        elif before == UPDATED:
            report.updated -= 1
        if status == ADDED:
            report.added += 1
        elif status == UPDATED:
            report.updated += 1
        else:
            report.unchanged += 1
        return state

    def _seen(self, ids: Sequence[str]) -> dict[str, _Seen]:
        """What this import already knows of the given structures (those it met)."""
        found: dict[str, _Seen] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for sid, status, fielded, complete, dirty in self.conn.execute(
                "SELECT id, status, fielded, complete, dirty FROM temp.import_seen"
                f" WHERE id IN ({marks})",
                chunk,
            ):
                found[sid] = _Seen(status, bool(fielded), bool(complete), bool(dirty))
        return found

    def _remember(self, seen: dict[str, _Seen], service_ids: list[str]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO temp.import_seen(id, status, fielded, complete, dirty)"
            " VALUES (?,?,?,?,?)",
            [(sid, s.status, s.fielded, s.complete, s.dirty) for sid, s in seen.items()],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.import_seen_services(id) VALUES (?)",
            [(vid,) for vid in service_ids],
        )

    # -- one batch --------------------------------------------------------------------------

    def write(self, records: Iterable[StructureRecord], *, final: bool = False) -> None:
        groups: dict[str, list[StructureRecord]] = {}
        for record in records:
            groups.setdefault(record_id(record), []).append(record)
            if not final:
                self.done += 1
        seen = self._seen(list(groups))
        previous = self._previous(
            [sid for sid in groups if sid not in seen or not seen[sid].fielded]
        )
        added: list[dict[str, object]] = []
        changed: list[dict[str, object]] = []
        unchanged: list[str] = []
        services: list[dict[str, object]] = []  # of the structures already stored
        new_services: list[dict[str, object]] = []  # of the structures added now
        complete_services: list[str] = []  # given for structures whose services they replace
        for sid, group in groups.items():
            prev = previous.get(sid)
            met = seen.get(sid)
            fields = None
            if met is None or not met.fielded:
                fields = next((r for r in group if r.structure_fields), None)
            if fields is None and prev is None and met is None:
                if final:
                    self._reject_orphans(group)
                else:
                    self.pending.extend(group)  # its structure may come later in the file
                continue
            self.sources.add(group[0].source)
            rows = _service_rows(_merged_services(group), sid)
            self.report.services += len(rows)
            if fields is not None:
                row = _structure_row(fields, sid)
                row["import_id"] = self.import_id
                row["absent"] = 0
                if prev is None and met is None:
                    added.append(row)
                    new_services.extend(rows)
                    state = self._mark(seen, sid, ADDED)
                    state.fielded = state.dirty = True
                    continue
                if prev is not None and (prev[1] != row["content_hash"] or prev[2]):
                    changed.append(row)
                    state = self._mark(seen, sid, UPDATED)
                    state.dirty = True
                else:
                    unchanged.append(sid)
                    state = self._mark(seen, sid, UNCHANGED)
                state.fielded = True
            else:
                state = self._mark(seen, sid, UNCHANGED)
            if state.status != ADDED and any(r.services_complete for r in group):
                state.complete = True
                complete_services.extend(str(r["id"]) for r in rows)
            services.extend(rows)
        self._write_structures(added, changed, unchanged)
        _insert_many(self.conn, "services", new_services, verb="INSERT OR REPLACE")
        for sid in self._upsert_services(services):
            self._mark(seen, sid, UPDATED).dirty = True
        self._remember(seen, complete_services)

    def _previous(self, ids: Sequence[str]) -> dict[str, tuple[int, str | None, int]]:
        found: dict[str, tuple[int, str | None, int]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for sid, num, chash, absent in self.conn.execute(
                f"SELECT id, num, content_hash, absent FROM structures WHERE id IN ({marks})",
                chunk,
            ):
                found[sid] = (num, chash, absent)
        return found

    def _write_structures(
        self,
        added: list[dict[str, object]],
        changed: list[dict[str, object]],
        unchanged: list[str],
    ) -> None:
        conn = self.conn
        _insert_many(conn, "structures", added)
        if changed:
            cols = [c for c in changed[0] if c != "id"]
            conn.executemany(
                f"UPDATE structures SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                [[r[c] for c in cols] + [r["id"]] for r in changed],
            )
        conn.executemany(
            "UPDATE structures SET import_id = ? WHERE id = ?",
            [(self.import_id, sid) for sid in unchanged],
        )

    def _upsert_services(self, rows: list[dict[str, object]]) -> set[str]:
        """Insert or replace the services that are new or changed; their structures' ids."""
        if not rows:
            return set()
        stored: dict[str, str | None] = {}
        for chunk in _chunks([str(r["id"]) for r in rows]):
            marks = ",".join("?" * len(chunk))
            stored.update(
                self.conn.execute(
                    f"SELECT id, content_hash FROM services WHERE id IN ({marks})", chunk
                ).fetchall()
            )
        fresh = [r for r in rows if stored.get(str(r["id"]), "") != r["content_hash"]]
        _insert_many(self.conn, "services", fresh, verb="INSERT OR REPLACE")
        return {str(r["structure_id"]) for r in fresh}

    def _reject_orphans(self, group: list[StructureRecord]) -> None:
        record = group[0]
        count = sum(len(r.services) for r in group)
        self.report.rejects.append(
            Reject(
                record.origin or "?",
                f"structure « {record.source_id or record.nom} » ({record.source}) introuvable,"
                f" ni dans le fichier ni dans la base : {count} service(s) ignoré(s)",
            )
        )

    # -- the end of the import --------------------------------------------------------------

    def finish(self) -> ImportReport:
        conn, report = self.conn, self.report
        pending, self.pending = self.pending, []
        for batch in batched(pending, WRITE_BATCH):
            self.write(batch, final=True)
        self._drop_missing_services()
        if self.complete_sources:
            self._retire_gone()
        rebuilt = self._rebuild()
        if rebuilt or report.removed:
            refresh_terms(conn)
        conn.execute(
            "UPDATE sources SET name = ?, added = ?, updated = ?, unchanged = ?, rejected = ?,"
            " absent = ?, removed = ? WHERE id = ?",
            (
                ", ".join(sorted(self.sources)),
                report.added,
                report.updated,
                report.unchanged,
                report.rejected,
                report.absent,
                report.removed,
                self.import_id,
            ),
        )
        for name in _STATE_TABLE_NAMES:
            conn.execute(f"DROP TABLE temp.{name}")
        return report

    def _drop_missing_services(self) -> None:
        """Services of a complete structure that this import did not give again: deleted,
        and their structure counted as updated."""
        missing = (
            "SELECT 1 FROM services v WHERE v.structure_id = import_seen.id"
            " AND v.id NOT IN (SELECT id FROM temp.import_seen_services)"
        )
        # A complete structure is never one added by this import; an updated one is dirty.
        raised = self.conn.execute(
            f"UPDATE temp.import_seen SET status = {UPDATED}, dirty = 1"
            f" WHERE complete AND status = {UNCHANGED} AND EXISTS ({missing})"
        ).rowcount
        self.report.unchanged -= raised
        self.report.updated += raised
        self.conn.execute(
            "DELETE FROM services WHERE structure_id IN"
            " (SELECT id FROM temp.import_seen WHERE complete)"
            " AND id NOT IN (SELECT id FROM temp.import_seen_services)"
        )

    def _retire_gone(self) -> None:
        """Structures of the sources of this file that it did not give again."""
        conn = self.conn
        for source in sorted(self.sources):
            conn.execute(
                "INSERT INTO temp.import_gone(id) SELECT id FROM structures"
                " WHERE source = ? AND import_id IS NOT ?"
                " AND id NOT IN (SELECT id FROM temp.import_seen)",
                (source, self.import_id),
            )
        last = 0
        while chunk := conn.execute(
            "SELECT rowid, id FROM temp.import_gone WHERE rowid > ? ORDER BY rowid LIMIT 500",
            (last,),
        ).fetchall():
            last = chunk[-1][0]
            _retire(conn, [sid for _, sid in chunk], self.report)

    def _rebuild(self) -> bool:
        """Derived thématiques, search index rows and tags of the structures that changed;
        whether there were any.

        In the order of their rowid: FTS5 keeps writing into its in-memory segment as long
        as rowids grow (a smaller rowid flushes it), and `INSERT OR REPLACE` deletes then
        inserts each row under the same rowid.
        """
        conn = self.conn
        rebuilt = False
        for chunk in self._dirty_by_rowid():
            rebuilt = True
            added_nums = {num for num, status in chunk if status == ADDED}
            marks = ",".join("?" * len(chunk))
            structures = [
                dict(zip(_REBUILD_COLUMNS, r, strict=True))
                for r in conn.execute(
                    f"SELECT {', '.join(_REBUILD_COLUMNS)} FROM structures "
                    f"WHERE num IN ({marks}) ORDER BY num",
                    [num for num, _ in chunk],
                )
            ]
            services: dict[str, list[dict[str, object]]] = {}
            for sid, nom, description, themes in conn.execute(
                "SELECT structure_id, nom, description, thematiques FROM services "
                f"WHERE structure_id IN ({marks})",
                [s["id"] for s in structures],
            ):
                services.setdefault(sid, []).append(
                    {"structure_id": sid, "nom": nom, "description": description,
                     "thematiques": themes}
                )  # fmt: skip
            self._derive_kinds(structures, services)
            self._derive_thematiques(structures, services)
            conn.executemany(
                "INSERT OR REPLACE INTO structures_fts(rowid, nom, lieu, services) "
                "VALUES (?,?,?,?)",
                [
                    (
                        s["num"],
                        # Rows read as dicts of the columns' SQLite values (str or None).
                        *index_entry(
                            cast(str, s["nom"]),
                            cast("str | None", s["commune"]),
                            cast("str | None", s["code_postal"]),
                            cast("str | None", s["departement"]),
                            cast("str | None", s["kind"]),
                            [
                                (cast(str, v["nom"]), cast("str | None", v["description"]))
                                for v in services.get(cast(str, s["id"]), ())
                            ],
                        ),
                    )
                    for s in structures
                ],
            )
            for added in (True, False):  # new structures have no tags to compare with
                part = [s for s in structures if (s["num"] in added_nums) == added]
                tag_rows(
                    conn,
                    part,
                    [v for s in part for v in services.get(str(s["id"]), ())],
                    replace=not added,
                )
            place_structures(conn, [str(s["id"]) for s in structures])
        return rebuilt

    def _dirty_by_rowid(self) -> Iterator[list[tuple[int, int]]]:
        """(rowid, status) of the structures to rebuild, by increasing rowid, in chunks.

        A few: read at once. Many: one pass over the structures in rowid order (CROSS JOIN
        keeps `structures` the outer loop), resumed after the last rowid of each chunk; the
        rebuild writes to `structures` between two chunks, never under an open cursor."""
        conn, size = self.conn, REBUILD_CHUNK
        (count,) = conn.execute("SELECT count(*) FROM temp.import_seen WHERE dirty").fetchone()
        if count <= FEW_TO_REBUILD:
            rows = conn.execute(
                "SELECT s.num, t.status FROM temp.import_seen t JOIN structures s ON s.id = t.id"
                " WHERE t.dirty ORDER BY s.num"
            ).fetchall()
            for start in range(0, len(rows), size):
                yield rows[start : start + size]
            return
        last = -1
        while chunk := conn.execute(
            "SELECT s.num, t.status FROM structures s CROSS JOIN temp.import_seen t"
            " ON t.id = s.id WHERE s.num > ? AND t.dirty ORDER BY s.num LIMIT ?",
            (last, size),
        ).fetchall():
            last = chunk[-1][0]
            yield chunk

    def _derive_kinds(
        self,
        structures: list[dict[str, object]],
        services: dict[str, list[dict[str, object]]],
    ) -> None:
        """A structure whose own fields gave only a generic kind takes the kind its services'
        thématiques point to (all of them: nested or from a services file, the same kind)."""
        updates: list[tuple[str, object]] = []
        for s in structures:
            if KIND_OPEN not in str(s["content_hash"] or ""):
                continue
            codes = [c for v in services.get(str(s["id"]), ()) for c in _codes(v["thematiques"])]
            kind = kinds.from_thematiques(codes) or self._own_kind(s)
            if kind != s["kind"]:
                s["kind"] = kind
                updates.append((kind, s["num"]))
        self.conn.executemany("UPDATE structures SET kind = ? WHERE num = ?", updates)

    def _own_kind(self, structure: dict[str, object]) -> str:
        """The generic kind a structure's own fields give (when its services no longer say
        more than that)."""
        if structure["kind"] in kinds.GENERIC:
            return str(structure["kind"])
        nom, typologie, reseaux, description, themes, commune = self.conn.execute(
            "SELECT nom, typologie, reseaux_porteurs, description, thematiques, commune"
            " FROM structures WHERE num = ?",
            (structure["num"],),
        ).fetchone()
        own = () if str(structure["content_hash"]).endswith(DERIVED) else _codes(themes)
        return kinds.infer(nom, typologie, _codes(reseaux), description, own, commune)

    def _derive_thematiques(
        self,
        structures: list[dict[str, object]],
        services: dict[str, list[dict[str, object]]],
    ) -> None:
        updates: list[tuple[str, object]] = []
        for s in structures:
            if not str(s["content_hash"] or "").endswith(DERIVED):
                continue
            themes: set[str] = set()
            for service in services.get(str(s["id"]), ()):
                themes.update(_codes(service["thematiques"]))
            value = _json_list(themes or kinds.thematiques_of(str(s["kind"])))
            if value != s["thematiques"]:
                s["thematiques"] = value
                updates.append((value, s["num"]))
        self.conn.executemany("UPDATE structures SET thematiques = ? WHERE num = ?", updates)


_REBUILD_COLUMNS = (
    "num",
    "id",
    "nom",
    "commune",
    "code_postal",
    "departement",
    "kind",
    "thematiques",
    "latitude",
    "longitude",
    "content_hash",
)


@functools.lru_cache(maxsize=8192)
def _codes(value: str | None) -> tuple[str, ...]:
    try:
        codes = json.loads(value or "[]")
    except ValueError:
        return ()
    return tuple(c for c in codes if isinstance(c, str)) if isinstance(codes, list) else ()


def _merged_services(group: list[StructureRecord]) -> StructureRecord:
    """One record holding the services of every record of the group (source of the first)."""
    if len(group) == 1:
        return group[0]
    return StructureRecord(
        nom=group[0].nom,
        source=group[0].source,
        services=[s for r in group for s in r.services],
    )


@contextlib.contextmanager
def _bulk_settings(conn: sqlite3.Connection) -> Iterator[None]:
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    before_temp = conn.execute("PRAGMA temp.cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{STATE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")
        conn.execute(f"PRAGMA temp.cache_size = {before_temp}")


def _chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_structures(
    conn: sqlite3.Connection, ids: Sequence[str], *, forget_favorites: bool = True
) -> None:
    """Delete structures with their services, index row and (unless kept) favourite mark."""
    if not ids:
        return
    unindex_structures(conn, ids)
    untag_structures(conn, ids)
    forget_structures(conn, ids)
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


def _retire(conn: sqlite3.Connection, gone: list[str], report: ImportReport) -> None:
    """Mark absent the structures with notes among `gone` (at most 500), delete the others."""
    if not gone:
        return
    marks = ",".join("?" * len(gone))
    with_notes = {
        sid
        for (sid,) in conn.execute(
            f"SELECT DISTINCT structure_id FROM notes WHERE structure_id IN ({marks})", gone
        )
    }
    kept = [sid for sid in gone if sid in with_notes]
    for sid in kept:
        report.absent += conn.execute(
            "UPDATE structures SET absent = 1 WHERE id = ? AND absent = 0", (sid,)
        ).rowcount
    removed = [sid for sid in gone if sid not in with_notes]
    _delete_structures(conn, removed)
    report.removed += len(removed)
