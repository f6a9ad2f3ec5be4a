"""Composers: one per asked kind, each turning ranked evidence and graph facts into a typed Answer.

A short answer is a proof: a graph node (a quantity, a time expression, a provision, the document's
metadata) that satisfies every constraint the frame grounded. When none does, the composer refuses
with the constraint that failed (:class:`~kg.answer.model.ReasonCode`); when several do, it lists
them all. Routes are data (:data:`COMPOSERS`): the first composer that declares the frame's kind wins.

Each composer reads the engine's loaded resources through the small :class:`Library` protocol, so
unit tests can hand it a fake.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from kg.answer.frame import (
    AskedKind,
    Frame,
    TimeAsk,
    UnitFamily,
    cues,
    is_reported,
    is_review,
    is_share,
    unit_family,
)
from kg.answer.model import Answer, Localized, Reason, ReasonCode, ValueFact
from kg.answer.question import base_unit, glossary_phrases, magnitude, stated_figures
from kg.extract.lexicon import Lexicon
from kg.extract.manner import MannerClass, find_manner
from kg.extract.times import find_relative_times, find_times
from kg.graph.build import citation_id
from kg.i18n import text as i18n

_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")


class Library(Protocol):
    """What composers read from the engine: loaded once, shared by every question."""

    lexicon: Lexicon
    quantities: dict[str, list[dict]]
    provisions: dict[str, object]
    document: list[dict]
    signatures: list[dict]

    def content_words(self, frame: Frame, *, with_names: bool = False) -> set[str]: ...
    def context(self, citation: str) -> str: ...
    def names(self, phrase: str) -> bool: ...
    def above(self, citation: str) -> str: ...
    def run_query(self, name: str, params: dict[str, str]) -> list[dict]: ...
    def issued(self, document: str) -> dt.date | None: ...
    def names_document(self, phrase: str) -> bool: ...
    def section(self, citation: str) -> str: ...


Evidence = dict


# ---------------------------------------------------------------------------------------------- helpers
def clause_around(sentence: str, start: int, end: int, *, neighbours: bool = False) -> str:
    """The clause holding [start, end): between the punctuation marks around it. ``neighbours`` adds the
    clauses on either side, for a fronted time adverbial (2012年底，我国…产能利用率…) or a condition
    before the adverb (一经查实，立即停建)."""
    marks = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)]
    left = marks[-1] if marks else 0
    if neighbours and len(marks) >= 2:
        left = marks[-2]
    elif neighbours:
        left = 0
    right_match = _CLAUSE_END.search(sentence, end)
    right = right_match.start() if right_match else len(sentence)
    if neighbours and right_match:
        after = _CLAUSE_END.search(sentence, right_match.end())
        right = after.start() if after else len(sentence)
    return sentence[left:right]


def _clause_end(sentence: str, position: int) -> int:
    found = _CLAUSE_END.search(sentence, position)
    return found.start() if found else len(sentence)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def locate_quantities(quantities: Sequence[dict]) -> None:
    """Record where each of one sentence's quantities (in their extraction order) stands in its compacted
    text, as ``start``/``end``: 三十年 written three times is three figures, each in its own clause."""
    cursor = 0
    for quantity in quantities:
        sentence, surface = _compact(quantity["text"]), _compact(quantity["surface"])
        at = sentence.find(surface, cursor)
        if at < 0:
            at = sentence.find(surface)
        if at >= 0:
            quantity["start"], quantity["end"] = at, at + len(surface)
            cursor = at + len(surface)


def _span(quantity: dict) -> tuple[int, int] | None:
    """Where the quantity stands in its compacted sentence (its first occurrence when it was not located)."""
    if "start" in quantity:
        return quantity["start"], quantity["end"]
    at = _compact(quantity["text"]).find(_compact(quantity["surface"]))
    return (at, at + len(_compact(quantity["surface"]))) if at >= 0 else None


def _quantity_clause(quantity: dict) -> str:
    sentence = _compact(quantity["text"])
    span = _span(quantity)
    return sentence if span is None else clause_around(sentence, *span)


#: A clause that states the case a figure applies to: 情节较轻的，处五日以上十日以下拘留.
_CONDITION = re.compile(r"[^，,；;：:。！？!?]{2,}的$")


def _condition_of(quantity: dict) -> str:
    """The condition clause right before the figure's clause (情节较轻的), or ""."""
    sentence = _compact(quantity["text"])
    span = _span(quantity)
    if span is None:
        return ""
    marks = [m for m in _CLAUSE_END.finditer(sentence, 0, span[0])]
    if not marks or marks[-1].group() not in "，,":
        return ""
    before = sentence[marks[-2].end() if len(marks) >= 2 else 0: marks[-1].start()]
    found = _CONDITION.search(before)
    return found.group() if found else ""


def _overlap(words: set[str], text: str) -> int:
    return sum(1 for word in words if word in text)


def _amount(quantity: dict) -> Decimal:
    """A figure in its base unit (2.3亿吨 → 230000000): what figures of one unit family are compared by."""
    return Decimal(str(quantity["value"])) * magnitude(quantity["unit"])


def _item_of_clause(quantity: dict) -> str:
    """What a figure that has a clause of its own is stated for: its recorded measure without the verb that
    joins it to the figure (灾后恢复重建占 → 灾后恢复重建)."""
    return re.sub(r"(?:占|为|达到|达|是|约)+$", "", quantity.get("measure") or "")


def _says_most_of(frame: Frame, words: set[str], context: str, library: Library) -> bool:
    """The text states at least half of what the question names: of a Chinese question its content words, of an
    English one its words with renderings (report → 举报/报告/通报 counts once, stated by any of them), but not
    the words of a document's name (State Council, guidance: where to look, not what)."""
    if frame.language == "en" and frame.question.english_terms:
        terms = [renderings for renderings in frame.question.english_terms.values()
                 if not all(library.names_document(r) for r in renderings)]
        stated = sum(any(_compact(r) in context for r in renderings) for renderings in terms)
        return 2 * stated >= len(terms)
    words = {word for word in words if not library.names_document(word)}
    return not words or 2 * _overlap(words, context) >= len(words)


def _subject_of(quantity: dict) -> str | None:
    return quantity.get("product") or quantity.get("industry")


def _value_fact(quantity: dict) -> ValueFact:
    return ValueFact(
        value=str(quantity["value"]),
        unit=quantity["unit"],
        subject=_subject_of(quantity),
        measure=quantity.get("measure"),
        date=str(quantity["date"]) if quantity.get("date") else None,
        citation=quantity["sentence"],
        surface=_compact(quantity["surface"]),
        node=quantity["id"],
    )


#: A change from one level to another: 从人均40元提高到45元, 由每人每年380元提高到420元.
_CHANGE_FROM = re.compile(r"[从由][^，,；;。\d]{0,4}$")
_CHANGE_TO = re.compile(r"(?:提高|增加|上调|提升|扩大|下降|降低|下调|减少|压缩|调整|增长)?到")
#: A question that asks for the level before the change.
_ASKS_FROM = re.compile(r"[从由]多少|原来|原先|之前|调整前|提高前")


def _changed_to(candidates: list[_Candidate], question: str) -> list[_Candidate]:
    """Of a change's two levels (从40元提高到45元) the one it changes to, unless the question asks where it
    started: each level alone is a figure of its sentence, but only one answers 补到多少."""
    kept = list(candidates)
    for first, second in itertools.pairwise(candidates):
        here, there = _span(first.quantity), _span(second.quantity)
        if not (here and there and first.quantity["sentence"] == second.quantity["sentence"]):
            continue
        sentence = _compact(first.quantity["text"])
        if (_CHANGE_FROM.search(sentence[max(0, here[0] - 5):here[0]])
                and _CHANGE_TO.fullmatch(sentence[here[1]:there[0]])):
            drop = second if _ASKS_FROM.search(question) else first
            if drop in kept:
                kept.remove(drop)
    return kept


#: What joins the two bounds of one range: 三十年至五十年, 5-10%, or nothing (十日以上十五日以下).
_RANGE_JOIN = re.compile(r"(?:至|到|～|~|-|—|－)?")


