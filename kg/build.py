"""``policykg build``: corpus → structure → extraction → RDF → SHACL → store (+ indexes, model).

Everything is checked before anything is written: a broken corpus file or a SHACL violation
aborts the build and leaves the published library intact. One build runs per data folder
(:func:`kg.library.build_lock`); store, index and manifest are written into a new generation
that is published with one atomic switch, so a build killed at any moment leaves store and
index of the same generation.

Builds are incremental (:mod:`kg.cache`): a document whose sidecar and text (and the code that
reads them) did not change is neither extracted nor validated again, and its passages are not
embedded again. Every build still writes a complete new generation — the store assembled from the
documents' canonical graphs, the index from their vectors — so what is published never depends on
the library's history: the manifest's ``digests`` equal those of a build from scratch.
:func:`add_document` and :func:`remove_document` edit the corpus folder and build, under one lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from kg import config, library
from kg.cache import (
    CACHE,
    BuildCache,
    DocumentEntry,
    atomic_write,
    batch_key,
    code_fingerprint,
    document_key,
    model_fingerprint,
)
from kg.corpus import SourceDocument, discover, load, read_meta, read_text
from kg.errors import CorpusError, PolicyKGError, ValidationError
from kg.graph.build import ONTOLOGY_GRAPH, ontology_graph
from kg.graph.shacl import validate, validate_ontology
from kg.graph.store import GraphStore, canonical_ntriples, write_store_ntriples
from kg.links import LINKS_GRAPH, resolve_links

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.extract import SentenceFacts
    from kg.extract.lexicon import Lexicon
    from kg.retrieval import Passage
    from kg.structure import ParsedDocument


@dataclass
class BuildReport:
    documents: int = 0
    sentences: int = 0
    provisions: int = 0
    quantities: int = 0
    triples: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    store: Path | None = None
    generation: str | None = None
    extracted: list[str] = field(default_factory=list)  # documents extracted and validated by this build
    reused: list[str] = field(default_factory=list)  # documents whose graph and SHACL result were cached
    embedded: int = 0  # passages embedded by this build
    reused_vectors: int = 0  # passages whose vectors were cached
    digests: dict[str, str] = field(default_factory=dict)  # store / index content, as in the manifest
    rejected: list[str] = field(default_factory=list)  # damaged cache files met (ignored and recomputed)


def extract_corpus(corpus: Path | None = None, *, progress: bool = True
                   ) -> list[tuple[ParsedDocument, list[SentenceFacts], Graph]]:
    """Parse and extract every document; raises on the first broken file."""
    from kg.extract.lexicon import default_lexicon

    sources = load(corpus or config.corpus_dir())
    lexicon = default_lexicon()
    return [_document_graph(source, lexicon)
            for source in tqdm(sources, desc="extract", unit="doc", disable=not progress)]


def _document_graph(source: SourceDocument, lexicon: Lexicon) -> tuple[ParsedDocument, list[SentenceFacts], Graph]:
    """One document parsed, its sentences' facts extracted, and its RDF graph."""
    from kg.extract import extract_document
    from kg.graph.build import addressee_agencies, document_triples
    from kg.structure import parse

    parsed = parse(source)
    facts = extract_document(parsed, lexicon, addressee_agencies(parsed, lexicon))
    return parsed, facts, document_triples(parsed, facts, lexicon)


def validate_documents(documents: list[tuple[ParsedDocument, list[SentenceFacts], Graph]],
                       ontology: Graph) -> None:
    """SHACL per document (its graph and the ontology); the first failing one is a one-line error."""
    for parsed, _, graph in documents:
        result = validate(graph, ontology)
        if not result.conforms:
            meta = parsed.meta
            raise ValidationError(f"{meta.meta_path}: document {meta.id} ({meta.text_path.name}) does not conform "
                                  f"to the SHACL shapes, {result.summary()}; the store was not changed")


