"""A checkbox whose state is a sign (✓ or blank), not only a colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class StateCheckbox(Checkbox):
    # Textual declares BUTTON_INNER a plain class attribute; a read-only property is the
    # one way to make it follow the state, hence the override mypy cannot accept.
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "✓" if self.value else " "
