"""Fictional data·inclusion records written in every shape the pipeline publishes.

The writers reproduce what pandas (and the API) write, without pandas: `to_json(orient=
"records")` (dates as integer milliseconds, `/` escaped as `\\/`, nulls, integer columns with
gaps as floats), `to_csv` (ISO dates, lists as Python text `['a', 'b']`, floats `3.0`,
`True`), `to_excel` (the unnamed row index first, lists as Python text, datetime cells), a
GeoJSON FeatureCollection (columns in `properties`, ISO datetimes), and the API's pages.
No real structure, phone number (01 99 00 range) or person.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

STRUCTURE_COLUMNS = [
    "id",
    "source",
    "nom",
    "description",
    "date_maj",
    "siret",
    "lien_source",
    "adresse",
    "complement_adresse",
    "code_postal",
    "code_insee",
    "commune",
    "latitude",
    "longitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
]
SERVICE_COLUMNS = [
    "id",
    "structure_id",
    "source",
    "nom",
    "description",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "conditions_acces",
    "publics",
    "publics_precisions",
    "adresse",
    "complement_adresse",
    "code_postal",
    "code_insee",
    "commune",
    "latitude",
    "longitude",
    "horaires_accueil",
    "telephone",
    "courriel",
    "contact_nom_prenom",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "lien_mobilisation",
    "zone_eligibilite",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "score_qualite",
    "date_maj",
    "lien_source",
]
LIST_COLUMNS = frozenset(
    {
        "reseaux_porteurs",
        "thematiques",
        "publics",
        "modes_accueil",
        "modes_mobilisation",
        "mobilisable_par",
        "zone_eligibilite",
    }
)
NUMBER_COLUMNS = frozenset(
    {"latitude", "longitude", "volume_horaire_hebdomadaire", "nombre_semaines", "score_qualite"}
)

STRUCTURES: list[dict[str, Any]] = [
    {
        "id": "st-lilas",
        "source": "dora",
        "nom": "Épicerie solidaire des Lilas (fictive)",
        "description": "Aide alimentaire / épicerie à petits prix.\n\n## Pour qui ?\nTous.",
        "date_maj": dt.datetime(2024, 1, 10),
        "siret": "12345678900011",
        "lien_source": "https://dora.exemple.org/structures/st-lilas",
        "adresse": "12 rue des Lilas",
        "complement_adresse": None,
        "code_postal": "75019",
        "code_insee": "75119",
        "commune": "Paris",
        "latitude": 48.8801,
        "longitude": 2.3912,
        "telephone": "01 99 00 00 01",
        "courriel": "contact@lilas.exemple.org",
        "site_web": "https://lilas.exemple.org/",
        "horaires_accueil": "Mo-Fr 09:00-12:00; PH off",
        "accessibilite_lieu": None,
        "reseaux_porteurs": ["secours-populaire"],
    },
    {
        "id": "st-cidff",
        "source": "emplois-de-linclusion",
        "nom": "Centre d'information fictif",
        "description": None,
        "date_maj": dt.datetime(2026, 11, 20),
        "siret": None,
        "lien_source": None,
        "adresse": "3 place Fictive",
        "complement_adresse": "2e étage",
        "code_postal": "75011",
        "code_insee": "75111",
        "commune": "Paris",
        "latitude": None,
        "longitude": None,
        "telephone": None,
        "courriel": None,
        "site_web": None,
        "horaires_accueil": None,
        "accessibilite_lieu": "https://acceslibre.exemple.org/erp/fictif/",
        "reseaux_porteurs": [],
    },
]

_THEMES = [
    "equipement-et-alimentation--alimentation",
    "famille--soutien-a-la-parentalite-et-a-leducation",
]

SERVICES: list[dict[str, Any]] = [
    {
        "id": "sv-paniers",
        "structure_id": "st-lilas",
        "source": "dora",
        "nom": "Paniers solidaires",
        "description": "Des **paniers** chaque semaine.",
        "type": "aide-materielle",
        "thematiques": _THEMES[:1],
        "frais": "payant",
        "frais_precisions": "1 € le panier",
        "conditions_acces": None,
        "publics": ["tous-publics"],
        "publics_precisions": None,
        "adresse": None,
        "complement_adresse": None,
        "code_postal": None,
        "code_insee": None,
        "commune": None,
        "latitude": None,
        "longitude": None,
        "horaires_accueil": None,
        "telephone": None,
        "courriel": None,
        "contact_nom_prenom": None,
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": ["se-presenter", "telephoner"],
        "mobilisable_par": ["usagers", "professionnels"],
        "mobilisation_precisions": None,
        "lien_mobilisation": None,
        "zone_eligibilite": ["75"],
        "volume_horaire_hebdomadaire": 3.0,
        "nombre_semaines": None,
        "score_qualite": 0.62,
        "date_maj": dt.datetime(2024, 1, 10),
        "lien_source": None,
    },
    {
        "id": "sv-permanence",
        "structure_id": "st-cidff",
        "source": "emplois-de-linclusion",
        "nom": "Permanence juridique",
        "description": "Informer sur les droits.",
        "type": "information",
        "thematiques": _THEMES[1:],
        "frais": "gratuit",
        "frais_precisions": None,
        "conditions_acces": "Sur orientation.",
        "publics": ["femmes", "familles"],
        "publics_precisions": None,
        "adresse": "5 rue Fictive",
        "complement_adresse": None,
        "code_postal": "75020",
        "code_insee": "75120",
        "commune": "Paris",
        "latitude": 48.8632,
        "longitude": 2.4011,
        "horaires_accueil": "Tu 14:00-17:00",
        "telephone": "01 99 00 00 02",
        "courriel": None,
        "contact_nom_prenom": None,
        "modes_accueil": ["en-presentiel", "a-distance"],
        "modes_mobilisation": ["utiliser-lien-mobilisation"],
        "mobilisable_par": ["professionnels"],
        "mobilisation_precisions": "Fiche de liaison.",
        "lien_mobilisation": "https://orienter.exemple.org/cidff",
        "zone_eligibilite": ["france"],
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": 12.0,
        "score_qualite": 0.8,
        "date_maj": dt.datetime(2026, 11, 20),
        "lien_source": "https://emplois.exemple.org/services/sv-permanence",
    },
]


def records(renamed: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Copies of the records; `renamed` gives the first structure another name (next week)."""
    structures, services = copy.deepcopy(STRUCTURES), copy.deepcopy(SERVICES)
    if renamed:
        structures[0]["nom"] = renamed
    return structures, services


