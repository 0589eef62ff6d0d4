"""Messages that worker threads post back to the screens (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from store.search import Hit


@dataclass
class ResultsReady(Message):
    """A search finished: the hits to show, and a French line about the place filter."""

    serial: int
    hits: list[Hit]
    place_note: str = ""


@dataclass
class DetailReady(Message):
    """The highlighted structure, read from the store (None when it vanished)."""

    structure_id: str
    structure: dict[str, Any] | None


@dataclass
class DemoProgress(Message):
    """Loading the embedded directory: French phase, done, total (when known)."""

    phase: str
    done: int
    total: int | None


@dataclass
class DemoLoaded(Message):
    """The embedded directory is in the store (or failed: `error` in French)."""

    added: int
    error: str = ""
