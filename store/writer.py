"""Writing validated records: stable ids, upsert with added/updated/unchanged, absences.

The caller owns the transaction (`Store.transaction()`): a file lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from . import kinds
from .communes import departement_of
from .hours import normalize_hours
from .ids import service_id, structure_id
from .models import LIST_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS, Reject, StructureRecord
from .search import index_structures, unindex_structures


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
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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
    row["horaires_accueil"] = normalize_hours(record.horaires_accueil)
    if not row["departement"]:
        row["departement"] = departement_of(record.code_insee) or departement_of(
            record.code_postal
        )
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
        row["horaires_accueil"] = normalize_hours(service.horaires_accueil)
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

    touched: list[str] = []
    done = 0
    for sid, record in merged.items():
        row = _structure_row(record, sid)
        services = _service_rows(record, sid)
        row["content_hash"] = _hash({**row, "services": [s["content_hash"] for s in services]})
        row["import_id"] = import_id
        row["absent"] = 0
        report.services += len(services)
        previous = existing.get(sid)
        if previous is None:
            # The same id may exist under another source name (e.g. a renamed source).
            conn.execute("DELETE FROM structures WHERE id = ?", (sid,))
            _insert(conn, "structures", row)
            _replace_services(conn, sid, services)
            report.added += 1
            touched.append(sid)
        elif previous[1] != row["content_hash"] or previous[2]:
            cols = [c for c in row if c != "id"]
            conn.execute(
                f"UPDATE structures SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                [row[c] for c in cols] + [sid],
            )
            _replace_services(conn, sid, services)
            report.updated += 1
            touched.append(sid)
        else:
            conn.execute("UPDATE structures SET import_id = ? WHERE id = ?", (import_id, sid))
            report.unchanged += 1
        done += 1
        if progress and done % 500 == 0:
            progress(done)

    if complete_sources:
        gone = [sid for sid in existing if sid not in merged]
        _retire(conn, gone, report)
    index_structures(conn, touched)
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


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, object]) -> None:
    cols = list(row)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def _replace_services(
    conn: sqlite3.Connection, sid: str, services: list[dict[str, object]]
) -> None:
    conn.execute("DELETE FROM services WHERE structure_id = ?", (sid,))
    if not services:
        return
    cols = list(services[0])
    conn.executemany(
        f"INSERT OR REPLACE INTO services ({', '.join(cols)}) "
        f"VALUES ({', '.join('?' * len(cols))})",
        [[s[c] for c in cols] for s in services],
    )


def _retire(conn: sqlite3.Connection, gone: list[str], report: ImportReport) -> None:
    if not gone:
        return
    with_notes = {sid for (sid,) in conn.execute("SELECT DISTINCT structure_id FROM notes")}
    for sid in gone:
        if sid in with_notes:
            changed = conn.execute(
                "UPDATE structures SET absent = 1 WHERE id = ? AND absent = 0", (sid,)
            ).rowcount
            report.absent += changed
        else:
            unindex_structures(conn, [sid])
            conn.execute("DELETE FROM services WHERE structure_id = ?", (sid,))
            conn.execute("DELETE FROM structures WHERE id = ?", (sid,))
            conn.execute("DELETE FROM favorites WHERE structure_id = ?", (sid,))
            report.removed += 1
