"""Hybrid retrieval over sentence-level passages: BM25 on jieba tokens + dense e5 embeddings.

Passages are the citable sentences of the graph (not headings or signatures).
A paragraph's lead phrase ("电解铝。", "严禁建设新增产能项目。") is context for
every sentence under it, so it is added to the sentence's tokens and to the
text that is embedded — a question about 船舶 finds the 船舶 paragraph.

The index is derived from the store (``queries/sentences.rq``) and written into the
build's generation beside the store: ``passages.json`` (with the generation id and the encoder
backend that embedded it), ``embeddings.npy`` and ``bm25/`` (a bm25s sparse score matrix over our own
tokens, see :func:`build_bm25`). Loading checks the files, the generation's manifest and that queries will
be embedded by the same backend (POLICYKG_ENCODER); the BM25 arrays are memory-mapped, so opening the index
costs the same at 3 000 and at 350 000 sentences.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from tqdm import tqdm

from kg import config
from kg.config import EncoderBackend
from kg.errors import StoreError
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, open_store, select_rows
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
    from kg.extract.tokens import tokens

    stop = stopwords()
    return [t.lower() for t in tokens(text) if t not in stop and not _PUNCT.match(t)]


def passage_tokens(passage: Passage) -> list[str]:
    """What BM25 indexes for a passage: its sentence, its paragraph's lead phrase and its heading."""
    return analyse_tokens(passage.text) + analyse_tokens(passage.lead) + analyse_tokens(passage.heading)


# ---------------------------------------------------------------------------------------------- BM25
#: The folder of the BM25 index inside the index folder (bm25s's own file layout).
BM25_DIR = "bm25"
BM25_FILES = ("params.index.json", "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy",
              "indptr.csc.index.npy")
#: Okapi BM25 as rank_bm25's BM25Okapi scored it before: tf·(k1+1)/(tf + k1·(1−b+b·|d|/avgdl)) is bm25s's
#: "atire" term-frequency part, log((N−df+0.5)/(df+0.5)) its "robertson" idf. One difference: a token in
#: more than half of all passages scores 0 here, where BM25Okapi gave it 0.25 × the mean idf (no token of
#: the library is that common; tests/test_retrieval.py holds both to the same ranking).
BM25_PARAMS = {"k1": 1.5, "b": 0.75, "method": "atire", "idf_method": "robertson", "dtype": "float32"}


def _bm25s_index(corpus: list[list[str]]):
    """A bm25s retriever over ``corpus`` (one token list per passage), not saved.

    Token ids are given in sorted token order so that the same passages always write the same files
    (bm25s would number them in set order, which changes with the hash seed).
    """
    import bm25s
    from bm25s.tokenization import Tokenized

    vocab = {token: i for i, token in enumerate(sorted({t for doc in corpus for t in doc}))}
    retriever = bm25s.BM25(**BM25_PARAMS)
    with warnings.catch_warnings():
        if not vocab:  # no passage has a token: bm25s's mean length is 0/0, and there is nothing to score
            warnings.simplefilter("ignore", RuntimeWarning)
        retriever.index(Tokenized(ids=[[vocab[t] for t in doc] for doc in corpus], vocab=vocab),
                        create_empty_token=False, show_progress=False)
    return retriever


def build_bm25(corpus: list[list[str]], folder: Path) -> Path:
    """Index ``corpus`` (one token list per passage) with bm25s and save it into ``folder``."""
    _bm25s_index(corpus).save(folder, show_progress=False)
    return folder


