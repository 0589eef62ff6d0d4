"""Notes shared by a team through a folder it already syncs (Nextcloud, network drive, Syncthing).

Each laptop writes only its own file in the folder, `notes-<initiales>-<appareil>.jsonl`, and
reads everyone's. A file is JSON Lines, one event per line, oldest first::

    {"v": 1, "uuid": "…", "type": "added", "note": "…", "at": "2026-12-06T10:02:11",
     "author": "AB", "replaces": null, "text": "n'accepte plus de dossiers avant mars",
     "structure": {"id": "…", "source": "…", "source_id": "…", "nom": "…", "commune": "…"}}

`type` is `added` (a first version), `version` (replaces the note named in `replaces`),
`hidden` or `erased` (these two carry no text and no structure). Only notes the worker marked
« partagée » ever appear; an erased note's text is gone from its `added`/`version` lines the
next time its author's laptop writes its file.

A merge is a union by event UUID: idempotent and independent of the order files are read in.
A note names its structure three ways (stable id, source + source id, name + commune) so that
it finds its structure on a laptop whose imports gave it another id. An event that cannot be
applied yet (its structure not imported here, the note it replaces not seen yet) is simply
read again at the next synchronisation. A damaged line (a sync engine may leave a file cut
mid-line) is reported and skipped, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .notes import RemoteOrigin, add_note, get_note, note_by_uuid
from .team_log import (
    EventRow,
    EventType,
    device_id,
    erased_note_uuids,
    known_event_uuids,
    local_events,
    remember_remote,
)
from .text import normalize, slug

FORMAT_VERSION = 1
FOLDER_SETTING = "team_folder"
FILE_SETTING = "team_file"
FILE_PREFIX = "notes-"
FILE_SUFFIX = ".jsonl"
MAX_LINE_BYTES = 256 * 1024  # a note is a few lines; anything longer is not ours
MAX_FILE_BYTES = 64 * 1024 * 1024

# Erases notes (and all their versions) for real, given their ids; the store's erasure
# mechanism is passed in by the caller, which knows the store's files.
EraseNotes = Callable[[Sequence[int]], None]


class TeamError(Exception):
    """A problem with the team folder; the message is French and names the folder."""


@dataclass(frozen=True)
class StructureRef:
    id: str
    source: str | None
    source_id: str | None
    nom: str | None
    commune: str | None


@dataclass(frozen=True)
class TeamEvent:
    uuid: str
    type: EventType
    note_uuid: str
    device: str
    author: str | None
    at: str
    replaces: str | None = None
    text: str | None = None
    structure: StructureRef | None = None

    @property
    def row(self) -> EventRow:
        return EventRow(self.uuid, self.type, self.note_uuid, self.device, self.author, self.at)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "v": FORMAT_VERSION,
            "uuid": self.uuid,
            "type": self.type.value,
            "note": self.note_uuid,
            "device": self.device,
            "at": self.at,
            "author": self.author,
        }
        if self.type in (EventType.ADDED, EventType.VERSION):
            data["replaces"] = self.replaces
            data["text"] = self.text
            data["structure"] = None if self.structure is None else vars(self.structure)
        return data

    @classmethod
    def from_json(cls, data: object) -> TeamEvent:
        """Raises ValueError on anything that is not a well-formed event."""
        if not isinstance(data, dict):
            raise ValueError("pas un objet JSON")
        try:
            type_ = EventType(data["type"])
            uuid, note, device, at = (str(data[k]) for k in ("uuid", "note", "device", "at"))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"champ manquant ou invalide ({exc})") from None
        if not (uuid and note and device and at):
            raise ValueError("identifiant vide")
        author = _optional_text(data.get("author"))
        if type_ in (EventType.HIDDEN, EventType.ERASED):
            return cls(uuid, type_, note, device, author, at)
        raw = data.get("structure")
        text = _optional_text(data.get("text"))
        if raw is None and text is None:  # an erased note's line: nothing left to merge
            return cls(uuid, type_, note, device, author, at)
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ValueError("structure manquante")
        structure = StructureRef(
            id=str(raw["id"]),
            **{k: _optional_text(raw.get(k)) for k in ("source", "source_id", "nom", "commune")},
        )
        replaces = _optional_text(data.get("replaces"))
        if type_ is EventType.VERSION and not replaces:
            raise ValueError("version sans la note qu'elle remplace")
        return cls(
            uuid,
            type_,
            note,
            device,
            author,
            at,
            replaces=replaces,
            text=text,
            structure=structure,
        )


@dataclass
class SyncReport:
    written: int = 0  # events in this laptop's own file
    files_read: int = 0
    applied: int = 0  # events from others merged now
    waiting: int = 0  # events that cannot be applied yet (read again next time)
    erased: int = 0  # notes erased here because someone erased them
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.applied} nouveauté(s) reçue(s)",
            f"{self.written} événement(s) partagé(s) par cet ordinateur",
            f"{self.files_read} fichier(s) d'équipe lu(s)",
        ]
        if self.erased:
            parts.append(f"{self.erased} note(s) effacée(s) à la demande de l'équipe")
        if self.waiting:
            parts.append(f"{self.waiting} en attente (structure pas encore importée ici)")
        return "Synchronisation : " + ", ".join(parts) + "."


# -- the folder ---------------------------------------------------------------------------
def team_folder(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (FOLDER_SETTING,)).fetchone()
    return Path(row[0]) if row and row[0] else None


def join(conn: sqlite3.Connection, folder: Path, author: str | None) -> Path:
    """Set the team folder; returns this laptop's own file in it."""
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise TeamError(f"{folder} : ce dossier n'existe pas (créez-le ou montez le partage).")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TeamError(f"{folder} : dossier non accessible en écriture.")
    name = f"{FILE_PREFIX}{slug(author) or 'anonyme'}-{device_id(conn)}{FILE_SUFFIX}"
    conn.execute("BEGIN IMMEDIATE")
    try:
        for key, value in ((FOLDER_SETTING, str(folder)), (FILE_SETTING, name)):
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return folder / name


