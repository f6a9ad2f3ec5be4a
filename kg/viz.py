"""Helpers behind the Streamlit app: entity neighbourhoods, interactive graph HTML, timelines, highlighting.

Everything here is independent of Streamlit so it can be unit-tested:

* :func:`neighbourhood` builds a small :class:`networkx.DiGraph` around an industry, an agency or a
  provision straight from the store (SPARQL through :class:`~kg.graph.store.GraphStore`);
* :func:`vis_data` turns it into vis-network's nodes, edges and options, which the app's graph component
  (:mod:`kg.ui.graph_view`) draws with the vis-network that pyvis ships, so the graph renders offline;
* :func:`timeline_records` and :func:`timeline_chart` put provision deadlines and dated quantities
  on one Altair timeline;
* :func:`question_terms` and :func:`highlight` mark a question's terms in evidence sentences.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.enums import QuantityKind, QuantityRole
from kg.errors import QueryError
from kg.extract.lexicon import Concept, Lexicon, default_lexicon
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, rows
from kg.queries import to_term

if TYPE_CHECKING:
    import altair as alt

    from kg.checklist import ChecklistItem

DOC_BASE = "https://w3id.org/policykg/doc/"
#: Node colours by kind (provisions are coloured by modality instead).
KIND_COLOURS: dict[str, str] = {
    "industry": "#e67e22",
    "agency": "#2e86de",
    "region": "#27ae60",
    "measure": "#8e44ad",
    "quantity": "#7f8c8d",
    "section": "#34495e",
}
MODALITY_COLOURS: dict[str, str] = {
    "obligation": "#c0392b",
    "prohibition": "#6e2c00",
    "permission": "#16a085",
    "encouragement": "#d4ac0d",
}
KIND_SHAPES: dict[str, str] = {
    "industry": "dot",
    "agency": "dot",
    "region": "dot",
    "measure": "dot",
    "provision": "box",
    "quantity": "diamond",
    "section": "box",
}
#: Default relation labels (the app passes its own, per UI language).
RELATIONS: dict[str, str] = {
    "concerns": "concerns",
    "bears": "bears",
    "bears_addressee": "bears (addressee)",
    "narrower": "narrower",
    "region": "region",
    "uses": "uses",
    "quantity": "quantity",
    "in_section": "in section",
}
#: Timeline kinds in legend order, with their colour and point shape.
TIMELINE_KINDS: dict[str, tuple[str, str]] = {
    "deadline": ("#c0392b", "circle"),
    "valid_from": ("#16a085", "cross"),
    "target": ("#2e86de", "square"),
    "figure": ("#7f8c8d", "triangle-up"),
}
_CJK_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](https?:)?//[^"']*["']""", re.IGNORECASE)


# ---------------------------------------------------------------------- labels and options
def concept_label(concept: Concept, lang: str = "zh") -> str:
    """The concept's label in the UI language, falling back to the other language."""
    if lang == "en":
        return concept.label_en or concept.label_zh
    return concept.label_zh or concept.label_en


def iri_label(lexicon: Lexicon, iri: str, lang: str = "zh") -> str:
    concept = lexicon.concepts.get(iri)
    return concept_label(concept, lang) if concept else iri.rsplit("/", 1)[-1]


def concept_options(items: Iterable[ChecklistItem], lexicon: Lexicon, kind: str,
                    *, with_broader: bool = True) -> list[Concept]:
    """Concepts of ``kind`` that provisions actually concern (or bear), plus what is broader than them.

    Industries and regions come from what provisions concern; agencies from explicitly named bearers
    (the agency filter of :func:`kg.checklist.build_checklist` only keeps those). Broader concepts are
    included because a filter on 钢铁 matches a provision about 炼铁. Industries (钢铁, 水泥 …) come
    first, then groups, then products; within each, the most frequent first.
    """
    if kind not in ("industry", "agency", "region"):
        raise ValueError(f"kind must be industry, agency or region, not {kind!r}")
    counts: dict[str, int] = {}
    for item in items:
        if kind == "industry":
            found = item.industry_iris
        elif kind == "region":
            found = item.region_iris
        else:
            found = item.bearer_iris if item.bearer_source == "explicit" else []
        expanded = {a for iri in found for a in (lexicon.ancestors(iri) if with_broader else [iri])} | set(found)
        for iri in expanded:
            counts[iri] = counts.get(iri, 0) + 1

    def rank(concept: Concept) -> tuple[int, int, str]:
        tier = 0 if lexicon.is_top_industry(concept.iri) else 1 if concept.is_group else 2
        return (tier if kind == "industry" else 0, -counts[concept.iri], concept.label_zh)

    concepts = [lexicon.concepts[i] for i in counts if i in lexicon.concepts and lexicon.concepts[i].kind == kind]
    return sorted(concepts, key=rank)


