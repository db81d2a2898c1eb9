"""Questions to answers: retrieval, ranking and answers made of dated excerpts.

The flow, one module per step, data moving one way:

    understand.py  the question read once into a ``Query`` (text, time, as of, sources, speaker)
    attribution.py whose words it asks for ("what did Kallas say …", ``speaker.py``), matched to
                   the stored speakers: the search keeps to passages where that person speaks
    retrieve.py    candidate passages: dense (FAISS) and keyword (FTS5) searches under the filter
    rank.py        fusion, rerank (``rerank.py``), relevance floor, near-duplicate merge -> Hits
    answer.py      the excerpts of a question, in relevance or time order
    timeline.py    or: the key dates of a topic, each with its excerpts

``engine.Bot`` holds the loaded model and index (load, reload, snapshot) and runs the steps;
``render.py`` is the CLI's text form, ``__main__.py`` the CLI, ``remote.py`` the client of a
running app. ``timeparse.py`` reads time words for ``understand`` (``timerelative.py`` the
ones read against the day of asking, ``timewords.py`` what both share), ``timefocus.py`` judges
whether each places what is asked or only the background; ``when.py`` answers "when" questions
with the date the best passages agree on.
"""
