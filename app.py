"""The web app: ask questions of the news corpus, see dated excerpts on a timeline, add articles.

    python app.py [--index-dir DIR] [--host 127.0.0.1] [--port 7860] [--model NAME] [--auth USER:PASS]

A thin factory and entry point: ``main`` loads the model once, builds (or updates) the index,
then ``build_app(bot)`` puts ``web.handlers.Handlers`` on the page of ``web.page``. Nothing is
loaded at import, and nothing is global but what ``main`` builds.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import TimelineError
from index.settings import BUNDLED_CORPUS, load_settings
from web.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB

if TYPE_CHECKING:
    import gradio as gr

    from bot.engine import Bot
    from web.handlers import Handlers


# -- starting -------------------------------------------------------------------------------------

def arg_parser() -> argparse.ArgumentParser:
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
                   help=f"embedding model (default: the index's, else {load_settings().model})")
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
    name = model or (manifest.model if manifest else None) or load_settings().model
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
    # A service manager stops with SIGTERM: handled like Ctrl+C, so the cleanup runs. SIGINT is
    # set too: a shell's background job (`python app.py &`) inherits it ignored, and the app
    # then never stopped on `kill -INT`.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args = arg_parser().parse_args(argv)
    auth = _auth(args.auth)
    # Our own messages at INFO; libraries (faiss, httpx, sentence-transformers) only when they warn.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("timeline-bot").setLevel(logging.INFO)
    try:
        bot = prepare_bot(args.index_dir or load_settings().index_dir, model=args.model)
    except TimelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    _warm_in_background(bot.index.path)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: listening on {args.host} without --auth: anyone who can reach this "
              "machine can search and upload", file=sys.stderr)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    stops = {signal.SIGINT, signal.SIGTERM}
    handlers = demo = None
    try:
        handlers = _handlers(bot)
        demo = build_app(bot, handlers=handlers)
        # A stop that lands while Gradio starts its server thread left that thread running and
        # the process hung: hold stops until the server is up, so one path always closes it.
        with held_stops(stops):
            launch(demo, host=args.host, port=args.port, auth=auth, quiet=True,
                   prevent_thread_lock=True)
        print(f"serving on http://{shown}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr,
              flush=True)
        demo.block_thread()  # returns on Ctrl+C or SIGTERM
    except KeyboardInterrupt:
        pass
    finally:
        if demo is not None:
            demo.close(verbose=False)
        if handlers is not None:
            handlers.close()  # the temporary export folder goes with the app
    return 0


@contextmanager
def held_stops(stops: Iterable[signal.Signals]) -> Iterator[None]:
    """Stops (Ctrl+C, SIGTERM) that land inside are raised as KeyboardInterrupt on leaving.

    A handler that records them, not a signal mask: a mask holds one thread, and the kernel
    hands the process's signal to any thread that does not block it (the index warm-up's, say),
    whose Python handler then interrupts the main thread all the same (a fresh-clone CI run
    hung so)."""
    held: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _frame: held.append(signum)) for s in stops}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if held:
        raise KeyboardInterrupt


def _warm_in_background(index_dir: Path) -> threading.Thread:
    from index.indexdir import warm

    thread = threading.Thread(target=warm, args=(index_dir,), name="warm-index", daemon=True)
    thread.start()
    return thread


# -- the page -------------------------------------------------------------------------------------

def _handlers(bot: Bot) -> Handlers:
    from web.handlers import Handlers

    return Handlers(bot)


def build_app(bot: Bot, *, handlers: Handlers | None = None) -> gr.Blocks:
    """The page over ``bot`` (tests pass their own ``handlers``, e.g. with an export folder)."""
    from web.page import build_page

    return build_page(handlers or _handlers(bot))


def launch(demo: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = 7860,
           auth: tuple[str, str] | None = None, prevent_thread_lock: bool = False,
           quiet: bool = False) -> Any:
    from web.style import CSS, theme

    return demo.launch(
        server_name=host, server_port=port, auth=auth, share=False, inbrowser=False,
        max_file_size=MAX_UPLOAD_BYTES,  # Gradio refuses bigger uploads before they reach us
        theme=theme(), css=CSS, footer_links=["api", "settings"], show_error=False,
        enable_monitoring=False, ssr_mode=False, mcp_server=False, pwa=False,
        prevent_thread_lock=prevent_thread_lock, quiet=quiet)


if __name__ == "__main__":
    sys.exit(main())
