"""National lines: the embedded data, their hours at a given moment, the vocabulary's links."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import pytest

from store import hours, lines
from store.lines import LineRef, LinesError, answers, by_key, parse_lines
from store.needs import VOCAB_FILE, VocabularyError, parse_vocabulary
from tests.conftest import shared_path

SUNDAY_EVENING = dt.datetime(2026, 12, 6, 21, 30)  # a Sunday
MONDAY_NIGHT = dt.datetime(2026, 12, 7, 1, 30)
MONDAY_MORNING = dt.datetime(2026, 12, 7, 10, 0)


def test_the_fifteen_real_lines_are_embedded() -> None:
    table = by_key()
    assert len(table) == 15
    shelter = table["115"]
    assert shelter.numero == "115" and shelter.gratuit
    assert shelter.horaires_osm == "24/7" and shelter.horaires == "24 h/24, 7 j/7"
    assert table["116006"].numero == "116 006"
    assert table["0800231313"].nom == "Drogues Info Service"
    assert all(line.source.startswith("https://") for line in table.values())


def test_embedded_file_is_the_shared_one() -> None:
    shared = shared_path("data", "numeros-nationaux.csv").read_text(encoding="utf-8")
    packaged = resources.files("store").joinpath(lines.LINES_FILE).read_text(encoding="utf-8")
    assert packaged == shared


def test_every_number_named_by_the_vocabulary_exists() -> None:
    text = resources.files("store").joinpath(VOCAB_FILE).read_text(encoding="utf-8")
    targets = [line.split("\t")[1] for line in text.splitlines() if line.strip() and line[0] != "#"]
    named = [m for spec in targets for m in re.findall(r"(?:^|\s)(?:l|danger):(\S+)", spec)]
    assert {"115", "119", "3919", "17", "3114", "15", "116006", "3977", "3018"} <= set(named)
    assert {"0800231313", "0800235236", "0805160075"} <= set(named)
    missing = [key for key in named if key not in by_key()]
    assert not missing


def test_an_unknown_number_in_the_vocabulary_is_refused() -> None:
    with pytest.raises(VocabularyError, match="l:3920"):
        parse_vocabulary("violences\tk:cidff l:3920\n")
    with pytest.raises(VocabularyError, match=r"danger:18=0\.5"):
        parse_vocabulary("violences\tk:cidff danger:18=0.5\n")


def test_a_malformed_lines_file_is_refused() -> None:
    with pytest.raises(LinesError):
        parse_lines("numero,nom\n115,Samu social\n")
    with pytest.raises(LinesError, match="ligne 2"):
        parse_lines("numero,nom,pour,horaires_osm,gratuit,source\n,Sans numéro,x,24/7,oui,s\n")


def test_open_now_follows_the_hours_and_the_given_clock() -> None:
    refs = [LineRef("116006"), LineRef("0800231313"), LineRef("115"), LineRef("0805160075")]
    evening = {a.line.key: a for a in answers(refs, SUNDAY_EVENING)}
    assert evening["116006"].open_now is False
    assert evening["116006"].state == "fermé, ouvre demain à 09:00"
    assert evening["0800231313"].open_now is True  # 08:00-02:00 runs past midnight
    assert evening["115"].open_now is True
    assert evening["0805160075"].open_now is None  # the source gives no hours
    assert evening["0805160075"].horaires == lines.NO_HOURS
    night = {a.line.key: a for a in answers(refs, MONDAY_NIGHT)}
    assert night["0800231313"].open_now is True
    assert night["116006"].open_now is False
    morning = {a.line.key: a for a in answers(refs, MONDAY_MORNING)}
    assert morning["116006"].open_now is True
    assert morning["116006"].horaires == "tous les jours 09:00–19:00"


def test_lines_in_danger_come_after_the_needs_own_lines_each_once() -> None:
    refs = [LineRef("3919"), LineRef("17", when_in_danger=True), LineRef("3114"), LineRef("3919")]
    found = answers(refs, SUNDAY_EVENING)
    assert [a.numero for a in found] == ["3919", "3114", "17"]
    assert found[-1].when_in_danger
    assert found[-1].summary() == (
        "Police secours / gendarmerie · en cas de danger immédiat · gratuit · 24 h/24, 7 j/7"
        " · ouvert maintenant"
    )
    assert found[-1].summary(short=True) == (
        "Police secours / gendarmerie · si danger immédiat · 24 h/24, 7 j/7 · ouvert"
    )
    assert found[0].as_json()["numero"] == "3919"
    assert list(found[0].as_json())[:4] == ["numero", "nom", "horaires", "open_now"]


@pytest.mark.parametrize(
    ("osm", "french"),
    [
        ("24/7", "24 h/24, 7 j/7"),
        ("Mo-Su 08:00-02:00", "tous les jours 08:00–02:00"),
        (
            "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
            "du lundi au vendredi 09:00–12:00, 14:00–17:00 ; samedi 09:00–12:00",
        ),
        ("Tu,Th 10:00-12:00", "mardi, jeudi 10:00–12:00"),
        ("sur rendez-vous", "sur rendez-vous"),
        ("", None),
    ],
)
def test_hours_in_french(osm: str, french: str | None) -> None:
    assert hours.in_french(osm) == french
