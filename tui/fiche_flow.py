"""Handing the fiche from a screen: the same steps for the main screen and the orientation
view — the app's clock, its fiches folder, the format and language of the settings, a
French notice without markup (file paths may hold brackets) and the short text on the
clipboard."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.screen import Screen

from store.db import Store
from store.paths import fiches_dir_for

if TYPE_CHECKING:  # the fiche modules load the hours parser: only when a fiche is written
    from store.fiche import FicheRequest

    from .fiche import FicheResult


@dataclass(frozen=True)
class FicheChoice:
    """How the worker wants fiches: file format and the person's language."""

    fmt: str = "html"
    lang: str = "fr"


@runtime_checkable
class FicheHost(Protocol):
    """What the Aiguillage app offers the fiche: its clock, folder and settings."""

    @property
    def fiches_dir(self) -> Path: ...

    def now(self) -> dt.datetime: ...

    def fiche_choice(self) -> FicheChoice: ...


def stored_choice(store: Store) -> FicheChoice:
    return FicheChoice(
        fmt=store.get_setting("fiche_format", "html") or "html",
        lang=store.get_setting("fiche_lang", "fr") or "fr",
    )


def hand_fiche(
    screen: Screen[Any], store: Store, request: FicheRequest, *, lang: str | None = None
) -> FicheResult | None:
    """Write the fiche, copy its short text, tell the worker; None when it failed (said)."""
    from .fiche import produce_fiche

    app = screen.app
    if isinstance(app, FicheHost):
        now, directory, choice = app.now(), app.fiches_dir, app.fiche_choice()
    else:  # a screen run alone (tests, embedding): the store's settings, the real clock
        now, choice = dt.datetime.now(), stored_choice(store)
        directory = fiches_dir_for(store.path)
    try:
        result = produce_fiche(
            store.conn, request, directory, now=now, fmt=choice.fmt, lang=lang or choice.lang
        )
    except (OSError, ValueError) as exc:
        screen.notify(f"La fiche n'a pas pu être écrite : {exc}", severity="error", markup=False)
        return None
    with contextlib.suppress(Exception):  # no clipboard: the file is what counts
        app.copy_to_clipboard(result.short)
    screen.notify(
        f"Fiche écrite : {result.path}\nVersion courte copiée dans le presse-papiers.",
        title="Fiche",
        timeout=8,
        markup=False,
    )
    return result
