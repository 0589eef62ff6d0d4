"""The canonical kinds of structures, and inferring a structure's kind from real data.

The kinds table below reads top to bottom: a kind's slug, French label, name patterns (regular
expressions over the accent-folded, lower-cased name) and its typical v1 thématiques. What the
national codes mean is data, in store/vocab/: `reseaux_porteurs.tsv` (the 108 data·inclusion v1
réseaux porteurs), `typologies.tsv` (the 91 v0 typologies and a few codes seen elsewhere) and
`thematiques_kinds.tsv` (the kind each v1 thématique points to), each code mapped to a kind or
explicitly to none.

Neither a saint's name nor the structure's commune in a name is read as a kind (« Mairie de
Saint-Vincent-de-Paul » is a mairie, not food aid): they are masked before the patterns are tried.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import normalize
from .vocab import tsv_rows

ADM = "difficultes-administratives-ou-juridiques--"
FIN = "difficultes-financieres--"
EQ = "equipement-et-alimentation--"
LOG = "logement-hebergement--"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    patterns: tuple[str, ...] = ()
    thematiques: tuple[str, ...] = field(default_factory=tuple)


KINDS: tuple[Kind, ...] = (
    Kind(
        "pimms",
        "PIMMS (point d'information médiation multi services)",
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
        (r"\becrivains? publics?\b",),
        (ADM + "accompagnement-aux-demarches-administratives",),
    ),
    Kind(
        "epicerie-solidaire",
        "Épicerie solidaire ou sociale",
        (r"\bepiceries? (solidaires?|sociales?)\b", r"\bepisol\b", r"\bepicerie\b"),
        (EQ + "alimentation",),
    ),
    Kind(
        "aide-alimentaire",
        "Aide alimentaire",
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
            r"\bssvp\b",
            r"\bepicerie gratuite\b",
        ),
        (EQ + "alimentation",),
    ),
    Kind(
        "vestiaire",
        "Vestiaire ou boutique solidaire",
        (r"\bvestiaires?\b", r"\bboutique solidaire\b", r"\bfripe", r"\bcravate solidaire\b"),
        (EQ + "habillement",),
    ),
    Kind(
        "ressourcerie",
        "Ressourcerie, recyclerie, Emmaüs",
        (r"\bressourcerie\b", r"\brecyclerie\b", r"\bemmaus\b(?! connect)"),
        (EQ + "electromenager", EQ + "habillement"),
    ),
    Kind(
        "accueil-de-jour",
        "Accueil de jour",
        (r"\baccueil de jour\b", r"\bbagagerie\b", r"\bhalte de nuit\b", r"\bbains? douches?\b"),
        (LOG + "rechercher-une-solution-dhebergement-temporaire", EQ + "alimentation"),
    ),
    Kind(
        "hebergement",
        "Hébergement d'urgence ou temporaire",
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
        (r"\bccas\b", r"\bcias\b", r"\bcentre (inter)?communal d.action sociale\b"),
        (
            FIN + "prevenir-une-degradation-de-la-situation-financiere",
            ADM + "accompagnement-pour-lacces-aux-droits",
        ),
    ),
    Kind(
        "mairie",
        "Mairie",
        (r"^mairie\b", r"\bhotel de ville\b", r"^mairie annexe\b"),
        (ADM + "accompagnement-aux-demarches-administratives",),
    ),
    Kind(
        "service-social-departemental",
        "Service social départemental (MDS, PMI…)",
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
        (r"\bcidff\b", r"\bdroits des femmes\b", r"\bsolidarite femmes\b"),
        (
            "famille--surmonter-conflits-separation-violence",
            ADM + "accompagnement-pour-lacces-aux-droits",
        ),
    ),
    Kind(
        "point-conseil-budget",
        "Point conseil budget",
        (r"\bpoints? conseils? budget\b", r"\bcresus\b"),
        (FIN + "situation-dendettement-surendettement", FIN + "ameliorer-sa-gestion-budgetaire"),
    ),
    Kind(
        "mediation-numerique",
        "Médiation numérique",
        (
            r"\bespace public numerique\b",
            r"\bepn\b",
            r"\bconseillers? numeriques?\b",
            r"\bmediation numerique\b",
            r"\binclusion numerique\b",
            r"\bemmaus connect\b",
            r"\bcyber.?base\b",
            r"\bespaces? (public )?(multimedia|numeriques?)\b",
            r"\bpoints? (d.acces )?numeriques?\b",
            r"\bateliers? numeriques?\b",
            r"\baidants connect\b",
            r"\bmediatheques?\b",
            r"\bbibliotheques?\b",
            r"\btiers.?lieux?\b",
            r"\bfab.?lab\b",
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
        (r"\bfrance travail\b", r"\bpole emploi\b", r"\bcap emploi\b"),
        (
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        ),
    ),
    Kind(
        "insertion",
        "Insertion professionnelle (SIAE, accompagnement vers l'emploi)",
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
        (r"\bcaf\b", r"\bcaisse d.allocations? familiales?\b"),
        (
            ADM + "accompagnement-pour-lacces-aux-droits",
            "famille--soutien-a-la-parentalite-et-a-leducation",
        ),
    ),
    Kind(
        "cpam",
        "Assurance maladie (CPAM)",
        (r"\bcpam\b", r"\bassurance maladie\b", r"\bcaisse primaire\b"),
        ("sante--acces-aux-soins", ADM + "accompagnement-pour-lacces-aux-droits"),
    ),
    Kind(
        "mdph",
        "MDPH (personnes handicapées)",
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
        (r"\bcsapa\b", r"\bcaarud\b", r"\baddictolog", r"\balcooliques anonymes\b"),
        ("sante--addictions",),
    ),
    Kind(
        "mobilite",
        "Mobilité solidaire",
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
        (r"^association\b", r"^asso\b"),
        (),
    ),
    Kind(
        "autre",
        "Autre",
        (),
        (),
    ),
)

BY_SLUG: dict[str, Kind] = {k.slug: k for k in KINDS}
# Generic kinds lose to any specific one found from another clue.
GENERIC = frozenset({"association", "autre", "mairie"})


class KindTableError(ValueError):
    """A reference table in store/vocab/ names a kind that does not exist, or is malformed."""


@dataclass(frozen=True)
class CodeKind:
    """One code of a national list and the kind it means (None: no kind fits)."""

    code: str
    kind: str | None
    label: str
    hosted: bool = False  # a programme the place hosts (conseillers numériques), not what it is


def _code_table(name: str) -> dict[str, CodeKind]:
    table: dict[str, CodeKind] = {}
    for number, cells in tsv_rows(name):
        if len(cells) != 3 or not all(cells):
            raise KindTableError(f"{name}, ligne {number} : trois colonnes attendues")
        code, kind, label = cells
        hosted = kind.startswith("+")
        slug = None if kind == "-" else kind.lstrip("+")
        if slug is not None and slug not in BY_SLUG:
            raise KindTableError(f"{name}, ligne {number} : type inconnu « {kind} »")
        table[code] = CodeKind(code, slug, label, hosted)
    return table


RESEAUX: dict[str, CodeKind] = _code_table("reseaux_porteurs.tsv")
TYPOLOGIES: dict[str, CodeKind] = {
    code.upper(): entry for code, entry in _code_table("typologies.tsv").items()
}
THEMATIQUE_KINDS: dict[str, CodeKind] = _code_table("thematiques_kinds.tsv")
_ORDER = {k.slug: i for i, k in enumerate(KINDS)}

# A saint's name: « Saint-Vincent-de-Paul », « Ste Marthe », « saint jean d'angély », in folded
# text (punctuation as spaces: store.text.normalize, store.tags.quick_fold).
_SEP = r"[^a-z0-9]+"
_SAINT = re.compile(
    rf"\b(?:saints?|saintes?|st|ste)(?:{_SEP}[a-z0-9]+"
    rf"(?:{_SEP}(?:de|du|des|la|le|les|l|d|en|sur|sous|aux|au|et|lez){_SEP}[a-z0-9]+)*)"
)
_PATTERNS = [(k.slug, re.compile(p)) for k in KINDS for p in k.patterns]


def without_places(words: str, commune: str | None = None) -> str:
    """Folded text without saints' names and without the name of its commune: those name
    places and patrons, not what a structure does (« Mairie de Saint-Vincent-de-Paul »)."""
    text = _SAINT.sub(" ", words) if "s" in words else words
    place = normalize(commune)
    if place and place in text:
        text = re.sub(rf"\b{re.escape(place)}\b", " ", text)
    return text


def label(slug: str | None) -> str:
    kind = BY_SLUG.get(slug or "")
    return kind.label if kind else (slug or "Autre")


def thematiques_of(slug: str | None) -> tuple[str, ...]:
    kind = BY_SLUG.get(slug or "")
    return kind.thematiques if kind else ()


def reseaux_of(slug: str) -> tuple[str, ...]:
    """The réseaux porteurs that mean this kind (not the programmes a place hosts)."""
    return tuple(r.code for r in RESEAUX.values() if r.kind == slug and not r.hosted)


def reseau_label(code: str) -> str:
    entry = RESEAUX.get(code.strip().lower())
    return entry.label if entry else code


def from_typologie(typologie: str | None) -> str | None:
    entry = TYPOLOGIES.get((typologie or "").strip().upper())
    return entry.kind if entry else None


def from_reseaux(reseaux: Iterable[str], *, hosted: bool = False) -> str | None:
    """The first réseau's kind: of what the place is, or (`hosted`) of what it hosts."""
    for reseau in reseaux:
        entry = RESEAUX.get(reseau.strip().lower())
        if entry and entry.kind and entry.hosted == hosted:
            return entry.kind
    return None