def own_file(conn: sqlite3.Connection) -> Path | None:
    folder = team_folder(conn)
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (FILE_SETTING,)).fetchone()
    if folder is None or not row:
        return None
    return folder / row[0]


# -- writing this laptop's file ------------------------------------------------------------
def own_events(conn: sqlite3.Connection) -> list[TeamEvent]:
    """This laptop's events with what they carry; an erased note's lines carry no text."""
    erased = erased_note_uuids(conn)
    events = []
    for row in local_events(conn):
        event = TeamEvent(row.uuid, row.type, row.note_uuid, row.device, row.author, row.at)
        if row.type in (EventType.ADDED, EventType.VERSION):
            event = _with_note(conn, event, erased)
        events.append(event)
    return events


def _with_note(conn: sqlite3.Connection, event: TeamEvent, erased: set[str]) -> TeamEvent:
    note = None if event.note_uuid in erased else note_by_uuid(conn, event.note_uuid)
    if note is None:
        # Erased here: the line stays (its UUID keeps the merge idempotent), its text and
        # its structure go.
        return event
    replaced = get_note(conn, note.replaces) if note.replaces is not None else None
    row = conn.execute(
        "SELECT id, source, source_id, nom, commune FROM structures WHERE id = ?",
        (note.structure_id,),
    ).fetchone()
    structure = (
        StructureRef(*row) if row else StructureRef(note.structure_id, None, None, None, None)
    )
    return TeamEvent(
        event.uuid,
        event.type,
        event.note_uuid,
        event.device,
        event.author,
        event.at,
        replaces=replaced.uuid if replaced else None,
        text=note.text,
        structure=structure,
    )


