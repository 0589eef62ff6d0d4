"""data·inclusion v0 → v1: thématiques, profils (→ publics), service types, labels.

Older exports (schema v0) still carry these codes. v0 thématiques that already exist in v1
map to themselves; the table below covers the others (v0 code → v1 codes, possibly several,
possibly none when v1 has no equivalent). Built by hand from the v0 list
(`data-inclusion/v0/thematiques.csv`, 168 codes) and the v1 list (69 codes).
"""

from __future__ import annotations

from collections.abc import Iterable

from .thematiques import THEMATIQUES

_ADMIN = "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
_DROITS = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
_CITOYEN = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete"
_JUDICIAIRE = (
    "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
)
_DISCRIM = (
    "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination"
)
_ADAPTE = "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte"
_BUDGET = "difficultes-financieres--ameliorer-sa-gestion-budgetaire"
_AUTONOMIE_BUDGET = "difficultes-financieres--acquerir-une-autonomie-budgetaire"
_DETTE = "difficultes-financieres--situation-dendettement-surendettement"
_PREVENIR = "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere"
_FRANCAIS = "lecture-ecriture-calcul--maitriser-le-francais"
_CALCUL = "lecture-ecriture-calcul--maitriser-le-calcul"
_FONDAMENTAUX = "numerique--maitriser-les-fondamentaux-du-numerique"
_EN_LIGNE = "numerique--acceder-a-des-services-en-ligne"
_EQUIPEMENT = "numerique--acquerir-un-equipement"
_PARENTALITE = "famille--soutien-a-la-parentalite-et-a-leducation"
_VIOLENCE = "famille--surmonter-conflits-separation-violence"
_SOINS = "sante--acces-aux-soins"
_MENTALE = "sante--sante-mentale"
_MDPH = "sante--constituer-un-dossier-mdph-invalidite"
_PROJET_PRO = "choisir-un-metier--identifier-ses-points-forts-et-ses-competences"
_DECOUVRIR = "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"
_CONFIANCE = "remobilisation--bien-etre-confiance-en-soi"
_LIEN = "remobilisation--lien-social"
_BENEVOLAT = "remobilisation--benevolat-action-citoyenne"
_SE_LOGER = "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement"
_MAINTIEN_LOGEMENT = "logement-hebergement--se-maintenir-dans-le-logement"
_VEHICULE = "mobilite--acceder-a-un-vehicule"
_PERMIS = "mobilite--preparer-un-permis"
_FINANCER_MOB = "mobilite--financer-ma-mobilite"
_PARCOURS_MOB = "mobilite--etre-accompagne-dans-son-parcours-mobilite"
_MAINTIEN_EMPLOI = "trouver-un-emploi--maintien-dans-lemploi"
_CREER_DEF = "creer-une-entreprise--definir-son-projet-de-creation-dentreprise"
_CREER_STRUCT = "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise"
_CREER_DEV = "creer-une-entreprise--developper-son-entreprise"

