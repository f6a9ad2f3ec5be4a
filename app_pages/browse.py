"""Browse: provisions filtered by industry, agency, region, modality and date, with a timeline (a chart,
then the same dates as a sorted list of what is due, by whom, with its citation)."""

import pandas as pd
import streamlit as st

from kg.answer.facts import industry_filter
from kg.checklist import ChecklistItem, Filters, build_checklist
from kg.ui.cache import formal_citation, get_lexicon, get_provisions, get_targets
from kg.ui.chrome import run_page
from kg.ui.iris import LINK_TEXT, document_url
from kg.ui.state import lang, tr
from kg.ui.timeline import Due, due_list
from kg.ui.urlstate import adopt_filters, publish_filters
from kg.ui.widgets import filter_widgets, show_provisions
from kg.viz import plotted_quantity, timeline_chart, timeline_records


def dated_targets(data: str, filters: Filters, items: list[ChecklistItem]) -> list[dict]:
    """Targets to put on the timeline: by industry and date; by the kept provisions when other filters apply."""
    targets = [t for t in get_targets(data) if t.get("date") and plotted_quantity(t)]
    if filters.agency or filters.region or filters.modality:
        kept = {item.id for item in items}
        targets = [t for t in targets if t["sentence"] in kept]
    if filters.industry:
        family = industry_filter(filters.industry) or set()
        lexicon = get_lexicon()

        def about(target: dict) -> bool:
            # The product measured (炼铁) when there is one, else the industry (钢铁).
            name = target.get("product") or target.get("industry")
            concept = lexicon.resolve(str(name), "industry") if name else None
            return concept is not None and concept.iri in family

        targets = [t for t in targets if about(t)]
    if filters.by:
        targets = [t for t in targets if str(t["date"]) <= filters.by]
    return targets


def show_due(data: str, due: list[Due]) -> None:
    """The timeline as a sorted list: date, what, who, formal citation, and the sentence's link."""
    language = lang()
    st.markdown(f"##### {tr('due_header', n=len(due))}")
    if not due:
        st.info(tr("no_due"))
        return
    frame = pd.DataFrame([{
        tr("axis_date"): d.date,
        tr("axis_kind"): tr(f"kind_{d.kind.value}"),
        tr("axis_what"): d.what,
        tr("due_who"): d.who,
        tr("col_citation"): d.citation,
        tr("col_id"): document_url(*d.id.split("/", 1), lang=language),
    } for d in due])
    st.dataframe(frame, hide_index=True, width="stretch", key="browse_due", row_height=60,
                 column_config={tr("axis_what"): st.column_config.TextColumn(width="large"),
                                tr("col_citation"): st.column_config.TextColumn(width="medium"),
                                tr("col_id"): st.column_config.LinkColumn(display_text=LINK_TEXT, width=180)})
    st.caption(tr("due_caption"))


def page(data: str) -> None:
    st.subheader(tr("browse_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    adopt_filters("browse", include_open=False)
    filters = filter_widgets("browse", provisions, lexicon)
    publish_filters("browse", filters)
    items = build_checklist(filters, provisions=provisions)
    st.caption(tr("n_items", n=len(items)))
    st.markdown(f"##### {tr('timeline')}")
    targets = dated_targets(data, filters, items)
    records = timeline_records(items, targets, lexicon, lang=lang(),
                               kind_labels={k: tr(f"kind_{k}") for k in ("deadline", "valid_from", "target",
                                                                          "figure")},
                               general=tr("general"))
    if records:
        chart = timeline_chart(records, titles={"date": tr("axis_date"), "industry": tr("industry"),
                                                "kind": tr("axis_kind"), "what": tr("axis_what"),
                                                "id": tr("col_id"), "text": tr("col_text")})
        st.altair_chart(chart, width="stretch")
        st.caption(tr("timeline_caption"))
    else:
        st.info(tr("no_dated"))
    language = lang()
    show_due(data, due_list(items, targets, lexicon, language, lambda cid: formal_citation(data, cid, language),
                            provisions=provisions))
    st.markdown(f"##### {tr('table')}")
    show_provisions(data, items, lexicon, key="browse_table")


run_page("browse", page)
