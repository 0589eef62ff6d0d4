"""Shared fixtures. Helpers for a test area live in that area's own conftest or module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.db import Store

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the project; AIGUILLAGE_SHARED points elsewhere (a git worktree).
SHARED = Path(os.environ.get("AIGUILLAGE_SHARED") or ROOT.parent / "shared")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A file in ../shared, or a clean skip when ../shared is not beside the project."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared absent ({path.relative_to(SHARED.parent)})")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a temporary file (communes loaded, nothing else)."""
    with Store(tmp_path / "store.db") as s:
        yield s


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"