V0_TO_V1: dict[str, tuple[str, ...]] = {
    # accès aux droits et citoyenneté
    "acces-aux-droits-et-citoyennete": (_ADMIN, _DROITS),
    "acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives": (_ADMIN,),
    "acces-aux-droits-et-citoyennete--accompagnement-juridique": (_JUDICIAIRE,),
    "acces-aux-droits-et-citoyennete--aide-aux-victimes": (_JUDICIAIRE, _VIOLENCE),
    "acces-aux-droits-et-citoyennete--connaitre-ses-droits": (_DROITS,),
    "acces-aux-droits-et-citoyennete--demandeurs-dasile-et-naturalisation": (_CITOYEN, _ADMIN),
    "acces-aux-droits-et-citoyennete--developpement-durable": (_BENEVOLAT,),
    "acces-aux-droits-et-citoyennete--faciliter-laction-citoyenne": (_BENEVOLAT,),
    # accompagnement social et professionnel personnalisé
    "accompagnement-social-et-professionnel-personnalise": (_ADAPTE,),
    "accompagnement-social-et-professionnel-personnalise--decrochage-scolaire": (
        _PARENTALITE,
        "se-former--trouver-sa-formation",
    ),
    "accompagnement-social-et-professionnel-personnalise--definition-du-projet-professionnel": (
        _PROJET_PRO,
        "choisir-un-metier--confirmer-son-choix-de-metier",
    ),
    "accompagnement-social-et-professionnel-personnalise--parcours-d-insertion-socioprofessionnel": (
        _ADAPTE,
        _PROJET_PRO,
    ),
    # apprendre le français
    "apprendre-francais": (_FRANCAIS,),
    "apprendre-francais--accompagnement-insertion-pro": (_FRANCAIS,),
    "apprendre-francais--communiquer-vie-tous-les-jours": (_FRANCAIS,),
    "apprendre-francais--suivre-formation": (_FRANCAIS, "se-former--trouver-sa-formation"),
    "choisir-un-metier": (_DECOUVRIR, _PROJET_PRO),
    # création d'activité
    "creation-activite": (_CREER_DEF,),
    "creation-activite--definir-son-projet-de-creation-dentreprise": (_CREER_DEF,),
    "creation-activite--developper-son-entreprise": (_CREER_DEV,),
    "creation-activite--financer-son-projet": (_CREER_STRUCT,),
    "creation-activite--reseautage-pour-createurs-dentreprise": (_CREER_DEV,),
    "creation-activite--structurer-son-projet-de-creation-dentreprise": (_CREER_STRUCT,),
    # équipement et alimentation
    "equipement-et-alimentation": (
        "equipement-et-alimentation--alimentation",
        "equipement-et-alimentation--habillement",
    ),
    "equipement-et-alimentation--acces-a-du-materiel-informatique": (_EQUIPEMENT,),
    "equipement-et-alimentation--acces-a-un-telephone-et-un-abonnement": (
        _EQUIPEMENT,
        "numerique--acceder-a-une-connexion-internet",
    ),
    # famille
    "famille": (_PARENTALITE,),
    "famille--accompagnement-femme-enceinte-bebe-jeune-enfant": (_PARENTALITE,),
    "famille--information-et-accompagnement-des-parents": (_PARENTALITE,),
    "famille--jeunes-sans-soutien-familial": (_ADAPTE,),
    "famille--soutien-a-la-parentalite": (_PARENTALITE,),
    "famille--soutien-aux-familles": (_PARENTALITE,),
    "famille--violences-intrafamiliales": (_VIOLENCE,),
    # gestion financière
    "gestion-financiere": (_BUDGET,),
    "gestion-financiere--acces-au-micro-credit": (_PREVENIR,),
    "gestion-financiere--accompagnement-aux-personnes-en-difficultes-financieres": (_PREVENIR,),
    "gestion-financiere--apprendre-a-gerer-son-budget": (_BUDGET, _AUTONOMIE_BUDGET),
    "gestion-financiere--beneficier-daides-financieres": (_PREVENIR,),
    "gestion-financiere--creation-et-utilisation-dun-compte-bancaire": (_AUTONOMIE_BUDGET,),
    "gestion-financiere--obtenir-une-aide-alimentaire": (
        "equipement-et-alimentation--alimentation",
    ),
    "gestion-financiere--prevention-et-gestion-du-surendettement": (_DETTE,),
    # handicap
    "handicap": (_MDPH,),
    "handicap--accompagnement-par-une-structure-specialisee": (_ADAPTE,),
    "handicap--adaptation-au-poste-de-travail": (_MAINTIEN_EMPLOI,),
    "handicap--adapter-son-logement": (_MAINTIEN_LOGEMENT,),
    "handicap--aide-a-la-personne": ("famille--prise-en-charge-personne-dependante",),
    "handicap--connaissance-des-droits-des-travailleurs": (_DROITS, _MAINTIEN_EMPLOI),
    "handicap--faire-reconnaitre-un-handicap": (_MDPH,),
    "handicap--favoriser-le-retour-et-le-maintien-dans-lemploi": (_MAINTIEN_EMPLOI,),
    "handicap--gerer-le-depart-a-la-retraite-des-personnes-en-situation-de-handicap": (_DROITS,),
    "handicap--mobilite-des-personnes-en-situation-de-handicap": (_PARCOURS_MOB,),
    # illettrisme
    "illettrisme": (_FRANCAIS,),
    "illettrisme--accompagner-scolarite": (_PARENTALITE,),
    "illettrisme--ameliorer-vocabulaire": (_FRANCAIS,),
    "illettrisme--etre-autonome": (_FRANCAIS, _CALCUL),
    "illettrisme--info-acquisition-connaissances": (_FRANCAIS, _CALCUL),
    "illettrisme--permis-conduire": (_PERMIS,),
    "illettrisme--reperer-situation-illettrisme": (_FRANCAIS,),
    "illettrisme--surmonter-trouble-apprentissage": (_FRANCAIS,),
    "illettrisme--trouver-emploi-formation": ("se-former--trouver-sa-formation",),
    "illettrisme--utiliser-numerique": (_FONDAMENTAUX,),
    "illettrisme--valider-certification-clea": (_FRANCAIS, _CALCUL),
    # logement et hébergement
    "logement-hebergement": (_SE_LOGER,),
    "logement-hebergement--aides-financieres-investissement-locatif": (
        "logement-hebergement--acheter-un-logement",
    ),
    "logement-hebergement--besoin-dadapter-mon-logement": (_MAINTIEN_LOGEMENT,),
    "logement-hebergement--connaissance-de-ses-droits-et-interlocuteurs": (_SE_LOGER,),
    "logement-hebergement--demenagement": ("logement-hebergement--changer-de-logement",),
    "logement-hebergement--etre-accompagne-dans-son-projet-accession": (
        "logement-hebergement--acheter-un-logement",
    ),
    "logement-hebergement--etre-accompagne-en cas-de-difficultes-financieres": (
        "logement-hebergement--reduire-les-impayes-de-loyer",
    ),
    "logement-hebergement--etre-accompagne-pour-se-loger": (
        _SE_LOGER,
        "logement-hebergement--louer-un-logement",
    ),
    "logement-hebergement--financer-son-projet-travaux": (_MAINTIEN_LOGEMENT,),
    "logement-hebergement--gerer-son-budget": (
        "logement-hebergement--reduire-les-impayes-de-loyer",
        _BUDGET,
    ),
    "logement-hebergement--mal-loges-sans-logis": (
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
    ),
    "logement-hebergement--probleme-avec-son-logement": (_MAINTIEN_LOGEMENT,),
    "logement-hebergement--reprendre-un-emploi-ou-une-formation": (
        "logement-hebergement--changer-de-logement",
    ),
    # mobilité
    "mobilite": (_PARCOURS_MOB,),
    "mobilite--acheter-un-vehicule-motorise": (_VEHICULE,),
    "mobilite--acheter-un-velo": (_VEHICULE, "mobilite--mobilite-douce-partagee-collective"),
    "mobilite--aides-a-la-reprise-demploi-ou-a-la-formation": (_FINANCER_MOB,),
    "mobilite--apprendre-a-utiliser-un-deux-roues": (
        "mobilite--mobilite-douce-partagee-collective",
    ),
    "mobilite--comprendre-et-utiliser-les-transports-en-commun": (
        "mobilite--mobilite-douce-partagee-collective",
        _PARCOURS_MOB,
    ),
    "mobilite--financer-mon-projet-mobilite": (_FINANCER_MOB,),
    "mobilite--louer-un-vehicule": (_VEHICULE,),
    "mobilite--preparer-son-permis-de-conduire-se-reentrainer-a-la-conduite": (_PERMIS,),
    "mobilite--preparer-un-permis-de-conduire": (_PERMIS,),
    # numérique
    "numerique": (_FONDAMENTAUX,),
    "numerique--acceder-a-du-materiel": (_EQUIPEMENT,),
    "numerique--accompagner-les-demarches-de-sante": (_EN_LIGNE, _SOINS),
    "numerique--approfondir-ma-culture-numerique": (_FONDAMENTAUX,),
    "numerique--creer-avec-le-numerique": (_FONDAMENTAUX,),
    "numerique--creer-et-developper-mon-entreprise": (_CREER_DEV,),
    "numerique--devenir-autonome-dans-les-demarches-administratives": (_EN_LIGNE,),
    "numerique--favoriser-mon-insertion-professionnelle": (_FONDAMENTAUX,),
    "numerique--prendre-en-main-un-ordinateur": (_FONDAMENTAUX,),
    "numerique--prendre-en-main-un-smartphone-ou-une-tablette": (_FONDAMENTAUX,),
    "numerique--promouvoir-la-citoyennete-numerique": (_FONDAMENTAUX,),
    "numerique--realiser-des-demarches-administratives-avec-un-accompagnement": (
        _EN_LIGNE,
        _ADMIN,
    ),
    "numerique--s-equiper-en-materiel-informatique": (_EQUIPEMENT,),
    "numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique": (
        _FONDAMENTAUX,
        _PARENTALITE,
    ),
    "numerique--utiliser-le-numerique-au-quotidien": (_FONDAMENTAUX,),
    "preparer-sa-candidature": (
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
    ),
    # remobilisation
    "remobilisation": (_CONFIANCE,),
    "remobilisation--bien-etre": (_CONFIANCE,),
    "remobilisation--decouvrir-son-potentiel-via-le-sport-et-la-culture": (
        "remobilisation--activites-sportives-et-culturelles",
    ),
    "remobilisation--discrimination": (_DISCRIM,),
    "remobilisation--identifier-ses-competences-et-aptitudes": (_PROJET_PRO,),
    "remobilisation--participer-a-des-actions-solidaires-ou-de-benevolat": (_BENEVOLAT,),
    "remobilisation--pression-sociale": (_CONFIANCE,),
    "remobilisation--restaurer-sa-confiance-son-image-de-soi": (_CONFIANCE,),
    # santé
    "sante": (_SOINS,),
    "sante--accompagnement-de-la-femme-enceinte-du-bebe-et-du-jeune-enfant": (
        _SOINS,
        _PARENTALITE,
    ),
    "sante--accompagner-les-traumatismes": (_MENTALE,),
    "sante--bien-etre-psychologique": (_MENTALE,),
    "sante--diagnostic-et-accompagnement-a-lemployabilite": (_MAINTIEN_EMPLOI,),
    "sante--faire-face-a-une-situation-daddiction": ("sante--addictions",),
    "sante--obtenir-la-prise-en-charge-de-frais-medicaux": (_SOINS, _DROITS),
    "sante--prevention-et-acces-aux-soins": (_SOINS,),
    "sante--se-soigner-et-prevenir-la-maladie": (_SOINS,),
    "sante--vie-relationnelle-et-affective": ("sante--sante-sexuelle",),
    "se-former": ("se-former--trouver-sa-formation",),
    "se-former--utiliser-le-numerique": (_FONDAMENTAUX,),
    "souvrir-a-linternational": (
        "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger",
    ),
    "trouver-un-emploi": ("trouver-un-emploi--repondre-a-des-offres-demploi",),
}

