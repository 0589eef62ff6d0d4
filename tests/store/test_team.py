"""Team notes through a shared folder (store/team.py): three laptops, one folder."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from store.db import Store
from store.erase import erase as erase_files
from store.erase import erase_note, note_ids
from store.models import StructureRecord
from store.notes import add_note, edit_note, hide_note, list_notes
from store.team import join, own_file, read_folder, synchronise
from store.writer import ImportReport, write_records

COMMUNES = [
    ("Melun", "77288", "77000"),
    ("Plaisir", "78490", "78370"),
    ("Sarcelles", "95585", "95200"),
]
NAMES = [f"Structure fictive d'équipe n°{i}" for i in range(12)]


def _records(source: str, with_ids: bool) -> list[StructureRecord]:
    records = []
    for i, nom in enumerate(NAMES):
        commune, insee, cp = COMMUNES[i % len(COMMUNES)]
        records.append(
            StructureRecord(
                nom=nom,
                source=source,
                source_id=f"st-{i}" if with_ids else None,
                commune=commune,
                code_insee=insee,
                code_postal=cp,
            )
        )
    return records


def _open(path: Path, source: str = "dora", with_ids: bool = True) -> Store:
    store = Store(path)
    with store.transaction() as conn:
        write_records(conn, _records(source, with_ids), ImportReport())
    return store


def _erase(store: Store) -> Callable[[Sequence[int]], None]:
    """The store's erasure of notes by id, whole version chains (as `note effacer` does)."""

    def erase(ids: Sequence[int]) -> None:
        erase_files(store.conn, Path(store.path), note_ids(list(ids)))

    return erase


def _sync(store: Store):
    return synchronise(store.conn, _erase(store))


def _shared_texts(store: Store) -> list[str]:
    return sorted(n.text for n in list_notes(store.conn) if n.shared)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[list[Store], Path]]:
    folder = tmp_path / "equipe"
    folder.mkdir()
    stores = [
        _open(tmp_path / "a.db"),
        _open(tmp_path / "b.db"),
        # Another laptop whose import gave other ids to the same structures.
        _open(tmp_path / "c.db", source="annuaire-du-departement", with_ids=False),
    ]
    for store, initials in zip(stores, ("AB", "CD", "EF"), strict=True):
        join(store.conn, folder, initials)
    yield stores, folder
    for store in stores:
        store.close()


