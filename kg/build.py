"""``policykg build``: corpus → structure → extraction → RDF → SHACL → store (+ indexes, model).

Everything is checked before anything is written: a broken corpus file or a SHACL violation
aborts the build and leaves the published library intact. One build runs per data folder
(:func:`kg.library.build_lock`); store, index and manifest are written into a new generation
that is published with one atomic switch, so a build killed at any moment leaves store and
index of the same generation.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from tqdm import tqdm

from kg import config, library
from kg.corpus import load
from kg.errors import ValidationError
from kg.extract import SentenceFacts, extract_document
from kg.extract.lexicon import default_lexicon
from kg.graph.build import addressee_agencies, document_triples, ontology_graph
from kg.graph.shacl import validate
from kg.graph.store import write_store
from kg.links import resolve_links
from kg.structure import ParsedDocument, parse


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


def extract_corpus(corpus: Path | None = None, *, progress: bool = True
                   ) -> list[tuple[ParsedDocument, list[SentenceFacts], Graph]]:
    """Parse and extract every document; raises on the first broken file."""
    sources = load(corpus or config.corpus_dir())
    lexicon = default_lexicon()
    results = []
    for source in tqdm(sources, desc="extract", unit="doc", disable=not progress):
        parsed = parse(source)
        facts = extract_document(parsed, lexicon, addressee_agencies(parsed, lexicon))
        results.append((parsed, facts, document_triples(parsed, facts, lexicon)))
    return results


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
          progress: bool = True, on_phase: Callable[[str], None] | None = None) -> BuildReport:
    """Build a new generation and publish it; ``on_phase`` hears each phase's name as it starts."""
    with library.build_lock() as data:
        library.clean_leftovers(data)
        return _build(data, corpus, with_index, with_model, progress, on_phase or (lambda phase: None))


def _build(data: Path, corpus: Path | None, with_index: bool, with_model: bool, progress: bool,
           on_phase: Callable[[str], None]) -> BuildReport:
    report = BuildReport()
    on_phase("extract")
    started = time.perf_counter()
    documents = extract_corpus(corpus, progress=progress)
    report.seconds["extract"] = time.perf_counter() - started

    on_phase("validate")
    started = time.perf_counter()
    ontology = ontology_graph()
    validate_documents(documents, ontology)
    links = resolve_links([g for _, _, g in documents], [p.meta for p, _, _ in documents], check=True)
    report.seconds["validate"] = time.perf_counter() - started

    if with_model:
        on_phase("model")
        started = time.perf_counter()
        from kg.embedding import ensure_model

        ensure_model(show_progress=progress)
        report.seconds["model"] = time.perf_counter() - started

    generation, staging = library.new_generation(data)
    try:
        on_phase("store")
        started = time.perf_counter()
        graphs = [ontology, *(graph for _, _, graph in documents), links]
        write_store(graphs, staging / "store", generation=generation)
        report.seconds["store"] = time.perf_counter() - started

        passages = None
        if with_index:
            on_phase("index")
            started = time.perf_counter()
            from kg.graph.store import GraphStore
            from kg.retrieval import build_indexes, load_passages

            store = GraphStore(staging / "store")
            build_indexes(progress=progress, store=store, target=staging / "index", generation=generation)
            passages = len(load_passages(store))
            report.seconds["index"] = time.perf_counter() - started

        on_phase("publish")
        fingerprint, files = library.corpus_fingerprint(
            [path for parsed, _, _ in documents for path in (parsed.meta.meta_path, parsed.meta.text_path)])
        library.write_manifest(staging, {
            "generation": generation,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "corpus_sha256": fingerprint,
            "files": files,
            "documents": [parsed.meta.id for parsed, _, _ in documents],
            "counts": {"graphs": len(graphs), "triples": sum(len(g) for g in graphs), "passages": passages,
                       "documents": len(documents)},
            "index": with_index,
            "model": config.model_spec() if with_index else None,
        })
        final = library.publish(generation, staging, data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    on_phase("done")
    report.store = final / "store"
    report.generation = generation
    report.documents = len(documents)
    for _, facts, graph in documents:
        report.sentences += len(facts)
        report.provisions += sum(f.is_provision for f in facts)
        report.quantities += sum(len(f.quantities) for f in facts)
        report.triples += len(graph)
    report.triples += len(ontology)
    return report
