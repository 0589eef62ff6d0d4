"""Open Referral HSDS 3.0: a `datapackage.json` and its CSV tables.

One structure per organisation and place: an organisation delivering services at one location
gives one structure there; at several locations, one structure per location ("Org — Lieu").
Services attach to the structures of the locations they are delivered at.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

from store.hours import DAYS_OSM, is_osm
from store.models import Reject, ServiceRecord, StructureRecord
from store.text import slug

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, read_text
from .fields import Checked, text

Row = dict[str, str]
_BYDAY = {day[:2].upper(): i for i, day in enumerate(DAYS_OSM)}


def _detect(sample: Sample) -> float:
    head = sample.text.lstrip()
    if not head.startswith("{") or '"resources"' not in head:
        return 0.0
    if "openreferral" in head.lower() or "service_at_location" in head:
        return 1.0
    return 0.4 if "organizations.csv" in head else 0.0


def _tables(path: Path) -> dict[str, list[Row]]:
    try:
        package = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportFailure(path, f"datapackage.json invalide ({exc.msg}).") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise ImportFailure(path, "datapackage.json sans liste « resources ».")
    tables: dict[str, list[Row]] = {}
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        name = str(resource.get("name") or Path(resource["path"]).stem)
        table_path = (path.parent / resource["path"]).resolve()
        if path.parent.resolve() not in table_path.parents or not table_path.is_file():
            continue
        content = read_text(table_path)
        tables[name] = list(csv.DictReader(io.StringIO(content, newline="")))
    if "organization" not in tables and "organizations" not in tables:
        raise ImportFailure(path, "aucune table « organizations » dans le paquet HSDS.")
    return tables


def _table(tables: dict[str, list[Row]], name: str) -> list[Row]:
    return tables.get(name) or tables.get(name + "s") or []


def _group(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def schedule_to_osm(rows: list[Row]) -> str | None:
    """Weekly schedules (byday + opens_at/closes_at) -> OSM; else their descriptions."""
    by_day: dict[int, list[str]] = defaultdict(list)
    texts = []
    for row in rows:
        opens, closes = (row.get("opens_at") or "")[:5], (row.get("closes_at") or "")[:5]
        named = [_BYDAY.get(d.strip()[-2:].upper()) for d in (row.get("byday") or "").split(",")]
        days = [d for d in named if d is not None]
        weekly = (row.get("freq") or "WEEKLY").upper() == "WEEKLY"
        if weekly and opens and closes and days and len(days) == len(named):
            for day in days:
                by_day[day].append(f"{opens}-{closes}")
        elif text(row.get("description")):
            texts.append(str(text(row.get("description"))))
    if by_day:
        rules = [
            f"{DAYS_OSM[d]} {','.join(sorted(set(spans)))}" for d, spans in sorted(by_day.items())
        ]
        osm = "; ".join(rules)
        if is_osm(osm):
            return osm
    return " ".join(texts) or None


def _phone(*groups: list[Row] | None) -> str | None:
    for group in groups:
        for row in group or ():
            number = text((row.get("number") or "").strip('"'))
            if number:
                return number
    return None


def _parse(path: Path, options: ImportOptions) -> Parsed:
    if path.is_dir():
        path = path / "datapackage.json"
    tables = _tables(path)
    source = "hsds:" + (slug(path.parent.name) or "paquet")
    organizations = _table(tables, "organization")
    services_by_org = _group(_table(tables, "service"), "organization_id")
    locations = {row["id"]: row for row in _table(tables, "location") if row.get("id")}
    locations_by_org = _group(list(locations.values()), "organization_id")
    sal_by_service = _group(_table(tables, "service_at_location"), "service_id")
    addresses = _group(_table(tables, "address"), "location_id")
    phones = _table(tables, "phone")
    phones_by = {k: _group(phones, k) for k in ("organization_id", "service_id", "location_id")}
    schedules = _table(tables, "schedule")
    sched_by_service = _group(schedules, "service_id")
    sched_by_location = _group(schedules, "location_id")

    for number, org in enumerate(organizations, start=2):
        origin = f"organizations.csv, ligne {number}"
        name = text(org.get("name"))
        if not name:
            yield Reject(origin, "organisation sans nom")
            continue
        services = services_by_org.get(org.get("id", ""), [])
        place_ids: list[str] = [loc["id"] for loc in locations_by_org.get(org.get("id", ""), [])]
        service_places: dict[str, list[str]] = {}
        for service in services:
            ids = [s["location_id"] for s in sal_by_service.get(service.get("id", ""), [])]
            ids = [i for i in ids if i in locations]
            service_places[service.get("id", "")] = ids
            place_ids.extend(i for i in ids if i not in place_ids)
        where: list[str | None] = [*place_ids] if place_ids else [None]
        for place_id in where:
            location = locations.get(place_id) if place_id else None
            record = _structure(org, location, addresses, phones_by, sched_by_location, origin)
            record.source = source
            if len(place_ids) > 1 and location is not None:
                record.nom = f"{name} — {text(location.get('name')) or place_id}"
                record.source_id = f"{org.get('id')}@{place_id}"
            for service in services:
                places = service_places.get(service.get("id", ""), [])
                if (
                    place_id is None
                    or place_id in places
                    or (not places and place_id == place_ids[0])
                ):
                    built = _service(service, phones_by, sched_by_service)
                    if built is not None:
                        record.services.append(built)
            yield record


def _structure(
    org: Row,
    location: Row | None,
    addresses: dict[str, list[Row]],
    phones_by: dict[str, dict[str, list[Row]]],
    sched_by_location: dict[str, list[Row]],
    origin: str,
) -> StructureRecord:
    checked = Checked()
    lat = lon = None
    address: Row = {}
    if location is not None:
        lat, lon = checked.coordinates(location.get("latitude"), location.get("longitude"))
        found = addresses.get(location["id"], [])
        physical = [a for a in found if (a.get("address_type") or "").lower() == "physical"]
        address = (physical or found or [{}])[0]
    extra = {
        key: value
        for key, value in {
            "alternate_name": text(org.get("alternate_name")),
            "legal_status": text(org.get("legal_status")),
            "location": text(location.get("name")) if location else None,
            "transportation": text(location.get("transportation")) if location else None,
            "country": text(address.get("country")),
            "region": text(address.get("region")) or text(address.get("state_province")),
        }.items()
        if value
    }
    loc_id = location["id"] if location else ""
    return StructureRecord(
        nom=str(text(org.get("name"))),
        source="hsds",
        source_id=text(org.get("id")),
        description=text(org.get("description")),
        adresse=text(address.get("address_1")),
        complement_adresse=text(address.get("address_2")),
        code_postal=checked.postcode(address.get("postal_code")),
        commune=text(address.get("city")),
        latitude=lat,
        longitude=lon,
        telephone=_phone(
            phones_by["location_id"].get(loc_id),
            phones_by["organization_id"].get(org.get("id", "")),
        ),
        courriel=checked.email(org.get("email")),
        site_web=checked.url(org.get("website") or org.get("url"), "site_web"),
        horaires_accueil=schedule_to_osm(sched_by_location.get(loc_id, [])),
        lien_source=checked.url(org.get("uri"), "lien_source"),
        extra=checked.note_into(extra),
        origin=origin,
    )


def _service(
    row: Row, phones_by: dict[str, dict[str, list[Row]]], sched_by_service: dict[str, list[Row]]
) -> ServiceRecord | None:
    name = text(row.get("name"))
    if not name:
        return None
    checked = Checked()
    extra = {
        key: value
        for key, value in {
            "alternate_name": text(row.get("alternate_name")),
            "application_process": text(row.get("application_process")),
            "interpretation_services": text(row.get("interpretation_services")),
            "alert": text(row.get("alert")),
            "minimum_age": text(row.get("minimum_age")),
            "maximum_age": text(row.get("maximum_age")),
        }.items()
        if value
    }
    status = (text(row.get("status")) or "").lower()
    return ServiceRecord(
        nom=name,
        source_id=text(row.get("id")),
        description=text(row.get("description")),
        conditions_acces=text(row.get("eligibility_description")),
        frais_precisions=text(row.get("fees_description")),
        horaires_accueil=schedule_to_osm(sched_by_service.get(row.get("id", ""), [])),
        telephone=_phone(phones_by["service_id"].get(row.get("id", ""))),
        courriel=checked.email(row.get("email")),
        lien_source=checked.url(row.get("url"), "lien_source"),
        statut={"active": "actif", "inactive": "inactif"}.get(status, status or None),
        date_maj=checked.date(row.get("last_modified")),
        extra=checked.note_into(extra),
    )


FORMAT = Format("hsds", "paquet Open Referral HSDS", _detect, _parse)
