"""The app served in-process on a free port, for the server and browser tests (not a test module)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

# Debian's Chromium, never a downloaded one; the flags keep it off the network
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(bot) -> Iterator[str]:
    """The app as `python app.py` serves it, on a free port; yields its URL."""
    import app

    demo = app.build_app(bot)
    port = free_port()
    app.launch(demo, port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
