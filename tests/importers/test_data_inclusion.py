"""data·inclusion exports: v1 and v0 fields, structures and services files, API pages, CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from importers.base import ImportFailure
from importers.registry import detect
from importers.runner import import_file
from store.db import Store
from store.notes import add_note, list_notes
from store.queries import get_structure
from store.vocab.thematiques import THEMATIQUES
from store.vocab.thematiques_v0 import V0_TO_V1, to_v1_publics, to_v1_thematiques
from store.writer import record_id
from tests.conftest import FIXTURES, shared_path

DATA = FIXTURES / "opendata"


def _by_source_id(store: Store, source_id: str) -> dict:
    (sid,) = store.conn.execute(
        "SELECT id FROM structures WHERE source_id = ?", (source_id,)
    ).fetchone()
    return get_structure(store.conn, sid)


def test_detects_every_shape() -> None:
    for name in (
        "di-structures.json",
        "di-services.jsonl",
        "di-api-page.json",
        "di-structures.csv",
    ):
        assert detect(DATA / name).name == "data_inclusion", name


def test_structures_v1_and_v0_fields(store: Store) -> None:
    report = import_file(store, DATA / "di-structures.json")
    assert (report.added, report.services) == (3, 1)
    assert [(r.origin, r.reason) for r in report.rejects] == [
        ("enregistrement 3", "structure sans nom")
    ]
    epicerie = _by_source_id(store, "st-1")
    assert epicerie["source"] == "data-inclusion:dora"
    assert epicerie["services"][0]["publics"] == ["familles"]
    assert epicerie["services"][0]["frais"] == ["payant"]
    assert epicerie["geo_approx"] == 0 and epicerie["latitude"] == pytest.approx(48.82)

    centre = _by_source_id(store, "st-2")  # v0 fields only
    assert centre["source"] == "data-inclusion:soliguide"
    assert centre["kind"] == "centre-social"  # from typologie CS
    assert centre["description"] == "Accueil des familles.\n\nAteliers, aide aux devoirs."
    assert centre["horaires_accueil"] == "Mo-Fr 09:00-11:45,14:00-16:30"
    assert "fcsf" in centre["reseaux_porteurs"]
    assert centre["thematiques"] == [
        "famille--soutien-a-la-parentalite-et-a-leducation",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ]
    dropped = centre["extra"]["invalides"]
    assert dropped["code_postal"] == "7837"
    assert dropped["courriel"] == "pas-un-courriel"
    assert dropped["thematiques"] == "code-inconnu"
    assert "latitude" in dropped
    assert centre["courriel"] is None and centre["code_postal"] is None

    justice = _by_source_id(store, "st-4")  # no coordinates: its commune's, flagged
    assert justice["kind"] == "point-justice"
    assert justice["geo_approx"] == 1 and justice["code_insee"] == "78621"


def test_services_file_attaches_to_stored_structures(store: Store) -> None:
    import_file(store, DATA / "di-structures.json")
    before = _by_source_id(store, "st-1")
    report = import_file(store, DATA / "di-services.jsonl")
    assert (report.added, report.updated) == (0, 2)
    assert len(report.rejects) == 1 and "st-inconnue" in report.rejects[0].reason
    assert store.count("structures") == 3  # no stub structure was created
    centre = _by_source_id(store, "st-2")
    assert centre["nom"] == "Centre social des Tilleuls (fictif)"  # kept from the store
    (service,) = centre["services"]
    assert service["nom"] == "Aide aux devoirs"
    assert service["type"] == "accompagnement"
    assert service["publics"] == ["familles", "jeunes"]
    assert service["zone_eligibilite"] == ["78490"]
    assert service["description"] == "Pour les collégiens."
    justice = _by_source_id(store, "st-4")
    assert justice["services"][0]["thematiques"] == [
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
    ]
    assert _by_source_id(store, "st-1")["services"] == before["services"]  # untouched


def test_services_file_alone_is_rejected_without_structures(store: Store) -> None:
    report = import_file(store, DATA / "di-services.jsonl")
    assert report.added == 0 and len(report.rejects) == 3
    with pytest.raises(ImportFailure, match="introuvable"):
        import_file(store, DATA / "di-services.jsonl", options=_strict())


def _strict():  # type: ignore[no-untyped-def]
    from importers.base import ImportOptions

    return ImportOptions(strict=True)


def test_api_page_with_nested_structure(store: Store) -> None:
    report = import_file(store, DATA / "di-api-page.json")
    assert (report.added, report.services) == (1, 2)
    espace = _by_source_id(store, "st-20")
    assert espace["nom"] == "Espace numérique des Gâtines (fictif)"
    assert espace["source"] == "data-inclusion:mediation-numerique"
    assert {s["nom"] for s in espace["services"]} == {"Atelier numérique", "Accès libre internet"}
    assert espace["geo_approx"] == 1


def test_csv_export(store: Store) -> None:
    report = import_file(store, DATA / "di-structures.csv")
    assert report.added == 2
    vestiaire = _by_source_id(store, "c-1")
    assert vestiaire["thematiques"] == ["equipement-et-alimentation--habillement"]
    assert vestiaire["horaires_accueil"] == "Mo,We 14:00-17:00"


def test_reimport_keeps_ids_and_notes(store: Store, tmp_path: Path) -> None:
    import_file(store, DATA / "di-structures.json")
    sid = _by_source_id(store, "st-1")["id"]
    add_note(store.conn, sid, "Demander Mme B. (note fictive)")
    again = import_file(store, DATA / "di-structures.json")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    newer = json.loads((DATA / "di-structures.json").read_text(encoding="utf-8"))
    newer[0]["telephone"] = "01 99 99 99 99"
    newer[0]["nom"] = "Épicerie solidaire du Val, nouveau nom (fictive)"
    path = tmp_path / "structures-newer.json"
    path.write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    report = import_file(store, path)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    updated = _by_source_id(store, "st-1")
    assert updated["id"] == sid
    assert updated["telephone"] == "01 99 99 99 99"
    assert [n.text for n in list_notes(store.conn, sid)] == ["Demander Mme B. (note fictive)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"source": "dora", "id": "x", "nom": "Tronqué", "date_maj": "2024', "tronqué"),
        ("[1, 2, 3]", "aucun enregistrement"),
        ('{"source": "dora", "nom": "A"}\n{"source": "dora", "nom": \n', "ligne 2"),
    ],
)
def test_broken_json_fails_cleanly(
    store: Store, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailure, match=message) as info:
        import_file(store, path, format_name="data_inclusion")
    assert str(path) in str(info.value)
    assert store.count("structures") == 0


def test_record_ids_follow_source_and_id() -> None:
    from store.models import StructureRecord

    a = StructureRecord(nom="A", source="data-inclusion:dora", source_id="1")
    b = StructureRecord(nom="B renamed", source="data-inclusion:dora", source_id="1")
    assert record_id(a) == record_id(b)


def test_v0_table_maps_to_valid_v1_codes() -> None:
    for v0, targets in V0_TO_V1.items():
        assert targets, v0
        assert all(t in THEMATIQUES for t in targets), v0
    assert to_v1_thematiques(["numerique", "sante--addictions", "zzz"]) == (
        ["numerique--maitriser-les-fondamentaux-du-numerique", "sante--addictions"],
        ["zzz"],
    )
    assert to_v1_publics(["beneficiaires-rsa", "femmes"]) == (
        ["beneficiaires-des-minimas-sociaux", "femmes"],
        [],
    )


def test_v0_table_covers_the_reference_lists() -> None:
    with shared_path("data", "data-inclusion", "v0", "thematiques.csv").open(encoding="utf-8") as f:
        codes = [row["value"] for row in csv.DictReader(f)]
    assert len(codes) == 168
    assert all(to_v1_thematiques([c])[0] for c in codes)
    with shared_path("data", "data-inclusion", "v0", "profils.csv").open(encoding="utf-8") as f:
        profils = [row["value"] for row in csv.DictReader(f)]
    assert all(to_v1_publics([p])[0] for p in profils)
