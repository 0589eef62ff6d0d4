"""`aiguillage show ID [--json]`."""

from __future__ import annotations

import argparse
import datetime as dt

from store import dates, kinds
from store.hours import state
from store.queries import get_structure
from store.text import clean_display
from store.vocab.thematiques import label as theme_label

from .common import CliError, open_cli_store, print_json, require_structure_id


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("show", help="afficher une structure, ses services et ses notes")
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def load(store, text: str) -> dict:  # type: ignore[no-untyped-def]
    structure = get_structure(store.conn, require_structure_id(store, text))
    if structure is None:
        raise CliError(f"aucune structure avec l'identifiant {text!r}.")
    return structure


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        structure = load(store, args.id)
    if args.json:
        print_json(structure)
        return 0
    for line in render_text(structure):
        print(line)
    return 0


def render_text(s: dict) -> list[str]:  # type: ignore[type-arg]
    c = clean_display
    lines = [f"{c(s['nom'])}  [{s['id']}]", kinds.label(s["kind"])]
    if s.get("absent"):
        lines.append("⚠ absente de la dernière importation de sa source")
    address = ", ".join(
        p
        for p in (
            s.get("adresse"),
            s.get("complement_adresse"),
            " ".join(x for x in (s.get("code_postal"), s.get("commune")) if x),
        )
        if p
    )
    for label, value in (
        ("Adresse", address),
        ("Département", s.get("departement")),
        ("Téléphone", s.get("telephone")),
        ("Courriel", s.get("courriel")),
        ("Site", s.get("site_web")),
    ):
        if value:
            lines.append(f"{label} : {c(str(value))}")
    if s.get("horaires_accueil"):
        lines.append(
            f"Horaires : {c(s['horaires_accueil'])} — {c(state(s['horaires_accueil']).label)}"
        )
    if s.get("description"):
        lines.append("")
        lines.append(c(s["description"]))
    for service in s.get("services", []):
        lines.append("")
        lines.append(f"• {c(service['nom'])}")
        if service.get("thematiques"):
            lines.append("  " + ", ".join(theme_label(t) for t in service["thematiques"]))
        if service.get("description"):
            lines.append("  " + c(service["description"])[:400])
    if s.get("notes"):
        lines.append("")
        lines.append("Notes :")
        for note in s["notes"]:
            who = f" ({c(note['author'])})" if note.get("author") else ""
            lines.append(f"  {note['created_at']}{who} : {c(note['text'])}")
    source = s.get("import") or {}
    lines.append("")
    lines.append(
        f"Source : {c(s['source'])}" + (f" — {c(source['path'])}" if source.get("path") else "")
    )
    what, when = dates.last_known(s.get("date_maj"), source.get("imported_at"))
    if when is not None:
        lines.append(f"Données : {what} le {when.strftime('%d/%m/%Y')}")
        if dates.is_stale(when, dt.date.today()):
            lines.append(dates.STALE_WARNING)
    return lines
