"""Ingest, clean, chunk, date, embed and store a corpus of news articles."""

from index.offline import switch_off as _switch_off

_switch_off()  # before any library is imported: index/offline.py says why
