"""Graph: an industry's, an agency's or a provision's neighbourhood in the knowledge graph."""

import html

import streamlit as st

from kg.checklist import MODALITIES
from kg.ui.cache import formal_citation, get_lexicon, get_provisions, graph_page_data
from kg.ui.chrome import run_page
from kg.ui.graph_view import graph_view
from kg.ui.state import formatter, lang, localized, modality_name, tr
from kg.viz import KIND_COLOURS, MODALITY_COLOURS, concept_label, concept_options

DEFAULT_INDUSTRY = "https://w3id.org/policykg/industry/electrolytic-aluminium"
DEFAULT_PROVISION = "guofa-2013-41/4.p4.s2"
RELATIONS = ("concerns", "bears", "bears_addressee", "narrower", "region", "uses", "quantity", "in_section")
#: The catalogue key naming each kind of node.
KIND_NAMES = {"industry": "kind_industry", "agency": "kind_agency", "provision": "kind_provision", "region": "region",
              "measure": "legend_measure", "quantity": "legend_quantity", "section": "legend_section"}


def expand(node: str) -> None:
    expanded = st.session_state.setdefault("graph_expanded", [])
    if node not in expanded:
        expanded.append(node)


def collapse() -> None:
    st.session_state["graph_expanded"] = []


def node_details(data: str, node: dict, entity: str, expanded: tuple[str, ...]) -> None:
    """The clicked node: what it is, its text, where it is cited, and whether it can be expanded."""
    with st.container(border=True, key="graph_details"):
        st.markdown(f"**{html.escape(node['label'].replace(chr(10), ' · '))}** "
                    f"<span class='pkg-meta'>{html.escape(tr(KIND_NAMES.get(node['kind'], 'legend_measure')))}</span>",
                    unsafe_allow_html=True)
        st.text(node["title"])
        if node.get("citation") and (formal := formal_citation(data, node["citation"], lang())):
            st.caption(formal)
        cols = st.columns(3)
        key = node["expand"]
        if key and key != entity and key not in expanded:
            cols[0].button(tr("graph_expand"), key="graph_expand", on_click=expand, args=(key,), type="primary")
        elif key:
            cols[0].caption(tr("graph_is_shown"))
        else:
            cols[0].caption(tr("graph_no_expand"))
        if node.get("citation"):
            doc, _, sentence = node["citation"].partition("/")
            cols[1].page_link("app_pages/document.py", label=tr("graph_open_document"),
                              query_params={"doc": doc, "s": sentence, "lang": lang()})
        if expanded:
            cols[2].button(tr("graph_collapse", n=len(expanded)), key="graph_collapse", on_click=collapse)


def page(data: str) -> None:
    st.subheader(tr("graph_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    cols = st.columns([1, 3])
    with cols[0]:
        kinds = ("industry", "agency", "provision")
        kind = st.radio(tr("entity_kind"), kinds, **localized("graph_kind", kinds, "industry"),
                        format_func=formatter(lambda k, language: tr(f"kind_{k}", language)))
    with cols[1]:
        if kind == "provision":
            by_id = {item.id: item for item in provisions}
            ids = list(by_id)
            entity = st.selectbox(tr("entity"), ids,
                                  **localized("graph_provision", ids, DEFAULT_PROVISION if DEFAULT_PROVISION in ids
                                              else ids[0]),
                                  format_func=lambda i: f"{by_id[i].label} · {by_id[i].text[:48]}…")
        else:
            options = [c.iri for c in concept_options(provisions, lexicon, kind)]
            default = DEFAULT_INDUSTRY if DEFAULT_INDUSTRY in options else (options[0] if options else None)
            entity = st.selectbox(tr("entity"), options, **localized(f"graph_{kind}", options, default),
                                  format_func=formatter(
                                      lambda i, language: concept_label(lexicon.concepts[i], language)))
    if not entity:
        return
    if st.session_state.get("graph_for") != entity:  # another entity: a fresh picture
        st.session_state["graph_for"] = entity
        st.session_state["graph_expanded"] = []
        st.session_state["graph_selected"] = None
    expanded = tuple(st.session_state.get("graph_expanded", []))
    relations = tuple((k, tr(f"rel_{k}")) for k in RELATIONS)
    view, details, truncated = graph_page_data(data, entity, expanded, lang(), relations)
    legend = [(tr("kind_industry"), KIND_COLOURS["industry"]), (tr("kind_agency"), KIND_COLOURS["agency"]),
              (tr("region"), KIND_COLOURS["region"]), (tr("legend_measure"), KIND_COLOURS["measure"]),
              (tr("legend_quantity"), KIND_COLOURS["quantity"]), (tr("legend_section"), KIND_COLOURS["section"])]
    legend += [(modality_name(m), MODALITY_COLOURS[m]) for m in MODALITIES]
    st.markdown("<div class='pkg-legend pkg-meta'>" + "".join(
        f"<span class='dot' style='background:{colour}'></span>{html.escape(name)}" for name, colour in legend)
        + "</div>", unsafe_allow_html=True)
    clicked = graph_view(view, height=640, key="graph_view")
    if clicked in details:
        st.session_state["graph_selected"] = clicked
    st.caption(tr("graph_caption", nodes=len(view["nodes"]), edges=len(view["edges"])))
    if truncated:
        st.info(tr("graph_truncated", n=60))
    selected = st.session_state.get("graph_selected")
    if selected in details:
        node_details(data, details[selected], entity, expanded)
    elif expanded:
        st.button(tr("graph_collapse", n=len(expanded)), key="graph_collapse", on_click=collapse)


run_page("graph", page)
