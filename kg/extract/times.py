"""Time expressions normalised to ISO intervals (OWL-Time in the graph).

Patterns covered, with examples from the seed:

=================  ==========================  ==================================
kind               example                     interval
=================  ==========================  ==================================
deadline           2015年底前, 到2015年, 2015年前  (open, 2015-12-31]
from               2015年底后, 2016年起          [2016-01-01, open)
reference          2012年底, 2012年末            instant 2012-12-31
instant            2013年10月6日                 instant 2013-10-06
period             "十二五", "十三五"期间          [2011-01-01, 2015-12-31] / 2016–2020
period             通过5年努力                   [issue date, issue date + 5 years]
period             今年, 明年 (from the issue date) that year: 今年 in a 2014 report is 2014
period             今后五年, 未来五年            the report's year and the four after it (2016–2020 in 2016)
from / instant     从5月1日起, 6月底前的5月1日   the document's year: 2016-05-01 in a 2016 report
reference          去年, 上年 (from the issue date)  the end of that past year: what it reports
deadline           提前一年完成"十二五"…          (open, 2014-12-31]: the plan's end, one year early
=================  ==========================  ==================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.structure import CN_NUMERAL, cn_to_int


@dataclass(frozen=True)
class TimeExpression:
    start_char: int
    end_char: int
    surface: str
    kind: str  # deadline | from | reference | instant | period
    begin: dt.date | None
    end: dt.date | None

    @property
    def due(self) -> dt.date | None:
        """The date by which something is due, if any."""
        return self.end if self.kind in ("deadline", "period") else None

    def as_dict(self) -> dict:
        return {
            "surface": self.surface,
            "kind": self.kind,
            "begin": self.begin.isoformat() if self.begin else None,
            "end": self.end.isoformat() if self.end else None,
        }


_YEAR = r"((?:19|20)\d{2})\s*年"
# A plan is 十X五 standing alone: not the tail of a larger numeral (四十五) nor a count of something
# (十五日内, 十五万吨, 十五年) — laws and reports count days and tonnes with the same characters.
_PLAN = re.compile(rf"(?<![{CN_NUMERAL}\d])[“\"]?(十[{CN_NUMERAL}]?)五[”\"]?"
                   rf"(?![{CN_NUMERAL}\d日天个月年周小分秒万亿千百元%％岁名人户家项条次倍米吨度])"
                   r"(?:规划|计划)?(期间|时期|末|末期)?")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("instant", re.compile(rf"{_YEAR}\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")),
    ("deadline", re.compile(rf"(?:到|至|在)?{_YEAR}(?:年?底|年?末)?(?:以)?前")),
    ("deadline", re.compile(rf"(?:到|至){_YEAR}(?:年?底|年?末)?")),
    ("from", re.compile(rf"{_YEAR}(?:年?底|年?末)?(?:以)?后")),
    ("from", re.compile(rf"(?:从|自){_YEAR}(?:起|开始)|{_YEAR}起")),
    ("reference", re.compile(rf"{_YEAR}(?:年?底|年?末)")),
    ("year", re.compile(rf"(?<![\d.]){_YEAR}")),
]
_EFFORT = re.compile(rf"(?:通过|经过|用)\s*([\d{CN_NUMERAL}]+)\s*年(?:左右)?(?:的)?(?:努力|时间)")
# A month and day without a year (从5月1日起) in a dated document: that document's year. Not an annual date
# (每年6月5日) and not the tail of a full date (2013年10月6日).
_MONTH_DAY = re.compile(r"(?<![年\d])(?<!每年)(?<!每年的)(\d{1,2})\s*月\s*(\d{1,2})\s*日(起|前)?")
# 今后五年 / 未来五年 in a report: the years from the report's own to the last of them (2016–2020 in 2016).
_COMING_YEARS = re.compile(rf"(?:今后|未来)\s*([\d{CN_NUMERAL}]+)\s*年(?!前|后|内|底|末)")
_EARLY = re.compile(rf"提前\s*([\d{CN_NUMERAL}]+)\s*年")
# Years named relative to the document's own date. A comparison's base (比上年增长, 与去年同期相比) is
# not the time the sentence speaks of, so it is not one of them.
_RELATIVE_YEAR = re.compile(r"(?<![比较于与同])(今年|本年度|本年|明年|去年|上年|上一年|前年)(?!同期|相比|水平)")
_RELATIVE_OFFSET = {"今年": 0, "本年": 0, "本年度": 0, "明年": 1, "去年": -1, "上年": -1, "上一年": -1, "前年": -2}


def plan_period(ordinal: int) -> tuple[dt.date, dt.date] | None:
    """Five-year plans from the sixth (1981–1985) on are regular: the Nth starts 1981 + 5·(N−6)."""
    if ordinal < 6:
        return None
    start = 1981 + 5 * (ordinal - 6)
    return dt.date(start, 1, 1), dt.date(start + 4, 12, 31)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def find_times(text: str, issued: dt.date | None = None) -> list[TimeExpression]:
    """All time expressions in a sentence, left to right, without overlaps."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(expr: TimeExpression) -> None:
        found.append(expr)
        taken.append((expr.start_char, expr.end_char))

    for match in _PLAN.finditer(text):
        period = plan_period(cn_to_int(match.group(1)))
        if period is None:
            continue
        early = None
        for early_match in _EARLY.finditer(text[: match.start()]):
            early = early_match
        if early is not None and "完成" in text[early.end(): match.start()]:
            years = cn_to_int(early.group(1))
            span = (early.start(), match.end())
            add(TimeExpression(*span, text[span[0]:span[1]], "deadline", None, _add_years(period[1], -years)))
        else:
            add(TimeExpression(match.start(), match.end(), match.group(0), "period", *period))
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            year = int(match.group(1) or match.group(2)) if match.lastindex and match.lastindex >= 1 else None
            if year is None:
                continue
            surface = match.group(0)
            if kind == "instant":
                try:
                    day = dt.date(year, int(match.group(2)), int(match.group(3)))
                except ValueError:
                    continue
                add(TimeExpression(match.start(), match.end(), surface, "instant", day, day))
            elif kind == "deadline":
                add(TimeExpression(match.start(), match.end(), surface, "deadline", None, dt.date(year, 12, 31)))
            elif kind == "from":
                add(TimeExpression(match.start(), match.end(), surface, "from", dt.date(year + 1, 1, 1)
                                   if re.search("底|末|后", surface) else dt.date(year, 1, 1), None))
            elif kind == "reference":
                day = dt.date(year, 12, 31)
                add(TimeExpression(match.start(), match.end(), surface, "reference", day, day))
            else:
                add(TimeExpression(match.start(), match.end(), surface, "period",
                                   dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if issued is not None:
        for match in _RELATIVE_YEAR.finditer(text):
            if not free(match.start(), match.end()):
                continue
            year = issued.year + _RELATIVE_OFFSET[match.group(1)]
            if year < issued.year:
                day = dt.date(year, 12, 31)
                add(TimeExpression(match.start(), match.end(), match.group(0), "reference", day, day))
            else:
                add(TimeExpression(match.start(), match.end(), match.group(0), "period",
                                   dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for match in _MONTH_DAY.finditer(text):
            if not free(match.start(), match.end()):
                continue
            try:
                day = dt.date(issued.year, int(match.group(1)), int(match.group(2)))
            except ValueError:
                continue
            if match.group(3) == "起":
                add(TimeExpression(match.start(), match.end(), match.group(0), "from", day, None))
            elif match.group(3) == "前":
                add(TimeExpression(match.start(), match.end(), match.group(0), "deadline", None, day))
            else:
                add(TimeExpression(match.start(), match.end(), match.group(0), "instant", day, day))
        for match in _COMING_YEARS.finditer(text):
            if free(match.start(), match.end()):
                years = cn_to_int(match.group(1))
                if years:
                    add(TimeExpression(match.start(), match.end(), match.group(0), "period",
                                       dt.date(issued.year, 1, 1), dt.date(issued.year + years - 1, 12, 31)))
        for match in _EFFORT.finditer(text):
            if free(match.start(), match.end()):
                years = cn_to_int(match.group(1))
                add(TimeExpression(match.start(), match.end(), match.group(0), "period",
                                   issued, _add_years(issued, years)))
    return sorted(found, key=lambda t: t.start_char)


# Laws time things relative to an event (届满三十日前, 自受理之日起二十日内, 十五日内) or by the calendar
# (每年6月5日): answers to "how long / by when" with no calendar year. Not stored as OWL-Time intervals
# (they have no fixed dates); read by the when-composer from the sentence it cites.
_RELATIVE_PERIOD = re.compile(rf"([\d{CN_NUMERAL}]+)\s*(?:个)?(?:工作日|日|天|个月|月|年)(?:以)?(?:内|前|后)")
_ANNUAL = re.compile(r"每年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
#: The event a period or a measure runs from (自责令改正之日的次日起, 自收到决定书之日起): the answer to "from
#: which day", with the period that follows it when one does (自受理之日起二十日内).
_RELATIVE_START = re.compile(r"自[^，,。；;：:]{1,40}?之日(?:的次日|后)?起")


def find_relative_times(text: str) -> list[tuple[int, int, str]]:
    """(start, end, surface) of periods relative to an event, of the events they run from, and of yearly
    dates, left to right."""
    found = [(m.start(), m.end(), m.group(0)) for m in _ANNUAL.finditer(text)]
    for start in _RELATIVE_START.finditer(text):
        period = _RELATIVE_PERIOD.match(text, start.end())
        end = period.end() if period is not None else start.end()
        found.append((start.start(), end, text[start.start():end]))
    for match in _RELATIVE_PERIOD.finditer(text):
        if match.group(0).startswith(("19", "20")) and match.group(1).isdigit() and len(match.group(1)) == 4:
            continue  # 2015年前 is a calendar deadline
        if not any(a <= match.start() < b for a, b, _ in found):
            found.append((match.start(), match.end(), match.group(0)))
    return sorted(found)
