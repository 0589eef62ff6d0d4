"""`aiguillage orient "BESOIN" [--near COMMUNE_OU_CODE_POSTAL] [--limit N] [--json]`."""

from __future__ import annotations

import argparse

from store.lines import heading, no_local_structure
from store.orientation import NeedGroup, Orientation, Suggestion, orient, short_label
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
    parser.add_argument(
        "--acces-direct",
        action="store_true",
        dest="direct_only",
        help="seulement les structures que la personne peut solliciter elle-même"
        " (pas réservées aux orientations par un professionnel)",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        result = orient(
            store.conn, args.need, args.near, limit=args.limit, direct_only=args.direct_only
        )
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
        reach = f" (rayon {result.reach.km:.0f} km)" if result.reach else ""
        say(f"Près de : {result.location.nom} ({result.location.dep}){reach}")
    if not result.suggestions and result.lines and not any(g.missing for g in result.groups):
        where = f" à moins de {result.reach.km:.0f} km" if result.reach else ""
        say(no_local_structure(result.lines, where))
    elif not result.suggestions and not result.location:
        say("Aucune structure trouvée pour ce besoin dans la base.")
    if result.lines and result.suggestions:
        say()
        say("Structures")
    for group in result.groups:
        empty = not (group.suggestions or group.fallbacks or group.missing or group.see_above)
        if empty and result.lines:
            continue  # the lines above answer it, said once
        print_group(group, several=len(result.groups) > 1, lines=bool(result.lines))
    return 0


def print_lines(result: Orientation) -> None:
    """The national lines, above every structure: number, name, hours, open now."""
    if not result.lines:
        return
    say()
    say(heading(result.lines, result.urgent))
    for answer in result.lines:
        say(f"  ☎ {clean_display(answer.numero)}  {clean_display(answer.summary())}")


def print_group(group: NeedGroup, *, several: bool, lines: bool) -> None:
    """A need: its answers nearest first; when its kind is missing within reach, say so,
    then the local fallbacks, then what else may help."""
    words = f" (« {clean_display(group.need.words)} »)" if several and group.need.words else ""
    say()
    say(f"{clean_display(group.label)}{words}")
    if group.missing:
        say(f"  {clean_display(group.missing)}")
        if group.fallbacks:
            say("  À défaut, près de la personne :")
        for s in group.fallbacks:
            print_suggestion(s)
        print_see_above(group)
        if group.suggestions:
            say("  Autres pistes :")
        for s in group.suggestions:
            print_suggestion(s)
        if not group.rows and not group.see_above:
            say(
                "  Si la base ne couvre pas ce territoire, ajoutez son annuaire : "
                "aiguillage import FICHIER (ou aiguillage update)."
            )
        return
    if not group.suggestions and not group.see_above and not lines:
        say("  Aucune structure pour ce besoin dans la base.")
    for s in group.suggestions:
        print_suggestion(s)
    print_see_above(group)


def print_see_above(group: NeedGroup) -> None:
    if group.see_above:
        names = ", ".join(clean_display(s.nom) for s in group.see_above)
        say(f"  Aussi pour ce besoin (voir plus haut) : {names}")


def print_suggestion(s: Suggestion) -> None:
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
    if len(s.sources) > 1:
        say(f"    sources : {clean_display(', '.join(s.sources))}")
