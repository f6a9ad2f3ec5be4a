"""The graph store: embedded Oxigraph through rdflib (oxrdflib), or a SPARQL endpoint.

A build writes each store into a new generation folder (see :mod:`kg.library`),
so a failed or killed build leaves the published store intact; the store's marker
file names its generation and :class:`GraphStore` checks it against the manifest.
Readers open the store read-only; queries run over the union of the named graphs
(one per document plus the ontology graph), so the dataset's default graph has a
fixed identity and a reopened store is never "empty".

For scale-out, ``policykg serve`` runs the ``oxigraph`` server binary (from the
``oxigraph`` PyPI package) read-only on the same store, and setting
``POLICYKG_SPARQL_ENDPOINT`` makes every reader use :class:`RemoteGraphStore`
instead: same interface, same named queries, parameters bound as ``VALUES``
at the head of the WHERE group (serialised RDF terms, never pasted text).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
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
#: The prefixes as a SPARQL prologue, for queries that do not go through rdflib's initNs.
_PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


#: What Oxigraph raises for a query it cannot parse or evaluate.
_ENGINE_ERRORS = (SyntaxError, ValueError, RuntimeError, OSError)


def _query_error(exc: BaseException) -> QueryError:
    """The engine's parse or evaluation error as one line."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return QueryError(f"SPARQL error: {message[:300]}")


class GraphStore:
    """A read-only handle on a built store."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or store_dir())
        if not (self.path / _MARKER).is_file():
            raise StoreError(f"no PolicyKG store at {self.path}: run `policykg build` first")
        try:
            inner = ox.Store.read_only(str(self.path))
            marker = (self.path / _MARKER).read_text(encoding="utf-8", errors="replace")
            graphs = [str(g.value) for g in inner.named_graphs()]
        except Exception as exc:  # RocksDB reports damaged or missing files in several ways
            detail = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            raise StoreError(f"cannot open the store at {self.path}: {detail}; run `policykg build`") from None
        from kg.library import verify_store

        verify_store(self.path, marker, graphs)
        self.generation = _generation_of(marker)
        # The folder actually opened (DATA/store is a symlink through `current`, which a build moves).
        self.location = self.path.resolve()
        self.oxigraph = inner
        self.dataset = Dataset(store=_wrap(inner), default_union=True)
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run SPARQL over the union of all graphs; ``bindings`` are substituted, never pasted."""
        try:
            return self.dataset.query(sparql, initNs=PREFIXES, initBindings=dict(bindings or {}))
        except _ENGINE_ERRORS as exc:
            raise _query_error(exc) from None

    def select(self, sparql: str) -> Iterator[dict[str, object]]:
        """A SELECT's rows as :func:`rows` gives them, one at a time and straight from Oxigraph: no rdflib
        term is made, which is what a build's queries over every sentence of a large library cost
        (`sentences.rq` over 351,580 sentences: 95 s and 2 GB through rdflib)."""
        try:
            solutions = self.oxigraph.query(_PROLOGUE + sparql, use_default_graph_as_union=True)
            names = [variable.value for variable in solutions.variables]
            for solution in solutions:
                yield {name: _oxigraph_value(solution[name]) for name in names}
        except _ENGINE_ERRORS as exc:
            raise _query_error(exc) from None

    def all_triples(self) -> Graph:
        graph = Graph()
        for triple in self.dataset.triples((None, None, None)):
            graph.add(triple)
        return graph

    def named_graphs(self) -> list[str]:
        return sorted(str(g.value) for g in self.oxigraph.named_graphs())

    def triple_count(self) -> int:
        return len(self.oxigraph)

    def dump_nquads(self) -> bytes:
        """All quads, sorted: equal bytes mean equal stores."""
        # Serialised by Oxigraph itself (as str(quad) + " ." would be, in half the time); UTF-8 bytes
        # sort as their code points do.
        return b"\n".join(sorted(self.oxigraph.dump(format=ox.RdfFormat.N_QUADS).splitlines()))

    def _sorted_graphs(self) -> Iterator[tuple[str, list[bytes]]]:
        """(name, its sorted N-Triples lines) of the default graph ("") and then each named graph in order of
        name: one graph at a time in memory (sorting all 7.9 M quads of a large library at once took 4.6 GB)."""
        yield "", sorted(self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines())
        for name in sorted(graph.value for graph in self.oxigraph.named_graphs()):
            yield name, sorted(self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
                               .splitlines())

    def iter_nquads(self) -> Iterator[bytes]:
        """All quads as N-Quads, one graph at a time (graphs in order of name, each graph's lines sorted):
        canonical like :meth:`dump_nquads`, but never more than one graph in memory."""
        for name, lines in self._sorted_graphs():
            if lines:
                yield _as_nquads(lines, name) if name else b"\n".join(lines) + b"\n"

    def digest(self) -> str:
        """The store's content in one value: SHA-256 over its graphs in order of name, each named and then
        given as its sorted N-Triples; equal stores give equal digests."""
        digest = hashlib.sha256()
        for name, lines in self._sorted_graphs():
            digest.update(f"# graph <{name}>\n".encode())
            digest.update(b"\n".join(lines) + b"\n")
        return digest.hexdigest()


