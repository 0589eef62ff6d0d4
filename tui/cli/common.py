"""Shared pieces of the command line: errors, the French parser, opening the store, output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from store.db import Store
from store.paths import resolve_db_path
from store.queries import resolve_id

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as one French line (exit code EXIT_ERROR unless given)."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


_TRANSLATIONS = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (possibles : %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
}


def _gettext(message: str) -> str:
    return _TRANSLATIONS.get(message, message)


argparse._ = _gettext  # type: ignore[attr-defined]  # argparse looks its messages up here


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"aiguillage : {message}\n")


def open_cli_store(args: argparse.Namespace) -> Store:
    """The store named by --db / AIGUILLAGE_DB / the default location."""
    return Store(resolve_db_path(getattr(args, "db", None)))


def require_structure_id(store: Store, text: str) -> str:
    """The id of the structure named by an id or an unambiguous id prefix, or a CliError."""
    sid = resolve_id(store.conn, text)
    if sid is None:
        raise CliError(f"aucune structure avec l'identifiant {text!r}.")
    return sid


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre positif attendu : {text!r}")
    return value