# v0 profils → v1 publics (14 codes).
PROFILS_TO_PUBLICS: dict[str, tuple[str, ...]] = {
    "adultes": ("tous-publics",),
    "alternants": ("actifs",),
    "beneficiaires-rsa": ("beneficiaires-des-minimas-sociaux",),
    "deficience-visuelle": ("personnes-en-situation-de-handicap",),
    "demandeurs-demploi": ("demandeurs-emploi",),
    "etudiants": ("etudiants",),
    "familles-enfants": ("familles",),
    "femmes": ("femmes",),
    "handicaps-mentaux": ("personnes-en-situation-de-handicap",),
    "handicaps-psychiques": ("personnes-en-situation-de-handicap",),
    "jeunes": ("jeunes",),
    "jeunes-16-26": ("jeunes",),
    "locataires": ("tous-publics",),
    "personnes-de-nationalite-etrangere": ("personnes-exilees",),
    "personnes-en-situation-de-handicap": ("personnes-en-situation-de-handicap",),
    "personnes-en-situation-durgence": ("personnes-en-situation-durgence",),
    "personnes-en-situation-illettrisme": ("tous-publics",),
    "personnes-handicapees": ("personnes-en-situation-de-handicap",),
    "proprietaires": ("tous-publics",),
    "public-langues-etrangeres": ("personnes-exilees",),
    "retraites": ("seniors",),
    "salaries": ("actifs",),
    "sans-domicile-fixe": ("personnes-en-situation-durgence",),
    "seniors-65": ("seniors",),
    "sortants-de-detention": ("personnes-en-situation-juridique-specifique",),
    "surdite": ("personnes-en-situation-de-handicap",),
    "tous-publics": ("tous-publics",),
    "victimes": ("personnes-en-situation-juridique-specifique",),
}

