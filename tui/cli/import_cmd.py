"""`aiguillage import PATH... [--format NAME] [--strict]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from importers.base import ImportFailure, ImportOptions
from importers.runner import import_file, rejects_path
from store.writer import ImportReport

from .common import EXIT_ERROR, CliError, open_cli_store
from .output import end_progress, progress, progress_shown, say, say_json, warn


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="importer des fichiers (format détecté)")
    parser.add_argument("paths", nargs="+", metavar="FICHIER")
    parser.add_argument("--format", dest="format_name", metavar="NOM", help="forcer le format")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="tout ou rien : un enregistrement rejeté annule le fichier",
    )
    parser.add_argument(
        "--name", metavar="NOM", help="nom de la structure (page sur une structure)"
    )
    parser.add_argument("--source", metavar="NOM", help="nom de la source (jeu de données)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLONNE=CHAMP",
        help="associer une colonne d'un tableau à un champ (répétable)",
    )
    parser.add_argument("--json", action="store_true", help="résumé en JSON")
    parser.set_defaults(func=run)


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise CliError(f"--map attend COLONNE=CHAMP, pas {pair!r}.")
        mapping[column.strip()] = field.strip()
    return mapping


class _Bar:
    """A one-line progress indicator on a terminal's stderr."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.active = progress_shown()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.active:
            return
        if total:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = "█" * filled + "·" * (width - filled)
            progress(f"{self.label} {phase} [{bar}] {done}/{total}")
        else:
            progress(f"{self.label} {phase}… {done}")

    def close(self) -> None:
        if self.active:
            end_progress()


def run(args: argparse.Namespace) -> int:
    options = ImportOptions(
        name=args.name, source=args.source, mapping=_mapping(args.map), strict=args.strict
    )
    failed = 0
    reports = []
    with open_cli_store(args) as store:
        for path in args.paths:
            bar = _Bar(path)
            try:
                report = import_file(
                    store, path, format_name=args.format_name, options=options, progress=bar
                )
            except ImportFailure as exc:
                bar.close()
                warn(f"aiguillage : {exc}")
                failed += 1
                continue
            bar.close()
            reports.append(report)
            if not args.json:
                _print_summary(report, rejects_path(store))
        if args.json:
            say_json({"imports": [r.as_json() for r in reports], "failed": failed})
    return EXIT_ERROR if failed else 0


def _print_summary(report: ImportReport, rejects_file: Path | None) -> None:
    say(
        f"{report.path} ({report.format}) : {report.added} ajoutée(s), "
        f"{report.updated} mise(s) à jour, "
        f"{report.unchanged} inchangée(s), {report.rejected} rejetée(s)"
        + (
            f", {report.absent} absente(s) de la source (gardées pour leurs notes)"
            if report.absent
            else ""
        )
        + (f", {report.removed} retirée(s)" if report.removed else "")
        + f" ; {report.services} service(s)."
    )
    for reject in report.rejects[:10]:
        say(f"  rejet — {reject.origin} : {reject.reason}")
    if report.rejected > 10:
        say(f"  … et {report.rejected - 10} autre(s) rejet(s).")
    if report.rejected and rejects_file:
        say(f"  Liste complète des rejets : {rejects_file}")
