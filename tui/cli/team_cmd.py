"""`aiguillage equipe rejoindre DOSSIER`, `equipe synchroniser`, `equipe` (état)."""

from __future__ import annotations

import argparse
from pathlib import Path

from store.notes import list_notes
from store.team import SyncReport, TeamError, join, own_file, team_folder
from store.team_sync import synchronise_store

from .common import CliError, open_cli_store
from .output import say


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "equipe", help="notes partagées avec l'équipe par un dossier synchronisé"
    )
    parser.set_defaults(func=run_status)
    team_sub = parser.add_subparsers(dest="team_command", metavar="ACTION")

    join_p = team_sub.add_parser(
        "rejoindre", help="choisir le dossier d'équipe (Nextcloud, lecteur réseau, Syncthing…)"
    )
    join_p.add_argument("folder", metavar="DOSSIER")
    join_p.add_argument("--initiales", metavar="AB", help="vos initiales (sinon celles réglées)")
    join_p.set_defaults(func=run_join)

    sync = team_sub.add_parser(
        "synchroniser", help="écrire vos notes partagées, lire celles de l'équipe"
    )
    sync.set_defaults(func=run_sync)


def run_join(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        author = args.initiales or store.get_setting("author")
        if args.initiales:
            store.set_setting("author", args.initiales)
        try:
            path = join(store.conn, Path(args.folder), author)
            report = synchronise_store(store)
        except TeamError as exc:
            raise CliError(str(exc)) from None
    say(f"Dossier d'équipe : {path.parent!s}")
    say(f"Vos notes partagées y sont écrites dans {path.name}.")
    _print_report(report)
    return 0


def run_sync(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        try:
            report = synchronise_store(store)
        except TeamError as exc:
            raise CliError(str(exc)) from None
    _print_report(report)
    return 0


def run_status(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        folder = team_folder(store.conn)
        path = own_file(store.conn)
        notes = list_notes(store.conn)
    shared = sum(1 for n in notes if n.shared)
    if folder is None or path is None:
        say("Pas de dossier d'équipe. « aiguillage equipe rejoindre DOSSIER » pour en choisir un.")
    else:
        say(f"Dossier d'équipe : {folder!s}")
        say(f"Votre fichier : {path.name}")
    say(f"Notes partagées : {shared} · notes privées (jamais partagées) : {len(notes) - shared}")
    return 0


def _print_report(report: SyncReport) -> None:
    say(report.summary())
    for warning in report.warnings:
        say(f"  attention : {warning}")
