"""Descriptions written in Markdown for a web page, turned into readable plain text.

`## Pour qui ?`, `**gras**`, lists and links become lines a terminal or a printed fiche
shows as they are: the heading's words, « • » items, « texte (https://…) ». Raw HTML is
not interpreted (kept as text), links other than web, mail or phone ones keep only their
words, and the result is cleaned of control, escape and bidi characters.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .text import clean_display

_SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:)", re.IGNORECASE)
# A link the parser refused (javascript:, data:…) stays as text: keep only its words.
_REFUSED_LINK = re.compile(
    r"!?\[([^\]]*)\]\((?:javascript|vbscript|data|file):\S*?\)(?=\s|$|[.,;!?])", re.IGNORECASE
)
_MARKDOWN_HINT = re.compile(r"(^|\n)\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)|\*\*|__|\]\(|`")


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def looks_like_markdown(text: str | None) -> bool:
    return bool(text) and bool(_MARKDOWN_HINT.search(text or ""))


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    href: str | None = None
    start = 0
    for token in children:
        if token.type == "text":
            out.append(_REFUSED_LINK.sub(r"\1", token.content))
        elif token.type == "code_inline":
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n" if token.type == "hardbreak" else " ")
        elif token.type == "link_open":
            target = str(token.attrs.get("href") or "")
            href = target if _SAFE_LINK.match(target) else None
            start = len(out)
        elif token.type == "link_close":
            words = "".join(out[start:]).strip()
            if href and href.removeprefix("mailto:").removeprefix("tel:") not in words:
                out.append(f" ({href})")
            href = None
        elif token.type == "image":
            out.append(token.content)
    return "".join(out)


def to_plain(text: str | None) -> str:
    """Readable plain text of a Markdown description (plain text stays as it was)."""
    if not text:
        return ""
    if not looks_like_markdown(text):
        return clean_display(text).strip()
    lines: list[str] = []
    lists: list[list[int]] = []  # one counter per open list: [number] or [0] for bullets
    item_prefix: str | None = None
    quote = 0
    for token in _parser().parse(clean_display(text)):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "list_item_open":
            counter = lists[-1]
            indent = "  " * (len(lists) - 1)
            if counter[0]:
                item_prefix = f"{indent}{counter[0]}. "
                counter[0] += 1
            else:
                item_prefix = f"{indent}• "
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "inline":
            content = _inline(token.children or [])
            prefix = item_prefix or ("> " * quote)
            indent = " " * len(item_prefix) if item_prefix else prefix
            body = content.split("\n")
            lines.append(prefix + body[0])
            lines += [indent + rest for rest in body[1:]]
            item_prefix = None
        elif kind in ("fence", "code_block"):
            lines += ["  " + line for line in token.content.rstrip("\n").split("\n")]
            lines.append("")
        elif kind in ("paragraph_close", "heading_close") and not lists:
            lines.append("")
        elif kind == "hr":
            lines += ["———", ""]
    result: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (result and result[-1]):
            result.append(line)
    return "\n".join(result).strip()
