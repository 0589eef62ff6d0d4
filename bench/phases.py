"""The benchmark's phases. Each runs in its own process (`python -m bench.phases NAME ARGS`)
so that its peak memory is its own; the last line printed is a JSON object."""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .queries import NEEDS, QUERIES, keystrokes, sample_points
from .records import load_rows, to_records


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _remove_db(db: Path) -> None:
    """The store file and everything the app writes beside it."""
    for side in db.parent.glob(db.name + "*"):
        side.unlink()
    db.with_name(db.stem + "-rejets.csv").unlink(missing_ok=True)


# -- import ---------------------------------------------------------------------------------


def _importer_usable(structures: Path) -> bool:
    """True when the data·inclusion importer recognises the generated files."""
    from importers.base import ImportFailure
    from importers.registry import detect

    try:
        return detect(structures).name == "data_inclusion"
    except ImportFailure:
        return False


def _import_once(db: Path, structures: Path, services: Path, mode: str) -> tuple[float, dict]:
    """One import of both files, as a user would run it: structures, then services."""
    from store.db import Store

    start = time.perf_counter()
    with Store(db) as store:
        if mode == "importer":
            from importers.runner import import_file

            reports = [
                import_file(store, path, format_name="data_inclusion")
                for path in (structures, services)
            ]
        else:
            from store.writer import ImportReport, write_records

            records = to_records(load_rows(structures), load_rows(services))
            reports = [ImportReport(path=str(structures), format="bench")]
            with store.transaction() as conn:
                write_records(conn, records, reports[0])
        elapsed = time.perf_counter() - start
        counts = {
            "added": sum(r.added for r in reports),
            "updated": sum(r.updated for r in reports),
            "unchanged": sum(r.unchanged for r in reports),
            "rejected": sum(r.rejected for r in reports),
            "services": sum(r.services for r in reports),
            "structures_in_store": store.count("structures"),
            "services_in_store": store.count("services"),
        }
    return elapsed, counts


def phase_import(db: str, structures: str, services: str) -> dict:
    db_path, s_path, v_path = Path(db), Path(structures), Path(services)
    _remove_db(db_path)
    mode = "importer" if _importer_usable(s_path) else "write_records"
    # The store's creation (schema, communes table) is not part of the import.
    from store.db import Store

    Store(db_path).close()
    import_s, counts = _import_once(db_path, s_path, v_path, mode)
    reimport_s, recounts = _import_once(db_path, s_path, v_path, mode)
    with_wal = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*") if p.is_file())
    from store.db import Store as _Store

    with _Store(db_path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "import_mode": mode,
        "import_s": round(import_s, 2),
        "reimport_s": round(reimport_s, 2),
        "import_counts": counts,
        "reimport_counts": recounts,
        "store_mb": round(db_path.stat().st_size / 1e6, 1),
        "store_with_wal_mb": round(with_wal / 1e6, 1),
        "import_rss_mb": peak_rss_mb(),
    }


def phase_import_rows(db: str, structures: str) -> dict:
    """One import of a structures file alone into a new store: the peak memory of the process
    (and before the import), to show it does not grow with the number of rows."""
    from importers.runner import import_file
    from store.db import Store

    db_path = Path(db)
    _remove_db(db_path)
    Store(db_path).close()
    with Store(db_path) as store:
        before = peak_rss_mb()
        start = time.perf_counter()
        report = import_file(store, structures, format_name="data_inclusion")
        elapsed = time.perf_counter() - start
    peak = peak_rss_mb()
    _remove_db(db_path)
    return {"rows": report.added + report.updated + report.unchanged, "import_s": round(elapsed, 1),
            "rss_before_mb": before, "rss_peak_mb": peak}  # fmt: skip


def phase_baseline(db: str, structures: str, services: str) -> dict:
    """The floor: read the files, insert_all into empty tables, no validation."""
    import sqlite_utils

    db_path = Path(db)
    _remove_db(db_path)
    start = time.perf_counter()
    database = sqlite_utils.Database(db_path)
    with database.conn:
        database["structures"].insert_all(load_rows(Path(structures)), batch_size=1000)
        database["services"].insert_all(load_rows(Path(services)), batch_size=1000)
    elapsed = time.perf_counter() - start
    database.close()
    _remove_db(db_path)
    return {"import_baseline_s": round(elapsed, 2), "baseline_rss_mb": peak_rss_mb()}


# -- search ---------------------------------------------------------------------------------


