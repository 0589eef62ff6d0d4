"""Golden ids: a fixed record gives a fixed id, in a fresh process, in every version.

Notes, favourites and team notes are attached to these ids: a change of the digest, of the
separator or of the text folding would silently detach them all. If this test fails on
purpose (a new id scheme), a migration must carry the old ids over.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

CASES = [
    (("structure_id", "dora", "st-1", "X"), "saa8197425d5c"),
    (("structure_id", "fcsf-actions", None, "Centre social Éveil", "Toulouse"), "sa6cc4ebc05f8"),
    # Accents, case and punctuation do not change a name-derived id.
    (("structure_id", "fcsf-actions", None, "CENTRE SOCIAL EVEIL", "toulouse"), "sa6cc4ebc05f8"),
    (("service_id", "s123", "sv-1", "x"), "vee7e6730f02d"),
    (("service_id", "s123", None, "Écrivain public"), "vc93c79fea126"),
]


def test_ids_are_the_same_in_a_fresh_process() -> None:
    code = (
        "import json, sys\n"
        "from store import ids\n"
        "cases = json.loads(sys.argv[1])\n"
        "print(json.dumps([getattr(ids, c[0])(*c[1:]) for c, _ in cases]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(CASES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert json.loads(out.stdout) == [expected for _, expected in CASES]


def test_ids_in_this_process() -> None:
    from store import ids

    assert [getattr(ids, c[0])(*c[1:]) for c, _ in CASES] == [e for _, e in CASES]
