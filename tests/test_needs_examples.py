"""Acceptance: ../shared/examples/needs.tsv — an expected kind in the best three kinds AND an
expected thématique in the best three thématiques, for at least 38 of its 40 needs."""

from __future__ import annotations

from store.needs import interpret, theme_matches
from tests.conftest import shared_path


def test_examples_of_needs() -> None:
    path = shared_path("examples", "needs.tsv")
    rows = [
        line.rstrip("\n").split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    passed, failures = 0, []
    for need, expected_kinds, expected_themes in rows:
        result = interpret(need)
        kinds, themes = result.top_kinds(3), result.top_thematiques(3)
        kind_ok = any(k in kinds for k in expected_kinds.split("|"))
        theme_ok = not expected_themes or any(
            theme_matches(w, c) for w in expected_themes.split("|") for c in themes
        )
        if kind_ok and theme_ok:
            passed += 1
        else:
            failures.append(f"{need!r}: {kinds} {themes}")
    print(f"\nneeds.tsv : {passed}/{len(rows)} besoins compris")
    for failure in failures:
        print("  manqué :", failure)
    assert len(rows) >= 40
    assert passed >= 38, failures
