"""Who said what: quotations and reported speech with their speakers, and speakers read from questions."""

from __future__ import annotations

import re
import sys

import pytest

from bot.speaker import SpeakerQuery, read_speaker
from index.quotes import Quote, extract_quotes, quotes_in
from tests.conftest import ROOT, seed


def _covering(text: str, quotes: tuple[Quote, ...], snippet: str) -> Quote:
    m = re.search(re.escape(snippet).replace("\\ ", r"\s"), text)  # the articles have no-break spaces
    assert m, snippet
    found = [q for q in quotes if q.start <= m.start() and m.end() <= q.end]
    assert found, f"no quotation covers {snippet!r}"
    return found[0]


# The seed articles' quotations, by a snippet of what was said, and who said it (read by hand).
SEED_SPEAKERS = {
    "000": [
        ("doesn’t really want peace", "Kaja Kallas"),  # "the European Union’s top diplomat saying …"
        ("[The] U.S. is talking to Russia", "Kaja Kallas"),
        ("In terms of … international security", "Kaja Kallas"),  # "she said"
        ("We, as Estonia, lost as many soldiers", "Kaja Kallas"),
        ("the U.S. needs to remain a steadfast partner", "Kaja Kallas"),  # "she argued that"
        ("There’s a lot to discuss", "Kaja Kallas"),
        ("his administration had been in", "Donald Trump"),
    ],
    "001": [
        ("It is clear that any deal on Ukraine", "Kaja Kallas"),
        ("Let's not do him the favor", "Kaja Kallas"),
        ("We need American strength", "Kaja Kallas"),
        ("Elections in Ukraine are impossible", "Kaja Kallas"),
        ("Kyiv must be able to negotiate", "Kaja Kallas"),
        ("When they say", "Volodymyr Zelenskyy"),
        ("We want a just peace", "Volodymyr Zelenskyy"),  # "he added"
        ("The U.S. is not turning against Europe", "Rebekah Koffler"),  # "she said"
    ],
    "003": [
        ("wants to take a picture", "Kaja Kallas"),  # "This was stated by … Kaja Kallas"
        ("Of course, we hope for this", "Kaja Kallas"),  # "the European official said"
        ("Putin is not serious about the talks", "Kaja Kallas"),
        ("President Zelenskyy should be part of the meeting", "Kaja Kallas"),  # "the EU diplomat said"
        ("all pressure should be directed at the aggressor", "Kaja Kallas"),  # "She … noted that"
    ],
    "004": [
        ("can't really be trusted", "Kaja Kallas"),
        ("They will seize this opportunity", "Kaja Kallas"),
        ("There’s no negotiation table yet", "Kaja Kallas"),
        ("Good to know before negotiations", "Donald Tusk"),
        ("If you don’t care about yourselves", "Vadym Filashkin"),
    ],
}


@pytest.mark.parametrize("prefix", sorted(SEED_SPEAKERS))
def test_seed_quotations_name_their_speakers(prefix: str) -> None:
    text = seed(prefix).read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    for snippet, speaker in SEED_SPEAKERS[prefix]:
        q = _covering(text, quotes, snippet)
        assert q.speaker == speaker, (snippet, q)


def test_every_kallas_quotation_about_putin_resolves_to_her_full_name() -> None:
    """"What did Kallas say about Putin's intentions?": each quotation in the seed articles that a
    mention of Kallas (by name, pronoun or role) speaks resolves to "Kaja Kallas"."""
    n = 0
    for prefix in ("000", "001", "003", "004"):
        text = seed(prefix).read_text(encoding="utf-8")
        for q in extract_quotes(text):
            said = text[q.start:q.end]
            if "Putin" in said and q.speaker and "Kallas" in q.speaker:
                assert q.speaker == "Kaja Kallas", q
                n += 1
    assert n >= 4


def test_direct_quotation_spans_marks_and_speaker_mention() -> None:
    text = 'Russia is not ready. “It is a losing strategy,” Kallas said. Kaja Kallas met Rubio.'
    (q,) = [q for q in extract_quotes(text) if q.direct]
    assert text[q.start:q.end] == "“It is a losing strategy,”"
    assert text[q.speaker_start:q.speaker_end] == "Kallas"
    assert q.speaker == "Kaja Kallas"  # a later full mention names her
    assert q.cue == "said"
    assert q.to_json() == {"speaker": "Kaja Kallas", "start": q.start, "end": q.end,
                           "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
                           "cue": "said", "direct": True, "occasion": None}


def test_quotes_cut_to_a_passage_keep_speaker_and_relative_spans() -> None:
    first = "Kaja Kallas spoke in Brussels on Monday. "
    second = "“Russia does not want peace,” she said."
    text = first + second
    (q,) = quotes_in(extract_quotes(text), len(first), len(text))
    assert second[q.start:q.end] == "“Russia does not want peace,”"
    assert (q.speaker, second[q.speaker_start:q.speaker_end]) == ("Kaja Kallas", "she")
    assert quotes_in(extract_quotes(text), 0, len(first)) == ()


