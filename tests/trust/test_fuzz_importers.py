"""Fuzzing the importers: random and mutated files built from the real fixtures.

Whatever the input, an import ends in a report (with Rejects) or in the clean
`ImportFailure` (one French line naming the file), and a failed import changes nothing.
Deterministic by default; `AIGUILLAGE_FUZZ_EXAMPLES=5000` runs a longer, random campaign.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.base import ImportFailure, ImportOptions
from importers.registry import formats
from importers.runner import import_file
from store.db import Store
from tests.conftest import FIXTURES, SHARED

EXAMPLES = int(os.environ.get("AIGUILLAGE_FUZZ_EXAMPLES", "0"))
# The text-document formats look communes up in a fresh in-memory store on every parse
# (~0.4 s): they get their own, smaller share of examples.
DOCUMENT_FORMATS = ["actions_sheets", "press_kit", "page"]
FORMAT_NAMES = [f.name for f in formats() if f.name not in DOCUMENT_FORMATS]
TEXT_SUFFIXES = {".csv", ".tsv", ".json", ".jsonl", ".txt"}


def fuzz_settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        derandomize=not EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- seeds: the project's fixtures, and ../shared when it is there --------------------------


def _seed_files() -> list[Path]:
    files = [
        p
        for p in sorted(FIXTURES.rglob("*"))
        if p.is_file()
        and "trust" not in p.relative_to(FIXTURES).parts
        and p.suffix in TEXT_SUFFIXES | {".xlsx", ".gz"}
        and p.name != "README.md"
    ]
    if SHARED.exists():
        data = SHARED / "data"
        files += [
            p
            for p in (
                data / "france-services-2024-08-01.csv",
                data / "data-inclusion" / "valideur-dataset-v1.xlsx",
                *sorted((data / "hsds-3.0-example").glob("*.csv"))[:6],
            )
            if p.is_file()
        ]
    return files


@functools.cache
def seeds() -> list[tuple[str, bytes]]:
    found = []
    for path in _seed_files():
        data = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES and len(data) > 6000:
            cut = data.find(b"\n", 6000)  # the head of big files is enough
            data = data[: cut if cut > 0 else 6000]
        found.append((path.suffix, data))
    return found


@functools.cache
def hsds_dir() -> Path:
    return FIXTURES / "opendata" / "hsds"


@functools.cache
def shared_store() -> Store:
    """One in-memory store for every example (communes loaded once)."""
    return Store(":memory:")


# -- mutations ----------------------------------------------------------------------------

TOKENS = [
    b'"', b"'", b",", b";", b"\t", b"\n", b"\r\n", b"\r", b"\x00", b"{", b"}", b"[", b"]",
    b":", b"null", b"true", b"-1", b"1e999", b"NaN", b'""', b"\xef\xbb\xbf", b"\xff\xfe",
    b"\xc3", b"\x1b[31m", b"[bold]", b"\xe2\x80\xae", b"x" * 5000, b"99999", b"2A004",
    b"Mo-Fr 09:00-12:00", b"lundi", b"25:99", b"-91.5", b"1e308",
]  # fmt: skip


@st.composite
def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 5))):
        size = len(buf)
        pos = draw(st.integers(0, size))
        op = draw(st.integers(0, 11))
        if op == 0:
            del buf[pos:]
        elif op == 1:
            del buf[pos : pos + draw(st.integers(1, 200))]
        elif op == 2:
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=24))
        elif op == 3:
            buf[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == 4 and size:
            buf[min(pos, size - 1)] = draw(st.integers(0, 255))
        elif op == 11:
            buf = bytearray(bytes(buf).replace(b",", b";", draw(st.integers(1, 50))))
        else:  # line-level: rows with too few or too many fields, moved, doubled, emptied
            lines = bytes(buf).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            line = lines[i]
            if op == 5:
                lines.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
            elif op == 6:
                lines[i] = b""
            elif op == 7:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif op == 8:  # cut a row after its k-th field, or anywhere
                sep = draw(st.sampled_from([b",", b";", b"\t", b""]))
                if sep:
                    lines[i] = sep.join(line.split(sep)[: draw(st.integers(0, 8))])
                else:
                    lines[i] = line[: draw(st.integers(0, len(line)))]
            elif op == 9:
                cells = line.split(draw(st.sampled_from([b",", b";", b"\t", b'":'])))
                if len(cells) > 1:
                    del cells[draw(st.integers(0, len(cells) - 1))]
                lines[i] = b",".join(cells)
            else:
                lines.insert(i, draw(st.sampled_from(TOKENS)) + draw(st.sampled_from(TOKENS)))
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _json_paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    paths = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _json_paths(item, (*path, index))
    return paths


@st.composite
def mutate_json(draw: st.DrawFn, document: object) -> bytes:
    """Replace values anywhere in a JSON document by random JSON values (types change)."""
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _json_paths(document) if p]
        if not paths:
            document = draw(JSON_VALUES)
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for key in path[:-1]:
            parent = parent[key]  # type: ignore[index]
        if draw(st.booleans()):
            parent[path[-1]] = draw(JSON_VALUES)  # type: ignore[index]
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = None  # type: ignore[index]
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


# -- the property -------------------------------------------------------------------------


def _fingerprint(store: Store) -> tuple[object, ...]:
    """What a refused file must leave as it was (imports are streamed, then rolled back)."""
    conn = store.conn
    counts = tuple(
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("structures", "services", "sources", "notes", "structure_tags")
    )
    rows = conn.execute(
        "SELECT group_concat(id || coalesce(content_hash, '') || coalesce(import_id, ''))"
        " FROM (SELECT id, content_hash, import_id FROM structures ORDER BY id)"
    ).fetchone()[0]
    services = conn.execute(
        "SELECT group_concat(id || coalesce(content_hash, ''))"
        " FROM (SELECT id, content_hash FROM services ORDER BY id)"
    ).fetchone()[0]
    return counts, rows, services


def _run_import(path: Path, format_name: str | None, options: ImportOptions) -> str:
    """Import; return 'ok' or 'refusé'. Any other exception fails the test."""
    store = shared_store()
    before = _fingerprint(store)
    try:
        import_file(store, path, format_name=format_name, options=options, backup=False)
    except ImportFailure as exc:
        message = str(exc)
        assert message.startswith(exc.path) and "\n" not in message.strip(), message
        assert "Traceback" not in message
        assert _fingerprint(store) == before, "a refused file changed the store"
        assert not store.conn.in_transaction
        return "refusé"
    assert not store.conn.in_transaction
    return "ok"


OPTIONS = st.builds(
    ImportOptions,
    name=st.none() | st.just("Structure fictive") | st.text(max_size=30),
    source=st.none() | st.just("fuzz-fictif"),
    mapping=st.just({}) | st.just({"nom": "nom", "x": "commune"}),
    strict=st.booleans(),
)


def _with_file(suffix: str, data: bytes, action: Callable[[Path], str]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        return action(path)


SLOW_SUFFIXES = (".txt", ".xlsx")  # text documents (commune lookup) and workbooks: ~0.4 s each
SEED_IDS = [str(p.relative_to(p.parents[2])) for p in _seed_files()]


@pytest.mark.parametrize("index", range(len(SEED_IDS)), ids=SEED_IDS)
def test_mutated_fixture(index: int) -> None:
    """Each seed file, mutated: every importer gets its share of damaged inputs."""
    suffix, content = seeds()[index]

    @fuzz_settings(6 if suffix in SLOW_SUFFIXES else 40)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        mutated = data.draw(mutate(content), label="mutated")
        format_name = data.draw(st.none() | st.sampled_from(FORMAT_NAMES), label="format")
        options = data.draw(OPTIONS, label="options")
        _with_file(suffix, mutated, lambda p: _run_import(p, format_name, options))

    check()


@fuzz_settings(15)
@given(data=st.data())
def test_any_input_as_a_text_document(data: st.DataObject) -> None:
    suffix, content = data.draw(st.sampled_from(seeds()), label="seed")
    mutated = data.draw(mutate(content), label="mutated")
    format_name = data.draw(st.sampled_from(DOCUMENT_FORMATS), label="format")
    options = data.draw(OPTIONS, label="options")
    _with_file(suffix, mutated, lambda p: _run_import(p, format_name, options))


@st.composite
def json_seed(draw: st.DrawFn) -> tuple[str, object]:
    candidates = []
    for suffix, content in seeds():
        if suffix in (".json", ".jsonl"):
            text = content.decode("utf-8", "replace")
            try:  # the head of a big file is cut: it may no longer parse
                if suffix == ".json":
                    candidates.append((suffix, json.loads(text)))
                else:
                    candidates.append((".json", [json.loads(x) for x in text.splitlines() if x]))
            except json.JSONDecodeError:
                continue
    return draw(st.sampled_from(candidates))


@fuzz_settings(250)
@given(data=st.data())
def test_mutated_json_structures(data: st.DataObject) -> None:
    suffix, document = data.draw(json_seed(), label="seed")
    mutated = data.draw(mutate_json(document), label="mutated")
    format_name = data.draw(st.none() | st.sampled_from(FORMAT_NAMES), label="format")
    _with_file(suffix, mutated, lambda p: _run_import(p, format_name, ImportOptions()))


@fuzz_settings(200)
@given(
    suffix=st.sampled_from([".csv", ".json", ".jsonl", ".txt", ".xlsx", ".gz", ".tsv", ""]),
    content=st.binary(min_size=1, max_size=2000) | st.text(max_size=2000).map(str.encode),
    format_name=st.none() | st.sampled_from(FORMAT_NAMES),
)
def test_random_bytes(suffix: str, content: bytes, format_name: str | None) -> None:
    _with_file(suffix, content, lambda p: _run_import(p, format_name, ImportOptions()))


@fuzz_settings(150)
@given(data=st.data())
def test_mutated_hsds_package(data: st.DataObject) -> None:
    """An Open Referral folder with one of its tables (or its datapackage.json) damaged."""
    source = hsds_dir()
    names = sorted(p.name for p in source.iterdir())
    victim = data.draw(st.sampled_from(names), label="file")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hsds"
        shutil.copytree(source, folder)
        target = folder / victim
        if data.draw(st.booleans(), label="delete"):
            target.unlink()
        else:
            target.write_bytes(data.draw(mutate(target.read_bytes()), label="mutated"))
        _run_import(folder, data.draw(st.none() | st.just("hsds"), label="format"), ImportOptions())