def _filter_round(db: str) -> tuple[list[float], dict[str, float], dict[str, str | None], float]:
    """The 30 queries typed keystroke by keystroke on a fresh connection (as a new app)."""
    from store.db import Store
    from store.search import search

    with Store(db) as store:
        conn = store.conn
        start = time.perf_counter()
        search(conn, "a", limit=50)  # first query: loads the vocabulary once per connection
        first_ms = (time.perf_counter() - start) * 1000
        latencies: list[float] = []
        worst: dict[str, float] = {}
        tops: dict[str, str | None] = {}
        for query in QUERIES:
            hits = []
            for typed in keystrokes(query):
                t0 = time.perf_counter()
                hits = search(conn, typed, limit=50)
                ms = (time.perf_counter() - t0) * 1000
                latencies.append(ms)
                worst[query] = round(max(worst.get(query, 0.0), ms), 1)
            tops[query] = hits[0].nom if hits else None
    return latencies, worst, tops, first_ms


def phase_filter(db: str, rounds: str = "3") -> dict:
    """Rounds of the 30 queries; the first round meets a cold connection and page cache."""
    all_latencies: list[float] = []
    per_round: list[dict[str, float]] = []
    worst: dict[str, float] = {}
    tops: dict[str, str | None] = {}
    first_ms: list[float] = []
    for _ in range(int(rounds)):
        latencies, round_worst, tops, first = _filter_round(db)
        all_latencies += latencies
        first_ms.append(round(first, 1))
        per_round.append(
            {
                "p50_ms": round(percentile(latencies, 50), 2),
                "p95_ms": round(percentile(latencies, 95), 2),
                "max_ms": round(max(latencies), 1),
            }
        )
        for query, ms in round_worst.items():
            worst[query] = max(worst.get(query, 0.0), ms)
    return {
        "filter_p50_ms": round(percentile(all_latencies, 50), 2),
        "filter_p95_ms": round(percentile(all_latencies, 95), 2),
        "filter_max_ms": round(max(all_latencies), 1),
        "filter_keystrokes": len(all_latencies),
        "filter_rounds": per_round,
        "first_search_ms": first_ms[0],
        "filter_worst_per_query_ms": worst,
        "filter_top": tops,
        "filter_rss_mb": peak_rss_mb(),
    }


def phase_orient(db: str) -> dict:
    try:
        from store import orientation
    except ImportError:
        return {"orient_p95_ms": None, "orient_note": "store/orientation.py absent"}
    from store.communes import resolve_place
    from store.db import Store

    func = getattr(orientation, "orient", None)
    if func is None:
        return {"orient_p95_ms": None, "orient_note": "no orient() in store/orientation.py"}
    latencies: list[float] = []
    with Store(db) as store:
        conn = store.conn
        func(conn, "aide", near=resolve_place(conn, "Paris"))  # warm-up
        for need, place in NEEDS:
            commune = resolve_place(conn, place)
            t0 = time.perf_counter()
            func(conn, need, near=commune)
            latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "orient_p50_ms": round(percentile(latencies, 50), 2),
        "orient_p95_ms": round(percentile(latencies, 95), 2),
        "orient_rss_mb": peak_rss_mb(),
    }


# -- start-up -------------------------------------------------------------------------------


def _time_child(args: list[str]) -> tuple[float, float, float] | None:
    """(wall seconds to READY, peak RSS in MB, the child's CPU seconds up to READY)."""
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.startup_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            proc.wait(timeout=120)
            fields = line.split()
            return elapsed, float(fields[1]), float(fields[2])
    proc.wait(timeout=120)
    return None


def phase_startup(db: str, runs: str = "5") -> dict:
    result: dict[str, object] = {}
    for name, args in (("startup_baseline", ["baseline"]), ("startup", ["app", db])):
        times: list[float] = []
        rss = 0.0
        for _ in range(int(runs)):
            measured = _time_child(args)
            if measured is None:
                break
            times.append(measured[0])
            rss = max(rss, measured[1])
        result[f"{name}_s"] = round(statistics.median(times), 3) if times else None
        result[f"{name}_rss_mb"] = rss or None
    if result["startup_s"] is None:
        result["startup_note"] = "tui/app.py absent or did not reach a focused Input"
    return result


def phase_first_run(runs: str = "3") -> dict:
    """A first run, as a whole process: from launch on a store that does not exist yet until
    the list shows the default directory (the store created, the communes and the default
    structures loaded). Median of `runs`, each in a fresh directory."""
    import tempfile

    times: list[float] = []
    cpu: list[float] = []  # the child's own CPU time: what a busy machine does not inflate
    rss = 0.0
    for _ in range(int(runs)):
        with tempfile.TemporaryDirectory() as scratch:
            measured = _time_child(["first-run", str(Path(scratch) / "aiguillage.db")])
        if measured is None:
            break
        times.append(measured[0])
        cpu.append(measured[2])
        rss = max(rss, measured[1])
    return {
        "first_run_s": round(statistics.median(times), 3) if times else None,
        "first_run_cpu_s": round(statistics.median(cpu), 3) if cpu else None,
        "first_run_rss_mb": rss or None,
    }


