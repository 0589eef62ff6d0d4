"""The results list: a bounded window of hits ranked by the core, two lines each."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store import kinds

from .detail import format_km, one_line

if TYPE_CHECKING:
    from store.notes import NoteMark
    from store.search import Hit

# The list never holds more than this: the core ranks, the widget only shows the top.
WINDOW = 100
EXCERPT_WORDS = 6


def note_excerpt(mark: NoteMark) -> str:
    """'✎ « N'accepte plus de dossiers avant… »' (+1 when there are more notes)."""
    words = one_line(mark.latest).split()
    excerpt = " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")
    more = f" (+{mark.count - 1})" if mark.count > 1 else ""
    return f"✎ « {excerpt} »{more}"


def short_kind(slug: str | None) -> str:
    """'Centre social, espace de vie sociale, …' -> 'Centre social'."""
    return one_line(kinds.label(slug)).split(" (")[0].split(",")[0]


def hit_prompt(hit: Hit, now: dt.datetime, mark: NoteMark | None = None) -> Text:
    """'Nom' then '● Ouvert · 2,3 km · Type · Commune (CP)' — words, not only colours.

    Short facts come first on the second line, so that a narrow list cuts the place name
    (also in the detail pane), not whether the structure is open or how far it is.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(one_line(hit.nom) or "Structure sans nom", style="bold")
    details: list[str] = []
    if hit.horaires_accueil:
        from store import hours  # not needed before the first results

        open_now = hours.state(hit.horaires_accueil, now, hit.departement).open_now
        if open_now is True:
            details.append("● Ouvert")
        elif open_now is False:
            details.append("○ Fermé")
    if hit.absent:
        details.append("⚠ absente de sa source")
    if hit.distance_km is not None:
        details.append(format_km(hit.distance_km))
    details.append(short_kind(hit.kind))
    place = one_line(hit.commune)
    if hit.code_postal:
        place = f"{place} ({one_line(hit.code_postal)})" if place else one_line(hit.code_postal)
    elif hit.departement and not place:
        place = f"dép. {one_line(hit.departement)}"
    if place:
        details.append(place)
    if mark is not None:  # the worker's own word, right where the choice is made
        text.append("  ")
        text.append(note_excerpt(mark), style="italic")
    text.append("\n")
    text.append(" · ".join(details), style="dim")
    return text


class ResultsList(OptionList):
    """OptionList refilled with at most WINDOW options per search."""

    # Two lines per hit whatever the width: a long name is cut with an ellipsis rather
    # than wrapped (at 80 columns a wrapped name pushed the kind/place line down).
    DEFAULT_CSS = """
    ResultsList {
        height: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show_hits(
        self,
        hits: list[Hit],
        now: dt.datetime,
        keep: str | None = None,
        notes: dict[str, NoteMark] | None = None,
    ) -> None:
        """Replace the options; keep the highlight on `keep` when it is still there."""
        notes = notes or {}
        options = [
            Option(hit_prompt(hit, now, notes.get(hit.id)), id=hit.id) for hit in hits[:WINDOW]
        ]
        self.set_options(options)
        if not options:
            return
        index = 0
        if keep is not None:
            for position, hit in enumerate(hits[:WINDOW]):
                if hit.id == keep:
                    index = position
                    break
        self.highlighted = index

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id
