"""The web app: ask questions of the news corpus, see dated excerpts on a timeline, add articles.

    python app.py [--index-dir DIR] [--host 127.0.0.1] [--port 7860] [--model NAME] [--auth USER:PASS]

A thin factory: ``main`` loads the model once, builds (or updates) the index, then
``build_app(bot)`` wires ``bot.ui.Handlers`` to a Gradio page. Nothing is loaded at import.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.config import BUNDLED_CORPUS, default_index_dir, default_model, force_offline

if TYPE_CHECKING:
    import gradio as gr

    from bot.engine import Bot
    from bot.ui import Handlers

log = logging.getLogger("timeline-bot.app")

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

# After an answer arrives, show its start (the summary line), not its end: the chat's own
# autoscroll would jump to the last, often undated, excerpt.
SCROLL_TO_ANSWER_JS = """() => { setTimeout(() => {
  const wrap = document.querySelector('#tl-chat .panel-wrap, #tl-chat .bubble-wrap');
  const rows = document.querySelectorAll('#tl-chat .message-row');
  const row = rows.length > 1 ? rows[rows.length - 2] : rows[0];
  if (wrap && row) wrap.scrollTop += row.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
}, 150); }"""

EXAMPLES = [
    "What did Kallas say about Putin's intentions?",
    "What was agreed in Saudi Arabia in February?",
    "What did Kallas say in August 2025?",
    "timeline of Kallas on Russia",
]

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


# -- starting -------------------------------------------------------------------------------------

def arg_parser() -> argparse.ArgumentParser:
    from bot.ui import MAX_UPLOAD_MB

    p = argparse.ArgumentParser(
        prog="python app.py", description="Serve the timeline bot in the browser.",
        epilog=f"Uploads: up to {MAX_UPLOAD_MB} MB a file; they are kept in <index-dir>/uploads/.")
    p.add_argument("--index-dir", type=Path, default=None,
                   help="default: $TIMELINE_INDEX_DIR, else ~/.local/share/timeline-bot/index; "
                        "built from the bundled corpus on first start")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only). WARNING: "
                        "0.0.0.0 exposes the app, and its upload box, to your whole network: "
                        "use it only with --auth")
    p.add_argument("--port", type=int, default=7860, help="default 7860")
    p.add_argument("--model", default=None,
                   help=f"embedding model (default: the index's, else {default_model()})")
    p.add_argument("--auth", metavar="USER:PASS", default=None,
                   help="require this user name and password (HTTP basic login page)")
    return p


def _auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SystemExit("error: --auth needs USER:PASS")
    return user, password


def terminal_progress() -> Callable[[str, int, int | None], None]:
    """Build progress on the terminal: one rewritten line on a TTY, a few lines otherwise."""
    last = [0.0, ""]
    tty = sys.stderr.isatty()

    def cb(stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if stage == last[1] and now - last[0] < (0.2 if tty else 5) and done != total:
            return
        last[:] = [now, stage]
        text = f"index: {stage} {done}" + (f"/{total}" if total else "")
        print(("\r" + text.ljust(60)) if tty else text, end="" if tty else "\n", file=sys.stderr,
              flush=True)
    return cb


def _seeded(index_dir: Path) -> bool:
    """Whether an existing index holds the bundled corpus (then new seed files are picked up)."""
    from index.indexdir import STORE_FILE
    from index.store import Store

    store = Store(index_dir / STORE_FILE)
    try:
        return any(store.article_id_for_origin(str(p.resolve())) is not None
                   for p in sorted(BUNDLED_CORPUS.glob("*")) if p.is_file())
    finally:
        store.close()


def prepare_bot(index_dir: Path, *, model: str | None = None) -> Bot:
    """Load the model once; build the index from the bundled corpus on a fresh start, else update
    it (cheap: unchanged files embed nothing) with new seed files and any stray uploads."""
    from bot.engine import Bot
    from index.build import build_index
    from index.embed import load_embedder
    from index.indexdir import UPLOADS_DIR, exists, open_index, read_manifest

    fresh = not exists(index_dir)
    manifest = None if fresh else read_manifest(index_dir)
    name = model or (manifest.model if manifest else None) or default_model()
    print(f"loading model {name} …", file=sys.stderr, flush=True)
    # an existing index's queries are embedded the way its vectors were (the manifest's route)
    embedder = load_embedder(name, route=manifest.embedding_route if manifest else None)
    paths: list[Path] = []
    if fresh or _seeded(index_dir):
        paths.append(BUNDLED_CORPUS)
    if (index_dir / UPLOADS_DIR).is_dir():
        paths.append(index_dir / UPLOADS_DIR)
    if paths:
        if fresh:
            print(f"building the index at {index_dir} from {BUNDLED_CORPUS} …", file=sys.stderr)
        report = build_index(paths, index_dir, embedder=embedder, progress=terminal_progress())
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"index: {report.summary()}", file=sys.stderr, flush=True)
    return Bot(open_index(index_dir, model=name), embedder)


def main(argv: Sequence[str] | None = None) -> int:
    force_offline()  # before gradio is imported: analytics off, no hub
    args = arg_parser().parse_args(argv)
    auth = _auth(args.auth)
    # Our own messages at INFO; libraries (faiss, httpx, sentence-transformers) only when they warn.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("timeline-bot").setLevel(logging.INFO)
    from index.errors import TimelineError

    try:
        bot = prepare_bot(args.index_dir or default_index_dir(), model=args.model)
    except TimelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: listening on {args.host} without --auth: anyone who can reach this "
              "machine can search and upload", file=sys.stderr)
    demo = build_app(bot)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"serving on http://{shown}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    launch(demo, host=args.host, port=args.port, auth=auth, quiet=True)
    return 0


# -- the page -------------------------------------------------------------------------------------

def theme() -> Any:
    import gradio as gr

    # System fonts only: no request ever leaves the machine for a font.
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "sans-serif"],
        font_mono=[gr.themes.Font("ui-monospace"), gr.themes.Font("DejaVu Sans Mono"), "monospace"])


def launch(demo: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = 7860,
           auth: tuple[str, str] | None = None, prevent_thread_lock: bool = False,
           quiet: bool = False) -> Any:
    from bot.ui import MAX_UPLOAD_BYTES

    return demo.launch(
        server_name=host, server_port=port, auth=auth, share=False, inbrowser=False,
        max_file_size=MAX_UPLOAD_BYTES,  # Gradio refuses bigger uploads before they reach us
        theme=theme(), css=CSS, footer_links=["api", "settings"], show_error=False,
        enable_monitoring=False, ssr_mode=False, mcp_server=False, pwa=False,
        prevent_thread_lock=prevent_thread_lock, quiet=quiet)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Errors reach the page as one line (gr.Error), never as a traceback."""
    import functools

    import gradio as gr

    from bot.ui import one_line

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as err:  # noqa: BLE001 - turned into one line; unexpected ones logged
            raise gr.Error(one_line(err), print_exception=False) from None
    return wrapper


