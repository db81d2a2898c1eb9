"""Run a producer one step ahead of its consumer: a bounded queue fed by one thread.

The build reads, cleans, chunks and dates the next batch (the producer) while this one is
embedded and stored (the consumer), so neither waits for the other. The queue is bounded, so
memory stays at ``depth`` batches; the producer's exceptions re-raise in the consumer, and a
consumer that stops (an error, a kill of the build's thread) stops the producer.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_POLL = 0.1  # seconds between looks at the stop flag while the queue is full


def run_ahead(items: Iterable[T], *, depth: int = 2, name: str = "producer") -> Iterator[T]:
    """The items of ``items`` in order, produced in a background thread up to ``depth`` ahead.

    The thread runs in a copy of the caller's context (context variables such as the build's
    stage timer, or a web framework's request context for progress, carry over).
    """
    q: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, object]) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        it = iter(items)
        try:
            for item in it:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as err:  # noqa: BLE001 - handed to the consumer, which re-raises
            put((False, err))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=contextvars.copy_context().run, args=(produce,),
                              name=name, daemon=True)
    thread.start()
    try:
        while True:
            ok, item = q.get()
            if not ok:
                assert isinstance(item, BaseException)
                raise item
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
