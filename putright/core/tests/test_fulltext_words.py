"""`fulltext.words` skips the accent-stripping loop for ASCII text: the same words as the loop
gives, for any text (accents, ligatures, letters that fold to ASCII, digits, punctuation)."""

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from putright.core import fulltext


def _words_through_the_loop(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


@given(st.text())
@example("Zoë Ægir-Straße, 12 Mill Lane EX1 2AB")
@example("ROSA_BELL rosa@example.org +44 7700 900123")
@example("ﬁnish Ⅻ ½ Ǆ")  # compatibility forms NFKD spells out
def test_words_are_the_same_with_or_without_the_ascii_shortcut(text):
    assert fulltext.words(text) == _words_through_the_loop(text)


def test_words_of_plain_text_are_lower_case_and_split_on_punctuation():
    assert fulltext.words("Rosa BELL, 12 Mill-Lane_EX1") == [
        "rosa",
        "bell",
        "12",
        "mill",
        "lane",
        "ex1",
    ]
    assert fulltext.words("") == fulltext.words(None) == []  # type: ignore[arg-type]