# -- pandas-like writers --------------------------------------------------------------------


def _ms(value: dt.datetime) -> int:
    return int(value.replace(tzinfo=dt.UTC).timestamp() * 1000)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _ms(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    """`DataFrame.to_json(orient="records")`: one line, ms dates, `\\/`, floats for gaps."""
    data = [{k: _json_value(v) for k, v in row.items()} for row in rows]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text.replace("/", "\\/"), encoding="utf-8")
    return path


def _python_text(value: Any, iso: Callable[[dt.datetime], Any]) -> Any:
    """A cell as pandas writes it in a text table: lists as Python text."""
    if value is None:
        return None
    if isinstance(value, list):
        return str(value)  # "['a', 'b']"
    if isinstance(value, dt.datetime):
        return iso(value)
    return value


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """`DataFrame.to_csv(index=False)`: ISO dates, Python lists, empty for missing."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            cells = [_python_text(row.get(c), lambda d: d.date().isoformat()) for c in columns]
            writer.writerow(["" if c is None else c for c in cells])
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """`DataFrame.to_excel()`: the unnamed index column first, datetime cells, Python lists."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([None, *columns])
    for index, row in enumerate(rows):
        sheet.append([index, *(_python_text(row.get(c), lambda d: d) for c in columns)])
    book.save(path)
    return path


def write_geojson(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A FeatureCollection of points, the columns in `properties` (ISO datetimes)."""
    features = []
    for row in rows:
        properties = {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()
        }
        lat, lon = row.get("latitude"), row.get("longitude")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


# -- the API's pages --------------------------------------------------------------------------


def _api(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}


def _page(items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": len(items), "page": 1, "size": 50, "pages": 1}


def write_api_list(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A page of `/api/v1/structures` or `/api/v1/services`."""
    path.write_text(json.dumps(_page([_api(r) for r in rows]), ensure_ascii=False), "utf-8")
    return path


def write_api_search_services(
    path: Path, structures: list[dict[str, Any]], services: list[dict[str, Any]]
) -> Path:
    """A page of `/api/v1/search/services`: each service with its structure nested."""
    by_id = {s["id"]: s for s in structures}
    items = [
        {
            "service": {**_api(sv), "structure": _api(by_id[sv["structure_id"]])},
            "distance": 120 + number,
        }
        for number, sv in enumerate(services)
    ]
    path.write_text(json.dumps(_page(items), ensure_ascii=False), "utf-8")
    return path


def write_api_search(
    path: Path, structures: list[dict[str, Any]], services: list[dict[str, Any]]
) -> Path:
    """A page of the beta `/api/v1/search`: the first structure with its services, the
    others as its `doublons` (each with its own services), and a search score."""

    def nested(structure: dict[str, Any]) -> dict[str, Any]:
        own = [_api(sv) for sv in services if sv["structure_id"] == structure["id"]]
        return {**_api(structure), "services": own}

    first, *others = structures
    item = {**nested(first), "doublons": [nested(s) for s in others], "score_recherche": 0.91}
    path.write_text(json.dumps(_page([item]), ensure_ascii=False), "utf-8")
    return path


# -- every shape ------------------------------------------------------------------------------

# name -> writer of the files to import, in order, for (folder, date, renamed)
Writer = Callable[[Path, str, str | None], list[Path]]


def _pair(write: Callable[..., Path], suffix: str, with_columns: bool) -> Writer:
    def files(folder: Path, date: str, renamed: str | None = None) -> list[Path]:
        structures, services = records(renamed)
        s_path = folder / f"structures-inclusion-{date}.{suffix}"
        v_path = folder / f"services-inclusion-{date}.{suffix}"
        if with_columns:
            return [
                write(s_path, structures, STRUCTURE_COLUMNS),
                write(v_path, services, SERVICE_COLUMNS),
            ]
        return [write(s_path, structures), write(v_path, services)]

    return files


def _one(write: Callable[..., Path], name: str) -> Writer:
    def files(folder: Path, date: str, renamed: str | None = None) -> list[Path]:
        return [write(folder / f"{name}-{date}.json", *records(renamed))]

    return files


SHAPES: dict[str, Writer] = {
    "json": _pair(write_json, "json", False),
    "csv": _pair(write_csv, "csv", True),
    "xlsx": _pair(write_xlsx, "xlsx", True),
    "geojson": _pair(write_geojson, "geojson", False),
    "api-pages": _pair(write_api_list, "json", False),
    "api-search-services": _one(write_api_search_services, "search-services"),
    "api-search": _one(write_api_search, "search"),
}
