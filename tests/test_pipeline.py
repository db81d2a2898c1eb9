"""run_ahead: the bounded producer–consumer queue that overlaps reading with embedding."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from index.pipeline import run_ahead


def test_items_arrive_in_order_and_the_producer_runs_ahead_within_its_bound():
    produced: list[int] = []
    seen_ahead: list[int] = []

    def items():
        for i in range(20):
            produced.append(i)
            yield i

    out = []
    for item in run_ahead(items(), depth=2):
        time.sleep(0.02)  # a slow consumer: the producer fills the queue meanwhile
        seen_ahead.append(len(produced) - len(out) - 1)
        out.append(item)
    assert out == list(range(20))
    assert max(seen_ahead) >= 2  # it did run ahead while the consumer worked
    assert max(seen_ahead) <= 2 + 1  # the queue's bound, plus the one being put


def test_a_producer_error_is_raised_in_the_consumer():
    def items():
        yield 1
        raise ValueError("bad record")

    got = []
    with pytest.raises(ValueError, match="bad record"):
        for item in run_ahead(items()):
            got.append(item)
    assert got == [1]


def test_a_consumer_that_stops_stops_the_producer():
    closed = threading.Event()

    def items():
        try:
            yield from range(10_000)
        finally:
            closed.set()

    for item in run_ahead(items(), depth=1):
        if item == 3:
            break
    assert closed.wait(2)
    assert not any(t.name == "producer" and t.is_alive() for t in threading.enumerate())


def test_the_producer_sees_the_callers_context():
    var: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")
    var.set("the build")

    def items():
        yield var.get()

    assert list(run_ahead(items())) == ["the build"]
