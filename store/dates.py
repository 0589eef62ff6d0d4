"""The one reader of "last updated" dates, whatever shape the data gave them in.

data·inclusion's JSON export writes `date_maj` as milliseconds since 1970 (pandas), its CSV as
ISO text, its XLSX as datetime cells; older stores may still hold the raw milliseconds. Every
date is stored as ISO `YYYY-MM-DD` (`canonical`) and read back through `parse`, so the
freshness warnings, the ranking and the French display agree.
"""

from __future__ import annotations

import datetime as dt
import math
import re

STALE_DAYS = 365  # older than this, a record is flagged « à vérifier »

# Between these, a bare number is milliseconds (1973…2286); below, seconds.
_MS_FLOOR = 1e11
_DIGITS = re.compile(r"^-?\d+(\.\d+)?$")
_FRENCH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


def _from_epoch(number: float) -> dt.date | None:
    if not math.isfinite(number):
        return None
    seconds = number / 1000 if abs(number) >= _MS_FLOOR else number
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _from_text(raw: str) -> dt.date | None:
    if _DIGITS.match(raw):
        return _from_epoch(float(raw))
    french = _FRENCH.match(raw)
    if french:
        day, month, year = (int(g) for g in french.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        pass
    try:  # '2024-01-10T09:30:00Z', '2024-01-10 09:30:00+00:00'
        return dt.datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def parse(value: object) -> dt.date | None:
    """The date of a value: ms or s since 1970, ISO text, dd/mm/yyyy, date or datetime."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    raw = str(value).strip()
    return _from_text(raw) if raw else None


def canonical(value: object) -> str | None:
    """The stored form: ISO `YYYY-MM-DD`, or None when the value is no date."""
    day = parse(value)
    return day.isoformat() if day else None


def french(value: object) -> str:
    """'10/01/2024' ('' when the value is no date)."""
    day = parse(value)
    return day.strftime("%d/%m/%Y") if day else ""


def age_days(value: object, today: dt.date) -> int | None:
    day = parse(value)
    return (today - day).days if day else None


def is_stale(value: object, today: dt.date) -> bool:
    age = age_days(value, today)
    return age is not None and age > STALE_DAYS


STALE_WARNING = "⚠ Données de plus de 12 mois : vérifiez avant d'orienter"


def last_known(date_maj: object, imported_at: object) -> tuple[str, dt.date | None]:
    """When the data was last known right, and how: its own date, else the import's."""
    own = parse(date_maj)
    if own is not None:
        return "mise à jour", own
    return "importée", parse(imported_at)
