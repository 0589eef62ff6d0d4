"""Started as a process by the benchmark: open a TUI headless, print READY once the first
screen accepts typing (an Input has focus), then quit.

`python -m bench.startup_child app DB` opens Aiguillage on DB; `... baseline` opens a
minimal Textual app with one Input, measured the same way; `... first-run DB` opens Aiguillage
on a store that does not exist yet, with its default directory, and prints READY once the
results list shows structures (a searchable list).
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


def _aiguillage_app(db: str, load_demo: bool = False) -> object:
    from tui.app import AiguillageApp

    params = inspect.signature(AiguillageApp).parameters
    kwargs: dict[str, object] = {}
    if "load_demo" in params:
        kwargs["load_demo"] = load_demo
    if "db_path" in params:
        return AiguillageApp(db_path=db, **kwargs)
    return AiguillageApp(db, **kwargs)


def _searchable(app: object) -> bool:
    from textual.widgets import OptionList

    try:
        results = app.get_screen("main").query_one("#results", OptionList)  # type: ignore[attr-defined]
    except Exception:
        return False
    return results.option_count > 0


async def _run(app: object, until_results: bool = False) -> None:
    from textual.widgets import Input

    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        # Polled often enough for a start-up, sparingly for a first run: each poll takes the
        # interpreter lock from the thread that is loading the store.
        step = 0.02 if until_results else 0.005
        for _ in range(int(30 / step)):
            if isinstance(app.focused, Input) and (  # type: ignore[attr-defined]
                not until_results or _searchable(app)
            ):
                break
            await pilot.pause(step)
        else:
            raise SystemExit("NOFOCUS")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime  # this process, every thread, up to READY
        print(f"READY {rss:.1f} {cpu:.3f}", flush=True)
        app.exit()  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    if argv[0] == "baseline":
        asyncio.run(_run(_baseline_app()))
    elif argv[0] == "first-run":
        asyncio.run(_run(_aiguillage_app(argv[1], load_demo=True), until_results=True))
    else:
        asyncio.run(_run(_aiguillage_app(argv[1])))


if __name__ == "__main__":
    main(sys.argv[1:])
