"""The one vocabulary of time words: months, weekdays, seasons, numbers, parts, and their regexes.

Passage dating (index/timetagger.py) and question reading (bot/timeparse.py) both take their
words from here, so a month or a number word is spelled once in the project.
"""

from __future__ import annotations

MIN_YEAR, MAX_YEAR = 1900, 2100

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_KEYS = tuple(m[:3] for m in MONTHS)  # what every spelling of a month starts with
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Meteorological, northern hemisphere: the month each season starts in.
SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
             "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# early / mid / late: days of a month, months of a year (TimeML's START, MID, END).
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
PART_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
# Words that place something relative to the present without naming a date (TimeML's
# PAST_REF / PRESENT_REF / FUTURE_REF): found, never resolved to a day.
REFERENCES = {"now": "present", "right now": "present", "currently": "present",
              "today": "present", "recently": "past", "more recently": "past",
              "the past": "past", "the future": "future", "the near future": "future",
              "the distant future": "future"}
PARTS = r"early|mid|late|the\s+(?:beginning|start|middle|end)\s+of"

# --------------------------------------------------------------------------- regex fragments

MONTH_FULL = "|".join(m.capitalize() for m in MONTHS)
# Full names first so "March" is not cut to "Mar"; an abbreviation may take its dot.
# Every spelling of a month, longest first, lowercase (compile it case-blind).
MONTH_SPELLINGS = "|".join(sorted({*MONTHS, *MONTH_KEYS, "sept"}, key=len, reverse=True))
MONTH = rf"(?:(?:{MONTH_FULL})\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
WEEKDAY = "|".join(w.capitalize() for w in WEEKDAYS)
SEASON = "|".join(SEASON_MONTH)
_UNITS = UNITS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
          "|fifteen|sixteen|seventeen|eighteen|nineteen")
_TENS = TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
NUMBER_WORDS = rf"an?|(?:{_TENS})(?:[\s-](?:{_UNITS}))?|{_UNITS}"
SMALL_NUMBER = "|".join(NUM_WORDS)


def month_of(token: str) -> int:
    """1..12 for any spelling of a month ("Sept.", "september", "Mar")."""
    return MONTH_KEYS.index(token[:3].lower()) + 1


def weekday_of(token: str) -> int:
    """0 (Monday) .. 6 for a weekday's name."""
    return WEEKDAYS.index(token.lower())


def number_of(word: str) -> int | None:
    """A count written in digits or as a small number word, else None."""
    w = word.lower()
    return NUM_WORDS.get(w) or (int(w) if w.isdigit() else None)


def part_of(word: str | None) -> str | None:
    """early / mid / late for the part words ("the end of" -> late), None for no part."""
    if not word:
        return None
    w = " ".join(word.lower().split())
    for key, part in (("early", "early"), ("beginning", "early"), ("start", "early"),
                      ("mid", "mid"), ("middle", "mid"), ("late", "late"), ("end", "late")):
        if key in w:
            return part
    return None


def reference_of(text: str) -> str | None:
    """past / present / future for a reference word ("recently"), None for anything else."""
    return REFERENCES.get(" ".join(text.lower().split()))


_UNIT_VALUES = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS_VALUES = {w: 10 * i for i, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}


def spelled_number(words: str) -> int | None:
    """0..99 written out: "seventy-nine", "ninety six", "eleven"."""
    parts = words.lower().replace("-", " ").split()
    if len(parts) == 1:
        return _UNIT_VALUES.get(parts[0], _TENS_VALUES.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS_VALUES and parts[1] in _UNIT_VALUES:
        return _TENS_VALUES[parts[0]] + _UNIT_VALUES[parts[1]]
    return None


# Holidays a reader dates without being told the year: (month, day), or a rule by name.
HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
            "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
            "halloween": (10, 31), "valentine's day": (2, 14), "thanksgiving": "thanksgiving",
            "thanksgiving day": "thanksgiving", "easter": "easter", "easter sunday": "easter"}
