"""kg.structure: the seed's parts, items and lead phrases; citable ids and labels; other profiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import DOC, load_document, squash

from kg.corpus import DocumentMeta, SourceDocument
from kg.structure import cn_to_int, int_to_cn, parse


def by_id(parsed):
    return {s.id: s for s in parsed.sentences()}


def sentence_with(parsed, fragment: str):
    found = [s for s in parsed.sentences() if fragment in s.text]
    assert len(found) == 1, [s.id for s in found]
    return found[0]


# ------------------------------------------------------------------ the seed's outline
def test_parts_one_to_six(parsed_seed) -> None:
    parts = [s for s in parsed_seed.sections if s.kind == "part"]
    assert [s.id for s in parts] == ["1", "2", "3", "4", "5", "6"]
    assert [s.label for s in parts] == ["一", "二", "三", "四", "五", "六"]
    assert [s.title for s in parts] == [
        "一、充分认识化解产能严重过剩矛盾的重要性和紧迫性",
        "二、总体要求、基本原则和主要目标",
        "三、主要任务",
        "四、分业施策",
        "五、政策措施",
        "六、实施保障",
    ]
    assert all(s.parent_id is None for s in parts)


def test_items_under_parts(parsed_seed) -> None:
    items = {s.id: s for s in parsed_seed.sections if s.kind == "item"}
    assert [i for i in items if i.startswith("2.")] == ["2.1", "2.2", "2.3"]
    assert [i for i in items if i.startswith("3.")] == [f"3.{n}" for n in range(1, 9)]
    assert [i for i in items if i.startswith("5.")] == [f"5.{n}" for n in range(1, 10)]
    assert not [i for i in items if i.startswith(("1.", "4.", "6."))]
    first = items["3.1"]
    assert first.label == "三（一）"
    assert first.title == "（一）坚决遏制产能盲目扩张"
    assert first.parent_id == "3"
    assert items["5.9"].label == "五（九）" and items["5.9"].title == "（九）强化监督检查"
    assert [s.title for s in parsed_seed.ancestors("3.1")] == ["三、主要任务", "（一）坚决遏制产能盲目扩张"]


def test_lead_phrases(parsed_seed) -> None:
    leads = {p.id: p.lead for p in parsed_seed.paragraphs() if p.lead}
    assert leads["3.1.p1"] == "严禁建设新增产能项目"
    assert leads["3.1.p2"] == "分类妥善处理在建违规项目"
    assert leads["2.2.p1"] == "坚持尊重市场规律与改善宏观调控相结合"  # the —— dash is not part of the lead
    assert [leads[f"4.p{n}"] for n in range(2, 7)] == ["钢铁", "水泥", "电解铝", "平板玻璃", "船舶"]
    assert "4.p1" not in leads  # 对产能严重过剩行业，要根据行业特点… is a whole sentence, not a title
    sentences = by_id(parsed_seed)
    assert sentences["3.1.p1.s1"].role == "lead" and sentences["3.1.p1.s1"].text == "严禁建设新增产能项目。"
    assert sentences["4.p2.s1"].role == "lead" and sentences["4.p2.s1"].text == "钢铁。"


def test_sentence_id_label_and_path(parsed_seed) -> None:
    sentence = sentence_with(parsed_seed, "2015年底前淘汰16万安培以下预焙槽")
    assert sentence.id == "4.p4.s2"
    assert sentence.label == "四¶4 s2"
    assert sentence.role == "body"
    assert sentence.paragraph_id == "4.p4" and sentence.section_id == "4"
    assert parsed_seed.section_path(sentence) == ["四、分业施策", "电解铝"]


def test_item_sentence_label_and_path(parsed_seed) -> None:
    sentence = sentence_with(parsed_seed, "凡是未开工的违规项目，一律不得开工建设")
    assert sentence.id == "3.1.p2.s3"
    assert sentence.label == "三（一）¶2 s3"
    assert parsed_seed.section_path(sentence) == [
        "三、主要任务", "（一）坚决遏制产能盲目扩张", "分类妥善处理在建违规项目"]


def test_inline_item_heading(parsed_seed) -> None:
    """五（一） has its heading and body on one line: the heading is sentence 1 of the paragraph."""
    sentences = by_id(parsed_seed)
    assert sentences["5.1.p1.s1"].text == "（一）完善行业管理。"
    assert sentences["5.1.p1.s1"].role == "heading"
    assert sentences["5.1.p1.s2"].role == "body"
    assert sentences["5.1.p1.s2"].text.startswith("充分发挥行业规划、政策、标准的引导和约束作用")


def test_heading_paragraphs_do_not_shift_paragraph_numbers(parsed_seed) -> None:
    sentences = by_id(parsed_seed)
    assert sentences["3.1.h.s1"].role == "heading" and sentences["3.1.h.s1"].label == "三（一）题 s1"
    assert sentences["3.1.p1.s1"].label == "三（一）¶1 s1"


def test_signature_and_addressees(parsed_seed) -> None:
    sentences = list(parsed_seed.sentences())
    assert sentences[0].role == "addressees"
    assert sentences[0].text == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    closing = [s for s in sentences if s.role == "signature"]
    assert closing == sentences[-len(closing):], "the signature block closes the document"
    assert "".join(s.text for s in closing) == "国务院2013年10月6日"  # issuer line and date line
    assert all(s.section_id == "end" for s in closing)
    assert parsed_seed.section("end").kind == "closing"
    roles = {s.role for s in sentences}
    assert roles == {"addressees", "heading", "lead", "body", "signature"}


def test_ids_are_unique_and_stable(parsed_seed) -> None:
    ids = [s.id for s in parsed_seed.sentences()]
    assert len(ids) == len(set(ids))
    again = parse(load_document(DOC))
    assert [(s.id, s.label, s.text, s.start, s.end) for s in again.sentences()] == [
        (s.id, s.label, s.text, s.start, s.end) for s in parsed_seed.sentences()
    ]
    assert [s.index for s in parsed_seed.sentences()] == list(range(len(ids)))
    assert len({p.id for p in parsed_seed.paragraphs()}) == sum(1 for _ in parsed_seed.paragraphs())
    assert len({s.id for s in parsed_seed.sections}) == len(parsed_seed.sections)


def test_nothing_is_lost(parsed_seed) -> None:
    raw = parsed_seed.source.raw
    assert squash("".join(s.text for s in parsed_seed.sentences())) == squash(raw)


def test_sentence_offsets_slice_the_raw_text(parsed_seed) -> None:
    raw = parsed_seed.source.raw
    for sentence in parsed_seed.sentences():
        assert squash(raw[sentence.start: sentence.end]) == squash(sentence.text), sentence.id


@pytest.mark.parametrize(("text", "number"), [
    ("一", 1), ("三", 3), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("七十", 70),
    ("一百", 100), ("一百零五", 105), ("两", 2), ("〇", 0), ("42", 42),
])
def test_cn_to_int(text: str, number: int) -> None:
    assert cn_to_int(text) == number


def test_cn_to_int_rejects_other_text() -> None:
    with pytest.raises(ValueError):
        cn_to_int("第一")


@pytest.mark.parametrize("number", [1, 9, 10, 11, 19, 20, 21, 70, 99])
def test_int_to_cn_round_trips(number: int) -> None:
    assert cn_to_int(int_to_cn(number)) == number


# ------------------------------------------------------------------ other profiles (the library's laws and reports)
@pytest.fixture(scope="module")
def statute():
    document = load_document("epl-2014")
    assert document.meta.structure == "statute"
    return parse(document)


def test_statute_articles(statute) -> None:
    articles = [s for s in statute.sections if s.kind == "article"]
    assert [s.label for s in articles[:3]] == ["第一条", "第二条", "第三条"]
    assert len(articles) == 70
    assert articles[-1].label == "第七十条" and articles[-1].id == "art70"
    assert len({s.id for s in articles}) == 70
    chapters = [s for s in statute.sections if s.kind == "chapter"]
    assert [s.label for s in chapters][:2] == ["第一章", "第二章"]
    assert statute.section("art1").parent_id == "ch1"
    assert statute.section("art13").parent_id == "ch2"


def test_statute_sentences(statute) -> None:
    sentences = by_id(statute)
    first = sentences["art1.p1.s1"]
    assert first.text.startswith("第一条为保护和改善环境")
    assert first.label == "第一条¶1 s1"
    # 第四条 has two paragraphs (款): the second is ¶2
    assert sentences["art4.p2.s1"].text.startswith("国家采取有利于节约和循环利用资源")
    assert sentences["art6.p2.s1"].text == "地方各级人民政府应当对本行政区域的环境质量负责。"
    assert squash("".join(s.text for s in statute.sentences())) == squash(statute.source.raw)


def test_statute_chapter_titles_have_no_markdown(statute) -> None:
    assert statute.section("ch1").title.lstrip() in ("第一章总则", "第一章 总则")
    assert statute.section_path(by_id(statute)["art1.p1.s1"])[0] in ("第一章总则", "第一章 总则")


def test_numbered_profile_on_work_report() -> None:
    report = parse(load_document("gwr-2014"))
    parts = [s for s in report.sections if s.kind == "part"]
    assert [s.title for s in parts] == ["一、2013年工作回顾", "二、2014年工作总体部署", "三、2014年重点工作"]
    items = [s for s in report.sections if s.kind == "item"]
    assert [s.label for s in items][:2] == ["三（一）", "三（二）"]
    assert items[0].title == "（一）推动重要领域改革取得新突破"
    assert all(s.parent_id == "3" for s in items)
    ids = [s.id for s in report.sentences()]
    assert len(ids) == len(set(ids))
    assert squash("".join(s.text for s in report.sentences())) == squash(report.source.raw)
    assert any("淘汰钢铁2700万吨、水泥4200万吨、平板玻璃3500万标准箱" in s.text for s in report.sentences())


@pytest.mark.parametrize("doc_id", ["gwr-2010", "gwr-2016"])
def test_numbered_profile_keeps_other_reports_whole(doc_id: str) -> None:
    report = parse(load_document(doc_id))
    assert report.meta.structure == "numbered"
    assert [s.label for s in report.sections if s.kind == "part"][:2] == ["一", "二"]
    assert squash("".join(s.text for s in report.sentences())) == squash(report.source.raw)


def test_markdown_profile(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# 总则\n\n严禁新增产能。鼓励兼并重组。\n\n## 细则\n\n地方政府要清理。\n", encoding="utf-8")
    meta = DocumentMeta(id="notes", title="t", number="-", issuer="国务院", date=dt.date(2020, 1, 1), type="t",
                        text_path=path, meta_path=tmp_path / "notes.meta.json", structure="markdown")
    parsed = parse(SourceDocument(meta, path.read_text(encoding="utf-8")))
    sections = {s.id: s for s in parsed.sections}
    assert sections["1"].kind == "h1" and sections["1.1"].kind == "h2" and sections["1.1"].parent_id == "1"
    texts = {s.id: s.text for s in parsed.sentences()}
    assert texts["1.p1.s1"] == "严禁新增产能。" and texts["1.p1.s2"] == "鼓励兼并重组。"
    assert texts["1.1.p1.s1"] == "地方政府要清理。"


@pytest.mark.parametrize("doc_id", ["alp-2019", "lal-2019"])
def test_statute_profile_keeps_the_other_laws_whole(doc_id: str) -> None:
    law = parse(load_document(doc_id))
    assert law.meta.structure == "statute"
    articles = [s for s in law.sections if s.kind == "article"]
    assert [s.label for s in articles[:2]] == ["第一条", "第二条"]
    assert [s.id for s in articles] == [f"art{n}" for n in range(1, len(articles) + 1)]
    ids = [s.id for s in law.sentences()]
    assert len(ids) == len(set(ids))
    assert squash("".join(s.text for s in law.sentences())) == squash(law.source.raw)


def _numbered(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    meta = DocumentMeta(id="report", title="t", number="-", issuer="国务院", date=dt.date(2020, 1, 1), type="t",
                        structure="numbered", text_path=path, meta_path=tmp_path / "report.meta.json")
    return parse(SourceDocument(meta, path.read_text(encoding="utf-8")))


def test_numbering_that_restarts_inside_a_part_is_a_list_of_that_part(tmp_path: Path) -> None:
    parsed = _numbered(tmp_path, "一、总任务\n\n第一段。\n\n二、若干问题\n\n一、提高设计工作。\n\n二、加强施工。\n\n"
                                 "三、保证质量\n\n第三段。\n")
    assert [(s.id, s.title) for s in parsed.sections if s.kind == "part"] == [
        ("1", "一、总任务"), ("2", "二、若干问题"), ("3", "三、保证质量")]
    listed = [s for s in parsed.sentences() if "设计工作" in s.text or "加强施工" in s.text]
    assert [s.id.split(".")[0] for s in listed] == ["2", "2"]  # paragraphs of part 二, not parts of their own
    ids = [s.id for s in parsed.sentences()]
    assert len(ids) == len(set(ids))


def test_an_item_before_any_part_does_not_take_the_parts_id(tmp_path: Path) -> None:
    parsed = _numbered(tmp_path, "（一）引言\n\n说明。\n\n一、第一部分\n\n正文。\n\n二、第二部分\n\n正文。\n")
    ids = [s.id for s in parsed.sections]
    assert len(ids) == len(set(ids))
    assert {s.kind for s in parsed.sections if s.id == "1"} == {"item"}
    assert [s.id for s in parsed.sections if s.kind == "part"] == ["part1", "2"]
