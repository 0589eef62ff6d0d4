"""The detector of notes that would identify a person (pure function, no store)."""

from __future__ import annotations

import datetime as dt

import pytest

from store.identifying import Clue, identifying, warning

TODAY = dt.date(2026, 11, 3)


def clues(text: str) -> list[Clue]:
    return [f.clue for f in identifying(text, TODAY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mme Dupont, née le 12/03/1980", [Clue.NAME, Clue.BIRTH]),
        ("Mme X, née le 12/03/1980", [Clue.BIRTH]),  # an initial alone is no name
        ("vu M. Martin ce matin", [Clue.NAME]),
        ("Monsieur Jean Durand est venu", [Clue.NAME]),
        ("MME DUPONT a appelé", [Clue.NAME]),
        ("DDN : 01/02/2001", [Clue.BIRTH]),
        ("né en 1975 à Alger", [Clue.BIRTH]),
        ("dossier du 3.4.1990", [Clue.BIRTH]),  # a year this far back: a birth date
        ("NIR 1 80 03 75 123 456 78", [Clue.NIR]),
        ("sécu 2850375123456", [Clue.NIR]),
        ("son portable 06 12 34 56 78", [Clue.MOBILE]),
        ("tél +33 7 12 34 56 78", [Clue.MOBILE]),
    ],
)
def test_what_identifies_a_person_is_found(text: str, expected: list[Clue]) -> None:
    assert clues(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Accueil chaleureux, demander Mme B. à l'accueil",  # an initial alone: decided OK
        "demander M. B ou Mme L. le mardi",
        "N'accepte plus de dossiers avant le 01/03/2027",
        "fermé jusqu'au 12/03, rouvre le 15/03/2026",
        "Standard : 01 23 45 67 89, fax 05 61 00 00 00",
        "Permanence de Mme la directrice le lundi",
        "Voir Monsieur Le Maire pour le CCAS",
        "Code d'accès 1234, bus 70, 12 places",
        "SIRET 123 456 789 00012",  # 14 digits: not a NIR
        "",
    ],
)
def test_structure_notes_raise_no_alarm(text: str) -> None:
    assert identifying(text, TODAY) == []


def test_warning_is_french_and_does_not_repeat_a_nir() -> None:
    text = warning(identifying("Mme Dupont, NIR 185037512345678, née le 12/03/1980", TODAY))
    assert text.startswith("Cette note semble identifier une personne : ")
    assert "« Mme Dupont »" in text and "une date de naissance (« 12/03/1980 »)" in text
    assert "un numéro de sécurité sociale" in text and "185037512345678" not in text
