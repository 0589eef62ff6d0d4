"""`aiguillage journal [--mois AAAA-MM] [--json|--csv]`: counts for activity reports;
`aiguillage journal purge [--avant DATE] [--yes]`: delete old entries (copies included)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from store.db import Store
from store.erase import copy_paths
from store.journal import JournalError, count_before, parse_day, purge, summarize

from .common import CliError, open_cli_store
from .output import ask, say, say_csv, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "journal",
        help="bilan des orientations (par besoin, type de structure et commune)",
        description="Compte les orientations enregistrées : le jour, les besoins compris "
        "(codes), la commune — jamais les mots tapés ni l'identité des personnes.",
    )
    parser.add_argument("--mois", metavar="AAAA-MM", help="un mois (ex. 2026-11)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true")
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="journal_command", metavar="ACTION")
    purge_parser = actions.add_parser(
        "purge", help="effacer définitivement les orientations anciennes (ou toutes)"
    )
    purge_parser.add_argument(
        "--avant", metavar="DATE", help="celles d'avant ce jour (AAAA-MM-JJ) ; sinon toutes"
    )
    purge_parser.add_argument("--yes", action="store_true", help="ne pas demander confirmation")
    purge_parser.set_defaults(func=run_purge)


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        try:
            summary = summarize(store.conn, args.mois)
        except JournalError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        say_json(summary.as_json())
        return 0
    if args.csv:
        say_csv(["categorie", "code", "libelle", "nombre"], summary.rows())
        return 0
    period = f"en {summary.month}" if summary.month else "au total"
    say(f"Orientations {period} : {summary.total}")
    for title, counter, name in (
        ("Besoins", summary.by_thematique, "besoin"),
        ("Types de structures", summary.by_kind, "type"),
        ("Communes", summary.by_commune, "commune"),
    ):
        if not counter:
            continue
        say()
        say(f"{title} :")
        for category, _code, label, count in summary.rows():
            if category == name:
                say(f"  {count:>4}  {label}")
    return 0


def _confirmed(question: str, count: int) -> bool:
    if not sys.stdin.isatty():
        raise CliError(f"{count} orientation(s) à effacer : confirmez avec --yes.")
    if ask(f"{question} [o/N] ").strip().lower() in ("o", "oui", "y", "yes"):
        return True
    say("Rien n'a été effacé.")
    return False


def run_purge(args: argparse.Namespace) -> int:
    try:
        before: dt.date | None = parse_day(args.avant) if args.avant else None
    except JournalError as exc:
        raise CliError(str(exc)) from None
    span = f"d'avant le {before.strftime('%d/%m/%Y')}" if before else "(toutes)"
    with open_cli_store(args) as store:
        count = count_before(store.conn, before)
        if count == 0:
            say("Aucune orientation à effacer.")
            return 0
        if not args.yes and not _confirmed(f"Effacer {count} orientation(s) {span} ?", count):
            return 0
        with store.transaction() as conn:
            purge(conn, before)
        store.conn.execute("VACUUM")
        copies = [] if store.in_memory else copy_paths(Path(store.path))
    for copy_path in copies:  # the copies kept by import and restore hold the same journal
        if copy_path.exists():
            with Store(copy_path) as copy:  # brought to the current schema (no words) first
                with copy.transaction() as conn:
                    purge(conn, before)
                copy.conn.execute("VACUUM")
    say(f"{count} orientation(s) {span} effacée(s) du journal.")
    return 0