@pytest.mark.parametrize("text,said,speaker", [
    ('Kaja Kallas said: "Russia does not want peace."', '"Russia does not want peace."', "Kaja Kallas"),
    ('"We will not pay," said Mayor John Smith.', '"We will not pay,"', "John Smith"),
    ("''We finally may be seeing wage growth,'' the economist Jared Bernstein wrote on his blog.",
     "''We finally may be seeing wage growth,''", "Jared Bernstein"),
    ('Mook spoke. According to Rush Limbaugh, "She would have no time to say anything positive."',
     '"She would have no time to say anything positive."', "Rush Limbaugh"),
    ('Sen. Ted Cruz (R-Texas) spoke. "The questions were unfair," Cruz said.', '"The questions were unfair,"',
     "Ted Cruz"),
])
def test_direct_forms(text: str, said: str, speaker: str) -> None:
    quotes = [q for q in extract_quotes(text) if q.direct]
    assert [(text[q.start:q.end], q.speaker) for q in quotes] == [(said, speaker)]


def test_headline_role_resolves_to_the_person_the_article_quotes() -> None:
    text = ("EU Foreign Policy Chief: Russia Cannot Be Trusted\n\n"
            "The European Union's foreign policy chief, Kaja Kallas, has cast doubt on the talks. "
            "“They will seize this opportunity,” she warned.")
    quotes = extract_quotes(text)
    headline = _covering(text, quotes, "Russia Cannot Be Trusted")
    assert (headline.speaker, text[headline.speaker_start:headline.speaker_end]) == (
        "Kaja Kallas", "EU Foreign Policy Chief")
    assert _covering(text, quotes, "They will seize").speaker == "Kaja Kallas"


def test_quotation_split_by_its_cue_and_over_paragraphs_is_one() -> None:
    text = ("Hillary Clinton spoke in New York.\n\n"
            "“This is a worldwide fight,” Clinton said on Thursday. “One, defeat ISIS.\n\n"
            "“Two, harden our defenses.”\n\nThe speech ended.")
    (q,) = [q for q in extract_quotes(text) if q.direct]
    assert text[q.start:q.end].startswith("“This is a worldwide fight")
    assert text[q.start:q.end].endswith("harden our defenses.”")
    assert q.speaker == "Hillary Clinton"


def test_scare_quotes_and_titles_are_not_quotations() -> None:
    text = ('The UK and France have spearheaded a "coalition of the willing," with 30 nations. '
            'He wrote "The Art of the Deal" in 1987.')
    assert [q for q in extract_quotes(text) if q.direct] == []


@pytest.mark.parametrize("text,content,cue", [
    ("Kaja Kallas said that Russia is not ready for talks.", "that Russia is not ready for talks", "said"),
    ("Russia is not ready for talks, Kaja Kallas said on Monday.", "Russia is not ready for talks", "said"),
    ("According to Kaja Kallas, Russia is not ready for talks.", "Russia is not ready for talks",
     "according to"),
    ("Russia is not ready for talks, according to Kaja Kallas.", "Russia is not ready for talks",
     "according to"),
    ("Kaja Kallas warned the ministers that Russia is not ready.", "that Russia is not ready", "warned"),
])
def test_reported_speech(text: str, content: str, cue: str) -> None:
    (q,) = extract_quotes(text)
    assert not q.direct
    assert (text[q.start:q.end], q.cue, q.speaker) == (content, cue, "Kaja Kallas")
    assert "Kallas" in text[q.speaker_start:q.speaker_end]


def test_ordinary_sentences_attribute_nothing() -> None:
    text = ("The summit opened in Brussels on Monday. Ministers met for three hours. "
            "Prices rose by 3 percent in March.")
    assert extract_quotes(text) == ()


def test_pronouns_and_role_nouns_resolve_to_the_right_person() -> None:
    text = ("Kaja Kallas, the EU's top diplomat, met ministers on Monday.\n\n"
            "“Russia does not want peace,” she said.\n\n"
            "Donald Trump disagreed with her on Tuesday.\n\n"
            "“We are having very good talks,” he said.\n\n"
            "The top diplomat said that the talks would fail.")
    quotes = extract_quotes(text)
    got = {text[q.start:q.end]: (q.speaker, text[q.speaker_start:q.speaker_end]) for q in quotes}
    assert got["“Russia does not want peace,”"] == ("Kaja Kallas", "she")
    assert got["“We are having very good talks,”"] == ("Donald Trump", "he")
    assert got["that the talks would fail"] == ("Kaja Kallas", "The top diplomat")