def build(corpus: Path | None = None, *, with_index: bool = True, with_model: bool = True,
          progress: bool = True, on_phase: Callable[[str], None] | None = None,
          use_cache: bool = True, workers: int | None = None, scheduler: str | None = None) -> BuildReport:
    """Build a new generation and publish it; ``on_phase`` hears each phase's name as it starts.

    ``use_cache=False`` recomputes every document and vector (and refreshes the cache with them).
    ``workers`` extraction processes (default: one per core), or the Dask cluster whose scheduler is at
    ``scheduler`` (``tcp://HOST:PORT``, :mod:`kg.cluster`).
    """
    with library.build_lock() as data:
        library.clean_leftovers(data)
        return _build(data, corpus, with_index, with_model, progress, on_phase or _quiet, use_cache, workers,
                      scheduler)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def default_workers() -> int:
    """Extraction processes when none are asked for: the cores this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _extraction_resources() -> tuple[Lexicon, Graph]:
    """The lexicon and the ontology, made once per process (in each worker, once)."""
    from kg.extract.lexicon import default_lexicon

    return default_lexicon(), ontology_graph()


def extract_entry(job: tuple[SourceDocument, str]) -> DocumentEntry:
    """One document parsed, extracted, turned into RDF and validated: its cache entry (``job`` is the
    source and its cache key). Runs in a worker process; what it returns is small but the graph."""
    from kg.links import link_context

    source, key = job
    lexicon, ontology = _extraction_resources()
    _, facts, graph = _document_graph(source, lexicon)
    result = validate(graph, ontology)
    counts = {"sentences": len(facts), "provisions": sum(f.is_provision for f in facts),
              "quantities": sum(len(f.quantities) for f in facts), "triples": len(graph)}
    return DocumentEntry(key=key, doc_id=source.meta.id, graph=str(graph.identifier),
                         ntriples=canonical_ntriples(graph), conforms=result.conforms,
                         shacl_summary="" if result.conforms else result.summary(), counts=counts,
                         context=canonical_ntriples(link_context(graph)))


#: Below this many documents to extract, worker processes cost more to start than they save.
_POOL_FROM = 4


def _extracted(jobs: list[tuple[SourceDocument, str]], workers: int) -> Iterator[DocumentEntry]:
    """Entries as the documents finish, from ``workers`` processes (in this one for a few documents).

    Workers come from a fork server, not from this process: they hold none of its open files (the
    build lock among them) and start with the NLP stack already imported once.
    """
    if workers <= 1 or len(jobs) < _POOL_FROM:
        yield from map(extract_entry, jobs)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.build", "kg.extract", "kg.graph.shacl", "kg.links", "kg.structure"])
    with context.Pool(min(workers, len(jobs))) as pool:
        yield from pool.imap_unordered(extract_entry, jobs)


def _passage_vectors(passages: list[Passage], keys: dict[str, str], cache: BuildCache, progress: bool,
                     report: BuildReport) -> np.ndarray:
    """The passages' vectors: cached batches reused whole, the others embedded (the model is loaded only then)."""
    from kg.retrieval import document_texts, embedding_batches

    if not config.encoder_backend().dense:
        return np.zeros((len(passages), 0), np.float32)  # a lexical index: BM25 and the graph's features
    model = model_fingerprint(config.model_spec())
    pool = cache.batches(model)
    plan = {doc: [(batch_key(batch), batch) for batch in embedding_batches(texts)]
            for doc, texts in document_texts(passages).items()}
    missing = {key: batch for batches in plan.values() for key, batch in batches if key not in pool}
    if missing:
        from kg.embedding import embed_passages, load_encoder

        encoder = load_encoder()
        for key, batch in tqdm(missing.items(), desc="embed", unit="batch", disable=not progress):
            pool[key] = embed_passages(encoder, batch)
    fresh = {(doc, text) for doc, batches in plan.items() for key, batch in batches if key in missing
             for text in batch}
    report.embedded = sum(len(batch) for batch in missing.values())  # texts the model saw
    report.reused_vectors = sum((p.doc_id, p.context_text) not in fresh for p in passages)
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for doc, batches in plan.items():
        if any(key in missing for key, _ in batches) or not cache.has_vectors(model, keys[doc]):
            cache.put_vectors(model, keys[doc], [(key, pool[key]) for key, _ in batches])
        for key, batch in batches:
            vectors.update(zip(((doc, text) for text in batch), pool[key], strict=True))
    rows = [vectors[passage.doc_id, passage.context_text] for passage in passages]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 384), np.float32)


