"""English words rendered into the library's Chinese words, for BM25 on English questions.

The hand glossary (``question.toml``) renders the words of this domain it knows. An English question
uses many others (denitrification, afforestation, renewal, highway); without a rendering, BM25 sees
none of them and the dense ranking alone has to find the sentence. This module looks each word up in
an English–Chinese dictionary (the ``cedict`` package's word list, 100 000 entries, read from the
installed wheel: nothing is downloaded) and keeps the renderings the index actually holds as tokens,
so a rendering can only ever add a word the library uses.

Renderings found this way steer ranking only. They do not count as the question's grounded content
(``Question.english_terms``): a refusal never depends on what this dictionary happens to contain.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Container, Iterable
from functools import lru_cache
from importlib import resources

from kg.answer.question import word_forms

#: A sense's Chinese glosses are at most this long; longer ones are definitions, not words.
_MAX_GLOSS_CHARS = 6
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)|（[^）]*）|<[^>]*>|\{[^}]*\}")
_SEPARATORS = re.compile(r"[,;，；、/\s]+|\b[a-z]{1,5}\.")
_GLOSS = re.compile(rf"[\u4e00-\u9fff]{{2,{_MAX_GLOSS_CHARS}}}")
_ENGLISH_WORD = re.compile(r"[a-z]+")  # deficit-to-GDP is three words to look up
#: Words of a question's grammar, never looked up (the dictionary renders "how" as 怎样, "must" as 必须).
ENGLISH_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "of", "in", "on", "at", "to", "for", "from", "by", "with", "without",
    "under", "over", "into", "onto", "about", "after", "before", "during", "within", "between", "among", "than",
    "as", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done", "has", "have", "had",
    "having", "can", "could", "may", "might", "must", "shall", "should", "will", "would", "not", "no", "nor", "any",
    "each", "every", "all", "some", "such", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
    "this", "that", "these", "those", "there", "here", "it", "its", "they", "them", "their", "he", "she", "his",
    "her", "we", "our", "you", "your", "i", "me", "my", "much", "many", "more", "most", "less", "least", "other",
    "another", "also", "only", "just", "very", "too", "so", "then", "ever", "up", "down", "out", "off", "per", "via",
    "whether", "long", "often", "far",
})


def glosses(translation: str) -> tuple[str, ...]:
    """The Chinese words of one dictionary entry, in its order ("n.征用,征收,收用" → 征用, 征收, 收用).

    >>> glosses("adj.连续的,联贯的")
    ('连续', '联贯')
    >>> glosses("n.(A)As 或 A's  安(ampere);(a) art.一")
    ()
    """
    words = []
    for part in _SEPARATORS.split(_BRACKETS.sub(" ", translation)):
        part = part.strip().removesuffix("的").removesuffix("地")
        if _GLOSS.fullmatch(part):
            words.append(part)
    return tuple(dict.fromkeys(words))


@lru_cache(maxsize=1)
def dictionary() -> dict[str, tuple[str, ...]]:
    """English headword (lower case) → its Chinese glosses, from the installed ``cedict`` wheel."""
    table: dict[str, tuple[str, ...]] = {}
    with resources.files("cedict").joinpath("csv/EnWords.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found = glosses(row.get("translation") or "")
            if found:
                table[(row.get("word") or "").lower()] = found
    return table


def renderings(words: Iterable[str], vocabulary: Container[str], *, per_word: int = 2) -> list[str]:
    """Chinese tokens of ``vocabulary`` that render ``words``: the first ``per_word`` glosses of each
    word's first dictionary form that the vocabulary holds (a sense's first glosses are its commonest)."""
    table = dictionary()
    found: list[str] = []
    for word in words:
        for form in word_forms(word.lower()):
            kept = [gloss for gloss in table.get(form, ()) if gloss in vocabulary][:per_word]
            if kept:
                found.extend(kept)
                break
    return list(dict.fromkeys(found))


def english_words(text: str) -> list[str]:
    """The lower-case words of an English text, in order."""
    return _ENGLISH_WORD.findall(text.lower())