def build_app(bot: Bot, *, handlers: Handlers | None = None) -> gr.Blocks:
    import gradio as gr

    from bot.query import MAX_K, MAX_QUESTION_CHARS
    from bot.ui import (
        MAX_UPLOAD_FILES,
        MAX_UPLOAD_MB,
        TEXT_SUFFIXES,
        Filters,
        Handlers,
        Session,
        esc,
        one_line,
        timeline_svg,
        upload_report_markdown,
    )

    h = handlers or Handlers(bot)

    def respond(message: str, history: list[dict[str, Any]] | None, session: Session | None,
                k: float, date_from: str, date_to: str, sources: list[str] | None, order: str,
                timeline: bool) -> tuple[Any, ...]:
        history = list(history or [])[-(MAX_CHAT_MESSAGES - 2):]
        session = session or Session()
        if not (message or "").strip():
            return (gr.skip(),) * 7
        try:
            turn = h.ask(message, session, Filters(int(k), date_from or "", date_to or "",
                                                   tuple(sources or ()), order, bool(timeline)))
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
                gr.update(choices=h.sources()), None)

    # The API: what `gradio_client` calls. Same JSON as `python -m bot ask --json`.
    def search(question: str, k: int = 8, date_from: str = "", date_to: str = "",
               order: str = "relevance") -> dict:
        """Dated excerpts answering a question: the JSON of `python -m bot ask --json`."""
        return h.search_json(question, k, date_from, date_to, order)

    def timeline(topic: str, n: int = 8) -> dict:
        """The key dates of a topic with their excerpts: the JSON of `python -m bot timeline --json`."""
        return h.timeline_json(topic, n)

    search.__annotations__["return"] = dict  # gradio reads the return type unevaluated
    timeline.__annotations__["return"] = dict

    accepted = " ".join(TEXT_SUFFIXES)
    with gr.Blocks(title="Timeline bot", analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        session = gr.State(Session())
        gr.Markdown("# Timeline bot\nAsk about the news: every answer is word-for-word excerpts "
                    "from the articles, dated and laid out on a timeline.", elem_id="tl-title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chat = gr.Chatbot(
                    label="Answers", height=680, layout="panel", autoscroll=False,
                    sanitize_html=True, render_markdown=True, latex_delimiters=[], allow_tags=False,
                    line_breaks=False, buttons=["copy"], feedback_options=None,
                    placeholder="Ask a question below — e.g. *What did Kallas say in August 2025?* "
                                "— or start with *timeline of …*", elem_id="tl-chat")
                with gr.Row():
                    msg = gr.Textbox(placeholder="Ask about the news… (follow up with “and in March?” "
                                     "or “only” + a source)", show_label=False, scale=6, lines=1,
                                     max_lines=4, autofocus=True, elem_id="tl-question",
                                     info=None)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=90,
                                        elem_id="tl-ask")
                gr.Examples(EXAMPLES, inputs=msg, label="Examples")
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
                    sources = gr.Dropdown(choices=h.sources(), value=[], multiselect=True,
                                          label="Sources", info="none chosen = all")
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

        ask_inputs = [msg, chat, session, k, date_from, date_to, sources, order, timeline_mode]
        ask_outputs = [chat, session, plot, pick, csv_btn, json_btn, msg]
        for trigger in (msg.submit, ask_btn.click):
            trigger(respond, ask_inputs, ask_outputs, api_visibility="private",
                    concurrency_id="search", concurrency_limit=SEARCH_CONCURRENCY
                    ).then(None, js=SCROLL_TO_ANSWER_JS)
        chat.clear(Session, None, [session], api_visibility="private")  # no follow-up on a wiped chat
        order.change(_guard(rerender), [session, order, chat], [session, chat],
                     api_visibility="private")
        ctx_btn.click(_guard(show_context), [pick, whole], [ctx_box], api_visibility="private")
        pick.change(lambda: "", None, [ctx_box], api_visibility="private", queue=False)
        add_btn.click(_guard(add_articles), [files], [upload_json], api_name="add_articles",
                      concurrency_id="update", concurrency_limit=UPDATE_CONCURRENCY,
                      show_progress_on=[upload_md]
                      ).success(after_upload, [upload_json], [upload_md, stats_md, sources, files],
                                api_visibility="private")
        gr.api(_guard(search), api_name="search", concurrency_id="search",
               concurrency_limit=SEARCH_CONCURRENCY)
        gr.api(_guard(timeline), api_name="timeline", concurrency_id="search",
               concurrency_limit=SEARCH_CONCURRENCY)
    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return demo


if __name__ == "__main__":
    sys.exit(main())
