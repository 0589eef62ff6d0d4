"""Orientation on a store of fictional structures (tests/fixtures/orientation)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from store.communes import AmbiguousPlace, UnknownPlace
from store.db import Store
from store.journal import JournalEntry, JournalError, log_orientation, summarize
from store.models import ServiceRecord, StructureRecord
from store.orientation import MAX_KM, departements_near, grouped, orient
from store.tags import kinds_in_name
from store.writer import ImportReport, write_records
from tests.orientation_helpers import SOURCE, fixture_records, load_fixture
from tui.cli import main

TUESDAY_10 = dt.datetime(2026, 11, 3, 10, 0)
SUNDAY_10 = dt.datetime(2026, 11, 8, 10, 0)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_fixture(store)
    return store


def names(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.nom for s in result.suggestions]


def test_need_and_place_give_the_nearest_fitting_structure_with_reasons(loaded: Store) -> None:
    result = orient(loaded.conn, "épicerie solidaire", "Toulouse", now=TUESDAY_10)
    first = result.suggestions[0]
    assert first.nom == "Épicerie solidaire La Fourmi (fictif)"
    assert first.reasons[0] == "Épicerie solidaire ou sociale"
    assert any(r.endswith(" km") and "," in r for r in first.reasons)  # "3,0 km"
    # The one in Montpellier fits as well but is 200 km away: beyond reach, never proposed.
    assert "Épicerie solidaire du Lez (fictif)" not in names(result)
    assert result.reach is not None and result.reach.km == 30


def test_open_now_is_computed_from_the_hours(loaded: Store) -> None:
    open_result = orient(loaded.conn, "PIMMS", "Toulouse", now=TUESDAY_10)
    pimms = open_result.suggestions[0]
    assert pimms.nom.startswith("PIMMS Médiation des Ormeaux")
    assert pimms.open_now is True
    assert "ouvert jusqu'à 17:00" in pimms.reasons
    closed = orient(loaded.conn, "PIMMS", "Toulouse", now=SUNDAY_10).suggestions[0]
    assert closed.open_now is False
    assert any(r.startswith("fermé") for r in closed.reasons)


def test_structure_known_only_by_its_departement_still_ranks(loaded: Store) -> None:
    result = orient(loaded.conn, "écrivain public", "Toulouse", now=TUESDAY_10)
    first = result.suggestions[0]
    assert first.nom == "Centre social Les Tilleuls (fictif)"
    assert first.distance_km is None
    assert "même département (31)" in first.reasons
    assert "Écrivain public" in first.reasons  # found through its service's name
    assert first.group == "ecrivain-public"


def test_outside_its_zone_of_eligibility_ranks_lower(loaded: Store) -> None:
    result = orient(loaded.conn, "colis alimentaire", "31000", now=TUESDAY_10)
    restos = next(s for s in result.suggestions if s.nom.startswith("Restos"))
    assert "hors de sa zone d'éligibilité" in restos.reasons
    shown = names(result)
    assert shown.index("Épicerie solidaire La Fourmi (fictif)") < shown.index(restos.nom)
    # Outside its zone is no answer: what is missing is said (the épicerie is a weaker fit).
    assert result.groups[0].missing is not None
    assert "zone d'éligibilité" in result.groups[0].missing


def test_old_data_is_flagged(loaded: Store) -> None:
    result = orient(loaded.conn, "vêtements", "Toulouse", now=TUESDAY_10)
    assert result.suggestions[0].nom.startswith("Vestiaire solidaire du Busca")
    assert "données de 2015, à vérifier" in result.suggestions[0].reasons


def test_porteur_of_a_project_is_found_by_its_service(loaded: Store) -> None:
    result = orient(loaded.conn, "épicerie solidaire", "Melun", now=TUESDAY_10)
    assert result.suggestions[0].nom == "Association Renaissance Quartiers (fictif)"


def test_two_needs_bring_both_kinds_of_structures(loaded: Store) -> None:
    result = orient(
        loaded.conn,
        "elle n'a plus rien à manger et doit refaire ses papiers",
        "Toulouse",
        now=TUESDAY_10,
    )
    kinds = {s.kind for s in result.suggestions}
    assert {"pimms", "epicerie-solidaire"} <= kinds
    groups = [g for g, _ in grouped(result.suggestions)]
    assert len(groups) == len(set(groups))


def test_worker_can_override_recognised_kinds(loaded: Store) -> None:
    result = orient(
        loaded.conn, "colis alimentaire", "Toulouse", kinds=["vestiaire"], thematiques=[]
    )
    assert names(result) == ["Vestiaire solidaire du Busca (fictif)"]


def test_no_place_and_unknown_need(loaded: Store) -> None:
    result = orient(loaded.conn, "dettes", None, now=TUESDAY_10)
    assert result.location is None
    assert result.suggestions[0].nom == "Point conseil budget Garonne (fictif)"
    assert result.suggestions[0].distance_km is None
    assert orient(loaded.conn, "xyzzy plugh", "Toulouse").suggestions == []


def test_nothing_beyond_reach_is_suggested(loaded: Store) -> None:
    # The only PIMMS are in Toulouse and Lyon, 400+ km from Sarcelles: of no use there.
    assert orient(loaded.conn, "PIMMS", "Sarcelles", now=TUESDAY_10).suggestions == []
    # Lyon is 50 km from Saint-Étienne, a city (reach 30 km): said missing, not proposed.
    near_lyon = orient(loaded.conn, "PIMMS", "Saint-Étienne", now=TUESDAY_10)
    assert "PIMMS Médiation Presqu'île (fictif)" not in names(near_lyon)
    assert near_lyon.groups[0].missing == (
        "Aucune structure « PIMMS » connue à moins de 30 km de Saint-Étienne."
    )
    assert all(s.distance_km is None or s.distance_km <= MAX_KM for s in near_lyon.suggestions)


def _write(store: Store, records: list[StructureRecord]) -> None:
    report = ImportReport(path="fictif", format="test")
    with store.transaction() as conn:
        write_records(conn, records, report)


def _france_services_around_melun(count: int) -> list[StructureRecord]:
    return [
        StructureRecord(
            nom=f"France services n°{i} (fictif)",
            source="fictif-qa",
            source_id=f"fs{i}",
            kind="france-services",
            commune="Melun",
            code_postal="77000",
            departement="77",
            latitude=48.54 + i / 200,
            longitude=2.66,
        )
        for i in range(count)
    ]


def test_each_need_of_a_sentence_keeps_its_best_structure(store: Store) -> None:
    # Many France Services next door, and the food bank known only by its département.
    _write(
        store,
        [
            *_france_services_around_melun(8),
            StructureRecord(
                nom="Banque alimentaire de Seine-et-Marne (fictif)",
                source="fictif-qa",
                source_id="ba77",
                kind="aide-alimentaire",
                departement="77",
            ),
        ],
    )
    need = "elle n'a plus rien à manger et doit refaire ses papiers"
    result = orient(store.conn, need, "Melun", limit=5, now=TUESDAY_10)
    assert [g.need.key for g in result.groups] == ["aide-alimentaire", "france-services"]
    assert [s.nom for s in result.groups[0].suggestions] == [
        "Banque alimentaire de Seine-et-Marne (fictif)"
    ]
    assert len(result.groups[1].suggestions) == 3  # 5 rows shared between two needs
    # One need alone: the list is the nearest France Services, nothing reserved.
    alone = orient(store.conn, "refaire ses papiers", "Melun", limit=5, now=TUESDAY_10)
    assert all(s.kind == "france-services" for s in alone.suggestions)


def test_far_structures_without_address_or_outside_their_zone_are_left_out(
    store: Store,
) -> None:
    _write(
        store,
        [
            StructureRecord(
                nom="Point-justice du Nord (fictif)",
                source="fictif-qa",
                source_id="pj59",
                kind="point-justice",
                departement="59",
            ),
            StructureRecord(
                nom="Point-justice de l'Oise (fictif)",
                source="fictif-qa",
                source_id="pj60",
                kind="point-justice",
                departement="60",
            ),
            StructureRecord(
                nom="Point-justice de Villecresnes (fictif)",
                source="fictif-qa",
                source_id="pj94",
                kind="point-justice",
                commune="Villecresnes",
                departement="94",
                latitude=48.72,
                longitude=2.53,
                services=[
                    ServiceRecord(
                        nom="Permanence juridique (fictif)",
                        source_id="pj94-1",
                        zone_eligibilite=["94"],
                    )
                ],
            ),
        ],
    )
    result = orient(store.conn, "besoin d'un avocat", "Sarcelles", now=TUESDAY_10)
    # The Nord is 200 km away with no address: left out. The Oise borders the Val-d'Oise.
    assert names(result) == ["Point-justice de l'Oise (fictif)"]
    assert "département voisin (60)" in result.suggestions[0].reasons
    # It serves the 94 only: shown for Vincennes, 16 km; left out for Sarcelles, 33 km.
    assert "Point-justice de Villecresnes (fictif)" in names(
        orient(store.conn, "besoin d'un avocat", "Vincennes", now=TUESDAY_10)
    )


def test_a_ccas_need_points_to_the_mairie_when_no_ccas_is_known(store: Store) -> None:
    _write(
        store,
        [
            StructureRecord(
                nom="Mairie de Melun (fictif)",
                source="fictif-qa",
                source_id="m77288",
                kind="mairie",
                commune="Melun",
                departement="77",
                latitude=48.54,
                longitude=2.66,
            )
        ],
    )
    for need in ("domiciliation", "CCAS", "demande d'aide sociale"):
        result = orient(store.conn, need, "Melun", now=TUESDAY_10)
        assert names(result) == ["Mairie de Melun (fictif)"], need
        assert "CCAS : s'adresser à la mairie" in result.suggestions[0].reasons


def test_places(loaded: Store) -> None:
    with pytest.raises(AmbiguousPlace) as info:
        orient(loaded.conn, "PIMMS", "Saint-Denis")
    assert len(info.value.choices) > 1
    with pytest.raises(UnknownPlace):
        orient(loaded.conn, "PIMMS", "Nullepartville")
    assert "31" in departements_near(loaded.conn, orient(loaded.conn, "x", "31000").location, 25)


def test_absent_structures_are_not_suggested(loaded: Store) -> None:
    loaded.conn.execute("UPDATE structures SET absent = 1 WHERE nom LIKE 'Vestiaire%'")
    result = orient(loaded.conn, "vêtements", "Toulouse")
    assert [s for s in result.suggestions if not s.fallback] == []


def test_candidates_are_found_through_the_index(loaded: Store) -> None:
    plan = " ".join(
        str(row[-1])
        for row in loaded.conn.execute(
            "EXPLAIN QUERY PLAN SELECT structure_id, tag FROM structure_tags "
            "WHERE tag IN (?, ?) AND departement IN (?, ?)",
            ("kind:pimms", "kind:caf", "31", "32"),
        )
    )
    assert "PRIMARY KEY" in plan or "INDEX" in plan
    assert "SCAN structure_tags" not in plan


def test_tags_follow_reimports_and_removals(loaded: Store) -> None:
    records = [r for r in fixture_records() if not r.nom.startswith("Vestiaire")]
    for record in records:
        if record.nom.startswith("Point conseil budget"):
            record.nom = "Épicerie solidaire Garonne (fictif)"
    with loaded.transaction() as conn:
        write_records(conn, records, ImportReport())
    tags = {
        tag
        for (tag,) in loaded.conn.execute(
            "SELECT t.tag FROM structure_tags t JOIN structures s ON s.id = t.structure_id "
            "WHERE s.nom = 'Épicerie solidaire Garonne (fictif)'"
        )
    }
    assert "kind:epicerie-solidaire" in tags
    left = loaded.conn.execute(
        "SELECT count(*) FROM structure_tags WHERE structure_id NOT IN (SELECT id FROM structures)"
    ).fetchone()[0]
    assert left == 0


def test_kinds_in_names() -> None:
    assert kinds_in_name("France services Pimms Médiation Garges-Sarcelles") == {
        "france-services",
        "pimms",
    }
    assert "ecrivain-public" in kinds_in_name("Permanence ÉCRIVAIN PUBLIC")
    assert "ccas" in kinds_in_name("Centre intercommunal d'action sociale")
    assert kinds_in_name("Atelier tricot") == frozenset()


def test_journal_counts_by_need_kind_and_commune(store: Store) -> None:
    log_orientation(
        store.conn,
        JournalEntry(
            day=dt.date(2026, 11, 2),
            kinds=["aide-alimentaire"],
            thematiques=["equipement-et-alimentation--alimentation"],
            commune="Toulouse",
            code_insee="31555",
        ),
    )
    log_orientation(
        store.conn,
        JournalEntry(day=dt.date(2026, 10, 30), kinds=["pimms"], commune="Toulouse"),
    )
    november = summarize(store.conn, "2026-11")
    assert november.total == 1
    assert november.by_kind == {"aide-alimentaire": 1}
    assert november.by_thematique == {"equipement-et-alimentation--alimentation": 1}
    everything = summarize(store.conn)
    assert everything.total == 2 and everything.by_commune == {"Toulouse": 2}
    with pytest.raises(JournalError):
        summarize(store.conn, "novembre")
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(journal)")]
    assert not {"nom", "prenom", "personne", "beneficiaire"} & set(columns)


def test_cli_orient_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "o.db"
    with Store(db) as s:
        load_fixture(s)
    code = main(["--db", str(db), "orient", "ecrivain public", "--near", "Toulouse", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"need", "location", "kinds", "thematiques", "urgent", "lines", "suggestions"} <= set(
        out
    )
    assert list(out).index("lines") < list(out).index("suggestions")
    assert list(out)[-1] == "suggestions"
    assert out["reach_km"] == 30
    assert out["groups"][0]["need"] == "ecrivain-public"
    assert out["groups"][0]["radius_km"] == 30
    assert out["groups"][0]["suggestions"][0] == out["suggestions"][0]["id"]
    assert set(out["location"]) == {"commune", "insee", "lat", "lon"}
    assert set(out["kinds"][0]) == {"kind", "label", "score"}
    assert set(out["thematiques"][0]) == {"code", "label", "score"}
    assert {"id", "nom", "kind", "commune", "distance_km", "open_now", "reasons"} <= set(
        out["suggestions"][0]
    )
    assert out["suggestions"][0]["sources"] == [SOURCE]
    assert out["suggestions"][0]["group"] == "ecrivain-public"
    assert out["kinds"][0]["kind"] == "ecrivain-public"


def test_cli_orient_text_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "o.db"
    with Store(db) as s:
        load_fixture(s)
    assert main(["--db", str(db), "orient", "dettes", "--near", "Toulouse", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "Besoin compris" in out and "Point conseil budget Garonne" in out
    assert main(["--db", str(db), "orient", "dettes", "--near", "Saint-Denis"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Précisez" in err and "Traceback" not in err
    assert main(["--db", str(db), "orient", "PIMMS", "--near", "Sarcelles"]) == 0
    out = capsys.readouterr().out
    assert "Aucune structure « PIMMS » connue à moins de 30 km de Sarcelles." in out
    assert main(["--db", str(db), "orient", "PIMMS", "--near", "Seine-Saint-Denis"]) == 1
    err = capsys.readouterr().err
    assert "est un département (93)" in err and err.count("\n") == 1


def test_cli_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "j.db"
    with Store(db) as s:
        log_orientation(
            s.conn,
            JournalEntry(day=dt.date(2026, 11, 5), kinds=["aide-alimentaire"], commune="Melun"),
        )
    assert main(["--db", str(db), "journal", "--mois", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["orientations"] == 1 and data["communes"] == [{"commune": "Melun", "count": 1}]
    assert main(["--db", str(db), "journal", "--csv"]) == 0
    assert "type,aide-alimentaire" in capsys.readouterr().out
    assert main(["--db", str(db), "journal", "--mois", "13-2026"]) == 1
    assert "mois invalide" in capsys.readouterr().err


def test_fixture_is_marked_fictional() -> None:
    assert all("(fictif)" in r.nom for r in fixture_records())
    assert all(isinstance(r, StructureRecord) and r.source == SOURCE for r in fixture_records())
