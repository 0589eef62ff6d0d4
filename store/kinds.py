"""The canonical kinds of structures, and inference from typologie, réseaux and text.

One table, read top to bottom: a kind's slug, French label, the data·inclusion v0
typologies and v1 réseaux porteurs that mean it, name patterns (regular expressions over
the accent-folded, lower-cased name) and its typical v1 thématiques.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import fold

ADM = "difficultes-administratives-ou-juridiques--"
FIN = "difficultes-financieres--"
EQ = "equipement-et-alimentation--"
LOG = "logement-hebergement--"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    typologies: tuple[str, ...] = ()
    reseaux: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    thematiques: tuple[str, ...] = field(default_factory=tuple)


KINDS: tuple[Kind, ...] = (
    Kind(
        "pimms",
        "PIMMS (point d'information médiation multi services)",
        ("PIMMS",),
        ("pimms-mediation",),
        (r"\bpimms\b", r"point d.information (et de )?mediation multi"),
        (
            ADM + "accompagnement-aux-demarches-administratives",
            "numerique--acceder-a-des-services-en-ligne",
            FIN + "prevenir-une-degradation-de-la-situation-financiere",
        ),
    ),
    Kind(
        "france-services",
        "France Services",
        ("RFS", "MSAP"),
        ("france-service", "msap"),
        (r"\bfrance services?\b", r"\bmaison de services au public\b", r"\bmsap\b"),
        (
            ADM + "accompagnement-aux-demarches-administratives",
            ADM + "accompagnement-pour-lacces-aux-droits",
            "numerique--acceder-a-des-services-en-ligne",
        ),
    ),
    Kind(
        "ecrivain-public",
        "Écrivain public",
        (),
        (),
        (r"\becrivains? publics?\b",),
        (ADM + "accompagnement-aux-demarches-administratives",),
    ),
    Kind(
        "epicerie-solidaire",
        "Épicerie solidaire ou sociale",
        ("ES",),
        (),
        (r"\bepiceries? (solidaires?|sociales?)\b", r"\bepisol\b", r"\bepicerie\b"),
        (EQ + "alimentation",),
    ),
    Kind(
        "aide-alimentaire",
        "Aide alimentaire",
        (),
        ("restos-du-coeur", "secours-populaire", "banques-alimentaires", "croix-rouge"),
        (
            r"\brestos? du coeur\b",
            r"\brestaurants? du coeur\b",
            r"\bbanque alimentaire\b",
            r"\bsecours populaire\b",
            r"\bcroix.rouge\b",
            r"\bchorba\b",
            r"\baide alimentaire\b",
            r"\bdistribution alimentaire\b",
            r"\bcolis alimentaires?\b",
            r"\bsecours catholique\b",
            r"\bsaint vincent de paul\b",
            r"\bepicerie gratuite\b",
        ),
        (EQ + "alimentation",),
    ),
    Kind(
        "vestiaire",
        "Vestiaire ou boutique solidaire",
        (),
        ("la-cravate-solidaire",),
        (r"\bvestiaires?\b", r"\bboutique solidaire\b", r"\bfripe", r"\bcravate solidaire\b"),
        (EQ + "habillement",),
    ),
    Kind(
        "ressourcerie",
        "Ressourcerie, recyclerie, Emmaüs",
        ("RESSOURCERIE",),
        ("ressourceries", "emmaus"),
        (r"\bressourcerie\b", r"\brecyclerie\b", r"\bemmaus\b"),
        (EQ + "electromenager", EQ + "habillement"),
    ),
    Kind(
        "accueil-de-jour",
        "Accueil de jour",
        ("ADJ",),
        (),
        (r"\baccueil de jour\b", r"\bbagagerie\b", r"\bhalte de nuit\b", r"\bbains? douches?\b"),
        (LOG + "rechercher-une-solution-dhebergement-temporaire", EQ + "alimentation"),
    ),
    Kind(
        "hebergement",
        "Hébergement d'urgence ou temporaire",
        ("CHRS", "CHU", "HUDA", "CADA", "CPH", "RS_FJT", "PENSION", "RESIDENCE"),
        ("siao", "chrs", "chu", "residences-fjt", "hup"),
        (
            r"\bchrs\b",
            r"\bchu\b",
            r"\bsiao\b",
            r"\bcentre d.hebergement\b",
            r"\b115\b",
            r"\bfoyer de jeunes travailleurs\b",
            r"\bfjt\b",
            r"\bhebergement d.urgence\b",
        ),
        (LOG + "rechercher-une-solution-dhebergement-temporaire",),
    ),
    Kind(
        "logement",
        "Accès et maintien dans le logement",
        ("OIL", "ADIL", "BAILLEUR"),
        ("action-logement",),
        (
            r"\badil\b",
            r"\bagence departementale d.information sur le logement\b",
            r"\bintermediation locative\b",
            r"\bhabitat et humanisme\b",
            r"\bsoliha\b",
        ),
        (
            LOG + "se-maintenir-dans-le-logement",
            LOG + "louer-un-logement",
            LOG + "sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        ),
    ),
    Kind(
        "centre-social",
        "Centre social, espace de vie sociale, maison de quartier",
        ("CS", "CSC", "EVS", "MQ", "MJC"),
        ("fcsf", "mjc"),
        (
            r"\bcentres? sociaux\b",
            r"\bcentre social\b",
            r"\bcentre socio.?culturel\b",
            r"\bespace de vie sociale\b",
            r"\bmaison de quartier\b",
            r"\bmaison des familles\b",
            r"\bmjc\b",
            r"\bmaison des jeunes et de la culture\b",
            r"\bespace social\b",
            r"\bmaison pour tous\b",
        ),
        ("remobilisation--lien-social", "famille--soutien-a-la-parentalite-et-a-leducation"),
    ),
    Kind(
        "ccas",
        "CCAS / CIAS",
        ("CCAS", "CIAS"),
        ("ccas-cias",),
        (r"\bccas\b", r"\bcias\b", r"\bcentre (inter)?communal d.action sociale\b"),
        (
            FIN + "prevenir-une-degradation-de-la-situation-financiere",
            ADM + "accompagnement-pour-lacces-aux-droits",
        ),
    ),
    Kind(
        "mairie",
        "Mairie",
        ("MUNI", "MAIRIE"),
        ("communes",),
        (r"^mairie\b", r"\bhotel de ville\b", r"^mairie annexe\b"),
        (ADM + "accompagnement-aux-demarches-administratives",),
    ),
    Kind(
        "service-social-departemental",
        "Service social départemental (MDS, PMI…)",
        ("DEPT", "MDS", "CDAS", "PMI", "UDAF"),
        ("maisons-des-solidarites", "departements", "delegataire-conseil-departemental", "ase"),
        (
            r"\bmaison (departementale )?des solidarites\b",
            r"\bespace territorial\b",
            r"\bcdas\b",
            r"\bpmi\b",
            r"\bcirconscription d.action sociale\b",
            r"\bmaison departementale\b",
            r"\bservice social departemental\b",
        ),
        (
            ADM + "accompagnement-pour-lacces-aux-droits",
            "famille--soutien-a-la-parentalite-et-a-leducation",
        ),
    ),
    Kind(
        "point-justice",
        "Point-justice, accès au droit",
        ("PAD", "MJD", "CDAD"),
        ("points-justice",),
        (
            r"\bpoints? justice\b",
            r"\bpoint d.acces au droit\b",
            r"\bmaison de justice\b",
            r"\bacces au droit\b",
        ),
        (
            ADM + "accompagnement-pour-lacces-aux-droits",
            ADM + "prendre-en-compte-une-problematique-judiciaire",
        ),
    ),
    Kind(
        "cidff",
        "CIDFF (droits des femmes et des familles)",
        ("CIDFF",),
        ("cidff", "federation-professionnelle-femmes"),
        (r"\bcidff\b", r"\bdroits des femmes\b", r"\bsolidarite femmes\b"),
        (
            "famille--surmonter-conflits-separation-violence",
            ADM + "accompagnement-pour-lacces-aux-droits",
        ),
    ),
    Kind(
        "point-conseil-budget",
        "Point conseil budget",
        ("PCB",),
        ("points-conseil-budget", "cresus"),
        (r"\bpoints? conseils? budget\b", r"\bcresus\b"),
        (FIN + "situation-dendettement-surendettement", FIN + "ameliorer-sa-gestion-budgetaire"),
    ),
    Kind(
        "mediation-numerique",
        "Médiation numérique",
        ("EPN", "EPI", "ENM", "TIERS_LIEUX"),
        (
            "conseillers-numeriques",
            "espaces-publics-numeriques",
            "aidants-connect",
            "konexio",
            "emmaus-connect",
        ),
        (
            r"\bespace public numerique\b",
            r"\bepn\b",
            r"\bconseillers? numeriques?\b",
            r"\bmediation numerique\b",
            r"\binclusion numerique\b",
            r"\bemmaus connect\b",
            r"\bcyber.?base\b",
        ),
        (
            "numerique--maitriser-les-fondamentaux-du-numerique",
            "numerique--acceder-a-des-services-en-ligne",
            "numerique--acquerir-un-equipement",
        ),
    ),
    Kind(
        "langue-francaise",
        "Cours de français, ASL, alphabétisation",
        (),
        ("anlci",),
        (
            r"\bcours de francais\b",
            r"\balphabetisation\b",
            r"\bsavoirs sociolinguistiques\b",
            r"\bfle\b",
            r"\bapprentissage du francais\b",
        ),
        ("lecture-ecriture-calcul--maitriser-le-francais",),
    ),
    Kind(
        "mission-locale",
        "Mission locale",
        ("ML",),
        ("mission-locale",),
        (r"\bmissions? locales?\b",),
        (
            "se-former--trouver-sa-formation",
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
        ),
    ),
    Kind(
        "france-travail",
        "France Travail, Cap emploi",
        ("FT", "PE", "CAP_EMPLOI"),
        ("france-travail", "cap-emploi-reseau-cheops"),
        (r"\bfrance travail\b", r"\bpole emploi\b", r"\bcap emploi\b"),
        (
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        ),
    ),
    Kind(
        "insertion",
        "Insertion par l'activité économique",
        ("ACI", "ACIPHC", "AI", "EI", "ETTI", "EITI", "GEIQ", "EA", "ESAT", "PLIE"),
        ("aci", "ai", "ei", "etti", "eiti", "geiq", "coorace", "inae", "chantier-ecole", "plie"),
        (
            r"\bchantiers? d.insertion\b",
            r"\bassociation intermediaire\b",
            r"\bentreprise d.insertion\b",
            r"\bregie de quartier\b",
            r"\binsertion par l.activite\b",
        ),
        (
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "trouver-un-emploi--maintien-dans-lemploi",
        ),
    ),
    Kind(
        "caf",
        "CAF (allocations familiales)",
        ("CAF",),
        ("caf",),
        (r"\bcaf\b", r"\bcaisse d.allocations? familiales?\b"),
        (
            ADM + "accompagnement-pour-lacces-aux-droits",
            "famille--soutien-a-la-parentalite-et-a-leducation",
        ),
    ),
    Kind(
        "cpam",
        "Assurance maladie (CPAM)",
        ("CPAM", "MSA", "CARSAT", "CRAM"),
        ("cpam", "cnam", "mutualite-sociale-agricole"),
        (r"\bcpam\b", r"\bassurance maladie\b", r"\bcaisse primaire\b"),
        ("sante--acces-aux-soins", ADM + "accompagnement-pour-lacces-aux-droits"),
    ),
    Kind(
        "mdph",
        "MDPH (personnes handicapées)",
        ("MDPH",),
        ("mdph", "maison-departementale-de-lautonomie"),
        (
            r"\bmdph\b",
            r"\bmaison departementale des personnes handicapees\b",
            r"\bmaison departementale de l.autonomie\b",
        ),
        ("sante--constituer-un-dossier-mdph-invalidite",),
    ),
    Kind(
        "sante",
        "Santé (centre de santé, PASS, planning familial)",
        ("CMS", "CMP", "PASS", "CENTRE_SANTE", "PLANNING"),
        ("cms", "cmp"),
        (
            r"\bcentre de sante\b",
            r"\bcentre medico",
            r"\bplanning familial\b",
            r"\bpass\b",
            r"\bpermanence d.acces aux soins\b",
            r"\bmaison de sante\b",
            r"\bmedecins du monde\b",
        ),
        ("sante--acces-aux-soins", "sante--sante-mentale", "sante--sante-sexuelle"),
    ),
    Kind(
        "addictologie",
        "Addictologie (CSAPA, CAARUD)",
        ("CSAPA", "CAARUD"),
        ("csapa", "caarud"),
        (r"\bcsapa\b", r"\bcaarud\b", r"\baddictolog", r"\balcooliques anonymes\b"),
        ("sante--addictions",),
    ),
    Kind(
        "mobilite",
        "Mobilité solidaire",
        (),
        ("wimoov", "mobin"),
        (
            r"\bgarage solidaire\b",
            r"\bauto.ecole sociale\b",
            r"\bplateforme mobilite\b",
            r"\bmobilite solidaire\b",
            r"\bwimoov\b",
        ),
        (
            "mobilite--acceder-a-un-vehicule",
            "mobilite--preparer-un-permis",
            "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        ),
    ),
    Kind(
        "accueil-exiles",
        "Accueil des personnes exilées",
        ("SPADA",),
        ("cada", "huda", "cph", "singa"),
        (
            r"\bcimade\b",
            r"\bexiles?\b",
            r"\bdemandeurs? d.asile\b",
            r"\brefugies\b",
            r"\bspada\b",
            r"\bfrance terre d.asile\b",
        ),
        (
            ADM + "accompagnement-pour-lacces-aux-droits",
            "lecture-ecriture-calcul--maitriser-le-francais",
        ),
    ),
    Kind(
        "association",
        "Association",
        ("ASSO", "ASSO_CLIENT"),
        (),
        (r"^association\b", r"^asso\b"),
        (),
    ),
    Kind("autre", "Autre", ("Autre", "AUTRE"), (), (), ()),
)

BY_SLUG: dict[str, Kind] = {k.slug: k for k in KINDS}
_BY_TYPOLOGIE = {t.upper(): k.slug for k in KINDS for t in k.typologies}
_BY_RESEAU = {r: k.slug for k in KINDS for r in k.reseaux}
_PATTERNS = [(k.slug, re.compile(p)) for k in KINDS for p in k.patterns]
# Generic kinds lose to any specific one found in the same text.
GENERIC = frozenset({"association", "autre", "mairie"})


def label(slug: str | None) -> str:
    kind = BY_SLUG.get(slug or "")
    return kind.label if kind else (slug or "Autre")


def thematiques_of(slug: str | None) -> tuple[str, ...]:
    kind = BY_SLUG.get(slug or "")
    return kind.thematiques if kind else ()


def from_typologie(typologie: str | None) -> str | None:
    return _BY_TYPOLOGIE.get((typologie or "").strip().upper())


def from_reseaux(reseaux: Iterable[str]) -> str | None:
    for reseau in reseaux:
        slug = _BY_RESEAU.get(reseau.strip().lower())
        if slug:
            return slug
    return None


def from_text(text: str | None) -> str | None:
    """The first specific kind whose pattern matches the text (patterns in table order)."""
    folded = fold(text)
    if not folded:
        return None
    generic = None
    for slug, pattern in _PATTERNS:
        if pattern.search(folded):
            if slug not in GENERIC:
                return slug
            generic = generic or slug
    return generic


def infer(
    nom: str | None,
    typologie: str | None = None,
    reseaux: Iterable[str] = (),
    description: str | None = None,
) -> str:
    """Best kind for a structure: typologie, then réseaux, then its name, then its text."""
    return (
        from_typologie(typologie)
        or from_reseaux(reseaux)
        or from_text(nom)
        or from_text(description)
        or "autre"
    )
