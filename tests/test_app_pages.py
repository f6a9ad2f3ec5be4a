"""Each page of the app on its own (``AppTest.from_file("app_pages/….py")``), the list answer of the
Ask page, the view in the URL, the checklist's form and exports, and the UI catalogue (issue 11).

Uses the session build of corpus/ (``built_data``); the answerer is loaded once per process.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent
PAGES = PROJECT / "app_pages"
APP = PROJECT / "app.py"
FLAGSHIP = {"zh": "电解铝2015年底前要做什么？", "en": "What applies to electrolytic aluminium by 2015?"}


def _page(name: str, **query: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


@pytest.mark.parametrize(("name", "header"), [("browse", "浏览条款"), ("graph", "图谱"), ("checklist", "清单导出"),
                                              ("document", "原文（可引用编号）"), ("sparql", "SPARQL 只读控制台")])
def test_each_page_renders_on_its_own(built_data: Path, name: str, header: str) -> None:
    at = _page(name)
    assert [s.value for s in at.subheader] == [header]
    assert not at.error
    assert "数据目录" in " ".join(str(c.value) for c in at.sidebar.caption)


def test_ask_page_on_its_own(built_data: Path) -> None:
    at = _page("ask")
    assert at.text_input(key="question").label == "输入问题"
    assert not at.markdown or "<div class='pkg-answer'>" not in _markdown(at)


# ---------------------------------------------------------------------- the list answer
def _cards(at) -> list[str]:
    """The citation ids of the provisions listed on the page (one card each)."""
    return re.findall(r"<div class='pkg-card'>.*?<code>([^<]+)</code>", _markdown(at), flags=re.S)


def _headings(at) -> dict[str, str]:
    """Each listed provision's id → the sub-heading it is listed under ("" when there is none)."""
    under, current = {}, ""
    for element in at.markdown:
        value = str(element.value)
        if "class='pkg-list-h'" in value:
            current = ""
        elif value.startswith("<div class='pkg-meta'><b>"):
            current = value
        for cid in re.findall(r"<div class='pkg-card'>.*?<code>([^<]+)</code>", value, flags=re.S):
            under[cid] = current
    return under


@pytest.mark.parametrize("language", ["zh", "en"])
def test_flagship_question_lists_cited_provisions(built_data: Path, language: str) -> None:
    from kg.checklist import load_provisions
    from kg.citation import load_citations
    from kg.graph.store import GraphStore

    at = _page("ask", lang=language, q=FLAGSHIP[language])
    ids = _cards(at)
    assert len(ids) >= 20 and len(set(ids)) == len(ids), ids
    # Each provision shows its formal citation as a code block (with Streamlit's copy button).
    store = GraphStore(built_data / "store")
    citations = load_citations(store)
    codes = {str(c.value) for c in at.code}
    formal = {cid: (citations[cid].en if language == "en" else citations[cid].zh) for cid in ids}
    assert all(formal[cid] in codes for cid in ids)
    assert all(text.startswith("《") if language == "zh" else "Guo Fa" in text or "(" in text
               for text in formal.values())
    # Grouped by modality, and one of them inherited from 产能严重过剩行业 under a heading that says so.
    must, inherited_from = ("必须做", "来自上位行业") if language == "zh" else ("Must", "Inherited from")
    group = "产能严重过剩行业" if language == "zh" else "severe overcapacity"
    assert f"{must} · " in _markdown(at)
    under = _headings(at)
    provisions = {item.id: item for item in load_provisions(store)}
    inherited = [cid for cid in ids if "产能严重过剩行业" in provisions[cid].industries
                 and not {"电解铝", "铝材", "铝液", "预焙槽"} & set(provisions[cid].industries)]
    assert inherited, "no provision inherited from 产能严重过剩行业"
    assert all(inherited_from in under[cid] and group in under[cid].lower() for cid in inherited), \
        {cid: under[cid] for cid in inherited}
    own = [cid for cid in ids if "电解铝" in provisions[cid].industries]
    assert own and not any(inherited_from in under[cid] for cid in own)
    # The answer block says how many and the sentence the 16万安培 duty comes from is among the cards.
    assert "guofa-2013-41/4.p4.s2" in ids
    assert str(len(ids)) in "".join(str(m.value) for m in at.markdown if "pkg-answer" in str(m.value))


