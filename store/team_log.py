"""The log of shared-note events this store knows: its own and those merged from the team.

A shared note travels as events — `added` (a first version), `version` (a new version that
replaces another), `hidden`, `erased` — each named by a UUID. This module only records and
reads those events in the `team_events` table; the team folder itself is store/team.py.
Events never hold a note's text: the notes table does, so erasing a note erases its text once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid as uuid_mod
from dataclasses import dataclass
from enum import StrEnum

DEVICE_SETTING = "team_device"


class EventType(StrEnum):
    ADDED = "added"
    VERSION = "version"
    HIDDEN = "hidden"
    ERASED = "erased"


@dataclass(frozen=True)
class EventRow:
    uuid: str
    type: EventType
    note_uuid: str
    device: str
    author: str | None
    at: str


def new_uuid() -> str:
    return uuid_mod.uuid4().hex


def now_text() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def device_id(conn: sqlite3.Connection) -> str:
    """This store's own name in the team folder, made once (random, says nothing of anyone)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEVICE_SETTING,)).fetchone()
    if row and row[0]:
        return str(row[0])
    device = new_uuid()[:12]
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
        (DEVICE_SETTING, device),
    )
    # Another connection may have won the race: read back what is stored.
    return str(
        conn.execute("SELECT value FROM settings WHERE key = ?", (DEVICE_SETTING,)).fetchone()[0]
    )


def record_local(
    conn: sqlite3.Connection, type_: EventType, note_uuid: str, author: str | None
) -> str:
    """Record an event made on this laptop (inside the caller's transaction)."""
    event_uuid = new_uuid()
    conn.execute(
        "INSERT INTO team_events(uuid, type, note_uuid, device, author, at) VALUES (?,?,?,?,?,?)",
        (event_uuid, type_.value, note_uuid, device_id(conn), author, now_text()),
    )
    return event_uuid


def remember_remote(conn: sqlite3.Connection, event: EventRow) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO team_events(uuid, type, note_uuid, device, author, at)"
        " VALUES (?,?,?,?,?,?)",
        (event.uuid, event.type.value, event.note_uuid, event.device, event.author, event.at),
    )


def known_event_uuids(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT uuid FROM team_events")}


def erased_note_uuids(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT note_uuid FROM team_events WHERE type = ?", (EventType.ERASED.value,)
        )
    }


def local_events(conn: sqlite3.Connection) -> list[EventRow]:
    """The events this laptop made, oldest first: what its file in the team folder holds."""
    rows = conn.execute(
        "SELECT uuid, type, note_uuid, device, author, at FROM team_events"
        " WHERE device = ? ORDER BY rowid",
        (device_id(conn),),
    )
    return [EventRow(r[0], EventType(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def record_erasures(conn: sqlite3.Connection, note_uuids: list[str], author: str | None) -> None:
    """Before erasing shared notes here: tell the team (in the caller's transaction)."""
    for note_uuid in note_uuids:
        record_local(conn, EventType.ERASED, note_uuid, author)
