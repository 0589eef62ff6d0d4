"""A data·inclusion export in two files (structures.json, then services.json), read as a
stream: re-imports change nothing, a structures file alone keeps the services, batches and
chunk boundaries don't matter, errors still name the record. Fictional data only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import store.writer as writer
from importers import data_inclusion, jsonstream
from importers.base import ImportFailure, ImportOptions
from importers.runner import import_file
from store.db import Store
from store.notes import add_note, list_notes
from store.queries import get_structure
from store.search import search
from tests.conftest import FIXTURES

DATA = FIXTURES / "two_files"
STRUCTURES = DATA / "structures.json"
SERVICES = DATA / "services.json"


def _sid(store: Store, source_id: str) -> str:
    (sid,) = store.conn.execute(
        "SELECT id FROM structures WHERE source_id = ?", (source_id,)
    ).fetchone()
    return sid


def _services(store: Store, source_id: str) -> list[str]:
    structure = get_structure(store.conn, _sid(store, source_id))
    assert structure is not None
    return sorted(s["nom"] for s in structure["services"])


def _snapshot(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT s.id, s.nom, s.thematiques, s.content_hash, v.id, v.content_hash "
        "FROM structures s LEFT JOIN services v ON v.structure_id = s.id ORDER BY s.id, v.id"
    ).fetchall()


def _import(store: Store, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return import_file(store, path, format_name="data_inclusion", **kw)  # type: ignore[arg-type]


def _counts(report) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return report.added, report.updated, report.unchanged


@pytest.fixture(params=["defaults", "tiny"])
def sizes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Real sizes, and batches of 1 record read 5 characters at a time."""
    if request.param == "tiny":
        monkeypatch.setattr(writer, "WRITE_BATCH", 1)
        monkeypatch.setattr(jsonstream, "CHUNK", 5)
    return request.param


def test_two_files_then_the_same_again(store: Store, sizes: str) -> None:
    first = _import(store, STRUCTURES)
    assert _counts(first) == (4, 0, 0)
    services = _import(store, SERVICES)
    assert _counts(services) == (0, 3, 0)  # s-1, s-2, s-3 get services; s-4 not named
    assert services.services == 6 and services.rejects == []
    assert _services(store, "s-1") == ["Colis alimentaires", "Cours de cuisine",
                                       "Vestiaire solidaire"]  # fmt: skip
    assert _services(store, "s-2") == ["Aide aux devoirs", "Écrivain public"]
    before = _snapshot(store)
    again = [_import(store, STRUCTURES), _import(store, SERVICES)]
    assert [_counts(r) for r in again] == [(0, 0, 4), (0, 0, 3)]
    assert _snapshot(store) == before


def test_structures_file_alone_keeps_services_and_notes(store: Store, sizes: str) -> None:
    _import(store, STRUCTURES)
    _import(store, SERVICES)
    sid = _sid(store, "s-1")
    add_note(store.conn, sid, "Demander Mme B. (note fictive)")
    before = _snapshot(store)
    report = _import(store, STRUCTURES)
    assert _counts(report) == (0, 0, 4)
    assert _snapshot(store) == before
    assert store.count("services") == 6
    assert [n.text for n in list_notes(store.conn, sid)] == ["Demander Mme B. (note fictive)"]
    assert [h.id for h in search(store.conn, "vestiaire solidaire")][:1] == [sid]


def test_structures_themes_follow_their_services(store: Store) -> None:
    _import(store, STRUCTURES)
    _import(store, SERVICES)
    epicerie = get_structure(store.conn, _sid(store, "s-1"))
    assert epicerie["thematiques"] == [
        "equipement-et-alimentation--alimentation",
        "equipement-et-alimentation--habillement",
    ]
    tags = {t for (t,) in store.conn.execute(
        "SELECT tag FROM structure_tags WHERE structure_id = ?", (epicerie["id"],)
    )}  # fmt: skip
    assert "equipement-et-alimentation--habillement" in tags
    _import(store, STRUCTURES)
    assert get_structure(store.conn, epicerie["id"])["thematiques"] == epicerie["thematiques"]


def test_newer_files_update_in_place(store: Store, tmp_path: Path) -> None:
    _import(store, STRUCTURES)
    _import(store, SERVICES)
    sid = _sid(store, "s-2")
    structures = json.loads(STRUCTURES.read_text(encoding="utf-8"))
    structures[1]["telephone"] = "01 99 00 00 99"
    newer_structures = tmp_path / "structures.json"
    newer_structures.write_text(json.dumps(structures, ensure_ascii=False), encoding="utf-8")
    assert _counts(_import(store, newer_structures)) == (0, 1, 3)
    assert _services(store, "s-2") == ["Aide aux devoirs", "Écrivain public"]
    services = json.loads(SERVICES.read_text(encoding="utf-8"))
    services = [s for s in services if s["id"] != "v-5"]  # the écrivain public is gone
    services[0]["description"] = "Sur orientation d'un travailleur social."
    newer_services = tmp_path / "services.json"
    newer_services.write_text(json.dumps(services, ensure_ascii=False), encoding="utf-8")
    report = _import(store, newer_services)
    assert _counts(report) == (0, 2, 1)  # s-1 (description), s-2 (a service gone); s-3 same
    assert _services(store, "s-2") == ["Aide aux devoirs"]
    assert _sid(store, "s-2") == sid
    assert get_structure(store.conn, sid)["telephone"] == "01 99 00 00 99"


