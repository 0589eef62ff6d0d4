"""Generated v1 rows -> the store's records, used while no data·inclusion importer is usable."""

from __future__ import annotations

import json
from pathlib import Path

from store.models import ServiceRecord, StructureRecord

_STRUCTURE_KEYS = (
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "siret",
    "lien_source",
    "date_maj",
)
_SERVICE_KEYS = (
    "description",
    "type",
    "publics_precisions",
    "frais_precisions",
    "conditions_acces",
    "horaires_accueil",
    "telephone",
    "courriel",
    "lien_source",
    "date_maj",
)
_SERVICE_LISTS = (
    "thematiques",
    "publics",
    "frais",
    "modes_accueil",
    "modes_mobilisation",
    "zone_eligibilite",
)


def load_rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def to_records(
    structures: list[dict[str, object]], services: list[dict[str, object]]
) -> list[StructureRecord]:
    by_structure: dict[object, list[ServiceRecord]] = {}
    for row in services:
        service = ServiceRecord(
            nom=str(row["nom"]),
            source_id=str(row["id"]),
            **{key: row.get(key) for key in _SERVICE_KEYS},  # type: ignore[arg-type]
            **{key: list(row.get(key) or ()) for key in _SERVICE_LISTS},  # type: ignore[arg-type]
        )
        by_structure.setdefault(row["structure_id"], []).append(service)
    return [
        StructureRecord(
            nom=str(row["nom"]),
            source=str(row["source"]),
            source_id=str(row["id"]),
            reseaux_porteurs=list(row.get("reseaux_porteurs") or ()),  # type: ignore[call-overload]
            services=by_structure.get(row["id"], []),
            origin=f"enregistrement {position}",
            **{key: row.get(key) for key in _STRUCTURE_KEYS},  # type: ignore[arg-type]
        )
        for position, row in enumerate(structures, start=1)
    ]
