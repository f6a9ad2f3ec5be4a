"""The question frame: what kind of answer is asked, and the constraints a proof must satisfy.

A parsed :class:`~kg.answer.question.Question` (entities, years, date bounds) becomes a
:class:`Frame`: the asked kind (value, when, must-not …), the unit family a value must have (a rate
is never answered by a period), the rate nouns the value must be of (产能利用率, 负债率), the time it
must fall in, and for superlatives which end of the list. Cues are data (``kg/resources/frame.toml``);
the composers in :mod:`kg.answer.composers` treat every grounded constraint as mandatory.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from kg.answer.question import _DOCUMENT_WORDS, Question, base_unit, stated_figures


class AskedKind(StrEnum):
    VALUE = "value"
    WHO = "who"
    WHEN = "when"
    MUST = "must"
    MUST_NOT = "must_not"
    MAY = "may"
    LIST = "list"
    WHERE = "where"
    DOCUMENT = "document"
    SUPERLATIVE = "superlative"
    AGGREGATE = "aggregate"
    SEARCH = "search"


class UnitFamily(StrEnum):
    PERCENT = "percent"
    DURATION = "duration"
    CURRENCY = "currency"
    MASS = "mass"
    PRESSURE = "pressure"
    CURRENT = "current"
    ENERGY = "energy"
    BOXES = "boxes"
    POWER = "power"
    COUNT = "count"
    AREA = "area"
    LENGTH = "length"
    VOLUME = "volume"
    PEOPLE = "people"
    FACTOR = "factor"


class TimeAsk(StrEnum):
    """What a when-question wants: a date (deadline or start), a figure's reference date, a frequency,
    a manner (立即 / 逐步), or how far ahead of a plan (提前一年)."""

    DATE = "date"
    IN_FORCE = "in_force"  # when a document applies from (本法自2015年1月1日起施行)
    UNTIL = "until"  # the end of a period: 延长到什么时候 (a date the text reaches with 到/至, or a deadline)
    REFERENCE = "reference"
    FREQUENCY = "frequency"
    MANNER = "manner"
    ADVANCE = "advance"


class Extreme(StrEnum):
    MAX = "max"
    MIN = "min"


#: Base units (kg.answer.question.base_unit) → family. Units outside the table have no family and
#: can only answer a question whose family is unknown.
UNIT_FAMILIES: dict[str, UnitFamily] = {
    "%": UnitFamily.PERCENT, "％": UnitFamily.PERCENT, "百分点": UnitFamily.PERCENT, "个百分点": UnitFamily.PERCENT,
    "年": UnitFamily.DURATION, "月": UnitFamily.DURATION, "天": UnitFamily.DURATION, "日": UnitFamily.DURATION,
    "元": UnitFamily.CURRENCY, "美元": UnitFamily.CURRENCY,
    "吨": UnitFamily.MASS, "载重吨": UnitFamily.MASS, "千克": UnitFamily.MASS, "公斤": UnitFamily.MASS,
    "吨标准煤": UnitFamily.MASS, "千克标准煤": UnitFamily.MASS, "克": UnitFamily.MASS, "克标准煤": UnitFamily.MASS,
    "兆帕": UnitFamily.PRESSURE, "安培": UnitFamily.CURRENT,
    "千瓦时": UnitFamily.ENERGY, "瓦时": UnitFamily.ENERGY, "度": UnitFamily.ENERGY,
    "千瓦": UnitFamily.POWER, "瓦": UnitFamily.POWER, "兆瓦": UnitFamily.POWER,
    "重量箱": UnitFamily.BOXES, "标准箱": UnitFamily.BOXES,
    "家": UnitFamily.COUNT, "个": UnitFamily.COUNT, "项": UnitFamily.COUNT, "条": UnitFamily.COUNT,
    "台": UnitFamily.COUNT, "座": UnitFamily.COUNT, "户": UnitFamily.COUNT, "辆": UnitFamily.COUNT,
    "艘": UnitFamily.COUNT, "架": UnitFamily.COUNT, "套": UnitFamily.COUNT, "件": UnitFamily.COUNT,
    "平方公里": UnitFamily.AREA, "亩": UnitFamily.AREA, "公顷": UnitFamily.AREA,
    "公里": UnitFamily.LENGTH, "千米": UnitFamily.LENGTH, "米": UnitFamily.LENGTH,
    "立方米": UnitFamily.VOLUME, "人": UnitFamily.PEOPLE, "倍": UnitFamily.FACTOR,
}

#: Kinds in the order their cues are tried: the more specific first (合计 before 多少, 多久一次 before 多久).
KIND_ORDER = (AskedKind.AGGREGATE, AskedKind.SUPERLATIVE, AskedKind.WHEN, AskedKind.WHO, AskedKind.VALUE,
              AskedKind.MUST_NOT, AskedKind.MAY, AskedKind.MUST)

# A rate noun names what a percentage is of (产能利用率, 负债率, 深加工率): the value must sit beside it.
_RATE_NOUN = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:率|比重)")
_AFTER_QUESTION_WORD = re.compile(r"什么|多少|哪些|哪个|怎样|怎么|的")
_RATE_NOUN_EN = re.compile(r"\b([a-z]+(?: [a-z]+)?) (rate|ratio)\b")


_QUESTION_CLAUSE_END = re.compile(r"[，,；;：:]")
# The words that ask (多少, 几, what…): the clause holding them says what is asked; the others set conditions
# (要是吨铝电耗太高，电费得多掏多少 asks about the price, not the consumption).
_ASKING = re.compile(r"多少|几|多大|多高|多长|多久|什么|哪|谁|是否|吗|\b(?:how|what|which|who|when|whether)\b",
                     re.IGNORECASE)


_PER_UNIT = re.compile(r"每(?:个)?(?:" + "|".join(sorted((re.escape(u) for u in UNIT_FAMILIES), key=len, reverse=True))
                       + r"|吨|千瓦时|度)|\bper (?:[a-z]+ ){0,2}[a-z]+", re.IGNORECASE)


#: A period named as the time a figure holds for (over the 13th Five-Year Plan period, during the same
#: term): it says when, as 十三五时期 does, and asks for no period; "for what term" still asks one.
_EN_TIME_PHRASE = re.compile(
    r"\b(?:over|during|throughout|across|in|within|for)\s+(?:the|this|that|its|their|a|each)\s+"
    r"(?:(?!how\b|what\b|which\b)[\w'-]+\s+){0,5}?(?:period|term)s?\b")


def asked_clause(text: str) -> str:
    """The clause of a question that holds its question word (the last such clause), else the whole text."""
    clauses = [c for c in _QUESTION_CLAUSE_END.split(text) if c.strip()]
    asking = [c for c in clauses if _ASKING.search(c)]
    return asking[-1] if asking else text


def unit_family(unit: str | None) -> UnitFamily | None:
    if not unit:
        return None
    return UNIT_FAMILIES.get(base_unit(unit)) or UNIT_FAMILIES.get(unit)


@dataclass(frozen=True)
class TimeConstraint:
    """The time a question asks about: the years it names and the interval they span."""

    years: tuple[int, ...]
    begin: dt.date | None
    end: dt.date | None

    def without(self, years: tuple[int, ...]) -> TimeConstraint | None:
        """The constraint left when ``years`` are dropped (they named a document); None if nothing is left."""
        kept = tuple(y for y in self.years if y not in years)
        if not kept:
            return None
        return TimeConstraint(kept, self.begin, self.end)

    def covers(self, day: dt.date | str | None) -> bool:
        if day is None:
            return False
        year = int(str(day)[:4])
        return year in self.years if self.years else True

    @property
    def label(self) -> str:
        if not self.years:
            return ""
        if len(self.years) == 1:
            return f"{self.years[0]}"
        return f"{self.years[0]}–{self.years[-1]}"


@dataclass
class Frame:
    question: Question
    kind: AskedKind
    unit_family: UnitFamily | None = None
    rate_nouns: list[str] = field(default_factory=list)
    focus: str = ""  # the clause that asks (see asked_clause)
    time: TimeConstraint | None = None
    time_ask: TimeAsk | None = None
    extreme: Extreme | None = None
    asks_target: bool = False  # 目标/计划: only a planned figure answers (see is_reported)
    # The nouns of the asked noun phrase (地方财政赤字 of 2016年拟安排的地方财政赤字是多少), each as the forms that
    # state it (an English word's renderings): a figure whose clause states them not measures something else.
    measure_terms: list[tuple[str, ...]] = field(default_factory=list)
    topic: str | None = None  # the head noun of a topic clause before the asking one (…服务经费，…补到多少钱)
    asks_period: bool = False  # a period may answer it (多久, how long, 承包期): see _asks_a_period
    asks_calendar: bool = False  # a when-question asking a calendar date (by what date, 哪一天): no adverb answers
    measure_counted: bool = False  # the terms follow the question word (多少奖金): what is counted
    acted_on: list[str] = field(default_factory=list)  # what a time limit is for (几日内把听证笔录交给…)
    asks_share: bool = False  # a share of a whole (占GDP的比重, as a share of GDP): see is_share
    asks_which_document: bool = False  # which report set X: the document of the sentence that sets it
    asks_cases: bool = False  # 哪些情形, in which circumstances: a list of cases is read whole
    # How many times, and for how long each: two figures of two families are asked, and one proves neither whole.
    asks_two_figures: bool = False
    scope: tuple[str, ...] = ()  # the documents it may be answered from (empty: all)

    @property
    def industries(self) -> list[str]:
        return self.question.industries

    @property
    def agencies(self) -> list[str]:
        return self.question.agencies

    @property
    def language(self) -> str:
        return self.question.language

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value,
            "unit_family": self.unit_family.value if self.unit_family else None,
            "rate_nouns": self.rate_nouns,
            "focus": self.focus,
            "years": list(self.time.years) if self.time else [],
            "time_ask": self.time_ask.value if self.time_ask else None,
            "extreme": self.extreme.value if self.extreme else None,
            "asks_target": self.asks_target,
            "measure_terms": [list(forms) for forms in self.measure_terms],
            "topic": self.topic,
            "acted_on": self.acted_on,
            "asks_share": self.asks_share,
            "asks_which_document": self.asks_which_document,
            "asks_two_figures": self.asks_two_figures,
            "asks_period": self.asks_period,
            "asks_calendar": self.asks_calendar,
            "measure_counted": self.measure_counted,
            "asks_cases": self.asks_cases,
        }


@lru_cache(maxsize=1)
def cues() -> dict:
    return tomllib.loads(resources.files("kg.resources").joinpath("frame.toml").read_text("utf-8"))


def _matches(text: str, zh: list[str], en: list[str], patterns: list[str] = ()) -> bool:
    if any(cue in text for cue in zh) or any(re.search(p, text) for p in patterns):
        return True
    return any(re.search(rf"\b{re.escape(cue)}\b", text) for cue in en)


def _cue_set(table: dict, name: str) -> tuple[list[str], list[str], list[str]]:
    return (table.get(f"{name}_zh", table.get("zh", [])), table.get(f"{name}_en", table.get("en", [])),
            table.get(f"{name}_patterns", []))


def build_frame(question: Question, written: Callable[[str], bool] | None = None) -> Frame:
    """The frame of a parsed question; every constraint it grounds must hold for a short answer.

    ``written`` tells whether the library writes a phrase: a superlative cue that begins a term the
    library writes (最低收购价, 最高人民法院) names something and asks for no extreme."""
    text = question.text.lower()
    kinds = cues()["kinds"]
    kind = _asked_kind(question, text, kinds, written)
    frame = Frame(question=question, kind=kind, focus=asked_clause(question.text))
    if question.years:
        frame.time = TimeConstraint(tuple(question.years), question.from_date, question.by_date)
    if kind in (AskedKind.VALUE, AskedKind.SUPERLATIVE, AskedKind.AGGREGATE):
        untimed = _EN_TIME_PHRASE.sub(" ", text)  # over the … period says when, not what is asked
        frame.unit_family = _asked_family(question, _EN_TIME_PHRASE.sub(" ", frame.focus.lower()))
        whole = _PER_UNIT.sub(" ", untimed)
        frame.asks_two_figures = sum(_asks_in_form(whole, table) for table in cues()["unit_families"].values()) >= 2
        frame.rate_nouns = _rate_nouns(question)
        # A noun that names a unit family (电流, 期限, 金额) is a dimension the unit check covers, not a measure.
        dimensions = {cue for table in cues()["unit_families"].values() for cue in table["zh"]}
        # An English word rendered by a dimension and by words of its own (award → 奖励, 奖补) still names a measure.
        frame.measure_terms = [forms for forms in measure_terms(question, frame.focus)
                               if not all(form in dimensions for form in forms)]
        frame.measure_counted = bool(frame.measure_terms) and _counted(frame.focus, frame.measure_terms)
        frame.topic = topic_head(question, frame.focus)
        frame.asks_period = _asks_a_period(untimed, frame.measure_terms)
        frame.acted_on = acted_on(question, frame.focus)
        percent = cues()["unit_families"]["percent"]
        frame.asks_share = _matches(text, percent["share_zh"], percent["share_en"], percent["share_patterns"])
    frame.asks_which_document = kind == AskedKind.DOCUMENT and _asks_which_document(text, kinds)
    if kind == AskedKind.SUPERLATIVE:
        table = kinds["superlative"]
        frame.extreme = Extreme.MAX if _matches(text, *_cue_set(table, "max")) else Extreme.MIN
    if kind == AskedKind.WHEN:
        frame.time_ask = _time_ask(text, kinds["when_ask"])
        frame.asks_calendar = _matches(text, *_cue_set(kinds["when_ask"], "calendar"))
    frame.asks_target = _matches(text, *_cue_set(cues()["value_status"], "target"))
    frame.asks_cases = _matches(question.text.lower(), *_cue_set(kinds["list"], "cases"))
    return frame


_EN_POST_MODIFIER = re.compile(r"\b(?:per|of)\b")
_EN_PASSIVE_SUBJECT = re.compile(
    r"\bhow (?:much|many)\b.*?(?:\b(?:was|were|is|are|will|has|have|had)\s+(?:the\s+)?"
    r"(?P<phrase>[a-z0-9 .,'&-]+?)\s+(?:be\s+|been\s+|to\s+be\s+)?"
    r"(?:raised|increased|cut|reduced|lowered|decreased|set|expanded|extended|eliminated|lifted|adjusted|"
    r"allocated|invested|spent)\b"
    # what changes of itself (by how much is CO2 emission to fall, did output grow) is the measure too
    r"|\b(?:did|does|do|will|is|are|was|were|should|must)\s+(?:the\s+)?(?P<changing>[a-z0-9 .,'&-]+?)\s+"
    r"(?:to\s+)?(?:fall|drop|decline|rise|grow)\b)")
_EN_IN_PHRASE = re.compile(
    r"\s+in\s+(?!(?:\d|the year|that year|this year|its|their|each|every)\b)(?P<object>[a-z' -]+?)\s+"
    r"(?:did|does|do|is|are|was|were|will|would|must|should|has|have|had|can|may|shall)\b")
_EN_ASKED_PHRASE = re.compile(
    r"\b(?:how (?:much|many)|what|which)\s+(?!(?:did|does|do|is|are|was|were|will)\b)"
    r"(?P<phrase>[a-z0-9 .,'&()\u4e00-\u9fff-]+?)\s+"
    r"(?:did|does|do|is|are|was|were|will|would|must|should|has|have|had|can|may|shall|before|after|in|under|by|"
    r"to|that|when|if)\b")
_EN_ACTIVE_OBJECT = re.compile(
    r"\b(?:what percentage|how much|how many [a-z]+)\s+(?:does|did|do|will|would|should|must|can|may)\s+"
    r"[a-z0-9 .,'&-]+?\s+(?:raise|increase|cut|reduce|lower|decrease|lift|expand|extend|mark up|"
    # what money is put into (allocate in / set aside as / earmark for special award funds)
    r"(?:allocate|set aside|earmark|spend|invest|provide)(?:\s+(?:in|as|for|on))?)\s+(?:the\s+)?"
    r"(?P<phrase>[a-z0-9 .'&-]+?)(?:\s+(?:for|of|in|on|at|by|from|to|under|over|per|that|which|if|when|mainly)\b"
    r"|[?,.]|$)")
#: Parts of speech (jieba) of the words that name what a figure measures: nouns, verbal nouns, Latin words,
#: and the domain dictionary's names (中央财政 is tagged an organisation, nt).
_MEASURE_TAGS = ("n", "vn", "eng", "nt", "nz")


def _tagged(text: str, generic: set[str]) -> list[tuple[str, str, bool]]:
    """The words of ``text`` with their tags and whether they may name a measure; times and industries
    blanked."""
    import jieba.posseg

    from kg.extract.lexicon import default_lexicon
    from kg.extract.times import find_times
    from kg.extract.tokens import domain_dictionary

    domain_dictionary()  # the words are cut as retrieval cuts them, whatever ran before in this process
    for time in find_times(text, dt.date.today()):
        text = text.replace(time.surface, " ")
    for start, end, concept in default_lexicon().find(text):
        if concept.kind == "industry":  # the figure's subject, checked on its own (地方 of 地方政府 is a measure's)
            text = text[:start] + " " * (end - start) + text[end:]
    return [(word, tag, tag in _MEASURE_TAGS and len(word) >= 2 and word not in generic)
            for word, tag in jieba.posseg.cut(text) if word.strip()]


def topic_head(question: Question, focus: str) -> str | None:
    """The head noun of a topic clause right before the asking one (2016年基本公共卫生服务经费，财政给每人补到
    多少钱): a clause of nouns without a verb names what the asked figure is of. Chinese questions only."""
    if question.language == "en":
        return None
    clauses = [c for c in _QUESTION_CLAUSE_END.split(question.text) if c.strip()]
    if focus not in clauses or clauses.index(focus) == 0:
        return None
    words = _tagged(clauses[clauses.index(focus) - 1], set(cues()["measure_phrase"]["generic_zh"]))
    # A verb makes it a clause of its own; a preposition (按照土地管理法, 依照意见) says where, not what.
    if not words or any((tag.startswith("v") and tag != "vn") or tag.startswith("p") for _, tag, _ in words):
        return None
    heads = [word for word, _, names in words if names]
    return heads[-1] if heads and words[-1][0] == heads[-1] else None


def measure_terms(question: Question, focus: str) -> list[tuple[str, ...]]:
    """The measure a value question asks for: the head noun of its asked noun phrase, with the nouns
    that modify it, head last; each term is the forms that state it.

    Chinese: the nouns right after the question word (要压缩多少万吨产能), else the words before it: of their
    parts split at 的, the last that has a noun other than a generic one (目标, 规模: see ``frame.toml``);
    there, the run of nouns that ends in the last such noun. Time expressions (“十三五”时期) and industry
    names (checked as the figure's subject) are left out. English: the last word before the verb (What
    GDP growth target did …) that has Chinese renderings and is not generic; its term is those renderings.
    Which modifiers count is decided against the library (:func:`kg.answer.composers.fits_measure`).
    """
    table = cues()["measure_phrase"]
    if question.language == "en":
        lowered = question.text.lower()
        generic = set(table["generic_en"]) | set(table["generic_zh"])

        def rendered(phrase: str) -> list[tuple[int, tuple[str, ...]]]:
            return [(m.start(), forms) for term, renderings in question.english_terms.items()
                    if term not in generic and (forms := tuple(r for r in renderings if r not in generic))
                    for m in re.finditer(rf"\b{re.escape(term)}\b", phrase)]

        match = _EN_ASKED_PHRASE.search(lowered)
        found = rendered(match.group("phrase")) if match is not None else []
        if not found:
            # By how much was *the minimum purchase price* raised: the subject of the passive is the measure.
            passive = _EN_PASSIVE_SUBJECT.search(lowered)
            said = passive and (passive.group("phrase") or passive.group("changing"))
            if said and (subject := sorted(rendered(said))):
                # every noun before its post-modifier (minimum purchase price *for … rice*) must be stated
                cut = next((m.start() for m in re.finditer(r"\b(?:for|of|per|in)\b", said)
                            if m.start() > subject[0][0]), None)
                return [forms for start, forms in subject if cut is None or start < cut]
        if not found:
            # By what percentage does the guideline raise *electricity prices* for …: the object of the change.
            active = _EN_ACTIVE_OBJECT.search(lowered)
            if active is not None and (changed := sorted(rendered(active.group("phrase")))):
                parts = re.split(r"\s+(?:and|or)\s+", active.group("phrase"))
                if len(parts) > 1:
                    # rewards and subsidies: alternatives, any of which the figure's clause may state
                    heads = [found[-1][1] for part in parts if (found := sorted(rendered(part)))]
                    return [tuple(dict.fromkeys(form for forms in heads for form in forms))]
                return [forms for _, forms in changed[-2:]]
        if match is None:
            return []
        phrase = match.group("phrase")
        # The head comes before a post-modifier: energy consumption *per unit of GDP* asks about energy
        # consumption (GDP growth target, pre-modified, keeps its last noun).
        modifier = next((m.start() for m in _EN_POST_MODIFIER.finditer(phrase)
                         if any(start < m.start() for start, _ in found)), None)
        # growth *in per-capita disposable income*: what grows is asked too (the phrase stops at "in" because
        # "in 2014" is a time); its last rendered noun must be stated as well.
        inside = _EN_IN_PHRASE.match(lowered, match.end("phrase"))
        extra = rendered(inside.group("object")) if inside is not None else []
        if extra and found:
            return [max(found)[1], max(extra)[1]]
        if modifier is not None:
            found = sorted(item for item in found if item[0] < modifier)
            # a head of two nouns (energy consumption) needs both: 消费 alone is consumer prices
            head = [found[-1]] if found else []
            if len(found) >= 2 and re.fullmatch(r"\s*[a-z-]+\s*", phrase[found[-2][0]: found[-1][0]]):
                head.insert(0, found[-2])
            return [forms for _, forms in head]
        return [max(found)[1]] if found else []
    asking = _ASKING.search(focus)
    if asking is None:
        return []
    generic = set(table["generic_zh"])

    def tagged(text: str) -> list[tuple[str, str, bool]]:
        return _tagged(text, generic)

    # 要压缩多少钢铁产能: the measure follows the question word, after its unit (万吨, 个) if any.
    # 几 always takes a classifier (几个人, 几块钱): the noun comes after it.
    after = tagged(focus[asking.end() + (asking.group(0) == "几"):])
    while after and not after[0][2] and after[0][1] in ("m", "q"):
        after.pop(0)
    run = []
    # What is counted comes first whatever its tag (jieba tags 产能 a verb), then the nouns after it; a direction
    # (多少下降目标) counts nothing: the measure is the phrase before the question word.
    if after and after[0][0] in table["direction_zh"]:
        after = []
    if after and len(after[0][0]) >= 2 and after[0][0] not in generic and after[0][1] in (*_MEASURE_TAGS, "v"):
        run.append(after.pop(0)[0])
    while run and after and after[0][2]:
        run.append(after.pop(0)[0])
    def forms(word: str) -> tuple[str, ...]:
        # GDP → GDP, 国内生产总值: a Latin abbreviation is stated by its rendering too (see parse_question)
        return (word, *question.english_terms.get(word, ()))

    if run:
        return [forms(word) for word in run]
    # 2016年拟安排的地方财政赤字是多少: the noun phrase before it, its head after the last 的 that has one.
    for part in reversed(focus[:asking.start()].split("的")):
        words = tagged(part)
        while words and not words[-1][2]:
            words.pop()
        run = []
        while words and words[-1][2]:
            run.insert(0, words.pop()[0])
        if run:
            return [forms(word) for word in run]
    return []


def acted_on(question: Question, focus: str) -> list[str]:
    """The nouns of the object a time limit is asked for (几日内把听证笔录交给…: 笔录): the period the text sets
    for another act (二十日内组织听证) is not this one's. Chinese questions with 把 only."""
    asking = _ASKING.search(focus)
    if question.language == "en" or asking is None or "把" not in focus[asking.end():]:
        return []
    after = _tagged(focus[asking.end():], set(cues()["measure_phrase"]["generic_zh"]))
    words = [word for word, _, _ in after]
    if not any(word in ("内", "以内", "之内") for word in words[:3]):
        return []
    obj = after[words.index("把") + 1:] if "把" in words else []
    noun_at = next((i for i, (_, tag, measure) in enumerate(obj) if measure and tag.startswith("n")), None)
    return [] if noun_at is None else [word for word, _, measure in obj[:noun_at + 1] if measure]


