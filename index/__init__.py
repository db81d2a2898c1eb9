"""Build and hold the index: a corpus of news articles made searchable by passage and date.

The build, in the order the data moves (``python -m index build``, ``index.build.build_index``):

  walk      index/ingest.py     files and folders, in sorted order, each file once
  read      index/read/         one module per format family (text.py: plain text and Markdown,
                                html.py, records.py: JSON Lines, JSON, CSV); source.py: bytes,
                                gzip caps and encodings; fields.py: titles and publication dates;
                                accept.py: "is this an article file" (uploads call it)
  clean     index/clean.py      boilerplate out, every story sentence kept (readers call it)
  prepare   index/prepare.py    chunk (index/chunk.py) and date (index/dates.py) each passage,
                                and give it its quotations and speakers (index/quotes.py)
  embed     index/embed.py      text -> vectors; embed_text is what a passage is embedded as
  store     index/store.py      SQLite (rows.py: row <-> record), index/vectors.py: FAISS,
                                index/indexdir.py: the directory, manifest and crash-safe commits

index/build.py runs these stages, reading and preparing the next batch in a thread
(index/pipeline.py) while the current one is embedded and stored, and reports seconds per stage
(index/timings.py). index/ray_build.py runs walk → read → prepare → embed as Ray stages and
hands their output to the same builder. The domain records are index/models.py.
"""

from index.offline import switch_off as _switch_off

_switch_off()  # before any library is imported: index/offline.py says why
