"""Read article files and folders into ``Article`` records, or ``Skipped`` with a reason.

Formats: plain text and Markdown (one article per file, in the seed layout), HTML (main
text by trafilatura), and record files (JSON Lines, JSON, CSV: one article per record),
each optionally gzip-compressed. Record files are streamed, so a million-line file never
sits in memory; gzip input is capped at ``MAX_DECOMPRESSED_BYTES`` against bombs.

A bad file or record never raises: it becomes ``Skipped(origin, reason)`` and reading goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from index.clean import clean_text, normalize_line, normalize_text
from index.models import Article, Skipped
from index.pubdate import (
    UNDATED,
    Dated,
    dateline_date,
    html_meta_date,
    parse_date_value,
    split_header_marker,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["SUPPORTED_SUFFIXES", "MAX_DECOMPRESSED_BYTES", "MAX_RUN_CHARS", "read_paths", "read_file"]

_KINDS = {
    ".txt": "text",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".csv": "csv",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = (*_KINDS, *(s + ".gz" for s in _KINDS))

MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024
"""Gzip input past this many bytes is refused ("decompresses past 512 MiB"), and a plain
file read whole (text, Markdown, HTML, JSON) past it is refused as too large."""

MAX_RUN_CHARS = 20_000
"""An article with more characters than this between two sentence ends or line breaks is refused:
no prose has a 3,000-word sentence, and the chunker never cuts one, so it would be one passage of
megabytes (a minified blob, a 20 MB single line)."""
_SENTENCE_RUN_RE = re.compile(r"[^.!?…。！？\n]+")

_CSV_FIELD_LIMIT = 16 * 1024 * 1024  # a 10 MB article body must fit in one CSV field
_SNIFF_BYTES = 64 * 1024
_TITLE_MAX = 250  # a longer first paragraph is body text, not a title
_FALLBACK_TITLE_MAX = 100

_TEXT_KEYS = ("text", "body", "content")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published", "publish_date", "published_at", "date_published", "pubdate")
_KNOWN_KEYS = frozenset((*_TEXT_KEYS, *_TITLE_KEYS, *_DATE_KEYS, "url", "source", "id"))


class _Refused(Exception):
    """A problem with a whole file: it becomes one ``Skipped`` with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- walking ------------------------------------------------------------------------

def read_paths(paths: Iterable[str | Path]) -> Iterator[Article | Skipped]:
    """Articles from files and folders (recursive, in sorted order; hidden entries inside
    folders are ignored). Each file is read once even if named twice."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files: Iterable[Path | Skipped] = walk_folder(path)
        elif path.exists():
            files = [path]
        else:
            yield Skipped(str(path.absolute()), "no such file or folder")
            continue
        for item in files:
            if isinstance(item, Skipped):
                yield item
                continue
            resolved = item.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield from read_file(item)


def walk_folder(folder: Path) -> Iterator[Path | Skipped]:
    """Files below ``folder`` in sorted order, hidden entries skipped: the order a build reads."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield Skipped(str(folder.resolve()), f"cannot list folder ({err.strerror or err})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, .DS_Store, editor swap files: never articles
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from walk_folder(path)
        elif entry.is_file():
            yield path


def _format(path: Path) -> tuple[str, bool] | None:
    name = path.name.lower()
    gz = name.endswith(".gz")
    kind = _KINDS.get(os.path.splitext(name[:-3] if gz else name)[1])
    return (kind, gz) if kind else None


def read_file(path: str | Path) -> Iterator[Article | Skipped]:
    """Articles of one file: one for text, Markdown and HTML, one per record otherwise."""
    path = Path(path)
    origin = str(path.resolve())
    fmt = _format(path)
    if fmt is None:
        yield Skipped(origin, "unsupported file type")
        return
    kind, gz = fmt
    try:
        for item in _READERS[kind](path, gz, origin):
            yield _sentence_sized(item)
    except _Refused as err:
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


# --- bytes and encodings ----------------------------------------------------------

def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


class _Capped(io.RawIOBase):
    """Counts decompressed bytes and refuses past the limit (a gzip bomb)."""

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        self._total += n
        if self._total > self._limit:
            raise _Refused(f"decompresses past {_size(self._limit)}")
        return n


@contextlib.contextmanager
def _open_bytes(path: Path, gz: bool) -> Iterator[io.BufferedIOBase]:
    with open(path, "rb") as raw:
        if not gz:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            # The limit is read at call time so that tests can lower it.
            capped = _Capped(unzipped, MAX_DECOMPRESSED_BYTES)
            yield io.BufferedReader(capped, buffer_size=1 << 20)