def _counted(focus: str, terms: list[tuple[str, ...]]) -> bool:
    """Whether the measure terms were read after the question word (多少奖金), not before it."""
    asking = _ASKING.search(focus)
    return asking is not None and terms[0][0] in focus[asking.end():]


def is_share(clause: str) -> bool:
    """A figure's clause states a share of a whole (占…比重, 比例): what a question about a share asks."""
    return any(marker in clause for marker in cues()["unit_families"]["percent"]["share_stated"])


def is_review(section: str) -> bool:
    """A section path under a review heading (2013年工作回顾): what it states was done, not set."""
    return any(cue in section for cue in cues()["value_status"]["review_headings"])


def is_reported(clause: str) -> bool:
    """A figure's clause reports it as achieved (累计下降, 比上年增长) and says nothing of a plan."""
    table = cues()["value_status"]
    return any(re.search(p, clause) for p in table["reported_patterns"]) and not any(
        re.search(p, clause) for p in table["planned_patterns"])


#: The genre a which-document question asks for (哪份报告, which law), as the ending of a document's type.
_ASKED_GENRE = re.compile(r"哪(?:份|个|部|一份|一部|一个|一年的?|年的?)\w{0,6}?(报告|意见|法律|法)"
                          r"|\bwhich (?:[\w'-]+ ){0,3}?(report|law|statute|guidance|guideline|opinion)s?\b")
