"""Plain text and Markdown files: one article per file, title from the first line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from index.clean import clean_text, normalize_line, normalize_text
from index.models import Article, Skipped
from index.pubdate import split_header_marker
from index.read.fields import (
    drop_title_repeat,
    first_sentence_title,
    looks_like_title,
    metadata_date,
    pick_date,
)
from index.read.source import decode, read_all

_MD_TITLE_RE = re.compile(r"^#\s+(.+?)(?:\s+#+)?\s*$")
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}(?:```|~~~).*$", re.M), ""),  # code fences
    (re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$", re.M), ""),  # horizontal rules
    (re.compile(r"^\s{0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$", re.M), r"\n\1\n"),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"^(\s*)[-*+]\s+", re.M), r"\n\1"),  # bullets: each its own paragraph
)
_MD_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"), ""),  # images
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
_FRONT_LINE_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)


def read_text_file(path: Path, gz: bool, origin: str, markdown: bool) -> Iterator[Article | Skipped]:
    text = normalize_text(decode(read_all(path, gz)))
    fields: dict[str, str] = {}
    if markdown:
        fields, text = _front_matter(text)
    marker_date, text = split_header_marker(text)
    title, body = _split_title(text, markdown)
    if markdown:
        body = _strip_markdown(body)
    cleaned = clean_text(body).text
    if not cleaned:
        if not title:
            yield Skipped(origin, "no article text")
            return
        cleaned = title
    date_key, meta_date = metadata_date(fields)
    dated = pick_date(meta_date, marker_date, None, cleaned)
    if fields.get("title"):
        title = normalize_line(fields["title"])
    used = {"title", "url", "source", date_key}
    yield Article(
        origin=origin,
        title=title or first_sentence_title(cleaned),
        text=cleaned,
        source=fields.get("source") or path.name,
        url=fields.get("url") or None,
        published=dated.published,
        date_source=dated.source,
        meta={k: v for k, v in fields.items() if k not in used},
    )


def _split_title(text: str, markdown: bool) -> tuple[str | None, str]:
    """A title line at the top (a Markdown "# Heading", or a short unpunctuated first
    paragraph), with its repeat on the next line dropped; else (None, text)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, text
    line = lines[first].strip()
    heading = _MD_TITLE_RE.match(line) if markdown else None
    if heading:
        candidate = _strip_markdown(heading[1], inline_only=True)
    elif (first + 1 == len(lines) or not lines[first + 1].strip()) and looks_like_title(line):
        candidate = line
    else:
        return None, text
    title = normalize_line(candidate)
    if not clean_text(title).text:
        return None, text  # a widget line such as "Share" is not a title
    rest = drop_title_repeat(lines[first + 1:], title)
    return title, "\n".join(rest)


def _strip_markdown(text: str, inline_only: bool = False) -> str:
    for pattern, repl in _MD_INLINE_RULES if inline_only else (*_MD_RULES, *_MD_INLINE_RULES):
        text = pattern.sub(repl, text)
    return text


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (no YAML library: nothing nested is needed)."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return {}, text
    fields = {k.lower(): v.strip("\"'") for k, v in _FRONT_LINE_RE.findall(m[1]) if v}
    return fields, text[m.end():]
