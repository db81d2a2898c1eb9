"""The Gradio page: its layout, and the wiring of ``Handlers`` to it and to the API.

The API (what ``gradio_client`` calls) is ``/search``, ``/timeline`` and ``/add_articles``;
every other event is private to the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.understand import MAX_K, MAX_QUESTION_CHARS
from index.read.formats import KINDS
from web.examples import corpus_examples
from web.followups import Session
from web.handlers import Filters, Handlers, one_line
from web.markup import esc
from web.plot import timeline_svg
from web.render import upload_report_markdown
from web.uploads import MAX_UPLOAD_FILES, MAX_UPLOAD_MB

if TYPE_CHECKING:
    import gradio as gr

# Queue limits. A search is CPU-bound (one question embedded, ~30 passages' sentences scored):
# 4 at once keeps a 2-core machine busy without piling work inside torch; more wait in the queue.
# Index updates run one at a time (plus a lock and the index's own file lock); cheap reads
# (context, corpus stats, re-ordering) share the default limit.
SEARCH_CONCURRENCY = 4
UPDATE_CONCURRENCY = 1
DEFAULT_CONCURRENCY = 8
QUEUE_MAX_SIZE = 200  # beyond this a request is refused at once rather than waiting minutes
# The page stays open all day: the chat sent with each question is capped, and Gradio's copies
# of uploads and downloads are deleted hourly once a day old.
MAX_CHAT_MESSAGES = 40
DELETE_CACHE = (3600, 86400)


def guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Errors reach the page as one line (gr.Error), never as a traceback."""
    import gradio as gr

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as err:  # noqa: BLE001 - turned into one line; unexpected ones logged
            raise gr.Error(one_line(err), print_exception=False) from None
    return wrapper