_GENRE_ENDINGS = {"报告": "报告", "意见": "意见", "法律": "法律", "法": "法律", "report": "报告", "law": "法律",
                  "statute": "法律", "guidance": "意见", "guideline": "意见", "opinion": "意见"}


def asked_genre(text: str) -> str | None:
    """The ending of the type a which-document question asks for (哪份报告 → 报告, which law → 法律), if any."""
    match = _ASKED_GENRE.search(text.lower())
    return _GENRE_ENDINGS[match.group(1) or match.group(2)] if match else None


def _asks_which_document(text: str, kinds: dict) -> bool:
    """Which report / law set something (which government work report pledged…, 哪一年的政府工作报告…)."""
    return _matches(text, [], [], kinds["which_document"]["patterns"])


def _asked_kind(question: Question, text: str, kinds: dict, written: Callable[[str], bool] | None = None
                ) -> AskedKind:
    if "document" in question.intents and _about_the_document(question):
        return AskedKind.DOCUMENT
    if _matches(text, [], [], kinds["list"]["items_patterns"]):
        return AskedKind.LIST
    if _asks_which_document(text, kinds):
        return AskedKind.DOCUMENT
    for kind in KIND_ORDER:
        table = kinds[kind.value]
        # A unit asked for (多少万吨, "in yuan") makes a value question whatever else it says.
        asks_unit = kind == AskedKind.VALUE and question.asked_unit is not None
        cue_text = _without_bounds(_without_named_cues(text, table["zh"], written), table["zh"]) \
            if kind == AskedKind.SUPERLATIVE else text
        if not asks_unit and not _matches(cue_text, table["zh"], table["en"], table.get("patterns", [])):
            continue
        if kind == AskedKind.SUPERLATIVE and not _matches(text, *_cue_set(table, "which")):
            continue
        if kind in (AskedKind.MUST, AskedKind.MAY, AskedKind.MUST_NOT) and _is_list(question, text, kinds):
            return AskedKind.LIST
        return kind
    if "who" in question.intents:
        return AskedKind.WHO
    if "where" in question.intents:
        return AskedKind.WHERE
    if _is_list(question, text, kinds):
        return AskedKind.LIST
    return AskedKind.SEARCH


