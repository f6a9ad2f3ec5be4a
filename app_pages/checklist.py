"""Checklist: provisions chosen by filters (applied together, in a form), previewed and exported.

The downloads are made from the same list as the preview, so a download always equals the screen;
all four (CSV, JSON, Excel, Markdown) are in the UI's language (:mod:`kg.exports`).
"""

import streamlit as st

from kg import exports
from kg.checklist import build_checklist
from kg.ui.cache import get_citations, get_documents, get_lexicon, get_provisions
from kg.ui.chrome import run_page
from kg.ui.state import lang, tr
from kg.ui.urlstate import adopt_filters, publish_filters
from kg.ui.widgets import filter_widgets, remember_filters, show_provisions

#: Each download: file extension, label key, MIME type, writer.
FORMATS = (("csv", "download_csv", "text/csv", exports.to_csv),
           ("json", "download_json", "application/json", exports.to_json),
           ("xlsx", "download_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            exports.to_xlsx),
           ("md", "download_md", "text/markdown", exports.to_markdown))


def page(data: str) -> None:
    st.subheader(tr("checklist_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    language = lang()
    adopt_filters("check", include_open=True)
    with st.form("check_form", border=True):
        filters = filter_widgets("check", provisions, lexicon, in_form=True)
        st.form_submit_button(tr("apply_filters"), type="primary", key="check_apply", on_click=remember_filters,
                              args=("check",), icon=":material/filter_alt:")
    publish_filters("check", filters)
    items = build_checklist(filters, provisions=provisions)
    dated = sum(1 for item in items if item.deadline)
    slug = "-".join(p for p in ("checklist", filters.industry, filters.agency, filters.region, filters.modality,
                                filters.by) if p)
    citations = {item.id: c.en if language == "en" else c.zh
                 for item in items if (c := get_citations(data).get(item.id))}
    head = exports.header(filters, lexicon, language, data.rstrip("/").rsplit("/", 1)[-1],
                          documents=exports.document_names(items, get_documents(data), language))
    rows = exports.records(items, lexicon, language, citations)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption(tr("n_items_dated", n=len(items), dated=dated, undated=len(items) - dated))
        for fmt, key, mime, write in FORMATS:
            st.download_button(tr(key), data=write(head, rows, language), file_name=f"{slug}.{fmt}",
                               mime=mime, key=f"dl_{fmt}", on_click="ignore", icon=":material/download:")
    st.markdown(f"##### {tr('preview')}")
    show_provisions(data, items, lexicon, key="check_table")


run_page("checklist", page)
