"""Partial records: structures without their services, services naming their structure.

A structures file must not wipe the services a services file brought; a services file must
not rewrite the structures it attaches to; counts stay meaningful across batches.
All structures here are fictional.
"""

from __future__ import annotations

import pytest

import store.writer as writer
from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.notes import add_note, list_notes
from store.queries import get_structure
from store.search import search
from store.writer import ImportReport, record_id, write_records

SOURCE = "test-fictif"


def _structure(i: int, *, nom: str | None = None, phone: str = "01 00 00 00 00", **kw: object):  # type: ignore[no-untyped-def]
    return StructureRecord(
        nom=nom or f"Centre fictif numéro {i}",
        source=SOURCE,
        source_id=f"st-{i}",
        commune="Melun",
        code_insee="77288",
        code_postal="77000",
        telephone=phone,
        services_complete=False,  # a structures file: no services carried
        **kw,  # type: ignore[arg-type]
    )


def _service(j: int, nom: str | None = None, theme: str = "remobilisation--lien-social"):  # type: ignore[no-untyped-def]
    return ServiceRecord(nom=nom or f"Atelier fictif {j}", source_id=f"sv-{j}", thematiques=[theme])


def _stub(i: int, *services: ServiceRecord) -> StructureRecord:
    """What a services file says about a structure: its id and some of its services."""
    return StructureRecord(
        nom=f"st-{i}",
        source=SOURCE,
        source_id=f"st-{i}",
        services=list(services),
        structure_fields=False,
    )


def _write(store: Store, records: list[StructureRecord], **kw: object) -> ImportReport:
    report = ImportReport(path="test", format="test")
    with store.transaction() as conn:
        write_records(conn, records, report, complete_sources=False, **kw)  # type: ignore[arg-type]
    return report


def _counts(report: ImportReport) -> tuple[int, int, int]:
    return report.added, report.updated, report.unchanged


def _service_names(store: Store, i: int) -> list[str]:
    structure = get_structure(store.conn, record_id(_structure(i)))
    assert structure is not None
    return sorted(s["nom"] for s in structure["services"])


