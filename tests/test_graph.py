"""The RDF graph: SHACL, provenance of every fact, offsets, reproducible builds, store, exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import CORPUS, DOC, LIBRARY, PROJECT, squash
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.build import extract_corpus
from kg.corpus import discover
from kg.graph.build import node_iri, ontology_graph
from kg.graph.export import export, to_networkx
from kg.graph.shacl import validate, validate_ontology, validate_with_rdfs
from kg.graph.store import GraphStore, rows, write_store
from kg.vocab import PKG, PROV


@pytest.fixture(scope="module")
def extracted(library_extracted):
    """The shipped library, extracted once per session."""
    assert tuple(parsed.meta.id for parsed, _, _ in library_extracted) == LIBRARY
    return library_extracted


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


@pytest.fixture(scope="module")
def data(extracted) -> Graph:
    graph = Graph()
    for _, _, document in extracted:
        graph += document
    return graph


@pytest.fixture(scope="module")
def fresh_store(tmp_path_factory, extracted, ontology) -> GraphStore:
    """A store written in this process from extract_corpus, no model and no index."""
    path = write_store([ontology, *(g for _, _, g in extracted)], tmp_path_factory.mktemp("rebuild-a") / "store")
    return GraphStore(path)


# ------------------------------------------------------------------ SHACL
def test_built_graph_conforms(data, ontology) -> None:
    report = validate(data, ontology)
    assert report.conforms, report.text
    assert report.violations == 0


def test_broken_graph_does_not_conform(extracted, ontology) -> None:
    """Three defects in the seed's graph (one validation run): each is reported on its own node."""
    broken = Graph()
    broken += next(graph for parsed, _, graph in extracted if parsed.meta.id == DOC)
    sentence = node_iri(DOC, "4.p4.s2")
    assert len(list(broken.objects(sentence, PKG.text))) == 1
    broken.remove((sentence, PKG.text, None))  # a sentence without its text
    provision = URIRef(str(node_iri(DOC, "4.p4.s3")) + "/provision")
    assert (provision, PKG.modality, Literal("prohibition")) in broken
    broken.set((provision, PKG.modality, Literal("forbidden")))  # a modality outside the closed list
    quantity = URIRef(str(node_iri(DOC, "3.3.p1.s2")) + "/q1")
    assert (quantity, RDF.type, PKG.Quantity) in broken
    broken.remove((quantity, PROV.wasDerivedFrom, None))  # a fact without provenance
    report = validate(broken, ontology)
    assert not report.conforms
    assert report.violations == 3
    for node in (sentence, provision, quantity):
        assert f"<{node}>" in report.text or str(node) in report.text, node


def test_validate_agrees_with_pyshacls_own_rdfs_closure(extracted, ontology) -> None:
    """The entailments computed from the ontology once give pySHACL's verdict on the same defects: a
    missing property, a value outside its list, an unknown agency as bearer, a literal as bearer."""
    document = next(graph for parsed, _, graph in extracted if parsed.meta.id == "gwr-2010")
    sentence = node_iri("gwr-2010", "2.8.6.p1.s1")
    provision = next(document.subjects(RDF.type, PKG.Provision))
    defects = [
        lambda g: g.remove((sentence, URIRef("http://data.europa.eu/eli/ontology#is_part_of"), None)),
        lambda g: g.set((provision, PKG.modality, Literal("forbidden"))),
        lambda g: g.add((provision, PKG.bearer, URIRef("https://w3id.org/policykg/agency/no-such-agency"))),
        lambda g: g.add((provision, PKG.bearer, Literal("x"))),
    ]
    for defect in [None, *defects]:
        graph = Graph()
        graph += document
        if defect is not None:
            defect(graph)
        fast, reference = validate(graph, ontology), validate_with_rdfs(graph, ontology)
        assert fast.conforms == reference.conforms == (defect is None)
        # pySHACL's closure also types the literal "x" an Organization and reports it a second time.
        assert set(fast.examples) <= set(reference.examples)
        assert fast.examples or defect is None