PUBLICS_V1 = frozenset(
    {
        "actifs",
        "beneficiaires-des-minimas-sociaux",
        "demandeurs-emploi",
        "etudiants",
        "familles",
        "femmes",
        "jeunes",
        "personnes-en-situation-de-handicap",
        "personnes-en-situation-durgence",
        "personnes-en-situation-juridique-specifique",
        "personnes-exilees",
        "residents-qpv-frr",
        "seniors",
        "tous-publics",
    }
)

# v0 service types → v1 type (v1 has one type per service).
TYPES_V0_TO_V1: dict[str, str] = {
    "accompagnement": "accompagnement",
    "aide-financiere": "aide-financiere",
    "aide-materielle": "aide-materielle",
    "atelier": "atelier",
    "formation": "formation",
    "information": "information",
    "numerique": "accompagnement",
    "autonomie": "accompagnement",
    "delegation": "accompagnement",
    "financement": "aide-financiere",
}


def _map(
    codes: Iterable[str], table: dict[str, tuple[str, ...]], known: Iterable[str]
) -> tuple[list[str], list[str]]:
    known_set = set(known)
    out: dict[str, None] = {}
    unknown: list[str] = []
    for raw in codes:
        code = str(raw).strip()
        if not code:
            continue
        if code in known_set:
            out[code] = None
        elif code in table:
            out.update(dict.fromkeys(table[code]))
        else:
            unknown.append(code)
    return list(out), unknown


def to_v1_thematiques(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(v1 codes, unknown codes) for a mix of v0 and v1 thématiques."""
    return _map(codes, V0_TO_V1, THEMATIQUES)


def to_v1_publics(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(v1 publics, unknown codes) for a mix of v0 profils and v1 publics."""
    return _map(codes, PROFILS_TO_PUBLICS, PUBLICS_V1)
