"""The settings table (key → text): author's initials, theme, team folder, markers."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

_UPSERT = (
    "INSERT INTO settings(key, value) VALUES (?, ?) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


def get_setting(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    """One setting, inside the caller's transaction (or on its own)."""
    conn.execute(_UPSERT, (key, value))


def set_settings(conn: sqlite3.Connection, values: Mapping[str, str]) -> None:
    """Several settings in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(_UPSERT, list(values.items()))
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
