"""Publication dates: metadata values, the seed header marker, HTML meta and datelines.

Every function here returns a date only when the input states a full date (day, month
and year): a missing year is never guessed, relative words ("tomorrow") and impossible
dates ("2025-02-30") are not dates, and a file's modification time is never consulted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from index.models import DateSource
from index.timevocab import MONTH_SPELLINGS, month_of

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = [
    "Dated",
    "UNDATED",
    "parse_date_value",
    "split_header_marker",
    "html_meta_date",
    "dateline_date",
]

_MIN_YEAR, _MAX_YEAR = 1000, 2200  # outside this a "date" is a typo or a placeholder


@dataclass(frozen=True)
class Dated:
    published: dt.date | None
    source: DateSource


UNDATED = Dated(None, "none")

# --- metadata values --------------------------------------------------------------

_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:$|[T ])")
_MAX_VALUE_LEN = 64  # longer strings are prose, not a date field


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)  # record files repeat the same few thousand dates
def parse_date_value(value: str) -> dt.date | None:
    """The calendar date a metadata value states, or None if it states no full date.

    ISO dates and datetimes (the date is taken as written, in its own zone), YYYYMMDD,
    and written forms such as "Feb 26, 1987" or "26 February 1987" are accepted.
    """
    value = value.strip()
    if not value or len(value) > _MAX_VALUE_LEN:
        return None
    for pattern in (_ISO_DATE_RE, _COMPACT_RE):
        m = pattern.match(value)
        if m:
            day = _make_date(int(m[1]), int(m[2]), int(m[3]))
            # A datetime must still be a valid one: "2025-02-19T99:99" is garbage.
            if day is None or len(value) == m.end() or _strict_datetime(value):
                return day
            return None
    return _written_date(value)


def _strict_datetime(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return _written_date(value) is not None


_DEFAULTS = (dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2))


def _written_date(value: str) -> dt.date | None:
    """dateutil's strict (non-fuzzy) parser. Parsing against two different defaults shows
    whether the year, month and day all came from the text rather than the default."""
    if not any(ch.isdigit() for ch in value):
        return None  # "tomorrow", "today", "n/a": no digits, no date
    from dateutil import parser

    try:
        a, b = (parser.parse(value, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None  # some part of the date was missing
    return _make_date(a.year, a.month, a.day)


# --- the seed header marker --------------------------------------------------------

_HEADER_RE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|[ \t]*(?:\n|$))")


def split_header_marker(text: str) -> tuple[dt.date | None, str]:
    """Strip a leading " date YYYY-MM-DD " marker; the body continues after it.

    An invalid date in a marker still removes the marker (it is not article text).
    Returns (date or None, rest of the text); the text is unchanged without a marker.
    """
    m = _HEADER_RE.match(text)
    if m is None:
        return None, text
    return parse_date_value(m[1]), text[m.end():]


# --- datelines ---------------------------------------------------------------------

_MONTH = MONTH_SPELLINGS
_DATELINE_RE = re.compile(
    rf"""(?x)^\s*
    (?:[A-Z\u00c0-\u00de][^\n\d()]{{0,60}}?,\s*)?    # place: "KYIV," "BAHIA BLANCA, Argentina,"
    (?:
        (?P<m1>(?i:{_MONTH}))\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
      | (?P<d2>\d{{1,2}})\s+(?P<m2>(?i:{_MONTH}))\.?,?\s+(?P<y2>\d{{4}})
    )
    \s*(?:\([^()\n]{{1,40}}\)\s*)?                      # "(Reuters)"
    [-\u2013\u2014:]
    """
)


def dateline_date(body: str) -> dt.date | None:
    """The date of a dateline that opens the body, e.g. "KYIV, March 14, 2025 (Reuters) -".

    Only a full date with a year counts: "BAHIA BLANCA, Feb 26 -" gives None.
    """
    m = _DATELINE_RE.match(body[:200])
    if m is None:
        return None
    month = m["m1"] or m["m2"]
    day = m["d1"] or m["d2"]
    year = m["y1"] or m["y2"]
    return _make_date(int(year), month_of(month), int(day))


# --- HTML meta ---------------------------------------------------------------------

# Ranked: the first kind found wins, whatever its position in the page.
_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "date_published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dcterms.issued",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "date",
)
_META_RANK = {key: i for i, key in enumerate(_META_KEYS)}
_JSONLD_MAX_NODES = 10_000


def html_meta_date(tree: HtmlElement) -> dt.date | None:
    """The publication date an HTML page declares, from (in order) meta tags,
    JSON-LD ``datePublished`` and ``<time datetime>``. Never guessed from text or URL."""
    for found in (_meta_tag_date, _jsonld_date, _time_element_date):
        day = found(tree)
        if day is not None:
            return day
    return None


def _meta_tag_date(tree: HtmlElement) -> dt.date | None:
    best: tuple[int, dt.date] | None = None
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        rank = _META_RANK.get(key.strip())
        if rank is None or (best is not None and best[0] <= rank):
            continue
        day = parse_date_value(meta.get("content") or "")
        if day is not None:
            best = (rank, day)
    return best[1] if best else None


def _jsonld_date(tree: HtmlElement) -> dt.date | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        day = _find_date_published(data)
        if day is not None:
            return day
    return None


def _find_date_published(data: object) -> dt.date | None:
    """Breadth-first through @graph, lists and nested objects; iterative, so a deeply
    nested document cannot exhaust the stack."""
    queue = [data]
    for node in queue:
        if len(queue) > _JSONLD_MAX_NODES:
            return None
        if isinstance(node, dict):
            value = node.get("datePublished")
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str) and (day := parse_date_value(v)) is not None:
                    return day
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, (dict, list)))
    return None


def _time_element_date(tree: HtmlElement) -> dt.date | None:
    times = [t for t in tree.iter("time") if t.get("datetime")]
    # A <time> marked as the publication date beats the first one on the page.
    marked = [t for t in times if t.get("pubdate") is not None
              or (t.get("itemprop") or "").lower() == "datepublished"]
    for t in (*marked, *times):
        day = parse_date_value(t.get("datetime") or "")
        if day is not None:
            return day
    return None
