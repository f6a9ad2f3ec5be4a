"""The question frame, table-driven: a question → its asked kind and the constraints it grounds."""

from __future__ import annotations

import pytest

from kg.answer.engine import relative_year
from kg.answer.frame import AskedKind, Extreme, TimeAsk, UnitFamily, build_frame, unit_family
from kg.answer.question import english_figures, parse_question


@pytest.mark.parametrize(("question", "kind"), [
    ("2012年底水泥行业的产能利用率是多少？", AskedKind.VALUE),
    ("What was the capacity utilization rate of the flat glass industry at the end of 2012?", AskedKind.VALUE),
    ("What fine in yuan does a bank face?", AskedKind.VALUE),  # a unit asked for makes a value question
    ("How far can the term of a merger loan be stretched?", AskedKind.VALUE),
    ("What numerical PM2.5 concentration reduction target did the report set?", AskedKind.VALUE),  # PM2.5 a word
    ("五个行业中，2012年底产能利用率最低的是哪个？", AskedKind.SUPERLATIVE),
    ("2009年中央政府公共投资里哪一块占比最小？", AskedKind.SUPERLATIVE),
    # a bound the text sets (最多多少天, at most how many) is no extreme of a list
    ("联合办理的行政许可，最多多少天要办完？", AskedKind.VALUE),
    ("At most how many days may the detention last?", AskedKind.VALUE),
    # which report / law set something: a document, whose sentence sets it
    ("Which government work report pledged to phase out small coal-fired boilers?", AskedKind.DOCUMENT),
    ("哪一年的政府工作报告提出要淘汰燃煤小锅炉？", AskedKind.DOCUMENT),
    ("Can a local regulation add violations to which the Environmental Protection Law's penalty applies?",
     AskedKind.MAY),
    ("Which industry had the highest capacity utilization rate?", AskedKind.SUPERLATIVE),
    ("炼铁和炼钢产能合计是多少万吨？", AskedKind.AGGREGATE),
    ("淘汰落后产能企业名单多久发布一次？", AskedKind.WHEN),
    ("16万安培以下的预焙槽最晚什么时候要淘汰掉？", AskedKind.WHEN),
    ("When will the list be published?", AskedKind.WHEN),
    # "When …, what …?" asks what: "when" opens a clause, it is not the question word
    ("When the agency takes back land, what can the compensation be used for?", AskedKind.MAY),
    ("对未取得合法手续的项目，银行不得做什么？", AskedKind.MUST_NOT),
    ("项目没有合法手续，银行还能给钱吗？", AskedKind.MAY),
    ("省级人民政府承担什么责任？", AskedKind.MUST),
    ("电解铝2015年底前要做什么？", AskedKind.LIST),
    ("What applies to electrolytic aluminium by 2015?", AskedKind.LIST),
    ("产能置换方案由哪一级政府负责制定？", AskedKind.WHO),
    ("农村村民的宅基地由哪一级审批？", AskedKind.WHO),  # a level of authority is a body, whatever the verb
    ("这份意见是哪个机关发布的？", AskedKind.DOCUMENT),
    ("文件的发文字号是什么？", AskedKind.DOCUMENT),
    ("国发〔2013〕41号是什么时候印发的？", AskedKind.DOCUMENT),
    # the information is the subject, not the document
    ("产能利用、市场供需这些信息什么时候对外发布？", AskedKind.WHEN),
    ("水泥行业鼓励发展的特种水泥主要满足哪些工程需要？", AskedKind.SEARCH),  # 需要 here is a noun
])
def test_asked_kind(question: str, kind: AskedKind) -> None:
    assert build_frame(parse_question(question)).kind == kind


@pytest.mark.parametrize(("question", "family"), [
    ("并购贷款利率是多少？", UnitFamily.PERCENT),
    ("贷款期限最长可以延长到几年？", UnitFamily.DURATION),
    ("下岗工人每人能拿到多少安置补偿？", UnitFamily.CURRENCY),
    ("2015年底前要再淘汰多少万吨炼铁产能？", UnitFamily.MASS),
    ("吨铝液电解交流电耗超过多少千瓦时？", UnitFamily.ENERGY),  # the 吨 is per tonne
    ("How many yuan per tonne will be paid?", UnitFamily.CURRENCY),
    ("钢铁行业压缩产能总量的目标是多少？", None),
])
def test_unit_family(question: str, family: UnitFamily | None) -> None:
    assert build_frame(parse_question(question)).unit_family == family


