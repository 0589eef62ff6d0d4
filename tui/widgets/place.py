"""Completing a place as it is typed: a commune name or a postcode, from the embedded table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from textual.suggester import Suggester


class CommuneSuggester(Suggester):
    """Suggests the rest of a commune name (biggest first) or of a postcode.

    `connection` gives a store connection of the UI thread, or None while none is open.
    A typo or « St » gets no inline completion (the rest would not follow what was typed):
    the place line says which commune was understood, or proposes the closest.
    """

    def __init__(self, connection: Callable[[], sqlite3.Connection | None]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.connection = connection

    async def get_suggestion(self, value: str) -> str | None:
        from store.communes import complete  # loaded with the first completion

        conn = self.connection()
        typed = value.strip()
        if conn is None or len(typed) < 2:
            return None
        found = complete(conn, value, limit=1)
        if not found:
            return None
        commune = found[0]
        if typed.isdigit():
            return next((c for c in commune.codes_postaux if c.startswith(typed)), None)
        return commune.nom if commune.nom.lower().startswith(value.lower()) else None
