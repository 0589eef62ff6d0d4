"""A free page of text about one structure (a web page, a brochure's page).

What the text gives is kept: a name (or `--name`; else a readable placeholder marked
"à vérifier"), the commune recognised through the communes table, e-mail, website,
phone, région; kind and thématiques are inferred from the text. One page is not the
whole of a source, so nothing is retired when a page is imported (`complete=False`).

The helpers used by the other document formats (commune lookups, thématique cues) live
here too.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from store import kinds
from store.communes import Commune, by_name, find_in_text, load_communes
from store.models import StructureRecord
from store.schema import MIGRATIONS
from store.text import fold, normalize
from store.vocab.departements import code_of, region_of

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, read_text

SOURCE = "page"
MIN_WORDS = 20

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


_LOOKUP_LOCK = threading.Lock()
_LOOKUP: list[sqlite3.Connection] = []


def _communes_connection() -> sqlite3.Connection:
    """The embedded communes table in a private in-memory database, built once per process
    (about 0.3 s) and read-only afterwards: importing five seed files builds it once."""
    with _LOOKUP_LOCK:
        if not _LOOKUP:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            for statement in MIGRATIONS[0]:
                if re.match(r"\s*CREATE (TABLE|INDEX) \w*commune", statement):
                    conn.execute(statement)
            with conn:
                load_communes(conn)
            conn.execute("PRAGMA query_only = ON")
            _LOOKUP.append(conn)
        return _LOOKUP[0]


@contextlib.contextmanager
def communes_lookup() -> Iterator[sqlite3.Connection]:
    """A read-only connection holding only the embedded communes table (shared, cached)."""
    yield _communes_connection()


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


# -- the page format ------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_URL = re.compile(r"\bhttps?://[^\s<>\"'»)]+|\bwww\.[^\s<>\"'»)]+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:fr|org|com|net|eu|info|asso)\b(?![@\w-])", re.IGNORECASE
)
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_REGION = re.compile(
    r"^\W*r[ée]gion\s*:\s*\**\s*([^*\n]+?)\s*\**\s*$", re.IGNORECASE | re.MULTILINE
)
_CREATED = re.compile(r"cr[ée]{2}e?\s+le\s+\**\s*([0-9]{1,2}\s+\w+\s+[0-9]{4})", re.IGNORECASE)
_ORG_NAME = re.compile(
    r"\b(?P<head>Caf|CAF|CCAS|CIAS|Mairie|Centre social|Centre socio-culturel|Maison de quartier"
    r"|Espace de vie sociale|Mission locale|France services|PIMMS|Épicerie solidaire"
    r"|Epicerie solidaire|Point conseil budget|CIDFF|MDPH|CPAM|Caisse d'allocations familiales)"
    r"\s+(?P<prep>de la |de l'|de l’|du |des |de |d'|d’)"
    r"(?P<place>[A-ZÀ-Ý][\w’'-]*(?:[ -](?:et|en|de|du|sur|la|le|les|[A-ZÀ-Ý][\w’'-]*))*)"
)
_SMALL_WORDS = frozenset({"et", "en", "de", "du", "sur", "la", "le", "les"})
_CAPITALISED = re.compile(r"\b(?:à|de|d'|d’|au|sur)\s+([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*)")


def _detect(sample: Sample) -> float:
    """Any prose text file could be a page: low confidence, beaten by real markers."""
    if sample.suffix not in ("", ".txt", ".md", ".text"):
        return 0.0
    text = sample.text
    if not text.strip() or "\x00" in text:
        return 0.0
    words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)
    if len(words) < 40:
        return 0.0
    # Tables and data files are not prose.
    lines = [line for line in text.splitlines() if line.strip()]
    separators = sum(line.count(";") + line.count(",") + line.count("\t") for line in lines[:20])
    if lines and separators / max(len(lines[:20]), 1) > 4 and not re.search(r"[.!?] ", text):
        return 0.0
    return 0.3


def _strip_marks(text: str) -> str:
    return text.replace("**", "").strip()


def _clean_place(place: str) -> str:
    words = place.split()
    while words and words[-1].lower() in _SMALL_WORDS:
        words.pop()
    return " ".join(words)


def _name_from_org(text: str) -> str | None:
    """The most frequent "<Caf|CCAS|…> de <Place>" (at least twice)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for match in _ORG_NAME.finditer(text):
        place = _clean_place(match["place"])
        if not place:
            continue
        head = match["head"]
        head = head if head.isupper() or head[0].isupper() else head.capitalize()
        name = f"{head} {match['prep'].replace('’', chr(39))}{place}"
        key = normalize(name)
        counts[key] += 1
        # Prefer the spelling with hyphens ("Maine-et-Loire") and capitals.
        best = spelling.get(key)
        if best is None or name.count("-") > best.count("-"):
            spelling[key] = name
    if not counts:
        return None
    key, hits = counts.most_common(1)[0]
    return spelling[key] if hits >= 2 else None


