"""kg/viz.py: highlighting, vis-network data, options, timeline records and chart, neighbourhoods."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.checklist import ChecklistItem
from kg.errors import QueryError
from kg.extract.lexicon import default_lexicon
from kg.viz import (
    MODALITY_COLOURS,
    agency_neighbourhood,
    concept_options,
    external_resources,
    highlight,
    industry_neighbourhood,
    neighbourhood,
    node_style,
    provision_neighbourhood,
    question_terms,
    timeline_chart,
    timeline_records,
)

IND = "https://w3id.org/policykg/industry/"
AGT = "https://w3id.org/policykg/agency/"
REG = "https://w3id.org/policykg/region/"
DOC = "guofa-2013-41"


def _item(local: str, *, industries=(), bearers=(), regions=(), deadline=None, valid_from=None,
          bearer_source="explicit", modality="obligation", text="文本。") -> ChecklistItem:
    return ChecklistItem(id=f"{DOC}/{local}", section="四、分业施策", label=local, text=text, modality=modality,
                         bearers=[], industries=[], regions=[], deadline=deadline, scope="specific",
                         valid_from=valid_from, bearer_source=bearer_source, action=text,
                         bearer_iris=list(bearers), industry_iris=list(industries), region_iris=list(regions))


# ---------------------------------------------------------------------- highlight
def test_highlight_escapes_and_marks_longest_term_first():
    marked = highlight("<b>电解铝</b> & 电解 2015年底", ["电解", "电解铝", "2015"])
    assert marked == "&lt;b&gt;<mark>电解铝</mark>&lt;/b&gt; &amp; <mark>电解</mark> <mark>2015</mark>年底"


def test_highlight_without_terms_only_escapes():
    assert highlight("a<b", []) == "a&lt;b"
    assert highlight("a<b", ["", "  "]) == "a&lt;b"


def test_highlight_is_case_insensitive_and_escapes_terms():
    assert highlight("Steel and STEEL", ["steel"]) == "<mark>Steel</mark> and <mark>STEEL</mark>"
    assert highlight("x<y", ["<"]) == "x<mark>&lt;</mark>y"


def test_question_terms_chinese_and_english():
    terms = question_terms("电解铝2015年底前要做什么？")
    assert "电解铝" in terms and "2015" in terms
    assert all(len(t) >= 2 for t in terms)
    assert terms == sorted(terms, key=lambda t: (-len(t), t))
    english = question_terms("What applies to electrolytic aluminium by 2015?")
    assert "电解铝" in english  # the Chinese rendering of an English mention
    assert "what" not in english


# ---------------------------------------------------------------------- pyvis
def _small_graph() -> nx.DiGraph:
    graph = nx.DiGraph(focus=IND + "cement")
    graph.add_node(IND + "cement", label="水泥", kind="industry", title="水泥 (cement)", focus=True)
    graph.add_node("p", label="四¶3 s2", kind="provision", modality="prohibition", title="严禁……</script>")
    graph.add_node(AGT + "ndrc", label="发展改革委", kind="agency", title="NDRC")
    graph.add_edge(IND + "cement", "p", relation="concerns")
    graph.add_edge("p", AGT + "ndrc", relation="bears_addressee")
    return graph


def test_vis_data_dashes_bearers_derived_from_addressees():
    from kg.viz import vis_data

    view = vis_data(_small_graph(), {"concerns": "涉及"})
    edges = {(edge["from"], edge["to"]): edge for edge in view["edges"]}
    assert edges["p", AGT + "ndrc"]["dashes"] and not edges[IND + "cement", "p"]["dashes"]
    assert edges[IND + "cement", "p"]["label"] == "涉及"
    titles = {node["id"]: node["title"] for node in view["nodes"]}
    assert titles["p"] == "严禁……</script>"  # data for the component, never pasted into a page


def test_external_resources_finds_links_to_other_hosts():
    page = ('<link href="https://cdn.example.org/x.css" rel="stylesheet" />'
            '<script src="//cdn.example.org/x.js"></script><script>local()</script><a href="/document">')
    assert len(external_resources(page)) == 2


def test_node_style_by_kind_modality_and_focus():
    focus = node_style({"kind": "industry", "focus": True})
    plain = node_style({"kind": "industry"})
    assert focus["size"] > plain["size"] and focus["borderWidth"] > plain["borderWidth"]
    provision = node_style({"kind": "provision", "modality": "encouragement"})
    assert provision["color"] == MODALITY_COLOURS["encouragement"] and provision["shape"] == "box"
    assert "WenQuanYi Micro Hei" in provision["font"]["face"]


# ---------------------------------------------------------------------- options and timeline
def test_concept_options_include_broader_and_explicit_agencies_only():
    lexicon = default_lexicon()
    items = [
        _item("4.p1.s1", industries=[IND + "ironmaking"], bearers=[AGT + "ndrc"], regions=[REG + "hebei"]),
        _item("4.p1.s2", industries=[IND + "clinker"], bearers=[AGT + "financial-institutions"],
              bearer_source="addressees"),
    ]
    industries = [c.iri for c in concept_options(items, lexicon, "industry")]
    assert {IND + "ironmaking", IND + "steel", IND + "clinker", IND + "cement"} <= set(industries)
    assert industries.index(IND + "steel") < industries.index(IND + "ironmaking")  # industries before products
    agencies = {c.iri for c in concept_options(items, lexicon, "agency")}
    assert AGT + "ndrc" in agencies and AGT + "financial-institutions" not in agencies
    assert REG + "hebei" in {c.iri for c in concept_options(items, lexicon, "region")}
    with pytest.raises(ValueError):
        concept_options(items, lexicon, "measure")


def test_timeline_records_from_deadlines_and_dated_targets():
    items = [
        _item("4.p4.s2", industries=[IND + "prebaked-cells"], deadline="2015-12-31", valid_from="2016-01-01"),
        _item("3.3.p1.s3", deadline="2020-12-31"),
        _item("3.3.p1.s9"),  # undated: not on the timeline
    ]
    targets = [
        {"date": "2015-12-31", "kind": "target", "industry": "钢铁", "product": "炼铁", "measure": "再淘汰炼铁",
         "surface": "1500万吨", "sentence": f"{DOC}/3.3.p1.s2", "text": "……炼铁1500万吨……"},
        {"date": None, "kind": "target", "industry": "水泥", "surface": "10%", "sentence": f"{DOC}/4.p3.s4",
         "text": "……"},
    ]
    records = timeline_records(items, targets, kind_labels={"deadline": "条款期限"}, general="通用")
    assert [(r["date"], r["kind"], r["industry"]) for r in records] == [
        ("2015-12-31", "deadline", "电解铝"),
        ("2015-12-31", "target", "钢铁"),
        ("2016-01-01", "valid_from", "电解铝"),
        ("2020-12-31", "deadline", "通用"),
    ]
    assert records[0]["kind_label"] == "条款期限" and records[2]["kind_label"] == "valid_from"
    assert records[1]["what"] == "再淘汰炼铁 1500万吨" and records[1]["id"] == f"{DOC}/3.3.p1.s2"
    english = timeline_records(items[:1], [], lang="en")
    assert english[0]["industry"] == "electrolytic aluminium"


def test_thresholds_and_periods_are_not_targets_on_the_timeline():
    quantity = {"date": "2015-12-31", "kind": "target", "industry": "电解铝", "sentence": f"{DOC}/4.p4.s2", "text": "…"}
    targets = [{**quantity, "role": "threshold", "surface": "16万安培以下"},
               {**quantity, "role": "period", "surface": "5年"},
               {**quantity, "role": "target", "surface": "1500万吨"},
               {**quantity, "kind": "figure", "role": "figure", "surface": "72%"}]
    assert sorted(r["what"] for r in timeline_records([], targets)) == ["1500万吨", "72%"]


def test_timeline_chart_is_a_dated_point_chart_with_tooltips():
    records = timeline_records([_item("4.p4.s2", industries=[IND + "steel"], deadline="2015-12-31")], [])
    spec = timeline_chart(records, titles={"date": "日期"}).to_dict()
    assert spec["mark"]["type"] == "point"
    assert spec["encoding"]["x"]["field"] == "date" and spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["x"]["title"] == "日期"
    assert spec["encoding"]["y"]["field"] == "industry"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"date", "what", "id", "short"}
    assert spec["height"] >= 200


# ---------------------------------------------------------------------- neighbourhoods
def test_neighbourhood_rejects_what_it_cannot_draw():
    with pytest.raises(QueryError):
        neighbourhood(None, "  ")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="neither"):
        neighbourhood(None, "不存在的东西")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="region"):
        neighbourhood(None, "河北")  # type: ignore[arg-type]


@pytest.mark.slow
def test_industry_neighbourhood(store):
    graph = industry_neighbourhood(store, IND + "electrolytic-aluminium")
    focus = IND + "electrolytic-aluminium"
    assert graph.graph["focus"] == focus and graph.nodes[focus]["focus"]
    provision = f"https://w3id.org/policykg/doc/{DOC}/4.p4.s2/provision"
    assert graph.nodes[provision]["kind"] == "provision"
    assert graph.nodes[provision]["citation"] == f"{DOC}/4.p4.s2"
    assert "2015-12-31" in graph.nodes[provision]["label"]
    assert graph.edges[IND + "prebaked-cells", provision]["relation"] == "concerns"
    assert graph.edges[focus, IND + "prebaked-cells"]["relation"] == "narrower"
    surfaces = {a["label"] for _, a in graph.nodes(data=True) if a["kind"] == "quantity"}
    assert "16万安培以下" in surfaces
    # Every provision hangs off the focus or something narrower, and bearers are agencies.
    family = default_lexicon().descendants(focus)
    for node, attrs in graph.nodes(data=True):
        if attrs["kind"] == "provision":
            assert any(source in family for source in graph.predecessors(node))
            assert all(graph.nodes[t]["kind"] == "agency" for t in graph.successors(node))
    assert nx.has_path(graph.to_undirected(), focus, provision)


@pytest.mark.slow
def test_industry_neighbourhood_is_capped(store):
    graph = industry_neighbourhood(store, IND + "steel", max_provisions=3)
    assert graph.graph["truncated"] is True
    assert sum(1 for _, a in graph.nodes(data=True) if a["kind"] == "provision") == 3


@pytest.mark.slow
def test_agency_neighbourhood(store):
    graph = neighbourhood(store, "金融机构")
    focus = AGT + "financial-institutions"
    assert graph.graph["focus"] == focus
    provision = f"https://w3id.org/policykg/doc/{DOC}/6.p1.s4/provision"  # 金融部门要改进和加强信贷管理
    assert graph.edges[focus, provision]["relation"] == "bears"
    explicit = agency_neighbourhood(store, focus, explicit_only=True)
    assert all(a["relation"] == "bears" for _, _, a in explicit.edges(data=True) if a["relation"].startswith("bears"))


@pytest.mark.slow
def test_provision_neighbourhood(store):
    graph = provision_neighbourhood(store, f"{DOC}/4.p4.s2")
    focus = graph.graph["focus"]
    assert focus.endswith("/4.p4.s2/provision") and graph.nodes[focus]["focus"]
    relations = {(graph.nodes[t]["kind"], a["relation"]) for _, t, a in graph.out_edges(focus, data=True)}
    assert ("industry", "concerns") in relations
    assert ("quantity", "quantity") in relations
    assert ("section", "in_section") in relations
    assert {"16万安培以下", "13700千瓦时"} <= {a["label"] for _, a in graph.nodes(data=True)}
    assert neighbourhood(store, f"{DOC}/4.p4.s2/provision").number_of_nodes() == graph.number_of_nodes()
    with pytest.raises(QueryError):
        provision_neighbourhood(store, f"{DOC}/99.p9.s9")
    with pytest.raises(QueryError):
        provision_neighbourhood(store, "no-slash")


# ---------------------------------------------------------------------- the app's clickable graph
def test_vis_data_labels_every_edge_and_seeds_the_layout(store) -> None:
    from kg.viz import vis_data

    graph = industry_neighbourhood(store, f"{IND}electrolytic-aluminium", default_lexicon())
    view = vis_data(graph, {"concerns": "涉及"})
    assert {node["id"] for node in view["nodes"]} == set(graph.nodes)
    assert len(view["edges"]) == graph.number_of_edges()
    assert all(edge["label"] for edge in view["edges"])
    assert any(edge["label"] == "涉及" for edge in view["edges"])
    assert view["options"]["layout"]["randomSeed"] == vis_data(graph)["options"]["layout"]["randomSeed"]


def test_expanding_a_node_joins_its_neighbourhood_and_keeps_one_focus(store) -> None:
    from kg.viz import expanded_neighbourhood, expansion_key

    lexicon = default_lexicon()
    focus = f"{IND}electrolytic-aluminium"
    base = expanded_neighbourhood(store, focus, (), lexicon)
    provision = next(node for node, attrs in base.nodes(data=True) if attrs.get("kind") == "provision")
    citation = expansion_key(base, provision)
    assert citation and "/" in citation and not citation.startswith("http")
    grown = expanded_neighbourhood(store, focus, (citation,), lexicon)
    assert set(base.nodes) < set(grown.nodes)  # the provision's section, bearers and figures join
    assert [node for node, attrs in grown.nodes(data=True) if attrs.get("focus")] == [focus]
    assert grown.nodes[provision].get("expanded")
    figure = next(node for node, attrs in grown.nodes(data=True) if attrs.get("kind") == "quantity")
    assert expansion_key(grown, figure) is None  # a figure has no neighbourhood of its own
    assert expansion_key(grown, "no such node") is None
