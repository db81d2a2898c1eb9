"""What a question asks for: validated text, time range, sources, size and order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.answer import ORDERS, Order
from index.errors import BadQuery

MAX_QUESTION_CHARS = 500
MAX_K = 50


@dataclass(frozen=True)
class Request:
    question: str
    k: int = 8
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    order: Order = "relevance"


def validate(question: str, *, k: int = 8, date_from: dt.date | None = None,
             date_to: dt.date | None = None, sources: tuple[str, ...] = (),
             order: str = "relevance") -> Request:
    text = " ".join((question or "").split())
    if not text:
        raise BadQuery("the question is empty: type what you want to find")
    if len(text) > MAX_QUESTION_CHARS:
        raise BadQuery(f"the question is {len(text)} characters long; the limit is "
                       f"{MAX_QUESTION_CHARS}: shorten it")
    if not 1 <= k <= MAX_K:
        raise BadQuery(f"the number of results must be between 1 and {MAX_K}, not {k}")
    if date_from and date_to and date_from > date_to:
        raise BadQuery(f"--from {date_from} is after --to {date_to}")
    if order not in ORDERS:
        raise BadQuery(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    return Request(text, k, date_from, date_to, tuple(sources), order)  # type: ignore[arg-type]


def parse_day(value: str | None, flag: str) -> dt.date | None:
    """A YYYY-MM-DD filter value, or a clear error naming the flag."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadQuery(f"{flag} needs a date as YYYY-MM-DD, not {value!r}") from None
