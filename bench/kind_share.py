"""`python -m bench.kind_share FILE…`: the share of « Autre » among the kinds each file gets.

Each file is imported alone into a fresh temporary store (format detected as `aiguillage
import` does), then the kinds of its structures are counted. Prints one line per file and the
total; `--json` for the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from importers.runner import import_file
from store.db import Store
from store.queries import kind_counts


def kinds_of(path: Path) -> tuple[str, Counter[str]]:
    """(format name, structures per kind) for one file imported alone."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store.db") as store:
        report = import_file(store, path, backup=False)
        return str(report.format), Counter(kind_counts(store.conn))


def _line(name: str, fmt: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    autre = counts.get("autre", 0)
    share = 100 * autre / total if total else 0.0
    top = ", ".join(f"{k} {n}" for k, n in counts.most_common(4))
    return f"{name}: {fmt}, {total} structures, Autre {autre} ({share:.1f} %) — {top}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kind_share")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    total: Counter[str] = Counter()
    figures = {}
    for path in args.files:
        fmt, counts = kinds_of(path)
        total += counts
        figures[path.name] = {"format": fmt, "kinds": dict(counts)}
        if not args.json:
            print(_line(path.name, fmt, counts))
    if args.json:
        json.dump(figures, sys.stdout, ensure_ascii=False, indent=1)
    else:
        print(_line("ensemble", "-", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