def _ranges(facts: list[ValueFact], quantities: list[dict]) -> list[ValueFact]:
    """Two figures of one sentence that are the bounds of one range (三十年至五十年, 十日以上十五日以下)
    become one fact whose surface is the whole range: each bound alone would misstate it."""
    merged: list[ValueFact] = []
    index = 0
    while index < len(facts):
        fact, quantity = facts[index], quantities[index]
        if index + 1 < len(facts):
            following = quantities[index + 1]
            here, there = _span(quantity), _span(following)
            sentence = _compact(quantity["text"])
            if (here and there and following["sentence"] == quantity["sentence"]
                    and following["unit"] == quantity["unit"] and here[1] <= there[0]
                    and _RANGE_JOIN.fullmatch(sentence[here[1]:there[0]])
                    and quantity.get("comparator") not in ("以下", "以内")):
                whole = sentence[here[0]:there[1]]
                merged.append(dataclasses.replace(fact, surface=whole, upper=str(following["value"])))
                index += 2
                continue
        merged.append(fact)
        index += 1
    return merged


def _subject_param(frame: Frame, lexicon: Lexicon) -> Localized:
    names = [lexicon.concepts[i] for i in frame.industries if i in lexicon.concepts]
    if not names:
        return Localized("", "")
    return Localized("、".join(c.label_zh for c in names), " for " + ", ".join(c.label_en or c.label_zh for c in names))


def _time_param(frame: Frame) -> Localized:
    if frame.time is None or not frame.time.years:
        return Localized("", "")
    return Localized(f"{frame.time.label}年", f" in {frame.time.label}")


def _family_param(frame: Frame) -> Localized:
    if frame.unit_family is None:
        return Localized("", "")
    key = f"family.{frame.unit_family.value}"
    return Localized(i18n(key, "zh"), i18n(key, "en"))


def _measure_param(frame: Frame) -> Localized:
    if frame.rate_nouns:
        return Localized("、".join(frame.rate_nouns), "/".join(frame.rate_nouns))
    if frame.measure_terms:  # the asked measure as the question writes it (地方财政赤字), English as rendered
        named = "".join(forms[0] for forms in frame.measure_terms)
        return Localized(named, named)
    if frame.unit_family:
        return _family_param(frame)
    return Localized("", "such")


def _number(value: Decimal) -> str:
    """1500 + 1500 → "3000", 72.50 → "72.5": no exponent, no trailing zeros."""
    return f"{value.normalize():f}"


# ---------------------------------------------------------------------------------------------- value
_SENTENCE_NUMBER = re.compile(r"(?<=\.s)(\d+)$")


def _neighbour(citation: str, step: int) -> str | None:
    """The sentence ``step`` places after (or before) this one in its paragraph (…p1.s2, -1 → …p1.s1), if any."""
    number = _SENTENCE_NUMBER.search(citation)
    if number is None or int(number.group()) + step < 1:
        return None
    return citation[: number.start()] + str(int(number.group()) + step)


def _continued_by(item: Evidence, library: Library) -> list[str]:
    """The sentences that go on with this one's legal sentence: a sentence ending in ； is continued by the
    next one of its paragraph (…处十日以上十五日以下拘留；情节较轻的，处五日以上十日以下拘留), which states
    the other cases of the same provision."""
    found: list[str] = []
    sentence, text = item["id"], _compact(item.get("text", ""))
    while text.endswith(("；", ";")) and len(found) < 3:
        sentence = _neighbour(sentence, 1)
        following = library.quantities.get(sentence) if sentence else None
        if not following:
            break
        found.append(sentence)
        text = _compact(following[0]["text"])
    return found


def _continuing(item: Evidence, library: Library) -> list[str]:
    """The sentences this one goes on with: a case sentence (情节较轻的，处五日以上十日以下拘留) is the second
    half of a legal sentence whose first half ends in ； and states the main case (…处十日以上十五日以下拘留；).
    A question that states no case asks the main one, so both halves are candidates."""
    found: list[str] = []
    sentence: str | None = item["id"]
    while len(found) < 3:
        sentence = _neighbour(sentence, -1)
        preceding = library.quantities.get(sentence) if sentence else None
        if not preceding or not _compact(preceding[0]["text"]).endswith(("；", ";")):
            break
        found.append(sentence)
    return found


def _case_before(citation: str) -> tuple[str, ...]:
    """The sentence before this one in its paragraph, if any (…p1.s2 → …p1.s1)."""
    before = _neighbour(citation, -1)
    return (before,) if before else ()


@dataclass(frozen=True)
class _Candidate:
    rank: int
    quantity: dict


