"""Cited answers: hybrid retrieval + graph facts, and a calibrated "not found".

For each question:

1. parse it (entities, time bounds, intent) with the extraction dictionaries;
2. score every sentence with BM25 and the dense encoder, fuse the rankings
   (reciprocal rank fusion) and boost sentences the graph links to the
   question's industries (through the taxonomy), agencies and deadlines;
3. decide whether the corpus supports the question — an entity the graph
   has never seen, question words the corpus lacks (Chinese nouns, English
   glossary terms) while the dense similarity is not confident, or a number
   no fitting quantity in the graph holds mean "not found";
4. compose the short answer from graph facts (a fitting quantity, the named
   bearers, the applies_to query, the document's metadata, the section path),
   else the best sentence itself.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from kg.answer.facts import list_targets
from kg.answer.question import Question, base_unit, content_nouns, parse_question, wanted_units
from kg.checklist import load_provisions
from kg.errors import PolicyKGError, QuestionError
from kg.extract.lexicon import default_lexicon
from kg.graph.build import citation_id, citation_of, node_iri
from kg.graph.store import GraphStore, open_store, rows
from kg.queries import get
from kg.retrieval import SentenceIndex, analyse_tokens, reciprocal_rank_fusion

#: Calibrated on dev + bench/calibration.jsonl (bench/retrieval.py prints the features):
#: e5 cosines bunch near 0.8–0.9 and cross-lingual ones sit lower, so each language has its floor.
DENSE_FLOOR_ZH = float(os.environ.get("POLICYKG_DENSE_FLOOR_ZH", "0.85"))
DENSE_FLOOR_EN = float(os.environ.get("POLICYKG_DENSE_FLOOR_EN", "0.80"))
MISSING_NOUNS_FLOOR = 0.5
HORIZON_YEARS = 5
MISSING_WORDS_FLOOR_EN = 0.33
DENSE_CONFIDENT_ZH = float(os.environ.get("POLICYKG_DENSE_CONFIDENT_ZH", "0.90"))
DENSE_WEIGHT_ZH = float(os.environ.get("POLICYKG_DENSE_WEIGHT_ZH", "1.0"))
DENSE_WEIGHT_EN = float(os.environ.get("POLICYKG_DENSE_WEIGHT_EN", "0.5"))
DISTINCTIVE_SHARE = 0.15
EVIDENCE_K = 5
#: Graph boosts, on the scale of reciprocal-rank scores (rank 1 earns 1/61 ≈ 0.016).
#: Halving them from rank-jump size (0.008) to tie-breaker size measured best on dev + calibration +
#: the blind held-out-like set (bench/retrieval.py).
BOOST_INDUSTRY = 0.004
BOOST_ENTITY = 0.002
BOOST_DEADLINE = 0.003
BOOST_QUANTITY = 0.0015


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

        self.store = store or open_store()
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
        self.quantity_units = {base_unit(q["unit"]) for found in self.quantities.values() for q in found}
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
        issued = [int(str(d["date"])[:4]) for d in self.document if d.get("date")]
        # Undated targets belong to the document's own horizon: from issue to five years on (通过5年努力).
        self.horizon = {y for start in issued for y in range(start, start + HORIZON_YEARS + 1)}
        self.provisions = {item.id: item for item in load_provisions(self.store, self.lexicon)}
        self.signatures = [r for r in rows(self.store.query(get("sentences").text))
                           if r["role"] in ("signature", "addressees")]
        self.corpus_text = "".join(p.text + p.lead + p.heading for p in self.index.passages)

    def _expand(self, passage) -> set[str]:
        """Concepts of a sentence plus everything broader (a 炼铁 target concerns 钢铁)."""
        concepts = set(self.info[str(node_iri(passage.doc_id, passage.local_id))].concepts)
        if passage.lead:
            concepts.update(c.iri for _, _, c in self.lexicon.find(passage.lead))
        expanded = set()
        for concept in concepts:
            expanded.update(self.lexicon.ancestors(concept))
        return expanded

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
            # Cross-lingual e5 similarities are flatter, so dense counts less for English questions.
            weights.append(DENSE_WEIGHT_ZH if question.language == "zh" else DENSE_WEIGHT_EN)
        fused = reciprocal_rank_fusion(rankings, len(self.index.passages), weights)
        if self.mode == "hybrid":
            fused = fused + self._boosts(question)
        return fused, bm25, dense

    def _boosts(self, question: Question) -> np.ndarray:
        boosts = np.zeros(len(self.index.passages))
        # A group (产能严重过剩行业) is named by a third of the document: it does not discriminate.
        wanted_industries = {i for i in question.industries if not self.lexicon.is_group(i)}
        # Only distinctive actors steer the ranking (企业 is everywhere, 金融机构 is not). Measures do not:
        # their hidden labels (违规项目) tag whole paragraphs and pulled siblings above the answer.
        wanted = [{c for c in self.lexicon.descendants(concept) if self.concept_share.get(c, 0) <= DISTINCTIVE_SHARE}
                  for concept in question.agencies]
        for i, passage in enumerate(self.index.passages):
            info = self.info[str(node_iri(passage.doc_id, passage.local_id))]
            expanded = self.expanded[passage.id]
            if wanted_industries & expanded:
                # A sentence about this industry alone beats one that lists it among many.
                named = len(self.top_industries[passage.id]) or 1
                boosts[i] += BOOST_INDUSTRY / named
            boosts[i] += BOOST_ENTITY * sum(1 for family in wanted if family & info.concepts)
            if question.by_date and info.deadlines and min(info.deadlines) <= question.by_date.isoformat():
                boosts[i] += BOOST_DEADLINE
            if ("quantity" in question.intents or "figure" in question.intents) and info.quantity_kinds:
                boosts[i] += BOOST_QUANTITY
                if "figure" in question.intents and "figure" in info.quantity_kinds:
                    boosts[i] += BOOST_QUANTITY
        return boosts

    # ------------------------------------------------------------------ support
    def unsupported(self, question: Question, fused: np.ndarray, bm25: np.ndarray, dense: np.ndarray) -> str | None:
        """Why the corpus cannot answer, or None when it can.

        Three signals, each calibrated on dev and bench/calibration.jsonl (see bench/retrieval.py):
        an entity the graph never mentions (煤炭, 房地产); content nouns of a Chinese question that
        occur nowhere in the corpus (个人所得税, 起征点); for English, too few of the question's words
        translate to terms the corpus uses, and a dense similarity below the cross-lingual floor.
        """
        for iri in question.entities:
            if not (self.lexicon.descendants(iri) & self.mentioned):
                concept = self.lexicon.concepts[iri]
                english = concept.label_en or concept.label_zh
                return f"文件未涉及{concept.label_zh} / the corpus says nothing about {english}"
        dense_max = float(dense.max()) if dense.size and self.mode != "bm25" else None
        if question.language == "zh":
            nouns = content_nouns(question.text)
            missing = [n for n in nouns if not self._present(n)]
            # Paraphrases use words the text does not (铝厂 for 电解铝企业); the dense model still finds
            # them close, so missing nouns only decide when the dense similarity is not confident.
            confident = dense_max is not None and dense_max >= DENSE_CONFIDENT_ZH
            if nouns and len(missing) / len(nouns) >= MISSING_NOUNS_FLOOR and not confident:
                return f"文件中没有“{'、'.join(missing)}” / the corpus never mentions these terms"
            if dense_max is not None and dense_max < DENSE_FLOOR_ZH:
                return "没有与问题足够接近的句子 / no sentence is close enough to the question"
        else:
            # The same test as for Chinese nouns, on the question's words that the glossary translates.
            terms = question.english_terms
            missing = [w for w, renderings in terms.items()
                       if not any(r in self.corpus_text or self._known_term(r) for r in renderings)]
            if terms and len(missing) / len(terms) >= MISSING_WORDS_FLOOR_EN:
                return f"文件中没有对应内容 / the corpus has no counterpart of: {', '.join(missing)}"
            # A matched phrase ("export tax rebates") is as telling as two single words.
            present = sum(2 if " " in w else 1 for w in terms if w not in missing)
            if present < 2 and (dense_max is None or dense_max < DENSE_FLOOR_EN):
                return "没有与问题足够接近的句子 / no sentence is close enough to the question"
        gap = self._quantity_gap(question, fused)
        if gap:
            return gap
        if self.mode == "bm25" and (not bm25.size or float(bm25.max()) <= 0):
            return "没有句子包含问题中的词 / no sentence shares a term with the question"
        return None

    def _quantity_gap(self, question: Question, fused: np.ndarray) -> str | None:
        """A number the graph does not hold.

        Answers are extractive: a question asking for a number is answered only if a quantity in the
        best sentences fits it — same industry (through the taxonomy), same unit if one is asked, a
        date in the asked year (undated targets fall in the document's horizon), and a sentence that
        shares a content word with the question. "到2020年…多少", "多少万载重吨", "how many tonnes of
        aluminium" have no such quantity and get "not found" rather than a borrowed number.
        """
        if not (question.asked_unit or {"quantity", "figure"} & set(question.intents)) \
                or "document" in question.intents:
            return None
        if question.asked_unit and question.asked_unit not in self.quantity_units:
            return f"文件没有以{question.asked_unit}计的数字 / the document states no figure in {question.asked_unit}"
        top = [self.index.passages[i] for i in np.argsort(-fused, kind="stable")[:EVIDENCE_K]]
        words = self._content_words(question)
        fitting = [q for passage in top for q in self.quantities.get(passage.id, [])
                   if self._relevant(question, q) and self._in_years(question, q)
                   and (not words or self._shares_word(words, passage))]
        if fitting:
            return None
        years = f"{'、'.join(str(y) for y in question.years)}年" if question.years else ""
        return f"文件没有给出{years}这一数字 / the document gives no such figure{' for ' + years if years else ''}"

    def _in_years(self, question: Question, quantity: dict) -> bool:
        if not question.years:
            return True
        if quantity["date"]:
            return int(str(quantity["date"])[:4]) in question.years
        return any(year in self.horizon for year in question.years)

    def _content_words(self, question: Question) -> set[str]:
        """Question words that are not entity names, question words or units: what the number is about."""
        names = {self.lexicon.concepts[i].label_zh for i in question.entities}
        tokens = set(analyse_tokens(question.search_text if question.language == "en" else question.text))
        return {t for t in tokens if re.search(r"[\u4e00-\u9fff]", t) and t not in names
                and not re.search(r"\d", t) and t not in self.quantity_unit_words}

    def _shares_word(self, words: set[str], passage) -> bool:
        context = passage.text + passage.lead + passage.heading
        return any(word in context for word in words)

    def _relevant(self, question: Question, quantity: dict) -> bool:
        """Could this quantity answer the question: same industry (through the taxonomy) and unit, if asked?"""
        if question.asked_unit and base_unit(quantity["unit"]) != question.asked_unit:
            return False
        return not question.industries or self._industry_related(question, quantity)

    def _industry_related(self, question: Question, quantity: dict) -> bool:
        """The quantity's product or industry is, contains or belongs to an industry the question names."""
        concept = self.lexicon.resolve(quantity["product"] or quantity["industry"] or "", "industry")
        if concept is None:
            return False
        related = set(self.lexicon.ancestors(concept.iri)) | self.lexicon.descendants(concept.iri)
        return bool(related & set(question.industries))

    def _present(self, noun: str) -> bool:
        """In the corpus as written, as a dictionary form of a mentioned concept, or by its stem (造船厂 → 造船)."""
        if noun in self.corpus_text or self._known_term(noun):
            return True
        return len(noun) >= 3 and noun[:2] in self.corpus_text

    def _known_term(self, term: str) -> bool:
        """A dictionary form (钢铁行业) of a concept the corpus mentions counts as present."""
        concept = self.lexicon.resolve(term)
        return concept is not None and concept.iri in self.mentioned

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
        reason = self.unsupported(question, fused, bm25, dense)
        if "document" in question.intents and self.document:
            # The metadata answers it; the signature lines are the sentences that state it.
            reason = None
            evidence = [self._signature_evidence(s) for s in self.signatures] + evidence
        result = {"id": question_id, "question": question.text, "answered": reason is None, "answer": None,
                  "evidence": evidence if reason is None else [], "facts": [], "query": None,
                  "parsed": question.as_dict()}
        if question.truncated:
            result["warning"] = f"the question was cut to {len(question.text)} characters"
        if reason is not None:
            result["answer"] = f"未找到 / not found：{reason}"
            result["reason"] = reason
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

    def _signature_evidence(self, row: dict) -> dict:
        return {"id": citation_id(str(row["docId"]), str(row["cite"])), "label": row["label"],
                "section": row["section"], "text": row["text"], "score": 1.0, "modality": None}

    def _compose(self, question: Question, evidence: list[dict]) -> tuple[str, list[dict], dict | None]:
        if "document" in question.intents and self.document:
            doc = self.document[0]
            facts = [doc]
            return (f"{doc['issuerLabel'] or ''}于{_chinese_date(str(doc['date']))}印发《{doc['title']}》"
                    f"（{doc['number']}）", facts, {"name": "document_facts", "params": {}})
        if "quantity" in question.intents or "figure" in question.intents:
            best = self._best_quantity(question, evidence)
            if best is not None:
                # The quantities come from the targets query run at start-up; this one row answers.
                return best["surface"], [best], {"name": "targets", "params": {}, "row": best["id"]}
        if "who" in question.intents:
            named = self._bearers_answer(evidence)
            if named is not None:
                return named
        if "applies" in question.intents:
            return self._applies_answer(question, evidence)
        if "where" in question.intents and evidence:
            top = evidence[0]
            return f"{top['section']}（{top['label']}）：{top['text']}", [], None
        return evidence[0]["text"] if evidence else "", [], None

    def _applies_answer(self, question: Question, evidence: list[dict]) -> tuple[str, list[dict], dict]:
        """What applies to an industry by a date: the named query's provisions are the facts; the best
        ranked sentence among them (else the best evidence) is the short answer."""
        industry = next((i for i in question.industries if not self.lexicon.is_group(i)), question.industries[0])
        params: dict[str, str] = {"industry": industry}
        if question.by_date:
            params["by"] = question.by_date.isoformat()
        query = get("applies_to")
        found = rows(self.store.query(query.text, query.bind(params)))
        facts = [{"provision": citation_of(r["sentence"]),
                  "label": r["label"], "modality": r["modality"], "deadline": r["deadline"], "scope": r["scope"]}
                 for r in found]
        # Dated and industry-specific provisions first: they are what "by 2015" asks about.
        facts.sort(key=lambda fact: (fact["deadline"] is None, fact["scope"] != "specific"))
        applying = {fact["provision"] for fact in facts}
        best = next((item["text"] for item in evidence if item["id"] in applying), evidence[0]["text"])
        return best, facts, {"name": "applies_to", "params": params}

    def _bearers_answer(self, evidence: list[dict]) -> tuple[str, list[dict], dict] | None:
        """Who must act: the explicitly named bearers of the best-ranked provision that names any."""
        for item in evidence[:3]:
            provision = self.provisions.get(item["id"])
            if provision is not None and provision.bearer_source == "explicit" and provision.bearers:
                facts = [{"provision": provision.id, "bearers": provision.bearers, "modality": provision.modality}]
                answer = f"{'、'.join(provision.bearers)} — {provision.text}"
                return answer, facts, {"name": "provisions", "params": {}, "row": provision.id}
        return None

    def _best_quantity(self, question: Question, evidence: list[dict]) -> dict | None:
        tokens = set(analyse_tokens(question.search_text))
        wanted = set(question.industries)
        units = wanted_units(question)
        best, best_score = None, 0.0
        for rank, item in enumerate(evidence[:3]):
            for quantity in self.quantities.get(item["id"], []):
                score = 1.0 / (rank + 1)
                measure_tokens = set(analyse_tokens((quantity.get("measure") or "") + quantity["surface"]))
                score += 0.5 * len(tokens & measure_tokens)
                if wanted and self._industry_related(question, quantity):
                    score += 1.0
                if quantity["date"] and int(str(quantity["date"])[:4]) in question.years:
                    score += 1.0
                if "figure" in question.intents and quantity["kind"] == "figure":
                    score += 0.5
                if quantity["unit"] in units:
                    score += 1.0
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
        except Exception as exc:  # one bad question must not lose the answers to all the others
            results.append({"id": item.get("id"), "answered": False, "answer": None, "evidence": [],
                            "error": f"internal error on this question: {type(exc).__name__}"})
    return results