class Bm25Index:
    """A bm25s score matrix (passages × tokens, compressed by token): per question, one column sum per token.

    bm25s builds and saves it; reading it back needs numpy alone (the sum is bm25s's own
    ``_compute_relevance_from_scores``), so that asking does not import bm25s and scipy.
    """

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 passages: int) -> None:
        self.vocab = vocab
        self.data, self.indices, self.indptr = data, indices, indptr
        self.size = passages

    @classmethod
    def from_tokens(cls, corpus: list[list[str]]) -> Bm25Index:
        """Index in memory (what a build saves, without the files)."""
        retriever = _bm25s_index(corpus)
        matrix = retriever.scores
        return cls(retriever.vocab_dict, matrix["data"], matrix["indices"], matrix["indptr"], len(corpus))

    @classmethod
    def load(cls, folder: Path, passages: int) -> Bm25Index:
        """The index saved in ``folder``, its arrays memory-mapped; refused (StoreError) if missing, damaged,
        built with other parameters or for another number of passages."""
        if not all((folder / name).is_file() for name in BM25_FILES):
            raise StoreError(f"no BM25 index at {folder}: run `policykg build`")
        try:
            params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
            vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
            data, indices, indptr = (np.load(folder / name, mmap_mode="r", allow_pickle=False)
                                     for name in BM25_FILES[2:])
        except (OSError, ValueError, RecursionError, EOFError) as exc:
            raise StoreError(f"the BM25 index at {folder} is damaged ({type(exc).__name__}): "
                             "run `policykg build`") from None
        if not isinstance(params, dict) or {k: params.get(k) for k in BM25_PARAMS} != BM25_PARAMS:
            raise StoreError(f"the BM25 index at {folder} was built with other parameters: run `policykg build`")
        if (not isinstance(vocab, dict) or params.get("num_docs") != passages or indptr.ndim != 1
                or len(indptr) != len(vocab) + 1 or len(data) != len(indices) or int(indptr[-1]) != len(data)
                or data.dtype != np.float32 or indices.dtype.kind != "i" or indptr.dtype.kind != "i"):
            raise StoreError(f"the BM25 index at {folder} does not fit its {passages} passages: "
                             "run `policykg build`")
        return cls(vocab, data, indices, indptr, passages)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage; a token repeated in the query counts each time, unknown tokens 0."""
        scores = np.zeros(self.size, dtype=np.float32)
        for token in query_tokens:
            column = self.vocab.get(token)
            if column is not None:
                start, end = int(self.indptr[column]), int(self.indptr[column + 1])
                np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores


def load_passages(store: GraphStore | None = None) -> list[Passage]:
    store = store or open_store()
    passages = []
    from kg.extract.lexicon import default_lexicon

    labels = set(default_lexicon().zh_forms)
    for row in select_rows(store, get("sentences").text):
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


def build_indexes(*, progress: bool = True, store: GraphStore | None = None, model_spec: str | None = None,
                  target: Path | None = None, generation: str | None = None) -> Path:
    """Embed every passage and write the index folder (a build writes it into its new generation).

    The build itself goes through :mod:`kg.cache`, which embeds only batches it has not embedded before.
    """
    from kg.embedding import embed_passages, encoder_backend_of, load_encoder

    passages = load_passages(store)
    encoder = load_encoder(model_spec)
    batches = [(doc, batch) for doc, texts in document_texts(passages).items() for batch in embedding_batches(texts)]
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for doc, batch in tqdm(batches, desc="embed", unit="batch", disable=not progress):
        vectors.update(zip(((doc, text) for text in batch), embed_passages(encoder, batch), strict=True))
    rows = [vectors[p.doc_id, p.context_text] for p in passages]
    matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 384), np.float32)
    return write_index(passages, matrix, target, model_spec=model_spec, generation=generation, store=store,
                       encoder=encoder_backend_of(encoder))


#: Batches are cut after a text whose hash is 0 modulo this (16 texts on average), or at BATCH_MOST texts.
BATCH_CUT = 16
BATCH_MOST = 32


def document_texts(passages: list[Passage]) -> dict[str, list[str]]:
    """The texts to embed, per document, in passage order (``context_text``: the sentence with its lead)."""
    texts: dict[str, list[str]] = {}
    for passage in passages:
        texts.setdefault(passage.doc_id, []).append(passage.context_text)
    return texts


def embedding_batches(texts: list[str]) -> list[list[str]]:
    """One document's distinct texts cut into the batches they are embedded in, by content.

    A vector depends in its last bits on the other texts of its batch (padding, matrix shapes), so
    batches are not every 32 texts: the texts are sorted by length (little padding: half the time
    of batches in document order) and cut after each text whose own hash says so. Adding, editing or
    removing a sentence changes the one batch it sorts into, every other batch keeps its texts, and
    a cached batch can be reused whole with exactly the vectors a build from scratch computes.
    Batches never span documents.
    """
    batches: list[list[str]] = []
    current: list[str] = []
    for text in sorted(set(texts), key=lambda text: (len(text), text)):
        current.append(text)
        cut = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") % BATCH_CUT == 0
        if cut or len(current) == BATCH_MOST:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


def write_index(passages: list[Passage], matrix: np.ndarray, target: Path | None = None, *,
                model_spec: str | None = None, generation: str | None = None, store: GraphStore | None = None,
                encoder: EncoderBackend | None = None) -> Path:
    """Write passages.json, embeddings.npy, bm25/ and features/ (what the answerer knows of each passage,
    read from ``store``: :mod:`kg.answer.features`) into a fresh folder and swap it in as ``target``.

    ``encoder`` is the backend that embedded ``matrix`` (default: the configured one).
    """
    from kg.answer.features import FEATURES_DIR, PassageFeatures

    target = target or config.index_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-new-", dir=target.parent))
    try:
        (staging / "passages.json").write_text(
            json.dumps({"model": model_spec or config.model_spec(), "generation": generation,
                        "encoder": (encoder or config.encoder_backend()).value,
                        "passages": [asdict(p) for p in passages]}, ensure_ascii=False), encoding="utf-8")
        np.save(staging / "embeddings.npy", matrix)
        build_bm25([passage_tokens(p) for p in passages], staging / BM25_DIR)
        PassageFeatures.compute(store or open_store(), passages).save(staging / FEATURES_DIR)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def index_digest(passages: list[Passage], matrix: np.ndarray) -> str:
    """SHA-256 of the passages (every field, in order) and the vectors' bytes; the generation id is left out."""
    digest = hashlib.sha256()
    digest.update(json.dumps([asdict(p) for p in passages], ensure_ascii=False, sort_keys=True).encode("utf-8"))
    digest.update(f"\0{matrix.shape}\0".encode("ascii"))
    digest.update(np.ascontiguousarray(matrix, dtype="<f4").tobytes())
    return digest.hexdigest()


