"""Any CSV or XLSX table of structures: encoding, delimiter and headers recognised.

French and English headers map to the record's fields (`nom`/`name`/`raison sociale`,
`cp`/`code postal`/`zip`, …); `--map colonne=champ` covers the rest; unknown columns are kept in
`extra`. Rows without a name are rejected with their line number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from store.models import Reject, StructureRecord
from store.text import normalize, slug

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample
from .csvfile import csv_rows, header_index, looks_binary, sniff_delimiter, truthy
from .fields import Checked, code_list, text
from .workbook import is_workbook, open_workbook, sheet_label, sheet_rows, sheets_by_name

# Normalised header (store.text.normalize) -> record field.
_ALIASES: dict[str, tuple[str, ...]] = {
    "nom": (
        "nom",
        "name",
        "raison sociale",
        "nom structure",
        "nom de la structure",
        "nom du lieu",
        "structure",
        "organisme",
        "denomination",
        "libelle",
        "organisation",
        "organization",
        "organization name",
        "etablissement",
    ),
    "adresse": ("adresse", "address", "adresse postale", "rue", "voie", "street", "address 1"),
    "complement_adresse": (
        "complement adresse",
        "complement d adresse",
        "complement",
        "address 2",
    ),
    "code_postal": (
        "cp",
        "code postal",
        "codepostal",
        "zip",
        "zip code",
        "postcode",
        "postal code",
    ),
    "commune": ("ville", "commune", "city", "localite", "town", "nom commune"),
    "code_insee": ("code insee", "insee", "code commune", "insee com", "code insee commune"),
    "departement": ("departement", "dep", "dept", "code departement", "insee dep"),
    "telephone": (
        "tel",
        "telephone",
        "phone",
        "tel fixe",
        "numero de telephone",
        "telephone fixe",
        "phone number",
    ),
    "courriel": (
        "mail",
        "email",
        "e mail",
        "courriel",
        "adresse mail",
        "adresse email",
        "adresse e mail",
    ),
    "site_web": ("site", "site web", "site internet", "web", "url", "website", "internet"),
    "horaires_accueil": (
        "horaires",
        "horaire",
        "hours",
        "opening hours",
        "horaires d ouverture",
        "horaires accueil",
        "horaires ouverture",
        "heures d ouverture",
        "ouverture",
    ),
    "description": (
        "description",
        "presentation",
        "descriptif",
        "activite",
        "activites",
        "presentation resume",
    ),
    "typologie": ("type", "typologie", "categorie", "type de structure", "category"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "siret": ("siret", "numero siret"),
    "thematiques": ("thematiques", "thematique", "themes"),
    "reseaux_porteurs": ("reseaux porteurs", "reseau porteur", "reseau", "labels nationaux"),
    "source_id": ("id", "identifiant", "ref", "reference"),
    "lien_source": ("lien source", "source url"),
    "accessibilite_lieu": ("accessibilite", "accessibilite lieu"),
    "date_maj": ("date maj", "mise a jour", "date de mise a jour", "last modified", "maj"),
    "kind": ("kind", "genre"),
}
HEADER_FIELDS: dict[str, str] = {
    alias: name for name, aliases in _ALIASES.items() for alias in aliases
}
RECORD_FIELDS = frozenset(f.name for f in dataclass_fields(StructureRecord)) - {
    "services",
    "extra",
    "origin",
    "source",
    "geo_approx",
    "a_verifier",
}
IGNORED_COLUMNS = frozenset({"ignore"})  # data·inclusion templates: `__ignore__`


def header_fields(
    headers: Sequence[Any], mapping: dict[str, str] | None = None
) -> list[str | None]:
    """Record field for each header (None: keep in extra). `mapping` is --map column=field."""
    wanted = {normalize(k): v for k, v in (mapping or {}).items()}
    out: list[str | None] = []
    taken: set[str] = set()
    for header in headers:
        key = normalize(text(header))
        name = wanted.get(key) or HEADER_FIELDS.get(key)
        if name in taken:
            name = None
        if name:
            taken.add(name)
        out.append(name)
    return out


def check_mapping(path: Path, mapping: dict[str, str]) -> None:
    for column, name in mapping.items():
        if name not in RECORD_FIELDS:
            known = ", ".join(sorted(RECORD_FIELDS))
            raise ImportFailure(path, f"--map {column}={name} : champ inconnu (champs : {known}).")


# -- rows to records --------------------------------------------------------------------------


def record_from_row(
    headers: Sequence[Any],
    targets: Sequence[str | None],
    row: Sequence[Any],
    source: str,
    origin: str,
) -> StructureRecord | Reject | None:
    """One row as a record; None for an empty row; a Reject when the row has no name."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for header, target, cell in zip(headers, targets, row, strict=False):
        value = text(cell)
        if value is None:
            continue
        if target:
            values[target] = cell
        else:
            key = text(header)
            if key and normalize(key) not in IGNORED_COLUMNS:
                extra.setdefault(key, value)
    if not values and not extra:
        return None
    nom = text(values.get("nom"))
    if not nom:
        return Reject(origin, "nom de la structure manquant")
    checked = Checked()
    lat, lon = checked.coordinates(values.get("latitude"), values.get("longitude"))
    return StructureRecord(
        nom=nom,
        source=source,
        source_id=text(values.get("source_id")),
        kind=text(values.get("kind")),
        description=text(values.get("description")),
        adresse=text(values.get("adresse")),
        complement_adresse=text(values.get("complement_adresse")),
        code_postal=checked.postcode(values.get("code_postal")),
        commune=text(values.get("commune")),
        code_insee=checked.insee(values.get("code_insee")),
        departement=text(values.get("departement")),
        latitude=lat,
        longitude=lon,
        telephone=text(values.get("telephone")),
        courriel=checked.email(values.get("courriel")),
        site_web=checked.url(values.get("site_web"), "site_web"),
        horaires_accueil=text(values.get("horaires_accueil")),
        accessibilite_lieu=checked.url(values.get("accessibilite_lieu"), "accessibilite_lieu"),
        reseaux_porteurs=code_list(values.get("reseaux_porteurs")),
        typologie=text(values.get("typologie")),
        thematiques=code_list(values.get("thematiques")),
        siret=checked.siret(values.get("siret")),
        lien_source=checked.url(values.get("lien_source"), "lien_source"),
        date_maj=checked.date(values.get("date_maj")),
        extra=checked.note_into(extra),
        origin=origin,
    )