def test_a_speaker_named_in_a_relative_clause_is_the_subject() -> None:
    text = ("Kaja Kallas, who served as prime minister of Estonia, said that Europe must stay united. "
            "Marco Rubio, the secretary of state, told reporters that talks will go on.")
    speakers = [q.speaker for q in extract_quotes(text)]
    assert speakers == ["Kaja Kallas", "Marco Rubio"]


def test_text_without_quotations_or_with_odd_marks_does_not_break() -> None:
    for text in ("", "“", '"unclosed quote\n\nnext paragraph', "''", "She said.", "“”,” he said."):
        for q in extract_quotes(text):
            assert 0 <= q.start <= q.end <= len(text)


@pytest.mark.parametrize("question,name,rest", [
    ("What did Kallas say about Putin's intentions?", "Kallas", "Putin's intentions"),
    ("What did Kallas say about Putin?", "Kallas", "Putin"),
    ("Kallas on Russia", "Kallas", "Russia"),
    ("Kallas's comments on elections", "Kallas", "elections"),
    ("what has Assad said since June", "Assad", "since June"),
    ("What did Assad say about the protests?", "Assad", "the protests"),
    ("what does Kaja Kallas think of Trump", "Kaja Kallas", "Trump"),
    ("Did Kallas say anything about elections?", "Kallas", "elections"),
])
def test_read_speaker(question: str, name: str, rest: str) -> None:
    assert read_speaker(question) == SpeakerQuery(name, rest)


def test_read_speaker_timeline_of_statements() -> None:
    assert read_speaker("timeline of what Kallas said") == SpeakerQuery("Kallas", "", timeline=True)


@pytest.mark.parametrize("question", [
    "What was agreed in Saudi Arabia?", "Who won the election last week?", "Sanctions on Russia",
    "What did the EU agree on?", "What happened in Syria in 2011?", "Talks on Ukraine", "",
])
def test_read_speaker_leaves_other_questions_alone(question: str) -> None:
    assert read_speaker(question) is None


def test_read_speaker_bare_form_checks_known_speakers() -> None:
    def kallas(name: str) -> bool:
        return name.split()[-1] == "Kallas"

    assert read_speaker("Kallas on Russia", known=kallas) == SpeakerQuery("Kallas", "Russia")
    assert read_speaker("Brussels on Russia", known=kallas) is None


def test_read_speaker_in_a_question_typed_in_lower_case_takes_only_a_known_speaker() -> None:
    def kallas(name: str) -> bool:
        return name.split()[-1].lower() == "kallas"

    assert read_speaker("what did kallas say about putin?", known=kallas) == \
        SpeakerQuery("kallas", "putin")
    assert read_speaker("what did kaja kallas say", known=kallas) == SpeakerQuery("kaja kallas", "")
    assert read_speaker("kallas on russia", known=kallas) == SpeakerQuery("kallas", "russia")
    # no such speaker, no corpus to ask, or "the": a question about words, not someone's
    assert read_speaker("what did brussels say about putin?", known=kallas) is None
    assert read_speaker("what did kallas say about putin?") is None
    assert read_speaker("what did the eu say about putin?", known=lambda _: True) is None


def test_quotes_suite_scores_a_handful_of_polnear_articles() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.suites import quotes as suite

    assert suite.match([(0, 10), (20, 30)], [(5, 40), (0, 8)]) == [(0, 1)] or \
        sorted(suite.match([(0, 10), (20, 30)], [(5, 40), (0, 8)])) == [(0, 1), (1, 0)]
    assert suite.match([(0, 10)], [(9, 30)]) == []  # 1 char of a 10-char span: no match
    report = suite.run(limit=6)
    assert "direct detection F1" in report and "speaker accuracy" in report
    f1 = [float(x) for x in re.findall(r"\| direct detection F1 \| >= 0.90 \| ([0-9.]+)", report)]
    assert f1 and 0.0 <= f1[0] <= 1.0
    assert re.search(r"Speed: [0-9.]+ ms per article", report)


def test_occasion_is_read_from_the_attribution_clause_only():
    text = ('"Any deal without Europe will fail," EU policy chief Kaja Kallas told Fox News Digital '
            'from South Africa. Kallas said that after talks at the Munich Security Conference she '
            'was confident. Tusk posted on X. "Good to know," he wrote.')
    by_cue = {q.cue: q for q in extract_quotes(text)}
    assert by_cue["told"].occasion == "to Fox News Digital"
    # what was said is not where it was said
    assert by_cue["said"].occasion is None
    # "on Wednesday" is when, not what about: news about Biden, not his views
    assert read_speaker("President Biden on Wednesday announced new student loan relief",
                        known=lambda name: name.endswith("Biden")) is None
    assert read_speaker("Biden on 3 March", known=lambda name: name.endswith("Biden")) is None
