"""The federation's "actions des centres sociaux" pages: one sheet per action.

A sheet starts with a line "Actions" followed by the action's title, then labelled fields
written as "- Label" lines ("- Structure organisatrice", "- Statut de l'action", "- Mots
clés associés à l'action", "- Résumé", "- Public", …), each followed by its content.
Each action becomes a service of its organising structure ("NAME - Département");
structures have no ids in the source, so theirs come from the name and département.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from store.models import Reject, ServiceRecord, StructureRecord
from store.text import fold, normalize
from store.vocab.departements import code_of, region_of

from .base import Format, ImportOptions, Parsed, Sample, read_text
from .prose import commune_in_name, communes_lookup, thematiques_in

SOURCE = "fcsf-actions"

# The field labels of a sheet, as written after "- ".
LABELS = (
    "Structure organisatrice",
    "Fichier(s) associé(s)",
    "Statut de l'action",
    "Raisons pour lesquelles l'action est terminée",
    "Dimension",
    "Mots clés associés à l'action",
    "Résumé",
    "Qui est à l'initiative de l'action ?",
    "Précision ( si autre )",
    "Territoire concerné",
    "Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases.",
    "Public",
    "Avec qui cette action a-t-elle été menée ?",
    "Description générale",
    "Ressources financières mobilisées pour cette action",
    "Nombre de personnes mobilisés pour cette action",
    "Résultat sur le territoire",
    "Résultat pour le centre social",
    "Résultat pour les habitants",
    "Suite de l'action : Limites",
    "Suite de l'action : Perspectives",
)
_LABEL_KEYS = {normalize(label): label for label in LABELS}
STRUCTURE = "Structure organisatrice"
STATUS = "Statut de l'action"
KEYWORDS = "Mots clés associés à l'action"
SUMMARY = "Résumé"
DESCRIPTION = "Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases."
PUBLIC = "Public"

# The federation's keywords -> v1 thématiques.
KEYWORD_THEMES: dict[str, tuple[str, ...]] = {
    "solidarite": ("remobilisation--lien-social",),
    "democratie citoyennete": ("remobilisation--benevolat-action-citoyenne",),
    "mixite sociale": ("remobilisation--lien-social",),
    "intergenerationnel": ("remobilisation--lien-social",),
    "parentalite": ("famille--soutien-a-la-parentalite-et-a-leducation",),
    "education scolarite": ("famille--soutien-a-la-parentalite-et-a-leducation",),
    "emploi economie": ("trouver-un-emploi--repondre-a-des-offres-demploi",),
    "culture": ("remobilisation--activites-sportives-et-culturelles",),
    "vacances loisirs": ("remobilisation--activites-sportives-et-culturelles",),
    "sport": ("remobilisation--activites-sportives-et-culturelles",),
    "precarite": ("difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",),
    "integration": (
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
    ),
    "mobilite transport": ("mobilite--etre-accompagne-dans-son-parcours-mobilite",),
    "sante": ("sante--acces-aux-soins",),
    "logement": ("logement-hebergement--se-maintenir-dans-le-logement",),
    "numerique": ("numerique--maitriser-les-fondamentaux-du-numerique",),
    "acces aux droits": (
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
    ),
    "petite enfance": ("famille--garde-denfants",),
    "handicap": ("sante--constituer-un-dossier-mdph-invalidite",),
}

# The federation's publics -> v1 publics.
PUBLICS: dict[str, str] = {
    "tous publics": "tous-publics",
    "familles": "familles",
    "jeunesse": "jeunes",
    "jeunes": "jeunes",
    "jeunes adultes": "jeunes",
    "enfance": "familles",
    "petite enfance": "familles",
    "seniors": "seniors",
    "personnes agees": "seniors",
    "femmes": "femmes",
}

_ACTIONS_LINE = re.compile(r"^\s*Actions\s*$")


def _detect(sample: Sample) -> float:
    text = fold(sample.text)
    markers = (
        "- structure organisatrice",
        "- mots cles associes a l'action",
        "- statut de l'action",
        "- qui est a l'initiative de l'action",
    )
    found = sum(marker in text for marker in markers)
    if found >= 3:
        return 0.95
    return 0.5 if found == 2 else 0.0


def _label_of(line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith("- "):
        return None
    return _LABEL_KEYS.get(normalize(stripped[2:]))


def _split_sheets(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number of the title, the sheet's lines from its title on)."""
    starts = [i for i, line in enumerate(lines) if _ACTIONS_LINE.match(line)]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        yield start + 2, lines[start + 1 : end]


