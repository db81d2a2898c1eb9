"""The words that mark an attribution: cue verbs by kind, and the raw attribution record.

Closed lists of general English verbs ("said", "warned", "believes", "blamed"); nothing here comes
from a benchmark's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.quote_names import Mention


def _forms(lemma: str) -> set[str]:
    irregular = {
        "say": "say says said saying", "tell": "tell tells told telling",
        "write": "write writes wrote writing written", "think": "think thinks thought",
        "know": "know knows knew", "see": "see sees saw", "expect": "expect expects",
        "feel": "feel feels felt", "find": "find finds found",
        "show": "show shows showed", "speak": "speak speaks spoke", "read": "read reads",
        "swear": "swear swears swore", "predict": "predict predicts predicted predicting",
        "admit": "admit admits admitted admitting", "quip": "quip quips quipped quipping",
        "fear": "fear fears feared", "hope": "hope hopes hoped",
    }
    if lemma in irregular:
        return set(irregular[lemma].split())
    s = lemma + ("es" if re.search(r"(s|sh|ch|x|z)$", lemma) else "s")
    if lemma.endswith("e"):
        ed, ing = lemma + "d", lemma[:-1] + "ing"
    elif re.search(r"[^aeiou]y$", lemma):
        s, ed, ing = lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    else:
        ed, ing = lemma + "ed", lemma + "ing"
    return {lemma, s, ed, ing}


_SPEECH = """say tell add write ask reply respond continue declare explain note state argue warn insist
claim tweet post recall conclude announce acknowledge admit suggest predict vow promise urge caution
complain concede contend counter remark observe emphasize emphasise stress joke quip shout yell chant
testify report describe maintain assert allege boast confirm deny agree wonder lament mention
reiterate repeat recount reveal speculate propose demand plead pledge threaten answer charge
criticize assure brag comment exclaim whisper retort scoff snap thunder scream murmur mutter
acknowledge announce estimate advise reason muse opine interject echo
""".split()
_THOUGHT = "think believe hope fear worry feel know see expect".split()
# What polls, studies and records say: a cue with any subject ("the survey found").
_EVIDENCE = "show find indicate".split()
SPEECH_CUES = frozenset().union(*(_forms(v) for v in _SPEECH))
THOUGHT_CUES = frozenset().union(*(_forms(v) for v in _THOUGHT))
EVIDENCE_CUES = frozenset().union(*(_forms(v) for v in _EVIDENCE)) | {"shown"}
REPORT_CUES = SPEECH_CUES | THOUGHT_CUES | EVIDENCE_CUES
# Cue words that are as often nouns ("a post", "the report", "a charge"): never a cue next to a quote.
NOUNISH = frozenset("""post posts report reports claim claims state states comment comments answer
answers charge charges demand demands pledge pledges promise promises note notes counter read reads
repeat joke jokes chant chants hope hopes fear fears feel feels estimate estimates""".split())
# Cues that report speech only when a "that" clause follows.
AMBIGUOUS = NOUNISH | frozenset("""posted continue continues continuing continued reported read
described mentioned expected expecting""".split())
# Cues whose object comes before the content ("told reporters that", "warned the ministers that").
_TELL = "tell ask assure urge advise warn remind inform notify".split()
TELL = frozenset().union(*(_forms(v) for v in _TELL))


# Verbs of stance that news attributes to someone ("Trump blamed local officials"); as cues they
# need a subject that can be a source (see good_subject).
_STANCE = """accuse blame criticize criticise endorse oppose reject defend praise attack dismiss refuse
decline want plan seek question cite blast slam welcome condemn recommend challenge doubt call support
deem consider label characterize mock applaud hail tout decry denounce berate chide fault credit thank
dispute disagree highlight vow acknowledge express voice signal cast decide discuss offer prefer imply
order sign file""".split()
STANCE_CUES = frozenset().union(*(_forms(v) for v in _STANCE)) | {"sought", "cast", "backed"}
# Two-word cues: the first word counts only before the second ("made clear", "pointed out").
PHRASAL = {"made": ("clear",), "make": ("clear",), "makes": ("clear",), "making": ("clear",),
           "pointed": ("out", "to"), "points": ("out", "to"), "point": ("out",), "pointing": ("out", "to"),
           "went": ("on",), "goes": ("on",), "spoke": ("about", "of"), "talked": ("about",),
           "referred": ("to",), "refers": ("to",), "referring": ("to",), "focused": ("on",)}


@dataclass
class Found:
    """An attribution before its speaker is resolved."""

    start: int
    end: int
    cue: str | None
    cue_pos: int
    mention: Mention | None
    direct: bool


def good_subject(m: Mention | None) -> bool:
    """A noun phrase that can be a speaker: a name, pronoun or role, or a short common noun phrase
    ("officials", "the report") and not a stray function word."""
    if m is None:
        return False
    if m.kind in ("name", "pronoun", "role"):
        return True
    last = m.text.split()[-1].lower()
    return (m.kind == "other" and len(m.text.split()) <= 6 and last.isalnum()
            and last not in _NOT_HEAD and not last.endswith("ly"))


_NOT_HEAD = frozenset("""than to and or but that which whom whose is was be been being are were not
as if so it this there here then also what when where why how very more most less much many some
any all each both no nor of in on at by for with from into about after before while since has had
have will would could should may might must can do does did just only even still ever never again
because although though unless until whether said says a an the his her its their our my your
these those""".split())
