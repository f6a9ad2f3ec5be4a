"""PolicyKG · 政策知识图谱 — the Streamlit app.

``streamlit run app.py`` (after ``policykg build``). Pages: ask a question with cited evidence, browse
provisions with a timeline of deadlines and targets, explore an entity's neighbourhood in the graph,
export checklists, read the documents with citable ids (with what each cites and what cites it), and query
the store with read-only SPARQL.

The data folder is ``POLICYKG_DATA`` (default ``var/``). Store, answerer and provisions are loaded once
per process (``st.cache_resource``). UI strings live in :data:`STRINGS`, one dict per language.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from kg import config
from kg.answer.facts import industry_filter, list_targets
from kg.answer.sparql import RateLimiter, run_read_only
from kg.checklist import MODALITIES, ChecklistItem, Filters, build_checklist, cite, export, load_provisions
from kg.documents import load_documents
from kg.errors import PolicyKGError, QueryError, StoreError
from kg.extract.lexicon import Lexicon, default_lexicon
from kg.graph.store import GraphStore, rows
from kg.links import links_of
from kg.queries import get, named_queries
from kg.viz import (
    KIND_COLOURS,
    MODALITY_COLOURS,
    concept_label,
    concept_options,
    highlight,
    neighbourhood,
    question_terms,
    timeline_chart,
    timeline_records,
    to_pyvis_html,
)

log = logging.getLogger("policykg.app")

TITLE = "PolicyKG · 政策知识图谱"
PAGES = ("ask", "browse", "graph", "checklist", "document", "sparql")
EXAMPLES = (
    "电解铝2015年底前要做什么？",
    "2012年底水泥产能利用率是多少？",
    "What applies to electrolytic aluminium by 2015?",
    "金融机构对隐瞒不报的在建违规项目要怎么做？",
    "煤炭行业的去产能目标是多少？",
)
DEFAULT_INDUSTRY = "https://w3id.org/policykg/industry/electrolytic-aluminium"
DEFAULT_PROVISION = "guofa-2013-41/4.p4.s2"
ALL = ""  # the "(all)" choice of a filter: a string, since a selectbox set to None shows a placeholder
SPARQL_LIMIT = 500
SPARQL_TIMEOUT = 10.0
SPARQL_RATE = 6  # queries per session per minute

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "language": "语言 / Language",
        "page": "页面",
        "page_ask": "问答",
        "page_browse": "浏览",
        "page_graph": "图谱",
        "page_checklist": "清单",
        "page_document": "原文",
        "page_sparql": "SPARQL",
        "subtitle": "《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）的知识图谱："
                    "每个回答都引用原文句子。",
        "data_caption": "数据目录：{path} · {sentences} 句 · {provisions} 条款",
        "no_store": "找不到已构建的知识图谱（{error}）。请先运行 `policykg build`。",
        "unexpected": "出错了：{error}",
        "loading_model": "正在加载检索模型与知识图谱……",
        "ask_header": "输入问题",
        "question_placeholder": "例如：电解铝2015年底前要做什么？",
        "ask_button": "提问",
        "examples": "示例问题：",
        "answer": "答案",
        "source": "出处：",
        "not_found": "未找到：{reason}。",
        "nearest": "最接近的条款",
        "value_subject": "对象",
        "value_measure": "指标",
        "value_date": "日期",
        "question_error": "无法处理这个问题：{error}",
        "empty_question": "请输入问题。",
        "evidence": "证据句（按相关度排序）",
        "score": "相关度",
        "paragraph": "查看所在段落",
        "facts_query": "事实与查询",
        "named_query": "命名查询",
        "elapsed": "用时 {ms} 毫秒",
        "truncated_question": "问题过长，已截断。",
        "browse_header": "浏览条款",
        "industry": "行业",
        "agency": "机构",
        "region": "地区",
        "modality": "类型",
        "due_by": "截止日期不晚于",
        "include_open": "包括无期限条款",
        "all": "（全部）",
        "n_items": "共 {n} 条",
        "timeline": "时间轴：期限与目标",
        "timeline_caption": "横轴为日期，纵轴为行业；颜色区分条款期限、起始日期、目标与统计数字。悬停可查看原文。",
        "no_dated": "当前筛选条件下没有带日期的条款或目标。",
        "table": "条款列表",
        "col_label": "编号",
        "col_id": "引用 ID",
        "col_modality": "类型",
        "col_bearers": "责任主体",
        "col_industries": "行业",
        "col_regions": "地区",
        "col_deadline": "期限",
        "col_text": "原文",
        "kind_deadline": "条款期限",
        "kind_valid_from": "起始日期",
        "kind_target": "目标",
        "kind_figure": "统计数字",
        "axis_date": "日期",
        "axis_what": "内容",
        "axis_kind": "类别",
        "general": "通用",
        "graph_header": "图谱",
        "entity_kind": "实体类型",
        "kind_industry": "行业",
        "kind_agency": "机构",
        "kind_provision": "条款",
        "entity": "实体",
        "graph_caption": "{nodes} 个节点、{edges} 条边。可拖动、缩放；悬停查看原文。",
        "graph_truncated": "条款过多，只显示前 {n} 条。",
        "legend": "图例",
        "rel_concerns": "涉及",
        "rel_bears": "承担",
        "rel_bears_addressee": "承担（主送机关）",
        "rel_narrower": "下位",
        "rel_region": "地区",
        "rel_uses": "措施",
        "rel_quantity": "数量",
        "rel_in_section": "所在章节",
        "legend_quantity": "数量",
        "legend_measure": "措施",
        "legend_section": "章节",
        "checklist_header": "清单导出",
        "preview": "预览",
        "download_csv": "下载 CSV",
        "download_xlsx": "下载 Excel",
        "download_md": "下载 Markdown",
        "document_header": "原文（可引用编号）",
        "lookup": "按引用 ID 查找",
        "lookup_placeholder": "例如：guofa-2013-41/4.p4.s2",
        "lookup_error": "查找失败：{error}",
        "section_filter": "章节",
        "in_paragraph": "所在段落 {label}",
        "document_filter": "文件",
        "cites": "引用",
        "cited_by": "被引用",
        "none": "无",
        "not_in_library": "库中没有此文件",
        "in_force_from": "{date} 起施行",
        "repealed_on": "{date} 起失效",
        "replaced_by": "由 {doc} 取代",
        "sparql_header": "SPARQL 只读控制台",
        "named_queries": "命名查询",
        "sparql_text": "SPARQL",
        "run": "运行",
        "sparql_caption": "最多返回 {limit} 行，超时 {timeout:.0f} 秒；更新、LOAD、SERVICE 一律拒绝。",
        "sparql_error": "查询被拒绝或失败：{error}",
        "sparql_rate": "查询过于频繁：请 {seconds:.0f} 秒后再试。",
        "rows": "{n} 行",
        "rows_truncated": "{n} 行（已截断）",
        "ask_result": "ASK 结果：{value}",
        "modality_obligation": "义务",
        "modality_prohibition": "禁止",
        "modality_permission": "许可",
        "modality_encouragement": "鼓励支持",
    },
    "en": {
        "language": "语言 / Language",
        "page": "Page",
        "page_ask": "Ask",
        "page_browse": "Browse",
        "page_graph": "Graph",
        "page_checklist": "Checklist",
        "page_document": "Document",
        "page_sparql": "SPARQL",
        "subtitle": "A knowledge graph of the State Council's Guiding Opinions on Resolving Severe Overcapacity "
                    "(Guofa [2013] No. 41): every answer cites sentences of the text.",
        "data_caption": "Data folder: {path} · {sentences} sentences · {provisions} provisions",
        "no_store": "No built knowledge graph found ({error}). Run `policykg build` first.",
        "unexpected": "Something went wrong: {error}",
        "loading_model": "Loading the retrieval model and the knowledge graph…",
        "ask_header": "Your question",
        "question_placeholder": "e.g. What applies to electrolytic aluminium by 2015?",
        "ask_button": "Ask",
        "examples": "Example questions:",
        "answer": "Answer",
        "source": "Source: ",
        "not_found": "Not found: {reason}.",
        "nearest": "Nearest provisions",
        "value_subject": "subject",
        "value_measure": "measure",
        "value_date": "date",
        "question_error": "Cannot process this question: {error}",
        "empty_question": "Please type a question.",
        "evidence": "Evidence sentences (most relevant first)",
        "score": "score",
        "paragraph": "Show the paragraph",
        "facts_query": "Facts and query",
        "named_query": "Named query",
        "elapsed": "{ms} ms",
        "truncated_question": "The question was too long and was truncated.",
        "browse_header": "Browse provisions",
        "industry": "Industry",
        "agency": "Agency",
        "region": "Region",
        "modality": "Modality",
        "due_by": "Due by",
        "include_open": "Incl. undated",
        "all": "(all)",
        "n_items": "{n} items",
        "timeline": "Timeline of deadlines and targets",
        "timeline_caption": "x = date, y = industry; colour tells provision deadlines, start dates, targets and "
                            "reported figures apart. Hover for the text.",
        "no_dated": "No dated provision or target matches these filters.",
        "table": "Provisions",
        "col_label": "Label",
        "col_id": "Citation id",
        "col_modality": "Modality",
        "col_bearers": "Bearers",
        "col_industries": "Industries",
        "col_regions": "Regions",
        "col_deadline": "Deadline",
        "col_text": "Text",
        "kind_deadline": "Deadline",
        "kind_valid_from": "Applies from",
        "kind_target": "Target",
        "kind_figure": "Reported figure",
        "axis_date": "Date",
        "axis_what": "What",
        "axis_kind": "Kind",
        "general": "General",
        "graph_header": "Graph",
        "entity_kind": "Entity type",
        "kind_industry": "Industry",
        "kind_agency": "Agency",
        "kind_provision": "Provision",
        "entity": "Entity",
        "graph_caption": "{nodes} nodes, {edges} edges. Drag, zoom, hover for the text.",
        "graph_truncated": "Too many provisions: only the first {n} are shown.",
        "legend": "Legend",
        "rel_concerns": "concerns",
        "rel_bears": "bears",
        "rel_bears_addressee": "bears (addressee)",
        "rel_narrower": "narrower",
        "rel_region": "region",
        "rel_uses": "uses",
        "rel_quantity": "quantity",
        "rel_in_section": "in section",
        "legend_quantity": "Quantity",
        "legend_measure": "Measure",
        "legend_section": "Section",
        "checklist_header": "Checklist export",
        "preview": "Preview",
        "download_csv": "Download CSV",
        "download_xlsx": "Download Excel",
        "download_md": "Download Markdown",
        "document_header": "Document (citable ids)",
        "lookup": "Look up a citation id",
        "lookup_placeholder": "e.g. guofa-2013-41/4.p4.s2",
        "lookup_error": "Lookup failed: {error}",
        "section_filter": "Section",
        "in_paragraph": "In paragraph {label}",
        "document_filter": "Document",
        "cites": "Cites",
        "cited_by": "Cited by",
        "none": "none",
        "not_in_library": "not in the library",
        "in_force_from": "in force from {date}",
        "repealed_on": "no longer in force from {date}",
        "replaced_by": "replaced by {doc}",
        "sparql_header": "Read-only SPARQL console",
        "named_queries": "Named queries",
        "sparql_text": "SPARQL",
        "run": "Run",
        "sparql_caption": "At most {limit} rows, {timeout:.0f} s timeout; updates, LOAD and SERVICE are refused.",
        "sparql_error": "Query refused or failed: {error}",
        "sparql_rate": "Too many queries: try again in {seconds:.0f} s.",
        "rows": "{n} rows",
        "rows_truncated": "{n} rows (truncated)",
        "ask_result": "ASK result: {value}",
        "modality_obligation": "obligation",
        "modality_prohibition": "prohibition",
        "modality_permission": "permission",
        "modality_encouragement": "encouragement",
    },
}

CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
.st-key-examples { row-gap: 0; }
.st-key-examples button { min-height: 1.9rem; padding: 0.1rem 0.45rem; }
.st-key-examples button p { font-size: 0.9rem; }
.st-key-sparql_text textarea { font-family: "Source Code Pro", "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
.pkg-answer { border-left: 8px solid #1a7f37; background: #eaf6ee; border-radius: 0.6rem;
              padding: 1.1rem 1.4rem 0.9rem 1.4rem; margin: 0.4rem 0 1.2rem 0; }
.pkg-answer-kicker { font-size: 0.85rem; font-weight: 600; letter-spacing: 0.08em; color: #1a7f37;
                     text-transform: uppercase; margin-bottom: 0.25rem; }
.pkg-answer-text { font-size: 1.55rem; line-height: 1.5; font-weight: 650; color: #11261a; }
.pkg-answer-source { font-size: 0.9rem; color: #4a5a50; margin-top: 0.55rem; }
.pkg-answer-source code { font-size: 0.85rem; }
.pkg-ev { font-size: 1.02rem; line-height: 1.7; }
.pkg-ev mark, .pkg-doc mark, .pkg-para mark { background: #fff0a8; padding: 0 0.1em; border-radius: 0.15em; }
.pkg-meta { font-size: 0.85rem; color: #5f6b7a; }
.pkg-doc p { margin: 0 0 0.35rem 0; line-height: 1.7; }
.pkg-doc .pkg-h { font-weight: 700; font-size: 1.05rem; margin-top: 0.9rem; }
.pkg-doc .pkg-lbl { color: #5f6b7a; font-size: 0.8rem; margin-right: 0.35rem; }
.pkg-doc code { font-size: 0.75rem; color: #6b4fa0; margin-right: 0.35rem; }
.pkg-para { line-height: 1.8; }
.pkg-legend span.dot { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
                       margin: 0 0.25rem 0 0.8rem; vertical-align: middle; }
</style>
"""