def build_page(h: Handlers) -> gr.Blocks:
    import gradio as gr

    from web.style import SCROLL_TO_ANSWER_JS

    def respond(message: str, history: list[dict[str, Any]] | None, session: Session | None,
                k: float, date_from: str, date_to: str, sources: list[str] | None, order: str,
                timeline: bool, as_of: str = "", speakers: list[str] | None = None
                ) -> tuple[Any, ...]:
        history = list(history or [])[-(MAX_CHAT_MESSAGES - 2):]
        session = session or Session()
        if not (message or "").strip():
            return (gr.skip(),) * 7
        try:
            turn = h.ask(message, session, Filters(int(k), date_from or "", date_to or "",
                                                   tuple(sources or ()), order, bool(timeline),
                                                   as_of or "", tuple(speakers or ())))
        except Exception as err:  # noqa: BLE001 - shown in the chat as one line
            warning = f'<div class="tl-message">⚠ {esc(one_line(err))}</div>'
            history += [{"role": "user", "content": esc(" ".join(message.split())[:600])},
                        {"role": "assistant", "content": warning}]
            return history, session, gr.skip(), gr.skip(), gr.skip(), gr.skip(), ""
        history += [{"role": "user", "content": esc(turn.user)},
                    {"role": "assistant", "content": turn.html}]
        return (history, turn.session, turn.plot,
                gr.update(choices=turn.choices, value=turn.choices[0][1] if turn.choices else None),
                gr.update(value=str(turn.csv_path) if turn.csv_path else None,
                          interactive=turn.csv_path is not None),
                gr.update(value=str(turn.json_path) if turn.json_path else None,
                          interactive=turn.json_path is not None),
                "")

    def rerender(session: Session | None, order: str, history: list[dict[str, Any]] | None
                 ) -> tuple[Any, Any]:
        session = session or Session()
        new, body = h.reorder(session, order)
        history = list(history or [])
        if body is None or not history or history[-1].get("role") != "assistant":
            return gr.skip(), gr.skip()
        history[-1] = {"role": "assistant", "content": body}
        return new, history

    def show_context(passage_id: int | None, whole: bool) -> str:
        return h.context(passage_id, whole=whole)

    def add_articles(files: list[str] | None,
                     progress: gr.Progress = gr.Progress()) -> dict[str, Any]:  # noqa: B008 - gradio's way
        return h.add_articles(files, progress=lambda frac, text: progress(frac, desc=text))

    def after_upload(summary: dict[str, Any] | None) -> tuple[Any, ...]:
        return (upload_report_markdown(summary or {}), h.stats(),
                gr.update(choices=h.sources()), gr.update(choices=h.speakers()), None)

    # The API: what `gradio_client` calls. Same JSON as `python -m bot ask --json`.
    def search(question: str, k: int = 8, date_from: str = "", date_to: str = "",
               order: str = "relevance", as_of: str = "", sources: list[str] | None = None,
               speakers: list[str] | None = None) -> dict:
        """Dated excerpts answering a question: the JSON of `python -m bot ask --json`.
        Dates are YYYY-MM-DD or empty; as_of is the day relative time words are read against;
        speakers: only passages where one of these (names as in results' quotes) speaks."""
        return h.search_json(question, k, date_from, date_to, order, as_of, sources or (),
                             speakers or ())

    def timeline(topic: str, n: int = 8, as_of: str = "") -> dict:
        """The key dates of a topic with their excerpts: the JSON of `python -m bot timeline --json`."""
        return h.timeline_json(topic, n, as_of)

    search.__annotations__["return"] = dict  # gradio reads the return type unevaluated
    timeline.__annotations__["return"] = dict

    accepted = " ".join(KINDS)
    examples = corpus_examples(h.bot.index.store)
    with gr.Blocks(title="Timeline bot", analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        session = gr.State(Session())
        gr.Markdown("# Timeline bot\nAsk about the news: every answer is word-for-word excerpts "
                    "from the articles, dated and laid out on a timeline.", elem_id="tl-title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                hint = f" — e.g. *{examples[0]}* —" if examples else ""
                chat = gr.Chatbot(
                    label="Answers", height=680, layout="panel", autoscroll=False,
                    sanitize_html=True, render_markdown=True, latex_delimiters=[], allow_tags=False,
                    line_breaks=False, buttons=["copy"], feedback_options=None,
                    placeholder=f"Ask a question below{hint} or start with *timeline of …*",
                    elem_id="tl-chat")
                with gr.Row():
                    msg = gr.Textbox(placeholder="Ask about the news… (follow up with “and in March?” "
                                     "or “only” + a source)", show_label=False, scale=6, lines=1,
                                     max_lines=4, autofocus=True, elem_id="tl-question",
                                     info=None)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=90,
                                        elem_id="tl-ask")
                if examples:
                    gr.Examples(examples, inputs=msg, label="Examples")
            with gr.Column(scale=2, min_width=340):
                gr.Markdown("### Timeline")
                plot = gr.HTML(timeline_svg(None), js_on_load=None, elem_id="tl-plot")
                with gr.Row():
                    csv_btn = gr.DownloadButton("⬇ CSV", value=None, interactive=False, size="sm",
                                                elem_id="tl-csv")
                    json_btn = gr.DownloadButton("⬇ TimelineJS", value=None, interactive=False,
                                                 size="sm", elem_id="tl-json")
                with gr.Accordion("Filters (apply to the next question)", open=True):
                    with gr.Row():
                        date_from = gr.Textbox(label="From", placeholder="YYYY-MM-DD", max_lines=1)
                        date_to = gr.Textbox(label="To", placeholder="YYYY-MM-DD", max_lines=1)
                        as_of = gr.Textbox(label="As of", placeholder="YYYY-MM-DD", max_lines=1,
                                           elem_id="tl-as-of",
                                           info="“this week” is read against this day; an "
                                                "answer ranks sources published after it lower, a "
                                                "timeline leaves them out; "
                                                "empty: today, or the corpus' last date if it is "
                                                "older")
                    with gr.Row():
                        sources = gr.Dropdown(choices=h.sources(), value=[], multiselect=True,
                                              label="Sources", info="none chosen = all")
                        speakers = gr.Dropdown(choices=h.speakers(), value=[], multiselect=True,
                                               label="Speakers", elem_id="tl-speakers",
                                               info="the most quoted; only passages where they "
                                                    "speak")
                    k = gr.Slider(1, MAX_K, value=8, step=1, label="Results (dates in timeline mode)")
                    order = gr.Radio([("Oldest first", "time"), ("Most relevant first", "relevance")],
                                     value="time", label="Order", elem_id="tl-order")
                    timeline_mode = gr.Checkbox(False, label="Timeline mode: the key dates of a topic")
                with gr.Accordion("Read around an excerpt", open=False):
                    pick = gr.Dropdown(choices=[], label="Excerpt", elem_id="tl-pick")
                    whole = gr.Checkbox(False, label="Whole article")
                    ctx_btn = gr.Button("Show context", size="sm")
                    ctx_box = gr.Textbox(label="Context (read-only)", lines=10, max_lines=30,
                                         interactive=False, elem_id="tl-context")
                with gr.Accordion("Corpus", open=True):
                    stats_md = gr.Markdown(h.stats(), elem_id="tl-stats")
                    files = gr.File(file_count="multiple", type="filepath", elem_id="tl-files",
                                    label=f"Add articles: {accepted} or .gz of them · up to "
                                          f"{MAX_UPLOAD_MB} MB each, {MAX_UPLOAD_FILES} at a time")
                    add_btn = gr.Button("Add to the corpus", size="sm", elem_id="tl-add")
                    upload_md = gr.Markdown(elem_id="tl-upload-report")
                    upload_json = gr.JSON(visible=False)

        gr.Markdown(f"Questions up to {MAX_QUESTION_CHARS} characters. Time words in a question "
                    "(“in August 2025”, “since March”) combine with the date filter.",
                    elem_id="tl-foot")

        ask_inputs = [msg, chat, session, k, date_from, date_to, sources, order, timeline_mode, as_of,
                      speakers]
        ask_outputs = [chat, session, plot, pick, csv_btn, json_btn, msg]
        for trigger in (msg.submit, ask_btn.click):
            trigger(respond, ask_inputs, ask_outputs, api_visibility="private",
                    concurrency_id="search", concurrency_limit=SEARCH_CONCURRENCY
                    ).then(None, js=SCROLL_TO_ANSWER_JS)
        chat.clear(Session, None, [session], api_visibility="private")  # no follow-up on a wiped chat
        order.change(guard(rerender), [session, order, chat], [session, chat],
                     api_visibility="private")
        ctx_btn.click(guard(show_context), [pick, whole], [ctx_box], api_visibility="private")
        pick.change(lambda: "", None, [ctx_box], api_visibility="private", queue=False)
        add_btn.click(guard(add_articles), [files], [upload_json], api_name="add_articles",
                      concurrency_id="update", concurrency_limit=UPDATE_CONCURRENCY,
                      show_progress_on=[upload_md]
                      ).success(after_upload, [upload_json],
                                [upload_md, stats_md, sources, speakers, files],
                                api_visibility="private")
        gr.api(guard(search), api_name="search", concurrency_id="search",
               concurrency_limit=SEARCH_CONCURRENCY)
        gr.api(guard(timeline), api_name="timeline", concurrency_id="search",
               concurrency_limit=SEARCH_CONCURRENCY)
    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo
