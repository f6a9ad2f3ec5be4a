"""Composers on a small fake library: a short answer only when a graph node satisfies every constraint.

The fake holds an enumeration (炼铁 1500万吨、炼钢 1500万吨、水泥 1亿吨 by 2015), the 2012 utilisation
figures of five industries, a loan term and a sentence with a frequency and a manner adverb; each test
names the kind of failure it guards against (issue: grounded answers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from kg.answer.composers import (
    ExtremeComposer,
    ListComposer,
    ValueComposer,
    WhenComposer,
    clause_around,
    figures_given,
    fits_unit,
    is_given,
    locate_quantities,
)
from kg.answer.frame import AskedKind, build_frame
from kg.answer.model import ReasonCode
from kg.answer.question import parse_question
from kg.extract.lexicon import default_lexicon
from kg.graph.build import node_iri

ENUMERATION = "2015年底前再淘汰炼铁1500万吨、炼钢1500万吨、水泥（熟料及粉磨能力）1亿吨，基本完成淘汰落后产能调整目标。"
FIGURES = "2012年底，我国钢铁、水泥、电解铝产能利用率分别仅为72%、73.7%和71.9%，明显低于国际通常水平。"
LOAN = "对整合过剩产能的企业，积极稳妥开展并购贷款业务，合理确定并购贷款利率，贷款期限可延长至7年。"
LIST = "定期发布淘汰落后产能企业名单，逐步降低32.5复合水泥使用比重，对隐瞒不报项目，一经查实，立即停建。"
REGION = "加快河北、山东等重点产区结构调整，压缩钢铁产能总量8000万吨以上。"
DEFICIT = "今年拟安排财政赤字2.18万亿元，比去年增加5600亿元。"
SPLIT_DEFICIT = "其中中央财政赤字1.4万亿元，地方财政赤字7800亿元。"
GROWTH = "“十三五”时期经济年均增长保持在6.5%以上。"
# The library writes 能耗 and 出口: figures are checked for them.
ENERGY = "单位国内生产总值能耗下降3.4%以上，进出口保持稳定。"


def _q(sentence: str, order: int, surface: str, value: str, unit: str, industry: str | None, product: str | None,
       date: str | None, measure: str | None) -> dict:
    return {"id": f"doc/{sentence}/q{order}", "sentence": sentence, "text": TEXTS[sentence], "surface": surface,
            "value": value, "unit": unit, "industry": industry, "product": product, "date": date, "measure": measure,
            "kind": "target"}


# Parallel clauses, each with its own item and a range; a provision whose lighter case is the next sentence.
TENURE = "家庭承包的耕地的承包期为三十年，草地的承包期为三十年至五十年，林地的承包期为三十年至七十年；"
DETENTION = "由公安机关对其直接负责的主管人员和其他直接责任人员，处十日以上十五日以下拘留；"
LIGHTER = "情节较轻的，处五日以上十日以下拘留:"

# A period of another measure (a ban on applying again) beside a sentence that names 有效期 without a figure.
BAN = "申请人在三年内不得再次申请该行政许可。"
VALIDITY = "被许可人需要延续行政许可有效期的，应当提出申请。"

HEADINGS = {"s1": "坚决淘汰落后产能"}  # the heading a list of tonnages stands under
TEXTS = {"s1": ENUMERATION, "s2": FIGURES, "s3": LOAN, "s4": LIST, "s5": REGION, "s6": DEFICIT, "s7": SPLIT_DEFICIT,
         "s8": GROWTH, "s9": ENERGY, "s10": BAN, "s11": VALIDITY,
         "art13.p1.s2": TENURE, "art63.p1.s1": DETENTION, "art63.p1.s2": LIGHTER}
QUANTITIES = {
    "s1": [_q("s1", 1, "1500万吨", "1500", "万吨", "钢铁", "炼铁", "2015-12-31", "再淘汰炼铁"),
           _q("s1", 2, "1500万吨", "1500", "万吨", "钢铁", "炼钢", "2015-12-31", "炼钢"),
           _q("s1", 3, "1亿吨", "1", "亿吨", "水泥", "熟料", "2015-12-31", "水泥（熟料及粉磨能力）")],
    "s2": [_q("s2", 1, "72%", "72", "%", "钢铁", None, "2012-12-31", "产能利用率"),
           _q("s2", 2, "73.7%", "73.7", "%", "水泥", None, "2012-12-31", "产能利用率"),
           _q("s2", 3, "71.9%", "71.9", "%", "电解铝", None, "2012-12-31", "产能利用率")],
    "s3": [_q("s3", 1, "7年", "7", "年", None, None, None, "贷款期限")],
    "s5": [_q("s5", 1, "8000万吨以上", "8000", "万吨", "钢铁", None, None, "压缩钢铁产能总量")],
    "s6": [_q("s6", 1, "2.18万亿元", "2.18", "万亿元", None, None, None, "今年拟安排财政赤字"),
           _q("s6", 2, "5600亿元", "5600", "亿元", None, None, None, "比去年增加")],
    "s7": [_q("s7", 1, "1.4万亿元", "1.4", "万亿元", None, None, None, "其中中央财政赤字"),
           _q("s7", 2, "7800亿元", "7800", "亿元", None, None, None, "地方财政赤字")],
    "s8": [_q("s8", 1, "6.5%以上", "6.5", "%", None, None, "2020-12-31", "“十三五”时期经济年均增长保持")],
    "s10": [_q("s10", 1, "三年内", "3", "年", None, None, None, "申请人")],
    "art13.p1.s2": [_q("art13.p1.s2", 1, "三十年", "30", "年", None, None, None, "家庭承包的耕地的承包期"),
                    _q("art13.p1.s2", 2, "三十年", "30", "年", None, None, None, "草地的承包期"),
                    _q("art13.p1.s2", 3, "五十年", "50", "年", None, None, None, "草地的承包期为三十年"),
                    _q("art13.p1.s2", 4, "三十年", "30", "年", None, None, None, "林地的承包期"),
                    _q("art13.p1.s2", 5, "七十年", "70", "年", None, None, None, "林地的承包期为三十年")],
    "art63.p1.s1": [{**_q("art63.p1.s1", 1, "十日以上", "10", "日", None, None, None, "十五日以下拘留"),
                     "comparator": "以上"},
                    {**_q("art63.p1.s1", 2, "十五日以下", "15", "日", None, None, None, "拘留"), "comparator": "以下"}],
    "art63.p1.s2": [{**_q("art63.p1.s2", 1, "五日以上", "5", "日", None, None, None, "十日以下拘留"),
                     "comparator": "以上"},
                    {**_q("art63.p1.s2", 2, "十日以下", "10", "日", None, None, None, "拘留"), "comparator": "以下"}],
}
for _located in QUANTITIES.values():
    locate_quantities(_located)  # as the engine does when it loads them


@dataclass
class FakeLibrary:
    words: set[str] = field(default_factory=set)
    lexicon: object = field(default_factory=default_lexicon)
    quantities: dict = field(default_factory=lambda: QUANTITIES)
    provisions: dict = field(default_factory=dict)
    document: list = field(default_factory=list)
    signatures: list = field(default_factory=list)

    def content_words(self, frame, *, with_names: bool = False) -> set[str]:
        return self.words

    def context(self, citation: str) -> str:
        return TEXTS.get(citation, "") + HEADINGS.get(citation, "")

    def above(self, citation: str) -> str:
        return HEADINGS.get(citation, "")

    def names(self, phrase: str) -> bool:
        return bool(phrase) and phrase in "".join(TEXTS.values())

    def issued(self, document: str):
        return ISSUED.get(document)

    def names_document(self, phrase: str) -> bool:
        return False

    def section(self, citation: str) -> str:
        return SECTIONS.get(citation, "")

    def run_query(self, name: str, params: dict[str, str]) -> list[dict]:
        if name == "entry_into_force":
            return [row for row in FINAL_CLAUSES if row["docId"] == params["doc"]]
        assert name == "quantity_ranking"
        found = [q for qs in QUANTITIES.values() for q in qs if params["term"] in (q["measure"] or "")]
        return [{"sentence": node_iri("doc", q["sentence"]), "qorder": q["id"].rsplit("q", 1)[1]}
                for q in sorted(found, key=lambda q: float(q["value"]))]


FINAL_CLAUSES = [
    {"docId": "epl", "cite": "art70.p1.s1", "text": "第七十条本法自2015年1月1日起施行。"},
    {"docId": "alp", "cite": "art83.p2.s2", "text": "不符合本法规定的，自本法施行之日起停止执行。"},
    {"docId": "alp", "cite": "art83.p1.s1", "text": "第八十三条本法自2004年7月1日起施行。"},
]


#: Section paths of the fake library's sentences (none by default).
SECTIONS: dict[str, str] = {}
#: Issue dates of the fake library's documents (a month and day without a year is read in that year).
ISSUED = {"report-2016": dt.date(2016, 3, 5)}


def evidence(*ids: str) -> list[dict]:
    return [{"id": i, "text": TEXTS[i], "label": i, "section": "", "modality": "obligation"} for i in ids]


def put_sentence(monkeypatch, sentence: str, text: str, *figures: tuple[str, str, str, str | None]) -> None:
    """A sentence of the fake library for one test, with its figures (surface, value, unit, measure) located."""
    monkeypatch.setitem(TEXTS, sentence, text)
    quantities = [_q(sentence, order, surface, number, unit, None, None, None, measure)
                  for order, (surface, number, unit, measure) in enumerate(figures, 1)]
    locate_quantities(quantities)
    monkeypatch.setitem(QUANTITIES, sentence, quantities)


def value(question: str, *ids: str, words: set[str] | None = None):
    frame = build_frame(parse_question(question))
    return ValueComposer().compose(frame, evidence(*ids), FakeLibrary(words=words or set()), 5)


def test_enumeration_item_is_bound_to_its_own_figure() -> None:
    answer = value("2015年底前水泥要淘汰多少产能？", "s1", words={"淘汰", "产能"})
    assert answer.answered and answer.text == "1亿吨" and answer.value.subject == "熟料"


@pytest.mark.parametrize(("item", "expected", "upper"),
                         [("草地", "三十年至五十年", "50"), ("林地", "三十年至七十年", "70"), ("耕地", "三十年", None)])
def test_parallel_clauses_give_the_named_item_its_own_figure_and_a_range_whole(item: str, expected: str,
                                                                                 upper: str | None) -> None:
    answer = value(f"家庭承包的{item}承包期是多少年？", "art13.p1.s2", words={"承包", "承包期", item})
    assert answer.answered and answer.text == expected
    assert answer.value.upper == upper and len(answer.values) == 1


def test_a_case_the_question_states_is_read_in_the_sentence_that_continues_the_provision() -> None:
    answer = value("情节较轻的，对直接责任人员拘留多少天？", "art63.p1.s1", words={"拘留", "责任"})
    assert answer.answered and answer.text == "五日以上十日以下"
    assert answer.value.citation == "art63.p1.s2" and answer.value.upper == "10"


def test_a_figure_for_a_case_the_question_does_not_state_is_not_the_answer() -> None:
    answer = value("对直接责任人员拘留多少天？", "art63.p1.s1", words={"拘留", "责任"})
    assert answer.answered and answer.text == "十日以上十五日以下" and answer.value.citation == "art63.p1.s1"


def test_figures_that_are_not_joined_stay_two_figures() -> None:
    answer = value("今年拟安排的财政赤字是多少，比去年增加多少？", "s6", words={"财政", "赤字", "增加"})
    assert "2.18万亿元至" not in (answer.text or "") and all(v.upper is None for v in answer.values)


def test_item_not_in_the_enumeration_gets_no_neighbour_figure() -> None:
    answer = value("2015年底前船舶要淘汰多少产能？", "s1", words={"淘汰", "产能"})
    assert not answer.answered and answer.reason.code == ReasonCode.NO_VALUE_SUBJECT


def test_time_not_covered_is_refused_with_its_reason() -> None:
    answer = value("“十三五”期间要再淘汰多少万吨炼钢产能？", "s1", words={"淘汰", "产能"})
    assert not answer.answered and answer.reason.code == ReasonCode.NO_VALUE_TIME
    assert "2016–2020" in answer.reason.render("zh")


def test_undated_figure_proves_nothing_about_a_year() -> None:
    answer = value("2018年钢铁要压缩多少产能？", "s5", words={"压缩", "产能"})
    assert not answer.answered and answer.reason.code == ReasonCode.NO_VALUE_TIME


def test_rate_is_never_answered_by_a_period() -> None:
    answer = value("并购贷款的利率是多少？", "s3", words={"并购", "贷款"})
    assert not answer.answered and answer.reason.code == ReasonCode.NO_VALUE_UNIT


def test_period_is_answered_by_a_period() -> None:
    answer = value("并购贷款期限可以延长到几年？", "s3", words={"并购", "贷款", "期限"})
    assert answer.answered and answer.text == "7年"


def test_a_period_noun_asked_must_be_what_the_period_is_of() -> None:
    # 有效期 names a period: a 三年内 that bans applying again is not the validity period.
    refused = value("行政许可的有效期是几年？", "s10", words={"行政许可", "有效期"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    # A period of an act (不得再次申请几年) is still answered by the period the sentence gives.
    answered = value("申请人几年内不得再次申请？", "s10", words={"申请人", "申请"})
    assert answered.answered and answered.text == "三年内"


def test_provisions_worded_alike_with_different_figures_are_both_given(monkeypatch) -> None:
    # Two provisions worded alike, each after its own case: which one a question means is not proved.
    put_sentence(monkeypatch, "art78.p1.s2", "属于公共安全事项的，申请人在一年内不得再次申请该行政许可。",
                 ("一年内", "1", "年", "申请人"))
    put_sentence(monkeypatch, "art79.p1.s2", "取得的许可属于公共安全事项的，申请人在三年内不得再次申请该行政许可；",
                 ("三年内", "3", "年", "申请人"))
    # a third figure whose clause says as much in other words (在五日内告知申请人) does not hide the twins
    put_sentence(monkeypatch, "art32.p5.s1", "申请材料不齐全的，应当在五日内告知申请人。",
                 ("五日内", "5", "日", "告知"))
    answer = value("涉及公共安全的许可，申请人多少年内不得再次申请？", "art78.p1.s2", "art32.p5.s1", "art79.p1.s2",
                   words={"公共安全", "申请"})
    assert answer.answered
    assert [fact.surface for fact in answer.values] == ["一年内", "三年内"]
    # each cited, each followed by the sentence before it, which states its case
    assert answer.support == ["art78.p1.s2", "art78.p1.s1", "art79.p1.s2", "art79.p1.s1"]


def test_a_case_sentence_is_read_with_the_main_case_it_continues(monkeypatch) -> None:
    # …处十日以上十五日以下拘留；情节较轻的，处五日以上十日以下拘留: a question stating no case asks the main one,
    # even when only the case sentence was retrieved.
    put_sentence(monkeypatch, "art63.p1.s1", "对其直接责任人员，处十日以上十五日以下拘留；",
                 ("十日以上", "10", "日", "十五日以下拘留"), ("十五日以下", "15", "日", "拘留"))
    put_sentence(monkeypatch, "art63.p1.s2", "情节较轻的，处五日以上十日以下拘留：",
                 ("五日以上", "5", "日", "十日以下拘留"), ("十日以下", "10", "日", "拘留"))
    main = value("What detention can be imposed on the persons responsible?", "art63.p1.s2", words={"拘留"})
    assert main.answered and main.text == "十日以上十五日以下"
    lesser = value("情节较轻的，处几日拘留？", "art63.p1.s2", words={"拘留", "情节", "较轻"})
    assert lesser.answered and lesser.text == "五日以上十日以下"


def test_rate_noun_must_name_the_figure() -> None:
    refused = value("2012年底钢铁行业的负债率是多少？", "s2", words={"负债率"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    answered = value("2012年底水泥行业的产能利用率是多少？", "s2", words={"产能", "利用率"})
    assert answered.answered and answered.text == "73.7%"


def test_region_must_be_named_beside_the_figure() -> None:
    assert value("山东钢铁要压缩多少产能？", "s5", words={"压缩", "产能"}).answered
    refused = value("广东钢铁要压缩多少产能？", "s5", words={"压缩", "产能"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_REGION


def test_several_fitting_figures_are_all_listed() -> None:
    answer = value("2015年底前钢铁要再淘汰多少万吨产能？", "s1", words={"淘汰", "产能"})
    assert answer.answered and [v.subject for v in answer.values] == ["炼铁", "炼钢"]
    assert answer.text == "炼铁1500万吨；炼钢1500万吨"


def test_no_quantity_at_all_is_refused() -> None:
    answer = value("淘汰落后产能企业名单多少天发布一次？", "s4", words={"名单"})
    assert not answer.answered


def test_superlatives_read_the_ranked_list() -> None:
    library = FakeLibrary()
    lowest = ExtremeComposer().compose(build_frame(parse_question("2012年底产能利用率最低的是哪个行业？")),
                                       evidence("s2"), library, 5)
    assert lowest.answered and lowest.value.subject == "电解铝" and "71.9%" in lowest.text
    assert [v.surface for v in lowest.values] == ["71.9%", "72%", "73.7%"]
    highest = ExtremeComposer().compose(build_frame(parse_question("Which industry had the highest capacity "
                                                                   "utilization rate?")), evidence("s2"), library, 5)
    assert highest.value.subject == "水泥"


def test_an_extreme_of_a_respectively_list_names_its_item_and_leaves_other_clauses_out() -> None:
    """森林覆盖率达到23.04% stands in the sentence but not in the list of reductions the question compares."""
    TEXTS["s12"] = "今后五年，单位国内生产总值用水量、能耗、二氧化碳排放量分别下降23%、15%、18%，森林覆盖率达到23.04%。"
    QUANTITIES["s12"] = [_q("s12", 1, "五年", "5", "年", None, None, None, "今后"),
                         *(_q("s12", n, f"{v}%", v, "%", None, None, None, "下降") for n, v in
                           ((2, "23"), (3, "15"), (4, "18"))),
                         _q("s12", 5, "23.04%", "23.04", "%", None, None, None, "森林覆盖率")]
    locate_quantities(QUANTITIES["s12"])
    try:
        frame = build_frame(parse_question("用水量、能耗、二氧化碳排放量哪个下降最多？"))
        answer = ExtremeComposer().compose(frame, evidence("s12"), FakeLibrary(words={"下降"}), 5)
        assert answer.answered and answer.text == "单位国内生产总值用水量：23%"
        assert [v.surface for v in answer.values] == ["15%", "18%", "23%"]
    finally:
        del TEXTS["s12"], QUANTITIES["s12"]


@pytest.mark.parametrize(("question", "answered"), [("2016年基本公共卫生服务经费补助提高到多少？", True),
                                                    ("2015年基本公共卫生服务经费补助提高到多少？", False),
                                                    ("“十三五”期间基本公共卫生服务经费补助提高到多少？", False)])
def test_an_undated_figure_takes_the_year_of_its_heading_for_a_question_about_that_year(question: str,
                                                                                      answered: bool) -> None:
    TEXTS["s12"] = "基本公共卫生服务经费财政补助从人均40元提高到45元。"
    QUANTITIES["s12"] = [{**_q("s12", n, f"{v}元", v, "元", None, None, None, "基本公共卫生服务经费财政补助"),
                          "section": "三、2016年重点工作 › （七）"} for n, v in ((1, "40"), (2, "45"))]
    locate_quantities(QUANTITIES["s12"])
    try:
        answer = value(question, "s12", words={"基本", "公共卫生", "服务", "经费", "补助"})
        assert answer.answered is answered
        if not answered:
            assert answer.reason.code == ReasonCode.NO_VALUE_TIME
    finally:
        del TEXTS["s12"], QUANTITIES["s12"]


@pytest.mark.parametrize(("question", "expected"), [("基本公共卫生服务经费财政补助提高到多少？", "45元"),
                                                    ("基本公共卫生服务经费财政补助原来是多少？", "40元")])
def test_a_change_answers_with_the_level_it_changes_to_unless_its_start_is_asked(question: str, expected: str
                                                                                  ) -> None:
    TEXTS["s12"] = "基本公共卫生服务经费财政补助从人均40元提高到45元。"
    QUANTITIES["s12"] = [_q("s12", n, f"{v}元", v, "元", None, None, None, "基本公共卫生服务经费财政补助")
                         for n, v in ((1, "40"), (2, "45"))]
    locate_quantities(QUANTITIES["s12"])
    try:
        answer = value(question, "s12", words={"基本", "公共卫生", "服务", "经费", "补助"})
        assert answer.answered and answer.text == expected
    finally:
        del TEXTS["s12"], QUANTITIES["s12"]


def test_a_topic_clause_names_what_the_figure_is_of() -> None:
    """…服务经费，财政给每人补到多少钱: the 医保 subsidy of the same sentence group is another figure."""
    TEXTS["s12"] = "基本公共卫生服务经费财政补助提高到45元。"
    TEXTS["s13"] = "城乡居民基本医保财政补助提高到420元。"
    QUANTITIES["s12"] = [_q("s12", 1, "45元", "45", "元", None, None, None, "基本公共卫生服务经费财政补助")]
    QUANTITIES["s13"] = [_q("s13", 1, "420元", "420", "元", None, None, None, "城乡居民基本医保财政补助")]
    try:
        answer = value("基本公共卫生服务经费，财政给每人补到多少钱？", "s13", "s12", words={"财政", "经费"})
        assert answer.answered and answer.text == "45元"
        refused = value("基本公共卫生服务经费，财政给每人补到多少钱？", "s13", words={"财政", "经费"})
        assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    finally:
        del TEXTS["s12"], TEXTS["s13"], QUANTITIES["s12"], QUANTITIES["s13"]


DOCUMENTS = [{"docId": "gwr-2010", "title": "2010年政府工作报告", "number": "2010年政府工作报告", "date": "2010-03-05",
              "issuerLabel": "国务院", "type": "政府工作报告"},
             {"docId": "guofa-2013-41", "title": "国务院关于化解产能严重过剩矛盾的指导意见",
              "number": "国发〔2013〕41号", "date": "2013-10-06", "issuerLabel": "国务院", "type": "指导意见"}]
SIGNATURES = [{"docId": "gwr-2010", "cite": "0.p2.s1", "role": "signature"},
              {"docId": "guofa-2013-41", "cite": "end.p1.s1", "role": "signature"}]


@pytest.mark.parametrize(("question", "scope", "answered"), [
    ("国发〔2013〕41号是哪天印发的？", ("guofa-2013-41",), True), ("这份文件是哪天印发的？", (), False),
    ("这份意见是哪天印发的？", (), True)])
def test_a_document_question_is_answered_for_the_document_it_names_only(question: str, scope: tuple[str, ...],
                                                                        answered: bool) -> None:
    """Two documents and none named, by number or kind: the first one's date would be a confident wrong answer."""
    from kg.answer.composers import DocumentComposer

    frame = build_frame(parse_question(question))
    frame.scope = scope
    library = FakeLibrary(document=DOCUMENTS, signatures=SIGNATURES)
    answer = DocumentComposer().compose(frame, [], library, 5)
    assert answer.answered is answered
    if answered:
        assert "2013年10月6日" in answer.text and answer.support == ["guofa-2013-41/end.p1.s1"]


