"""SHACL validation of the built graph against ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from kg.config import ONTOLOGY_DIR


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def validate(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate data (plus the ontology for class hierarchy and concept labels)."""
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    combined = Graph()
    combined += data
    if ontology is not None:
        combined += ontology
    conforms, report_graph, text = shacl_validate(combined, shacl_graph=shapes, inference="rdfs",
                                                  abort_on_first=False, allow_warnings=True)
    from rdflib.namespace import SH

    violations = len(set(report_graph.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ValidationReport(bool(conforms), violations, text)
