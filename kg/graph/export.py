"""Exports of the store (Turtle, JSON-LD, N-Quads) and a networkx view for graph algorithms."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.graph.store import PREFIXES, GraphStore, open_store


def export(fmt: str, store: GraphStore | None = None) -> bytes:
    return b"".join(export_chunks(fmt, store))


def export_chunks(fmt: str, store: GraphStore | None = None) -> Iterator[bytes]:
    """The export in pieces: N-Quads one graph at a time (a large library is never held whole), the
    other formats in one piece."""
    store = store or open_store()
    if fmt == "nq":
        yield from store.iter_nquads()
        return
    yield _serialised(fmt, store)


def _serialised(fmt: str, store: GraphStore) -> bytes:
    graph = store.all_triples()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if fmt == "ttl":
        return graph.serialize(format="turtle").encode("utf-8")
    if fmt == "jsonld":
        context = dict(PREFIXES)
        return graph.serialize(format="json-ld", context=context, indent=1).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")


def to_networkx(store: GraphStore | None = None) -> nx.MultiDiGraph:
    """IRIs become nodes and object properties edges; literals become node attributes."""
    store = store or open_store()
    view = nx.MultiDiGraph()
    for subject, predicate, obj in store.all_triples():
        if not isinstance(subject, URIRef):
            continue
        key = str(predicate)
        if isinstance(obj, Literal):
            attrs = view.nodes[str(subject)] if str(subject) in view else {}
            view.add_node(str(subject), **{**attrs, _short(key): str(obj)})
        elif isinstance(obj, URIRef):
            if predicate == RDF.type:
                view.add_node(str(subject), type=_short(str(obj)))
            else:
                view.add_edge(str(subject), str(obj), key=_short(key), predicate=key)
    return view


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
