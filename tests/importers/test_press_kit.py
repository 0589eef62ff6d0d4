"""The prefecture press kit: the real seed 004 and a fictional fixture with its quirks."""

from __future__ import annotations

from pathlib import Path

from importers.base import ImportOptions
from importers.press_kit import FORMAT, clean_porteur, porteur_key, split_title
from importers.registry import detect
from store.models import Reject, StructureRecord
from tests.conftest import FIXTURES, shared_path

FIXTURE = FIXTURES / "seeds" / "dossier_presse_fictif.txt"
FOOD = "equipement-et-alimentation--alimentation"


def _parse(path: Path) -> tuple[list[StructureRecord], list[Reject]]:
    items = list(FORMAT.parse(path, ImportOptions()))
    return (
        [i for i in items if isinstance(i, StructureRecord)],
        [i for i in items if isinstance(i, Reject)],
    )


def test_title_irregularities() -> None:
    assert split_title("Bus du cœur » par Association X") == ("Bus du cœur", "Association X")
    assert split_title("Déménagement » de La Marmite") == ("Déménagement", "La Marmite")
    assert split_title("Renforcement de la collecte par la Banque") == (
        "Renforcement de la collecte",
        "la Banque",
    )
    assert split_title("Titre sans porteur »") is None
    assert clean_porteur("la CROIX ROUGE FRANCAISE") == "CROIX ROUGE FRANCAISE"
    assert clean_porteur("la Chorba.") == "Chorba"
    assert clean_porteur("Le MAILLON") == "Le MAILLON"
    assert porteur_key("la CROIX ROUGE FRANCAISE") == porteur_key("Croix Rouge française")


def test_fixture_projects_porteurs_and_codes() -> None:
    records, rejects = _parse(FIXTURE)
    assert sum(len(r.services) for r in records) == 6
    assert [r.origin for r in rejects] == ["ligne 50"]
    by_key = {r.source_id: r for r in records}
    # Code before the title; zone naming one commune of the département.
    paniers = by_key["77:association les paniers fictifs"]
    assert paniers.departement == "77" and paniers.commune == "Melun"
    assert paniers.kind == "epicerie-solidaire"
    assert paniers.services[0].extra["zone_intervention"] == "Melun"
    # Missing », code after the title, two spellings of one porteur in one département.
    red_cross = by_key["91:croix rouge fictive"]
    assert red_cross.nom == "Croix Rouge fictive"
    assert [s.nom for s in red_cross.services] == [
        "Camion de distribution imaginaire",
        "Food-truck de test",
    ]
    assert red_cross.kind == "aide-alimentaire"
    assert FOOD in red_cross.services[0].thematiques
    # "de" for "par"; a code split over two lines.
    marmite = by_key["93/94:marmite fictive"]
    assert marmite.nom == "La Marmite Fictive"
    assert marmite.departement is None and marmite.zone_intervention == ["93", "94"]
    assert marmite.services[0].zone_eligibilite == ["93", "94"]
    assert marmite.extra["codes_departement"] == "93 / 94"
    # No code at all: its own structure, no département.
    assert by_key["-:croix rouge fictive"].services[0].nom == "Ateliers sans code"
    # A code in the middle of the text (page break); theme 2 gives access-to-rights.
    rights = by_key["IDF:association les paniers fictifs"].services[0]
    assert rights.zone_eligibilite == ["IDF"]
    assert "continue après un saut de page" in (rights.description or "")
    assert rights.extra["theme"] == "L'accès aux droits imaginaires"
    assert (
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
        in rights.thematiques
    )


def test_detected_by_content() -> None:
    assert detect(FIXTURE).name == "press_kit"


def test_real_seed_gives_77_projects() -> None:
    path = shared_path("seeds", "004_1b948c6f7392e06d.txt")
    assert detect(path).name == "press_kit"
    records, rejects = _parse(path)
    assert rejects == []
    services = [s for r in records for s in r.services]
    assert len(services) == 77
    assert len({s.extra["theme"] for s in services}) == 4
    assert len({r.source_id for r in records}) == len(records)
    by_key = {r.source_id: r for r in records}
    red_cross_91 = by_key["91:croix rouge francaise"]
    assert len(red_cross_91.services) == 2
    assert by_key["94:croix rouge francaise"].nom == "Croix Rouge française"
    assert by_key["93/94:ikambere la maison accueillante"].zone_intervention == ["93", "94"]
    assert by_key["MGP:emmaus defi fondateur abbe pierre"].kind == "ressourcerie"
    banque = by_key["IDF:banque alimentaire paris ile de france"]
    assert banque.kind == "aide-alimentaire" and len(banque.services) == 2
    melun = by_key["77:melun insertion solidarite accueil"]
    assert melun.kind == "epicerie-solidaire" and melun.commune == "Melun"
    marmite = by_key["93:marmite"]
    assert marmite.services[0].nom == "Déménagement et changement d'échelle"
    edvo = by_key["93/95:association nationale e d v o"]
    assert edvo.services[0].zone_eligibilite == ["93", "95"]
