"""`aiguillage note add ID TEXT`, `note list [ID]`, `notes export`, `notes purge`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import sqlite3
import sys
from typing import TextIO

from store.backup import backup_path
from store.notes import add_note, list_notes
from store.text import clean_display

from .common import CliError, open_cli_store, print_json, require_structure_id


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("note", aliases=["notes"], help="notes locales sur les structures")
    notes_sub = parser.add_subparsers(dest="note_command", metavar="ACTION", required=True)

    add = notes_sub.add_parser("add", help="ajouter une note à une structure")
    add.add_argument("id", metavar="ID")
    add.add_argument("text", metavar="TEXTE")
    add.add_argument("--author", metavar="INITIALES")
    add.add_argument(
        "--partagee",
        action="store_true",
        help="partager la note avec l'équipe (dossier d'équipe) ; sinon elle reste privée",
    )
    add.set_defaults(func=run_add)

    lst = notes_sub.add_parser("list", help="lister les notes (d'une structure ou toutes)")
    lst.add_argument("id", nargs="?", metavar="ID")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)

    export = notes_sub.add_parser("export", help="exporter toutes les notes (JSON ou CSV)")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument(
        "--output", "-o", metavar="FICHIER", help="fichier (sinon la sortie standard)"
    )
    export.add_argument(
        "--history", action="store_true", help="avec les versions remplacées et masquées"
    )
    export.set_defaults(func=run_export)

    purge = notes_sub.add_parser("purge", help="effacer définitivement les notes anciennes")
    purge.add_argument(
        "--older-than", required=True, metavar="DURÉE", help="ex. 12m (mois) ou 90j (jours)"
    )
    purge.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    purge.set_defaults(func=run_purge)


def run_add(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        sid = require_structure_id(store, args.id)
        author = args.author or store.get_setting("author")
        note = add_note(store.conn, sid, args.text, author, shared=args.partagee)
    kind = "partagée avec l'équipe" if note.shared else "privée"
    print(f"Note {note.id} ({kind}) ajoutée à {clean_display(note.structure_nom)}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        sid = require_structure_id(store, args.id) if args.id else None
        notes = list_notes(store.conn, sid)
    if args.json:
        print_json({"notes": [n.as_json() for n in notes]})
        return 0
    if not notes:
        print("Aucune note.")
    for note in notes:
        who = f" ({clean_display(note.author)})" if note.author else ""
        who += " · partagée" if note.shared else ""
        print(f"{note.created_at}{who} · {clean_display(note.structure_nom)} [{note.structure_id}]")
        for line in clean_display(note.text).splitlines():
            print(f"    {line}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        notes = list_notes(store.conn, include_history=args.history)
    rows = [n.as_json() for n in notes]
    out = _private_file(args.output) if args.output else sys.stdout
    try:
        if args.format == "json":
            import json

            json.dump({"notes": rows}, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            fields = [
                "id",
                "structure_id",
                "structure_nom",
                "created_at",
                "author",
                "text",
                "replaces",
                "hidden_at",
            ]
            writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if args.output:
            out.close()
    if args.output:
        print(f"{len(rows)} note(s) exportée(s) dans {args.output}.", file=sys.stderr)
    return 0


def _private_file(path: str) -> TextIO:
    """An export of notes is as private as the store: created 0600."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", newline="", encoding="utf-8")


def parse_age(text: str) -> dt.timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*(m|mois|j|d|a|y)\s*", text.lower())
    if not match:
        raise CliError(f"durée invalide : {text!r} (ex. 12m pour 12 mois, 90j pour 90 jours).")
    amount, unit = int(match[1]), match[2]
    days = {"m": 30, "mois": 30, "j": 1, "d": 1, "a": 365, "y": 365}[unit] * amount
    return dt.timedelta(days=days)


def run_purge(args: argparse.Namespace) -> int:
    cutoff = (dt.datetime.now() - parse_age(args.older_than)).isoformat(timespec="seconds")
    with open_cli_store(args) as store:
        count = store.count("notes", f"created_at < '{cutoff}'")
        if count == 0:
            print("Aucune note plus ancienne.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(f"{count} note(s) à effacer : confirmez avec --yes.")
            answer = input(
                f"Effacer définitivement {count} note(s) d'avant le {cutoff[:10]} ? [o/N] "
            )
            if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                print("Rien n'a été effacé.")
                return 0
        with store.transaction() as conn:
            purge_before(conn, cutoff)
        store.conn.execute("VACUUM")
        backup = backup_path(store)
    if backup.exists():  # the copy made before the last import holds the same notes
        conn = sqlite3.connect(backup, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            purge_before(conn, cutoff)
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()
    print(f"{count} note(s) effacée(s) définitivement.")
    return 0


def purge_before(conn: sqlite3.Connection, cutoff: str) -> None:
    """Delete the notes created before `cutoff`, inside the caller's transaction, keeping
    the append-only trigger; deleted text is overwritten (secure_delete)."""
    conn.execute("PRAGMA secure_delete = ON")
    # Versions pointing at purged notes lose the link, not their text.
    conn.execute("DROP TRIGGER IF EXISTS notes_immutable")
    conn.execute(
        "UPDATE notes SET replaces = NULL WHERE replaces IN "
        "(SELECT id FROM notes WHERE created_at < ?)",
        (cutoff,),
    )
    conn.execute("DELETE FROM notes WHERE created_at < ?", (cutoff,))
    from store.schema import MIGRATIONS

    trigger = next(s for s in MIGRATIONS[0] if "notes_immutable" in s)
    conn.execute(trigger)
