"""The one key map: every binding of the app, where it acts, and how it is explained.

The screens build their `BINDINGS` from here, the help screen and the README table are written
from here (a test compares them), so the footer, the help and the README say the same thing.
Each binding has an id, so that a keymap setting can rebind it (`App.set_keymap`).

Rules the map keeps:
- the orientation view is one key away from every screen and field (`ctrl+o`, priority);
  `o` is an extra where a letter cannot be typing;
- a letter key (`typing=True`) is disabled, and hidden from the footer, while a text field
  has the focus: it types the letter there;
- `échap` goes back one level and never erases what was typed;
- nothing destructive is on `entrée`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    id: str  # the binding id: stable, for a keymap setting
    keys: str  # Textual key names, comma-separated
    action: str
    label: str  # in the footer
    help: str  # in the help screen and the README (French)
    display: str  # the key as people write it
    show: bool = True  # in the footer
    priority: bool = False  # acts even when a field has the focus
    typing: bool = False  # a printable key: off while a text field has the focus

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.show,
            key_display=self.display if self.show else None,
            priority=self.priority,
            id=self.id,
        )


@dataclass(frozen=True)
class Context:
    name: str  # French: where these keys act
    keys: tuple[Key, ...]

    def bindings(self) -> list[BindingType]:
        """The keys that are bindings (some are only explained: `entrée`, `tab`, handled by
        the widgets themselves, and `ctrl+p`, bound by Textual for its palette)."""
        return [k.binding() for k in self.keys if k.action]

    @property
    def typing_actions(self) -> frozenset[str]:
        return frozenset(k.action for k in self.keys if k.typing)


EVERYWHERE = Context(
    "Partout",
    (
        Key("orientation", "ctrl+o", "orientation", "Orienter", "orienter : partir du besoin de "
            "la personne (depuis tout écran, même en pleine saisie)", "ctrl+o", priority=True),
        Key("help", "f1", "help", "Aide", "cette aide", "F1", priority=True),
        Key("quit", "ctrl+q", "quit", "Quitter", "quitter", "ctrl+q", priority=True),
        Key("palette", "ctrl+p", "", "Palette", "palette : structures, communes, "
            "types", "ctrl+p", show=False, priority=True),
    ),
)  # fmt: skip

MAIN = Context(
    "Recherche",
    (
        Key("search", "slash", "focus_search", "Chercher", "revenir à la recherche", "/",
            typing=True),
        Key("list-down", "down", "cursor_down", "", "choisir une structure dans la liste "
            "(aussi depuis la recherche)", "↑ ↓", show=False),
        Key("list-up", "up", "cursor_up", "", "", "↑", show=False),
        Key("detail", "enter", "", "", "lire le détail de la structure choisie", "entrée",
            show=False),
        Key("main-back", "escape", "back", "Retour", "d'un champ à la liste ; de la liste à la "
            "recherche ; du détail à la liste (rien n'est effacé)", "échap"),
        Key("note", "n", "new_note", "Note", "écrire une note sur la structure choisie", "n",
            typing=True),
        Key("fiche", "p", "fiche", "Fiche", "fiche pour la personne (fichier + presse-papiers)",
            "p", typing=True),
        Key("favorite", "f", "favorite", "Favori", "ajouter ou retirer des favoris", "f",
            typing=True),
        Key("orientation-letter", "o", "orientation", "Orienter", "orienter (hors d'un champ "
            "de saisie)", "o", show=False, typing=True),
        Key("notes", "m", "notes", "Mes notes", "mes notes : toutes les notes, les modifier ou "
            "les masquer", "m", typing=True),
        Key("settings", "r", "settings", "Réglages", "réglages : initiales, thème, format des "
            "fiches", "r", typing=True),
        Key("help-letter", "question_mark", "help", "Aide", "cette aide (hors d'un champ de "
            "saisie)", "?", show=False, typing=True),
        Key("filters", "tab", "", "", "passer aux filtres (lieu, type, thématique, ouvert, "
            "favoris)", "tab", show=False),
    ),
)  # fmt: skip

ORIENTATION = Context(
    "Orientation",
    (
        Key("orientation-back", "escape", "back", "Retour", "de la liste au besoin ; du besoin "
            "à la recherche (le besoin et le lieu sont gardés)", "échap"),
        Key("orientation-next", "tab", "", "", "besoin → lieu → type → besoins compris → liste",
            "tab", show=False),
        Key("orientation-open", "enter", "", "", "dans un champ : aller à la liste ; dans la "
            "liste : lire le détail", "entrée", show=False),
        Key("choose", "space", "choose", "Choisir", "choisir la structure pour la fiche (trois "
            "au plus)", "espace", typing=True),
        Key("orientation-fiche", "p", "fiche", "Fiche", "fiche des structures choisies (ou de "
            "celle sous le curseur)", "p", typing=True),
        Key("orientation-note", "n", "new_note", "Note", "écrire une note sur la structure "
            "sous le curseur", "n", typing=True),
        Key("reasons", "d", "toggle_reasons", "Détails", "afficher ou cacher les raisons sous "
            "chaque structure", "d", typing=True),
        Key("chip-remove", "delete,x", "toggle_chip", "Retirer", "sur un besoin compris : le "
            "retirer ou le remettre (jamais avec entrée)", "suppr", typing=True),
        Key("need", "ctrl+l", "focus_need", "Besoin", "revenir au besoin", "ctrl+l", show=False),
    ),
)  # fmt: skip

DETAIL = Context(
    "Détail d'une structure (depuis l'orientation)",
    (
        Key("detail-back", "escape,q", "close", "Fermer", "fermer le détail", "échap"),
        Key("detail-note", "n", "new_note", "Note", "écrire une note sur cette structure", "n"),
        Key("detail-fiche", "p", "fiche", "Fiche", "fiche pour la personne avec cette structure",
            "p"),
    ),
)  # fmt: skip

NOTES = Context(
    "Mes notes",
    (
        Key("notes-back", "escape", "close", "Retour", "revenir à l'écran précédent", "échap"),
        Key("notes-open", "enter", "open", "Voir la structure", "voir la structure de la note",
            "entrée"),
        Key("notes-edit", "e", "edit", "Modifier", "modifier la note (une nouvelle version)",
            "e"),
        Key("notes-hide", "h,delete", "hide", "Masquer", "masquer la note (correction)", "h"),
        # Never on entrée: erasing is for the right to erasure, hiding for corrections.
        Key("erase-note", "x", "erase", "Effacer pour de bon", "effacer la note pour de bon "
            "(droit à l'effacement, après confirmation)", "x"),
    ),
)  # fmt: skip

EDITOR = Context(
    "Écrire une note",
    (
        Key("save", "ctrl+s", "save", "Enregistrer", "enregistrer la note", "ctrl+s",
            priority=True),
        Key("cancel", "escape", "cancel", "Annuler", "fermer (si du texte a été écrit, "
            "l'application demande avant de l'abandonner)", "échap"),
        Key("toggle-shared", "ctrl+t", "toggle_shared", "Partager / privée", "note partagée "
            "avec l'équipe ou privée", "ctrl+t", priority=True),
    ),
)  # fmt: skip

SETTINGS = Context(
    "Réglages",
    (
        Key("settings-save", "ctrl+s", "save", "Enregistrer", "enregistrer les réglages",
            "ctrl+s", priority=True),
        Key("settings-cancel", "escape", "cancel", "Annuler", "fermer sans enregistrer",
            "échap"),
    ),
)  # fmt: skip

CONTEXTS = (EVERYWHERE, MAIN, ORIENTATION, DETAIL, NOTES, EDITOR, SETTINGS)


def rows() -> list[tuple[str, str, str]]:
    """(context, key, what it does) for every explained key, in map order."""
    return [(c.name, k.display, k.help) for c in CONTEXTS for k in c.keys if k.help]


def markdown_table() -> str:
    lines = ["| où | touche | action |", "|---|---|---|"]
    lines += [f"| {where} | `{key}` | {what} |" for where, key, what in rows()]
    return "\n".join(lines)


README_BEGIN = "<!-- keymap:begin -->"
README_END = "<!-- keymap:end -->"
