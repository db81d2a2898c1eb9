"""Turn raw article text into clean paragraphs, keeping every sentence of the story.

What goes: share widgets, app/newsletter promos, all-caps cross-links to other stories,
comment-policy and copyright footers, bylines and reporting credits, photo credits, and captions
that are only a label and a credit. A paragraph of sentences that ends with a photo credit loses
the credit, never its sentences. Every removal is
reported in ``Cleaned.removed`` so a test (or a curious user) can see what was dropped.
The rules are patterns, not lists of known strings, and each is anchored to a whole line
or paragraph so that a sentence which merely mentions "share" or "comments" survives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.timings import timed

__all__ = ["Cleaned", "clean_text", "normalize_text", "normalize_line"]


@dataclass(frozen=True)
class Cleaned:
    text: str  # paragraphs joined by "\n\n"
    removed: tuple[str, ...]  # each removed line or fragment, in document order


# --- normalization ------------------------------------------------------------------

def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # C0/C1 controls other than \t and \n (NUL included) become spaces: never glue words.
    for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        table[cp] = " "
    table[ord("\t")] = "\t"
    table[ord("\n")] = "\n"
    table[ord("\r")] = "\n"
    for cp in (0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060):  # zero-width: invisible, break search
        table[cp] = None
    # Bidi embeddings, overrides and isolates: invisible, and they can make an excerpt display
    # in another order than its stored words ("Trojan Source"). RTL letters and the LRM/RLM
    # marks (U+200E/F, which reorder nothing on their own) are kept.
    for cp in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[cp] = None
    for cp in (0x00A0, 0x2007, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[cp] = " "
    table[0x2028] = "\n"  # line separator
    table[0x2029] = "\n\n"  # paragraph separator
    return table


_TABLE = _translation_table()
_SPACES_RE = re.compile(r"[ \t]+")


def normalize_text(raw: str) -> str:
    """NFC, no zero-width, bidi-override or control characters, \\n line ends. Keeps indentation
    and RTL text."""
    text = raw.replace("\r\n", "\n").translate(_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def normalize_line(raw: str) -> str:
    """Normalize and collapse all whitespace (newlines included) to single spaces."""
    return " ".join(normalize_text(raw).split())


# --- line rules: widgets, promos, credit lines --------------------------------------

_WIDGET_WORDS = frozenset(
    "share shares sharing follow tweet email e mail print save copy link comment comments "
    "facebook twitter x linkedin whatsapp reddit pinterest telegram flipboard messenger "
    "threads bluesky sms on and or this the article story page us via to with friend friends "
    "a an it".split()
)
_WIDGET_TRIGGERS = frozenset("share follow tweet email print".split())
_WORDS_RE = re.compile(r"[^\W\d_]+")

_BOILERPLATE_LINE_RE = re.compile(
    r"""(?ix)^(?:
        (?:exit|view|switch\ to|go\ to)\ (?:the\ )?(?:mobile|desktop|full|amp|classic)\ (?:version|site)
      | advertisement | advertising | sponsored(?:\ content)?
      | (?:story|article)\ continues\ (?:below|after)(?:\ (?:this\ )?(?:advertisement|ad))?
      | continue\ reading(?:\ below|\ the\ main\ story)?
      | scroll\ (?:down\ )?to\ continue(?:\ with\ content)?
      | skip\ (?:to\ )?(?:main\ )?content | skip\ (?:this\ )?ad
      | listen\ to\ (?:this|the)\ (?:article|story)(?:\ \S+){0,4}
      | (?:read|see)\ (?:more|also|next)[.:!]? | related(?:\ (?:articles?|stories|coverage|content))?:?
      | (?:click|tap)\ here\b.{0,100}
      | (?:download|get)\ (?:the|our)\ .{0,40}\bapps?\b.{0,60}
      | (?:sign\ up|subscribe)\b.{0,80}\b(?:newsletters?|updates|alerts|podcasts?|channel)\b.{0,60}
      | (?:watch|listen|read\ more|see\ also|related|more)\ ?:.{0,150}
      | image\ (?:source|caption)\s*,.{0,200}
      | (?:photos?|images?|pictures?|photograph)(?:\ credit)?\ ?:\ ?[^.!?\d]{1,60}
      | \(?(?:getty\ images|shutterstock|ap\ photo(?:/[^()]{1,60})?|afp(?:\ via\ getty\ images)?)\)?
      | ©.{0,150} | copyright\ (?:©\ ?)?\d{4}.{0,150} | all\ rights\ reserved\.?
      | \(\ ?(?:additional\ )?(?:reporting|writing|editing)\ by\ [^()]{1,200}\)
      | (?:additional\ )?reporting\ by\ [^.!?;]{1,120};\ (?:writing|editing)\ by\ [^!?]{1,120}
    )\s*$""",
)
# "By Jane Doe and John Roe, Reuters | Updated 3 March": capitalized names only, so a sentence
# that opens with "By Monday night" or "By contrast," is out of reach.
_NAME = r"[A-Z][\w'’-]*\.?"
_BYLINE_RE = re.compile(
    rf"^(?:By|BY)\ {_NAME}(?:\ {_NAME}){{1,3}}(?:(?:,|\ and|\ &)\ {_NAME}(?:\ {_NAME}){{0,3}}){{0,3}}"
    r"(?:\ [|·•–—-]\ [^.!?]{0,60})?$"
)


_WIDGET_TRIGGER_RE = re.compile(r"(?i)\b(?:share|follow|tweet|e-?mail|print)")
_DIGIT_RE = re.compile(r"\d")


def _is_widget(line: str) -> bool:
    if len(line) > 60 or not _WIDGET_TRIGGER_RE.search(line) or _DIGIT_RE.search(line):
        return False
    return {w.lower() for w in _WORDS_RE.findall(line)} <= _WIDGET_WORDS


def _is_boilerplate_line(line: str) -> bool:
    """A line that is navigation, promo or credit as a whole. It must start like a
    heading (upper case, "(" or "©"), which also keeps hard-wrapped continuation
    lines such as "share." or "follow the talks" out of reach."""
    if len(line) > 260 or line[0].islower():
        return False
    return (_is_widget(line) or _BOILERPLATE_LINE_RE.match(line) is not None
            or (len(line) <= 120 and _BYLINE_RE.match(line) is not None))


# --- paragraph rules: footers, captions, credits, cross-links -----------------------

_FOOTER_RE = re.compile(
    r"""(?ix)
      (?:the\ )?(?:comments|views|opinions)\ (?:posted|expressed|published|made)
          \ (?:here|below|on\ this\ (?:site|page|website))\b
    | comments?\ (?:are|have\ been|is)\ (?:now\ )?(?:closed|disabled|moderated)\b
    | this\ (?:material|article|content)\ may\ not\ be\ (?:published|reproduced|copied)\b
    | (?:join|start)\ the\ (?:conversation|discussion)\b
    """
)
_REFRAIN_RE = re.compile(r"(?i)\b(?:kindly|please)\ refrain\ from\ (?:using|posting|making)\b")
_MAX_FOOTER = 400


def _is_footer(par: str) -> bool:
    return len(par) <= _MAX_FOOTER and (
        _FOOTER_RE.match(par) is not None
        or ("efrain from" in par and _REFRAIN_RE.search(par) is not None)
    )

_AGENCIES = (
    r"AP|AFP|Reuters|EPA(?:-EFE)?|EFE|Anadolu(?:\ Agency)?|Shutterstock|Bloomberg|Xinhua|Pool"
    r"|Sipa(?:\ USA)?|Alamy|iStock|NurPhoto|TASS|Sputnik|DPA|dpa|ANSA|ZUMA(?:\ Press)?|UPI"
    r"|Kyodo|Yonhap|Getty(?:\ Images)?|PA(?:\ Images|\ Wire)?|Imago|Polaris|Redux"
)
# A parenthesised photo credit; "(Reuters)" alone is a dateline, so it needs a slash or "Photo".
_CREDIT = (
    r"\((?:"
    r"[^()\n]{0,80}?\bGetty\ Images"
    r"|(?:Photos?|Image|Picture|Photograph|Credit|Foto)(?:\ credit)?\ ?[:/]\ ?[^()\n]{1,80}"
    r"|(?:Photos?|Image|Picture|Photograph|Foto)\ (?:by|courtesy(?:\ of)?)\ [^()\n]{1,80}"
    rf"|(?:{_AGENCIES})\ Photo(?:/[^()\n]{{1,80}})?"
    rf"|[^()\n/]{{1,80}}/(?:{_AGENCIES})(?:[\ /][^()\n]{{0,40}})?"
    r")\)"
)
_CREDIT_RE = re.compile(rf"(?x)\ ?{_CREDIT}")
_CAPTION_RE = re.compile(rf"(?x){_CREDIT}[\s.]*$")
_MAX_CAPTION = 300
# "… on Monday. Photo: Jane Doe/Reuters": a credit after the last sentence, without brackets.
_TRAILING_CREDIT_RE = re.compile(
    r"(?<=[.!?…\"”’])\ +((?:Photos?|Images?|Pictures?|Photograph)(?:\ credit)?\ ?:\ ?[^.!?()\n]{1,80})$"
)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _is_crosslink(par: str) -> bool:
    """An all-caps paragraph of several words: a headline linking to another story."""
    if len(par) > 200 or par != par.upper() or par == par.lower():
        return False
    words = _WORDS_RE.findall(par)
    tokens = par.split()
    return len(words) >= 4 and sum(len(w) >= 2 for w in words) >= 4 and (
        sum(any(ch.isdigit() for ch in t) for t in tokens) <= 1
    )


def _is_caption(par: str) -> bool:
    """A short paragraph that is a label and its photo credit ("Kaja Kallas (Jane Doe/AP)"):
    without the credit, no sentence is left. A caption that is a sentence keeps the sentence."""
    if not par.rstrip(" .").endswith(")"):
        return False
    m = _CAPTION_RE.search(par)
    if m is None or m.start() > _MAX_CAPTION:
        return False
    return _SENTENCE_END_RE.search(_CREDIT_RE.sub("", par).strip()) is None


def _cut_credits(par: str) -> tuple[str, list[str]]:
    """The paragraph without its photo credits, and the credits cut, in order."""
    credits = [c.strip() for c in _CREDIT_RE.findall(par)] if "(" in par else []
    if credits:
        par = _CREDIT_RE.sub("", par).strip()
    m = _TRAILING_CREDIT_RE.search(par)
    if m:
        credits.append(m[1])
        par = par[: m.start()].rstrip()
    return par, credits


# --- structure -----------------------------------------------------------------------

_NEW_PARAGRAPH_RE = re.compile(r"^(?:[ \t]{2,}|\t|[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]+\S)")


def _paragraphs(block: list[str]) -> list[str]:
    """Join the lines of a block into paragraphs: hard-wrapped lines are one paragraph,
    an indented or bulleted line (as in newswire copy and lists) starts a new one."""
    pars: list[list[str]] = []
    for line in block:
        if not pars or _NEW_PARAGRAPH_RE.match(line):
            pars.append([])
        pars[-1].append(line)
    return [" ".join(" ".join(p).split()) for p in pars]


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def clean_text(raw: str) -> Cleaned:
    """Clean article text: normalized paragraphs, boilerplate removed and reported."""
    with timed("clean"):
        return _clean(raw)


def _clean(raw: str) -> Cleaned:
    # Entries in document order: (text, kept, lone all-caps block); the cross-link
    # decision needs the whole text, so it is taken at the end.
    entries: list[tuple[str, bool, bool]] = []
    for block in _blocks(normalize_text(raw)):
        lines: list[str] = []
        for line in block:
            stripped = " ".join(line.split())
            if _is_boilerplate_line(stripped):
                entries.append((stripped, False, False))
            else:
                lines.append(line)
        pars = _paragraphs(lines) if lines else []
        for par in pars:
            if _is_footer(par) or _is_caption(par):
                entries.append((par, False, False))
                continue
            par, credits = _cut_credits(par)
            entries.extend((credit, False, False) for credit in credits)
            if par:
                entries.append((par, True, len(pars) == 1 and _is_crosslink(par)))
    # An all-caps text (old wire copy) is the story itself, not a set of cross-links.
    drop_caps = any(kept and not caps for _, kept, caps in entries)
    out: list[str] = []
    removed: list[str] = []
    for text, kept, caps in entries:
        if kept and not (caps and drop_caps):
            out.append(text)
        else:
            removed.append(text)
    return Cleaned("\n\n".join(out), tuple(removed))
