"""A page about one structure: the real seeds 000, 002, 003 and fictional fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.base import ImportFailure, ImportOptions
from importers.page import FORMAT
from importers.registry import detect
from store.models import StructureRecord
from tests.conftest import FIXTURES, shared_path

SEEDS = FIXTURES / "seeds"


def _one(path: Path, **options: str) -> StructureRecord:
    items = list(FORMAT.parse(path, ImportOptions(**options)))
    assert len(items) == 1
    assert isinstance(items[0], StructureRecord)
    return items[0]


def test_fixture_page_gives_contact_commune_and_kind() -> None:
    record = _one(SEEDS / "page_fictive.txt")
    assert record.nom == "Boutons Fictifs"
    assert record.commune == "Saint-Mars-du-Désert" and record.departement == "44"
    assert record.courriel == "contact@boutons-fictifs.example.org"
    assert record.site_web == "boutons-fictifs.org"
    assert record.telephone == "02 00 00 00 00"
    assert record.extra["region"] == "Pays de la Loire"
    assert record.kind == "vestiaire"
    assert "equipement-et-alimentation--habillement" in record.thematiques
    assert not record.a_verifier


def test_fixture_page_without_name_gets_a_placeholder() -> None:
    record = _one(SEEDS / "page_sans_nom_fictive.txt")
    assert record.nom == "Vestiaire ou boutique solidaire à Plaisir (nom à vérifier)"
    assert record.a_verifier
    assert record.commune == "Plaisir" and record.departement == "78"


def test_name_option_wins() -> None:
    record = _one(SEEDS / "page_sans_nom_fictive.txt", name="Le Fil Fictif")
    assert record.nom == "Le Fil Fictif"
    assert not record.a_verifier


def test_too_short_a_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "court.txt"
    path.write_text("Bonjour.\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match=r"court\.txt.*trop court"):
        list(FORMAT.parse(path, ImportOptions()))


def test_pages_are_detected_with_low_confidence() -> None:
    for name in ("page_fictive.txt", "page_sans_nom_fictive.txt"):
        assert detect(SEEDS / name).name == "page"


def test_real_seed_000_is_a_vestiaire_in_plaisir() -> None:
    path = shared_path("seeds", "000_88d2221b0a398721.txt")
    assert detect(path).name == "page"
    record = _one(path)
    assert record.kind == "vestiaire"
    assert record.commune == "Plaisir" and record.code_insee == "78490"
    assert record.a_verifier and "nom à vérifier" in record.nom
    assert record.extra["region"] == "Île-de-France"


def test_real_seed_002_is_the_caf_of_maine_et_loire() -> None:
    path = shared_path("seeds", "002_d9180392a53ac479.txt")
    assert detect(path).name == "page"
    record = _one(path)
    assert record.nom == "Caf de Maine-et-Loire"
    assert record.kind == "caf"
    assert record.departement == "49"
    assert record.extra["region"] == "Pays de la Loire"


def test_real_seed_003_is_manou_partages() -> None:
    path = shared_path("seeds", "003_2571b6bc64aa39f5.txt")
    assert detect(path).name == "page"
    record = _one(path)
    assert record.nom == "Manou Partages"
    assert record.commune == "Saint-Mars-du-Désert" and record.departement == "44"
    assert record.courriel == "contact@manou-partages.org"
    assert record.site_web == "manou-partages.org"
    assert record.extra["region"] == "Pays de la Loire"
    assert "remobilisation--lien-social" in record.thematiques


def test_communes_lookup_is_built_once_and_read_only() -> None:
    import sqlite3

    from importers.prose import communes_lookup

    with communes_lookup() as first, communes_lookup() as second:
        assert first is second  # five seed files, one table built
        assert first.execute("SELECT count(*) FROM communes").fetchone()[0] > 34_000
        with pytest.raises(sqlite3.OperationalError):
            first.execute("DELETE FROM communes")