def _as_nquads(ntriples: Iterable[bytes], graph: str) -> bytes:
    """N-Triples lines (comments and blank lines left out) as N-Quads of ``graph``, one per line."""
    suffix = f" <{ox.NamedNode(graph).value}> .\n".encode()
    return b"".join(line.removesuffix(b".").rstrip() + suffix for line in ntriples
                    if line and not line.startswith(b"#"))


class RemoteGraphStore:
    """The same read interface over a SPARQL endpoint (``oxigraph serve-read-only --union-default-graph``)."""

    def __init__(self, endpoint: str, timeout: float = 30.0) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.path = None
        self.timeout = timeout
        try:
            self._post("ASK { ?s ?p ?o }", "application/sparql-results+json")
        except StoreError as exc:
            raise StoreError(f"SPARQL endpoint {self.endpoint} is not answering: {exc}") from None

    def _post(self, sparql: str, accept: str, timeout: float | None = None) -> tuple[bytes, str]:
        request = urllib.request.Request(
            self.endpoint + "/query", data=sparql.encode("utf-8"), method="POST",
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
            raise QueryError(f"SPARQL error: {(detail or [str(exc)])[0][:300]}") from None
        except TimeoutError:
            raise QueryError(f"the endpoint did not answer within {timeout or self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(str(getattr(exc, "reason", exc))) from None

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None, *,
              timeout: float | None = None) -> Result:
        text = _inline_bindings(sparql, bindings or {})
        data, content_type = self._post(_PROLOGUE + text, "application/sparql-results+json, application/n-triples",
                                        timeout)
        if "n-triples" in content_type or "turtle" in content_type:
            result = Result("CONSTRUCT")
            result.graph = Graph().parse(data=data, format="nt" if "n-triples" in content_type else "turtle")
            return result
        return Result.parse(io.BytesIO(data), format="json")

    def all_triples(self) -> Graph:
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph

    def named_graphs(self) -> list[str]:
        return sorted(str(r["g"]) for r in rows(self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")))

    def triple_count(self) -> int:
        return int(rows(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))[0]["n"])

    def dump_nquads(self) -> bytes:
        raise StoreError("an N-Quads dump needs the embedded store; run it where the store is")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _inline_bindings(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind parameters as a VALUES block opening the WHERE group, so filters in the group see them."""
    if not bindings:
        return sparql
    match = _WHERE.search(sparql)
    if match is None:
        raise QueryError("a query with parameters needs a WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    return f"{sparql[: match.end()]}\n  VALUES ({names}) {{ ({values}) }}\n{sparql[match.end():]}"


def open_store(path: Path | None = None) -> GraphStore | RemoteGraphStore:
    """The configured store: the endpoint in POLICYKG_SPARQL_ENDPOINT if set, else the embedded one."""
    endpoint = os.environ.get("POLICYKG_SPARQL_ENDPOINT")
    if endpoint and path is None:
        return RemoteGraphStore(endpoint)
    return GraphStore(path)


def _wrap(inner: ox.Store):
    from oxrdflib import OxigraphStore

    return OxigraphStore(store=inner)


def _generation_of(marker: str) -> str | None:
    match = re.search(r"^generation: (\S+)$", marker, re.MULTILINE)
    return match.group(1) if match else None


def write_store(graphs: Iterable[Graph], path: Path | None = None, *, generation: str | None = None) -> Path:
    """Write named graphs into a fresh store and swap it in (a build writes into a new generation)."""

    def fill(inner: ox.Store) -> None:
        for graph in graphs:
            name = ox.NamedNode(str(graph.identifier))
            inner.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o), name) for s, p, o in graph)

    return _write(fill, path, generation)


def write_store_ntriples(graphs: Iterable[tuple[str, bytes]], path: Path | None = None, *,
                         generation: str | None = None) -> Path:
    """The same from (graph IRI, N-Triples) pairs: Oxigraph parses them itself, no rdflib graph is built.

    The pairs are consumed lazily and fed as N-Quads (each line given its graph) to one bulk load per
    ~:data:`BULK_LOAD_BYTES` of them: a load per graph is twice as slow, and one load of a whole large
    library held 4.6 GB at 7.9 M triples (Oxigraph's loader keeps what it loads in memory until it ends).
    """
    pending = iter(graphs)

    def fill(inner: ox.Store) -> None:
        while True:
            chunk = _NQuadsReader(pending, limit=BULK_LOAD_BYTES)
            inner.bulk_load(chunk, ox.RdfFormat.N_QUADS)
            if chunk.exhausted:
                return

    return _write(fill, path, generation)


#: N-Quads bytes per bulk load when a store is written (see :func:`write_store_ntriples`).
BULK_LOAD_BYTES = 64 * 1024 * 1024


class _NQuadsReader(io.RawIOBase):
    """A binary stream of N-Quads made, one graph at a time, from (graph IRI, N-Triples) pairs."""

    def __init__(self, graphs: Iterator[tuple[str, bytes]], limit: int | None = None) -> None:
        self._graphs = graphs
        self._pending = memoryview(b"")
        self._limit = limit  # stop after the graph that reaches this many bytes (the rest stays in ``graphs``)
        self._given = 0
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            if self._limit is not None and self._given >= self._limit:
                return 0
            try:
                name, ntriples = next(self._graphs)
            except StopIteration:
                self.exhausted = True
                return 0
            self._pending = memoryview(_as_nquads(ntriples.splitlines(), name))
        size = min(len(buffer), len(self._pending))
        self._given += size
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def canonical_ntriples(graph: Graph) -> bytes:
    """A graph as sorted N-Triples lines in Oxigraph's own serialisation: equal graphs give equal bytes.

    (Only for graphs without blank nodes, as ours are: a blank node's label is arbitrary.)
    """
    lines = sorted(f"{ox.Triple(_ox(s), _ox(p), _ox(o))} .\n" for s, p, o in graph)
    return "".join(lines).encode("utf-8")


def _write(fill: Callable[[ox.Store], None], path: Path | None, generation: str | None) -> Path:
    target = Path(path or store_dir())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".store-new-", dir=target.parent))
    try:
        inner = ox.Store(str(staging / "db"))
        fill(inner)
        inner.flush()
        inner.optimize()
        del inner
        marker = "PolicyKG Oxigraph store\n" + (f"generation: {generation}\n" if generation else "")
        (staging / "db" / _MARKER).write_text(marker, encoding="utf-8")
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


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{name}" for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                           "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                           "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_NUMBERS = {f"{_XSD}{name}" for name in ("decimal", "double", "float")}


def _oxigraph_value(term: object) -> object:
    """An Oxigraph term as :func:`python_value` turns the same rdflib term (integers and integral decimals
    as int, other numbers as float, booleans as bool, dates and everything else as their lexical form)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _NUMBERS:
            number = float(term.value)
            return int(number) if number.is_integer() else number
        if datatype == f"{_XSD}boolean":
            return term.value in ("true", "1")
        return term.value
    return term.value


def select_rows(store: object, sparql: str) -> Iterator[dict[str, object]]:
    """Rows of a SELECT on any store: straight from Oxigraph where the store has it, else through rdflib
    (a remote endpoint)."""
    if isinstance(store, GraphStore):
        return store.select(sparql)
    return iter(rows(store.query(sparql)))


def rows(result: Result) -> list[dict[str, object]]:
    names = [str(v) for v in result.vars or []]
    records = []
    for row in result:
        values = row.asdict()
        records.append({name: python_value(values.get(name)) for name in names})
    return records
