"""Open Referral HSDS 3.0 packages: organisations × locations, services, phones, schedules."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.base import ImportFailure
from importers.hsds import schedule_to_osm
from importers.registry import detect
from importers.runner import import_file
from store.db import Store
from store.queries import get_structure
from tests.conftest import FIXTURES, shared_path

PACKAGE = FIXTURES / "opendata" / "hsds"  # fictional


def _all(store: Store) -> dict[str, dict]:
    ids = [sid for (sid,) in store.conn.execute("SELECT id FROM structures")]
    return {s["nom"]: s for s in (get_structure(store.conn, sid) for sid in ids)}


def test_fixture_package(store: Store) -> None:
    assert detect(PACKAGE / "datapackage.json").name == "hsds"
    report = import_file(store, PACKAGE)  # the folder works too
    assert (report.added, report.services) == (2, 2)
    found = _all(store)
    plaisir = found["Association Entraide Fictive — Local de Plaisir"]
    assert plaisir["source"] == "hsds:hsds"
    assert plaisir["code_postal"] == "78370" and plaisir["commune"] == "Plaisir"
    assert plaisir["geo_approx"] == 1  # no coordinates: the commune's
    assert plaisir["telephone"] == "01 00 00 00 05"
    assert (
        plaisir["horaires_accueil"] == "Mo 09:00-17:00; Tu 09:00-17:00; We 09:00-17:00; "
        "Th 09:00-17:00; Fr 09:00-17:00"
    )
    (service,) = plaisir["services"]
    assert service["nom"] == "Distribution alimentaire"
    assert service["horaires_accueil"] == "Tu 09:00-12:00"
    assert service["telephone"] == "01 00 00 00 06"
    assert service["conditions_acces"] == "Sur orientation"
    trappes = found["Association Entraide Fictive — Local de Trappes"]
    assert trappes["geo_approx"] == 0 and trappes["latitude"] == pytest.approx(48.77)
    assert [s["nom"] for s in trappes["services"]] == ["Vestiaire"]
    again = import_file(store, PACKAGE / "datapackage.json")
    assert (again.added, again.unchanged) == (0, 2)


def test_schedule_fallback_to_description() -> None:
    rows = [{"freq": "MONTHLY", "description": "Le premier lundi du mois."}]
    assert schedule_to_osm(rows) == "Le premier lundi du mois."


def test_missing_organizations_table(store: Store, tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        '{"profile": "openreferral", "resources": [{"name": "service_at_location",'
        ' "path": "service_at_location.csv"}]}',
        encoding="utf-8",
    )
    with pytest.raises(ImportFailure, match="organizations"):
        import_file(store, tmp_path)


def test_openreferral_example(store: Store) -> None:
    path = shared_path("data", "hsds-3.0-example", "datapackage.json")
    report = import_file(store, path)
    assert (report.added, report.services) == (1, 1)
    (structure,) = _all(store).values()
    assert structure["nom"] == "Example Organization Inc."
    assert structure["extra"]["invalides"]["latitude"] == "100"  # out of range: dropped
    assert structure["services"][0]["nom"] == "Community Counselling"
