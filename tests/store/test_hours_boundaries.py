"""Hours at the minute boundaries, and the French words around them (mutation survivors)."""

from __future__ import annotations

import datetime as dt

import pytest

from store import hours

MONDAY = dt.date(2026, 11, 23)  # no public holiday that week


def at(hour: int, minute: int, day: int = 0) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute))


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        (at(8, 59), False),
        (at(9, 0), True),
        (at(11, 59), True),
        (at(12, 0), False),
        (at(13, 29), False),
        (at(13, 30), True),
        (at(16, 59), True),
        (at(17, 0), False),
    ],
)
def test_open_now_at_the_minute_boundaries(moment: dt.datetime, open_now: bool) -> None:
    assert hours.state("Mo-Fr 09:00-12:00,13:30-17:00", moment).open_now is open_now


def test_seconds_do_not_open_early() -> None:
    """08:59:59 is still 08:59: the state is computed on the minute."""
    moment = at(8, 59).replace(second=59)
    state = hours.state("Mo 09:00-12:00", moment)
    assert state.open_now is False
    assert state.label == "Fermé · ouvre à 09:00"
    assert state.opens_at == at(9, 0)


def test_labels_say_when() -> None:
    text = "Mo-Fr 09:00-12:00,13:30-17:00"
    assert hours.state(text, at(12, 0)).label == "Fermé · ouvre à 13:30"
    assert hours.state(text, at(17, 0)).label == "Fermé · ouvre demain à 09:00"
    assert hours.state(text, at(11, 0)).closes_at == at(12, 0)
    # Six days ahead is still a weekday; a week or more is a date.
    assert hours.state("Su 10:00-12:00", at(10, 0)).label == "Fermé · ouvre dimanche à 10:00"
    assert hours.state("Mo 10:00-12:00", at(12, 0)).label == "Fermé · ouvre le 30/11 à 10:00"


def test_unknown_hours() -> None:
    assert hours.state(None, at(10, 0)) == hours.HoursState(None, "Horaires inconnus")
    assert hours.state("", at(10, 0)).open_now is None


@pytest.mark.parametrize(
    ("text", "hhmm"),
    [
        ("9h", "09:00"),
        ("9h30", "09:30"),
        ("09:00:00", "09:00"),
        ("24", "24:00"),
        ("25", None),
        ("9h60", None),
        ("9h59", "09:59"),
        ("midi", None),
    ],
)
def test_hhmm(text: str, hhmm: str | None) -> None:
    assert hours._hhmm(text) == hhmm


def test_ranges_refuse_backwards_but_accept_midnight() -> None:
    assert hours._ranges("12h-9h") is None
    assert hours._ranges("9h-9h") is None
    assert hours._ranges("20h-00h") == ["20:00-00:00"]
    assert hours._ranges("9h") is None
    assert hours._ranges(" / ") is None


def test_compress_days() -> None:
    spec = "09:00-12:00"
    assert hours._compress_days({0: spec}) == "Mo 09:00-12:00"
    assert hours._compress_days({0: spec, 1: spec}) == "Mo,Tu 09:00-12:00"
    assert hours._compress_days({0: spec, 1: spec, 2: spec}) == "Mo-We 09:00-12:00"
    # Not adjacent: two rules, not a span.
    assert hours._compress_days({0: spec, 2: spec}) == "Mo 09:00-12:00; We 09:00-12:00"


def test_summary_groups_days() -> None:
    assert (
        hours.summary("Mo-Fr 09:00-18:00; Sa 09:00-12:00", MONDAY)
        == "du lundi au vendredi : 09:00–18:00 ; samedi : 09:00–12:00"
    )
    assert hours.summary("Mo,Tu 09:00-12:00", MONDAY) == "lundi et mardi : 09:00–12:00"
    # Closed on Wednesday: Monday and Thursday are not one span.
    assert hours.summary("Mo,Th 09:00-12:00", MONDAY) == "lundi : 09:00–12:00 ; jeudi : 09:00–12:00"
    assert hours.summary("sur rendez-vous", MONDAY) == "sur rendez-vous"


def test_week_lines_end_at_midnight() -> None:
    lines = hours.week_lines("Mo 20:00-24:00", MONDAY)
    assert lines[0] == "lundi : 20:00–24:00"
    assert lines[1] == "mardi : fermé"


