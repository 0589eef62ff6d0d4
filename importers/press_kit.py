"""A prefecture's press kit listing funded projects ("Projet « … » par PORTEUR").

Layout, as found in such documents: a theme title followed by "N projets retenus …";
each project starts with a line `Projet « Titre » par Porteur`, then its text, a line
"Zone d'intervention : …", and a département code line ("75", "93 / 94", "IDF", "MGP")
written before or after the title. Known irregularities: the closing `»` may be missing,
"de" may stand for "par", a code may be split over two lines ("93" / "/ 95") or sit in
the middle of the text (a page break), the zone may end a paragraph.

Each project becomes one service of its porteur; one structure per porteur and
département codes ("la CROIX ROUGE FRANCAISE" and "Croix Rouge française" of the same
département are one structure, under the nicest spelling).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from store import kinds
from store.communes import Commune, by_name
from store.models import Reject, ServiceRecord, StructureRecord
from store.text import fold, normalize, slug

from .base import Format, ImportOptions, Parsed, Sample, read_text
from .prose import communes_lookup, kind_from_text, thematiques_in

_TITLE = re.compile(r"^\s*Projet\s*«\s*(?P<rest>.+?)\s*$")
_CODE_TOKEN = r"(?:\d{2,3}|2[AB]|IDF|MGP)"
_CODES = re.compile(rf"^\s*/?\s*{_CODE_TOKEN}(?:\s*/\s*{_CODE_TOKEN})*\s*/?\s*$")
_RETAINED = re.compile(r"^\s*\d+\s+projets?\s+retenus?\b", re.IGNORECASE)
_ZONE = re.compile(
    r"(?:Zones? d['’]intervention|Territoires? concern[ée]s?|Territoire vis[ée] par l['’]action)"
    r"\s*:\s*(?P<zone>.*)$",
    re.IGNORECASE,
)
_LOWER_ARTICLE = re.compile(r"^(?:la |le |les |l['’])(?=\S)")

# Theme title cues (folded) -> v1 thématiques.
THEME_THEMATIQUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"alimentaire|biens essentiels", ("equipement-et-alimentation--alimentation",)),
    (
        r"acces aux droits",
        (
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        ),
    ),
    (
        r"familles?",
        ("famille--soutien-a-la-parentalite-et-a-leducation", "famille--garde-denfants"),
    ),
    (
        r"insertion",
        ("trouver-un-emploi--repondre-a-des-offres-demploi", "remobilisation--lien-social"),
    ),
    (r"logement|hebergement", ("logement-hebergement--se-maintenir-dans-le-logement",)),
    (r"numerique", ("numerique--maitriser-les-fondamentaux-du-numerique",)),
)

_MONTHS = "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"


@dataclass
class Project:
    line: int
    title: str
    porteur: str
    theme: str | None
    body: list[str] = field(default_factory=list)
    after_zone: list[str] = field(default_factory=list)
    zone: str | None = None
    codes: list[str] = field(default_factory=list)


def _detect(sample: Sample) -> float:
    lines = sample.text.splitlines()
    titles = sum(1 for line in lines if _TITLE.match(line))
    zones = sum(1 for line in lines if _ZONE.search(line))
    if titles >= 3 and zones >= 2:
        return 0.95
    if titles >= 1 and zones >= 1:
        return 0.6
    return 0.0


def split_title(rest: str) -> tuple[str, str] | None:
    """("Titre", "porteur") from what follows "Projet «"; None when no porteur is named."""
    if "»" in rest:
        title, _, after = rest.rpartition("»")
        match = re.match(r"^(?:par|de|d['’])\s*(.+)$", after.strip(), re.IGNORECASE)
        if not match:
            return None
        return title.strip(), match.group(1).strip()
    # The closing » is missing: the porteur follows the last " par ".
    title, sep, porteur = rest.rpartition(" par ")
    if not sep or not title.strip() or not porteur.strip():
        return None
    return title.strip(), porteur.strip()


def clean_porteur(raw: str) -> str:
    """'la CROIX ROUGE FRANCAISE' -> 'CROIX ROUGE FRANCAISE'; 'la Chorba.' -> 'Chorba'."""
    name = raw.strip().rstrip(".").strip()
    name = _LOWER_ARTICLE.sub("", name)
    return name[:1].upper() + name[1:]


def porteur_key(name: str) -> str:
    """Grouping key: accents, case, punctuation and a leading article ignored."""
    words = normalize(name).split()
    while len(words) > 1 and words[0] in ("la", "le", "les", "l"):
        words = words[1:]
    return " ".join(words)


def _niceness(name: str) -> tuple[int, int, int]:
    letters = [c for c in name if c.isalpha()]
    shouting = bool(letters) and all(c.isupper() for c in letters)
    accents = sum(1 for c in name if ord(c) > 127 and c.isalpha())
    return (0 if shouting else 1, accents, -len(name))


def _codes_of(text: str) -> list[str]:
    return [c.upper() for c in re.findall(_CODE_TOKEN, text, re.IGNORECASE)]


def _themes_of(theme: str | None) -> list[str]:
    folded = fold(theme)
    found: list[str] = []
    for pattern, codes in THEME_THEMATIQUES:
        if folded and re.search(pattern, folded):
            found.extend(c for c in codes if c not in found)
    return found


def _source_name(text: str, path: Path) -> str:
    head = normalize(text[:4000])
    parts = ["dossier-presse"]
    place = re.search(
        r"\bprefet (?:de la region |de la |de l |du |des |de |d )?(?:d )?"
        r"([a-z ]+?) liberte\b",
        head,
    )
    if place:
        parts.append(slug(place.group(1)))
    date = re.search(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b", head)
    if date:
        month = _MONTHS.split("|").index(date.group(2)) + 1
        parts.append(f"{date.group(3)}-{month:02d}-{int(date.group(1)):02d}")
    if len(parts) == 1:
        parts.append(slug(path.stem))
    return "-".join(parts)


def _theme_lines(lines: list[str]) -> dict[int, str]:
    """Index -> theme title: the line before each run of "N projets retenus" lines."""
    themes: dict[int, str] = {}
    for i, line in enumerate(lines):
        if not _RETAINED.match(line):
            continue
        j = i - 1
        while j >= 0 and (not lines[j].strip() or _RETAINED.match(lines[j])):
            j -= 1
        if j >= 0 and j not in themes and not _TITLE.match(lines[j]):
            themes[j] = lines[j].strip().strip("*").strip()
    return themes


def read_projects(lines: list[str]) -> tuple[list[Project], list[Reject]]:
    themes = _theme_lines(lines)
    kinds_of_line: list[str] = []  # "T" title, "C" codes, "H" theme zone, "" other
    for i, line in enumerate(lines):
        if _TITLE.match(line):
            kinds_of_line.append("T")
        elif _CODES.match(line):
            kinds_of_line.append("C")
        elif i in themes or _RETAINED.match(line):
            kinds_of_line.append("H")
        else:
            kinds_of_line.append("")

    projects: list[Project] = []
    rejects: list[Reject] = []
    by_line: dict[int, Project | None] = {}
    theme: str | None = None
    current: Project | None = None
    for i, line in enumerate(lines):
        kind = kinds_of_line[i]
        if i in themes:
            theme = themes[i]
            current = None
        if kind == "T":
            match = _TITLE.match(line)
            assert match
            parts = split_title(match["rest"])
            if parts is None:
                rejects.append(Reject(f"ligne {i + 1}", "projet sans porteur (« par … » absent)"))
                current = None
                by_line[i] = None
                continue
            title, porteur = parts
            current = Project(i + 1, title, porteur, theme)
            projects.append(current)
            by_line[i] = current
        elif kind == "" and current is not None and line.strip():
            zone = _ZONE.search(line)
            if current.zone is None and zone:
                before = line[: zone.start()].strip()
                if before:
                    current.body.append(before)
                current.zone = zone["zone"].strip() or None
            elif current.zone is None:
                current.body.append(line.strip())
            else:
                current.after_zone.append(line.strip())

    # Codes: merge runs of code lines, then give each run to its project.
    i = 0
    while i < len(lines):
        if kinds_of_line[i] != "C":
            i += 1
            continue
        run = [lines[i].strip()]
        j = i + 1
        while j < len(lines) and (kinds_of_line[j] == "C" or not lines[j].strip()):
            if kinds_of_line[j] == "C":
                run.append(lines[j].strip())
            j += 1
        target = _code_target(lines, kinds_of_line, by_line, i, j)
        if target is not None:
            for code in _codes_of(" ".join(run)):
                if code not in target.codes:
                    target.codes.append(code)
        i = j
    # Lines after the zone belong to the project unless a theme comes before the next one.
    for n, project in enumerate(projects):
        end = projects[n + 1].line - 1 if n + 1 < len(projects) else len(lines)
        if any(kinds_of_line[k] == "H" for k in range(project.line, end)):
            project.after_zone = []
    return projects, rejects


def _code_target(
    lines: list[str],
    kinds_of_line: list[str],
    by_line: dict[int, Project | None],
    start: int,
    end: int,
) -> Project | None:
    """A code run belongs to the title just before it, else the title just after it,
    else (a page break inside a text) the project being read."""
    before = start - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    if before >= 0 and kinds_of_line[before] == "T":
        return by_line.get(before)
    after = end
    while after < len(lines) and not lines[after].strip():
        after += 1
    if after < len(lines) and kinds_of_line[after] == "T":
        return by_line.get(after)
    for k in range(before, -1, -1):
        if kinds_of_line[k] == "T":
            return by_line.get(k)
        if kinds_of_line[k] == "H":
            return None
    return None


def _zone_commune(conn: sqlite3.Connection, zone: str | None, dep: str | None) -> Commune | None:
    """The commune when a zone is one commune of the département ("Melun", "ville de Bagneux")."""
    if not zone or not dep:
        return None
    text = re.split(r"[(,.;:–]| - | dans | et ", zone)[0].strip()
    text = re.sub(
        r"^(?:la )?(?:ville|commune) (?:de la |de l['’]|du |des |de |d['’])",
        "",
        text,
        flags=re.IGNORECASE,
    )
    if not text or len(text) > 40:
        return None
    found = by_name(conn, text, dep)
    return found[0] if len(found) == 1 else None


def build_structures(
    projects: list[Project], source: str, conn: sqlite3.Connection
) -> list[StructureRecord]:
    groups: dict[tuple[str, str], list[Project]] = {}
    for project in projects:
        key = ("/".join(sorted(set(project.codes))), porteur_key(clean_porteur(project.porteur)))
        groups.setdefault(key, []).append(project)
    records = []
    for (codes_key, name_key), members in groups.items():
        spellings = [clean_porteur(p.porteur) for p in members]
        nom = max(spellings, key=_niceness)
        codes = codes_key.split("/") if codes_key else []
        numeric = [c for c in codes if c not in ("IDF", "MGP")]
        dep = numeric[0] if len(numeric) == 1 and len(codes) == 1 else None
        services = [_service(p) for p in members]
        titles = " ".join(p.title for p in members)
        texts = " ".join(s.description or "" for s in services)
        name_kind = kinds.from_text(nom)
        kind: str | None
        if name_kind in kinds.GENERIC:  # "Association …": what it does says more
            kind = kinds.from_text(titles) or kind_from_text(texts) or name_kind
        else:
            kind = name_kind or kinds.from_text(titles) or kind_from_text(texts)
        commune = None
        for project in members:
            commune = _zone_commune(conn, project.zone, dep)
            if commune:
                break
        extra: dict[str, object] = {
            "codes_departement": " / ".join(codes) or None,
            "orthographes": sorted(set(p.porteur for p in members)),
        }
        if commune:
            extra["commune_d_apres_la_zone"] = True
        records.append(
            StructureRecord(
                nom=nom,
                source=source,
                source_id=f"{codes_key or '-'}:{name_key}",
                kind=kind or "association",
                departement=dep,
                commune=commune.nom if commune else None,
                code_insee=commune.insee if commune else None,
                code_postal=(
                    commune.codes_postaux[0] if commune and commune.codes_postaux else None
                ),
                latitude=commune.lat if commune else None,
                longitude=commune.lon if commune else None,
                geo_approx=commune is not None,
                zone_intervention=codes,
                extra=extra,
                services=services,
                origin=f"ligne {members[0].line}",
            )
        )
    return records


def _service(project: Project) -> ServiceRecord:
    body = "\n".join(project.body + project.after_zone).strip()
    themes = _themes_of(project.theme)
    for code in thematiques_in(f"{project.title}\n{body}"):
        if code not in themes:
            themes.append(code)
    extra: dict[str, object] = {"ligne": project.line}
    if project.theme:
        extra["theme"] = project.theme
    if project.zone:
        extra["zone_intervention"] = project.zone
    if project.codes:
        extra["codes"] = " / ".join(project.codes)
    return ServiceRecord(
        nom=project.title,
        description="\n\n".join(p for p in (body, _zone_sentence(project.zone)) if p) or None,
        thematiques=themes,
        zone_eligibilite=list(project.codes),
        statut="lauréat de l'appel à projets",
        extra=extra,
    )


def _zone_sentence(zone: str | None) -> str | None:
    return f"Zone d'intervention : {zone}" if zone else None


def _parse(path: Path, options: ImportOptions) -> Parsed:
    text = read_text(path)
    projects, rejects = read_projects(text.splitlines())
    yield from rejects
    if not projects:
        return
    with communes_lookup() as conn:
        yield from build_structures(projects, _source_name(text, path), conn)


FORMAT = Format("press_kit", "dossier de presse (projets lauréats)", _detect, _parse)
