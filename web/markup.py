"""Untrusted text made safe for the page: every piece of article text passes through here.

Article text is untrusted. Every piece of it goes through ``esc`` (HTML-escaped, then the
characters Markdown or LaTeX would act on turned into numeric entities) before any markup of
ours (``<mark>``, ``<div>``) is put around it; the chat renders Markdown, so a ``[x](javascript:…)``
or ``![x](http://…)`` in an article must reach it as inert text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

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
    return mark_layers(text, spans, {})


def mark_layers(text: str, highlights: Sequence[tuple[int, int]],
                classed: Mapping[str, Sequence[tuple[int, int]]]) -> str:
    """``mark`` with more layers that may overlap it and each other: the pieces in a span of
    ``classed[name]`` go in <span class="name"> (a fixed class of ours, never article text),
    highlighted ones in <mark>. The text is cut at every span edge and each piece escaped on
    its own, so no span can break the markup."""
    def clip(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(a, b) for a, b in ((max(0, int(s)), min(len(text), int(e))) for s, e in spans)
                if a < b]

    layers = [clip(highlights)] + [clip(spans) for spans in classed.values()]
    names = list(classed)
    cuts = sorted({0, len(text), *(x for layer in layers for span in layer for x in span)})
    runs: list[tuple[int, int, tuple[bool, ...]]] = []  # equal neighbours merged
    for a, b in pairwise(cuts):
        flags = tuple(any(s <= a and b <= e for s, e in layer) for layer in layers)
        if runs and runs[-1][2] == flags:
            runs[-1] = (runs[-1][0], b, flags)
        else:
            runs.append((a, b, flags))
    out = []
    for a, b, (highlighted, *inside) in runs:
        piece = esc(text[a:b])
        if highlighted:
            piece = f"<mark>{piece}</mark>"
        for name, on in zip(names, inside, strict=True):
            if on:
                piece = f'<span class="{name}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def display_source(source: str) -> str:
    """An uploaded file's stored name shown as the slug the user will recognise."""
    m = _STORED_NAME.match(source)
    return f"{m['slug'] or 'upload'}{m['suffix']}" if m else source


def shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"

