"""Support checks: can the corpus speak to this question at all? One small class per refusal reason.

Each check has a :class:`~kg.answer.model.ReasonCode`, reads its parameters from the one settings
object, and returns a :class:`~kg.answer.model.Reason` (rendered through the language catalogue) or
None. :data:`SUPPORT_CHECKS` lists them once; the engine runs the list in order. Whether a *value* is
proven is not decided here but by the composers, which refuse with the constraint that failed.

Refusal rests on grounding, not on word lists: an entity the dictionaries know but the graph never
mentions, an actor-like name the corpus never uses, most of the question's nouns absent from the
corpus (question words and fillers such as 时候 or 事项 never count: ``kg/resources/stopwords.txt``),
English terms with no counterpart in the corpus, or no sentence close to the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kg.answer.frame import Frame, cues
from kg.answer.model import Localized, Reason, ReasonCode
from kg.answer.question import content_nouns
from kg.answer.scope import without_document_numbers
from kg.answer.settings import AnswerSettings
from kg.extract.lexicon import Lexicon


class Corpus(Protocol):
    """What the checks read from the engine."""

    lexicon: Lexicon
    mentioned: set[str]
    mode: str

    def present(self, term: str, documents: tuple[str, ...] = (), *, exact: bool = False) -> bool: ...

    def mentioned_by(self, documents: tuple[str, ...] = ()) -> set[str]: ...


@dataclass(frozen=True)
class Scores:
    fused: np.ndarray
    bm25: np.ndarray
    dense: np.ndarray

    @property
    def dense_max(self) -> float | None:
        return float(self.dense.max()) if self.dense.size and np.any(self.dense) else None


class Check(Protocol):
    code: ReasonCode

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None: ...


class UnknownEntity:
    """An industry, agency, region or measure the dictionaries know but no document mentions (煤炭)."""

    code = ReasonCode.UNKNOWN_ENTITY

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        mentioned = corpus.mentioned_by(frame.scope)
        for iri in frame.question.entities:
            if not (corpus.lexicon.descendants(iri) & mentioned):
                concept = corpus.lexicon.concepts[iri]
                return Reason(self.code, {"name": Localized(concept.label_zh, concept.label_en or concept.label_zh)})
        return None


# An organisation's name ends in one of these heads (商务部, 统计局, 人民银行, 证监会): a name the corpus
# never uses cannot be the bearer of anything it says.
_ACTOR = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:部|委员会|委|局|署|厅|办公室|银行|协会|公司|集团|法院|检察院|总局)")


class UnknownActor:
    """An organisation the question names that no document names."""

    code = ReasonCode.UNKNOWN_ACTOR

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        if frame.question.language != "zh":
            return None
        import jieba

        for token in jieba.cut(frame.question.text):
            if len(token) >= 3 and _ACTOR.fullmatch(token) and not corpus.present(token, frame.scope, exact=True) \
                    and corpus.lexicon.resolve(token) is None:
                return Reason(self.code, {"name": token})
        return None


class MissingTerms:
    """Most of a Chinese question's distinctive nouns occur nowhere in the corpus, and no sentence is
    a confident paraphrase (铝厂 for 电解铝企业 is)."""

    code = ReasonCode.MISSING_TERMS

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        if frame.question.language != "zh":
            return None
        # A document's number says where to look (41号文), and a framing noun (时间 of 用几年时间, 情况) what
        # form the answer takes: neither is content the corpus must hold.
        framing = set(cues()["measure_phrase"]["generic_zh"])
        nouns = [n for n in content_nouns(without_document_numbers(frame.question.text)) if n not in framing]
        missing = [n for n in nouns if not corpus.present(n, frame.scope)]
        confident = scores.dense_max is not None and scores.dense_max >= settings.dense_confident_zh
        if nouns and len(missing) / len(nouns) >= settings.missing_share and not confident:
            return Reason(self.code, {"terms": "、".join(missing)})
        return None


class NoCounterpart:
    """Too many of an English question's translatable terms have no counterpart in the corpus."""

    code = ReasonCode.NO_COUNTERPART

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        if frame.question.language == "zh":
            return None
        terms = frame.question.english_terms
        if not terms:
            # Not one word translates into the documents' language ("x", "lorem ipsum"): nothing to ground.
            words = re.findall(r"[a-z]{2,}", frame.question.text.lower())
            return Reason(self.code, {"terms": ", ".join(words) or frame.question.text})
        missing = [w for w, renderings in terms.items() if not any(corpus.present(r, frame.scope) for r in renderings)]
        if terms and len(missing) / len(terms) >= settings.missing_share_en:
            return Reason(self.code, {"terms": ", ".join(missing)})
        # A matched phrase ("export tax rebates") is as telling as two single words.
        present = sum(2 if " " in w else 1 for w in terms if w not in missing)
        if present < 2 and (scores.dense_max is None or scores.dense_max < settings.dense_floor_en):
            return Reason(ReasonCode.NOT_CLOSE)
        return None


class NotClose:
    """No sentence is semantically close to the question."""

    code = ReasonCode.NOT_CLOSE

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        if frame.question.language != "zh" or scores.dense_max is None:
            return None
        return Reason(self.code) if scores.dense_max < settings.dense_floor_zh else None


class NoTerms:
    """BM25 alone (for comparison runs) found no sentence sharing a term with the question."""

    code = ReasonCode.NO_TERMS

    def __call__(self, frame: Frame, scores: Scores, corpus: Corpus, settings: AnswerSettings) -> Reason | None:
        if corpus.mode == "bm25" and (not scores.bm25.size or float(scores.bm25.max()) <= 0):
            return Reason(self.code)
        return None


#: Every support check, once, in the order the engine runs them.
SUPPORT_CHECKS: tuple[Check, ...] = (UnknownEntity(), UnknownActor(), MissingTerms(), NoCounterpart(), NotClose(),
                                     NoTerms())
