"""How the page looks: theme, CSS, and the one script that scrolls to a new answer's start."""

from __future__ import annotations

from typing import Any

# After an answer arrives, show its start (the summary line), not its end: the chat's own
# autoscroll would jump to the last, often undated, excerpt.
SCROLL_TO_ANSWER_JS = """() => { setTimeout(() => {
  const wrap = document.querySelector('#tl-chat .panel-wrap, #tl-chat .bubble-wrap');
  const rows = document.querySelectorAll('#tl-chat .message-row');
  const row = rows.length > 1 ? rows[rows.length - 2] : rows[0];
  if (wrap && row) wrap.scrollTop += row.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
}, 150); }"""

CSS = """
.tl-answer { line-height: 1.5; }
.tl-summary { font-weight: 600; font-size: 1.02rem; margin-bottom: .15rem; }
.tl-understood, .tl-followup, .tl-message { color: var(--body-text-color-subdued); font-size: .9rem; }
.tl-followup { font-style: italic; }
.tl-group { margin: .9rem 0 .2rem; padding-top: .4rem; border-top: 1px solid var(--border-color-primary);
            font-weight: 700; text-transform: uppercase; letter-spacing: .04em; font-size: .8rem;
            color: var(--body-text-color-subdued); }
.tl-hit { margin: .7rem 0 .9rem; padding: .55rem .75rem; border-left: 4px solid var(--color-accent);
          background: var(--background-fill-secondary); border-radius: 0 8px 8px 0; }
.tl-head { display: flex; align-items: baseline; gap: .5rem; }
.tl-num { font-size: .75rem; font-weight: 700; min-width: 1.4rem; height: 1.4rem; line-height: 1.4rem;
          text-align: center; border-radius: 999px; background: var(--color-accent); color: white; }
.tl-date { font-size: 1.3rem; font-weight: 700; letter-spacing: -.01em; }
.tl-event { font-size: .88rem; color: var(--body-text-color-subdued); }
.tl-src { font-size: .9rem; margin: .1rem 0 .3rem; }
.tl-pub { color: var(--body-text-color-subdued); font-size: .82rem; }
.tl-text { font-size: .97rem; }
.tl-text mark { background: #fff3a3; color: inherit; padding: 0 .1em; border-radius: 2px; }
.dark .tl-text mark { background: #6b5b00; }
.tl-said { font-size: .88rem; font-style: italic; margin: 0 0 .2rem; }
.tl-text .tl-quote { border-bottom: 2px solid var(--color-accent); }
.tl-text .tl-reported { border-bottom: 1px dotted var(--body-text-color-subdued); }
.tl-also { font-size: .84rem; color: var(--body-text-color-subdued); margin-top: .25rem; }
.tl-plot svg { overflow: visible; }
.tl-plot .tl-axis { stroke: var(--body-text-color-subdued); stroke-width: 1.5; }
.tl-plot .tl-tick, .tl-plot .tl-stem { stroke: var(--border-color-primary); stroke-width: 1;
                                       pointer-events: none; }
.tl-plot .tl-ticklabel { font-size: 11px; fill: var(--body-text-color-subdued); }
.tl-plot .tl-dot circle { fill: var(--color-accent); cursor: default; }
.tl-plot .tl-dot:hover circle { fill: var(--body-text-color); }
.tl-plot .tl-dot text { font-size: 10px; font-weight: 700; fill: white; pointer-events: none; }
.tl-plot-note, .tl-plot-empty { font-size: .85rem; color: var(--body-text-color-subdued); }
#tl-title h1 { margin-bottom: 0; }
"""


def theme() -> Any:
    import gradio as gr

    # System fonts only: no request ever leaves the machine for a font.
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "sans-serif"],
        font_mono=[gr.themes.Font("ui-monospace"), gr.themes.Font("DejaVu Sans Mono"), "monospace"])
