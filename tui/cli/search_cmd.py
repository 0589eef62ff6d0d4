"""`aiguillage search QUERY [--near PLACE] [--kind KIND] [--limit N] [--json]`."""

from __future__ import annotations

import argparse

from store import kinds
from store.communes import resolve_place
from store.search import search
from store.text import clean_display

from .common import CliError, open_cli_store, positive_int
from .output import say, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("search", help="chercher des structures (fautes et accents tolérés)")
    parser.add_argument("query", metavar="RECHERCHE")
    parser.add_argument("--near", metavar="COMMUNE_OU_CODE_POSTAL", help="près de ce lieu")
    parser.add_argument("--kind", metavar="TYPE", help="type de structure (ex. pimms, vestiaire)")
    parser.add_argument("--thematique", metavar="CODE", help="thématique data·inclusion")
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


def check_kind(kind: str | None) -> str | None:
    if kind and kind not in kinds.BY_SLUG:
        raise CliError(f"type inconnu : {kind} (types : {', '.join(kinds.BY_SLUG)}).")
    return kind


def format_distance(km: float | None) -> str:
    if km is None:
        return ""
    return f"{km:.1f} km".replace(".", ",")


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        near = resolve_place(store.conn, args.near) if args.near else None
        hits = search(
            store.conn,
            args.query,
            limit=args.limit,
            near=near,
            kind=check_kind(args.kind),
            thematique=args.thematique,
            direct_only=args.direct_only,
            with_sources=True,
        )
    if args.json:
        say_json({"query": args.query, "results": [h.as_json() for h in hits]})
        return 0
    if not hits:
        say(f"Aucune structure pour « {args.query} ».")
        return 0
    for hit in hits:
        place = clean_display(" ".join(p for p in (hit.code_postal, hit.commune) if p))
        if not place and hit.departement:
            place = f"département {clean_display(hit.departement)}"
        if not place:
            place = "lieu non renseigné"
        distance = format_distance(hit.distance_km)
        say(
            f"{hit.id}  {clean_display(hit.nom)}  · {kinds.label(hit.kind)} · {place}"
            + (f" · {distance}" if distance else "")
        )
    return 0