# ---------------------------------------------------------------------- neighbourhoods
_INDUSTRY_QUERY = """
SELECT DISTINCT ?focus ?provision ?docId ?cite ?label ?text ?modality ?deadline ?concerned ?bearer ?bearerSource
       ?order
WHERE {
  ?provision a pkg:Provision ; pkg:concernsIndustry ?concerned ; prov:wasDerivedFrom ?sentence ;
             pkg:modality ?modality .
  ?concerned skos:broader* ?focus .
  ?sentence pkg:localId ?cite ; rdfs:label ?label ; pkg:text ?text ; pkg:order ?order ; eli:is_member_of ?doc .
  ?doc pkg:localId ?docId .
  OPTIONAL { ?provision pkg:bearer ?bearer ; pkg:bearerSource ?bearerSource }
  OPTIONAL { ?provision pkg:deadline ?deadline }
}
ORDER BY ?order
"""
_INDUSTRY_QUANTITIES = """
SELECT DISTINCT ?focus ?quantity ?industry ?surface ?measure ?date ?kind ?docId ?cite
WHERE {
  ?quantity a pkg:Quantity ; pkg:industry ?industry ; pkg:surface ?surface ; pkg:quantityKind ?kind ;
            prov:wasDerivedFrom ?sentence .
  ?industry skos:broader* ?focus .
  ?sentence pkg:localId ?cite ; eli:is_member_of ?doc .
  ?doc pkg:localId ?docId .
  OPTIONAL { ?quantity pkg:measure ?measure }
  OPTIONAL { ?quantity pkg:onDate ?date }
}
"""
_AGENCY_QUERY = """
SELECT DISTINCT ?focus ?provision ?docId ?cite ?label ?text ?modality ?deadline ?bearer ?bearerSource ?industry
       ?order
WHERE {
  ?provision a pkg:Provision ; pkg:bearer ?bearer ; pkg:bearerSource ?bearerSource ; prov:wasDerivedFrom ?sentence ;
             pkg:modality ?modality .
  ?bearer skos:broader* ?focus .
  ?sentence pkg:localId ?cite ; rdfs:label ?label ; pkg:text ?text ; pkg:order ?order ; eli:is_member_of ?doc .
  ?doc pkg:localId ?docId .
  OPTIONAL { ?provision pkg:concernsIndustry ?industry }
  OPTIONAL { ?provision pkg:deadline ?deadline }
}
ORDER BY ?order
"""
_PROVISION_QUERY = """
SELECT ?provision ?cite ?label ?text ?modality ?deadline ?section ?paragraph ?relation ?target
WHERE {
  ?provision a pkg:Provision ; prov:wasDerivedFrom ?sentence ; pkg:modality ?modality .
  ?sentence pkg:localId ?cite ; rdfs:label ?label ; pkg:text ?text ; pkg:sectionPath ?section ;
            eli:is_part_of ?paragraph .
  OPTIONAL { ?provision pkg:deadline ?deadline }
  OPTIONAL {
    { ?provision pkg:bearer ?target . BIND("bears" AS ?relation) }
    UNION { ?provision pkg:concernsIndustry ?target . BIND("concerns" AS ?relation) }
    UNION { ?provision pkg:concernsRegion ?target . BIND("region" AS ?relation) }
    UNION { ?provision pkg:usesMeasure ?target . BIND("uses" AS ?relation) }
  }
}
"""
_PROVISION_EXTRAS = """
SELECT ?provision ?bearerSource ?quantity ?surface ?measure ?date ?sectionNode ?sectionLabel ?sectionTitle
WHERE {
  ?provision pkg:bearerSource ?bearerSource ; prov:wasDerivedFrom ?sentence .
  ?sentence eli:is_part_of ?paragraph .
  OPTIONAL { ?paragraph eli:is_part_of ?sectionNode . ?sectionNode a pkg:Section ; rdfs:label ?sectionLabel ;
             eli:title ?sectionTitle }
  OPTIONAL { ?quantity a pkg:Quantity ; prov:wasDerivedFrom ?sentence ; pkg:surface ?surface .
             OPTIONAL { ?quantity pkg:measure ?measure } OPTIONAL { ?quantity pkg:onDate ?date } }
}
"""


