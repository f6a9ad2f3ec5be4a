"""Each closed set in kg/enums.py equals the sh:in list that ontology/shapes.ttl gives it."""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection

from kg.config import ONTOLOGY_DIR
from kg.enums import BearerSource, MentionRole, Modality, QuantityKind, Scope, SentenceRole, StructureProfile, TimeKind

SH = Namespace("http://www.w3.org/ns/shacl#")
PKG = Namespace("https://w3id.org/policykg/ontology#")
PKGSH = Namespace("https://w3id.org/policykg/shapes#")


def allowed(shape: str, path: str) -> set[str]:
    graph = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    for prop in graph.objects(PKGSH[shape], SH.property):
        if graph.value(prop, SH.path) == PKG[path] and graph.value(prop, SH["in"]) is not None:
            return {str(v) for v in Collection(graph, graph.value(prop, SH["in"]))}
    raise AssertionError(f"no sh:in for {shape} {path}")


@pytest.mark.parametrize(("enum", "shape", "path"), [
    (Modality, "ProvisionShape", "modality"),
    (BearerSource, "ProvisionShape", "bearerSource"),
    (Scope, "ProvisionShape", "scope"),
    (SentenceRole, "SentenceShape", "role"),
    (MentionRole, "ActorMentionShape", "role"),
    (QuantityKind, "QuantityShape", "quantityKind"),
    (TimeKind, "TimeShape", "timeKind"),
])
def test_enum_equals_its_shacl_list(enum, shape: str, path: str) -> None:
    assert {member.value for member in enum} == allowed(shape, path)


def test_structure_profiles_match_the_corpus_loader() -> None:
    from kg.corpus import STRUCTURE_PROFILES

    assert {p.value for p in StructureProfile} == set(STRUCTURE_PROFILES)