def test_list_answer_opens_as_checklist_with_the_same_filters(built_data: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from kg.checklist import Filters, build_checklist

    at = AppTest.from_file(str(APP), default_timeout=180)  # switching pages needs the navigation
    at.query_params["q"] = FLAGSHIP["zh"]
    at.run()
    listed = set(_cards(at))
    assert listed
    at.button(key="open_checklist").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader] == ["清单导出"]
    assert at.selectbox(key="check_industry").value == "电解铝"
    assert str(at.date_input(key="check_by").value) == "2015-12-31"
    assert at.checkbox(key="check_open").value
    shown = list(at.dataframe[0].value["引用 ID"])
    assert shown == [i.id for i in build_checklist(Filters(industry="电解铝", by="2015-12-31", include_open=True))]
    # Known difference: the applies_to query (the answer) also keeps group provisions of "specific" scope
    # (引导国有资本从产能严重过剩行业…转移); the checklist keeps only the group's general ones.
    provisions = {item.id: item for item in build_checklist(Filters())}
    extra = listed - set(shown)
    assert all(provisions[cid].scope == "specific" and "电解铝" not in provisions[cid].industries for cid in extra)
    assert len(extra) <= 2, extra


def test_value_answer_marks_the_value_in_its_sentence(built_data: Path) -> None:
    at = _page("ask", q="2012年底水泥产能利用率是多少？")
    block = next(str(m.value) for m in at.markdown if "<div class='pkg-answer'>" in str(m.value))
    sentence = re.search(r"<div class='pkg-answer-sentence'>(.*?)</div>", block)
    assert sentence and "<mark>73.7%</mark>" in sentence.group(1) and "水泥" in sentence.group(1)
    assert "<mark>73.7%</mark>" in block.split("pkg-answer-text'>")[1].split("</div>")[0]


