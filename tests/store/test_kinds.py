from __future__ import annotations

import pytest

from store import kinds
from store.vocab.thematiques import THEMATIQUES


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
