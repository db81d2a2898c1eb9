"""Read one article file into ``Article`` records, or ``Skipped`` with a reason.

One module per format family: ``text`` (plain text, Markdown), ``html`` (main text by
trafilatura), ``records`` (JSON Lines, JSON, CSV: one article per record). Bytes, gzip and
encodings are handled in ``source`` alone; ``fields`` picks titles and publication dates the
same way for all; ``accept`` says whether a file is one a build will read.

A bad file or record never raises: it becomes ``Skipped(origin, reason)`` and reading goes on.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from index.models import Article, Skipped
from index.read.accept import check_article_file
from index.read.formats import SUPPORTED_SUFFIXES, format_of
from index.read.html import read_html
from index.read.records import read_csv, read_json, read_jsonl
from index.read.source import MAX_DECOMPRESSED_BYTES, Refused
from index.read.text import read_text_file

__all__ = ["MAX_DECOMPRESSED_BYTES", "MAX_RUN_CHARS", "SUPPORTED_SUFFIXES", "check_article_file",
           "read_file"]

MAX_RUN_CHARS = 20_000
"""An article with more characters than this between two sentence ends or line breaks is refused:
no prose has a 3,000-word sentence, and the chunker never cuts one, so it would be one passage of
megabytes (a minified blob, a 20 MB single line)."""
_SENTENCE_RUN_RE = re.compile(r"[^.!?…。！？\n]+")

_READERS: dict[str, Callable[[Path, bool, str], Iterator[Article | Skipped]]] = {
    "text": lambda p, gz, o: read_text_file(p, gz, o, markdown=False),
    "markdown": lambda p, gz, o: read_text_file(p, gz, o, markdown=True),
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
}


def read_file(path: str | Path) -> Iterator[Article | Skipped]:
    """Articles of one file: one for text, Markdown and HTML, one per record otherwise."""
    path = Path(path)
    origin = str(path.resolve())
    fmt = format_of(path.name)
    if fmt is None:
        yield Skipped(origin, "unsupported file type")
        return
    kind, gz = fmt
    try:
        for item in _READERS[kind](path, gz, origin):
            yield _sentence_sized(item)
    except Refused as err:
        yield Skipped(origin, err.reason)
    except UnicodeDecodeError:
        yield Skipped(origin, "undecodable text")
    except (gzip.BadGzipFile, zlib.error, EOFError):
        yield Skipped(origin, "corrupt gzip file")
    except IsADirectoryError:
        yield Skipped(origin, "is a folder")
    except FileNotFoundError:
        yield Skipped(origin, "no such file or folder")
    except PermissionError:
        yield Skipped(origin, "permission denied")
    except OSError as err:
        yield Skipped(origin, f"cannot read file ({err.strerror or err})")


def _sentence_sized(item: Article | Skipped) -> Article | Skipped:
    if isinstance(item, Skipped) or len(item.text) <= MAX_RUN_CHARS:
        return item
    longest = max((m.end() - m.start() for m in _SENTENCE_RUN_RE.finditer(item.text)), default=0)
    if longest <= MAX_RUN_CHARS:
        return item
    return Skipped(item.origin, f"{longest:,} characters without a sentence end or line break: "
                                "not article text")
