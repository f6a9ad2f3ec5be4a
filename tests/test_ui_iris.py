"""IRIs as the app shows them (kg.ui.iris) and named-query parameters read from the files (kg.queries)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.errors import QueryError
from kg.queries import DOC_BASE, ParamType, named_queries, to_term
from kg.ui.iris import LibraryPart, document_url, library_part, prefixed


@pytest.mark.parametrize(("iri", "shown"), [
    ("https://w3id.org/policykg/industry/electrolytic-aluminium", "ind:electrolytic-aluminium"),
    ("http://www.w3.org/2004/02/skos/core#broader", "skos:broader"),
    ("https://example.org/x", "https://example.org/x"),
    ("电解铝", "电解铝"),
    (42, 42),
])
def test_prefixed_names(iri: object, shown: object) -> None:
    assert prefixed(iri) == shown


@pytest.mark.parametrize(("iri", "part"), [
    (DOC_BASE + "guofa-2013-41", LibraryPart("guofa-2013-41", None)),
    (DOC_BASE + "guofa-2013-41/4.p4.s2", LibraryPart("guofa-2013-41", "4.p4.s2")),
    (DOC_BASE + "guofa-2013-41/4.p4.s2/provision", LibraryPart("guofa-2013-41", "4.p4.s2", provision=True)),
    (DOC_BASE + "epl-2014/art64.p1.s1/c1", LibraryPart("epl-2014", "art64.p1.s1")),
    ("https://w3id.org/policykg/industry/steel", None),
])
def test_library_parts(iri: str, part: LibraryPart | None) -> None:
    assert library_part(iri) == part


def test_document_urls() -> None:
    assert document_url("guofa-2013-41", "4.p4.s2", lang="en") == \
        "document?doc=guofa-2013-41&s=4.p4.s2&lang=en#guofa-2013-41/4.p4.s2"
    assert LibraryPart("epl-2014", None).url() == "document?doc=epl-2014#epl-2014"


def test_parameters_have_types_and_defaults() -> None:
    applies = {p.name: p for p in named_queries()["applies_to"].parameters}
    assert applies["industry"].type is ParamType.IRI and applies["industry"].default == "电解铝"
    assert applies["by"].type is ParamType.DATE and applies["by"].default == "2015-12-31"
    assert applies["by"].description.startswith("latest deadline")
    assert named_queries()["targets"].parameters[0].default is None
    for query in named_queries().values():  # a default is a value its parameter accepts
        for parameter in query.parameters:
            if parameter.default:
                to_term(parameter.default, parameter.type, parameter.name)


def test_library_ids_bind_as_iris_and_typos_stay_errors() -> None:
    assert to_term("guofa-2013-41/4.p4.s2", ParamType.IRI) == URIRef(DOC_BASE + "guofa-2013-41/4.p4.s2")
    assert to_term("电解铝", "iri") == URIRef("https://w3id.org/policykg/industry/electrolytic-aluminium")
    assert to_term('x") } #', ParamType.STRING) == Literal('x") } #')
    with pytest.raises(QueryError, match="neither a known concept label"):
        to_term("stel", ParamType.IRI)
