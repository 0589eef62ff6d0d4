"""`aiguillage journal [--mois AAAA-MM] [--json|--csv]`: counts for activity reports."""

from __future__ import annotations

import argparse

from store.journal import JournalError, summarize

from .common import CliError, open_cli_store
from .output import say, say_csv, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "journal",
        help="bilan des orientations (par besoin, type de structure et commune)",
        description="Compte les orientations enregistrées — jamais l'identité des personnes.",
    )
    parser.add_argument("--mois", metavar="AAAA-MM", help="un mois (ex. 2026-11)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true")
    parser.set_defaults(func=run)


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
