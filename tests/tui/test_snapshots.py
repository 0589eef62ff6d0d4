"""Reviewed SVG snapshots (fixture store, frozen clock, no demo load)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tui.app import AiguillageApp

from .conftest import NOW, build_store
from .conftest import settle as _settle


async def settle(pilot: Pilot) -> None:
    """Workers done, and the text cursors steady: a blinking cursor caught on or off made
    the same screen differ from one run to the next on a loaded machine."""
    await _settle(pilot)
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def snapshot_app(tmp_path: Path) -> AiguillageApp:
    return AiguillageApp(build_store(tmp_path / "snap.db"), load_demo=False, now=lambda: NOW)


async def _ready(pilot: Pilot) -> None:
    await settle(pilot)


async def _centre_detail(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press(*"arc en ciel")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _note_editor(pilot: Pilot) -> None:
    await _centre_detail(pilot)
    await pilot.press("n", *"Permanence écrivain public le jeudi matin.")
    await pilot.pause()


async def _help(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await pilot.pause()


def test_main_screen_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_ready)


def test_main_screen_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(120, 40), run_before=_ready)


def test_detail_with_hours_and_notes(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(120, 40), run_before=_centre_detail)


def test_note_editor(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(100, 30), run_before=_note_editor)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_help)


# -- issue 14: the orientation view and the detail at both sizes ------------------------------


async def _orientation(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+o", *"epicerie solidaire", "tab", *"Melun", "enter")
    await settle(pilot)


async def _orientation_urgent(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+o", *"dort dehors avec ses enfants", "tab", *"Toulouse")
    await settle(pilot)


async def _detail_with_mobilisation(pilot: Pilot) -> None:
    await _centre_detail(pilot)
    pane = pilot.app.screen.query_one("#detail")
    pane.scroll_to(y=17, animate=False)  # the services: « Comment orienter »
    await settle(pilot)


def test_orientation_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_orientation)


def test_orientation_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(120, 40), run_before=_orientation)


def test_orientation_urgent_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(
        snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_orientation_urgent
    )


def test_orientation_urgent_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(
        snapshot_app(tmp_path), terminal_size=(120, 40), run_before=_orientation_urgent
    )


def test_detail_with_mobilisation_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(
        snapshot_app(tmp_path), terminal_size=(80, 24), run_before=_detail_with_mobilisation
    )


def test_detail_with_mobilisation_120x40(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(
        snapshot_app(tmp_path), terminal_size=(120, 40), run_before=_detail_with_mobilisation
    )
