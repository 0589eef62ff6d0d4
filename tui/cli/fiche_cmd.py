"""`aiguillage fiche ecrire ID… [--besoin TEXTE] [--langue en]`: the fiche for the person;
`aiguillage fiches purge --older-than N`: delete the fiches older than N days."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from store.fiche import FicheRequest, lines_of
from store.lines import answers
from store.needs import interpret
from store.paths import fiches_dir_for
from store.vocab.fiche_words import language_names

from ..fiche import FORMATS, produce_fiche, purge_fiches
from .common import CliError, open_cli_store, positive_int, require_structure_id
from .output import say, say_block


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fiche", aliases=["fiches"], help="fiche à remettre à la personne ; purge des fiches"
    )
    actions = parser.add_subparsers(dest="fiche_command", metavar="ACTION", required=True)
    write = actions.add_parser(
        "ecrire",
        help="écrire la fiche d'une à trois structures",
        description="Écrit la fiche dans le dossier des fiches (0700, à côté de la base). "
        "Le besoin sert à la comprendre (son titre), ses mots ne sont écrits nulle part.",
    )
    write.add_argument("ids", nargs="+", metavar="ID")
    write.add_argument("--besoin", metavar="TEXTE", help="le besoin, pour le titre de la fiche")
    write.add_argument(
        "--langue",
        default="fr",
        choices=[code for code, _ in language_names()],
        help="langue des mots de la fiche (les données restent telles que publiées)",
    )
    write.add_argument("--format", default="html", choices=FORMATS)
    write.add_argument("--dossier", metavar="DOSSIER", help="ailleurs que le dossier des fiches")
    write.set_defaults(func=run_write)

    purge = actions.add_parser("purge", help="effacer les fiches écrites il y a plus de N jours")
    purge.add_argument("--older-than", type=positive_int, required=True, metavar="JOURS")
    purge.add_argument("--dossier", metavar="DOSSIER", help="ailleurs que le dossier des fiches")
    purge.set_defaults(func=run_purge)


def run_write(args: argparse.Namespace) -> int:
    if len(args.ids) > 3:
        raise CliError("trois structures au plus sur une fiche.")
    understood = interpret(args.besoin or "")
    with open_cli_store(args) as store:
        ids = tuple(require_structure_id(store, i) for i in args.ids)
        kinds, themes = understood.top_kinds(), understood.top_thematiques()
        now = dt.datetime.now()
        request = FicheRequest(
            ids,
            kinds=tuple(kinds),
            thematiques=tuple(themes),
            lines=lines_of(answers(understood.lines, now)),
        )
        directory = Path(args.dossier) if args.dossier else fiches_dir_for(store.path)
        try:
            result = produce_fiche(
                store.conn,
                request,
                directory,
                now=now,
                fmt=args.format,
                lang=args.langue,
            )
        except (OSError, ValueError) as exc:
            raise CliError(f"la fiche n'a pas pu être écrite : {exc}") from None
    say(f"Fiche écrite : {result.path}")
    say_block(result.short)
    return 0


def run_purge(args: argparse.Namespace) -> int:
    if args.dossier:
        directory = Path(args.dossier)
    else:
        with open_cli_store(args) as store:
            directory = fiches_dir_for(store.path)
    try:
        removed = purge_fiches(directory, older_than_days=args.older_than, now=dt.datetime.now())
    except OSError as exc:
        raise CliError(f"{directory} : les fiches n'ont pas pu être effacées ({exc}).") from None
    days = args.older_than
    say(f"{len(removed)} fiche(s) de plus de {days} jour(s) effacée(s) de {directory}.")
    return 0