# ---------------------------------------------------------------------- strings
def lang() -> str:
    return st.session_state.get("lang", "zh")


def tr(key: str, language: str | None = None, **values: Any) -> str:
    """A UI string; ``language`` is bound explicitly in format functions, which may run outside a script run."""
    text = STRINGS[language or lang()][key]
    return text.format(**values) if values else text


def formatter(render: Callable[[Any, str], str]) -> Callable[[Any], str]:
    """A widget format function with the current UI language bound (it may be called outside a script run)."""
    language = lang()
    return lambda value: render(value, language)


def localized(key: str, options: Sequence[Any], default: Any = None) -> dict[str, Any]:
    """Keyword arguments for a widget whose options are labelled in the UI language.

    Streamlit keeps a radio's or selectbox's state as the *label* of the chosen option, so after a
    language switch the old label matches nothing and the widget resets (or shows a stale label).
    Each language therefore gets its own widget (``key`` in Chinese, ``key__en`` in English) and the
    chosen value is kept under ``key__value``, seeded into whichever widget is drawn.
    """
    language = lang()
    widget = key if language == "zh" else f"{key}__{language}"
    stored = f"{key}__value"
    value = st.session_state.get(stored, st.session_state.get(widget, default))
    st.session_state[widget] = value if value in options else default
    st.session_state[stored] = st.session_state[widget]
    return {"key": widget, "on_change": remember, "args": (stored, widget)}


