"""The web app's page, beside ``app.py`` (its thin factory and entry point), one module a job.

    handlers.py   the page's actions over one ``Bot``, as plain functions (no Gradio)
    page.py       the Gradio layout and the wiring of handlers and the API to it
    render.py     answers and timelines as HTML; plot.py the SVG time axis; style.py CSS, theme
    markup.py     untrusted text made inert (every piece of article text passes through it)
    followups.py  "and in March?", "only Fox News": reusing the last question's subject
    context.py    reading around an excerpt; exports.py CSV and TimelineJS downloads
    uploads.py    checking, storing and indexing uploaded files; examples.py corpus examples
"""
