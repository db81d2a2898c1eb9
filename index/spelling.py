"""British and American spellings of one word: "defence" and "defense" are the same term.

News in English is written both ways, and a reader asks in their own: a question about EU
"defence" spending should find "a €40 billion defense initiative". Keyword search asks for both
spellings, and keyword coverage counts either as the question's word. The word list is breame's
(Apache-2.0, ~1,700 British words and their American forms).
"""

from __future__ import annotations

from functools import cache


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    # imported on first use: a 1,700-entry literal that `--help` does not need
    from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS

    return BRITISH_ENGLISH_SPELLINGS, AMERICAN_ENGLISH_SPELLINGS


def american(word: str) -> str:
    """The word in American spelling ("defence" -> "defense"); any other word as it is.
    ``word`` is lower-case."""
    return _tables()[0].get(word, word)


def spellings(word: str) -> tuple[str, ...]:
    """The word and its spelling on the other side of the Atlantic, if it has one."""
    to_us, to_uk = _tables()
    other = to_us.get(word) or to_uk.get(word)
    return (word, other) if other and other != word else (word,)
