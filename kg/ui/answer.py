"""The Ask page's answer: the answer block, the list of what applies, values in their sentences,
the evidence and the facts behind the answer.

A list answer (``kind == "list"``: what applies to an industry by a date) *is* its provisions: they
are shown grouped by modality (must, must not, encouraged, may, liability) and, within each, the
provisions about the industry itself before those it inherits from a broader group
(产能严重过剩行业), each with its text, bearer, deadline, citation id and formal citation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import streamlit as st

from kg.checklist import ALL_MODALITIES, ChecklistItem, Filters
from kg.errors import PolicyKGError
from kg.queries import named_queries
from kg.ui.cache import formal_citation, get_cite, get_lexicon, get_provisions, get_terms
from kg.ui.state import lang, modality_name, tr
from kg.ui.urlstate import filter_params
from kg.ui.widgets import provision_card_html
from kg.viz import concept_label, highlight

#: The order modalities are listed in: what one must do, must not do, is encouraged to do, may do.
LIST_ORDER = ("obligation", "prohibition", "encouragement", "permission", "liability")


@dataclass
class Listed:
    """One provision of a list answer: the checklist item and the broader group it is inherited from."""

    item: ChecklistItem
    inherited_from: str | None  # the group's IRI, or None when the provision is about the industry itself


def list_answer(data: str, result: dict) -> tuple[str | None, list[Listed]]:
    """The asked industry's IRI and the provisions of a list answer (``facts``), each with where it comes from."""
    if result.get("kind") != "list" or not result.get("answered"):
        return None, []
    industry = ((result.get("query") or {}).get("params") or {}).get("industry")
    lexicon = get_lexicon()
    by_id = {item.id: item for item in get_provisions(data)}
    own = lexicon.descendants(industry) if industry else set()
    groups = [a for a in lexicon.ancestors(industry) if lexicon.is_group(a)] if industry else []
    listed = []
    for fact in result.get("facts") or []:
        item = by_id.get(str(fact.get("provision")))
        if item is None:
            continue
        inherited = None
        if not own & set(item.industry_iris):
            inherited = next((g for g in groups if g in item.industry_iris), groups[0] if groups else None)
        listed.append(Listed(item, inherited))
    return industry, listed


def checklist_filters(result: dict) -> Filters:
    """The checklist filters that reproduce a list answer: its industry and date, undated provisions kept."""
    params = (result.get("query") or {}).get("params") or {}
    concept = get_lexicon().concepts.get(params.get("industry", ""))
    return Filters(industry=concept.label_zh if concept else None, by=params.get("by"), include_open=True)


def show_result(data: str, result: dict) -> None:
    if result.get("error"):
        st.error(tr("question_error", error=result["error"]))
        return
    if result.get("warning"):
        st.info(tr("truncated_question"))
    evidence = result.get("evidence") or []
    terms = get_terms(str(result.get("question") or ""))
    if not result.get("answered"):
        reason = result.get("reason") or {}
        st.warning(tr("not_found", reason=reason.get(f"text_{lang()}") or reason.get("text") or ""))
        if evidence:
            st.markdown(f"##### {tr('nearest')}")
            show_evidence(data, evidence, terms)
        return
    values = result.get("values") or []
    industry, listed = list_answer(data, result)
    summary = ""
    if listed:
        concept = get_lexicon().concepts.get(industry or "")
        name = concept_label(concept, lang()) if concept else ""
        by = ((result.get("query") or {}).get("params") or {}).get("by")
        said = tr("list_summary_by" if by else "list_summary", n=len(listed), industry=name, by=by)
        summary = f"<div class='pkg-answer-source'>{html.escape(said)}</div>"
    st.markdown(
        f"<div class='pkg-answer'><div class='pkg-answer-kicker'>{tr('answer')}</div>"
        f"<div class='pkg-answer-text'>{answer_html(result, values)}</div>"
        + "".join(value_html(data, value) for value in values[:8])
        + (f"<div class='pkg-answer-source'>{source_html(data, evidence[0]['id'])}</div>"
           if not values and evidence and result.get("answer") == evidence[0]["text"] else "")
        + summary + "</div>",
        unsafe_allow_html=True,
    )
    if listed:
        show_list(data, result, listed)
    # The value is highlighted in the sentence that states it, so a reader sees where it comes from.
    terms = [*terms, *(str(v["surface"]) for v in values if v.get("surface"))]
    st.markdown(f"##### {tr('evidence')}")
    show_evidence(data, evidence, terms)
    show_facts(result)


def answer_html(result: dict, values: list[dict]) -> str:
    """The answer's words, its values marked."""
    return highlight(str(result["answer"]), [str(v["surface"]) for v in values if v.get("surface")])


