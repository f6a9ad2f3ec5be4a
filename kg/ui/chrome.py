"""The frame every page is drawn in: title, styles, the data check, the sidebar caption, errors.

``app.py`` (the entry point) adds the language switch and the navigation; a page file run on its
own (``AppTest.from_file("app_pages/ask.py")``) gets the same frame from :func:`run_page`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from kg.errors import PolicyKGError, StoreError
from kg.ui.cache import data_key, get_provisions, get_sentences, get_store, warm_answerer
from kg.ui.state import lang, tr

log = logging.getLogger("policykg.app")

TITLE = "PolicyKG · 政策知识图谱"
PAGES = ("ask", "browse", "graph", "checklist", "document", "sparql")
PAGE_ICONS = {"ask": ":material/question_answer:", "browse": ":material/view_timeline:",
              "graph": ":material/hub:", "checklist": ":material/checklist:", "document": ":material/article:",
              "sparql": ":material/terminal:"}

CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
[data-testid="InputInstructions"] { display: none; }
.st-key-examples { row-gap: 0; }
.st-key-examples button { min-height: 1.9rem; padding: 0.1rem 0.45rem; }
.st-key-examples button p { font-size: 0.9rem; }
.st-key-sparql_text textarea { font-family: "Source Code Pro", "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
.pkg-answer { border-left: 8px solid #1a7f37; background: #eaf6ee; border-radius: 0.6rem;
              padding: 1.1rem 1.4rem 0.9rem 1.4rem; margin: 0.4rem 0 1.2rem 0; }
.pkg-answer-kicker { font-size: 0.85rem; font-weight: 600; letter-spacing: 0.08em; color: #1a7f37;
                     text-transform: uppercase; margin-bottom: 0.25rem; }
.pkg-answer-text { font-size: 1.55rem; line-height: 1.5; font-weight: 650; color: #11261a; }
.pkg-answer-text mark { background: #ffe066; padding: 0 0.15em; border-radius: 0.2em; }
.pkg-answer-sentence { font-size: 1.05rem; line-height: 1.7; margin-top: 0.4rem; }
.pkg-answer-source { font-size: 0.9rem; color: #4a5a50; margin-top: 0.55rem; }
.pkg-answer-source code { font-size: 0.85rem; }
.pkg-ev { font-size: 1.02rem; line-height: 1.7; }
.pkg-ev mark, .pkg-doc mark, .pkg-para mark, .pkg-card mark, .pkg-answer-sentence mark {
  background: #fff0a8; padding: 0 0.1em; border-radius: 0.15em; }
.pkg-meta { font-size: 0.85rem; color: #5f6b7a; }
.pkg-card { border: 1px solid #e3e6ea; border-radius: 0.5rem; padding: 0.6rem 0.9rem; margin: 0 0 0.5rem 0; }
.pkg-card-text { font-size: 1.0rem; line-height: 1.65; margin-bottom: 0.25rem; }
.pkg-cite { font-size: 0.85rem; color: #38414d; margin-top: 0.2rem; }
[class*="st-key-listed_"] .pkg-card { border: none; padding: 0; margin: 0; }
[class*="st-key-listed_"] pre, [class*="st-key-listed_"] pre code { font-size: 0.8rem; }
.pkg-list-h { font-size: 1.2rem; margin: 0.8rem 0 0.2rem 0; }
@media (max-width: 640px) {
  h1 { font-size: 1.7rem !important; }
  .pkg-answer { padding: 0.8rem 0.9rem 0.7rem 0.9rem; border-left-width: 5px; }
  .pkg-answer-text { font-size: 1.1rem; line-height: 1.55; }
}
.pkg-mod { font-weight: 600; padding: 0 0.35em; border-radius: 0.25em; }
.pkg-mod-obligation { background: #e3ecfa; color: #1c4b9c; }
.pkg-mod-prohibition { background: #fbe4e4; color: #9c1c1c; }
.pkg-mod-encouragement { background: #e3f6e8; color: #1a6b34; }
.pkg-mod-permission { background: #f3ecfa; color: #5b2d91; }
.pkg-doc p { margin: 0 0 0.35rem 0; line-height: 1.7; }
.pkg-doc .pkg-h { font-weight: 700; font-size: 1.05rem; margin-top: 0.9rem; }
.pkg-doc .pkg-lbl { color: #5f6b7a; font-size: 0.8rem; margin-right: 0.35rem; }
.pkg-doc code { font-size: 0.75rem; color: #6b4fa0; margin-right: 0.35rem; }
.pkg-doc .pkg-p { margin: 0 0 0.7rem 0; line-height: 1.85; font-size: 1.02rem; }
.pkg-doc h4.pkg-h { margin: 1.0rem 0 0.4rem 0; padding: 0; }
.pkg-doc .pkg-s { scroll-margin-top: 5rem; border-radius: 0.2em; }
.pkg-doc .pkg-s:target, .pkg-doc .pkg-target { background: #ffe08a; box-shadow: 0 0 0 2px #ffe08a; }
.pkg-doc .pkg-sid { color: #8a94a3; font-size: 0.62rem; margin: 0 0.15rem 0 0.05rem; }
.pkg-dochead { border-bottom: 1px solid #e3e6ea; padding: 0.2rem 0 0.5rem 0; margin: 0.6rem 0 0.8rem 0; }
.pkg-doctitle { font-size: 1.45rem; font-weight: 700; line-height: 1.4; }
.pkg-doctitle-en { font-size: 1.0rem; color: #38414d; margin-top: 0.1rem; }
.pkg-matches { font-size: 0.95rem; line-height: 1.6; max-height: 22rem; overflow-y: auto; }
.pkg-para { line-height: 1.8; }
.pkg-legend span.dot { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
                       margin: 0 0.25rem 0 0.8rem; vertical-align: middle; }
</style>
"""


def run_page(name: str, render: Callable[[str], None]) -> None:
    """Draw page ``name``: the frame, then ``render(data)``; errors become messages, never tracebacks."""
    st.markdown(CSS, unsafe_allow_html=True)
    if st.query_params.get("lang") != lang():
        st.query_params["lang"] = lang()  # a link to this view keeps its language
    st.title(TITLE)
    st.caption(tr("subtitle"))
    data = data_key()
    try:
        get_store(data)
        provisions = get_provisions(data)
    except StoreError as exc:
        st.error(tr("no_store", error=exc))
        st.stop()
        return
    with st.sidebar:
        st.caption(tr("data_caption", path=data, sentences=len(get_sentences(data)), provisions=len(provisions)))
    try:
        render(data)
    except PolicyKGError as exc:
        st.error(str(exc))
    except Exception as exc:  # the app shows a message, never a traceback
        log.exception("page %s failed", name)
        st.error(tr("unexpected", error=f"{type(exc).__name__}: {exc}"))
    # Once the page is drawn (started earlier, the load competed with drawing it and delayed it by ~2 s):
    # a question asked later, on any page, does not wait for the engine.
    warm_answerer(data)
