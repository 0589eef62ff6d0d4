"""`aiguillage update` against a local HTTP server, offline behaviour, `aiguillage restore`."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tui.cli import main

SERVED = FIXTURES / "opendata" / "update"  # fictional files


@pytest.fixture
def server() -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SERVED))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _stats(db: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["--db", str(db), "stats", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_update_downloads_and_imports(
    server: str, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(db_path), "update", "--url", server])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "france-services.csv : 3 ajoutée(s)" in out
    stats = _stats(db_path, capsys)
    assert stats["structures"] == 5  # 2 data·inclusion + 3 France services
    assert stats["services"] == 2  # st-1's nested service + sv-2 attached to st-2


def test_update_one_departement_with_env_url(
    server: str, db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AIGUILLAGE_UPDATE_URL", server)
    assert main(["--db", str(db_path), "update", "--departement", "1"]) == 0
    capsys.readouterr()
    stats = _stats(db_path, capsys)
    assert stats["structures"] == 1  # only the France services of the Ain (01)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_update_offline_changes_nothing(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--db", str(db_path), "import", str(FIXTURES / "opendata" / "tableau-bom.csv")])
    capsys.readouterr()
    before = _stats(db_path, capsys)
    url = f"http://127.0.0.1:{_free_port()}/"
    code = main(["--db", str(db_path), "update", "--url", url])
    _, err = capsys.readouterr()
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert "pas de réseau" in last and "rien n'a été modifié" in last
    assert _stats(db_path, capsys) == before


def test_update_rejects_bad_departement(db_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db_path), "update", "--departement", "Yvelines"]) != 0
    assert "département invalide" in capsys.readouterr().err


def test_restore_brings_back_the_store_before_the_last_import(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(db_path), "restore"])
    assert code != 0 and "aucune sauvegarde" in capsys.readouterr().err
    main(["--db", str(db_path), "import", str(FIXTURES / "opendata" / "tableau-bom.csv")])
    main(["--db", str(db_path), "import", str(FIXTURES / "opendata" / "di-structures.json")])
    capsys.readouterr()
    assert _stats(db_path, capsys)["structures"] == 5
    assert main(["--db", str(db_path), "restore"]) == 0
    assert "restaurée" in capsys.readouterr().out
    assert _stats(db_path, capsys)["structures"] == 2