@pytest.mark.parametrize(("question", "nouns"), [
    ("2012年底水泥行业的产能利用率是多少？", ["利用率"]),
    ("产能严重过剩行业的平均负债率要控制在百分之多少以下？", ["负债率"]),
    ("协同处置生产线的数量比重要达到多少？", ["比重"]),
    ("钢铁行业压缩产能总量的目标是多少？", []),
])
def test_rate_nouns(question: str, nouns: list[str]) -> None:
    assert build_frame(parse_question(question)).rate_nouns == nouns


@pytest.mark.parametrize(("question", "ask"), [
    ("名单多久发布一次？", TimeAsk.FREQUENCY),
    ("县级以上人民政府多久向本级人民代表大会或者人民代表大会常务委员会报告一次？", TimeAsk.FREQUENCY),
    ("产能利用率数据是截至什么时间的？", TimeAsk.REFERENCE),
    ("是立即停建还是限期整改？", TimeAsk.MANNER),
    ("要求提前多久完成？", TimeAsk.ADVANCE),
    ("许可证要续期，最晚要提前多少天去申请？", TimeAsk.ADVANCE),  # a lead time before an event
    ("预焙槽什么时候淘汰？", TimeAsk.DATE),
    ("这项政策的执行期延长到了什么时候？", TimeAsk.UNTIL),
    ("这套政策执行期延到什么时候？", TimeAsk.UNTIL),  # 延到, the spoken short form of 延长到
    ("这部法律是从哪天开始施行的？", TimeAsk.IN_FORCE),
    ("新环保法哪天开始正式实施的？", TimeAsk.IN_FORCE),
    ("Until when was the pilot extended?", TimeAsk.UNTIL),
    ("环境保护法什么时候开始施行？", TimeAsk.IN_FORCE),
    ("From what date did the law take effect?", TimeAsk.IN_FORCE),
])
def test_time_ask(question: str, ask: TimeAsk) -> None:
    assert build_frame(parse_question(question)).time_ask == ask


def test_superlative_end_and_period_years() -> None:
    assert build_frame(parse_question("哪个行业产能利用率最高？")).extreme == Extreme.MAX
    assert build_frame(parse_question("哪个行业产能利用率最低？")).extreme == Extreme.MIN
    frame = build_frame(parse_question("“十三五”期间要再淘汰多少万吨炼钢产能？"))
    assert frame.time is not None and frame.time.years == (2016, 2017, 2018, 2019, 2020)
    assert frame.time.covers("2018-12-31") and not frame.time.covers("2015-12-31") and not frame.time.covers(None)


def test_a_superlative_cue_that_begins_a_name_the_library_writes_asks_no_extreme() -> None:
    """最低收购价 is a price's name; 最低 asks for an extreme only where it is not the start of one."""
    library = "进一步提高粮食最低收购价，早籼稻、中晚籼稻、粳稻每50公斤分别提高3元、5元和10元"
    written = library.__contains__
    named = build_frame(parse_question("中晚籼稻最低收购价每50公斤提高多少元？"), written)
    assert named.kind == AskedKind.VALUE
    asked = build_frame(parse_question("哪种稻谷的最低收购价提高得最多？"), written)
    assert asked.kind == AskedKind.SUPERLATIVE and asked.extreme == Extreme.MAX
    assert build_frame(parse_question("中晚籼稻最低收购价每50公斤提高多少元？")).kind == AskedKind.SUPERLATIVE


@pytest.mark.parametrize(("question", "rate"), [
    ("环境保护税按什么税率征收？", "税率"), ("按多少利率计算利息？", "利率"),
    ("2012年底钢铁行业的产能利用率是多少？", "利用率")])
def test_what_with_a_rate_noun_asks_a_value_of_that_rate(question: str, rate: str) -> None:
    frame = build_frame(parse_question(question))
    assert frame.kind == AskedKind.VALUE and frame.rate_nouns == [rate]


@pytest.mark.parametrize(("unit", "family"), [
    ("万吨", UnitFamily.MASS), ("亿吨", UnitFamily.MASS), ("%", UnitFamily.PERCENT), ("年", UnitFamily.DURATION),
    ("万重量箱", UnitFamily.BOXES), ("亿元", UnitFamily.CURRENCY), ("万安培", UnitFamily.CURRENT),
    ("个月", UnitFamily.DURATION),
])
def test_units_map_to_families(unit: str, family: UnitFamily) -> None:
    assert unit_family(unit) == family


