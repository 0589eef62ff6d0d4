"""One exit for text to the terminal: every CLI command, on a store full of hostile text,
prints no escape, control, bidi or separator character and forges no line — in text and in
--json. A command added without an entry in COMMANDS fails here: add it (with arguments that
make it print data) rather than skipping it. All data here is FICTIONAL."""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.db import Store
from store.notes import add_note
from store.writer import ImportReport, record_id, write_records
from tests.conftest import ROOT
from tui.cli import build_parser, main

from .test_hostile_text import ESCAPES, HOSTILE, hostile_record

FORGED = "FAUSSE-LIGNE"  # a value with a newline before this word must not start a line
NAME_ESCAPES = ESCAPES.replace("/", "").replace("\x00", "")
SEPARATORS = "\u2028\u2029\x85"
HOSTILE_LINE = f"{HOSTILE}\n{FORGED} \r\n{FORGED}{SEPARATORS}{FORGED}"
UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029]"
)

# Every command path → argument lists to run ({sid}, {note}, {file}, {folder}, {out} filled in).
COMMANDS: dict[tuple[str, ...], list[list[str]]] = {
    ("import",): [["{file}"], ["{file}", "--json"]],
    ("search",): [["fictive"], ["fictive", "--json"], [HOSTILE_LINE]],
    ("show",): [["{sid}"], ["{sid}", "--json"]],
    ("note", "add"): [["{sid}", HOSTILE_LINE, "--author", HOSTILE_LINE]],
    ("note", "list"): [[], ["--json"], ["{sid}"]],
    ("note", "export"): [[], ["--format", "csv", "--history"], ["-o", "{out}"]],
    ("note", "purge"): [["--older-than", "999999m", "--yes"]],
    ("note", "effacer"): [["{note}", "--yes"]],
    ("stats",): [[], ["--json"]],
    ("orient",): [["hébergement urgence", "--near", "Melun"], [HOSTILE_LINE], ["aide", "--json"]],
    ("journal",): [[], ["--json"], ["--csv"]],
    ("journal", "purge"): [["--avant", "2020-01-01", "--yes"], ["--avant", HOSTILE_LINE]],
    ("fiche", "ecrire"): [["{sid}", "--besoin", HOSTILE_LINE], ["{sid}", "--langue", "ar"]],
    ("fiche", "purge"): [["--older-than", "1"]],
    ("doctor",): [[], ["--json"]],
    ("update",): [["--url", f"http://127.0.0.1:9/{ESCAPES}"]],
    ("restore",): [[]],
    ("equipe", "rejoindre"): [["{folder}", "--initiales", HOSTILE_LINE]],
    ("equipe", "synchroniser"): [[]],
}


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # aliases share their parser
                    seen.add(id(sub))
                    yield from command_paths(sub, (*prefix, name))
            return
    yield prefix


def test_every_command_is_scanned() -> None:
    missing = [p for p in command_paths(build_parser()) if p not in COMMANDS]
    assert not missing, f"add these commands to COMMANDS in {__file__}: {missing}"


def test_cli_writes_to_the_terminal_only_through_output() -> None:
    """No print(), sys.stdout or sys.stderr in tui/cli but in output.py."""
    offenders = []
    for path in sorted((ROOT / "tui" / "cli").glob("*.py")):
        if path.name == "output.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("print", "input"):
                offenders.append(f"{path.name}:{node.lineno} {node.func.id}()")  # type: ignore[attr-defined]
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("stdout", "stderr")
                and getattr(node.value, "id", None) == "sys"
                and path.name != "common.py"  # argparse's usage line
            ):
                offenders.append(f"{path.name}:{node.lineno} sys.{node.attr}")
    assert not offenders, "print through tui/cli/output.py: " + ", ".join(offenders)


@pytest.fixture
def hostile_store(fresh_db: Path, tmp_path: Path) -> dict[str, str]:
    record = hostile_record()
    record.nom = f"Structure fictive {HOSTILE_LINE}"
    record.adresse = HOSTILE_LINE
    record.source = f"source-fictive {HOSTILE_LINE}"
    with Store(fresh_db) as store:
        with store.transaction() as conn:
            write_records(conn, [record], ImportReport())
        sid = record_id(record)
        note = add_note(store.conn, sid, f"Note {HOSTILE_LINE}", author=HOSTILE_LINE)
    raw = sqlite3.connect(fresh_db)  # a store written by an older version: kind unchecked
    raw.execute("UPDATE structures SET kind = ?", (HOSTILE_LINE,))
    raw.commit()
    raw.close()
    source = tmp_path / f"import{NAME_ESCAPES}\n{FORGED}.csv"
    source.write_text(
        "name,address,zip,city\n"
        f'"Lieu fictif {HOSTILE_LINE}","{HOSTILE_LINE}",77000,Melun\n'
        f',"{HOSTILE_LINE}",77000,"{HOSTILE_LINE}"\n',
        encoding="utf-8",
    )
    return {
        "db": str(fresh_db),
        "sid": sid,
        "note": str(note.id),
        "file": str(source),
        "folder": str(tmp_path / f"équipe {NAME_ESCAPES}\n{FORGED}"),
        "out": str(tmp_path / "export.json"),
    }


def check_output(text: str, where: str) -> None:
    found = sorted({repr(c) for c in UNSAFE.findall(text)})
    assert not found, f"{where}: control characters reach the terminal: {found}"
    # Multi-line values (a note) are shown indented under their header: only a line at the
    # margin could pass for the program's own.
    forged = [line for line in text.splitlines() if line.startswith(FORGED)]
    assert not forged, f"{where}: a value forged a line: {forged[:2]}"


def test_every_command_output_is_inert(
    hostile_store: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    ran = 0
    for path, variants in COMMANDS.items():
        for variant in variants:
            args = [a.format(**hostile_store) if "{" in a else a for a in variant]
            argv = ["--db", hostile_store["db"], *path, *args]
            with contextlib.suppress(SystemExit):  # argparse refusals are checked too
                main(argv)
            out, err = capsys.readouterr()
            where = " ".join(path + tuple(variant))[:60]
            check_output(out, f"{where} (stdout)")
            check_output(err, f"{where} (stderr)")
            if "--json" in variant and out.strip():
                json.loads(out)  # escaped, still valid JSON
            ran += 1
    assert ran >= 30
