"""National emergency and listening lines (115, 119, 3919, 3114…): real default data.

The lines are read once from `store/data/numeros-nationaux.csv` (public information pages of
each service, credited in the README). Which line answers which need is written in the needs
vocabulary (`l:115`, `danger:17` targets in `store/vocab/needs.tsv`), not here. A line's
opening state is computed from its OSM hours with the caller's clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import hours

LINES_FILE = "data/numeros-nationaux.csv"
COLUMNS = ("numero", "nom", "pour", "horaires_osm", "gratuit", "source")
NO_HOURS = "horaires non indiqués"


def line_key(numero: str) -> str:
    """The digits of a number: "116 006" -> "116006" (how the vocabulary names a line)."""
    return "".join(c for c in numero if c.isdigit())


@dataclass(frozen=True)
class NationalLine:
    numero: str  # as it is dialled and shown: "116 006", "0 800 23 13 13"
    nom: str
    pour: str  # whom it is for, as the service says it
    horaires_osm: str | None  # "24/7", "Mo-Su 09:00-19:00"; None when the source gives none
    gratuit: bool
    source: str  # the public page the number was checked on

    @property
    def key(self) -> str:
        return line_key(self.numero)

    @property
    def horaires(self) -> str:
        """The hours in French ("24 h/24, 7 j/7", "tous les jours 09:00–19:00")."""
        return hours.in_french(self.horaires_osm) or NO_HOURS


@dataclass(frozen=True)
class LineRef:
    """A line named by the needs vocabulary: `l:3919` (the need's line) or `danger:17`."""

    key: str  # digits of the number
    when_in_danger: bool = False
    urgent: bool = False  # named by an urgent need: comes before the lines of other needs

    def priority(self) -> tuple[bool, bool]:
        """Sort key: urgent needs' lines, their danger lines, then the other needs' lines."""
        return (not self.urgent, self.when_in_danger)


class LinesError(ValueError):
    """The embedded lines file is not as expected (a packaging mistake, not user input)."""


def parse_lines(text: str) -> list[NationalLine]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise LinesError(f"numeros-nationaux.csv : colonnes attendues {', '.join(COLUMNS)}")
    lines = []
    for row in reader:
        numero = (row["numero"] or "").strip()
        if not line_key(numero):
            raise LinesError(f"numeros-nationaux.csv, ligne {reader.line_num} : numéro vide")
        lines.append(
            NationalLine(
                numero=numero,
                nom=row["nom"].strip(),
                pour=row["pour"].strip(),
                horaires_osm=(row["horaires_osm"] or "").strip() or None,
                gratuit=row["gratuit"].strip().lower() == "oui",
                source=row["source"].strip(),
            )
        )
    return lines


@lru_cache(maxsize=1)
def by_key() -> Mapping[str, NationalLine]:
    """Every national line, by the digits of its number (loaded once per process)."""
    text = resources.files("store").joinpath(LINES_FILE).read_text(encoding="utf-8")
    return {line.key: line for line in parse_lines(text)}


@dataclass(frozen=True)
class LineAnswer:
    """A national line as an answer to a need, at a given moment."""

    line: NationalLine
    open_now: bool | None  # None: the source gives no hours
    state: str  # "ouvert", "fermé, ouvre demain à 09:00", "" when unknown
    when_in_danger: bool  # shown for an immediate danger only (17 beside 3919, 15 beside 3114)

    @property
    def numero(self) -> str:
        return self.line.numero

    @property
    def nom(self) -> str:
        return self.line.nom

    @property
    def horaires(self) -> str:
        return self.line.horaires

    def as_json(self) -> dict[str, object]:
        return {
            "numero": self.line.numero,
            "nom": self.line.nom,
            "horaires": self.line.horaires,
            "open_now": self.open_now,
            "pour": self.line.pour,
            "en_cas_de_danger": self.when_in_danger,
            "gratuit": self.line.gratuit,
            "source": self.line.source,
        }

    def summary(self, short: bool = False) -> str:
        """One French line without the number, which callers print in front: "Samu social —
        hébergement d'urgence · gratuit · 24 h/24, 7 j/7 · ouvert maintenant"; `short` (a
        screen) drops "gratuit" and says "si danger immédiat", "ouvert"."""
        parts = [self.line.nom]
        if self.when_in_danger:
            parts.append("si danger immédiat" if short else "en cas de danger immédiat")
        if self.line.gratuit and not short:
            parts.append("gratuit")
        parts.append(self.line.horaires)
        if self.state:
            parts.append("ouvert" if short and self.open_now else self.state)
        return " · ".join(parts)


def _state(line: NationalLine, now: dt.datetime) -> tuple[bool | None, str]:
    if line.horaires_osm is None:
        return None, ""
    found = hours.state(line.horaires_osm, now)
    if found.open_now is None:
        return None, ""
    if found.open_now:
        return True, "ouvert maintenant"
    return False, found.label.replace("Fermé · ouvre", "fermé, ouvre").replace("Fermé", "fermé")


def answers(refs: Iterable[LineRef], now: dt.datetime) -> list[LineAnswer]:
    """The lines named by `refs`, each once, with their state at `now`: the urgent needs' lines,
    then their lines for an immediate danger, then the other needs' lines (typed order kept)."""
    found: dict[str, LineAnswer] = {}
    table = by_key()
    ordered = sorted(refs, key=LineRef.priority)
    for ref in ordered:
        if ref.key in found or ref.key not in table:
            continue
        line = table[ref.key]
        open_now, state = _state(line, now)
        found[ref.key] = LineAnswer(line, open_now, state, ref.when_in_danger)
    return list(found.values())


def heading(found: Sequence[LineAnswer], urgent: bool) -> str:
    """The French title above the lines, shared by the CLI, the TUI and the fiche."""
    if urgent:
        return "Urgence — à appeler d'abord"
    return "Numéro national" if len(found) == 1 else "Numéros nationaux"


def no_local_structure(found: Sequence[LineAnswer], where: str = "") -> str:
    """What to say when the store knows no structure for a need that has lines: never
    "nothing found" — the lines above answer."""
    return (
        f"Pas encore de structure locale pour ce besoin dans la base{where} : {call_above(found)}."
    )


def call_above(found: Sequence[LineAnswer]) -> str:
    """ "appelez d'abord le numéro ci-dessus" (or "les numéros"), after what is missing."""
    return "appelez d'abord " + ("le numéro" if len(found) == 1 else "les numéros") + " ci-dessus"
