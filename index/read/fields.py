"""The fields every reader fills the same way: a title, and the publication date by trust."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from index.pubdate import UNDATED, Dated, dateline_date, parse_date_value

TITLE_MAX = 250  # a longer first paragraph is body text, not a title
_FALLBACK_TITLE_MAX = 100
DATE_KEYS = ("date", "published", "publish_date", "published_at", "date_published", "pubdate")

_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$|[,;:]$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


def looks_like_title(line: str) -> bool:
    return 0 < len(line) < TITLE_MAX and _SENTENCE_END_RE.search(line) is None


def _same_title(a: str, b: str) -> bool:
    def canon(s: str) -> str:
        return " ".join(s.translate(_QUOTES).casefold().split()).strip(" .:-–—|")

    return canon(a) == canon(b)


def drop_title_repeat(lines: list[str], title: str) -> list[str]:
    """The lines without a first non-blank line that only repeats the title."""
    for i, line in enumerate(lines):
        if line.strip():
            return lines[:i] + lines[i + 1:] if _same_title(line, title) else lines
    return lines


_ABBREV_RE = re.compile(
    r"(?:\b(?:[A-Z]\.)*[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Prof"
    r"|Inc|Corp|Co|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)
_SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[\"'“‘(\[A-Z0-9])")


def first_sentence_title(text: str) -> str:
    """Fallback title: the opening sentence, cut at a word boundary with "…" if long.
    Always quoted text, never a summary."""
    para = text.split("\n\n", 1)[0]
    end = len(para)
    for m in _SENTENCE_BREAK_RE.finditer(para):
        if m.group()[0] != "." or not _ABBREV_RE.search(para, 0, m.start()):
            end = m.end()
            break
    sentence = para[:end].strip()
    if len(sentence) <= _FALLBACK_TITLE_MAX:
        return sentence
    cut = sentence[: _FALLBACK_TITLE_MAX - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def metadata_date(record: Mapping[str, object]) -> tuple[str | None, dt.date | None]:
    """(key, date) of the first date field that holds a valid full date."""
    for key in DATE_KEYS:
        value = record.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            day = parse_date_value(str(value))
            if day is not None:
                return key, day
    return None, None


def pick_date(
    metadata: dt.date | None, header: dt.date | None, html_meta: dt.date | None, body: str
) -> Dated:
    """The first date found, in order of trust: metadata, header marker, HTML meta, dateline."""
    if metadata is not None:
        return Dated(metadata, "metadata")
    if header is not None:
        return Dated(header, "header")
    if html_meta is not None:
        return Dated(html_meta, "html-meta")
    day = dateline_date(body)
    return Dated(day, "dateline") if day else UNDATED
