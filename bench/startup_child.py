"""Started as a process by the benchmark: open a TUI headless, print READY once the first
screen accepts typing (an Input has focus), then quit.

`python -m bench.startup_child app DB` opens Aiguillage on DB; `... baseline` opens a
minimal Textual app with one Input, measured the same way.
"""

from __future__ import annotations

import asyncio
import inspect
import resource
import sys


def _baseline_app() -> object:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(placeholder="Rechercher")

    return Baseline()


def _aiguillage_app(db: str) -> object:
    from tui.app import AiguillageApp

    params = inspect.signature(AiguillageApp).parameters
    kwargs: dict[str, object] = {}
    if "load_demo" in params:
        kwargs["load_demo"] = False
    if "db_path" in params:
        return AiguillageApp(db_path=db, **kwargs)
    return AiguillageApp(db, **kwargs)


async def _run(app: object) -> None:
    from textual.widgets import Input

    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        for _ in range(2000):
            if isinstance(app.focused, Input):  # type: ignore[attr-defined]
                break
            await pilot.pause(0.005)
        else:
            raise SystemExit("NOFOCUS")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"READY {rss:.1f}", flush=True)
        app.exit()  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    app = _baseline_app() if argv[0] == "baseline" else _aiguillage_app(argv[1])
    asyncio.run(_run(app))


if __name__ == "__main__":
    main(sys.argv[1:])