class ValueComposer:
    """A figure: the quantities of the best sentences that fit the asked unit, subject, time and rate noun
    and share the question's content; every fitting one is listed, each cited."""

    kinds = (AskedKind.VALUE,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        candidates = [
            _Candidate(rank, q)
            for rank, item in enumerate(evidence[:k])
            for sentence in (item["id"], *_continued_by(item, library), *_continuing(item, library))
            for q in library.quantities.get(sentence, [])
        ]
        seen: set[str] = set()  # a continued sentence may also be evidence itself: keep its best rank
        candidates = [c for c in candidates if not (c.quantity["id"] in seen or seen.add(c.quantity["id"]))]
        words = library.content_words(frame)
        given = figures_given(frame)  # read once: each candidate is checked against them
        stages: list[tuple[ReasonCode, Callable[[dict], bool]]] = [
            (ReasonCode.NO_VALUE_UNIT, lambda q: fits_unit(frame, q)),
            (ReasonCode.NO_VALUE, lambda q: not is_given(q, given)),
            (ReasonCode.NO_VALUE_SUBJECT, lambda q: fits_subject(frame, q, library.lexicon)),
            (ReasonCode.NO_VALUE_TIME, lambda q: fits_time(frame, q)),
            (ReasonCode.NO_VALUE_REGION, lambda q: fits_region(frame, q, library)),
            (ReasonCode.NO_VALUE_MEASURE, lambda q: fits_rate_noun(frame, q)),
            (ReasonCode.NO_VALUE_MEASURE, lambda q: fits_measure(frame, q, words, library)),
            (ReasonCode.NO_VALUE_MEASURE, lambda q: fits_terms(frame, q, library)),
            (ReasonCode.NO_VALUE_MEASURE, lambda q: not frame.asks_share or is_share(_quantity_clause(q))),
            (ReasonCode.NO_VALUE_TARGET, lambda q: not frame.asks_target or not (
                is_reported(_quantity_clause(q)) or is_review(library.section(q["sentence"])))),
            (ReasonCode.NO_VALUE, lambda q: not words or _overlap(words, library.context(q["sentence"])) > 0),
        ]
        if frame.asks_two_figures:
            return Answer.refuse(frame.kind, self._reason(ReasonCode.NO_VALUE, frame, library))
        remaining = candidates
        for code, test in stages:
            kept = [c for c in remaining if test(c.quantity)]
            if not kept:
                return Answer.refuse(
                    frame.kind, self._reason(code if candidates else ReasonCode.NO_VALUE, frame, library)
                )
            remaining = kept
        focus = {w for w in words if w in frame.focus} if frame.focus != frame.question.text else set()
        english = frame.language == "en"
        chosen = _closest(remaining, words, focus, frame.question.text, frame.measure_terms if english else (),
                          frame.question.translated if english else ())
        chosen = _changed_to(chosen, frame.question.text)
        facts = _ranges([_value_fact(c.quantity) for c in chosen], [c.quantity for c in chosen])
        answer = "；".join(self._describe(fact, len(facts) > 1) for fact in facts)
        support = list(dict.fromkeys(f.citation for f in facts))
        if _parallel_provisions(chosen):
            # 申请人在一年内不得再次申请 / …三年内…: which case each figure is for is stated in the sentence before
            # it (提供虚假材料的 / 以欺骗、贿赂等不正当手段取得的), so the reader is shown both cases.
            support = [cited for citation in support for cited in (citation, *_case_before(citation))]
        return Answer(
            kind=frame.kind,
            answered=True,
            text=answer,
            value=facts[0],
            values=facts,
            facts=[c.quantity for c in chosen],
            support=support,
            query={"name": "targets", "params": {}, "rows": [c.quantity["id"] for c in chosen]},
        )

    @staticmethod
    def _describe(fact: ValueFact, several: bool) -> str:
        return f"{fact.subject}{fact.surface}" if several and fact.subject else fact.surface

    @staticmethod
    def _reason(code: ReasonCode, frame: Frame, library: Library) -> Reason:
        lexicon = library.lexicon
        regions = [lexicon.concepts[r] for r in frame.question.regions if r in lexicon.concepts]
        params: dict[str, Localized | str] = {
            "subject": _subject_param(frame, lexicon),
            "time": _time_param(frame),
            "measure": _measure_param(frame),
            "region": Localized(
                "、".join(r.label_zh for r in regions), ", ".join(r.label_en or r.label_zh for r in regions)
            ),
        }
        if code == ReasonCode.NO_VALUE_UNIT:
            asked = frame.question.asked_unit
            params["unit"] = Localized(asked, asked) if asked else _family_param(frame)
            if not params["unit"].zh:
                # No unit was asked: the figures left out were periods, which answer only a question about one.
                code = ReasonCode.NO_VALUE
        return Reason(code, params)


#: A question asking a time limit (within how many days, 几日内): what is to be done by then, not how far ahead.
_ASKS_WITHIN = re.compile(r"\bwithin (?:how many|what)\b|(?:多少|几)个?(?:天|日|工作日|月|年)(?:之|以)?内",
                          re.IGNORECASE)


def _closest(candidates: list[_Candidate], words: set[str], focus: set[str], question: str = "",
             terms: Sequence[tuple[str, ...]] = (), renderings: Sequence[str] = ()) -> list[_Candidate]:
    """Of the fitting quantities, those whose own clause says most of what the question's asking clause
    asks, then most of the whole question, from the best-ranked sentence among them; ties stay together
    (an enumeration all of whose items fit) unless the question names one item of a parallel enumeration.

    A figure stated for a case (情节较轻的，处…) is read with its case: among figures whose clauses say as
    much of the question, one of the case the question states ranks above those that hold without a case,
    and one of a case the question does not state below them."""
    stated = words | set(_bigrams(question))  # what the question says, to tell an asked case
    within = _ASKS_WITHIN.search(question) is not None
    scored = []
    for candidate in candidates:
        condition = _condition_of(candidate.quantity)
        clause = _compact(_quantity_clause(candidate.quantity))
        asked = any(word in condition for word in stated)
        case = 1 if not condition else 2 if asked else 0  # the asked case, then no case, then another case
        # Asked within how many days, a limit (二十日内) answers before a lead time (举行听证的七日前).
        form = 0 if not within else -1 if candidate.quantity["surface"].endswith("前") else 1
        scored.append(((_overlap(focus, clause), form, _overlap(words, clause), case), candidate))
    best = max(score for score, _ in scored)
    top = [c for score, c in scored if score == best]
    first = min(c.rank for c in top)
    twins = _parallel_to_best(top)
    if _parallel_provisions(twins):
        # Two sentences say as much of the question with the same words and different figures (一年内 after
        # 提供虚假材料的, 三年内 after 以欺骗、贿赂等不正当手段取得的, the case in the sentence before each): which
        # one is meant is not proved, so both are given, each cited, never the better-ranked one silently.
        return twins
    chosen = _own_measure([c for c in top if c.rank == first], words)
    return _respective_item(_named_item(chosen, _compact(question)), _compact(question), terms, renderings)


def _own_measure(candidates: list[_Candidate], words: set[str]) -> list[_Candidate]:
    """Items of one clause (铁路投资8000亿元以上、公路投资1.65万亿元) share the clause: the words right before
    each figure name its item, and tell which item the question names.

    An item's words run from the previous figure (or 、) to its own figure. The first item's run also holds
    what all items share (推进燃煤电厂脱硫改造1500万千瓦、脱硝改造…: 推进燃煤电厂; 再淘汰炼铁…、炼钢…: 再淘汰):
    the items of a list are parallel, so it is cut to the length of the longest other run."""
    if len(candidates) < 2 or len({c.quantity["sentence"] for c in candidates}) != 1:
        return candidates
    sentence = _compact(candidates[0].quantity["text"])
    located = sorted((span[0], span[1], c) for c in candidates if (span := _span(c.quantity)) is not None)
    clauses = {clause_around(sentence, a, b) for a, b, _ in located}
    if len(located) != len(candidates) or len(clauses) != 1 or "分别" in clauses.pop():
        return candidates  # figures after 分别 go with the items before it (see _respective_item)
    runs, previous = [], None
    for start, end, _ in located:
        marks = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)] + \
            [m.end() for m in re.finditer("、", sentence[:start])]
        left = max([*marks, previous or 0])
        runs.append(sentence[left:start])
        previous = end
    if not all(runs[1:]):
        return candidates  # figures side by side with no words between them are not items of a list
    longest_other = max(len(run) for run in runs[1:])
    runs[0] = runs[0][-longest_other:] if longest_other else runs[0]
    own = [_overlap(words, run) for run in runs]
    best = max(own)
    if best == min(own):
        return candidates
    return [c for (_, _, c), score in zip(located, own, strict=True) if score == best]


def _shape(candidate: _Candidate) -> str:
    """A figure's clause with the figure taken out (申请人在#不得再次申请该行政许可)."""
    quantity = candidate.quantity
    return _compact(_quantity_clause(quantity)).replace(_compact(quantity["surface"]), "#", 1).rstrip("；;。")


def _parallel_provisions(top: list[_Candidate]) -> bool:
    """Tied figures from several sentences whose clauses read the same once the figures are taken out."""
    sentences = {c.quantity["sentence"] for c in top}
    if len(sentences) < 2 or len({c.quantity["surface"] for c in top}) < 2:
        return False
    return len({_shape(c) for c in top}) == 1


def _parallel_to_best(top: list[_Candidate]) -> list[_Candidate]:
    """The tied figures worded as the best-ranked one is (its parallel provisions), when there are several: a
    third tied figure worded otherwise (在五日内一次告知申请人) does not hide that the best one has a twin."""
    best = min(top, key=lambda c: c.rank)
    return [c for c in top if _shape(c) == _shape(best)]


#: Items listed before 分别 (早籼稻、中晚籼稻、粳稻每50公斤分别提高3元、5元和10元), each without its qualifier.
_ITEM_SPLIT = re.compile(r"[、]|和|及|与")
_ITEM_NAME = re.compile(r"[^\d０-９每]+")


def _respective_item(candidates: list[_Candidate], question: str,
                     terms: Sequence[tuple[str, ...]] = (), renderings: Sequence[str] = ()) -> list[_Candidate]:
    """Figures after 分别 in one clause go with the items listed before it, in order; when the question
    names exactly one of those items, its figure. An English question names an item through the renderings
    of its measure (CO2 emission → 二氧化碳, 排放: 二氧化碳排放量 of 用水量、能耗、二氧化碳排放量)."""
    if len({c.quantity["sentence"] for c in candidates}) != 1 or len(candidates) < 2:
        return candidates
    items = respective_items([c.quantity for c in candidates])
    named = [c for c in candidates if (item := items.get(c.quantity["id"])) and item in question
             and not any(item != other and item in other and other in question for other in items.values())]
    if len(named) == 1:
        return named
    telling = [forms for forms in terms if any(form in item for form in forms for item in items.values())]
    by_terms = [c for c in candidates if telling and (item := items.get(c.quantity["id"]))
                and all(any(form in item for form in forms) for forms in telling)]
    if len(by_terms) == 1:
        return by_terms
    # japonica rice → 粳稻 of 早籼稻、中晚籼稻、粳稻: a rendering only one item states names that item.
    own = [c for c in candidates if (item := items.get(c.quantity["id"])) and any(
        word in item and not any(word in other for other in items.values() if other != item) for word in renderings)]
    return own if len(own) == 1 else candidates


def respective_items(quantities: list[dict]) -> dict[str, str]:
    """Quantity id → the item 分别 gives it (用水量、能耗、二氧化碳排放量分别下降23%、15%、18%: 23% → 用水量),
    for the figures of one sentence; only where the items and the figures after 分别 are as many."""
    if not quantities:
        return {}
    sentence = _compact(quantities[0]["text"])
    found: dict[str, str] = {}
    for respectively in re.finditer("分别", sentence):
        marks = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, respectively.start())]
        listed = sentence[marks[-1] if marks else 0: respectively.start()]
        items = [name.group() for part in _ITEM_SPLIT.split(listed) if (name := _ITEM_NAME.match(part))]
        end = _clause_end(sentence, respectively.end())
        after = sorted((q for q in quantities if q["sentence"] == quantities[0]["sentence"]
                        and (span := _span(q)) and respectively.end() <= span[0] < end), key=lambda q: _span(q)[0])
        if len(items) >= 2 and len(items) == len(after) and all(len(item) >= 2 for item in items):
            found.update({q["id"]: item for q, item in zip(after, items, strict=True)})
    return found


