"""PolicyKG · 政策知识图谱 — the Streamlit app's entry point.

``streamlit run app.py`` (after ``policykg build``). It sets the page up, draws the language switch
and the navigation; each page is a file under ``app_pages/`` (ask a question with cited evidence,
browse provisions with a timeline, explore the graph, export checklists, read the documents with
citable ids, query the store with read-only SPARQL). Shared widgets, caches and helpers live in
``kg/ui/``; UI strings in the language catalogue (``kg/resources/i18n/*.toml``, section ``ui``).

The data folder is ``POLICYKG_DATA`` (default ``var/``). The URL holds the view (``/browse?lang=en&
industry=水泥``): a link reproduces it, a reload keeps it (:mod:`kg.ui.urlstate`). A link may also name
the page as a parameter (``/?page=document&doc=epl-2014&s=art70.p1.s1``): it opens that page with
the other parameters.
"""

from __future__ import annotations

import streamlit as st

from kg.ui.chrome import PAGE_ICONS, PAGES, TITLE
from kg.ui.state import LANGUAGES, lang, tr

st.set_page_config(page_title=TITLE, page_icon="📜", layout="wide")
if st.session_state.get("lang") not in LANGUAGES:
    st.session_state["lang"] = lang()  # a fresh session takes the URL's language (?lang=en)
with st.sidebar:
    st.radio(tr("language"), LANGUAGES, key="lang", horizontal=True,
             format_func=lambda code: {"zh": "中文", "en": "English"}[code])
navigation = st.navigation([st.Page(f"app_pages/{name}.py", title=tr(f"page_{name}"), icon=PAGE_ICONS[name],
                                    url_path=name, default=name == PAGES[0]) for name in PAGES])
requested = st.query_params.get("page")
if requested in PAGES:
    # A link that names its page as a parameter is sent to the page's own path, keeping the rest.
    kept = {key: value for key, value in st.query_params.to_dict().items() if key != "page"}
    st.switch_page(f"app_pages/{requested}.py", query_params=kept)
navigation.run()
