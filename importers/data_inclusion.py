"""data·inclusion exports (schema v1, and the v0 fields still found in real files).

Every shape the data·inclusion pipeline publishes, read as a stream: the JSON array pandas
writes (`date_maj` in milliseconds, `\\/`, nulls, `3.0`), the CSV (lists as Python text), the
official XLSX (row index first, recognised by its columns), GeoJSON (columns in `properties`),
Parquet (when pyarrow is installed), JSON Lines, and pages of the API: `/structures`,
`/services`, `/search/services` (each service with its structure nested) and the beta
`/search` (a structure with its `services` and `doublons`). Data-entry templates with a
`Services` sheet read the same way.

Records are structures (possibly with nested `services`) or services (attached by
`structure_id`, possibly with the structure nested in each service). A services file imported
alone attaches to the structures of the same source already in the store, without rewriting
them; a structures file alone keeps the services already stored.

Source names are `data-inclusion:<source>` (`data-inclusion:dora`), from the records, never
from the file's name; source ids are the `id`s. Files are not treated as complete snapshots (a
département extract must not retire the rest).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from store.models import Reject, ServiceRecord, StructureRecord
from store.vocab.thematiques_v0 import TYPES_V0_TO_V1, to_v1_publics, to_v1_thematiques

from . import jsonstream
from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, first_char
from .csvfile import csv_rows, header_records, sniff_delimiter
from .fields import Checked, code_list, text
from .workbook import is_workbook, open_workbook, sheet_label, sheet_rows, sheets_by_name

PREFIX = "data-inclusion:"
_MARKERS = (
    '"structure_id"',
    '"source"',
    '"date_maj"',
    '"thematiques"',
    '"typologie"',
    '"code_insee"',
    '"horaires_accueil"',
    '"presentation_resume"',
    '"reseaux_porteurs"',
)
_CSV_MARKERS = frozenset(m.strip('"') for m in _MARKERS) | {"id"}

# Where a structure is, and where a service is held when not at its structure's seat.
_PLACE_KEYS = (
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
)

_STRUCTURE_KEYS = frozenset(
    {
        "id",
        "source",
        "nom",
        "description",
        "presentation_resume",
        "presentation_detail",
        *_PLACE_KEYS,
        "telephone",
        "courriel",
        "site_web",
        "horaires_accueil",
        "horaires_ouverture",
        "accessibilite_lieu",
        "accessibilite",
        "reseaux_porteurs",
        "labels_nationaux",
        "typologie",
        "thematiques",
        "siret",
        "lien_source",
        "date_maj",
        "services",
        "structure",
        "_di_geocodage_code_insee",
        "_di_geocodage_score",
        "score_recherche",
        "doublons",
    }
)
_SERVICE_KEYS = frozenset(
    {
        "id",
        "source",
        "structure_id",
        "structure",
        "nom",
        "description",
        "presentation_resume",
        "presentation_detail",
        "type",
        "types",
        "thematiques",
        "publics",
        "profils",
        "publics_precisions",
        "profils_precisions",
        "frais",
        "frais_precisions",
        "frais_autres",
        "modes_accueil",
        "modes_mobilisation",
        "modes_orientation_beneficiaire",
        "mobilisable_par",
        "lien_mobilisation",
        "mobilisation_precisions",
        *_PLACE_KEYS,
        # Names a person: neither stored nor shown (a fiche goes to the public).
        "contact_nom_prenom",
        "conditions_acces",
        "zone_eligibilite",
        "zone_diffusion_code",
        "horaires_accueil",
        "horaires_ouverture",
        "recurrence",
        "telephone",
        "courriel",
        "lien_source",
        "statut",
        "date_maj",
    }
)


# -- reading the items ------------------------------------------------------------------------

# Objects holding the records: API pages (`items`), GeoJSON (`features`), older dumps.
_LIST_KEYS = ("items", "features", "structures", "services", "results", "data")


def _magic(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4)


def _items(path: Path) -> Iterator[tuple[str, Any]]:
    """(origin, item) for every record of the file, whatever its shape, read as a stream."""
    magic = _magic(path)
    if magic == b"PAR1":
        yield from _parquet_items(path)
    elif magic == b"PK\x03\x04":
        yield from _xlsx_items(path)
    elif first_char(path) not in "[{":
        yield from header_records(csv_rows(path), "ligne")
    else:
        for origin, item in jsonstream.records(path, _LIST_KEYS):
            yield from _unwrapped(origin, item)


def _unwrapped(origin: str, item: Any) -> Iterator[tuple[str, Any]]:
    """The records inside an API or GeoJSON wrapper; the item itself otherwise."""
    if not isinstance(item, dict):
        yield origin, item
    elif item.get("type") == "Feature" and isinstance(item.get("properties"), dict):
        yield origin, _feature_properties(item)
    elif isinstance(item.get("service"), dict) and "nom" not in item:
        yield origin, item["service"]  # /search/services: the structure is nested in it
    else:
        doublons = item.pop("doublons", None)  # /search (beta): the same place elsewhere
        yield origin, item
        for number, doublon in enumerate(doublons or (), start=1):
            if isinstance(doublon, dict):
                yield f"{origin}, doublon {number}", doublon


def _feature_properties(feature: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON point's columns, its coordinates as latitude/longitude when absent."""
    properties = dict(feature["properties"])
    geometry = feature.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and properties.get("latitude") is None
        and properties.get("longitude") is None
    ):
        properties["longitude"], properties["latitude"] = coordinates[0], coordinates[1]
    return properties


