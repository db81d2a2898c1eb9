"""clean_text: what each seed loses, that no story sentence is lost, and the general rules."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.clean import Cleaned, clean_text, normalize_line
from index.models import Article
from index.read import read_file

SEEDS = Path(__file__).resolve().parent.parent / "data" / "articles"

SEED_REMOVED = {
    "000": (
        "Share and Follow",
        "Kaja Kallas (Nicolas Landemard/Anadolu via Getty Images)",
        "(Getty Images)",  # the caption before it is a sentence, and stays
        "Share and Follow",
        "Exit mobile version",
    ),
    "001": (
        "UKRAINE'S ZELENSKYY SAYS TRUMP LIVES IN 'DISINFORMATION SPACE' AMID RIFT ON RUSSIA TALKS",
        "RUBIO MAKES PROGRESS WITH RUSSIA AFTER TRUMP PROMISED TO BRING END TO WAR IN UKRAINE",
        "CLICK HERE TO GET THE FOX NEWS APP",
    ),
    "003": ("Kaya Kallas (Photo: OLIVIER HOSLET/EPA)",),
    "004": (
        "The comments posted here are not from Cnews Live. Kindly refrain from using derogatory,"
        " personal, or obscene words in your comments.",
    ),
}


def _seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def _canon(s: str) -> str:
    quotes = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
    return " ".join(s.translate(quotes).casefold().split())


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘A-Z])")


@pytest.mark.parametrize("prefix", sorted(SEED_REMOVED))
def test_seed_removals_are_exactly_the_boilerplate(prefix: str) -> None:
    cleaned = clean_text(_seed(prefix).read_text(encoding="utf-8"))
    assert cleaned.removed == SEED_REMOVED[prefix]
    for fragment in cleaned.removed:
        assert fragment not in cleaned.text


@pytest.mark.parametrize("prefix", sorted(SEED_REMOVED))
def test_every_story_sentence_of_each_seed_survives(prefix: str) -> None:
    path = _seed(prefix)
    (article,) = read_file(path)
    assert isinstance(article, Article)
    body = _canon(article.text)
    boilerplate = {_canon(r) for r in SEED_REMOVED[prefix]}
    raw = re.sub(r"^ date \d{4}-\d{2}-\d{2} ", "", path.read_text(encoding="utf-8"))
    checked = 0
    for line in raw.split("\n"):
        line = normalize_line(line)
        if not line or _canon(line) in boilerplate or _canon(line) == _canon(article.title):
            continue
        for fragment in SEED_REMOVED[prefix]:  # a credit cut out of a paragraph
            line = line.replace(fragment, "").strip()
        for sentence in _SENTENCE_SPLIT.split(line):
            assert _canon(sentence) in body, sentence
            checked += 1
    assert checked >= 10


def test_seed_text_keeps_its_shape() -> None:
    (article,) = read_file(_seed("000"))
    assert isinstance(article, Article)
    assert article.text.startswith("European leaders are weary of President Donald Trump’s push")
    assert article.text.endswith("together with our transatlantic partners.”")
    assert "\u00a0" not in article.text
    assert all(p == p.strip() and p for p in article.text.split("\n\n"))


# --- rules -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "Share and Follow",
        "Share this article",
        "SHARE",
        "Follow us on Twitter",
        "Share on Facebook | Share on X | Email",
        "Exit mobile version",
        "View desktop site",
        "Advertisement",
        "Story continues below advertisement",
        "Skip to main content",
        "CLICK HERE TO GET THE FOX NEWS APP",
        "Click here to sign up for our newsletter",
        "Download the BBC News app",
        "Sign up for our daily newsletter",
        "READ MORE: Ceasefire talks stall in Doha",
        "Photo: Jane Doe/Reuters",
        "(Getty Images)",
        "© 2025 Example Media. All rights reserved.",
        "This material may not be published, broadcast, rewritten, or redistributed.",
        "Comments are closed.",
    ],
)
def test_boilerplate_lines_are_removed(line: str) -> None:
    cleaned = clean_text(f"A real sentence of the story.\n\n{line}\n\nAnother one follows.")
    assert cleaned == Cleaned("A real sentence of the story.\n\nAnother one follows.", (line,))


@pytest.mark.parametrize(
    "text",
    [
        "Share prices fell 3% on Monday after the profit warning.",
        "Follow the money, the senator said, and you will find the culprit.",
        "Email records show the minister knew of the plan.",
        "KYIV (Reuters) - Ukraine said on Friday that NATO and the EU backed its plan.",
        "The U.S. and the EU signed the deal; the WHO welcomed it.",
        "UPDATE 2",
        "BREAKING NEWS",
        "Readers' comments were moderated, the editor said, after abuse of staff.",
        "The photo (taken in 1969) shows the crew before launch.",
        "Reuters reported the figures (Reuters could not verify them).",
    ],
)
def test_story_text_is_kept(text: str) -> None:
    assert clean_text(f"Opening sentence of the story.\n\n{text}").removed == ()


def test_hard_wrapped_continuation_lines_are_never_taken_for_widgets() -> None:
    raw = "Net profit was 1.50 dlrs per\nshare.\n    Sales rose to follow\nthe trend, the company said."
    cleaned = clean_text(raw)
    assert cleaned.removed == ()
    assert cleaned.text == (
        "Net profit was 1.50 dlrs per share.\n\nSales rose to follow the trend, the company said."
    )


def test_newswire_indented_paragraphs_are_reflowed() -> None:
    raw = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone.\n"
        "    The dry period\nmeans late crops.\n"
    )
    assert clean_text(raw).text == (
        "Showers continued throughout the week in the Bahia cocoa zone.\n\n"
        "The dry period means late crops."
    )


def test_all_caps_crosslink_needs_several_words_and_a_mixed_case_story() -> None:
    story = "The talks resumed on Monday, officials said."
    link = "RUSSIA SAYS TALKS WITH UKRAINE WILL RESUME NEXT WEEK"
    assert clean_text(f"{story}\n\n{link}").removed == (link,)
    # An all-caps text (old wire copy) is the story itself.
    assert clean_text(f"{link}\n\nTHE MINISTER DID NOT COMMENT.").removed == ()
    # A caps line inside a block of newswire copy (a table heading) is kept.
    table = f"{story}\n    MATURITY NEW RATE OLD RATE MATURITY\n    3 MTH 6.50 6.37"
    assert clean_text(table).removed == ()


def test_credit_fragment_inside_a_long_paragraph_is_cut_not_the_paragraph() -> None:
    sentence = (
        "The minister arrived in Brussels on Monday (Photo by Jane Doe/AFP) and met her"
        " counterparts for three hours of talks that ran late into the evening."
    )
    cleaned = clean_text(sentence)
    assert cleaned.removed == ("(Photo by Jane Doe/AFP)",)
    assert cleaned.text == (
        "The minister arrived in Brussels on Monday and met her counterparts for three hours"
        " of talks that ran late into the evening."
    )


def test_a_label_with_a_credit_is_removed_whole() -> None:
    caption = "Kaja Kallas, EU foreign policy chief (Evan Vucci/AP)"
    cleaned = clean_text(f"The story begins here.\n\n{caption}")
    assert cleaned.removed == (caption,)
    assert cleaned.text == "The story begins here."


_FURNITURE = (
    ("Prince William spoke at the event in London on Tuesday, and said the charity's work had "
     "only begun. (Image credit: Chris Jackson/Getty Images)", "(Image credit: Chris Jackson/Getty Images)"),
    ("Firefighters work at the scene in Kharkiv on Sunday. (Evan Vucci/AP)", "(Evan Vucci/AP)"),
    ('"We will not back down," the mayor told reporters. (AP Photo/Jane Doe)', "(AP Photo/Jane Doe)"),
    ("The minister left the summit early. Photo: Jane Doe/Reuters", "Photo: Jane Doe/Reuters"),
    ("By Jane Doe and John Roe, Reuters", None),
    ("BY JANE DOE", None),
    ("(Reporting by Jane Doe in Kyiv; Editing by John Roe)", None),
    ("Reporting by Jane Doe; Editing by John Roe", None),
)


def test_photo_credits_and_bylines_go_and_no_sentence_is_lost() -> None:
    """Each piece of furniture is removed by itself (listed exactly), and every sentence of
    every paragraph that held one is still in the text, word for word."""
    story = ("The council met on Monday. By Monday night, the talks had collapsed.\n\n"
             "By contrast, the mayor said the city would pay.")
    raw = "\n\n".join([story, *(par for par, _ in _FURNITURE)])
    cleaned = clean_text(raw)
    assert cleaned.removed == tuple(credit or par for par, credit in _FURNITURE)
    sentences = [_SENTENCE_SPLIT.split(p) for p in story.split("\n\n")]
    sentences += [_SENTENCE_SPLIT.split(par.replace(credit, "").strip())
                  for par, credit in _FURNITURE if credit]
    for sentence in (s for group in sentences for s in group):
        assert sentence in cleaned.text, sentence
    assert cleaned.text.count("\n\n") == 1 + 4  # the story's 2 paragraphs + 4 kept sentences


def test_normalization() -> None:
    raw = (
        "Cafe\u0301\u00a0au\u200b lait\u2060 \ufeffis \u200dhot.\x00Next\x07 word\t\there.  \r\n"
        "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 world.   \n"
    )
    cleaned = clean_text(raw)
    assert cleaned.text == (
        "Café au lait is hot. Next word here. \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 world."
    )
    assert unicodedata.is_normalized("NFC", cleaned.text)


def test_right_to_left_text_is_kept_intact() -> None:
    arabic = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل."
    hebrew = "\u200fהשיחות יתחדשו בשבוע הבא."  # with a right-to-left mark
    assert clean_text(f"{arabic}\n\n{hebrew}").text == f"{arabic}\n\n{hebrew}"


def test_empty_and_blank() -> None:
    assert clean_text("") == Cleaned("", ())
    assert clean_text(" \n\t\n\u200b\n") == Cleaned("", ())


_FORBIDDEN = re.compile("[\u200b-\u200d\ufeff\u2060\u00a0\x00-\x08\x0b-\x1f\x7f]")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_clean_text_never_raises_and_output_is_normalized(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not _FORBIDDEN.search(cleaned.text)
    assert "\n\n\n" not in cleaned.text
    assert all(line == line.strip() and line for line in cleaned.text.split("\n\n") if cleaned.text)
    assert unicodedata.is_normalized("NFC", cleaned.text)


@pytest.mark.slow
def test_a_paragraph_ending_in_a_credit_is_indexed_and_found_with_the_real_model(
        tmp_path: Path, real_embedder) -> None:
    from index.build import build_index
    from index.indexdir import open_index

    answer = ("Prince William said the Earthshot Prize would return to Rio de Janeiro next year, "
              "and that the five winners would each receive one million pounds for their "
              "projects. (Image credit: Chris Jackson/Getty Images)")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "prize.txt").write_text(
        "Earthshot Prize heads to Rio\n\n"
        "The ceremony was held in Cape Town on Wednesday evening before an audience of "
        "several thousand guests, officials said.\n\n" + answer + "\n", encoding="utf-8")
    build_index([tmp_path / "in"], tmp_path / "ix", embedder=real_embedder)
    idx = open_index(tmp_path / "ix")
    (art, _), = idx.store.iter_articles()
    kept = answer.removesuffix(" (Image credit: Chris Jackson/Getty Images)")
    assert kept in art.text and "Getty" not in art.text
    question = real_embedder.embed(["How much will the Earthshot winners get?"])[0]
    (best, _), *_ = idx.vectors.top(question, 3)
    assert kept in idx.store.passages([best])[best].text
    idx.close()
