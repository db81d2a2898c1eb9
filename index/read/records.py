"""Record files: JSON Lines, JSON and CSV, one article per record.

JSON Lines and CSV are streamed, so a million-line file never sits in memory. A bad record
becomes a ``Skipped`` of its own and the rest of the file is read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.clean import clean_text, normalize_line
from index.models import Article, Skipped
from index.pubdate import split_header_marker
from index.read.fields import DATE_KEYS, first_sentence_title, metadata_date, pick_date
from index.read.source import Refused, decode, open_bytes, read_all, sniff

TEXT_KEYS = ("text", "body", "content")
TITLE_KEYS = ("title", "headline")
_KNOWN_KEYS = frozenset((*TEXT_KEYS, *TITLE_KEYS, *DATE_KEYS, "url", "source", "id"))
_CSV_FIELD_LIMIT = 16 * 1024 * 1024  # a 10 MB article body must fit in one CSV field


def _as_str(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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


def _first_text(record: dict[str, object], keys: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(key, value) of the first key holding non-blank text (a list of strings joins)."""
    for k in keys:
        value = record.get(k)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)  # type: ignore[arg-type]
        if isinstance(value, str) and value.strip():
            return k, value
    return None, None


def _build_record(
    record: dict[str, object], n: int, rec_origin: str, default_source: str
) -> Article | Skipped:
    text_key, raw_text = _first_text(record, TEXT_KEYS)
    title_key, raw_title = _first_text(
        {k: v for k, v in record.items() if isinstance(v, str)}, TITLE_KEYS)
    title = normalize_line(raw_title) if raw_title else ""
    used = {"url", "source"} | {k for k in (text_key, title_key) if k}
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
    date_key, meta_date = metadata_date(record)
    if date_key:
        used.add(date_key)
    dated = pick_date(meta_date, marker_date, None, text)
    url = record.get("url")
    source = record.get("source")
    return Article(
        origin=rec_origin,
        title=title or first_sentence_title(text),
        text=text,
        source=normalize_line(source) if isinstance(source, str) and source.strip()
        else default_source,
        url=url.strip() if isinstance(url, str) and url.strip() else None,
        published=dated.published,
        date_source=dated.source,
        meta={k: _as_str(v) for k, v in record.items() if k not in used},
    )


def read_jsonl(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    enc = sniff(path, gz)
    with open_bytes(path, gz) as fh:
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


def read_json(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    text = decode(read_all(path, gz))
    try:
        data = json.loads(text)
    except RecursionError:
        raise Refused("nested too deeply") from None
    except json.JSONDecodeError as err:
        raise Refused(f"malformed JSON on line {err.lineno}") from None
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise Refused("JSON is not a list of objects")
    if not records:
        raise Refused("no records")
    for n, record in enumerate(records, 1):
        yield _record_article(record, n, "record", origin, path.name)


def csv_header(first_line: str) -> tuple[str, list[str]]:
    """(delimiter, column names) of a CSV header line; known columns match in any case."""
    delimiter = max(",;\t|", key=first_line.count)
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter), [])]
    header = [h.lower() if h.lower() in _KNOWN_KEYS else h for h in header]
    if not set(header) & {*TEXT_KEYS, *TITLE_KEYS}:
        raise Refused("CSV has no text or title column")
    return delimiter, header


def read_csv(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    enc = sniff(path, gz)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with open_bytes(path, gz) as fh:
        stream = io.TextIOWrapper(fh, encoding=enc, newline="")
        delimiter, header = csv_header(stream.readline().lstrip("\ufeff"))
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