def test_how_often_spans_one_clause_not_two() -> None:
    assert build_frame(parse_question("县级以上人民政府多久向本级人大常委会报告一次环境状况？")).kind == AskedKind.WHEN
    # 多久 of one clause and 一次 of another do not make a frequency question.
    assert build_frame(parse_question("审批要多久，能一次办完吗？")).time_ask != TimeAsk.FREQUENCY


def test_a_dimension_noun_is_no_measure_term() -> None:
    """多大电流 asks a current (the unit check's business); 多少奖金 asks what is counted."""
    assert build_frame(parse_question("电解铝行业要淘汰多大电流以下的预焙槽？")).measure_terms == []
    assert build_frame(parse_question("对实名举报的人给予多少奖金？")).measure_terms == [("奖金",)]


@pytest.mark.parametrize(("question", "topic"), [("2016年基本公共卫生服务经费，财政给每人补到多少钱？", "经费"),
                                                 ("电解铝，2015年底前要淘汰多少？", None),  # an industry is a subject
                                                 ("环保法规定，企业拘留多少天？", None),  # a clause with a verb
                                                 ("按照意见，2015年底前还要再淘汰多少平板玻璃产能？", None)])  # where
def test_a_topic_clause_of_nouns_gives_its_head(question: str, topic: str | None) -> None:
    assert build_frame(parse_question(question)).topic == topic


@pytest.mark.parametrize(("question", "language"), [
    ("From what date was the replacement of business tax with VAT (营改增) rolled out?", "en"),
    ("2016年GDP增长目标是多少？", "zh"),
    ("GDP目标？", "zh"),
])
def test_a_question_is_in_the_language_most_of_it_is_written_in(question: str, language: str) -> None:
    from kg.answer.question import question_language

    assert question_language(question) == language


@pytest.mark.parametrize(("question", "unit"), [("How many days does the agency have to decide?", "日"),
                                                ("Above how many hectares must the State Council approve?", "公顷")])
def test_english_units_asked_for(question: str, unit: str) -> None:
    from kg.answer.question import parse_question

    assert parse_question(question).asked_unit == unit


def test_an_english_measure_is_the_head_before_its_post_modifier() -> None:
    from kg.answer.question import parse_question

    # energy consumption *per unit of GDP* asks about energy consumption: GDP growth (8%) does not answer it
    frame = build_frame(parse_question("What target for cutting energy consumption per unit of GDP did it set?"))
    assert [set(forms) & {"能耗"} for forms in frame.measure_terms] == [{"能耗"}, {"能耗"}]
    assert not any("国内生产总值" in forms for forms in frame.measure_terms)
    # a pre-modified head keeps its last noun
    assert build_frame(parse_question("What GDP growth target did it set?")).measure_terms == [("增长",)]


def test_what_a_figure_is_of_includes_the_object_of_in() -> None:
    from kg.answer.question import parse_question

    # growth *in income*: GDP growth does not answer it; "in 2014" is a time, not what grows
    asked = build_frame(parse_question("What percentage growth in disposable income did the report set as its target?"))
    assert asked.measure_terms == [("增长",), ("收入",)]
    assert build_frame(parse_question("What growth target in 2014 did the report set?")).measure_terms == [("增长",)]


@pytest.mark.parametrize("question", ["2010年单位GDP能耗要求下降百分之几？", "What reduction was required?"])
def test_a_required_figure_is_a_target(question: str) -> None:
    from kg.answer.question import parse_question

    assert build_frame(parse_question(question)).asks_target


def test_by_how_much_was_x_raised_asks_about_x() -> None:
    from kg.answer.question import parse_question

    # the subject of the passive is the measure: a consumer-price rise (价格涨幅) is no purchase price
    frame = build_frame(parse_question("By how much per 50 kg was the minimum purchase price for rice raised?"))
    assert [set(forms) for forms in frame.measure_terms] == [{"最低收购价"}]


@pytest.mark.parametrize(("question", "years"), [("09年中央政府公共投资里哪一块比重最大？", [2009]),
                                                 ("贷款期限10年以上的要报批吗？", [])])  # 10年 is ten years
def test_a_two_digit_year_with_a_leading_zero_is_a_year(question: str, years: list[int]) -> None:
    from kg.answer.question import parse_question

    assert parse_question(question).years == years


@pytest.mark.parametrize(("question", "family"), [
    # the cue joined to the question word says the answer's form; 资金 only says what it is about
    ("2010年中央财政保障性住房专项补助资金比上年增长了百分之几？", UnitFamily.PERCENT),
    ("2010年中央财政保障性住房专项补助资金是多少钱？", UnitFamily.CURRENCY),
])
def test_the_asking_cue_decides_the_unit_family(question: str, family: UnitFamily) -> None:
    assert build_frame(parse_question(question)).unit_family == family


