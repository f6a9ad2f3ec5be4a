"""Checklists of provisions: industry, agency, region, date and modality filters; exports; trace and cite."""

from __future__ import annotations

import json

import pytest
from helpers import CORPUS, DOC, EXTRA, run_cli

from kg.checklist import COLUMNS, Filters, build_checklist, cite, export, load_provisions, to_json, trace
from kg.corpus import discover
from kg.errors import QueryError
from kg.graph.store import rows

pytestmark = pytest.mark.slow

INDUSTRIES = ("钢铁", "水泥", "电解铝", "平板玻璃", "船舶")
DEV_CHECKLISTS = EXTRA.parent.parent / "eval" / "checklists_dev.json"


def local(items) -> list[str]:
    """The seed's items among ``items``, by their ids inside the seed (other documents reuse such ids)."""
    return [item.id.split("/", 1)[1] for item in items if item.id.startswith(f"{DOC}/")]


def ids(items) -> list[str]:
    """Every item's full citation id (document/sentence)."""
    return [item.id for item in items]


@pytest.fixture(scope="module")
def provisions(store):
    return load_provisions(store)


@pytest.fixture(scope="module")
def sentences(store) -> dict[str, str]:
    found = rows(store.query("SELECT ?doc ?id ?text WHERE { ?s a pkg:Sentence ; pkg:localId ?id ; pkg:text ?text ; "
                             "eli:is_member_of/pkg:localId ?doc }"))
    return {f"{r['doc']}/{r['id']}": r["text"] for r in found}


def checklist(provisions, **filters):
    return build_checklist(Filters(**filters), provisions=provisions)


def test_provisions_load(provisions, library_facts) -> None:
    assert len(local(provisions)) == sum(f.is_provision for f in library_facts[DOC])
    assert {p.id.split("/")[0] for p in provisions} == set(library_facts)
    assert len({p.id for p in provisions}) == len(provisions)
    in_order = [(p.id.split("/")[0], p.order) for p in provisions]  # by document, then as the text reads
    assert in_order == sorted(in_order)


def test_every_provision_of_the_library_is_loaded(provisions, library_facts) -> None:
    expected = [f"{doc}/{f.sentence.id}" for doc, facts in library_facts.items() for f in facts if f.is_provision]
    assert sorted(p.id for p in provisions) == sorted(expected)


def test_cement_checklist_has_the_dev_snippets(provisions) -> None:
    snippets = json.loads(DEV_CHECKLISTS.read_text(encoding="utf-8"))["水泥"]
    texts = [item.text for item in checklist(provisions, industry="水泥")]
    missing = [s for s in snippets if not any(s in t for t in texts)]
    assert missing == []


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_industry_checklists_are_short_and_cited(industry: str, provisions, sentences) -> None:
    items = checklist(provisions, industry=industry)
    assert 10 <= len(items) <= 60
    for item in items:
        assert sentences[item.id] == item.text, item.id  # cites a sentence that is in the store
        assert item.modality in ("obligation", "prohibition", "permission", "encouragement", "liability")
        # a bearer as concept or as written, or the source saying the sentence only implies one
        assert item.bearers or item.bearer_text or item.bearer_source == "implied", item.id
        assert item.label and item.section


def test_industry_filter_follows_the_taxonomy(provisions) -> None:
    cement = local(checklist(provisions, industry="水泥"))
    assert "4.p3.s2" in cement  # 水泥 by name
    assert "3.3.p1.s2" in cement  # 水泥（熟料…）1亿吨: through the product 熟料
    assert "3.1.p1.s2" in cement  # general: 产能严重过剩行业 includes 水泥
    assert "4.p2.s2" not in cement  # steel only
    assert "4.p4.s5" not in cement  # aluminium only
    assert ids(checklist(provisions, industry="cement")) == ids(checklist(provisions, industry="水泥"))  # English
    clinker = local(checklist(provisions, industry="熟料"))
    assert "3.3.p1.s2" in clinker and "4.p3.s2" not in clinker


def test_agency_filter(provisions) -> None:
    financial = checklist(provisions, agency="金融机构")
    assert {"3.1.p2.s7", "6.p1.s4", "5.4.p1.s5"} <= set(local(financial))  # 5.4.p1.s5: 商业银行 is narrower
    assert all(item.bearer_source in ("explicit", "implied") for item in financial)
    lenders = {"金融机构", "商业银行", "银行", "政策性银行"}
    assert all(set(item.bearers + item.enforcers) & lenders for item in financial)


def test_trace_lists_the_implied_lending_prohibition(provisions) -> None:
    """对未取得合法手续的建设项目，一律不得放贷、发债、上市融资 names no subject, yet binds the lenders."""
    banned = [i for i in checklist(provisions, agency="金融机构") if i.modality == "prohibition"]
    lending = next(i for i in banned if "一律不得放贷" in i.text)
    assert lending.bearer_source == "implied" and lending.bearer_text == []
    assert set(lending.bearers) == {"金融机构", "证券监管机构"}


