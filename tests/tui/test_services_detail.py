"""The detail pane on data·inclusion services (FICTIONAL files in tests/fixtures/services):
« Comment orienter », a service's own place, the presentation read from Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.views import RESERVED
from tests.conftest import FIXTURES
from tui.app import AiguillageApp
from tui.cli import main

from .conftest import NOW, detail_text, main_screen, settle, type_search

FILES = (
    FIXTURES / "services" / "structures-inclusion-2025-12-08.json",
    FIXTURES / "services" / "services-inclusion-2025-12-08.json",
)


@pytest.fixture
def services_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "services.db"
    assert main(["--db", str(db), "import", *(str(f) for f in FILES)]) == 0
    assert "3 service(s)" in capsys.readouterr().out
    return db


async def test_detail_says_how_to_orient_and_where(services_db: Path) -> None:
    app = AiguillageApp(services_db, load_demo=False, now=lambda: NOW)
    async with app.run_test(size=(120, 50)) as pilot:
        await type_search(pilot, "passerelles")
        await pilot.press("enter")
        await settle(pilot)
        text = detail_text(pilot)
        assert "Comment orienter :" in text
        assert RESERVED in text
        assert "Lien de mobilisation : https://exemple.invalid/orienter" in text
        assert "Lieu : 10 rue de la Permanence, 29200 Brest" in text
        assert "Adresse : 1 rue Fictive, 29000 Quimper" in text
        assert "Jeanne" not in text  # contact_nom_prenom names a person
        # The presentation is read from Markdown: a heading, a list, no syntax left.
        assert "Pour qui ?" in text and "accès aux droits" in text
        assert "## " not in text and "**" not in text
        presentation = main_screen(pilot).query_one("#detail-presentation")
        assert presentation.display
