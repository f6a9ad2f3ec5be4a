"""Cited answers: question frame → hybrid retrieval → support checks → a composer's proof.

For each question:

1. parse it (entities, time bounds) and build its :class:`~kg.answer.frame.Frame`: the asked kind
   (value, when, must-not …) and the constraints a short answer must satisfy;
2. score every sentence with BM25 and the dense encoder, fuse the rankings (reciprocal rank fusion)
   and boost sentences the graph links to the question's industries, agencies, deadlines, quantities
   and asked modality;
3. run the support checks (:data:`~kg.answer.checks.SUPPORT_CHECKS`): can the corpus speak to this
   question at all;
4. hand the frame and the evidence to the composer of its kind (:data:`~kg.answer.composers.COMPOSERS`),
   which answers only with a graph node that satisfies every grounded constraint, else refuses with
   the constraint that failed. The sentences that state the answer lead the evidence.

Thresholds and weights come from one settings object (:mod:`kg.answer.settings`); messages from the
language catalogue (:mod:`kg.i18n`).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kg.answer.checks import SUPPORT_CHECKS, Scores
from kg.answer.composers import composer_for, fits_unit
from kg.answer.facts import list_targets
from kg.answer.frame import AskedKind, Frame, TimeAsk, build_frame
from kg.answer.model import Answer, Reason, ReasonCode
from kg.answer.question import Question, parse_question
from kg.answer.scope import LibraryDocument, Scope, compact, resolve_scope
from kg.answer.settings import AnswerSettings, settings
from kg.checklist import load_provisions
from kg.citation import load_citations
from kg.errors import QuestionError
from kg.extract.lexicon import default_lexicon
from kg.graph.build import citation_id, node_iri
from kg.graph.store import GraphStore, rows
from kg.i18n import text as i18n
from kg.library import open_generation
from kg.queries import get
from kg.retrieval import SentenceIndex, analyse_tokens, reciprocal_rank_fusion

#: The modality a must-not question ranks first. "May X still …?" is answered as often by an obligation to
#: abolish (各地要取消…优惠政策) as by a prohibition, and obligations are most sentences: no boost for those.
RANKED_MODALITIES = {
    AskedKind.MUST_NOT: ("prohibition",),
}


@dataclass
class SentenceInfo:
    concepts: set[str] = field(default_factory=set)
    deadlines: set[str] = field(default_factory=set)
    bearers: set[str] = field(default_factory=set)
    quantity_kinds: set[str] = field(default_factory=set)


class Answerer:
    """Loads store, index and encoder once; :meth:`ask` is then fast."""

    def __init__(self, store: GraphStore | None = None, index: SentenceIndex | None = None,
                 encoder: object | None = None, mode: str = "hybrid",
                 answer_settings: AnswerSettings | None = None) -> None:
        from kg.embedding import load_encoder

        self.settings = answer_settings or settings()
        if store is None or index is None:
            # Store and index of one generation, resolved once: a build publishing in between cannot pair them.
            opened_store, opened_index = open_generation()
            store, index = store or opened_store, index or opened_index
        self.store = store
        self.index = index
        self.mode = mode
        self.encoder = encoder if encoder is not None or mode == "bm25" else load_encoder()
        self.lexicon = default_lexicon()
        self.info: dict[str, SentenceInfo] = defaultdict(SentenceInfo)
        for row in rows(self.store.query(get("sentence_facts").text)):
            item = self.info[str(row["sentence"])]
            if row["concept"]:
                item.concepts.add(str(row["concept"]))
            if row["deadline"]:
                item.deadlines.add(str(row["deadline"]))
            if row["bearer"]:
                item.bearers.add(str(row["bearer"]))
            if row["kind"]:
                item.quantity_kinds.add(str(row["kind"]))
        self.quantities: dict[str, list[dict]] = defaultdict(list)
        for record in list_targets(store=self.store):
            self.quantities[record["sentence"]].append(record)
        self.mentioned = {c for item in self.info.values() for c in item.concepts}
        self.mentioned_in: dict[str, set[str]] = defaultdict(set)  # document id → concepts its sentences mention
        for sentence, item in self.info.items():
            self.mentioned_in[_document_of(sentence)].update(item.concepts)
        self.quantity_unit_words = {q["unit"] for found in self.quantities.values() for q in found} | {"多少", "几"}
        counts: dict[str, int] = defaultdict(int)
        for item in self.info.values():
            for concept in item.concepts:
                counts[concept] += 1
        self.concept_share = {c: n / max(1, len(self.index.passages)) for c, n in counts.items()}
        self.expanded = {p.id: self._expand(p) for p in self.index.passages}
        self.top_industries = {pid: {c for c in concepts if self.lexicon.is_top_industry(c)}
                               for pid, concepts in self.expanded.items()}
        self.document = rows(self.store.query(get("document_facts").text))
        citations = load_citations(self.store)  # once for provisions and evidence, not per question
        self.citations = {cid: found.zh for cid, found in citations.items()}
        self.provisions = {item.id: item for item in load_provisions(self.store, self.lexicon, citations)}
        self.signatures = [r for r in rows(self.store.query(get("sentences").text))
                           if r["role"] in ("signature", "addressees")]
        self.passages = {p.id: p for p in self.index.passages}
        self.compact_corpus = re.sub(r"\s+", "", "".join(p.text + p.lead + p.heading for p in self.index.passages))
        self.library = self._library()
        self.document_names = [name for doc in self.library for name in (*doc.names(), compact(doc.type))]
        by_document: dict[str, list[str]] = defaultdict(list)
        for passage in self.index.passages:
            by_document[passage.doc_id].append(passage.text + passage.lead + passage.heading)
        self.compact_documents = {doc: re.sub(r"\s+", "", "".join(texts)) for doc, texts in by_document.items()}
        self.passage_documents = np.array([p.doc_id for p in self.index.passages], dtype=object)
        statutes = {doc.id for doc in self.library if doc.structure == "statute"}
        self.passage_articles = np.array([_article_number(p.local_id) if p.doc_id in statutes else 0
                                          for p in self.index.passages])
        self.articles_of: dict[str, set[int]] = defaultdict(set)
        for passage, number in zip(self.index.passages, self.passage_articles, strict=True):
            if number:
                self.articles_of[passage.doc_id].add(int(number))

    def _library(self) -> list[LibraryDocument]:
        from kg.documents import load_documents

        return [LibraryDocument(
            id=doc.id, title=doc.title, number=doc.number, type=doc.type, date=doc.date, title_en=doc.title_en or "",
            type_en=doc.type_en or "", short_titles=doc.short_titles, structure=doc.structure,
            in_force_from=doc.in_force_from, repealed_on=doc.repealed_on, replaced_by=doc.replaced_by)
            for doc in load_documents(self.store)]

    def _expand(self, passage) -> set[str]:
        """Concepts of a sentence plus everything broader (a 炼铁 target concerns 钢铁)."""
        concepts = set(self.info[str(node_iri(passage.doc_id, passage.local_id))].concepts)
        if passage.lead:
            concepts.update(c.iri for _, _, c in self.lexicon.find(passage.lead))
        expanded = set()
        for concept in concepts:
            expanded.update(self.lexicon.ancestors(concept))
        return expanded

    # ------------------------------------------------------------------ what composers and checks read
    def present(self, term: str, documents: tuple[str, ...] = (), *, exact: bool = False) -> bool:
        """In the corpus (or the documents in scope) as written, as a dictionary form of a mentioned concept,
        or by its stem (造船厂 → 造船). A library document's own name (环境保护法, 政府工作报告) names the scope:
        it is never a missing term."""
        folded = re.sub(r"\s+", "", term)
        if len(folded) >= 2 and any(compact(folded) in name for name in self.document_names):
            return True
        text = "".join(self.compact_documents.get(d, "") for d in documents) if documents else self.compact_corpus
        if folded in text or self._known_term(term, documents):
            return True
        if exact:  # an organisation's name is used as written or not at all (教育部 is not 教育)
            return False
        return bool(re.search(r"[\u4e00-\u9fff]", term)) and len(folded) >= 3 and folded[:2] in text

    def mentioned_by(self, documents: tuple[str, ...] = ()) -> set[str]:
        """The concepts the documents in scope (all, when none are given) mention."""
        return set().union(*(self.mentioned_in[d] for d in documents)) if documents else self.mentioned

    def _known_term(self, term: str, documents: tuple[str, ...] = ()) -> bool:
        """A dictionary form (钢铁行业) of a concept the corpus mentions counts as present."""
        concept = self.lexicon.resolve(term)
        return concept is not None and concept.iri in self.mentioned_by(documents)

    def content_words(self, frame: Frame, *, with_names: bool = False) -> set[str]:
        """Question words that are not numbers or units, nor (unless ``with_names``) entity names: what the
        answer is about. A figure's subject is checked on its own, so its name is no evidence of content."""
        question = frame.question
        names = set() if with_names else {self.lexicon.concepts[i].label_zh for i in question.entities}
        # The name of a document in scope (环境保护法, Environmental Protection Law) says where to look, not what:
        # a Chinese question loses the name itself (环境日 stays), an English one the renderings of its words.
        titles = [name for doc in self.library if doc.id in frame.scope for name in doc.names()]
        if question.language == "en":
            tokens = {t for t in analyse_tokens(question.search_text)
                      if not any(compact(t) in title for title in titles)}
        else:
            text = compact(question.text)
            for title in titles:
                text = text.replace(title, " ")
            tokens = set(analyse_tokens(text))
        return {t for t in tokens if re.search(r"[\u4e00-\u9fff]", t) and t not in names
                and not re.search(r"\d", t) and t not in self.quantity_unit_words}

    def context(self, citation: str) -> str:
        """A sentence with its lead phrase and heading: what a figure in it is about."""
        passage = self.passages.get(citation)
        return "" if passage is None else re.sub(r"\s+", "", passage.text + passage.lead + passage.heading)

    def run_query(self, name: str, params: dict[str, str]) -> list[dict]:
        query = get(name)
        return rows(self.store.query(query.text, query.bind(params)))

    # ------------------------------------------------------------------ scoring
    def rank(self, question: Question, frame: Frame | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fused scores, BM25 scores and dense scores for every passage."""
        tokens = analyse_tokens(question.search_text)
        bm25 = self.index.bm25_scores(tokens)
        dense = np.zeros(len(self.index.passages))
        if self.mode != "bm25":
            from kg.embedding import embed_queries

            dense = self.index.dense_scores(embed_queries(self.encoder, [question.text])[0])
        rankings, weights = [], []
        if self.mode in ("hybrid", "bm25"):
            rankings.append(np.argsort(-bm25, kind="stable")[: int((bm25 > 0).sum())])
            weights.append(1.0)
        if self.mode in ("hybrid", "dense"):
            rankings.append(np.argsort(-dense, kind="stable"))
            knobs = self.settings
            weights.append(knobs.dense_weight_zh if question.language == "zh" else knobs.dense_weight_en)
        fused = reciprocal_rank_fusion(rankings, len(self.index.passages), weights)
        if self.mode == "hybrid":
            fused = fused + self._boosts(question, frame)
        return fused, bm25, dense

    def _boosts(self, question: Question, frame: Frame | None) -> np.ndarray:
        knobs = self.settings
        boosts = np.zeros(len(self.index.passages))
        # A group (产能严重过剩行业) is named by a third of the document: it does not discriminate.
        wanted_industries = {i for i in question.industries if not self.lexicon.is_group(i)}
        # Only distinctive actors steer the ranking (企业 is everywhere, 金融机构 is not). Measures do not:
        # their hidden labels (违规项目) tag whole paragraphs and pulled siblings above the answer.
        wanted = [{c for c in self.lexicon.descendants(concept)
                   if self.concept_share.get(c, 0) <= knobs.distinctive_share} for concept in question.agencies]
        # A figure is asked for, or the date a figure refers to (数据是截至什么时间的).
        numeric = frame is not None and (frame.kind in (AskedKind.VALUE, AskedKind.SUPERLATIVE, AskedKind.AGGREGATE)
                                         or frame.time_ask == TimeAsk.REFERENCE)
        modalities = RANKED_MODALITIES.get(frame.kind, ()) if frame is not None else ()
        # Who must / must not / may: the provisions the asked actor bears (企业 too, however common).
        asks_duty = frame is not None and frame.kind in (*RANKED_MODALITIES, AskedKind.MUST, AskedKind.MAY,
                                                          AskedKind.WHO)
        bearers = {c for a in question.agencies for c in self.lexicon.descendants(a)} if asks_duty else set()
        years = {str(y) for y in frame.time.years} if frame is not None and frame.time is not None else set()
        for i, passage in enumerate(self.index.passages):
            info = self.info[str(node_iri(passage.doc_id, passage.local_id))]
            expanded = self.expanded[passage.id]
            if wanted_industries & expanded:
                # A sentence about this industry alone beats one that lists it among many.
                named = len(self.top_industries[passage.id]) or 1
                boosts[i] += knobs.boost_industry / named
            boosts[i] += knobs.boost_entity * sum(1 for family in wanted if family & info.concepts)
            if question.by_date and info.deadlines and min(info.deadlines) <= question.by_date.isoformat():
                boosts[i] += knobs.boost_deadline
            if years and (years & {d[:4] for d in info.deadlines}
                          or years & {str(q.get("date") or "")[:4] for q in self.quantities.get(passage.id, ())}):
                # A figure or deadline of the asked year (今年 in that year's report is dated so).
                boosts[i] += knobs.boost_year
            if numeric and info.quantity_kinds:
                boosts[i] += knobs.boost_quantity
                # A figure in the unit asked for (几年 → a duration) is likelier the answer than any figure.
                if frame.unit_family is not None and any(
                        fits_unit(frame, q) for q in self.quantities.get(passage.id, ())):
                    boosts[i] += knobs.boost_quantity
                if "figure" in question.intents and "figure" in info.quantity_kinds:
                    boosts[i] += knobs.boost_quantity
            if passage.modality in modalities:
                boosts[i] += knobs.boost_modality
            if bearers and info.bearers & bearers:
                boosts[i] += knobs.boost_bearer
        return boosts

    # ------------------------------------------------------------------ answers
    def scope(self, question: Question, documents: Sequence[str] = (), as_of: dt.date | None = None) -> Scope:
        """The documents (and articles) this question may be answered from."""
        return resolve_scope([question.text, question.search_text], self.library, given=documents, as_of=as_of,
                             articles_of=self.articles_of)

    def ask(self, raw: object, question_id: object = None, *, documents: Sequence[str] = (),
            as_of: dt.date | None = None) -> dict:
        """Answer one question; ``documents`` (ids) and ``as_of`` narrow the library it is answered from."""
        started = time.perf_counter()
        try:
            question = parse_question(raw)
        except QuestionError as exc:
            return {"id": question_id, "answered": False, "answer": None, "kind": None, "value": None,
                    "reason": None, "evidence": [], "facts": [], "query": None, "error": str(exc)}
        frame = build_frame(question)
        scope = self.scope(question, documents, as_of)
        frame.scope = scope.documents
        if frame.time is not None and scope.naming_years:
            # 2014年政府工作报告 says which report; the time asked about is the one the report speaks of.
            frame.time = frame.time.without(scope.naming_years)
        fused, bm25, dense = self.rank(question, frame)
        if scope.narrowed:
            outside = ~self._in_scope(scope)
            fused[outside], bm25[outside], dense[outside] = 0.0, 0.0, 0.0
        k = self.settings.evidence_k
        order = np.argsort(-fused, kind="stable")[:k]
        top = float(fused[order[0]]) if len(order) else 0.0
        evidence = [self._evidence(int(i), fused, top) for i in order if fused[i] > 0]
        scores = Scores(fused, bm25, dense)
        reason = next((r for check in SUPPORT_CHECKS if (r := check(frame, scores, self, self.settings))), None)
        if scope.missing is not None:
            reason = Reason(ReasonCode.NOT_IN_LIBRARY, {"name": scope.missing})
        elif scope.missing_article is not None:
            names = "、".join(doc.title for doc in self.library if doc.id in (scope.documents or scope.named))
            reason = Reason(ReasonCode.NO_ARTICLE, {"article": scope.missing_article, "document": names})
        if frame.kind == AskedKind.DOCUMENT and self.document:
            reason = None  # the metadata answers it; the signature lines state it
            evidence = [self._signature_evidence(s) for s in self.signatures] + evidence
        if reason is not None:
            answer = Answer.refuse(frame.kind, reason)
        else:
            best = np.argsort(-fused, kind="stable")[: self.settings.candidate_k]
            pool = [self._evidence(int(i), fused, top) for i in best if fused[i] > 0]
            if frame.kind == AskedKind.DOCUMENT:
                pool = evidence
            answer = composer_for(frame.kind).compose(frame, pool, self, self.settings.candidate_k)
            evidence = self._lead_with(answer.support, evidence, fused, top)
        result = self._result(question, frame, answer, evidence, question_id)
        result["scope"] = scope.as_dict()
        result["notes"] = self._validity_notes(frame, evidence, question.language)
        result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return result

    def _validity_notes(self, frame: Frame, evidence: list[dict], language: str) -> list[str]:
        """A cited document that did not apply in the year asked about is said so (环境保护法 2014 revision
        asked about 2014: in force only from 2015-01-01)."""
        if frame.time is None or not frame.time.years:
            return []
        first, last = dt.date(min(frame.time.years), 1, 1), dt.date(max(frame.time.years), 12, 31)
        by_id = {doc.id: doc for doc in self.library}
        notes = []
        for doc_id in dict.fromkeys(item.get("document") for item in evidence):
            doc = by_id.get(doc_id)
            if doc is None:
                continue
            if doc.in_force_from and doc.in_force_from > last:
                key, day = "note.not_yet_in_force", doc.in_force_from
            elif doc.repealed_on and doc.repealed_on <= first:
                key, day = "note.no_longer_in_force", doc.repealed_on
            else:
                continue
            notes.append(i18n(key, language, title=doc.title, date=day.isoformat()))
        return notes

    def _in_scope(self, scope: Scope) -> np.ndarray:
        mask = np.ones(len(self.index.passages), dtype=bool)
        if scope.documents:
            mask &= np.isin(self.passage_documents, list(scope.documents))
        if scope.articles and scope.missing_article is None:
            in_article = np.isin(self.passage_articles, list(scope.articles))
            if (mask & in_article).any():
                mask &= in_article
        return mask

    def _lead_with(self, support: list[str], evidence: list[dict], fused: np.ndarray, top: float) -> list[dict]:
        """The sentences that state the answer first, then the rest of the ranking, k in all."""
        if not support:
            return evidence
        position = {p.id: i for i, p in enumerate(self.index.passages)}
        leading = []
        for citation in support:
            found = next((item for item in evidence if item["id"] == citation), None)
            if found is None and citation in position:
                found = self._evidence(position[citation], fused, top)
            if found is not None:
                leading.append(found)
        ids = {item["id"] for item in leading}
        return (leading + [item for item in evidence if item["id"] not in ids])[: max(self.settings.evidence_k,
                                                                                          len(leading))]

    def _result(self, question: Question, frame: Frame, answer: Answer, evidence: list[dict],
                question_id: object) -> dict:
        language = question.language
        result = {"id": question_id, "question": question.text, "answered": answer.answered,
                  "answer": answer.text, "kind": answer.kind.value,
                  "value": answer.value.as_dict() if answer.value else None,
                  "values": [v.as_dict() for v in answer.values],
                  "reason": answer.reason.as_dict(language) if answer.reason else None,
                  "evidence": evidence, "facts": answer.facts, "query": answer.query,
                  "parsed": {**question.as_dict(), "frame": frame.as_dict()}}
        if not answer.answered and answer.reason is not None:
            result["answer"] = i18n("text.not_found", language, reason=answer.reason.render(language))
        if question.truncated:
            result["warning"] = f"the question was cut to {len(question.text)} characters"
        return result

    def _evidence(self, index: int, fused: np.ndarray, top: float) -> dict:
        passage = self.index.passages[index]
        return {
            "id": passage.id,
            "label": passage.label,
            "section": passage.section,
            "text": passage.text,
            "score": round(float(fused[index]) / top, 4) if top > 0 else 0.0,
            "modality": passage.modality or None,
            "citation_text": self.citations.get(passage.id),
            "document": passage.doc_id,
        }

    def _signature_evidence(self, row: dict) -> dict:
        cid = citation_id(str(row["docId"]), str(row["cite"]))
        return {"id": cid, "label": row["label"], "section": row["section"], "text": row["text"], "score": 1.0,
                "modality": None, "citation_text": self.citations.get(cid)}


_ARTICLE_ID = re.compile(r"^art(\d+)\.")


def _article_number(local_id: str) -> int:
    """The article a statute's sentence belongs to (art59.p1.s1 → 59), else 0."""
    match = _ARTICLE_ID.match(local_id)
    return int(match.group(1)) if match else 0


def _document_of(sentence_iri: str) -> str:
    """The document id in a sentence's IRI (…/doc/guofa-2013-41/… → guofa-2013-41)."""
    match = re.search(r"/doc/([^/]+)/", sentence_iri)
    return match.group(1) if match else ""
