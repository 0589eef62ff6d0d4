"""A need understood from the person's words, shown as a chip the worker can switch off."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Static


class NeedChip(Static, can_focus=True):
    """« ✓ Épicerie solidaire » kept, « ✗ … » switched off.

    Switched with `suppr` or `x` (bound by the orientation view) or a click — never with
    `entrée`, which a worker presses to go on, not to remove what the person said.
    """

    DEFAULT_CSS = """
    NeedChip { width: auto; height: 1; padding: 0 1; margin: 0 1 0 0; background: $primary 40%; }
    NeedChip.-off { background: $panel; color: $text-muted; text-style: strike; }
    NeedChip:focus { background: $accent; color: $text; text-style: bold; }
    """

    class Toggled(Message):
        def __init__(self, chip: NeedChip) -> None:
            super().__init__()
            self.chip = chip

    def __init__(self, tag: str, label: str, *, off: bool, id: str | None = None) -> None:
        super().__init__(label, id=id, markup=False)
        self.tag = tag
        self.set_class(off, "-off")
        self.tooltip = "suppr : retirer ou remettre ce besoin"

    def set_state(self, label: str, *, off: bool) -> None:
        self.update(label)
        self.set_class(off, "-off")

    def on_click(self) -> None:
        self.post_message(self.Toggled(self))