@pytest.fixture(params=[2000, 1], ids=["one-batch", "batch-of-1"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(writer, "WRITE_BATCH", request.param)
    if request.param == 1:  # and the rebuild's pass over the store, one structure at a time
        monkeypatch.setattr(writer, "FEW_TO_REBUILD", 0)
        monkeypatch.setattr(writer, "REBUILD_CHUNK", 1)
    return request.param


def _two_files(store: Store) -> None:
    _write(store, [_structure(1), _structure(2)])
    # services scattered: st-1, st-2, st-1 (as in a real services.json)
    _write(store, [_stub(1, _service(1)), _stub(2, _service(2)), _stub(1, _service(3))])


def test_services_file_attaches_without_rewriting_structures(store: Store, batch: int) -> None:
    _write(store, [_structure(1), _structure(2)])
    sid = record_id(_structure(1))
    hash_before = store.conn.execute(
        "SELECT content_hash, import_id FROM structures WHERE id = ?", (sid,)
    ).fetchone()
    report = _write(store, [_stub(1, _service(1)), _stub(2, _service(2)), _stub(1, _service(3))])
    assert _counts(report) == (0, 2, 0)  # each structure counted once, though named twice
    assert report.services == 3
    assert _service_names(store, 1) == ["Atelier fictif 1", "Atelier fictif 3"]
    assert _service_names(store, 2) == ["Atelier fictif 2"]
    row = store.conn.execute("SELECT nom, content_hash FROM structures WHERE id = ?", (sid,))
    assert row.fetchone() == ("Centre fictif numéro 1", hash_before[0])
    assert store.count("structures") == 2


def test_reimporting_both_files_changes_nothing(store: Store, batch: int) -> None:
    _two_files(store)
    again = _write(store, [_structure(1), _structure(2)])
    assert _counts(again) == (0, 0, 2)
    services = _write(store, [_stub(1, _service(1)), _stub(2, _service(2)), _stub(1, _service(3))])
    assert _counts(services) == (0, 0, 2)
    assert store.count("services") == 3


def test_structures_file_alone_keeps_services_and_notes(store: Store, batch: int) -> None:
    _two_files(store)
    sid = record_id(_structure(1))
    add_note(store.conn, sid, "Demander Mme B. (note fictive)")
    report = _write(store, [_structure(1), _structure(2, phone="09 99 99 99 99")])
    assert _counts(report) == (0, 1, 1)
    assert _service_names(store, 1) == ["Atelier fictif 1", "Atelier fictif 3"]
    assert _service_names(store, 2) == ["Atelier fictif 2"]
    assert [n.text for n in list_notes(store.conn, sid)] == ["Demander Mme B. (note fictive)"]
    # the search index still knows the services of the changed structure
    assert [h.id for h in search(store.conn, "atelier fictif 2")][:1] == [record_id(_structure(2))]


def test_renamed_structure_leaves_no_stale_index_terms(store: Store, batch: int) -> None:
    _two_files(store)
    _write(store, [_structure(1, nom="Maison fictive des Quenouilles")])
    sid = record_id(_structure(1))
    assert [h.id for h in search(store.conn, "quenouilles")] == [sid]
    assert search(store.conn, "numero") == [h for h in search(store.conn, "numero") if h.id != sid]
    store.conn.execute("INSERT INTO structures_fts(structures_fts) VALUES ('integrity-check')")
    assert store.count("structures_fts") == store.count("structures")


def test_structures_record_upserts_the_services_it_carries(store: Store) -> None:
    _two_files(store)
    record = _structure(1)
    record.services = [_service(3, nom="Atelier fictif 3 renommé"), _service(9)]
    report = _write(store, [record])
    assert _counts(report) == (0, 1, 0)
    assert _service_names(store, 1) == [
        "Atelier fictif 1",
        "Atelier fictif 3 renommé",
        "Atelier fictif 9",
    ]


def test_services_missing_from_a_complete_services_file_go(store: Store, batch: int) -> None:
    _two_files(store)
    report = _write(store, [_stub(1, _service(3)), _stub(2, _service(2))])
    assert _counts(report) == (0, 1, 1)
    assert _service_names(store, 1) == ["Atelier fictif 3"]
    assert store.count("services") == 2


def test_index_tags_and_themes_follow_the_services(store: Store, batch: int) -> None:
    _write(store, [_structure(1)])
    sid = record_id(_structure(1))
    food = "equipement-et-alimentation--alimentation"
    _write(store, [_stub(1, _service(1, nom="Colis alimentaire fictif", theme=food))])
    assert [h.id for h in search(store.conn, "colis alimentaire")][:1] == [sid]
    tags = {
        t
        for (t,) in store.conn.execute(
            "SELECT tag FROM structure_tags WHERE structure_id = ?", (sid,)
        )
    }
    assert food in tags
    # no thématique of its own: the structure's are its services'
    assert get_structure(store.conn, sid)["thematiques"] == [food]
    # a structures file again (no services, no thématiques): they stay
    again = _write(store, [_structure(1)])
    assert _counts(again) == (0, 0, 1)
    assert get_structure(store.conn, sid)["thematiques"] == [food]


def test_own_thematiques_are_not_replaced_by_services(store: Store) -> None:
    own = "famille--soutien-a-la-parentalite-et-a-leducation"
    _write(store, [_structure(1, thematiques=[own])])
    _write(store, [_stub(1, _service(1))])
    assert get_structure(store.conn, record_id(_structure(1)))["thematiques"] == [own]


def test_stub_of_an_unknown_structure_is_rejected(store: Store) -> None:
    _write(store, [_structure(1)])
    report = _write(store, [_stub(7, _service(1), _service(2)), _stub(1, _service(3))])
    assert _counts(report) == (0, 1, 0)
    assert len(report.rejects) == 1
    assert "st-7" in report.rejects[0].reason and "introuvable" in report.rejects[0].reason
    assert store.count("structures") == 1
    assert store.count("services") == 1


def test_stub_before_its_structure_in_one_import(store: Store, batch: int) -> None:
    report = _write(store, [_stub(1, _service(1)), _structure(1)])
    assert _counts(report) == (1, 0, 0)
    assert report.rejects == []
    assert _service_names(store, 1) == ["Atelier fictif 1"]


def test_duplicates_across_batches_merge(store: Store, batch: int) -> None:
    first = _structure(1, nom="Centre fictif, premier nom")
    first.services = [_service(1)]
    first.services_complete = True
    second = _structure(1, nom="Centre fictif, second nom")
    second.services = [_service(2)]
    second.services_complete = True
    report = _write(store, [first, _structure(2), second])
    assert _counts(report) == (2, 0, 0)
    structure = get_structure(store.conn, record_id(first))
    assert structure["nom"] == "Centre fictif, premier nom"
    assert _service_names(store, 1) == ["Atelier fictif 1", "Atelier fictif 2"]
    again = _write(store, [first, _structure(2), second])
    assert _counts(again) == (0, 0, 2)
    assert store.count("services") == 2


def test_complete_source_retires_across_batches(store: Store, batch: int) -> None:
    records = [_structure(i) for i in range(4)]
    report = ImportReport()
    with store.transaction() as conn:
        write_records(conn, records, report)
    add_note(store.conn, record_id(records[3]), "Note fictive")
    again = ImportReport()
    with store.transaction() as conn:
        write_records(conn, records[:2], again)
    assert (again.unchanged, again.absent, again.removed) == (2, 1, 1)
    assert store.count("structures") == 3