def test_bearer_text_is_kept_beside_the_concepts(provisions) -> None:
    by_id = {item.id: item for item in provisions}
    grades = by_id[f"{DOC}/3.2.p2.s2"]  # 各级政府…，工业主管部门…，国土、环保部门…，质检部门…
    assert "国土、环保部门" in grades.bearer_text and {"国土资源部", "环境保护部"} <= set(grades.bearers)
    for item in provisions:
        for mention in item.bearer_mentions:
            assert mention["text"] in item.text, item.id


def test_agency_alias(provisions) -> None:
    by_alias = checklist(provisions, agency="环保部门")
    assert ids(by_alias) == ids(checklist(provisions, agency="环境保护部"))
    assert {"3.1.p2.s7", "3.2.p2.s2", "6.p1.s3"} <= set(local(by_alias))
    ndrc = checklist(provisions, agency="NDRC")
    assert ids(ndrc) == ids(checklist(provisions, agency="发展改革委"))
    assert "3.1.p2.s5" in local(ndrc)


def test_region_filter_keeps_region_groups(provisions) -> None:
    hebei = local(checklist(provisions, region="河北"))
    assert "5.2.p1.s3" in hebei  # 对京津冀等环境敏感区域要提高相关环境标准: 河北 is in 京津冀
    assert "3.3.p2.s4" in hebei  # 在京津冀、长三角、珠三角等环境敏感区域，实施减量置换
    assert {"4.p2.s2", "4.p5.s4"} <= set(hebei)  # 河北 by name
    group = local(checklist(provisions, region="京津冀"))
    assert {"5.2.p1.s3", "3.3.p2.s4"} <= set(group)
    shandong = local(checklist(provisions, region="山东"))
    assert "4.p2.s2" in shandong and "5.2.p1.s3" not in shandong  # 山东 is not in 京津冀


def test_date_filter(provisions) -> None:
    due = checklist(provisions, by="2015-12-31")
    assert "4.p4.s2" in local(due)  # 2015年底前淘汰16万安培以下预焙槽
    assert all(item.deadline and item.deadline <= "2015-12-31" for item in due)
    assert "3.3.p1.s3" not in local(due)  # “十三五”期间: due 2020
    later = checklist(provisions, by="2020-12-31")
    assert "3.3.p1.s3" in local(later)
    with_open = checklist(provisions, by="2015-12-31", include_open=True)
    assert len(with_open) > len(due)
    assert all(item.deadline is None or item.deadline <= "2015-12-31" for item in with_open)


def test_modality_filter(provisions) -> None:
    prohibitions = checklist(provisions, modality="prohibition")
    assert {item.modality for item in prohibitions} == {"prohibition"}
    assert {"3.1.p1.s1", "3.1.p2.s3", "4.p4.s3", "5.4.p1.s3", "5.5.p1.s4"} <= set(local(prohibitions))


def test_filters_combine(provisions) -> None:
    items = checklist(provisions, industry="电解铝", modality="prohibition")
    assert "4.p4.s3" in local(items)  # 严禁各地自行出台优惠电价措施 (under the 电解铝 lead)
    assert all(item.modality == "prohibition" for item in items)


@pytest.mark.parametrize(("filters", "message"), [
    ({"industry": "不存在的行业"}, "unknown industry"),
    ({"agency": "不存在的机构"}, "unknown agency"),
    ({"region": "火星"}, "unknown region"),
    ({"by": "2015年底"}, "ISO date"),
    ({"modality": "must"}, "modality must be one of"),
])
def test_bad_filters_are_clear_errors(filters, message, provisions) -> None:
    with pytest.raises(QueryError, match=message):
        checklist(provisions, **filters)


# ------------------------------------------------------------------ exports
@pytest.fixture(scope="module")
def cement(provisions):
    return checklist(provisions, industry="水泥")


def test_json_export(cement) -> None:
    records = json.loads(to_json(cement))
    assert len(records) == len(cement)
    assert all(list(r) == list(COLUMNS) for r in records)
    assert records[0]["id"] == cement[0].id
    titles = {meta.id: meta.title for meta in discover(CORPUS)}  # each cited in its own document's name
    assert all(r["citation_text"].startswith(f"《{titles[r['id'].split('/')[0]]}》") for r in records)
    assert any(r["id"].startswith(f"{DOC}/") for r in records)
    assert isinstance(records[0]["bearers"], list) and isinstance(records[0]["industries"], list)


def test_unknown_export_format(cement) -> None:
    with pytest.raises(QueryError, match="format must be one of"):
        export(cement, "md")  # for people: kg.exports, in their language