def test_an_english_document_date_gives_the_text_s_own_words_too() -> None:
    from kg.answer.composers import DocumentComposer

    frame = build_frame(parse_question("On what date was Guofa [2013] No. 41 issued?"))
    frame.scope = ("guofa-2013-41",)
    answer = DocumentComposer().compose(frame, [], FakeLibrary(document=DOCUMENTS, signatures=SIGNATURES), 5)
    assert answer.answered and "6 October 2013" in answer.text and "2013年10月6日" in answer.text


def test_totals_add_one_unit_only() -> None:
    frame = build_frame(parse_question("2015年底前再淘汰的炼铁和炼钢产能合计是多少万吨？"))
    assert frame.kind == AskedKind.AGGREGATE
    answer = ExtremeComposer().compose(frame, evidence("s1"), FakeLibrary(), 5)
    assert answer.answered and answer.value.surface == "3000万吨"


@pytest.mark.parametrize(("question", "words", "top", "expected"), [
    ("名单多久发布一次？", {"名单", "发布"}, "s4", "定期"),
    ("32.5复合水泥使用比重是一步到位取消，还是逐步降低？", {"复合", "水泥", "比重", "降低"}, "s4", "逐步"),
    ("隐瞒不报的项目是立即停建还是限期整改？", {"隐瞒", "项目", "停建"}, "s4", "立即"),
    ("2012年的产能利用率数据是截至什么时间的？", {"产能", "利用率"}, "s2", "2012年底"),
])
def test_when_answers_with_a_time_expression_of_the_asked_kind(question: str, words: set[str], top: str,
                                                               expected: str) -> None:
    frame = build_frame(parse_question(question))
    answer = WhenComposer().compose(frame, evidence(top, "s4", "s2"), FakeLibrary(words=words), 5)
    # The value is the time expression; the answer reads an adverb with what it qualifies (立即停建).
    assert answer.answered and answer.value.surface == expected and answer.text.startswith(expected)


