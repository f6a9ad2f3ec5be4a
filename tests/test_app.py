"""The Streamlit app, driven in-process with AppTest: every page, both languages, errors shown not raised.

The app is a multipage app (``app.py`` holds ``st.navigation``; each page is a file under
``app_pages/``): these tests open the entry point and switch to a page, as a user does;
tests/test_app_pages.py opens each page file on its own.

The session fixture ``built_data`` builds corpus/ (the shipped library) into a temporary folder and points
``POLICYKG_DATA`` at it; AppTest runs the script in this process, so the app finds that build.
The answerer is cached per process (``st.cache_resource``), so only the first question pays for
loading the encoder.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parent.parent / "app.py"


def _switch(at, page: str):
    """Go to ``page`` as the navigation does (the page's file under app_pages/)."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(built_data: Path):
    """A fresh app session (its own widget state) on the Chinese UI."""
    from streamlit.testing.v1 import AppTest

    def open_page(page: str = "ask", **state: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return _switch(at, page) if page != "ask" else at

    return open_page


def _markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _answer_block(at) -> str:
    blocks = [str(m.value) for m in at.markdown if "<div class='pkg-answer'>" in str(m.value)]
    assert blocks, "no answer block rendered"
    return blocks[0]


def _page_titles(at) -> list[str]:
    """The navigation's page titles as the last run registered them."""
    return [str(info.get("page_name")) for info in at._registered_pages.values()]


def _ask(at, question: str):
    at.text_input(key="question").input(question)
    at.button(key="ask_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------------- ask
def test_ask_shows_answer_first_then_highlighted_evidence(app):
    at = _ask(app("ask"), "电解铝2015年底前要做什么？")
    assert not at.error and not at.warning
    answer = _answer_block(at)
    assert "16万安培" in answer
    assert "guofa-2013-41/4.p4.s2" in answer  # the source sentence is cited under the answer
    text = _markdown(at)
    # The answer comes before the evidence, and the evidence marks the question's terms.
    assert text.index("<div class='pkg-answer'>") < text.index("<div class='pkg-ev'>")
    assert "<mark>电解铝</mark>" in text
    assert "四、分业施策 › 电解铝" in text
    labels = [e.label for e in at.expander]
    assert labels.count("查看所在段落") == 5
    assert "事实与查询" in labels
    assert at.json, "facts and query are shown as JSON"
    assert any("applies_to" in str(c.value) or "SELECT" in str(c.value) for c in at.code)


def test_ask_quantity_answer_and_example_buttons(app):
    at = app("ask")
    at.button(key="example_1").click().run()
    assert at.text_input(key="question").value == "2012年底水泥产能利用率是多少？"
    answer = _answer_block(at)
    assert "73.7%" in answer
    # The value's subject, measure and date are shown, and the value is marked in its sentence.
    assert "对象：水泥" in answer and "指标：产能利用率" in answer and "日期：2012-12-31" in answer
    assert "guofa-2013-41/1.p2.s2" in answer and "<mark>73.7%</mark>" in _markdown(at)
    at.button(key="example_2").click().run()  # the English example
    assert "16万安培" in _answer_block(at)


def test_unsupported_question_warns(app):
    at = app("ask")
    at.button(key="example_4").click().run()  # 煤炭行业的去产能目标是多少？
    assert not at.exception
    assert at.warning and "未找到" in at.warning[0].value and "煤炭" in at.warning[0].value  # the reason
    assert not [m for m in at.markdown if "<div class='pkg-answer'>" in str(m.value)]
    assert "最接近的条款" in _markdown(at)  # and the nearest provisions


@pytest.mark.parametrize("question", ["", "   ", "？？！"])
def test_bad_questions_show_an_error_not_a_traceback(app, question):
    at = _ask(app("ask"), question)
    assert at.error
    assert not at.exception


def test_english_switch(app):
    at = app("ask")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.text_input(key="question").label == "Your question"
    assert "Browse" in _page_titles(at)
    _ask(at, "What applies to electrolytic aluminium by 2015?")
    assert "Answer" in _answer_block(at)
    _switch(at, "browse")
    assert any(s.value == "Browse provisions" for s in at.subheader)
    assert "Deadline" in at.dataframe[-1].value.columns
    at.sidebar.radio(key="lang").set_value("zh").run()  # back to Chinese: still on the same page
    assert any(s.value == "浏览条款" for s in at.subheader)


# ---------------------------------------------------------------------- browse
def test_browse_renders_timeline_and_filters(app):
    from kg.checklist import Filters, build_checklist

    # The page's tables: the timeline's list of what is due, then the provisions (the last one).
    at = app("browse")
    assert at.get("vega_lite_chart"), "the timeline chart is missing"
    total = len(at.dataframe[-1].value)
    assert total == len(build_checklist(Filters()))

    at.selectbox(key="browse_industry").set_value("水泥").run()
    cement = at.dataframe[-1].value
    assert 0 < len(cement) < total
    assert len(cement) == len(build_checklist(Filters(industry="水泥")))
    assert at.get("vega_lite_chart")

    at.date_input(key="browse_by").set_value(dt.date(2015, 12, 31)).run()
    dated = at.dataframe[-1].value
    assert 0 < len(dated) < len(cement)
    assert all(d and d <= "2015-12-31" for d in dated["期限"])

    at.selectbox(key="browse_industry").set_value("")
    at.date_input(key="browse_by").set_value(None)
    at.selectbox(key="browse_modality").set_value("prohibition").run()
    assert set(at.dataframe[-1].value["类型"]) == {"禁止"}

    at.selectbox(key="browse_modality").set_value("")
    at.selectbox(key="browse_region").set_value("京津冀").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == len(build_checklist(Filters(region="京津冀")))


# ---------------------------------------------------------------------- graph
def _graph(at) -> dict:
    """The graph page's network as the component receives it (vis-network nodes, edges, options)."""
    views = at.get("bidi_component")
    assert views and views[0].proto.component_name == "policykg_graph", "no graph component rendered"
    return json.loads(views[0].proto.json)


def _node_ids(at) -> set[str]:
    return {node["id"] for node in _graph(at)["nodes"]}


def test_graph_page_draws_the_network_offline(app):
    from kg.viz import external_resources

    at = app("graph")
    view = at.get("bidi_component")[0].proto
    assert "vis.Network" in view.js_content and external_resources(view.js_content) == []
    assert "https://w3id.org/policykg/industry/electrolytic-aluminium" in _node_ids(at)
    at.radio(key="graph_kind").set_value("agency").run()
    assert _graph(at)["nodes"]
    at.radio(key="graph_kind").set_value("provision").run()
    at.selectbox(key="graph_provision").set_value("guofa-2013-41/4.p4.s2").run()
    assert "16万安培以下" in {node["label"] for node in _graph(at)["nodes"]}
    assert not at.error


def test_a_clicked_node_shows_its_details_and_expands(app):
    at = app("graph")
    before = _node_ids(at)
    provision = next(node for node in _graph(at)["nodes"] if node["id"].endswith("/provision"))
    at.session_state["graph_selected"] = provision["id"]  # what a click on the node stores (the browser test clicks)
    at.run()
    assert any(text.value == provision["title"] for text in at.text), "the clicked provision's text is shown"
    at.button(key="graph_expand").click().run()
    after = _node_ids(at)
    assert before < after, "expanding a provision adds its bearers, industries and section"
    assert not at.error
    at.button(key="graph_collapse").click().run()
    assert _node_ids(at) == before


# ---------------------------------------------------------------------- checklist
def test_checklist_filters_and_downloads(app):
    from kg.checklist import Filters, build_checklist

    at = app("checklist")
    # The filters are a form: nothing changes until they are applied, then all at once.
    at.selectbox(key="check_industry").set_value("水泥").run()
    assert len(at.dataframe[0].value) == len(build_checklist(Filters(include_open=True)))
    at.selectbox(key="check_industry").set_value("水泥")
    at.button(key="check_apply").click().run()
    preview = at.dataframe[0].value
    expected = build_checklist(Filters(industry="水泥", include_open=True))
    assert list(preview["引用 ID"]) == [item.id for item in expected]  # each item by its citation id
    assert "guofa-2013-41/4.p3.s2" in set(preview["引用 ID"])  # the seed's 水泥 paragraph is among them
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 JSON", "下载 Excel", "下载 Markdown"]
    assert at.checkbox(key="check_open").value  # undated standing provisions are included by default
    at.date_input(key="check_by").set_value(dt.date(2015, 12, 31))
    at.button(key="check_apply").click().run()
    assert len(at.dataframe[0].value) == len(build_checklist(Filters(industry="水泥", by="2015-12-31",
                                                                     include_open=True)))
    at.checkbox(key="check_open").uncheck()
    at.button(key="check_apply").click().run()
    assert len(at.dataframe[0].value) == len(build_checklist(Filters(industry="水泥", by="2015-12-31")))


# ---------------------------------------------------------------------- document
def test_document_lists_sentences_and_looks_up_ids(app):
    at = app("document")
    text = _markdown(at)
    assert "guofa-2013-41/4.p4.s2" in text and "guofa-2013-41/1.h.s1" in text
    assert "class='pkg-h'" in text  # headings are set apart
    at.text_input(key="doc_lookup").input("guofa-2013-41/4.p4.s2").run()
    text = _markdown(at)
    assert "<mark>2015年底前淘汰16万安培以下预焙槽" in text
    assert not at.error
    at.text_input(key="doc_lookup").input("guofa-2013-41/99.p9.s9").run()
    assert at.error and not at.exception
    at.selectbox(key="doc_section").set_value("四、分业施策").run()
    text = _markdown(at)
    assert "guofa-2013-41/4.p4.s2" in text and "guofa-2013-41/1.h.s1" not in text


# ---------------------------------------------------------------------- sparql
def test_sparql_console_runs_select_and_refuses_updates(app):
    at = app("sparql")
    assert "SELECT" in at.text_area(key="sparql_text").value  # a named query is preloaded
    at.text_area(key="sparql_text").input(
        "SELECT ?s ?label WHERE { ?s a pkg:Sentence ; rdfs:label ?label } LIMIT 7")
    at.button(key="sparql_run").click().run()
    assert not at.error
    assert len(at.dataframe[0].value) == 7

    at.selectbox(key="sparql_named").set_value("targets").run()
    assert "pkg:Quantity" in at.text_area(key="sparql_text").value
    at.button(key="sparql_run").click().run()
    assert len(at.dataframe[0].value) > 10

    for update in ('INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }',
                   "LOAD <http://example.org/data.ttl>",
                   "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        at.text_area(key="sparql_text").input(update)
        at.button(key="sparql_run").click().run()
        assert at.error, update
        assert not at.exception


def test_missing_store_is_an_error_message(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.error and "policykg build" in at.error[0].value


def test_language_switch_keeps_page_and_filters(app):
    at = app("browse")
    at.selectbox(key="browse_industry").set_value("水泥").run()
    at.selectbox(key="browse_modality").set_value("prohibition").run()
    rows = len(at.dataframe[-1].value)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert any(s.value == "Browse provisions" for s in at.subheader)  # still on the same page
    assert at.selectbox(key="browse_industry__en").value == "水泥"
    assert at.selectbox(key="browse_modality__en").value == "prohibition"
    assert len(at.dataframe[-1].value) == rows
    assert set(at.dataframe[-1].value["Modality"]) == {"prohibition"}
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.selectbox(key="browse_industry").value == "水泥"
    assert len(at.dataframe[-1].value) == rows
    assert not at.warning  # no "value set via Session State API" warnings
