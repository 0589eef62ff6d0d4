"""Ranking: near means near, every need its group, one place one row, head offices after,
opening state for tonight. Fictional structures around Melun in the published shapes
(tests/fixtures/ranking), the real mairies extract and a fictional France Services."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from importers.runner import import_file
from store.db import Store
from store.notes import add_note
from store.orientation import Orientation, orient
from store.queries import get_structure
from store.reach import RURAL_KM, URBAN_KM, reach_of
from store.search import search
from tests.conftest import FIXTURES
from tui.cli import main

RANKING = FIXTURES / "ranking"
TUESDAY_10 = dt.datetime(2026, 11, 3, 10, 0)
TUESDAY_2130 = dt.datetime(2026, 11, 3, 21, 30)


def _load(store: Store) -> None:
    for path, fmt in (
        (RANKING / "structures.json", "data_inclusion"),
        (RANKING / "services.json", "data_inclusion"),
        (FIXTURES / "cli" / "mairies-extrait.csv", None),
        (RANKING / "france-services.csv", None),
    ):
        report = import_file(store, path, format_name=fmt, backup=False)
        # The set-up itself must work: a failing import fails the test, never skips it.
        assert report.rejected == 0, (path, report.as_json())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ranking") / "store.db"
    with Store(path) as store:
        _load(store)
    return path


@pytest.fixture
def melun(db: Path) -> Iterator[Store]:
    with Store(db) as store:
        yield store


def names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.nom for s in rows]


def group(result: Orientation, key: str):  # type: ignore[no-untyped-def]
    found = [g for g in result.groups if g.need.key == key]
    assert found, [g.need.key for g in result.groups]
    return found[0]


def test_good_fits_are_ranked_by_distance_not_by_name_or_freshness(melun: Store) -> None:
    # The farthest is fresh and open day and night; the nearest has old data: distance wins.
    result = orient(melun.conn, "colis alimentaire", "Melun", now=TUESDAY_10)
    food = group(result, "aide-alimentaire")
    assert names(food.suggestions)[:3] == [
        "Restos du coeur Les Cèdres (fictif)",
        "Banque alimentaire Les Bleuets (fictif)",
        "Aide alimentaire Les Acacias (fictif)",
    ]
    distances = [s.distance_km for s in food.suggestions[:3]]
    assert distances == sorted(distances)  # type: ignore[type-var]


def test_nothing_beyond_reach_and_the_radius_is_said(melun: Store, capsys) -> None:  # type: ignore[no-untyped-def]
    result = orient(melun.conn, "colis alimentaire", "Melun", now=TUESDAY_10)
    assert result.reach is not None and result.reach.km == URBAN_KM  # Melun is a city
    assert "Aide alimentaire de Provins (fictif)" not in names(result.suggestions)  # 47 km
    assert all(s.distance_km is None or s.distance_km <= URBAN_KM for s in result.suggestions)
    # From Provins itself the one in Provins is first.
    there = orient(melun.conn, "colis alimentaire", "Provins", now=TUESDAY_10)
    assert there.suggestions[0].nom == "Aide alimentaire de Provins (fictif)"


def test_reach_is_30_km_in_a_city_and_50_km_in_the_countryside(melun: Store) -> None:
    from store.communes import resolve_place

    assert reach_of(melun.conn, resolve_place(melun.conn, "Melun")).km == URBAN_KM
    assert reach_of(melun.conn, resolve_place(melun.conn, "Toulouse")).km == URBAN_KM
    assert reach_of(melun.conn, resolve_place(melun.conn, "Guéret")).km == RURAL_KM
    assert reach_of(melun.conn, resolve_place(melun.conn, "Mende")).km == RURAL_KM


def test_what_is_missing_is_said_with_the_local_fallbacks(melun: Store) -> None:
    result = orient(melun.conn, "surendettement", "Melun", now=TUESDAY_10)
    budget = group(result, "point-conseil-budget")
    assert budget.missing == (
        "Aucune structure « Point conseil budget » connue à moins de 30 km de Melun."
    )
    shown = names(budget.rows) + names(budget.see_above)
    assert "Mairie de Melun" in shown
    assert "France services de Melun (fictive)" in shown
    mairie = next(s for s in budget.rows if s.nom == "Mairie de Melun")
    assert "CCAS : s'adresser à la mairie" in mairie.reasons


def test_cli_says_what_is_missing_then_the_fallbacks(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db), "orient", "surendettement", "--near", "Melun"]) == 0
    out = capsys.readouterr().out
    assert "(rayon 30 km)" in out
    missing = out.index("Aucune structure « Point conseil budget » connue à moins de 30 km")
    assert missing < out.index("Mairie de Melun")


def test_two_needs_give_two_groups_each_with_its_local_answer(melun: Store) -> None:
    need = "il a perdu son travail et ne peut plus payer le loyer"
    result = orient(melun.conn, need, "Melun", now=TUESDAY_10)
    keys = [g.need.key for g in result.groups]
    assert keys[:2] == ["france-travail", "logement"]
    assert result.groups[0].suggestions[0].nom == "France Travail Melun Almont (fictif)"
    assert result.groups[1].suggestions[0].nom == "ADIL de la Brie (fictif)"
    assert result.groups[0].missing is None and result.groups[1].missing is None


def test_cli_json_has_groups_and_sources(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    need = "il a perdu son travail et ne peut plus payer le loyer"
    assert main(["--db", str(db), "orient", need, "--near", "Melun", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [g["need"] for g in out["groups"]][:2] == ["france-travail", "logement"]
    assert out["groups"][0]["radius_km"] == 30
    by_id = {s["id"]: s for s in out["suggestions"]}
    for g in out["groups"]:
        for sid in g["suggestions"]:
            assert by_id[sid]["group"] == g["need"]
    assert all(s["sources"] for s in out["suggestions"])


def test_one_place_from_two_sources_is_one_row_with_its_sources_and_notes(melun: Store) -> None:
    result = orient(melun.conn, "violences conjugales", "Melun", now=TUESDAY_10)
    cidff = [s for s in result.suggestions if "C" in s.nom and "Brie" in s.nom and "I" in s.nom]
    assert len(cidff) == 1, names(result.suggestions)
    assert cidff[0].sources == ["data-inclusion:dora", "data-inclusion:emplois-de-linclusion"]
    assert len(cidff[0].same_place) == 1
    # A note written on the other record is this place's note too.
    other = cidff[0].same_place[0]
    add_note(melun.conn, other, "Permanence le mardi (note fictive).")
    assert other in cidff[0].place_ids
    shown = get_structure(melun.conn, cidff[0].id)
    assert shown is not None
    assert [n["text"] for n in shown["notes"]] == ["Permanence le mardi (note fictive)."]
    assert shown["sources"] == cidff[0].sources
    assert [m["id"] for m in shown["same_place"]] == [other]
    hits = search(melun.conn, "cidff brie", near=result.location, with_sources=True)
    assert len([h for h in hits if "Brie" in h.nom]) == 1
    assert hits[0].sources == ["data-inclusion:dora", "data-inclusion:emplois-de-linclusion"]


def test_a_head_office_ranks_after_the_desk_that_receives_people(melun: Store) -> None:
    result = orient(melun.conn, "vêtements", "Melun", now=TUESDAY_10)
    order = names(result.suggestions)
    desk = order.index("Vestiaire fraternel de la Brie - Boutique (fictif)")
    head = order.index("Vestiaire fraternel de la Brie - Siège (fictif)")
    assert desk < head  # the head office is nearer (1 km against 6 km)
    siege = result.suggestions[head]
    assert not siege.receives_public
    assert "siège ou adresse administrative : sans accueil du public" in siege.reasons


def test_tonight_what_is_open_now_comes_first_and_closed_says_until_when(melun: Store) -> None:
    result = orient(melun.conn, "elle dort dehors ce soir", "Melun", now=TUESDAY_2130)
    rows = [s for g in result.groups for s in g.suggestions]
    order = names(rows)
    night = order.index("Centre d'hébergement de nuit du Port (fictif)")
    day = order.index("Centre d'hébergement des Écluses (fictif)")
    assert night < day  # 8 km but open, before 1 km but closed
    assert rows[night].open_now is True
    assert rows[day].open_now is False
    assert "fermé jusqu'à demain 9 h" in rows[day].reasons
    # In the day, the nearest open one comes first again.
    morning = orient(melun.conn, "elle dort dehors ce soir", "Melun", now=TUESDAY_10)
    first = next(s for g in morning.groups for s in g.suggestions)
    assert first.nom == "Centre d'hébergement des Écluses (fictif)"


def test_open_now_only_when_the_hours_say_so(melun: Store) -> None:
    result = orient(melun.conn, "colis alimentaire", "Melun", now=TUESDAY_10)
    cedres = next(s for s in result.suggestions if s.nom.startswith("Restos du coeur"))
    assert cedres.open_now is None  # no hours given: neither open nor closed
    assert not any(r.startswith("ouvert") or r.startswith("fermé") for r in cedres.reasons)


def test_search_near_ranks_good_matches_by_distance(melun: Store) -> None:
    from store.communes import resolve_place

    hits = search(melun.conn, "aide alimentaire", near=resolve_place(melun.conn, "Melun"))
    food = [h.nom for h in hits if h.kind == "aide-alimentaire"]
    assert food[:3] == [
        "Restos du coeur Les Cèdres (fictif)",
        "Banque alimentaire Les Bleuets (fictif)",
        "Aide alimentaire Les Acacias (fictif)",
    ]


def test_search_caf_near_a_place_gives_the_nearest_counter_first(melun: Store) -> None:
    from store.communes import resolve_place

    hits = search(melun.conn, "caf", near=resolve_place(melun.conn, "Melun"))
    # The one named « CAF … » is 300 km away; the local counter is named in full.
    assert hits[0].nom.startswith("Caisse d'allocations familiales de Seine-et-Marne")
    assert [h.nom for h in hits].index("CAF de Maine-et-Loire (fictif)") > 0


def test_a_line_for_one_need_is_not_called_for_another(melun: Store) -> None:
    need = "il a perdu son travail et ne peut plus payer le loyer"
    result = orient(melun.conn, need, "Sens", now=TUESDAY_10)  # nothing within 50 km
    assert result.lines and not result.urgent  # SOS loyers impayés
    assert result.groups[0].missing == (
        "Aucune structure « France Travail » connue à moins de 50 km de Sens."
    )