def _read_all(path: Path, gz: bool) -> bytes:
    if not gz and path.stat().st_size > MAX_DECOMPRESSED_BYTES:
        raise _Refused(f"file is larger than {_size(MAX_DECOMPRESSED_BYTES)}")
    with _open_bytes(path, gz) as fh:
        return fh.read()


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bom_encoding(head: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if head.startswith(bom)), None)


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly-ASCII text puts a NUL in every other byte."""
    sample = head[: len(head) // 2 * 2][:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even == 0:
        return "utf-16-le"
    if even > 0.6 * half and odd == 0:
        return "utf-16-be"
    return None


def _guess_encoding(data: bytes) -> str:
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data[: 1 << 20])
    best = matches.best()
    if best is None:
        raise _Refused("binary file")
    # Western news in a legacy encoding is nearly always cp1252, but on short samples the
    # detector often ranks a sibling code page (cp1250, cp1257) first and mangles accents.
    if "cp1252" in best.could_be_from_charset or any(m.encoding == "cp1252" for m in matches):
        return "cp1252"
    return best.encoding


def _encoding(head: bytes, complete: bool) -> str:
    """The encoding of a file from its first bytes (``complete`` when that is all of it)."""
    if complete and not head.strip():
        raise _Refused("empty file")
    enc = _bom_encoding(head)
    if enc:
        return enc
    if b"\x00" in head:
        enc = _bomless_utf16(head)
        if enc is None:
            raise _Refused("binary file")
        return enc
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        return _guess_encoding(head)


def _decode(data: bytes) -> str:
    enc = _encoding(data[:_SNIFF_BYTES], complete=len(data) <= _SNIFF_BYTES)
    if enc == "utf-8" and b"\x00" in data:
        raise _Refused("binary file")
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        # Valid UTF-8 at the start but not further on: a legacy file with late accents.
        text = data.decode(_guess_encoding(data), errors="replace")
    if not text.strip():
        raise _Refused("empty file")
    return text


def _sniff(path: Path, gz: bool) -> str:
    with _open_bytes(path, gz) as fh:
        head = fh.read(_SNIFF_BYTES)
    return _encoding(head, complete=len(head) < _SNIFF_BYTES)


# --- titles -------------------------------------------------------------------------

_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$|[,;:]$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


def _looks_like_title(line: str) -> bool:
    return 0 < len(line) < _TITLE_MAX and _SENTENCE_END_RE.search(line) is None


def _same_title(a: str, b: str) -> bool:
    def canon(s: str) -> str:
        return " ".join(s.translate(_QUOTES).casefold().split()).strip(" .:-–—|")

    return canon(a) == canon(b)


def _drop_title_repeat(lines: list[str], title: str) -> list[str]:
    for i, line in enumerate(lines):
        if line.strip():
            return lines[:i] + lines[i + 1:] if _same_title(line, title) else lines
    return lines


_ABBREV_RE = re.compile(
    r"(?:\b(?:[A-Z]\.)*[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Prof"
    r"|Inc|Corp|Co|Ltd|No|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)
_SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s+[\"'“‘(\[A-Z0-9])")


def _first_sentence_title(text: str) -> str:
    """Fallback title: the opening sentence, cut at a word boundary with "…" if long.
    Always quoted text, never a summary."""
    para = text.split("\n\n", 1)[0]
    end = len(para)
    for m in _SENTENCE_BREAK_RE.finditer(para):
        if m.group()[0] != "." or not _ABBREV_RE.search(para, 0, m.start()):
            end = m.end()
            break
    sentence = para[:end].strip()
    if len(sentence) <= _FALLBACK_TITLE_MAX:
        return sentence
    cut = sentence[: _FALLBACK_TITLE_MAX - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def _split_title(text: str, markdown: bool) -> tuple[str | None, str]:
    """A title line at the top (a Markdown "# Heading", or a short unpunctuated first
    paragraph), with its repeat on the next line dropped; else (None, text)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, text
    line = lines[first].strip()
    heading = _MD_TITLE_RE.match(line) if markdown else None
    if heading:
        candidate = _strip_markdown(heading[1], inline_only=True)
    elif (first + 1 == len(lines) or not lines[first + 1].strip()) and _looks_like_title(line):
        candidate = line
    else:
        return None, text
    title = normalize_line(candidate)
    if not clean_text(title).text:
        return None, text  # a widget line such as "Share" is not a title
    rest = _drop_title_repeat(lines[first + 1:], title)
    return title, "\n".join(rest)


# --- Markdown -----------------------------------------------------------------------