@pytest.mark.parametrize("question", [
    "By how much is the price marked up for capacity whose power use exceeds 13,700 kWh per tonne?",
    "电耗大于13700千瓦时的产能，电价上浮多少？",
])
def test_the_family_of_a_figure_the_question_states_is_not_asked(question: str) -> None:
    # the power use is the given condition; what is asked (a mark-up) may be a percentage
    assert build_frame(parse_question(question)).unit_family != UnitFamily.ENERGY


def test_base_units_have_families() -> None:
    # stated figures are kept in base units (13,700 kWh → 13700000 瓦时): their family must still be known
    assert unit_family("瓦时") == UnitFamily.ENERGY and unit_family("克") == UnitFamily.MASS


def test_a_mark_up_names_no_unit_family() -> None:
    # 加价 is a percentage (上浮10%) as often as an amount.
    assert build_frame(parse_question("电价要在标准价上加价多少？")).unit_family is None


def test_an_english_rate_without_an_entry_is_composed_from_its_word() -> None:
    frame = build_frame(parse_question("What was the registered urban unemployment rate at end-2015?"))
    assert frame.rate_nouns == ["失业率"]


def test_which_several_asks_for_the_items() -> None:
    assert build_frame(parse_question("约法三章具体对政府提了哪几条硬约束？")).kind == AskedKind.LIST


def test_the_object_of_ba_is_what_a_time_limit_is_for() -> None:
    assert build_frame(parse_question("行政机关要在几日内把听证笔录交给参加人签字？")).acted_on == ["笔录"]
    assert build_frame(parse_question("行政机关要在几日内作出决定？")).acted_on == []


@pytest.mark.parametrize(("question", "naming", "year"), [
    ("2016年政府工作报告说钢铁今年要压掉多少产能？", [2016], 2016),
    ("2014年政府工作报告说明年要做什么？", [2014], 2015),
    ("What did the 2016 report set for that year?", [2016], 2016),
    ("钢铁今年要压掉多少产能？", [], None),  # no document named: no year to count from
])
def test_a_year_said_relative_to_a_named_report(question: str, naming: list[int], year: int | None) -> None:
    found = relative_year(question, naming)
    assert (found.years if found else None) == ((year,) if year else None)


def test_english_figures_are_written_as_the_documents_write_them() -> None:
    assert english_figures("pots rated below 160 kA") == ["16万安培", "160000安培"]
    assert "13700千瓦时" in english_figures("more than 13,700 kWh per tonne")
    assert english_figures("by 2015, within 30 days") == []  # years and periods are times, not figures



def test_how_far_ahead_asks_a_period() -> None:
    question = "How far ahead of the expiry date must it file the renewal application?"
    assert build_frame(parse_question(question)).unit_family == UnitFamily.DURATION


def test_a_direction_after_the_question_word_is_no_measure() -> None:
    # 多少下降目标: what falls is named before the question word (单位GDP二氧化碳排放), not by 下降.
    terms = build_frame(parse_question("2016年单位GDP二氧化碳排放定了多少下降目标？")).measure_terms
    assert ("下降",) not in terms and ("二氧化碳",) in terms


@pytest.mark.parametrize(("question", "genre"), [
    ("哪份报告明确说新修订的环境保护法必须严格执行？", "报告"),
    ("Which law sets the limitation period for environmental damage claims?", "法律"),
    ("What does the 2016 report say about steel?", None),
])
def test_a_which_document_question_names_the_genre_it_asks_for(question: str, genre: str | None) -> None:
    from kg.answer.frame import asked_genre

    assert asked_genre(question) == genre


def test_a_penalty_served_as_time_asks_a_value_that_is_a_period() -> None:
    # "what detention can be imposed" asks the length of a detention, not whether one may be imposed
    frame = build_frame(parse_question("What detention can be imposed on the persons responsible?"))
    assert frame.kind == AskedKind.VALUE and frame.asks_period


def test_a_latin_abbreviation_in_a_chinese_question_is_stated_by_its_rendering() -> None:
    # GDP增长预期目标: the documents write 国内生产总值, so the measure is checked in either form
    question = parse_question("2010年政府工作报告定的GDP增长预期目标是多少？")
    assert "国内生产总值" in question.translated
    assert ("GDP", "国内生产总值") in build_frame(question).measure_terms