#: What may follow a superlative cue that is asked (最低的, 最高是, 最多？): never the start of a name.
_AFTER_ASKED_CUE = re.compile(r"[的是了为呢吗？?，,。\s]|$")


_BOUND_ASKED = re.compile(r"多少|几|多长|多久|多大|多高")


def _without_bounds(text: str, cue_words: list[str]) -> str:
    """The text with each cue that bounds the asked figure blanked: 最多多少天 / 最长几年 / at most how many ask a
    limit the text sets, not the extreme of a list (最低是多少, 哪个最高 stay superlatives)."""
    for cue in cue_words:
        for match in reversed(list(re.finditer(re.escape(cue), text))):
            if _BOUND_ASKED.match(text, match.end()):
                text = text[: match.start()] + " " * len(cue) + text[match.end():]
    return re.sub(r"\bat (?:most|least)\b", " ", text)


def _without_named_cues(text: str, cue_words: list[str], written: Callable[[str], bool] | None) -> str:
    """The text with each cue that begins a term the library writes (最低收购价: 最低 + 收购 is written)
    blanked out; without ``written`` the text unchanged."""
    if written is None:
        return text
    for cue in cue_words:
        for match in reversed(list(re.finditer(re.escape(cue), text))):
            following = text[match.end(): match.end() + 2]
            if len(following) == 2 and not _AFTER_ASKED_CUE.match(following) and written(cue + following):
                text = text[: match.start()] + " " * len(cue) + text[match.end():]
    return text


