"""Offline geocoding from the communes table (INSEE code, postcode, name)."""

from __future__ import annotations

from importers.geocode import find_commune, geocode_records
from store.db import Store
from store.models import StructureRecord


def _rec(**fields: object) -> StructureRecord:
    return StructureRecord(nom="Structure fictive", source="test", **fields)  # type: ignore[arg-type]


def test_find_commune(store: Store) -> None:
    conn = store.conn
    assert find_commune(conn, "78490", None, None).nom == "Plaisir"
    assert find_commune(conn, None, "78370", None).nom == "Plaisir"
    assert find_commune(conn, None, None, "Plaisir").insee == "78490"
    # a postcode shared by several communes: the name chooses
    assert find_commune(conn, None, "78190", "Trappes").insee == "78621"
    assert find_commune(conn, None, None, "Commune qui n'existe pas") is None
    assert find_commune(conn, None, None, None) is None


def test_geocode_records(store: Store) -> None:
    placed = _rec(latitude=1.0, longitude=2.0, code_postal="78370")
    by_cp = _rec(code_postal="78370")
    by_name = _rec(commune="Trappes")
    lost = _rec(commune="Nulle-Part-Fictif")
    count = geocode_records(store.conn, [placed, by_cp, by_name, lost])
    assert count == 2
    assert (placed.latitude, placed.geo_approx) == (1.0, False)
    assert by_cp.geo_approx and by_cp.code_insee == "78490" and by_cp.latitude is not None
    assert by_name.geo_approx and by_name.code_insee == "78621"
    assert lost.latitude is None and not lost.geo_approx
