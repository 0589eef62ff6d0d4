"""`aiguillage update --departement` reads the national files as streams and changes the
store only when everything downloaded and imported (issue 12 item 9). Local server only."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from importers.extract import extract_json, item_departement
from tests.importers import published
from tui.cli import main

FRANCE_SERVICES = (
    '"id_fs","insee_dep","lib_fs","insee_com","code_postal","lib_com"\n'
    '"9101","75","France services fictive de Paris","75120","75020","Paris"\n'
    '"9102","69","France services fictive de Lyon","69381","69001","Lyon"\n'
)


def _national(folder: Path) -> Path:
    """A small « national » export: the Paris records of published.py, plus a structure
    and its service in the Rhône."""
    folder.mkdir(exist_ok=True)
    structures, services = published.records()
    structures.append(
        {**structures[1], "id": "st-lyon", "nom": "Lieu fictif de Lyon", "code_insee": "69381",
         "code_postal": "69001", "commune": "Lyon"}
    )  # fmt: skip
    services.append({**services[1], "id": "sv-lyon", "structure_id": "st-lyon", "code_insee": None,
                     "code_postal": None, "adresse": None, "commune": None})  # fmt: skip
    published.write_json(folder / "structures.json", structures)
    published.write_json(folder / "services.json", services)
    (folder / "france-services.csv").write_text(FRANCE_SERVICES, encoding="utf-8")
    return folder


class _Handler(http.server.SimpleHTTPRequestHandler):
    cut: str | None = None  # a file sent only in part, its announced length kept

    def log_message(self, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self.cut and self.path.endswith(self.cut):
            outputfile.write(source.read(40))
            self.close_connection = True
            return
        super().copyfile(source, outputfile)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    servers = []

    def start(folder: Path, cut: str | None = None) -> str:
        handler = type("Handler", (_Handler,), {"cut": cut})
        factory = functools.partial(handler, directory=str(folder))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _content(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Any, ...]:
    assert main(["--db", str(db), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    return stats["structures"], stats["services"], json.dumps(stats["sources"], sort_keys=True)


def _seed(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Any, ...]:
    table = db.parent / "annuaire.csv"
    table.write_text("nom;commune\nPoint conseil fictif;Paris\n", encoding="utf-8")
    assert main(["--db", str(db), "import", str(table)]) == 0
    capsys.readouterr()
    return _content(db, capsys)


def test_update_keeps_one_departement_read_as_a_stream(
    tmp_path: Path, serve: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    url = serve(_national(tmp_path / "served"))

    read_text, read_bytes = Path.read_text, Path.read_bytes

    def guarded(read: Any) -> Any:
        def whole(path: Path, *args: Any, **kwargs: Any) -> Any:
            if "aiguillage-maj-" in str(path) and path.suffix == ".json":
                raise AssertionError(f"{path.name} was read whole")
            return read(path, *args, **kwargs)

        return whole

    def no_load(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("json.load on a downloaded file")

    monkeypatch.setattr(json, "load", no_load)
    monkeypatch.setattr(Path, "read_text", guarded(read_text))
    monkeypatch.setattr(Path, "read_bytes", guarded(read_bytes))
    db = tmp_path / "store.db"
    code = main(["--db", str(db), "update", "--departement", "75", "--url", url])
    err = capsys.readouterr().err
    assert code == 0, err
    monkeypatch.undo()
    structures, services, sources = _content(db, capsys)
    assert (structures, services) == (3, 2)  # 2 data·inclusion + 1 France services, Paris
    assert "Lyon" not in sources and "data-inclusion:dora" in sources


def test_extract_keeps_services_of_kept_structures(tmp_path: Path) -> None:
    folder = _national(tmp_path)
    kept = extract_json(folder / "structures.json", tmp_path / "s.json", "75")
    assert (kept.read, kept.kept) == (3, 2)
    assert kept.keys == {("dora", "st-lilas"), ("emplois-de-linclusion", "st-cidff")}
    owners = kept.keys | {("autre-source", "st-lyon")}  # the same id in another source
    services = extract_json(folder / "services.json", tmp_path / "v.json", "75", owners)
    assert {key[1] for key in services.keys} == {"sv-paniers", "sv-permanence"}
    written = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in written] == ["sv-paniers", "sv-permanence"]
    assert item_departement({"code_postal": 6000.0}) == "06"  # a postcode read as a number


def test_an_interrupted_download_changes_nothing(
    tmp_path: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(_national(tmp_path / "served"), cut="services.json")
    db = tmp_path / "store.db"
    before = _seed(db, capsys)
    code = main(["--db", str(db), "update", "--url", url])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert "téléchargement interrompu" in err[-1] and "rien n'a été modifié" in err[-1]
    assert _content(db, capsys) == before


def test_a_failed_import_leaves_the_store_as_it_was(
    tmp_path: Path, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _national(tmp_path / "served")
    broken = (folder / "services.json").read_text(encoding="utf-8")[:-30]
    (folder / "services.json").write_text(broken, encoding="utf-8")
    db = tmp_path / "store.db"
    before = _seed(db, capsys)
    code = main(["--db", str(db), "update", "--url", serve(folder)])
    out, err = capsys.readouterr()
    assert code != 0
    assert "structures.json : 3 ajoutée(s)" in out  # the first file was imported…
    last = err.strip().splitlines()[-1]
    assert "services.json" in last and "rien n'a été modifié" in last
    assert _content(db, capsys) == before  # …and undone with the rest