DUE = {"zh": "期限", "en": "due"}


def _provision_node(graph: nx.DiGraph, row: Mapping[str, object], max_text: int = 160, lang: str = "zh") -> str:
    node = str(row["provision"])
    deadline = row.get("deadline")
    label = str(row["label"]) + (f"\n{DUE.get(lang, 'due')} {deadline}" if deadline else "")
    text = str(row["text"])
    title = f"{row['label']} · {citation_id(str(row['docId']), str(row['cite']))}\n" + (
        text if len(text) <= max_text else text[: max_text - 1] + "…")
    graph.add_node(node, label=label, kind="provision", modality=str(row["modality"]), title=title,
                   citation=citation_id(str(row["docId"]), str(row["cite"])), deadline=deadline)
    return node


def _concept_node(graph: nx.DiGraph, lexicon: Lexicon, iri: str, lang: str) -> str:
    concept = lexicon.concepts.get(iri)
    kind = concept.kind if concept else "measure"
    if iri not in graph:
        other = (concept.label_en if lang == "zh" else concept.label_zh) if concept else ""
        graph.add_node(iri, label=iri_label(lexicon, iri, lang), kind=kind,
                       title=f"{iri_label(lexicon, iri, lang)}" + (f" ({other})" if other else "") + f"\n{iri}")
    return iri


def _focus_graph(lexicon: Lexicon, iri: str, lang: str) -> nx.DiGraph:
    """A neighbourhood graph holding only its focus concept so far."""
    graph = nx.DiGraph(focus=iri, truncated=False)
    _concept_node(graph, lexicon, iri, lang)
    graph.nodes[iri]["focus"] = True
    return graph


def _first_provisions(graph: nx.DiGraph, found: list[dict], limit: int) -> list[dict]:
    """The rows of the first ``limit`` provisions (in query order); marks the graph truncated if more."""
    provisions = list(dict.fromkeys(str(r["provision"]) for r in found))
    kept = set(provisions[:limit])
    graph.graph["truncated"] = len(provisions) > limit
    return [row for row in found if str(row["provision"]) in kept]


def industry_neighbourhood(store: GraphStore, iri: str, lexicon: Lexicon | None = None, *, lang: str = "zh",
                           max_provisions: int = 60, with_quantities: bool = True) -> nx.DiGraph:
    """An industry → the provisions concerning it (or a narrower product) → their bearers; plus its quantities.

    A provision about a narrower concept (熟料 under 水泥) hangs off that concept, which links to the focus
    with a ``narrower`` edge.
    """
    lexicon = lexicon or default_lexicon()
    graph = _focus_graph(lexicon, iri, lang)
    family = lexicon.descendants(iri)
    found = rows(store.query(_INDUSTRY_QUERY, {"focus": to_term(iri, "iri")}))
    for row in _first_provisions(graph, found, max_provisions):
        node = _provision_node(graph, row, lang=lang)
        concerned = str(row["concerned"])
        _link_narrower(graph, lexicon, concerned, iri, family, lang)
        graph.add_edge(concerned, node, relation="concerns")
        if row["bearer"]:
            bearer = _concept_node(graph, lexicon, str(row["bearer"]), lang)
            relation = "bears" if row["bearerSource"] == "explicit" else "bears_addressee"
            graph.add_edge(node, bearer, relation=relation)
    if with_quantities:
        for row in rows(store.query(_INDUSTRY_QUANTITIES, {"focus": to_term(iri, "iri")})):
            node = str(row["quantity"])
            industry = str(row["industry"])
            _link_narrower(graph, lexicon, industry, iri, family, lang)
            when = f" · {row['date']}" if row["date"] else ""
            graph.add_node(node, label=f"{row['surface']}", kind="quantity",
                           title=f"{row['measure'] or ''} {row['surface']}{when}\n"
                                 f"{citation_id(str(row['docId']), str(row['cite']))} ({row['kind']})")
            graph.add_edge(industry, node, relation="quantity")
    return graph


