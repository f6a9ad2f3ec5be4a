"""Formal citations in the document's own style: a table of citation id → expected text per profile."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.citation import Place, SectionRef, format_place, load_citations

SEED_DOC = "《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）"
EPL_DOC = "《中华人民共和国环境保护法》"

SEED_ROWS = [
    ("4.p4.s2", "第四部分“分业施策”（电解铝）第二句"),
    ("4.p4.s1", "第四部分“分业施策”（电解铝）第一句"),
    ("4.p1.s1", "第四部分“分业施策”第一段第一句"),
    ("4.h.s1", "第四部分“分业施策”标题"),
    ("3.1.p2.s3", "第三部分“主要任务”第（一）项“坚决遏制产能盲目扩张”（分类妥善处理在建违规项目）第三句"),
    ("3.1.p2.s7", "第三部分“主要任务”第（一）项“坚决遏制产能盲目扩张”（分类妥善处理在建违规项目）第七句"),
    ("5.1.p1.s2", "第五部分“政策措施”第（一）项“完善行业管理”第二句"),
    ("5.4.p1.s5", "第五部分“政策措施”第（四）项“落实有保有控的金融政策”第五句"),
    ("2.3.p1.s1", "第二部分“总体要求、基本原则和主要目标”第（三）项“主要目标”第一段第一句"),
    ("2.2.p1.s2", "第二部分“总体要求、基本原则和主要目标”第（二）项“基本原则”"
                  "（坚持尊重市场规律与改善宏观调控相结合）第二句"),
    ("6.p1.s4", "第六部分“实施保障”第四句"),
    ("1.p2.s3", "第一部分“充分认识化解产能严重过剩矛盾的重要性和紧迫性”第二段第三句"),
    ("0.p2.s1", "序言第二段第一句"),
    ("end.p1.s1", "落款"),
]

EPL_ROWS = [
    ("art59.p1.s1", "第五十九条第一款"),
    ("art59.p2.s1", "第五十九条第二款"),
    ("art12.p1.s1", "第十二条"),
    ("art10.p1.s2", "第十条第一款第二句"),
    ("art15.p2.s3", "第十五条第二款第三句"),
    ("art63.p1.s2", "第六十三条第二句"),  # one 款 with four 项 under it
    ("art63.p3.s1", "第六十三条第（二）项"),
    ("art68.p10.s1", "第六十八条第（九）项"),
    ("art58.p3.s1", "第五十八条第一款第（二）项"),
    ("art58.p4.s1", "第五十八条第二款"),
    ("ch1.h.s1", "第一章“总则”标题"),
]

PLACE_ROWS = [
    (Place("某办法", "某发〔2020〕1号", "numbered", (SectionRef("part", 2, "任务"), SectionRef("point", 3, "加强管理")),
           sentence=1, paragraph=1),
     "《某办法》（某发〔2020〕1号）第二部分“任务”第3点“加强管理”第一句",
     "Part II “任务”, point 3 “加强管理”, sentence 1 of 某办法 (某发〔2020〕1号)"),
    (Place("2014年政府工作报告", "2014年政府工作报告", "numbered", (SectionRef("part", 1, "回顾"),),
           sentence=2, paragraph=3, paragraphs=5),
     "《2014年政府工作报告》第一部分“回顾”第三段第二句",
     "Part I “回顾”, paragraph 3, sentence 2 of 2014年政府工作报告"),
    (Place("某法", "主席令第一号", "statute", (SectionRef("chapter", 2, "管理"), SectionRef("article", 21)),
           sentence=1, paragraph=2, paragraphs=2, clause=2, clauses=2),
     "《某法》第二十一条第二款", "Article 21, paragraph 2 of 某法"),
]


@pytest.fixture(scope="module")
def citations(store):
    """The formal citations of the built library (the seed, the laws and the work reports)."""
    return load_citations(store)


@pytest.mark.parametrize(("local", "expected"), SEED_ROWS)
def test_seed_citation(citations, local: str, expected: str) -> None:
    assert citations[f"guofa-2013-41/{local}"].zh == SEED_DOC + expected


def test_seed_citation_in_english(citations) -> None:
    assert citations["guofa-2013-41/4.p4.s2"].en == (
        "Part IV “分业施策” (电解铝), sentence 2 of Guiding Opinions of the State Council on Resolving the "
        "Conflict of Severe Overcapacity (Guo Fa [2013] No. 41)")


def test_every_sentence_has_one_distinct_citation(citations, store) -> None:
    """Across the whole library: no two sentences of any documents share a formal citation."""
    from helpers import LIBRARY

    from kg.graph.store import rows

    count = rows(store.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a pkg:Sentence }"))[0]["n"]
    assert len(citations) == int(count)
    assert {key.split("/")[0] for key in citations} == set(LIBRARY)
    repeated = [text for text, n in Counter(c.zh for c in citations.values()).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize(("place", "zh", "en"), PLACE_ROWS)
def test_format_place(place: Place, zh: str, en: str) -> None:
    assert format_place(place) == (zh, en)


@pytest.mark.slow
@pytest.mark.parametrize(("local", "expected"), EPL_ROWS)
def test_statute_citation(citations, local: str, expected: str) -> None:
    assert citations[f"epl-2014/{local}"].zh == EPL_DOC + expected


@pytest.mark.slow
def test_statute_citation_in_english(citations) -> None:
    # the shipped sidecar gives the law's English title (title_en)
    assert citations["epl-2014/art59.p1.s1"].en == (
        "Article 59, paragraph 1 of Environmental Protection Law of the People's Republic of China")


def test_answer_evidence_carries_the_formal_citation(answerer) -> None:
    result = answerer.ask("电解铝2015年底前要做什么？")
    assert result["evidence"]
    for item in result["evidence"]:
        assert item["citation_text"] == load_citations(answerer.store)[item["id"]].zh
    assert SEED_DOC + "第四部分“分业施策”（电解铝）第二句" in {i["citation_text"] for i in result["evidence"]}


def test_one_documents_citations_are_those_of_the_whole_store(citations, store) -> None:
    for doc in ("guofa-2013-41", "epl-2014"):  # a guidance and a statute (clauses count their article's paragraphs)
        expected = {key: value for key, value in citations.items() if key.startswith(f"{doc}/")}
        assert expected and load_citations(store, doc) == expected


def test_cite_uses_the_citations_its_caller_holds(store) -> None:
    from kg.checklist import cite
    from kg.citation import Citation

    held = {"guofa-2013-41/4.p4.s2": Citation(id="guofa-2013-41/4.p4.s2", zh="（held）", en="(held)")}
    found = cite("guofa-2013-41/4.p4.s2", store, held)
    assert (found["citation_text"], found["citation_text_en"]) == ("（held）", "(held)")
    assert cite("guofa-2013-41/4.p4.s2", store)["citation_text"].endswith("第四部分“分业施策”（电解铝）第二句")
