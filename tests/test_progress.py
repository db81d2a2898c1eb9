from __future__ import annotations

import io

from index.progress import TerminalProgress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _feed(progress: TerminalProgress) -> None:
    with progress:
        for n in range(0, 31, 10):
            progress("reading", n, None)
        progress("embedding", 0, 30)
        progress("embedding", 30, 30)
        progress("writing", 0, None)


def test_piped_it_is_silent_or_one_line_a_stage():
    quiet, lines = io.StringIO(), io.StringIO()
    _feed(TerminalProgress(file=quiet))
    _feed(TerminalProgress(file=lines, lines=True))
    assert quiet.getvalue() == ""
    assert lines.getvalue().splitlines() == ["index: articles read", "index: embedding (30)",
                                             "index: writing"]


def test_on_a_terminal_each_stage_gets_a_tqdm_bar_but_embedding():
    out = _Tty()
    _feed(TerminalProgress(file=out))
    text = out.getvalue()
    assert "articles read" in text and "30 items" in text and "writing" in text
    assert "embedding" not in text  # the embedder draws that bar itself