#: Nouns a question about the document itself uses (这份意见是哪个机关哪天印发的); any other noun names a
#: subject of its own (产能利用、市场供需这些信息什么时候发布 asks about the information, not the document).
_DOCUMENT_NOUNS = frozenset({"意见", "文件", "通知", "本文", "机关", "单位", "部门", "日期", "时间", "文号", "字号",
                             "主送", "抄送", "发文", "编号", "国务院", "政府", "机构", "哪天", "哪年", "发文字号",
                             "文件编号", "发布机关", "印发"})
_DOCUMENT_NUMBER = re.compile(r"[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号")


def _about_the_document(question: Question) -> bool:
    if re.search(_DOCUMENT_WORDS, question.text.lower()) or _DOCUMENT_NUMBER.search(question.text) \
            or question.language != "zh":
        return True
    from kg.answer.question import _config, content_nouns

    # The words of the document cue itself (发文字号) are no subject of their own.
    text = question.text
    for cue in sorted(_config()["intents"]["document_zh"], key=len, reverse=True):
        text = text.replace(cue, " ")
    return all(noun in _DOCUMENT_NOUNS for noun in content_nouns(text))


def _is_list(question: Question, text: str, kinds: dict) -> bool:
    """What applies to an industry (by a date): the provisions are the answer."""
    named = bool(question.industries)
    dated = bool(question.by_date or question.from_date)
    return named and (dated or _matches(text, kinds["list"]["zh"], kinds["list"]["en"])) and \
        not question.agencies


