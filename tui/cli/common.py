"""Shared pieces of the command line: errors, the French parser, opening the store, output."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

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


def open_cli_store(args: argparse.Namespace, *, reading: bool = False) -> Store:
    """The store named by --db / AIGUILLAGE_DB / the default location.

    A reading command (`reading=True`) on a store this account cannot write opens it read
    only, and says so on stderr; a writing command gets the French refusal."""
    path = resolve_db_path(getattr(args, "db", None))
    if reading and path.is_file() and not writable(path):
        from .output import warn

        warn(f"aiguillage : {path} : base en lecture seule, consultation seulement.")
        return Store(path, read_only=True)
    return Store(path)


def writable(path: Path) -> bool:
    """Can this account write the store (its folder too, for the WAL beside it)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


@contextlib.contextmanager
def private_output(name: str) -> Iterator[TextIO]:
    """A file written by a command (an export): 0600 even when it replaces an existing
    file; errors become one French line naming the file."""
    try:
        fd = os.open(name, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        out = os.fdopen(fd, "w", newline="", encoding="utf-8")
    except OSError as exc:
        raise CliError(os_error_line(exc, name)) from None
    try:
        with out:
            yield out
    except OSError as exc:
        raise CliError(os_error_line(exc, name)) from None


def require_structure_id(store: Store, text: str) -> str:
    """The id of the structure named by an id or an unambiguous id prefix, or a CliError."""
    sid = resolve_id(store.conn, text)
    if sid is None:
        raise CliError(f"aucune structure avec l'identifiant {text!r}.")
    return sid


_ERRNO_FR = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


def os_error_line(exc: OSError, name: object = None) -> str:
    """One French line for a system error, naming the file."""
    what = _ERRNO_FR.get(exc.errno or 0, exc.strerror or str(exc))
    target = exc.filename if exc.filename is not None else name
    return f"{target} : {what}." if target is not None else f"{what}."


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre positif attendu : {text!r}")
    return value
