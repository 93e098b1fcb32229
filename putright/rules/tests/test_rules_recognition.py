"""The complaint-recognition assistant (Code 1.2–1.6): interface and phrase highlighting."""

from putright.rules.recognition import LABELS, Phrase, Recognition, recognise


def test_recognise_returns_a_label_score_and_phrases_with_offsets():
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


def test_a_plain_repair_request_is_not_a_complaint():
    result = recognise("Please could someone come and fix the dripping tap in my kitchen, thanks")
    assert result.label == "service_request"
    assert result.score < 0.5
    assert result.phrases == ()
