"""Widgets of the Aiguillage TUI."""
