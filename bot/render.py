"""Turning message segments into each platform's text, and splitting long messages.

The person's own words (quoted segments) are always escaped for the target
markup, so nothing they type can become formatting or a link.  Adapters call
these; none of them formats text on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bot.types import Choice, Segment

_MARKDOWN_SPECIAL = re.compile(r"([\\*_`~|>\[\]()#@<:-])")
# A web address in our own text (crisis line directories), up to the first space or
# closing bracket, without trailing sentence punctuation.
_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?]")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\n+")


def plain(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments)


def as_html(segments: Iterable[Segment]) -> str:
    """Telegram HTML: quoted words escaped and set in italics; our own text escaped too."""
    parts = []
    for s in segments:
        escaped = html.escape(s.text, quote=False)
        parts.append(f"<i>{escaped}</i>" if s.quoted and escaped.strip() else escaped)
    return "".join(parts)


def choice_lines(choices: Iterable[Choice]) -> list[str]:
    """Buttons as lines of text, for a platform without buttons (the terminal).

    A scale's buttons are shown, and typed, as themselves ("0  1 … 10  skip");
    the others are numbered by their position, which typing selects.
    """
    choices = list(choices)
    typed = [c.shortcut for c in choices if c.shortcut is not None]
    lines = ["  " + "  ".join(typed)] if typed else []
    numbered = [c for c in choices if c.shortcut is None]
    lines += [f"  {n}) {c.label}" for n, c in enumerate(numbered, start=1)]
    return lines


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _escape_keeping_links(text: str) -> str:
    """Escape Markdown, but leave web addresses whole so that they stay clickable
    (an escaped ``:`` or ``-`` stops Discord from making a link)."""
    parts = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(escape_markdown(text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)


def as_markdown(segments: Iterable[Segment]) -> str:
    """Discord Markdown: all text escaped (dialogue authors write plain text), the
    person's words set in italics and never made into links, ours keeping theirs."""
    parts = []
    for s in segments:
        if s.quoted:
            escaped = escape_markdown(s.text)
            parts.append(f"*{escaped}*" if s.text.strip() else escaped)
        else:
            parts.append(_escape_keeping_links(s.text))
    return "".join(parts)


def split_message(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at sentence ends where possible.

    Falls back to the last space, then to a hard cut, for a "sentence" longer
    than the limit; no character is lost or reordered.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max((m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit),
                  default=0)
        if cut == 0:
            space = window.rfind(" ", 0, limit)
            cut = space + 1 if space > 0 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:]
    if rest.strip() or not pieces:
        pieces.append(rest)
    return [p for p in pieces if p] or [""]
