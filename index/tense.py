"""The tense of the clause around a time expression: whether a year-less date lies behind or ahead."""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"] | None

_IRREGULAR_PAST = (
    "met|held|took|made|went|came|gave|saw|spoke|left|sent|won|lost|began|fell|rose|hit|struck"
    "|shot|became|brought|bought|built|caught|chose|drew|drove|felt|fought|found|fled|flew|froze"
    "|got|grew|heard|hid|kept|knew|led|meant|paid|ran|sat|shook|sold|sought|spent|stood|stole"
    "|swore|taught|thought|threw|understood|wrote|wore|broke")
# "-ed" words that are no past tense
_NOT_PAST = ("(?:succeed|proceed|exceed|need|feed|seed|bleed|breed|speed|indeed|embed|shed|bed|red"
             "|wed|hundred|sacred|naked|wicked|ragged|rugged|kindred|unspecified|unexpected"
             "|unprecedented|limited|united|advanced|detailed|related|based|concerned)")
# Tense cues: the verb near an expression says whether a year-less date lies ahead.
_CUE = re.compile(
    r"\b(?:(?P<fut>will|shall|would|won['’]t|wo\s+n['’]t|going\s+to|(?:is|are)\s+to|scheduled"
    r"|expected|set\s+to|plans?\s+to|planned|planning|slated|upcoming|next(?!\s+to\b)|later"
    r"|payable|effective|due(?!\s+to\s+(?:the|its|a|an|his|her|their|higher|lower|weak|strong)\b))"
    r"|(?P<past>said|says|told|tells|was|were|had|did|been|ago|earlier|last"
    # a participle after "be" belongs to the verb before it: "will be released", "be held",
    # "the case is heard in May"
    r"|(?<!\bbe\s)(?<!\bbeing\s)(?<!\bis\s)(?<!\bare\s)(?:" + _IRREGULAR_PAST
    + r"|(?!" + _NOT_PAST + r"\b)[a-z]{2,}ed)))"
    r"\b|(?P<fut2>['’]ll)\b")
# A sentence end or a quote mark: a quotation is another speaker's tense. The dot of "a.m.",
# "U.S.", "Oct." or "Mr." ends no sentence.
SENTENCE_END = re.compile(
    r"(?<!\b[a-zA-Z])(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mrs|Gen|Gov|Sen|Rep))"
    r"(?<!\bSept)(?<!\b(?:Mr|Ms|Dr|St|Jr))[.!?]\s|\n|[\"“”«»]|``|''")


def last_match(pattern: re.Pattern[str], s: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(s):  # noqa: B007 - the last one is wanted
        pass
    return found


def clause_before(text: str, start: int, reach: int = 60) -> str:
    """Up to ``reach`` characters before ``start``, cut at the sentence end or quote mark."""
    before = text[max(0, start - reach):start]
    cut = last_match(SENTENCE_END, before)
    return before if cut is None else before[cut.end():]


def tense_near(text: str, start: int, end: int) -> Tense:
    """The tense of the clause around text[start:end]: the nearest cue before it, else after.

    Before wins because the governing verb usually precedes its date phrase
    ("will meet on Friday, officials said"); "Trump on Thursday said" falls to the after-side.
    """
    last = last_match(_CUE, clause_before(text, start))
    if last is not None:
        return "past" if last.group("past") else "future"
    after = text[end:end + 40]
    stop = SENTENCE_END.search(after)
    if stop:
        after = after[:stop.start()]
    first = _CUE.search(after)
    if first is not None:
        return "past" if first.group("past") else "future"
    return None
