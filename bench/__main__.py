"""`python -m bench --structures N --services M [--json] [--write BENCHMARKS.md]`.

Generates (or reuses) a fictional national dataset under bench/out/, builds one store from it
and measures import, keystroke filtering, orientation, start-up, memory and peers. Each phase
runs in its own process. `--quick` is 10 000 structures / 25 000 services.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from .generate import OUT, generate, structure_lines

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"

# key: (goal text, check(result) -> bool | None)
GOALS = {
    "filter_p95_ms": "≤ 10 ms",
    "orient_p95_ms": "≤ 30 ms",
    "import_ratio": "≤ 2× le simple insert",
    "startup_ratio": "≤ 2× l'app Textual minimale",
    "first_run_s": "≤ 2 s",
    "peak_rss_mb": "≤ 400 Mo",
    "update_rss_mb": "≤ 400 Mo",
    "import_rows_rss_ratio": "≤ 1,1× (plate)",
}
LIMITS = {
    # Issue 11 tightened both (orientation now answers every need, lines, places merged).
    "filter_p95_ms": 10.0,
    "orient_p95_ms": 30.0,
    "import_ratio": 2.0,
    "startup_ratio": 2.0,
    "first_run_s": 2.0,
    "peak_rss_mb": 400.0,
    "update_rss_mb": 400.0,
    # Ten times the rows, the same memory (issue 15): 10 % for measurement noise.
    "import_rows_rss_ratio": 1.1,
}


def run_phase(name: str, *args: object) -> dict:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.phases", name, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        print(f"  phase {name}: échec ({' / '.join(tail)})", file=sys.stderr)
        return {}
    print(f"  phase {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return json.loads(lines[-1])


def machine() -> dict[str, object]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": metadata.version("textual"),
        "rapidfuzz": metadata.version("rapidfuzz"),
        "os": platform.platform(terse=True),
    }


def run(
    structures: int, services: int, seed: int, skip: set[str], out: Path = OUT
) -> dict[str, object]:
    print(f"Banc d'essai : {structures} structures, {services} services (fictifs)", file=sys.stderr)
    t0 = time.perf_counter()
    s_path, v_path = generate(structures, services, seed, out)
    print(f"  données : {time.perf_counter() - t0:.1f} s ({s_path.parent})", file=sys.stderr)
    db = out / f"store-{structures}-{services}-{seed}.db"
    baseline_db = out / f"floor-{structures}-{services}-{seed}.db"
    result: dict[str, object] = {"structures": structures, "services": services, "seed": seed}
    result.update(run_phase("baseline", baseline_db, s_path, v_path))
    result.update(run_phase("import", db, s_path, v_path))
    update_db = out / f"update-{structures}-{services}-{seed}.db"
    result.update(run_phase("update", update_db, s_path, v_path))
    if "rows" not in skip:
        result.update(import_rows(structures, seed, out))
    result.update(run_phase("filter", db))
    result.update(run_phase("orient", db))
    if "startup" not in skip:
        result.update(run_phase("startup", db))
        result.update(run_phase("first_run"))
    if "peers" not in skip:
        result.update(run_phase("peers", db))
    result.setdefault("orient_p95_ms", None)
    result.setdefault("startup_s", None)
    result.setdefault("startup_baseline_s", None)
    result["import_ratio"] = _ratio(result.get("import_s"), result.get("import_baseline_s"))
    result["startup_ratio"] = _ratio(result.get("startup_s"), result.get("startup_baseline_s"))
    rss = [
        result.get(k)
        for k in (
            "import_rss_mb",
            "filter_rss_mb",
            "orient_rss_mb",
            "startup_rss_mb",
            "first_run_rss_mb",
        )
    ]
    result["peak_rss_mb"] = max((r for r in rss if isinstance(r, int | float)), default=None)
    peers = result.get("peers") or {}
    result["fzf_p50_ms"] = (peers.get("fzf_filter") or {}).get("p50_ms")
    result["matcher_p50_ms"] = (peers.get("textual_matcher") or {}).get("p50_ms")
    result["rapidfuzz_p50_ms"] = (peers.get("rapidfuzz_scan") or {}).get("p50_ms")
    result["machine"] = machine()
    result["date"] = dt.datetime.now().isoformat(timespec="minutes")
    return result


def import_rows(structures: int, seed: int, out: Path) -> dict[str, object]:
    """Peak memory of importing a structures file of `structures` rows and of ten times as
    many (100 000 and 1 000 000 in the full run): it must not grow with the rows."""
    measures: list[dict] = []
    for rows in (structures, 10 * structures):
        path = structure_lines(rows, seed, out)
        measure = run_phase("import_rows", out / f"rows-{rows}-{seed}.db", path)
        if measure:
            measures.append(measure)
    result: dict[str, object] = {"import_rows": measures}
    if len(measures) == 2:
        result["import_rows_rss_ratio"] = _ratio(
            measures[1]["rss_peak_mb"], measures[0]["rss_peak_mb"]
        )
    return result


def _ratio(value: object, floor: object) -> float | None:
    if isinstance(value, int | float) and isinstance(floor, int | float) and floor > 0:
        return round(value / floor, 2)
    return None


def _verdict(key: str, result: dict[str, object]) -> str:
    value = result.get(key)
    if not isinstance(value, int | float):
        return "non mesuré"
    limit = LIMITS[key]
    if value <= limit:
        return "atteint"
    return f"manqué de {(value / limit - 1) * 100:.0f} %"


def _round(result: dict[str, object], index: int, key: str) -> object:
    rounds = result.get("filter_rounds")
    if isinstance(rounds, list) and len(rounds) > index:
        return rounds[index].get(key)
    return None


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value}{unit}"


def table(result: dict[str, object]) -> str:
    r = result
    rows = [
        ("Import (importeur réel)", _fmt(r.get("import_s"), " s"),
         f"mode : {r.get('import_mode')}"),
        ("Import plancher (insert_all)", _fmt(r.get("import_baseline_s"), " s"), ""),
        ("Rapport import / plancher", _fmt(r.get("import_ratio"), "×"),
         _verdict("import_ratio", r)),
        ("Ré-import des mêmes fichiers", _fmt(r.get("reimport_s"), " s"), ""),
        ("Filtre p50 (par touche)", _fmt(r.get("filter_p50_ms"), " ms"), ""),
        ("Filtre p95 (par touche)", _fmt(r.get("filter_p95_ms"), " ms"),
         _verdict("filter_p95_ms", r)),
        ("Filtre max", _fmt(r.get("filter_max_ms"), " ms"),
         f"{r.get('filter_keystrokes')} frappes ({len(r.get('filter_rounds') or [])} tours)"),
        ("Filtre p95, 1er tour (connexion neuve)", _fmt(_round(r, 0, "p95_ms"), " ms"), ""),
        ("Première recherche (vocabulaire)", _fmt(r.get("first_search_ms"), " ms"), ""),
        ("Orientation p95", _fmt(r.get("orient_p95_ms"), " ms"), _verdict("orient_p95_ms", r)),
        ("Démarrage TUI (médiane)", _fmt(r.get("startup_s"), " s"), ""),
        ("Démarrage app Textual minimale", _fmt(r.get("startup_baseline_s"), " s"), ""),
        ("Rapport démarrage", _fmt(r.get("startup_ratio"), "×"), _verdict("startup_ratio", r)),
        ("Premier lancement → liste cherchable", _fmt(r.get("first_run_s"), " s"),
         _verdict("first_run_s", r)),
        ("Premier lancement, temps processeur", _fmt(r.get("first_run_cpu_s"), " s"),
         "base vide, annuaire par défaut"),
        ("Mémoire max (RSS)", _fmt(r.get("peak_rss_mb"), " Mo"), _verdict("peak_rss_mb", r)),
        ("`update --departement 75` : mémoire max", _fmt(r.get("update_rss_mb"), " Mo"),
         _verdict("update_rss_mb", r)),
        ("`update --departement 75` : durée", _fmt(r.get("update_s"), " s"),
         f"fichiers nationaux {_fmt(r.get('update_national_mb'), ' Mo')} servis en local"),
        *(
            (f"Import de {m['rows']} structures seules : mémoire max",
             _fmt(m.get("rss_peak_mb"), " Mo"),
             f"{_fmt(m.get('rss_before_mb'), ' Mo')} avant l'import ; {m.get('import_s')} s")
            for m in r.get("import_rows") or ()
        ),
        ("Mémoire d'import, 10× plus de lignes", _fmt(r.get("import_rows_rss_ratio"), "×"),
         _verdict("import_rows_rss_ratio", r)),
        ("Taille de la base", _fmt(r.get("store_mb"), " Mo"), ""),
    ]  # fmt: skip
    lines = ["| Mesure | Valeur | Objectif / note |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    peers = r.get("peers") or {}
    if peers:
        lines += [
            "",
            f"Côte à côte sur les mêmes {r.get('peers_names')} noms, "
            f"{r.get('peers_points')} saisies (3 lettres, moitié, requête entière) :",
            "",
            "| Outil | p50 | p95 |",
            "|---|---|---|",
        ]
        labels = {
            "aiguillage": "Aiguillage (`store.search`, index FTS5)",
            "fzf_filter": "`fzf --filter` (processus)",
            "textual_matcher": "`textual.fuzzy.Matcher` (parcours)",
            "rapidfuzz_scan": "rapidfuzz `process.extract` (parcours)",
        }
        for key, label in labels.items():
            s = peers.get(key)
            lines.append(
                f"| {label} | {_fmt(s and s['p50_ms'], ' ms')} | {_fmt(s and s['p95_ms'], ' ms')} |"
            )
    return "\n".join(lines)


def results_block(result: dict[str, object]) -> str:
    m = result["machine"]
    assert isinstance(m, dict)
    return "\n".join(
        [
            BEGIN,
            f"## Dernière mesure : {result['structures']} structures, "
            f"{result['services']} services (fictifs, graine {result['seed']})",
            "",
            f"Date : {result['date']}. Machine : {m['cores']} cœurs, {m['cpu']}, "
            f"{m['os']} ; Python {m['python']}, SQLite {m['sqlite']}, Textual {m['textual']}, "
            f"rapidfuzz {m['rapidfuzz']}.",
            "",
            table(result),
            "",
            "Pire frappe par requête (ms) : "
            + ", ".join(
                f"« {q} » {v}" for q, v in (result.get("filter_worst_per_query_ms") or {}).items()
            ),
            END,
        ]
    )


def write_markdown(path: Path, result: dict[str, object]) -> None:
    block = results_block(result)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail, encoding="utf-8")
            return
        path.write_text(text.rstrip() + "\n\n" + block + "\n", encoding="utf-8")
        return
    path.write_text("# Banc d'essai\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--structures", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10 000 / 25 000")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument("--write", type=Path, help="rewrite the results block of this file")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["startup", "peers", "rows"],
        help="skip a phase",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="generated files and stores")
    args = parser.parse_args(argv)
    if args.quick:
        args.structures, args.services = 10_000, 25_000
    result = run(args.structures, args.services, args.seed, set(args.skip), args.out)
    print(table(result))
    if args.write:
        write_markdown(args.write, result)
        print(f"{args.write} mis à jour.")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
