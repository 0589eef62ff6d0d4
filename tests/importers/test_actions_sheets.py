"""The federation's action sheets: the real seed and a small fictional fixture."""

from __future__ import annotations

from pathlib import Path

from importers.actions_sheets import FORMAT
from importers.base import ImportOptions
from importers.registry import detect
from store.models import Reject, StructureRecord
from store.writer import merge_duplicates
from tests.conftest import FIXTURES, shared_path

FIXTURE = FIXTURES / "seeds" / "actions_fictives.txt"
SEED = ("seeds", "001_e1b83866734b736b.txt")


def _parse(path: Path) -> tuple[list[StructureRecord], list[Reject]]:
    items = list(FORMAT.parse(path, ImportOptions()))
    return (
        [i for i in items if isinstance(i, StructureRecord)],
        [i for i in items if isinstance(i, Reject)],
    )


def test_fixture_sheets_become_services_of_their_structures() -> None:
    records, _ = _parse(FIXTURE)
    merged = merge_duplicates(records)
    assert len(records) == 3
    assert len(merged) == 2  # the Dechy centre has two actions
    dechy = next(r for r in merged.values() if "TILLEULS" in r.nom)
    assert dechy.nom == "CENTRE SOCIAL DES TILLEULS FICTIFS DECHY"
    assert dechy.departement == "59"
    assert dechy.kind == "centre-social"
    assert dechy.commune == "Dechy" and dechy.geo_approx
    assert [s.nom for s in dechy.services] == [
        "Permanence d'écrivain public du mardi",
        "Atelier cuisine des familles",
    ]
    writer, cooking = dechy.services
    assert writer.statut == "En cours" and cooking.statut == "Terminée"
    assert "courriers administratifs" in (writer.description or "")
    assert "écrivain public bénévole" in (writer.description or "")
    assert "famille--soutien-a-la-parentalite-et-a-leducation" in writer.thematiques
    assert (
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
        in writer.thematiques
    )
    assert writer.publics == ["tous-publics"]
    assert writer.publics_precisions == "Adultes, Tous publics"
    assert cooking.extra["raison_fin"] == "Fin du financement."


def test_fixture_name_with_a_dash_and_unknown_departement() -> None:
    records, rejects = _parse(FIXTURE)
    mpt = next(r for r in records if r.nom.startswith("MPT"))
    assert mpt.nom == "MPT-CS LES PEUPLIERS IMAGINAIRES - Synergie Fictive"
    assert mpt.departement == "95"
    assert mpt.services[0].publics == ["jeunes"]
    assert len(rejects) == 1
    assert "Atlantide" in rejects[0].reason
    assert "Action sans département connu" in rejects[0].origin


def test_ids_come_from_name_and_departement() -> None:
    first, _ = _parse(FIXTURE)
    again, _ = _parse(FIXTURE)
    assert [r.source_id for r in first] == [r.source_id for r in again]
    assert first[0].source_id == "59:centre social des tilleuls fictifs dechy"


def test_detected_by_content() -> None:
    assert detect(FIXTURE).name == "actions_sheets"


def test_real_seed_gives_23_structures_and_25_services() -> None:
    path = shared_path(*SEED)
    assert detect(path).name == "actions_sheets"
    records, rejects = _parse(path)
    assert rejects == []
    merged = merge_duplicates(records)
    assert len(records) == 25
    assert len(merged) == 23
    assert sum(len(r.services) for r in merged.values()) == 25
    assert {r.kind for r in merged.values()} == {"centre-social"}
    by_name = {r.nom: r for r in merged.values()}
    assert by_name["CENTRE SOCIAL GISELE HALIMI ALLONNES"].departement == "72"
    assert by_name["CENTRE SOCIAL LA SOURCE"].departement == "971"
    assert len(by_name["CENTRE SOCIAL LA SOURCE"].services) == 2
    faourette = by_name["CENTRE SOCIAL PARTAGE FAOURETTE"]
    assert faourette.departement == "31"
    assert faourette.services[0].nom == "Ecrivain public"
    statuses = [s.statut for r in merged.values() for s in r.services]
    assert statuses.count("Terminée") == 3 and statuses.count("En cours") == 22