def _time_ask(text: str, table: dict) -> TimeAsk:
    for ask in (TimeAsk.IN_FORCE, TimeAsk.ADVANCE, TimeAsk.REFERENCE, TimeAsk.FREQUENCY, TimeAsk.MANNER,
                TimeAsk.UNTIL):
        if _matches(text, *_cue_set(table, ask.value)):
            return ask
    return TimeAsk.DATE


def _asked_family(question: Question, text: str) -> UnitFamily | None:
    """The unit family a value must have: the unit asked for (多少万吨), else the family the cues of the
    asking clause name, when exactly one does (吨铝液…电耗 names energy through 电耗; the 吨 is per tonne).
    Cues in a condition clause (要是电耗太高，…多掏多少) say nothing about what is asked."""
    if question.asked_unit:
        family = unit_family(question.asked_unit)
        if family is not None:
            return family
    text = _PER_UNIT.sub(" ", text)  # 每千瓦时 / per tonne qualifies the asked measure, it is not it
    found = [UnitFamily(name) for name, table in cues()["unit_families"].items()
             if _matches(text, table["zh"], table["en"])]
    # A cue joined to the question word is the form of the answer (资金…增长了百分之几 asks a percentage,
    # whatever the funds are counted in); a bare noun cue only says what the question is about.
    asking = [family for family in found if _asks_in_form(text, cues()["unit_families"][family.value])]
    if len(asking) == 1:
        return asking[0]
    # A family the question's own figures have is what it states (whose power use exceeds 13,700 kWh, 电耗大于
    # 13700千瓦时的): the measure of a given condition, not of what is asked.
    given = {unit_family(unit) for _, unit in stated_figures(question)}
    found = [family for family in found if family not in given]
    if len(found) > 1 and UnitFamily.MASS in found:
        found.remove(UnitFamily.MASS)  # "per tonne" qualifies another measure
    return found[0] if len(found) == 1 else None


