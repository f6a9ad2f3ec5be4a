"""The view in the URL (``st.query_params``): a link reproduces it, a reload keeps it.

The page is the URL's path (``/browse``, set by ``st.navigation``); ``lang`` the language; ``q`` the
question on the Ask page; ``industry``, ``agency``, ``region``, ``modality``, ``by`` and ``open`` the
filters of the Browse and Checklist pages. A page adopts the URL's values when they differ from what
it last wrote there (a pasted or followed link), and writes its state back after every run.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kg.checklist import ALL_MODALITIES, Filters
from kg.ui.state import widget_key

FILTER_PARAMS = ("industry", "agency", "region", "modality", "by", "open")


def filter_params(filters: Filters) -> dict[str, str]:
    """The query parameters of ``filters`` (what a link to the view carries)."""
    params = {field: value for field in ("industry", "agency", "region", "modality", "by")
              if (value := getattr(filters, field))}
    params["open"] = "1" if filters.include_open else "0"
    return params


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def adopt_filters(prefix: str, *, include_open: bool) -> None:
    """Seed page ``prefix``'s filter widgets: from a new URL, else from the session, else the defaults."""
    state = st.session_state
    state.setdefault(f"{prefix}_by", None)
    state.setdefault(f"{prefix}_open", include_open)
    incoming = {k: str(st.query_params[k]) for k in FILTER_PARAMS if k in st.query_params}
    if not incoming or incoming == state.get(f"{prefix}_url"):
        return
    for field in ("industry", "agency", "region", "modality"):
        value = incoming.get(field, "")
        if field == "modality" and value not in ALL_MODALITIES:
            value = ""
        state[f"{prefix}_{field}__value"] = value
        state.pop(widget_key(f"{prefix}_{field}"), None)
    state[f"{prefix}_by"] = _date(incoming.get("by"))
    state[f"{prefix}_open"] = incoming.get("open", "1" if include_open else "0") == "1"


def publish_filters(prefix: str, filters: Filters) -> None:
    """Write ``filters`` to the URL (and remember what was written, so it is not adopted back)."""
    params = filter_params(filters)
    for key in FILTER_PARAMS:
        if key in st.query_params and key not in params:
            del st.query_params[key]
    for key, value in params.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[f"{prefix}_url"] = params


def adopt_question() -> None:
    """A question in the URL (``?q=…``) that this session has not asked yet is asked."""
    asked = st.query_params.get("q")
    if asked and asked != st.session_state.get("url_question"):
        st.session_state["url_question"] = asked
        st.session_state["question"] = asked
        st.session_state["asked"] = asked


def publish_question(asked: str | None) -> None:
    if asked and st.query_params.get("q") != asked:
        st.query_params["q"] = asked
    st.session_state["url_question"] = asked
