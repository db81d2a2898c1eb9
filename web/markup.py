"""Untrusted text made safe for the page: every piece of article text passes through here.

Article text is untrusted. Every piece of it goes through ``esc`` (HTML-escaped, then the
characters Markdown or LaTeX would act on turned into numeric entities) before any markup of
ours (``<mark>``, ``<div>``) is put around it; the chat renders Markdown, so a ``[x](javascript:…)``
or ``![x](http://…)`` in an article must reach it as inert text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# An upload is stored as "<32 hex of its content hash>-<slug><suffix>": never the user's name
# as a path, yet the slug keeps the source readable ("kallas-interview.txt").
_STORED_NAME = re.compile(r"^[0-9a-f]{32}-(?P<slug>[a-z0-9-]*)(?P<suffix>(?:\.[a-z]+){1,2})$")

# html.escape's five characters, plus those Markdown (links, images, emphasis, code, tables),
# GFM autolinks and KaTeX act on, each turned into an entity in ONE pass (a second pass would
# re-escape the '#' and '&' of the first one's entities).
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_[](){}#!|~$:@^=+-"}


def esc(text: str) -> str:
    """Untrusted text -> inert HTML that Markdown leaves alone; line breaks kept as <br>."""
    out = text.replace("\r\n", "\n").translate(_ESCAPES)
    return out.replace("\n", "<br>")


def plain(text: str) -> str:
    """Untrusted text for a label or a one-line message: no markup characters at all."""
    return re.sub(r"[<>&\"'`\\\[\]()*_#!|~$]", "", " ".join(text.split()))


def mark(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape each piece of ``text`` first, then wrap the highlighted pieces in <mark>."""
    out, pos = [], 0
    for s, e in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if s < pos or e <= s:
            continue  # overlapping or empty span: never break the text for it
        out += [esc(text[pos:s]), "<mark>", esc(text[s:e]), "</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def display_source(source: str) -> str:
    """An uploaded file's stored name shown as the slug the user will recognise."""
    m = _STORED_NAME.match(source)
    return f"{m['slug'] or 'upload'}{m['suffix']}" if m else source


def shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"

