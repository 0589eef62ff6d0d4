"""Journal d'orientations: how many orientations, for which needs, where — never who.

Each entry keeps the day, the understood needs as codes (kinds and thématiques) and the
commune (never an address). Never the words typed: they may name or describe the person.
Aggregates count by need, kind and commune over a month; `purge` deletes old entries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import kinds as kinds_mod
from .vocab.thematiques import label as theme_label

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class JournalError(ValueError):
    """A French message about a bad argument (e.g. a month)."""


@dataclass(frozen=True)
class JournalEntry:
    """One orientation as the journal keeps it: codes, a commune, a day — no words."""

    day: dt.date
    kinds: Sequence[str] = ()
    thematiques: Sequence[str] = ()
    commune: str | None = None
    code_insee: str | None = None


def log_orientation(conn: sqlite3.Connection, entry: JournalEntry) -> int:
    """Record one orientation; returns its id."""
    cursor = conn.execute(
        "INSERT INTO journal(day, kinds, thematiques, commune, code_insee) VALUES (?,?,?,?,?)",
        (
            entry.day.isoformat(),
            json.dumps(list(entry.kinds), ensure_ascii=False),
            json.dumps(list(entry.thematiques), ensure_ascii=False),
            entry.commune,
            entry.code_insee,
        ),
    )
    return int(cursor.lastrowid or 0)


def parse_day(text: str) -> dt.date:
    """'2026-11-03' or '03/11/2026' -> a date; JournalError in French otherwise."""
    text = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise JournalError(f"date invalide : {text!r} (attendu AAAA-MM-JJ, par ex. 2026-11-03).")


def count_before(conn: sqlite3.Connection, before: dt.date | None) -> int:
    if before is None:
        return int(conn.execute("SELECT count(*) FROM journal").fetchone()[0])
    return int(
        conn.execute(
            "SELECT count(*) FROM journal WHERE day < ?", (before.isoformat(),)
        ).fetchone()[0]
    )


def purge(conn: sqlite3.Connection, before: dt.date | None = None) -> int:
    """Delete the entries of days before `before` (all when None), text overwritten in the
    file (secure_delete); inside the caller's transaction. Returns how many went."""
    conn.execute("PRAGMA secure_delete = ON")
    if before is None:
        cursor = conn.execute("DELETE FROM journal")
    else:
        cursor = conn.execute("DELETE FROM journal WHERE day < ?", (before.isoformat(),))
    return cursor.rowcount


def check_month(month: str | None) -> str | None:
    if month is not None and not _MONTH.match(month.strip()):
        raise JournalError(f"mois invalide : {month!r} (attendu AAAA-MM, par ex. 2026-11).")
    return month.strip() if month else None


@dataclass
class JournalSummary:
    month: str | None
    total: int = 0
    by_thematique: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_commune: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, object]:
        return {
            "mois": self.month,
            "orientations": self.total,
            "besoins": [
                {"code": c, "label": theme_label(c), "count": n}
                for c, n in self.by_thematique.most_common()
            ],
            "kinds": [
                {"kind": k, "label": kinds_mod.label(k), "count": n}
                for k, n in self.by_kind.most_common()
            ],
            "communes": [{"commune": c, "count": n} for c, n in self.by_commune.most_common()],
        }

    def rows(self) -> list[tuple[str, str, str, int]]:
        """(category, key, label, count) rows for CSV."""
        out: list[tuple[str, str, str, int]] = [("total", "", "orientations", self.total)]
        out += [("besoin", c, theme_label(c), n) for c, n in self.by_thematique.most_common()]
        out += [("type", k, kinds_mod.label(k), n) for k, n in self.by_kind.most_common()]
        out += [("commune", c, c, n) for c, n in self.by_commune.most_common()]
        return out


def summarize(conn: sqlite3.Connection, month: str | None = None) -> JournalSummary:
    """Counts by recognised need (thématique), kind and commune, for one month or all."""
    month = check_month(month)
    sql = "SELECT kinds, thematiques, commune FROM journal"
    params: list[str] = []
    if month:
        sql += " WHERE substr(day, 1, 7) = ?"
        params.append(month)
    summary = JournalSummary(month)
    for kinds_json, themes_json, commune in conn.execute(sql, params):
        summary.total += 1
        summary.by_kind.update(set(_list(kinds_json)))
        summary.by_thematique.update(set(_list(themes_json)))
        summary.by_commune[commune or "(sans commune)"] += 1
    return summary


def _list(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(v) for v in data] if isinstance(data, list) else []
