"""HTML pages: main text by trafilatura, title and outlet from the page's own metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from index.clean import clean_text, normalize_line
from index.models import Article, Skipped
from index.pubdate import html_meta_date
from index.read.fields import drop_title_repeat, first_sentence_title, pick_date
from index.read.source import decode, read_all

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def read_html(path: Path, gz: bool, origin: str) -> Iterator[Article | Skipped]:
    html = decode(read_all(path, gz))
    yield html_article(html, origin, path.name)


def html_article(html: str, origin: str, name: str) -> Article | Skipped:
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
        lines = drop_title_repeat(lines, title)
    # trafilatura puts one paragraph per line.
    cleaned = clean_text("\n\n".join(lines)).text
    if not cleaned:
        return Skipped(origin, "no article text found")
    dated = pick_date(None, None, published, cleaned)
    return Article(
        origin=origin,
        title=title or first_sentence_title(cleaned),
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
