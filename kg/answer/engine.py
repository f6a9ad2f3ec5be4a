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
from functools import cached_property

import numpy as np

from kg import config
from kg.answer.bilingual import ENGLISH_FUNCTION_WORDS, english_words, renderings
from kg.answer.checks import SUPPORT_CHECKS, Scores
from kg.answer.composers import composer_for, fits_unit, locate_quantities
from kg.answer.facts import list_targets
from kg.answer.features import FEATURES_DIR, PassageFeatures
from kg.answer.frame import AskedKind, Frame, TimeAsk, TimeConstraint, asked_genre, build_frame
from kg.answer.model import Answer, Reason, ReasonCode
from kg.answer.question import Question, parse_question
from kg.answer.scope import LibraryDocument, Scope, compact, resolve_scope
from kg.answer.settings import AnswerSettings, settings
from kg.checklist import load_provisions
from kg.citation import load_citations
from kg.errors import QuestionError, StoreError
from kg.extract.lexicon import default_lexicon
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, rows
from kg.i18n import text as i18n
from kg.library import open_generation
from kg.queries import get
from kg.retrieval import SentenceIndex, analyse_tokens, reciprocal_rank_fusion, stopwords

#: The modality a must-not question ranks first. "May X still …?" is answered as often by an obligation to
#: abolish (各地要取消…优惠政策) as by a prohibition, and obligations are most sentences: no boost for those.
RANKED_MODALITIES = {
    AskedKind.MUST_NOT: ("prohibition",),
}