def _bigrams(text: str) -> list[str]:
    text = _compact(text)
    return [text[i:i + 2] for i in range(len(text) - 1) if not _CLAUSE_END.search(text[i:i + 2])]


def _named_item(candidates: list[_Candidate], question: str) -> list[_Candidate]:
    """Figures in parallel clauses of one sentence (耕地的承包期为三十年，草地的承包期为三十年至五十年，…):
    when the question names the item of exactly one clause (草地), that clause's figures.

    The item of a clause is what comes before the words all the clauses share (的承包期为), after its
    last 的 (家庭承包的耕地 → 耕地)."""
    clauses: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        clauses.setdefault(_compact(_quantity_clause(candidate.quantity)), []).append(candidate)
    if len(clauses) < 2 or len({c.quantity["sentence"] for c in candidates}) != 1:
        return candidates
    bare = {clause: _FIGURE.sub("", clause) for clause in clauses}
    shared = _longest_shared(list(bare.values()))
    if "的" in shared:  # 耕地的承包期 and 草地的承包期 share 地的承包期: the items end at the 的
        shared = shared[shared.index("的"):]
    if len(shared) < 2:
        return candidates
    items = {}
    for clause, text in bare.items():
        before = text[: text.find(shared)]
        item = before.rsplit("的", 1)[-1]
        if len(item) < 2:
            return candidates
        items[clause] = item
    named = [clause for clause, item in items.items() if item in question]
    if len(named) != 1 or len(set(items.values())) != len(items):
        return candidates
    return clauses[named[0]]


#: A figure with its unit, before a range's joiner or the clause's end: taken out before clauses are compared.
_FIGURE = re.compile(r"[\d０-９零〇一二三四五六七八九十百千万亿.%％]+[^\s，,；;]{0,2}?(?=[至到～~\-—]|$)")


def _longest_shared(texts: list[str]) -> str:
    """The longest substring every text contains."""
    shortest = min(texts, key=len)
    for size in range(len(shortest), 1, -1):
        for start in range(len(shortest) - size + 1):
            piece = shortest[start:start + size]
            if all(piece in text for text in texts):
                return piece
    return ""


def fits_unit(frame: Frame, quantity: dict) -> bool:
    """The unit asked for (多少万吨 → 吨) or, failing that, the unit family (a rate is a percentage). With
    neither, a period (三年, 十五日) answers only a question whose measure is named as a period (承包期)."""
    if frame.question.asked_unit:
        return base_unit(quantity["unit"]) == frame.question.asked_unit
    if frame.unit_family is None:
        return unit_family(quantity["unit"]) != UnitFamily.DURATION or frame.asks_period
    return unit_family(quantity["unit"]) == frame.unit_family


def fits_subject(frame: Frame, quantity: dict, lexicon: Lexicon) -> bool:
    """A question naming an industry or product is answered only by a figure bound to it (its own item of
    an enumeration, or an industry containing or contained in it); group names (产能严重过剩行业) bind
    nothing."""
    wanted = {i for i in frame.industries if not lexicon.is_group(i)}
    if not wanted:
        return True
    concept = lexicon.resolve(_subject_of(quantity) or "", "industry")
    if concept is None:
        return False
    related = set(lexicon.ancestors(concept.iri)) | lexicon.descendants(concept.iri)
    return bool(related & wanted)


def fits_time(frame: Frame, quantity: dict) -> bool:
    """A question naming a year or period is answered only by a figure dated inside it. A figure its
    sentence does not date takes the year its nearest heading names (三、2016年重点工作, 一、2015年工作回顾),
    for a question about one year: a year's figure is no figure of a period around it (2016年…3.4% is
    not the 十三五 target). Otherwise an undated figure proves nothing about a particular year."""
    if frame.time is None:
        return True
    date = quantity.get("date")
    if date is None and len(frame.time.years) == 1 and (year := heading_year(quantity.get("section") or "")):
        date = f"{year}-12-31"
    return frame.time.covers(date)


_HEADING_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def heading_year(section: str) -> str | None:
    """The one year the nearest heading of a section path that names any year names, else None."""
    for heading in reversed(section.split("›")):
        years = set(_HEADING_YEAR.findall(heading))
        if years:
            return years.pop() if len(years) == 1 else None
    return None


def fits_region(frame: Frame, quantity: dict, library: Library) -> bool:
    """A question naming a region (河北) is answered only by a figure whose sentence names it, a region
    containing it (京津冀) or one of its parts."""
    if not frame.question.regions:
        return True
    lexicon = library.lexicon
    related = {
        r for region in frame.question.regions for r in (*lexicon.ancestors(region), *lexicon.descendants(region))
    }
    named = {concept.iri for _, _, concept in lexicon.find(library.context(quantity["sentence"]))}
    return bool(named & related)


#: A question that offers figures to choose from (8000万吨还是1亿吨, is it 10% or 15%): its figures are candidates.
_OFFERS_FIGURES = re.compile(r"还是|是否|是不是|吗|\bor\b|\bwhether\b|^(?:is|was|are|were|does|did)\b", re.IGNORECASE)


def figures_given(frame: Frame) -> set[tuple[Decimal, str]]:
    """The figures a question states as known (within 20 days, … how much extra time), in base units; none
    when it offers figures to choose from."""
    return set() if _OFFERS_FIGURES.search(frame.question.text.strip()) else stated_figures(frame.question)


def is_given(quantity: dict, given: set[tuple[Decimal, str]]) -> bool:
    """The figure is one the question gives (see figures_given): a question does not ask for what it says, so
    二十日内 cannot answer it."""
    value, unit = quantity.get("value"), quantity.get("unit")
    if value is None or not unit:
        return False
    return (Decimal(str(value)) * magnitude(unit), base_unit(unit)) in given


def fits_rate_noun(frame: Frame, quantity: dict) -> bool:
    """A percentage asked of a rate noun (利用率, 负债率) must stand in the clause that names it."""
    if not frame.rate_nouns:
        return True
    clause = _compact(_quantity_clause(quantity)) + (quantity.get("measure") or "")
    return any(noun in clause for noun in frame.rate_nouns)


#: Endings of nouns that name a period (有效期, 期限, 时限, 年限, 保质期): a duration asked of one must state it.
PERIOD_NOUN_ENDINGS = ("期", "期限", "时限", "年限", "期间")


def fits_measure(frame: Frame, quantity: dict, words: set[str], library: Library) -> bool:
    """The figure's own clause (or its recorded measure) states the asked measure: its head noun (能耗 is
    not answered by 经济年均增长6.5%, PM2.5浓度 by 能源消耗强度下降3.7%), and the nouns modifying it
    when the library names that compound (地方财政赤字 is a measure of its own; 全国财政赤字 is just the
    deficit). Chinese nouns count only when they are content words of the question (a library document's
    name says where, not what)."""
    # A word the library never writes cannot be checked against a figure when the phrase before the question
    # word was read (起码, a paraphrase mistaken for a noun); what the question counts (多少奖金) must be written.
    terms = list(frame.measure_terms) if frame.measure_counted else [
        kept for forms in frame.measure_terms if (kept := tuple(f for f in forms if library.names(f)))]
    if frame.language != "en":  # 财政赤字 is a content word by its parts 财政, 赤字; 报告 of 政府工作报告 is none
        # A Latin abbreviation's rendering (GDP → 国内生产总值) is stated by the question as a measure.
        rendered = {form for renderings in frame.question.english_terms.values() for form in renderings}
        terms = [forms for forms in terms if forms[0] in words or forms[0] in rendered
                 or any(len(word) >= 2 and word in forms[0] for word in words)]
        # The longest end of the noun run the library itself writes: what the figure must state.
        terms = next((terms[start:] for start in range(len(terms))
                      if library.names("".join(forms[0] for forms in terms[start:]))), terms[-1:])
    stated = _up_to_clause(quantity, library)
    siblings = library.quantities.get(quantity["sentence"], [])
    item = respective_items(siblings).get(quantity["id"])
    if item is not None:
        # 化学需氧量、二氧化硫排放量分别下降9.66%和13.14%: what 分别 gives the figure is what it is of. A clause
        # before it counts only as a topic without a figure of its own (进一步提高粮食最低收购价，…分别提高3元、
        # 5元); one with a figure (…能耗下降14.38%) states that figure's measure, not this one's.
        stated = item + _topic_before(quantity, siblings) + _compact(_quantity_clause(quantity)) \
            + library.above(quantity["sentence"])
    if frame.unit_family == UnitFamily.DURATION:
        # A period measures what is done (被拘留几天), not the noun before it; but a noun that names a period
        # itself (有效期, 期限, 年限) is what the figure must be of: 三年内不得再次申请 is no 有效期.
        periods = [forms for forms in terms if forms[0].endswith(PERIOD_NOUN_ENDINGS)]
        sentence = library.context(quantity["sentence"])
        return all(any(form in stated for form in forms) for forms in periods) \
            and all(word in sentence for word in frame.acted_on)
    # The topic clause (…服务经费，财政给每人补到多少钱) names what the figure is of, when the library writes it.
    if frame.topic and library.names(frame.topic) and frame.topic not in stated:
        return False
    return all(any(form in stated for form in forms) for forms in terms)


