"""Hybrid retrieval over sentence-level passages: BM25 on jieba tokens + dense e5 embeddings.

Passages are the citable sentences of the graph (not headings or signatures).
A paragraph's lead phrase ("电解铝。", "严禁建设新增产能项目。") is context for
every sentence under it, so it is added to the sentence's tokens and to the
text that is embedded — a question about 船舶 finds the 船舶 paragraph.

The index is derived from the store (``queries/sentences.rq``) and written
atomically to the index folder: ``passages.json`` and ``embeddings.npy``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi
from tqdm import tqdm

from kg import config
from kg.errors import StoreError
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, open_store, rows
from kg.queries import get

INDEX_ROLES = ("lead", "body")
_PUNCT = re.compile(r"^[\W_]+$")


@dataclass(frozen=True)
class Passage:
    id: str
    doc_id: str
    local_id: str
    label: str
    text: str
    section: str
    lead: str
    role: str
    modality: str
    order: int
    paragraph: str

    @property
    def heading(self) -> str:
        """The innermost section title ("（三）主要目标"): context a question may use."""
        parts = self.section.split(" › ")
        titles = [t for t in parts if t != self.lead]
        return re.sub(r"^[（(][^）)]*[）)]|^[一二三四五六七八九十]+、", "", titles[-1]) if titles else ""

    @property
    def context_text(self) -> str:
        """The sentence with its lead phrase, as embedded and shown for context."""
        if self.lead and self.role != "lead" and self.lead not in self.text:
            return f"{self.lead}：{self.text}"
        return self.text


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("kg.resources").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def analyse_tokens(text: str) -> list[str]:
    from kg.extract.pipeline import tokens

    stop = stopwords()
    return [t.lower() for t in tokens(text) if t not in stop and not _PUNCT.match(t)]


def load_passages(store: GraphStore | None = None) -> list[Passage]:
    store = store or open_store()
    passages = []
    from kg.extract.lexicon import default_lexicon

    labels = set(default_lexicon().zh_forms)
    for row in rows(store.query(get("sentences").text)):
        if row["role"] not in INDEX_ROLES:
            continue
        if row["role"] == "lead" and str(row["text"]).rstrip("。") in labels:
            continue  # "电解铝。" only names the paragraph; its sentences carry it as context
        passages.append(Passage(
            id=citation_id(str(row["docId"]), str(row["cite"])),
            doc_id=str(row["docId"]),
            local_id=str(row["cite"]),
            label=str(row["label"]),
            text=str(row["text"]),
            section=str(row["section"]),
            lead=str(row["lead"] or ""),
            role=str(row["role"]),
            modality=str(row["modality"] or ""),
            order=int(row["order"]),
            paragraph=str(row["paragraph"]),
        ))
    return passages


def build_indexes(*, progress: bool = True, store: GraphStore | None = None, model_spec: str | None = None) -> Path:
    """Embed every passage and write the index folder atomically."""
    from kg.embedding import embed_passages, load_encoder

    passages = load_passages(store)
    encoder = load_encoder(model_spec)
    texts = [p.context_text for p in passages]
    batches = [texts[i: i + 32] for i in range(0, len(texts), 32)]
    vectors = [embed_passages(encoder, batch) for batch in tqdm(batches, desc="embed", unit="batch",
                                                                 disable=not progress)]
    matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 384), np.float32)
    target = config.index_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-new-", dir=target.parent))
    try:
        (staging / "passages.json").write_text(
            json.dumps({"model": model_spec or config.model_spec(), "passages": [asdict(p) for p in passages]},
                       ensure_ascii=False), encoding="utf-8")
        np.save(staging / "embeddings.npy", matrix)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class SentenceIndex:
    """BM25 and dense scores over the passages of one built index."""

    def __init__(self, passages: list[Passage], embeddings: np.ndarray | None) -> None:
        self.passages = passages
        self.embeddings = embeddings
        self.position = {p.id: i for i, p in enumerate(passages)}
        corpus = [analyse_tokens(p.text) + analyse_tokens(p.lead) + analyse_tokens(p.heading) for p in passages]
        self.vocabulary = {t for doc in corpus for t in doc}
        self.bm25 = BM25Okapi(corpus) if corpus else None

    @classmethod
    def load(cls, directory: Path | None = None) -> SentenceIndex:
        directory = directory or config.index_dir()
        try:
            data = json.loads((directory / "passages.json").read_text(encoding="utf-8"))
            embeddings = np.load(directory / "embeddings.npy")
        except (OSError, ValueError) as exc:
            raise StoreError(f"no retrieval index at {directory}: run `policykg build` ({exc})") from None
        passages = [Passage(**p) for p in data["passages"]]
        if len(passages) != len(embeddings):
            raise StoreError(f"index at {directory} is inconsistent: rebuild with `policykg build`")
        return cls(passages, embeddings)

    def bm25_scores(self, query_tokens: list[str]) -> np.ndarray:
        if self.bm25 is None or not query_tokens:
            return np.zeros(len(self.passages))
        return np.asarray(self.bm25.get_scores(query_tokens))

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        if self.embeddings is None or not len(self.embeddings):
            return np.zeros(len(self.passages))
        return self.embeddings @ query_vector.astype(np.float32)


def reciprocal_rank_fusion(rankings: list[np.ndarray], size: int, weights: list[float] | None = None,
                           k: int = 60) -> np.ndarray:
    """Fuse rankings (arrays of passage indices, best first; may be partial) into one score per passage.

    >>> reciprocal_rank_fusion([np.array([2, 0]), np.array([0, 1, 2])], size=3).round(4).tolist()
    [0.0325, 0.0161, 0.0323]
    """
    fused = np.zeros(size)
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, index in enumerate(ranking):
            fused[index] += weight / (k + rank + 1)
    return fused
