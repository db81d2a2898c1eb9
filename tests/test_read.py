"""read_file / read_paths on every supported format, their failure modes, and dating."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from index.ingest import read_paths
from index.models import Article, Skipped
from index.pubdate import dateline_date, parse_date_value, split_header_marker
from index.read import SUPPORTED_SUFFIXES, read_file, source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SEEDS = Path(__file__).resolve().parent.parent / "data" / "articles"


def _read(name: str) -> list[Article | Skipped]:
    return list(read_file(FIXTURES / name))


def _one(name: str) -> Article:
    (item,) = _read(name)
    assert isinstance(item, Article), item
    return item


def _by_origin(items: list[Article | Skipped]) -> dict[str, Article | Skipped]:
    return {item.origin.rsplit("#", 1)[-1]: item for item in items}


def test_every_supported_suffix_is_read_plain_and_gzipped(tmp_path: Path) -> None:
    bodies = {".txt": "Title\n\nThe council met.\n", ".md": "# Title\n\nThe council met.\n",
              ".html": "<html><body><article><p>The council met on Monday, officials said, "
                       "and voted on the harbour tariff.</p></article></body></html>",
              ".htm": "<html><body><article><p>The council met on Monday, officials said, "
                      "and voted on the harbour tariff.</p></article></body></html>",
              ".jsonl": '{"title": "Title", "text": "The council met."}\n',
              ".json": '[{"title": "Title", "text": "The council met."}]',
              ".csv": "title,text\nTitle,The council met.\n"}
    assert set(SUPPORTED_SUFFIXES) == {*bodies, *(s + ".gz" for s in bodies)}
    for suffix, body in bodies.items():
        for name, data in ((f"a{suffix}", body.encode()), (f"a{suffix}.gz", gzip.compress(body.encode()))):
            (tmp_path / name).write_bytes(data)
            (item,) = read_file(tmp_path / name)
            assert isinstance(item, Article) and "council met" in item.text, (name, item)


# --- seeds -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("prefix", "published", "date_source", "title"),
    [
        ("000", None, "none",
         "Putin ‘doesn’t want peace,’ EU chief diplomat warns ahead of Trump, Zelenskyy deal"),
        ("001", dt.date(2025, 2, 19), "header",
         "A top European Union official is warning President Donald Trump against letting"
         " Russian President…"),
        ("003", dt.date(2025, 8, 12), "header",
         "The Russian dictator is not serious about negotiations – otherwise Zelenskyy would"
         " have attended the summit, says European official"),
        ("004", None, "none",
         "EU Foreign Policy Chief: ‘Russia Cannot Be Trusted’ Amid Ceasefire Talks"),
    ],
)
def test_seeds(prefix: str, published: dt.date | None, date_source: str, title: str) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    (article,) = read_file(path)
    assert isinstance(article, Article)
    assert (article.published, article.date_source, article.title) == (published, date_source, title)
    assert article.origin == str(path.resolve())
    assert article.source == path.name and article.url is None
    assert not article.text.startswith((" date", "date "))
    # A title line (and its repeat) is not part of the body; a fallback title is quoted from it.
    assert article.text.startswith(title.rstrip("…")) == (prefix == "001")
    assert "Share and Follow" not in article.text


def test_seed_folder_reads_in_sorted_order() -> None:
    items = list(read_paths([SEEDS]))
    assert [Path(a.origin).name[:3] for a in items] == ["000", "001", "003", "004"]


# --- text and Markdown ------------------------------------------------------------

def test_txt_with_dateline_with_year() -> None:
    a = _one("dateline.txt")
    assert a.title == "Ukraine and Russia swap prisoners in Gulf-brokered deal"
    assert (a.published, a.date_source) == (dt.date(2025, 3, 14), "dateline")
    assert a.text.startswith("KYIV, March 14, 2025 (Reuters) - Ukraine and Russia exchanged")
    assert a.source == "dateline.txt"


def test_dateline_without_year_gives_no_date_and_title_falls_back_to_first_sentence() -> None:
    a = _one("dateline_no_year.txt")
    assert (a.published, a.date_source) == (None, "none")
    assert a.title == (
        "BAHIA BLANCA, Argentina, Feb 26 - Showers continued throughout the week in the Bahia"
        " cocoa zone…"
    )
    assert a.title.rstrip("…") in a.text and len(a.title) <= 100


def test_markdown_heading_title_and_markup() -> None:
    a = _one("heading.md")
    assert a.title == "Rail strike ends after two-week standoff"
    assert a.text == (
        "Train drivers voted on Tuesday to accept a new pay offer, ending a two-week strike that"
        " had halted most services.\n\n"
        "What happens next\n\n"
        "Services resume on Wednesday morning.\n\n"
        "Tickets for cancelled trains will be refunded.\n\n"
        'The union said the deal was "the best that could be won" and thanked passengers for'
        " their patience."
    )


def test_markdown_front_matter_is_metadata_and_beats_the_header_marker() -> None:
    a = _one("front_matter.md")
    assert a.title == "Library reopens after flood repairs"
    assert (a.published, a.date_source) == (dt.date(2023, 11, 2), "metadata")
    assert a.url == "https://example.org/library"
    assert dict(a.meta) == {"author": "Jo Smith"}
    assert a.text == (
        "The central library reopened on Thursday after months of repairs to flood damage,"
        " the council said.\n\nAbout 20,000 books had to be replaced."
    )


def test_legacy_and_utf16_encodings() -> None:
    a = _one("cp1252.txt")
    assert a.title == "Café owners protest new rules"
    assert "“thousands of euros” — perhaps €5,000 each" in a.text
    b = _one("utf16.txt")
    assert b.title == "Северный порт возобновил работу"
    assert b.text.endswith("the port authority said.")


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle here\r\n\r\nBody sentence one.\r\nStill one.\r\n".encode())
    (a,) = read_file(path)
    assert isinstance(a, Article)
    assert (a.title, a.text) == ("Title here", "Body sentence one. Still one.")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("blank.md", "empty file"),
        ("binary.txt", "binary file"),
        ("report.pdf", "unsupported file type"),
    ],
)
def test_bad_files_are_skipped_by_name(name: str, reason: str) -> None:
    assert _read(name) == [Skipped(str(FIXTURES / name), reason)]


def test_utf8_with_nul_bytes_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.md"
    path.write_bytes(b"Some text\x00\x01\x02 and more text here")
    assert list(read_file(path)) == [Skipped(str(path), "binary file")]


# --- HTML ---------------------------------------------------------------------------

def test_html_og_meta_and_no_markup_or_script_in_text() -> None:
    a = _one("meta_published.html")
    assert a.title == "Harbour bridge reopens after repairs"
    assert (a.published, a.date_source) == (dt.date(2024, 5, 6), "html-meta")
    assert a.source == "The Coastal Herald"
    assert a.url == "https://herald.example/news/harbour-bridge"
    assert a.text.startswith("The harbour bridge reopened to traffic on Monday morning")
    assert "Read the council's full statement on its website" in a.text
    for bad in ("alert", "javascript", "<", ">", "onerror", "injected", "iframe", "Subscribe"):
        assert bad not in a.text


def test_html_jsonld_date_in_graph_and_canonical_url() -> None:
    a = _one("jsonld.html")
    assert (a.published, a.date_source) == (dt.date(2023, 9, 18), "html-meta")
    assert a.source == "jsonld.html"  # no og:site_name
    assert a.url == "https://cityvoice.example/cycle-lanes"
    assert a.title == "Council approves new cycle lanes"
    assert not a.text.startswith("Council approves")  # the h1 repeat of the title is dropped


def test_html_time_element_after_an_invalid_meta_date() -> None:
    a = _one("time_element.htm")
    assert (a.published, a.date_source) == (dt.date(2022, 11, 28), "html-meta")
    assert a.title == "Museum returns looted bronzes"


def test_html_without_date_is_undated() -> None:
    a = _one("undated.html")
    assert (a.published, a.date_source) == (None, "none")
    assert a.title == "Village fete raises funds for new roof"


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text("<html><body><script>alert(1)</script><iframe src='x'></iframe></body></html>")
    assert list(read_file(path)) == [Skipped(str(path), "no article text found")]


# --- records -----------------------------------------------------------------------

def _check_jsonl(items: list[Article | Skipped], name: str) -> None:
    base = str(FIXTURES / name)
    got = _by_origin(items)
    assert [i.origin for i in items] == [
        f"{base}#{k}" for k in ("a1", "2", "line 3", "a4", "https://wire.example/h5",
                               "line 7", "a8", "a9", "a10", "line 11", "a12")
    ]
    a1 = got["a1"]
    assert isinstance(a1, Article)
    assert (a1.title, a1.text, a1.source, a1.url) == (
        "Talks resume in Riyadh", "Negotiators met again on Tuesday, officials said.", "Wire",
        "https://wire.example/a1",
    )
    assert (a1.published, a1.date_source) == (dt.date(2025, 2, 19), "metadata")
    assert dict(a1.meta) == {
        "id": "a1", "section": "world", "tags": '["peace", "talks"]', "words": "8", "flag": "null",
    }
    a2 = got["2"]
    assert isinstance(a2, Article)
    assert (a2.text, a2.published, a2.source) == (
        "Cocoa prices rose on Thursday, traders said.", dt.date(1987, 2, 26), name,
    )
    assert got["line 3"] == Skipped(f"{base}#line 3", "malformed JSON on line 3")
    assert got["a4"] == Skipped(f"{base}#a4", "record 4 has no text")
    h5 = got["https://wire.example/h5"]
    assert isinstance(h5, Article)
    assert h5.text == h5.title == "Markets open higher in Asia"  # headline-only record
    assert (h5.published, dict(h5.meta)) == (dt.date(2015, 1, 1), {"time": "20150101 11:43PM UTC"})
    # Invalid metadata dates fall through: to the next metadata field, the marker, the dateline.
    a7 = got["line 7"]
    assert isinstance(a7, Article)
    assert (a7.published, a7.date_source) == (dt.date(2025, 3, 1), "metadata")
    assert dict(a7.meta) == {"date": "2025-02-30"}
    a8 = got["a8"]
    assert isinstance(a8, Article)
    assert (a8.published, a8.date_source) == (dt.date(2024, 6, 5), "dateline")
    a9 = got["a9"]
    assert isinstance(a9, Article)
    assert (a9.published, a9.date_source) == (dt.date(2024, 1, 10), "header")
    assert a9.text == "The harbour froze for the first time in a decade."
    a10 = got["a10"]
    assert isinstance(a10, Article)
    assert (a10.published, a10.date_source, a10.text) == (
        dt.date(2024, 2, 1), "metadata", "Metadata beats the marker.",
    )
    assert got["line 11"] == Skipped(f"{base}#line 11", "record 11 is not a JSON object")
    a12 = got["a12"]
    assert isinstance(a12, Article)
    assert (a12.published, a12.date_source, a12.title) == (None, "none", "Nobody dated this story.")


def test_jsonl() -> None:
    _check_jsonl(_read("records.jsonl"), "records.jsonl")


def test_jsonl_gz() -> None:
    _check_jsonl(_read("records.jsonl.gz"), "records.jsonl.gz")


@pytest.mark.parametrize("name", ["records.json", "records.json.gz"])
def test_json_list(name: str) -> None:
    base = str(FIXTURES / name)
    j1, bad2, bad3, j4 = _read(name)
    assert isinstance(j1, Article) and isinstance(j4, Article)
    assert (j1.origin, j1.title, j1.source, j1.published) == (
        f"{base}#j1", "Port strike ends", "Harbour News", dt.date(1987, 2, 26),
    )
    assert bad2 == Skipped(f"{base}#record 2", "record 2 has no text")
    assert bad3 == Skipped(f"{base}#record 3", "record 3 is not a JSON object")
    assert (j4.origin, j4.url, dict(j4.meta), j4.title) == (
        f"{base}#https://example.org/j4", "https://example.org/j4", {"rating": "4.5"},
        "A record keyed by its URL.",
    )


def test_single_json_object() -> None:
    a = _one("single.json")
    assert a.origin.endswith("single.json#record 1")
    assert (a.title, a.published, a.date_source) == ("A single object", dt.date(2020, 5, 17), "metadata")


@pytest.mark.parametrize("name", ["headlines.csv", "headlines.csv.gz"])
def test_csv_headlines_without_text(name: str) -> None:
    r0, r1, r2 = _read(name)
    assert all(isinstance(r, Article) for r in (r0, r1, r2))
    assert isinstance(r0, Article) and isinstance(r1, Article) and isinstance(r2, Article)
    assert r0.origin == f"{FIXTURES / name}#reuters-0"
    assert r0.text == r0.title == "AJC Praises U.S. Congress Approval of Iron Dome Funding"
    assert (r0.source, r0.url, r0.published) == (
        "Reuters", "http://www.reuters.com/article/2014/08/02/a", dt.date(2014, 8, 1),
    )
    assert dict(r0.meta) == {"id": "reuters-0", "time": "20140801 11:33PM UTC"}
    assert r1.title == "Lifshitz & Miller Law Firm Announces Investigation of Bally Technologies, Inc."
    assert (r2.published, r2.date_source, r2.meta["date"]) == (None, "none", "not a date")


def test_csv_semicolons_quoted_newlines_and_header_case() -> None:
    c1, c2 = _read("articles.csv")
    assert isinstance(c1, Article)
    assert (c1.title, c1.published, dict(c1.meta)) == (
        "Budget passes", dt.date(2021, 6, 30), {"id": "c1", "Section": "politics"},
    )
    assert c1.text == (
        "The budget passed by 52 votes to 48.\n\n"
        'The opposition said it would challenge it; "in court", if needed.'
    )
    assert c2 == Skipped(f"{FIXTURES / 'articles.csv'}#c2", "record 2 has no text")


def test_csv_allows_a_10_mb_field(tmp_path: Path) -> None:
    body = "The committee met again. " * (10 * 1024 * 1024 // 25 + 1)
    path = tmp_path / "big.csv"
    path.write_text(f'title,text\nBig one,"{body}"\n', encoding="utf-8")
    (a,) = read_file(path)
    assert isinstance(a, Article) and len(a.text) >= 10 * 1024 * 1024 - 1


def test_csv_without_text_or_title_column(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n")
    assert list(read_file(path)) == [Skipped(str(path), "CSV has no text or title column")]


def test_gz_text_equals_plain() -> None:
    plain, gz = _one("dateline.txt"), _one("dateline.txt.gz")
    assert (plain.title, plain.text, plain.published) == (gz.title, gz.text, gz.published)


# --- hostile input ------------------------------------------------------------------

def test_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_DECOMPRESSED_BYTES", 4096)
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"Title\n\n" + b"A" * 1_000_000))
    assert len(bomb.read_bytes()) < 4096
    assert list(read_file(bomb)) == [Skipped(str(bomb), "decompresses past 4 KiB")]
    lines = tmp_path / "bomb.jsonl.gz"
    lines.write_bytes(gzip.compress(b'{"text": "Fine."}\n' * 100_000))
    items = list(read_file(lines))
    assert items[-1] == Skipped(str(lines), "decompresses past 4 KiB")
    assert len(items) < 300  # it stopped at the limit, not at the end of the stream


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "ok"}\n' * 1000)[:60])
    assert list(read_file(path))[-1] == Skipped(str(path), "corrupt gzip file")


def test_json_bomb_nesting(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    doc = tmp_path / "deep.json"
    doc.write_text(deep)
    assert list(read_file(doc)) == [Skipped(str(doc), "nested too deeply")]
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"id": "ok", "text": "Fine."}\n' + deep + "\n")
    ok, bad = read_file(lines)
    assert isinstance(ok, Article)
    assert bad == Skipped(f"{lines}#line 2", "record 2 is nested too deeply")


def test_invalid_utf8_line_costs_only_that_line(tmp_path: Path) -> None:
    # Past the sniffed head the file is taken as UTF-8; a stray byte spoils one record only.
    path = tmp_path / "mixed.jsonl"
    good = b'{"text": "A good record of the wire."}\n' * 2000
    path.write_bytes(good + b'{"text": "Bad \xff byte."}\n{"text": "Good two."}\n')
    items = list(read_file(path))
    assert len(items) == 2002 and isinstance(items[-1], Article)
    assert items[2000] == Skipped(f"{path}#line 2001", "record 2001 is not valid UTF-8")


def test_small_legacy_jsonl_is_decoded_by_detection(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes('{"title": "Café reopens", "text": "The café reopened."}\n'.encode("cp1252"))
    (a,) = read_file(path)
    assert isinstance(a, Article) and a.text == "The café reopened."


# --- walking ------------------------------------------------------------------------

def test_read_paths_folder_is_recursive_sorted_and_ignores_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("Hidden folder.")
    (tmp_path / ".hidden.txt").write_text("Hidden file.")
    (tmp_path / "b" / "z.txt").write_text("Zed story.")
    (tmp_path / "a.md").write_text("Ay story.")
    (tmp_path / "c.docx").write_text("not supported")
    items = list(read_paths([tmp_path, tmp_path / "a.md", str(tmp_path / "b")]))
    assert [Path(i.origin).name for i in items] == ["a.md", "z.txt", "c.docx"]
    assert items[2] == Skipped(str(tmp_path / "c.docx"), "unsupported file type")
    missing = tmp_path / "missing.txt"
    assert list(read_paths([missing])) == [Skipped(str(missing), "no such file or folder")]


def test_fixture_folder_never_raises_and_is_deterministic() -> None:
    first = list(read_paths([FIXTURES]))
    assert first == list(read_paths([FIXTURES]))
    names = {Path(i.origin.split("#")[0]).name for i in first}
    assert ".hidden.txt" not in names and "report.pdf" in names


# --- date parsing -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-19", dt.date(2025, 2, 19)),
        ("2025-02-19T23:30:00-05:00", dt.date(2025, 2, 19)),
        ("2025-02-19T10:00:00Z", dt.date(2025, 2, 19)),
        ("20150101", dt.date(2015, 1, 1)),
        ("20150101 11:43PM UTC", dt.date(2015, 1, 1)),
        ("Feb 26, 1987", dt.date(1987, 2, 26)),
        ("26 February 1987", dt.date(1987, 2, 26)),
        ("0000-00-00", None),
        ("2025-02-30", None),
        ("tomorrow", None),
        ("today", None),
        ("", None),
        ("garbage 12", None),
        ("1987", None),
        ("March 14", None),
        ("2025-02-19Tnonsense", None),
    ],
)
def test_parse_date_value(value: str, expected: dt.date | None) -> None:
    assert parse_date_value(value) == expected


def test_header_marker_and_dateline() -> None:
    assert split_header_marker(" date 2025-02-19 Body here.") == (dt.date(2025, 2, 19), "Body here.")
    assert split_header_marker(" date 2025-02-30 Body.") == (None, "Body.")
    assert split_header_marker("The date 2025-02-19 is late.") == (None, "The date 2025-02-19 is late.")
    assert dateline_date("KYIV, March 14, 2025 (Reuters) - Ukraine said") == dt.date(2025, 3, 14)
    assert dateline_date("WASHINGTON, 14 March 2025 — The") == dt.date(2025, 3, 14)
    assert dateline_date("BAHIA BLANCA, Argentina, Feb 26 - Showers") is None
    assert dateline_date("LONDON (Reuters) - Shares") is None
    assert dateline_date("He said on March 14, 2025 - the talks") is None


def test_records_never_use_file_times(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"text": "No date anywhere."}) + "\n")
    (a,) = read_file(path)
    assert isinstance(a, Article) and (a.published, a.date_source) == (None, "none")
