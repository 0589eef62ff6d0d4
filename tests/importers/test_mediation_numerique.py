"""The national « lieux de médiation numérique » exports: both revisions, JSON and CSV."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importers import mediation_numerique as lmn
from importers.base import ImportOptions
from importers.fields import french_phone
from importers.registry import detect
from importers.runner import import_file
from store.db import Store
from store.models import Reject, StructureRecord
from store.queries import get_structure, kind_counts
from store.vocab.thematiques import THEMATIQUES
from store.vocab.thematiques_v0 import PUBLICS_V1
from tests.conftest import FIXTURES, shared_path

DATA = FIXTURES / "mediation_numerique"
OLD_REGION = DATA / "lmn-ancien-region.json"
OLD_CNFS = DATA / "lmn-conseillers-2022.json"
V1_JSON = DATA / "lmn-v1-hub-2023-05-17.json"
V1_CSV = DATA / "lieux-mediation-numerique-v1-2023-05-17.csv"
ALL = (OLD_REGION, OLD_CNFS, V1_JSON, V1_CSV)


def _parsed(path: Path) -> tuple[dict[str, StructureRecord], list[Reject]]:
    records: dict[str, StructureRecord] = {}
    rejects: list[Reject] = []
    for item in lmn.FORMAT.parse(path, ImportOptions()):
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            records[str(item.source_id)] = item
    return records, rejects


# -- unit: one record of each revision --------------------------------------------------------


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_detected_by_its_columns(path: Path, tmp_path: Path) -> None:
    assert detect(path).name == "mediation_numerique"
    renamed = tmp_path / "export.txt"  # the content decides, not the name
    shutil.copy(path, renamed)
    assert detect(renamed).name == "mediation_numerique"


def test_data_inclusion_files_are_not_taken() -> None:
    for name in ("di-structures.json", "di-structures.csv", "di-api-page.json"):
        assert detect(FIXTURES / "opendata" / name).name == "data_inclusion", name


def test_older_revision_semicolon_lists() -> None:
    records, rejects = _parsed(OLD_REGION)
    msap = records["0"]
    assert msap.source == "mediation-numerique:hinaura"
    assert msap.kind == "france-services"  # « Maison de services au public » in its name
    assert msap.siret is None  # fourteen zeros: no SIRET
    assert msap.horaires_accueil == "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
    assert [s.nom for s in msap.services] == [
        "Accéder à une connexion internet",
        "Accéder à du matériel",
        "Accompagner les démarches de santé",
        "Réaliser des démarches administratives avec un accompagnement",
    ]
    sante = msap.services[2]
    assert sante.thematiques == [
        "numerique--acceder-a-des-services-en-ligne",
        "sante--acces-aux-soins",
    ]
    assert sante.publics == ["familles", "jeunes", "personnes-en-situation-de-handicap", "seniors"]
    assert "Personnes en situation d'illettrisme" in str(sante.publics_precisions)
    assert sante.frais == ["gratuit"]
    assert sante.frais_precisions is None  # « Gratuit : Je peux accéder… » says no more
    assert sante.description == (
        "Accompagnement : Avec de l'aide : je suis accompagné seul dans l'usage du numérique."
    )

    foyer = records["4"]
    assert foyer.kind == "mediation-numerique"  # nothing else said: the dataset's kind
    assert foyer.telephone == "01 99 00 00 01"
    assert foyer.courriel == "foyer@example.org"
    assert foyer.services[0].frais == ["gratuit", "payant"]  # adhésion; gratuit sous condition
    assert "situation familiale, convention" in str(foyer.services[0].frais_precisions)

    ccas = records["6"]
    assert ccas.kind == "ccas"
    assert ccas.siret == "12345678900011"
    assert (ccas.latitude, ccas.longitude) == (None, None)
    assert ccas.date_maj is None  # 1970-01-01: no date known
    assert ccas.extra["invalides"]["date_maj"] == "1970-01-01"
    assert ccas.extra["invalides"]["latitude"] == "pas une latitude"

    assert [(r.origin, r.reason) for r in rejects] == [
        ("enregistrement 3, ligne 36", "lieu de médiation numérique sans nom")
    ]


def test_older_revision_comma_lists_and_labels() -> None:
    records, rejects = _parsed(OLD_CNFS)
    assert rejects == []
    cnfs = records["62592a1d05457b0790810001"]
    assert cnfs.source == "mediation-numerique:conseiller-numerique"
    assert cnfs.kind == "mediation-numerique"  # an association hosting a conseiller numérique
    assert cnfs.reseaux_porteurs == ["conseillers-numeriques"]
    assert len(cnfs.services) == 4
    assert cnfs.services[0].nom == "Prendre en main un smartphone ou une tablette"
    assert cnfs.services[0].frais == ["gratuit"]
    lac = records["62592a1d05457b0790810002"]
    assert lac.reseaux_porteurs == ["conseillers-numeriques", "aidants-connect", "france-service"]
    assert lac.kind == "france-services"  # what the place is beats what it hosts
    assert lac.telephone == "06 39 98 00 02"
    assert lac.extra["labels_nationaux"] == ["CNFS", "Aidants Connect", "France Services"]


def test_schema_v1_pipe_lists() -> None:
    records, rejects = _parsed(V1_JSON)
    assert rejects == []
    atelier = records["dora-00000000-0000-4000-8000-000000000001"]
    assert atelier.source == "mediation-numerique:dora"
    assert atelier.kind == "mediation-numerique"
    assert atelier.code_insee == "84007"
    assert (atelier.latitude, atelier.longitude) == (None, None)
    service = atelier.services[0]
    assert service.nom == "Aide aux démarches administratives"
    assert service.lien_mobilisation == "https://rdv.example.org/ateliers"
    assert service.modes_accueil == ["en-presentiel"]
    assert service.description == (
        "Accompagnement : Dans un atelier collectif; Accompagnement individuel."
    )
    assert atelier.extra["prise_rdv"] == "https://rdv.example.org/ateliers"

    lumiere = records["france-services-fictif-42"]
    assert lumiere.kind == "france-services"
    assert lumiere.typologie == "RFS"  # the telling one of ASSO|RFS
    assert lumiere.courriel == "accueil@example.org"
    assert lumiere.siret == "12345678900037"
    assert lumiere.description == "Accueil pour les démarches du quotidien."
    assert lumiere.services[0].frais == ["gratuit", "payant"]
    assert lumiere.services[0].frais_precisions is None
    assert lumiere.services[0].publics == ["jeunes", "seniors"]
    assert lumiere.services[0].publics_precisions == "Jeunes; Seniors; Surdité"


def test_schema_v1_csv() -> None:
    records, rejects = _parsed(V1_CSV)
    assert [(r.origin, r.reason) for r in rejects] == [
        ("ligne 3", "lieu de médiation numérique sans nom")
    ]
    media = records["cr-1"]
    assert media.source == "mediation-numerique:cr93"
    assert media.kind == "mediation-numerique"
    assert media.telephone == "04 65 71 00 04"
    assert media.horaires_accueil == "We 14:00-18:00; Sa 10:00-12:00"
    assert media.extra["structure_parente"] == "Ville d'Essai"
    gare = records["cr-3"]
    assert [s.nom for s in gare.services] == [
        "Aide aux démarches administratives",
        "Un service que la table ne connaît pas",
    ]
    assert gare.services[1].thematiques == []
    assert gare.services[0].frais == ["payant"]


def test_a_file_with_no_place_fails_in_french(tmp_path: Path) -> None:
    empty = tmp_path / "vide.json"
    empty.write_text("[]", encoding="utf-8")
    with pytest.raises(Exception, match="aucun lieu de médiation numérique"):
        list(lmn.FORMAT.parse(empty, ImportOptions()))


def test_reference_table_codes_exist() -> None:
    vocab = lmn.vocabulary()
    assert len(vocab.services) >= 20
    for codes in vocab.services.values():
        assert codes and set(codes) <= set(THEMATIQUES)
    for codes in vocab.publics.values():
        assert set(codes) <= PUBLICS_V1
    assert set(vocab.frais.values()) == {"gratuit", "payant"}
    from store import kinds

    assert {r for r in vocab.labels.values() if r} <= set(kinds.RESEAUX)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("+33492532673", "04 92 53 26 73"),
        ("0033 4 92 53 26 73", "04 92 53 26 73"),
        ("+33 (0)4 92 53 26 73", "04 92 53 26 73"),
        ("04.92.53.26.73", "04 92 53 26 73"),
        ("3114", "3114"),
        ("+32 2 123 45 67", "+32 2 123 45 67"),
        ("", None),
    ],
)
def test_french_phone(raw: str, shown: str | None) -> None:
    assert french_phone(raw) == shown


def test_lists_in_every_revision() -> None:
    assert lmn.items("a;b ; c") == ["a", "b", "c"]
    assert lmn.items("A|B") == ["A", "B"]
    assert lmn.items("CNFS, France Services") == ["CNFS", "France Services"]
    assert lmn.items("Gratuit sous condition : critères (situation familiale, convention)") == [
        "Gratuit sous condition : critères (situation familiale, convention)"
    ]
    assert lmn.items(["A", None, " B "]) == ["A", "B"]


# -- through the store ------------------------------------------------------------------------


def test_same_file_twice_no_duplicates_and_the_name_is_no_source(
    store: Store, tmp_path: Path
) -> None:
    first = import_file(store, V1_JSON)
    assert (first.format, first.added, first.rejected) == ("mediation_numerique", 2, 0)
    again = import_file(store, V1_JSON)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    next_week = tmp_path / "lmn-hub-du-sud-2023-05-24.json"  # another dated name
    shutil.copy(V1_JSON, next_week)
    third = import_file(store, next_week)
    assert (third.added, third.unchanged) == (0, 2)
    assert store.count("structures", "source LIKE 'mediation-numerique:%'") == 2
    sources = {s for (s,) in store.conn.execute("SELECT DISTINCT source FROM structures")}
    assert not any("2023" in s or "hub" in s for s in sources)


def test_rejects_are_reported_and_the_rest_imports(store: Store) -> None:
    report = import_file(store, V1_CSV)
    assert (report.added, report.rejected) == (2, 1)
    assert report.rejects[0].origin == "ligne 3"
    (sid,) = store.conn.execute("SELECT id FROM structures WHERE source_id = 'cr-1'").fetchone()
    media = get_structure(store.conn, sid)
    assert media is not None
    assert media["kind"] == "mediation-numerique"
    assert "numerique--maitriser-les-fondamentaux-du-numerique" in media["thematiques"]
    assert {s["nom"] for s in media["services"]} == {
        "Maîtrise des outils numériques du quotidien",
        "Loisirs et créations numériques",
    }


# -- the real files (../shared) ---------------------------------------------------------------

REAL = (
    "lmn-conseillers-numeriques-national-2022.json",
    "lmn-hinaura-auvergne-rhone-alpes-2023.json",
    "lmn-hub-du-sud-paca-2023-05-17.json",
)


@pytest.mark.parametrize("name", REAL)
def test_real_file_imports_with_its_kinds(name: str, store: Store) -> None:
    path = shared_path("data", "mediation-numerique", name)
    report = import_file(store, path, backup=False)
    assert report.format == "mediation_numerique"
    assert report.added > 600 and report.services > report.added
    assert all(
        r.origin.startswith("enregistrement ") and ", ligne " in r.origin for r in report.rejects
    )
    counts = kind_counts(store.conn, "mediation-numerique:")
    total = sum(counts.values())
    assert total == report.added
    main = counts.get("mediation-numerique", 0) + counts.get("france-services", 0)
    assert main / total >= 0.8, counts
    assert counts.get("autre", 0) == 0
    again = import_file(store, path, backup=False)
    assert (again.added, again.updated) == (0, 0)


def test_autre_share_on_the_real_national_files(store: Store) -> None:
    """Acceptance: ≤ 20 % « Autre » on the médiation numérique files + the France Services."""
    paths = [shared_path("data", "mediation-numerique", name) for name in REAL]
    paths.append(shared_path("data", "france-services-2024-08-01.csv"))
    for path in paths:
        report = import_file(store, path, backup=False)
        assert report.added > 600, path  # the set-up itself must have worked
    counts = kind_counts(store.conn)
    total = sum(counts.values()) - counts.get("mairie", 0)  # the embedded mairies, if loaded
    assert total > 6000
    assert counts.get("autre", 0) / total <= 0.20, counts


def test_json_records_know_their_line_across_buffer_refills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importers import jsonstream

    lines = ["["]
    for n in range(1, 301):
        lines += ["  {", f'    "id": "{n}",', '    "nom": "Lieu ' + "é" * (n % 7) + '"', "  },"]
    lines[-1] = "  }"
    lines.append("]")
    path = tmp_path / "lieux.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(jsonstream, "CHUNK", 512)  # many refills
    found = list(jsonstream.records(path, (), lines=True))
    assert len(found) == 300
    for origin, item in found:
        n = int(item["id"])
        assert origin == f"enregistrement {n}, ligne {2 + 4 * (n - 1)}"
