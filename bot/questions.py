"""Questions as a script sends them: arguments, or one per line on stdin, plain or JSON.

A JSON line is an object with ``question`` and any of ``as_of``, ``from``, ``to`` and
``sources``; what it leaves out comes from the command's flags. Every line is checked before
the model loads, so a typo on line 90 does not cost 89 answers' wait.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.understand import check_question, check_range, parse_day
from index.errors import BadQuery

FIELDS = ("question", "as_of", "from", "to", "sources")


@dataclass(frozen=True)
class Asked:
    """One question with the settings it is asked under."""

    question: str
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    as_of: dt.date | None = None


def read_questions(raw: Sequence[str], stdin: Iterable[str], defaults: Asked) -> list[Asked]:
    """``raw`` as given on the command line; '-' stands for the lines of ``stdin``."""
    out: list[Asked] = []
    for item in raw:
        if item != "-":
            out.append(replace(defaults, question=check_question(item)))
            continue
        for n, line in enumerate(stdin, 1):
            if line.strip():
                out.append(_line(line.strip(), n, defaults))
    return out


def _line(line: str, n: int, defaults: Asked) -> Asked:
    if not line.startswith("{"):
        return replace(defaults, question=check_question(line))
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadQuery(f"stdin line {n}: not a JSON object ({err.msg})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        raise BadQuery(f"stdin line {n}: a JSON line needs a \"question\" string")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise BadQuery(f"stdin line {n}: unknown field {unknown[0]!r}; known: {', '.join(FIELDS)}")
    sources = obj.get("sources", defaults.sources)
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list | tuple) or not all(isinstance(s, str) for s in sources):
        raise BadQuery(f"stdin line {n}: \"sources\" must be a list of source names")
    asked = Asked(
        question=check_question(obj["question"]),
        date_from=parse_day(obj["from"], f"line {n}: from") if "from" in obj else defaults.date_from,
        date_to=parse_day(obj["to"], f"line {n}: to") if "to" in obj else defaults.date_to,
        sources=tuple(sources),
        as_of=parse_day(obj["as_of"], f"line {n}: as_of") if "as_of" in obj else defaults.as_of)
    check_range(asked.date_from, asked.date_to)
    return asked
