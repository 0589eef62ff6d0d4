"""`aiguillage note add ID TEXT`, `note list [ID]`, `notes export`, `notes purge`,
`note effacer ID`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from pathlib import Path

from store.db import Store
from store.erase import (
    ErasureReport,
    Selection,
    count,
    erase,
    erase_note,
    older_than,
    version_chain,
)
from store.identifying import identifying, warning
from store.notes import add_note, list_notes

from .common import CliError, open_cli_store, private_output, require_structure_id
from .output import ask, say, say_block, say_csv, say_json, warn

EXPORT_FIELDS = (
    "id",
    "structure_id",
    "structure_nom",
    "created_at",
    "author",
    "text",
    "replaces",
    "hidden_at",
)


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
    add.add_argument(
        "--confirmer",
        action="store_true",
        help="enregistrer même si la note semble identifier une personne",
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

    purge = notes_sub.add_parser(
        "purge", help="effacer définitivement les notes anciennes (base et sauvegardes)"
    )
    purge.add_argument(
        "--older-than", required=True, metavar="DURÉE", help="ex. 12m (mois) ou 90j (jours)"
    )
    purge.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    purge.set_defaults(func=run_purge)

    effacer = notes_sub.add_parser(
        "effacer",
        aliases=["erase"],
        help="effacer pour de bon une note et toutes ses versions (droit à l'effacement)",
        description="Efface la note et toutes ses versions de la base, de son journal WAL et "
        "de ses sauvegardes : elle ne peut plus être retrouvée. Pour une simple correction, "
        "modifiez ou masquez la note (dans l'interface).",
    )
    effacer.add_argument("id", metavar="ID", type=_note_id)
    effacer.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    effacer.set_defaults(func=run_erase)


def _note_id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise argparse.ArgumentTypeError(f"numéro de note attendu : {text!r}")
    return int(text)


def run_add(args: argparse.Namespace) -> int:
    findings = identifying(args.text)
    if findings and not args.confirmer:
        raise CliError(
            f"{warning(findings)} Rien n'a été enregistré : reformulez, ou confirmez avec "
            "--confirmer."
        )
    with open_cli_store(args) as store:
        sid = require_structure_id(store, args.id)
        author = args.author or store.get_setting("author")
        note = add_note(store.conn, sid, args.text, author, shared=args.partagee)
    kind = "partagée avec l'équipe" if note.shared else "privée"
    say(f"Note {note.id} ({kind}) ajoutée à {note.structure_nom}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        sid = require_structure_id(store, args.id) if args.id else None
        notes = list_notes(store.conn, sid)
    if args.json:
        say_json({"notes": [n.as_json() for n in notes]})
        return 0
    if not notes:
        say("Aucune note.")
    for note in notes:
        who = f" ({note.author})" if note.author else ""
        who += " · partagée" if note.shared else ""
        say(f"{note.created_at}{who} · n° {note.id} · {note.structure_nom} [{note.structure_id}]")
        say_block(note.text, "    ")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        notes = list_notes(store.conn, include_history=args.history)
    rows = [n.as_json() for n in notes]
    if not args.output:
        if args.format == "json":
            say_json({"notes": rows})
        else:
            say_csv(EXPORT_FIELDS, ([row[f] for f in EXPORT_FIELDS] for row in rows))
        return 0
    with private_output(args.output) as out:
        if args.format == "json":
            import json

            json.dump({"notes": rows}, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    warn(f"{len(rows)} note(s) exportée(s) dans {args.output}.")
    return 0


def parse_age(text: str) -> dt.timedelta:
    match = re.fullmatch(r"\s*(\d{1,6})\s*(m|mois|j|d|a|y)\s*", text.lower())
    if not match:
        raise CliError(
            f"durée invalide : {text!r} (ex. 12m pour 12 mois, 90j pour 90 jours ; au plus 999999)."
        )
    amount, unit = int(match[1]), match[2]
    days = {"m": 30, "mois": 30, "j": 1, "d": 1, "a": 365, "y": 365}[unit] * amount
    return dt.timedelta(days=min(days, 3_000_000))


def _cutoff(age: dt.timedelta) -> str:
    try:
        return (dt.datetime.now() - age).isoformat(timespec="seconds")
    except OverflowError:
        return dt.datetime.min.isoformat(timespec="seconds")


def _confirm(args: argparse.Namespace, question: str, refusal: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CliError(refusal)
    answer = ask(f"{question} [o/N] ")
    if answer.strip().lower() in ("o", "oui", "y", "yes"):
        return True
    say("Rien n'a été effacé.")
    return False


def _erase(store: Store, selection: Selection) -> ErasureReport:
    path = None if store.in_memory else Path(store.path)
    return erase(store.conn, path, selection)


def _say_erased(report: ErasureReport, what: str) -> None:
    say(f"{what} ; effacé aussi de : {', '.join(p.name for p in report.files)}.")
    if report.wal_pending:
        say(
            "Une autre fenêtre d'Aiguillage garde la base ouverte : le journal WAL sera "
            "nettoyé au prochain effacement ou à sa fermeture."
        )


def run_purge(args: argparse.Namespace) -> int:
    """Erase every note created before a date, from the backup first, then the store.
    Run again after an interruption, it finishes the job (store/erase.py)."""
    selection = older_than(_cutoff(parse_age(args.older_than)))
    with open_cli_store(args) as store:
        found = count(store.conn, selection)
        if found and not _confirm(
            args,
            f"Effacer définitivement {found} note(s) {selection.description} ?",
            f"{found} note(s) à effacer : confirmez avec --yes.",
        ):
            return 0
        report = _erase(store, selection)
    if not found:
        _say_erased(report, "Aucune note plus ancienne dans la base")
        return 0
    _say_erased(report, f"{report.erased} note(s) effacée(s) définitivement")
    return 0


def run_erase(args: argparse.Namespace) -> int:
    """Erase a note and all its versions for real (the RGPD right to erasure)."""
    with open_cli_store(args) as store:
        chain = version_chain(store.conn, args.id)
        if chain and not _confirm(
            args,
            f"Effacer pour de bon la note {args.id} et ses {len(chain)} version(s) ? "
            "Elle ne pourra pas être retrouvée.",
            f"note {args.id} : confirmez l'effacement avec --yes.",
        ):
            return 0
        path = None if store.in_memory else Path(store.path)
        erased, report = erase_note(store.conn, path, args.id, store.get_setting("author"))
    if not chain:  # unknown here; an interrupted erasure of it was finished all the same
        raise CliError(f"note inconnue : {args.id} (déjà effacée ?).")
    _say_erased(
        report,
        f"Note {args.id} effacée pour de bon avec ses {len(erased)} version(s) "
        "(droit à l'effacement) : elle n'est plus dans la base, ni dans son journal, "
        "ni dans ses sauvegardes",
    )
    return 0
