from __future__ import annotations

import csv
import gzip
import json
from importlib import resources

import pytest

from store import kinds
from store.tags import kinds_in_name
from store.vocab.thematiques import THEMATIQUES
from tests.conftest import shared_path


@pytest.mark.parametrize(
    ("nom", "kind"),
    [
        ("Épicerie solidaire La Passerelle", "epicerie-solidaire"),
        ("PIMMS de Garges-Sarcelles", "pimms"),
        ("France services de Valserhône", "france-services"),
        ("CENTRE SOCIAL GISELE HALIMI ALLONNES", "centre-social"),
        ("Maison de quartier des Tilleuls", "centre-social"),
        ("Les Restos du Cœur", "aide-alimentaire"),
        ("Mairie de Plaisir - CCAS", "ccas"),
        ("Mairie de Plaisir", "mairie"),
        ("Médiathèque de Gap", "mediation-numerique"),
        ("Association des amis", "association"),
        ("Quelque chose", "autre"),
    ],
)
def test_infer_from_name(nom: str, kind: str) -> None:
    assert kinds.infer(nom) == kind


def test_typologie_and_reseaux_win_over_text() -> None:
    assert kinds.infer("Association X", typologie="PIMMS") == "pimms"
    assert kinds.infer("Association X", reseaux=["france-service"]) == "france-services"
    assert kinds.infer("Y", typologie="msap") == "france-services"


def test_every_kind_thematique_is_a_v1_code() -> None:
    for kind in kinds.KINDS:
        for code in kind.thematiques:
            assert code in THEMATIQUES, (kind.slug, code)
    assert len(THEMATIQUES) == 69


# -- the national lists, every code mapped or explicitly left unmapped ----------------------


def test_every_v1_reseau_porteur_is_in_the_table() -> None:
    official = json.loads(
        shared_path("data", "data-inclusion", "v1", "extra", "reseaux-porteurs.json").read_text()
    )
    codes = {item["value"] for item in official}
    assert len(codes) == 108
    assert codes == set(kinds.RESEAUX)  # no code missing, none invented


def test_every_v0_typologie_is_in_the_table() -> None:
    path = shared_path("data", "data-inclusion", "v0", "typologies_de_structures.csv")
    with path.open(encoding="utf-8") as handle:
        codes = {row["value"] for row in csv.DictReader(handle)}
    assert len(codes) >= 91  # 92 rows in the copy at hand
    assert {c.upper() for c in codes} <= set(kinds.TYPOLOGIES)


def test_every_v1_thematique_is_in_the_table() -> None:
    assert set(kinds.THEMATIQUE_KINDS) == set(THEMATIQUES)


def test_tables_have_french_labels_and_real_kinds() -> None:
    for table in (kinds.RESEAUX, kinds.TYPOLOGIES, kinds.THEMATIQUE_KINDS):
        for entry in table.values():
            assert entry.label.strip(), entry
            assert entry.kind is None or entry.kind in kinds.BY_SLUG, entry
    mapped = [e for e in kinds.RESEAUX.values() if e.kind]
    assert len(mapped) >= 75  # « Autre » only when nothing fits (79 of 108 today)
    assert kinds.reseau_label("restos-du-coeur") == "Restos du cœur"


def test_a_broken_table_line_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "tsv_rows", lambda name: iter([(3, ["x", "banque", "Banque"])]))
    with pytest.raises(kinds.KindTableError, match="ligne 3 : type inconnu « banque »"):
        kinds._code_table("reseaux_porteurs.tsv")


@pytest.mark.parametrize(
    ("reseau", "kind"),
    [
        ("restos-du-coeur", "aide-alimentaire"),
        ("banques-alimentaires", "aide-alimentaire"),
        ("la-cravate-solidaire", "vestiaire"),
        ("emmaus", "ressourcerie"),
        ("siao", "hebergement"),
        ("ccas-cias", "ccas"),
        ("maisons-de-l-emploi", "insertion"),
        ("cnam", None),  # the Conservatoire (training), not the health insurance
        ("hup", None),  # an association of disabled entrepreneurs, not housing
        ("la-poste", None),
    ],
)
def test_reseaux_mean_what_they_say(reseau: str, kind: str | None) -> None:
    assert kinds.from_reseaux([reseau]) == kind