def remember(stored: str, widget: str) -> None:
    st.session_state[stored] = st.session_state[widget]


def modality_name(modality: str | None, language: str | None = None) -> str:
    return tr(f"modality_{modality}", language) if modality in MODALITIES else (modality or "—")


# ---------------------------------------------------------------------- cached resources
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
    return cite(citation, get_store(data))


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
def graph_page_html(data: str, entity: str, language: str, relations: tuple[tuple[str, str], ...]
                    ) -> tuple[str, int, int, bool]:
    graph = neighbourhood(get_store(data), entity, get_lexicon(), lang=language, max_provisions=60)
    page = to_pyvis_html(graph, height_px=640, relation_labels=dict(relations))
    return page, graph.number_of_nodes(), graph.number_of_edges(), bool(graph.graph.get("truncated"))


# ---------------------------------------------------------------------- shared widgets
def concept_select(label: str, options: list[str], key: str, lexicon: Lexicon) -> str | None:
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
    return st.selectbox(label, choices, format_func=show, **localized(key, choices, ALL)) or None


def filter_widgets(prefix: str, provisions: list[ChecklistItem], lexicon: Lexicon) -> Filters:
    cols = st.columns([1.2, 1.2, 1, 1, 1, 1], vertical_alignment="bottom")
    with cols[0]:
        industry = concept_select(tr("industry"), [c.label_zh for c in concept_options(provisions, lexicon,
                                                                                        "industry")],
                                  f"{prefix}_industry", lexicon)
    with cols[1]:
        agency = concept_select(tr("agency"), [c.label_zh for c in concept_options(provisions, lexicon, "agency")],
                                f"{prefix}_agency", lexicon)
    with cols[2]:
        region = concept_select(tr("region"), [c.label_zh for c in concept_options(provisions, lexicon, "region")],
                                f"{prefix}_region", lexicon)
    with cols[3]:
        modality = st.selectbox(tr("modality"), [ALL, *MODALITIES],
                                **localized(f"{prefix}_modality", [ALL, *MODALITIES], ALL),
                                format_func=formatter(lambda m, language: tr("all", language) if m == ALL
                                                      else modality_name(m, language))) or None
    with cols[4]:
        by = st.date_input(tr("due_by"), value=None, min_value=dt.date(2010, 1, 1), max_value=dt.date(2035, 12, 31),
                           format="YYYY-MM-DD", key=f"{prefix}_by")
    with cols[5]:
        include_open = st.checkbox(tr("include_open"), key=f"{prefix}_open")
    return Filters(industry=industry, agency=agency, region=region, modality=modality,
                   by=by.isoformat() if isinstance(by, dt.date) else None, include_open=include_open)


