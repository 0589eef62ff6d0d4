"""The fiche's words: every key in every language, same placeholders, a readable error."""

from __future__ import annotations

import re

import pytest

from store.vocab.fiche_words import WordsError, _table, language_names, parse_table, words


def test_every_key_exists_in_every_language() -> None:
    table = _table()
    assert set(table) == {"fr", "en", "es", "ar", "uk"}
    keys = set(table["fr"])
    for lang, entries in table.items():
        assert set(entries) == keys, lang
        for key, word in entries.items():
            assert word.strip(), (lang, key)
            assert re.findall(r"{\w+}", word) == re.findall(r"{\w+}", table["fr"][key]), key
    assert {f"day_{i}" for i in range(7)} <= keys


def test_languages_and_direction() -> None:
    assert dict(language_names())["ar"] == "العربية"
    assert words("ar").dir == "rtl" and words("uk").dir == "ltr"
    assert words().day(2) == "mercredi" and words("en").day(2) == "Wednesday"
    assert words("en")("issued", date="03/11/2026") == "Given to you on 03/11/2026"
    with pytest.raises(ValueError, match="langue de fiche inconnue"):
        words("de")


def test_a_missing_cell_names_its_line() -> None:
    with pytest.raises(WordsError, match="ligne 3"):
        parse_table("# commentaire\nkey\tfr\ten\ntitle\tOù vous adresser\n")
