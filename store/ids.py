"""Stable identifiers: the same source record always gets the same id."""

from __future__ import annotations

import hashlib

from .text import normalize


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=6).hexdigest()


def structure_id(
    source: str,
    source_id: str | None,
    nom: str,
    place: str | None = None,
) -> str:
    """Id from (source, source id), or from the normalised name and place when no source id.

    `place` is the INSEE code, commune or département: whatever locates the structure.
    """
    if source_id:
        return "s" + _digest(source, str(source_id))
    return "s" + _digest(source, "~", normalize(nom), normalize(place))


def service_id(structure_id: str, source_id: str | None, nom: str) -> str:
    if source_id:
        return "v" + _digest(structure_id, str(source_id))
    return "v" + _digest(structure_id, "~", normalize(nom))
