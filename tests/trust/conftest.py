"""Shared pieces of the trust tests: a template store, copying stores, running the CLI."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from importers.mairies import default_path
from store.db import Store
from tests.conftest import ROOT

CLI = "import sys\nfrom tui.cli import main\nsys.exit(main())"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long test (deselect with -m 'not slow')")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store with the communes loaded, built once per session (copy it, don't use it)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    Store(path).close()
    return path


def copy_store(source: Path, target: Path) -> Path:
    """Copy a closed store (no WAL left) and drop any side files of the target."""
    for suffix in ("", "-wal", "-shm", ".sauvegarde", ".sauvegarde.tmp"):
        side = target.with_name(target.name + suffix)
        side.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return target


@pytest.fixture
def fresh_db(template_db: Path, tmp_path: Path) -> Iterator[Path]:
    yield copy_store(template_db, tmp_path / "store.db")


def mairies_rows(count: int, *, skip: int = 0) -> list[str]:
    """Lines of the embedded DILA town-hall file (header first)."""
    with gzip.open(default_path(), "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    return [lines[0], *lines[1 + skip : 1 + skip + count]]


def cli_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI, "--db", str(db), *args]


def run_cli(db: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(db, *args), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
