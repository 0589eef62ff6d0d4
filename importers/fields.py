"""Cleaning and checking field values found in open data (shared by the format modules).

Every checker returns the cleaned value or None; a bad value is remembered in a `Checked`
collector so the importer can keep the record and note the dropped field in `extra`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from store import dates

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[a-zA-Z]{2,}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s]*$", re.I)
_INSEE = re.compile(r"^(\d{2}|2[AB])\d{3}$", re.I)
_SPLIT = re.compile(r"\s*[,;|]\s*")


def text(value: Any) -> str | None:
    """A cell or JSON value as stripped text; numbers without a useless '.0'; None if empty."""
    if value is None:
        return None
    if type(value) is str:  # the common case first
        return value.strip() or None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    result = str(value).strip()
    return result or None


def code_list(value: Any) -> list[str]:
    """A list of codes from a JSON list, a JSON-looking string or 'a, b; c'."""
    if not value:
        return []
    if type(value) is list and all(type(v) is str for v in value):
        return [v for v in (v.strip() for v in value) if v]
    if isinstance(value, list | tuple):
        return [t for v in value if (t := text(v))]
    raw = text(value)
    if not raw:
        return []
    if raw.startswith("[") and raw.endswith("]"):
        try:
            decoded = json.loads(raw)
        except ValueError:
            raw = raw[1:-1].replace('"', "").replace("'", "")
        else:
            if isinstance(decoded, list):
                return code_list(decoded)
    return [part for part in _SPLIT.split(raw) if part]


class Checked:
    """Collects the values dropped because they were invalid, for `extra['invalides']`."""

    def __init__(self) -> None:
        self.dropped: dict[str, str] = {}

    def _drop(self, name: str, value: Any) -> None:
        self.dropped[name] = text(value) or repr(value)

    def postcode(self, value: Any, name: str = "code_postal") -> str | None:
        raw = text(value)
        if raw is None:
            return None
        compact = raw.replace(" ", "")
        if not isinstance(value, str) and compact.isdigit() and len(compact) == 4:
            # a number whose leading zero was eaten by a spreadsheet
            compact = "0" + compact
        if len(compact) == 5 and compact.isdigit():
            return compact
        self._drop(name, value)
        return None

    def insee(self, value: Any, name: str = "code_insee") -> str | None:
        raw = text(value)
        if raw is None:
            return None
        if not isinstance(value, str) and raw.isdigit() and len(raw) == 4:
            raw = "0" + raw
        if _INSEE.match(raw):
            return raw.upper()
        self._drop(name, value)
        return None

    def coordinates(self, lat: Any, lon: Any) -> tuple[float | None, float | None]:
        if lat in (None, "") and lon in (None, ""):
            return None, None
        try:
            flat = float(str(lat).replace(",", ".")) if not isinstance(lat, float) else lat
            flon = float(str(lon).replace(",", ".")) if not isinstance(lon, float) else lon
        except (TypeError, ValueError):
            flat = flon = math.nan
        valid = (
            math.isfinite(flat)
            and math.isfinite(flon)
            and -90 <= flat <= 90
            and -180 <= flon <= 180
            and (flat, flon) != (0.0, 0.0)
        )
        if not valid:
            self._drop("latitude", lat)
            self._drop("longitude", lon)
            return None, None
        return flat, flon

    def email(self, value: Any, name: str = "courriel") -> str | None:
        raw = text(value)
        if raw is None:
            return None
        raw = raw.removeprefix("mailto:")
        if _EMAIL.match(raw):
            return raw
        self._drop(name, value)
        return None

    def url(self, value: Any, name: str) -> str | None:
        raw = text(value)
        if raw is None:
            return None
        if raw.lower().startswith("www."):
            raw = "https://" + raw
        if _URL.match(raw):
            return raw
        self._drop(name, value)
        return None

    def date(self, value: Any, name: str = "date_maj") -> str | None:
        """ISO `YYYY-MM-DD` from milliseconds since 1970, ISO text or a datetime cell."""
        if text(value) is None:
            return None
        day = dates.canonical(value)
        if day is None:
            self._drop(name, value)
        return day

    def siret(self, value: Any) -> str | None:
        raw = text(value)
        if raw is None:
            return None
        compact = raw.replace(" ", "")
        if len(compact) == 14 and compact.isdigit():
            return compact
        self._drop("siret", value)
        return None

    def note_into(self, extra: dict[str, Any]) -> dict[str, Any]:
        if self.dropped:
            extra["invalides"] = dict(self.dropped)
        return extra


_PHONE_DIGITS = re.compile(r"[\s.\-()]")


def french_phone(value: Any) -> str | None:
    """A French number written the French way (`+33492532673` → `04 92 53 26 73`); any other
    text is kept as given."""
    raw = text(value)
    if raw is None:
        return None
    digits = _PHONE_DIGITS.sub("", raw)
    if digits.startswith("+33"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0033"):
        digits = "0" + digits[4:].removeprefix("0")
    if len(digits) == 10 and digits.isdigit() and digits[0] == "0":
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return raw
