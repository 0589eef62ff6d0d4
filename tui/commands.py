"""Command palette providers (ctrl+p): structures, communes, kinds."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from store import kinds
from store.communes import Commune, complete
from store.search import Hit as SearchHit
from store.search import search

from .stores import thread_store
from .widgets.detail import one_line

if TYPE_CHECKING:
    from .screens.main import MainScreen

LIMIT = 12


def _main_screen(provider: Provider) -> MainScreen | None:
    from .screens.main import MainScreen

    screen = provider.app.screen_stack[0] if provider.app.screen_stack else None
    for candidate in provider.app.screen_stack:
        if isinstance(candidate, MainScreen):
            screen = candidate
    return screen if isinstance(screen, MainScreen) else None


def _db_path(provider: Provider) -> str:
    return str(getattr(provider.app, "db_path", ""))


class StructuresProvider(Provider):
    """Jump to a structure by name (searched by the core, off the UI thread)."""

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None or len(query.strip()) < 2:
            return
        path = _db_path(self)

        def run() -> list[SearchHit]:
            return search(thread_store(path).conn, query, limit=LIMIT)

        for rank, hit in enumerate(await asyncio.to_thread(run)):
            place = one_line(hit.commune) or one_line(hit.departement)
            label = f"Structure : {one_line(hit.nom)}" + (f" ({place})" if place else "")
            yield Hit(
                1.0 - rank / (LIMIT * 2),
                Text(label),
                partial(screen.show_structure, hit.id),
                text=label,
                help=one_line(kinds.label(hit.kind)),
            )


class CommunesProvider(Provider):
    """Set the « près de » filter to a commune."""

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None or len(query.strip()) < 2:
            return
        path = _db_path(self)

        def run() -> list[Commune]:
            return complete(thread_store(path).conn, query, limit=8)

        for rank, commune in enumerate(await asyncio.to_thread(run)):
            label = f"Près de : {commune.nom} ({commune.dep})"
            yield Hit(
                0.9 - rank / 20,
                Text(label),
                partial(screen.set_near, f"{commune.nom} ({commune.dep})"),
                text=label,
                help="Trier les résultats par distance",
            )


class KindsProvider(Provider):
    """Filter the list on one kind of structure."""

    def _items(self) -> list[tuple[str, str]]:
        return [(f"Type : {k.label}", k.slug) for k in kinds.KINDS]

    async def discover(self) -> Hits:
        screen = _main_screen(self)
        if screen is None:
            return
        for label, slug in self._items():
            yield DiscoveryHit(Text(label), partial(screen.set_kind, slug), text=label)

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None:
            return
        matcher = self.matcher(query)
        for label, slug in self._items():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(label), partial(screen.set_kind, slug), text=label
                )
