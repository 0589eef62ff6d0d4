"""Acceptance: orientation on the seeds and the France Services list (../shared)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from store.db import Store
from store.orientation import orient
from tests.conftest import shared_path
from tui.cli import main

TUESDAY_10 = dt.datetime(2026, 11, 3, 10, 0)


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    seeds = sorted(p for p in shared_path("seeds").iterdir() if p.suffix == ".txt")
    france_services = shared_path("data", "france-services-2024-08-01.csv")
    db = tmp_path_factory.mktemp("acceptance") / "store.db"
    paths = [str(p) for p in [*seeds, france_services]]
    if main(["--db", str(db), "import", *paths]) != 0:
        pytest.skip("l'import des graines ou de la liste France Services échoue pour l'instant")
    with Store(db) as store:
        yield store


def suggestion(store: Store, need: str, place: str, name_part: str):  # type: ignore[no-untyped-def]
    result = orient(store.conn, need, place, now=TUESDAY_10)
    found = [s for s in result.suggestions if name_part.lower() in s.nom.lower()]
    assert found, [s.nom for s in result.suggestions]
    return found[0], result


def test_demarches_near_01200_suggest_valserhone_with_open_now(real_store: Store) -> None:
    s, result = suggestion(real_store, "démarches administratives", "01200", "Valserhône")
    assert result.suggestions[0] is s
    assert s.open_now is True  # Tuesday 10:00, "09:00 - 12:00 / 13:30 - 17:00"
    assert "ouvert jusqu'à 12:00" in s.reasons


def test_ecrivain_public_near_toulouse_suggests_partage_faourette(real_store: Store) -> None:
    s, _ = suggestion(real_store, "écrivain public", "Toulouse", "Partage Faourette")
    assert s.distance_km is None and "même département (31)" in s.reasons


def test_epicerie_solidaire_near_melun_suggests_the_melun_porteur(real_store: Store) -> None:
    s, result = suggestion(real_store, "épicerie solidaire", "Melun", "MELUN INSERTION")
    assert result.suggestions.index(s) < 3


def test_pimms_near_sarcelles_suggests_garges_sarcelles(real_store: Store) -> None:
    s, result = suggestion(real_store, "PIMMS", "Sarcelles", "Garges-Sarcelles")
    assert result.suggestions.index(s) == 0
    assert "PIMMS" in s.reasons