# ---------------------------------------------------------------------- the view in the URL
def test_the_url_reproduces_question_answer_and_language(built_data: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    at.text_input(key="question").input(FLAGSHIP["en"])
    at.button(key="ask_submit").click().run()
    assert at.query_params.get("q") == FLAGSHIP["en"] and at.query_params.get("lang") == "en"
    first = len(_cards(at))
    # A reload (or the link, opened elsewhere) is a new session with the same URL.
    again = AppTest.from_file(str(APP), default_timeout=180)
    for key, value in at.query_params.items():
        again.query_params[key] = value
    again.run()
    assert not again.exception
    assert again.text_input(key="question").value == FLAGSHIP["en"]
    assert again.text_input(key="question").label == "Your question"
    assert len(_cards(again)) == first
    assert "Answer" in _markdown(again)


def test_the_url_carries_the_filters(built_data: Path) -> None:
    from kg.checklist import Filters, build_checklist

    at = _page("browse", industry="水泥", modality="prohibition", lang="en")
    assert at.selectbox(key="browse_industry__en").value == "水泥"
    assert set(at.dataframe[-1].value["Modality"]) == {"prohibition"}
    assert len(at.dataframe[-1].value) == len(build_checklist(Filters(industry="水泥", modality="prohibition")))
    at.selectbox(key="browse_region__en").set_value("京津冀").run()
    assert at.query_params.get("region") == "京津冀" and at.query_params.get("industry") == "水泥"


# ---------------------------------------------------------------------- checklist
def test_checklist_counts_dated_and_undated(built_data: Path) -> None:
    at = _page("checklist", industry="电解铝", by="2015-12-31")
    items = at.dataframe[0].value
    dated = int((items["期限"] != "").sum())
    caption = " ".join(str(c.value) for c in at.caption)
    assert f"共 {len(items)} 条：有期限 {dated} 条，无期限 {len(items) - dated} 条" in caption
    assert 0 < dated < len(items)


def _export_inputs(built_data: Path, language: str, *, with_documents: bool = False):
    """The electrolytic-aluminium checklist to 2015 as an export sees it: items, formal citations in the UI
    language, the header (generated on a fixed day) and the rows."""
    import datetime as dt

    from kg import exports
    from kg.checklist import Filters, build_checklist
    from kg.citation import load_citations
    from kg.extract.lexicon import default_lexicon
    from kg.graph.store import GraphStore

    store = GraphStore(built_data / "store")
    filters = Filters(industry="电解铝", by="2015-12-31", include_open=True)
    items = build_checklist(filters, store)
    citations = {cid: (c.en if language == "en" else c.zh) for cid, c in load_citations(store).items()}
    lexicon = default_lexicon()
    documents = exports.document_names(items, _documents(built_data), language) if with_documents else ()
    head = exports.header(filters, lexicon, language, "g1", today=dt.date(2024, 5, 6), documents=documents)
    return items, citations, head, exports.records(items, lexicon, language, citations)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_exports_are_in_the_ui_language(built_data: Path, language: str) -> None:
    from kg import exports

    items, citations, head, rows = _export_inputs(built_data, language)
    table = list(csv.reader(io.StringIO(exports.to_csv(head, rows, language).decode("utf-8-sig"))))
    document = json.loads(exports.to_json(head, rows, language))
    if language == "zh":
        assert table[0] == ["标题", "PolicyKG 政策条款清单"] and ["行业", "电解铝"] in table
        assert ["生成日期", "2024-05-06"] in table and ["截止日期不晚于", "2015-12-31"] in table
        columns = table[table.index([]) + 1]
        assert columns[:3] == ["引用 ID", "正式引用", "原文"]
        assert document["条款数"] == len(items) and document["筛选条件"]["行业"] == "电解铝"
        assert document["条款"][0]["正式引用"].startswith("《")
        assert {r["类型"] for r in document["条款"]} <= {"义务", "禁止", "许可", "鼓励支持", "法律责任"}
    else:
        assert table[0] == ["Title", "PolicyKG policy checklist"] and ["Industry", "electrolytic aluminium"] in table
        assert ["Generated", "2024-05-06"] in table
        columns = table[table.index([]) + 1]
        assert columns[:3] == ["Citation id", "Formal citation", "Text"]
        assert document["Number of items"] == len(items)
    body = table[table.index([]) + 2:]
    assert [r[0] for r in body] == [item.id for item in items]  # the same items, in the order shown
    assert all(r[1] == citations[r[0]] for r in body)  # each with its formal citation


def _documents(built_data: Path) -> list[dict]:
    from kg.documents import load_documents
    from kg.graph.store import GraphStore

    return [vars(d) for d in load_documents(GraphStore(built_data / "store"))]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_excel_and_markdown_exports_are_in_the_ui_language(built_data: Path, language: str) -> None:
    from openpyxl import load_workbook

    from kg import exports

    items, citations, head, rows = _export_inputs(built_data, language, with_documents=True)
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(head, rows, language))).active
    cells = list(sheet.iter_rows(values_only=True))
    pairs = {row[0]: row[1] for row in cells if row[0] and row[1]}
    markdown = exports.to_markdown(head, rows, language).decode("utf-8")
    if language == "zh":
        assert sheet.title == "条款清单" and cells[0][:2] == ("标题", "PolicyKG 政策条款清单")
        assert pairs["行业"] == "电解铝" and pairs["生成日期"] == "2024-05-06"
        assert pairs["截止日期不晚于"] == "2015-12-31"
        assert "《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）" in pairs["文件"]
        columns = ("完成", "引用 ID", "正式引用", "原文")
        assert markdown.startswith("# PolicyKG 政策条款清单\n") and "- **行业**：电解铝" in markdown
        assert "- **文件**：《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）" in markdown
        assert "- [ ] **义务** · " in markdown and "- [ ] **obligation**" not in markdown
    else:
        assert sheet.title == "Checklist" and cells[0][:2] == ("Title", "PolicyKG policy checklist")
        assert pairs["Industry"] == "electrolytic aluminium" and pairs["Generated"] == "2024-05-06"
        assert "(国发〔2013〕41号)" in pairs["Documents"] and "Overcapacity" in pairs["Documents"]
        columns = ("Done", "Citation id", "Formal citation", "Text")
        assert "- **Industry**: electrolytic aluminium" in markdown and "- [ ] **obligation** · " in markdown
    top = next(i for i, row in enumerate(cells) if row[:4] == columns)
    body = cells[top + 1:]
    assert [r[1] for r in body] == [item.id for item in items] and all(r[0] == "☐" for r in body)
    assert all(r[2] == citations[r[1]] for r in body)  # each with its formal citation
    assert sheet.freeze_panes == f"A{top + 2}"
    assert markdown.count("- [ ] ") == len(items)
    shown = markdown.replace("\\", "")  # Markdown's escapes (a citation's [ or *) read as the characters
    assert all(f"`{item.id}`" in markdown and citations[item.id] in shown for item in items)


