"""SHACL validation of the built graph against ``ontology/shapes.ttl``.

Each document is validated on its own (its graph plus the ontology), so a failure names the
document, and a report is summarised in plain words — the count and the first few violations —
rather than pySHACL's full text, which runs to thousands of lines for one systematic mistake.

The RDFS entailments the shapes depend on (types from ``rdfs:domain``/``rdfs:range``, through
``rdfs:subPropertyOf``, closed under ``rdfs:subClassOf``) are computed here from a
:class:`Background` made once per ontology, and pySHACL runs without inference on the document
plus the ontology's description of the nodes the document names. Letting pySHACL close the
document merged with the whole ontology under RDFS took about 4 s per document, most of it
re-deriving the ontology each time; the ontology itself is checked once (:func:`validate_ontology`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.config import ONTOLOGY_DIR

#: Violations quoted in a summary; the rest are counted.
SHOWN = 3


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str
    examples: list[str] = field(default_factory=list)

    def summary(self, shown: int = SHOWN) -> str:
        """One line: the count and the first violations in plain words."""
        if self.conforms:
            return "conforms"
        first = "; ".join(self.examples[:shown])
        more = f" (and {self.violations - shown} more)" if self.violations > shown else ""
        return f"{self.violations} violation(s): {first}{more}"


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def _short(term: object) -> str:
    text = str(term)
    for marker in ("/doc/", "#", "/"):
        if marker in text and text.startswith("http"):
            return text.split(marker, 1)[1] if marker == "/doc/" else text.rsplit(marker, 1)[1]
    return text[:80]


def _examples(report: Graph, limit: int = 10) -> list[str]:
    """Violations as "focus, property: message (value …)", sorted so the output is stable."""
    lines = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        line = f"{_short(focus)}" + (f" {_short(path)}" if path is not None else "")
        line += f": {str(message or 'constraint not met')[:160]}"
        if value is not None and str(value) not in line:
            line += f" (value {str(value)[:60]!r})"
        lines.append(line)
    return sorted(lines)[:limit]


@dataclass(frozen=True)
class Background:
    """What validating a document needs from the ontology, derived once.

    ``described`` is the ontology with the types RDFS entails for its own nodes; ``domains`` and
    ``ranges`` give, per property, the classes (with their superclasses) a subject or object of it
    has, counting the domains and ranges of its super-properties.
    """

    described: Graph
    superclasses: dict[URIRef, frozenset[URIRef]]
    domains: dict[URIRef, frozenset[URIRef]]
    ranges: dict[URIRef, frozenset[URIRef]]
    hierarchy: tuple[tuple[URIRef, URIRef, URIRef], ...]

    def entailed_types(self, graph: Graph) -> set[tuple[URIRef | BNode, URIRef, URIRef]]:
        """``rdf:type`` triples RDFS entails for the nodes of ``graph`` (those it states included)."""
        found: dict[URIRef | BNode, set[URIRef]] = defaultdict(set)
        for subject, predicate, value in graph:
            if predicate == RDF.type and isinstance(value, URIRef):
                found[subject].add(value)
            found[subject] |= self.domains.get(predicate, frozenset())
            if isinstance(value, URIRef | BNode):
                found[value] |= self.ranges.get(predicate, frozenset())
        return {(node, RDF.type, cls) for node, classes in found.items()
                for named in classes for cls in {named} | self.superclasses.get(named, frozenset())}


def _closure(edges: dict[URIRef, set[URIRef]]) -> dict[URIRef, frozenset[URIRef]]:
    """Every node's ancestors along ``edges`` (rdfs:subClassOf or rdfs:subPropertyOf; cycles allowed)."""
    closed: dict[URIRef, frozenset[URIRef]] = {}
    for start in edges:
        seen: set[URIRef] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        closed[start] = frozenset(seen - {start})
    return closed


def background(ontology: Graph) -> Background:
    """The ontology's class and property hierarchy, domains and ranges, and its nodes' entailed types."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for child, parent in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            parents[child].add(parent)
    superclasses = _closure(parents)
    super_properties: dict[URIRef, set[URIRef]] = defaultdict(set)
    for child, parent in ontology.subject_objects(RDFS.subPropertyOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            super_properties[child].add(parent)
    property_closure = _closure(super_properties)

    def classes_of(relation: URIRef) -> dict[URIRef, frozenset[URIRef]]:
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for prop, cls in ontology.subject_objects(relation):
            if isinstance(prop, URIRef) and isinstance(cls, URIRef):
                direct[prop].add(cls)
        properties = set(direct) | set(property_closure)
        return {prop: frozenset(named for ancestor in {prop} | property_closure.get(prop, frozenset())
                                for cls in direct.get(ancestor, ())
                                for named in {cls} | superclasses.get(cls, frozenset()))
                for prop in properties}

    empty = Background(Graph(), superclasses, classes_of(RDFS.domain), classes_of(RDFS.range),
                       tuple((c, RDFS.subClassOf, p) for c, ps in superclasses.items() for p in ps))
    described = Graph()
    described += ontology
    for triple in empty.entailed_types(ontology):
        described.add(triple)
    return Background(described, empty.superclasses, empty.domains, empty.ranges, empty.hierarchy)


@lru_cache(maxsize=4)
def _background_of(ontology_id: int, ontology: Graph) -> Background:
    return background(ontology)


def validate(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate a document's graph beside the ontology (class hierarchy, domains, ranges, concept labels).

    The ontology's own nodes are checked only where the document names them; :func:`validate_ontology`
    checks the ontology as a whole.
    """
    combined = Graph()
    combined += data
    if ontology is not None:
        known = _background_of(id(ontology), ontology)
        for triple in known.entailed_types(data):
            combined.add(triple)
        for triple in known.hierarchy:
            combined.add(triple)
        named = {node for triple in data for node in (triple[0], triple[2]) if isinstance(node, URIRef)}
        for node in named:
            for triple in known.described.triples((node, None, None)):
                combined.add(triple)
    return _run(combined)


def validate_ontology(ontology: Graph) -> ValidationReport:
    """The ontology on its own, with the types RDFS entails for its nodes."""
    combined = Graph()
    combined += _background_of(id(ontology), ontology).described
    return _run(combined)


def validate_with_rdfs(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    """The reference: pySHACL's own RDFS closure over the document merged with the whole ontology
    (slow; kept to check :func:`validate` against)."""
    combined = Graph()
    combined += data
    if ontology is not None:
        combined += ontology
    return _run(combined, inference="rdfs")


def _run(combined: Graph, inference: str = "none") -> ValidationReport:
    from pyshacl import validate as shacl_validate

    conforms, report_graph, text = shacl_validate(combined, shacl_graph=_shapes(), inference=inference,
                                                  abort_on_first=False, allow_warnings=True)
    violations = len(set(report_graph.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ValidationReport(bool(conforms), violations, text, _examples(report_graph) if not conforms else [])
