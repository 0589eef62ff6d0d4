"""Urgent needs get their national lines first — even on an empty store, even without a place —
then the structures; the CLI (text and JSON) shows the same lines above every structure.
Fictional structures (tests/fixtures/urgent), real communes and real national lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from store.db import Store
from store.orientation import orient
from tests.orientation_helpers import URGENT_FIXTURE, fixture_store
from tui.cli import main

SUNDAY_EVENING = dt.datetime(2026, 12, 6, 21, 30)

# appointments.md's urgent cases, in our words: (typed, place, lines first, in order)
URGENT = [
    ("on dort dehors ce soir avec mes 2 enfant", "75010", ["115"]),
    ("elle dort dehors ce soir", "Melun", ["115"]),
    ("mon mari me frape, j'ai peur de rentrer", "Melun", ["3919", "17"]),
    ("elle dit qu'elle veut en finir, idées noires", "78370", ["3114", "15"]),
    ("je crois que l'enfant de la voisine est maltraité", "Toulouse", ["119"]),
    ("il la tape, elle a des bleus", "Toulouse", ["3919", "17"]),
    ("sa fille se scarifi", None, ["3114", "15"]),
]


@pytest.fixture
def urgent_db(tmp_path: Path) -> Path:
    return fixture_store(tmp_path / "urgent.db", URGENT_FIXTURE)


@pytest.mark.parametrize(("typed", "place", "expected"), URGENT)
def test_urgent_lines_come_even_on_an_empty_store(
    store: Store, typed: str, place: str | None, expected: list[str]
) -> None:
    for near in (place, None):
        result = orient(store.conn, typed, near, now=SUNDAY_EVENING)
        assert [a.line.key for a in result.lines] == expected
        assert result.urgent and not result.interpretation.empty
        assert result.suggestions == []
        assert all(a.open_now for a in result.lines)  # these lines answer 24 h/24


def test_a_line_closed_at_night_says_when_it_opens(store: Store) -> None:
    result = orient(store.conn, "victime d'un cambriolage", None, now=SUNDAY_EVENING)
    [line] = result.lines
    assert line.numero == "116 006" and line.open_now is False
    assert line.state == "fermé, ouvre demain à 09:00"
    assert not result.urgent
    morning = orient(
        store.conn, "victime d'un cambriolage", None, now=SUNDAY_EVENING.replace(hour=10)
    )
    assert morning.lines[0].open_now is True


def test_violence_near_melun_gives_the_lines_then_the_cidff_never_a_vestiaire(
    urgent_db: Path,
) -> None:
    with Store(urgent_db) as s:
        result = orient(s.conn, "mon mari me frape, j'ai peur de rentrer", "Melun")
    assert [a.numero for a in result.lines] == ["3919", "17"]
    names = [x.nom for x in result.suggestions]
    assert names[0] == "CIDFF de la Brie (fictif)"
    assert "Vestiaire des Trois Moulins (fictif)" not in names


def test_caf_cut_the_rsa_gives_the_caf_not_the_cidff(urgent_db: Path) -> None:
    with Store(urgent_db) as s:
        result = orient(s.conn, "la caf m'a coupé le rsa", "75013")
    assert result.lines == [] and not result.urgent
    assert result.suggestions[0].nom == "Accueil CAF des Gobelins (fictif)"
    # "coupé" is couper, not couple: nothing is suggested for a separation or violence
    assert "cidff" not in dict(result.interpretation.kinds)
    reasons = " ".join(r for x in result.suggestions for r in x.reasons)
    assert "séparation" not in reasons and "violence" not in reasons


def test_cli_text_shows_the_lines_above_every_structure(
    urgent_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need = "on dort dehors ce soir avec mes 2 enfant"
    assert main(["--db", str(urgent_db), "orient", need, "--near", "75010"]) == 0
    out = capsys.readouterr().out
    assert "Urgence — à appeler d'abord" in out
    shelter = out.index("☎ 115  Samu social — hébergement d'urgence · gratuit · 24 h/24, 7 j/7")
    assert shelter < out.index("Accueil de jour du Canal (fictif)")
    assert shelter < out.index("Centre d'hébergement familial des Écluses (fictif)")


def test_cli_text_never_says_not_understood_or_nothing_for_an_urgent_need(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need = "elle dit qu'elle veut en finir, idées noires"
    for extra in ([], ["--near", "78370"]):
        assert main(["--db", str(db_path), "orient", need, *extra]) == 0
        out = capsys.readouterr().out
        assert "☎ 3114  Numéro national de prévention du suicide" in out
        assert "☎ 15  SAMU · en cas de danger immédiat" in out
        assert out.index("☎ 3114") < out.index("☎ 15")
        assert "non reconnu" not in out and "Aucune structure" not in out
        assert "appelez d'abord les numéros ci-dessus" in out


def test_cli_json_puts_the_lines_before_the_suggestions(
    urgent_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need = "mon mari me frape"
    assert main(["--db", str(urgent_db), "orient", need, "--near", "Melun", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = list(out)
    assert keys.index("lines") < keys.index("suggestions")
    assert out["urgent"] is True
    assert [line["numero"] for line in out["lines"]] == ["3919", "17"]
    first = out["lines"][0]
    assert list(first)[:4] == ["numero", "nom", "horaires", "open_now"]
    assert first["horaires"] == "24 h/24, 7 j/7" and first["open_now"] is True
    assert out["lines"][1]["en_cas_de_danger"] is True
    assert out["suggestions"][0]["nom"] == "CIDFF de la Brie (fictif)"


def test_cli_json_of_an_ordinary_need_has_no_lines(
    urgent_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(urgent_db), "orient", "caf", "--near", "75013", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lines"] == [] and out["urgent"] is False


def test_cli_text_and_json_show_the_same_lines_in_the_same_order(
    urgent_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need = "il boit et il devient violent, elle a des idées noires"
    assert main(["--db", str(urgent_db), "orient", need, "--near", "Melun", "--json"]) == 0
    from_json = [line["numero"] for line in json.loads(capsys.readouterr().out)["lines"]]
    assert main(["--db", str(urgent_db), "orient", need, "--near", "Melun"]) == 0
    text = capsys.readouterr().out
    from_text = [row.split("☎ ")[1].split("  ")[0] for row in text.splitlines() if "☎ " in row]
    assert from_json == from_text == ["3919", "3114", "17", "15", "0 800 23 13 13"]


def test_one_line_is_called_the_number_above(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need = "elle dort dehors ce soir"
    for extra in ([], ["--near", "Melun"]):
        assert main(["--db", str(db_path), "orient", need, *extra]) == 0
        out = capsys.readouterr().out
        assert "appelez d'abord le numéro ci-dessus" in out and "numéros" not in out
        assert out.count("ci-dessus") == 1  # said once, not again under an empty group
