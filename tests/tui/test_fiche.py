"""The fiche for the person: files and clipboard text (no Textual involved)."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from tui.fiche import short_text, write_fiche

NOW = dt.datetime(2026, 11, 3, 10, 30)
CENTRE = {
    "nom": "Centre social Arc-en-ciel (fictif)",
    "kind": "centre-social",
    "adresse": "12 rue des Essais",
    "code_postal": "31100",
    "commune": "Toulouse",
    "telephone": "05 00 00 00 01",
    "horaires_accueil": "Mo-Fr 09:00-12:00",
    "services": [{"nom": "Écrivain public"}],
    "distance_km": 2.34,
}
HOSTILE = {
    "nom": "<script>alert(1)</script> [bold]X[/] *gras* \x1b[31mrouge\x1b[0m\u202e",
    "kind": "association",
    "telephone": "01 <b>02</b>",
}


def test_markdown_fiche_lists_the_structure(tmp_path: Path) -> None:
    path = write_fiche([CENTRE], tmp_path / "fiches", need="écrivain public", now=NOW)
    text = path.read_text(encoding="utf-8")
    assert path.suffix == ".md"
    assert "# Où vous adresser : écrivain public" in text
    assert "## Centre social Arc-en-ciel (fictif)\n" in text
    assert "12 rue des Essais, 31100 Toulouse" in text
    assert "2,3 km" in text
    assert "lundi : 09:00–12:00" in text
    assert "Écrivain public" in text


def test_directory_is_private_and_files_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "fiches"
    first = write_fiche([CENTRE], target, fmt="txt", now=NOW)
    second = write_fiche([CENTRE], target, fmt="txt", now=NOW)
    assert first != second
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_html_escapes_data_and_strips_control_characters(tmp_path: Path) -> None:
    text = write_fiche([HOSTILE], tmp_path, fmt="html", now=NOW).read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "01 &lt;b&gt;02&lt;/b&gt;" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "[bold]X[/]" in text


def test_markdown_escapes_punctuation(tmp_path: Path) -> None:
    text = write_fiche([HOSTILE], tmp_path, fmt="md", now=NOW).read_text(encoding="utf-8")
    assert "\\*gras\\*" in text
    assert "\\[bold\\]X\\[/\\]" in text
    assert "\x1b" not in text


def test_text_fiche_is_plain(tmp_path: Path) -> None:
    text = write_fiche([CENTRE, HOSTILE], tmp_path, fmt="txt", now=NOW).read_text()
    assert "Fiche remise le 03/11/2026" in text
    assert "Téléphone : 05 00 00 00 01" in text
    assert "\x1b" not in text


def test_bad_format_and_empty_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_fiche([CENTRE], tmp_path, fmt="pdf")
    with pytest.raises(ValueError):
        write_fiche([], tmp_path)


def test_short_text_is_one_line_per_structure() -> None:
    text = short_text([CENTRE, HOSTILE])
    lines = text.splitlines()
    assert lines[0] == (
        "Centre social Arc-en-ciel (fictif) — 12 rue des Essais, 31100 Toulouse"
        " — tél. 05 00 00 00 01"
    )
    assert len(lines) == 2
    assert "\x1b" not in text


def test_fiche_module_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = "import sys, tui.fiche; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
