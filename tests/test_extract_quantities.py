"""kg.extract.quantities on the seed's sentences: values, units, comparators, what is measured, industry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kg.extract.lexicon import default_lexicon
from kg.extract.quantities import find_quantities
from kg.extract.times import find_times

IND = "https://w3id.org/policykg/industry/"
TARGETS = ("分解落实年度目标，在提前一年完成“十二五”钢铁、电解铝、水泥、平板玻璃等重点行业淘汰落后产能目标任务基础上，"
           "通过提高财政奖励标准，落实等量或减量置换方案等措施，鼓励地方提高淘汰落后产能标准，2015年底前再淘汰炼铁1500万吨、"
           "炼钢1500万吨、水泥（熟料及粉磨能力）1亿吨、平板玻璃2000万重量箱。")
FIGURES = ("2012年底，我国钢铁、水泥、电解铝、平板玻璃、船舶产能利用率分别仅为72%、73.7%、71.9%、73.1%和75%，"
           "明显低于国际通常水平。")


def mentions(text: str) -> list[tuple[int, int, str]]:
    return [(s, e, c.iri) for s, e, c in default_lexicon().find(text) if c.kind == "industry"]


def quantities(text: str, context: str | None = None):
    spans = [(t.start_char, t.end_char, t.kind) for t in find_times(text, dt.date(2013, 10, 6))]
    return find_quantities(text, mentions(text), context, spans)


@pytest.fixture(scope="module")
def by_sentence(seed_facts):
    return {f.sentence.id: f for f in seed_facts}


def test_list_of_targets_with_shared_deadline(by_sentence) -> None:
    facts = by_sentence["3.3.p1.s2"]
    assert facts.sentence.text == TARGETS
    found = [(q.surface, q.value, q.unit, q.list_index) for q in facts.quantities]
    assert found == [
        ("1500万吨", Decimal(1500), "万吨", 0),
        ("1500万吨", Decimal(1500), "万吨", 1),
        ("1亿吨", Decimal(1), "亿吨", 2),
        ("2000万重量箱", Decimal(2000), "万重量箱", 3),
    ]
    ironmaking, steelmaking, cement, glass = facts.quantities
    assert ironmaking.industry == IND + "ironmaking"
    assert default_lexicon().top_industry(ironmaking.industry) == IND + "steel"
    assert "炼铁" in ironmaking.measure
    assert steelmaking.industry == IND + "steelmaking" and steelmaking.measure == "炼钢"
    assert cement.measure == "水泥（熟料及粉磨能力）"
    assert default_lexicon().top_industry(cement.industry) == IND + "cement"
    assert glass.industry == IND + "flat-glass" and glass.measure == "平板玻璃"
    assert all(q.comparator is None and q.role == "target" for q in facts.quantities)


def test_list_of_targets_with_find_quantities() -> None:
    found = quantities(TARGETS)
    assert [(q.surface, q.industry.rsplit("/", 1)[1]) for q in found] == [
        ("1500万吨", "ironmaking"), ("1500万吨", "steelmaking"), ("1亿吨", "clinker"), ("2000万重量箱", "flat-glass"),
    ]


def test_an_industry_named_only_in_a_later_clause_is_not_the_figure_s_subject() -> None:
    # 核电 is one of the projects of the next clause, not what the investment figures are of
    found = quantities("完成铁路投资8000亿元以上、公路投资1.65万亿元，建设水电核电等重大项目。")
    assert [(q.surface, q.industry, q.measure) for q in found[:2]] == [
        ("8000亿元以上", None, "完成铁路投资"), ("1.65万亿元", None, "公路投资")]


def test_comparator_after_the_number(by_sentence) -> None:
    (quantity,) = by_sentence["4.p2.s2"].quantities
    assert (quantity.surface, quantity.value, quantity.unit) == ("8000万吨以上", Decimal(8000), "万吨")
    assert (quantity.comparator, quantity.operator) == ("以上", ">=")
    assert quantity.industry == IND + "steel"
    assert quantity.measure == "压缩钢铁产能总量"


def test_comparator_before_the_number(by_sentence) -> None:
    (quantity,) = by_sentence["4.p3.s4"].quantities
    assert (quantity.surface, quantity.value, quantity.unit) == ("10%", Decimal(10), "%")
    assert (quantity.comparator, quantity.operator) == ("不低于", ">=")
    assert quantity.measure == "协同处置生产线数量比重"
    assert quantity.industry == IND + "cement"  # from the paragraph's lead 水泥。


def test_comparator_before_needs_the_lead_industry() -> None:
    text = ("支持利用现有水泥窑无害化协同处置城市生活垃圾和产业废弃物，进一步完善费用结算机制，"
            "协同处置生产线数量比重不低于10%。")
    (quantity,) = quantities(text, IND + "cement")
    assert quantity.industry == IND + "cement"


def test_reaching_fifty_percent_or_more(by_sentence) -> None:
    (quantity,) = by_sentence["4.p5.s3"].quantities
    assert (quantity.surface, quantity.value, quantity.unit) == ("50%以上", Decimal(50), "%")
    assert quantity.comparator == "以上"
    assert quantity.measure == "平板玻璃深加工率"
    assert quantity.industry == IND + "flat-glass"


def test_threshold_qualifies_the_following_noun(by_sentence) -> None:
    threshold, energy, price = by_sentence["4.p4.s2"].quantities
    assert (threshold.surface, threshold.value, threshold.unit) == ("16万安培以下", Decimal(16), "万安培")
    assert (threshold.comparator, threshold.operator, threshold.role) == ("以下", "<=", "threshold")
    assert threshold.measure == "预焙槽"
    assert default_lexicon().top_industry(threshold.industry) == IND + "electrolytic-aluminium"
    assert (energy.surface, energy.value, energy.unit) == ("13700千瓦时", Decimal(13700), "千瓦时")
    assert (energy.comparator, energy.operator) == ("大于", ">")
    assert energy.measure == "吨铝液电解交流电耗"
    assert (price.surface, price.comparator, price.operator) == ("10%", "上浮", "+")


def test_extended_to_seven_years(by_sentence) -> None:
    (quantity,) = by_sentence["5.4.p1.s6"].quantities
    assert (quantity.surface, quantity.value, quantity.unit) == ("7年", Decimal(7), "年")
    assert (quantity.comparator, quantity.operator) == ("延长至", "<=")
    assert quantity.measure == "贷款期限"


def test_one_year_or_more_in_chinese_numerals(by_sentence) -> None:
    (quantity,) = by_sentence["4.p6.s5"].quantities
    assert (quantity.surface, quantity.value, quantity.unit) == ("一年以上", Decimal(1), "年")
    assert (quantity.comparator, quantity.role) == ("以上", "threshold")
    assert quantity.measure.startswith("未承接新船订单")
    assert quantity.industry == IND + "shipbuilding"


def test_strength_threshold(by_sentence) -> None:
    strength, replaced = by_sentence["4.p2.s3"].quantities
    assert (strength.surface, strength.unit, strength.comparator, strength.role) == ("400兆帕及以上", "兆帕", "及以上",
                                                                                        "threshold")
    assert strength.measure == "强度高强钢筋"
    assert (replaced.surface, replaced.comparator) == ("335兆帕", None)


def test_respectively_aligns_values_with_industries(by_sentence) -> None:
    facts = by_sentence["1.p2.s2"]
    assert facts.sentence.text == FIGURES
    found = [(q.surface, q.industry.rsplit("/", 1)[1], q.measure) for q in facts.quantities]
    assert found == [
        ("72%", "steel", "产能利用率"),
        ("73.7%", "cement", "产能利用率"),
        ("71.9%", "electrolytic-aluminium", "产能利用率"),
        ("73.1%", "flat-glass", "产能利用率"),
        ("75%", "shipbuilding", "产能利用率"),
    ]
    assert [q.value for q in facts.quantities] == [Decimal("72"), Decimal("73.7"), Decimal("71.9"), Decimal("73.1"),
                                                   Decimal("75")]
    assert [t.kind for t in facts.times] == ["reference"]


def test_respectively_with_find_quantities() -> None:
    assert [q.industry.rsplit("/", 1)[1] for q in quantities(FIGURES)] == [
        "steel", "cement", "electrolytic-aluminium", "flat-glass", "shipbuilding"]


def test_effort_years_are_a_period(by_sentence) -> None:
    (quantity,) = by_sentence["2.3.p1.s1"].quantities
    assert (quantity.surface, quantity.value, quantity.role) == ("5年", Decimal(5), "period")


def test_dates_are_not_quantities(seed_facts) -> None:
    signature = [f for f in seed_facts if f.sentence.role == "signature"]
    assert "".join(f.sentence.text for f in signature) == "国务院2013年10月6日"
    assert [q for f in signature for q in f.quantities] == []
    assert quantities("国务院2013年10月6日印发") == []
    assert quantities("2015年底前淘汰16万安培以下预焙槽")[0].surface == "16万安培以下"
    assert len(quantities("2015年底前淘汰16万安培以下预焙槽")) == 1  # 2015年 is a date, not 2015 years


def test_dates_with_stray_spaces_are_not_quantities() -> None:
    assert quantities("国务院2013年 10 月 6日印发") == []


def test_years_at_end_of_text_are_kept() -> None:
    (quantity,) = quantities("贷款期限可延长至7年")
    assert (quantity.value, quantity.unit, quantity.comparator) == (Decimal(7), "年", "延长至")


def test_year_quantity_before_punctuation_is_kept() -> None:
    (quantity,) = quantities("贷款期限可延长至7年。")
    assert (quantity.value, quantity.unit, quantity.comparator) == (Decimal(7), "年", "延长至")


def test_counting_words_are_not_quantities() -> None:
    assert quantities("形成一批产业链完整、核心竞争力强的企业集团。") == []
    assert quantities("加快淘汰一批落后产能。") == []
    assert quantities("关停一家企业、两条生产线。") == []  # 家/条 are units, but Chinese numerals count only durations
    assert [q.surface for q in quantities("关停3家企业。")] == ["3家"]


def test_every_seed_quantity_lies_inside_its_sentence(seed_facts) -> None:
    total = 0
    for facts in seed_facts:
        for quantity in facts.quantities:
            total += 1
            assert facts.sentence.text[quantity.start_char: quantity.end_char] == quantity.surface
    assert total == 20


@pytest.mark.parametrize(("text", "surface", "operator"), [
    ("可以在接到责令限期拆除决定之日起十五日内，向人民法院起诉；", "十五日内", "<="),
    ("永久基本农田一般应当占本行政区域内耕地的百分之八十以上，具体比例由国务院规定。", "百分之八十以上", ">="),
    ("应当经村民会议三分之二以上成员的同意。", "三分之二以上", ">="),
    ("城镇登记失业率4.5%以内。", "4.5%以内", "<="),
    ("行政机关应当指派两名以上工作人员进行核查。", "两名以上", ">="),
    ("应当在该行政许可有效期届满三十日前向作出决定的行政机关提出申请。", "三十日前", "before"),
])
def test_a_bound_stays_with_its_figure(text: str, surface: str, operator: str) -> None:
    # 十五日 and 十五日内 state different rules: the answer a lawyer pastes must carry the bound.
    (quantity,) = find_quantities(text)
    assert quantity.surface == surface and quantity.operator == operator


def test_any_unit_takes_a_magnitude() -> None:
    found = quantities("推进燃煤电厂脱硫改造1500万千瓦、脱硝改造1.3亿千瓦，淘汰燃煤小锅炉5万台。")
    assert [(q.surface, q.unit) for q in found] == [
        ("1500万千瓦", "万千瓦"), ("1.3亿千瓦", "亿千瓦"), ("5万台", "万台")]


def test_counters_and_more_than_figures_are_quantities() -> None:
    found = quantities("淘汰黄标车和老旧车600万辆，近三年淘汰电解铝100多万吨。")
    assert [(q.surface, q.unit, q.operator) for q in found if q.unit != "年"] == [
        ("600万辆", "万辆", None), ("100多万吨", "万吨", ">")]
    # a counter that begins a word is none: 10部门 is ten departments, not a figure in 部
    assert not [q for q in quantities("10部门联合印发。") if q.unit.endswith("部")]


@pytest.mark.parametrize(("text", "share"), [("专项转移支付项目要减少三分之一。", "33.33"),
                                             ("应当经村民会议三分之二以上成员的同意。", "66.67"),
                                             ("占耕地的百分之八十以上。", "80")])
def test_a_fraction_in_words_is_a_share_and_a_percentage_is_read_once(text: str, share: str) -> None:
    found = quantities(text)
    assert [(str(q.value), q.unit) for q in found] == [(share, "%")]
