"""Placeholder: `aiguillage update` is being written (issue 6)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