def _downloads(at_factory, monkeypatch) -> dict[str, bytes]:
    """Capture what the page's download buttons serve (AppTest keeps media only during a run)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        served[file_id] = path_or_data if isinstance(path_or_data, bytes) else b""
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    at = at_factory()
    return {button.proto.id.rsplit("-", 1)[-1]: served[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]
            for button in at.get("download_button")}


def test_checklist_page_serves_every_format_in_the_ui_language(built_data: Path, monkeypatch) -> None:
    from openpyxl import load_workbook

    files = _downloads(lambda: _page("checklist", industry="电解铝", by="2015-12-31", lang="en"), monkeypatch)
    assert set(files) == {"dl_csv", "dl_json", "dl_xlsx", "dl_md"}
    assert files["dl_md"].decode("utf-8").startswith("# PolicyKG policy checklist\n")
    assert "- **Industry**: electrolytic aluminium" in files["dl_md"].decode("utf-8")
    sheet = load_workbook(io.BytesIO(files["dl_xlsx"])).active
    assert sheet.title == "Checklist" and sheet["A1"].value == "Title"
    assert json.loads(files["dl_json"])["Title"] == "PolicyKG policy checklist"
    assert files["dl_csv"].decode("utf-8-sig").startswith("Title,PolicyKG policy checklist")


# ---------------------------------------------------------------------- SPARQL errors
@pytest.mark.parametrize(("language", "words"), [("zh", "只允许只读查询"), ("en", "Only read queries")])
def test_sparql_errors_once_in_the_ui_language(built_data: Path, language: str, words: str) -> None:
    at = _page("sparql", lang=language)
    at.text_area(key="sparql_text").input('INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }')
    at.button(key="sparql_run").click().run()
    assert len(at.error) == 1 and words in at.error[0].value and "INSERT" in at.error[0].value
    at.text_area(key="sparql_text").input("SELECT ?s WHERE { ?s ?p }")
    at.button(key="sparql_run").click().run()
    assert len(at.error) == 1
    assert ("语法错误" if language == "zh" else "syntax error") in at.error[0].value
    assert "SPARQL error" not in at.error[0].value


# ---------------------------------------------------------------------- SPARQL parameters and results
def test_named_query_parameters_are_inputs_bound_as_terms(built_data: Path) -> None:
    from kg.graph.store import GraphStore, rows
    from kg.queries import get

    at = _page("sparql")
    at.selectbox(key="sparql_named").set_value("applies_to").run()
    # One input per parameter, starting from the query's own defaults, with its description.
    assert at.text_input(key="sparql_param_applies_to_industry").value == "电解铝"
    assert str(at.date_input(key="sparql_param_applies_to_by").value) == "2015-12-31"
    assert any("期限不晚于该日" in str(c.value) for c in at.caption)
    at.button(key="sparql_run").click().run()
    assert not at.error
    frame = at.dataframe[0].value
    query = get("applies_to")
    expected = rows(GraphStore(built_data / "store").query(query.text, query.bind(
        {"industry": "电解铝", "by": "2015-12-31"})))
    assert len(frame) == len(expected) > 10
    # Prefixed names, not full IRIs; sentences and provisions link to the Document page.
    assert set(frame["industry"]) == {"ind:electrolytic-aluminium"}
    assert not any("https://w3id.org" in str(v).split("#")[0] for v in frame.to_numpy().ravel() if v)
    assert "document?doc=guofa-2013-41&s=4.p4.s2&lang=zh#guofa-2013-41/4.p4.s2" in set(frame["sentence"])
    assert all(str(v).endswith("/provision") for v in frame["provision"])
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["sentence"]["type_config"]["type"] == "link"
    # A narrower date binds as a date: fewer rows, and the text itself is unchanged.
    text = at.text_area(key="sparql_text").value
    at.date_input(key="sparql_param_applies_to_by").set_value("2013-12-31")
    at.button(key="sparql_run").click().run()
    assert 0 < len(at.dataframe[0].value) < len(frame)
    assert at.text_area(key="sparql_text").value == text == query.text


@pytest.mark.parametrize(("language", "words"), [("zh", "既不是已知概念"), ("en", "is neither a known concept")])
def test_a_bad_parameter_is_one_error_in_the_ui_language(built_data: Path, language: str, words: str) -> None:
    at = _page("sparql", lang=language)
    at.selectbox(key="sparql_named").set_value("obligations_of").run()
    at.text_input(key="sparql_param_obligations_of_agency").input("没有这个机构").run()
    at.button(key="sparql_run").click().run()
    assert len(at.error) == 1 and words in at.error[0].value and "?agency" in at.error[0].value
    assert "parameter agency" not in at.error[0].value  # the UI's words, not the library's


def test_a_parameter_is_never_pasted_into_the_query(built_data: Path) -> None:
    at = _page("sparql")
    at.selectbox(key="sparql_named").set_value("entry_into_force").run()
    at.button(key="sparql_run").click().run()
    assert "art70.p1.s1" in set(at.dataframe[0].value["cite"])
    hostile = 'epl-2014") } } SELECT * WHERE { ?s ?p ?o } #'
    at.text_input(key="sparql_param_entry_into_force_doc").input(hostile).run()
    at.button(key="sparql_run").click().run()
    assert not at.error  # a literal that matches no document, not a changed query
    assert len(at.dataframe[0].value) == 0


# ---------------------------------------------------------------------- the document as a reader sees it
def _text_blocks(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown if str(m.value).startswith("<div class='pkg-doc'>"))


@pytest.mark.parametrize("name", ["epl-2014", "环保法", "主席令第九号", "中华人民共和国环境保护法 · epl-2014",
                                  "environmental protection law of the people's republic of china"])
def test_a_link_opens_the_document_at_its_sentence(built_data: Path, name: str) -> None:
    at = _page("document", doc=name, s="art70.p1.s1")
    assert not at.warning and not at.error
    assert at.selectbox(key="doc_document").value == "epl-2014"
    head = next(str(m.value) for m in at.markdown if "class='pkg-dochead'" in str(m.value))
    # Title, number, issuer and date at the top.
    assert all(word in head for word in ("中华人民共和国环境保护法", "主席令第九号", "全国人民代表大会常务委员会",
                                         "2014-04-24"))
    text = _text_blocks(at)
    # The sentence is anchored by its citation id and marked; the page scrolls to it.
    assert "<span class='pkg-s pkg-target' id='epl-2014/art70.p1.s1'" in text
    assert text.count("pkg-target") == 1
    assert "epl-2014/art70.p1.s1" in str(at.get("html")[0].proto.body)
    assert at.query_params.get("doc") == "epl-2014" and at.query_params.get("s") == "art70.p1.s1"


def test_the_text_reads_as_paragraphs(built_data: Path) -> None:
    from kg.graph.store import GraphStore, rows
    from kg.queries import get

    at = _page("document", doc="guofa-2013-41")
    text = _text_blocks(at)
    sentences = [r for r in rows(GraphStore(built_data / "store").query(get("sentences").text))
                 if r["docId"] == "guofa-2013-41"]
    paragraphs = {r["paragraph"] for r in sentences}
    # One block per paragraph (not per sentence), every sentence an anchor inside it.
    assert text.count("<p class='pkg-p'>") + text.count("<h4 class='pkg-h'>") == len(paragraphs) < len(sentences)
    assert all(f"id='guofa-2013-41/{r['cite']}'" in text for r in sentences)
    paragraph = re.search(r"<p class='pkg-p'>((?:(?!</p>).)*id='guofa-2013-41/4\.p4\.s2'.*?)</p>", text).group(1)
    assert "id='guofa-2013-41/4.p4.s1'" in paragraph and "id='guofa-2013-41/4.p4.s3'" in paragraph
    assert "pkg-target" not in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_full_text_search_marks_and_lists_matches(built_data: Path, language: str) -> None:
    at = _page("document", doc="guofa-2013-41", lang=language)
    at.text_input(key="doc_search").input("预焙槽").run()
    listed = next(str(m.value) for m in at.markdown if str(m.value).startswith("<ul class='pkg-matches'>"))
    ids = re.findall(r"<a href='#([^']+)'>", listed)
    assert "guofa-2013-41/4.p4.s2" in ids and all(i.startswith("guofa-2013-41/") for i in ids)
    assert listed.count("<mark>预焙槽</mark>") >= len(ids)
    text = _text_blocks(at)
    assert text.count("<mark>预焙槽</mark>") == listed.count("<mark>预焙槽</mark>")
    count = f"共 {len(ids)} 句" if language == "zh" else f"holding these words: {len(ids)}"
    assert any(count in str(c.value) for c in at.caption)


def test_an_unknown_document_is_a_warning(built_data: Path) -> None:
    at = _page("document", doc="no-such-doc", lang="en")
    assert len(at.warning) == 1 and "no-such-doc" in at.warning[0].value and not at.exception


# ---------------------------------------------------------------------- the timeline as a sorted list
@pytest.mark.parametrize("language", ["zh", "en"])
def test_browse_lists_what_is_due_by_date(built_data: Path, language: str) -> None:
    from kg.answer.facts import list_targets
    from kg.graph.store import GraphStore

    at = _page("browse", industry="电解铝", lang=language)
    due = at.dataframe[0].value
    date, kind, what, who, cid = (("日期", "类别", "内容", "责任主体", "引用 ID") if language == "zh"
                                  else ("Date", "Kind", "What", "Who", "Citation id"))
    assert list(due[date]) == sorted(due[date]) and len(due) >= 3
    first = due.iloc[0]
    assert first[cid].startswith("document?doc=guofa-2013-41&s=") and first[who]
    assert f"lang={language}#guofa-2013-41/4.p4.s2" in " ".join(due[cid])
    assert ("《国务院关于化解产能严重过剩矛盾的指导意见》" if language == "zh" else "Guo Fa") in " ".join(
        due["正式引用" if language == "zh" else "Formal citation"])
    # The 16万安培 bound says which pots are meant: a threshold, not a target to reach.
    thresholds = [t for t in list_targets(store=GraphStore(built_data / "store"))
                  if t["role"] == "threshold" and t["date"]]
    assert any("16万安培" in t["surface"] for t in thresholds)
    assert not any("16万安培以下" in str(w) for w, k in zip(due[what], due[kind], strict=True)
                   if k == ("目标" if language == "zh" else "Target"))
    assert set(due[kind]) <= ({"条款期限", "目标"} if language == "zh" else {"Deadline", "Target"})
    # The provisions table is still the page's last table.
    assert ("期限" if language == "zh" else "Deadline") in at.dataframe[-1].value.columns


def test_a_link_may_name_its_page_as_a_parameter(built_data: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=180)
    for key, value in {"page": "document", "doc": "epl-2014", "s": "art70.p1.s1"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader] == ["原文（可引用编号）"]
    assert "<span class='pkg-s pkg-target' id='epl-2014/art70.p1.s1'" in _text_blocks(at)
    assert "page" not in at.query_params and at.query_params.get("doc") == "epl-2014"