def test_within_how_many_days_is_answered_by_a_limit_not_a_lead_time(monkeypatch) -> None:
    put_sentence(monkeypatch, "notice", "行政机关应当于举行听证的七日前通知申请人。", ("七日前", "7", "日", "通知"))
    put_sentence(monkeypatch, "hold", "行政机关应当在二十日内组织听证。", ("二十日内", "20", "日", "组织听证"))
    assert value("行政机关几日内要举行听证？", "notice", "hold", words={"听证", "行政机关"}).text == "二十日内"
    assert value("行政机关要提前几天通知举行听证？", "notice", "hold", words={"听证", "行政机关"}).text == "七日前"


def test_a_deadline_is_read_from_the_sentence_binding_the_actor_asked_about(monkeypatch) -> None:
    from types import SimpleNamespace

    monkeypatch.setitem(TEXTS, "agency", "行政机关应当根据被许可人的申请，在有效期届满前作出是否准予延续的决定；")
    monkeypatch.setitem(TEXTS, "licensee", "被许可人需要延续行政许可的有效期的，应当在有效期届满三十日前提出申请。")
    ranked = [{**item, "score": score} for item, score in zip(evidence("agency", "licensee"), (1.0, 0.9), strict=True)]
    library = FakeLibrary(words={"延续", "有效期", "申请"}, provisions={
        "agency": SimpleNamespace(bearer_text=["行政机关"]), "licensee": SimpleNamespace(bearer_text=["被许可人"])})
    frame = build_frame(parse_question("When must a licensee apply to extend the validity period of a licence?"))
    answer = WhenComposer().compose(frame, ranked, library, 5)
    assert answer.answered and answer.value.surface == "三十日前" and answer.support == ["licensee"]
    # asked of nobody the sentences bind, the better-ranked sentence alone is read: it states no time
    frame = build_frame(parse_question("When must the validity period be extended?"))
    assert not WhenComposer().compose(frame, ranked, library, 5).answered


