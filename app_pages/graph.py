"""Graph: an industry's, an agency's or a provision's neighbourhood in the knowledge graph."""

import html

import streamlit as st

from kg.checklist import MODALITIES
from kg.ui.cache import get_lexicon, get_provisions, graph_page_html
from kg.ui.chrome import run_page
from kg.ui.state import formatter, lang, localized, modality_name, tr
from kg.viz import KIND_COLOURS, MODALITY_COLOURS, concept_label, concept_options

DEFAULT_INDUSTRY = "https://w3id.org/policykg/industry/electrolytic-aluminium"
DEFAULT_PROVISION = "guofa-2013-41/4.p4.s2"
RELATIONS = ("concerns", "bears", "bears_addressee", "narrower", "region", "uses", "quantity", "in_section")


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
    relations = tuple((k, tr(f"rel_{k}")) for k in RELATIONS)
    page_html, nodes, edges, truncated = graph_page_html(data, entity, lang(), relations)
    legend = [(tr("kind_industry"), KIND_COLOURS["industry"]), (tr("kind_agency"), KIND_COLOURS["agency"]),
              (tr("region"), KIND_COLOURS["region"]), (tr("legend_measure"), KIND_COLOURS["measure"]),
              (tr("legend_quantity"), KIND_COLOURS["quantity"]), (tr("legend_section"), KIND_COLOURS["section"])]
    legend += [(modality_name(m), MODALITY_COLOURS[m]) for m in MODALITIES]
    st.markdown("<div class='pkg-legend pkg-meta'>" + "".join(
        f"<span class='dot' style='background:{colour}'></span>{html.escape(name)}" for name, colour in legend)
        + "</div>", unsafe_allow_html=True)
    st.iframe(page_html, height=660)
    st.caption(tr("graph_caption", nodes=nodes, edges=edges))
    if truncated:
        st.info(tr("graph_truncated", n=60))


run_page("graph", page)