def test_the_ontology_conforms_on_its_own(ontology) -> None:
    assert validate_ontology(ontology).conforms
    broken = Graph()
    broken += ontology
    concept = next(broken.subjects(RDF.type, PKG.Industry))
    broken.remove((concept, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None))
    report = validate_ontology(broken)
    assert not report.conforms and "prefLabel" in report.summary()


# ------------------------------------------------------------------ provenance in the store
PROVENANCE = """
SELECT ?node ?class (COUNT(DISTINCT ?sentence) AS ?sources) (COUNT(DISTINCT ?good) AS ?cited)
WHERE {
  VALUES ?class { pkg:Provision pkg:Quantity pkg:TimeExpression }
  ?node a ?class .
  OPTIONAL { ?node prov:wasDerivedFrom ?sentence }
  OPTIONAL {
    ?node prov:wasDerivedFrom ?good .
    ?good a pkg:Sentence ; pkg:text ?text ; rdfs:label ?label ; pkg:startOffset ?start ; pkg:endOffset ?end .
    FILTER(STRLEN(STR(?text)) > 0 && ?start < ?end)
  }
}
GROUP BY ?node ?class
"""


@pytest.mark.slow
def test_every_fact_derives_from_one_cited_sentence(store, library_facts) -> None:
    found = rows(store.query(PROVENANCE))
    bad = [r for r in found if r["sources"] != 1 or r["cited"] != 1]
    assert bad == []
    counts = {}
    for record in found:
        name = str(record["class"]).rsplit("#", 1)[1]
        counts[name] = counts.get(name, 0) + 1
    every = [f for facts in library_facts.values() for f in facts]
    assert counts == {
        "Provision": sum(f.is_provision for f in every),
        "Quantity": sum(len(f.quantities) for f in every),
        "TimeExpression": sum(len(f.times) for f in every),
    }
    seed = library_facts[DOC]
    assert sum(f.is_provision for f in seed) > 100 and sum(len(f.quantities) for f in seed) >= 20


@pytest.mark.slow
def test_sentence_offsets_slice_the_raw_file(store) -> None:
    """Each sentence's offsets slice its own document's text file."""
    raws = {meta.id: meta.text_path.read_text(encoding="utf-8") for meta in discover(CORPUS)}
    found = rows(store.query("""
        SELECT ?doc ?id ?text ?start ?end WHERE {
          ?s a pkg:Sentence ; pkg:localId ?id ; pkg:text ?text ; pkg:startOffset ?start ; pkg:endOffset ?end ;
             eli:is_member_of/pkg:localId ?doc }"""))
    counts = {doc: sum(r["doc"] == doc for r in found) for doc in raws}
    assert counts[DOC] > 200 and all(n > 50 for n in counts.values()), counts
    assert len(found) == sum(counts.values())
    for record in found:
        raw, where = raws[record["doc"]], f"{record['doc']}/{record['id']}"
        assert squash(raw[record["start"]: record["end"]]) == squash(record["text"]), where
        assert not raw[record["start"]].isspace() and not raw[record["end"] - 1].isspace(), where


@pytest.mark.slow
def test_sentence_ids_are_unique_in_the_store(store) -> None:
    """A sentence id is unique inside its document (documents reuse ids: a citation is DOCUMENT/ID)."""
    found = rows(store.query("SELECT ?doc ?id (COUNT(?s) AS ?n) WHERE { ?s a pkg:Sentence ; pkg:localId ?id ; "
                             "eli:is_member_of/pkg:localId ?doc } GROUP BY ?doc ?id HAVING (COUNT(?s) > 1)"))
    assert found == []
    (count,) = rows(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a pkg:Sentence }"))
    (cited,) = rows(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?doc ?id WHERE { "
                                "?s a pkg:Sentence ; pkg:localId ?id ; eli:is_member_of/pkg:localId ?doc } }"))
    assert cited["n"] == count["n"] > 1000