def write_own_file(conn: sqlite3.Connection) -> int:
    """Rewrite this laptop's file atomically (a sync engine never sees half of it)."""
    path = own_file(conn)
    if path is None:
        raise TeamError("Aucun dossier d'équipe : lancez « aiguillage equipe rejoindre DOSSIER ».")
    events = own_events(conn)
    content = "".join(
        json.dumps(e.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n" for e in events
    ).encode("utf-8")
    with contextlib.suppress(OSError):
        if path.read_bytes() == content:
            return len(events)  # unchanged: do not wake every sync engine up
    _atomic_write(path, content)
    return len(events)


def _atomic_write(path: Path, content: bytes) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise TeamError(
            f"{path.parent} : écriture impossible dans le dossier d'équipe ({exc.strerror})."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # the team reads it: that is the point of the folder
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise TeamError(f"{path} : écriture impossible ({exc.strerror}).") from None
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# -- reading the others' files -------------------------------------------------------------
def read_folder(folder: Path, own_name: str | None) -> tuple[list[TeamEvent], list[str], int]:
    """Every well-formed event of the other files; French warnings for the lines skipped."""
    events: list[TeamEvent] = []
    warnings: list[str] = []
    try:
        names = sorted(
            p.name
            for p in folder.iterdir()
            if p.name.startswith(FILE_PREFIX) and p.name.endswith(FILE_SUFFIX)
        )
    except OSError as exc:
        raise TeamError(f"{folder} : dossier d'équipe illisible ({exc.strerror}).") from None
    files = 0
    for name in names:
        if name == own_name:
            continue
        path = folder / name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                warnings.append(f"{name} : fichier trop gros, ignoré.")
                continue
            data = path.read_bytes()
        except OSError as exc:
            warnings.append(f"{name} : illisible ({exc.strerror}), ignoré cette fois.")
            continue
        files += 1
        events.extend(_parse_lines(name, data, warnings))
    return events, warnings, files


def _parse_lines(name: str, data: bytes, warnings: list[str]) -> Iterable[TeamEvent]:
    lines = data.split(b"\n")
    last = len(lines) - 1
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if number - 1 == last:  # no newline after it: the file is still being copied
            warnings.append(
                f"{name}, ligne {number} : ligne incomplète (copie en cours ?), "
                "ignorée ; elle sera relue à la prochaine synchronisation."
            )
            continue
        if len(raw) > MAX_LINE_BYTES:
            warnings.append(f"{name}, ligne {number} : ligne trop longue, ignorée.")
            continue
        try:
            yield TeamEvent.from_json(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
            reason = exc.args[0] if isinstance(exc, ValueError) and exc.args else "illisible"
            warnings.append(f"{name}, ligne {number} : ligne ignorée ({reason}).")


# -- merging -------------------------------------------------------------------------------
def resolve_structure(conn: sqlite3.Connection, ref: StructureRef) -> str | None:
    """This store's id for the structure an event names: same id, same source record, or
    the same name in the same commune."""
    if conn.execute("SELECT 1 FROM structures WHERE id = ?", (ref.id,)).fetchone():
        return ref.id
    if ref.source and ref.source_id:
        row = conn.execute(
            "SELECT id FROM structures WHERE source = ? AND source_id = ? LIMIT 1",
            (ref.source, ref.source_id),
        ).fetchone()
        if row:
            return str(row[0])
    if ref.nom:
        rows = conn.execute(
            "SELECT id, commune FROM structures WHERE aig_normalize(nom) = ? AND absent = 0",
            (normalize(ref.nom),),
        ).fetchall()
        same_place = [r[0] for r in rows if normalize(r[1]) == normalize(ref.commune)]
        if len(same_place) == 1:
            return str(same_place[0])
    return None


def merge(
    conn: sqlite3.Connection, events: Sequence[TeamEvent], erase_notes: EraseNotes
) -> tuple[int, int, int]:
    """Apply the events not seen yet; returns (applied, waiting, notes erased)."""
    known = known_event_uuids(conn)
    mine = device_id(conn)
    fresh = {e.uuid: e for e in events if e.uuid not in known and e.device != mine}
    # Erasures first, whatever the order of the files: an erased note never comes back.
    erasures = [e for e in fresh.values() if e.type is EventType.ERASED]
    erased_count = _apply_erasures(conn, erasures, erase_notes)
    erased = erased_note_uuids(conn)
    pending = [e for e in fresh.values() if e.type is not EventType.ERASED]
    applied = len(erasures)
    conn.execute("BEGIN IMMEDIATE")
    try:
        progress = True
        while pending and progress:
            progress = False
            still: list[TeamEvent] = []
            for event in pending:
                if _apply(conn, event, erased):
                    remember_remote(conn, event.row)
                    applied += 1
                    progress = True
                else:
                    still.append(event)
            pending = still
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied, len(pending), erased_count


def _apply_erasures(
    conn: sqlite3.Connection, erasures: Sequence[TeamEvent], erase_notes: EraseNotes
) -> int:
    if not erasures:
        return 0
    ids = [
        row[0]
        for e in erasures
        for row in conn.execute("SELECT id FROM notes WHERE uuid = ?", (e.note_uuid,))
    ]
    if ids:
        erase_notes(ids)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for event in erasures:
            remember_remote(conn, event.row)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return len(ids)


def _apply(conn: sqlite3.Connection, event: TeamEvent, erased: set[str]) -> bool:
    """True when the event is applied (or has nothing left to do here)."""
    if event.note_uuid in erased:
        return True
    existing = note_by_uuid(conn, event.note_uuid)
    if event.type is EventType.HIDDEN:
        if existing is None:
            return False
        conn.execute(
            "UPDATE notes SET hidden_at = ? WHERE id = ? AND hidden_at IS NULL",
            (event.at, existing.id),
        )
        return True
    if existing is not None:
        return True
    if not event.text or event.structure is None:
        return True  # its author erased it: nothing to add
    structure_id = resolve_structure(conn, event.structure)
    if structure_id is None:
        return False
    replaces = None
    if event.replaces:
        if event.replaces in erased:
            return True
        replaced = note_by_uuid(conn, event.replaces)
        if replaced is None:
            return False
        replaces = replaced.id
    add_note(
        conn,
        structure_id,
        event.text,
        event.author,
        replaces=replaces,
        remote=RemoteOrigin(event.note_uuid, event.at),
    )
    return True


def synchronise(conn: sqlite3.Connection, erase_notes: EraseNotes) -> SyncReport:
    """Write this laptop's file, read the others', merge, and write again if erasures here
    changed what this laptop's file must say."""
    folder = team_folder(conn)
    own = own_file(conn)
    if folder is None or own is None:
        raise TeamError("Aucun dossier d'équipe : lancez « aiguillage equipe rejoindre DOSSIER ».")
    report = SyncReport()
    report.written = write_own_file(conn)
    events, report.warnings, report.files_read = read_folder(folder, own.name)
    report.applied, report.waiting, report.erased = merge(conn, events, erase_notes)
    if report.erased:
        report.written = write_own_file(conn)
    return report


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text or None