@pytest.mark.parametrize(("sentence", "surface", "expected"), [
    ("应当在该行政许可有效期届满三十日前提出申请。", "三十日前", "该行政许可有效期届满三十日前"),
    ("2015年底前淘汰落后产能。", "2015年底前", "2015年底前"),  # a date stands alone
    ("应当在二十日内作出决定。", "二十日内", "二十日内"),  # no event before it: nothing to add
])
def test_a_time_counted_from_an_event_is_read_with_it(sentence: str, surface: str, expected: str) -> None:
    from kg.answer.composers import _with_event

    start = sentence.index(surface)
    assert _with_event(sentence, start, start + len(surface)) == expected


def test_how_far_ahead_is_answered_by_a_lead_time_never_by_a_period(monkeypatch) -> None:
    monkeypatch.setitem(TEXTS, "bar", "申请人在一年内不得再次申请该行政许可。")
    monkeypatch.setitem(TEXTS, "renew", "被许可人应当在该行政许可有效期届满三十日前提出申请。")
    frame = build_frame(parse_question("许可证要续期，最晚要提前多少天去申请？"))
    library = FakeLibrary(words={"申请"})
    answer = WhenComposer().compose(frame, evidence("bar", "renew"), library, 5)
    assert answer.answered and answer.value.surface == "三十日前"
    assert not WhenComposer().compose(frame, evidence("bar"), library, 5).answered  # 一年内 is no lead time


def test_when_without_a_bound_time_is_refused() -> None:
    frame = build_frame(parse_question("环境保护税立法什么时候完成？"))
    answer = WhenComposer().compose(frame, evidence("s3"), FakeLibrary(words={"环境保护税", "立法"}), 5)
    assert not answer.answered and answer.reason.code == ReasonCode.NO_TIME


def test_until_when_is_answered_by_the_end_a_period_reaches_not_a_date_describing_the_subject(monkeypatch) -> None:
    # 2009年 says which policies (those expiring then); it is not how far they were extended.
    monkeypatch.setitem(TEXTS, "s6", "2009年到期的就业扶持政策延长一年。")
    monkeypatch.setitem(TEXTS, "s7", "这些政策的执行期均延长到2010年底。")
    frame = build_frame(parse_question("就业扶持政策的执行期延长到了什么时候？"))
    words = {"就业", "扶持", "政策", "执行期", "延长"}
    # The end is a telling phrase: a lower sentence that states it for what was asked (执行期…延长到) answers, one
    # about something else does not.
    ranked = [{**item, "score": score} for item, score in zip(evidence("s6", "s7"), (1.0, 0.9), strict=True)]
    assert WhenComposer().compose(frame, ranked, FakeLibrary(words=words), 5).value.surface == "到2010年底"
    monkeypatch.setitem(TEXTS, "s7", "试点期限延长到2012年底。")
    other = [{**item, "score": score} for item, score in zip(evidence("s6", "s7"), (1.0, 0.9), strict=True)]
    refused = WhenComposer().compose(frame, other, FakeLibrary(words=words - {"延长"}), 5)
    assert not refused.answered and refused.reason.code == ReasonCode.NO_TIME
    monkeypatch.setitem(TEXTS, "s7", "这些政策的执行期均延长到2010年底。")
    answered = WhenComposer().compose(frame, evidence("s7", "s6"), FakeLibrary(words=words), 5)
    assert answered.answered and answered.value.surface == "到2010年底" and answered.value.date == "2010-12-31"
    # Ranked level with the top sentence, which states no end: the ranking cannot tell them apart, so it is read.
    level = [{**item, "score": 1.0} for item in evidence("s6", "s7")]
    assert WhenComposer().compose(frame, level, FakeLibrary(words=words), 5).value.surface == "到2010年底"


def test_a_respectively_figure_is_of_its_item_and_a_topic_clause_not_of_an_earlier_figure_s_measure(
        monkeypatch) -> None:
    put_sentence(monkeypatch, "s8", "前四年累计能耗下降14.38%，化学需氧量、二氧化硫排放量分别下降9.66%和13.14%。",
                 ("14.38%", "14.38", "%", "累计能耗下降"), ("9.66%", "9.66", "%", None), ("13.14%", "13.14", "%", None))
    # 能耗's only figure is reported, not set: the list's figures (of 化学需氧量, 二氧化硫) are not its target
    assert not value("能耗的下降目标是多少？", "s8", words={"能耗", "下降", "目标"}).answered
    answered = value("化学需氧量下降了多少？", "s8", words={"化学需氧量", "下降"})
    assert answered.answered and answered.text == "9.66%"
    # a clause before the list that holds no figure is the topic of every item
    put_sentence(monkeypatch, "s9", "提高粮食最低收购价，早籼稻、中晚籼稻每50公斤分别提高3元和5元，小麦提高3元。",
                 ("3元", "3", "元", None), ("5元", "5", "元", None), ("3元", "3", "元", "小麦提高"))
    grain = value("中晚籼稻最低收购价每50公斤提高多少元？", "s9", words={"中晚籼稻", "最低收购价", "提高"})
    assert grain.answered and grain.text == "5元"


def test_items_of_one_clause_are_told_apart_by_their_own_measure(monkeypatch) -> None:
    put_sentence(monkeypatch, "s8", "完成铁路投资8000亿元以上、公路投资1.65万亿元。",
                 ("8000亿元以上", "8000", "亿元", "完成铁路投资"), ("1.65万亿元", "1.65", "万亿元", "公路投资"))
    answer = value("公路投资要完成多少？", "s8", words={"公路", "投资", "完成"})
    assert answer.answered and answer.text == "1.65万亿元"


def test_an_english_term_of_art_must_be_stated_with_the_figure(monkeypatch) -> None:
    put_sentence(monkeypatch, "s8", "申请材料不齐全的，应当在五日内一次告知申请人需要补正的全部内容。",
                 ("五日内", "5", "日", "告知申请人"))
    put_sentence(monkeypatch, "s9", "申请人可以自收到决定之日起六十日内申请行政复议。",
                 ("六十日内", "60", "日", "申请行政复议"))
    question = "How many days does an applicant have to file for administrative reconsideration?"
    # 五日内 is about telling the applicant what to complete: no reconsideration in its sentence
    assert not value(question, "s8", words={"申请人", "行政复议"}).answered
    answered = value(question, "s9", words={"申请人", "行政复议"})
    assert answered.answered and answered.text == "六十日内"


