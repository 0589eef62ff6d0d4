"""Reading French prose about structures: the cues shared by the document formats (a page,
a press kit, the « actions » sheets) — thématiques and kinds named in the text, communes named
in a structure's name. Format modules import these; no format module imports another.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator

from store import kinds
from store.communes import Commune, by_name, communes_only
from store.text import fold, normalize

ADM = "difficultes-administratives-ou-juridiques--"

# Cues in accent-folded, lower-cased text -> v1 thématique.
THEME_CUES: tuple[tuple[str, str], ...] = (
    (
        r"\becrivains? publics?\b|\bdemarches administratives\b|\bcourriers? administratifs?\b"
        r"|\bdossiers? administratifs?\b|\bformalites\b",
        ADM + "accompagnement-aux-demarches-administratives",
    ),
    (
        r"\bacces (aux|au) droits?\b|\bacces au droit\b",
        ADM + "accompagnement-pour-lacces-aux-droits",
    ),
    (
        r"\baide alimentaire\b|\bprecarite alimentaire\b|\bcolis alimentaires?\b"
        r"|\bepiceries? (solidaires?|sociales?)\b|\bdistributions? alimentaires?\b"
        r"|\bpaniers? alimentaires?\b|\bproduits alimentaires\b",
        "equipement-et-alimentation--alimentation",
    ),
    (
        r"\bvetements?\b|\bvestimentaires?\b|\bvestiaires?\b|\bhabillement\b",
        "equipement-et-alimentation--habillement",
    ),
    (r"\belectromenagers?\b|\bmeubles?\b", "equipement-et-alimentation--electromenager"),
    (
        r"\bfracture numerique\b|\bexclusion numerique\b|\binclusion numerique\b"
        r"|\bmediation numerique\b|\bespace (multimedia|numerique)\b|\bateliers? numeriques?\b"
        r"|\bmaitrise du numerique\b",
        "numerique--maitriser-les-fondamentaux-du-numerique",
    ),
    (
        r"\bacces a internet\b|\bconnexion internet\b|\bwifi\b",
        "numerique--acceder-a-une-connexion-internet",
    ),
    (
        r"\bcours de francais\b|\bapprentissage du francais\b|\balphabetisation\b"
        r"|\blangue francaise\b|\bbarriere de la langue\b",
        "lecture-ecriture-calcul--maitriser-le-francais",
    ),
    (r"\bisolement\b|\blien social\b|\bpersonnes isolees\b", "remobilisation--lien-social"),
    (
        r"\bparentalite\b|\baide aux devoirs\b|\baccompagnement scolaire\b|\bechec scolaire\b",
        "famille--soutien-a-la-parentalite-et-a-leducation",
    ),
    (r"\bgardes? d.enfants?\b|\bcreches?\b|\bpetite enfance\b", "famille--garde-denfants"),
    (
        r"\binsertion (sociale et )?professionnelle\b|\bretour a l.emploi\b"
        r"|\bchantiers? d.insertion\b|\brecherche d.emploi\b|\bacces a l.emploi\b",
        "trouver-un-emploi--repondre-a-des-offres-demploi",
    ),
    (r"\bpermis de conduire\b", "mobilite--preparer-un-permis"),
    (
        r"\bmobilite (solidaire|inclusive)\b|\bplateformes? de mobilite\b",
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
    ),
    (
        r"\bhebergement d.urgence\b|\bmise a l.abri\b|\bsans.abri\b|\bsans domicile\b",
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
    ),
    (r"\bacces aux soins\b|\bacces a la sante\b|\bsoins?\b", "sante--acces-aux-soins"),
    (r"\bviolences?\b", "famille--surmonter-conflits-separation-violence"),
    (
        r"\bsurendettement\b|\bdettes?\b|\bgestion (du|de son) budget\b",
        "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
    ),
)
_THEME_CUES = [(re.compile(pattern), code) for pattern, code in THEME_CUES]

# Kinds a page usually mentions as partners rather than as itself.
PARTNER_KINDS = frozenset(
    {
        "ccas",
        "caf",
        "cpam",
        "mairie",
        "service-social-departemental",
        "france-travail",
        "mdph",
        "sante",
        "centre-social",
    }
)
# Words that, in a page's text, point at a kind the kinds table does not spell out.
_KIND_CUES: tuple[tuple[str, str], ...] = (
    ("vestiaire", r"\bvetements?\b|\bvestimentaires?\b"),
    ("epicerie-solidaire", r"\bepiceries? (solidaires?|sociales?)\b"),
    ("association", r"\bassociations?\b|\bbenevoles?\b"),
)
_KIND_CUE_RES = [(slug, re.compile(p)) for slug, p in _KIND_CUES]

# Words of a structure's name that are not place names.
_NAME_STOP = frozenset(
    {
        *("centre", "centres", "social", "sociale", "sociaux", "socio", "culturel"),
        *("culturelle", "socioculturel", "socioculturelle", "association", "maison"),
        *("maisons", "quartier", "cs", "csc", "mpt", "mjc", "evs", "espace", "vie", "place"),
        *("et", "de", "la", "le", "les", "des", "du", "d", "l", "pour", "tous"),
    }
)


def thematiques_in(text: str | None, min_hits: int = 1) -> list[str]:
    """v1 thématiques cued by the text, those cued at least `min_hits` times, in cue order."""
    folded = fold(text)
    found = []
    for pattern, code in _THEME_CUES:
        if len(pattern.findall(folded)) >= min_hits and code not in found:
            found.append(code)
    return found


@contextlib.contextmanager
def communes_lookup() -> Iterator[sqlite3.Connection]:
    """A read-only connection holding only the embedded communes table (shared, cached)."""
    yield communes_only()


def commune_in_name(conn: sqlite3.Connection, name: str, dep: str | None) -> Commune | None:
    """A commune named inside a structure's name ("CS HENRI MARTEL DECHY", dep 59).

    Longest word runs first, from the end of the name; runs made only of generic words
    ("centre social", "maison de quartier") are not tried. Only with a known département.
    """
    if not dep:
        return None
    words = normalize(name).split()
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            run = words[start : start + size]
            if run[0] in _NAME_STOP or run[-1] in _NAME_STOP:
                continue
            found = by_name(conn, " ".join(run), dep)
            if found:
                return found[0]
    return None


def kind_from_text(text: str) -> str | None:
    """The kind the page talks about most, partners (CCAS, CAF…) counting for less."""
    folded = fold(text)
    scores: dict[str, float] = {}
    for kind in kinds.KINDS:
        hits = sum(len(re.findall(p, folded)) for p in kind.patterns)
        if hits and kind.slug not in ("association", "autre"):
            weight = 0.3 if kind.slug in PARTNER_KINDS else 1.0
            scores[kind.slug] = scores.get(kind.slug, 0.0) + hits * weight
    for slug, pattern in _KIND_CUE_RES:
        hits = len(pattern.findall(folded))
        if hits and slug != "association":
            scores[slug] = scores.get(slug, 0.0) + hits
    if scores:
        slug, score = max(scores.items(), key=lambda item: item[1])
        if score >= 1.0:
            return slug
    for slug, pattern in _KIND_CUE_RES:
        if slug == "association" and pattern.search(folded):
            return "association"
    return None