def _structure_ids(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM structures ORDER BY nom")]


def test_ids_differ_on_the_third_laptop(team) -> None:
    (a, b, c), _ = team
    assert _structure_ids(a) == _structure_ids(b)
    assert set(_structure_ids(a)).isdisjoint(_structure_ids(c))


def test_three_laptops_converge_with_no_loss_no_duplicate_and_no_private_leak(team) -> None:
    stores, folder = team
    rng = random.Random(20261206)
    ids = [_structure_ids(s) for s in stores]
    shared: set[str] = set()
    private: set[str] = set()
    plan = [i for i in range(3) for _ in range(300)]
    rng.shuffle(plan)
    for step, who in enumerate(plan):
        store = stores[who]
        text = f"note {who}-{step} : demander l'accueil du mardi"
        is_shared = rng.random() < 0.4
        note = add_note(store.conn, rng.choice(ids[who]), text, "XY", shared=is_shared)
        (shared if is_shared else private).add(text)
        if is_shared and rng.random() < 0.1:  # a new version replaces it
            shared.discard(text)
            text = text + " (corrigée)"
            edit_note(store.conn, note.id, text)
            shared.add(text)
        if rng.random() < 0.15:  # another laptop synchronises, in a random order
            _sync(stores[rng.randrange(3)])
    for _ in range(2):
        for store in rng.sample(stores, 3):
            _sync(store)

    expected = sorted(shared)
    for store in stores:
        assert _shared_texts(store) == expected  # none lost, none twice
    blob = b"".join(p.read_bytes() for p in folder.iterdir())
    leaked = [t for t in private if t.encode() in blob]
    assert leaked == []
    # Each laptop keeps its own private notes, and only those.
    for who, store in enumerate(stores):
        mine = {n.text for n in list_notes(store.conn) if not n.shared}
        assert mine and all(t.startswith(f"note {who}-") for t in mine)


def test_merge_is_idempotent_and_order_independent(team) -> None:
    (a, b, c), _folder = team
    for store, tag in ((a, "a"), (b, "b")):
        sid = _structure_ids(store)[0]
        for i in range(5):
            add_note(store.conn, sid, f"{tag}{i} porte fermée le lundi", "AB", shared=True)
        _sync(store)
    first = _sync(c)
    assert first.applied == 10
    again = _sync(c)
    assert again.applied == 0
    assert len(_shared_texts(c)) == 10
    # The third laptop attached them to its own ids for the same structure.
    names = {n.structure_nom for n in list_notes(c.conn) if n.shared}
    assert names == {NAMES[0]}


def test_hidden_and_versions_travel(team) -> None:
    (a, b, _c), _ = team
    sid = _structure_ids(a)[1]
    note = add_note(a.conn, sid, "permanence le jeudi", "AB", shared=True)
    newer = edit_note(a.conn, note.id, "permanence le vendredi")
    _sync(a)
    _sync(b)
    assert _shared_texts(b) == ["permanence le vendredi"]
    hide_note(a.conn, newer.id)
    _sync(a)
    _sync(b)
    assert _shared_texts(b) == []


def test_an_erasure_removes_the_text_from_every_laptop_and_the_folder(team) -> None:
    (a, b, c), folder = team
    sid = _structure_ids(b)[2]
    secret = "Mme Exemple prefere le rendez-vous du soir"
    note = add_note(b.conn, sid, secret, "CD", shared=True)
    edit_note(b.conn, note.id, secret + " (v2)")
    for store in (b, a, c):
        _sync(store)
    assert any(secret in t for t in _shared_texts(c))

    # Laptop A (not the author) erases it: the whole note, every version.
    target = next(n for n in list_notes(a.conn) if secret in n.text)
    erased, _ = erase_note(a.conn, Path(a.path), target.id, "AB")
    assert len(erased) == 2  # the note and its first version
    for _ in range(2):
        for store in (a, c, b):
            _sync(store)
    for store in (a, b, c):
        assert not any(secret in n.text for n in list_notes(store.conn, include_history=True))
    blob = b"".join(p.read_bytes() for p in folder.iterdir())
    assert secret.encode() not in blob


def test_a_line_cut_mid_way_is_skipped_then_read_whole(team) -> None:
    (a, b, _c), _folder = team
    sid = _structure_ids(a)[3]
    add_note(a.conn, sid, "accueil sans rendez-vous le matin", "AB", shared=True)
    add_note(a.conn, sid, "fermé en août", "AB", shared=True)
    _sync(a)
    path = own_file(a.conn)
    assert path is not None
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 15])  # as a sync engine may leave it, mid-line

    report = _sync(b)
    assert report.applied == 1
    assert any("ligne incomplète" in w and path.name in w for w in report.warnings)
    assert _shared_texts(b) == ["accueil sans rendez-vous le matin"]

    path.write_bytes(whole)
    report = _sync(b)
    assert report.applied == 1 and report.warnings == []
    assert _shared_texts(b) == ["accueil sans rendez-vous le matin", "fermé en août"]


def test_damaged_and_foreign_lines_are_reported_never_fatal(team) -> None:
    (a, _b, _c), folder = team
    (folder / "notes-zz-bad.jsonl").write_text(
        'pas du json\n{"type": "added"}\n\xff\n', encoding="latin-1"
    )
    (folder / "autre-fichier.txt").write_text("ignoré")
    report = _sync(a)
    assert report.applied == 0
    assert len([w for w in report.warnings if "notes-zz-bad.jsonl" in w]) == 3


def test_files_are_plain_json_lines_one_per_laptop(team) -> None:
    (a, b, _c), folder = team
    add_note(a.conn, _structure_ids(a)[0], "ouvert le samedi", "AB", shared=True)
    add_note(a.conn, _structure_ids(a)[0], "note privée", "AB")
    _sync(a)
    _sync(b)
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and all(f.startswith("notes-") and f.endswith(".jsonl") for f in files)
    lines = own_file(a.conn).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["ouvert le samedi"]
    assert not list(folder.glob(".*.tmp"))


def test_concurrent_writers_and_synchronisers(team) -> None:
    """Three threads (three laptops) add shared notes and synchronise at the same time."""
    stores, folder = team
    paths = [s.path for s in stores]
    errors: list[BaseException] = []

    def laptop(who: int) -> None:
        try:
            with Store(paths[who]) as store:
                ids = _structure_ids(store)
                for i in range(60):
                    add_note(store.conn, ids[i % len(ids)], f"t{who}-{i}", "XY", shared=True)
                    if i % 7 == 0:
                        _sync(store)
                _sync(store)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=laptop, args=(who,)) for who in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for _ in range(2):
        for store in stores:
            _sync(store)
    expected = sorted(f"t{w}-{i}" for w in range(3) for i in range(60))
    for store in stores:
        assert _shared_texts(store) == expected
    events, warnings, _ = read_folder(folder, None)
    assert warnings == [] and len(events) == 180