def test_a_figure_under_a_review_heading_is_no_target(monkeypatch) -> None:
    put_sentence(monkeypatch, "s8", "财政收入增长10.1%。", ("10.1%", "10.1", "%", "财政收入增长"))
    words = {"财政收入", "增长"}
    assert value("财政收入增长目标是多少？", "s8", words=words).answered  # nothing says it was achieved
    monkeypatch.setitem(SECTIONS, "s8", "一、2013年工作回顾 › 居民收入和经济效益持续提高")
    refused = value("财政收入增长目标是多少？", "s8", words=words)
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_TARGET
    assert value("财政收入增长了多少？", "s8", words=words).answered  # what was achieved is still answered


def test_the_first_item_s_words_are_cut_to_its_own_so_a_shared_lead_names_no_item(monkeypatch) -> None:
    put_sentence(monkeypatch, "s8", "推进燃煤电厂脱硫改造1500万千瓦、脱硝改造1.3亿千瓦、除尘改造1.8亿千瓦。",
                 ("1500万千瓦", "1500", "万千瓦", "推进燃煤电厂脱硫改造"), ("1.3亿千瓦", "1.3", "亿千瓦", "脱硝改造"),
                 ("1.8亿千瓦", "1.8", "亿千瓦", "除尘改造"))
    # 燃煤电厂 is said once for all three items: it must not pick the first
    answer = value("脱硝改造要完成多少？", "s8", words={"燃煤电厂", "脱硝", "改造"})
    assert answer.answered and answer.text == "1.3亿千瓦"


def test_a_month_and_day_without_a_year_is_of_the_year_of_its_document(monkeypatch) -> None:
    monkeypatch.setitem(TEXTS, "s6", "全面实施营改增，从5月1日起，将试点范围扩大到建筑业、房地产业。")
    frame = build_frame(parse_question("营改增试点从哪天起扩大到建筑业？"))
    words = {"营改增", "试点", "建筑业"}
    dated = [{**item, "document": "report-2016"} for item in evidence("s6")]
    answer = WhenComposer().compose(frame, dated, FakeLibrary(words=words), 5)
    assert answer.answered and answer.value.surface == "5月1日起" and answer.value.date == "2016-05-01"
    # A document whose date the library does not know gives the day no year: it is not answered as a date.
    undated = [{**item, "document": "unknown"} for item in evidence("s6")]
    assert not WhenComposer().compose(frame, undated, FakeLibrary(words=words), 5).answered


def test_a_target_is_not_answered_by_a_figure_reported_as_achieved(monkeypatch) -> None:
    # 累计下降14.38% says what four years achieved; a question about the target must not receive it.
    monkeypatch.setitem(TEXTS, "s8", "“十一五”前四年累计单位国内生产总值能耗下降14.38%。")
    monkeypatch.setitem(QUANTITIES, "s8", [_q("s8", 1, "14.38%", "14.38", "%", None, None, "2010-12-31",
                                               "单位国内生产总值能耗下降")])
    words = {"单位", "国内生产总值", "能耗", "下降"}
    asked_target = value("单位国内生产总值能耗的下降目标是多少？", "s8", words=words)
    assert not asked_target.answered and asked_target.reason.code == ReasonCode.NO_VALUE_TARGET
    asked_figure = value("单位国内生产总值能耗下降了多少？", "s8", words=words)
    assert asked_figure.answered and asked_figure.value.surface == "14.38%"


@pytest.mark.parametrize(("asked", "unit"), [("几天", "日"), ("几个人", "名"), ("多少万吨", "吨")])
def test_a_unit_is_answered_by_its_synonym(asked: str, unit: str) -> None:
    # 拘留几天 is answered by 十五日以下; 派几个人 by 两名以上: the same unit written another way.
    frame = build_frame(parse_question(f"最多{asked}？"))
    assert fits_unit(frame, {"unit": unit})


def test_entry_into_force_is_read_from_the_named_document_s_own_clause() -> None:
    frame = build_frame(parse_question("From what date did the Administrative Licensing Law take effect?"))
    frame.scope = ("alp",)
    answer = WhenComposer().compose(frame, evidence("s3"), FakeLibrary(), 5)
    assert answer.answered and answer.text == "2004年7月1日" and answer.support == ["alp/art83.p1.s1"]
    # Two documents in scope with two dates: which one was meant is not proven.
    frame.scope = ("alp", "epl")
    assert WhenComposer().compose(frame, evidence("s3"), FakeLibrary(), 5).text not in ("2004年7月1日", "2015年1月1日")


def test_clause_around_takes_neighbours_on_request() -> None:
    sentence = "对隐瞒不报项目，一经查实，立即停建，金融机构停止贷款。"
    start = sentence.index("立即")
    assert clause_around(sentence, start, start + 2) == "立即停建"
    assert clause_around(sentence, start, start + 2, neighbours=True) == "一经查实，立即停建，金融机构停止贷款"


def test_an_adverb_is_answered_with_what_it_qualifies() -> None:
    frame = build_frame(parse_question("隐瞒不报的项目是限期整改还是立即停建？"))
    answer = WhenComposer().compose(frame, evidence("s4"), FakeLibrary(words={"隐瞒", "项目", "停建"}), 5)
    assert answer.text == "立即停建"


def test_a_condition_clause_does_not_set_the_asked_measure() -> None:
    # 电耗 is the condition; the asking clause asks how much more is paid, which is the markup.
    frame = build_frame(parse_question("电解铝厂要是吨铝电耗太高，电费得比标准价多掏多少？"))
    assert frame.focus == "电费得比标准价多掏多少?" and frame.unit_family is None


def test_when_never_takes_another_sentences_date() -> None:
    # The top-ranked sentence states no time; a lower one's 2012年底 must not answer for it.
    frame = build_frame(parse_question("并购贷款业务什么时候开展？"))
    answer = WhenComposer().compose(frame, evidence("s3", "s2"), FakeLibrary(words={"并购", "贷款", "开展"}), 5)
    assert not answer.answered and answer.reason.code == ReasonCode.NO_TIME


