"""The printed fiche in a real browser: headless Chromium prints the HTML to PDF.

Skips cleanly when Chromium is not installed (`.ci/run` installs it when it can)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from store.db import Store
from store.fiche import FicheLine, FicheRequest, build_fiche
from store.text import clean_display
from tests.fiche_helpers import NOW, SHELTER, VIOLENCE, fiche_store, structure_id
from tui.fiche import write_fiche

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium absent (apt install chromium)")
LINES = (
    FicheLine("3919", "Violences Femmes Info (fictif pour les tests)", "24 h/24, 7 j/7"),
    FicheLine("115", "Samu social (fictif pour les tests)", "24 h/24"),
)


def print_to_pdf(page: Path, tmp_path: Path) -> Path:
    assert CHROMIUM is not None
    pdf = page.with_suffix(".pdf")
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), "Chromium wrote no PDF"
    return pdf


def page_count(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])  # type: ignore[index]  # pdfinfo always says Pages
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def pdf_text(pdf: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(clean_display(done.stdout).split())  # without the bidi marks it adds


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_three_structures_print_on_one_a4_page(tmp_path: Path, lang: str) -> None:
    with Store(fiche_store(tmp_path / "fiche.db")) as store:
        ids = tuple(structure_id(store, s) for s in ("phare", "cidff", "cs"))
        request = FicheRequest(
            ids, kinds=("cidff", "hebergement"), thematiques=(VIOLENCE, SHELTER), lines=LINES
        )
        fiche = build_fiche(store.conn, request, NOW)
    page = write_fiche(fiche, tmp_path / "fiches", fmt="html", lang=lang)
    pdf = print_to_pdf(page, tmp_path)
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    if text is None:
        return  # no pdftotext: the page count is what could be checked
    # (pdftotext mirrors brackets in right-to-left lines: facts without them)
    for fact in ("3919", "05 00 00 00 19", "CIDFF Exemple", "7 allée des Essais", "11/11"):
        assert fact in text, fact
    if lang == "fr":
        assert "mercredi" in text and "jour férié" in text and "sans rendez-vous" in text
        assert "18:00–22:00" in text
    else:
        assert "عطلة رسمية" in text  # public holiday
