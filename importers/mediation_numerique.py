"""The national « lieux de médiation numérique » dataset (ANCT, cartographie nationale).

One record per place: where to learn the basics of a computer or a phone, get online, get
help with procedures online. Two revisions are found in real exports, as a JSON array or CSV:
- the older one (2021–2022): lists separated by `;` (or `, ` in the conseillers numériques
  file), `conditions_acces` (or `conditions_access`), `publics_accueillis`, `courriel`;
- schema v1 (2023): lists separated by `|`, `frais_a_charge`, `publics_specifiquement_adresses`,
  `prise_en_charge_specifique`, `courriels`, `prise_rdv`, `typologie`, `labels_nationaux`…
Both carry `pivot` (the SIRET, or fourteen zeros), `services` as text, OSM `horaires`.

Each published service becomes a service with its data·inclusion thématiques, publics and
fees (store/vocab/mediation_numerique.tsv); labels become réseaux porteurs. The kind follows
the typologie, réseaux and name (a France services, a CCAS, a centre social keep theirs);
otherwise, or when those only say « association » or « mairie », it is `mediation-numerique`:
every place of this dataset is one.

Source names are `mediation-numerique:<source>` from each record's `source` field (never the
file's name); source ids are the `id`s. A regional file is not the whole of its sources.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import kinds
from store.models import Reject, ServiceRecord, StructureRecord
from store.text import normalize, slug
from store.vocab import tsv_rows

from . import jsonstream
from .base import Format, ImportFailure, ImportOptions, Parsed, Sample, first_char
from .csvfile import csv_rows, sniff_delimiter
from .fields import Checked, french_phone, text

PREFIX = "mediation-numerique:"
KIND = "mediation-numerique"
# Columns only this dataset has (beside nom, adresse…): recognising a file by its columns.
MARKERS = frozenset(
    {
        "pivot",
        "conditions_acces",
        "conditions_access",
        "frais_a_charge",
        "publics_accueillis",
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
        "modalites_accompagnement",
        "modalites_acces",
        "labels_nationaux",
        "labels_autres",
        "courriels",
        "prise_rdv",
        "structure_parente",
        "fiche_acces_libre",
        "itinerance",
        "horaires",
    }
)
_LIST_SPLIT = re.compile(r"\s*[|;]\s*")
_COMMA_LIST = re.compile(r"\s*,\s+(?=[A-ZÀ-Ý])")  # "CNFS, France Services"
_SERVICES_TEXT = re.compile(r'"services"\s*:\s*"')


# -- the reference table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """What the published values mean (keys are normalised labels, before any « : »)."""

    services: dict[str, tuple[str, ...]]  # -> v1 thématiques
    publics: dict[str, tuple[str, ...]]  # -> v1 publics
    frais: dict[str, str]  # -> gratuit | payant
    labels: dict[str, str | None]  # -> réseau porteur


def key(value: str) -> str:
    return normalize(value.split(" : ", 1)[0])


@functools.cache
def vocabulary() -> Vocabulary:
    tables: dict[str, dict[str, Any]] = {"service": {}, "public": {}, "frais": {}, "label": {}}
    for _number, (section, label, codes) in tsv_rows("mediation_numerique.tsv"):
        values = () if codes == "-" else tuple(codes.split())
        if section in ("frais", "label"):
            tables[section][key(label)] = values[0] if values else None
        else:
            tables[section][key(label)] = values
    return Vocabulary(tables["service"], tables["public"], tables["frais"], tables["label"])


# -- reading values ---------------------------------------------------------------------------


def items(value: Any) -> list[str]:
    """A published list: `a|b`, `a;b`, `A, B` (capitalised items), or a JSON list."""
    if isinstance(value, list):
        return [t for v in value if (t := text(v))]
    raw = text(value)
    if not raw:
        return []
    parts = (_LIST_SPLIT if "|" in raw or ";" in raw else _COMMA_LIST).split(raw)
    return [p.strip() for p in parts if p.strip()]


def _first_valid(values: list[str], check: Any) -> str | None:
    return next((v for v in (check(value) for value in values) if v), None)


def _siret(pivot: Any, checked: Checked) -> str | None:
    raw = text(pivot)
    if not raw or set(raw) == {"0"}:  # fourteen zeros: "no SIRET known"
        return None
    return checked.siret(raw)


def _typologie(value: Any) -> str | None:
    """The most telling of the place's typologies (`ASSO|EPN`: EPN)."""
    codes = items(value)
    for code in codes:
        if kinds.from_typologie(code) not in (None, *kinds.GENERIC):
            return code
    return codes[0] if codes else None


def _date(value: Any, checked: Checked) -> str | None:
    """The update date; 1970-01-01 (a zero timestamp) says none is known."""
    raw = text(value)
    if raw and raw.startswith("1970-01-01"):
        checked.dropped["date_maj"] = raw
        return None
    return raw


def _joined(*parts: Any) -> str | None:
    texts = [t for p in parts if (t := text(p))]
    return "\n\n".join(dict.fromkeys(texts)) or None


# -- one record -------------------------------------------------------------------------------


