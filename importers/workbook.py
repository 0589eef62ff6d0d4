"""Reading Excel workbooks (XLSX) as found in open data (shared by the format modules).

openpyxl reads in read-only mode, row by row; a damaged workbook is one French line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store.text import normalize

from .base import ImportFailure


def is_workbook(path: Path) -> bool:
    """True for a zip holding an Excel workbook (cheap: reads the zip's directory only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """An openpyxl workbook read as a stream (read-only), closed afterwards."""
    import openpyxl  # only needed here: keep the import cost off the other formats

    if not zipfile.is_zipfile(path):
        raise ImportFailure(path, "ce n'est pas un classeur XLSX (fichier .xlsx attendu).")
    try:
        workbook = openpyxl.load_workbook(path.open("rb"), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        raise ImportFailure(path, f"classeur XLSX illisible ({type(exc).__name__}).") from None
    try:
        yield workbook
    finally:
        workbook.close()


def sheets_by_name(workbook: Any) -> dict[str, Any]:
    """Normalised sheet title -> sheet."""
    return {normalize(ws.title): ws for ws in workbook.worksheets}


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    yield from enumerate(sheet.iter_rows(values_only=True), start=1)


def sheet_label(sheet: Any) -> str:
    return f"feuille « {sheet.title} », ligne"
