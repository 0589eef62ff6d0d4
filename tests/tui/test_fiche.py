"""The fiche for the person: formats, languages, files and purge (no Textual involved)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from store.db import Store
from store.fiche import (
    Fiche,
    FicheLine,
    FicheRequest,
    FicheStructure,
    Place,
    Week,
    build_fiche,
)
from store.vocab.fiche_words import words
from tests.fiche_helpers import NOW, SHELTER, VIOLENCE, fiche_store, structure_id
from tui.fiche import (
    produce_fiche,
    purge_fiches,
    render_html,
    render_md,
    render_txt,
    short_text,
    write_fiche,
)

SNAPSHOTS = Path(__file__).resolve().parent / "fiche_snapshots"
LINE = FicheLine("3919", "Violences Femmes Info (fictif pour les tests)", "24 h/24, 7 j/7")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return fiche_store(tmp_path / "fiche.db")


def three(db: Path, lines: tuple[FicheLine, ...] = (LINE,)) -> Fiche:
    with Store(db) as store:
        ids = tuple(structure_id(store, s) for s in ("phare", "cidff", "cs"))
        request = FicheRequest(
            ids, kinds=("cidff", "hebergement"), thematiques=(VIOLENCE, SHELTER), lines=lines
        )
        return build_fiche(store.conn, request, NOW)


def hostile() -> Fiche:
    name = "<script>alert(1)</script> [bold]X[/] *gras* \x1b[31mrouge\x1b[0m\u202e"
    structure = FicheStructure(
        id="x",
        nom=name.replace("\x1b[31m", "").replace("\x1b[0m", "").replace("\u202e", ""),
        kind=None,
        place=Place("1 rue <b>", None),
        phone="01 <b>02</b>",
        week=Week(),
        access=(),
        services=(),
    )
    return Fiche(needs=(), structures=(structure,), issued=NOW)


def test_text_fiche_says_where_when_and_how(db: Path) -> None:
    text = render_txt(three(db), words())
    assert text.startswith("Où vous adresser — CIDFF · Hébergement d'urgence ou temporaire\n")
    assert "Fiche remise le 11/11/2026" in text
    assert "3919 — Violences Femmes Info" in text
    assert text.index("3919") < text.index("Accueil de nuit")
    assert "Adresse : 31000 Toulouse — adresse précise non publiée" in text
    assert "BP 24" not in text and "Cedex" not in text and "CS 1234" not in text
    assert "Téléphone : pas de téléphone connu : s'y présenter" in text
    assert "mercredi 11/11 (aujourd'hui) : jour férié : fermé" in text
    assert "lundi 09/11 : 18:00–22:00" in text
    assert "Accueil : sans rendez-vous" in text
    assert "Accueil : sur orientation d'un professionnel" in text
    assert "Papiers à apporter : Pièce d'identité si vous en avez une" in text
    assert "Frais : gratuit" in text
    assert "Horaires (tels que publiés) : lundi matin, sur rendez-vous" in text


def test_markdown_and_html_carry_the_same_facts(db: Path) -> None:
    fiche = three(db)
    for text in (render_md(fiche, words()), render_html(fiche, words())):
        for fact in ("3919", "05 00 00 00 19", "2 place de la Mairie", "jour férié", "18:00–22:00"):
            assert fact in text
    html = render_html(fiche, words())
    assert '<html lang="fr" dir="ltr">' in html and "@page { size: A4" in html
    assert html.count('class="today"') == 2 * 2  # head and cell of the two week tables


def test_short_text_gives_name_address_phone_and_today(db: Path) -> None:
    text = short_text(three(db), words())
    assert text.splitlines()[0].startswith("3919")
    assert (
        "CIDFF Exemple (fictif) — 7 allée des Essais, 31100 Toulouse — "
        "Téléphone : 05 00 00 00 19 — aujourd'hui : jour férié : fermé"
    ) in text


def test_html_escapes_data_and_keeps_it_inert(tmp_path: Path) -> None:
    text = write_fiche(hostile(), tmp_path, fmt="html").read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "01 &lt;b&gt;02&lt;/b&gt;" in text and "[bold]X[/]" in text
    assert "Horaires non publiés" in text


def test_markdown_escapes_punctuation(tmp_path: Path) -> None:
    text = write_fiche(hostile(), tmp_path, fmt="md").read_text(encoding="utf-8")
    assert "\\*gras\\*" in text and "\\[bold\\]X\\[/\\]" in text


def test_directory_is_private_and_files_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "fiches"
    first = write_fiche(hostile(), target, fmt="txt")
    second = write_fiche(hostile(), target, fmt="txt")
    assert first != second
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_bad_format_and_language_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format de fiche inconnu"):
        write_fiche(hostile(), tmp_path, fmt="pdf")
    with pytest.raises(ValueError, match="langue de fiche inconnue"):
        write_fiche(hostile(), tmp_path, lang="xx")


def test_produce_fiche_uses_the_callers_clock(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        request = FicheRequest((structure_id(store, "cs"),))
        result = produce_fiche(store.conn, request, tmp_path / "f", now=NOW, fmt="txt", lang="es")
    assert result.path.name == "fiche-20261111-103000.txt"
    assert "Entregada el 11/11/2026" in result.path.read_text(encoding="utf-8")
    assert result.short.startswith("Centre social Arc-en-ciel (fictif)")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_fiche_in_the_persons_language_matches_its_reviewed_snapshot(db: Path, lang: str) -> None:
    """The English and Arabic fiches of the same orientation; data stays as published.
    To review a change: AIGUILLAGE_UPDATE_FICHE_SNAPSHOTS=1, then read the files."""
    html = render_html(three(db), words(lang))
    snapshot = SNAPSHOTS / f"fiche-{lang}.html"
    if os.environ.get("AIGUILLAGE_UPDATE_FICHE_SNAPSHOTS"):
        snapshot.write_text(html, encoding="utf-8")
    assert html == snapshot.read_text(encoding="utf-8")


def test_arabic_fiche_reads_right_to_left_with_data_isolated(db: Path) -> None:
    html = render_html(three(db), words("ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert "<bdi>05 00 00 00 19</bdi>" in html
    assert "أين تتوجّهون" in html and "Accueil de nuit Le Phare (fictif)" in html
    assert "Où vous adresser" not in html


def test_purge_deletes_only_old_fiches(tmp_path: Path) -> None:
    folder = tmp_path / "fiches"
    old = write_fiche(hostile(), folder, fmt="txt")
    recent = write_fiche(hostile(), folder, fmt="html")
    other = folder / "notes-perso.txt"
    other.write_text("pas une fiche")
    month_ago = (NOW - dt.timedelta(days=31)).timestamp()
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    os.utime(recent, (NOW.timestamp(), NOW.timestamp()))
    assert purge_fiches(folder, older_than_days=30, now=NOW) == [old]
    assert not old.exists() and recent.exists() and other.exists()
    assert purge_fiches(tmp_path / "absent", older_than_days=1, now=NOW) == []


def test_cli_writes_the_fiche_in_a_language_without_the_typed_words(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    with Store(db) as store:
        cidff = structure_id(store, "cidff")
    need = "mon mari me frape, j'ai peur de rentrer"
    code = main(["--db", str(db), "fiche", "ecrire", cidff, "--besoin", need, "--langue", "en"])
    out = capsys.readouterr().out
    assert code == 0 and "Phone : 05 00 00 00 19" in out
    (page,) = (db.parent / "fiches").iterdir()
    text = page.read_text(encoding="utf-8")
    assert "<h1>Where to go — <bdi>CIDFF</bdi></h1>" in text
    assert not any(word in text.lower() for word in ("mari", "frape", "peur", "rentrer"))
    assert main(["--db", str(db), "fiches", "purge", "--older-than", "1"]) == 0
    assert "0 fiche(s)" in capsys.readouterr().out and page.exists()
    with pytest.raises(SystemExit):
        main(["--db", str(db), "fiche", "ecrire", cidff, "--langue", "de"])
    assert "choix invalide : 'de'" in capsys.readouterr().err
