"""Ingest, clean, chunk, date, embed and store a corpus of news articles."""