def show_list(data: str, result: dict, listed: list[Listed]) -> None:
    """The provisions of a list answer, by modality, the industry's own before the inherited ones."""
    lexicon = get_lexicon()
    language = lang()
    filters = checklist_filters(result)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"##### {tr('list_header', n=len(listed))}", width="content")
        if st.button(tr("open_checklist"), key="open_checklist", icon=":material/checklist:", type="secondary"):
            # The checklist page adopts the filters from its URL (kg.ui.urlstate).
            st.switch_page("app_pages/checklist.py", query_params={**filter_params(filters), "lang": language})
    counts = {m: sum(1 for entry in listed if entry.item.modality == m) for m in LIST_ORDER}
    st.caption(" · ".join(f"{modality_name(m)} {n}" for m, n in counts.items() if n))
    for modality in (*LIST_ORDER, *(m for m in ALL_MODALITIES if m not in LIST_ORDER)):
        group = [entry for entry in listed if entry.item.modality == modality]
        if not group:
            continue
        st.markdown(f"<h4 class='pkg-list-h'>{html.escape(tr(f'list_{modality}'))} · {len(group)}</h4>",
                    unsafe_allow_html=True)
        own = [entry for entry in group if entry.inherited_from is None]
        inherited = [entry for entry in group if entry.inherited_from is not None]
        for entries, heading in ((own, None), (inherited, "inherited")):
            if not entries:
                continue
            if heading:
                sources = list(dict.fromkeys(entry.inherited_from for entry in entries))
                names = ("、" if language == "zh" else ", ").join(
                    concept_label(lexicon.concepts[s], language) for s in sources if s in lexicon.concepts)
                st.markdown(f"<div class='pkg-meta'><b>{html.escape(tr('list_inherited', group=names))}</b></div>",
                            unsafe_allow_html=True)
            elif inherited:
                st.markdown(f"<div class='pkg-meta'><b>{html.escape(tr('list_specific'))}</b></div>",
                            unsafe_allow_html=True)
            for entry in entries:
                show_listed(data, entry)


def show_listed(data: str, entry: Listed) -> None:
    item = entry.item
    citation = formal_citation(data, item.id, lang()) or item.citation_text
    with st.container(border=True, key=f"listed_{item.id.replace('/', '_').replace('.', '_')}"):
        st.markdown(provision_card_html(item, get_lexicon()), unsafe_allow_html=True)
        st.code(citation or item.id, language=None, wrap_lines=True)


def source_html(data: str, citation: str) -> str:
    try:
        found = get_cite(data, citation)
        return (f"{tr('source')}<b>{html.escape(str(found['label']))}</b> · "
                f"{html.escape(str(found['section']))} · <code>{html.escape(citation)}</code>")
    except PolicyKGError:
        return f"{tr('source')}<code>{html.escape(citation)}</code>"


def value_html(data: str, value: dict) -> str:
    """One proven value: what it is of, its date, and the sentence it comes from with the value marked."""
    parts = [(tr("value_subject"), value.get("subject")), (tr("value_measure"), value.get("measure")),
             (tr("value_date"), value.get("date"))]
    colon = tr("colon")
    detail = " · ".join(f"{label}{colon}{html.escape(str(text))}" for label, text in parts if text)
    surface = str(value.get("surface") or "")
    sentence = ""
    try:
        found = get_cite(data, str(value["citation"]))
        sentence = f"<div class='pkg-answer-sentence'>{highlight(str(found['text']), [surface])}</div>"
    except PolicyKGError:
        pass
    return (f"<div class='pkg-answer-source'><b>{html.escape(surface)}</b>"
            + (f" · {detail}" if detail else "") + sentence
            + f"{source_html(data, str(value['citation']))}</div>")


def show_evidence(data: str, evidence: list[dict], terms: list[str]) -> None:
    for item in evidence:
        with st.container(border=True):
            st.markdown(f"<div class='pkg-ev'>{highlight(item['text'], terms)}</div>", unsafe_allow_html=True)
            meta = [f"<b>{html.escape(item['label'])}</b>", html.escape(item["section"]),
                    f"<code>{html.escape(item['id'])}</code>", f"{tr('score')} {item['score']:.2f}"]
            if item.get("modality"):
                meta.append(html.escape(modality_name(item["modality"])))
            st.markdown(f"<div class='pkg-meta'>{' · '.join(meta)}</div>", unsafe_allow_html=True)
            with st.expander(tr("paragraph")):
                try:
                    paragraph = get_cite(data, item["id"])["paragraph"]
                    st.markdown(f"<div class='pkg-para'>{highlight(str(paragraph['text']), [item['text']])}</div>",
                                unsafe_allow_html=True)
                    st.caption(tr("in_paragraph", label=paragraph["label"]))
                except PolicyKGError as exc:
                    st.error(str(exc))


def show_facts(result: dict) -> None:
    with st.expander(tr("facts_query")):
        st.json({"facts": result.get("facts") or [], "query": result.get("query"), "parsed": result.get("parsed")},
                expanded=2)
        query = result.get("query")
        if query and query.get("name") in named_queries():
            st.markdown(f"**{tr('named_query')}** `{query['name']}`")
            st.code(named_queries()[query["name"]].text, language="sparql")
        st.caption(tr("elapsed", ms=result.get("elapsed_ms")))