def provisions_frame(items: list[ChecklistItem], lexicon: Lexicon) -> pd.DataFrame:
    def names(labels: list[str]) -> str:
        shown = []
        for label in labels:
            concept = lexicon.resolve(label)
            shown.append(concept_label(concept, lang()) if concept else label)
        return "、".join(shown) if lang() == "zh" else ", ".join(shown)

    return pd.DataFrame([{
        tr("col_label"): item.label,
        tr("col_modality"): modality_name(item.modality),
        tr("col_deadline"): item.deadline or "",
        tr("col_bearers"): names(item.bearers),
        tr("col_industries"): names(item.industries),
        tr("col_regions"): names(item.regions),
        tr("col_text"): item.text,
        tr("col_id"): item.id,
    } for item in items], columns=[tr(k) for k in ("col_label", "col_modality", "col_deadline", "col_bearers",
                                                    "col_industries", "col_regions", "col_text", "col_id")])


def show_provisions(items: list[ChecklistItem], lexicon: Lexicon, key: str) -> None:
    st.dataframe(provisions_frame(items, lexicon), hide_index=True, width="stretch", key=key,
                 column_config={tr("col_text"): st.column_config.TextColumn(width="large"),
                                tr("col_label"): st.column_config.TextColumn(width=110),
                                tr("col_id"): st.column_config.TextColumn(width=190)})


