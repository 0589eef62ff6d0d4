"""The fiche handed to the person: one flow, four forms (HTML, Markdown, text, short text).

No Textual here: both screens and the command line call `produce_fiche`, and it is tested
alone. The model (store/fiche.py) says what goes on the fiche; this module only words it in
the person's language (store/vocab/fiche_words.tsv) and formats it. Every value from data
is cleaned of control characters there and escaped here for the output format.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from store.db import make_private_dirs
from store.fiche import (
    Fiche,
    FicheLine,
    FicheRequest,
    FicheService,
    FicheStructure,
    Place,
    Week,
    build_fiche,
)
from store.hours import DayHours
from store.vocab.fiche_words import Words, words

FORMATS = ("html", "md", "txt")
FICHE_NAME = re.compile(r"^fiche-\d{8}-\d{6}(?:-\d+)?\.(?:html|md|txt)$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


# -- wording shared by the formats ------------------------------------------------------------


def title(fiche: Fiche, w: Words) -> str:
    return w("title") + (f" — {' · '.join(fiche.needs)}" if fiche.needs else "")


def place_text(place: Place, w: Words) -> str:
    if place.street:
        return ", ".join(p for p in (place.street, place.town) if p)
    return " — ".join(p for p in (place.town, w("address_unknown")) if p)


def phone_text(phone: str | None, w: Words) -> str:
    return phone or w("no_phone")


def day_label(day: DayHours, w: Words) -> str:
    label = f"{w.day(day.weekday)} {day.date.strftime('%d/%m')}"
    return f"{label} ({w('today')})" if day.today else label


def day_hours(day: DayHours, w: Words) -> str:
    if day.holiday_unsaid:
        return f"{w('holiday')} : {w('holiday_check')}"
    slots = ", ".join(day.slots) if day.slots else w("closed")
    return f"{w('holiday')} : {slots}" if day.holiday else slots


def week_lines(week: Week, w: Words) -> list[str]:
    """'lundi 09/11 : 09:00–12:00, 14:00–17:00' lines, or the hours as published."""
    if week.days:
        return [f"{day_label(d, w)} : {day_hours(d, w)}" for d in week.days]
    if week.published:
        return [f"{w('hours_published')} : {week.published}"]
    return [w("hours_unknown")]


def open_days(week: Week, w: Words) -> str:
    """A service's week on one line: its open days (and holidays) only."""
    if not week.days:
        return week_lines(week, w)[0]
    days = [d for d in week.days if d.slots or d.holiday]
    return " ; ".join(f"{day_label(d, w)} : {day_hours(d, w)}" for d in days) or w("closed")


def access_text(service: FicheStructure | FicheService, w: Words) -> str:
    return " · ".join(w(a.value) for a in service.access)


def fees_text(service: FicheService, w: Words) -> str:
    parts = [w(service.fees.value)] if service.fees else []
    if service.fees_details:
        parts.append(service.fees_details)
    return " — ".join(parts)


def service_fields(service: FicheService, w: Words) -> list[tuple[str, str]]:
    """(label, value) pairs of a service, empty values left out."""
    pairs = [
        (w("address"), place_text(service.place, w) if service.place else ""),
        (w("phone"), service.phone or ""),
        (w("hours"), open_days(service.week, w) if service.week else ""),
        (w("access"), access_text(service, w)),
        (w("conditions"), service.conditions or ""),
        (w("fees"), fees_text(service, w)),
        (w("papers"), " ; ".join(service.papers)),
    ]
    return [(label, value) for label, value in pairs if value]


def structure_fields(structure: FicheStructure, w: Words) -> list[tuple[str, str]]:
    pairs = [
        (w("address"), place_text(structure.place, w)),
        (w("phone"), phone_text(structure.phone, w)),
        (w("access"), access_text(structure, w)),
        (w("distance"), format_km(structure.distance_km)),
    ]
    return [(label, value) for label, value in pairs if value]


def format_km(km: float | None) -> str:
    return "" if km is None else f"{km:.1f} km".replace(".", ",")


def issued(fiche: Fiche, w: Words) -> str:
    return w("issued", date=fiche.issued.strftime("%d/%m/%Y"))


def line_text(line: FicheLine, w: Words) -> str:
    """What follows the number: name, when to call it, free, hours (as published)."""
    parts = [
        line.name,
        w("in_danger") if line.in_danger else "",
        w("free") if line.free else "",
        line.hours or "",
    ]
    return " — ".join(p for p in parts if p)


# -- plain text and Markdown ------------------------------------------------------------------