def _fields(lines: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        label = _label_of(line)
        if label:
            current = fields.setdefault(label, [])
            continue
        if current is not None and line.strip() and line.strip() != "-":
            current.append(line.rstrip())
    return fields


def _items(values: list[str]) -> list[str]:
    """List entries: "- x" lines, without the dash, deduplicated."""
    items = []
    for value in values:
        item = value.strip().removeprefix("- ").strip()
        if item and item not in items:
            items.append(item)
    return items


def _text(values: list[str]) -> str | None:
    text = "\n".join(v.strip() for v in values).strip()
    return text or None


def _themes(keywords: list[str], text: str) -> list[str]:
    themes: list[str] = []
    for keyword in keywords:
        for code in KEYWORD_THEMES.get(normalize(keyword), ()):
            if code not in themes:
                themes.append(code)
    for code in thematiques_in(text):
        if code not in themes:
            themes.append(code)
    return themes


def parse_sheet(
    title: str, fields: dict[str, list[str]], where: str
) -> tuple[StructureRecord | None, str | None]:
    """One action as its structure with one service, or (None, reason)."""
    organiser = _items(fields.get(STRUCTURE, []))
    if not organiser:
        return None, "structure organisatrice absente"
    nom, sep, dep_name = organiser[0].rpartition(" - ")
    if not sep or not nom.strip():
        return None, (
            f"structure « {organiser[0]} » sans département (attendu « NOM - Département »)"
        )
    nom, dep_name = nom.strip(), dep_name.strip()
    dep = code_of(dep_name)
    if dep is None:
        return None, f"département « {dep_name} » inconnu"
    keywords = _items(fields.get(KEYWORDS, []))
    publics_raw = _items(fields.get(PUBLIC, []))
    publics = sorted({PUBLICS[k] for p in publics_raw if (k := normalize(p)) in PUBLICS})
    summary = _text(fields.get(SUMMARY, []))
    experience = _text(fields.get(DESCRIPTION, []))
    description = "\n\n".join(part for part in (summary, experience) if part) or None
    status = _items(fields.get(STATUS, []))
    extra: dict[str, object] = {"mots_cles": keywords}
    for key, label in (
        ("dimension", "Dimension"),
        ("initiative", "Qui est à l'initiative de l'action ?"),
        ("territoire", "Territoire concerné"),
        ("partenaires", "Avec qui cette action a-t-elle été menée ?"),
    ):
        values = [v for v in _items(fields.get(label, [])) if not v.endswith(":")]
        if values:
            extra[key] = values
    for key, label in (
        ("raison_fin", "Raisons pour lesquelles l'action est terminée"),
        ("resultats_habitants", "Résultat pour les habitants"),
        ("perspectives", "Suite de l'action : Perspectives"),
    ):
        value = _text(fields.get(label, []))
        if value:
            extra[key] = value
    service = ServiceRecord(
        nom=title,
        description=description,
        thematiques=_themes(keywords, f"{title}\n{summary or ''}"),
        publics=publics,
        publics_precisions=", ".join(publics_raw) or None,
        statut=status[0] if status else None,
        extra=extra,
    )
    structure = StructureRecord(
        nom=nom,
        source=SOURCE,
        # No ids in the source: the normalised name and the département make one.
        source_id=f"{dep}:{normalize(nom)}",
        kind="centre-social",
        departement=dep,
        reseaux_porteurs=["fcsf"],
        extra={"departement_nom": dep_name, "region": region_of(dep)},
        services=[service],
        origin=where,
    )
    return structure, None


def _parse(path: Path, options: ImportOptions) -> Parsed:
    lines = read_text(path).splitlines()
    with communes_lookup() as conn:
        for line_number, sheet in _split_sheets(lines):
            title = sheet[0].strip() if sheet else ""
            where = f"ligne {line_number}"
            if not title or _label_of(title):
                yield Reject(where, "fiche d'action sans titre")
                continue
            record, reason = parse_sheet(title, _fields(sheet[1:]), f"{where}, action « {title} »")
            if record is None:
                yield Reject(f"{where}, action « {title} »", reason or "fiche illisible")
                continue
            commune = commune_in_name(conn, record.nom, record.departement)
            if commune:
                record.commune = commune.nom
                record.code_insee = commune.insee
                record.code_postal = commune.codes_postaux[0] if commune.codes_postaux else None
                record.latitude, record.longitude = commune.lat, commune.lon
                record.geo_approx = True
                record.extra["commune_d_apres_le_nom"] = True
            yield record


FORMAT = Format("actions_sheets", "fiches « actions des centres sociaux »", _detect, _parse)
