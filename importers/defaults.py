"""The embedded default directory: the DILA mairies and the ANCT France services.

A new store gets both at once from the prebuilt snapshot (`store/defaults.py`), then, only if
the code changed since the snapshot was built, from the files themselves through the ordinary
importers. A store that already has the mairies but not the France services (made by an
earlier version) gets the France services imported the ordinary way. A store holding only
the worker's own data is left as it is.

`python -m importers.defaults --build` rebuilds the snapshot from the shipped files (run it
when the importers, the kinds or the tags change; the first run stays correct without it,
only slower).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store import defaults as snapshots
from store.db import Store
from store.queries import rename_source_path, source_names
from store.schema import SCHEMA_VERSION

from . import france_services, mairies
from .runner import Progress, import_file


@dataclass(frozen=True)
class DefaultFile:
    source: str  # the dataset name its importer writes in `sources.name`
    label: str  # French, plural: what the worker is told was loaded
    path: Callable[[], Path]
    format_name: str


DEFAULT_FILES = (
    DefaultFile(mairies.SOURCE, "mairies", lambda: mairies.default_path(), "mairies"),
    DefaultFile(
        france_services.SOURCE,
        "France services",
        lambda: france_services.default_path(),
        "france_services",
    ),
)


@dataclass
class DefaultsReport:
    added: dict[str, int] = field(default_factory=dict)  # label -> structures added
    from_snapshot: bool = False
    stale: list[DefaultFile] = field(default_factory=list)  # to import again afterwards

    def summary(self) -> str:
        parts = [f"{count} {label}" for label, count in self.added.items()]
        return " et ".join(parts) if parts else "rien de nouveau"


def missing_defaults(store: Store) -> list[DefaultFile]:
    """What a store should be given: everything when empty; the France services when it has
    the mairies but not them; nothing when it holds only the worker's own data."""
    if store.is_empty():
        return list(DEFAULT_FILES)
    present = source_names(store.conn)
    if mairies.SOURCE not in present:
        return []
    return [d for d in DEFAULT_FILES if d.source not in present]


def load_snapshot_if_current(store: Store) -> DefaultsReport | None:
    """An empty store filled from the snapshot in one transaction, when the snapshot was built
    from the very files and schema of this version; None otherwise (import the files)."""
    if not store.is_empty():
        return None
    snapshot = snapshots.read_snapshot()
    if snapshot is None or snapshot.schema != SCHEMA_VERSION:
        return None
    for default in DEFAULT_FILES:
        path = default.path()
        if snapshot.files.get(path.name) != _sha256_or_none(path):
            return None
    with store.transaction() as conn:
        snapshots.load_snapshot(conn, snapshot)
    report = DefaultsReport(from_snapshot=True)
    for default in DEFAULT_FILES:
        report.added[default.label] = store.count("structures", f"source = '{default.source}'")
    if snapshot.code != snapshots.code_fingerprint():
        report.stale = list(DEFAULT_FILES)
    return report


def import_defaults(
    store: Store, wanted: list[DefaultFile], progress: Progress | None = None
) -> DefaultsReport:
    """The default files imported the ordinary way (each in its own transaction)."""
    report = DefaultsReport()
    for default in wanted:
        result = import_file(
            store, default.path(), format_name=default.format_name, backup=False, progress=progress
        )
        report.added[default.label] = result.added
    return report


def _sha256_or_none(path: Path) -> str | None:
    try:
        return snapshots.file_sha256(path)
    except OSError:
        return None


def build_snapshot(target: Path | None = None) -> Path:
    """Import the default files into a scratch store and write the snapshot of its rows."""
    target = target or snapshots.snapshot_path()
    with (
        tempfile.TemporaryDirectory() as scratch,
        Store(Path(scratch) / "defaults.db") as store,
    ):
        import_defaults(store, list(DEFAULT_FILES))
        for default in DEFAULT_FILES:
            # The log names the shipped file, not the scratch machine's path.
            rename_source_path(store.conn, str(default.path()), default.path().name)
        files = {d.path().name: snapshots.file_sha256(d.path()) for d in DEFAULT_FILES}
        target.write_bytes(snapshots.dump_snapshot(store.conn, files))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m importers.defaults", description=__doc__)
    parser.add_argument("--build", action="store_true", help="rebuild store/data/defaults.json.gz")
    args = parser.parse_args(argv)
    if not args.build:
        parser.print_help()
        return 2
    path = build_snapshot()
    print(f"{path} : {path.stat().st_size // 1024} Kio", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
