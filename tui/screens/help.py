"""The `?` help screen: every key, in French, and what the app stores."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("/", "revenir à la recherche"),
    ("↑ ↓", "choisir une structure dans la liste"),
    ("entrée", "lire le détail (flèches pour le faire défiler)"),
    ("n", "écrire une note sur la structure"),
    ("m", "mes notes : toutes les notes, les modifier ou les masquer"),
    ("o, ctrl+o", "orienter : partir du besoin de la personne"),
    ("p", "fiche pour la personne (fichier + presse-papiers)"),
    ("f", "ajouter ou retirer des favoris"),
    ("r", "réglages : initiales, thème, format des fiches"),
    ("tab", "passer aux filtres (lieu, type, thématique, ouvert, favoris)"),
    ("ctrl+p", "palette : structures, communes, types"),
    ("? ou F1", "cette aide"),
    ("échap", "passer de la recherche à la liste et retour ; fermer une fenêtre"),
    ("ctrl+q", "quitter"),
)


def help_text() -> Text:
    text = Text()
    text.append("Aide — Aiguillage\n\n", style="bold underline")
    for key, what in KEYS:
        text.append(f"{key:>9}  ", style="bold")
        text.append(f"{what}\n")
    text.append("\nLa souris marche aussi : cliquez une structure, une case, un filtre.\n")
    text.append(
        "\nTout reste sur cet ordinateur. Aiguillage ne demande jamais l'identité d'une "
        "personne : vos notes parlent des structures, pas des gens.\n",
        style="italic",
    )
    text.append("\nÉchap, q ou ? pour fermer.", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Fermer"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(help_text(), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
