"""The embedded Oxigraph store, used through rdflib (oxrdflib).

Writes are atomic: a build writes a complete new store in a sibling folder
and swaps it in with two renames, so a failed build leaves the previous store
intact. Readers open the store read-only; queries run over the union of the
named graphs (one per document plus the ontology graph), so the dataset's
default graph has a fixed identity and a reopened store is never "empty".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib import Literal as Literal_
from rdflib.query import Result
from rdflib.term import Identifier

from kg.config import store_dir
from kg.errors import QueryError, StoreError
from kg.vocab import BASE, ELI, ODRL, ORG, PKG, PROV, TIME

PREFIXES = {
    "pkg": str(PKG._NS),
    "eli": str(ELI),
    "odrl": str(ODRL),
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "ind": BASE + "industry/",
    "agt": BASE + "agency/",
    "reg": BASE + "region/",
    "msr": BASE + "measure/",
}
_MARKER = "POLICYKG_STORE"


class GraphStore:
    """A read-only handle on a built store."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or store_dir())
        if not (self.path / _MARKER).is_file():
            raise StoreError(f"no PolicyKG store at {self.path}: run `policykg build` first")
        try:
            inner = ox.Store.read_only(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None
        self.oxigraph = inner
        self.dataset = Dataset(store=_wrap(inner), default_union=True)
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run SPARQL over the union of all graphs; ``bindings`` are substituted, never pasted."""
        try:
            return self.dataset.query(sparql, initNs=PREFIXES, initBindings=dict(bindings or {}))
        except (SyntaxError, ValueError, RuntimeError, OSError) as exc:  # the engine's parse/evaluation errors
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise QueryError(f"SPARQL error: {message[:300]}") from None

    def named_graphs(self) -> list[str]:
        return sorted(str(g.value) for g in self.oxigraph.named_graphs())

    def triple_count(self) -> int:
        return len(self.oxigraph)

    def dump_nquads(self) -> bytes:
        """All quads, sorted: equal bytes mean equal stores."""
        lines = sorted(str(quad) + " ." for quad in self.oxigraph)
        return "\n".join(lines).encode("utf-8")


def _wrap(inner: ox.Store):
    from oxrdflib import OxigraphStore

    return OxigraphStore(store=inner)


def write_store(graphs: Iterable[Graph], path: Path | None = None) -> Path:
    """Write named graphs into a fresh store and swap it in atomically."""
    target = Path(path or store_dir())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".store-new-", dir=target.parent))
    try:
        inner = ox.Store(str(staging / "db"))
        for graph in graphs:
            name = ox.NamedNode(str(graph.identifier))
            inner.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o), name) for s, p, o in graph)
        inner.flush()
        inner.optimize()
        del inner
        (staging / "db" / _MARKER).write_text("PolicyKG Oxigraph store\n", encoding="utf-8")
        _swap(staging / "db", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _ox(term: Identifier):
    from oxrdflib._converter import to_ox

    return to_ox(term)


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def python_value(term: Identifier | None) -> object:
    """RDF term to a JSON-friendly Python value (integral decimals become ints)."""
    if term is None:
        return None
    if isinstance(term, Literal_):
        value = term.toPython()
        if hasattr(value, "as_integer_ratio") and not isinstance(value, (bool, int, float)):
            number = float(value)
            return int(number) if number.is_integer() else number
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value if isinstance(value, (bool, int, float)) else str(value)
    return str(term)


def rows(result: Result) -> list[dict[str, object]]:
    names = [str(v) for v in result.vars or []]
    records = []
    for row in result:
        values = row.asdict()
        records.append({name: python_value(values.get(name)) for name in names})
    return records