@pytest.mark.parametrize("shape", ["items", "lines", "both"])
def test_other_shapes_give_the_same_store(
    store: Store, tmp_path: Path, sizes: str, shape: str
) -> None:
    structures = json.loads(STRUCTURES.read_text(encoding="utf-8"))
    services = json.loads(SERVICES.read_text(encoding="utf-8"))
    path = tmp_path / "export.json"
    if shape == "items":
        path.write_text(json.dumps({"total": 4, "items": structures, "page": 1}), encoding="utf-8")
        _import(store, path)
        path.write_text(json.dumps({"items": services, "size": 6}), encoding="utf-8")
        _import(store, path)
    elif shape == "lines":
        path.write_text("\n".join(json.dumps(s) for s in structures) + "\n\n", encoding="utf-8")
        _import(store, path)
        path.write_text("\n".join(json.dumps(s) for s in services), encoding="utf-8")
        _import(store, path)
    else:  # one file, services before their structures
        path.write_text(json.dumps({"services": services, "structures": structures}))
        report = _import(store, path)
        assert (report.added, report.rejects) == (4, [])
    assert store.count("structures") == 4
    assert _services(store, "s-1") == ["Colis alimentaires", "Cours de cuisine",
                                       "Vestiaire solidaire"]  # fmt: skip
    assert store.count("services") == 6


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_stream_reads_what_json_load_reads(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    for path in (STRUCTURES, SERVICES):
        items = [item for _, item in jsonstream.records(path, ("items",))]
        assert items == json.loads(path.read_text(encoding="utf-8"))


def test_stream_is_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first records come before the broken end of the file is read."""
    monkeypatch.setattr(jsonstream, "CHUNK", 64)
    path = tmp_path / "long.json"
    good = json.dumps({"source": "fictif", "id": "x", "nom": "Structure fictive"})
    path.write_text("[" + ",\n".join([good] * 50) + ",\n{oops", encoding="utf-8")
    stream = data_inclusion._items(path)
    origin, item = next(stream)
    assert (origin, item["nom"]) == ("enregistrement 1", "Structure fictive")
    with pytest.raises(ImportFailure, match="ligne 51, colonne 2"):
        list(stream)


@pytest.mark.parametrize("chunk", [3, 1 << 20])
@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('[{"nom": "A"},\n {"nom": "B"},\n {"nom": "C" "id": 1}]', "ligne 3, colonne 14"),
        ('[{"nom": "A"},\n {"nom": "B"}\n {"nom": "C"}]', "ligne 3, colonne 2"),
        ('[{"nom": "A"},\n {"nom": "B", "date_maj": "2024', "ligne 2, colonne 27"),
        ('{"items": [{"nom": "A"}], "total": }', "ligne 1, colonne 36"),
        ('[{"nom": "A"}] [', "ligne 1, colonne 16"),
    ],
)
def test_stream_errors_name_the_place(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, content: str,
    where: str,
) -> None:  # fmt: skip
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailure, match="JSON invalide ou tronqué") as info:
        _import(store, path)
    assert info.value.where == where
    assert store.count("structures") == 0


def test_strict_rolls_back_a_reject_in_a_later_batch(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "WRITE_BATCH", 2)
    _import(store, STRUCTURES)
    before = _snapshot(store)
    services = json.loads(SERVICES.read_text(encoding="utf-8"))
    services.append({"source": "fictif", "id": "v-9", "structure_id": "s-404", "nom": "Orphelin"})
    path = tmp_path / "services.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    with pytest.raises(ImportFailure, match=r"s-404.*introuvable.*rien n'a été importé"):
        _import(store, path, options=ImportOptions(strict=True))
    assert _snapshot(store) == before
    report = _import(store, path)  # not strict: the others land, the orphan is listed
    assert (report.updated, len(report.rejects)) == (3, 1)
    assert store.count("services") == 6


def test_progress_is_reported(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "WRITE_BATCH", 2)
    calls: list[tuple[str, int, int | None]] = []
    _import(store, SERVICES if store.count("structures") else STRUCTURES,
            progress=lambda *call: calls.append(call))  # fmt: skip
    assert [done for _, done, _ in calls] == [2, 4, 4]
    assert calls[-1] == ("écriture", 4, 4)


def test_nested_services_replace_but_an_empty_list_keeps(store: Store, tmp_path: Path) -> None:
    _import(store, STRUCTURES)
    _import(store, SERVICES)
    structures = json.loads(STRUCTURES.read_text(encoding="utf-8"))
    structures[0]["services"] = [{"id": "v-1", "nom": "Colis alimentaires"}]
    structures[1]["services"] = []  # says nothing about s-2's services
    path = tmp_path / "structures.json"
    path.write_text(json.dumps(structures, ensure_ascii=False), encoding="utf-8")
    report = _import(store, path)
    assert _counts(report) == (0, 1, 3)
    assert _services(store, "s-1") == ["Colis alimentaires"]
    assert _services(store, "s-2") == ["Aide aux devoirs", "Écrivain public"]