def _read_index(directory: Path) -> tuple[list[Passage], np.ndarray, object, EncoderBackend]:
    """Passages, embeddings, generation and encoder backend of an index folder (indexes written before
    backends were recorded are torch's); any damage is one StoreError naming the file."""
    passages_file, embeddings_file = directory / "passages.json", directory / "embeddings.npy"
    if not passages_file.is_file() or not embeddings_file.is_file():
        raise StoreError(f"no retrieval index at {directory}: run `policykg build`")
    try:
        data = json.loads(passages_file.read_text(encoding="utf-8"))
        passages = [Passage(**p) for p in data["passages"]]
        encoder = EncoderBackend(data.get("encoder", EncoderBackend.TORCH.value))
    except (OSError, ValueError, RecursionError, KeyError, TypeError) as exc:
        raise StoreError(f"{passages_file} is damaged ({type(exc).__name__}): run `policykg build`") from None
    try:
        embeddings = np.load(embeddings_file, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise StoreError(f"{embeddings_file} is damaged ({type(exc).__name__}): run `policykg build`") from None
    if embeddings.ndim != 2 or embeddings.dtype.kind != "f" or len(passages) != len(embeddings):
        raise StoreError(f"{embeddings_file} has shape {embeddings.shape} for {len(passages)} passages: "
                         "run `policykg build`")
    if (embeddings.shape[1] > 0) != encoder.dense:
        raise StoreError(f"{embeddings_file} has {embeddings.shape[1]} dimensions for the {encoder} encoder: "
                         "run `policykg build`")
    if len(embeddings) and not np.isfinite(embeddings).all():
        raise StoreError(f"{embeddings_file} holds non-numbers: run `policykg build`")
    return passages, embeddings.astype(np.float32, copy=False), data.get("generation"), encoder


class SentenceIndex:
    """BM25 and dense scores over the passages of one built index."""

    def __init__(self, passages: list[Passage], embeddings: np.ndarray | None, bm25: Bm25Index | None = None,
                 ) -> None:
        """``bm25`` is the saved index of these passages (:meth:`load`); without it, one is built in memory."""
        self.passages = passages
        self.embeddings = embeddings
        self.directory: Path | None = None  # the folder it was loaded from, which holds the passage features
        if bm25 is None and passages:
            bm25 = Bm25Index.from_tokens([passage_tokens(p) for p in passages])
        self.bm25 = bm25

    @classmethod
    def load(cls, directory: Path | None = None, *, query_encoder: EncoderBackend | None = None) -> SentenceIndex:
        """Load an index that queries of ``query_encoder`` (default: POLICYKG_ENCODER if set, else the index's
        own backend) may search; EncoderMismatchError if its passages were embedded by another backend."""
        from kg.embedding import check_encoder
        from kg.library import verify_index

        directory = directory or config.index_dir()
        passages, embeddings, generation, encoder = _read_index(directory)
        verify_index(directory, generation, len(passages))
        check_encoder(encoder, query_encoder or config.requested_encoder_backend() or encoder, directory)
        index = cls(passages, embeddings, Bm25Index.load(directory / BM25_DIR, len(passages)))
        index.generation = generation
        index.encoder = encoder
        index.directory = directory
        return index

    def bm25_scores(self, query_tokens: list[str]) -> np.ndarray:
        if self.bm25 is None or not query_tokens:
            return np.zeros(len(self.passages))
        return self.bm25.scores(query_tokens).astype(np.float64)

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        if self.embeddings is None or not self.embeddings.size:  # no passages, or a lexical index
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
        ranking = np.asarray(ranking, dtype=np.intp)  # each passage at most once in a ranking
        fused[ranking] += weight / (k + np.arange(1, len(ranking) + 1, dtype=np.float64))
    return fused
