"""UI language, strings and widget state.

Every user-facing string is looked up in the language catalogue (``kg/resources/i18n/*.toml``,
section ``ui``). The language is the sidebar switch's value (``st.session_state["lang"]``); a fresh
session takes it from the URL (``?lang=en``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from kg import exports

LANGUAGES = ("zh", "en")
ALL = ""  # the "(all)" choice of a filter: a string, since a selectbox set to None shows a placeholder


def lang() -> str:
    language = st.session_state.get("lang")
    if language not in LANGUAGES:
        language = st.query_params.get("lang")
    return language if language in LANGUAGES else "zh"


def tr(key: str, language: str | None = None, **values: Any) -> str:
    """A UI string; ``language`` is bound explicitly in format functions, which may run outside a script run."""
    return exports.tr(key, language or lang(), **values)


def formatter(render: Callable[[Any, str], str]) -> Callable[[Any], str]:
    """A widget format function with the current UI language bound (it may be called outside a script run)."""
    language = lang()
    return lambda value: render(value, language)


def localized(key: str, options: Sequence[Any], default: Any = None, *, callback: bool = True) -> dict[str, Any]:
    """Keyword arguments for a widget whose options are labelled in the UI language.

    Streamlit keeps a radio's or selectbox's state as the *label* of the chosen option, so after a
    language switch the old label matches nothing and the widget resets (or shows a stale label).
    Each language therefore gets its own widget (``key`` in Chinese, ``key__en`` in English) and the
    chosen value is kept under ``key__value``, seeded into whichever widget is drawn. Widgets in a
    form may not have callbacks (``callback=False``): the form's submit button stores their values.
    """
    widget = widget_key(key)
    stored = f"{key}__value"
    value = st.session_state.get(stored, st.session_state.get(widget, default))
    st.session_state[widget] = value if value in options else default
    st.session_state[stored] = st.session_state[widget]
    if not callback:
        return {"key": widget}
    return {"key": widget, "on_change": remember, "args": (stored, widget)}


def widget_key(key: str) -> str:
    """The key of a language-labelled widget in the current language (see :func:`localized`)."""
    language = lang()
    return key if language == "zh" else f"{key}__{language}"


def remember(stored: str, widget: str) -> None:
    st.session_state[stored] = st.session_state[widget]


def modality_name(modality: str | None, language: str | None = None) -> str:
    return exports.modality_name(modality, language or lang())
