"""What the answerer knows about each passage, computed once by the build and memory-mapped by the engine.

Ranking boosts sentences the graph links to the question's industries, actors, deadlines and figures
(:meth:`kg.answer.engine.Answerer._boosts`). Reading those links from the store at start-up ran the
slowest query of the library (``queries/sentence_facts.rq``) and built a Python dict per sentence; a
question then looped over every passage. Instead the build writes them into the index folder, beside
``passages.json``, as arrays aligned with the passages:

* per passage, sets of strings as :class:`Sets` (row offsets + value ids into a small vocabulary):
  concepts it mentions, those concepts with everything broader and its lead's concepts (``expanded``),
  bearers, the 4-character year prefixes of its deadlines and of its figures' dates, its figures' units
  and kinds, and the norms it states (its governing modality and any other a deontic word states);
* per passage, one value: its earliest deadline, number of top-level industries, article number (statutes),
  modality and document;
* per passage, its formal citation text (a string column: offsets + UTF-8 bytes);
* for the library, small summaries: concept counts, the concepts each document mentions, every unit.

:meth:`PassageFeatures.compute` is the one definition; a build saves it, the engine loads it (refused with a
StoreError naming the folder when missing or damaged), and an index held in memory computes it from its store.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kg.errors import StoreError

FEATURES_DIR = "features"
_SETS = ("concepts", "expanded", "bearers", "deadline_years", "quantity_years", "units", "kinds", "norms")
_COLUMNS = ("top_industries", "articles", "documents", "modalities", "citation_offsets")
_ARTICLE_ID = re.compile(r"^art(\d+)\.")


class Sets:
    """One set of strings per passage: ``values[offsets[i]:offsets[i+1]]`` are ids into ``vocabulary``."""

    def __init__(self, offsets: np.ndarray, values: np.ndarray, vocabulary: list) -> None:
        self.offsets, self.values, self.vocabulary = offsets, values, vocabulary
        self.ids = {v: i for i, v in enumerate(vocabulary)}

    @classmethod
    def of(cls, rows: Sequence[set]) -> Sets:
        vocabulary = sorted({v for row in rows for v in row}, key=lambda v: (v is None, "" if v is None else v))
        ids = {v: i for i, v in enumerate(vocabulary)}
        lengths = np.array([len(row) for row in rows], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        values = np.array([ids[v] for row in rows for v in sorted(row, key=lambda v: ids[v])], dtype=np.int32)
        return cls(offsets, values, vocabulary)

    def count(self, wanted: set | Callable[[object], bool]) -> np.ndarray:
        """Per passage, how many of its values are in ``wanted`` (a set, or a test of one value)."""
        if callable(wanted):
            hit = np.array([bool(wanted(v)) for v in self.vocabulary], dtype=bool)
        else:
            hit = np.zeros(len(self.vocabulary), dtype=bool)
            hit[[self.ids[v] for v in wanted if v in self.ids]] = True
        if not hit.any():
            return np.zeros(len(self.offsets) - 1, dtype=np.int64)
        running = np.concatenate([[0], np.cumsum(hit[self.values], dtype=np.int64)])
        return running[self.offsets[1:]] - running[self.offsets[:-1]]

    def any(self, wanted: set | Callable[[object], bool]) -> np.ndarray:
        return self.count(wanted) > 0

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def row(self, index: int) -> set:
        return {self.vocabulary[v] for v in self.values[self.offsets[index]:self.offsets[index + 1]]}


class PassageFeatures:
    """Per-passage arrays and library summaries (see the module docstring)."""

    def __init__(self, sets: dict[str, Sets], columns: dict[str, np.ndarray], min_deadline: np.ndarray,
                 citations: bytes | np.ndarray, summary: dict) -> None:
        self.sets = sets
        self.columns = columns
        self.min_deadline = min_deadline
        self._citations = citations
        self.summary = summary
        self.documents: list[str] = summary["documents"]
        self.modalities: list[str] = summary["modalities"]

    # ------------------------------------------------------------------ computed from the store
    @classmethod
    def compute(cls, store, passages: Sequence, lexicon=None) -> PassageFeatures:
        from kg.answer.facts import list_targets
        from kg.citation import load_citations
        from kg.documents import load_documents
        from kg.extract.lexicon import default_lexicon
        from kg.extract.modality import stated_norms
        from kg.graph.build import node_iri
        from kg.graph.store import select_rows
        from kg.queries import get

        lexicon = lexicon or default_lexicon()
        info: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in select_rows(store, get("sentence_facts").text):
            item = info[str(row["sentence"])]
            for key, column in (("concepts", "concept"), ("deadlines", "deadline"), ("bearers", "bearer"),
                                ("kinds", "kind")):
                if row[column]:
                    item[key].add(str(row[column]))
        quantities: dict[str, list[dict]] = defaultdict(list)
        for record in list_targets(store=store):
            quantities[record["sentence"]].append(record)
        empty: dict[str, set[str]] = defaultdict(set)
        facts = [info.get(str(node_iri(p.doc_id, p.local_id)), empty) for p in passages]

        expanded, top_industries = [], []
        for passage, item in zip(passages, facts, strict=True):
            concepts = set(item["concepts"])
            if passage.lead:
                concepts.update(c.iri for _, _, c in lexicon.find(passage.lead))
            found: set[str] = set()
            for concept in concepts:
                found.update(lexicon.ancestors(concept))
            expanded.append(found)
            top_industries.append(sum(1 for c in found if lexicon.is_top_industry(c)))
        sets = {
            "concepts": Sets.of([item["concepts"] for item in facts]),
            "expanded": Sets.of(expanded),
            "bearers": Sets.of([item["bearers"] for item in facts]),
            "deadline_years": Sets.of([{d[:4] for d in item["deadlines"]} for item in facts]),
            "quantity_years": Sets.of([{str(q.get("date") or "")[:4] for q in quantities.get(p.id, ())}
                                       for p in passages]),
            "units": Sets.of([{q["unit"] for q in quantities.get(p.id, ())} for p in passages]),
            "kinds": Sets.of([item["kinds"] for item in facts]),
            # the governing modality and every other norm the sentence states by a deontic word
            "norms": Sets.of([({p.modality} - {None, ""}) | stated_norms(p.text) for p in passages]),
        }
        min_deadline = np.array([min(item["deadlines"]) if item["deadlines"] else "" for item in facts], dtype=str)
        if not len(min_deadline):
            min_deadline = np.zeros(0, dtype="<U1")

        documents = sorted({p.doc_id for p in passages})
        modalities = sorted({p.modality for p in passages})
        document_codes = {doc: i for i, doc in enumerate(documents)}
        modality_codes = {modality: i for i, modality in enumerate(modalities)}
        statutes = {doc.id for doc in load_documents(store) if doc.structure == "statute"}
        citations = load_citations(store)
        texts = [(citations[p.id].zh if p.id in citations else "").encode("utf-8") for p in passages]
        columns = {
            "top_industries": np.array(top_industries, dtype=np.int32),
            "articles": np.array([article_number(p.local_id) if p.doc_id in statutes else 0 for p in passages],
                                 dtype=np.int32),
            "documents": np.array([document_codes[p.doc_id] for p in passages], dtype=np.int32),
            "modalities": np.array([modality_codes[p.modality] for p in passages], dtype=np.int32),
            "citation_offsets": np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64),
        }
        counts: dict[str, int] = defaultdict(int)
        mentioned_in: dict[str, set[str]] = defaultdict(set)
        for sentence, item in info.items():
            for concept in item["concepts"]:
                counts[concept] += 1
            mentioned_in[document_of(sentence)].update(item["concepts"])
        summary = {
            "passages": len(passages),
            "documents": documents,
            "modalities": modalities,
            "concept_counts": dict(sorted(counts.items())),
            "mentioned_in": {doc: sorted(found) for doc, found in sorted(mentioned_in.items())},
            "units": sorted({q["unit"] for found in quantities.values() for q in found},
                            key=lambda v: (v is None, "" if v is None else v)),
        }
        return cls(sets, columns, min_deadline, b"".join(texts), summary)

    # ------------------------------------------------------------------ files
    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        vocabularies = {}
        for name, found in self.sets.items():
            np.save(folder / f"{name}.offsets.npy", found.offsets)
            np.save(folder / f"{name}.values.npy", found.values)
            vocabularies[name] = found.vocabulary
        for name, column in self.columns.items():
            np.save(folder / f"{name}.npy", column)
        np.save(folder / "min_deadline.npy", self.min_deadline)
        (folder / "citations.bin").write_bytes(bytes(self._citations))
        (folder / "features.json").write_text(json.dumps({**self.summary, "vocabularies": vocabularies},
                                                         ensure_ascii=False), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path, passages: int) -> PassageFeatures:
        """The features saved in ``folder`` (arrays memory-mapped); StoreError when missing or damaged."""
        if not (folder / "features.json").is_file():
            raise StoreError(f"no passage features at {folder}: run `policykg build`")
        try:
            summary = json.loads((folder / "features.json").read_text(encoding="utf-8"))
            vocabularies = summary.pop("vocabularies")
            sets = {name: Sets(np.load(folder / f"{name}.offsets.npy", mmap_mode="r"),
                               np.load(folder / f"{name}.values.npy", mmap_mode="r"), vocabularies[name])
                    for name in _SETS}
            columns = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _COLUMNS}
            min_deadline = np.load(folder / "min_deadline.npy", mmap_mode="r")
            citations = np.memmap(folder / "citations.bin", dtype=np.uint8, mode="r") \
                if (folder / "citations.bin").stat().st_size else b""
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, EOFError) as exc:
            raise StoreError(f"the passage features at {folder} are damaged ({type(exc).__name__}): "
                             "run `policykg build`") from None
        sizes = {len(s.offsets) - 1 for s in sets.values()} | {len(c) for n, c in columns.items()
                                                                 if n != "citation_offsets"}
        if (summary.get("passages") != passages or sizes != {passages} or len(min_deadline) != passages
                or len(columns["citation_offsets"]) != passages + 1
                or int(columns["citation_offsets"][-1]) != len(citations)):
            raise StoreError(f"the passage features at {folder} do not fit the index's {passages} passages: "
                             "run `policykg build`")
        return cls(sets, columns, min_deadline, citations, summary)

    # ------------------------------------------------------------------ reading
    def citation(self, index: int) -> str | None:
        """The formal citation of passage ``index`` (None when the store has none)."""
        offsets = self.columns["citation_offsets"]
        text = bytes(self._citations[int(offsets[index]):int(offsets[index + 1])]).decode("utf-8")
        return text or None


def article_number(local_id: str) -> int:
    """The article a statute's sentence belongs to (art59.p1.s1 → 59), else 0."""
    match = _ARTICLE_ID.match(local_id)
    return int(match.group(1)) if match else 0


def document_of(sentence_iri: str) -> str:
    """The document id in a sentence's IRI (…/doc/guofa-2013-41/… → guofa-2013-41)."""
    match = re.search(r"/doc/([^/]+)/", sentence_iri)
    return match.group(1) if match else ""
