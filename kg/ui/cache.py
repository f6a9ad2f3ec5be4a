"""Cached resources of the app, in one place.

Store, answerer and provisions are loaded once per process (``st.cache_resource``), keyed by the
published generation's folder, so a new build is picked up without a restart; query results are
cached per generation (``st.cache_data``).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import streamlit as st

from kg import config
from kg.answer.facts import list_targets
from kg.checklist import ChecklistItem, cite, load_provisions
from kg.documents import load_documents
from kg.errors import PolicyKGError, StoreError
from kg.extract.lexicon import Lexicon, default_lexicon
from kg.graph.store import GraphStore, rows
from kg.links import links_of
from kg.queries import get
from kg.viz import expanded_neighbourhood, expansion_key, question_terms, vis_data


def data_key() -> str:
    """The published generation's folder: a new build changes the key, so cached resources reload.

    One ``readlink`` per script run; store and index are then opened from the same generation.
    """
    try:
        folder = config.generation_dir()
        return str(folder if folder is not None else config.data_dir())
    except StoreError:
        return str(Path(os.environ.get("POLICYKG_DATA", "var")))


# At most two generations stay cached: the one being served and the one sessions may still show.
@st.cache_resource(show_spinner=False, max_entries=2)
def get_store(data: str) -> GraphStore:
    return GraphStore(Path(data) / "store")


@st.cache_resource(show_spinner=False, max_entries=2)
def get_answerer(data: str):
    from kg.answer.engine import Answerer
    from kg.retrieval import SentenceIndex

    return Answerer(store=get_store(data), index=SentenceIndex.load(Path(data) / "index"))


#: Generations whose answerer is loaded (or loading) in the background, so it is started once per process.
_warmed: set[str] = set()
_warmed_lock = threading.Lock()
#: Asked once, its answer thrown away: the first real question then finds jieba's dictionary, the encoder's
#: first run (ONNX Runtime sets up its kernels on it) and the store's pages already warm.
WARM_UP_QUESTION = "电解铝行业要做什么？"


def warm_answerer(data: str) -> None:
    """Load the answerer for ``data`` in a background thread the first time any page is drawn for it.

    The page stays usable meanwhile; the first question finds the engine loaded instead of waiting for it
    (``get_answerer`` computes a key once: a question asked while the warm-up runs waits for that load).
    """
    with _warmed_lock:
        if data in _warmed:
            return
        _warmed.add(data)
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    thread = threading.Thread(target=_warm, args=(data,), name="policykg-warm-up", daemon=True)
    if get_script_run_ctx() is not None:
        add_script_run_ctx(thread)  # Streamlit's caches know which app the thread belongs to
    thread.start()


def _warm(data: str) -> None:
    try:
        get_answerer(data).ask(WARM_UP_QUESTION)
        from kg.answer.bilingual import dictionary

        dictionary()  # an English question's word list, read once
    except Exception:  # the ask page loads the answerer itself and shows the error there
        logging.getLogger("policykg.app").warning("warming the answerer for %s failed", data, exc_info=True)


@st.cache_resource(show_spinner=False)
def get_lexicon() -> Lexicon:
    return default_lexicon()


@st.cache_resource(show_spinner=False, max_entries=2)
def get_provisions(data: str) -> list[ChecklistItem]:
    return load_provisions(get_store(data), get_lexicon())


@st.cache_resource(show_spinner=False, max_entries=2)
def get_targets(data: str) -> list[dict]:
    return list_targets(store=get_store(data))


@st.cache_data(show_spinner=False)
def get_sentences(data: str) -> list[dict]:
    return rows(get_store(data).query(get("sentences").text))


@st.cache_data(show_spinner=False, max_entries=256)
def ask(data: str, question: str) -> dict:
    return get_answerer(data).ask(question)


@st.cache_data(show_spinner=False, max_entries=512)
def get_cite(data: str, citation: str) -> dict:
    return cite(citation, get_store(data), get_citations(data))  # the library's citations, made once


@st.cache_data(show_spinner=False, max_entries=2)
def get_documents(data: str) -> list[dict]:
    return [vars(document) for document in load_documents(get_store(data))]


@st.cache_data(show_spinner=False, max_entries=512)
def get_links(data: str, citation: str) -> dict:
    return links_of(citation, get_store(data))


@st.cache_data(show_spinner=False, max_entries=128)
def get_terms(question: str) -> list[str]:
    try:
        return question_terms(question, get_lexicon())
    except PolicyKGError:
        return []


@st.cache_data(show_spinner=False, max_entries=128)
def graph_page_data(data: str, entity: str, expanded: tuple[str, ...], language: str,
                    relations: tuple[tuple[str, str], ...]) -> tuple[dict, dict[str, dict], bool]:
    """The graph page's network (vis-network data), each node's details, and whether provisions were cut."""
    graph = expanded_neighbourhood(get_store(data), entity, expanded, get_lexicon(), lang=language,
                                   max_provisions=60)
    details = {str(node): {"label": str(attrs.get("label", node)), "title": str(attrs.get("title", node)),
                           "kind": str(attrs.get("kind", "measure")), "citation": attrs.get("citation"),
                           "expand": expansion_key(graph, node)} for node, attrs in graph.nodes(data=True)}
    return vis_data(graph, dict(relations)), details, bool(graph.graph.get("truncated"))


@st.cache_resource(show_spinner=False, max_entries=2)
def get_citations(data: str) -> dict:
    """Formal citations (``Citation`` with ``zh`` and ``en``) of every sentence, by citation id."""
    from kg.citation import load_citations

    return load_citations(get_store(data))


def formal_citation(data: str, citation: str, language: str) -> str:
    found = get_citations(data).get(citation)
    if found is None:
        return ""
    return found.en if language == "en" else found.zh


@st.cache_data(show_spinner=False, max_entries=2)
def get_issuers(data: str) -> dict[str, str]:
    """Each document's issuer as the graph names it in Chinese (国务院), by document id."""
    from kg.queries import DOC_BASE

    return {str(row["document"]).removeprefix(DOC_BASE): str(row["issuerLabel"])
            for row in rows(get_store(data).query(get("document_facts").text)) if row.get("issuerLabel")}