# -- peers ----------------------------------------------------------------------------------


def phase_peers(db: str) -> dict:
    """Our search and three peers over the same names, at the same few prefixes."""
    from rapidfuzz import fuzz, process
    from textual.fuzzy import Matcher

    from store.db import Store
    from store.search import search
    from store.text import fold

    points = [p for q in QUERIES for p in sample_points(q)]
    with Store(db) as store:
        names = [n for (n,) in store.conn.execute("SELECT nom FROM structures")]
        search(store.conn, "a")
        ours = []
        for typed in points:
            t0 = time.perf_counter()
            search(store.conn, typed, limit=50)
            ours.append((time.perf_counter() - t0) * 1000)
    folded = [fold(n) for n in names]
    scan = []
    for typed in points:
        t0 = time.perf_counter()
        process.extract(typed, folded, scorer=fuzz.WRatio, limit=50)
        scan.append((time.perf_counter() - t0) * 1000)
    matcher = []
    for typed in points:
        t0 = time.perf_counter()
        m = Matcher(typed)
        scored = [(m.match(n), n) for n in names]
        scored.sort(reverse=True)
        matcher.append((time.perf_counter() - t0) * 1000)
    fzf = shutil.which("fzf")
    fzf_times: list[float] = []
    if fzf:
        data = "\n".join(names).encode()
        for typed in points:
            t0 = time.perf_counter()
            subprocess.run([fzf, "--filter", typed], input=data, capture_output=True, check=False)
            fzf_times.append((time.perf_counter() - t0) * 1000)

    def summary(values: list[float]) -> dict[str, float] | None:
        if not values:
            return None
        return {
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }

    return {
        "peers_points": len(points),
        "peers_names": len(names),
        "peers": {
            "aiguillage": summary(ours),
            "fzf_filter": summary(fzf_times),
            "textual_matcher": summary(matcher),
            "rapidfuzz_scan": summary(scan),
        },
    }


# -- update -----------------------------------------------------------------------------------

_UPDATE_CLI = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
_FS_HEADER = '"id_fs","insee_dep","lib_fs","adresse","insee_com","code_postal","lib_com"'


def _france_services_csv(rows: int = 3000) -> str:
    """A fictional France services list of the real file's size (a few in Paris)."""
    lines = [_FS_HEADER]
    for i in range(rows):
        dep, insee, cp = ("75", "75111", "75011") if i % 100 == 0 else ("69", "69381", "69001")
        lines.append(f'"{90000 + i}","{dep}","France services fictive {i}","{i} rue Fictive",'
                     f'"{insee}","{cp}","Commune fictive"')  # fmt: skip
    return "\n".join(lines) + "\n"


def phase_update(db: str, structures: str, services: str, dep: str = "75") -> dict:
    """`aiguillage update --departement 75` in a child process, against a local HTTP server
    serving the national-size files: its peak memory (the files are read as streams)."""
    import functools
    import http.server
    import tempfile
    import threading

    db_path = Path(db)
    _remove_db(db_path)
    from store.db import Store

    Store(db_path).close()
    with tempfile.TemporaryDirectory(prefix="bench-update-") as tmp:
        folder = Path(tmp)
        for name, source in (("structures.json", structures), ("services.json", services)):
            (folder / name).symlink_to(Path(source).resolve())
        (folder / "france-services.csv").write_text(_france_services_csv(), encoding="utf-8")
        handler = type(
            "Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}
        )
        httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
        )
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        command = [sys.executable, "-c", _UPDATE_CLI, "--db", str(db_path), "update"]
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [*command, "--departement", dep, "--url", url],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            httpd.shutdown()
            httpd.server_close()
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"update: {proc.stderr.strip().splitlines()[-1:]}")
    with Store(db_path) as store:
        counts = {"structures": store.count("structures"), "services": store.count("services")}
    national = sum(Path(p).stat().st_size for p in (structures, services))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "update_s": round(elapsed, 1),
        "update_rss_mb": round(children, 1),
        "update_departement": dep,
        "update_counts": counts,
        "update_national_mb": round(national / 1e6, 1),
    }


PHASES = {
    "import": phase_import,
    "update": phase_update,
    "baseline": phase_baseline,
    "import_rows": phase_import_rows,
    "filter": phase_filter,
    "orient": phase_orient,
    "startup": phase_startup,
    "first_run": phase_first_run,
    "peers": phase_peers,
}


if __name__ == "__main__":
    result = PHASES[sys.argv[1]](*sys.argv[2:])
    print(json.dumps(result, ensure_ascii=False))
