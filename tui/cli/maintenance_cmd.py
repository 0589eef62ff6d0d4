"""`aiguillage doctor [--json] [--reparer]`: check the store and say how to restore it."""

from __future__ import annotations

import argparse

from store.doctor import OK, PROBLEM, diagnose, repair
from store.paths import resolve_db_path

from .common import EXIT_ERROR
from .output import say, say_json

_MARKS = {OK: "✓", PROBLEM: "✗"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor", help="vérifier la base : intégrité, version, orphelins, droits"
    )
    parser.add_argument("--json", action="store_true", help="diagnostic en JSON")
    parser.add_argument(
        "--reparer",
        "--repair",
        dest="repair",
        action="store_true",
        help="restreindre les droits et reconstruire l'index de recherche si besoin",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_db_path(getattr(args, "db", None))
    actions = repair(path) if args.repair and path.is_file() else []
    diagnosis = diagnose(path)
    if args.json:
        data = diagnosis.as_json()
        data["repaired"] = actions
        say_json(data)
    else:
        for line in actions:
            say(f"réparé : {line}")
        say(f"Base : {path}")
        for finding in diagnosis.findings:
            say(f"  {_MARKS.get(finding.level, '·')} {finding.message}")
        if diagnosis.healthy:
            say("Tout va bien.")
        else:
            say(f"{len(diagnosis.problems)} problème(s).")
            for line in diagnosis.advice():
                say(f"→ {line}")
    return 0 if diagnosis.healthy else EXIT_ERROR