def _xlsx_items(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The official XLSX (one sheet, the row index first) or a template with a `Services`
    sheet after its `Structures` sheet."""
    with open_workbook(path) as book:
        for sheet in _record_sheets(book):
            yield from header_records(sheet_rows(sheet), sheet_label(sheet))


def _record_sheets(book: Any) -> list[Any]:
    sheets = sheets_by_name(book)
    main = sheets.get("structures") or book.worksheets[0]
    services = sheets.get("services")
    return [main] if services is None or services is main else [main, services]


def _parquet_items(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        import pyarrow.parquet as parquet  # optional: only when a worker installed it
    except ImportError:
        message = (
            "fichier Parquet : il faut le module pyarrow pour le lire ; prenez plutôt la"
            f" version JSON ou CSV du même export ({path.stem}.json ou {path.stem}.csv)."
        )
        raise ImportFailure(path, message) from None
    try:
        table = parquet.ParquetFile(path)
    except Exception as exc:  # pyarrow's errors have no common base worth naming
        raise ImportFailure(path, f"fichier Parquet illisible ({type(exc).__name__}).") from None
    number = 0
    for batch in table.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            number += 1
            yield f"enregistrement {number}", row


# -- one record -------------------------------------------------------------------------------


def _source(item: dict[str, Any], default: str) -> str:
    name = text(item.get("source"))
    if not name:
        return default
    return name if name.startswith(PREFIX) else PREFIX + name


def _joined(*parts: Any) -> str | None:
    texts = [t for p in parts if (t := text(p))]
    return "\n\n".join(dict.fromkeys(texts)) or None


_FLOAT_INT = re.compile(r"^-?\d+\.0+$")


def _extra_value(value: Any) -> str | list[str] | None:
    """A column kept in `extra`, the same whatever the file's shape: text, or a list of
    text (pandas writes `3.0` and `True` in CSV, `['a', 'b']` for lists; XLSX gives `3`)."""
    if isinstance(value, list):
        return [t for v in value if (t := text(v))] or None
    if isinstance(value, str):
        raw = value.strip()
        if raw.startswith("[") and raw.endswith("]"):
            return code_list(raw) or None
        if _FLOAT_INT.match(raw):
            return raw.split(".", 1)[0]
        if raw in ("True", "False"):
            return text(raw == "True")
        return raw or None
    return text(value)


def _extra(item: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, value in item.items():
        if key in known or isinstance(value, dict):
            continue
        kept = _extra_value(value)
        if kept is not None:
            extra[key] = kept
    return extra


@functools.lru_cache(maxsize=8192)  # the same code lists repeat across a national file
def _v1_thematiques(codes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    known, unknown = to_v1_thematiques(codes)
    return tuple(known), tuple(unknown)


@functools.lru_cache(maxsize=8192)
def _v1_publics(codes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    known, unknown = to_v1_publics(codes)
    return tuple(known), tuple(unknown)


def _thematiques(value: Any, checked: Checked) -> list[str]:
    if not value:
        return []
    codes, unknown = _v1_thematiques(tuple(code_list(value)))
    if unknown:
        checked.dropped["thematiques"] = ", ".join(unknown)
    return list(codes)


def structure_from(
    item: dict[str, Any], origin: str, default_source: str
) -> StructureRecord | Reject:
    nom = text(item.get("nom"))
    if not nom:
        return Reject(origin, "structure sans nom")
    checked = Checked()
    lat, lon = checked.coordinates(item.get("latitude"), item.get("longitude"))
    reseaux = code_list(item.get("reseaux_porteurs")) + code_list(item.get("labels_nationaux"))
    return StructureRecord(
        nom=nom,
        source=_source(item, default_source),
        source_id=text(item.get("id")),
        description=text(item.get("description"))
        or _joined(item.get("presentation_resume"), item.get("presentation_detail")),
        adresse=text(item.get("adresse")),
        complement_adresse=text(item.get("complement_adresse")),
        code_postal=checked.postcode(item.get("code_postal")),
        commune=text(item.get("commune")),
        code_insee=checked.insee(item.get("code_insee")),
        latitude=lat,
        longitude=lon,
        telephone=text(item.get("telephone")),
        courriel=checked.email(item.get("courriel")),
        site_web=checked.url(item.get("site_web"), "site_web"),
        horaires_accueil=text(item.get("horaires_accueil")) or text(item.get("horaires_ouverture")),
        accessibilite_lieu=checked.url(
            item.get("accessibilite_lieu") or item.get("accessibilite"), "accessibilite_lieu"
        ),
        reseaux_porteurs=list(dict.fromkeys(reseaux)),
        typologie=text(item.get("typologie")),
        thematiques=_thematiques(item.get("thematiques"), checked),
        siret=checked.siret(item.get("siret")),
        lien_source=checked.url(item.get("lien_source"), "lien_source"),
        date_maj=checked.date(item.get("date_maj")),
        extra=checked.note_into(_extra(item, _STRUCTURE_KEYS)),
        origin=origin,
    )


def service_from(item: dict[str, Any], origin: str) -> ServiceRecord | Reject:
    nom = text(item.get("nom"))
    if not nom:
        return Reject(origin, "service sans nom")
    checked = Checked()
    publics, unknown_publics = _v1_publics(
        tuple(code_list(item.get("publics")) + code_list(item.get("profils")))
    )
    if unknown_publics:
        checked.dropped["publics"] = ", ".join(unknown_publics)
    kind = text(item.get("type"))
    if not kind:
        v0_types = [TYPES_V0_TO_V1.get(t) for t in code_list(item.get("types"))]
        kind = next((t for t in v0_types if t), None)
    zone = code_list(item.get("zone_eligibilite")) or code_list(item.get("zone_diffusion_code"))
    lat, lon = checked.coordinates(item.get("latitude"), item.get("longitude"))
    return ServiceRecord(
        nom=nom,
        source_id=text(item.get("id")),
        description=text(item.get("description"))
        or _joined(item.get("presentation_resume"), item.get("presentation_detail")),
        type=kind,
        thematiques=_thematiques(item.get("thematiques"), checked),
        publics=list(publics),
        publics_precisions=text(item.get("publics_precisions"))
        or text(item.get("profils_precisions")),
        frais=code_list(item.get("frais")),
        frais_precisions=text(item.get("frais_precisions")) or text(item.get("frais_autres")),
        modes_accueil=code_list(item.get("modes_accueil")),
        modes_mobilisation=code_list(item.get("modes_mobilisation"))
        or code_list(item.get("modes_orientation_beneficiaire")),
        mobilisable_par=code_list(item.get("mobilisable_par")),
        lien_mobilisation=checked.url(item.get("lien_mobilisation"), "lien_mobilisation"),
        mobilisation_precisions=text(item.get("mobilisation_precisions")),
        conditions_acces=text(item.get("conditions_acces")),
        zone_eligibilite=zone,
        horaires_accueil=text(item.get("horaires_accueil"))
        or text(item.get("horaires_ouverture"))
        or text(item.get("recurrence")),
        telephone=text(item.get("telephone")),
        courriel=checked.email(item.get("courriel")),
        lien_source=checked.url(item.get("lien_source"), "lien_source"),
        statut=text(item.get("statut")),
        date_maj=checked.date(item.get("date_maj")),
        adresse=text(item.get("adresse")),
        complement_adresse=text(item.get("complement_adresse")),
        code_postal=checked.postcode(item.get("code_postal")),
        commune=text(item.get("commune")),
        code_insee=checked.insee(item.get("code_insee")),
        latitude=lat,
        longitude=lon,
        extra=checked.note_into(_extra(item, _SERVICE_KEYS)),
    )


def _is_service(item: dict[str, Any]) -> bool:
    return "structure_id" in item or isinstance(item.get("structure"), dict)


# -- the whole file ---------------------------------------------------------------------------


def _stub(key: tuple[str, str], origin: str) -> StructureRecord:
    """A record that only names its structure: the services are attached to it."""
    source, structure_id = key
    return StructureRecord(
        nom=structure_id,
        source=source,
        source_id=structure_id,
        origin=origin,
        structure_fields=False,
    )


class _Reader:
    """Turns the file's items into records as they come.

    A structure item is one record (`services_complete` only when it nests its services).
    Services are attached to their structure by `structure_id`: consecutive services of one
    structure make one record that names the structure (or carries it, when the service
    nests it); the writer merges the records of one structure and finds it in the store.
    """

    def __init__(self, default_source: str) -> None:
        self.default_source = default_source
        self.key: tuple[str, str] | None = None
        self.record: StructureRecord | None = None

    def flush(self) -> Iterator[StructureRecord]:
        if self.record is not None:
            yield self.record
        self.key = self.record = None

    def structure(self, item: dict[str, Any], origin: str) -> Iterator[StructureRecord | Reject]:
        yield from self.flush()
        record = structure_from(item, origin, self.default_source)
        if isinstance(record, Reject):
            yield record
            return
        nested = item.get("services")
        # An empty or absent list says nothing: the services stored are kept.
        record.services_complete = isinstance(nested, list) and bool(nested)
        for number, service_item in enumerate(nested or (), start=1):
            if isinstance(service_item, dict):
                service = service_from(service_item, f"{origin}, service {number}")
                if isinstance(service, Reject):
                    yield service
                else:
                    record.services.append(service)
        yield record

    def service(self, item: dict[str, Any], origin: str) -> Iterator[StructureRecord | Reject]:
        service = service_from(item, origin)
        if isinstance(service, Reject):
            yield service
            return
        nested = item.get("structure") if isinstance(item.get("structure"), dict) else None
        structure_id = text(item.get("structure_id")) or (nested and text(nested.get("id")))
        if not structure_id:
            yield Reject(origin, f"service « {service.nom} » sans structure_id")
            return
        source = _source(item, _source(nested or {}, self.default_source))
        key = (source, structure_id)
        if key != self.key or self.record is None:
            yield from self.flush()
            record: StructureRecord | Reject = _stub(key, origin)
            if nested is not None:
                built = structure_from(
                    {"source": item.get("source"), "id": structure_id, **nested},
                    origin,
                    self.default_source,
                )
                record = built if isinstance(built, StructureRecord) else record
            assert isinstance(record, StructureRecord)
            self.key, self.record = key, record
        self.record.services.append(service)


def _parse(path: Path, options: ImportOptions) -> Parsed:
    reader = _Reader(PREFIX + "fichier")
    seen = 0
    for origin, item in _items(path):
        if not isinstance(item, dict):
            yield Reject(origin, "enregistrement qui n'est pas un objet")
            continue
        seen += 1
        if _is_service(item):
            yield from reader.service(item, origin)
        else:
            yield from reader.structure(item, origin)
    yield from reader.flush()
    if not seen:
        raise ImportFailure(path, "aucun enregistrement data·inclusion (objets attendus).")


# -- detection --------------------------------------------------------------------------------


def _detect(sample: Sample) -> float:
    if sample.head.startswith(b"PAR1"):
        return 0.9  # no other format reads Parquet: say what to do with it
    if sample.head.startswith(b"PK\x03\x04"):
        return 0.9 if _workbook_has_columns(sample.path) else 0.0
    head = sample.text.lstrip("\ufeff").lstrip()
    if not head:
        return 0.0
    if head[0] in "[{":
        window = head[:20000]
        found = sum(marker in window for marker in _MARKERS)
        if '"nom"' in window and found >= 2:
            return 0.9
        if '"nom"' in window and found:
            return 0.6
        return 0.3 if sample.suffix in (".json", ".jsonl", ".ndjson") else 0.0
    first = head.split("\n", 1)[0]
    cells = {c.strip().strip('"').lower() for c in first.split(sniff_delimiter(first))}
    return 0.85 if _has_columns(cells) else 0.0


def _has_columns(headers: set[str]) -> bool:
    return "nom" in headers and len(headers & _CSV_MARKERS) >= 3


def _workbook_has_columns(path: Path) -> bool:
    """True when the workbook's record sheet has data·inclusion columns (its name says
    nothing: the official file is `structures-inclusion-2026-11-30.xlsx`, one sheet)."""
    if not is_workbook(path):
        return False
    try:
        with open_workbook(path) as book:
            sheet = _record_sheets(book)[0]
            for _, row in itertools.islice(sheet_rows(sheet), 5):
                cells = {t.lower() for c in row if isinstance(c, str) and (t := c.strip())}
                if cells:
                    return _has_columns(cells)
    except ImportFailure:
        return False
    return False


FORMAT = Format(
    "data_inclusion",
    "export data·inclusion",
    _detect,
    _parse,
    complete=False,
)
