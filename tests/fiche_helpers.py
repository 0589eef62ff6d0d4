"""A small FICTIONAL store for the fiche tests (names marked « fictif », numbers 0x 00 …)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.writer import ImportReport, write_records

SOURCE = "fiche-fictif"
# Wednesday 11 November 2026 (a public holiday), 10:30.
NOW = dt.datetime(2026, 11, 11, 10, 30)
VIOLENCE = "famille--surmonter-conflits-separation-violence"
SHELTER = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"


def fiche_records() -> list[StructureRecord]:
    return [
        StructureRecord(
            nom="Accueil de nuit Le Phare (fictif)",
            source=SOURCE,
            source_id="phare",
            kind="hebergement",
            adresse="BP 24",
            code_postal="31000",
            commune="Toulouse Cedex 9",
            code_insee="31555",
            latitude=43.6,
            longitude=1.44,
            horaires_accueil="Mo-Fr 18:00-22:00; PH off",
            services=[
                ServiceRecord(
                    nom="Mise à l'abri (fictif)",
                    source_id="phare-abri",
                    thematiques=[SHELTER],
                    frais=["gratuit"],
                    conditions_acces="Personnes majeures sans solution pour la nuit",
                    modes_mobilisation=["se-presenter"],
                    extra={"justificatifs": ["Pièce d'identité si vous en avez une"]},
                )
            ],
        ),
        StructureRecord(
            nom="CIDFF Exemple (fictif)",
            source=SOURCE,
            source_id="cidff",
            kind="cidff",
            adresse="7 allée des Essais",
            complement_adresse="CS 1234",
            code_postal="31100",
            commune="Toulouse",
            code_insee="31555",
            latitude=43.58,
            longitude=1.42,
            telephone="05 00 00 00 19",
            horaires_accueil='Mo,Th 09:00-12:00 open "Sans rendez-vous"; Tu 14:00-17:00; PH off',
            services=[
                ServiceRecord(
                    nom="Permanence juridique (fictif)",
                    source_id="cidff-juridique",
                    thematiques=[VIOLENCE],
                    frais=["gratuit"],
                    adresse="2 place de la Mairie",
                    code_postal="31200",
                    commune="Toulouse",
                    mobilisable_par=["professionnels"],
                )
            ],
        ),
        StructureRecord(
            nom="Centre social Arc-en-ciel (fictif)",
            source=SOURCE,
            source_id="cs",
            kind="centre-social",
            adresse="12 rue des Essais",
            code_postal="31100",
            commune="Toulouse",
            code_insee="31555",
            latitude=43.58,
            longitude=1.41,
            telephone="05 00 00 00 01",
            horaires_accueil="lundi matin, sur rendez-vous",
        ),
    ]


def fiche_store(path: Path) -> Path:
    with Store(path) as store, store.transaction() as conn:
        write_records(conn, fiche_records(), ImportReport(path="fixture", format="test"))
    return path


def structure_id(store: Store, source_id: str) -> str:
    row = store.conn.execute(
        "SELECT id FROM structures WHERE source_id = ?", (source_id,)
    ).fetchone()
    return str(row[0])
