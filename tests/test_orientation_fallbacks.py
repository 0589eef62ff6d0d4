"""Orientation groups, as the lead reviewed them on real data (issue 11, items 3 and 4):
« voir plus haut » names only places printed above; a structure outside its zone of
eligibility is not an answer (what is missing is said, with the fallbacks); a zone that
cannot be checked is « cannot say », not no. Fictional structures around Melun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.communes import by_insee
from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.orientation import NeedGroup, Orientation, orient
from store.writer import ImportReport, write_records
from store.zones import eligible
from tui.cli import main

TUESDAY_10 = dt.datetime(2026, 11, 3, 10, 0)
UNKNOWN_EPCI = "123456789"  # nine digits, not in the embedded EPCI list

# (name, kind, INSEE code, offset in degrees from the commune's centre, services)
FICTIONAL: list[tuple[str, str, str, float, list[ServiceRecord]]] = [
    ("Mairie de Melun", "mairie", "77288", 0.0, []),
    ("France Services Melun Centre", "france-services", "77288", 0.002, []),
    ("France Services Dammarie", "france-services", "77152", 0.0, []),
    # An accueil de jour next door, for the people of Le Mée only.
    (
        "Accueil de jour Le Relais du Pont",
        "accueil-de-jour",
        "77285",
        0.0,
        [ServiceRecord(nom="Douches et laverie", zone_eligibilite=["77285"])],
    ),
    # In Meaux (45 km from Melun): its zone is an EPCI we cannot check, and Savigny.
    (
        "Accueil de jour L'Escale",
        "accueil-de-jour",
        "77284",
        0.0,
        [ServiceRecord(nom="Douches", zone_eligibilite=[UNKNOWN_EPCI, "77445"])],
    ),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fallbacks") / "store.db"
    with Store(path) as store:
        records = []
        for i, (nom, kind, insee, offset, services) in enumerate(FICTIONAL):
            centre = by_insee(store.conn, insee)
            assert centre is not None and centre.lat is not None, insee  # set-up must hold
            records.append(
                StructureRecord(
                    nom=nom,
                    source="test-fictif",
                    source_id=f"f{i}",
                    kind=kind,
                    commune=centre.nom,
                    code_insee=insee,
                    code_postal=centre.codes_postaux[0] if centre.codes_postaux else None,
                    latitude=centre.lat + offset,
                    longitude=centre.lon + offset,
                    horaires_accueil="Mo-Fr 09:00-17:00",
                    services=services,
                )
            )
        with store.transaction() as conn:
            report = ImportReport()
            write_records(conn, records, report)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as opened:
        yield opened


def _group(result: Orientation, key: str) -> NeedGroup:
    found = [g for g in result.groups if g.need.key == key]
    assert found, [g.need.key for g in result.groups]
    return found[0]


def _printed_above(group: NeedGroup, result: Orientation) -> set[str]:
    """Ids of the rows printed before the group's « voir plus haut » line: every earlier
    group, then this group's rows printed before that line."""
    ids: set[str] = set()
    for g in result.groups:
        if g is group:
            break
        ids |= {s.id for s in g.rows}
    ids |= {s.id for s in (group.fallbacks if group.missing else group.suggestions)}
    return ids


def test_see_above_names_only_places_printed_above(store: Store, capsys) -> None:  # type: ignore[no-untyped-def]
    result = orient(store.conn, "la caf m'a coupé le rsa", "Melun", now=TUESDAY_10)
    caf = _group(result, "caf")
    assert caf.missing  # no CAF in the fixture
    nearest = "France Services Melun Centre"
    # The nearest France Services is the fallback itself, not a weaker fit printed below.
    assert nearest in [s.nom for s in caf.fallbacks]
    assert nearest not in [s.nom for s in caf.suggestions]
    assert "la France Services la plus proche" in caf.fallbacks[-1].reasons
    for g in result.groups:
        assert {s.id for s in g.see_above} <= _printed_above(g, result)
    # Each place once in the result.
    ids = [s.id for s in result.suggestions]
    assert len(ids) == len(set(ids))
    # The CLI says the same: the nearest France Services before « Autres pistes », no
    # « voir plus haut » naming something printed below it.
    assert (
        main(["--db", str(store.path), "orient", "la caf m'a coupé le rsa", "--near", "Melun"]) == 0
    )
    out = capsys.readouterr().out
    assert out.index(nearest) < out.index("Autres pistes")
    assert out.count(nearest) == 1
    for line in out.splitlines():
        if "voir plus haut" in line:
            for name in line.split(" : ", 1)[1].split(", "):
                assert out.index(name) < out.index(line)


def test_outside_its_zone_is_not_an_answer_the_fallbacks_come_first(store: Store) -> None:
    result = orient(store.conn, "douche et laverie", "Melun", now=TUESDAY_10)
    day = _group(result, "accueil-de-jour")
    assert day.missing is not None
    assert day.missing.startswith("Aucune structure « Accueil de jour » connue à moins de")
    assert "zone d'éligibilité" in day.missing
    assert [s.nom for s in day.fallbacks] == ["Mairie de Melun", "France Services Melun Centre"]
    # The one outside its zone may follow, as « Autres pistes », saying so.
    outside = [s for s in day.suggestions if s.nom == "Accueil de jour Le Relais du Pont"]
    assert outside and "hors de sa zone d'éligibilité" in outside[0].reasons
    assert [s.nom for s in day.rows][:2] == ["Mairie de Melun", "France Services Melun Centre"]


def test_a_zone_that_cannot_be_checked_is_cannot_say_not_no(store: Store) -> None:
    # In Meaux, L'Escale's zone is an unknown EPCI and Savigny. Whether the EPCI covers
    # Meaux we cannot say: it is an answer, not excluded as outside its zone.
    assert eligible([UNKNOWN_EPCI], "77284", "77") is None
    assert eligible([UNKNOWN_EPCI, "77445"], "77284", "77") is None
    assert eligible(["77445"], "77284", "77") is False
    assert eligible([UNKNOWN_EPCI, "77284"], "77284", "77") is True
    result = orient(store.conn, "douche et laverie", "Meaux", now=TUESDAY_10)
    day = _group(result, "accueil-de-jour")
    escale = [s for s in day.suggestions if s.nom == "Accueil de jour L'Escale"]
    assert escale, [s.nom for s in day.rows]
    assert "hors de sa zone d'éligibilité" not in escale[0].reasons
    assert day.missing is None
