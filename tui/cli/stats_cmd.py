"""`aiguillage stats [--json]`."""

from __future__ import annotations

import argparse

from store.queries import stats

from .common import open_cli_store
from .output import say, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("stats", help="compter structures, services, notes et sources")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        data = stats(store.conn)
    if args.json:
        say_json(data)
        return 0
    say(f"Structures : {data['structures']} (dont {data['absent']} absentes de leur source)")
    say(f"Services : {data['services']}")
    say(f"Notes : {data['notes']}")
    say(f"Importations : {data['imports']}")
    for source in data["sources"]:
        say(f"  {source['source']} : {source['structures']} structure(s)")
    return 0
