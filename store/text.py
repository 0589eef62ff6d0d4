"""Text normalisation shared by search, kinds inference and ids."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'"})


def fold(text: str | None) -> str:
    """Lower-case, strip accents and ligatures; keep punctuation."""
    if not text:
        return ""
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalize(text: str | None) -> str:
    """Fold and reduce to space-separated alphanumeric words."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def tokens(text: str | None) -> list[str]:
    return normalize(text).split()


def slug(text: str | None) -> str:
    return normalize(text).replace(" ", "-")


_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences
    r"|\x1b[@-_]"  # other two-byte escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0/C1 controls except \t and \n
    r"|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidi controls
)


def clean_display(text: str | None) -> str:
    """Remove control, escape and bidi characters from text that comes from data."""
    if not text:
        return ""
    return _CONTROL.sub("", text)
