"""Build and hold the index: a corpus of news articles made searchable by passage and date.

The build, in the order the data moves (``python -m index build``, ``index.build.build_index``):

  walk      index/ingest.py     files and folders, in sorted order, each file once
  read      index/read/         one module per format family (text.py: plain text and Markdown,
                                html.py, records.py: JSON Lines, JSON, CSV); source.py: bytes,
                                gzip caps and encodings; fields.py: titles and publication dates;
                                accept.py: "is this an article file" (uploads call it)
  clean     index/clean.py      boilerplate out, every story sentence kept (readers call it)
  prepare   index/prepare.py    chunk (index/chunk.py) and date each passage: the temporal
                                tagger (timevocab.py, the one vocabulary; timepatterns.py,
                                timehandlers.py, timetagger.py, timecalc.py, tense.py) and the
                                timeline day (dates.py); its quotations and speakers (quotes.py
                                and quote_*.py)
  embed     index/embed.py      text -> vectors; embed_text is what a passage is embedded as
  store     index/store.py      SQLite (schema.py: tables and version; rows.py: row <-> record;
                                filters.py: what a search is restricted to; eventspan.py: the
                                days an event date covers), index/vectors.py: FAISS,
                                index/indexdir.py: the directory, manifest and crash-safe commits

index/build.py runs these stages, reading and preparing the next batch in a thread
(index/pipeline.py) while the current one is embedded and stored, and reports seconds per stage
(index/timings.py). index/ray_build.py runs walk → read → prepare → embed as Ray stages and
hands their output to the same builder. The domain records are index/models.py.

Around it: settings.py reads the environment in one place; offline.py switches off every
library's network use before any is imported; analyse.py is ``python -m index analyse``.
"""

from index.offline import switch_off as _switch_off

_switch_off()  # before any library is imported: index/offline.py says why
