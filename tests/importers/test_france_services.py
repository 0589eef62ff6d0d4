"""The ANCT France Services list: kind, weekday hours to OSM, appointment and format kept."""

from __future__ import annotations

from importers.registry import detect
from importers.runner import import_file
from store.db import Store
from store.hours import is_osm
from store.queries import get_structure
from tests.conftest import FIXTURES, shared_path

EXTRACT = FIXTURES / "opendata" / "france-services-extrait.csv"  # fictional rows


def _get(store: Store, source_id: str) -> dict:
    (sid,) = store.conn.execute(
        "SELECT id FROM structures WHERE source_id = ?", (source_id,)
    ).fetchone()
    return get_structure(store.conn, sid)


def test_extract(store: Store) -> None:
    assert detect(EXTRACT).name == "france_services"
    report = import_file(store, EXTRACT)
    assert (report.added, report.rejected) == (3, 0)
    plaisir = _get(store, "9001")
    assert plaisir["kind"] == "france-services"
    assert plaisir["source"] == "anct-france-services"
    assert plaisir["horaires_accueil"] == (
        "Mo,Tu 09:00-12:00,13:30-17:00; We 09:00-12:00; Th 09:00-12:00,13:30-17:00;"
        " Fr 09:00-12:00,13:30-16:00"
    )
    assert plaisir["extra"]["prise_rdv"] is True
    assert "Sur rendez-vous." in plaisir["description"]
    assert plaisir["extra"]["type_fs"] == "Principal"
    bus = _get(store, "9002")
    assert bus["extra"]["format_fs"] == "Bus_équivalent"
    assert "antenne, bus" in bus["description"]
    assert bus["horaires_accueil"] == "Tu 09:30-16:30; Fr 09:30-16:30"
    assert bus["geo_approx"] == 1  # no coordinates in the list: its commune's
    odd = _get(store, "9003")  # hours that are not a time range stay readable as text
    assert odd["horaires_accueil"] == "lundi sur rendez-vous"
    assert odd["extra"]["horaires_texte"] == "lundi sur rendez-vous"


def test_reimport_is_unchanged(store: Store) -> None:
    import_file(store, EXTRACT)
    again = import_file(store, EXTRACT)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_national_list(store: Store) -> None:
    path = shared_path("data", "france-services-2024-08-01.csv")
    report = import_file(store, path)
    assert (report.added, report.rejected) == (2845, 0)
    rows = store.conn.execute("SELECT kind, horaires_accueil FROM structures").fetchall()
    assert len(rows) == 2845
    assert {kind for kind, _ in rows} == {"france-services"}
    with_hours = [hours for _, hours in rows if hours]
    assert len(with_hours) == 2797  # the 48 others publish no hours at all
    assert all(is_osm(hours) for hours in with_hours)
