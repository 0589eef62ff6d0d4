"""The fiche handed to the person: a clean printable file and a short text for the clipboard.

No Textual here: the orientation screen and the main screen both use it, and it is tested
alone. Every value comes from data, so it is cleaned of control characters and escaped for
the output format (HTML entities, Markdown punctuation).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from store import hours, kinds
from store.text import clean_display

FORMATS = ("txt", "md", "html")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def _clean(value: object) -> str:
    """One displayable line: no control characters, whitespace collapsed."""
    if value is None:
        return ""
    return " ".join(clean_display(str(value)).split())


def _address(structure: Mapping[str, Any]) -> str:
    street = ", ".join(
        p
        for p in (_clean(structure.get("adresse")), _clean(structure.get("complement_adresse")))
        if p
    )
    town = " ".join(
        p for p in (_clean(structure.get("code_postal")), _clean(structure.get("commune"))) if p
    )
    return ", ".join(p for p in (street, town) if p)


def _distance(structure: Mapping[str, Any]) -> str:
    km = structure.get("distance_km")
    if km is None:
        return ""
    return f"{km:.1f} km".replace(".", ",")


def _services(structure: Mapping[str, Any]) -> list[str]:
    names = []
    for service in structure.get("services") or []:
        name = _clean(service.get("nom"))
        if name and name not in names:
            names.append(name)
    return names


def _fields(structure: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of one structure, in print order, empty values left out."""
    pairs = [
        ("Type", _clean(kinds.label(structure.get("kind")))),
        ("Adresse", _address(structure)),
        ("Distance", _distance(structure)),
        ("Téléphone", _clean(structure.get("telephone"))),
        ("Courriel", _clean(structure.get("courriel"))),
        ("Site", _clean(structure.get("site_web"))),
        ("Services", " ; ".join(_services(structure))),
    ]
    return [(label, value) for label, value in pairs if value]


def _hours(structure: Mapping[str, Any], now: dt.datetime) -> list[str]:
    week = hours.week_lines(structure.get("horaires_accueil"), today=now.date())
    return [_clean(line) for line in week]


def _title(need: str | None) -> str:
    return "Où vous adresser" + (f" : {_clean(need)}" if need else "")


def _today(now: dt.datetime) -> str:
    return now.strftime("%d/%m/%Y")


# -- renderers ------------------------------------------------------------------------------


def render_txt(structures: list[Mapping[str, Any]], need: str | None, now: dt.datetime) -> str:
    lines = [_title(need), f"Fiche remise le {_today(now)}", ""]
    for structure in structures:
        name = _clean(structure.get("nom")) or "Structure"
        lines += [name, "-" * min(len(name), 70)]
        lines += [f"{label} : {value}" for label, value in _fields(structure)]
        week = _hours(structure, now)
        if week:
            lines.append("Horaires :")
            lines += [f"  {line}" for line in week]
        lines.append("")
    lines.append("Pensez à appeler avant de vous déplacer : les horaires peuvent changer.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_md(structures: list[Mapping[str, Any]], need: str | None, now: dt.datetime) -> str:
    lines = [f"# {_md(_title(need))}", "", f"Fiche remise le {_today(now)}", ""]
    for structure in structures:
        lines += [f"## {_md(_clean(structure.get('nom')) or 'Structure')}", ""]
        lines += [f"- **{label}** : {_md(value)}" for label, value in _fields(structure)]
        week = _hours(structure, now)
        if week:
            lines.append("- **Horaires** :")
            lines += [f"    - {_md(line)}" for line in week]
        lines.append("")
    lines.append("_Pensez à appeler avant de vous déplacer : les horaires peuvent changer._")
    return "\n".join(lines) + "\n"


def render_html(structures: list[Mapping[str, Any]], need: str | None, now: dt.datetime) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{esc(_title(need))}</title>",
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.4}"
        "h2{margin-top:1.5em;border-bottom:1px solid #999}dt{font-weight:bold}"
        "@media print{body{margin:0}}</style>",
        "</head><body>",
        f"<h1>{esc(_title(need))}</h1>",
        f"<p>Fiche remise le {esc(_today(now))}</p>",
    ]
    for structure in structures:
        parts.append(f"<h2>{esc(_clean(structure.get('nom')) or 'Structure')}</h2><dl>")
        for label, value in _fields(structure):
            parts.append(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>")
        week = _hours(structure, now)
        if week:
            items = "".join(f"<li>{esc(line)}</li>" for line in week)
            parts.append(f"<dt>Horaires</dt><dd><ul>{items}</ul></dd>")
        parts.append("</dl>")
    parts.append(
        "<p><em>Pensez à appeler avant de vous déplacer : les horaires peuvent changer.</em></p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[list[Mapping[str, Any]], str | None, dt.datetime], str]] = {
    "txt": render_txt,
    "md": render_md,
    "html": render_html,
}


def _unique_path(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}.{suffix}"
    number = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{number}.{suffix}"
        number += 1
    return candidate


def write_fiche(
    structures: Iterable[Mapping[str, Any]],
    directory: Path,
    *,
    need: str | None = None,
    fmt: str = "md",
    now: dt.datetime | None = None,
) -> Path:
    """Write the fiche in `directory` (created 0700) and return its path (file 0600)."""
    if fmt not in RENDERERS:
        raise ValueError(f"format de fiche inconnu : {fmt} (txt, md ou html)")
    items = list(structures)
    if not items:
        raise ValueError("aucune structure à mettre dans la fiche")
    now = now or dt.datetime.now()
    directory = Path(directory)
    directory.mkdir(parents=True, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    target = _unique_path(directory, f"fiche-{now.strftime('%Y%m%d-%H%M%S')}", fmt)
    text = RENDERERS[fmt](items, need, now)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target


def short_text(structures: Iterable[Mapping[str, Any]]) -> str:
    """A few lines for the clipboard (an SMS, a message): name, address, phone."""
    lines = []
    for structure in structures:
        parts = [_clean(structure.get("nom")) or "Structure", _address(structure)]
        phone = _clean(structure.get("telephone"))
        if phone:
            parts.append(f"tél. {phone}")
        lines.append(" — ".join(p for p in parts if p))
    return "\n".join(lines)
