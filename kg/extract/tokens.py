"""jieba tokens with the domain dictionary: what BM25 indexes and questions are searched with.

Kept apart from :mod:`kg.extract.pipeline` so that asking a question loads jieba and the lexicon, not
spaCy: the pipeline adds the same words through :func:`domain_dictionary` before its first use.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba

from kg.extract.lexicon import default_lexicon

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def domain_dictionary() -> None:
    """Add the lexicon's Chinese forms to jieba's dictionary, once per process.

    Once: ``jieba.add_word`` adds its frequency to jieba's total every time, so adding the same words
    twice changes the cut of every text (产品出口 becomes one token). The pipeline calls this too.
    """
    for form in default_lexicon().zh_forms:
        jieba.add_word(form, freq=2000)


def tokens(text: str) -> list[str]:
    """jieba tokens with the domain dictionary, for BM25 and question parsing."""
    domain_dictionary()
    return [t for t in jieba.lcut_for_search(text) if t.strip()]
