"""`aiguillage orient "BESOIN" [--near COMMUNE_OU_CODE_POSTAL] [--limit N] [--json]`."""

from __future__ import annotations

import argparse

from store.lines import heading, no_local_structure
from store.orientation import MAX_KM, Orientation, grouped, orient, short_label
from store.text import clean_display
from store.vocab.thematiques import label as theme_label

from .common import open_cli_store, positive_int
from .output import say, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "orient",
        help="vers qui orienter : un besoin dit avec ses mots, un lieu",
        description="Comprend un besoin (fautes, abréviations, phrases) et propose les "
        "structures qui y répondent, près d'un lieu, avec leurs raisons.",
    )
    parser.add_argument("need", metavar="BESOIN")
    parser.add_argument("--near", metavar="COMMUNE_OU_CODE_POSTAL", help="près de ce lieu")
    parser.add_argument("--limit", type=positive_int, default=10, metavar="N")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        result = orient(store.conn, args.need, args.near, limit=args.limit)
    if args.json:
        say_json(result.as_json())
        return 0
    interpretation = result.interpretation
    if interpretation.empty:
        say(f"Besoin non reconnu : « {clean_display(args.need)} ». Essayez d'autres mots.")
        return 0
    kinds = ", ".join(short_label(k) for k, _ in interpretation.kinds[:3])
    themes = ", ".join(theme_label(t) for t, _ in interpretation.thematiques[:3])
    say(f"Besoin compris : {kinds}" + (f" — {themes}" if themes else ""))
    print_lines(result)
    if result.location:
        say(f"Près de : {result.location.nom} ({result.location.dep})")
    if not result.suggestions and result.lines:
        where = f" à moins de {MAX_KM:.0f} km de {result.location.nom}" if result.location else ""
        say(no_local_structure(result.lines, where))
        return 0
    if not result.suggestions and result.location:
        say(
            f"Aucune structure pour ce besoin à moins de {MAX_KM:.0f} km de "
            f"{result.location.nom} dans la base. Si elle ne couvre pas ce territoire, "
            "ajoutez son annuaire : aiguillage import FICHIER (ou aiguillage update)."
        )
        return 0
    if not result.suggestions:
        say("Aucune structure trouvée pour ce besoin dans la base.")
        return 0
    if result.lines:
        say()
        say("Structures")
    for kind, suggestions in grouped(result.suggestions):
        say()
        say(short_label(kind))
        for s in suggestions:
            say(f"  {clean_display(s.nom)}  [{s.id}]")
            say(f"    {clean_display(' · '.join(s.reasons))}")
            contact = " · ".join(
                clean_display(p)
                for p in (
                    s.adresse,
                    " ".join(x for x in (s.code_postal, s.commune) if x),
                    s.telephone,
                )
                if p
            )
            if contact:
                say(f"    {contact}")
    return 0


def print_lines(result: Orientation) -> None:
    """The national lines, above every structure: number, name, hours, open now."""
    if not result.lines:
        return
    say()
    say(heading(result.lines, result.urgent))
    for answer in result.lines:
        say(f"  ☎ {clean_display(answer.numero)}  {clean_display(answer.summary())}")
