"""Markdown descriptions (as data·inclusion sources write them) read as plain text."""

from __future__ import annotations

from store.markdown import looks_like_markdown, to_plain


def test_headings_lists_bold_and_links_become_readable_text() -> None:
    text = to_plain(
        "## Pour qui ?\n\nLes **jeunes** de 16 à 25 ans.\n\n"
        "- sans rendez-vous\n- gratuit\n  - même le samedi\n\n"
        "1. appeler\n2. venir\n\n"
        "Plus d'infos : [le site](https://exemple.invalid/jeunes) ou "
        "[contact@exemple.invalid](mailto:contact@exemple.invalid)."
    )
    assert text.splitlines() == [
        "Pour qui ?",
        "",
        "Les jeunes de 16 à 25 ans.",
        "",
        "• sans rendez-vous",
        "• gratuit",
        "  • même le samedi",
        "",
        "1. appeler",
        "2. venir",
        "",
        "Plus d'infos : le site (https://exemple.invalid/jeunes) ou contact@exemple.invalid.",
    ]


def test_plain_text_stays_as_it_was() -> None:
    assert not looks_like_markdown("Accueil le mardi, 9h-12h.\nSans rendez-vous.")
    assert to_plain("Accueil le mardi, 9h-12h.\nSans rendez-vous.") == (
        "Accueil le mardi, 9h-12h.\nSans rendez-vous."
    )
    assert to_plain(None) == "" and to_plain("") == ""
