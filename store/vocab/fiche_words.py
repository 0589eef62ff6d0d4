"""The fiche's own words (titles, labels, days, states) in the person's language.

The table is data (`fiche_words.tsv`, beside the needs vocabulary): one line per word, a
column per language. Only these words are translated; what comes from the directory (names,
addresses, conditions, hours comments) stays as published.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

WORDS_FILE = "vocab/fiche_words.tsv"
DEFAULT_LANGUAGE = "fr"
RIGHT_TO_LEFT = frozenset({"ar"})


class WordsError(ValueError):
    """The words table is malformed (French message naming the line)."""


@dataclass(frozen=True)
class Words:
    """The words of one language; `dir` is the HTML text direction."""

    lang: str
    table: dict[str, str]

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RIGHT_TO_LEFT else "ltr"

    def __call__(self, key: str, **values: str) -> str:
        text = self.table[key]
        return text.format(**values) if values else text

    def day(self, weekday: int) -> str:
        return self.table[f"day_{weekday}"]


def parse_table(text: str) -> dict[str, dict[str, str]]:
    """{language: {key: word}} from the TSV text; every cell must be filled."""
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise WordsError("fiche_words.tsv : table vide")
    header_no, header = lines[0]
    columns = header.split("\t")
    if columns[0] != "key" or len(columns) < 2:
        raise WordsError(f"fiche_words.tsv, ligne {header_no} : en-tête « key » puis les langues")
    languages = columns[1:]
    table: dict[str, dict[str, str]] = {lang: {} for lang in languages}
    for number, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(columns) or not all(c.strip() for c in cells):
            raise WordsError(
                f"fiche_words.tsv, ligne {number} : {len(columns)} cases remplies attendues"
            )
        for lang, word in zip(languages, cells[1:], strict=True):
            table[lang][cells[0]] = word
    return table


@cache
def _table() -> dict[str, dict[str, str]]:
    text = resources.files("store").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    return parse_table(text)


def languages() -> tuple[str, ...]:
    """The language codes of the table, French first."""
    return tuple(_table())


def language_names() -> list[tuple[str, str]]:
    """(code, name in its own language) pairs, for a choice list."""
    return [(lang, words["language"]) for lang, words in _table().items()]


def words(lang: str | None = None) -> Words:
    """The words of `lang` (French when not given); ValueError in French when unknown."""
    lang = (lang or DEFAULT_LANGUAGE).strip().lower()
    table = _table()
    if lang not in table:
        raise ValueError(f"langue de fiche inconnue : {lang} ({', '.join(table)})")
    return Words(lang, table[lang])