_ASKING_WORD_ZH = re.compile(r"多少|几|多大|多高|多长|多久|什么")
_ASKING_IN_CUE_EN = re.compile(r"\b(?:how|what|which)\b")  # how long, how many times: the cue asks itself
_ASKING_WORD_EN = re.compile(r"\b(?:how many|how much|what|which)\s*$")


def _asks_in_form(text: str, table: dict) -> bool:
    """A cue of the family that holds a question word or stands right after or before one (百分之几,
    多少吨, what percentage)."""
    for cue in table["zh"]:
        for match in re.finditer(re.escape(cue), text):
            if _ASKING_WORD_ZH.search(cue) or _ASKING_WORD_ZH.match(text, match.end()) \
                    or _ASKING_WORD_ZH.search(text[max(0, match.start() - 2): match.start()]):
                return True
    for cue in table["en"]:
        for match in re.finditer(rf"\b{re.escape(cue)}\b", text):
            if _ASKING_IN_CUE_EN.search(cue) or _ASKING_WORD_EN.search(text[: match.start()]):
                return True
    return False


def _asks_a_period(text: str, terms: list[tuple[str, ...]]) -> bool:
    """The question asks about a period: a cue of the family (多久, how long) stands in it, though another
    family's cue may have made the family ambiguous, or the asked measure is a period by its name (承包期,
    时效期间). Without either, a period (近三年) answers no value question."""
    table = cues()["unit_families"]["duration"]
    if _matches(text, table["zh"], [*table["en"], *table["period_asks_en"]]):
        return True
    return any(form.endswith(tuple(table["period_heads_zh"])) for forms in terms for form in forms)


