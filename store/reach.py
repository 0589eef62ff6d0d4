"""How far a person can sensibly be sent from a place: about 30 km in a city, 50 km elsewhere.

The rule, from the embedded communes table (population and coordinates of every commune):
a place is *urban* when at least `URBAN_POPULATION` people live in the communes whose centre
is within `AROUND_KM` of it (≈ 190 inhabitants per km² over that disc — Melun, Plaisir,
Sarcelles, Vannes, every big city and its suburbs); otherwise it is *rural* (Guéret, Mende,
Lannion, Aubusson). Urban: `URBAN_KM`; rural: `RURAL_KM`. Public transport makes 30 km a
long trip in a city; in the countryside the nearest service is often 40 km away.

Orientation never proposes a structure beyond the reach (it says what is missing instead).
The population grid is built once per process from the communes table (~35 000 rows).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

from .communes import Commune, haversine_km

URBAN_KM = 30.0
RURAL_KM = 50.0
AROUND_KM = 10.0
URBAN_POPULATION = 60_000
_CELL = 0.1  # degrees

_POPULATION_GRID: dict[tuple[int, int], list[tuple[float, float, int]]] = {}


@dataclass(frozen=True)
class Reach:
    km: float
    urban: bool
    population_around: int  # inhabitants of the communes within AROUND_KM

    @property
    def label(self) -> str:
        return f"{self.km:.0f} km"


def _grid(conn: sqlite3.Connection) -> dict[tuple[int, int], list[tuple[float, float, int]]]:
    if not _POPULATION_GRID:
        # Arrondissements (ARM) are inside their commune's population already.
        for lat, lon, population in conn.execute(
            "SELECT lat, lon, population FROM communes"
            " WHERE lat IS NOT NULL AND lon IS NOT NULL AND type != 'ARM'"
        ):
            cell = (math.floor(lat / _CELL), math.floor(lon / _CELL))
            _POPULATION_GRID.setdefault(cell, []).append((lat, lon, population or 0))
    return _POPULATION_GRID


def population_around(conn: sqlite3.Connection, lat: float, lon: float) -> int:
    grid = _grid(conn)
    dlat = AROUND_KM / 111.0
    dlon = AROUND_KM / (111.0 * max(math.cos(math.radians(lat)), 0.2))
    total = 0
    for i in range(math.floor((lat - dlat) / _CELL), math.floor((lat + dlat) / _CELL) + 1):
        for j in range(math.floor((lon - dlon) / _CELL), math.floor((lon + dlon) / _CELL) + 1):
            for clat, clon, population in grid.get((i, j), ()):
                if haversine_km(lat, lon, clat, clon) <= AROUND_KM:
                    total += population
    return total


_REACHES: dict[str, Reach] = {}


def reach_of(conn: sqlite3.Connection, place: Commune) -> Reach:
    """The reach around a commune (rural when its coordinates are unknown), cached by commune."""
    found = _REACHES.get(place.insee)
    if found is not None:
        return found
    if place.lat is None or place.lon is None:
        return Reach(RURAL_KM, False, place.population)
    around = max(population_around(conn, place.lat, place.lon), place.population)
    urban = around >= URBAN_POPULATION
    found = Reach(URBAN_KM if urban else RURAL_KM, urban, around)
    if len(_REACHES) < 40_000:  # at most every commune
        _REACHES[place.insee] = found
    return found
