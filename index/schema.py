"""The SQLite schema of an index, and its version: an index of another version is rebuilt."""

from __future__ import annotations

SCHEMA_VERSION = 3  # 2: passages carry their quotations (speakers table); 3: passage_events

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    article_id  TEXT PRIMARY KEY,
    origin      TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL,
    url         TEXT,
    published   TEXT,
    date_source TEXT NOT NULL,
    meta        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE TABLE IF NOT EXISTS passages (
    passage_id    INTEGER PRIMARY KEY,
    article_id    TEXT NOT NULL REFERENCES articles(article_id),
    ordinal       INTEGER NOT NULL,
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    text          TEXT NOT NULL,
    text_hash     TEXT NOT NULL,
    timeline_date TEXT,
    event_dates   TEXT NOT NULL,
    quotes        TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id, ordinal);
CREATE INDEX IF NOT EXISTS passages_timeline ON passages(timeline_date);
CREATE INDEX IF NOT EXISTS passages_hash ON passages(text_hash);
-- Who speaks in which passage (from passages.quotes): the speakers facet and filter.
CREATE TABLE IF NOT EXISTS speakers (
    passage_id INTEGER NOT NULL,
    speaker    TEXT NOT NULL,
    surname    TEXT NOT NULL,
    PRIMARY KEY (passage_id, speaker)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS speakers_name ON speakers(speaker);
CREATE INDEX IF NOT EXISTS speakers_surname ON speakers(surname);
-- The days each passage's event dates cover (index/eventspan.py), as day numbers: a date range
-- finds the passages that report an event inside it.
CREATE TABLE IF NOT EXISTS passage_events (
    passage_id INTEGER NOT NULL,
    start_day  INTEGER NOT NULL,
    end_day    INTEGER NOT NULL,
    PRIMARY KEY (passage_id, start_day, end_day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS passage_events_span ON passage_events(start_day, end_day);
-- Contentless: the text lives once, in passages; deletes pass the old values back.
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    title, text, content='', tokenize='porter unicode61 remove_diacritics 2'
);
"""
