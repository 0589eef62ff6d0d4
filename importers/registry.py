"""The formats Aiguillage can import, and recognising a file's format by its content."""

from __future__ import annotations

import importlib
from pathlib import Path

from .base import SAMPLE_BYTES, Format, ImportFailure, Sample

# One module per foreign format; each defines FORMAT (or FORMATS).
MODULES = (
    "actions_sheets",
    "press_kit",
    "page",
    "data_inclusion",
    "france_services",
    "hsds",
    "tabular",
    "mairies",
    "mediation_numerique",
)


def formats() -> list[Format]:
    found: list[Format] = []
    for module_name in MODULES:
        module = importlib.import_module(f"importers.{module_name}")
        found.extend(getattr(module, "FORMATS", ()) or [module.FORMAT])
    return found


def get_format(name: str) -> Format:
    for fmt in formats():
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in formats())
    raise ImportFailure(name, f"format inconnu (formats possibles : {names}).")


def sample(path: Path) -> Sample:
    with path.open("rb") as handle:
        return Sample(path, handle.read(SAMPLE_BYTES))


def detect(path: Path) -> Format:
    """The most likely format of a file, from its content first and its name second."""
    probe = sample(path)
    scored = sorted(((fmt.detect(probe), fmt) for fmt in formats()), key=lambda pair: -pair[0])
    best_score, best = scored[0]
    if best_score <= 0.2:
        raise ImportFailure(
            path,
            "format non reconnu ; précisez-le avec --format "
            f"({', '.join(f.name for f in formats())}).",
        )
    return best
