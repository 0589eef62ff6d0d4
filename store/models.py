"""Validated records handed by importers to the store (data·inclusion v1 field names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STRUCTURE_FIELDS = (
    "nom",
    "kind",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "departement",
    "latitude",
    "longitude",
    "geo_approx",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
    "typologie",
    "thematiques",
    "zone_intervention",
    "siret",
    "lien_source",
    "date_maj",
    "a_verifier",
    "extra",
)

SERVICE_FIELDS = (
    "nom",
    "description",
    "type",
    "thematiques",
    "publics",
    "publics_precisions",
    "frais",
    "frais_precisions",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
    "lien_mobilisation",
    "mobilisation_precisions",
    "conditions_acces",
    "zone_eligibilite",
    "horaires_accueil",
    "telephone",
    "courriel",
    "lien_source",
    "statut",
    "date_maj",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "extra",
)

# Fields stored as JSON lists.
LIST_FIELDS = frozenset(
    {
        "reseaux_porteurs",
        "thematiques",
        "publics",
        "frais",
        "modes_accueil",
        "modes_mobilisation",
        "mobilisable_par",
        "zone_eligibilite",
        "zone_intervention",
    }
)


@dataclass
class ServiceRecord:
    nom: str
    source_id: str | None = None
    description: str | None = None
    type: str | None = None
    thematiques: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    publics_precisions: str | None = None
    frais: list[str] = field(default_factory=list)
    frais_precisions: str | None = None
    modes_accueil: list[str] = field(default_factory=list)
    modes_mobilisation: list[str] = field(default_factory=list)
    # Who may set the service in motion: `usagers` (the person), `professionnels`.
    mobilisable_par: list[str] = field(default_factory=list)
    lien_mobilisation: str | None = None
    mobilisation_precisions: str | None = None
    conditions_acces: str | None = None
    zone_eligibilite: list[str] = field(default_factory=list)
    horaires_accueil: str | None = None
    telephone: str | None = None
    courriel: str | None = None
    lien_source: str | None = None
    statut: str | None = None
    date_maj: str | None = None
    # The service's own place, when it is not at its structure's (a permanence elsewhere).
    adresse: str | None = None
    complement_adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class StructureRecord:
    """One structure and its services, as an importer understood it.

    `source` names the dataset (e.g. "anct-france-services", "fcsf-actions"), not the file:
    with `source_id` it makes the stable id. Without a source id the id is derived from the
    normalised name and commune (or département).
    """

    nom: str
    source: str
    source_id: str | None = None
    kind: str | None = None
    description: str | None = None
    adresse: str | None = None
    complement_adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    departement: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_approx: bool = False
    telephone: str | None = None
    courriel: str | None = None
    site_web: str | None = None
    horaires_accueil: str | None = None
    accessibilite_lieu: str | None = None
    reseaux_porteurs: list[str] = field(default_factory=list)
    typologie: str | None = None
    thematiques: list[str] = field(default_factory=list)
    zone_intervention: list[str] = field(default_factory=list)
    siret: str | None = None
    lien_source: str | None = None
    date_maj: str | None = None
    a_verifier: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    services: list[ServiceRecord] = field(default_factory=list)
    # Where in the file the record came from ("ligne 12", "enregistrement 3"), for messages.
    origin: str | None = None
    # What the record carries. `services_complete`: its services (together with those of the
    # other records of the same structure in one import) are all the structure has; services
    # stored before and not given again are removed. False for a file of structures alone:
    # stored services are kept and the record's own are upserted.
    services_complete: bool = True
    # False when the record only names its structure (a services file giving `structure_id`):
    # the structure row is not rewritten, only its services upserted; a structure found
    # neither in the import nor in the store is rejected.
    structure_fields: bool = True


@dataclass
class Reject:
    """A record the importer could not accept; the import goes on without it."""

    origin: str  # "ligne 12", "enregistrement 3", "action « … »"
    reason: str  # French, one line
