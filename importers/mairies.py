"""The DILA town-hall directory (embedded default data, kind `mairie`)."""

from __future__ import annotations

import csv
import gzip
from importlib import resources
from pathlib import Path

from store.hours import from_dila_json
from store.models import Reject, StructureRecord

from .base import Format, ImportOptions, Parsed, Sample, capped_lines

HEADER = "insee,commune,dep,adresse,code_postal,ville,lat,lon,horaires"
SOURCE = "dila-mairies"


def default_path() -> Path:
    """The embedded copy shipped in the package."""
    return Path(str(resources.files("store").joinpath("data/mairies.csv.gz")))


def _detect(sample: Sample) -> float:
    head = sample.head
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(sample.path, "rt", encoding="utf-8") as handle:
                first = handle.readline(len(HEADER) + 1)  # never more: any .gz comes here
        except (OSError, EOFError, UnicodeDecodeError):
            return 0.0
        return 1.0 if first.startswith(HEADER) else 0.0
    return 0.9 if sample.text.startswith(HEADER) else 0.0


def mairie_name(commune: str) -> str:
    """'Mairie de Plaisir', 'Mairie du Montat', 'Mairie des Ulis', "Mairie d'Ancelle"."""
    for article, contraction in (("Le ", "du "), ("Les ", "des ")):
        if commune.startswith(article):
            return f"Mairie {contraction}{commune[len(article) :]}"
    if commune[:1].upper() in "AEIOUYÉÈÂÎ" and not commune.startswith("L'"):
        return f"Mairie d'{commune}"
    return f"Mairie de {commune}"


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _parse(path: Path, options: ImportOptions) -> Parsed:
    with path.open("rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    # Streamed line by line (memory flat in rows, lines capped), never decompressed whole.
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        yield from _records(csv.DictReader(capped_lines(handle, path)))


def _records(reader: csv.DictReader[str]) -> Parsed:
    for row in reader:
        row = {key: value or "" for key, value in row.items() if key is not None}  # short rows
        commune = row["commune"].strip()
        if not commune or not row["insee"]:
            yield Reject(f"ligne {reader.line_num}", "ligne incomplète (commune ou code INSEE)")
            continue
        yield StructureRecord(
            nom=mairie_name(commune),
            source=SOURCE,
            source_id=row["insee"],
            kind="mairie",
            adresse=row["adresse"] or None,
            code_postal=row["code_postal"] or None,
            commune=commune,
            code_insee=row["insee"],
            departement=row["dep"] or None,
            latitude=_float(row["lat"]),
            longitude=_float(row["lon"]),
            telephone=row["telephone"] or None,
            courriel=row["courriel"] or None,
            site_web=row["site_web"] or None,
            horaires_accueil=from_dila_json(row["horaires"]),
            lien_source="https://lannuaire.service-public.fr",
            origin=f"ligne {reader.line_num}",
        )


FORMAT = Format("mairies", "annuaire des mairies (DILA)", _detect, _parse)