# ---------------------------------------------------------------------- pages
def use_example(question: str) -> None:
    st.session_state["question"] = question
    st.session_state["asked"] = question


def page_ask(data: str) -> None:
    with st.form("ask_form", border=False):
        cols = st.columns([8, 1], vertical_alignment="bottom")
        with cols[0]:
            st.text_input(tr("ask_header"), key="question", placeholder=tr("question_placeholder"), max_chars=500)
        with cols[1]:
            submitted = st.form_submit_button(tr("ask_button"), type="primary", width="stretch", key="ask_submit")
    if submitted:
        st.session_state["asked"] = st.session_state.get("question", "")
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="examples"):
        st.caption(tr("examples"), width="content")
        for index, example in enumerate(EXAMPLES):
            st.button(example, key=f"example_{index}", on_click=use_example, args=(example,), type="tertiary")
    asked = st.session_state.get("asked")
    if asked is None:
        return
    if not str(asked).strip():
        st.error(tr("empty_question"))
        return
    with st.spinner(tr("loading_model")):
        get_answerer(data)
    show_result(data, ask(data, str(asked)))


def show_result(data: str, result: dict) -> None:
    if result.get("error"):
        st.error(tr("question_error", error=result["error"]))
        return
    if result.get("warning"):
        st.info(tr("truncated_question"))
    evidence = result.get("evidence") or []
    facts = result.get("facts") or []
    if not result.get("answered"):
        reason = result.get("reason") or {}
        st.warning(tr("not_found", reason=reason.get(f"text_{lang()}") or reason.get("text") or ""))
        if evidence:
            st.markdown(f"##### {tr('nearest')}")
            show_evidence(data, evidence, get_terms(str(result.get("question") or "")))
        return
    values = result.get("values") or []
    st.markdown(
        f"<div class='pkg-answer'><div class='pkg-answer-kicker'>{tr('answer')}</div>"
        f"<div class='pkg-answer-text'>{html.escape(str(result['answer']))}</div>"
        + "".join(value_html(data, value) for value in values[:8])
        + (f"<div class='pkg-answer-source'>{source_html(data, evidence[0]['id'])}</div>"
           if not values and evidence and result.get("answer") == evidence[0]["text"] else "")
        + "</div>",
        unsafe_allow_html=True,
    )
    terms = get_terms(str(result.get("question") or ""))
    # The value is highlighted in the sentence that states it, so a reader sees where it comes from.
    terms = [*terms, *(str(v["surface"]) for v in values if v.get("surface"))]
    st.markdown(f"##### {tr('evidence')}")
    show_evidence(data, evidence, terms)
    show_facts(result, facts)


