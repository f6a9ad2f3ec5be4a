"""SPARQL: a read-only console over the store, with the named queries preloaded.

A named query's parameters are inputs (starting from the query's defaults); what is filled in is
bound as terms by the engine (``NamedQuery.bind``), never pasted into the text. Results show
prefixed names, and the library's sentences, provisions and documents link to the Document page.
"""

import datetime as dt
import re

import pandas as pd
import streamlit as st

from kg.answer.sparql import RateLimiter, run_read_only
from kg.errors import QueryError
from kg.queries import NamedQuery, Parameter, ParamType, named_queries
from kg.ui.cache import get_store
from kg.ui.chrome import run_page
from kg.ui.iris import LINK_TEXT, library_part, prefixed
from kg.ui.state import lang, tr
from kg.ui.widgets import MAX_DATE, MIN_DATE

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
    (re.compile(r"^parameter (?P<name>\w+): (?P<value>.*) is neither a known concept label"), "sparql_param_iri"),
    (re.compile(r"^parameter (?P<name>\w+): (?P<value>.*) is not an ISO date"), "sparql_param_date"),
    (re.compile(r"^parameter (?P<name>\w+): (?P<value>.*) is not an integer"), "sparql_param_integer"),
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


def parameter_description(query: str, parameter: Parameter) -> str:
    """A parameter's description in the UI's language (the query file's own words if the catalogue lacks it)."""
    try:
        return tr(f"qparam_{query}_{parameter.name}")
    except KeyError:
        return parameter.description


def parameter_input(query: NamedQuery, parameter: Parameter) -> str | None:
    """One input for one parameter, by its type, starting from its default; None when left empty (unbound)."""
    key = f"sparql_param_{query.name}_{parameter.name}"
    label = f"?{parameter.name} · {tr(f'param_type_{parameter.type.value}')}"
    about = parameter_description(query.name, parameter)
    if parameter.type is ParamType.DATE:
        day = st.date_input(label, value=dt.date.fromisoformat(parameter.default) if parameter.default else None,
                            min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD", key=key)
        value = day.isoformat() if isinstance(day, dt.date) else None
    elif parameter.type is ParamType.INTEGER:
        number = st.number_input(label, value=int(parameter.default) if parameter.default else None, step=1,
                                 key=key)
        value = str(int(number)) if number is not None else None
    else:
        value = st.text_input(label, value=parameter.default or "", key=key,
                              placeholder=tr("param_unbound")).strip() or None
    st.caption(about)  # under the input, always visible (not behind a help icon)
    return value


def parameter_inputs(query: NamedQuery) -> dict[str, str]:
    """The filled-in parameters of ``query``, by name."""
    if not query.parameters:
        return {}
    st.markdown(f"###### {tr('sparql_params')}")
    values: dict[str, str | None] = {}
    for column, parameter in zip(st.columns(len(query.parameters)), query.parameters, strict=True):
        with column:
            values[parameter.name] = parameter_input(query, parameter)
    st.caption(tr("sparql_params_caption"))
    return {name: value for name, value in values.items() if value is not None}


def results_frame(records: list[dict]) -> tuple[pd.DataFrame, dict]:
    """Rows with prefixed names; a column holding only the library's parts becomes links to the Document page."""
    frame = pd.DataFrame(records)
    config: dict = {}
    language = lang()
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None]
        parts = [library_part(v) for v in values]
        if values and all(parts):
            frame[column] = [part.url(lang=language) if (part := library_part(v)) else None for v in frame[column]]
            config[column] = st.column_config.LinkColumn(display_text=LINK_TEXT)
        else:
            frame[column] = [None if v is None else str(prefixed(v)) for v in frame[column]]
    return frame, config


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
    values: dict[str, str] = {}
    if name in queries:
        st.caption(query_description(name))
        values = parameter_inputs(queries[name])
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
        # Only the variables the text (perhaps edited) still uses are bound.
        used = {k: v for k, v in values.items() if re.search(rf"[?$]{k}\b", text)}
        bindings = queries[name].bind(used) if name in queries else {}
        result = run_read_only(text, store=get_store(data), limit=SPARQL_LIMIT, timeout=SPARQL_TIMEOUT,
                               bindings=bindings)
    except QueryError as exc:
        st.error(query_error(exc))  # once, in the UI's language
        return
    if "boolean" in result:
        st.info(tr("ask_result", value=result["boolean"]))
        return
    records = result.get("rows")
    if records is None:
        records = [dict(zip(("subject", "predicate", "object"), triple, strict=True))
                   for triple in result.get("triples", [])]
    frame, config = results_frame(records)
    st.caption(tr("rows_truncated" if result.get("truncated") else "rows", n=len(frame)))
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key="sparql_results")


run_page("sparql", page)
