"""data·inclusion exports (schema v1, and the v0 fields still found in real files).

Accepted shapes: a JSON list, JSON Lines, an API page (`{"items": [...]}`) or a CSV, holding
structures (possibly with nested `services`), services (attached by `structure_id`, possibly
with the structure nested in each service), or both. A services file imported alone attaches
to the structures of the same source already in the store (see `prepare`).

Source names are `data-inclusion:<source>` (`data-inclusion:dora`); source ids are the `id`s.
Files are not treated as complete snapshots (a département extract must not retire the rest).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from store.models import LIST_FIELDS, STRUCTURE_FIELDS, Reject, ServiceRecord, StructureRecord
from store.vocab.thematiques_v0 import TYPES_V0_TO_V1, to_v1_publics, to_v1_thematiques
from store.writer import record_id

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, read_text
from .fields import Checked, code_list, text
from .tabular import csv_rows, header_index, sniff_delimiter, truthy

PREFIX = "data-inclusion:"
_STUB = "__stub__"
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

_STRUCTURE_KEYS = frozenset(
    {
        "id",
        "source",
        "nom",
        "description",
        "presentation_resume",
        "presentation_detail",
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


def _first_char(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1024)
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return chr(stripped[0]) if stripped else ""


def _json_error(path: Path, exc: json.JSONDecodeError) -> ImportFailure:
    return ImportFailure(
        path,
        f"JSON invalide ou tronqué ({exc.msg}).",
        f"ligne {exc.lineno}, colonne {exc.colno}",
    )


def _json_lines(path: Path, content: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"ligne {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"JSON invalide ou tronqué ({exc.msg})."
            raise ImportFailure(path, message, f"ligne {number}") from None


def _items(path: Path) -> Iterator[tuple[str, Any]]:
    """(origin, item) for every record of the file, whatever its shape."""
    first = _first_char(path)
    if first not in "[{":
        yield from _csv_items(path)
        return
    content = read_text(path)
    if first == "{":
        line, _, rest = content.strip().partition("\n")
        if rest.strip():
            try:
                json.loads(line)
            except json.JSONDecodeError:
                pass
            else:
                yield from _json_lines(path, content)
                return
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise _json_error(path, exc) from None
    if isinstance(data, dict):
        keys = ("items", "structures", "services", "results", "data")
        lists = [data[k] for k in keys if isinstance(data.get(k), list)]
        data = [item for part in lists for item in part] if lists else [data]
    if not isinstance(data, list):
        raise ImportFailure(path, "JSON inattendu : une liste d'enregistrements est attendue.")
    for number, item in enumerate(data, start=1):
        yield f"enregistrement {number}", item


def _csv_items(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    headers: list[str] | None = None
    ignore_at: int | None = None
    for number, row in csv_rows(path):
        if headers is None:
            if any(cell.strip() for cell in row):
                headers = [cell.strip().lstrip("\ufeff") for cell in row]
                ignore_at = header_index(headers).get("ignore")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if ignore_at is not None and truthy(row, ignore_at):
            continue
        yield f"ligne {number}", dict(zip(headers, row, strict=False))


# -- one record -------------------------------------------------------------------------------


def _source(item: dict[str, Any], default: str) -> str:
    name = text(item.get("source"))
    if not name:
        return default
    return name if name.startswith(PREFIX) else PREFIX + name


def _joined(*parts: Any) -> str | None:
    texts = [t for p in parts if (t := text(p))]
    return "\n\n".join(dict.fromkeys(texts)) or None


def _extra(item: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, value in item.items():
        if key in known or value is None or value == "" or value == []:
            continue
        if isinstance(value, dict):
            continue
        if isinstance(value, list):
            extra[key] = [text(v) for v in value]
        elif isinstance(value, bool | int | str):
            extra[key] = value
        elif (cleaned := text(value)) is not None:
            extra[key] = cleaned
    return extra


def _thematiques(value: Any, checked: Checked) -> list[str]:
    codes, unknown = to_v1_thematiques(code_list(value))
    if unknown:
        checked.dropped["thematiques"] = ", ".join(unknown)
    return codes


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
        date_maj=text(item.get("date_maj")),
        extra=checked.note_into(_extra(item, _STRUCTURE_KEYS)),
        origin=origin,
    )


def service_from(item: dict[str, Any], origin: str) -> ServiceRecord | Reject:
    nom = text(item.get("nom"))
    if not nom:
        return Reject(origin, "service sans nom")
    checked = Checked()
    publics, unknown_publics = to_v1_publics(
        code_list(item.get("publics")) + code_list(item.get("profils"))
    )
    if unknown_publics:
        checked.dropped["publics"] = ", ".join(unknown_publics)
    kind = text(item.get("type"))
    if not kind:
        v0_types = [TYPES_V0_TO_V1.get(t) for t in code_list(item.get("types"))]
        kind = next((t for t in v0_types if t), None)
    zone = code_list(item.get("zone_eligibilite")) or code_list(item.get("zone_diffusion_code"))
    return ServiceRecord(
        nom=nom,
        source_id=text(item.get("id")),
        description=text(item.get("description"))
        or _joined(item.get("presentation_resume"), item.get("presentation_detail")),
        type=kind,
        thematiques=_thematiques(item.get("thematiques"), checked),
        publics=publics,
        publics_precisions=text(item.get("publics_precisions"))
        or text(item.get("profils_precisions")),
        frais=code_list(item.get("frais")),
        frais_precisions=text(item.get("frais_precisions")) or text(item.get("frais_autres")),
        modes_accueil=code_list(item.get("modes_accueil")),
        modes_mobilisation=code_list(item.get("modes_mobilisation"))
        or code_list(item.get("modes_orientation_beneficiaire")),
        conditions_acces=text(item.get("conditions_acces")),
        zone_eligibilite=zone,
        horaires_accueil=text(item.get("horaires_accueil"))
        or text(item.get("horaires_ouverture"))
        or text(item.get("recurrence")),
        telephone=text(item.get("telephone")),
        courriel=checked.email(item.get("courriel")),
        lien_source=checked.url(item.get("lien_source"), "lien_source"),
        statut=text(item.get("statut")),
        date_maj=text(item.get("date_maj")),
        extra=checked.note_into(_extra(item, _SERVICE_KEYS)),
    )


def _is_service(item: dict[str, Any]) -> bool:
    return "structure_id" in item or isinstance(item.get("structure"), dict)


# -- the whole file ---------------------------------------------------------------------------


class _Assembler:
    """Collects structures and services, then attaches services to their structure."""

    def __init__(self, default_source: str) -> None:
        self.default_source = default_source
        self.structures: dict[tuple[str, str], StructureRecord] = {}
        self.loose: list[StructureRecord] = []  # structures without an id
        self.pending: dict[tuple[str, str], list[tuple[str, ServiceRecord]]] = {}
        self.nested: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.rejects: list[Reject] = []

    def add_structure(self, item: dict[str, Any], origin: str) -> None:
        record = structure_from(item, origin, self.default_source)
        if isinstance(record, Reject):
            self.rejects.append(record)
            return
        for number, nested in enumerate(item.get("services") or (), start=1):
            if isinstance(nested, dict):
                service = service_from(nested, f"{origin}, service {number}")
                if isinstance(service, Reject):
                    self.rejects.append(service)
                else:
                    record.services.append(service)
        if record.source_id is None:
            self.loose.append(record)
            return
        key = (record.source, record.source_id)
        if key in self.structures:  # the same structure twice: keep the first, merge services
            self.structures[key].services.extend(record.services)
        else:
            self.structures[key] = record

    def add_service(self, item: dict[str, Any], origin: str) -> None:
        service = service_from(item, origin)
        if isinstance(service, Reject):
            self.rejects.append(service)
            return
        nested = item.get("structure") if isinstance(item.get("structure"), dict) else None
        structure_id = text(item.get("structure_id")) or (nested and text(nested.get("id")))
        if not structure_id:
            self.rejects.append(Reject(origin, f"service « {service.nom} » sans structure_id"))
            return
        source = _source(item, _source(nested or {}, self.default_source))
        key = (source, structure_id)
        if nested is not None and key not in self.nested:
            self.nested[key] = (
                origin,
                {"source": item.get("source"), "id": structure_id, **nested},
            )
        self.pending.setdefault(key, []).append((origin, service))

    def records(self) -> Iterator[StructureRecord | Reject]:
        yield from self.rejects
        for key, services in self.pending.items():
            record = self.structures.get(key)
            if record is None and key in self.nested:
                origin, item = self.nested[key]
                built = structure_from(item, origin, self.default_source)
                if isinstance(built, StructureRecord):
                    record = self.structures[key] = built
            if record is None:
                origin = services[0][0]
                record = StructureRecord(
                    nom=key[1], source=key[0], source_id=key[1], origin=origin, extra={_STUB: 1}
                )
                self.structures[key] = record
            record.services.extend(service for _, service in services)
        yield from self.structures.values()
        yield from self.loose


def _parse(path: Path, options: ImportOptions) -> Parsed:
    assembler = _Assembler(PREFIX + "fichier")
    seen = 0
    for origin, item in _items(path):
        if not isinstance(item, dict):
            assembler.rejects.append(Reject(origin, "enregistrement qui n'est pas un objet"))
            continue
        seen += 1
        if _is_service(item):
            assembler.add_service(item, origin)
        else:
            assembler.add_structure(item, origin)
    if not seen:
        raise ImportFailure(path, "aucun enregistrement data·inclusion (objets attendus).")
    yield from assembler.records()


# -- with the store: services whose structure is already there --------------------------------


def _stored_structure(conn: sqlite3.Connection, record: StructureRecord) -> bool:
    """Fill a stub record from the structure already stored under the same id."""
    columns = list(STRUCTURE_FIELDS)
    row = conn.execute(
        f"SELECT {', '.join(columns)} FROM structures WHERE id = ?", (record_id(record),)
    ).fetchone()
    if row is None:
        return False
    for name, value in zip(columns, row, strict=True):
        if name in LIST_FIELDS or name == "extra":
            value = json.loads(value) if value else ([] if name != "extra" else {})
        elif name in ("geo_approx", "a_verifier"):
            value = bool(value)
        setattr(record, name, value)
    return True


def prepare(
    conn: sqlite3.Connection, records: list[StructureRecord]
) -> tuple[list[StructureRecord], list[Reject]]:
    kept: list[StructureRecord] = []
    rejects: list[Reject] = []
    for record in records:
        if record.extra.pop(_STUB, None) is None or _stored_structure(conn, record):
            kept.append(record)
        else:
            rejects.append(
                Reject(
                    record.origin or "?",
                    f"structure « {record.source_id} » ({record.source}) introuvable, ni dans le"
                    f" fichier ni dans la base : {len(record.services)} service(s) ignoré(s)",
                )
            )
    return kept, rejects


# -- XLSX data-entry templates (Services sheet) ------------------------------------------------


def attach_sheet_services(
    structures: Sequence[StructureRecord],
    rows: Iterable[tuple[int, Sequence[Any]]],
    where: str,
) -> Iterator[Reject]:
    """Attach the rows of a `Services` sheet to `structures` by structure_id; yield rejects."""
    by_id = {s.source_id: s for s in structures if s.source_id}
    headers: list[str] | None = None
    ignore_at: int | None = None
    for number, row in rows:
        if headers is None:
            if any(text(c) for c in row):
                headers = [text(c) or "" for c in row]
                ignore_at = header_index(headers).get("ignore")
            continue
        if not any(text(c) for c in row) or (ignore_at is not None and truthy(row, ignore_at)):
            continue
        item = {h: v for h, v in zip(headers, row, strict=False) if h and h not in ("",)}
        origin = f"{where} {number}"
        service = service_from(item, origin)
        if isinstance(service, Reject):
            yield service
            continue
        owner = by_id.get(text(item.get("structure_id")))
        if owner is None:
            yield Reject(origin, f"service « {service.nom} » : structure_id inconnu")
            continue
        owner.services.append(service)


# -- detection --------------------------------------------------------------------------------


def _detect(sample: Sample) -> float:
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
    if "nom" in cells and len(cells & _CSV_MARKERS) >= 3:
        return 0.85
    return 0.0


FORMAT = Format(
    "data_inclusion",
    "export data·inclusion",
    _detect,
    _parse,
    complete=False,
    prepare=prepare,
)