def _rate_nouns(question: Question) -> list[str]:
    """Rate nouns of the question (产能利用率, 负债率, "interest rate" → 利率): what a percentage is of."""
    # 按什么税率 → 税率: a question word or 的 before the noun is not part of it.
    found = [noun for m in _RATE_NOUN.finditer(question.text)
             if len(noun := _AFTER_QUESTION_WORD.split(m.group(0))[-1]) >= 2]
    if question.language == "en":
        for match in _RATE_NOUN_EN.finditer(question.text.lower()):
            renderings = question.english_terms.get(match.group(0)) or []
            if not renderings:
                # "urban unemployment rate" has no entry of its own: the word right before "rate" names what
                # the rate is of (unemployment → 失业 → 失业率).
                last = match.group(1).split()[-1]
                suffix = "率" if match.group(2) == "rate" else "比"
                renderings = [r + suffix for r in question.english_terms.get(last) or []
                              if not r.endswith(("率", "比"))]
            found += [r for r in renderings if _RATE_NOUN.fullmatch(r)]
    # The longest form that the jieba cut keeps: 产能利用率 → 利用率 is what the text must contain.
    return list(dict.fromkeys(_rate_core(noun) for noun in found))


def _rate_core(noun: str) -> str:
    """利用率 of 产能利用率, 负债率 of 平均负债率: the suffix and the two characters before it; 比重 is a
    noun of its own (数量比重, 使用比重 are both 比重)."""
    if noun.endswith("比重"):
        return "比重"
    stem = noun[:-1]
    return (stem[-2:] if len(stem) >= 2 else stem) + "率"
