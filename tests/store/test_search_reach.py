"""`search --near`: matches within reach come before matches beyond it (issue 11, item 3).

Fictional structures only. A centre social known only by its département (no address, no
coordinates) offers « écrivain public » among its services: near Toulouse it must come
before an écrivain public 400 km away, even though the far one has the words in its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.communes import by_insee, resolve_place
from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.search import search
from store.writer import ImportReport, write_records

# (name, INSEE code or None, département, services)
FICTIONAL = [
    ("Écrivain public Martin", "73065", "73", []),  # Chambéry, ~420 km from Toulouse
    ("Écrivain public des Pentes", "69123", "69", []),  # Lyon, ~360 km
    ("Centre social Les Tilleuls", None, "31", ["Écrivain public", "Accueil"]),
    ("Maison des habitants Bellefontaine", "31555", "31", ["Permanence écrivain public"]),
    ("Écrivain public de Blagnac", "31069", "31", []),
    ("Centre social Le Phare", None, "13", ["Écrivain public"]),  # far, no coordinates
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("search_reach") / "store.db"
    with Store(path) as opened:
        records = []
        for i, (nom, insee, dep, services) in enumerate(FICTIONAL):
            centre = by_insee(opened.conn, insee) if insee else None
            if insee:
                assert centre is not None, insee  # set-up must not silently change
            records.append(
                StructureRecord(
                    nom=nom,
                    source="test-fictif",
                    source_id=f"r{i}",
                    commune=centre.nom if centre else None,
                    code_insee=insee,
                    departement=dep,
                    latitude=centre.lat if centre else None,
                    longitude=centre.lon if centre else None,
                    services=[ServiceRecord(nom=s) for s in services],
                )
            )
        with opened.transaction() as conn:
            write_records(conn, records, ImportReport())
        yield opened


def test_matches_within_reach_come_before_far_name_matches(store: Store) -> None:
    toulouse = resolve_place(store.conn, "Toulouse")
    hits = search(store.conn, "ecrivain public", near=toulouse)
    names = [h.nom for h in hits]
    assert len(names) == len(FICTIONAL), names
    # 1. the good (name) match within reach; 2. the matches within reach through their
    # services: located first, then the one known only by its département; 3. beyond reach,
    # nearest first, each with its distance; the far one without coordinates last.
    assert names == [
        "Écrivain public de Blagnac",
        "Maison des habitants Bellefontaine",
        "Centre social Les Tilleuls",
        "Écrivain public des Pentes",
        "Écrivain public Martin",
        "Centre social Le Phare",
    ]
    far = {h.nom: h for h in hits}
    assert far["Écrivain public Martin"].distance_km is not None
    assert far["Écrivain public Martin"].distance_km > 300


def test_without_a_place_the_name_matches_still_come_first(store: Store) -> None:
    names = [h.nom for h in search(store.conn, "ecrivain public")]
    assert set(names[:3]) == {
        "Écrivain public Martin",
        "Écrivain public des Pentes",
        "Écrivain public de Blagnac",
    }
