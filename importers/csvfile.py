"""Reading CSV files as found in open data (shared by the format modules).

Encoding (UTF-8 with or without BOM, else cp1252) and delimiter are detected; rows come with
their line number for reject messages. Data-entry templates mark rows to skip with an
`__ignore__` column.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from store.text import normalize

from .base import ImportFailure, capped_lines, text_encoding
from .fields import text

DELIMITERS = (";", ",", "\t", "|")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter used most on the header line (outside quotes)."""
    outside, quoted = [], False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    line = "".join(outside)
    best = max(DELIMITERS, key=line.count)
    return best if line.count(best) else ","


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head or head.startswith((b"\x1f\x8b", b"PK\x03\x04", b"%PDF", b"BZh")):
        return True
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 50


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each row of a CSV file, encoding and delimiter detected."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if looks_binary(head):
        if head.startswith(b"\x1f\x8b"):
            raise ImportFailure(path, "fichier compressé (gzip) : décompressez-le d'abord.")
        raise ImportFailure(path, "fichier binaire : ce n'est pas un tableau CSV.")
    # Streamed: memory stays flat whatever the number of rows, and a line is capped.
    with path.open(encoding=text_encoding(path), newline="") as handle:
        lines = capped_lines(handle, path)
        first = next(lines, "")
        reader = csv.reader(itertools.chain([first], lines), delimiter=sniff_delimiter(first))
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            where = f"ligne {reader.line_num}"
            raise ImportFailure(path, f"CSV illisible ({exc}).", where) from None


def header_index(headers: Sequence[Any]) -> dict[str, int]:
    """Column index by normalised header."""
    return {normalize(text(h)): i for i, h in enumerate(headers) if text(h)}


def truthy(row: Sequence[Any], index: int) -> bool:
    """Whether the row's cell at `index` is a yes (`__ignore__` columns of templates)."""
    value = row[index] if index < len(row) else None
    return value is True or text(value) in ("1", "true", "True", "oui", "x")


def header_records(
    rows: Iterable[tuple[int, Sequence[Any]]], where: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(origin, {header: cell}) for each data row under the first non-empty row.

    Columns without a header (a pandas index) are left out; rows marked in an `__ignore__`
    column (data·inclusion templates) and empty rows are skipped.
    """
    headers: list[str] | None = None
    ignore_at: int | None = None
    for number, row in rows:
        if headers is None:
            if any(text(c) for c in row):
                headers = [(text(c) or "").lstrip("\ufeff") for c in row]
                ignore_at = header_index(headers).get("ignore")
            continue
        if not any(text(c) for c in row):
            continue
        if ignore_at is not None and truthy(row, ignore_at):
            continue
        yield f"{where} {number}", {h: v for h, v in zip(headers, row, strict=False) if h}
