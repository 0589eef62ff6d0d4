"""Kinds as stored by an import of data·inclusion-shaped records (fictional Paris structures)."""

from __future__ import annotations

import json
from pathlib import Path

from importers.runner import import_file
from store.db import Store
from store.queries import kind_counts
from tests.conftest import FIXTURES

PARIS = FIXTURES / "kinds" / "di-structures-paris-like.json"

EXPECTED = {
    "fx-001": "aide-alimentaire",  # réseau restos-du-coeur
    "fx-003": "aide-alimentaire",  # réseau croix-rouge, a name that says nothing
    "fx-004": "aide-alimentaire",  # only its service's thématique
    "fx-005": "vestiaire",  # only its service's thématique
    "fx-006": "mediation-numerique",  # hosts conseillers numériques
    "fx-007": "mairie",
    "fx-008": "sante",  # « Saint-Fiacre » is no kind; its service is
    "fx-009": "mairie",  # « Sainte-Aurore » is no kind
    "fx-010": "autre",  # « Saint-Vincent-de-Paul » is no food aid
    "fx-014": "insertion",  # v0 typologie EI
    "fx-018": "mediation-numerique",  # v0 typologie BIB
    "fx-022": "hebergement",  # v0 typologie PENSION
    "fx-032": "autre",  # la-poste: explicitly no kind
    "fx-034": "association",
    "fx-035": "point-conseil-budget",  # ASSO, but its service says budget
    "fx-038": "autre",  # typologie « Autre »
    "fx-039": "insertion",  # réseau maisons-de-l-emploi
}


def _kinds(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT source_id, kind FROM structures"))


def test_kinds_of_real_shaped_records(store: Store) -> None:
    import_file(store, PARIS)
    got = _kinds(store)
    assert {sid: got[sid] for sid in EXPECTED} == EXPECTED
    counts = kind_counts(store.conn, "data-inclusion:")
    assert counts["autre"] / sum(counts.values()) <= 0.2  # 8 of 40, each on purpose
    assert store.count("structure_tags", "tag = 'kind:aide-alimentaire'") == 4


def test_services_arriving_apart_give_the_same_kinds(store: Store, tmp_path: Path) -> None:
    structures = json.loads(PARIS.read_text(encoding="utf-8"))
    services = [service for s in structures for service in s.pop("services", [])]
    (tmp_path / "structures.json").write_text(json.dumps(structures), encoding="utf-8")
    (tmp_path / "services.json").write_text(json.dumps(services), encoding="utf-8")
    import_file(store, tmp_path / "structures.json")
    assert _kinds(store)["fx-004"] == "autre"  # no clue of its own yet
    import_file(store, tmp_path / "services.json")
    got = _kinds(store)
    assert {sid: got[sid] for sid in EXPECTED} == EXPECTED
    tags = {t for (t,) in store.conn.execute("SELECT tag FROM structure_tags")}
    assert "kind:vestiaire" in tags

    # The Table Ouverte's service now says nothing of a kind: it is « Autre » again.
    for service in services:
        if service["structure_id"] == "fx-004":
            service["thematiques"] = ["creer-une-entreprise--developper-son-entreprise"]
    (tmp_path / "services.json").write_text(json.dumps(services), encoding="utf-8")
    import_file(store, tmp_path / "services.json")
    assert _kinds(store)["fx-004"] == "autre"
    assert _kinds(store)["fx-035"] == "point-conseil-budget"