def render_txt(fiche: Fiche, w: Words) -> str:
    lines = [title(fiche, w), issued(fiche, w), ""]
    if fiche.lines:
        lines.append(w("urgent_lines"))
        lines += [f"  {n.number} — {line_text(n, w)}" for n in fiche.lines]
        lines.append("")
    for s in fiche.structures:
        lines += [s.nom, "-" * min(len(s.nom), 70)]
        lines += [f"{label} : {value}" for label, value in structure_fields(s, w)]
        lines.append(f"{w('hours')} :")
        lines += [f"  {line}" for line in week_lines(s.week, w)]
        for service in s.services:
            lines.append(f"{w('service')} : {service.nom}")
            lines += [f"  {label} : {value}" for label, value in service_fields(service, w)]
        lines.append("")
    lines.append(w("call_before"))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_md(fiche: Fiche, w: Words) -> str:
    lines = [f"# {_md(title(fiche, w))}", "", _md(issued(fiche, w)), ""]
    if fiche.lines:
        lines += [f"**{_md(w('urgent_lines'))}**", ""]
        lines += [f"- **{_md(n.number)}** {_md(line_text(n, w))}" for n in fiche.lines]
        lines.append("")
    for s in fiche.structures:
        lines += [f"## {_md(s.nom)}", ""]
        lines += [f"- **{_md(label)}** : {_md(value)}" for label, value in structure_fields(s, w)]
        lines.append(f"- **{_md(w('hours'))}** :")
        lines += [f"    - {_md(line)}" for line in week_lines(s.week, w)]
        for service in s.services:
            lines.append(f"- **{_md(w('service'))}** : {_md(service.nom)}")
            lines += [
                f"    - **{_md(label)}** : {_md(value)}"
                for label, value in service_fields(service, w)
            ]
        lines.append("")
    lines.append(f"_{_md(w('call_before'))}_")
    return "\n".join(lines) + "\n"


# -- HTML (printable: one A4 page for up to three structures) ---------------------------------

_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12.5pt; line-height: 1.2;
       max-width: 46em; margin: 1em auto; color: #000; }
