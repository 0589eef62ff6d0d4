"""The cost of one acknowledged note: `python -m bench.note_write [--notes 200] [--dir DIR]`.

Writes notes one by one (each its own transaction, as `note add` and the TUI do) on a store
with `synchronous = NORMAL` (before issue 15: no fsync at commit in WAL mode) and `FULL` (now:
the WAL is synced before the note is acknowledged), and prints the medians. Fictional data.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from store.db import Store
from store.models import StructureRecord
from store.notes import add_note
from store.writer import ImportReport, record_id, write_records


def measure(folder: Path, synchronous: str, count: int) -> list[float]:
    path = folder / f"notes-{synchronous.lower()}.db"
    with Store(path) as store:
        record = StructureRecord(nom="Structure fictive", source="bench", source_id="1")
        with store.transaction() as conn:
            write_records(conn, [record], ImportReport())
        store.conn.execute(f"PRAGMA synchronous = {synchronous}")
        sid = record_id(record)
        times = []
        for i in range(count):
            start = time.perf_counter()
            add_note(store.conn, sid, f"note fictive {i} " + "x" * 200)
            times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--dir", help="folder for the stores (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for mode in ("NORMAL", "FULL", "NORMAL", "FULL"):
            times = measure(Path(tmp), mode, args.notes)
            q = statistics.quantiles(times, n=10)
            print(
                f"synchronous={mode:<6} {args.notes} notes: médiane "
                f"{statistics.median(times):.2f} ms, p90 {q[-1]:.2f} ms"
            )
            for suffix in ("", "-wal", "-shm"):
                (Path(tmp) / f"notes-{mode.lower()}.db{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