def _build(data: Path, corpus: Path | None, with_index: bool, with_model: bool, progress: bool,
           on_phase: Callable[[str], None], use_cache: bool = True, workers: int | None = None,
           scheduler: str | None = None) -> BuildReport:
    report = BuildReport()
    cache = BuildCache(data / CACHE, read=use_cache)
    fingerprint = code_fingerprint()
    on_phase("extract")
    started = time.perf_counter()
    sources = load(corpus or config.corpus_dir())  # every file is read and checked, cached or not
    keys = {s.meta.id: document_key(_sha256(s.meta.meta_path), _sha256(s.meta.text_path), fingerprint)
            for s in sources}
    entries: dict[str, DocumentEntry] = {}  # slim: a build never holds the documents' graphs together
    for source in sources:
        entry = cache.document(keys[source.meta.id])
        if entry is not None and entry.doc_id == source.meta.id:
            entries[source.meta.id] = entry.slim()
            report.reused.append(source.meta.id)
    jobs = [(source, keys[source.meta.id]) for source in sources if source.meta.id not in entries]

    ontology_nt = cache.ontology(fingerprint)
    if ontology_nt is None:  # the ontology changed (or the cache is new): check it on its own, once
        ontology = ontology_graph()
        checked = validate_ontology(ontology)
        if not checked.conforms:
            raise ValidationError(f"the ontology ({config.ONTOLOGY_DIR}) does not conform to the SHACL shapes, "
                                  f"{checked.summary()}; the store was not changed")
        ontology_nt = canonical_ntriples(ontology)

    # Each document is extracted and validated in a worker; its entry goes to the cache as it comes
    # (a failing SHACL result too: the next build repeats it at once without extracting again).
    if scheduler and jobs:
        from kg.cluster import extracted_on_cluster

        finished = extracted_on_cluster(jobs, scheduler)
    else:
        finished = _extracted(jobs, workers or default_workers())
    for entry in tqdm(finished, total=len(jobs), desc="extract",
                      unit="doc", disable=not progress):
        cache.put_document(entry)
        entries[entry.doc_id] = entry.slim()
        report.extracted.append(entry.doc_id)
    report.extracted.sort(key=[source.meta.id for source in sources].index)
    report.seconds["extract"] = time.perf_counter() - started

    on_phase("validate")
    started = time.perf_counter()
    cache.put_ontology(fingerprint, ontology_nt)
    ordered = [entries[source.meta.id] for source in sources]
    for source, entry in zip(sources, ordered, strict=True):
        if not entry.conforms:
            meta = source.meta
            raise ValidationError(f"{meta.meta_path}: document {meta.id} ({meta.text_path.name}) does not conform "
                                  f"to the SHACL shapes, {entry.shacl_summary}; the store was not changed")
    # Links cross documents: re-derived on each build from every document's link context (a changed document
    # may gain or lose a citation, an added one may be cited), so they are always those of the library as built.
    contexts = [_context_of(entry) for entry in ordered]
    links_nt = canonical_ntriples(resolve_links(contexts, [source.meta for source in sources], check=True))
    del contexts
    report.seconds["validate"] = time.perf_counter() - started

    if with_model and config.encoder_backend().dense:
        on_phase("model")
        started = time.perf_counter()
        from kg.embedding import ensure_model

        ensure_model(show_progress=progress)
        report.seconds["model"] = time.perf_counter() - started

    ontology_triples = ontology_nt.count(b"\n")
    triples = ontology_triples + sum(entry.counts["triples"] for entry in ordered) + links_nt.count(b"\n")
    generation, staging = library.new_generation(data)
    try:
        on_phase("store")
        started = time.perf_counter()
        # Each document's graph is read from the cache as the store takes it: one at a time in memory.
        graphs = itertools.chain([(str(ONTOLOGY_GRAPH), ontology_nt)],
                                 ((entry.graph, cache.graph_ntriples(entry)) for entry in ordered),
                                 [(str(LINKS_GRAPH), links_nt)])
        write_store_ntriples(graphs, staging / "store", generation=generation)
        store = GraphStore(staging / "store")
        report.digests["store"] = store.digest()
        report.seconds["store"] = time.perf_counter() - started

        passages = None
        if with_index:
            on_phase("index")
            started = time.perf_counter()
            from kg.retrieval import index_digest, load_passages, write_index

            found = load_passages(store)
            matrix = _passage_vectors(found, keys, cache, progress, report)
            write_index(found, matrix, staging / "index", generation=generation, store=store,
                        encoder=config.encoder_backend())
            report.digests["index"] = index_digest(found, matrix)
            passages = len(found)
            report.seconds["index"] = time.perf_counter() - started

        on_phase("publish")
        corpus_sha256, files = library.corpus_fingerprint(
            [path for source in sources for path in (source.meta.meta_path, source.meta.text_path)])
        library.write_manifest(staging, {
            "generation": generation,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "corpus_sha256": corpus_sha256,
            "files": files,
            "documents": [source.meta.id for source in sources],
            "counts": {"graphs": len(ordered) + 2, "triples": triples, "passages": passages,
                       "documents": len(sources)},
            "digests": report.digests,
            "index": with_index,
            "model": config.model_spec() if with_index and config.encoder_backend().dense else None,
            "encoder": config.encoder_backend().value if with_index else None,
        })
        final = library.publish(generation, staging, data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # Only once published: a build that fails keeps everything the previous corpus used.
    cache.prune(keys.values(), fingerprint, model_fingerprint(config.model_spec()) if with_index else None)
    on_phase("done")
    report.rejected = [str(path) for path in cache.rejected]
    report.store = final / "store"
    report.generation = generation
    report.documents = len(sources)
    report.sentences = sum(entry.counts["sentences"] for entry in ordered)
    report.provisions = sum(entry.counts["provisions"] for entry in ordered)
    report.quantities = sum(entry.counts["quantities"] for entry in ordered)
    report.triples = triples
    return report


def add_document(text: Path, sidecar: Path, corpus: Path | None = None, *, with_index: bool = True,
                 with_model: bool = True, progress: bool = True, on_phase: Callable[[str], None] | None = None,
                 use_cache: bool = True, workers: int | None = None,
                 scheduler: str | None = None) -> tuple[list[Path], BuildReport]:
    """Copy a text and its sidecar into the corpus folder and build; returns the files written and the report.

    Refused (CorpusError, nothing written) when the sidecar is invalid, the text unreadable, or the
    id or a file name is already in the corpus. If the build fails, both files are taken out again.
    The sidecar is copied byte for byte as ``<id>.meta.json``, the text under the name its ``text``
    field gives.
    """
    corpus = Path(corpus or config.corpus_dir())
    meta = read_meta(sidecar)
    name = Path(meta.text_path).name
    if str(_sidecar_field(sidecar, "text")) != name or name.startswith(".") or meta.text_path.suffix not in (
            ".txt", ".md"):
        raise CorpusError(sidecar, f"text {_sidecar_field(sidecar, 'text')!r} must be a plain file name ending "
                                   "in .txt or .md")
    read_text(text)  # the checks a build makes, before anything is copied
    with library.build_lock() as data:
        if not corpus.is_dir():
            raise CorpusError(corpus, "corpus folder does not exist")
        for known in discover(corpus) if any(corpus.glob("*.meta.json")) else []:
            if known.id == meta.id:
                raise CorpusError(sidecar, f"id {meta.id!r} is already in the corpus ({known.meta_path}); "
                                           f"`policykg remove {meta.id}` first to replace it")
        targets = [corpus / name, corpus / f"{meta.id}.meta.json"]
        for target in targets:
            if target.exists() or target.is_symlink():
                raise CorpusError(target, f"already exists; {meta.id} was not added")
        written: list[Path] = []
        try:
            # The text first: a sidecar in the corpus never names a missing text, even after a kill.
            for source, target in zip((text, sidecar), targets, strict=True):
                atomic_write(target, source.read_bytes())
                written.append(target)
            library.clean_leftovers(data)
            report = _build(data, corpus, with_index, with_model, progress, on_phase or _quiet, use_cache,
                            workers, scheduler)
        except BaseException as exc:
            for path in reversed(written):
                path.unlink(missing_ok=True)
            _note(exc, f"{meta.id} was not added")
            raise
    return written, report


def remove_document(doc_id: str, corpus: Path | None = None, *, with_index: bool = True, with_model: bool = True,
                    progress: bool = True, on_phase: Callable[[str], None] | None = None,
                    use_cache: bool = True, workers: int | None = None,
                    scheduler: str | None = None) -> tuple[list[Path], BuildReport]:
    """Delete a document's sidecar and text from the corpus folder and build; returns the files removed
    and the report. If the build fails, the files are put back."""
    corpus = Path(corpus or config.corpus_dir())
    with library.build_lock() as data:
        metas = discover(corpus)
        found = [meta for meta in metas if meta.id == doc_id]
        if not found:
            raise CorpusError(corpus, f"no document with id {doc_id!r} (the corpus has "
                                      f"{', '.join(meta.id for meta in metas)})")
        meta = found[0]
        if len(metas) == 1:
            raise CorpusError(meta.meta_path, f"{doc_id} is the only document; a library needs at least one")
        shared = any(other.text_path == meta.text_path for other in metas if other is not meta)
        # The sidecar first: a kill in between leaves a text without sidecar, which the next build names.
        paths = [meta.meta_path] + ([] if shared else [meta.text_path])
        saved = {path: path.read_bytes() for path in paths}
        removed: list[Path] = []
        try:
            for path in paths:
                path.unlink()
                removed.append(path)
            library.clean_leftovers(data)
            report = _build(data, corpus, with_index, with_model, progress, on_phase or _quiet, use_cache,
                            workers, scheduler)
        except BaseException as exc:
            for path in reversed(removed):
                atomic_write(path, saved[path])
            _note(exc, f"{doc_id} was not removed")
            raise
    return removed, report


def _quiet(phase: str) -> None:
    """The default on_phase: nobody is listening."""


def _note(exc: BaseException, note: str) -> None:
    """Say in a PolicyKGError's one line that the corpus edit was undone."""
    if isinstance(exc, PolicyKGError) and exc.args:
        exc.args = (f"{exc.args[0]} ({note})", *exc.args[1:])


def _sidecar_field(sidecar: Path, name: str) -> object:
    """A field of a sidecar read_meta() has accepted (it keeps the text only as a resolved path)."""
    return json.loads(sidecar.read_bytes().decode("utf-8-sig")).get(name)


def _context_of(entry: DocumentEntry) -> Graph:
    """A document's link context, read back from its canonical N-Triples."""
    from rdflib import Graph, URIRef

    return Graph(identifier=URIRef(entry.graph)).parse(data=entry.context, format="nt")