def from_thematiques(codes: Iterable[str]) -> str | None:
    """The kind most of the (distinct) thématiques point to; ties go to the first kind."""
    votes: Counter[str] = Counter()
    for code in set(codes):
        entry = THEMATIQUE_KINDS.get(code)
        if entry and entry.kind:
            votes[entry.kind] += 1
    if not votes:
        return None
    return min(votes, key=lambda slug: (-votes[slug], _ORDER[slug]))


def from_text(text: str | None, commune: str | None = None) -> str | None:
    """The first specific kind whose pattern matches the text (patterns in table order);
    saints' names and the name of the structure's `commune` do not count."""
    folded = without_places(normalize(text), commune)
    if not folded.strip():
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
    thematiques: Iterable[str] = (),
    commune: str | None = None,
) -> str:
    """Best kind for a structure, from its clues in this order: v0 typologie, réseaux porteurs,
    name, programmes it hosts, its (and its services') thématiques, its description. The first
    specific kind wins; a generic one (association, mairie) only when no clue says more."""
    reseaux = tuple(reseaux)
    clues = (
        lambda: from_typologie(typologie),
        lambda: from_reseaux(reseaux),
        lambda: from_text(nom, commune),
        lambda: from_reseaux(reseaux, hosted=True),
        lambda: from_thematiques(thematiques),
        lambda: from_text(description, commune),
    )
    generic = None
    for clue in clues:
        slug = clue()
        if slug and slug not in GENERIC:
            return slug
        generic = generic or slug
    return generic or "autre"
