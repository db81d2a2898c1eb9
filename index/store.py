"""SQLite, the record of articles, passages and their dates, with FTS5 for keywords."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import IndexCorrupt
from index.eventspan import day_number as _day
from index.eventspan import event_rows
from index.faults import fault_point
from index.filters import (
    Filter,
    filter_sql,
    marks,
    placed_from,
    published_sql,
    published_within_sql,
    reported_sql,
)
from index.models import Article, Passage
from index.rows import (
    NewPassage,
    article_from_row,
    date_from_text,
    dates_to_json,
    passage_from_row,
    quotes_to_json,
)
from index.schema import SCHEMA
from index.spelling import spellings

if TYPE_CHECKING:
    import numpy as np

CACHE_ENTRIES = 50_000  # derived values kept per generation (mostly question words' counts)
# Passages a word is counted up to. A word in more of them is "common": BM25 scores every row a
# word matches, so at 1M+ passages such a word costs tens of ms while adding little (low idf).
COMMON_WORD_DOCS = 20_000
# What ``index.rows.passage_from_row`` reads, in its order.
PASSAGE_COLUMNS = "passage_id, article_id, ordinal, start, end, text, event_dates, timeline_date, quotes"



@dataclass(frozen=True)
class Counts:
    articles: int
    passages: int
    dated_articles: int
    undated_articles: int


class Store:
    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        # One connection per thread: the app searches from a pool of threads; WAL lets them
        # read while a build writes, and each sees a committed state.
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._derived: tuple[int, dict] = (-1, {})  # see _cached
        conn = self.conn
        try:
            if create:
                conn.executescript(SCHEMA)
            conn.execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.DatabaseError as err:
            self.close()
            raise IndexCorrupt(f"{path.name} is not a readable index database ({err}); "
                               "run `python -m index build --rebuild ...`") from err

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
            except sqlite3.DatabaseError as err:
                raise IndexCorrupt(f"{self.path.name} is not a readable index database ({err}); "
                                   "run `python -m index build --rebuild ...`") from err
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    # -- meta ---------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    # -- lookups used by the build ------------------------------------------
    def article_id_for_origin(self, origin: str) -> str | None:
        row = self.conn.execute("SELECT article_id FROM articles WHERE origin = ?", (origin,)).fetchone()
        return row[0] if row else None

    def article_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT article_id FROM articles")}

    def has_article(self, article_id: str) -> bool:
        q = "SELECT 1 FROM articles WHERE article_id = ?"
        return self.conn.execute(q, (article_id,)).fetchone() is not None

    def passage_ids_of(self, article_id: str) -> list[int]:
        q = "SELECT passage_id FROM passages WHERE article_id = ? ORDER BY ordinal"
        return [r[0] for r in self.conn.execute(q, (article_id,))]

    def _rows_in(self, select: str, column: str, values: Iterable[object]) -> Iterator[tuple]:
        """``select ... WHERE column IN (values)``, in slices under SQLite's variable limit."""
        values = list(dict.fromkeys(values))
        for i in range(0, len(values), 500):
            part = values[i:i + 500]
            yield from self.conn.execute(f"{select} WHERE {column} IN ({marks(part)})", part)

    def ids_by_text_hash(self, hashes: Iterable[str]) -> dict[str, int]:
        return dict(self._rows_in("SELECT text_hash, passage_id FROM passages", "text_hash", hashes))

    def all_passage_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT passage_id FROM passages")]

    # -- the one write: a batch in one transaction ----------------------------
    def commit_batch(self, *, remove_articles: Sequence[str], articles: Sequence[Article],
                     passages: Sequence[NewPassage], meta: dict[str, str]) -> None:
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            for article_id in remove_articles:
                self._delete_article(article_id)
            c.executemany(
                "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
                [(a.article_id, a.origin, a.title, a.text, a.source, a.url,
                  a.published.isoformat() if a.published else None, a.date_source,
                  json.dumps(dict(a.meta), ensure_ascii=False)) for a in articles],
            )
            titles = {a.article_id: a.title for a in articles}
            c.executemany(
                "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(p.passage_id, p.article_id, p.ordinal, p.start, p.end, p.text, p.text_hash,
                  p.timeline_date.isoformat() if p.timeline_date else None,
                  dates_to_json(p.event_dates), quotes_to_json(p.quotes)) for p in passages],
            )
            c.executemany("INSERT OR IGNORE INTO speakers VALUES (?,?,?)",
                          [(p.passage_id, name, surname(name)) for p in passages
                           for name in dict.fromkeys(q.speaker for q in p.quotes if q.speaker)])
            c.executemany("INSERT OR IGNORE INTO passage_events VALUES (?,?,?)",
                          [r for p in passages for r in event_rows(p.passage_id, p.event_dates)])
            c.executemany("INSERT INTO passages_fts(rowid, title, text) VALUES (?,?,?)",
                          [(p.passage_id, titles[p.article_id], p.text) for p in passages])
            c.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", list(meta.items()))
            fault_point("sqlite-commit")
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def _delete_article(self, article_id: str) -> None:
        c = self.conn
        rows = c.execute(
            "SELECT p.passage_id, a.title, p.text FROM passages p JOIN articles a USING(article_id) "
            "WHERE article_id = ?", (article_id,)).fetchall()
        c.executemany("INSERT INTO passages_fts(passages_fts, rowid, title, text) "
                      "VALUES ('delete', ?, ?, ?)", rows)
        c.execute("DELETE FROM speakers WHERE passage_id IN "
                  "(SELECT passage_id FROM passages WHERE article_id = ?)", (article_id,))
        c.execute("DELETE FROM passage_events WHERE passage_id IN "
                  "(SELECT passage_id FROM passages WHERE article_id = ?)", (article_id,))
        c.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        c.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))

    # -- reads ----------------------------------------------------------------
    def counts(self) -> Counts:
        articles, dated = self.conn.execute(
            "SELECT count(*), count(published) FROM articles").fetchone()
        (passages,) = self.conn.execute("SELECT count(*) FROM passages").fetchone()
        return Counts(articles, passages, dated, articles - dated)

    def date_span(self) -> tuple[dt.date | None, dt.date | None]:
        # min() and max() of one indexed column each: four index seeks, not a scan of 2N rows.
        ends = [self.conn.execute(f"SELECT {fn}({col}) FROM {table}").fetchone()[0]
                for fn in ("min", "max")
                for table, col in (("articles", "published"), ("passages", "timeline_date"))]
        lows, highs = [d for d in ends[:2] if d], [d for d in ends[2:] if d]
        return date_from_text(min(lows) if lows else None), date_from_text(max(highs) if highs else None)

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        q = f"SELECT {PASSAGE_COLUMNS} FROM passages"
        return {row[0]: passage_from_row(row) for row in self._rows_in(q, "passage_id", ids)}

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        return {row[0]: article_from_row(row) for row in self._rows_in("SELECT * FROM articles",
                                                               "article_id", ids)}

    def article_passages(self, article_id: str) -> list[Passage]:
        q = f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id = ? ORDER BY ordinal"
        return [passage_from_row(r) for r in self.conn.execute(q, (article_id,))]

    def neighbours(self, passage_id: int) -> tuple[Passage | None, Passage | None]:
        row = self.conn.execute("SELECT article_id, ordinal FROM passages WHERE passage_id = ?",
                                (passage_id,)).fetchone()
        if row is None:
            return None, None
        q = f"SELECT {PASSAGE_COLUMNS} FROM passages WHERE article_id = ? AND ordinal = ?"
        before = self.conn.execute(q, (row[0], row[1] - 1)).fetchone()
        after = self.conn.execute(q, (row[0], row[1] + 1)).fetchone()
        return (passage_from_row(before) if before else None), (passage_from_row(after) if after else None)

    def published_days(self, flt: Filter) -> list[tuple[dt.date, int]]:
        """Each day articles were published on within the filter's dates and sources, with
        how many: one pass over the publication index."""
        where, args = published_sql(flt)
        q = f"SELECT published, COUNT(*) FROM articles a WHERE {where} GROUP BY published"
        return [(dt.date.fromisoformat(d), n) for d, n in self.conn.execute(q, args)]

    def leads_on(self, day: dt.date, flt: Filter, limit: int) -> list[int]:
        """The first passages of up to ``limit`` articles published on ``day`` (within the
        filter's sources), the article with the most passages first."""
        where, args = published_sql(replace(flt, date_from=day, date_to=day))
        q = (f"SELECT (SELECT passage_id FROM passages p WHERE p.article_id = a.article_id "
             "ORDER BY ordinal LIMIT 1) AS lead, (SELECT COUNT(*) FROM passages p "
             "WHERE p.article_id = a.article_id) AS size FROM articles a "
             f"WHERE {where} AND lead IS NOT NULL ORDER BY size DESC, a.article_id LIMIT ?")
        return [r[0] for r in self.conn.execute(q, [*args, limit])]

    def filtered_ids(self, flt: Filter) -> list[int]:
        return self.filtered_id_array(flt).tolist()

    def filtered_id_array(self, flt: Filter) -> np.ndarray:
        """Passage ids a filter allows, as int64. A date range alone (the common case) is cut
        from an in-memory date-sorted column, ~microseconds even when it allows 500k of 1.15M
        passages (SQL returning those rows to Python takes ~100 ms)."""
        import numpy as np

        if flt.sources or flt.speakers:
            sql, args = filter_sql(flt)
            q = f"SELECT p.passage_id FROM passages p JOIN articles a USING(article_id) WHERE {sql}"
            return np.fromiter((r[0] for r in self.conn.execute(q, args)), dtype=np.int64)
        if flt.undated:
            return self._date_column()[2].copy()
        days, ids, _ = self._date_column()
        lo = np.searchsorted(days, _day(flt.date_from), "left") if flt.date_from else 0
        hi = np.searchsorted(days, _day(flt.date_to), "right") if flt.date_to else len(days)
        if not flt.by_events:
            return ids[lo:hi].copy()
        # and those placed outside the range that report an event in it or were published in it
        events = self.event_ids(flt.date_from, flt.date_to)
        events = events[~np.isin(events, ids[lo:hi], kind="table")]  # no sort of a year's ids
        found = [ids[lo:hi], self.reporting(events, flt)]
        if flt.date_from:
            early = self.published_early(flt)
            found.append(early[~np.isin(early, found[1])])
        return np.concatenate(found)

    def event_ids(self, date_from: dt.date | None, date_to: dt.date | None) -> np.ndarray:
        """Passages that name an event lying wholly inside [date_from, date_to] (open ends
        allowed): one indexed range scan on the event's first day."""
        import numpy as np

        lo = _day(date_from) if date_from else -(10 ** 9)
        hi = _day(date_to) if date_to else 10 ** 9
        q = ("SELECT DISTINCT passage_id FROM passage_events "
             "WHERE start_day BETWEEN ? AND ? AND end_day <= ?")
        return np.fromiter((r[0] for r in self.conn.execute(q, (lo, hi, hi))), dtype=np.int64)

    def published_early(self, flt: Filter) -> np.ndarray:
        """Passages published in the filter's range (``date_from`` set) but placed on one of the
        days just before it. A passage is placed before its article appeared only on a day it,
        or its article's lead, states ("sent to the ICU on Monday"): so only the articles with
        such an event are looked at, not every passage of those days (at 1.15M passages and a
        30-day range ~3 ms against ~25)."""
        import numpy as np

        assert flt.date_from is not None
        first = placed_from(flt.date_from)
        within, args = published_within_sql(flt)
        q = ("SELECT p.passage_id FROM passages p WHERE p.article_id IN (SELECT s.article_id "
             "FROM passage_events e JOIN passages s ON s.passage_id = e.passage_id "
             "WHERE e.start_day BETWEEN ? AND ? AND e.end_day = e.start_day) "
             f"AND p.timeline_date >= ? AND p.timeline_date < ? AND {within}")
        rows = self.conn.execute(q, [_day(first), _day(flt.date_from) - 1, first.isoformat(),
                                     flt.date_from.isoformat(), *args])
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def reporting(self, ids: np.ndarray, flt: Filter) -> np.ndarray:
        """Those of ``ids`` (passages naming an event of the range, placed outside it) whose
        article could report it (``reported_sql``). A few thousand at most: through a join,
        the check over every event of a year took 1.3 s at 1.15M passages."""
        import numpy as np

        if not flt.date_from or not len(ids):
            return ids
        condition, args = reported_sql(flt)
        q = f"SELECT p.passage_id FROM passages p WHERE p.passage_id IN ({{}}) AND {condition}"
        found: list[int] = []
        for i in range(0, len(ids), 900):  # under SQLite's limit on parameters
            part = [int(x) for x in ids[i:i + 900]]
            found += (r[0] for r in self.conn.execute(q.format(marks(part)), [*part, *args]))
        return np.array(found, dtype=np.int64)

    def _date_column(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(day numbers, passage ids) of dated passages, sorted by date, and the undated ids;
        reloaded when a build commits a new generation (one cheap meta lookup per call)."""
        import numpy as np

        cache = self._cached()
        if "dates" in cache:
            return cache["dates"]
        rows = self.conn.execute("SELECT timeline_date, passage_id FROM passages "
                                 "WHERE timeline_date IS NOT NULL ORDER BY timeline_date")
        days, ids = [], []
        for d, pid in rows:
            days.append(d)
            ids.append(pid)
        day_arr = (np.array(days, dtype="datetime64[D]").astype(np.int64) if days
                   else np.zeros(0, np.int64))
        undated = np.fromiter((r[0] for r in self.conn.execute(
            "SELECT passage_id FROM passages WHERE timeline_date IS NULL")), dtype=np.int64)
        column = cache["dates"] = (day_arr, np.array(ids, dtype=np.int64), undated)
        return column

    def sources(self) -> list[str]:
        q = "SELECT source FROM articles GROUP BY source ORDER BY count(*) DESC, source"
        return [r[0] for r in self.conn.execute(q)]

    def speaker_counts(self, limit: int | None = None) -> list[tuple[str, int]]:
        """Speakers by the number of passages they speak in, most quoted first (cached per
        generation: the page's facet and every question's speaker reading ask for it)."""
        cache = self._cached()
        if "speakers" not in cache:
            q = ("SELECT speaker, count(*) AS n FROM speakers GROUP BY speaker "
                 "ORDER BY n DESC, speaker")
            cache["speakers"] = [(r[0], int(r[1])) for r in self.conn.execute(q)]
        found = cache["speakers"]
        return found[:limit] if limit is not None else list(found)

    def speakers_named(self, name: str) -> list[str]:
        """Stored speakers a name written in a question may mean: the same full name, else the
        same surname ("Kallas" -> "Kaja Kallas"), most quoted first. A surname alone means
        every speaker of that surname, one stored as "Kallas" too: an article that never gives
        her full name stores her so, and must not hide the ones that do."""
        rows = self.conn.execute("SELECT speaker, count(*) AS n FROM speakers WHERE surname = ? "
                                 "GROUP BY speaker ORDER BY n DESC, speaker", (surname(name),))
        found = [r[0] for r in rows]
        if len(name.split()) < 2:
            return found
        exact = [s for s in found if s.lower() == " ".join(name.split()).lower()]
        return exact or found

    def doc_freq(self, word: str, *, cap: int = COMMON_WORD_DOCS) -> int:
        """Passages containing ``word`` (stemmed as FTS5 does), counted up to ``cap``."""
        expr = or_query(fts_words(word))
        if not expr:
            return 0
        # Every question counts its words; a common word costs ~10 ms at 1M passages.
        cache = self._cached()
        key = ("df", expr, cap)
        if key not in cache:
            q = "SELECT count(*) FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)"
            cache[key] = int(self.conn.execute(q, (expr, cap)).fetchone()[0])
        return cache[key]

    def _generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _cached(self) -> dict:
        """Values derived from the rows, kept until a build commits a new generation (one cheap
        meta lookup per call); emptied, too, when it outgrows CACHE_ENTRIES."""
        gen = self._generation()
        cached_gen, cache = self._derived
        if cached_gen != gen or len(cache) > CACHE_ENTRIES:
            cache = {}
            self._derived = (gen, cache)
        return cache

    @contextmanager
    def read_snapshot(self) -> Iterator[int]:
        """Reads on this thread see one committed state until the block ends; yields its
        generation. Nested blocks share the outer one."""
        conn = self.conn
        if conn.in_transaction:
            yield self._generation()
            return
        conn.execute("BEGIN")
        try:
            yield self._generation()
        finally:
            conn.execute("COMMIT")  # nothing was written: this only ends the snapshot

    def keyword_search(self, query: str, k: int, flt: Filter | None = None
                       ) -> list[tuple[int, float]]:
        """BM25 over title and text; any-term match, rarer terms weigh more. Common words are
        left out when the question has others (only large corpora have common words)."""
        words = fts_words(query)
        rare = [w for w in words if self.doc_freq(w) < COMMON_WORD_DOCS]
        expr = or_query(rare or words)
        if not expr:
            return []
        if flt is not None and flt.active:
            sql, args = filter_sql(flt)
            q = (f"SELECT f.rowid, bm25(passages_fts, 0.5, 1.0) AS s FROM passages_fts f "
                 f"JOIN passages p ON p.passage_id = f.rowid JOIN articles a USING(article_id) "
                 f"WHERE passages_fts MATCH ? AND {sql} ORDER BY s LIMIT ?")
            rows = self.conn.execute(q, [expr, *args, k])
        else:
            q = ("SELECT rowid, bm25(passages_fts, 0.5, 1.0) AS s FROM passages_fts "
                 "WHERE passages_fts MATCH ? ORDER BY s LIMIT ?")
            rows = self.conn.execute(q, (expr, k))
        return [(int(r[0]), -float(r[1])) for r in rows]

    def phrase_texts(self, phrase: str, limit: int, flt: Filter | None = None) -> list[str]:
        """Texts of the latest passages (by timeline date) holding ``phrase``'s words in order,
        up to ``limit``: where the sources name an office, the name after it is read."""
        words = _FTS_TOKEN.findall(phrase.lower())
        if not words:
            return []
        sql, args = filter_sql(flt) if flt is not None and flt.active else ("1", [])
        q = (f"SELECT p.text FROM passages_fts f JOIN passages p ON p.passage_id = f.rowid "
             f"JOIN articles a USING(article_id) WHERE passages_fts MATCH ? AND {sql} "
             f"ORDER BY p.timeline_date DESC LIMIT ?")
        return [r[0] for r in self.conn.execute(q, ['"' + " ".join(words) + '"', *args, limit])]

    def iter_articles(self) -> Iterator[tuple[Article, int]]:
        q = ("SELECT a.*, (SELECT count(*) FROM passages p WHERE p.article_id = a.article_id) "
             "FROM articles a ORDER BY published IS NULL, published, title")
        for row in self.conn.execute(q):
            yield article_from_row(row[:9]), int(row[9])


_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset(
    """a an and are as at be by did do does for from had has have he her his how i in is it its
    of on or she so that the their them they this to was were what when where which who whom why
    will with would about said say says""".split()
)


def fts_words(text: str) -> list[str]:
    """The text's distinct searchable words, lower-cased, stopwords out."""
    return list(dict.fromkeys(w for w in _FTS_TOKEN.findall(text.lower()) if w not in STOPWORDS))


def or_query(words: Sequence[str]) -> str:
    """An FTS5 OR-query of the words in either spelling ("defence", "defense"), each quoted so
    none is read as syntax."""
    return " OR ".join(f'"{s}"' for w in words for s in spellings(w))


def surname(name: str) -> str:
    """The key a question's name is matched on: the last word, lower-cased ("kallas")."""
    words = name.replace("’", "'").split()
    return words[-1].lower().removesuffix("'s") if words else ""
