"""Widgets shared by several pages: concept pickers, the provision filters, provision tables and cards."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from kg.checklist import MODALITIES, ChecklistItem, Filters
from kg.exports import concept_names
from kg.extract.lexicon import Lexicon
from kg.ui.state import ALL, formatter, lang, localized, modality_name, tr, widget_key
from kg.viz import concept_label, concept_options

MIN_DATE, MAX_DATE = dt.date(2010, 1, 1), dt.date(2035, 12, 31)


def concept_select(label: str, options: list[str], key: str, lexicon: Lexicon, *, callback: bool = True
                   ) -> str | None:
    """A selectbox over Chinese labels (what Filters and the CLI accept), shown in the UI language."""
    language = lang()

    def show(value: str) -> str:
        if value == ALL:
            return tr("all", language)
        concept = lexicon.resolve(value)
        if concept is None:
            return value
        other = concept.label_en if language == "zh" else concept.label_zh
        return f"{concept_label(concept, language)} · {other}" if other else concept_label(concept, language)

    choices = [ALL, *options]
    return st.selectbox(label, choices, format_func=show, **localized(key, choices, ALL, callback=callback)) or None


FILTER_FIELDS = ("industry", "agency", "region", "modality")


def filter_widgets(prefix: str, provisions: list[ChecklistItem], lexicon: Lexicon, *, in_form: bool = False
                   ) -> Filters:
    """Industry, agency, region, modality, due date and "include undated" for ``prefix``'s page.

    In a form (``in_form``) widgets may not have callbacks: the form's submit button stores the
    chosen values instead (:func:`remember_filters`).
    """
    callback = not in_form
    cols = st.columns([1.2, 1.2, 1, 1, 1, 1], vertical_alignment="bottom")
    chosen: dict[str, str | None] = {}
    for col, field in zip(cols[:3], FILTER_FIELDS[:3], strict=True):
        with col:
            options = [c.label_zh for c in concept_options(provisions, lexicon, field)]
            chosen[field] = concept_select(tr(field), options, f"{prefix}_{field}", lexicon, callback=callback)
    with cols[3]:
        chosen["modality"] = st.selectbox(
            tr("modality"), [ALL, *MODALITIES],
            **localized(f"{prefix}_modality", [ALL, *MODALITIES], ALL, callback=callback),
            format_func=formatter(lambda m, language: tr("all", language) if m == ALL
                                  else modality_name(m, language))) or None
    with cols[4]:
        by = st.date_input(tr("due_by"), min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD",
                           key=f"{prefix}_by")
    with cols[5]:
        include_open = st.checkbox(tr("include_open"), key=f"{prefix}_open")
    return Filters(**chosen, by=by.isoformat() if isinstance(by, dt.date) else None, include_open=include_open)


def remember_filters(prefix: str) -> None:
    """Keep a form's chosen labels under ``…__value`` (what :func:`localized` seeds from), on submit."""
    for field in FILTER_FIELDS:
        key = f"{prefix}_{field}"
        widget = widget_key(key)
        if widget in st.session_state:
            st.session_state[f"{key}__value"] = st.session_state[widget]




def provisions_frame(data: str, items: list[ChecklistItem], lexicon: Lexicon) -> pd.DataFrame:
    """One row per provision: the text first, its citation id beside it, then what, when, who and where."""
    from kg.ui.cache import formal_citation

    language = lang()
    columns = ("col_text", "col_id", "col_modality", "col_deadline", "col_bearers", "col_industries", "col_regions",
               "col_label", "col_citation")
    return pd.DataFrame([{
        tr("col_text"): item.text,
        tr("col_modality"): modality_name(item.modality),
        tr("col_deadline"): item.deadline or "",
        tr("col_bearers"): concept_names(item.bearers, lexicon, language),
        tr("col_industries"): concept_names(item.industries, lexicon, language),
        tr("col_regions"): concept_names(item.regions, lexicon, language),
        tr("col_label"): item.label,
        tr("col_id"): item.id,
        tr("col_citation"): formal_citation(data, item.id, language) or item.citation_text,
    } for item in items], columns=[tr(k) for k in columns])


def show_provisions(data: str, items: list[ChecklistItem], lexicon: Lexicon, key: str) -> None:
    """Provisions as a table (text wrapped over three lines, the citation id beside it) or as cards."""
    views = ("table", "cards")
    view = st.segmented_control(tr("view"), views, **localized(f"{key}_view", views, "table"),
                                format_func=formatter(lambda v, language: tr(f"view_{v}", language)),
                                label_visibility="collapsed")
    if view == "cards":
        show_cards(data, items, lexicon)
        return
    st.dataframe(provisions_frame(data, items, lexicon), hide_index=True, width="stretch", key=key, row_height=84,
                 column_config={tr("col_text"): st.column_config.TextColumn(width="large"),
                                tr("col_id"): st.column_config.TextColumn(width=180),
                                tr("col_modality"): st.column_config.TextColumn(width=80),
                                tr("col_deadline"): st.column_config.TextColumn(width=100),
                                tr("col_citation"): st.column_config.TextColumn(width="large")})


def provision_card_html(item: ChecklistItem, lexicon: Lexicon, *, marks: list[str] | None = None,
                        citation: str = "") -> str:
    """One provision as a card: the text, then modality, bearer, deadline and where it is."""
    from kg.viz import highlight

    language = lang()
    body = highlight(item.text, marks) if marks else html.escape(item.text)
    bearers = "、".join(item.bearer_text) if language == "zh" and item.bearer_text else \
        concept_names(item.bearers, lexicon, language)
    meta = [f"<span class='pkg-mod pkg-mod-{item.modality}'>{html.escape(modality_name(item.modality))}</span>"]
    if bearers:
        meta.append(f"{tr('col_bearers')}{tr('colon')}{html.escape(bearers)}")
    meta.append(f"{tr('col_deadline')}{tr('colon')}{html.escape(item.deadline)}" if item.deadline
                else html.escape(tr("undated")))
    meta.append(f"<code>{html.escape(item.id)}</code>")
    return (f"<div class='pkg-card'><div class='pkg-card-text'>{body}</div>"
            f"<div class='pkg-meta'>{' · '.join(meta)}</div>"
            + (f"<div class='pkg-cite'>{html.escape(citation)}</div>" if citation else "")
            + "</div>")


def show_cards(data: str, items: list[ChecklistItem], lexicon: Lexicon) -> None:
    from kg.ui.cache import formal_citation

    language = lang()
    st.markdown("".join(provision_card_html(item, lexicon, citation=formal_citation(data, item.id, language))
                        for item in items), unsafe_allow_html=True)
