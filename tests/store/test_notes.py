"""Notes are append-only: edits are versions, deletions hide, text never changes."""

from __future__ import annotations

import sqlite3

import pytest

from store.db import Store
from store.models import StructureRecord
from store.notes import NoteError, add_note, edit_note, hide_note, list_notes
from store.writer import ImportReport, record_id, write_records


@pytest.fixture
def sid(store: Store) -> str:
    record = StructureRecord(nom="CCAS Fictif", source="test-fictif", source_id="1")
    with store.transaction() as conn:
        write_records(conn, [record], ImportReport())
    return record_id(record)


def test_add_edit_hide(store: Store, sid: str) -> None:
    first = add_note(store.conn, sid, "n'accepte plus de dossiers avant mars", "AB")
    second = edit_note(store.conn, first.id, "n'accepte plus de dossiers avant avril")
    assert [n.text for n in list_notes(store.conn, sid)] == [second.text]
    history = list_notes(store.conn, sid, include_history=True)
    assert {n.text for n in history} == {first.text, second.text}
    hide_note(store.conn, second.id)
    assert list_notes(store.conn, sid) == []
    assert len(list_notes(store.conn, sid, include_history=True)) == 2


def test_note_text_cannot_be_rewritten(store: Store, sid: str) -> None:
    note = add_note(store.conn, sid, "texte d'origine")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE notes SET text = 'autre' WHERE id = ?", (note.id,))


def test_empty_note_and_unknown_structure_refused(store: Store, sid: str) -> None:
    with pytest.raises(NoteError):
        add_note(store.conn, sid, "   ")
    with pytest.raises(NoteError):
        add_note(store.conn, "inconnu", "texte")


def test_reimport_keeps_notes(store: Store, sid: str) -> None:
    add_note(store.conn, sid, "demander Mme B.")
    record = StructureRecord(
        nom="CCAS Fictif", source="test-fictif", source_id="1", telephone="01 00 00 00 00"
    )
    with store.transaction() as conn:
        report = write_records(conn, [record], ImportReport())
    assert report.updated == 1
    assert [n.text for n in list_notes(store.conn, sid)] == ["demander Mme B."]
