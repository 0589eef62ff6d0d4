"""Zones d'éligibilité: is a place inside the codes a service states?

data·inclusion `zone_eligibilite` holds codes of the Code officiel géographique: communes
(5 characters), départements (2 or 3; a région is given as its départements), EPCI (9-digit
SIREN), or the whole country (`france`, or the country code `99100`). EPCI are resolved to
their communes with the embedded list `data/epci.csv.gz` (the 1 255 EPCI à fiscalité propre,
from `@etalab/decoupage-administratif`, data INSEE COG).
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from collections.abc import Iterable
from importlib import resources

NATIONAL = frozenset({"france", "fr", "national", "99100"})
# Communes with arrondissements: the commune's code covers theirs.
_ARRONDISSEMENTS = {"75056": "751", "69123": "6938", "13055": "132"}


@functools.lru_cache(maxsize=1)
def _epci() -> dict[str, frozenset[str]]:
    data = resources.files("store").joinpath("data/epci.csv.gz").read_bytes()
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8") as handle:
        return {
            row["siren_epci"]: frozenset(row["insee_communes"].split())
            for row in csv.DictReader(handle)
        }


def epci_communes(siren: str) -> frozenset[str]:
    """The INSEE codes of an EPCI's communes (empty when the code is unknown)."""
    return _epci().get(siren.strip(), frozenset())


def _commune_covers(code: str, insee: str) -> bool:
    if code == insee:
        return True
    prefix = _ARRONDISSEMENTS.get(code)
    return prefix is not None and insee.startswith(prefix)


def covers(code: str, insee: str | None, departement: str | None) -> bool | None:
    """Whether one zone code covers the place; None for a code that cannot be checked
    (an unknown EPCI, a foreign country)."""
    folded = code.strip().lower()
    if folded in NATIONAL:
        return True
    upper = folded.upper()
    if len(upper) == 9 and upper.isdigit():
        communes = epci_communes(upper)
        if not communes:
            return None
        return insee in communes or any(
            _commune_covers(c, insee) for c in communes if insee and c in _ARRONDISSEMENTS
        )
    if upper.startswith("99") and len(upper) == 5:
        return False  # another country
    if len(upper) == 5:
        return bool(insee) and _commune_covers(upper, insee or "")
    if len(upper) in (2, 3):
        return upper == (departement or "").upper()
    return None


def eligible(codes: Iterable[str], insee: str | None, departement: str | None) -> bool | None:
    """True when a code covers the place; False only when every code is known not to;
    None (cannot say) when nothing is stated or a code cannot be checked (an unknown EPCI
    may well cover the place)."""
    stated = [c for c in codes if c and c.strip()]
    if not stated:
        return None
    return combined(covers(code, insee, departement) for code in stated)


def combined(answers: Iterable[bool | None]) -> bool | None:
    """Whether a union of zones covers the place: yes when one does, no only when every one
    is known not to, else cannot say."""
    found: bool | None = False
    for answer in answers:
        if answer:
            return True
        if answer is None:
            found = None
    return found