def source_html(data: str, citation: str) -> str:
    try:
        found = get_cite(data, citation)
        return (f"{tr('source')}<b>{html.escape(str(found['label']))}</b> · "
                f"{html.escape(str(found['section']))} · <code>{html.escape(citation)}</code>")
    except PolicyKGError:
        return f"{tr('source')}<code>{html.escape(citation)}</code>"


def value_html(data: str, value: dict) -> str:
    """One proven value: what it is of, its date, and the sentence it comes from."""
    parts = [(tr("value_subject"), value.get("subject")), (tr("value_measure"), value.get("measure")),
             (tr("value_date"), value.get("date"))]
    colon = "：" if lang() == "zh" else ": "
    detail = " · ".join(f"{label}{colon}{html.escape(str(text))}" for label, text in parts if text)
    return (f"<div class='pkg-answer-source'><b>{html.escape(str(value.get('surface') or ''))}</b>"
            + (f" · {detail}" if detail else "") + f"<br>{source_html(data, str(value['citation']))}</div>")


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


def show_facts(result: dict, facts: list) -> None:
    with st.expander(tr("facts_query")):
        st.json({"facts": facts, "query": result.get("query"), "parsed": result.get("parsed")}, expanded=2)
        query = result.get("query")
        if query and query.get("name") in named_queries():
            st.markdown(f"**{tr('named_query')}** `{query['name']}`")
            st.code(named_queries()[query["name"]].text, language="sparql")
        st.caption(tr("elapsed", ms=result.get("elapsed_ms")))


