"""bench/feature_study.py: the features it reads, and that its held-out fit finds a signal."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from bench import feature_study as fs


def _seen(text: str, day: dt.date | None, correct: bool, dense: float = 0.5) -> fs.Seen:
    return fs.Seen(text, "", dense, 1 / 61, (dense,), False, False, 0, day, correct)


def test_the_study_reads_numbers_names_and_closeness_to_as_of():
    day = dt.date(2022, 3, 4)
    asked = fs.Asked("How many votes did Macron get in 2022?", day, "explicit dates or years",
                     {"vote": 2.0, "macron": 5.0, "2022": 1.0},
                     (_seen("Macron won 2022 with many votes.", day, True),
                      _seen("Le Pen lost.", day + dt.timedelta(days=14), False)))
    x = fs.matrix(asked)
    col = {f: i for i, f in enumerate(fs.FEATURES)}
    assert x.shape == (2, len(fs.FEATURES))
    assert x[0, col["numbers"]] == 1.0 and x[1, col["numbers"]] == 0.0
    assert x[0, col["names"]] == 1.0 and x[0, col["rarest"]] == 1.0 and x[1, col["rarest"]] == 0.0
    assert x[0, col["near_week"]] == 1.0 and x[1, col["near_week"]] == np.exp(-2)
    assert x[1, col["after"]] == 1.0 and x[0, col["after"]] == 0.0
    undated = fs.matrix(fs.Asked(asked.question, None, asked.group, asked.weights, asked.seen))
    assert not undated[:, [col[f] for f in fs.AS_OF]].any()  # no as-of, no prior
    # "how many": the first candidate's sentence holds a number the question does not ("many"
    # is no number); "who" is not asked, so no candidate gains a name
    assert x[0, col["quantity"]] == 0.0  # "2022" is in the question
    counted = fs.matrix(fs.Asked("How many votes did Macron get?", day, asked.group, asked.weights,
                                 (_seen("Macron got 18 million votes.", day, True),
                                  _seen("Le Pen lost.", day, False))))
    assert counted[:, col["quantity"]].tolist() == [1.0, 0.0]
    assert not counted[:, col["who_name"]].any()
    who = fs.matrix(fs.Asked("Who beat Le Pen?", day, asked.group, asked.weights,
                             (_seen("It was Macron who won.", day, True), _seen("Le Pen lost.", day, False))))
    assert who[:, col["who_name"]].tolist() == [1.0, 0.0]


def test_held_out_fit_finds_the_feature_that_marks_the_right_candidate():
    rng = np.random.default_rng(0)
    data = []
    for _ in range(40):
        x = np.zeros((4, len(fs.FEATURES)))
        x[:, 0] = x[:, 1] = rng.uniform(0.4, 0.6, 4)  # dense and best sentence: noise
        right = rng.integers(4)
        x[right, fs.FEATURES.index("lead")] = 1.0
        data.append((x, np.arange(4) == right))
    lead = [0, fs.FEATURES.index("lead")]
    assert all(f == 1 for f in fs.held_out(data, lead, 5))
    assert sum(f == 1 for f in fs.held_out(data, [0], 5)) < 30  # dense alone guesses


@pytest.mark.slow
def test_token_maxsim_reads_the_question_words_in_the_candidates_sentences():
    day = dt.date(2022, 3, 4)
    asked = [fs.Asked("Which carmaker recalled its electric trucks last week?", day, "relative time words",
                      {}, (_seen("Ford is recalling thousands of its battery-powered pickups.", day, True),
                           _seen("The orchestra played Mahler to a full hall.", day, False)))]
    (ms,) = fs.token_maxsim(asked)
    assert ms[0] > ms[1] + 0.15 and 0.0 < ms[1] < ms[0] < 1.0
    out = fs.study(asked * 10, 2, [ms] * 10)
    assert "| + token MaxSim, held out |" in out