def test_weekday_columns_skip_blank_days_and_unknown_columns() -> None:
    columns = {"commentaire": "x", "lundi": "  ", "Mardi": "9h-12h", "mercredi": None}
    assert hours.from_weekday_columns(columns) == "Tu 09:00-12:00"
    assert hours.from_weekday_columns({"lundi": "", "mardi": None}) is None
    assert hours.from_weekday_columns({"lundi": "le matin"}) is None


def test_dila_json_slots() -> None:
    text = (
        '[["lundi","mardi",[["14:00:00","17:00:00"],["09:00:00","12:00:00"]]],'
        '["jeudi","jeudi",[["09:00:00","midi"]]]]'
    )
    assert hours.from_dila_json(text) == "Mo,Tu 09:00-12:00,14:00-17:00"
    assert hours.from_dila_json('[["lundi","lundi",[["xx","12:00:00"]]]]') is None
    assert hours.from_dila_json('[["lundi"]]') is None
    assert hours.from_dila_json("") is None


@pytest.mark.parametrize(
    ("comment", "label"),
    [
        ("Fermeture temporaire.", "Fermeture temporaire"),
        (" fermeture temporaire : travaux ", "Fermeture temporaire : travaux"),
        ("Fermeture temporaire - déménagement.", "Fermeture temporaire : déménagement"),
        ("travaux  en cours", "Fermeture temporaire : Travaux en cours"),
    ],
)
def test_closure_words(comment: str, label: str) -> None:
    assert hours._closure(comment) == label


def test_a_local_holiday_keeps_its_own_hours() -> None:
    """Saint-Étienne in Moselle: the PH rule's hours, not the weekday's, and not all day."""
    text = "Mo-Fr 09:00-18:00; PH 10:00-12:00,14:00-16:00"
    saint_etienne = dt.date(2025, 12, 26)

    def moselle(hour: int, minute: int) -> hours.HoursState:
        return hours.state(text, dt.datetime.combine(saint_etienne, dt.time(hour, minute)), "57")

    assert moselle(9, 30).open_now is False
    assert moselle(10, 30).open_now is True
    assert moselle(10, 30).label == "Ouvert · jour férié · ferme à 12:00"
    assert moselle(12, 30).open_now is False
    assert moselle(16, 30).open_now is False
    lines = hours.week_lines(text, saint_etienne, "57")
    assert lines[4] == "vendredi 26 : férié, 10:00–12:00, 14:00–16:00"
    assert hours.week_lines("Mo-Fr 09:00-18:00; PH off", saint_etienne, "57")[4] == (
        "vendredi 26 : férié"
    )


def test_summary_of_a_holiday_week_where_the_place_is() -> None:
    text = "Mo-Fr 09:00-18:00; PH off"
    saint_etienne = dt.date(2025, 12, 26)
    assert hours.summary(text, saint_etienne, "57") == (
        "du lundi au mercredi : 09:00–18:00 ; jeudi 25 et vendredi 26 : férié"
    )
    assert hours.summary(text, saint_etienne) == (
        "du lundi au mercredi : 09:00–18:00 ; jeudi 25 : férié ; vendredi : 09:00–18:00"
    )
    assert hours.summary("off", MONDAY) == "fermé"


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("lundi 9h00-12h00", "Mo 09:00-12:00"),
        ("lundi a vendredi 9h-12h", "Mo-Fr 09:00-12:00"),
        ("lundi-vendredi 9h-12h", "Mo-Fr 09:00-12:00"),
        ("mardi au jeudi 9h-12h", "Tu-Th 09:00-12:00"),
        # « et » names two days, not the days between them.
        ("lundi et jeudi 9h-12h", "Mo 09:00-12:00; Th 09:00-12:00"),
        ("lundi : 9h-12h,", "Mo 09:00-12:00"),
        ('[["lundi","lundi",[["16:00:00","19:00:00"]]]]', "Mo 16:00-19:00"),
        ("   ", None),
        ("", None),
    ],
)
def test_normalize_free_text_days(text: str, osm: str | None) -> None:
    assert hours.normalize_hours(text) == osm


def test_ranges_words() -> None:
    assert hours._ranges("9h-12h et 14h-17h") == ["09:00-12:00", "14:00-17:00"]
    assert hours._ranges("midi-12h") is None
    assert hours._ranges("9h-midi") is None
