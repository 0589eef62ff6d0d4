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

from .common import EXIT_ERROR, EXIT_USAGE, CliError, FrenchArgumentParser, os_error_line
from .output import warn

# One module per group of subcommands; each defines register(subparsers).
COMMAND_MODULES = (
    "import_cmd",
    "search_cmd",
    "show_cmd",
    "notes_cmd",
    "stats_cmd",
    "orient_cmd",
    "journal_cmd",
    "fiche_cmd",
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
    from store.backup import RestoreError
    from store.communes import AmbiguousPlace, UnknownPlace
    from store.db import StoreError
    from store.erase import ErasureError
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
        RestoreError,
        ErasureError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = next((a for a in argv if _not_utf8(a)), None)
    if bad is not None:
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        warn(f"aiguillage : argument illisible (pas de l'UTF-8) : {shown}")
        return EXIT_USAGE
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
    except sqlite3.DatabaseError as exc:
        from store.db import is_disk_full
        from store.paths import resolve_db_path

        db = resolve_db_path(getattr(args, "db", None))
        if is_disk_full(exc):
            warn(f"aiguillage : {db} : disque plein, rien n'a été enregistré.")
        else:
            warn(f"aiguillage : {db} : la base n'a pas pu être lue ou écrite ({exc}).")
        return EXIT_ERROR
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return EXIT_ERROR
        warn(f"aiguillage : {os_error_line(exc)}")
        return EXIT_ERROR
    except UnicodeError as exc:
        # A bare UnicodeError (the idna codec raises one) has no `reason`.
        if isinstance(exc, UnicodeDecodeError | UnicodeEncodeError):
            reason = exc.reason
        else:
            reason = str(exc)
        warn(f"aiguillage : texte illisible, ce n'est pas de l'UTF-8 ({reason}).")
        return EXIT_ERROR
    except KeyboardInterrupt:
        warn("aiguillage : interrompu.")
        return 130
    except Exception as exc:
        if os.environ.get("AIGUILLAGE_DEBUG"):
            raise
        warn(
            f"aiguillage : erreur inattendue ({type(exc).__name__} : {exc}). "
            "Relancez avec AIGUILLAGE_DEBUG=1 pour le détail."
        )
        return 70


def _not_utf8(text: str) -> bool:
    """Arguments that were not UTF-8 reach Python with lone surrogates."""
    return any("\udc80" <= c <= "\udcff" for c in text)


if __name__ == "__main__":
    sys.exit(main())
