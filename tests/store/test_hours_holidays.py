"""Public holidays, comments and minute boundaries in opening hours (the app's clock is
injected: every test states its date)."""

from __future__ import annotations

import datetime as dt

import pytest

from store.hours import holiday, state, summary, week_lines

WEEKDAYS = "Mo-Fr 09:00-18:00; PH off"


@pytest.mark.parametrize(
    "moment",
    [dt.datetime(2026, 12, 25, 10, 0), dt.datetime(2026, 7, 14, 10, 0)],
    ids=["noel", "fete-nationale"],
)
def test_ph_off_is_closed_on_a_national_holiday(moment: dt.datetime) -> None:
    current = state(WEEKDAYS, moment)
    assert current.open_now is False
    assert current.label.startswith("Fermé · jour férié")
    assert current.holiday


def test_the_next_opening_after_a_holiday_is_the_next_working_day() -> None:
    current = state(WEEKDAYS, dt.datetime(2026, 12, 25, 10, 0))  # a Friday
    assert current.opens_at == dt.datetime(2026, 12, 28, 9, 0)


def test_moselle_keeps_saint_etienne() -> None:
    moment = dt.datetime(2025, 12, 26, 10, 0)  # a Friday, Saint-Étienne
    assert state(WEEKDAYS, moment).open_now is True  # elsewhere in France: a working day
    in_moselle = state(WEEKDAYS, moment, departement="57")
    assert in_moselle.open_now is False
    assert in_moselle.label.startswith("Fermé · jour férié")
    assert in_moselle.holiday == "Saint-Étienne"
    # On Christmas Eve evening, Moselle opens again on Monday, not on the 26th.
    eve = state(WEEKDAYS, dt.datetime(2025, 12, 24, 19, 0), departement="57")
    assert eve.opens_at == dt.datetime(2025, 12, 29, 9, 0)
    assert state(WEEKDAYS, dt.datetime(2025, 12, 26, 10, 0), departement="67").open_now is False


def test_overseas_departements_have_their_own_days() -> None:
    # Abolition of slavery: 27 May in Guadeloupe, 20 December in La Réunion.
    assert holiday(dt.date(2026, 5, 27), "971") is not None
    assert holiday(dt.date(2026, 5, 27), "75") is None
    assert holiday(dt.date(2026, 12, 20), "974") is not None


def test_a_holiday_the_hours_say_nothing_about_is_to_check() -> None:
    current = state("Mo-Fr 09:00-18:00", dt.datetime(2026, 12, 25, 10, 0))
    assert current.open_now is None
    assert current.label == "Jour férié · horaires à vérifier"


def test_week_view_shows_holidays() -> None:
    lines = week_lines(WEEKDAYS, dt.date(2025, 12, 24), departement="57")
    assert "jeudi 25 : férié" in lines
    assert "vendredi 26 : férié" in lines
    assert "lundi : 09:00–18:00" in lines
    unsaid = week_lines("Mo-Fr 09:00-18:00", dt.date(2025, 12, 24))
    assert "jeudi 25 : férié · horaires à vérifier" in unsaid
    assert "vendredi : 09:00–18:00" in unsaid


def test_holiday_with_its_own_hours() -> None:
    text = "Mo-Fr 09:00-18:00; PH 10:00-12:00"
    current = state(text, dt.datetime(2025, 12, 26, 11, 0), departement="57")
    assert current.open_now is True
    assert current.closes_at == dt.datetime(2025, 12, 26, 12, 0)
    assert "vendredi 26 : férié, 10:00–12:00" in week_lines(text, dt.date(2025, 12, 24), "57")


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (dt.datetime(2026, 12, 7, 8, 59), False),
        (dt.datetime(2026, 12, 7, 9, 0), True),
        (dt.datetime(2026, 12, 7, 17, 59), True),
        (dt.datetime(2026, 12, 7, 18, 0), False),
    ],
)
def test_minute_boundaries(moment: dt.datetime, is_open: bool) -> None:
    assert state(WEEKDAYS, moment).open_now is is_open


def test_comments_are_shown() -> None:
    text = 'Mo 08:00-18:00 open "Sans rendez-vous"; PH off'
    assert state(text, dt.datetime(2026, 12, 7, 9, 0)).label == (
        "Ouvert · ferme à 18:00 · Sans rendez-vous"
    )
    assert week_lines(text, dt.date(2026, 12, 7))[0] == "lundi : 08:00–18:00 (Sans rendez-vous)"
    closed = state('closed "fermeture temporaire"', dt.datetime(2026, 12, 7, 9, 0))
    assert closed.open_now is False
    assert closed.label == "Fermeture temporaire"
    works = 'closed "travaux jusqu\'au 3 mars"'
    assert state(works, dt.datetime(2026, 12, 7, 9, 0)).label == (
        "Fermeture temporaire : Travaux jusqu'au 3 mars"
    )
    assert week_lines(works, dt.date(2026, 12, 7)) == [
        "Fermeture temporaire : Travaux jusqu'au 3 mars"
    ]


def test_summary_groups_days_in_french() -> None:
    text = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert summary(text, dt.date(2026, 12, 7)) == (
        "du lundi au vendredi : 09:00–12:00, 14:00–17:00 ; samedi : 09:00–12:00"
    )
    assert "Mo" not in summary(text, dt.date(2026, 12, 7))
