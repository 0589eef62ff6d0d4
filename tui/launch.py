"""Opening the TUI from the command line (kept apart so the CLI loads Textual only here)."""

from __future__ import annotations

import argparse

from store.paths import resolve_db_path

from .cli.output import warn


def launch(args: argparse.Namespace) -> int:
    from .app import AiguillageApp

    app = AiguillageApp(db_path=resolve_db_path(args.db), load_demo=not args.no_demo)
    app.run()
    if app.exit_error:
        warn(f"aiguillage : {app.exit_error}")
    return app.return_code or 0
