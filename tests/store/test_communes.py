from __future__ import annotations

import pytest

from store.communes import (
    AmbiguousPlace,
    DepartementPlace,
    UnknownPlace,
    complete,
    departement_of,
    find_in_text,
    haversine_km,
    resolve_place,
)
from store.db import Store


def test_embedded_table_is_loaded(store: Store) -> None:
    assert store.count("communes") > 34_000


@pytest.mark.parametrize(
    ("typed", "insee"),
    [
        ("Melun", "77288"),
        ("melun", "77288"),
        ("77000", "77288"),
        ("77288", "77288"),
        ("Saint-Mars-du-Désert", "44179"),
        ("saint mars du desert", "44179"),
        ("Plaisir (78)", "78490"),
        ("Toulouse", "31555"),
    ],
)
def test_resolve_place(store: Store, typed: str, insee: str) -> None:
    assert resolve_place(store.conn, typed).insee == insee


def test_unknown_and_ambiguous(store: Store) -> None:
    with pytest.raises(UnknownPlace):
        resolve_place(store.conn, "Nulle-Part-sur-Rien")
    with pytest.raises(AmbiguousPlace) as info:
        resolve_place(store.conn, "Saint-Martin")
    assert len(info.value.choices) > 2


def test_find_in_text_and_complete(store: Store) -> None:
    found = find_in_text(store.conn, "Manou Partages, à SAINT-MARS-DU-DÉSERT (44) depuis 2010")
    assert found is not None and found.insee == "44179"
    assert complete(store.conn, "sarcel")[0].nom == "Sarcelles"


def test_distance_and_departement() -> None:
    paris_lyon = haversine_km(48.8566, 2.3522, 45.764, 4.8357)
    assert 385 < paris_lyon < 400
    assert departement_of("2A004") == "2A"
    assert departement_of("20000") == "2A"
    assert departement_of("97411") == "974"
    assert departement_of("77000") == "77"
    assert departement_of("") is None


@pytest.mark.parametrize(
    ("typed", "insee"),
    [
        ("Paris 15", "75115"),
        ("paris 15e", "75115"),
        ("Paris 20ème", "75120"),
        ("Lyon 3", "69383"),
        ("Lyon 1er", "69381"),
        ("Marseille 13e arrondissement", "13213"),
        ("75015", "75115"),
        ("St Denis (93)", "93066"),
        ("Saint-Denis 93", "93066"),
        ("Ste-Geneviève-des-Bois", "91549"),
        ("Cherbourg", "50129"),  # the beginning of one merged commune's name
        ("Garges", "95268"),
        ("Paris", "75056"),
        ("Lyon", "69123"),
        ("Marais (60)", "60703"),  # "Aux Marais"
    ],
)
def test_resolve_place_as_workers_type_it(store: Store, typed: str, insee: str) -> None:
    assert resolve_place(store.conn, typed).insee == insee


def test_arrondissement_out_of_range_is_unknown(store: Store) -> None:
    with pytest.raises(UnknownPlace):
        resolve_place(store.conn, "Paris 21")


def test_a_departement_name_asks_for_a_commune(store: Store) -> None:
    with pytest.raises(DepartementPlace) as info:
        resolve_place(store.conn, "Seine-Saint-Denis")
    assert info.value.dep == "93"
    assert "est un département (93)" in str(info.value)
    assert isinstance(info.value, UnknownPlace)  # callers that catch UnknownPlace still work


def test_a_small_namesake_of_a_big_merged_commune_asks_which(store: Store) -> None:
    # "Evry": a worker most likely means Évry-Courcouronnes (91), not Évry (89).
    with pytest.raises(AmbiguousPlace) as info:
        resolve_place(store.conn, "Evry")
    assert [c.insee for c in info.value.choices][:1] == ["91228"]
    assert resolve_place(store.conn, "Évry (89)").dep == "89"


def test_ambiguous_message_says_how_to_choose(store: Store) -> None:
    with pytest.raises(AmbiguousPlace) as info:
        resolve_place(store.conn, "St-Denis")
    message = str(info.value)
    assert "Saint-Denis (93)" in message
    assert "Précisez le département, ex. « Saint-Denis (" in message
    assert "…." not in message


# -- places as people type them (issue 14) ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "nom", "dep"),
    [
        ("Toulous", "Toulouse", "31"),
        ("Bordeau", "Bordeaux", "33"),
        ("Mlun", "Melun", "77"),
        ("Clermont Ferand", "Clermont-Ferrand", "63"),
        ("aix en provance", "Aix-en-Provence", "13"),
        ("Ste Genevieve des Bois", "Sainte-Geneviève-des-Bois", "91"),
        ("St Denis 93", "Saint-Denis", "93"),
        ("paris 15eme", "Paris 15e Arrondissement", "75"),
        ("Marseille 13e arrondissement", "Marseille 13e Arrondissement", "13"),
        ("77000", "Melun", "77"),
    ],
)
def test_places_as_people_type_them(store: Store, typed: str, nom: str, dep: str) -> None:
    commune = resolve_place(store.conn, typed)
    assert (commune.nom, commune.dep) == (nom, dep)


def test_st_denis_asks_which_one(store: Store) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        resolve_place(store.conn, "St Denis")
    assert {c.dep for c in caught.value.choices} >= {"93", "974"}


def test_an_unknown_place_proposes_the_closest_communes(store: Store) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(store.conn, "Sainte-Mari")  # many close names, none clearly meant
    assert caught.value.closest
    assert "Vouliez-vous dire" in str(caught.value)
    with pytest.raises(UnknownPlace) as nothing:
        resolve_place(store.conn, "Qwertyuiop")
    assert nothing.value.closest == []


def test_completion_writes_out_st_and_forgives_a_typo(store: Store) -> None:
    assert complete(store.conn, "St Den", limit=3)[0].nom == "Saint-Denis"
    assert complete(store.conn, "Ste Gen", limit=1)[0].nom == "Sainte-Geneviève-des-Bois"
    assert complete(store.conn, "Toulous", limit=1)[0].nom == "Toulouse"
    assert complete(store.conn, "Stains", limit=1)[0].nom == "Stains"  # not "Saint…"
