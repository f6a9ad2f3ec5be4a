"""kg.extract.lexicon (SKOS dictionaries) and kg.vocab against the Turtle ontology."""

from __future__ import annotations

from itertools import pairwise

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.config import ONTOLOGY_DIR
from kg.extract.lexicon import SCHEME_FILES, default_lexicon
from kg.vocab import PKG

BASE = "https://w3id.org/policykg/"


def iri(kind: str, local: str) -> str:
    return f"{BASE}{kind}/{local}"


def labels(iris) -> set[str]:
    lexicon = default_lexicon()
    return {lexicon.concepts[i].label_zh for i in iris}


def test_aliases_resolve_to_one_concept() -> None:
    lexicon = default_lexicon()
    mep = lexicon.resolve("环境保护部")
    assert mep is not None and mep.kind == "agency"
    for alias in ("环保部门", "环境保护部门", "环保部"):
        assert lexicon.resolve(alias) == mep, alias
    ndrc = lexicon.resolve("发展改革委")
    assert ndrc.iri == iri("agency", "ndrc")
    for alias in ("NDRC", "ndrc", "国家发展改革委", "发改委", "National Development and Reform Commission", ndrc.iri):
        assert lexicon.resolve(alias) == ndrc, alias
    assert lexicon.resolve("金融部门").iri == iri("agency", "financial-institutions")
    assert lexicon.resolve("各地").iri == iri("agency", "local-governments")


def test_resolve_respects_kind_and_unknowns() -> None:
    lexicon = default_lexicon()
    assert lexicon.resolve("水泥", "agency") is None
    assert lexicon.resolve("水泥", "industry").label_en
    assert lexicon.resolve("煤炭行业的不存在的词") is None
    assert lexicon.resolve("  钢铁  ").iri == iri("industry", "steel")


def test_region_group_members() -> None:
    lexicon = default_lexicon()
    group = lexicon.resolve("京津冀")
    assert group.kind == "region"
    assert labels(lexicon.members[group.iri]) == {"北京", "天津", "河北"}
    assert iri("region", "hebei") in lexicon.descendants(group.iri)


def test_industry_taxonomy_ancestors() -> None:
    lexicon = default_lexicon()
    ironmaking = lexicon.resolve("炼铁").iri
    ancestors = lexicon.ancestors(ironmaking)
    assert ancestors[0] == ironmaking
    assert {"钢铁", "产能严重过剩行业"} <= labels(ancestors)
    assert ancestors.index(iri("industry", "steel")) < ancestors.index(lexicon.resolve("产能严重过剩行业").iri)
    assert lexicon.top_industry(ironmaking) == iri("industry", "steel")
    assert lexicon.top_industry(iri("industry", "steel")) == iri("industry", "steel")
    assert lexicon.is_top_industry(iri("industry", "steel")) and not lexicon.is_top_industry(ironmaking)
    assert lexicon.is_group(lexicon.resolve("产能严重过剩行业").iri)
    assert lexicon.top_industry(lexicon.resolve("产能严重过剩行业").iri) is None


def test_industry_taxonomy_descendants() -> None:
    lexicon = default_lexicon()
    cement = lexicon.descendants(lexicon.resolve("水泥").iri)
    assert {"水泥", "熟料"} <= labels(cement)
    assert "钢铁" not in labels(cement) and "炼铁" not in labels(cement)
    group = lexicon.descendants(lexicon.resolve("产能严重过剩行业").iri)
    assert {"钢铁", "水泥", "电解铝", "平板玻璃", "船舶", "炼铁", "熟料"} <= labels(group)


def test_five_seed_industries_are_top_industries() -> None:
    lexicon = default_lexicon()
    for name in ("钢铁", "水泥", "电解铝", "平板玻璃", "船舶"):
        assert lexicon.is_top_industry(lexicon.resolve(name).iri), name


def test_find_is_longest_match_and_non_overlapping() -> None:
    lexicon = default_lexicon()
    text = ("对隐瞒不报在建违规项目，一经查实，立即停建，金融机构停止发放贷款，"
            "国土、环保部门依据土地管理法、环境保护法等法律法规予以处理")
    found = [(text[s:e], c.label_zh) for s, e, c in lexicon.find(text) if c.kind == "agency"]
    assert ("环保部门", "环境保护部") in found
    assert ("国土", "国土资源部") in found
    assert ("金融机构", "金融机构") in found
    spans = [(s, e) for s, e, _ in lexicon.find(text)]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))


def test_english_labels() -> None:
    lexicon = default_lexicon()
    found = {c.iri for _, _, c in lexicon.find_english("What must electrolytic aluminium producers and the NDRC do?")}
    assert found >= {iri("industry", "electrolytic-aluminium"), iri("agency", "ndrc")}


def test_every_concept_has_chinese_and_english_labels() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.concepts) > 100
    for concept in lexicon.concepts.values():
        assert concept.label_zh and concept.label_en, concept.iri
        assert concept.kind in SCHEME_FILES


def test_broader_links_point_to_known_concepts() -> None:
    lexicon = default_lexicon()
    for concept in lexicon.concepts.values():
        for broader in concept.broader:
            assert broader in lexicon.concepts, (concept.iri, broader)


def test_vocab_matches_ontology_both_ways() -> None:
    graph = Graph().parse(ONTOLOGY_DIR / "policykg.ttl", format="turtle")
    namespace = str(PKG._NS)
    in_ontology = {str(s)[len(namespace):] for s in graph.subjects()
                   if isinstance(s, URIRef) and str(s).startswith(namespace)}
    in_code = set(PKG.__annotations__)
    assert in_code - in_ontology == set(), "terms in kg/vocab.py missing from ontology/policykg.ttl"
    assert in_ontology - in_code == set(), "terms in ontology/policykg.ttl missing from kg/vocab.py"
    for name in in_code:
        assert (PKG[name], RDF.type, None) in graph, name


def test_vocab_fails_on_typos() -> None:
    with pytest.raises(AttributeError):
        _ = PKG.Provison


def test_scheme_files_use_only_defined_pkg_terms() -> None:
    namespace = str(PKG._NS)
    defined = set(PKG.__annotations__)
    for filename in SCHEME_FILES.values():
        graph = Graph().parse(ONTOLOGY_DIR / filename, format="turtle")
        used = {str(t)[len(namespace):] for triple in graph for t in triple
                if isinstance(t, URIRef) and str(t).startswith(namespace)}
        assert used <= defined, (filename, used - defined)
        assert any(graph.subjects(RDF.type, SKOS.Concept)), filename


def test_the_laws_staff_are_not_enterprise_workers() -> None:
    # 行政机关应当指派两名以上工作人员进行核查: "staff" in a question about it means 工作人员, not 职工
    lexicon = default_lexicon()
    assert lexicon.resolve("staff").iri == iri("agency", "personnel")
    assert lexicon.resolve("工作人员").iri == iri("agency", "personnel")
    assert lexicon.resolve("职工").iri == iri("agency", "workers")


@pytest.mark.parametrize(("text", "label"), [
    ("all coal-fired generating units", "coal-fired power"),  # coal-fired power's units, not the coal industry
    ("an additional flat-glass phase-out quantity", "flat glass"),
    ("steel-making capacity", "steel"),
])
def test_an_english_concept_in_a_hyphenated_word(text: str, label: str | None) -> None:
    found = [concept.label_en for _, _, concept in default_lexicon().find_english(text)]
    assert found == ([label] if label else [])
