"""Offline geocoding: a record without coordinates takes its commune's, flagged approximate.

The commune is found by INSEE code, else postcode (with the commune name to choose among the
communes sharing it), else name. Lookups are cached per (insee, postcode, name).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from store.communes import Commune, by_insee, by_name, by_postcode, departement_of
from store.models import StructureRecord
from store.text import normalize


def find_commune(
    conn: sqlite3.Connection,
    insee: str | None,
    postcode: str | None,
    name: str | None,
) -> Commune | None:
    if insee:
        found = by_insee(conn, insee)
        if found:
            return found
    key = normalize(name)
    if postcode:
        candidates = by_postcode(conn, postcode)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            for commune in candidates:
                if key and normalize(commune.nom) == key:
                    return commune
            if not key:
                return candidates[0]  # biggest commune of the postcode: still approximate
    if key:
        matches = by_name(conn, name or "", departement_of(postcode))
        if len(matches) == 1 or (matches and postcode):
            return matches[0]
    return None


GeocodeCache = dict[tuple[str, str, str], Commune | None]


def geocode_records(
    conn: sqlite3.Connection,
    records: Iterable[StructureRecord],
    cache: GeocodeCache | None = None,
) -> int:
    """Give commune coordinates to records that have none. Returns how many were placed.

    `cache` may be shared by the successive batches of one import."""
    cache = {} if cache is None else cache
    placed = 0
    for record in records:
        if record.latitude is not None and record.longitude is not None:
            continue
        key = (record.code_insee or "", record.code_postal or "", normalize(record.commune))
        if not any(key):
            continue
        if key not in cache:
            cache[key] = find_commune(conn, *key[:2], record.commune)
        commune = cache[key]
        if commune is None or commune.lat is None or commune.lon is None:
            continue
        record.latitude, record.longitude = commune.lat, commune.lon
        record.geo_approx = True
        record.code_insee = record.code_insee or commune.insee
        record.commune = record.commune or commune.nom
        placed += 1
    return placed