class Answerer:
    """Loads store, index, passage features and encoder once; :meth:`ask` is then fast.

    Nothing here runs a query over every sentence or builds a dict per sentence: the per-passage facts
    ranking reads are arrays the build wrote (:mod:`kg.answer.features`); the quantities, citations and
    provisions composers read are loaded on first use.
    """

    def __init__(self, store: GraphStore | None = None, index: SentenceIndex | None = None,
                 encoder: object | None = None, mode: str = "hybrid",
                 answer_settings: AnswerSettings | None = None, features: PassageFeatures | None = None) -> None:
        """``features`` default to those saved with a loaded index, else they are computed from the store."""
        self.settings = answer_settings or settings()
        if store is None or index is None:
            # Store and index of one generation, resolved once: a build publishing in between cannot pair them.
            opened_store, opened_index = open_generation()
            store, index = store or opened_store, index or opened_index
        self.store = store
        self.index = index
        index_backend = getattr(index, "encoder", None) or config.encoder_backend()
        query_backend = config.requested_encoder_backend() or index_backend
        # Without vectors on either side the ranking is BM25 plus the graph's boosts (a lexical library).
        self.dense = index_backend.dense and query_backend.dense
        if mode == "dense" and not self.dense:
            raise StoreError(f"--mode dense needs dense vectors, and this index was built with the {index_backend} "
                             "encoder: build with another POLICYKG_ENCODER")
        self.mode = mode
        if encoder is None and mode != "bm25" and self.dense:
            from kg.embedding import load_encoder

            encoder = load_encoder(backend=query_backend)
        self.encoder = encoder
        self.lexicon = default_lexicon()
        folder = getattr(index, "directory", None)
        if features is None:
            features = (PassageFeatures.load(folder / FEATURES_DIR, len(index.passages)) if folder is not None
                        else PassageFeatures.compute(store, index.passages, self.lexicon))
        self.features = features
        summary = self.features.summary
        self.mentioned_in: dict[str, set[str]] = defaultdict(set)  # document id → concepts its sentences mention
        self.mentioned_in.update({doc: set(found) for doc, found in summary["mentioned_in"].items()})
        self.mentioned = set().union(*self.mentioned_in.values())
        self.quantity_unit_words = set(summary["units"]) | {"多少", "几"}
        self.concept_share = {c: n / max(1, len(self.index.passages)) for c, n in summary["concept_counts"].items()}
        self.document = rows(self.store.query(get("document_facts").text))
        self.compact_corpus = re.sub(r"\s+", "", "".join(p.text + p.lead + p.heading for p in self.index.passages))
        self.library = self._library()
        self.document_names = [name for doc in self.library for name in (*doc.names(), compact(doc.type))]
        by_document: dict[str, list[str]] = defaultdict(list)
        for passage in self.index.passages:
            by_document[passage.doc_id].append(passage.text + passage.lead + passage.heading)
        self.compact_documents = {doc: re.sub(r"\s+", "", "".join(texts)) for doc, texts in by_document.items()}
        self.passage_articles = np.asarray(self.features.columns["articles"])
        self.articles_of: dict[str, set[int]] = defaultdict(set)
        codes = np.asarray(self.features.columns["documents"])
        for code, number in {(int(c), int(a)) for c, a in zip(codes[self.passage_articles > 0],
                                                               self.passage_articles[self.passage_articles > 0],
                                                               strict=True)}:
            self.articles_of[self.features.documents[code]].add(number)
        ids = np.array([p.id for p in self.index.passages], dtype=str)
        self._id_order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._id_order]

    @cached_property
    def quantities(self) -> dict[str, list[dict]]:
        """The figures of each sentence (by citation id), read from the store on first use."""
        found: dict[str, list[dict]] = defaultdict(list)
        for record in list_targets(store=self.store):
            found[record["sentence"]].append(record)
        for records in found.values():
            locate_quantities(records)
        return found

    @cached_property
    def citations(self) -> dict[str, str]:
        """The formal citation of every sentence (signatures too), on first use; evidence reads the features."""
        return {cid: found.zh for cid, found in self._citations.items()}

    @cached_property
    def _citations(self) -> dict:
        return load_citations(self.store)

    @cached_property
    def provisions(self) -> dict:
        return {item.id: item for item in load_provisions(self.store, self.lexicon, self._citations)}

    @cached_property
    def signatures(self) -> list[dict]:
        return [r for r in rows(self.store.query(get("sentences").text)) if r["role"] in ("signature", "addressees")]

    @cached_property
    def passages(self) -> dict:
        return {p.id: p for p in self.index.passages}

    def position(self, citation: str) -> int | None:
        """The index of a passage by its citation id, or None."""
        at = int(np.searchsorted(self._sorted_ids, citation))
        if at < len(self._sorted_ids) and self._sorted_ids[at] == citation:
            return int(self._id_order[at])
        return None

    def _library(self) -> list[LibraryDocument]:
        from kg.documents import load_documents

        return [LibraryDocument(
            id=doc.id, title=doc.title, number=doc.number, type=doc.type, date=doc.date, title_en=doc.title_en or "",
            type_en=doc.type_en or "", short_titles=doc.short_titles, structure=doc.structure,
            in_force_from=doc.in_force_from, repealed_on=doc.repealed_on, replaced_by=doc.replaced_by)
            for doc in load_documents(self.store)]

    # ------------------------------------------------------------------ what composers and checks read
    def present(self, term: str, documents: tuple[str, ...] = (), *, exact: bool = False) -> bool:
        """In the corpus (or the documents in scope) as written, as a dictionary form of a mentioned concept,
        or by its stem (造船厂 → 造船). A library document's own name (环境保护法, 政府工作报告) names the scope:
        it is never a missing term."""
        folded = re.sub(r"\s+", "", term)
        if self.names_document(term):
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
        at = self.position(citation)
        if at is None:
            return ""
        passage = self.index.passages[at]
        return re.sub(r"\s+", "", passage.text + passage.lead + passage.heading)

    def above(self, citation: str) -> str:
        """The lead phrase and heading a sentence stands under (what its figures may be of)."""
        at = self.position(citation)
        if at is None:
            return ""
        passage = self.index.passages[at]
        return re.sub(r"\s+", "", passage.lead + passage.heading)

    def names(self, phrase: str) -> bool:
        """Whether the library's text writes this phrase (white space aside)."""
        return bool(phrase) and compact(phrase) in self.compact_corpus

    def section(self, citation: str) -> str:
        """A sentence's section path (一、2013年工作回顾 › …)."""
        at = self.position(citation)
        return self.index.passages[at].section if at is not None else ""

    def names_document(self, phrase: str) -> bool:
        """Whether a phrase is (part of) a library document's name (环境保护法): it says where, not what."""
        folded = compact(phrase)
        return len(folded) >= 2 and any(folded in name for name in self.document_names)

    def issued(self, document: str) -> dt.date | None:
        """The date a library document was issued (what its 今年 and 5月1日 are read against)."""
        return next((doc.date for doc in self.library if doc.id == document), None)

    def run_query(self, name: str, params: dict[str, str]) -> list[dict]:
        query = get(name)
        return rows(self.store.query(query.text, query.bind(params)))

    # ------------------------------------------------------------------ scoring
    def rank(self, question: Question, frame: Frame | None = None, *, query: Question | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fused scores, BM25 scores and dense scores for every passage; ``query`` (default: the question)
        gives the words BM25 matches."""
        query = query or question
        tokens = analyse_tokens(query.search_text)
        if query.language == "en" and self.index.bm25 is not None:
            tokens += self._rendered(query)
        bm25 = self.index.bm25_scores(tokens)
        dense = np.zeros(len(self.index.passages))
        if self.mode != "bm25" and self.dense:
            from kg.embedding import embed_queries

            dense = self.index.dense_scores(embed_queries(self.encoder, [question.text])[0])
        rankings, weights = [], []
        if self.mode in ("hybrid", "bm25"):
            matched = np.flatnonzero(bm25 > 0)  # ranked among themselves: the same order as a sort of all
            rankings.append(matched[np.argsort(-bm25[matched], kind="stable")])
            weights.append(1.0)
        if self.mode in ("hybrid", "dense") and self.dense:
            rankings.append(np.argsort(-dense, kind="stable"))
            knobs = self.settings
            weights.append(knobs.dense_weight_zh if question.language == "zh" else knobs.dense_weight_en)
        fused = reciprocal_rank_fusion(rankings, len(self.index.passages), weights)
        if self.mode == "hybrid":
            fused = fused + self._boosts(question, frame)
        return fused, bm25, dense

    def _name_forms(self, named: Sequence[str]) -> list[str]:
        """The ways the named documents are written (title, type, short titles, in both languages), longest
        first."""
        forms = {form for doc in self.library if doc.id in named
                 for form in (*doc.written_forms(), doc.type, doc.type_en,
                              f"{doc.date.year}年{doc.type[-2:]}",  # 2014年报告 (see scope.named_documents)
                              f"{doc.date.year % 100:02d}年{doc.type[-2:]}")  # 14年报告
                 if len(form) >= 2}
        return sorted(forms, key=len, reverse=True)

    def _without_names(self, question: Question, named: Sequence[str]) -> Question:
        """The question without the names of the documents it names (the 2010 Government Work Report): they
        say where to look, and as words they match the title line and headings, not the answer."""
        if not named:
            return question
        text = question.text
        for form in self._name_forms(named):
            text = re.sub(r"\s*".join(map(re.escape, form.split())), " ", text, flags=re.IGNORECASE)
        if text == question.text or not text.strip():
            return question
        try:
            return parse_question(text)
        except QuestionError:
            return question

    def _rendered(self, question: Question) -> list[str]:
        """Library words for the English words the glossary leaves unrendered (see :mod:`kg.answer.bilingual`)."""
        covered = {word for phrase in question.english_terms for word in english_words(phrase)}
        unrendered = [word for word in english_words(question.text)
                      if word not in covered and word not in ENGLISH_FUNCTION_WORDS and len(word) > 2]
        stop = stopwords()
        vocabulary = self.index.bm25.vocab
        return [token for token in renderings(unrendered, vocabulary, per_word=self.settings.renderings_per_word)
                if token not in stop]

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
        # Every rule below adds to every passage at once, in the order a per-passage loop added them.
        facts = self.features.sets
        if wanted_industries:
            # A sentence about this industry alone beats one that lists it among many.
            named = np.maximum(np.asarray(self.features.columns["top_industries"]), 1)
            boosts += np.where(facts["expanded"].any(wanted_industries), knobs.boost_industry / named, 0.0)
        if wanted:
            boosts += knobs.boost_entity * sum(facts["concepts"].any(family).astype(np.int64) for family in wanted)
        if question.by_date:
            dated = np.asarray(self.features.min_deadline)
            boosts += np.where((dated != "") & (dated <= question.by_date.isoformat()), knobs.boost_deadline, 0.0)
        if years:
            # A figure or deadline of the asked year (今年 in that year's report is dated so).
            of_year = facts["deadline_years"].any(years) | facts["quantity_years"].any(years)
            boosts += np.where(of_year, knobs.boost_year, 0.0)
        if numeric:
            with_figures = facts["kinds"].lengths() > 0
            boosts += np.where(with_figures, knobs.boost_quantity, 0.0)
            # A figure in the unit asked for (几年 → a duration) is likelier the answer than any figure.
            if frame.unit_family is not None:
                fitting = facts["units"].any(lambda unit: fits_unit(frame, {"unit": unit}))
                boosts += np.where(with_figures & fitting, knobs.boost_quantity, 0.0)
            if "figure" in question.intents:
                boosts += np.where(with_figures & facts["kinds"].any({"figure"}), knobs.boost_quantity, 0.0)
        if modalities:
            # A sentence governed by a duty may forbid in a later clause (…，并不得修建永久性建筑物).
            boosts += np.where(self.features.sets["norms"].any(set(modalities)), knobs.boost_modality, 0.0)
        if bearers:
            boosts += np.where(facts["bearers"].any(bearers), knobs.boost_bearer, 0.0)
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
        frame = build_frame(question, self.names)
        if frame.topic and any(frame.topic in name for name in self.document_names):
            frame.topic = None  # 2016年政府工作报告，…: the clause names the document, not what the figure is of
        scope = self.scope(question, documents, as_of)
        genre = asked_genre(question.text) if frame.asks_which_document else None
        if genre and scope.named and not any(doc.type.endswith(genre) for doc in self.library if doc.id in scope.named):
            # 哪份报告说新修订的环境保护法必须严格执行: the law is what the report says, not where to look.
            scope = self.scope(self._without_names(question, scope.named), documents, as_of)
        frame.scope = scope.documents
        query = self._without_names(question, scope.named)
        if scope.named and question.language == "zh":
            # 2014年报告说…: a word written only inside a named document's name (报告) says which document, not
            # what is measured (产能 of 41号文…产能 is still asked).
            frame.measure_terms = [forms for forms in frame.measure_terms if forms[0] in query.text]
        if frame.time is not None and scope.naming_years:
            # 2014年政府工作报告 says which report; the time asked about is the one the report speaks of.
            # …the 2010 government work report budget *for 2010*: a year written again on its own is a time too.
            naming = tuple(y for y in scope.naming_years
                           if len(re.findall(rf"(?<!\d){y}(?!\d)", question.text)) <= scope.naming_years.count(y))
            frame.time = frame.time.without(naming)
            if frame.time is None:
                frame.time = relative_year(question.text, scope.naming_years)
        fused, bm25, dense = self.rank(question, frame, query=query)
        if scope.narrowed:
            outside = ~self._in_scope(scope)
            fused[outside], bm25[outside], dense[outside] = 0.0, 0.0, 0.0
        k = self.settings.evidence_k
        order = self._with_introducers(top_k(fused, k), fused, k, whole_lists=frame.asks_cases)
        top = float(fused[order[0]]) if len(order) else 0.0
        evidence = [self._evidence(int(i), fused, top) for i in order if fused[i] > 0]
        scores = Scores(fused, bm25, dense)
        reason = next((r for check in SUPPORT_CHECKS if (r := check(frame, scores, self, self.settings))), None)
        if scope.missing is not None:
            reason = Reason(ReasonCode.NOT_IN_LIBRARY, {"name": scope.missing})
        elif scope.missing_article is not None:
            names = "、".join(doc.title for doc in self.library if doc.id in (scope.documents or scope.named))
            reason = Reason(ReasonCode.NO_ARTICLE, {"article": scope.missing_article, "document": names})
        if frame.kind == AskedKind.DOCUMENT and self.document and not frame.asks_which_document:
            reason = None  # the metadata answers it; the signature lines state it
            evidence = [self._signature_evidence(s) for s in self.signatures
                        if not frame.scope or str(s["docId"]) in frame.scope] + evidence
        if reason is not None:
            answer = Answer.refuse(frame.kind, reason)
        else:
            best = self._with_introducers(top_k(fused, self.settings.candidate_k), fused, self.settings.candidate_k,
                                          whole_lists=frame.asks_cases)
            pool = [self._evidence(int(i), fused, top) for i in best if fused[i] > 0]
            if frame.kind == AskedKind.DOCUMENT and not frame.asks_which_document:
                pool = evidence
            answer = composer_for(frame.kind).compose(frame, pool, self, self.settings.candidate_k)
            evidence = self._lead_with(answer.support, evidence, fused, top)
        result = self._result(question, frame, answer, evidence, question_id)
        result["scope"] = scope.as_dict()
        result["notes"] = self._validity_notes(frame, evidence, question.language)
        result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return result

    def _with_introducers(self, order: np.ndarray, fused: np.ndarray, k: int, *, whole_lists: bool = False
                          ) -> list[int]:
        """The ranking with each numbered list item followed by the sentence that introduces its list
        (（二）永久基本农田以外的耕地超过三十五公顷的； is read under 征收下列土地的，由国务院批准：, which says
        who approves), k in all. The item keeps its place; the introducer takes the next one."""
        ranked = [int(i) for i in order if fused[i] > 0]
        result: list[int] = []
        for index in ranked:
            if index in result:
                continue
            result.append(index)
            introducer = self._introducer(index)
            if introducer is not None and introducer not in result:
                result.append(introducer)
                # A short list (符合下列条件的社会组织…: （一）…；（二）…) is read whole: its items are the answer
                # together, and one item alone states half the conditions.
                # So is any list when the question asks for the cases a rule covers (哪些情形).
                items = self._items_of(introducer)
                if len(items) <= _SHORT_LIST or whole_lists:
                    result.extend(i for i in items if i not in result)
        return result[:k]

    def _items_of(self, introducer: int) -> list[int]:
        """The numbered items that follow a sentence ending in ： (its list)."""
        passages = self.index.passages
        found = []
        for at in range(introducer + 1, min(len(passages), introducer + 40)):
            if passages[at].doc_id != passages[introducer].doc_id or not _LIST_ITEM.match(passages[at].text):
                break
            found.append(at)
        return found

    def _introducer(self, index: int) -> int | None:
        """The sentence ending in ： that opens the list a numbered item (（一）…) belongs to, if any."""
        passages = self.index.passages
        item = passages[index]
        if not item.lead or not _LIST_ITEM.match(item.text):
            return None
        for at in range(index - 1, max(-1, index - 40), -1):
            before = passages[at]
            if before.doc_id != item.doc_id:
                return None
            if before.lead == item.lead and _LIST_ITEM.match(before.text):
                continue  # an earlier item of the same list
            text = re.sub(r"\s+", "", before.text)
            return at if text.endswith(("：", ":")) and re.sub(r"\s+", "", item.lead) in text else None
        return None

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
            codes = [i for i, doc in enumerate(self.features.documents) if doc in scope.documents]
            mask &= np.isin(self.features.columns["documents"], codes)
        if scope.articles and scope.missing_article is None:
            in_article = np.isin(self.passage_articles, list(scope.articles))
            if (mask & in_article).any():
                mask &= in_article
        return mask

    def _lead_with(self, support: list[str], evidence: list[dict], fused: np.ndarray, top: float) -> list[dict]:
        """The sentences that state the answer first, then the rest of the ranking, k in all."""
        if not support:
            return evidence
        leading = []
        for citation in support:
            found = next((item for item in evidence if item["id"] == citation), None)
            if found is None and (at := self.position(citation)) is not None:
                found = self._evidence(at, fused, top)
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
            "citation_text": self.features.citation(index),
            "document": passage.doc_id,
        }

    def _signature_evidence(self, row: dict) -> dict:
        cid = citation_id(str(row["docId"]), str(row["cite"]))
        return {"id": cid, "label": row["label"], "section": row["section"], "text": row["text"], "score": 1.0,
                "modality": None, "citation_text": self.citations.get(cid)}


#: A numbered list item of a statute or guidance: （一）…, (2)…
#: Lists of at most this many items are given whole when one of their items is retrieved.
_SHORT_LIST = 3
_LIST_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十\d]+[）)]")


#: Years said relative to the document a question names (2016年政府工作报告…今年要压减多少): offsets from its year.
_RELATIVE_YEARS = ((re.compile(r"今年|当年|本年|\b(?:this|that|the same) year\b", re.IGNORECASE), 0),
                   (re.compile(r"明年|\bnext year\b|\bthe following year\b", re.IGNORECASE), 1),
                   (re.compile(r"去年|上年|\blast year\b|\bthe previous year\b", re.IGNORECASE), -1))


def relative_year(text: str, naming_years: Sequence[int]) -> TimeConstraint | None:
    """The year a question asks about when it says it relative to the one document year it names (今年 of the
    2016 report is 2016), else None."""
    if len(set(naming_years)) != 1:
        return None
    offsets = {offset for pattern, offset in _RELATIVE_YEARS if pattern.search(text)}
    if len(offsets) != 1:
        return None
    year = naming_years[0] + offsets.pop()
    return TimeConstraint((year,), dt.date(year, 1, 1), dt.date(year, 12, 31))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` of ``np.argsort(-scores, kind="stable")`` without sorting every passage.

    >>> top_k(np.array([0.1, 0.3, 0.3, 0.2]), 2).tolist()
    [1, 2]
    """
    if k <= 0 or not len(scores):
        return np.zeros(0, dtype=np.intp)
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    floor = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th largest score
    candidates = np.flatnonzero(scores >= floor)
    return candidates[np.argsort(-scores[candidates], kind="stable")][:k]
