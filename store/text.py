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


# What must never reach a terminal from data: escape sequences (removed whole), C0 controls
# but tab and newline, DEL, C1 controls, bidi controls, line and paragraph separators.
_SEQUENCES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI sequences
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences
    r"|\x1b[@-_]"  # other two-byte escapes
)
_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(_SEQUENCES + r"|[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f" + _BIDI + "]")
_LINE_BREAK = re.compile(f"\r\n|[{_BREAKS}]")
_SPACE = re.compile(f"[\t{_BREAKS}]+")
# In JSON text a raw newline is layout (values have theirs escaped already).
_UNSAFE_IN_JSON = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")


def clean_display(text: str | None, *, multiline: bool = True) -> str:
    """The one exit for text that comes from data or from the user on its way to a screen.

    Escape sequences, control, bidi and separator characters are removed. With `multiline`
    (the default, for descriptions and notes), line breaks of any kind become "\\n" and tabs
    stay; without it (a name, an address, one line of output) they become one space, so that
    no value can forge a line of its own.
    """
    if not text:
        return ""
    text = _CONTROL.sub("", text)
    if multiline:
        return _LINE_BREAK.sub("\n", text)
    return _SPACE.sub(" ", text)


def escape_unsafe(json_text: str) -> str:
    """JSON text with every character `clean_display` would remove written as a \\u escape:
    the values stay exactly as stored, the terminal sees only printable characters."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", json_text)