def test_a_figure_of_another_measure_is_not_the_asked_one() -> None:
    """The asked noun phrase (地方财政赤字, 能耗) must be stated in the figure's own clause: the total deficit does
    not answer the local one, economic growth not energy use, whichever sentence ranks first."""
    words = {"地方", "财政赤字", "财政", "赤字", "安排"}
    answer = value("拟安排的地方财政赤字是多少？", "s6", "s7", words=words)
    assert answer.answered and answer.text == "7800亿元"
    refused = value("拟安排的地方财政赤字是多少？", "s6", words=words)
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    assert "地方财政赤字" in refused.reason.render("zh")  # the reason names the measure the documents lack
    refused = value("“十三五”时期单位国内生产总值能耗要下降多少？", "s8", words={"单位", "生产总值", "能耗", "下降"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    assert value("“十三五”时期经济年均增长要保持在多少？", "s8", words={"经济", "增长"}).text == "6.5%以上"


def test_an_english_measure_phrase_is_checked_through_its_renderings() -> None:
    frame = build_frame(parse_question("What growth target for total imports and exports did the report set?"))
    assert [forms for forms in frame.measure_terms if "出口" in forms]  # the head word, exports
    assert all("目标" not in forms for forms in frame.measure_terms)  # 'target' asks for a figure, measures nothing
    assert not value("What growth target for total imports and exports did the report set?", "s8").answered


def test_a_measure_word_the_library_never_writes_is_not_required() -> None:
    """起码 (colloquial, tagged a noun) cannot be checked against any figure: it constrains nothing."""
    answer = value("“十三五”时期经济年均增长起码得有多少？", "s8", words={"经济", "增长", "起码"})
    assert answer.answered and answer.text == "6.5%以上"


def test_who_reads_the_agent_marked_by_you_when_no_bearer_was_extracted() -> None:
    """A rule of competence (…的，由国务院批准) has no modal word and so no provision bearer: 由 marks the agent."""
    from kg.answer.composers import WhoComposer

    TEXTS["s10"] = "永久基本农田转为建设用地的，由国务院批准。"
    try:
        frame = build_frame(parse_question("永久基本农田转为建设用地要由谁批准？"))
        answer = WhoComposer().compose(frame, evidence("s10"), FakeLibrary(words={"永久", "基本农田", "批准"}), 5)
        assert answer.answered and answer.facts[0]["bearer_text"] == "国务院"
        TEXTS["s10"] = "永久基本农田转为建设用地的，由有关方面批准。"  # no organisation the dictionaries know
        answer = WhoComposer().compose(frame, evidence("s10"), FakeLibrary(words={"永久", "基本农田", "批准"}), 5)
        assert not answer.answered
    finally:
        del TEXTS["s10"]


def test_who_reads_the_approver_marked_by_jing() -> None:
    """经本行政机关负责人批准，可以延长十日: 经 marks who approves as 由 marks who acts."""
    from kg.answer.composers import WhoComposer

    TEXTS["s10"] = "二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。"
    try:
        for question in ("二十日内作不出决定的，延长要经谁批准？", "Who must approve extending the 20-day period?"):
            frame = build_frame(parse_question(question))
            assert frame.kind == AskedKind.WHO
            answer = WhoComposer().compose(frame, evidence("s10"), FakeLibrary(words={"延长", "批准"}), 5)
            assert answer.answered and answer.facts[0]["bearer_text"] == "本行政机关负责人"
    finally:
        del TEXTS["s10"]


def test_who_reads_the_subject_right_before_the_verb_of_a_rule_of_competence() -> None:
    """国务院环境保护主管部门制定国家环境质量标准: no modal word, no 由; the organisation before the verb acts.
    A clause whose subject does not end in an organisation's name answers nothing."""
    from kg.answer.composers import WhoComposer

    frame = build_frame(parse_question("国家环境质量标准由哪个部门制定？"))
    library = FakeLibrary(words={"国家", "环境", "质量", "标准", "制定"})
    TEXTS["s10"] = "第十五条国务院环境保护主管部门制定国家环境质量标准。"
    try:
        answer = WhoComposer().compose(frame, evidence("s10"), library, 5)
        assert answer.answered and answer.facts[0]["bearer_text"] == "国务院环境保护主管部门"
        TEXTS["s10"] = "国务院环境保护主管部门组织专家制定国家环境质量标准。"  # the subject's verb is 组织
        assert not WhoComposer().compose(frame, evidence("s10"), library, 5).answered
    finally:
        del TEXTS["s10"]


def test_figures_listed_with_respectively_go_with_their_items_in_order() -> None:
    TEXTS["s12"] = "早籼稻、中晚籼稻、粳稻每50公斤分别提高3元、5元和10元，小麦每50公斤提高3元。"
    QUANTITIES["s12"] = [_q("s12", 1, "3元", "3", "元", None, None, None, "早籼稻、中晚籼稻、粳稻每50公斤"),
                         _q("s12", 2, "5元", "5", "元", None, None, None, "早籼稻、中晚籼稻、粳稻每50公斤"),
                         _q("s12", 3, "10元", "10", "元", None, None, None, "早籼稻、中晚籼稻、粳稻每50公斤"),
                         _q("s12", 4, "3元", "3", "元", None, None, None, "小麦每50公斤")]
    locate_quantities(QUANTITIES["s12"])
    try:
        for item, expected in (("中晚籼稻", "5元"), ("粳稻", "10元"), ("早籼稻", "3元")):
            answer = value(f"{item}每50公斤提高多少元？", "s12", words={item, "提高"})
            assert answer.answered and answer.text == expected, item
        assert value("小麦每50公斤提高多少元？", "s12", words={"小麦", "提高"}).text == "3元"
    finally:
        del TEXTS["s12"], QUANTITIES["s12"]


@pytest.mark.parametrize(("question", "answered"), [("钢铁今年要压掉多少产能？", False), ("去产能的期限是多少？", True),
                                                    ("土地承包期是多少？", True)])
def test_a_period_answers_only_a_question_about_a_period(question: str, answered: bool) -> None:
    """近三年淘汰…: 三年 is never how much capacity is cut; 承包期 and 期限 are periods by their names."""
    TEXTS["s12"] = "近三年淘汰落后炼钢炼铁产能，去产能期限三年，土地承包期三年。"
    QUANTITIES["s12"] = [_q("s12", 1, "三年", "3", "年", None, None, None, "近"),
                         _q("s12", 2, "三年", "3", "年", None, None, None, "去产能期限"),
                         _q("s12", 3, "三年", "3", "年", None, None, None, "土地承包期")]
    locate_quantities(QUANTITIES["s12"])
    try:
        answer = value(question, "s12", words={"产能", "期限", "承包期", "土地"})
        assert answer.answered is answered
        if not answered:
            # No unit was asked, so the reason names none: the periods left out answer no such question.
            assert answer.reason.code == ReasonCode.NO_VALUE and answer.reason.render("en")
    finally:
        del TEXTS["s12"], QUANTITIES["s12"]


def test_a_later_clause_of_the_sentence_does_not_state_the_measure() -> None:
    """财政赤字10500亿元，其中中央财政赤字8500亿元: the total is not the central deficit, although the sentence
    names it later; 财政赤字 counts as a content word through its parts."""
    TEXTS["s11"] = "今年拟安排财政赤字10500亿元，其中中央财政赤字8500亿元。"
    QUANTITIES["s11"] = [_q("s11", 1, "10500亿元", "10500", "亿元", None, None, None, "今年拟安排财政赤字"),
                         _q("s11", 2, "8500亿元", "8500", "亿元", None, None, None, "其中中央财政赤字")]
    try:
        answer = value("拟安排的中央财政赤字是多少？", "s11", words={"中央", "财政", "赤字", "安排"})
        assert answer.answered and answer.text == "8500亿元"
    finally:
        del TEXTS["s11"], QUANTITIES["s11"]


def test_what_a_question_counts_must_be_written_by_the_library() -> None:
    """多少奖金: no figure of a library that never writes 奖金 counts it, whatever else its sentence says."""
    frame = build_frame(parse_question("对实名举报的人给予多少奖金？"))
    assert frame.measure_counted and frame.measure_terms == [("奖金",)]
    refused = value("拟安排的财政赤字给予多少奖金？", "s6", words={"财政", "赤字", "安排", "奖金"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE


def test_a_stated_total_answers_a_question_about_the_total() -> None:
    # 压缩钢铁产能总量8000万吨以上 is one figure that says it is a total: no list to add up is needed.
    frame = build_frame(parse_question("钢铁行业总共要压掉多少产能？"))
    assert frame.kind == AskedKind.AGGREGATE
    answer = ExtremeComposer().compose(frame, evidence("s5"), FakeLibrary(words={"钢铁", "产能"}), 5)
    assert answer.answered and answer.value.surface == "8000万吨以上"


def test_a_single_figure_without_a_total_word_is_no_total(monkeypatch) -> None:
    # One part (淘汰炼铁1500万吨) is not the whole a question about a total asks for.
    put_sentence(monkeypatch, "one-part", "再淘汰炼铁1500万吨。", ("1500万吨", "1500", "万吨", "再淘汰炼铁"))
    frame = build_frame(parse_question("炼铁总共要淘汰多少产能？"))
    answer = ExtremeComposer().compose(frame, evidence("one-part"), FakeLibrary(words={"炼铁", "淘汰"}), 5)
    assert not answer.answered and answer.reason.code == ReasonCode.NO_LIST


def test_a_time_limit_asked_for_an_object_is_not_the_limit_of_another_act(monkeypatch) -> None:
    # 几日内把听证笔录交给…: the 二十日内 the text sets for holding the hearing is another act's limit.
    put_sentence(monkeypatch, "hearing", "行政机关应当在二十日内组织听证。", ("二十日内", "20", "日", "行政机关应当"))
    question = "听证结束后，行政机关要在几日内把听证笔录交给参加人签字？"
    refused = value(question, "hearing", words={"行政机关", "听证"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    put_sentence(monkeypatch, "record", "行政机关应当在五日内将听证笔录交参加人确认。",
                 ("五日内", "5", "日", "行政机关应当"))
    answered = value(question, "record", words={"行政机关", "听证", "笔录"})
    assert answered.answered and answered.text == "五日内"


def test_a_frequency_is_read_from_a_lower_ranked_sentence_that_states_it(monkeypatch) -> None:
    put_sentence(monkeypatch, "price-basis", "补偿标准由省、自治区、直辖市通过制定公布区片综合地价确定。")
    put_sentence(monkeypatch, "price-cycle",
                 "制定区片综合地价应当综合考虑土地原用途等因素，并至少每三年调整或者重新公布一次。")
    frame = build_frame(parse_question("区片综合地价多长时间调整或重新公布一次？"))
    ranked = zip(evidence("price-basis", "price-cycle"), (1.0, 0.98), strict=True)
    items = [{**item, "score": score} for item, score in ranked]
    answer = WhenComposer().compose(frame, items, FakeLibrary(words={"区片", "综合", "地价", "调整", "公布"}), 5)
    assert answer.answered and "每三年" in answer.value.surface


def test_items_asked_without_an_industry_are_the_best_sentence() -> None:
    frame = build_frame(parse_question("约法三章具体对政府提了哪几条硬约束？"))
    answer = ListComposer().compose(frame, evidence("s4"), FakeLibrary(), 5)
    assert answer.answered and answer.text == TEXTS["s4"] and answer.support == ["s4"]


def test_chinese_an_english_question_quotes_must_be_stated(monkeypatch) -> None:
    # The tenure of farmland is no tenure of aquaculture water surfaces (养殖水面), which the law does not set.
    question = "What is the contract term for household-contracted aquaculture water surfaces (养殖水面)?"
    refused = value(question, "art13.p1.s2", words={"承包期"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE


def test_a_share_is_answered_only_by_a_figure_stated_as_one(monkeypatch) -> None:
    put_sentence(monkeypatch, "growth", "国内生产总值增长8%左右。", ("8%左右", "8", "%", "国内生产总值增长"))
    put_sentence(monkeypatch, "share", "研究与试验发展经费支出占国内生产总值的比重达到2.1%。",
                 ("2.1%", "2.1", "%", "研究与试验发展经费支出占国内生产总值的比重达到"))
    question = "What is the target for R&D spending as a share of GDP?"
    assert not value(question, "growth", words={"国内生产总值"}).answered
    assert value(question, "share", words={"国内生产总值"}).text == "2.1%"


def test_an_extreme_compares_figures_by_their_magnitude(monkeypatch) -> None:
    # 2.3亿吨 is more than 9000多万吨, whatever the bare numbers say; a clause of its own names its item.
    put_sentence(monkeypatch, "three-years", "近三年淘汰炼钢炼铁产能9000多万吨，水泥2.3亿吨，电解铝100多万吨。",
                 ("9000多万吨", "9000", "万吨", "淘汰炼钢炼铁产能"), ("2.3亿吨", "2.3", "亿吨", "水泥"),
                 ("100多万吨", "100", "万吨", "电解铝"))
    frame = build_frame(parse_question("近三年哪一类淘汰的产能最多？"))
    answer = ExtremeComposer().compose(frame, evidence("three-years"), FakeLibrary(words={"淘汰", "产能"}), 5)
    assert answer.answered and answer.value.surface == "2.3亿吨" and answer.text.startswith("水泥")


def test_items_of_one_industry_are_named_by_their_items(monkeypatch) -> None:
    # 脱硫、脱硝、除尘改造 are all 燃煤电厂's: the industry tells them apart from nothing.
    put_sentence(monkeypatch, "retrofits", "推进燃煤电厂脱硫改造1500万千瓦、脱硝改造1.3亿千瓦、除尘改造1.8亿千瓦。",
                 ("1500万千瓦", "1500", "万千瓦", "推进燃煤电厂脱硫改造"), ("1.3亿千瓦", "1.3", "亿千瓦", "脱硝改造"),
                 ("1.8亿千瓦", "1.8", "亿千瓦", "除尘改造"))
    for quantity in QUANTITIES["retrofits"]:
        quantity["industry"] = "煤电"
    frame = build_frame(parse_question("燃煤电厂哪项改造的规模最大？"))
    answer = ExtremeComposer().compose(frame, evidence("retrofits"), FakeLibrary(words={"改造"}), 5)
    assert answer.answered and answer.text.startswith("除尘改造") and answer.value.surface == "1.8亿千瓦"


def test_a_figure_over_a_whole_period_is_the_total_for_its_industry(monkeypatch) -> None:
    # 近三年…平板玻璃7600多万重量箱 answers how much flat glass was cut in all; the other items are not summed in.
    put_sentence(monkeypatch, "three-years-glass",
                 "近三年淘汰炼钢炼铁产能9000多万吨、水泥2.3亿吨、平板玻璃7600多万重量箱。",
                 ("9000多万吨", "9000", "万吨", "淘汰炼钢炼铁产能"), ("2.3亿吨", "2.3", "亿吨", "水泥"),
                 ("7600多万重量箱", "7600", "万重量箱", "平板玻璃"))
    for quantity, industry in zip(QUANTITIES["three-years-glass"], ("钢铁", "水泥", "平板玻璃"), strict=True):
        quantity["industry"] = industry
    frame = build_frame(parse_question("近三年一共淘汰了多少平板玻璃落后产能？"))
    assert frame.kind == AskedKind.AGGREGATE
    answer = ExtremeComposer().compose(frame, evidence("three-years-glass"), FakeLibrary(words={"淘汰"}), 5)
    assert answer.answered and answer.value.surface == "7600多万重量箱"


def test_two_figures_of_two_families_asked_at_once_are_not_proved_by_one() -> None:
    # How many times, and for how long each: 7年 (a period) answers neither question whole.
    question = "How many times may a merger loan term be extended, and by how long each time?"
    assert build_frame(parse_question(question)).asks_two_figures
    answer = value(question, "s3", words={"并购", "贷款", "期限"})
    assert not answer.answered and answer.reason.code == ReasonCode.NO_VALUE
    assert value("并购贷款期限可以延长到几年？", "s3", words={"并购", "贷款", "期限"}).answered


def test_a_figure_the_question_states_as_known_is_not_its_answer(monkeypatch) -> None:
    # Asked how much extra time after 20 days, 二十日内 is what the question gives, not what it asks.
    put_sentence(monkeypatch, "limit", "二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。",
                 ("二十日内", "20", "日", None), ("十日", "10", "日", "可以延长"))
    question = "If an agency cannot decide within 20 days, how much extra time can it take?"
    answer = value(question, "limit", words={"延长"})
    assert answer.answered and answer.text == "十日"
    assert value("二十天内办不完，最多还能延长几天？", "limit", words={"延长"}).text == "十日"
    # A question that offers figures to choose from may be answered with one of them.
    offered = build_frame(parse_question("作出决定的期限是二十日内还是三十日内？"))
    assert not is_given(QUANTITIES["limit"][0], figures_given(offered))
    stated = build_frame(parse_question("二十日内作出不了决定的，能延长几天？"))
    assert is_given(QUANTITIES["limit"][0], figures_given(stated))


def test_an_english_figure_with_a_prefixed_unit_is_given_in_the_same_base_unit(monkeypatch) -> None:
    # 13,700 kWh and the document's 13700千瓦时 are the same figure: both are read in 瓦时.
    put_sentence(monkeypatch, "power", "对吨铝液电解交流电耗大于13700千瓦时的产能，用电价格上浮10%。",
                 ("13700千瓦时", "13700", "千瓦时", "大于"), ("10%", "10", "%", "上浮"))
    frame = build_frame(parse_question("How much is the price marked up where power use exceeds 13,700 kWh?"))
    assert is_given(QUANTITIES["power"][0], figures_given(frame))
    assert not is_given(QUANTITIES["power"][1], figures_given(frame))


def test_an_english_measure_names_its_item_of_a_respectively_list(monkeypatch) -> None:
    put_sentence(monkeypatch, "five-years",
                 "今后五年，单位国内生产总值用水量、能耗、二氧化碳排放量分别下降23%、15%、18%。",
                 ("23%", "23", "%", None), ("15%", "15", "%", None), ("18%", "18", "%", None))
    question = "By how much is CO2 emission per unit of GDP to fall over the 13th Five-Year Plan period?"
    frame = build_frame(parse_question(question))
    # "over the … period" says when; it asks for no period.
    assert frame.unit_family is None and not frame.asks_period
    assert value(question, "five-years", words={"排放"}).text == "18%"


def test_an_english_object_of_a_change_is_the_measure_a_figure_must_state(monkeypatch) -> None:
    put_sentence(monkeypatch, "co-processing", "协同处置生产线数量比重不低于10%。", ("10%", "10", "%", "比重"))
    put_sentence(monkeypatch, "markup", "吨铝液电耗超过13700千瓦时的，用电价格在标准价格基础上上浮10%。",
                 ("13700千瓦时", "13700", "千瓦时", "电耗"), ("10%", "10", "%", "上浮"))
    question = "By what percentage does the guideline raise electricity prices for plants that miss the standards?"
    refused = value(question, "co-processing", words={"电价"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    assert value(question, "markup", words={"电价"}).text == "10%"


def test_a_manner_is_read_from_the_adverb_whose_own_clause_says_what_was_asked(monkeypatch) -> None:
    put_sentence(monkeypatch, "standards", "尽快取消32.5复合水泥产品标准，逐步降低32.5复合水泥使用比重。")
    frame = build_frame(parse_question("Is the share of 32.5 composite cement in use to be cut at once or over time?"))
    answer = WhenComposer().compose(frame, evidence("standards"), FakeLibrary(words={"比重", "复合水泥"}), 5)
    assert answer.value.surface == "逐步"


def test_a_manner_question_takes_the_best_sentence_that_has_one_for_what_was_asked() -> None:
    # The top sentence (s3) has no adverb; 定期 (a frequency) answers "all at once, or how?".
    frame = build_frame(parse_question("淘汰落后产能企业的名单，是一次性公布还是怎么发布？"))
    assert frame.kind == AskedKind.WHEN
    answer = WhenComposer().compose(frame, evidence("s3", "s4"), FakeLibrary(words={"名单", "发布", "淘汰"}), 5)
    assert answer.answered and answer.text.startswith("定期发布")


def test_which_several_regions_asks_for_the_items_not_a_count() -> None:
    assert build_frame(parse_question("钢铁产业结构调整重点推动的是哪几个地区？")).kind == AskedKind.LIST
    assert build_frame(parse_question("哪几年的目标提前完成了？")).kind != AskedKind.LIST


def test_an_indefinite_ji_before_the_question_does_not_set_the_unit() -> None:
    question = parse_question("我们厂准备兼并几家企业，并购贷款的期限最长能放到几年？")
    assert question.asked_unit == "年"
    assert value("我们厂准备兼并几家企业，并购贷款的期限最长能放到几年？", "s3", words={"贷款", "期限"}).text == "7年"


def test_the_event_a_measure_runs_from_is_a_time_of_its_own(monkeypatch) -> None:
    put_sentence(monkeypatch, "daily", "行政机关可以自责令改正之日的次日起，按照原处罚数额按日连续处罚。")
    frame = build_frame(parse_question("按日连续处罚从哪天开始算？"))
    answer = WhenComposer().compose(frame, evidence("daily"), FakeLibrary(words={"按日", "连续", "处罚"}), 5)
    assert answer.answered and answer.value.surface == "自责令改正之日的次日起"


def test_who_answers_with_the_whole_coordination_of_bearers() -> None:
    from kg.answer.composers import _bearer_before

    @dataclass
    class Provision:
        bearer_mentions: list[dict]

    provision = Provision([{"text": "作出行政许可决定的行政机关", "role": "bearer"},
                           {"text": "其上级行政机关", "role": "bearer"}])
    sentence = "作出行政许可决定的行政机关或者其上级行政机关，根据利害关系人的请求，可以撤销行政许可"
    answer = _bearer_before(provision, sentence, sentence.index("根据"))
    assert answer == "作出行政许可决定的行政机关或者其上级行政机关"


def test_who_reads_a_subject_standing_alone_before_the_comma() -> None:
    from kg.answer.composers import _agent_marked_by_you

    lexicon = default_lexicon()
    clause = "对全国环境保护工作实施统一监督管理"
    assert _agent_marked_by_you(clause, ["实施"], lexicon, "第十条国务院环境保护主管部门") == "国务院环境保护主管部门"
    assert _agent_marked_by_you(clause, ["实施"], lexicon, "为了保护环境") is None


def test_money_put_into_a_named_fund_must_be_that_fund_s(monkeypatch) -> None:
    # Employment funds are no award funds; "rewards and subsidies" are alternatives, either of which may be stated.
    put_sentence(monkeypatch, "employment", "中央财政安排就业专项资金426亿元，比上年增长59%。",
                 ("426亿元", "426", "亿元", "中央财政安排就业专项资金"), ("59%", "59", "%", "比上年增长"))
    put_sentence(monkeypatch, "awards", "中央财政安排1000亿元专项奖补资金，重点用于职工分流安置。",
                 ("1000亿元", "1000", "亿元", "中央财政安排"))
    question = "How much did the report allocate in central special award funds for resettling workers?"
    refused = value(question, "employment", words={"资金"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_MEASURE
    assert value(question, "awards", words={"资金"}).text == "1000亿元"
    either = "How much did the government set aside as special rewards and subsidies for resettling workers?"
    assert value(either, "awards", words={"资金"}).text == "1000亿元"


def test_a_calendar_date_asked_is_not_answered_by_an_adverb(monkeypatch) -> None:
    put_sentence(monkeypatch, "standard", "尽快取消32.5复合水泥产品标准。")
    words = {"复合水泥", "标准", "取消"}
    dated = build_frame(parse_question("By what date must the 32.5 composite cement product standard be scrapped?"))
    assert dated.asks_calendar
    refused = WhenComposer().compose(dated, evidence("standard"), FakeLibrary(words=words), 5)
    assert not refused.answered and refused.reason.code == ReasonCode.NO_TIME
    when = build_frame(parse_question("32.5复合水泥产品标准什么时候取消？"))
    assert WhenComposer().compose(when, evidence("standard"), FakeLibrary(words=words), 5).value.surface == "尽快"


def test_a_figure_asked_as_what_is_to_change_is_a_target(monkeypatch) -> None:
    put_sentence(monkeypatch, "reported", "“十一五”前四年累计单位国内生产总值能耗下降14.38%。",
                 ("14.38%", "14.38", "%", "“十一五”前四年累计单位国内生产总值能耗下降"))
    frame = build_frame(parse_question("当年单位GDP能耗要下降百分之几？"))
    assert frame.asks_target
    refused = value("当年单位GDP能耗要下降百分之几？", "reported", words={"能耗"})
    assert not refused.answered and refused.reason.code == ReasonCode.NO_VALUE_TARGET


def test_an_english_item_of_a_respectively_list_is_named_by_its_rendering(monkeypatch) -> None:
    put_sentence(monkeypatch, "grain",
                 "进一步提高粮食最低收购价，早籼稻、中晚籼稻、粳稻每50公斤分别提高3元、5元和10元。",
                 ("3元", "3", "元", None), ("5元", "5", "元", None), ("10元", "10", "元", None))
    question = "By how much was the minimum purchase price for japonica rice raised per 50 kg?"
    assert value(question, "grain", words={"最低收购价"}).text == "10元"


def test_a_two_character_verb_is_found_spelled_out() -> None:
    from kg.answer.composers import _find_verb

    assert _find_verb("由乡（镇）人民政府审核批准", "审批") == 9
    assert _find_verb("由乡（镇）人民政府批准", "审批") == -1


def test_the_end_a_period_is_extended_to_is_read_from_the_best_sentences(monkeypatch) -> None:
    put_sentence(monkeypatch, "extended", "2009年到期的“五缓四减三补贴”就业扶持政策延长一年。")
    put_sentence(monkeypatch, "until", "为保持积极就业政策的连续性，这些政策的执行期均延长到2010年底。")
    frame = build_frame(parse_question("“五缓四减三补贴”那套就业扶持政策最后延到什么时候？"))
    ranked = [{**item, "score": score} for item, score in zip(evidence("extended", "until"), (1.0, 0.97), strict=True)]
    answer = WhenComposer().compose(frame, ranked, FakeLibrary(words={"政策", "就业", "延长"}), 5)
    assert answer.answered and "2010年底" in answer.value.surface


def test_an_english_question_states_a_statute_s_lighter_case() -> None:
    # "relatively minor" is the law's 情节较轻: the figure of that case, read in the sentence that continues it.
    question = "How long can the managers be detained for this breach when the circumstances are relatively minor?"
    answer = value(question, "art63.p1.s1", words={"拘留"})
    assert answer.answered and answer.text == "五日以上十日以下"