def _link_narrower(graph: nx.DiGraph, lexicon: Lexicon, concept: str, focus: str, family: set[str],
                   lang: str) -> None:
    """Connect a narrower concept to the focus through its chain of broader concepts within ``family``."""
    if concept == focus:
        return
    _concept_node(graph, lexicon, concept, lang)
    previous = concept
    for broader in lexicon.ancestors(concept)[1:]:
        if broader not in family:
            continue
        _concept_node(graph, lexicon, broader, lang)
        if not graph.has_edge(broader, previous):
            graph.add_edge(broader, previous, relation="narrower")
        previous = broader
        if broader == focus:
            break


def agency_neighbourhood(store: GraphStore, iri: str, lexicon: Lexicon | None = None, *, lang: str = "zh",
                         max_provisions: int = 60, explicit_only: bool = False) -> nx.DiGraph:
    """An agency (or a narrower one) → the provisions it bears → the industries they concern."""
    lexicon = lexicon or default_lexicon()
    graph = _focus_graph(lexicon, iri, lang)
    found = rows(store.query(_AGENCY_QUERY, {"focus": to_term(iri, "iri")}))
    if explicit_only:
        found = [r for r in found if r["bearerSource"] == "explicit"]
    for row in _first_provisions(graph, found, max_provisions):
        node = _provision_node(graph, row, lang=lang)
        bearer = str(row["bearer"])
        if bearer != iri:
            _concept_node(graph, lexicon, bearer, lang)
            if not graph.has_edge(iri, bearer):
                graph.add_edge(iri, bearer, relation="narrower")
        relation = "bears" if row["bearerSource"] == "explicit" else "bears_addressee"
        graph.add_edge(bearer, node, relation=relation)
        if row["industry"]:
            industry = _concept_node(graph, lexicon, str(row["industry"]), lang)
            graph.add_edge(node, industry, relation="concerns")
    return graph


def provision_neighbourhood(store: GraphStore, citation: str, lexicon: Lexicon | None = None, *,
                            lang: str = "zh") -> nx.DiGraph:
    """A provision (cited by its sentence id) → its bearers, industries, regions, measures, quantities, section."""
    lexicon = lexicon or default_lexicon()
    cleaned = citation.strip().removesuffix("/provision")
    if "/" not in cleaned:
        raise QueryError(f"citation {citation!r} should look like DOC/ID, e.g. guofa-2013-41/4.p4.s2")
    provision = f"{DOC_BASE}{cleaned}/provision"
    bindings = {"provision": to_term(provision, "iri")}
    found = rows(store.query(_PROVISION_QUERY, bindings))
    if not found:
        raise QueryError(f"no provision derived from sentence {citation!r} in the store")
    graph = nx.DiGraph(focus=provision, truncated=False)
    doc_id = cleaned.split("/", 1)[0]
    first = {**found[0], "provision": provision, "docId": doc_id}
    node = _provision_node(graph, first, max_text=400, lang=lang)
    graph.nodes[node]["focus"] = True
    extras = rows(store.query(_PROVISION_EXTRAS, bindings))
    explicit = any(r["bearerSource"] == "explicit" for r in extras)
    for row in found:
        if not row["target"]:
            continue
        target = _concept_node(graph, lexicon, str(row["target"]), lang)
        relation = str(row["relation"])
        if relation == "bears" and not explicit:
            relation = "bears_addressee"
        graph.add_edge(node, target, relation=relation)
    for row in extras:
        if row["sectionNode"] and row["sectionNode"] not in graph:
            title = str(row["sectionTitle"] or row["sectionLabel"])
            graph.add_node(str(row["sectionNode"]), label=title if len(title) <= 16 else title[:15] + "…",
                           kind="section",
                           title=f"{row['sectionTitle']}\n{found[0]['section']}")
        if row["sectionNode"]:
            graph.add_edge(node, str(row["sectionNode"]), relation="in_section")
        if row["quantity"]:
            when = f" · {row['date']}" if row["date"] else ""
            graph.add_node(str(row["quantity"]), label=str(row["surface"]), kind="quantity",
                           title=f"{row['measure'] or ''} {row['surface']}{when}")
            graph.add_edge(node, str(row["quantity"]), relation="quantity")
    return graph


