"""Ranking quality of the search core on a small fictional directory (no timings here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.communes import Commune, by_insee, resolve_place
from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.search import Hit, _add_distances, _sort, index_entry, search
from store.writer import ImportReport, write_records

# Fictional structures for tests only: (name, commune, INSEE code, services).
FICTIONAL = [
    ("Mairie de Plaisir", "Plaisir", "78490", []),
    ("Mairie de Plaisians", "Plaisians", "26240", []),
    ("Mairie de Plaisance-du-Touch", "Plaisance-du-Touch", "31424", []),
    ("Épicerie solidaire Le Plaisir de Partager", "Rennes", "35238", []),
    ("Mairie de Sarcelles", "Sarcelles", "95585", []),
    ("Mairie de Sarcey", "Sarcey", "69173", []),
    ("CCAS de Sarcelles", "Sarcelles", "95585", []),
    ("Centre social JEAN-MONTSARRAT", "Marseille", "13055", []),
    ("Centre social Jean Moulin", "Marseille", "13055", []),
    ("Espace Jean Monnet", "Lyon", "69123", []),
    ("Ville Plurielle", "Bordeaux", "33063", []),
    ("Mairie de Ville-la-Grand", "Ville-la-Grand", "74305", []),
    ("Pluriel Formation", "Bordeaux", "33063", []),
    ("Épicerie sociale de Melun", "Melun", "77288", []),
    ("Epicerie solidaire Episol Melun", "Melun", "77288", []),
    ("PIMMS de Melun", "Melun", "77288", []),
    ("France Services Melun", "Melun", "77288", ["Aide aux démarches administratives"]),
    ("Restos du Cœur - Melun", "Melun", "77288", ["Distribution de colis alimentaires"]),
    ("Restos du Cœur - Lyon", "Lyon", "69123", ["Distribution de colis alimentaires"]),
    ("Restos du Cœur - Toulouse", "Toulouse", "31555", []),
    ("Secours populaire français - comité de Lyon", "Lyon", "69123", []),
    ("Association Le Relais", "Nantes", "44109", ["Cours de français langue étrangère"]),
    ("Écrivain public - Passerelles", "Nantes", "44109", []),
    ("Mission locale Nantes", "Nantes", "44109", []),
]


def _records(store: Store) -> list[StructureRecord]:
    records = []
    for i, (nom, commune, insee, services) in enumerate(FICTIONAL):
        centre = by_insee(store.conn, insee)
        assert centre is not None, insee
        records.append(
            StructureRecord(
                nom=nom,
                source="test-fictif",
                source_id=f"r{i}",
                commune=commune,
                code_insee=insee,
                latitude=centre.lat,
                longitude=centre.lon,
                services=[ServiceRecord(nom=s) for s in services],
            )
        )
    return records


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("ranking") / "store.db"
    with Store(path) as store:
        with store.transaction() as conn:
            write_records(conn, _records(store), ImportReport())
        yield store


def names(store: Store, query: str, **kwargs: object) -> list[str]:
    return [hit.nom for hit in search(store.conn, query, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("plaisir", "Mairie de Plaisir"),
        ("mairie plaisir", "Mairie de Plaisir"),
        ("mairie sarcelle", "Mairie de Sarcelles"),
        ("sarcelles mairie", "Mairie de Sarcelles"),
        ("jean montsarat", "Centre social JEAN-MONTSARRAT"),
        ("jean montsarrat", "Centre social JEAN-MONTSARRAT"),
        ("ville pluriel", "Ville Plurielle"),
        ("pimms melun", "PIMMS de Melun"),
        ("restos du coeur lyon", "Restos du Cœur - Lyon"),
        ("RESTOS DU CŒUR TOULOUSE", "Restos du Cœur - Toulouse"),
        ("ecrivain public", "Écrivain public - Passerelles"),
        ("mission locale", "Mission locale Nantes"),
    ],
)
def test_best_match_first(directory: Store, query: str, first: str) -> None:
    assert names(directory, query)[0] == first


def test_missing_letter_still_finds_the_commune(directory: Store) -> None:
    found = names(directory, "sarcelle")
    assert set(found[:2]) == {"Mairie de Sarcelles", "CCAS de Sarcelles"}


def test_every_keystroke_keeps_the_target_in_view(directory: Store) -> None:
    query = "mairie de sarcelles"
    for end in range(3, len(query) + 1):
        found = names(directory, query[:end], limit=10)
        assert "Mairie de Sarcelles" in found, query[:end]
    assert names(directory, query)[0] == "Mairie de Sarcelles"


def test_prefix_of_the_word_being_typed(directory: Store) -> None:
    found = names(directory, "epic")
    assert {"Épicerie sociale de Melun", "Epicerie solidaire Episol Melun"} <= set(found)


def test_accents_and_case_do_not_matter(directory: Store) -> None:
    assert names(directory, "ÉPICERIE SOCIALE")[0] == "Épicerie sociale de Melun"
    assert names(directory, "epicerie sociale")[0] == "Épicerie sociale de Melun"


def test_services_are_searched_but_names_rank_first(directory: Store) -> None:
    found = names(directory, "colis alimentaires")
    assert set(found[:2]) == {"Restos du Cœur - Melun", "Restos du Cœur - Lyon"}
    # A word in a name outranks the same word in a service.
    assert names(directory, "francais")[0] == "Secours populaire français - comité de Lyon"


def test_typo_in_one_word_does_not_empty_the_list(directory: Store) -> None:
    assert names(directory, "restos du coeru")[0].startswith("Restos du Cœur")
    assert names(directory, "zzzz qqqq") == []


def test_near_sorts_equal_matches_by_distance(directory: Store) -> None:
    near = resolve_place(directory.conn, "Lyon")
    hits = search(directory.conn, "restos du coeur", near=near)
    assert hits[0].nom == "Restos du Cœur - Lyon"
    assert hits[0].distance_km is not None and hits[0].distance_km < 10


def test_kind_filter(directory: Store) -> None:
    found = names(directory, "melun", kind="pimms")
    assert found == ["PIMMS de Melun"]


def test_limit_is_respected(directory: Store) -> None:
    assert len(names(directory, "mairie", limit=3)) == 3


@pytest.mark.parametrize("prefix", ["épi", "epi", "ÉPI", "Épic", "epic"])
def test_accented_and_unaccented_prefixes_find_the_same(directory: Store, prefix: str) -> None:
    """A prefix typed with or without its accent (« épi » / « epi ») reaches both spellings."""
    found = set(names(directory, prefix, limit=20))
    assert {"Épicerie sociale de Melun", "Epicerie solidaire Episol Melun"} <= found


def test_accented_prefix_of_a_second_word(directory: Store) -> None:
    assert names(directory, "restos du cœ")[0].startswith("Restos du Cœur")
    assert names(directory, "ecrivain pub")[0] == "Écrivain public - Passerelles"
    assert names(directory, "écri")[0] == "Écrivain public - Passerelles"


def _hit(nom: str, dep: str | None, lat: float | None, lon: float | None) -> Hit:
    return Hit(nom, nom, "autre", None, None, dep, lat, lon, None, False, 50.0)


def test_near_orders_equal_matches_located_then_same_departement_then_the_rest() -> None:
    lyon = Commune("69123", "Lyon", "69", 45.76, 4.84, 500_000, ("69001",))
    hits = [
        _hit("ailleurs sans lieu", "13", None, None),
        _hit("même département sans lieu", "69", None, None),
        _hit("Marseille", "13", 43.30, 5.37),
        _hit("Villeurbanne", "69", 45.77, 4.88),
        _hit("latitude seule", "13", 45.0, None),
        _hit("longitude seule", None, None, 4.8),
    ]
    _add_distances(hits, lyon)
    _sort(hits, lyon)
    assert [h.nom for h in hits[:3]] == ["Villeurbanne", "Marseille", "même département sans lieu"]
    assert hits[0].distance_km is not None and hits[0].distance_km < 5
    assert [h.same_departement for h in hits[:3]] == [True, False, True]
    assert {h.nom for h in hits if h.distance_km is None} == {
        "ailleurs sans lieu",
        "même département sans lieu",
        "latitude seule",
        "longitude seule",
    }


def test_a_place_without_coordinates_gives_no_distance() -> None:
    somewhere = Commune("69999", "Nulle part", "69", 45.76, None, 0, ())
    hits = [_hit("Villeurbanne", "69", 45.77, 4.88), _hit("sans département", None, 45.0, 4.0)]
    _add_distances(hits, somewhere)
    assert [h.distance_km for h in hits] == [None, None]
    assert [h.same_departement for h in hits] == [True, False]


def test_index_entry_holds_place_kind_and_services() -> None:
    """What can be typed to find a structure: its commune, postal code, département and kind
    (the lieu column), its services' names and descriptions (the services column)."""
    nom, lieu, services = index_entry(
        "Mairie d'Évry",
        "Évry",
        "91000",
        "91",
        "mairie",
        [("Aide numérique", "Démarches en ligne"), ("Colis", None)],
    )
    assert nom == "mairie d evry"
    assert lieu.split() == ["evry", "91000", "91", "mairie"]
    assert services.split() == ["aide", "numerique", "demarches", "en", "ligne", "colis"]
