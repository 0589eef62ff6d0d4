"""One place, one row on real data: the three médiation numérique exports and the France
Services list imported together (../shared/data), then orientations and searches near a few
communes: no place twice among the best five."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from rapidfuzz import fuzz

from store.communes import haversine_km, resolve_place
from store.db import Store
from store.orientation import orient
from store.search import search
from store.text import normalize
from tests.conftest import shared_path
from tui.cli import main

TUESDAY_10 = dt.datetime(2026, 11, 3, 10, 0)
PLACES = ("Lyon", "Grenoble", "Marseille", "Nice", "Villeurbanne", "Toulon", "Forcalquier")
NEEDS = (
    "aide pour les démarches en ligne",
    "apprendre à utiliser un ordinateur",
    "refaire ses papiers",
)


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = shared_path("data", "mediation-numerique")
    files = sorted(str(p) for p in folder.glob("*.json"))
    france_services = shared_path("data", "france-services-2024-08-01.csv")
    db = tmp_path_factory.mktemp("real-places") / "store.db"
    # An acceptance test: a failing import fails it (only a missing shared/ skips).
    assert len(files) == 3
    assert main(["--db", str(db), "import", *files, str(france_services)]) == 0
    with Store(db) as store:
        yield store


def _same_place(store: Store, a: str, b: str) -> bool:
    """The issue's definition, written independently of store/places.py."""
    sql = (
        "SELECT nom, adresse, code_postal, latitude, longitude, siret FROM structures WHERE id = ?"
    )
    ra, rb = (store.conn.execute(sql, (i,)).fetchone() for i in (a, b))
    same_address = bool(ra[1]) and (normalize(ra[1]), ra[2]) == (normalize(rb[1]), rb[2])
    close = None not in (ra[3], rb[3]) and haversine_km(ra[3], ra[4], rb[3], rb[4]) <= 0.05
    name_a, name_b = normalize(ra[0]), normalize(rb[0])
    return (
        (same_address and bool(ra[5]) and ra[5] == rb[5])
        or (same_address and name_a == name_b)
        or (close and fuzz.token_sort_ratio(name_a, name_b) >= 90)
    )


def _twice(store: Store, ids: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if _same_place(store, a, b)]


def test_the_real_files_hold_the_same_places_several_times(real_store: Store) -> None:
    # Otherwise the tests below would prove nothing.
    grouped = real_store.conn.execute(
        "SELECT count(*) FROM (SELECT place FROM structure_places GROUP BY place"
        " HAVING count(*) > 1)"
    ).fetchone()[0]
    assert grouped > 100


@pytest.mark.parametrize("place", PLACES)
def test_no_place_twice_in_the_best_five_of_an_orientation(real_store: Store, place: str) -> None:
    for need in NEEDS:
        result = orient(real_store.conn, need, place, now=TUESDAY_10)
        best = [s.id for s in result.suggestions[:5]]
        assert best, (place, need)
        assert _twice(real_store, best) == [], (place, need)
        assert all(s.sources for s in result.suggestions)


@pytest.mark.parametrize("place", PLACES)
def test_no_place_twice_in_the_best_five_of_a_search(real_store: Store, place: str) -> None:
    near = resolve_place(real_store.conn, place)
    for query in ("france services", "mediatheque", "centre social"):
        hits = search(real_store.conn, query, near=near, limit=5)
        assert _twice(real_store, [h.id for h in hits]) == [], (place, query)
