"""Importing one file: detect, parse, validate, then write in one transaction."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from store.backup import make_backup
from store.db import Store
from store.models import Reject, StructureRecord
from store.writer import ImportReport, write_records

from .base import Format, ImportFailure, ImportOptions
from .geocode import geocode_records
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


def parse_file(
    path: Path, fmt: Format, options: ImportOptions, progress: Progress | None = None
) -> tuple[list[StructureRecord], list[Reject]]:
    records: list[StructureRecord] = []
    rejects: list[Reject] = []
    try:
        for item in fmt.parse(path, options):
            if isinstance(item, Reject):
                rejects.append(item)
            else:
                records.append(item)
                if progress and len(records) % 1000 == 0:
                    progress("lecture", len(records), None)
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
    if not records and not rejects:
        raise ImportFailure(path, f"aucune structure trouvée (lu comme {fmt.label}).")
    return records, rejects


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
    with `options.strict`, any rejected record fails the whole file."""
    options = options or ImportOptions()
    path = Path(path)
    path = _check_file(path)
    fmt = get_format(format_name) if format_name else detect(path)
    records, rejects = parse_file(path, fmt, options, progress)
    if options.source:
        for record in records:
            record.source = options.source
    if fmt.prepare:
        records, prepare_rejects = fmt.prepare(store.conn, records)
        rejects.extend(prepare_rejects)
    geocode_records(store.conn, records)
    if options.strict and rejects:
        first = rejects[0]
        more = f" (et {len(rejects) - 1} autre(s))" if len(rejects) > 1 else ""
        raise ImportFailure(path, f"{first.reason}{more} ; rien n'a été importé.", first.origin)
    report = ImportReport(path=str(path), format=fmt.name, rejects=rejects)
    if backup:
        make_backup(store)
    total = len(records)

    def on_write(done: int) -> None:
        if progress:
            progress("écriture", done, total)

    with store.transaction() as conn:
        write_records(
            conn,
            records,
            report,
            complete_sources=fmt.complete,
            sha256=_sha256(path),
            progress=on_write,
        )
    if rejects:
        write_rejects(store, path, rejects)
    return report


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
    with os.fdopen(fd, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["fichier", "emplacement", "motif"])
        for reject in rejects:
            writer.writerow([str(path), reject.origin, reject.reason])
    return target