def fits_terms(frame: Frame, quantity: dict, library: Library) -> bool:
    """An English question's terms of art (administrative reconsideration → 行政复议: a phrase of several words
    the glossary renders) are what it asks about: a figure whose sentence states none of a term's renderings
    answers another question (五日内 to 告知申请人…补正, asked how long one has to seek reconsideration)."""
    if frame.language != "en":
        return True
    context = library.context(quantity["sentence"])
    # Chinese an English question quotes (water surfaces (养殖水面)) is the document's own word for what it asks.
    quoted = [run for run in re.findall(r"[\u4e00-\u9fff]{2,}", frame.question.text) if not library.names_document(run)]
    if any(run not in context for run in quoted):
        return False
    phrases = glossary_phrases()  # a concept's label (mergers and acquisitions) is checked as an entity instead
    asked = frame.question.text.lower()
    terms = [renderings for term, renderings in frame.question.english_terms.items()
             if term in phrases and re.search(rf"\b{re.escape(term)}\b", asked)
             and not any(library.names_document(r) for r in renderings)]
    # Any one term will do: a question may offer alternatives (land for construction or geological survey).
    return not terms or any(_compact(r) in context for renderings in terms for r in renderings)


def _topic_before(quantity: dict, siblings: list[dict]) -> str:
    """The clauses before a figure's clause that hold no figure of the sentence."""
    sentence = _compact(quantity["text"])
    span = _span(quantity)
    if span is None:
        return ""
    spans = [found for q in siblings if (found := _span(q)) is not None]
    topic, start = [], 0
    for mark in _CLAUSE_END.finditer(sentence, 0, span[0]):
        if not any(start <= a < mark.start() for a, _ in spans):
            topic.append(sentence[start: mark.start()])
        start = mark.end()
    return "".join(topic)


def _up_to_clause(quantity: dict, library: Library) -> str:
    """What states a figure's measure: its sentence up to the end of its clause (the clause and the topic it
    comments on: 土地有偿使用费，百分之三十上缴…; never a later clause, another item's), its recorded measure,
    and the lead phrase and heading the sentence stands under (淘汰落后产能 over a list of tonnages)."""
    sentence = _compact(quantity["text"])
    surface = _compact(quantity["surface"])
    at = sentence.find(surface)
    upto = sentence[:_clause_end(sentence, at + len(surface))] if at >= 0 else sentence
    return upto + (quantity.get("measure") or "") + library.above(quantity["sentence"])


