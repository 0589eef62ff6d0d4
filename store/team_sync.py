"""Synchronising a store with its team folder: the merge of store/team.py with the store's own
erasure (store/erase.py), so that a note a colleague erased is erased here for real too.

Kept apart from both so that neither imports the other's caller: erase.py records the team
events of an erasure (team.py), team.py takes the erasure as a function.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .db import Store
from .erase import erase, note_ids
from .team import SyncReport, synchronise


def synchronise_store(store: Store) -> SyncReport:
    path = None if store.in_memory else Path(store.path)

    def erase_ids(ids: Sequence[int]) -> None:
        erase(store.conn, path, note_ids(list(ids)))

    return synchronise(store.conn, erase_ids)
