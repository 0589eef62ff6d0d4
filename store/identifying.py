"""Does a note look like it names or identifies a person? (before it is saved)

Notes are about structures, never about the people a worker accompanies. This pure function
finds what would identify someone — a civility followed by a name (« Mme Dupont »), a date
of birth, a social-security number (NIR), a personal mobile number (06/07) — so that the
worker is warned and must confirm. It errs on the side of asking: a confirmed note is saved.

Decided on purpose: a civility with an initial alone (« demander Mme B. à l'accueil ») is
how workers name a structure's contact discreetly and is NOT flagged; a civility with a full
name is, even for a structure's staff (it is still a person's name — the worker confirms).
A date is taken for a date of birth when « né », « née », « naissance » or « DDN » comes
just before it, or when its year is more than ten years back (« 12/03/1980 »), never for
an ordinary date (« fermé jusqu'au 12/03 », « avant le 01/04/2027 »).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum


class Clue(Enum):
    """What was found; the value is its French description."""

    NAME = "une civilité suivie d'un nom"
    BIRTH = "une date de naissance"
    NIR = "un numéro de sécurité sociale"
    MOBILE = "un numéro de portable personnel"


@dataclass(frozen=True)
class Finding:
    clue: Clue
    excerpt: str  # what was found, as shown back to the worker (a NIR is not repeated)


_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ'’\-]+"
_CIVILITY = re.compile(
    r"\b(?:M\.|(?i:Mr\.?|Mme\.?|Mmes|Mlle\.?|Melle|Madame|Monsieur|Mademoiselle))\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)
_DATE = re.compile(
    r"\b(?P<d>0?[1-9]|[12]\d|3[01])\s?[/.\-]\s?(?P<m>0?[1-9]|1[0-2])\s?[/.\-]\s?(?P<y>(?:19|20)\d{2})\b"
)
_BIRTH_WORD = re.compile(r"\b(?:n[ée]e?s?|naissance|ddn)\b\W{0,3}(?:le|en|:)?\s*$", re.IGNORECASE)
_BIRTH_YEAR = re.compile(r"\bn[ée]e?\s+en\s+(?:19|20)\d{2}\b", re.IGNORECASE)
# NIR: sex (1, 2; 3, 4, 7, 8 for temporary numbers), year, month, département, commune,
# order, and the 2-digit key — 13 or 15 digits, spaced or not.
_NIR = re.compile(r"(?<!\d)[1-478](?:[\s.]?\d){12}(?:[\s.]?\d{2})?(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[67](?:[\s.\-]?\d{2}){4}(?!\d)")


def _names(text: str) -> list[Finding]:
    found = []
    for match in _CIVILITY.finditer(text):
        if match["name"].split()[0].lower() in ("le", "la", "les"):
            continue
        found.append(Finding(Clue.NAME, match[0]))
    return found


def _births(text: str, today: dt.date) -> list[Finding]:
    found = [Finding(Clue.BIRTH, m[0]) for m in _BIRTH_YEAR.finditer(text)]
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if _BIRTH_WORD.search(before) or int(match["y"]) <= today.year - 10:
            found.append(Finding(Clue.BIRTH, match[0]))
    return found


def identifying(text: str, today: dt.date | None = None) -> list[Finding]:
    """What in `text` looks like it identifies a person (empty: nothing found)."""
    today = today or dt.date.today()
    found = _names(text) + _births(text, today)
    mobiles = [Finding(Clue.MOBILE, m[0]) for m in _MOBILE.finditer(text)]
    nirs = [
        Finding(Clue.NIR, "")
        for m in _NIR.finditer(text)
        if not any(f.excerpt in m[0] or m[0] in f.excerpt for f in mobiles)
    ]
    return found + nirs + mobiles


def warning(findings: list[Finding]) -> str:
    """One French paragraph for the worker, naming what was found."""
    parts = []
    for clue in Clue:
        excerpts = [f"« {f.excerpt} »" for f in findings if f.clue is clue and f.excerpt]
        if any(f.clue is clue for f in findings):
            parts.append(
                clue.value + (f" ({', '.join(dict.fromkeys(excerpts))})" if excerpts else "")
            )
    return (
        "Cette note semble identifier une personne : "
        + " ; ".join(parts)
        + ". Les notes portent sur les structures, jamais sur les personnes accompagnées "
        "(une initiale suffit : « Mme B. »)."
    )
