"""kg.answer.bilingual: English words rendered into the library's own Chinese words for BM25."""

from __future__ import annotations

from kg.answer.bilingual import ENGLISH_FUNCTION_WORDS, dictionary, glosses, renderings
from kg.answer.question import word_forms


def test_glosses_keep_the_chinese_words_of_an_entry_in_order() -> None:
    assert glosses("n.征用,征收,收用") == ("征用", "征收", "收用")
    assert glosses("adj.连续的,联贯的") == ("连续", "联贯")
    # bracketed notes, single characters and long definitions are no words to search for
    assert glosses("n.(A)As 或 A's  安(ampere);(a) art.一") == ()
    assert glosses("n.一种在特定条件下使用的很长的解释性定义") == ()


def test_the_dictionary_comes_from_the_installed_wheel() -> None:
    table = dictionary()
    assert len(table) > 50_000
    assert "征收" in table["expropriation"]


def test_word_forms_reach_the_headword() -> None:
    assert "retrofit" in word_forms("retrofitted")
    assert "renewal" in word_forms("renewals")
    assert "expire" in word_forms("expired")


def test_only_words_the_library_holds_are_kept() -> None:
    vocabulary = {"征收", "造林"}
    assert renderings(["expropriation", "afforestation"], vocabulary) == ["征收", "造林"]
    assert renderings(["expropriation"], set()) == []  # nothing the index lacks is ever added


def test_at_most_the_asked_number_of_glosses_per_word() -> None:
    table = dictionary()
    vocabulary = set(table["expropriation"])
    assert len(renderings(["expropriation"], vocabulary, per_word=1)) == 1
    assert len(renderings(["expropriation"], vocabulary, per_word=2)) == 2


def test_question_words_are_not_content() -> None:
    assert {"how", "what", "must", "many", "often"} <= ENGLISH_FUNCTION_WORDS
