"""SPARQL: a read-only console over the store, with the named queries preloaded."""

import re

import pandas as pd
import streamlit as st

from kg.answer.sparql import RateLimiter, run_read_only
from kg.errors import QueryError
from kg.queries import named_queries
from kg.ui.cache import get_store
from kg.ui.chrome import run_page
from kg.ui.state import tr

SPARQL_LIMIT = 500
SPARQL_TIMEOUT = 10.0
SPARQL_RATE = 6  # queries per session per minute


#: QueryError messages of kg.queries and kg.answer.sparql → the UI's message key (the first match wins).
ERRORS = (
    (re.compile(r"only read queries are allowed here: (?P<keyword>\w+) is refused"), "sparql_refused"),
    (re.compile(r"query did not finish within (?P<seconds>[\d.]+) s"), "sparql_timeout"),
    (re.compile(r"the SPARQL text is empty"), "sparql_empty"),
    (re.compile(r"the SPARQL text is longer than (?P<chars>\d+) characters"), "sparql_too_long"),
    (re.compile(r"expected a SELECT, ASK, CONSTRUCT or DESCRIBE query"), "sparql_not_a_query"),
    (re.compile(r"^SPARQL error: (?P<detail>.*?)(?: \(only read queries that parse are allowed\))?$"),
     "sparql_syntax"),
)


def query_error(exc: QueryError) -> str:
    """A refused or failed query, said in the UI's language (the parser's own words kept as the detail)."""
    message = str(exc)
    for pattern, key in ERRORS:
        found = pattern.search(message)
        if found:
            return tr(key, **found.groupdict())
    return tr("sparql_error", error=message)


def query_description(name: str) -> str:
    """A named query's description in the UI's language (the query file's own comment if the catalogue lacks it)."""
    try:
        return tr(f"query_{name}")
    except KeyError:
        return named_queries()[name].description


def set_sparql_text() -> None:
    name = st.session_state.get("sparql_named")
    if name in named_queries():
        st.session_state["sparql_text"] = named_queries()[name].text


def page(data: str) -> None:
    st.subheader(tr("sparql_header"))
    queries = named_queries()
    names = list(queries)
    if "sparql_text" not in st.session_state:
        st.session_state["sparql_named"] = "stats" if "stats" in queries else names[0]
        st.session_state["sparql_text"] = queries[st.session_state["sparql_named"]].text
    name = st.selectbox(tr("named_queries"), names, key="sparql_named", on_change=set_sparql_text)
    if name in queries:
        params = ", ".join(f"?{p.name} ({p.type})" for p in queries[name].parameters)
        st.caption(query_description(name) + (f" — {params}" if params else ""))
    text = st.text_area(tr("sparql_text"), key="sparql_text", height=260)
    st.caption(tr("sparql_caption", limit=SPARQL_LIMIT, timeout=SPARQL_TIMEOUT))
    if not st.button(tr("run"), type="primary", key="sparql_run"):
        return
    # Per session: each query may hold a core for the whole timeout, so a session gets a few a minute.
    limiter = st.session_state.setdefault("sparql_limiter", RateLimiter(SPARQL_RATE, 60.0))
    if not limiter.acquire():
        st.warning(tr("sparql_rate", seconds=limiter.wait_time()))
        return
    try:
        result = run_read_only(text, store=get_store(data), limit=SPARQL_LIMIT, timeout=SPARQL_TIMEOUT)
    except QueryError as exc:
        st.error(query_error(exc))  # once, in the UI's language
        return
    if "boolean" in result:
        st.info(tr("ask_result", value=result["boolean"]))
        return
    records = result.get("rows")
    frame = pd.DataFrame(records) if records is not None else pd.DataFrame(
        result.get("triples", []), columns=["subject", "predicate", "object"])
    count = len(frame)
    st.caption(tr("rows_truncated" if result.get("truncated") else "rows", n=count))
    st.dataframe(frame.astype(str) if count else frame, hide_index=True, width="stretch")


run_page("sparql", page)