# ------------------------------------------------------------------ trace and cite
def test_trace_groups_by_modality(store) -> None:
    grouped = trace("金融机构", store)
    assert list(grouped) == ["obligation", "prohibition", "permission", "encouragement", "liability"]
    assert "6.p1.s4" in local(grouped["obligation"])
    assert "5.4.p1.s5" in local(grouped["encouragement"])
    assert "5.4.p1.s3" in local(grouped["prohibition"])  # 一律不得放贷: implied lenders
    assert "3.1.p2.s7" in local(grouped["liability"])  # 金融机构停止发放贷款 enforces it


def test_cite_function(store) -> None:
    found = cite(f"{DOC}/4.p4.s2", store)
    assert found["label"] == "四¶4 s2"
    assert found["section"] == "四、分业施策 › 电解铝"
    assert found["text"].startswith("2015年底前淘汰16万安培以下预焙槽")
    assert found["paragraph"]["text"].startswith("电解铝。2015年底前")
    assert found["document"]["number"] == "国发〔2013〕41号"
    assert found["modality"] == "obligation"
    assert found["citation_text"] == ("《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）"
                                      "第四部分“分业施策”（电解铝）第二句")
    assert found["citation_text_en"].startswith("Part IV “分业施策” (电解铝), sentence 2 of Guiding Opinions")
    assert cite(f"{DOC}/4.p4.s2/provision", store)["id"] == f"{DOC}/4.p4.s2"
    with pytest.raises(QueryError):
        cite(f"{DOC}/9.p9.s9", store)
    with pytest.raises(QueryError):
        cite("4.p4.s2", store)


def test_trace_cli(built_data) -> None:
    result = run_cli("trace", "--agency", "金融机构", data=built_data)
    assert result.returncode == 0, result.stderr
    assert "金融部门要改进和加强信贷管理，用好信贷闸门。" in result.stdout
    assert "金融机构停止发放贷款" in result.stdout
    assert f"{DOC}/6.p1.s4" in result.stdout
    assert "## 义务 / obligation" in result.stdout
    assert "Traceback" not in result.stderr


def test_cite_cli(built_data) -> None:
    result = run_cli("cite", f"{DOC}/4.p4.s2", data=built_data)
    assert result.returncode == 0, result.stderr
    assert "国务院关于化解产能严重过剩矛盾的指导意见（国发〔2013〕41号）" in result.stdout
    assert "四¶4 s2 · 四、分业施策 › 电解铝" in result.stdout
    assert "2015年底前淘汰16万安培以下预焙槽" in result.stdout
    assert "paragraph 四¶4:" in result.stdout
    assert "《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）第四部分“分业施策”（电解铝）第二句" \
        in result.stdout
    as_json = run_cli("cite", f"{DOC}/4.p4.s2", "--format", "json", data=built_data)
    assert json.loads(as_json.stdout)["citation_text"].endswith("第四部分“分业施策”（电解铝）第二句")


def test_checklist_cli_writes_xlsx_in_the_language_asked(built_data, tmp_path) -> None:
    from openpyxl import load_workbook

    for language, done, text_column, title in (("zh", "完成", "原文", "PolicyKG 政策条款清单"),
                                               ("en", "Done", "Text", None)):
        target = tmp_path / f"cement-{language}.xlsx"
        written = run_cli("checklist", "--industry", "水泥", "--format", "xlsx", "--lang", language,
                          "-o", str(target), data=built_data)
        assert written.returncode == 0, written.stderr
        sheet = load_workbook(target).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header_row = next(i for i, row in enumerate(rows) if row[0] == done)
        assert text_column in rows[header_row], rows[header_row]
        assert len(rows) - header_row - 1 >= 10  # the cement provisions, each a row with its box to tick
        assert all(row[0] == "☐" for row in rows[header_row + 1:])
        if title:
            assert rows[0][1] == title


def test_checklist_cli_markdown_reads_as_the_app_download(built_data) -> None:
    shown = run_cli("checklist", "--industry", "电解铝", "--by", "2015-12-31", "--format", "md", data=built_data)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert text.startswith("# PolicyKG 政策条款清单")
    assert ("**行业**：电解铝" in text and "**期限不晚于**" in text) or "电解铝" in text.splitlines()[2]
    tasks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert tasks and all(" · " in line for line in tasks)
    assert "《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）" in text
    for english in ("Checklist", " items.", "due ", "(implied)", "obligation"):
        assert english not in text, english
    as_json = json.loads(run_cli("checklist", "--industry", "电解铝", "--format", "json", data=built_data).stdout)
    assert {"bearers", "bearer_text", "citation_text"} <= set(as_json[0])  # the JSON contract is unchanged
