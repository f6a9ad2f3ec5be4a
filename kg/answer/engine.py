"""Cited answers: hybrid retrieval + graph facts, and a calibrated "not found".

For each question:

1. parse it (entities, time bounds, intent) with the extraction dictionaries;
2. score every sentence with BM25 and the dense encoder, fuse the rankings
   (reciprocal rank fusion) and boost sentences the graph links to the
   question's industries (through the taxonomy), agencies and deadlines;
3. decide whether the corpus supports the question — an entity the graph
   has never seen, question words the corpus lacks, or a dense similarity
   below the calibrated floor mean "not found";
4. compose the short answer from graph facts (a quantity of the best
   sentence, the document's metadata), else the best sentence itself.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from kg.answer.facts import list_targets
from kg.answer.question import Question, parse_question
from kg.errors import PolicyKGError, QuestionError
from kg.extract.lexicon import default_lexicon
from kg.graph.store import GraphStore, rows
from kg.queries import get
from kg.retrieval import SentenceIndex, analyse_tokens, reciprocal_rank_fusion

#: Calibrated on the dev questions (see bench/): e5 cosines bunch near 0.8–0.9,
#: so the floor sits between the best unrelated and the worst related question.
DENSE_FLOOR = float(os.environ.get("POLICYKG_DENSE_FLOOR", "0.80"))
COVERAGE_FLOOR = 0.55
EVIDENCE_K = 5
BOOST_INDUSTRY = 0.012
BOOST_AGENCY = 0.010
BOOST_DEADLINE = 0.012
BOOST_QUANTITY = 0.006


@dataclass
class SentenceInfo:
    concepts: set[str] = field(default_factory=set)
    deadlines: set[str] = field(default_factory=set)
    bearers: set[str] = field(default_factory=set)
    quantity_kinds: set[str] = field(default_factory=set)


class Answerer:
    """Loads store, index and encoder once; :meth:`ask` is then fast."""

    def __init__(self, store: GraphStore | None = None, index: SentenceIndex | None = None,
                 encoder: object | None = None, mode: str = "hybrid") -> None:
        from kg.embedding import load_encoder

        self.store = store or GraphStore()
        self.index = index or SentenceIndex.load()
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
        self.expanded = {p.id: self._expand(p) for p in self.index.passages}
        self.document = rows(self.store.query(get("document_facts").text))
        self.idf = self._idf()

    def _sentence_iri(self, passage_id: str) -> str:
        doc_id, local = passage_id.split("/", 1)
        return f"https://w3id.org/policykg/doc/{doc_id}/{local}"

    def _expand(self, passage) -> set[str]:  # noqa: ANN001
        """Concepts of a sentence plus everything broader (a 炼铁 target concerns 钢铁)."""
        concepts = set(self.info[self._sentence_iri(passage.id)].concepts)
        if passage.lead:
            concepts.update(c.iri for _, _, c in self.lexicon.find(passage.lead))
        expanded = set()
        for concept in concepts:
            expanded.update(self.lexicon.ancestors(concept))
        return expanded

    def _idf(self) -> dict[str, float]:
        bm25 = self.index.bm25
        return dict(bm25.idf) if bm25 is not None else {}

    # ------------------------------------------------------------------ scoring
    def rank(self, question: Question) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
            weights.append(1.0)
        fused = reciprocal_rank_fusion(rankings, weights) if rankings else np.zeros(len(bm25))
        if len(fused) < len(bm25):
            fused = np.pad(fused, (0, len(bm25) - len(fused)))
        if self.mode == "hybrid":
            fused = fused + self._boosts(question)
        return fused, bm25, dense

    def _boosts(self, question: Question) -> np.ndarray:
        boosts = np.zeros(len(self.index.passages))
        wanted_industries = set(question.industries)
        wanted_agencies = {a for agency in question.agencies for a in self.lexicon.descendants(agency)}
        for i, passage in enumerate(self.index.passages):
            info = self.info[self._sentence_iri(passage.id)]
            expanded = self.expanded[passage.id]
            if wanted_industries & expanded:
                boosts[i] += BOOST_INDUSTRY
            if wanted_agencies & (info.bearers | info.concepts):
                boosts[i] += BOOST_AGENCY
            if question.by_date and info.deadlines and min(info.deadlines) <= question.by_date.isoformat():
                boosts[i] += BOOST_DEADLINE
            if ("quantity" in question.intents or "figure" in question.intents) and info.quantity_kinds:
                boosts[i] += BOOST_QUANTITY
                if "figure" in question.intents and "figure" in info.quantity_kinds:
                    boosts[i] += BOOST_QUANTITY
        return boosts

    # ------------------------------------------------------------------ support
    def unsupported(self, question: Question, bm25: np.ndarray, dense: np.ndarray) -> str | None:
        """Why the corpus cannot answer, or None when it can."""
        for iri in question.industries + question.regions:
            if not (self.lexicon.descendants(iri) & self.mentioned):
                concept = self.lexicon.concepts[iri]
                return f"the corpus says nothing about {concept.label_zh} ({concept.label_en})"
        if question.language == "zh":
            tokens = [t for t in analyse_tokens(question.text) if re.search(r"[\u4e00-\u9fff]", t)]
            if tokens:
                weights = {t: self.idf.get(t, self._unseen_idf()) for t in set(tokens)}
                covered = sum(w for t, w in weights.items() if t in self.index.vocabulary)
                if covered / sum(weights.values()) < COVERAGE_FLOOR:
                    return "the question's key terms do not occur in the corpus"
        if self.mode != "bm25" and dense.size and float(dense.max()) < DENSE_FLOOR:
            return "no sentence is close enough to the question"
        if self.mode == "bm25" and (not bm25.size or float(bm25.max()) <= 0):
            return "no sentence shares a term with the question"
        return None

    def _unseen_idf(self) -> float:
        count = len(self.index.passages)
        return math.log((count + 0.5) / 0.5)

    # ------------------------------------------------------------------ answers
    def ask(self, raw: object, question_id: object = None) -> dict:
        started = time.perf_counter()
        try:
            question = parse_question(raw)
        except QuestionError as exc:
            return {"id": question_id, "answered": False, "answer": None, "evidence": [], "facts": [],
                    "query": None, "error": str(exc)}
        fused, bm25, dense = self.rank(question)
        order = np.argsort(-fused, kind="stable")[:EVIDENCE_K]
        top = float(fused[order[0]]) if len(order) else 0.0
        evidence = [self._evidence(int(i), fused, top) for i in order if fused[i] > 0]
        reason = self.unsupported(question, bm25, dense)
        result = {"id": question_id, "question": question.text, "answered": reason is None, "answer": None,
                  "evidence": evidence if reason is None else [], "facts": [], "query": None,
                  "parsed": question.as_dict()}
        if question.truncated:
            result["warning"] = f"the question was cut to {len(question.text)} characters"
        if reason is not None:
            result["answer"] = f"未找到 / not found: {reason}"
            result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return result
        answer, facts, query = self._compose(question, evidence)
        result.update(answer=answer, facts=facts, query=query)
        result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
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
        }

    def _compose(self, question: Question, evidence: list[dict]) -> tuple[str, list[dict], dict | None]:
        if "document" in question.intents and self.document:
            doc = self.document[0]
            facts = [doc]
            return (f"{doc['issuerLabel'] or ''}于{_chinese_date(str(doc['date']))}印发《{doc['title']}》"
                    f"（{doc['number']}）", facts, {"name": "document_facts", "params": {}})
        if "quantity" in question.intents or "figure" in question.intents:
            best = self._best_quantity(question, evidence)
            if best is not None:
                return best["surface"], [best], {"name": "targets", "params": {"sentence": best["sentence"]}}
        if "applies" in question.intents:
            params = {"industry": self.lexicon.concepts[question.industries[0]].label_zh}
            if question.by_date:
                params["by"] = question.by_date.isoformat()
            return evidence[0]["text"], [], {"name": "applies_to", "params": params}
        return evidence[0]["text"] if evidence else "", [], None

    def _best_quantity(self, question: Question, evidence: list[dict]) -> dict | None:
        tokens = set(analyse_tokens(question.search_text))
        wanted = set(question.industries)
        best, best_score = None, 0.0
        for rank, item in enumerate(evidence[:3]):
            for quantity in self.quantities.get(item["id"], []):
                score = 1.0 / (rank + 1)
                measure_tokens = set(analyse_tokens((quantity.get("measure") or "") + quantity["surface"]))
                score += 0.5 * len(tokens & measure_tokens)
                industry = self.lexicon.resolve(quantity["industry"] or "", "industry")
                if industry is not None and wanted & set(self.lexicon.ancestors(industry.iri)):
                    score += 1.0
                if "figure" in question.intents and quantity["kind"] == "figure":
                    score += 0.5
                if score > best_score:
                    best, best_score = quantity, score
        return best


def _chinese_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def ask_many(lines: list[str], answerer: Answerer) -> list[dict]:
    """Answer JSON Lines input; a bad line yields an error object, never an exception."""
    import json

    results = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            results.append({"id": None, "answered": False, "answer": None, "evidence": [],
                            "error": f"line {number}: not a JSON object ({exc})"})
            continue
        try:
            results.append(answerer.ask(item.get("question"), item.get("id")))
        except PolicyKGError as exc:
            results.append({"id": item.get("id"), "answered": False, "answer": None, "evidence": [],
                            "error": str(exc)})
    return results
