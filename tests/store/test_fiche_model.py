"""The fiche model: neutral title, where to go, phone, week, access, papers (fictional data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import views
from store.db import Store
from store.fiche import (
    Access,
    Fees,
    FicheRequest,
    Place,
    build_fiche,
    need_labels,
    structure_of,
    where,
)
from tests.fiche_helpers import NOW, SHELTER, VIOLENCE, fiche_store, structure_id


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(fiche_store(tmp_path / "fiche.db")) as s:
        yield s


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"adresse": "BP 24", "code_postal": "31000", "commune": "Toulouse Cedex 9"},
            Place(None, "31000 Toulouse"),
        ),
        ({"adresse": "12 rue Haute - B.P. 7", "commune": "Albi"}, Place("12 rue Haute", "Albi")),
        (
            {"adresse": "7 allée des Essais", "complement_adresse": "CS 1234"},
            Place("7 allée des Essais", None),
        ),
        (
            {"adresse": "TSA 70001", "complement_adresse": "3 rue du Port"},
            Place("3 rue du Port", None),
        ),
        (
            {"adresse": "24 boulevard des CS", "code_postal": "75011"},
            Place("24 boulevard des CS", "75011"),
        ),
    ],
)
def test_a_postal_box_is_not_a_place(record: dict[str, str], expected: Place) -> None:
    assert where(views.Place.of(record)) == expected


def test_title_names_only_needs_the_chosen_structures_answer() -> None:
    answered = {"kind:cidff", VIOLENCE}
    assert need_labels(["vestiaire", "cidff"], [VIOLENCE], answered) == ("CIDFF",)
    # No kind answered: the thématique's label.
    assert need_labels(["vestiaire"], [VIOLENCE], {VIOLENCE}) == (
        "Surmonter les conflits liés à la séparation ou à la violence",
    )
    assert need_labels([], [], answered) == ()


def test_fiche_model_of_three_structures(store: Store) -> None:
    ids = tuple(structure_id(store, s) for s in ("phare", "cidff", "cs"))
    request = FicheRequest(ids, kinds=("vestiaire", "hebergement"), thematiques=(SHELTER,))
    fiche = build_fiche(store.conn, request, NOW)
    assert fiche.needs == ("Hébergement d'urgence ou temporaire",)
    phare, cidff, centre = fiche.structures
    # A postal box and CEDEX: the town only, and no phone known.
    assert phare.place == Place(None, "31000 Toulouse") and phare.phone is None
    today = phare.week.today()
    assert today is not None and today.holiday and today.slots == ()
    assert phare.week.days[0].slots == ("18:00–22:00",)
    (abri,) = phare.services
    assert abri.access == (Access.WALK_IN,) and abri.fees is Fees.FREE
    assert abri.papers == ("Pièce d'identité si vous en avez une",)
    assert abri.conditions == "Personnes majeures sans solution pour la nuit"
    # The comment of the hours says « Sans rendez-vous »; the CS box is dropped.
    assert cidff.access == (Access.WALK_IN,)
    assert cidff.place == Place("7 allée des Essais", "31100 Toulouse")
    assert [s.nom for s in cidff.services] == ["Permanence juridique (fictif)"]  # its only one
    # Hours not understood: kept as published, and "sur rendez-vous" read from them.
    assert centre.week.published == "lundi matin, sur rendez-vous"
    assert centre.access == (Access.APPOINTMENT,)


def test_a_service_has_its_own_place_and_may_need_a_referral(store: Store) -> None:
    request = FicheRequest((structure_id(store, "cidff"),), thematiques=(VIOLENCE,))
    (cidff,) = build_fiche(store.conn, request, NOW).structures
    (permanence,) = cidff.services
    assert permanence.place == Place("2 place de la Mairie", "31200 Toulouse")
    assert permanence.access == (Access.REFERRAL,)


def test_structures_gone_are_left_out_and_none_is_refused(store: Store) -> None:
    fiche = build_fiche(store.conn, FicheRequest(("absent", structure_id(store, "cs"))), NOW)
    assert [s.nom for s in fiche.structures] == ["Centre social Arc-en-ciel (fictif)"]
    with pytest.raises(ValueError):
        build_fiche(store.conn, FicheRequest(("absent",)), NOW)


def test_access_read_from_conditions_and_mobilisation() -> None:
    record = {
        "id": "x",
        "nom": "Lieu fictif",
        "services": [
            {"nom": "Accueil", "conditions_acces": "Sur rendez-vous uniquement"},
        ],
    }
    (service,) = structure_of(views.structure_view(record), today=NOW.date()).services
    assert service.access == (Access.APPOINTMENT,)
    record["services"] = [{"nom": "Accueil", "modes_mobilisation": ["se-presenter"]}]
    view = views.structure_view(record)
    assert structure_of(view, today=NOW.date()).services[0].access == (Access.WALK_IN,)


def test_papers_are_part_of_the_service_view() -> None:
    """Every renderer reads the papers from the view: a text or a list, cleaned, blanks out."""
    view = views.service_view(
        {
            "nom": "Accueil",
            "extra": {
                "justificatifs": ["Pièce d'identité\x1b[31m", " ", None],
                "pre_requis": "Être  domicilié",
            },
        }
    )
    assert view.papers == ("Pièce d'identité", "Être domicilié")
    assert views.service_view({"nom": "Accueil", "extra": "pas un objet"}).papers == ()
