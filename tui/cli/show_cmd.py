"""`aiguillage show ID [--json]`."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from store import dates
from store.db import Store
from store.queries import get_structure
from store.text import clean_display
from store.views import ServiceView, StructureView, structure_view

from .common import CliError, open_cli_store, require_structure_id
from .output import say, say_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("show", help="afficher une structure, ses services et ses notes")
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def load(store: Store, text: str) -> dict[str, Any]:
    structure = get_structure(store.conn, require_structure_id(store, text))
    if structure is None:
        raise CliError(f"aucune structure avec l'identifiant {text!r}.")
    return structure


def run(args: argparse.Namespace) -> int:
    with open_cli_store(args, reading=True) as store:
        structure = load(store, args.id)
    if args.json:
        say_json(structure)
        return 0
    for line in render_text(structure):
        say(line)
    return 0


def render_text(s: dict[str, Any], now: dt.datetime | None = None) -> list[str]:
    """The structure as French lines: no OSM syntax, no Markdown, nothing from data that a
    terminal would interpret (every value is cleaned in the view)."""
    now = now or dt.datetime.now()
    view = structure_view(s)
    lines = [f"{view.nom}  [{view.id}]", view.kind_label]
    if view.absent:
        lines.append("⚠ absente de la dernière importation de sa source")
    for label, value in (
        ("Adresse", view.place.line),
        ("Département", view.place.departement),
        ("Téléphone", view.telephone),
        ("Courriel", view.courriel),
        ("Site", view.site_web),
    ):
        if value:
            lines.append(f"{label} : {value}")
    if view.horaires:
        current = view.hours_state(now)
        if current.open_now is None and current.holiday is None:
            lines.append(f"Horaires (texte de la source) : {view.horaires}")
        else:
            lines.append(f"Horaires : {clean_display(current.label)}")
            lines += [f"  {line}" for line in view.week(now.date())]
    if view.description:
        lines.append("")
        lines += view.description.splitlines()
    for service in view.services:
        lines.append("")
        lines += _service_lines(service, view, now)
    if view.notes:
        lines.append("")
        lines.append("Notes :")
        for note in view.notes:
            who = f" ({note.author})" if note.author else ""
            lines.append(f"  {note.created_at}{who} : {note.text}")
    lines.append("")
    lines.append(
        f"Source : {view.source or 'inconnue'}"
        + (f" — {view.import_path}" if view.import_path else "")
    )
    what, when = view.last_known()
    if when is not None:
        lines.append(f"Données : {what} le {when.strftime('%d/%m/%Y')}")
        if dates.is_stale(when, now.date()):
            lines.append(dates.STALE_WARNING)
    return lines


def _service_lines(service: ServiceView, home: StructureView, now: dt.datetime) -> list[str]:
    lines = [f"• {service.nom}" + (f" ({service.type})" if service.type else "")]
    if service.thematiques:
        lines.append("  " + ", ".join(service.thematiques))
    if service.place is not None:
        lines.append(f"  Lieu : {service.place.line}")
    how = service.mobilisation.lines()
    if how:
        lines.append("  Comment orienter :")
        lines += [f"    {line}" for line in how]
    hours_line = service.hours_summary(now.date(), home.place.departement)
    for label, value in (
        ("Publics", ", ".join(service.publics)),
        ("Précisions", service.publics_precisions),
        ("Conditions", service.conditions_acces),
        ("Frais", service.frais),
        ("Détail des frais", service.frais_precisions),
        ("Accueil", ", ".join(service.modes_accueil)),
        ("Horaires", hours_line),
        ("Téléphone", service.telephone),
        ("Courriel", service.courriel),
    ):
        if value:
            lines.append(f"  {label} : {value}")
    if service.description:
        text = service.description
        if len(text) > 400:
            text = text[:400].rstrip() + "…"
        lines += [f"  {line}" if line else "" for line in text.splitlines()]
    return lines