def neighbourhood(store: GraphStore, entity: str, lexicon: Lexicon | None = None, *, lang: str = "zh",
                  max_provisions: int = 60) -> nx.DiGraph:
    """Dispatch on what ``entity`` is: a citation id (``DOC/ID``), or an industry or agency (label, alias, IRI)."""
    lexicon = lexicon or default_lexicon()
    entity = entity.strip()
    if not entity:
        raise QueryError("choose an industry, an agency or a provision")
    if not entity.startswith("http") and "/" in entity:
        return provision_neighbourhood(store, entity, lexicon, lang=lang)
    if entity.startswith(DOC_BASE):
        return provision_neighbourhood(store, entity.removeprefix(DOC_BASE), lexicon, lang=lang)
    concept = lexicon.resolve(entity)
    if concept is None:
        raise QueryError(f"{entity!r} is neither a known industry or agency nor a citation id")
    if concept.kind == "industry":
        return industry_neighbourhood(store, concept.iri, lexicon, lang=lang, max_provisions=max_provisions)
    if concept.kind == "agency":
        return agency_neighbourhood(store, concept.iri, lexicon, lang=lang, max_provisions=max_provisions)
    raise QueryError(f"{entity!r} is a {concept.kind}; choose an industry, an agency or a provision")


# ---------------------------------------------------------------------- vis-network
def node_style(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """vis.js styling of a node from its ``kind`` (and ``modality`` for provisions)."""
    kind = str(attrs.get("kind", "measure"))
    colour = MODALITY_COLOURS.get(str(attrs.get("modality")), "#c0392b") if kind == "provision" \
        else KIND_COLOURS.get(kind, "#95a5a6")
    focus = bool(attrs.get("focus"))
    style: dict[str, Any] = {
        "color": colour,
        "shape": KIND_SHAPES.get(kind, "dot"),
        "size": 30 if focus else (12 if kind == "quantity" else 18),
        "borderWidth": 4 if focus else (3 if attrs.get("expanded") else 1),
    }
    if style["shape"] == "box":
        style["font"] = {"color": "#ffffff", "face": _CJK_FONT, "size": 16 if focus else 14}
    else:
        style["font"] = {"face": _CJK_FONT, "size": 20 if focus else 15}
    return style


def vis_options(physics: bool = True) -> dict[str, Any]:
    """vis-network options of every graph drawn: a seeded layout, so a graph is drawn the same way each time."""
    return {
        "layout": {"randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 130, "avoidOverlap": 1},
            "stabilization": {"enabled": True, "iterations": 300, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "edges": {"smooth": {"enabled": True, "type": "continuous"}, "font": {"size": 11, "face": _CJK_FONT}},
        "nodes": {"font": {"face": _CJK_FONT}},
    }


def vis_data(graph: nx.DiGraph, relation_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The graph as vis-network's own data (nodes, edges, options) for the app's clickable graph view."""
    labels = {**RELATIONS, **(relation_labels or {})}
    nodes = [{"id": str(node), "label": str(attrs.get("label", node)), "title": str(attrs.get("title", node)),
              **node_style(attrs)} for node, attrs in graph.nodes(data=True)]
    edges = []
    for source, target, attrs in graph.edges(data=True):
        relation = str(attrs.get("relation", ""))
        edges.append({"from": str(source), "to": str(target), "title": labels.get(relation, relation),
                      "label": labels.get(relation, relation), "font": {"size": 10, "color": "#5b6475",
                                                                        "strokeWidth": 3, "align": "middle"},
                      "dashes": relation == "bears_addressee", "arrows": "to",
                      "color": "#b0b7c3" if relation == "bears_addressee" else "#7a869a"})
    return {"nodes": nodes, "edges": edges, "options": vis_options()}


def expanded_neighbourhood(store: GraphStore, entity: str, expanded: Iterable[str], lexicon: Lexicon | None = None,
                           *, lang: str = "zh", max_provisions: int = 60) -> nx.DiGraph:
    """``entity``'s neighbourhood joined with that of each node the user expanded (a provision by its citation
    id, an industry or agency by its IRI). Only ``entity`` stays the focus; an expanded node is marked so."""
    lexicon = lexicon or default_lexicon()
    graph = neighbourhood(store, entity, lexicon, lang=lang, max_provisions=max_provisions)
    focus = graph.graph.get("focus")
    for node in expanded:
        more = neighbourhood(store, node, lexicon, lang=lang, max_provisions=max_provisions)
        truncated = graph.graph.get("truncated", False) or more.graph.get("truncated", False)
        graph = nx.compose(graph, more)
        graph.graph.update(focus=focus, truncated=truncated)
        for name, attrs in graph.nodes(data=True):
            attrs["focus"] = name == focus
        graph.nodes[more.graph["focus"]]["expanded"] = True
    return graph


def expansion_key(graph: nx.DiGraph, node: str) -> str | None:
    """What :func:`neighbourhood` takes to expand ``node`` (a provision's citation id, an industry's or an
    agency's IRI), or None for a node that has no neighbourhood of its own (a figure, a section, a region)."""
    attrs = graph.nodes.get(node)
    if attrs is None:
        return None
    if attrs.get("kind") == "provision":
        return str(attrs.get("citation")) or None
    if attrs.get("kind") in ("industry", "agency"):
        return node
    return None


def external_resources(page: str) -> list[str]:
    """``src=``/``href=`` attributes pointing at another host: an offline page has none."""
    return [m.group(0) for m in _EXTERNAL.finditer(page)]


# ---------------------------------------------------------------------- timeline
def _top_labels(lexicon: Lexicon, iris: Iterable[str], lang: str) -> list[str]:
    labels: list[str] = []
    for iri in iris:
        top = lexicon.top_industry(iri) or iri
        label = iri_label(lexicon, top, lang)
        if label not in labels:
            labels.append(label)
    return labels


def plotted_quantity(quantity: Mapping[str, Any]) -> bool:
    """Whether a dated quantity is a point of the timeline: a target to reach or a reported figure.

    A threshold (16万安培以下: which pots are meant) and a period (通过5年努力) are kind ``target`` in
    the graph but are not targets, so they are not counted as such. A record without a role is taken
    at its kind's word.
    """
    kind = str(quantity.get("kind") or QuantityKind.TARGET)
    return str(quantity.get("role") or kind) == kind and kind in (QuantityRole.TARGET, QuantityRole.FIGURE)


def timeline_records(items: Iterable[ChecklistItem], targets: Iterable[Mapping[str, Any]],
                     lexicon: Lexicon | None = None, *, lang: str = "zh",
                     kind_labels: Mapping[str, str] | None = None, general: str = "通用") -> list[dict[str, Any]]:
    """One point per (dated fact, industry): provision deadlines and start dates, dated targets and figures.

    ``kind`` is one of ``deadline``, ``valid_from``, ``target``, ``figure`` (``kind_label`` its display
    name); ``industry`` is the top industry (炼铁 → 钢铁), or ``general`` when none is named.
    """
    lexicon = lexicon or default_lexicon()
    names = dict(kind_labels or {})
    records: list[dict[str, Any]] = []
    for item in items:
        industries = _top_labels(lexicon, item.industry_iris, lang) or [general]
        for kind, day in (("deadline", item.deadline), ("valid_from", item.valid_from)):
            if not day:
                continue
            for industry in industries:
                records.append({"date": str(day), "kind": kind, "kind_label": names.get(kind, kind),
                                "industry": industry, "what": item.action or item.text, "label": item.label,
                                "id": item.id, "text": item.text})
    for target in targets:
        if not target.get("date") or not plotted_quantity(target):
            continue
        concept = lexicon.resolve(str(target["industry"]), "industry") if target.get("industry") else None
        industry = _top_labels(lexicon, [concept.iri], lang)[0] if concept else general
        kind = str(target.get("kind") or "target")
        what = " ".join(str(p) for p in (target.get("measure"), target.get("surface")) if p)
        records.append({"date": str(target["date"]), "kind": kind, "kind_label": names.get(kind, kind),
                        "industry": industry, "what": what, "label": str(target["sentence"]).split("/", 1)[-1],
                        "id": str(target["sentence"]), "text": str(target["text"])})
    records.sort(key=lambda r: (r["date"], r["industry"], r["kind"]))
    return records


def timeline_chart(records: Sequence[Mapping[str, Any]], *, titles: Mapping[str, str] | None = None,
                   height: int | None = None) -> alt.Chart:
    """An Altair timeline: x = date, y = industry, colour and shape = kind, tooltip with the sentence."""
    import altair as alt
    import pandas as pd

    t = {"date": "date", "industry": "industry", "kind": "kind", "what": "what", "id": "id", "text": "text",
         **(titles or {})}
    frame = pd.DataFrame(list(records), columns=["date", "kind", "kind_label", "industry", "what", "label", "id",
                                                 "text"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["short"] = frame["text"].map(lambda s: s if len(s) <= 90 else s[:89] + "…")
    rows_count = max(1, frame["industry"].nunique())
    # Fixed colours and shapes per kind, whatever the UI language calls it.
    labels = [(kind, label) for kind in TIMELINE_KINDS
              for label in dict.fromkeys(frame.loc[frame["kind"] == kind, "kind_label"])]
    labels += [(k, lab) for k, lab in dict.fromkeys(zip(frame["kind"], frame["kind_label"], strict=True))
               if k not in TIMELINE_KINDS]
    domain = [label for _, label in labels]
    colours = [TIMELINE_KINDS.get(kind, ("#95a5a6", "circle"))[0] for kind, _ in labels]
    shapes = [TIMELINE_KINDS.get(kind, ("#95a5a6", "circle"))[1] for kind, _ in labels]
    base = alt.Chart(frame)
    points = base.mark_point(size=160, filled=True, opacity=0.9).encode(
        x=alt.X("date:T", title=t["date"], axis=alt.Axis(format="%Y-%m", labelAngle=0)),
        y=alt.Y("industry:N", title=t["industry"], sort="ascending", axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset("kind_label:N"),
        color=alt.Color("kind_label:N", title=t["kind"], legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=domain, range=colours)),
        shape=alt.Shape("kind_label:N", title=t["kind"], legend=None, scale=alt.Scale(domain=domain, range=shapes)),
        tooltip=[alt.Tooltip("date:T", title=t["date"], format="%Y-%m-%d"),
                 alt.Tooltip("kind_label:N", title=t["kind"]),
                 alt.Tooltip("industry:N", title=t["industry"]),
                 alt.Tooltip("what:N", title=t["what"]),
                 alt.Tooltip("id:N", title=t["id"]),
                 alt.Tooltip("short:N", title=t["text"])],
    )
    # Vega-Lite's height is the plot area; give every industry row room for the offset kinds.
    return points.properties(height=height or max(200, 64 * rows_count))


# ---------------------------------------------------------------------- highlighting
def question_terms(question: str, lexicon: Lexicon | None = None) -> list[str]:
    """Words of a question worth marking in evidence, longest first.

    Dictionary mentions (all their Chinese forms), Chinese BM25 tokens of two or more characters,
    numbers, and the Chinese renderings of an English question's words.
    """
    from kg.answer.question import parse_question
    from kg.retrieval import analyse_tokens

    lexicon = lexicon or default_lexicon()
    parsed = parse_question(question)
    terms: set[str] = {t for t in parsed.translated if len(t) >= 2}
    for iri in parsed.entities:
        terms.update(form for form, target in lexicon.zh_forms.items() if target == iri and len(form) >= 2)
    for token in analyse_tokens(parsed.search_text):
        # Chinese words of two characters or more, and numbers (years); English words never occur in the text.
        if len(token) >= 2 and (not token.isascii() or token.isdigit()):
            terms.add(token)
    return sorted((t for t in terms if t.strip()), key=lambda t: (-len(t), t))


def highlight(text: str, terms: Iterable[str]) -> str:
    """HTML-escape ``text`` and wrap each occurrence of a term in ``<mark>`` (longest match wins)."""
    wanted = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not wanted:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
