"""Journal d'orientations: what was oriented where, for activity reports — never who.

Each entry keeps the date, the need as typed, the recognised kinds and thématiques, the
commune (never an address) and the structures chosen. Aggregates count by need, kind and
commune over a month.
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


def log_orientation(
    conn: sqlite3.Connection,
    *,
    need: str | None,
    kinds: Sequence[str] = (),
    thematiques: Sequence[str] = (),
    commune: str | None = None,
    code_insee: str | None = None,
    structures: Sequence[str] = (),
    when: dt.datetime | None = None,
) -> int:
    """Record one orientation; returns its id."""
    created = (when or dt.datetime.now()).isoformat(timespec="seconds")
    cursor = conn.execute(
        "INSERT INTO journal(created_at, need, kinds, thematiques, commune, code_insee, "
        "structures) VALUES (?,?,?,?,?,?,?)",
        (
            created,
            (need or "").strip()[:300] or None,
            json.dumps(list(kinds), ensure_ascii=False),
            json.dumps(list(thematiques), ensure_ascii=False),
            commune,
            code_insee,
            json.dumps(list(structures), ensure_ascii=False),
        ),
    )
    return int(cursor.lastrowid or 0)


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
        sql += " WHERE substr(created_at, 1, 7) = ?"
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
