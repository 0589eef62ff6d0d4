"""Importing one file: detect, then parse, validate and write in batches in one transaction."""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from store import writer as writer_module
from store.backup import make_backup
from store.db import Store
from store.models import Reject, StructureRecord
from store.writer import ImportReport, RecordWriter, batched

from .base import Format, ImportFailure, ImportOptions
from .geocode import GeocodeCache, geocode_records
from .registry import detect, get_format

Progress = Callable[[str, int, int | None], None]  # (phase, done, total)


def _check_file(path: Path) -> Path:
    if not path.exists():
        raise ImportFailure(path, "fichier introuvable.")
    if path.is_dir():
        package = path / "datapackage.json"  # an Open Referral (HSDS) folder
        if not package.is_file():
            raise ImportFailure(path, "c'est un dossier, pas un fichier.")
        path = package
    if path.stat().st_size == 0:
        raise ImportFailure(path, "le fichier est vide.")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parsed(path: Path, fmt: Format, options: ImportOptions) -> Iterator[StructureRecord | Reject]:
    """The format's records as they are read; a file it cannot read is an ImportFailure."""
    try:
        yield from fmt.parse(path, options)
    except ImportFailure:
        raise
    except (
        UnicodeDecodeError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        OSError,
        csv.Error,
        EOFError,
    ) as exc:
        raise ImportFailure(path, f"fichier illisible comme {fmt.label} ({exc}).") from None
    except MemoryError:
        raise ImportFailure(path, f"fichier trop gros pour un fichier {fmt.label}.") from None
    except RecursionError:
        raise ImportFailure(
            path, f"structure trop imbriquée pour un fichier {fmt.label}."
        ) from None


def import_file(
    store: Store,
    path: str | os.PathLike[str],
    *,
    format_name: str | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    backup: bool = True,
) -> ImportReport:
    """Import one file. Raises ImportFailure (store untouched) when the file can't be used;
    with `options.strict`, any rejected record fails the whole file.

    The file is read as a stream (lines capped) and written in batches inside one
    transaction: a failure at any point leaves the store as it was. What the writer remembers
    of each structure lives in SQLite temporary tables, not in Python. Memory is not flat yet:
    192 MiB max RSS at 100 000 rows, 249 MiB at 1 000 000 (was 214 and 432; BENCHMARKS.md), a
    remainder of about 65 bytes per row not yet traced. Also growing with the file: the
    rejected records (kept for the report) and services met before their structure.
    """
    options = options or ImportOptions()
    path = Path(path)
    path = _check_file(path)
    fmt = get_format(format_name) if format_name else detect(path)
    report = ImportReport(path=str(path), format=fmt.name)
    items = _parsed(path, fmt, options)
    first = next(items, None)  # most unusable files fail here, before the backup
    records = itertools.chain([] if first is None else [first], items)
    with _without_mmap(store.conn), _bulk_gc():
        if backup:
            make_backup(store)
        with store.transaction() as conn:
            _write(conn, path, fmt, options, records, report, progress)
            if options.strict and report.rejects:
                first_reject = report.rejects[0]
                count = len(report.rejects)
                more = f" (et {count - 1} autre(s))" if count > 1 else ""
                raise ImportFailure(
                    path,
                    f"{first_reject.reason}{more} ; rien n'a été importé.",
                    first_reject.origin,
                )
    if report.rejects:
        write_rejects(store, path, report.rejects)
    return report


@contextlib.contextmanager
def _bulk_gc() -> Iterator[None]:
    """No cyclic garbage collection while importing: records and rows are freed by reference
    counting, and full collections kept walking the growing sets of ids of a national file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _without_mmap(conn: sqlite3.Connection) -> Iterator[None]:
    """No memory map while importing: the backup and the import read the whole store once,
    and a map would keep every page of it in the process's memory. Searches map it again."""
    row = conn.execute("PRAGMA mmap_size").fetchone()
    if row is None:  # a store in memory: nothing mapped
        yield
        return
    conn.execute("PRAGMA mmap_size = 0")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA mmap_size = {int(row[0])}")


def _write(
    conn: sqlite3.Connection,
    path: Path,
    fmt: Format,
    options: ImportOptions,
    items: Iterator[StructureRecord | Reject],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    """Write the records in batches as they are parsed (the caller holds the transaction)."""
    places: GeocodeCache = {}
    records_seen = 0
    with RecordWriter(conn, report, complete_sources=fmt.complete, sha256=_sha256(path)) as writer:
        for batch in batched(items, writer_module.WRITE_BATCH):
            records: list[StructureRecord] = []
            for item in batch:
                if isinstance(item, Reject):
                    report.rejects.append(item)
                else:
                    if options.source:
                        item.source = options.source
                    records.append(item)
            records_seen += len(records)
            if fmt.prepare and records:
                records, prepare_rejects = fmt.prepare(conn, records)
                report.rejects.extend(prepare_rejects)
            geocode_records(conn, records, cache=places)
            writer.write(records)
            if progress:
                progress("écriture", writer.done, None)
        if not records_seen and not report.rejects:
            raise ImportFailure(path, f"aucune structure trouvée (lu comme {fmt.label}).")
        writer.finish()
    if progress:
        progress("écriture", writer.done, writer.done)


def rejects_path(store: Store) -> Path | None:
    if store.in_memory:
        return None
    db = Path(store.path)
    return db.with_name(db.stem + "-rejets.csv")


def write_rejects(store: Store, path: Path, rejects: list[Reject]) -> Path | None:
    """Append the rejected records to a CSV next to the store (file, where, reason)."""
    target = rejects_path(store)
    if target is None:
        return None
    new = not target.exists()
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # also when an older file was left readable
    with os.fdopen(fd, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["fichier", "emplacement", "motif"])
        for reject in rejects:
            writer.writerow([str(path), reject.origin, reject.reason])
    return target
