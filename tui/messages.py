"""Messages that worker threads post back to the screens (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from store.notes import NoteMark
    from store.search import Hit
    from store.views import StructureView

    from .screens.settings import Settings


@dataclass
class ResultsReady(Message):
    """A search finished: the hits to show, and a French line about the place filter."""

    serial: int
    hits: list[Hit]
    place_note: str = ""
    notes: dict[str, NoteMark] = field(default_factory=dict)  # structure id -> its notes


@dataclass
class DetailReady(Message):
    """The highlighted structure, read from the store (None when it vanished)."""

    structure_id: str
    structure: StructureView | None  # built in the worker, off the UI thread


@dataclass
class DemoProgress(Message):
    """Loading the embedded directory: French phase, done, total (when known)."""

    phase: str
    done: int
    total: int | None


@dataclass
class DemoLoaded(Message):
    """The embedded directory is in the store (or failed: `error` in French).

    `summary` says what was added (« 34861 mairies et 2845 France services »); `refreshing`
    when the files are being imported again behind the snapshot just loaded."""

    summary: str
    error: str = ""
    refreshing: bool = False


@dataclass
class StorePreparing(Message):
    """Opening the store takes time (first run: creating it; or waiting for a lock)."""

    text: str


@dataclass
class StoreReady(Message):
    """The store is open and migrated: its settings, and whether the default directory is to
    be loaded (an empty store, or one with the mairies but not the France services)."""

    settings: Settings
    wants_defaults: bool


@dataclass
class StoreFailed(Message):
    """The store could not be opened (French message, shown as is)."""

    error: str
