"""The fixed queries of the benchmark: typed one character at a time, without accents,
some with typos, as a worker types them during an appointment."""

from __future__ import annotations

QUERIES: tuple[str, ...] = (
    "epicerie solidaire lyon",
    "restos du coeur",
    "croix rouge marseille",
    "france services",
    "pimms",
    "ccas toulouse",
    "mairie de plaisir",
    "sarcelle",
    "centre social jean moulin",
    "maison de quartier",
    "ecrivain public",
    "mission locale nantes",
    "secours populaire",
    "point justice",
    "mds bellevue",
    "cidff",
    "ville pluriel",
    "jean montsarat",
    "emmaus",
    "espace numerique",
    "hebergement urgence",
    "aide alimentaire",
    "distribution colis",
    "cours de francais",
    "planing familial",
    "france travail bordeaux",
    "centre medico social",
    "epicrie",
    "strasbourg",
    "saint etienne",
)

# Needs with a place, for the orientation core.
NEEDS: tuple[tuple[str, str], ...] = (
    ("aide alimentaire", "Lyon"),
    ("colis alimentaire", "Marseille"),
    ("démarches administratives", "Toulouse"),
    ("aide pour la CAF", "Nantes"),
    ("dossier MDPH", "Lille"),
    ("hébergement d'urgence", "Paris"),
    ("apprendre le français", "Strasbourg"),
    ("dettes", "Bordeaux"),
    ("surendettement", "Rennes"),
    ("vêtements", "Montpellier"),
    ("écrivain public", "Saint-Étienne"),
    ("accès aux droits", "Plaisir"),
    ("violences conjugales", "Sarcelles"),
    ("permis de conduire", "Grenoble"),
    ("ordinateur internet", "Dijon"),
    ("trouver un emploi", "Le Havre"),
    ("jeune sans formation", "Reims"),
    ("logement", "Angers"),
    ("expulsion", "Nîmes"),
    ("addiction alcool", "Brest"),
    ("soins sans mutuelle", "Limoges"),
    ("épicerie solidaire", "Tours"),
    ("demandeur d'asile", "Amiens"),
    ("parentalité", "Metz"),
    ("domiciliation", "Perpignan"),
    ("impôts", "Besançon"),
    ("retraite", "Orléans"),
    ("meubles électroménager", "Rouen"),
    ("santé mentale", "Caen"),
    ("aide juridique", "Nancy"),
)


def keystrokes(query: str) -> list[str]:
    """Every prefix of the query as typed, one character more each time."""
    return [query[:i] for i in range(1, len(query) + 1)]


def sample_points(query: str) -> list[str]:
    """A few prefixes per query for the slow peers (3 letters, half, whole)."""
    points = {query[:3], query[: max(3, len(query) // 2)], query}
    return sorted(points, key=len)