# ---------------------------------------------------------------------------------------------- extremes
class ExtremeComposer:
    """Highest / lowest of a list of comparable figures, and totals: the figures of one measure, unit and
    date, ordered by the named query ``quantity_ranking``; the whole list is shown beside the result."""

    kinds = (AskedKind.SUPERLATIVE, AskedKind.AGGREGATE)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        group = self._group(frame, evidence, library, k)
        if len(group) < 2:
            if frame.kind == AskedKind.AGGREGATE:
                stated = self._stated_total(frame, evidence, library, k)
                if stated is not None:
                    return stated
            return Answer.refuse(frame.kind, Reason(ReasonCode.NO_LIST))
        facts = [_value_fact(q) for q in group]
        if frame.kind == AskedKind.AGGREGATE:
            units = {q["unit"] for q in group}
            if len(units) != 1:
                return Answer.refuse(frame.kind, Reason(ReasonCode.NO_LIST))
            total = sum(Decimal(str(q["value"])) for q in group)
            unit = units.pop()
            surface = f"{_number(total)}{unit}"
            parts = "、".join(f"{f.subject or ''}{f.surface}" for f in facts)
            value = ValueFact(
                value=_number(total),
                unit=unit,
                subject=None,
                measure=group[0].get("measure"),
                date=facts[0].date,
                citation=facts[0].citation,
                surface=surface,
            )
            text = i18n("text.total", frame.language, value=surface, parts=parts)
        else:
            if len({base_unit(q["unit"]) for q in group}) != 1:
                return Answer.refuse(frame.kind, Reason(ReasonCode.NO_LIST))  # 吨 and 千克: not compared here
            ordered = sorted(group, key=_amount)  # 2.3亿吨 is more than 9000多万吨
            best = ordered[-1] if frame.extreme and frame.extreme.value == "max" else ordered[0]
            ties = [q for q in ordered if _amount(q) == _amount(best)]
            value = _value_fact(best)
            items = respective_items(group)
            # Items of one industry (脱硫、脱硝、除尘改造 of 燃煤电厂) are told apart by their items, not by it.
            shared = len({_subject_of(q) for q in group}) == 1

            def named(q: dict) -> str:
                return ("" if shared else _subject_of(q) or "") or items.get(q["id"]) or _item_of_clause(q)

            text = "；".join(i18n("text.extreme", frame.language, subject=named(q), value=_compact(q["surface"]))
                            for q in ties)
            facts = [_value_fact(q) for q in ordered]
        return Answer(
            kind=frame.kind,
            answered=True,
            text=text,
            value=value,
            values=facts,
            facts=group,
            support=list(dict.fromkeys(f.citation for f in facts)),
            query={"name": "quantity_ranking", "params": {"term": self._term(frame, group)}},
        )

    @staticmethod
    def _stated_total(frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer | None:
        """A total the text states itself (压缩钢铁产能总量8000万吨以上): the value, proved as any value is, whose
        own clause says it is a total. Without that word a single figure may be one part of the whole."""
        answer = ValueComposer().compose(dataclasses.replace(frame, kind=AskedKind.VALUE), evidence, library, k)
        if not answer.answered or answer.value is None:
            return None
        table = cues()["kinds"]["aggregate"]

        def states_total(quantity: dict) -> bool:
            # A total word in the figure's own clause; a whole period may open the sentence it lists in
            # (近三年淘汰…、平板玻璃7600多万重量箱).
            span = _span(quantity)
            before = _compact(quantity["text"])[: span[0]] if span else ""
            return any(m in _quantity_clause(quantity) for m in table["stated"]) \
                or any(re.search(p, before) for p in table["stated_patterns"])

        if not answer.facts or not all(states_total(q) for q in answer.facts):
            return None
        return answer

    @staticmethod
    def _term(frame: Frame, group: list[dict]) -> str:
        return frame.rate_nouns[0] if frame.rate_nouns else (group[0].get("measure") or "")

    def _group(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> list[dict]:
        """The comparable figures: those of the asked rate noun (through the named query), else those of the
        best sentence holding two or more; narrowed to the industries named when two or more are."""
        if frame.rate_nouns:
            from kg.graph.build import citation_of

            records = {q["id"]: q for qs in library.quantities.values() for q in qs}
            rows = library.run_query("quantity_ranking", {"term": frame.rate_nouns[0]})
            ranked = (f"{citation_of(r['sentence'])}/q{r['qorder']}" for r in rows)
            pool = [records[i] for i in ranked if i in records]
        else:
            pool = []
            # A total asserts its figures are parts of the asked whole: their sentence must say most of what
            # the question names (奖励资金 is not summed from the deficit figures of the same sentence as 安排).
            words = library.content_words(frame)
            for item in evidence[:k]:
                found = library.quantities.get(item["id"], [])
                if len(found) >= 2:
                    if not _says_most_of(frame, words, library.context(item["id"]), library):
                        continue
                    pool = list(found)
                    break
        pool = [q for q in pool if fits_time(frame, q) and fits_unit(frame, q)]
        named = [i for i in frame.industries if not library.lexicon.is_group(i)]
        if named:  # 平板玻璃近三年一共淘汰了多少: of the list, only the named industry's figures
            pool = [q for q in pool if any(fits_subject(_only(frame, i), q, library.lexicon) for i in named)]
        if not pool:
            return []
        if not frame.rate_nouns:  # one sentence: its list is the clause with most figures (not 森林覆盖率达到23.04%)
            clause_of = {q["id"]: _quantity_clause(q) for q in pool}
            clauses = Counter(clause_of.values())  # in the pool's order: max keeps the first of equals
            listed = max(clauses, key=clauses.__getitem__)
            if clauses[listed] > 1:
                pool = [q for q in pool if clause_of[q["id"]] == listed]
            # else each clause states one item (社会事业投资占44%，…占16%，…占14%): the sentence is the list
        # One list: the figures that share the first one's unit family and date (72%…75% of 2012年底).
        head = pool[0]
        return [
            q for q in pool if unit_family(q["unit"]) == unit_family(head["unit"]) and q.get("date") == head.get("date")
        ]


def _only(frame: Frame, industry: str) -> Frame:
    """The frame narrowed to one of the industries it names (a total of 炼铁 and 炼钢 needs both)."""
    return Frame(question=dataclasses.replace(frame.question, industries=[industry]), kind=frame.kind)


# ---------------------------------------------------------------------------------------------- when
#: A time counted from something (三十日前, 二十日内, 十五日后): it means nothing without its event.
_RELATIVE_TIME = re.compile(r"^[\d一二三四五六七八九十百两]+个?(?:工作日|日|天|月|年)(?:前|内|以内|之内|后)$")
#: Where the event phrase before a relative time starts: after 在 / 于 / 自 or a clause mark.
_EVENT_START = re.compile(r"[在于自，,；;：:。]")


def _with_event(sentence: str, start: int, end: int) -> str:
    """A relative time with the event it counts from (在该行政许可有效期届满三十日前 → 该行政许可有效期届满三十日前,
    自受理…申请之日起二十日内 → 受理…申请之日起二十日内); any other time as written."""
    surface = sentence[start:end]
    if not _RELATIVE_TIME.match(surface) or start == 0 or _EVENT_START.match(sentence, start - 1):
        return surface
    marks = list(_EVENT_START.finditer(sentence, max(0, start - 24), start))
    if not marks:
        return surface
    return sentence[marks[-1].end(): end]


def _bears(item: Evidence, frame: Frame, library: Library) -> bool:
    """The sentence's provision is borne by an actor the question names (被许可人, licensee → 被许可人)."""
    provision = library.provisions.get(item["id"])
    texts = getattr(provision, "bearer_text", None) or []
    said = frame.question.text + " ".join(frame.question.translated)
    return any(len(text) >= 2 and text in said for text in texts)


class WhenComposer:
    """A time: a deadline or start date, a figure's reference date, a frequency, a manner or how far ahead,
    from the time expressions of the best sentences, bound to the clause that says what was asked."""

    kinds = (AskedKind.WHEN,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        if frame.time_ask == TimeAsk.IN_FORCE:
            in_force = self._entry_into_force(frame, evidence, library)
            if in_force is not None:
                return in_force
        words = library.content_words(frame, with_names=True)
        # The time must be the one of the sentence that best answers the question, the top-ranked one: a
        # date of another sentence (2015年底前 for the 335 rebar, which has none) would be a confident error.
        if not evidence:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NO_TIME, {"subject": Localized("", "")}))
        best: tuple[tuple[bool, int, int, int, int], ValueFact, str] | None = None
        # Sentences ranked level with the top one (the ranking cannot tell them apart) are read, in order,
        # only when the top one states no time of the asked kind (2009年到期的…延长一年 beside …均延长到2010年底).
        level = [item for item in evidence if item.get("score", 0) >= evidence[0].get("score", 0)]
        if frame.time_ask in (TimeAsk.FREQUENCY, TimeAsk.UNTIL, TimeAsk.ADVANCE):
            # A frequency (每三年…一次), the end a period is extended to (延长到2010年底) and a lead time (三十日前)
            # are rare, telling phrases: the best-ranked sentence that states one for what was asked answers, as
            # a date of another sentence would not.
            level = list(evidence[:k])
        bound = [item for item in evidence[:k] if _bears(item, frame, library)]
        if bound and not any(_bears(item, frame, library) for item in level):
            # A deadline binds its bearer: asked when a licensee must apply, the sentence that binds the licensee
            # (被许可人…应当在有效期届满三十日前…提出申请) answers, not a better-ranked one binding the agency.
            level = bound
        if frame.time_ask == TimeAsk.MANNER:
            # An adverb (定期, 逐步) is common, so the first sentence that has one proves little: of the best
            # sentences, the one whose adverb's clauses say most of what was asked.
            found = [best for rank, item in enumerate(evidence[:k])
                     if (best := self._best_time(frame, item, rank, words, library)) is not None]
            best = min(found, key=lambda candidate: candidate[0]) if found else None
        else:
            for rank, item in enumerate(level):
                best = self._best_time(frame, item, rank, words, library)
                if best is not None:
                    break
        if best is None:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NO_TIME, {"subject": Localized("", "")}))
        _, fact, phrase = best
        return Answer(
            kind=frame.kind,
            answered=True,
            text=phrase,
            value=fact,
            values=[fact],
            support=[fact.citation],
            facts=[fact.as_dict()],
        )

    def _best_time(self, frame: Frame, item: Evidence, rank: int, words: set[str],
                   library: Library) -> tuple[tuple[bool, int, int, int, int], ValueFact, str] | None:
        """The time expression of one sentence that answers the question, with its sort key and phrase."""
        best: tuple[tuple[bool, int, int, int, int], ValueFact, str] | None = None
        sentence = _compact(item["text"])
        if sentence:
            # A month and day without a year (从5月1日起) is of the year of the document that writes it.
            issued = library.issued(str(item["document"])) if item.get("document") else None
            for preference, surface, start, end, date in self._expressions(frame.time_ask, sentence, issued):
                if preference == 1 and frame.asks_calendar:
                    continue  # 尽快取消… answers when, not by what date
                window = clause_around(sentence, start, end, neighbours=True)
                shared = _overlap(words, window.replace(surface, ""))
                if words and shared == 0:
                    continue
                # An option the question offers (立即还是逐步) first, then the clause that says most of what
                # was asked, then a date before an adverb, then the better-ranked sentence.
                offered = surface in frame.question.search_text  # English options through their renderings
                # Two adverbs a clause apart share their neighbours (尽快取消…产品标准，逐步降低…使用比重): the one
                # whose own clause says more of what was asked qualifies it.
                own = _overlap(words, clause_around(sentence, start, end).replace(surface, ""))
                key = (not offered, -shared, -own, preference, rank)
                if best is None or key < best[0]:
                    fact = ValueFact(value=surface, unit=None, subject=None,
                                     measure=(frame.time_ask or TimeAsk.DATE).value, date=date,
                                     citation=item["id"], surface=surface)
                    # An adverb is read with what it qualifies (立即停建, 定期发布…名单); a date stands alone, but
                    # a time counted from an event is read with it (有效期届满三十日前, not 三十日前 alone).
                    phrase = _with_event(sentence, start, end) if preference == 0 \
                        else sentence[start: _clause_end(sentence, end)]
                    best = (key, fact, phrase)
        return best

    @staticmethod
    def _entry_into_force(frame: Frame, evidence: Sequence[Evidence], library: Library) -> Answer | None:
        """The date a document applies from, read from its own clause (本法自2015年1月1日起施行): of the documents
        the question names, else of the best sentence's document. Two documents with two dates prove nothing."""
        documents = list(frame.scope) or [str(item["document"]) for item in evidence[:1] if item.get("document")]
        found: list[ValueFact] = []
        for document in documents:
            for row in library.run_query("entry_into_force", {"doc": document}):
                sentence = _compact(str(row["text"]))
                for expr in find_times(sentence):
                    day = expr.begin or expr.end
                    if day is not None and re.match(r"起?(?:施行|生效)", sentence[expr.end_char: expr.end_char + 3]):
                        surface = sentence[expr.start_char: expr.end_char].removeprefix("自").removesuffix("起")
                        found.append(ValueFact(value=surface, unit=None, subject=None, measure=TimeAsk.IN_FORCE.value,
                                               date=day.isoformat(),
                                               citation=citation_id(str(row["docId"]), str(row["cite"])),
                                               surface=surface))
                        break
                if found and found[-1].citation.startswith(f"{document}/"):
                    break
        if len({fact.date for fact in found}) != 1:
            return None
        fact = found[0]
        return Answer(kind=frame.kind, answered=True, text=fact.surface, value=fact, values=[fact],
                      support=[fact.citation], facts=[fact.as_dict()])

    @staticmethod
    def _expressions(ask: TimeAsk | None, sentence: str,
                     issued: dt.date | None = None) -> list[tuple[int, str, int, int, str | None]]:
        """(preference, surface, start, end, ISO date) of the expressions that answer this kind of when."""
        # Without a final clause that proves it, entry into force is asked like any date of the text.
        ask = TimeAsk.DATE if ask in (None, TimeAsk.IN_FORCE) else ask
        found: list[tuple[int, str, int, int, str | None]] = []
        if ask == TimeAsk.UNTIL:
            for expr in find_times(sentence, issued):
                preceding = sentence[max(0, expr.start_char - 1): expr.start_char]
                reached = expr.kind == "deadline" or preceding in ("到", "至")
                if reached and expr.end is not None:
                    found.append((0, expr.surface, expr.start_char, expr.end_char, expr.end.isoformat()))
            return found
        if ask in (TimeAsk.DATE, TimeAsk.REFERENCE):
            wanted = (
                ("reference", "instant")
                if ask == TimeAsk.REFERENCE
                else ("deadline", "from", "instant", "reference", "period")
            )
            for expr in find_times(sentence, issued):
                if expr.kind in wanted and "提前" not in expr.surface:
                    day = expr.end or expr.begin
                    found.append((0, expr.surface, expr.start_char, expr.end_char, day.isoformat() if day else None))
            if ask == TimeAsk.DATE:
                taken = [(start, end) for _, _, start, end, _ in found]
                found += [(0, surface, start, end, None) for start, end, surface in find_relative_times(sentence)
                          if all(end <= a or start >= b for a, b in taken)]
        classes = {
            TimeAsk.DATE: (MannerClass.TIMING, MannerClass.FREQUENCY),
            TimeAsk.FREQUENCY: (MannerClass.FREQUENCY,),
            TimeAsk.MANNER: (MannerClass.MANNER, MannerClass.TIMING, MannerClass.FREQUENCY),  # 一次性还是… → 定期
            TimeAsk.ADVANCE: (MannerClass.ADVANCE,),
            TimeAsk.REFERENCE: (),
        }[ask]
        for expr in find_manner(sentence):
            if expr.kind in classes:
                found.append((1, expr.surface, expr.start_char, expr.end_char, None))
        if ask == TimeAsk.ADVANCE:
            # how far ahead: a lead time before an event (有效期届满三十日前) as well as 提前 phrases
            found += [(0, surface, start, end, None) for start, end, surface in find_relative_times(sentence)
                      if surface.endswith("前")]
        return found


