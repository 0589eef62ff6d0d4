"""Notes are append-only: edits are versions, deletions hide, text never changes."""

from __future__ import annotations

import sqlite3

import pytest

from store.db import Store
from store.models import StructureRecord
from store.notes import (
    NoteError,
    NoteMark,
    RemoteOrigin,
    add_note,
    edit_note,
    hide_note,
    list_notes,
    note_by_uuid,
    note_marks,
)
from store.team_log import EventType, local_events
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
    history = list_notes(store.conn, sid, include_history=True)
    assert [(n.id, n.hidden_at is not None) for n in history] == [
        (second.id, True),
        (first.id, False),
    ]


def test_note_text_cannot_be_rewritten(store: Store, sid: str) -> None:
    note = add_note(store.conn, sid, "texte d'origine")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE notes SET text = 'autre' WHERE id = ?", (note.id,))


def test_empty_note_and_unknown_structure_refused(store: Store, sid: str) -> None:
    with pytest.raises(NoteError, match=r"^La note est vide\.$"):
        add_note(store.conn, sid, "   ")
    with pytest.raises(NoteError, match=r"^Structure inconnue : inconnu$"):
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


def test_edit_keeps_author_and_sharing_unless_told(store: Store, sid: str) -> None:
    first = add_note(store.conn, sid, "  ouvert le samedi  ", "AB", shared=True)
    assert first.text == "ouvert le samedi"
    assert (first.author, first.shared, first.replaces) == ("AB", True, None)
    assert first.structure_nom == "CCAS Fictif"
    second = edit_note(store.conn, first.id, "ouvert le samedi matin")
    assert (second.author, second.shared, second.replaces) == ("AB", True, first.id)
    third = edit_note(store.conn, second.id, "fermé le samedi", "CD", shared=False)
    assert (third.author, third.shared) == ("CD", False)
    with pytest.raises(NoteError, match=r"^Note inconnue : 9999$"):
        edit_note(store.conn, 9999, "texte")
    with pytest.raises(NoteError, match=r"^Note inconnue : 9999$"):
        hide_note(store.conn, 9999)


def test_shared_notes_record_team_events(store: Store, sid: str) -> None:
    """Only shared notes tell the team: added, then version, then hidden (once)."""
    add_note(store.conn, sid, "note privée", "AB")
    shared = add_note(store.conn, sid, "note d'équipe", "AB", shared=True)
    version = edit_note(store.conn, shared.id, "note d'équipe corrigée", "CD")
    hide_note(store.conn, version.id, "EF")
    hide_note(store.conn, version.id, "EF")  # already hidden: no second event
    events = [(e.type, e.note_uuid, e.author) for e in local_events(store.conn)]
    assert events == [
        (EventType.ADDED, shared.uuid, "AB"),
        (EventType.VERSION, version.uuid, "CD"),
        (EventType.HIDDEN, version.uuid, "EF"),
    ]
    assert shared.uuid and version.uuid and shared.uuid != version.uuid


def test_remote_note_keeps_its_uuid_and_date_and_records_nothing(store: Store, sid: str) -> None:
    origin = RemoteOrigin(note_uuid="0123abcd", created_at="2026-01-02T03:04:05")
    note = add_note(store.conn, sid, "venue de l'équipe", "AB", remote=origin)
    assert (note.uuid, note.created_at, note.shared) == ("0123abcd", "2026-01-02T03:04:05", True)
    assert note_by_uuid(store.conn, "0123abcd") == note
    assert note_by_uuid(store.conn, "absent") is None
    assert local_events(store.conn) == []


def test_failed_note_leaves_no_row(store: Store, sid: str) -> None:
    with pytest.raises(NoteError):
        add_note(store.conn, sid, "")
    assert list_notes(store.conn, include_history=True) == []
    assert not store.conn.in_transaction


def test_list_newest_first_and_per_structure(store: Store, sid: str) -> None:
    first = StructureRecord(nom="CCAS Fictif", source="test-fictif", source_id="1")
    other = StructureRecord(nom="Épicerie Fictive", source="test-fictif", source_id="2")
    with store.transaction() as conn:
        write_records(conn, [first, other], ImportReport())
    other_id = record_id(other)
    a = add_note(store.conn, sid, "première")
    b = add_note(store.conn, sid, "deuxième")
    c = add_note(store.conn, other_id, "ailleurs")
    assert [n.id for n in list_notes(store.conn)] == [c.id, b.id, a.id]
    assert [n.id for n in list_notes(store.conn, sid)] == [b.id, a.id]
    marks = note_marks(store.conn, [sid, other_id, "inconnu"])
    assert marks == {sid: NoteMark(2, "deuxième"), other_id: NoteMark(1, "ailleurs")}
    hide_note(store.conn, b.id)
    assert note_marks(store.conn, [sid]) == {sid: NoteMark(1, "première")}


def test_notes_join_the_callers_transaction(store: Store, sid: str) -> None:
    """Inside a caller's transaction, a note and its hiding land or vanish with it."""
    kept = add_note(store.conn, sid, "gardée")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        add_note(conn, sid, "annulée")
        hide_note(conn, kept.id)
        raise RuntimeError("abandon")
    assert [n.text for n in list_notes(store.conn, sid)] == ["gardée"]
    with store.transaction() as conn:
        hide_note(conn, kept.id)
    assert list_notes(store.conn, sid) == []
