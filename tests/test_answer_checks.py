"""Support checks on a fake corpus: each refusal reason in isolation, with its code."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from kg.answer.checks import MissingTerms, NoCounterpart, NotClose, Scores, UnknownActor, UnknownEntity
from kg.answer.frame import build_frame
from kg.answer.model import ReasonCode
from kg.answer.question import parse_question
from kg.answer.settings import settings
from kg.extract.lexicon import default_lexicon

TEXT = "电解铝行业要淘汰落后产能，金融机构不得放贷，环保部门要加强执法，企业要停产整顿。"


@dataclass
class FakeCorpus:
    lexicon: object = field(default_factory=default_lexicon)
    mode: str = "hybrid"
    mentioned: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.mentioned = {c.iri for _, _, c in self.lexicon.find(TEXT)}

    def present(self, term: str, documents: tuple[str, ...] = (), *, exact: bool = False) -> bool:
        return term in TEXT

    def mentioned_by(self, documents: tuple[str, ...] = ()) -> set[str]:
        return self.mentioned


def scores(dense_max: float) -> Scores:
    return Scores(fused=np.array([1.0, 0.5]), bm25=np.array([2.0, 0.0]), dense=np.array([dense_max, 0.1]))


def run(check, question: str, dense_max: float = 0.86):
    return check(build_frame(parse_question(question)), scores(dense_max), FakeCorpus(), settings())


def test_unknown_entity_names_what_no_document_mentions() -> None:
    reason = run(UnknownEntity(), "煤炭行业要淘汰多少产能？")
    assert reason is not None and reason.code == ReasonCode.UNKNOWN_ENTITY and "煤炭" in reason.render("zh")
    assert run(UnknownEntity(), "电解铝行业要淘汰什么？") is None


@pytest.mark.parametrize(("question", "refused"), [
    ("教育部要做什么？", True),  # a ministry by the form of its name, in no dictionary
    ("环保部门要做什么？", False),  # named in the corpus
    ("全部企业都要停产吗？", False),  # 全部 ends in 部 but is no organisation (two characters)
])
def test_unknown_actor_reads_the_form_of_a_name(question: str, refused: bool) -> None:
    reason = run(UnknownActor(), question)
    assert (reason is not None and reason.code == ReasonCode.UNKNOWN_ACTOR) == refused


def test_fillers_never_count_as_missing_content() -> None:
    assert run(MissingTerms(), "电解铝行业要注意哪些事项？") is None
    assert run(MissingTerms(), "什么时候淘汰落后产能？") is None


def test_document_numbers_and_framing_nouns_are_not_missing_content() -> None:
    # 41号文 names the document and 时间 of 用几年时间 frames the answer: neither must be in the text.
    assert run(MissingTerms(), "41号文的主要目标打算用几年时间见到成效？") is None


def test_missing_nouns_refuse_unless_a_sentence_is_a_confident_paraphrase() -> None:
    reason = run(MissingTerms(), "个人所得税起征点是多少？")
    assert reason is not None and reason.code == ReasonCode.MISSING_TERMS and "起征点" in reason.render("zh")
    assert run(MissingTerms(), "个人所得税起征点是多少？", dense_max=settings().dense_confident_zh + 0.01) is None


def test_english_terms_without_counterpart_refuse() -> None:
    reason = run(NoCounterpart(), "What is the personal income tax threshold?")
    assert reason is not None and reason.code == ReasonCode.NO_COUNTERPART
    assert run(NoCounterpart(), "Must financial institutions stop lending to electrolytic aluminium?") is None


def test_not_close_reads_the_floor_from_settings() -> None:
    floor = settings().dense_floor_zh
    assert run(NotClose(), "电解铝怎么办？", dense_max=floor - 0.01).code == ReasonCode.NOT_CLOSE
    assert run(NotClose(), "电解铝怎么办？", dense_max=floor + 0.01) is None


@pytest.mark.parametrize("question", ["x", "lorem ipsum dolor sit amet"])
def test_english_with_no_word_in_the_documents_language_is_refused(question: str) -> None:
    reason = run(NoCounterpart(), question)
    assert reason is not None and reason.code == ReasonCode.NO_COUNTERPART