# ---------------------------------------------------------------------------------------------- provisions
class ModalityComposer:
    """Must / must not / may: the ranking has already put the asked actor's provisions (and, for must-not,
    prohibitions) first, so the best-ranked provision is the answer, cited with its modality."""

    kinds = (AskedKind.MUST, AskedKind.MUST_NOT, AskedKind.MAY)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        if not evidence:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NOT_CLOSE))
        top = evidence[0]
        return Answer(kind=frame.kind, answered=True, text=top["text"], support=[top["id"]],
                      facts=[{"provision": top["id"], "modality": top.get("modality")}])


class WhoComposer:
    """Who acts: among the best sentences' clauses that hold the question's own verb (制定, 出具, 发布), the
    one that says most of what was asked and has a bearer named at or before its start (发展改革委、
    工业和信息化部 for 出具认定意见, not the 咨询机构 it commissions). No such clause: the documents do not
    say who, and the answer says so; another clause's or sentence's bearer would be a confident error."""

    kinds = (AskedKind.WHO,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        words = library.content_words(frame, with_names=True)
        # An English question's verbs are read from their Chinese renderings (formulate → 制定). A question
        # without a content verb (由谁担总责) can only be answered by the top-ranked sentence.
        verbs = question_verbs(frame.focus if frame.language == "zh" else " ".join(frame.question.translated))
        if not verbs:
            k = 1
        best: tuple[tuple[int, int], str, Evidence] | None = None
        for rank, item in enumerate(evidence[:k]):
            sentence = _compact(item["text"])
            position, previous = 0, ""
            for clause in _CLAUSE_END.split(sentence):
                start = sentence.find(clause, position)
                position = start + len(clause)
                previous, clause_before = clause, previous
                if verbs and not any(_find_verb(clause, verb) >= 0 for verb in verbs):
                    continue
                bearer = (_bearer_before(library.provisions.get(item["id"]), sentence, start)
                          or _agent_marked_by_you(clause, verbs, library.lexicon, clause_before))
                shared = _overlap(words, clause)
                # 农村村民住宅用地，由乡（镇）人民政府审核批准: what 由 assigns is the topic of the clause before, so
                # that clause may say what was asked when the 由-clause itself says nothing of it.
                topic = _overlap(words, clause_before) if clause.startswith("由") else 0
                if bearer and (shared or topic) and (best is None or (shared, -rank) > best[0]):
                    best = ((shared, -rank), bearer, item)
        if best is None:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NO_ACTOR))
        _, bearer, item = best
        return Answer(kind=frame.kind, answered=True, text=f"{bearer} — {item['text']}",
                      facts=[{"provision": item["id"], "bearer_text": bearer}], support=[item["id"]],
                      query={"name": "provisions", "params": {}, "row": item["id"]})


def _find_verb(clause: str, verb: str) -> int:
    """Where a clause states a verb: as written, or as the two words a two-character verb abbreviates
    (审批 ← 审核批准 / 审查批准, 核发 ← 核准发放); -1 when it does not."""
    at = clause.find(verb)
    if at >= 0 or len(verb) != 2:
        return at
    spelled = re.search(re.escape(verb[0]) + r"[\u4e00-\u9fff]" + re.escape(verb[1]) + r"[\u4e00-\u9fff]", clause)
    return spelled.start() if spelled else -1


#: Verbs that ask who without saying what is done (负责, 承担) or only mark modality (要, 应当).
_LIGHT_VERBS = frozenset({"负责", "承担", "是", "有", "由", "要", "需要", "应当", "应该", "必须", "进行", "开展", "做",
                          "干", "来", "能", "可以", "会", "担任", "牵头负责"})


def question_verbs(text: str) -> list[str]:
    """The content verbs of a question's asking clause (产能置换方案由谁制定 → 制定)."""
    import jieba.posseg

    return [t.word for t in jieba.posseg.cut(text) if t.flag.startswith("v") and len(t.word) >= 2
            and t.word not in _LIGHT_VERBS]


#: An article's number before its first clause (第十五条国务院环境保护主管部门制定…).
_ARTICLE_PREFIX = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条")


#: 经(过)X + the verb: X is who approves, the verb ending the clause part looked at.
_APPROVAL_AGENT = re.compile(r"经过?(?P<agent>[^，；。经]{2,24})$")