def _services(item: dict[str, Any], vocab: Vocabulary) -> list[ServiceRecord]:
    publics_raw = items(item.get("publics_accueillis")) + items(
        item.get("publics_specifiquement_adresses")
    )
    publics = sorted({c for p in publics_raw for c in vocab.publics.get(key(p), ())})
    specific = items(item.get("prise_en_charge_specifique"))
    precisions = "; ".join(dict.fromkeys(publics_raw + specific)) or None
    conditions = items(item.get("frais_a_charge")) or items(
        item.get("conditions_acces") or item.get("conditions_access")
    )
    frais = sorted({f for c in conditions if (f := vocab.frais.get(key(c)))})
    # What the fee codes do not say already (« Adhésion », « Gratuit sous condition : … »).
    precisions_frais = "; ".join(c for c in conditions if key(c) not in frais) or None
    modalites = items(item.get("modalites_accompagnement"))
    description = ("Accompagnement : " + "; ".join(modalites) + ".") if modalites else None
    booking = text(item.get("prise_rdv"))
    return [
        ServiceRecord(
            nom=name,
            thematiques=list(vocab.services.get(key(name), ())),
            description=description,
            publics=publics,
            publics_precisions=precisions,
            frais=frais,
            frais_precisions=precisions_frais,
            modes_accueil=["en-presentiel"],
            lien_mobilisation=booking if booking and booking.startswith("http") else None,
        )
        for name in dict.fromkeys(items(item.get("services")))
    ]


def _extra(item: dict[str, Any], labels: list[str], checked: Checked) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name in (
        "structure_parente",
        "modalites_acces",
        "itinerance",
        "labels_autres",
        "formations_labels",
        "fiche_acces_libre",
        "prise_rdv",
        "accessibilite",
    ):
        if value := text(item.get(name)):
            extra[name] = value
    if labels:
        extra["labels_nationaux"] = labels
    return checked.note_into(extra)


def record_from(item: dict[str, Any], origin: str) -> StructureRecord | Reject:
    """One place as a record, or a Reject naming why it cannot be used."""
    nom = text(item.get("nom"))
    if not nom:
        return Reject(origin, "lieu de médiation numérique sans nom")
    vocab = vocabulary()
    checked = Checked()
    lat, lon = checked.coordinates(item.get("latitude"), item.get("longitude"))
    labels = items(item.get("labels_nationaux"))
    labels += items(item.get("dispositif_programmes_nationaux"))
    reseaux = [r for label in labels if (r := vocab.labels.get(key(label)))]
    services = _services(item, vocab)
    typologie = _typologie(item.get("typologie"))
    commune = text(item.get("commune"))
    # The services' thématiques are all about the digital: they would only say "médiation
    # numérique" (or tie with "écrivain public" on procedures). A generic kind (an
    # association, a mairie: its name still tags it so) says less than the dataset's own.
    kind = kinds.infer(nom, typologie, reseaux, commune=commune)
    if kind in kinds.GENERIC:
        kind = KIND
    source = slug(text(item.get("source")))
    return StructureRecord(
        nom=nom,
        source=PREFIX + source if source else PREFIX.rstrip(":"),
        source_id=text(item.get("id")),
        kind=kind,
        description=_joined(item.get("presentation_resume"), item.get("presentation_detail")),
        adresse=text(item.get("adresse")),
        complement_adresse=text(item.get("complement_adresse")),
        code_postal=checked.postcode(item.get("code_postal")),
        commune=commune,
        code_insee=checked.insee(item.get("code_insee")),
        latitude=lat,
        longitude=lon,
        telephone=french_phone(item.get("telephone")),
        courriel=_first_valid(items(item.get("courriels") or item.get("courriel")), checked.email),
        site_web=_first_valid(items(item.get("site_web")), lambda v: checked.url(v, "site_web")),
        horaires_accueil=text(item.get("horaires")),
        reseaux_porteurs=list(dict.fromkeys(reseaux)),
        typologie=typologie,
        siret=_siret(item.get("pivot"), checked),
        date_maj=_date(item.get("date_maj"), checked),
        extra=_extra(item, labels, checked),
        services=services,
        origin=origin,
    )


# -- the whole file ---------------------------------------------------------------------------


def _csv_items(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    headers: list[str] | None = None
    for number, row in csv_rows(path):
        if headers is None:
            headers = [cell.strip().lstrip("\ufeff") for cell in row]
            if "nom" not in headers:
                raise ImportFailure(path, "colonne « nom » manquante.", f"ligne {number}")
            continue
        if any(cell.strip() for cell in row):
            yield f"ligne {number}", dict(zip(headers, row, strict=False))


def _parse(path: Path, options: ImportOptions) -> Parsed:
    if first_char(path) in "[{":
        found: Iterator[tuple[str, Any]] = jsonstream.records(path, ("data", "items"), lines=True)
    else:
        found = _csv_items(path)
    seen = 0
    for origin, item in found:
        seen += 1
        if not isinstance(item, dict):
            yield Reject(origin, "enregistrement qui n'est pas un objet")
            continue
        yield record_from(item, origin)
    if not seen:
        raise ImportFailure(path, "aucun lieu de médiation numérique dans le fichier.")


def _detect(sample: Sample) -> float:
    head = sample.text.lstrip("\ufeff").lstrip()
    if not head:
        return 0.0
    if head[0] in "[{":
        window = head[:20000]
        found = {m for m in MARKERS if f'"{m}"' in window}
        if '"nom"' in window and (_SERVICES_TEXT.search(window) or "pivot" in found):
            return 0.95 if len(found) >= 2 else 0.0
        return 0.0
    first = head.split("\n", 1)[0]
    cells = {c.strip().strip('"').lower() for c in first.split(sniff_delimiter(first))}
    if {"nom", "services"} <= cells and len(cells & MARKERS) >= 2:
        return 0.95
    return 0.0


FORMAT = Format(
    "mediation_numerique",
    "lieux de médiation numérique (ANCT)",
    _detect,
    _parse,
    complete=False,
)
