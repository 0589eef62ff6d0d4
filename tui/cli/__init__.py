"""The `aiguillage` command line: the terminal interface's scriptable half.

`aiguillage` alone opens the TUI; subcommands work on the store without it. Every error the
user can cause ends as one French line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from .common import EXIT_ERROR, CliError, FrenchArgumentParser
from .output import say, warn

# One module per group of subcommands; each defines register(subparsers).
COMMAND_MODULES = (
    "import_cmd",
    "search_cmd",
    "show_cmd",
    "notes_cmd",
    "stats_cmd",
    "orient_cmd",
    "journal_cmd",
    "maintenance_cmd",
    "update_cmd",
    "team_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="aiguillage",
        description="Aiguillage — trouver vers qui orienter, hors ligne.",
    )
    parser.add_argument(
        "--db",
        metavar="CHEMIN",
        help="base à utiliser (sinon $AIGUILLAGE_DB ou l'emplacement par défaut)",
    )
    parser.add_argument(
        "--no-demo",
        action="store_true",
        help="ne pas charger l'annuaire des mairies dans une base vide (interface)",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"tui.cli.{name}").register(sub)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from importers.base import ImportFailure
    from store.communes import AmbiguousPlace, UnknownPlace
    from store.db import StoreError
    from store.notes import NoteError
    from store.team import TeamError

    return (
        CliError,
        ImportFailure,
        StoreError,
        UnknownPlace,
        AmbiguousPlace,
        NoteError,
        TeamError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from tui.launch import launch

            return launch(args)
        return int(args.func(args) or 0)
    except _known_errors() as exc:
        warn(f"aiguillage : {exc}")
        return getattr(exc, "code", EXIT_ERROR)
    except sqlite3.OperationalError as exc:
        warn(f"aiguillage : la base n'a pas pu être lue ou écrite ({exc}).")
        return EXIT_ERROR
    except KeyboardInterrupt:
        warn("aiguillage : interrompu.")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("AIGUILLAGE_DEBUG"):
            raise
        say(
            f"aiguillage : erreur inattendue ({type(exc).__name__} : {exc}). "
            "Relancez avec AIGUILLAGE_DEBUG=1 pour le détail.",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
