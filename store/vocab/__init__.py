"""The project's own reference tables (data, not code), read from this package."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources


def tsv_rows(name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a tab-separated table in store/vocab/; `#` lines and blank
    lines are skipped."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, [cell.strip() for cell in line.split("\t")]
