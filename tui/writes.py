"""Writes from the TUI (notes, favourites, settings): in worker threads, never lost.

While `aiguillage import` holds the write lock in another terminal, a write waits a short
while, then says so (the caller shows "La base est occupée…") and tries again until it
lands or the worker is cancelled. The UI thread never waits for the lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from store.db import Store, is_busy

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")

BUSY = "La base est occupée par une importation, nouvel essai…"
# One attempt waits this long for the lock; then the worker is told and tries again.
ATTEMPT_TIMEOUT_S = 1.0
PAUSE_S = 0.3


class WriteCancelled(Exception):
    """The worker was cancelled before the write could land: nothing was written."""


def write(
    db_path: str,
    operation: Callable[[sqlite3.Connection], T],
    *,
    on_busy: Callable[[int], object] | None = None,
    cancelled: threading.Event | None = None,
    attempt_timeout: float | None = None,
    pause: float | None = None,
) -> T:
    """Run `operation` on its own short-lived connection, retrying while the store is locked.

    `on_busy(attempt)` is called after each attempt that found the lock taken. The operation
    must be one transaction (everything or nothing), so a retry never writes twice.
    """
    attempt_timeout = ATTEMPT_TIMEOUT_S if attempt_timeout is None else attempt_timeout
    pause = PAUSE_S if pause is None else pause
    attempt = 0
    while True:
        if cancelled is not None and cancelled.is_set():
            raise WriteCancelled
        try:
            with Store(db_path, timeout=attempt_timeout) as store:
                return operation(store.conn)
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        attempt += 1
        if on_busy is not None:
            on_busy(attempt)
        if cancelled is not None:
            if cancelled.wait(pause):
                raise WriteCancelled
        else:
            threading.Event().wait(pause)


def write_from_worker(
    app: App[Any],
    db_path: str,
    operation: Callable[[sqlite3.Connection], T],
    *,
    failure: str,
) -> tuple[bool, T | None]:
    """From a thread worker: `write`, saying once that the store is busy, and on failure a
    French notification "<failure> (<error>)." Returns (written, the operation's result)."""
    from textual.worker import get_current_worker

    def busy(attempt: int) -> None:
        if attempt == 1:
            app.call_from_thread(app.notify, BUSY, severity="warning", markup=False)

    try:
        result = write(
            db_path, operation, on_busy=busy, cancelled=get_current_worker().cancelled_event
        )
    except WriteCancelled:
        return False, None
    except Exception as exc:
        app.call_from_thread(app.notify, f"{failure} ({exc}).", severity="error", markup=False)
        return False, None
    return True, result