def page_browse(data: str) -> None:
    st.subheader(tr("browse_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    filters = filter_widgets("browse", provisions, lexicon)
    items = build_checklist(filters, provisions=provisions)
    st.caption(tr("n_items", n=len(items)))
    st.markdown(f"##### {tr('timeline')}")
    records = timeline_records(items, dated_targets(data, filters, items), lexicon, lang=lang(),
                               kind_labels={k: tr(f"kind_{k}") for k in ("deadline", "valid_from", "target",
                                                                          "figure")},
                               general=tr("general"))
    if records:
        chart = timeline_chart(records, titles={"date": tr("axis_date"), "industry": tr("industry"),
                                                "kind": tr("axis_kind"),
                                                "what": tr("axis_what"), "id": tr("col_id"),
                                                "text": tr("col_text")})
        st.altair_chart(chart, width="stretch")
        st.caption(tr("timeline_caption"))
    else:
        st.info(tr("no_dated"))
    st.markdown(f"##### {tr('table')}")
    show_provisions(items, lexicon, key="browse_table")


def dated_targets(data: str, filters: Filters, items: list[ChecklistItem]) -> list[dict]:
    """Targets to put on the timeline: by industry and date; by the kept provisions when other filters apply."""
    targets = [t for t in get_targets(data) if t.get("date")]
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


def page_graph(data: str) -> None:
    st.subheader(tr("graph_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    cols = st.columns([1, 3])
    with cols[0]:
        kinds = ("industry", "agency", "provision")
        kind = st.radio(tr("entity_kind"), kinds, **localized("graph_kind", kinds, "industry"),
                        format_func=formatter(lambda k, language: tr(f"kind_{k}", language)))
    with cols[1]:
        if kind == "provision":
            by_id = {item.id: item for item in provisions}
            ids = list(by_id)
            entity = st.selectbox(tr("entity"), ids,
                                  **localized("graph_provision", ids, DEFAULT_PROVISION if DEFAULT_PROVISION in ids
                                              else ids[0]),
                                  format_func=lambda i: f"{by_id[i].label} · {by_id[i].text[:48]}…")
        else:
            options = [c.iri for c in concept_options(provisions, lexicon, kind)]
            default = DEFAULT_INDUSTRY if DEFAULT_INDUSTRY in options else (options[0] if options else None)
            entity = st.selectbox(tr("entity"), options, **localized(f"graph_{kind}", options, default),
                                  format_func=formatter(
                                      lambda i, language: concept_label(lexicon.concepts[i], language)))
    if not entity:
        return
    relations = tuple((k, tr(f"rel_{k}")) for k in ("concerns", "bears", "bears_addressee", "narrower", "region",
                                                     "uses", "quantity", "in_section"))
    page, nodes, edges, truncated = graph_page_html(data, entity, lang(), relations)
    legend = [(tr("kind_industry"), KIND_COLOURS["industry"]), (tr("kind_agency"), KIND_COLOURS["agency"]),
              (tr("region"), KIND_COLOURS["region"]), (tr("legend_measure"), KIND_COLOURS["measure"]),
              (tr("legend_quantity"), KIND_COLOURS["quantity"]), (tr("legend_section"), KIND_COLOURS["section"])]
    legend += [(modality_name(m), MODALITY_COLOURS[m]) for m in MODALITIES]
    st.markdown("<div class='pkg-legend pkg-meta'>" + "".join(
        f"<span class='dot' style='background:{colour}'></span>{html.escape(name)}" for name, colour in legend)
        + "</div>", unsafe_allow_html=True)
    st.iframe(page, height=660)
    st.caption(tr("graph_caption", nodes=nodes, edges=edges))
    if truncated:
        st.info(tr("graph_truncated", n=60))


def page_checklist(data: str) -> None:
    st.subheader(tr("checklist_header"))
    lexicon = get_lexicon()
    provisions = get_provisions(data)
    filters = filter_widgets("check", provisions, lexicon)
    items = build_checklist(filters, provisions=provisions)
    slug = "-".join(p for p in ("checklist", filters.industry, filters.agency, filters.region, filters.modality,
                                filters.by) if p)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption(tr("n_items", n=len(items)))
        for fmt, key, mime in (("csv", "download_csv", "text/csv"),
                               ("xlsx", "download_xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                               ("md", "download_md", "text/markdown")):
            st.download_button(tr(key), data=export(items, fmt), file_name=f"{slug}.{fmt}", mime=mime,
                               key=f"dl_{fmt}", on_click="ignore", icon=":material/download:")
    st.markdown(f"##### {tr('preview')}")
    show_provisions(items, lexicon, key="check_table")


def links_markdown(links: dict, *, per_sentence: bool) -> str:
    """"Cites" and "cited by" as two lists: formal citation, id (or not in the library), the words as written."""
    text = "citation_text_en" if lang() == "en" else "citation_text"
    lines = [f"**{tr('cites')}**" + ("" if links["cites"] else f": {tr('none')}")]
    for item in links["cites"]:
        where = f"`{item['target']}`" if item["target"] else tr("not_in_library")
        source = f" · `{item['sentence']}`" if per_sentence else ""
        lines.append(f"- {html.escape(item[text])} · {where} ← {html.escape(item['surface'])}{source}")
    lines.append("")
    lines.append(f"**{tr('cited_by')}**" + ("" if links["cited_by"] else f": {tr('none')}"))
    for item in links["cited_by"]:
        lines.append(f"- {html.escape(item[text])} · `{item['sentence']}` ← {html.escape(item['surface'])}")
    return "\n".join(lines)


def show_document(data: str, document: dict) -> None:
    """A chosen document: its validity in time, what it cites and what cites it."""
    validity = [tr("in_force_from", date=document["in_force_from"]) if document["in_force_from"] else "",
                tr("repealed_on", date=document["repealed_on"]) if document["repealed_on"] else "",
                tr("replaced_by", doc=document["replaced_by"]) if document["replaced_by"] else ""]
    with st.container(border=True):
        st.caption(" · ".join([f"{document['title']}（{document['number']}）", str(document["date"]),
                               *(v for v in validity if v)]))
        st.markdown(links_markdown(get_links(data, document["id"]), per_sentence=True))


def page_document(data: str) -> None:
    st.subheader(tr("document_header"))
    store = get_store(data)
    documents = {d["id"]: d for d in get_documents(data)}
    ids = [ALL, *documents]
    chosen = st.selectbox(tr("document_filter"), ids, **localized("doc_document", ids, ALL),
                          format_func=formatter(lambda d, language: tr("all", language) if d == ALL
                                                else f"{documents[d]['title']} · {d}")) or None
    if chosen:
        show_document(data, documents[chosen])
    citation = st.text_input(tr("lookup"), key="doc_lookup", placeholder=tr("lookup_placeholder"))
    if citation and citation.strip():
        try:
            found = cite(citation, store)
            with st.container(border=True):
                st.markdown(f"**{html.escape(str(found['label']))}** · {html.escape(str(found['section']))} · "
                            f"`{found['id']}`" + (f" · {modality_name(found['modality'])}" if found["modality"]
                                                   else ""))
                st.markdown(f"<div class='pkg-para'>{highlight(str(found['paragraph']['text']), [found['text']])}"
                            "</div>", unsafe_allow_html=True)
                st.caption(f"{found['document']['title']}（{found['document']['number']}） · "
                           f"{tr('in_paragraph', label=found['paragraph']['label'])}")
                st.markdown(links_markdown(get_links(data, str(found["id"])), per_sentence=False))
        except PolicyKGError as exc:
            st.error(tr("lookup_error", error=exc))
    sentences = [s for s in get_sentences(data) if chosen is None or s["docId"] == chosen]
    tops = list(dict.fromkeys(str(s["section"]).split(" › ")[0] for s in sentences))
    section = st.selectbox(tr("section_filter"), [ALL, *tops], **localized("doc_section", [ALL, *tops], ALL),
                           format_func=formatter(lambda s, language: tr("all", language) if s == ALL else s)) or None
    blocks: dict[str, list[str]] = {}
    last_paragraph = None
    for sentence in sentences:
        top = str(sentence["section"]).split(" › ")[0]
        if section is not None and top != section:
            continue
        sid = f"{sentence['docId']}/{sentence['cite']}"
        text = html.escape(str(sentence["text"]))
        label = html.escape(str(sentence["label"]))
        if sentence["role"] == "heading":
            line = f"<p class='pkg-h'><span class='pkg-lbl'>{label}</span><code>{sid}</code>{text}</p>"
        else:
            opener = "" if sentence["paragraph"] == last_paragraph else "<p></p>"
            line = f"{opener}<p><span class='pkg-lbl'>{label}</span><code>{sid}</code>{text}</p>"
        last_paragraph = sentence["paragraph"]
        blocks.setdefault(top, []).append(line)
    for lines in blocks.values():
        st.markdown("<div class='pkg-doc'>" + "".join(lines) + "</div>", unsafe_allow_html=True)


def set_sparql_text() -> None:
    name = st.session_state.get("sparql_named")
    if name in named_queries():
        st.session_state["sparql_text"] = named_queries()[name].text


def page_sparql(data: str) -> None:
    st.subheader(tr("sparql_header"))
    queries = named_queries()
    names = list(queries)
    if "sparql_text" not in st.session_state:
        st.session_state["sparql_named"] = "stats" if "stats" in queries else names[0]
        st.session_state["sparql_text"] = queries[st.session_state["sparql_named"]].text
    name = st.selectbox(tr("named_queries"), names, key="sparql_named", on_change=set_sparql_text)
    if name in queries:
        params = ", ".join(f"?{p.name} ({p.type})" for p in queries[name].parameters)
        st.caption(queries[name].description + (f" — {params}" if params else ""))
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
        st.error(tr("sparql_error", error=exc))
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


def page_selector() -> str:
    return st.radio(tr("page"), PAGES, **localized("page", PAGES, PAGES[0]),
                    format_func=formatter(lambda p, language: tr(f"page_{p}", language)))


PAGE_FUNCTIONS: dict[str, Callable[[str], None]] = {
    "ask": page_ask,
    "browse": page_browse,
    "graph": page_graph,
    "checklist": page_checklist,
    "document": page_document,
    "sparql": page_sparql,
}


def main() -> None:
    st.set_page_config(page_title=TITLE, page_icon="📜", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    with st.sidebar:
        st.radio(STRINGS["zh"]["language"], ("zh", "en"), key="lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        page = page_selector()
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
        PAGE_FUNCTIONS[page](data)
    except PolicyKGError as exc:
        st.error(str(exc))
    except Exception as exc:  # the app shows a message, never a traceback
        log.exception("page %s failed", page)
        st.error(tr("unexpected", error=f"{type(exc).__name__}: {exc}"))


main()
