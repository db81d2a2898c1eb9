"""The page's actions over one Bot, as plain functions: no Gradio here, so tests call them."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.answer import Answer, reordered
from bot.timeline import Timeline
from bot.understand import check_order, default_as_of, parse_day
from index.errors import BadQuery, TimelineError
from web.context import context_text
from web.exports import Exports
from web.followups import Session, resolve, subject_of
from web.plot import timeline_svg
from web.render import answer_html, hit_choices, stats_markdown, timeline_html
from web.uploads import ProgressFn, add_articles

if TYPE_CHECKING:
    from bot.engine import Bot

log = logging.getLogger("timeline-bot.web")


@dataclass(frozen=True)
class Filters:
    k: int = 8
    date_from: str = ""
    date_to: str = ""
    sources: tuple[str, ...] = ()
    order: str = "time"
    timeline: bool = False
    as_of: str = ""  # YYYY-MM-DD; empty: today, or the corpus' last date when it is old
    speakers: tuple[str, ...] = ()  # only passages where one of them speaks


@dataclass(frozen=True)
class Turn:
    """What one question produces for the page."""

    user: str  # the question as typed (plain text)
    html: str  # the assistant message
    session: Session
    plot: str
    choices: list[tuple[str, int]] = field(default_factory=list)
    csv_path: Path | None = None
    json_path: Path | None = None


class Handlers:
    """The app's actions over one Bot; the page wires them to Gradio, tests call them."""

    def __init__(self, bot: Bot, *, export_dir: Path | None = None) -> None:
        self.bot = bot
        # Uploads are serialized: one build at a time (the index's file lock guards other processes).
        self.update_lock = threading.Lock()
        self.exports = Exports(export_dir)

    @property
    def export_dir(self) -> Path:
        return self.exports.folder

    def close(self) -> None:
        """What the app leaves behind when it stops: nothing."""
        self.exports.close()

    # questions
    def ask(self, message: str, session: Session, filters: Filters) -> Turn:
        date_from = parse_day(filters.date_from, "From")
        date_to = parse_day(filters.date_to, "To")
        given = parse_day(filters.as_of, "As of")
        as_of = given or default_as_of(self.bot.date_span[1], dt.date.today())[0]
        r = resolve(message, session, known_sources=self.bot.stats().sources, as_of=as_of,
                    timeline_switch=filters.timeline)
        sources = r.sources if r.sources is not None else tuple(filters.sources)
        result: Answer | Timeline
        if r.mode == "timeline":
            result = self.bot.timeline(r.question, n_dates=filters.k, date_from=date_from,
                                       date_to=date_to, sources=sources, as_of=given,
                                       speakers=filters.speakers)
            body = timeline_html(result, r.note)
        else:
            result = self.bot.ask(r.question, k=filters.k, date_from=date_from, date_to=date_to,
                                  sources=sources, order=filters.order, as_of=given,
                                  speakers=filters.speakers)
            body = answer_html(result, r.note)
        new = Session(subject=subject_of(r.question, as_of), sources=r.sources or (), mode=r.mode,
                      result=result, note=r.note)
        csv_path, json_path = self.exports.write(result)
        return Turn(" ".join(message.split()), body, new, timeline_svg(result), hit_choices(result),
                    csv_path, json_path)

    def reorder(self, session: Session, order: str) -> tuple[Session, str | None]:
        """The last answer laid out in another order (None when there is nothing to redo)."""
        if not isinstance(session.result, Answer):
            return session, None
        result = reordered(session.result, check_order(order))
        return replace(session, result=result), answer_html(result, session.note)

    def context(self, passage_id: int | str | None, *, whole: bool = False) -> str:
        if passage_id in (None, ""):
            raise BadQuery("pick an excerpt first (ask a question, then choose its number)")
        try:
            pid = int(passage_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BadQuery("pick an excerpt from the list") from None
        ctx = self.bot.context(pid)
        if ctx is None:
            raise BadQuery("that excerpt is no longer in the index; ask again")
        return context_text(ctx, whole=whole)

    def stats(self) -> str:
        return stats_markdown(self.bot.stats())

    def sources(self) -> list[str]:
        return list(self.bot.stats().sources)

    def speakers(self) -> list[tuple[str, str]]:
        """The speakers facet: (label with the passage count, name), most quoted first."""
        return [(f"{name} ({n})", name) for name, n in self.bot.speakers()]

    # API: the same JSON as the CLI's --json
    def search_json(self, question: str, k: int = 8, date_from: str = "", date_to: str = "",
                    order: str = "relevance", as_of: str = "",
                    sources: Sequence[str] | None = (),
                    speakers: Sequence[str] | None = ()) -> dict[str, Any]:
        answer = self.bot.ask(question, k=int(k), date_from=parse_day(date_from, "from"),
                              date_to=parse_day(date_to, "to"), sources=tuple(sources or ()),
                              order=order or "relevance", as_of=parse_day(as_of, "as_of"),
                              speakers=tuple(speakers or ()))
        return answer.to_json()

    def timeline_json(self, topic: str, n: int = 8, as_of: str = "") -> dict[str, Any]:
        return self.bot.timeline(topic, n_dates=int(n), as_of=parse_day(as_of, "as_of")).to_json()

    # uploads
    def add_articles(self, files: Sequence[str | Path] | None,
                     progress: ProgressFn | None = None) -> dict[str, Any]:
        with self.update_lock:
            return add_articles(self.bot, files, progress)


def one_line(err: BaseException) -> str:
    """A TimelineError's own message on one line; anything else a generic one (logged in full)."""
    if isinstance(err, TimelineError):
        return " ".join(str(err).split()) or type(err).__name__
    log.exception("unexpected error in the app", exc_info=err)
    return "Something went wrong on the server (details are in its log); please try again."
