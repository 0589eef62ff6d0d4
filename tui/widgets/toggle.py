"""A checkbox whose state is a sign (✓ or blank), not only a colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class StateCheckbox(Checkbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # Textual reads this name
        return "✓" if self.value else " "
