"""SHACL validation of the built graph against ``ontology/shapes.ttl``.

Each document is validated on its own (its graph plus the ontology), so a failure names the
document, and a report is summarised in plain words — the count and the first few violations —
rather than pySHACL's full text, which runs to thousands of lines for one systematic mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import SH

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


def validate(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate data (plus the ontology for class hierarchy and concept labels)."""
    from pyshacl import validate as shacl_validate

    combined = Graph()
    combined += data
    if ontology is not None:
        combined += ontology
    conforms, report_graph, text = shacl_validate(combined, shacl_graph=_shapes(), inference="rdfs",
                                                  abort_on_first=False, allow_warnings=True)
    violations = len(set(report_graph.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ValidationReport(bool(conforms), violations, text, _examples(report_graph) if not conforms else [])
