"""The complaint-recognition assistant (Code 1.2–1.6): interface, phrases, held-out evaluation."""

import random
import re

from putright.rules.recognition import (
    _DISSATISFACTION,
    LABELS,
    THRESHOLD,
    TRAINING_FILES,
    Phrase,
    Recognition,
    classify,
    evaluate,
    load_examples,
    recognise,
    scan,
    shipped_model,
)


def test_recognise_returns_a_label_score_and_phrases_with_offsets() -> None:
    text = "This is the third time I've chased about the boiler. Not good enough."
    result = recognise(text)
    assert isinstance(result, Recognition)
    assert result.label == "complaint"
    assert result.label in LABELS
    assert 0.5 <= result.score <= 1.0
    assert [p.text for p in result.phrases] == ["third time I've chased", "Not good enough"]
    for phrase in result.phrases:
        assert isinstance(phrase, Phrase)
        assert text[phrase.start : phrase.end] == phrase.text


def test_a_plain_repair_request_is_not_a_complaint() -> None:
    result = recognise("Please could someone come and fix the dripping tap in my kitchen, thanks")
    assert result.label == "service_request"
    assert result.score < 0.5
    assert result.phrases == ()


# The held-out evaluation (docs/recognition.md). The model never trains or tunes on eval.jsonl;
# these minimums sit a little under the measured numbers, so a worse model fails the suite.
MINIMUMS = {  # label: (precision, recall)
    "complaint": (0.85, 0.95),
    "service_request": (0.80, 0.90),
    "enquiry": (0.70, 0.80),
    "compliment": (0.90, 0.80),
    "spam": (0.90, 0.75),
    "not_for_us": (0.75, 0.40),
}


def test_the_evaluation_set_is_large_and_covers_every_label() -> None:
    examples = load_examples("eval.jsonl")
    assert len(examples) >= 300
    assert {e.label for e in examples} == set(LABELS)
    training_texts = {e.text for name in TRAINING_FILES for e in load_examples(name)}
    assert not training_texts & {e.text for e in examples}, "eval messages leaked into training"


def test_held_out_precision_and_recall_meet_the_minimums() -> None:
    scores = evaluate(load_examples("eval.jsonl"))
    below = {
        label: (round(scores[label].precision, 3), round(scores[label].recall, 3))
        for label, (precision, recall) in MINIMUMS.items()
        if scores[label].precision < precision or scores[label].recall < recall
    }
    assert not below, f"below the minimum precision/recall: {below}"


def test_errors_lean_towards_complaint() -> None:
    """Missing a complaint is worse than a false alarm: the threshold favours recall."""
    scores = evaluate(load_examples("eval.jsonl"))
    assert scores["complaint"].recall > scores["complaint"].precision
    assert THRESHOLD < 0.5


def test_dissatisfaction_without_the_word_complaint_is_a_complaint() -> None:
    """Code 1.3: the resident need not say "complaint"."""
    result = recognise("Fourth time I've phoned about the boiler and still nobody has come out")
    assert result.label == "complaint"
    assert "complain" not in result.phrases[0].text.lower()
    assert [p.text for p in result.phrases][:1] == ["Fourth time I've phoned"]


def test_phrases_are_offsets_into_the_original_text_even_with_curly_quotes() -> None:
    text = "Hi,\n\nI\u2019m really fed up \u2014 it\u2019s NOT GOOD ENOUGH. I want to complain."
    result = recognise(text)
    assert [p.text for p in result.phrases] == ["fed up", "NOT GOOD ENOUGH", "I want to complain"]
    assert all(text[p.start : p.end] == p.text for p in result.phrases)


def test_each_label_can_be_suggested() -> None:
    assert recognise("Thank you so much to the plumber, brilliant job and very polite").label == (
        "compliment"
    )
    assert recognise(
        "Click here to verify your account password or it will be suspended"
    ).label == ("spam")
    assert recognise("How do I set up a direct debit for my rent?").label == "enquiry"
    assert recognise("Out of office: I am on annual leave until Monday").label == "not_for_us"


def test_empty_and_odd_text_does_not_raise() -> None:
    for text in ("", "   ", "\x00", "!!!", "£££", "a" * 20000):
        result = recognise(text)
        assert result.label in LABELS
        assert 0.0 <= result.score <= 1.0


def test_the_phrase_lexicon_lifts_dissatisfaction_the_words_alone_would_miss() -> None:
    """The lexicon is the lean towards complaint: a strong phrase in a message whose other
    words look like an enquiry still makes it a complaint."""
    for text in ("Can I speak to a manager please?", "Is this how you treat people? Unacceptable."):
        assert recognise(text).label == "complaint"
        assert classify(shipped_model(), text, lexicon_weight=0.0).label != "complaint"


def _scan_plainly(text: str) -> tuple[tuple[int, int, int], ...]:
    """Every pattern as written (with its leading \\b), one `finditer` each: what `scan` must
    find, however it searches."""
    lowered = text.lower()
    target = lowered if len(lowered) == len(text) else text
    return tuple(
        (index, match.start(), match.end())
        for index, (pattern, _weight) in enumerate(_DISSATISFACTION)
        for match in re.compile(pattern, re.IGNORECASE).finditer(target)
    )


def test_the_fast_scan_finds_exactly_what_each_pattern_finds_as_written() -> None:
    """`scan` searches most patterns without their leading \\b and keeps the matches that start
    on a word boundary; the hits must be the same, including matches that begin inside a word
    ("unheard nothing"), at the very start or end, and after punctuation."""
    texts = [e.text for e in load_examples("eval.jsonl")]
    rng = random.Random(14)  # noqa: S311 - repeatable test data, not a secret
    spliced = [
        "".join(t[rng.randrange(len(t)) :] for t in rng.sample(texts, 3)) for _ in range(300)
    ]
    awkward = [
        "unheard nothing, then nothing happens",
        "nothing happens",
        "xnothing happens!nothing happens",
        "xthen nothing happens",  # refused inside a word, found again at "nothing"
        "3 times, 33times, three times",
        "I've been let down.Let down again",
    ]
    for text in texts + spliced + awkward:
        assert scan(text) == _scan_plainly(text), text
