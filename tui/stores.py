"""One store connection per worker thread (SQLite connections are bound to their thread).

Thread workers run on the event loop's thread pool, so a thread keeps its connection (and
the search vocabulary cached on it) from one keystroke to the next.
"""

from __future__ import annotations

import threading

from store.db import Store

_local = threading.local()


def thread_store(path: str) -> Store:
    """This thread's store for `path`, opened on first use."""
    current: Store | None = getattr(_local, "store", None)
    if current is not None and current.path == str(path):
        return current
    if current is not None:
        current.close()
    _local.store = Store(path)
    return _local.store
