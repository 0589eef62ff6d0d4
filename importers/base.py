"""What every importer shares: the format description, options, errors, file sampling."""

from __future__ import annotations

import codecs
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from store.models import Reject, StructureRecord

SAMPLE_BYTES = 64 * 1024


class ImportFailure(Exception):
    """The file cannot be imported at all. The message is one French line naming the file."""

    def __init__(self, path: str | Path, message: str, where: str | None = None) -> None:
        self.path = str(path)
        self.where = where
        self.message = message
        location = f"{self.path}, {where}" if where else self.path
        super().__init__(f"{location} : {message}")


@dataclass
class ImportOptions:
    name: str | None = None  # --name: the structure's name for a page about one structure
    source: str | None = None  # --source: dataset name overriding the importer's default
    mapping: dict[str, str] = field(default_factory=dict)  # --map column=field
    strict: bool = False


@dataclass
class Sample:
    """The beginning of a file, to recognise its format by content."""

    path: Path
    head: bytes

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def text(self) -> str:
        """The head decoded leniently (UTF-8 with BOM, else cp1252)."""
        head = self.head
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        try:
            return head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut by the sample's end
                return head[: exc.start].decode("utf-8")
            return head.decode("cp1252", errors="replace")


Parsed = Iterator[StructureRecord | Reject]
Prepare = Callable[
    [sqlite3.Connection, list[StructureRecord]], tuple[list[StructureRecord], list[Reject]]
]


@dataclass(frozen=True)
class Format:
    name: str  # --format value
    label: str  # French, for messages
    detect: Callable[[Sample], float]  # confidence 0..1 that the sample is this format
    parse: Callable[[Path, ImportOptions], Parsed]
    # True when a file holds the whole of each source it names (absent ones get retired).
    complete: bool = True
    # Optional step with the store, between parsing and writing (e.g. attaching services to
    # structures already stored): returns the records to write and extra rejects.
    prepare: Prepare | None = None


# The longest line a text file may have (characters): a file with a longer one is refused
# rather than read whole into memory (a 1 MB gzip can hold gigabytes on one line).
MAX_LINE_CHARS = 4 * 1024 * 1024
_CHUNK = 1 << 20


def text_encoding(path: Path) -> str:
    """'utf-8-sig' or 'cp1252', found by reading the file in chunks (memory bounded);
    NUL bytes and undecodable files are refused."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252_ok, utf8_ok = True, True
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if b"\x00" in chunk:
                raise ImportFailure(
                    path, "le fichier contient des octets nuls : ce n'est pas du texte."
                )
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok and cp1252_ok:
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError:
                    cp1252_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if cp1252_ok:
        return "cp1252"
    raise ImportFailure(path, "encodage de texte non reconnu.")


def capped_lines(handle: TextIO, path: Path, limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of a text stream, refusing one longer than `limit` characters before it is
    read whole."""
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit:
            raise ImportFailure(
                path,
                f"ligne de plus de {limit} caractères : ce n'est pas un fichier de lignes.",
                f"ligne {number}",
            )
        yield line


def read_text(path: Path) -> str:
    """A text file's content: UTF-8 (BOM or not), else cp1252; NUL bytes are refused."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise ImportFailure(path, "le fichier contient des octets nuls : ce n'est pas du texte.")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFailure(path, "encodage de texte non reconnu.") from None


def first_char(path: Path) -> str:
    """The first character of a file that is not white space (after a BOM), "" if none:
    `[` or `{` for JSON."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    stripped = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return chr(stripped[0]) if stripped else ""
