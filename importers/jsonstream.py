"""Reading the records of a big JSON file one by one, without loading the whole file.

A JSON array (`[{...}, {...}]`), an API-style object whose lists hold the records
(`{"items": [...], "total": ...}`) or JSON Lines. The text is read chunk by chunk and each
record decoded with `json.JSONDecoder.raw_decode`; errors name the line and column (or the
line of a JSON Lines file) as `json.loads` would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .base import ImportFailure

CHUNK = 1 << 20  # characters read at a time
FIRST_LINE_LIMIT = 8 << 20  # longest first line tried as a JSON Lines record
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NUL_MESSAGE = "le fichier contient des octets nuls : ce n'est pas du texte."


def _message(msg: str) -> str:
    return f"JSON invalide ou tronqué ({msg})."


def text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the file's beginning is UTF-8, else cp1252."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start <= len(head) - 4:  # not merely a character cut by the sample's end
            return "cp1252"
    return "utf-8-sig"


class JsonStream:
    """A cursor over the text of a JSON document, refilled from the file as needed."""

    def __init__(self, handle: TextIO, path: Path) -> None:
        self.handle = handle
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line of buf[0]
        self.col = 0  # column (from 0) of buf[0] on its line
        self._mark = (0, 1)  # (position in buf, its line): lines are counted from there

    def _fill(self, size: int | None = None) -> bool:
        """Drop what was consumed and read more; False at the end of the file."""
        if self.pos:
            newlines = self.buf.count("\n", 0, self.pos)
            if newlines:
                self.line += newlines
                self.col = self.pos - self.buf.rfind("\n", 0, self.pos) - 1
            else:
                self.col += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
            self._mark = (0, self.line)
        data = self.handle.read(size or CHUNK)
        if not data:
            self.eof = True
            return False
        if "\x00" in data:
            raise ImportFailure(self.path, _NUL_MESSAGE)
        self.buf += data
        return True

    def error(self, msg: str, pos: int | None = None) -> ImportFailure:
        pos = self.pos if pos is None else pos
        line = self.line + self.buf.count("\n", 0, pos)
        start = self.buf.rfind("\n", 0, pos)
        col = pos - start if start >= 0 else self.col + pos + 1
        return ImportFailure(self.path, _message(msg), f"ligne {line}, colonne {col}")

    def line_here(self) -> int:
        """The line of the next value (counted on from the last call: linear overall)."""
        self.peek()
        mark, line = self._mark
        line += self.buf.count("\n", mark, self.pos)
        self._mark = (self.pos, line)
        return line

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            match = _WS.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str, msg: str) -> None:
        if self.peek() != char:
            raise self.error(msg)
        self.pos += 1

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file until it is whole."""
        size = CHUNK
        self.peek()
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16
                if self.eof or not cut:
                    raise self.error(exc.msg, exc.pos) from None
            else:
                if end < len(self.buf) or self.eof:  # a number may go on in the next chunk
                    self.pos = end
                    return obj
            self._fill(size)
            size *= 2  # a huge record: fewer, bigger reads

    def array(self, lines: bool = False) -> Iterator[Any]:
        """The values of the array starting here; with `lines`, (line, value) pairs."""
        self.expect("[", "Expecting value")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield (self.line_here(), self.value()) if lines else self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.pos -= 1
                raise self.error("Expecting ',' delimiter" if char else "Unterminated array")

    def end(self) -> None:
        if self.peek():
            raise self.error("Extra data")


def records(
    path: Path, list_keys: tuple[str, ...], *, lines: bool = False
) -> Iterator[tuple[str, Any]]:
    """(origin, value) for every record: "enregistrement N", or "ligne N" in JSON Lines;
    with `lines`, the records of a top-level array as "enregistrement N, ligne L".

    An object holding lists under `list_keys` yields their items; any other object is one
    record.
    """
    encoding = text_encoding(path)
    if _is_json_lines(path, encoding):
        yield from _json_lines(path, encoding)
        return
    with path.open(encoding=encoding, newline="") as handle:
        stream = JsonStream(handle, path)
        first = stream.peek()
        number = 0
        if first == "[" and lines:
            for line, item in stream.array(lines=True):
                number += 1
                yield f"enregistrement {number}, ligne {line}", item
        elif first == "[":
            for item in stream.array():
                number += 1
                yield f"enregistrement {number}", item
        elif first == "{":
            stream.pos += 1
            whole: dict[str, Any] = {}
            listed = False
            char = stream.peek()
            while char != "}":
                if char != '"':
                    raise stream.error("Expecting property name enclosed in double quotes")
                key = stream.value()
                stream.expect(":", "Expecting ':' delimiter")
                if key in list_keys and stream.peek() == "[":
                    listed = True
                    for item in stream.array():
                        number += 1
                        yield f"enregistrement {number}", item
                else:
                    whole[key] = stream.value()
                char = stream.peek()
                if char == ",":
                    stream.pos += 1
                    char = stream.peek()
                elif char != "}":
                    raise stream.error("Expecting ',' delimiter" if char else "Unterminated object")
            stream.pos += 1
            if not listed:
                yield "enregistrement 1", whole
        else:
            raise ImportFailure(path, "JSON inattendu : une liste d'enregistrements est attendue.")
        stream.end()


def _is_json_lines(path: Path, encoding: str) -> bool:
    """An object alone on the first line, and more after it."""
    with path.open(encoding=encoding) as handle:
        first = ""
        while not first.strip():
            first = handle.readline(FIRST_LINE_LIMIT)
            if not first:
                return False
        if not first.lstrip().startswith("{") or not first.endswith("\n"):
            return False
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return False
        return any(line.strip() for line in handle)


def _json_lines(path: Path, encoding: str) -> Iterator[tuple[str, Any]]:
    with path.open(encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if "\x00" in line:
                raise ImportFailure(path, _NUL_MESSAGE)
            try:
                yield f"ligne {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFailure(path, _message(exc.msg), f"ligne {number}") from None
