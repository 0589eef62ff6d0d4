"""Placeholder: this format is being written (see the issues)."""

from __future__ import annotations

from pathlib import Path

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample


def _detect(sample: Sample) -> float:
    return 0.0


def _parse(path: Path, options: ImportOptions) -> Parsed:
    raise ImportFailure(path, "format pas encore pris en charge.")
    yield  # pragma: no cover


FORMAT = Format("tabular", "tabular", _detect, _parse)
