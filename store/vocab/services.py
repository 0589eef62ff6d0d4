"""data·inclusion v1 service codes and their French labels (schema 1.0.8, `extra/*.json`).

Labels name the code; the phrases say, for a worker, what to do with it.
"""

from __future__ import annotations

TYPES: dict[str, str] = {
    "accompagnement": "Accompagnement",
    "aide-financiere": "Aide financière",
    "aide-materielle": "Aide matérielle",
    "atelier": "Atelier",
    "formation": "Formation",
    "information": "Information",
}

FRAIS: dict[str, str] = {
    "gratuit": "Gratuit",
    "payant": "Payant",
}

PUBLICS: dict[str, str] = {
    "actifs": "Actifs",
    "beneficiaires-des-minimas-sociaux": "Bénéficiaires des minimas sociaux",
    "demandeurs-emploi": "Demandeurs d’emploi",
    "etudiants": "Étudiants",
    "familles": "Familles",
    "femmes": "Femmes",
    "jeunes": "Jeunes",
    "personnes-en-situation-de-handicap": "Personnes en situation de handicap",
    "personnes-en-situation-durgence": "Personnes en situation d’urgence",
    "personnes-en-situation-juridique-specifique": "Personnes en situation juridique spécifique",
    "personnes-exilees": "Personnes exilées",
    "residents-qpv-frr": "Résidents en QPV ou FRR",
    "seniors": "Séniors",
    "tous-publics": "Tous publics",
}

MODES_ACCUEIL: dict[str, str] = {
    "en-presentiel": "En présentiel",
    "a-distance": "À distance",
}

# How the service is set in motion: a short action, in the order a worker reads them.
MODES_MOBILISATION: dict[str, str] = {
    "se-presenter": "se présenter sans rendez-vous",
    "telephoner": "téléphoner",
    "envoyer-un-courriel": "envoyer un courriel",
    "utiliser-lien-mobilisation": "utiliser le lien de mobilisation",
}

MOBILISABLE_PAR: dict[str, str] = {
    "usagers": "la personne elle-même",
    "professionnels": "un professionnel",
}


def label(table: dict[str, str], code: str) -> str:
    """The French label of `code` in `table`; the code itself when unknown."""
    return table.get(code, code)
