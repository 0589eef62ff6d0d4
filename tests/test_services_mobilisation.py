"""Services as data·inclusion publishes them: how to mobilise them, their own place, their
zone of eligibility, their Markdown descriptions — in `show`, the view model the fiche and the
TUI use, search and orientation. Fixtures are FICTIONAL (tests/fixtures/services), written the
way pandas writes the weekly export (ms dates, escaped slashes, nulls)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from store.db import Store
from store.orientation import orient
from store.queries import get_structure
from store.schema import MIGRATIONS, SCHEMA_VERSION
from store.search import search
from store.views import RESERVED, structure_view
from store.zones import eligible, epci_communes
from tests.conftest import FIXTURES
from tui.cli import main
from tui.cli.show_cmd import render_text

HERE = FIXTURES / "services"
FILES = (
    HERE / "structures-inclusion-2025-12-08.json",
    HERE / "services-inclusion-2025-12-08.json",
)
ADMIN = "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
LINK = "https://exemple.invalid/orienter"
CONTACT = "Jeanne Fictive-Personne"
NOW = dt.datetime(2026, 3, 3, 10, 0)  # a Tuesday


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture
def db(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = run(capsys, db_path, "import", *(str(f) for f in FILES))
    assert "3 service(s)" in out, out
    return db_path


def _id(db: Path, name: str) -> str:
    with Store(db) as store:
        row = store.conn.execute("SELECT id FROM structures WHERE nom = ?", (name,)).fetchone()
    assert row, name
    return str(row[0])


PASSERELLES = "Les Passerelles (fictif)"


def test_show_says_how_to_orient_in_french(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, db, "show", _id(db, PASSERELLES))
    assert "Comment orienter :" in out
    assert RESERVED in out
    assert f"Lien de mobilisation : {LINK}" in out
    assert "Envoyer un courriel, utiliser le lien de mobilisation" in out
    assert "Lieu : 10 rue de la Permanence, 29200 Brest" in out
    assert "Adresse : 1 rue Fictive, 29000 Quimper" in out
    assert "Frais : Gratuit" in out and "Publics : Tous publics" in out
    # Hours in French, Markdown read: no OSM or Markdown syntax reaches the worker.
    assert "mardi : 09:00–12:00 (Sans rendez-vous)" in out
    for syntax in ("Mo-Fr", "PH off", "Tu 09", "**", "## ", "](http"):
        assert syntax not in out, syntax
    assert "• accès aux droits" in out and "Pour qui ?" in out
    assert "Notre site (https://exemple.invalid/passerelles)" in out
    assert CONTACT not in out


def test_show_json_carries_the_mobilisation_columns(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, db, "show", _id(db, PASSERELLES), "--json")
    service = json.loads(out)["services"][0]
    assert service["mobilisable_par"] == ["professionnels"]
    assert service["lien_mobilisation"] == LINK
    assert service["modes_mobilisation"] == ["envoyer-un-courriel", "utiliser-lien-mobilisation"]
    assert (service["commune"], service["code_insee"]) == ("Brest", "29019")
    assert service["latitude"] == pytest.approx(48.3904)
    assert "contact_nom_prenom" not in out and CONTACT not in out  # names a person: not stored


def test_the_view_model_the_fiche_reads(db: Path) -> None:
    with Store(db) as store:
        structure = get_structure(store.conn, _id(db, PASSERELLES))
    assert structure is not None
    view = structure_view(structure)
    service = view.services[0]
    assert service.mobilisation.professionals_only
    assert not service.mobilisation.direct
    assert service.mobilisation.lines()[0] == RESERVED
    assert f"Lien de mobilisation : {LINK}" in service.mobilisation.lines()
    assert service.place is not None and service.place.commune == "Brest"
    assert service.place.line == "10 rue de la Permanence, 29200 Brest"
    assert view.place.commune == "Quimper"
    assert service.type == "Accompagnement"
    assert (
        service.description
        == "Sur orientation uniquement.\n\n1. envoyer la fiche\n2. attendre l'appel"
    )
    assert CONTACT not in repr(view)
    assert not view.direct  # its only service is reserved to professionals


def test_show_on_a_public_holiday(db: Path) -> None:
    with Store(db) as store:
        structure = get_structure(store.conn, _id(db, PASSERELLES))
    lines = render_text(structure, now=dt.datetime(2026, 12, 25, 10, 0))  # type: ignore[arg-type]
    assert "Horaires : Fermé · jour férié · ouvre lundi à 09:00" in lines
    assert "  vendredi 25 : férié" in lines


def test_a_permanence_is_ranked_and_shown_at_its_own_place(db: Path) -> None:
    with Store(db) as store:
        result = orient(store.conn, "démarches", "Brest", thematiques=[ADMIN], now=NOW)
    by_name = {s.nom: s for s in result.suggestions}
    permanence = by_name[PASSERELLES]
    # Its seat is in Quimper, 60 km away; the permanence is in Brest.
    assert permanence.distance_km is not None and permanence.distance_km < 1
    assert (permanence.commune, permanence.adresse) == ("Brest", "10 rue de la Permanence")
    # Its own hours (Tuesday mornings), not the seat's (Mo-Fr 09:00-18:00).
    assert "ouvert jusqu'à 12:00" in permanence.reasons
    names = [s.nom for s in result.suggestions]
    assert names.index(PASSERELLES) < names.index("Point d'appui Landerneau (fictif)")


def test_direct_access_filter(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(db) as store:
        everyone = orient(store.conn, "démarches", "Brest", thematiques=[ADMIN], now=NOW)
        direct = orient(
            store.conn, "démarches", "Brest", thematiques=[ADMIN], now=NOW, direct_only=True
        )
        hits = search(store.conn, "fictif", direct_only=True)
    assert len(everyone.suggestions) == 3
    assert [s.nom for s in direct.suggestions] == ["Point d'appui Landerneau (fictif)"]
    assert [h.nom for h in hits] == ["Point d'appui Landerneau (fictif)"]
    out = run(capsys, db, "orient", "démarches administratives", "--near", "Brest",
              "--acces-direct", "--json")  # fmt: skip
    assert [s["nom"] for s in json.loads(out)["suggestions"]] == [
        "Point d'appui Landerneau (fictif)"
    ]


def test_eligibility_codes() -> None:
    brest = ("29019", "29")
    assert eligible(["99100"], *brest) is True
    assert eligible(["france"], *brest) is True
    assert eligible(["29"], *brest) is True
    assert eligible(["56"], *brest) is False
    assert eligible(["2A", "2B"], *brest) is False
    assert eligible(["29019"], *brest) is True
    assert eligible(["75056"], "75112", "75") is True  # Paris covers its arrondissements
    assert eligible(["99134"], *brest) is False  # another country
    assert "29019" in epci_communes("242900314")  # Brest Métropole
    assert eligible(["242900314"], *brest) is True
    assert eligible(["242900314"], "29232", "29") is False  # Quimper is not in it
    assert eligible(["999999999"], *brest) is None  # unknown EPCI: cannot say
    assert eligible([], *brest) is None


def test_orientation_reads_national_and_epci_zones(db: Path) -> None:
    with Store(db) as store:
        brest = orient(store.conn, "démarches", "Brest", thematiques=[ADMIN], now=NOW)
        quimper = orient(store.conn, "démarches", "Quimper", thematiques=[ADMIN], now=NOW)
    in_brest = {s.nom: s.reasons for s in brest.suggestions}
    assert "zone d'éligibilité : oui" in in_brest[PASSERELLES]  # 99100
    assert "zone d'éligibilité : oui" in in_brest["Maison métropolitaine (fictive)"]  # EPCI
    # From Quimper, the métropole's service is out of its zone and far: left out.
    assert "Maison métropolitaine (fictive)" not in {s.nom for s in quimper.suggestions}


def test_migration_moves_mobilisation_out_of_extra(tmp_path: Path) -> None:
    """A store whose services kept these fields in `extra` (before they had columns)."""
    path = tmp_path / "avant.db"
    conn = sqlite3.connect(path)
    before = next(i for i, m in enumerate(MIGRATIONS) if any("mobilisable_par" in s for s in m))
    for migration in MIGRATIONS[:before]:
        for statement in migration:
            conn.execute(statement)
    extra = {
        "mobilisable_par": ["professionnels"],
        "lien_mobilisation": LINK,
        "adresse": "10 rue de la Permanence",
        "code_insee": "29019",
        "commune": "Brest",
        "latitude": "48.3904",
        "longitude": "-4.4861",
        "contact_nom_prenom": CONTACT,
        "volume_horaire_hebdomadaire": 3,
    }
    conn.execute(
        "INSERT INTO services(id, structure_id, source, nom, extra) VALUES (?,?,?,?,?)",
        ("v1", "s1", "fictif", "Permanence", json.dumps(extra)),
    )
    conn.execute(f"PRAGMA user_version = {before}")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        row = store.conn.execute(
            "SELECT mobilisable_par, lien_mobilisation, commune, departement, latitude, extra"
            " FROM services"
        ).fetchone()
    assert row[:5] == ('["professionnels"]', LINK, "Brest", "29", 48.3904)
    assert json.loads(row[5]) == {"volume_horaire_hebdomadaire": 3}


def test_show_gives_unparsed_hours_once(db: Path) -> None:
    with Store(db) as store:
        structure = get_structure(store.conn, _id(db, PASSERELLES))
    assert structure is not None
    structure["horaires_accueil"] = "le mardi matin, sauf vacances"
    lines = render_text(structure, now=NOW)
    assert "Horaires (texte de la source) : le mardi matin, sauf vacances" in lines
    assert sum("le mardi matin" in line for line in lines) == 1
