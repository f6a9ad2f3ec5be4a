"""``policykg build``: corpus → structure → extraction → RDF → SHACL → store (+ indexes, model).

Everything is checked before anything is written: a broken corpus file or a
SHACL violation aborts the build and leaves the previous store intact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from tqdm import tqdm

from kg import config
from kg.corpus import load
from kg.errors import ValidationError
from kg.extract import SentenceFacts, extract_document
from kg.extract.lexicon import default_lexicon
from kg.graph.build import addressee_agencies, document_triples, ontology_graph
from kg.graph.shacl import validate
from kg.graph.store import write_store
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


def build(corpus: Path | None = None, *, with_index: bool = True, with_model: bool = True,
          progress: bool = True) -> BuildReport:
    report = BuildReport()
    started = time.perf_counter()
    documents = extract_corpus(corpus, progress=progress)
    report.seconds["extract"] = time.perf_counter() - started

    started = time.perf_counter()
    ontology = ontology_graph()
    data = Graph()
    for _, _, graph in documents:
        data += graph
    result = validate(data, ontology)
    report.seconds["validate"] = time.perf_counter() - started
    if not result.conforms:
        raise ValidationError(f"SHACL: {result.violations} violation(s); the store was not changed\n{result.text}")

    started = time.perf_counter()
    report.store = write_store([ontology, *(graph for _, _, graph in documents)])
    report.seconds["store"] = time.perf_counter() - started

    report.documents = len(documents)
    for _, facts, graph in documents:
        report.sentences += len(facts)
        report.provisions += sum(f.is_provision for f in facts)
        report.quantities += sum(len(f.quantities) for f in facts)
        report.triples += len(graph)
    report.triples += len(ontology)

    if with_model:
        started = time.perf_counter()
        from kg.embedding import ensure_model

        ensure_model(show_progress=progress)
        report.seconds["model"] = time.perf_counter() - started
    if with_index:
        started = time.perf_counter()
        from kg.retrieval import build_indexes

        build_indexes(progress=progress)
        report.seconds["index"] = time.perf_counter() - started
    return report
