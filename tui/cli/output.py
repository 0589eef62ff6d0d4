"""The only way the command line writes to the terminal.

Every command prints through these helpers, never with `print()` or `sys.stdout` (a test
greps `tui/cli` for them, and another runs every command on a hostile store and scans the
output). Each helper passes the text through `store.text.clean_display` — the one cleaning
function — or, for JSON, `escape_unsafe`:

- `say(line)`: one line; line breaks inside it become spaces, so a value cannot forge lines;
- `say_block(text, indent)`: a multi-line value (a note, a description), line by line;
- `say_json(data)`: JSON, values intact, terminal controls written as \\u escapes;
- `say_csv(rows)`: CSV to the terminal, cleaned like a block;
- `warn(line)`: one line on stderr (errors, progress notes).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from store.text import clean_display, escape_unsafe


def say(line: object = "", *, file: TextIO | None = None) -> None:
    out = file or sys.stdout
    out.write(clean_display(str(line), multiline=False) + "\n")


def warn(line: object) -> None:
    say(line, file=sys.stderr)


def say_block(text: str | None, indent: str = "") -> None:
    for line in clean_display(text).split("\n"):
        sys.stdout.write(indent + line + "\n")


def json_text(data: Any) -> str:
    """JSON as `say_json` prints it (for the rare caller that writes it elsewhere)."""
    return escape_unsafe(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say_json(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")


def say_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """CSV on the terminal: one line per row, each field cleaned as one line (an export
    with `-o FICHIER` keeps the exact text)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [v if v is None or isinstance(v, int | float) else _one_line(v) for v in row]
        )


def _one_line(value: object) -> str:
    return clean_display(str(value), multiline=False)


def progress_shown() -> bool:
    """Progress lines only on a terminal."""
    return sys.stderr.isatty()


def progress(line: str) -> None:
    """Rewrite the current stderr line (a progress bar on a terminal)."""
    sys.stderr.write("\r" + clean_display(line, multiline=False)[:120].ljust(80))
    sys.stderr.flush()


def end_progress() -> None:
    sys.stderr.write("\r" + " " * 100 + "\r")
    sys.stderr.flush()


def ask(question: str) -> str:
    """A yes/no question on the terminal; the answer as typed."""
    return input(clean_display(question, multiline=False))
