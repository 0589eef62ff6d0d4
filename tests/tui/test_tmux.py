"""The appointment in a real terminal: tmux at 80×24, from launch to a fiche for « épicerie
solidaire » near « Melun », with the keys the footer shows, in at most 12 keys after the words.

Skipped without tmux (`.ci/run` installs it when it can). The store holds fictional structures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import build_store

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux absent")
MAX_KEYS = 12


class Terminal:
    """One tmux server of our own (its own socket), one 80×24 window."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"aiguillage-test-{uuid.uuid4().hex[:8]}"
        self.keys = 0
        self._tmux(
            "new-session", "-d", "-s", "t", "-x", "80", "-y", "24",
            " ".join(_quote(c) for c in command),
            env=env,
        )  # fmt: skip

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=30,
        )
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"« {text} » never shown; the screen was:\n{shown}")

    def words(self, text: str) -> None:
        """What the person says, typed as is (not counted as keys)."""
        self._tmux("send-keys", "-t", "t", "-l", text)

    def key(self, name: str) -> None:
        self.keys += 1
        self._tmux("send-keys", "-t", "t", name)

    def close(self) -> None:
        subprocess.run([TMUX or "tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    db = build_store(tmp_path / "tmux.db")
    aiguillage = Path(sys.executable).with_name("aiguillage")
    command = [str(aiguillage), "--db", str(db), "--no-demo"]
    env = {**os.environ, "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"}
    term = Terminal(command, env)
    try:
        yield term, db
    finally:
        term.close()


def test_launch_to_fiche_for_epicerie_solidaire_near_melun(
    terminal: tuple[Terminal, Path],
) -> None:
    term, db = terminal
    shown = term.wait_for("Orienter")
    assert "ctrl+o Orienter" in shown  # the footer shows the key used next
    term.key("C-o")
    term.wait_for("Orienter — vers qui")
    term.words("epicerie solidaire")
    term.key("Tab")  # to the place
    term.words("Melun")
    term.wait_for("Tournesols")
    term.key("Enter")  # to the list
    shown = term.wait_for("p Fiche")  # now the footer offers the fiche
    term.key("p")
    term.wait_for("Fiche écrite")
    assert term.keys <= MAX_KEYS
    fiches = list((db.parent / "fiches").glob("*"))
    assert fiches, "no fiche written"
    assert any("Tournesols" in f.read_text(encoding="utf-8") for f in fiches)
