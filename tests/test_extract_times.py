"""kg.extract.times: Chinese time phrases of the seed as ISO intervals."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.times import find_times, plan_period

ISSUED = dt.date(2013, 10, 6)
D = dt.date


def only(text: str, issued: dt.date | None = ISSUED):
    found = find_times(text, issued)
    assert len(found) == 1, found
    return found[0]


def test_deadline_end_of_year_before() -> None:
    expr = only("2015年底前淘汰16万安培以下预焙槽，")
    assert (expr.surface, expr.kind, expr.begin, expr.end) == ("2015年底前", "deadline", None, D(2015, 12, 31))
    assert expr.due == D(2015, 12, 31)
    assert (expr.start_char, expr.end_char) == (0, 7)


def test_from_after_end_of_year() -> None:
    expr = only("以及2015年底后达不到规范条件的产能，")
    assert (expr.surface, expr.kind, expr.begin, expr.end) == ("2015年底后", "from", D(2016, 1, 1), None)
    assert expr.due is None


def test_reference_end_of_year() -> None:
    expr = only("2012年底，我国钢铁、水泥、电解铝、平板玻璃、船舶产能利用率分别仅为72%、73.7%、71.9%、73.1%和75%，")
    assert (expr.surface, expr.kind) == ("2012年底", "reference")
    assert (expr.begin, expr.end) == (D(2012, 12, 31), D(2012, 12, 31))
    assert expr.due is None  # a reference date is not a deadline


def test_twelfth_five_year_plan() -> None:
    expr = only("“十二五”")
    assert (expr.kind, expr.begin, expr.end) == ("period", D(2011, 1, 1), D(2015, 12, 31))


def test_thirteenth_five_year_plan_period() -> None:
    expr = only("“十三五”期间，结合产业发展实际和环境承载力，加快淘汰一批落后产能。")
    assert (expr.surface, expr.kind, expr.begin, expr.end) == ("“十三五”期间", "period", D(2016, 1, 1), D(2020, 12, 31))


def test_effort_of_five_years_from_issue_date() -> None:
    expr = only("通过5年努力，化解产能严重过剩矛盾工作取得重要进展：")
    assert (expr.surface, expr.kind, expr.begin, expr.end) == ("通过5年努力", "period", D(2013, 10, 6), D(2018, 10, 6))
    assert find_times("通过5年努力，化解产能严重过剩矛盾工作取得重要进展：", None) == []  # no issue date, no anchor


def test_effort_in_chinese_numerals() -> None:
    expr = only("通过五年努力，")
    assert (expr.begin, expr.end) == (D(2013, 10, 6), D(2018, 10, 6))


def test_one_year_early_completion_of_the_plan() -> None:
    text = ("分解落实年度目标，在提前一年完成“十二五”钢铁、电解铝、水泥、平板玻璃等重点行业淘汰落后产能目标任务基础上，"
            "通过提高财政奖励标准，落实等量或减量置换方案等措施，鼓励地方提高淘汰落后产能标准，2015年底前再淘汰炼铁1500万吨、"
            "炼钢1500万吨、水泥（熟料及粉磨能力）1亿吨、平板玻璃2000万重量箱。")
    found = find_times(text, ISSUED)
    assert [(t.surface, t.kind, t.end) for t in found] == [
        ("提前一年完成“十二五”", "deadline", D(2014, 12, 31)),
        ("2015年底前", "deadline", D(2015, 12, 31)),
    ]
    assert [t.start_char for t in found] == sorted(t.start_char for t in found)


def test_instant() -> None:
    expr = only("2013年10月6日")
    assert (expr.kind, expr.begin, expr.end) == ("instant", D(2013, 10, 6), D(2013, 10, 6))
    assert expr.as_dict() == {"surface": "2013年10月6日", "kind": "instant", "begin": "2013-10-06", "end": "2013-10-06"}


def test_instant_with_stray_spaces() -> None:
    expr = only("国务院2013年 10 月 6日")
    assert (expr.kind, expr.begin, expr.end) == ("instant", D(2013, 10, 6), D(2013, 10, 6))


def test_invalid_day_is_not_an_instant() -> None:
    assert all(t.kind != "instant" for t in find_times("2013年2月30日"))


@pytest.mark.parametrize(("text", "kind", "begin", "end"), [
    ("到2015年", "deadline", None, D(2015, 12, 31)),
    ("2015年前", "deadline", None, D(2015, 12, 31)),
    ("到2015年底", "deadline", None, D(2015, 12, 31)),
    ("2016年起", "from", D(2016, 1, 1), None),
    ("自2016年起", "from", D(2016, 1, 1), None),
    ("2012年末", "reference", D(2012, 12, 31), D(2012, 12, 31)),
    ("2015 年底前", "deadline", None, D(2015, 12, 31)),
    ("十一五", "period", D(2006, 1, 1), D(2010, 12, 31)),
    ("2015年", "period", D(2015, 1, 1), D(2015, 12, 31)),
])
def test_other_patterns(text: str, kind: str, begin, end) -> None:
    expr = only(text)
    assert (expr.kind, expr.begin, expr.end) == (kind, begin, end)


def test_no_time_in_plain_text() -> None:
    assert find_times("严禁各地自行出台优惠电价措施。", ISSUED) == []
    assert find_times("贷款期限可延长至7年。", ISSUED) == []


def test_plan_period() -> None:
    assert plan_period(12) == (D(2011, 1, 1), D(2015, 12, 31))
    assert plan_period(13) == (D(2016, 1, 1), D(2020, 12, 31))
    assert plan_period(6) == (D(1981, 1, 1), D(1985, 12, 31))
    assert plan_period(14) == (D(2021, 1, 1), D(2025, 12, 31))
    assert plan_period(5) is None  # before the sixth plan the periods were irregular


def test_seed_times(seed_facts) -> None:
    times = {f.sentence.id: [(t.kind, t.begin, t.end) for t in f.times] for f in seed_facts}
    assert times["4.p4.s2"] == [("deadline", None, D(2015, 12, 31)), ("from", D(2016, 1, 1), None)]
    assert times["1.p2.s2"] == [("reference", D(2012, 12, 31), D(2012, 12, 31))]
    assert times["2.3.p1.s1"] == [("period", D(2013, 10, 6), D(2018, 10, 6))]
    assert times["3.3.p1.s3"] == [("period", D(2016, 1, 1), D(2020, 12, 31))]
    (signed,) = [f for f in seed_facts if f.sentence.role == "signature" and "2013年10月6日" in f.sentence.text]
    assert [(t.surface, t.kind, t.begin) for t in signed.times] == [("2013年10月6日", "instant", D(2013, 10, 6))]
    facts = {f.sentence.id: f for f in seed_facts}
    assert facts["4.p4.s2"].deadline == D(2015, 12, 31)
    assert facts["4.p4.s2"].valid_from == D(2016, 1, 1)
    assert facts["4.p4.s3"].deadline is None


@pytest.mark.parametrize(("text", "kind", "begin", "end"), [
    ("今年要淘汰钢铁2700万吨", "period", D(2014, 1, 1), D(2014, 12, 31)),   # a 2014 report's own year
    ("明年将全面实施", "period", D(2015, 1, 1), D(2015, 12, 31)),
    ("去年国内生产总值增长7.7%", "reference", D(2013, 12, 31), D(2013, 12, 31)),  # what it reports
    ("今后五年，单位国内生产总值能耗下降15%", "period", D(2014, 1, 1), D(2018, 12, 31)),  # the report's year on
    ("未来三年要完成改造", "period", D(2014, 1, 1), D(2016, 12, 31)),
])
def test_relative_years_resolve_against_the_document_date(text: str, kind: str, begin: dt.date, end: dt.date) -> None:
    found = only(text, D(2014, 3, 5))
    assert (found.kind, found.begin, found.end) == (kind, begin, end)


@pytest.mark.parametrize("text", ["比上年增加1500亿元", "与去年同期相比有所下降"])
def test_a_comparison_base_is_no_time(text: str) -> None:
    assert find_times(text, D(2014, 3, 5)) == []


def test_relative_years_need_the_document_date() -> None:
    assert find_times("今年要淘汰钢铁2700万吨", None) == []
    assert find_times("今后五年要完成改造", None) == []


@pytest.mark.parametrize("text", ["可以延长十五日，并应当将延长期限的理由告知申请人", "处十日以上十五日以下拘留",
                                  "不得超过四十五日", "年产十五万吨", "连续工作十五小时"])
def test_a_count_of_days_or_tonnes_is_no_five_year_plan(text: str) -> None:
    assert find_times(text, dt.date(2019, 4, 23)) == []


@pytest.mark.parametrize(("text", "end"), [("“十五”时期", dt.date(2005, 12, 31)),
                                           ("十五计划期间", dt.date(2005, 12, 31)),
                                           ("“十二五”期间", dt.date(2015, 12, 31))])
def test_the_tenth_plan_is_still_a_plan(text: str, end: dt.date) -> None:
    (found,) = find_times(text)
    assert found.kind == "period" and found.end == end and found.surface == text


@pytest.mark.parametrize(("text", "surfaces"), [
    ("并至少每三年调整或者重新公布一次。", ["至少每三年"]),  # an interval: every three years
    ("每两年报告一次", ["每两年"]),
    ("定期发布淘汰落后产能企业名单", ["定期"]),
    ("每年6月5日为环境日", ["每年"]),
])
def test_frequencies_with_and_without_an_interval(text: str, surfaces: list[str]) -> None:
    from kg.extract.manner import MannerClass, find_manner

    assert [e.surface for e in find_manner(text) if e.kind == MannerClass.FREQUENCY] == surfaces


def test_the_event_a_period_runs_from_is_read_with_the_period() -> None:
    from kg.extract.times import find_relative_times

    def surfaces(text: str) -> list[str]:
        return [surface for _, _, surface in find_relative_times(text)]

    assert surfaces("行政机关应当自受理行政许可申请之日起二十日内作出决定。") == ["自受理行政许可申请之日起二十日内"]
    assert surfaces("可以自责令改正之日的次日起，按照原处罚数额按日连续处罚。") == ["自责令改正之日的次日起"]