# ------------------------------------------------------------------ reproducible builds
_REBUILD = """
import sys
from pathlib import Path
from kg.build import extract_corpus
from kg.corpus import discover
from kg.graph.build import ontology_graph
from kg.graph.store import write_store
graphs = [ontology_graph(), *(g for _, _, g in extract_corpus(Path(sys.argv[1]), progress=False))]
write_store(graphs, Path(sys.argv[2]))
"""


def test_rebuild_is_byte_identical(tmp_path, fresh_store) -> None:
    """A second build in another process (other hash seed) writes the same quads."""
    target = tmp_path / "store"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", _REBUILD, str(CORPUS), str(target)], cwd=PROJECT, env=env, check=True,
                   timeout=300)
    again = GraphStore(target)
    first, second = fresh_store.dump_nquads(), again.dump_nquads()
    assert len(first) > 1_000_000
    assert first == second


def test_rebuild_in_process_is_identical(tmp_path, extracted, fresh_store) -> None:
    again = extract_corpus(CORPUS, progress=False)
    path = write_store([ontology_graph(), *(g for _, _, g in again)], tmp_path / "store")
    assert GraphStore(path).dump_nquads() == fresh_store.dump_nquads()


def test_write_store_replaces_the_previous_store(tmp_path, extracted, ontology) -> None:
    path = tmp_path / "store"
    write_store([ontology], path)
    assert GraphStore(path).triple_count() == len(ontology)
    write_store([ontology, *(g for _, _, g in extracted)], path)
    assert GraphStore(path).triple_count() == len(ontology) + sum(len(g) for _, _, g in extracted)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no staging or .old folder left behind


# ------------------------------------------------------------------ reopening and views
def test_reopened_store_is_not_empty(fresh_store, extracted, ontology) -> None:
    expected = len(ontology) + sum(len(g) for _, _, g in extracted)
    reopened = GraphStore(fresh_store.path)
    assert reopened.triple_count() == expected > 5000
    (count,) = rows(reopened.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert count["n"] == expected
    assert reopened.named_graphs() == sorted([
        "https://w3id.org/policykg/graph/ontology", *(f"https://w3id.org/policykg/graph/doc/{d}" for d in LIBRARY)])
    assert len(reopened.dump_nquads().splitlines()) == expected


def test_store_refuses_a_folder_without_a_store(tmp_path) -> None:
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="policykg build"):
        GraphStore(tmp_path / "nothing")


def test_exports_parse_back(fresh_store) -> None:
    expected = len(set(fresh_store.dataset.triples((None, None, None))))
    turtle = Graph().parse(data=export("ttl", fresh_store), format="turtle")
    assert len(turtle) == expected
    document = json.loads(export("jsonld", fresh_store))
    assert "@context" in document
    jsonld = Graph().parse(data=export("jsonld", fresh_store), format="json-ld")
    assert len(jsonld) == expected
    sentence = node_iri(DOC, "4.p4.s2")
    assert (sentence, PKG.text, None) in turtle and (sentence, PKG.text, None) in jsonld


def test_nquads_export(fresh_store) -> None:
    data = export("nq", fresh_store)
    dataset_lines = [line for line in data.decode("utf-8").splitlines() if line.strip()]
    assert len(dataset_lines) == fresh_store.triple_count()


def test_unknown_export_format(fresh_store) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export("xml", fresh_store)


def test_networkx_view(fresh_store) -> None:
    view = to_networkx(fresh_store)
    assert view.number_of_nodes() > 500 and view.number_of_edges() > 1000
    sentence = str(node_iri(DOC, "4.p4.s2"))
    provision = sentence + "/provision"
    assert view.nodes[sentence]["type"] == "Sentence"
    assert view.nodes[sentence]["text"].startswith("2015年底前淘汰16万安培以下预焙槽")
    assert view.has_edge(provision, sentence, key="wasDerivedFrom")
    quantities = [n for n, attrs in view.nodes(data=True) if attrs.get("type") == "Quantity"]
    assert len(quantities) >= 20