# -- the order of the clues -----------------------------------------------------------------


def test_a_hosted_programme_does_not_hide_what_the_place_is() -> None:
    both = ["conseillers-numeriques", "france-service"]
    assert kinds.infer("Espace Lumière", reseaux=both) == "france-services"
    assert kinds.infer("CCAS de Plaisir", reseaux=["conseillers-numeriques"]) == "ccas"
    assert kinds.infer("Les Amis", reseaux=["conseillers-numeriques"]) == "mediation-numerique"
    assert kinds.infer("Association Les Amis", reseaux=["aidants-connect"]) == (
        "mediation-numerique"
    )


def test_services_thematiques_vote_when_nothing_else_says() -> None:
    food = "equipement-et-alimentation--alimentation"
    clothes = "equipement-et-alimentation--habillement"
    job = ["trouver-un-emploi--repondre-a-des-offres-demploi", "se-former--trouver-sa-formation"]
    assert kinds.infer("La Table Ouverte", thematiques=[food]) == "aide-alimentaire"
    assert kinds.infer("Le Placard", thematiques=[clothes, clothes, food]) == "aide-alimentaire"
    assert kinds.infer("Tremplin", thematiques=[*job, food]) == "insertion"
    assert kinds.infer("Association Tremplin", typologie="ASSO", thematiques=job) == "insertion"
    assert kinds.infer("Tremplin", typologie="CS", thematiques=job) == "centre-social"
    unmapped = ["creer-une-entreprise--developper-son-entreprise"]
    assert kinds.infer("Tremplin", thematiques=unmapped) == "autre"
    assert kinds.infer("Mairie de Plaisir", thematiques=[food]) == "aide-alimentaire"


def test_generic_typologie_gives_way_to_the_name() -> None:
    assert kinds.infer("Épicerie sociale du Val", typologie="ASSO") == "epicerie-solidaire"
    assert kinds.infer("Le Val", typologie="ASSO") == "association"
    assert kinds.infer("Le Val", typologie="Autre") == "autre"
    assert kinds.infer("Le Val", typologie="PREF") == "autre"


# -- a saint's or a commune's name is never a kind ------------------------------------------


@pytest.mark.parametrize(
    ("nom", "commune", "kind"),
    [
        ("Mairie de Saint-Vincent-de-Paul", None, "mairie"),
        ("MAIRIE DE ST VINCENT DE PAUL", None, "mairie"),
        ("Mairie de Sainte-Marthe", None, "mairie"),
        ("CCAS de Sainte-Marthe-du-Vestiaire", None, "ccas"),
        ("Centre social Saint-Pierre-des-Restos", None, "centre-social"),
        ("Épicerie solidaire Sainte-Claire", None, "epicerie-solidaire"),
        ("Espace Saint-Vincent-de-Paul", None, "autre"),
        ("Mairie de Croix-Rouge-sur-Loire", "Croix-Rouge-sur-Loire", "mairie"),
        ("Mairie de Vestiaire-le-Haut", "Vestiaire-le-Haut", "mairie"),
        ("Maison de quartier de Pass-les-Bains", "Pass-les-Bains", "centre-social"),
        ("Le Relais d'Emmaüs-en-Brie", "Emmaüs-en-Brie", "autre"),
        ("Emmaüs Plaisir", "Plaisir", "ressourcerie"),  # the name, not the commune
    ],
)
def test_saints_and_communes_are_not_kinds(nom: str, commune: str | None, kind: str) -> None:
    assert kinds.infer(nom, commune=commune) == kind
    assert kinds_in_name(nom, commune) <= {kind}


def test_no_real_commune_name_makes_a_kind() -> None:
    """Every commune of the embedded table, in the names its mairie and CCAS get."""
    path = resources.files("store").joinpath("data/communes.csv.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        names = [row["nom"] for row in csv.DictReader(handle)]
    assert len(names) > 34000
    wrong = []
    for nom in names:
        for name, kind in ((f"Mairie de {nom}", "mairie"), (f"CCAS de {nom}", "ccas")):
            if kinds.infer(name) != kind or kinds_in_name(name) - {kind}:
                wrong.append(name)
    assert wrong == []