_MD_TITLE_RE = re.compile(r"^#\s+(.+?)(?:\s+#+)?\s*$")
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s{0,3}(?:```|~~~).*$", re.M), ""),  # code fences
    (re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$", re.M), ""),  # horizontal rules
    (re.compile(r"^\s{0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$", re.M), r"\n\1\n"),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"^(\s*)[-*+]\s+", re.M), r"\n\1"),  # bullets: each its own paragraph
)
_MD_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"), ""),  # images
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
_FRONT_LINE_RE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)


def _strip_markdown(text: str, inline_only: bool = False) -> str:
    for pattern, repl in _MD_INLINE_RULES if inline_only else (*_MD_RULES, *_MD_INLINE_RULES):
        text = pattern.sub(repl, text)
    return text


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (no YAML library: nothing nested is needed)."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return {}, text
    fields = {k.lower(): v.strip("\"'") for k, v in _FRONT_LINE_RE.findall(m[1]) if v}
    return fields, text[m.end():]


# --- text and Markdown files -----------------------------------------------------

def _read_text_file(path: Path, gz: bool, origin: str, markdown: bool) -> Iterator[Article | Skipped]:
    text = normalize_text(_decode(_read_all(path, gz)))
    fields: dict[str, str] = {}
    if markdown:
        fields, text = _front_matter(text)
    marker_date, text = split_header_marker(text)
    title, body = _split_title(text, markdown)
    if markdown:
        body = _strip_markdown(body)
    cleaned = clean_text(body).text
    if not cleaned:
        if not title:
            yield Skipped(origin, "no article text")
            return
        cleaned = title
    date_key, metadata_date = _metadata_date(fields)
    dated = _pick_date(metadata_date, marker_date, None, cleaned)
    if fields.get("title"):
        title = normalize_line(fields["title"])
    used = {"title", "url", "source", date_key}
    yield Article(
        origin=origin,
        title=title or _first_sentence_title(cleaned),
        text=cleaned,
        source=fields.get("source") or path.name,
        url=fields.get("url") or None,
        published=dated.published,
        date_source=dated.source,
        meta={k: v for k, v in fields.items() if k not in used},
    )


def _pick_date(
    metadata: dt.date | None, header: dt.date | None, html_meta: dt.date | None, body: str
) -> Dated:
    """The first date found, in order of trust: metadata, header marker, HTML meta, dateline."""
    if metadata is not None:
        return Dated(metadata, "metadata")
    if header is not None:
        return Dated(header, "header")
    if html_meta is not None:
        return Dated(html_meta, "html-meta")
    day = dateline_date(body)
    return Dated(day, "dateline") if day else UNDATED


# --- HTML ---------------------------------------------------------------------------

def _read_html(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    html = _decode(_read_all(path, gz))
    yield _html_article(html, origin, path.name)


def _html_article(html: str, origin: str, name: str) -> Article | Skipped:
    import lxml.etree
    import lxml.html
    import trafilatura

    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        tree = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return Skipped(origin, "no HTML content")
    published = html_meta_date(tree)
    site, url, meta_title = _html_meta(tree)
    doc = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_tables=True,
    )
    raw_text = getattr(doc, "text", None) or ""
    title = normalize_line(getattr(doc, "title", None) or meta_title or "")
    lines = raw_text.split("\n")
    if title:
        lines = _drop_title_repeat(lines, title)
    # trafilatura puts one paragraph per line.
    cleaned = clean_text("\n\n".join(lines)).text
    if not cleaned:
        return Skipped(origin, "no article text found")
    dated = _pick_date(None, None, published, cleaned)
    return Article(
        origin=origin,
        title=title or _first_sentence_title(cleaned),
        text=cleaned,
        source=site or name,
        url=url,
        published=dated.published,
        date_source=dated.source,
    )


def _html_meta(tree: HtmlElement) -> tuple[str | None, str | None, str | None]:
    """(og:site_name, og:url or canonical link, og:title) as declared by the page."""
    props: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key in ("og:site_name", "og:url", "og:title") and content:
            props.setdefault(key, content)
    url = props.get("og:url")
    if not url:
        for link in tree.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
                url = link.get("href", "").strip()
                break
    site = props.get("og:site_name")
    return (normalize_line(site) if site else None), (url or None), props.get("og:title")


# --- records (JSON Lines, JSON, CSV) ------------------------------------------------

def _as_str(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _metadata_date(record: Mapping[str, object]) -> tuple[str | None, dt.date | None]:
    """(key, date) of the first date field that holds a valid full date."""
    for key in _DATE_KEYS:
        value = record.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            day = parse_date_value(str(value))
            if day is not None:
                return key, day
    return None, None


def _record_article(
    record: object, n: int, label: str, origin: str, default_source: str
) -> Article | Skipped:
    """One record as an Article; ``label`` names its position ("line" or "record")."""
    if not isinstance(record, dict):
        return Skipped(f"{origin}#{label} {n}", f"record {n} is not a JSON object")
    key = record.get("id")
    if key is None or key == "":
        key = record.get("url") or f"{label} {n}"
    rec_origin = f"{origin}#{_as_str(key)}"
    try:
        return _build_record(record, n, rec_origin, default_source)
    except RecursionError:
        return Skipped(rec_origin, f"record {n} is nested too deeply")


def _build_record(
    record: dict[str, object], n: int, rec_origin: str, default_source: str
) -> Article | Skipped:
    used: set[str] = {"url", "source"}
    raw_text: str | None = None
    for k in _TEXT_KEYS:
        value = record.get(k)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)  # type: ignore[arg-type]
        if isinstance(value, str) and value.strip():
            raw_text = value
            used.add(k)
            break
    title = ""
    for k in _TITLE_KEYS:
        value = record.get(k)
        if isinstance(value, str) and value.strip():
            title = normalize_line(value)
            used.add(k)
            break
    marker_date = None
    text = ""
    if raw_text is not None:
        if raw_text[:16].lstrip().startswith("date"):
            marker_date, raw_text = split_header_marker(raw_text)
        text = clean_text(raw_text).text
    if not text:
        if not title:
            return Skipped(rec_origin, f"record {n} has no text")
        text = title  # a headline-only record: the headline is the text
    date_key, metadata_date = _metadata_date(record)
    if date_key:
        used.add(date_key)
    dated = _pick_date(metadata_date, marker_date, None, text)
    url = record.get("url")
    source = record.get("source")
    return Article(
        origin=rec_origin,
        title=title or _first_sentence_title(text),
        text=text,
        source=normalize_line(source) if isinstance(source, str) and source.strip()
        else default_source,
        url=url.strip() if isinstance(url, str) and url.strip() else None,
        published=dated.published,
        date_source=dated.source,
        meta={k: _as_str(v) for k, v in record.items() if k not in used},
    )


def _read_jsonl(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    enc = _sniff(path, gz)
    with _open_bytes(path, gz) as fh:
        # UTF-8 lines go to json.loads as bytes: no text layer, and a bad byte only
        # costs its own line. Other encodings need a decoding stream.
        lines: Iterable[bytes | str] = (
            fh if enc in ("utf-8", "utf-8-sig") else io.TextIOWrapper(fh, encoding=enc)
        )
        count = 0
        for n, line in enumerate(lines, 1):
            if n == 1:
                line = line.lstrip(b"\xef\xbb\xbf" if isinstance(line, bytes) else "\ufeff")
            if not line.strip():
                continue
            count += 1
            try:
                record = json.loads(line)
            except UnicodeDecodeError:
                yield Skipped(f"{origin}#line {n}", f"record {n} is not valid UTF-8")
                continue
            except RecursionError:
                yield Skipped(f"{origin}#line {n}", f"record {n} is nested too deeply")
                continue
            except ValueError:
                yield Skipped(f"{origin}#line {n}", f"malformed JSON on line {n}")
                continue
            yield _record_article(record, n, "line", origin, path.name)
        if count == 0:
            yield Skipped(origin, "empty file")


def _read_json(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    text = _decode(_read_all(path, gz))
    try:
        data = json.loads(text)
    except RecursionError:
        raise _Refused("nested too deeply") from None
    except json.JSONDecodeError as err:
        raise _Refused(f"malformed JSON on line {err.lineno}") from None
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise _Refused("JSON is not a list of objects")
    if not records:
        raise _Refused("no records")
    for n, record in enumerate(records, 1):
        yield _record_article(record, n, "record", origin, path.name)


def _csv_delimiter(header: str) -> str:
    return max(",;\t|", key=header.count)


def _read_csv(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    enc = _sniff(path, gz)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with _open_bytes(path, gz) as fh:
        stream = io.TextIOWrapper(fh, encoding=enc, newline="")
        first = stream.readline().lstrip("\ufeff")
        delimiter = _csv_delimiter(first)
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
        # Known columns match whatever their case ("Title", "TEXT").
        header = [h.lower() if h.lower() in _KNOWN_KEYS else h for h in header]
        if not set(header) & {*_TEXT_KEYS, *_TITLE_KEYS}:
            raise _Refused("CSV has no text or title column")
        reader = csv.reader(stream, delimiter=delimiter)
        n = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                n += 1
                line = reader.line_num + 1  # +1: the header was read apart
                yield Skipped(f"{origin}#record {n}", f"malformed CSV on line {line}")
                continue
            if not any(cell.strip() for cell in row):
                continue
            n += 1
            record: dict[str, object] = dict(zip(header, row, strict=False))
            if len(row) > len(header):
                record["_extra"] = row[len(header):]
            yield _record_article(record, n, "record", origin, path.name)
        if n == 0:
            yield Skipped(origin, "no records")


_READERS: dict[str, Callable[[Path, bool, str], Iterator[Article | Skipped]]] = {
    "text": lambda p, gz, o: _read_text_file(p, gz, o, markdown=False),
    "markdown": lambda p, gz, o: _read_text_file(p, gz, o, markdown=True),
    "html": _read_html,
    "jsonl": _read_jsonl,
    "json": _read_json,
    "csv": _read_csv,
}
