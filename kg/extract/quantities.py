"""Quantities: value, unit, comparator, what is measured, industry, date, kind.

Patterns covered (seed examples):

* targets with a deadline — 2015年底前再淘汰炼铁1500万吨、炼钢1500万吨、水泥（熟料及粉磨能力）1亿吨
  (a list: each item is its own quantity, the deadline is shared);
* comparators before or after — 不低于10%, 达到50%以上, 大于13700千瓦时, 延长至7年, 8000万吨以上;
* thresholds that qualify a noun — 16万安培以下预焙槽, 400兆帕及以上强度高强钢筋, 一年以上未承接新船订单;
* reported figures aligned by 分别 — 钢铁、水泥…产能利用率分别仅为72%、73.7%… (2012年底).

Units and comparators are data (``kg/resources/quantities.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from kg.structure import CN_NUMERAL, cn_to_int

_CLAUSE_BREAK = "，；。：！？"


@dataclass
class Quantity:
    start_char: int
    end_char: int
    surface: str
    value: Decimal
    unit: str
    comparator: str | None = None
    operator: str | None = None
    measure: str = ""
    industry: str | None = None  # concept IRI
    role: str = "target"  # target | threshold | figure | period
    list_index: int = 0  # position in a 、-separated list, 0 for the head
    extras: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _config() -> dict:
    return tomllib.loads(resources.files("kg.resources").joinpath("quantities.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _number_pattern() -> re.Pattern[str]:
    units = sorted(_config()["units"], key=len, reverse=True)
    unit_alt = "|".join(map(re.escape, units))
    # Any unit may take a magnitude (1.3亿千瓦, 600万辆 of a listed 辆): the list need not spell each out.
    return re.compile(
        rf"(?<![\d.])(?:(\d+(?:\.\d+)?)(?P<more>多)?|(?<![{CN_NUMERAL}])([{CN_NUMERAL}]{{1,6}}))\s*"
        rf"((?:{unit_alt})|(?:万亿|亿|万)(?:{unit_alt}))"
    )


#: Laws write their figures in Chinese numerals (二十日内, 三十五公顷, 处一万元以上十万元以下罚款). For these units
#: a Chinese numeral is a measurement; for counters (一家, 两条, 三个) it is a word.
_CHINESE_MEASURE_UNITS = frozenset({"年", "个月", "倍", "日", "天", "名", "公顷", "亩", "万亩", "平方公里", "公里",
                                    "米", "元", "万元", "亿元", "万亿元"})
_PERCENT_WORDS = re.compile(rf"百分之([{CN_NUMERAL}]{{1,4}})")
#: A fraction in words (三分之二以上成员, 减少三分之一): a share, kept as a percentage of the whole.
#: Denominators up to 九十九: 百分之 is a percentage already (_PERCENT_WORDS).
_FRACTION_WORDS = re.compile(rf"(?<![{CN_NUMERAL}])([一二三四五六七八九十两]{{1,3}})分之([{CN_NUMERAL}]{{1,3}})")
_NOT_A_LENGTH_AFTER = ("", "，", "。", "；", "、", "来")
#: 十二五/十三五 are plans, not fifteen of something.
_PLAN_NUMERAL = re.compile(r"十[一二三四五六七八九]五$")


def _is_year(value: str, unit: str, text: str, end: int) -> bool:
    """2015年 is a date, not a quantity; 十二五/提前一年 are time phrases."""
    following = text[end: end + 1]
    # 三年内 is a duration (不得再次申请 within it), 2015年内 a year.
    return unit == "年" and ((len(value) == 4 and value.isdigit()) or (following != "" and following in "底末前后"))


def find_quantities(text: str, industry_mentions: list[tuple[int, int, str]] | None = None,
                    context_industry: str | None = None,
                    time_spans: list[tuple[int, int, str]] | None = None) -> list[Quantity]:
    """Quantities in one sentence.

    ``industry_mentions`` are (start, end, IRI) spans in the same text; ``time_spans`` are
    (start, end, kind) of time expressions: numbers inside a date are not quantities, and a
    number inside a period (通过5年努力) is one with role ``period``.
    """
    config = _config()
    before = sorted(config["comparators"]["before"].items(), key=lambda kv: -len(kv[0]))
    after = sorted(config["comparators"]["after"].items(), key=lambda kv: -len(kv[0]))
    mentions = industry_mentions or []
    found: list[Quantity] = []
    for match in _number_pattern().finditer(text):
        digits, chinese, unit = match.group(1), match.group(3), match.group(4)
        early = text[max(0, match.start() - 2): match.start()] == "提前"
        if digits is None and (unit not in _CHINESE_MEASURE_UNITS or early):
            continue
        if digits is None and unit == "日" and text[max(0, match.start() - 1): match.start()] == "月":
            continue  # 六月五日 is a date
        if chinese == "一" and unit == "年" and text[match.end(): match.end() + 1] in _NOT_A_LENGTH_AFTER:
            continue  # 关键一年。/ 一年来 (over the past year): "a year", no length of time
        if _is_year(digits or "", unit, text, match.end()) or (chinese and _PLAN_NUMERAL.search(chinese)):
            continue
        inside = [(kind, start, end) for start, end, kind in time_spans or [] if start <= match.start() < end]
        if inside and inside[0][0] != "period":
            continue
        value = Decimal(digits) if digits else Decimal(cn_to_int(chinese))
        quantity = Quantity(match.start(), match.end(), match.group(0), value, unit.replace("％", "%"))
        if inside:
            quantity.role = "period"
            quantity.extras["period"] = text[inside[0][1]: inside[0][2]]
        quantity = _with_comparator(quantity, text, before, after)
        if match.group("more") and quantity.comparator is None:
            quantity.comparator, quantity.operator = "多", ">"  # 9000多万吨: more than 9000万吨
        found.append(quantity)
    for match in _PERCENT_WORDS.finditer(text):
        try:
            value = Decimal(cn_to_int(match.group(1)))
        except ValueError:
            continue
        quantity = Quantity(match.start(), match.end(), match.group(0), value, "%")
        found.append(_with_comparator(quantity, text, before, after))
    for match in _FRACTION_WORDS.finditer(text):
        try:
            whole, part = cn_to_int(match.group(1)), cn_to_int(match.group(2))
        except ValueError:
            continue
        if not 0 < part < whole:
            continue
        share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))
        quantity = Quantity(match.start(), match.end(), match.group(0), share, "%")
        found.append(_with_comparator(quantity, text, before, after))
    found.sort(key=lambda q: q.start_char)
    _describe(text, found, mentions, context_industry, before)
    return found


def _with_comparator(quantity: Quantity, text: str, before: list[tuple[str, str]],
                     after: list[tuple[str, str]]) -> Quantity:
    """A bound belongs to the figure (百分之八十以上, 十五日内): it is read and kept in the surface, since the
    bare number would state a different rule."""
    tail = text[quantity.end_char:]
    for word, operator in after:
        if tail.startswith(word):
            quantity.comparator, quantity.operator = word, operator
            quantity.end_char += len(word)
            break
    head = text[: quantity.start_char]
    for word, operator in before:
        if head.rstrip().endswith(word):
            if quantity.comparator is None:
                quantity.comparator, quantity.operator = word, operator
            break
    quantity.surface = text[quantity.start_char: quantity.end_char]
    return quantity


def _clause_start(text: str, position: int) -> int:
    return max(text.rfind(ch, 0, position) for ch in _CLAUSE_BREAK) + 1


_FUNCTION_TAIL = re.compile(r"(分别|仅为|仅|约为|为|达到|达|是|可|再|在|由|从|至|的|共|合计|总计|累计)+$")
_LEADING = re.compile(r"^(我国|全国|对|其中|共|再|同时)+")


def _describe(text: str, found: list[Quantity], mentions: list[tuple[int, int, str]],
              context_industry: str | None, before: list[tuple[str, str]]) -> None:
    """Fill measure, industry and list position, using list structure and 分别 alignment."""
    previous_end = None
    list_head: Quantity | None = None
    for quantity in found:
        start = _clause_start(text, quantity.start_char)
        gap = text[previous_end: quantity.start_char] if previous_end is not None else None
        continues_list = gap is not None and gap and (gap[0] in "、和及与" or gap in ("和", "及", "、"))
        segment_start = max(start, previous_end) if continues_list else start
        segment = text[segment_start: quantity.start_char].lstrip("、和及与")
        if continues_list and list_head is not None:
            quantity.list_index = list_head.list_index + 1
        list_head = quantity
        # What is measured: the noun after a 以下/以上 threshold, else the words before the number.
        after_text = text[quantity.end_char:]
        follower = re.match(r"[^，；。：、]{1,14}", after_text)
        for word, _ in before:
            if segment.endswith(word):
                segment = segment[: -len(word)]
                break
        listed = [m for m in mentions if segment_start <= m[0] < quantity.start_char]
        is_name_list = len(listed) >= 2 and "、" in segment
        measure = _strip_industries(segment, text, segment_start, mentions) if is_name_list else segment
        measure = _balanced(_FUNCTION_TAIL.sub("", _LEADING.sub("", measure)).strip())
        measure = re.sub(r"^(?:到|至|在)?\d{4}年(?:底|末)?(?:以)?[前后]?", "", measure)
        if continues_list and not measure:
            measure = _previous_measure(found, quantity)
        elif (quantity.comparator in ("以下", "以上", "及以上") and follower
              and not _FUNCTION_TAIL.fullmatch(follower.group(0))):
            quantity.role = "threshold"
            quantity.extras["qualifies"] = follower.group(0)
            measure = follower.group(0)
        elif len(measure) <= 2 and follower and quantity.comparator is None:
            quantity.extras["qualifies"] = follower.group(0)
            measure = follower.group(0)
        quantity.measure = quantity.extras.get("period", measure)
        quantity.industry = _industry_for(quantity, text, segment_start, mentions, context_industry)
        previous_end = quantity.end_char
    _align_respectively(text, found, mentions)


def _balanced(text: str) -> str:
    """Drop a dangling bracket at either end, keep balanced ones: 水泥（熟料及粉磨能力）."""
    while (text and text[-1] in "（(") or (text and text[-1] in "）)" and text.count("（") < text.count("）")):
        text = text[:-1]
    while (text and text[0] in "）)") or (text and text[0] in "（(" and text.count("（") > text.count("）")):
        text = text[1:]
    return text


def _previous_measure(found: list[Quantity], quantity: Quantity) -> str:
    index = found.index(quantity)
    return found[index - 1].measure if index else ""


def _strip_industries(segment: str, text: str, offset: int, mentions: list[tuple[int, int, str]]) -> str:
    chars = list(segment)
    for start, end, _ in mentions:
        for position in range(max(start, offset), min(end, offset + len(segment))):
            chars[position - offset] = ""
    stripped = "".join(chars)
    return re.sub(r"^[、和及与等]+|[、和及与等]+(?=[^、和及与等])", "", stripped) if stripped else stripped


def _industry_for(quantity: Quantity, text: str, segment_start: int, mentions: list[tuple[int, int, str]],
                  context_industry: str | None) -> str | None:
    clause_start = _clause_start(text, quantity.start_char)
    inside = [m for m in mentions if segment_start <= m[0] < quantity.start_char]
    if inside:
        return inside[-1][2]
    qualifies = quantity.extras.get("qualifies", "")
    after = [m for m in mentions if quantity.end_char <= m[0] < quantity.end_char + len(qualifies)]
    if after:
        return after[0][2]
    in_clause = [m for m in mentions if clause_start <= m[0] < quantity.start_char]
    if len({m[2] for m in in_clause}) == 1:
        return in_clause[-1][2]
    if context_industry:
        return context_industry
    # The sentence's one industry, if named before the figure or in its clause: 核电 in a later clause
    # (…公路投资1.65万亿元，…建设水电核电…项目) is not what the figure is of.
    clause_end = _clause_end_of(text, quantity.end_char)
    sentence_industries = {m[2] for m in mentions if m[0] < quantity.start_char or m[0] < clause_end}
    return next(iter(sentence_industries)) if len(sentence_industries) == 1 else None


def _clause_end_of(text: str, position: int) -> int:
    found = re.compile(r"[，；。：！？,;:]").search(text, position)
    return found.start() if found else len(text)


def _align_respectively(text: str, found: list[Quantity], mentions: list[tuple[int, int, str]]) -> None:
    """钢铁、水泥…产能利用率分别仅为72%、73.7%…: the i-th value belongs to the i-th industry."""
    position = text.find("分别")
    if position < 0:
        return
    listed = [q for q in found if q.start_char > position]
    clause_start = _clause_start(text, position)
    named = [m for m in mentions if clause_start <= m[0] < position]
    if listed and len(listed) == len(named):
        for quantity, mention in zip(listed, named, strict=True):
            quantity.industry = mention[2]
