from __future__ import annotations

import datetime as dt

import pytest

from store import hours

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0)  # a Monday


def test_france_services_columns() -> None:
    osm = hours.from_weekday_columns(
        {
            "lundi": "13:30 - 17:00",
            "mardi": "09:00 - 12:00 / 13:30 - 17:00",
            "mercredi": "09:00 - 12:00 / 13:30 - 17:00",
            "samedi": "",
        }
    )
    assert osm == "Mo 13:30-17:00; Tu,We 09:00-12:00,13:30-17:00"


def test_dila_json() -> None:
    text = (
        '[["lundi","lundi",[["16:00:00","19:00:00"]]],'
        '["mercredi","jeudi",[["16:00:00","19:00:00"]]]]'
    )
    assert hours.from_dila_json(text) == "Mo 16:00-19:00; We,Th 16:00-19:00"
    assert hours.from_dila_json("pas du json") is None


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("lundi au vendredi 9h-11h45/14h-16h30", "Mo-Fr 09:00-11:45,14:00-16:30"),
        ("du lundi au vendredi de 9h à 12h et de 14h à 17h", "Mo-Fr 09:00-12:00,14:00-17:00"),
        ("Lundi, mardi : 9h-12h; samedi 10h-12h", "Mo,Tu 09:00-12:00; Sa 10:00-12:00"),
        ("Mo-Fr 09:00-17:00", "Mo-Fr 09:00-17:00"),
        ("sur rendez-vous", "sur rendez-vous"),
    ],
)
def test_normalize_hours(text: str, osm: str) -> None:
    assert hours.normalize_hours(text) == osm


def test_state_labels() -> None:
    open_state = hours.state("Mo-Fr 09:00-12:00,13:30-17:00", MONDAY_10)
    assert open_state.open_now is True
    assert open_state.label == "Ouvert · ferme à 12:00"
    closed = hours.state("Tu 09:00-12:00", MONDAY_10)
    assert closed.open_now is False
    assert closed.label == "Fermé · ouvre demain à 09:00"
    later = hours.state("Th 09:00-12:00", MONDAY_10)
    assert later.label == "Fermé · ouvre jeudi à 09:00"
    unknown = hours.state("sur rendez-vous", MONDAY_10)
    assert unknown.open_now is None and "sur rendez-vous" in unknown.label


def test_week_lines() -> None:
    lines = hours.week_lines("Mo-Fr 09:00-12:00")
    assert lines[0] == "lundi : 09:00–12:00"
    assert lines[6] == "dimanche : fermé"
