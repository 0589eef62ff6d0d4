"""The ANCT list of France Services (national open data, one row per France Services)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from store.hours import from_weekday_columns
from store.models import Reject, StructureRecord

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample
from .csvfile import csv_rows, sniff_delimiter
from .fields import Checked, text

SOURCE = "anct-france-services"
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
REQUIRED = ("id_fs", "lib_fs")
_FORMATS = {"fixe": "fixe", "itinerante": "itinérante", "bus": "bus"}
# The ANCT list is published as of a date, kept in its file name: "france-services-2024-08-01".
_DATED_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
EMBEDDED = "data/france-services-2024-08-01.csv"


def default_path() -> Path:
    """The embedded copy of the official list shipped in the package."""
    return Path(str(resources.files("store").joinpath(EMBEDDED)))


def published_on(path: Path) -> str | None:
    """The list's publication date when its file name carries it (ISO), else None."""
    match = _DATED_NAME.search(path.name)
    return match.group(1) if match else None


def _detect(sample: Sample) -> float:
    first = sample.text.lstrip("\ufeff").split("\n", 1)[0]
    cells = {c.strip().strip('"').lower() for c in first.split(sniff_delimiter(first))}
    if {"id_fs", "lib_fs"} <= cells:
        return 1.0
    return 0.0


def _yes(value: str | None) -> bool | None:
    folded = (value or "").strip().lower()
    if folded in ("oui", "o", "yes", "1", "true", "vrai"):
        return True
    if folded in ("non", "n", "no", "0", "false", "faux"):
        return False
    return None


def _format_label(value: str | None) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    key = raw.lower().split("_", 1)[0].replace("é", "e")
    return _FORMATS.get(key, raw)


def _description(row: dict[str, str], rdv: bool | None) -> str:
    parts = []
    kind = (row.get("type_fs") or "").strip()
    fmt = _format_label(row.get("format_fs"))
    if kind or fmt:
        what = "antenne" if kind.lower() == "antenne" else "espace principal"
        parts.append(f"France services — {what}" + (f", {fmt}" if fmt else "") + ".")
    if rdv is True:
        parts.append("Sur rendez-vous.")
    elif rdv is False:
        parts.append("Accueil sans rendez-vous.")
    if text(row.get("commentaire")):
        parts.append(str(text(row.get("commentaire"))))
    if text(row.get("labellisation_fs")):
        parts.append(str(text(row.get("labellisation_fs"))) + ".")
    return " ".join(parts)


def _record(row: dict[str, str], origin: str, published: str | None) -> StructureRecord | Reject:
    nom = text(row.get("lib_fs"))
    if not nom:
        return Reject(origin, "France services sans nom (lib_fs)")
    checked = Checked()
    lat, lon = checked.coordinates(row.get("latitude"), row.get("longitude"))
    hours_columns = {day: row.get(f"h_{day}") for day in DAYS}
    hours = from_weekday_columns(hours_columns)
    raw_hours = "; ".join(f"{d} {v.strip()}" for d, v in hours_columns.items() if v and v.strip())
    rdv = _yes(row.get("prise_rdv"))
    extra: dict[str, object] = {
        "prise_rdv": rdv,
        "type_fs": text(row.get("type_fs")),
        "format_fs": text(row.get("format_fs")),
        "groupe_fs": text(row.get("groupe_fs")),
        "labellisation_fs": text(row.get("labellisation_fs")),
    }
    if raw_hours and not hours:
        extra["horaires_texte"] = raw_hours
    return StructureRecord(
        nom=nom,
        source=SOURCE,
        source_id=text(row.get("id_fs")),
        kind="france-services",
        description=_description(row, rdv),
        adresse=text(row.get("adresse")),
        complement_adresse=text(row.get("complement_adresse")),
        code_postal=checked.postcode(row.get("code_postal")),
        commune=text(row.get("lib_com")),
        code_insee=checked.insee(row.get("insee_com")),
        departement=text(row.get("insee_dep")),
        latitude=lat,
        longitude=lon,
        telephone=text(row.get("telephone")),
        courriel=checked.email(row.get("mail")),
        horaires_accueil=hours or raw_hours or None,
        reseaux_porteurs=["france-service"],
        lien_source="https://www.france-services.gouv.fr",
        date_maj=published,
        extra=checked.note_into({k: v for k, v in extra.items() if v is not None}),
        origin=origin,
    )


def _parse(path: Path, options: ImportOptions) -> Parsed:
    headers: list[str] | None = None
    published = published_on(path)
    for number, row in csv_rows(path):
        if headers is None:
            headers = [cell.strip().lstrip("\ufeff") for cell in row]
            missing = [name for name in REQUIRED if name not in headers]
            if missing:
                raise ImportFailure(
                    path, f"colonnes manquantes : {', '.join(missing)}.", f"ligne {number}"
                )
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield _record(dict(zip(headers, row, strict=False)), f"ligne {number}", published)


FORMAT = Format("france_services", "liste des France services (ANCT)", _detect, _parse)
