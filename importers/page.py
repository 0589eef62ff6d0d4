"""A free page of text about one structure (a web page, a brochure's page).

What the text gives is kept: a name (or `--name`; else a readable placeholder marked
"à vérifier"), the commune recognised through the communes table, e-mail, website,
phone, région; kind and thématiques are inferred from the text. One page is not the
whole of a source, so nothing is retired when a page is imported (`complete=False`).

The cues it shares with the other document formats live in importers/prose.py.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from store import kinds
from store.communes import Commune, by_name, find_in_text
from store.models import StructureRecord
from store.text import normalize
from store.vocab.departements import code_of, region_of

from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, read_text
from .prose import communes_lookup, kind_from_text, thematiques_in

SOURCE = "page"
MIN_WORDS = 20

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
    if name is None:
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
