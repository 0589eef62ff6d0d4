"""Any CSV or XLSX: encodings, delimiters, French/English headers, --map, rejects, extra."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from importers.base import ImportFailure, ImportOptions
from importers.registry import detect
from importers.runner import import_file
from store.db import Store
from store.queries import get_structure
from tests.conftest import FIXTURES, shared_path

DATA = FIXTURES / "opendata"


def _named(store: Store) -> dict[str, dict]:
    ids = [sid for (sid,) in store.conn.execute("SELECT id FROM structures")]
    return {s["nom"]: s for s in (get_structure(store.conn, sid) for sid in ids)}


def test_cp1252_semicolon_french_headers(store: Store) -> None:
    path = DATA / "tableau-cp1252.csv"
    assert detect(path).name == "csv"
    report = import_file(store, path)
    assert report.added == 2
    assert [(r.origin, r.reason) for r in report.rejects] == [
        ("ligne 3", "nom de la structure manquant")
    ]
    found = _named(store)
    epicerie = found["Épicerie sociale Les Mûriers (fictive)"]
    assert epicerie["adresse"] == "12 rue de l'Église"
    assert epicerie["source"] == "tableau-cp1252"
    assert epicerie["telephone"] == "01 00 00 00 03"
    assert epicerie["horaires_accueil"] == "Mo-Fr 09:00-12:00"
    assert epicerie["extra"]["Remarque"] == "Accès sur orientation"
    assert epicerie["kind"] == "epicerie-solidaire"
    cafe = found["Café associatif Œuvre & Thé (fictif)"]
    assert cafe["extra"]["invalides"] == {"courriel": "pas-un-mail"}
    assert cafe["geo_approx"] == 1


def test_utf8_bom_english_headers(store: Store) -> None:
    report = import_file(store, DATA / "tableau-bom.csv")
    assert (report.added, report.rejected) == (2, 0)
    creche = _named(store)["Crèche Hélène Boucher (fictive)"]
    assert creche["site_web"] == "https://www.exemple.org"
    assert creche["latitude"] == pytest.approx(48.80) and creche["geo_approx"] == 0
    assert creche["extra"] == {"notes": "Garde d'enfants"}


def test_map_option_and_source(store: Store) -> None:
    options = ImportOptions(mapping={"Lieu": "commune"}, source="reseau-velo")
    report = import_file(store, DATA / "tableau-tab.tsv", options=options)
    assert report.added == 1
    atelier = _named(store)["Atelier vélo (fictif)"]
    assert atelier["commune"] == "Plaisir" and atelier["source"] == "reseau-velo"
    assert atelier["extra"] == {"Ma colonne": "valeur libre"}


def test_unknown_map_field_and_missing_name_column(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="champ inconnu"):
        import_file(store, DATA / "tableau-tab.tsv", options=ImportOptions(mapping={"x": "zzz"}))
    path = tmp_path / "sans-nom.csv"
    path.write_text("adresse;ville;cp\n1 rue;Plaisir;78370\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="--map COLONNE=nom"):
        import_file(store, path, format_name="csv")
    assert store.count("structures") == 0


def test_xlsx(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "annuaire.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Code postal", "Commune", "Téléphone", "Public"])
    sheet.append(["Point conseil budget fictif", 78370, "Plaisir", "01 00 00 00 07", "tous"])
    sheet.append([None, None, None, None, None])
    sheet.append([None, "01200", "Valserhône", None, "sans nom"])
    book.save(path)
    assert detect(path).name == "xlsx"
    report = import_file(store, path)
    assert report.added == 1
    assert report.rejects[0].origin == "feuille « Sheet », ligne 4"
    pcb = _named(store)["Point conseil budget fictif"]
    assert pcb["code_postal"] == "78370" and pcb["extra"] == {"Public": "tous"}


def test_validator_template_gives_a_clean_report(store: Store) -> None:
    path = shared_path("data", "data-inclusion", "valideur-dataset-v1.xlsx")
    report = import_file(store, path)
    assert report.format == "data_inclusion"  # its columns are data·inclusion's
    assert report.added >= 1
    (agence,) = [s for s in _named(store).values() if s["nom"].startswith("AGENCE ACTION")]
    dropped = agence["extra"]["invalides"]
    assert dropped == {
        "code_postal": "750121",
        "courriel": "pas une adresse",
        "site_web": "pas une url !",
    }
    assert {s["nom"] for s in agence["services"]} == {"Logement social"}
