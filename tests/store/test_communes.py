from __future__ import annotations

import pytest

from store.communes import (
    AmbiguousPlace,
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