h1 { font-size: 18pt; margin: 0 0 2pt; }
h2 { font-size: 15pt; margin: 0 0 3pt; }
.issued { margin: 0 0 6pt; }
.lines { border: 2pt solid #000; padding: 3pt 8pt; margin: 0 0 6pt; }
.lines p { margin: 0; }
.lines .number { font-size: 16pt; font-weight: bold; }
section { border-top: 1.5pt solid #000; padding-top: 2pt; margin-top: 4pt; }
.head, .service { break-inside: avoid; page-break-inside: avoid; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0 8pt; }
dt { font-weight: bold; }
dd { margin: 0; }
table.week { border-collapse: collapse; width: 100%; margin-top: 3pt; table-layout: fixed;
             font-size: 10.5pt; }
table.week th, table.week td { border: 0.75pt solid #555; padding: 1pt 2pt; text-align: center;
                               vertical-align: top; }
table.week .today { border: 2.5pt solid #000; font-weight: bold; }
.service { margin-top: 3pt; }
.service h3 { font-size: 13pt; margin: 2pt 0 0; }
.note { margin-top: 4pt; font-style: italic; }
@media print { body { margin: 0; max-width: none; } }
"""


def _esc(text: str) -> str:
    """Escaped for an HTML text node (never an attribute): apostrophes stay readable."""
    return html.escape(text, quote=False)


def _week_html(week: Week, w: Words) -> str:
    esc = _esc
    if not week.days:
        return f"<p>{esc(week_lines(week, w)[0])}</p>"
    head, cells = [], []
    for day in week.days:
        css = ' class="today"' if day.today else ""
        label = f"{esc(w.day(day.weekday))} {day.date.strftime('%d/%m')}"
        if day.today:
            label += f"<br>({esc(w('today'))})"
        head.append(f"<th{css}>{label}</th>")
        # <bdi>: a time range keeps its order in a right-to-left fiche.
        body = "<br>".join(f"<bdi>{esc(slot)}</bdi>" for slot in day.slots) or esc(w("closed"))
        if day.holiday_unsaid:
            body = esc(w("holiday_check"))
        if day.holiday:
            body = f"{esc(w('holiday'))}<br>{body}"
        cells.append(f"<td{css}>{body}</td>")
    return (
        f'<table class="week"><caption hidden>{esc(w("hours"))}</caption>'
        f"<tr>{''.join(head)}</tr><tr>{''.join(cells)}</tr></table>"
    )


def _title_html(fiche: Fiche, w: Words) -> str:
    """The title, the needs' (French) labels isolated from a right-to-left title."""
    needs = _esc(" · ".join(fiche.needs))
    return _esc(w("title")) + (f" — <bdi>{needs}</bdi>" if needs else "")


def _dl(pairs: list[tuple[str, str]]) -> str:
    esc = _esc
    items = "".join(
        f"<dt>{esc(label)}</dt><dd><bdi>{esc(value)}</bdi></dd>" for label, value in pairs
    )
    return f"<dl>{items}</dl>" if items else ""


def render_html(fiche: Fiche, w: Words) -> str:
    esc = _esc
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{w.lang}" dir="{w.dir}"><head><meta charset="utf-8">',
        f"<title>{esc(title(fiche, w))}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        f"<h1>{_title_html(fiche, w)}</h1>",
        f'<p class="issued">{esc(issued(fiche, w))}</p>',
    ]
    if fiche.lines:
        parts.append(f'<div class="lines"><p><strong>{esc(w("urgent_lines"))}</strong></p>')
        for n in fiche.lines:
            rest = line_text(n, w)
            parts.append(f'<p><bdi class="number">{esc(n.number)}</bdi> <bdi>{esc(rest)}</bdi></p>')
        parts.append("</div>")
    for s in fiche.structures:
        # The name, where, the phone and the week stay together on a page.
        parts.append(f'<section><div class="head"><h2><bdi>{esc(s.nom)}</bdi></h2>')
        parts.append(_dl(structure_fields(s, w)))
        parts.append(_week_html(s.week, w) + "</div>")
        for service in s.services:
            parts.append(
                f'<div class="service"><h3>{esc(w("service"))} : <bdi>{esc(service.nom)}</bdi></h3>'
            )
            parts.append(_dl(service_fields(service, w)))
            parts.append("</div>")
        parts.append("</section>")
    parts.append(f'<p class="note">{esc(w("call_before"))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[Fiche, Words], str]] = {
    "html": render_html,
    "md": render_md,
    "txt": render_txt,
}


# -- the short text (clipboard, SMS) --------------------------------------------------------


def short_text(fiche: Fiche, w: Words) -> str:
    """One line per structure: name, address, phone, today's hours."""
    lines = [f"{n.number} — {n.name}" for n in fiche.lines if not n.in_danger]
    for s in fiche.structures:
        parts = [s.nom, place_text(s.place, w), f"{w('phone')} : {phone_text(s.phone, w)}"]
        today = s.week.today()
        if today is not None:
            parts.append(f"{w('today')} : {day_hours(today, w)}")
        lines.append(" — ".join(p for p in parts if p))
    return "\n".join(lines)


# -- files -----------------------------------------------------------------------------------


def _unique_path(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}.{suffix}"
    number = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{number}.{suffix}"
        number += 1
    return candidate


def private_dir(directory: Path) -> Path:
    """The fiches folder, created 0700 (and put back to 0700)."""
    directory = Path(directory)
    make_private_dirs(directory)  # its missing parents too, whatever the umask
    os.chmod(directory, 0o700)
    return directory


def write_fiche(fiche: Fiche, directory: Path, *, fmt: str = "html", lang: str = "fr") -> Path:
    """Write the fiche in `directory` (0700) and return its path (file 0600, never reused)."""
    if fmt not in RENDERERS:
        raise ValueError(f"format de fiche inconnu : {fmt} ({', '.join(FORMATS)})")
    text = RENDERERS[fmt](fiche, words(lang))
    directory = private_dir(directory)
    target = _unique_path(directory, f"fiche-{fiche.issued.strftime('%Y%m%d-%H%M%S')}", fmt)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return target


@dataclass(frozen=True)
class FicheResult:
    fiche: Fiche
    path: Path
    short: str


def produce_fiche(
    conn: sqlite3.Connection,
    request: FicheRequest,
    directory: Path,
    *,
    now: dt.datetime,
    fmt: str = "html",
    lang: str = "fr",
) -> FicheResult:
    """The one fiche flow (orientation screen, main screen, command line): build the model
    with the caller's clock, write the file, word the short text."""
    fiche = build_fiche(conn, request, now)
    path = write_fiche(fiche, directory, fmt=fmt, lang=lang)
    return FicheResult(fiche, path, short_text(fiche, words(lang)))


def purge_fiches(directory: Path, *, older_than_days: int, now: dt.datetime) -> list[Path]:
    """Delete the fiches (our own file names only) last written more than N days ago."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    limit = now.timestamp() - older_than_days * 86400
    removed = []
    for path in sorted(directory.iterdir()):
        if path.is_file() and FICHE_NAME.match(path.name) and path.stat().st_mtime < limit:
            path.unlink()
            removed.append(path)
    return removed