_DATED = re.compile(r"[-_ ]*(\d{4}-\d{2}-\d{2}|\d{8})$")


def default_source(path: Path) -> str:
    """The dataset name from the file name, without a trailing date: next week's
    `annuaire-2026-12-07.csv` updates `annuaire-2026-11-30.csv`, never duplicates it."""
    return slug(_DATED.sub("", path.stem)) or slug(path.stem) or "tableur"


def _parse_rows(
    path: Path,
    rows: Iterator[tuple[int, Sequence[Any]]],
    options: ImportOptions,
    where: str = "ligne",
) -> Parsed:
    check_mapping(path, options.mapping)
    source = options.source or default_source(path)
    headers: Sequence[Any] | None = None
    targets: list[str | None] = []
    ignore_at: int | None = None
    for number, row in rows:
        if headers is None:
            if not any(text(c) for c in row):
                continue
            headers = row
            targets = header_fields(headers, options.mapping)
            if "nom" not in targets:
                raise ImportFailure(
                    path,
                    "aucune colonne de nom reconnue (nom, name, raison sociale…) ; "
                    "indiquez-la avec --map COLONNE=nom.",
                    f"{where} {number}",
                )
            ignore_at = header_index(headers).get("ignore")
            continue
        if ignore_at is not None and truthy(row, ignore_at):
            continue
        item = record_from_row(headers, targets, row, source, f"{where} {number}")
        if item is not None:
            yield item


# -- CSV ----------------------------------------------------------------------------------------


def _detect_csv(sample: Sample) -> float:
    if looks_binary(sample.head):
        return 0.0
    text_head = sample.text.lstrip("\ufeff")
    first = text_head.split("\n", 1)[0].strip("\r")
    if not first or first.lstrip().startswith(("{", "[", "<")):
        return 0.0
    delimiter = sniff_delimiter(first)
    try:
        headers = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return 0.0
    if len(headers) < 2:
        return 0.0
    known = [t for t in header_fields(headers) if t]
    if "nom" not in known:
        return 0.25 if sample.suffix in (".csv", ".tsv") and len(known) >= 2 else 0.0
    return min(0.7, 0.4 + 0.05 * len(known))


def _parse_csv(path: Path, options: ImportOptions) -> Parsed:
    yield from _parse_rows(path, csv_rows(path), options)


# -- XLSX ---------------------------------------------------------------------------------------


def _detect_xlsx(sample: Sample) -> float:
    if not sample.head.startswith(b"PK\x03\x04"):
        return 0.0
    return 0.8 if is_workbook(sample.path) else 0.0


def _parse_xlsx(path: Path, options: ImportOptions) -> Parsed:
    with open_workbook(path) as workbook:
        main = sheets_by_name(workbook).get("structures") or workbook.worksheets[0]
        yield from _parse_rows(path, sheet_rows(main), options, sheet_label(main))


FORMATS = [
    Format("csv", "tableau CSV", _detect_csv, _parse_csv),
    Format("xlsx", "classeur XLSX", _detect_xlsx, _parse_xlsx),
]
