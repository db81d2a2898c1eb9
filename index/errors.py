"""The project's exceptions: each message is one line that says what to do next.

The CLI prints ``str(err)`` and exits non-zero; the UI shows it as ``gr.Error``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class TimelineError(Exception):
    """Base of every error the project raises on purpose."""


class IndexNotFound(TimelineError):
    """No index directory (or an empty one) where one was expected."""


class IndexMismatch(TimelineError):
    """The index was built with another model, dimension or schema."""


class IndexCorrupt(TimelineError):
    """A file of the index is missing or damaged; it is never half-used."""


class BadDocument(TimelineError):
    """An input file or record cannot be indexed (empty, binary, malformed...)."""


class BadQuery(TimelineError):
    """A question or filter the bot cannot answer as given."""


def run_command(func: Callable[[T], int], args: T) -> int:
    """Run a CLI command: a project error becomes one line on stderr and a non-zero exit."""
    try:
        return func(args)
    except TimelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): not an error of ours. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
