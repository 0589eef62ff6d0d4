"""No network: tests cannot reach the internet, and the app never opens a connection except
in `aiguillage update` (tui/cli/update_cmd.py)."""

from __future__ import annotations

import argparse
import ast
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytest_socket import SocketBlockedError, SocketConnectBlockedError

from tests.conftest import FIXTURES, ROOT

NETWORK_MODULES = {
    "socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib",
    "poplib", "imaplib", "telnetlib", "xmlrpc", "websockets", "asyncio.streams",
}  # fmt: skip
ALLOWED = {Path("tui/cli/update_cmd.py")}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_test_cannot_open_an_internet_socket() -> None:
    with pytest.raises((SocketBlockedError, SocketConnectBlockedError)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(1)
        try:
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
        finally:
            sock.close()
    with pytest.raises((SocketBlockedError, SocketConnectBlockedError)):
        socket.create_connection(("198.51.100.7", 443), timeout=1)


def test_loopback_stays_available_for_the_update_test() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        accepted.append(conn.recv(16))
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"bonjour")
    thread.join(5)
    server.close()
    assert accepted == [b"bonjour"]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _is_network(module: str) -> bool:
    return any(module == n or module.startswith(n + ".") for n in NETWORK_MODULES)


def test_only_the_update_command_imports_network_modules() -> None:
    offenders = {}
    files = [p for pkg in ("store", "importers", "tui") for p in (ROOT / pkg).rglob("*.py")]
    assert len(files) > 20
    for path in files:
        relative = path.relative_to(ROOT)
        network = sorted(m for m in _imported_modules(path) if _is_network(m))
        if network and relative not in ALLOWED:
            offenders[str(relative)] = network
    assert offenders == {}
    assert any(_is_network(m) for m in _imported_modules(ROOT / "tui/cli/update_cmd.py"))


AUDIT = """
import sys
events = []
def hook(event, args):
    if event.startswith("socket.") and event != "socket.__new__" or event == "urllib.Request":
        events.append(event)
sys.addaudithook(hook)
from tui.cli import main
for argv in __COMMANDS__:
    main(argv)

import asyncio
from tui.app import AiguillageApp

async def tui():
    app = AiguillageApp(__DB__, load_demo=False)
    async with app.run_test() as pilot:
        await pilot.press(*"mairie")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()

asyncio.run(tui())
print("EVENTS", sorted(set(events)))
"""


def test_the_app_opens_no_connection(fresh_db: Path, tmp_path: Path) -> None:
    """Every command but `update`, then the TUI, under an audit hook seeing any socket use."""
    db = str(fresh_db)
    mairies = str(FIXTURES / "cli" / "mairies-extrait.csv")
    commands = [
        ["--db", db, "import", mairies],
        ["--db", db, "search", "mairie", "--near", "Melun"],
        ["--db", db, "orient", "aide alimentaire", "--near", "77000"],
        ["--db", db, "stats", "--json"],
        ["--db", db, "note", "list"],
        ["--db", db, "notes", "export", "-o", str(tmp_path / "n.json")],
        ["--db", db, "doctor"],
        ["--db", db, "journal"],
    ]
    from tui.cli import build_parser

    parser = build_parser()
    registered = next(
        a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    commands = [argv for argv in commands if argv[2] in registered]
    assert len(commands) >= 6
    code = AUDIT.replace("__COMMANDS__", repr(commands)).replace("__DB__", repr(db))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "EVENTS" in out.stdout, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "EVENTS []"


def test_the_audit_hook_does_see_a_connection() -> None:
    """Control for the test above: the same hook reports a (refused) loopback connection."""
    code = AUDIT.split("from tui.cli")[0] + (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
        "except OSError:\n"
        "    pass\n"
        "print('EVENTS', sorted(set(events)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "socket.connect" in out.stdout, out.stderr
