"""Upsert semantics: stable ids, added/updated/unchanged, absences, notes untouched."""

from __future__ import annotations

import pytest

from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.notes import add_note, list_notes
from store.queries import get_structure
from store.writer import ImportReport, record_id, write_records

# Fictional structures for tests only.


def _records(*names: str, phone: str = "01 02 03 04 05") -> list[StructureRecord]:
    return [
        StructureRecord(
            nom=name,
            source="test-fictif",
            source_id=f"id-{i}",
            commune="Melun",
            code_insee="77288",
            code_postal="77000",
            telephone=phone,
            services=[
                ServiceRecord(nom=f"Atelier {i}", thematiques=["remobilisation--lien-social"])
            ],
        )
        for i, name in enumerate(names)
    ]


def _import(store: Store, records: list[StructureRecord], **kwargs: object) -> ImportReport:
    report = ImportReport(path="test", format="test")
    with store.transaction() as conn:
        write_records(conn, records, report, **kwargs)
    return report


def test_added_then_unchanged_then_updated(store: Store) -> None:
    first = _import(store, _records("Épicerie solidaire Fictive", "PIMMS Fictif"))
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = _import(store, _records("Épicerie solidaire Fictive", "PIMMS Fictif"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    changed = _import(store, _records("Épicerie solidaire Fictive", "PIMMS Fictif", phone="09 99"))
    assert (changed.added, changed.updated, changed.unchanged) == (0, 2, 0)
    assert store.count("structures") == 2
    assert store.count("services") == 2


def test_ids_are_stable_and_kinds_inferred(store: Store) -> None:
    records = _records("Épicerie solidaire Fictive", "PIMMS Fictif")
    _import(store, records)
    sid = record_id(records[0])
    assert sid == record_id(_records("Épicerie solidaire Fictive")[0])
    structure = get_structure(store.conn, sid)
    assert structure is not None
    assert structure["kind"] == "epicerie-solidaire"
    assert structure["departement"] == "77"
    assert structure["thematiques"] == ["remobilisation--lien-social"]


def test_id_without_source_id_uses_name_and_place() -> None:
    a = StructureRecord(nom="Centre Social  Fictif", source="s", departement="72")
    b = StructureRecord(nom="centre social fictif", source="s", departement="72")
    c = StructureRecord(nom="centre social fictif", source="s", departement="73")
    assert record_id(a) == record_id(b) != record_id(c)


def test_disappeared_structure_kept_while_it_has_notes(store: Store) -> None:
    records = _records("Vestiaire Fictif", "Ressourcerie Fictive", "Accueil de jour Fictif")
    _import(store, records)
    kept, dropped = record_id(records[1]), record_id(records[2])
    add_note(store.conn, kept, "Demander Mme B.", "AB")
    # The new file only holds source id "id-0": ids 1 and 2 disappeared from the source.
    report = _import(store, _records("Vestiaire Fictif"))
    assert (report.absent, report.removed, report.unchanged) == (1, 1, 1)
    assert get_structure(store.conn, kept)["absent"] == 1
    assert get_structure(store.conn, dropped) is None
    assert [n.text for n in list_notes(store.conn, kept)] == ["Demander Mme B."]


def test_incomplete_source_retires_nothing(store: Store) -> None:
    _import(store, _records("A Fictif", "B Fictif"))
    report = _import(store, _records("A Fictif"), complete_sources=False)
    assert report.removed == report.absent == 0
    assert store.count("structures") == 2


def test_duplicates_in_one_file_merge_services(store: Store) -> None:
    one = StructureRecord(
        nom="Croix-Rouge Fictive",
        source="t",
        departement="93",
        services=[ServiceRecord(nom="Maraude")],
    )
    two = StructureRecord(
        nom="croix rouge fictive",
        source="t",
        departement="93",
        services=[ServiceRecord(nom="Colis")],
    )
    report = _import(store, [one, two])
    assert report.added == 1
    assert store.count("services") == 2


def test_failed_transaction_leaves_store_unchanged(store: Store) -> None:
    _import(store, _records("A Fictif"))
    before = (store.count("structures"), store.count("services"), store.count("sources"))
    with pytest.raises(RuntimeError), store.transaction() as conn:
        write_records(conn, _records("B Fictif", "C Fictif", "D Fictif"), ImportReport())
        raise RuntimeError("interrupted")
    assert (store.count("structures"), store.count("services"), store.count("sources")) == before