def _agent_marked_by_you(clause: str, verbs: list[str], lexicon: Lexicon, clause_before: str = "") -> str | None:
    """The agent of the question's verb in a rule of competence, which names who acts without a modal
    word, so no provision bearer was extracted for it: the agent 由 marks before the verb
    (永久基本农田转为建设用地的，由国务院批准), or the clause's subject right before it
    (国务院环境保护主管部门制定国家环境质量标准). Only an agent that names an organisation the dictionaries
    know counts, and a subject only when an organisation's name ends where the verb begins."""
    for verb in verbs:
        at = _find_verb(clause, verb)
        if at <= 0:
            continue
        marker = clause.rfind("由", 0, at)
        if marker < 0:
            # 经本行政机关负责人批准: 经 (经过) marks who approves or agrees as 由 marks who acts.
            approval = _APPROVAL_AGENT.search(clause[:at])
            marker = approval.start("agent") - 1 if approval else -1
        if marker >= 0:
            agent = clause[marker + 1:at].strip()
            if agent and any(concept.kind == "agency" for _, _, concept in lexicon.find(agent)):
                return agent
            continue
        subject = _ARTICLE_PREFIX.sub("", clause[:at]).strip()
        if 2 <= len(subject) <= 24 and any(concept.kind == "agency" and end == len(subject)
                                           for _, end, concept in lexicon.find(subject)):
            return subject
        # 国务院环境保护主管部门，对全国环境保护工作实施统一监督管理: the subject stands alone before the comma.
        alone = _ARTICLE_PREFIX.sub("", clause_before).strip()
        if clause.startswith(("对", "在", "依照", "按照", "根据")) and 2 <= len(alone) <= 24 and any(
                concept.kind == "agency" and end == len(alone) for _, end, concept in lexicon.find(alone)):
            return alone
    return None


def _bearer_before(provision: object, sentence: str, start: int) -> str | None:
    """The bearer the provision names last at or before a clause's start: Chinese puts the actor before
    what it does, and an actor in the middle of a clause (报发展改革委, 委托咨询机构) is its object."""
    mentions = [m["text"] for m in getattr(provision, "bearer_mentions", None) or [] if m.get("role") == "bearer"]
    located = ((sentence.rfind(_compact(m), 0, start + len(_compact(m))), _compact(m)) for m in mentions)
    found = sorted((at, text) for at, text in located if at >= 0)
    if not found:
        return None
    # Conjuncts of one coordination (作出行政许可决定的行政机关或者其上级行政机关) answer together.
    first, last = len(found) - 1, found[-1]
    while first > 0 and _COORDINATION_GAP.fullmatch(sentence[found[first - 1][0] + len(found[first - 1][1]):
                                                             found[first][0]]):
        first -= 1
    return sentence[found[first][0]: last[0] + len(last[1])]


_COORDINATION_GAP = re.compile(r"、|和|与|及|以及|或者|或")


class ListComposer:
    """What applies to an industry by a date: the named query's provisions are the answer."""

    kinds = (AskedKind.LIST,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        lexicon = library.lexicon
        if not frame.industries:
            # 约法三章是哪几条: items of one provision, named by no industry: the best sentence lists them.
            return dataclasses.replace(SearchComposer().compose(frame, evidence, library, k), kind=frame.kind)
        industry = next((i for i in frame.industries if not lexicon.is_group(i)), frame.industries[0])
        params: dict[str, str] = {"industry": industry}
        if frame.question.by_date:
            params["by"] = frame.question.by_date.isoformat()
        found = library.run_query("applies_to", params)
        from kg.graph.build import citation_of

        facts = [
            {
                "provision": citation_of(r["sentence"]),
                "label": r["label"],
                "modality": r["modality"],
                "deadline": r["deadline"],
                "scope": r["scope"],
                "text": r["text"],
                "section": r["section"],
            }
            for r in found
        ]
        # Dated and industry-specific provisions first: they are what "by 2015" asks about.
        facts.sort(key=lambda fact: (fact["deadline"] is None, fact["scope"] != "specific"))
        applying = {fact["provision"] for fact in facts}
        best = next((item for item in evidence if item["id"] in applying), evidence[0] if evidence else None)
        if best is None:
            return Answer.refuse(
                frame.kind, Reason(ReasonCode.NO_PROVISION, {"actor": Localized("", ""), "modality": Localized("", "")})
            )
        return Answer(
            kind=frame.kind,
            answered=True,
            text=best["text"],
            facts=facts,
            support=[best["id"]],
            query={"name": "applies_to", "params": params},
        )


class WhereComposer:
    kinds = (AskedKind.WHERE,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        if not evidence:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NOT_CLOSE))
        top = evidence[0]
        return Answer(
            kind=frame.kind,
            answered=True,
            text=f"{top['section']}（{top['label']}）：{top['text']}",
            support=[top["id"]],
        )


_ADDRESSEE_CUES = ("主送", "发给", "下发", "印发给", "抄送", "addressed", "recipient", "sent to")


def _matches_any(text: str, cues: Sequence[str]) -> bool:
    return any(cue in text for cue in cues)


class DocumentComposer:
    """Issuer, date, number, addressees: the document's metadata, stated by its signature lines."""

    kinds = (AskedKind.DOCUMENT,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        if frame.asks_which_document:
            return self._which(frame, evidence, library)
        # The document asked about: the one the question names, or the library's only one. Another document's
        # issuer or date would be a confident wrong answer.
        documents = [d for d in library.document if not frame.scope or str(d["docId"]) in frame.scope]
        if len(documents) > 1:  # 这份意见: the one document of the kind the question names (指导意见), if only one is
            question = _compact(frame.question.text)
            documents = [d for d in documents if d.get("type") and str(d["type"])[-2:] in question]
        if len(documents) != 1:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NOT_CLOSE))
        doc = documents[0]
        # The line that states what was asked: the addressees, or the issuer and date under the text.
        role = "addressees" if _matches_any(frame.question.text.lower(), _ADDRESSEE_CUES) else "signature"
        support = [citation_id(str(s["docId"]), str(s["cite"])) for s in library.signatures
                   if s["role"] == role and str(s["docId"]) == str(doc["docId"])]
        date = str(doc["date"])
        year, month, day = date.split("-")
        written = f"{int(year)}年{int(month)}月{int(day)}日"  # as the signature line states it
        # In English, a reader's date and then the text's own words, which a citation can be checked against.
        shown = (written if frame.language == "zh"
                 else f"{int(day)} {calendar.month_name[int(month)]} {year} ({written})")
        text = i18n(
            "text.issued",
            frame.language,
            issuer=doc["issuerLabel"] or "",
            date=shown,
            title=doc["title"],
            number=doc["number"],
        )
        return Answer(kind=frame.kind, answered=True, text=text, facts=[doc], support=support[:1],
                      query={"name": "document_facts", "params": {}})


    @staticmethod
    def _which(frame: Frame, evidence: Sequence[Evidence], library: Library) -> Answer:
        """Which report set X: the title of the document whose sentence says most of X, the best-ranked one;
        none when no sentence says most of what was asked (another report's words would name a wrong one)."""
        if evidence:
            best = evidence[0]
            document = next((d for d in library.document if str(d["docId"]) == str(best.get("document"))), None)
            if document is not None and _says_most_of(frame, library.content_words(frame),
                                                      library.context(best["id"]), library):
                return Answer(kind=frame.kind, answered=True, text=str(document["title"]), facts=[document],
                              support=[best["id"]], query={"name": "document_facts", "params": {}})
        return Answer.refuse(frame.kind, Reason(ReasonCode.NOT_CLOSE))


class SearchComposer:
    """No short answer is asked for: the best sentence is the answer, cited."""

    kinds = (AskedKind.SEARCH,)

    def compose(self, frame: Frame, evidence: Sequence[Evidence], library: Library, k: int) -> Answer:
        if not evidence:
            return Answer.refuse(frame.kind, Reason(ReasonCode.NOT_CLOSE))
        return Answer(kind=frame.kind, answered=True, text=evidence[0]["text"], support=[evidence[0]["id"]])


#: The routes: the first composer that declares the frame's kind answers it.
COMPOSERS: tuple = (
    DocumentComposer(),
    ExtremeComposer(),
    WhenComposer(),
    ValueComposer(),
    ModalityComposer(),
    WhoComposer(),
    ListComposer(),
    WhereComposer(),
    SearchComposer(),
)


def composer_for(kind: AskedKind):
    for composer in COMPOSERS:
        if kind in composer.kinds:
            return composer
    raise LookupError(f"no composer answers {kind}")


__all__ = ["COMPOSERS", "composer_for", "fits_rate_noun", "fits_region", "fits_subject", "fits_time", "fits_unit"]
