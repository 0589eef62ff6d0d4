"""A realistic, FICTIONAL national dataset in data·inclusion v1 JSON, for the benchmark only.

Structures are spread over the real communes weighted by population; names follow French
naming habits for every kind of `store.kinds` (accents, upper-case exports, near-duplicates,
punctuation variants), fields are sometimes missing, hours are OSM strings or free text.
Everything is marked fictional: source "bench-fictif", phone numbers in the 01 99 00 range
(reserved for fiction), e-mails at example.org. Deterministic from the seed.

Never shipped to users: this lives in `bench/` and writes under `bench/out/`.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from store import kinds
from store.vocab.thematiques import THEMATIQUES

SOURCE = "bench-fictif"
OUT = Path(__file__).resolve().parent / "out"
COMMUNES_CSV = Path(kinds.__file__).resolve().parent / "data" / "communes.csv.gz"

# Kinds and how often each appears nationally (weights, roughly like data·inclusion).
KIND_WEIGHTS: dict[str, float] = {
    "mairie": 14,
    "ccas": 8,
    "france-services": 3,
    "pimms": 1,
    "ecrivain-public": 1.5,
    "epicerie-solidaire": 3,
    "aide-alimentaire": 6,
    "vestiaire": 2,
    "ressourcerie": 1.5,
    "accueil-de-jour": 1,
    "hebergement": 3,
    "logement": 2,
    "centre-social": 5,
    "caf": 1,
    "service-social-departemental": 4,
    "point-justice": 1.5,
    "cidff": 0.5,
    "cpam": 1,
    "point-conseil-budget": 1,
    "mediation-numerique": 6,
    "langue-francaise": 3,
    "mdph": 0.3,
    "mission-locale": 2,
    "france-travail": 2,
    "insertion": 5,
    "sante": 3,
    "addictologie": 1,
    "mobilite": 1,
    "accueil-exiles": 1,
    "association": 10,
    "autre": 2,
}

PEOPLE = [
    "Jean Moulin",
    "Louise Michel",
    "Simone Veil",
    "Victor Hugo",
    "Jean Jaurès",
    "Aimé Césaire",
    "Lucie Aubrac",
    "Pierre Mendès France",
    "Olympe de Gouges",
    "Germaine Tillion",
    "Jean-Montsarrat",
    "Léo Lagrange",
    "Marie Curie",
    "Jacques Prévert",
    "Émile Zola",
    "Joséphine Baker",
    "Gisèle Halimi",
    "Abbé Pierre",
    "Françoise Dolto",
    "Paul Éluard",
]
QUARTIERS = [
    "des Tilleuls",
    "du Centre",
    "de la Gare",
    "des Coteaux",
    "du Vieux Bourg",
    "des Écoles",
    "Bellevue",
    "les Peupliers",
    "la Source",
    "du Moulin",
    "Saint-Exupéry",
    "les Aubépines",
    "du Parc",
    "de l'Étang",
    "des Hauts-de-Seine",
    "la Croix-Blanche",
    "les Érables",
]
ASSOCIATIONS = [
    "Ville Plurielle",
    "Solidarité Partage",
    "Entraide et Amitié",
    "Le Pont",
    "Passerelles",
    "Trait d'Union",
    "Accueil Fraternité",
    "Coup de Pouce",
    "Horizons Solidaires",
    "L'Escale",
    "Main Tendue",
    "Le Relais",
    "Cœur de Quartier",
    "Femmes Relais",
    "Parenthèse",
    "Les Amis du Partage",
    "Alpha Plus",
    "Le Fil d'Ariane",
    "Dom'Asile",
    "Emmaüs Solidarité",
]

# Name templates per kind: {c} commune, {p} person, {q} quartier, {a} association, {d} dép.
NAMES: dict[str, list[str]] = {
    "mairie": [
        "Mairie de {c}",
        "MAIRIE DE {C}",
        "Mairie annexe {q} - {c}",
        "Hôtel de ville de {c}",
    ],
    "ccas": ["CCAS de {c}", "Centre communal d'action sociale de {c}", "C.C.A.S. {C}", "CIAS {c}"],
    "france-services": [
        "France Services {c}",
        "Espace France Services de {c}",
        "France services - {c} {q}",
        "Maison France Services {c}",
    ],
    "pimms": [
        "PIMMS de {c}",
        "Pimms Médiation {c}",
        "Point d'information médiation multi services {c}",
    ],
    "ecrivain-public": [
        "Écrivain public - {a}",
        "Permanence écrivain public {c}",
        "ECRIVAIN PUBLIC {C}",
    ],
    "epicerie-solidaire": [
        "Épicerie solidaire {a}",
        "Epicerie sociale de {c}",
        "L'épicerie solidaire {q}",
        "EPISOL {C}",
    ],
    "aide-alimentaire": [
        "Restos du Cœur - {c}",
        "Les Restaurants du Coeur {c}",
        "Secours populaire français - comité de {c}",
        "Croix-Rouge française - unité locale de {c}",
        "CROIX ROUGE FRANCAISE {C}",
        "Banque alimentaire {d}",
    ],
    "vestiaire": ["Vestiaire solidaire {a}", "Boutique solidaire {c}", "La Cravate Solidaire {c}"],
    "ressourcerie": [
        "Ressourcerie {q}",
        "Recyclerie de {c}",
        "Emmaüs {c}",
        "Communauté Emmaus {c}",
    ],
    "accueil-de-jour": ["Accueil de jour {a}", "Accueil de jour de {c}", "Halte de jour {q}"],
    "hebergement": [
        "CHRS {a}",
        "Centre d'hébergement {p}",
        "Foyer de jeunes travailleurs {p}",
        "Résidence sociale {q}",
        "SIAO {d}",
    ],
    "logement": [
        "ADIL {d}",
        "Agence immobilière à vocation sociale {c}",
        "Maison de l'habitat {c}",
    ],
    "centre-social": [
        "Centre social {p}",
        "CENTRE SOCIAL {P}",
        "Maison de quartier {q}",
        "Espace de vie sociale {a}",
        "Centre socio-culturel {p}",
        "MJC {c}",
        "Espace {p}",
    ],
    "caf": ["CAF {d} - accueil de {c}", "Caisse d'allocations familiales - {c}"],
    "service-social-departemental": [
        "Maison des solidarités {c}",
        "MDS {q}",
        "Centre médico-social {c}",
        "Espace départemental des solidarités {c}",
        "PMI {c}",
    ],
    "point-justice": [
        "Point-justice {c}",
        "Maison de justice et du droit de {c}",
        "Point d'accès au droit {c}",
    ],
    "cidff": ["CIDFF {d}", "Centre d'information sur les droits des femmes et des familles {d}"],
    "cpam": ["CPAM {d} - accueil de {c}", "Assurance Maladie - {c}", "MSA {d}"],
    "point-conseil-budget": ["Point conseil budget {a}", "PCB {c}", "Crésus {d}"],
    "mediation-numerique": [
        "Espace numérique {c}",
        "Conseiller numérique - {c}",
        "Cyber-base {c}",
        "EPN {q}",
        "Emmaüs Connect {c}",
        "Fab lab solidaire {a}",
    ],
    "langue-francaise": [
        "Ateliers sociolinguistiques {a}",
        "Cours de français {q}",
        "Alphabétisation {a}",
        "ASL {c}",
    ],
    "mdph": ["MDPH {d}", "Maison départementale des personnes handicapées {d}"],
    "mission-locale": ["Mission locale {c}", "Mission Locale du pays de {c}", "MISSION LOCALE {C}"],
    "france-travail": ["France Travail {c}", "Agence France Travail {c} {q}", "Cap emploi {d}"],
    "insertion": [
        "Atelier chantier d'insertion {a}",
        "Régie de quartier {q}",
        "Entreprise d'insertion {a}",
        "Association intermédiaire {c}",
        "PLIE {c}",
    ],
    "sante": ["Centre de santé {p}", "PASS {c}", "Planning familial {d}", "Maison de santé {c}"],
    "addictologie": ["CSAPA {a}", "CAARUD {c}", "Centre d'addictologie {c}"],
    "mobilite": [
        "Plateforme mobilité {c}",
        "Wimoov {d}",
        "Garage solidaire {a}",
        "Auto-école sociale {c}",
    ],
    "accueil-exiles": ["CADA {c}", "Accueil des exilés {a}", "HUDA {c}", "Singa {c}"],
    "association": ["Association {a}", "{a}", "{A}", "Association {a} - {c}", "Amicale {q}"],
    "autre": ["Permanence {q}", "Maison des associations {c}", "Point accueil {c}"],
}

SERVICE_NAMES: dict[str, list[str]] = {
    "difficultes-administratives-ou-juridiques": [
        "Aide aux démarches administratives",
        "Accompagnement à l'accès aux droits",
        "Permanence juridique gratuite",
        "Aide à la constitution de dossiers",
    ],
    "equipement-et-alimentation": [
        "Distribution de colis alimentaires",
        "Épicerie à petits prix",
        "Vestiaire",
        "Repas chauds",
        "Bons alimentaires",
    ],
    "numerique": [
        "Atelier numérique débutants",
        "Accès libre à un ordinateur",
        "Aide aux démarches en ligne",
        "Prêt de matériel informatique",
    ],
    "logement-hebergement": [
        "Hébergement d'urgence",
        "Aide à la recherche de logement",
        "Prévention des expulsions",
        "Domiciliation",
    ],
    "difficultes-financieres": [
        "Aide au budget",
        "Microcrédit personnel",
        "Accompagnement surendettement",
        "Aide financière ponctuelle",
    ],
    "famille": [
        "Soutien à la parentalité",
        "Lieu d'accueil enfants-parents",
        "Médiation familiale",
    ],
    "sante": ["Consultations sans rendez-vous", "Bilan de santé", "Écoute psychologique"],
    "lecture-ecriture-calcul": [
        "Cours de français langue étrangère",
        "Atelier d'écriture",
        "Remise à niveau",
    ],
    "trouver-un-emploi": [
        "Accompagnement vers l'emploi",
        "Atelier CV et lettre de motivation",
        "Job dating",
    ],
    "mobilite": [
        "Location de véhicules à petit prix",
        "Aide au permis de conduire",
        "Prêt de vélos",
    ],
    "remobilisation": ["Café social", "Sorties culturelles", "Ateliers collectifs"],
}
GENERIC_SERVICES = ["Accueil et orientation", "Permanence d'information", "Accompagnement social"]

DESCRIPTIONS = [
    "Accueil inconditionnel, écoute et orientation vers les partenaires du territoire.",
    "Permanences sur rendez-vous ; se munir d'une pièce d'identité et de justificatifs.",
    "Structure fictive générée pour le banc d'essai. Aide aux démarches CAF, CPAM, impôts.",
    "Les bénévoles accueillent les familles orientées par les travailleurs sociaux.",
    "Accompagnement individuel et ateliers collectifs, gratuits, ouverts à tous.",
    "Accès sur orientation d'un travailleur social. Participation symbolique demandée.",
]
OSM_HOURS = [
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Mo-Fr 08:30-12:30",
    "Tu,Th 14:00-18:00",
    "Mo-Th 09:00-12:00,13:30-17:30; Fr 09:00-12:00",
    "We 09:00-12:00; Sa 10:00-12:00",
    "Mo-Sa 09:00-19:00",
    "24/7",
]
FREE_HOURS = [
    "Du lundi au vendredi de 9h à 12h et de 14h à 17h",
    "Lundi, mercredi : 9h-12h",
    "Sur rendez-vous",
    "Le mardi matin de 9h30 à 11h30",
    "Tous les jeudis après-midi",
    "lundi au jeudi 8h30-12h / 13h30-17h",
]


@dataclass(frozen=True)
class Commune:
    insee: str
    nom: str
    dep: str
    lat: float | None
    lon: float | None
    postcode: str | None


def load_communes() -> tuple[list[Commune], list[float]]:
    """Communes and their cumulative population weights (arrondissements excluded)."""
    communes: list[Commune] = []
    cumulative: list[float] = []
    total = 0.0
    with gzip.open(COMMUNES_CSV, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("type") not in (None, "", "COM"):
                continue
            postcodes = (row.get("codes_postaux") or "").split()
            lat, lon = row.get("lat"), row.get("lon")
            communes.append(
                Commune(
                    row["insee"],
                    row["nom"],
                    row["dep"],
                    float(lat) if lat else None,
                    float(lon) if lon else None,
                    postcodes[0] if postcodes else None,
                )
            )
            total += max(int(row.get("population") or 0), 50)
            cumulative.append(total)
    return communes, cumulative


def _fill(template: str, rng: random.Random, commune: Commune) -> str:
    values = {
        "c": commune.nom,
        "p": rng.choice(PEOPLE),
        "q": rng.choice(QUARTIERS),
        "a": rng.choice(ASSOCIATIONS),
        "d": commune.dep,
    }
    for key in list(values):
        values[key.upper()] = values[key].upper()
    return template.format(**values)


def _hours(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(OSM_HOURS)
    if roll < 0.75:
        return rng.choice(FREE_HOURS)
    return None


def _maybe(rng: random.Random, value: object, present: float) -> object:
    return value if rng.random() < present else None


def structures(n: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """n data·inclusion v1 structures (dicts), deterministic from the seed."""
    rng = random.Random(seed)
    communes, cumulative = load_communes()
    slugs = list(KIND_WEIGHTS)
    kind_cum: list[float] = []
    acc = 0.0
    for slug in slugs:
        acc += KIND_WEIGHTS[slug]
        kind_cum.append(acc)
    reseaux_of = {slug: kinds.reseaux_of(slug) for slug in slugs}
    previous: dict[str, object] | None = None
    for i in range(n):
        commune = rng.choices(communes, cum_weights=cumulative)[0]
        slug = rng.choices(slugs, cum_weights=kind_cum)[0]
        nom = _fill(rng.choice(NAMES[slug]), rng, commune)
        if previous is not None and rng.random() < 0.03:
            # A near-duplicate of the previous record: same place, name spelled differently.
            nom = _near_duplicate(str(previous["nom"]), rng)
        lat = commune.lat + rng.uniform(-0.02, 0.02) if commune.lat is not None else None
        lon = commune.lon + rng.uniform(-0.03, 0.03) if commune.lon is not None else None
        has_geo = rng.random() < 0.85
        reseaux = (
            [rng.choice(reseaux_of[slug])] if reseaux_of[slug] and rng.random() < 0.6 else None
        )
        record: dict[str, object] = {
            "source": SOURCE,
            "id": f"fictif-{i:07d}",
            "nom": nom,
            "description": _maybe(rng, rng.choice(DESCRIPTIONS), 0.7),
            "adresse": _maybe(rng, f"{rng.randint(1, 120)} rue {rng.choice(PEOPLE)}", 0.85),
            "complement_adresse": _maybe(rng, f"Bâtiment {rng.choice('ABCD')}", 0.1),
            "code_postal": _maybe(rng, commune.postcode, 0.95),
            "commune": commune.nom if rng.random() < 0.97 else commune.nom.upper(),
            "code_insee": _maybe(rng, commune.insee, 0.8),
            "latitude": round(lat, 5) if has_geo and lat is not None else None,
            "longitude": round(lon, 5) if has_geo and lon is not None else None,
            "telephone": _maybe(
                rng, f"01 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}", 0.7
            ),
            "courriel": _maybe(rng, f"contact{i}@example.org", 0.5),
            "site_web": _maybe(rng, f"https://fictif-{i}.example.org", 0.3),
            "horaires_accueil": _hours(rng),
            "accessibilite_lieu": None,
            "reseaux_porteurs": reseaux,
            "siret": None,
            "lien_source": None,
            "date_maj": f"202{rng.randint(2, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        }
        previous = record
        yield record


def _near_duplicate(nom: str, rng: random.Random) -> str:
    variants = [
        nom.upper(),
        nom.replace("-", " "),
        nom.replace("é", "e").replace("è", "e"),
        nom + " ",
        nom.replace(" de ", " "),
    ]
    return rng.choice(variants).strip() or nom


def services(
    n: int, structure_rows: list[dict[str, object]], seed: int = 7
) -> Iterator[dict[str, object]]:
    """n v1 services attached to the given structures (by their `id`)."""
    rng = random.Random(seed + 1)
    by_kind = {k.slug: k for k in kinds.KINDS}
    codes = list(THEMATIQUES)
    for i in range(n):
        structure = structure_rows[rng.randrange(len(structure_rows))]
        slug = kinds.infer(
            str(structure["nom"]), None, structure.get("reseaux_porteurs") or (), None
        )
        typical = list(by_kind[slug].thematiques) if slug in by_kind else []
        themes = {rng.choice(typical)} if typical and rng.random() < 0.8 else {rng.choice(codes)}
        if rng.random() < 0.3:
            themes.add(rng.choice(codes))
        family = next(iter(themes)).split("--")[0]
        nom = rng.choice(SERVICE_NAMES.get(family, GENERIC_SERVICES))
        yield {
            "source": SOURCE,
            "id": f"fictif-service-{i:07d}",
            "structure_id": structure["id"],
            "nom": nom,
            "description": f"{nom}. {rng.choice(DESCRIPTIONS)}",
            "type": rng.choice(["accompagnement", "aide-materielle", "atelier", "information"]),
            "thematiques": sorted(themes),
            "publics": rng.sample(
                [
                    "tous-publics",
                    "familles",
                    "jeunes",
                    "seniors",
                    "personnes-exilees",
                    "demandeurs-emploi",
                ],
                k=rng.randint(1, 2),
            ),
            "publics_precisions": None,
            "frais": [rng.choice(["gratuit", "gratuit", "payant"])],
            "frais_precisions": None,
            "modes_accueil": ["en-presentiel"]
            if rng.random() < 0.8
            else ["a-distance", "en-presentiel"],
            "modes_mobilisation": None,
            "conditions_acces": _maybe(rng, "Sur orientation d'un travailleur social", 0.2),
            "zone_eligibilite": None,
            "horaires_accueil": _hours(rng),
            "telephone": None,
            "courriel": None,
            "lien_source": None,
            "date_maj": str(structure["date_maj"]),
        }


def generate(
    n_structures: int, n_services: int, seed: int = 7, out: Path = OUT
) -> tuple[Path, Path]:
    """Write (or reuse) `structures.json` and `services.json`; return their paths."""
    folder = out / f"fictif-{n_structures}-{n_services}-{seed}"
    structures_path = folder / "structures.json"
    services_path = folder / "services.json"
    if structures_path.exists() and services_path.exists():
        return structures_path, services_path
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(structures(n_structures, seed))
    _dump(structures_path, rows)
    _dump(services_path, list(services(n_services, rows, seed)))
    return structures_path, services_path


def structure_lines(n_structures: int, seed: int = 7, out: Path = OUT) -> Path:
    """Write (or reuse) `n_structures` structures as data·inclusion JSON Lines, streamed (the
    memory measure imports 100 000 and 1 000 000 of them)."""
    path = out / f"fictif-lignes-{n_structures}-{seed}" / "structures.jsonl"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in structures(n_structures, seed):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def _dump(path: Path, rows: list[dict[str, object]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(rows, handle, ensure_ascii=False)
    tmp.replace(path)


if __name__ == "__main__":
    import sys

    print(*generate(int(sys.argv[1]), int(sys.argv[2])))
