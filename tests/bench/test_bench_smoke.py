"""The benchmark at a tiny scale: the generator is deterministic and realistic, and
`python -m bench --json` ends with one JSON object carrying every key. No timing asserts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import generate as gen
from bench.queries import QUERIES, keystrokes
from bench.records import load_rows, to_records
from store import kinds
from store.vocab.thematiques import THEMATIQUES
from tests.conftest import ROOT

KEYS = {
    "import_s",
    "import_baseline_s",
    "filter_p50_ms",
    "filter_p95_ms",
    "orient_p95_ms",
    "startup_s",
    "startup_baseline_s",
    "peak_rss_mb",
    "store_mb",
    "update_rss_mb",
    "fzf_p50_ms",
    "matcher_p50_ms",
    "rapidfuzz_p50_ms",
}


def test_generator_is_deterministic_and_fictional() -> None:
    first = list(gen.structures(300, seed=3))
    again = list(gen.structures(300, seed=3))
    other = list(gen.structures(300, seed=4))
    assert first == again
    assert first != other
    assert all(row["source"] == "bench-fictif" for row in first)
    assert all(
        row["telephone"] is None or str(row["telephone"]).startswith("01 99 00") for row in first
    )
    assert len({row["id"] for row in first}) == 300


def test_generator_covers_kinds_accents_and_missing_fields() -> None:
    rows = list(gen.structures(3000, seed=1))
    inferred = {kinds.infer(str(r["nom"]), None, r["reseaux_porteurs"] or (), None) for r in rows}
    assert len(inferred) >= 20
    assert any(any(c in str(r["nom"]) for c in "éèœÉ") for r in rows)
    assert any(str(r["nom"]).isupper() for r in rows)
    assert any(r["latitude"] is None for r in rows)
    assert any(r["horaires_accueil"] is None for r in rows)
    assert any(str(r["horaires_accueil"]).startswith("Mo") for r in rows)
    services = list(gen.services(500, rows, seed=1))
    ids = {r["id"] for r in rows}
    assert all(s["structure_id"] in ids for s in services)
    assert all(set(s["thematiques"]) <= set(THEMATIQUES) for s in services)


def test_generated_files_become_records(tmp_path: Path) -> None:
    structures, services = gen.generate(50, 120, seed=2, out=tmp_path)
    records = to_records(load_rows(structures), load_rows(services))
    assert len(records) == 50
    assert sum(len(r.services) for r in records) == 120
    assert gen.generate(50, 120, seed=2, out=tmp_path) == (structures, services)  # cached


def test_queries_are_thirty_typed_keystroke_by_keystroke() -> None:
    assert len(QUERIES) == 30
    assert keystrokes("abc") == ["a", "ab", "abc"]


def test_bench_runs_end_to_end_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Banc\n\nNotes kept.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--structures", "200", "--services", "400",
         "--seed", "99", "--json", "--write", str(out), "--skip", "startup",
         "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(result) >= KEYS
    assert result["import_counts"]["structures_in_store"] == 200
    assert result["filter_keystrokes"] == 3 * sum(len(q) for q in QUERIES)
    assert result["filter_p95_ms"] >= result["filter_p50_ms"] > 0
    text = out.read_text(encoding="utf-8")
    assert "Notes kept." in text and "200 structures" in text
