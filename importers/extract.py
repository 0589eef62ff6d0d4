"""One département's records out of a national file, read and written as streams.

`aiguillage update --departement 75` downloads the national data·inclusion export (hundreds of
megabytes); this keeps the records of one département while reading it, record by record, so
memory stays flat whatever the file's size. Structures are kept by their commune (INSEE code,
else postcode); services when their structure was kept.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.communes import departement_of

from . import jsonstream

Tick = Callable[[int], None]  # records read so far
TICK_EVERY = 5000
_LIST_KEYS = ("items", "structures", "services", "results", "data")


@dataclass
class Extract:
    read: int = 0
    kept: int = 0
    keys: set[tuple[str, str]] = field(default_factory=set)  # (source, id) of records kept


def item_departement(item: dict[str, Any]) -> str | None:
    """The département of a record (or of the structure nested in it)."""
    for key in ("code_insee", "code_postal"):
        dep = departement_of(_code(item.get(key)))
        if dep:
            return dep
    nested = item.get("structure")
    return item_departement(nested) if isinstance(nested, dict) else None


def _source(item: dict[str, Any]) -> str:
    return str(item.get("source") or "")


def _code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value or "").strip()
    return text.zfill(5) if text.isdigit() and len(text) == 4 else text


def extract_json(
    source: Path,
    target: Path,
    dep: str,
    owners: set[tuple[str, str]] | None = None,
    tick: Tick | None = None,
) -> Extract:
    """Write to `target`, as a JSON array, the records of `source` in `dep`, and those whose
    (source, `structure_id`) is in `owners` (the services of the structures kept)."""
    found = Extract()
    with target.open("w", encoding="utf-8") as out:
        out.write("[")
        for _, item in jsonstream.records(source, _LIST_KEYS):
            found.read += 1
            if tick and found.read % TICK_EVERY == 0:
                tick(found.read)
            if not isinstance(item, dict):
                continue
            owner = (_source(item), str(item.get("structure_id") or ""))
            if item_departement(item) != dep and not (owners and owner in owners):
                continue
            out.write(",\n" if found.kept else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
            found.kept += 1
            found.keys.add((_source(item), str(item.get("id"))))
        out.write("\n]\n")
    if tick:
        tick(found.read)
    return found


def extract_csv(source: Path, target: Path, dep: str, column: str = "insee_dep") -> Extract:
    """Write to `target` the header and the rows of `source` whose `column` is `dep`."""
    found = Extract()
    with (
        source.open(encoding="utf-8-sig", newline="") as handle,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(handle)
        writer = csv.writer(out)
        header = next(reader, None)
        if header is None:
            return found
        writer.writerow(header)
        at = header.index(column) if column in header else None
        for row in reader:
            found.read += 1
            if at is not None and at < len(row) and row[at].strip().upper().zfill(2) == dep:
                writer.writerow(row)
                found.kept += 1
    return found