def _name_from_domain(text: str, domains: Iterable[str]) -> str | None:
    """A name spelled by the site's domain and found in the text ("Manou Partages")."""
    for domain in domains:
        host = re.sub(r"^(https?://)?(www\.)?", "", domain.lower()).split("/")[0]
        label = host.split(".")[0]
        parts = [p for p in re.split(r"[-_]", label) if p]
        if not parts or len(label) < 4:
            continue
        pattern = r"[\s-]+".join(re.escape(p) for p in parts)
        found = [m.group(0) for m in re.finditer(rf"\b{pattern}\b", text, re.IGNORECASE)]
        # Written as a name: not all lower-case; mixed case preferred to capitals.
        names = [f for f in found if not f.islower()]
        if names:
            return min(names, key=lambda f: (f.isupper(), found.index(f)))
    return None


def kind_from_text(text: str) -> str | None:
    """The kind the page talks about most, partners (CCAS, CAF…) counting for less."""
    folded = fold(text)
    scores: Counter[str] = Counter()
    for kind in kinds.KINDS:
        hits = sum(len(re.findall(p, folded)) for p in kind.patterns)
        if hits and kind.slug not in ("association", "autre"):
            scores[kind.slug] += hits * (0.3 if kind.slug in PARTNER_KINDS else 1.0)
    for slug, pattern in _KIND_CUE_RES:
        hits = len(pattern.findall(folded))
        if hits and slug != "association":
            scores[slug] += hits
    if scores:
        slug, score = scores.most_common(1)[0]
        if score >= 1.0:
            return slug
    for slug, pattern in _KIND_CUE_RES:
        if slug == "association" and pattern.search(folded):
            return "association"
    return None


def _commune_in_prose(conn: sqlite3.Connection, text: str) -> Commune | None:
    """A commune named at least twice after "à", "de", "au", "sur" ("municipalité de Plaisir")."""
    counts: Counter[str] = Counter(m.group(1) for m in _CAPITALISED.finditer(text))
    for word, hits in counts.most_common():
        if hits < 2:
            break
        if code_of(word):  # a département's name, not a commune
            continue
        found = by_name(conn, word)
        if len(found) == 1 or (found and found[0].population >= 5 * max(found[1].population, 1)):
            return found[0]
    return None


def parse_page(text: str, options: ImportOptions, conn: sqlite3.Connection) -> StructureRecord:
    plain = _strip_marks(text)
    emails = list(dict.fromkeys(_EMAIL.findall(plain)))
    without_emails = _EMAIL.sub(" ", plain)
    urls = list(dict.fromkeys(_URL.findall(without_emails)))
    domains = urls or list(dict.fromkeys(_DOMAIN.findall(without_emails)))
    phones = list(dict.fromkeys(_PHONE.findall(plain)))

    name = (options.name or "").strip() or None
    if not name:
        name = _name_from_domain(plain, [*domains, *(e.split("@")[1] for e in emails)])
    if not name:
        name = _name_from_org(plain)

    commune = find_in_text(conn, plain) or _commune_in_prose(conn, plain)
    departement = commune.dep if commune else None
    if not departement and name:
        place = re.search(r"\b(?:de la |de l'|du |des |de |d')(.+)$", name)
        departement = code_of(place.group(1)) if place else None
    region_match = _REGION.search(text)
    region = _strip_marks(region_match.group(1)) if region_match else region_of(departement)

    kind = kinds.from_text(name) if name else None
    if kind is None or kind in kinds.GENERIC:  # "Association …": what it does says more
        kind = kind_from_text(plain) or kind or "autre"
    placeholder = name is None
    if placeholder:
        where = f" à {commune.nom}" if commune else ""
        name = f"{kinds.label(kind)}{where} (nom à vérifier)"

    themes = list(kinds.thematiques_of(kind))
    for code in thematiques_in(plain, min_hits=2):
        if code not in themes:
            themes.append(code)

    extra: dict[str, object] = {}
    if region:
        extra["region"] = region
    created = _CREATED.search(plain)
    if created:
        extra["date_creation"] = created.group(1)
    if len(emails) > 1:
        extra["autres_courriels"] = emails[1:]
    return StructureRecord(
        nom=name,
        source=SOURCE,
        kind=kind,
        description=_summary(plain),
        commune=commune.nom if commune else None,
        code_insee=commune.insee if commune else None,
        code_postal=commune.codes_postaux[0] if commune and commune.codes_postaux else None,
        departement=departement,
        latitude=commune.lat if commune else None,
        longitude=commune.lon if commune else None,
        geo_approx=commune is not None,
        telephone=phones[0] if phones else None,
        courriel=emails[0] if emails else None,
        site_web=domains[0] if domains else None,
        thematiques=themes,
        a_verifier=placeholder,
        extra=extra,
        origin="page",
    )


def _summary(text: str, limit: int = 1500) -> str:
    """The page's text, blank lines squeezed, cut at a sentence near `limit`."""
    lines = [line.strip() for line in text.splitlines()]
    squeezed = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(squeezed) <= limit:
        return squeezed
    cut = squeezed.rfind(". ", 0, limit)
    return squeezed[: cut + 1 if cut > limit // 2 else limit] + " […]"


def _parse(path: Path, options: ImportOptions) -> Parsed:
    text = read_text(path)
    if len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", text)) < MIN_WORDS:
        raise ImportFailure(
            path, f"texte trop court pour décrire une structure (moins de {MIN_WORDS} mots)."
        )
    with communes_lookup() as conn:
        yield parse_page(text, options, conn)


FORMAT = Format("page", "page sur une structure", _detect, _parse, complete=False)
