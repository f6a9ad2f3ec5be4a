"""Citations of other documents by name, as a sentence writes them.

What is found here knows nothing of the library: a sentence's mentions depend on its own text
only, so one document's graph never has to be rebuilt because another document was added.
Which document (and article) a mention names is decided later, across the library, by
:func:`kg.links.resolve_links`.

==============================  ====================================================  =============
form                            example                                               title, article
==============================  ====================================================  =============
title in 《》                    应当依照《中华人民共和国突发事件应对法》的规定          中华人民共和国突发事件应对法
title in 《》 with articles      《中华人民共和国环境保护法》第五十九条、第六十条        …环境保护法, 59 / 60
a law's name after a cue        各省级人民政府依据行政许可法、土地管理法、环境保护法    three mentions
a list ending in 等法律法规      国土、环保部门依据土地管理法、环境保护法等法律法规    two mentions
a revised law                   新修订的环境保护法必须严格执行                          环境保护法
a bare name with an article     违反环境保护法第五十九条的规定                          环境保护法, 59
after a title in 《》             执行《中华人民共和国环境保护法》和行政许可法            both
==============================  ====================================================  =============

A bare name (no 《》) is a run of Chinese characters ending in 法 that begins right after a
citing verb (依据, 按照, 违反 …), a 修订 modifier, a list separator after another name, or a
clause boundary, and is then accepted only with evidence that a law is meant: the verb or
modifier before its list, or 等法律法规 / 第…条 / 的规定 after it. Not citations: 本法第十二条
(the document itself), 依法, 违法违规, 浮法玻璃, 新型干法水泥, 管理办法, 法律法规.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.structure import CN_NUMERAL, cn_to_int

_CJK = r"\u4e00-\u9fff"
_NUMBER = rf"[{CN_NUMERAL}]+|\d+"
_ARTICLE = re.compile(rf"第({_NUMBER})条(?:第(?:{_NUMBER})[款项])*")
_ARTICLE_LIST = re.compile(rf"(?:[、和及]|以及)第({_NUMBER})条(?:第(?:{_NUMBER})[款项])*")
#: A title in 《》; 〈〉 and <> may nest inside (《关于修改〈中华人民共和国土地管理法〉的决定》).
_BRACKETED = re.compile(r"《([^《》\n]{1,120})》")
#: Verbs after which a name ending in 法 is a law being cited.
_CUES = ("依据", "依照", "根据", "按照", "遵照", "遵守", "执行", "违反", "贯彻", "落实", "实施", "适用", "参照",
         "对照", "符合")
_MODIFIERS = ("新修订的", "修订后的", "修正后的", "修改后的", "新修订", "现行")
#: What may follow a law's name; anything else (法律, 法规, 浮法玻璃, 依法行政) means it was no name …
_FOLLOWER = re.compile(r"$|[\s、，。；：！？）)”’》」]|和|及|与|或|等|第|的|规定|有关|相关|中|之|所")
#: … unless a cue opens the name (新修订的环境保护法必须严格执行): then only a word that 法 begins is refused.
_WORD_AFTER_LAW = re.compile(r"[律规典院官庭制治学理定人]")
#: Evidence after a list of names that laws are meant.
_LAW_TAIL = re.compile(rf"等(?:法律|法规)|第(?:{_NUMBER})条|(?:的|之)?(?:有关|相关)?规定")
#: Words ending in 法 that are no law's name (a method, lawful, this law …).
_NOT_NAMES = ("办法", "方法", "做法", "看法", "说法", "想法", "用法", "手法", "写法", "算法", "语法", "疗法",
              "技法", "章法", "依法", "违法", "合法", "非法", "执法", "立法", "守法", "犯法", "枉法",
              "无法", "设法", "效法", "本法", "该法", "此法", "前法", "新法", "旧法", "干法", "湿法", "浮法",
              "书法", "兵法", "变法", "取法", "打法", "玩法", "佛法", "魔法", "国法", "王法", "家法",
              "上位法", "下位法", "特别法", "一般法", "部门法", "程序法", "实体法")
#: Characters no law's name contains (outside 中华人民共和国): they join clauses, not words of a title.
_CLAUSE_CHARS = set("的等在按是为将把被由了要并或")
_STATE = "中华人民共和国"
_MAX_NAME = 24


@dataclass(frozen=True)
class LegalCitation:
    """One document named in a sentence: where, as written, and the article when one is named."""

    start: int
    end: int
    surface: str  # the words as written, articles included: 环境保护法第五十九条
    title: str  # the name without 《》: 中华人民共和国环境保护法, 环境保护法
    article: int | None = None
    bracketed: bool = False


def find_citations(text: str) -> list[LegalCitation]:
    """Every citation in a sentence, in text order; a name with several articles gives one per article."""
    found: list[LegalCitation] = []
    taken: list[tuple[int, int]] = []
    for match in _BRACKETED.finditer(text):
        title = re.sub(r"\s+", "", match.group(1))
        if title:
            found.extend(_with_articles(text, match.start(), match.end(), title, bracketed=True))
            taken.append((match.start(), match.end()))
    for start, end in _bare_names(text):
        if not any(a <= start < b or a < end <= b for a, b in taken):
            found.extend(_with_articles(text, start, end, text[start:end]))
    return sorted(found, key=lambda c: (c.start, c.article or 0))


def _with_articles(text: str, start: int, end: int, title: str, *, bracketed: bool = False) -> list[LegalCitation]:
    first = _ARTICLE.match(text, end)
    if first is None:
        return [LegalCitation(start, end, text[start:end], title, None, bracketed)]
    # Each article of a list (第五十九条、第六十条) is a mention of its own words; the first carries the name.
    spans = [(start, first.end(), first.group(1))]
    while (more := _ARTICLE_LIST.match(text, spans[-1][1])) is not None:
        spans.append((more.start(1) - 1, more.end(), more.group(1)))
    return [LegalCitation(a, b, text[a:b], title, _number(n), bracketed) for a, b, n in spans]


def _number(raw: str) -> int | None:
    try:
        return int(raw) if raw.isdigit() else cn_to_int(raw)
    except ValueError:
        return None


def _bare_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of the bare law names, list by list, keeping the lists with evidence."""
    names: list[tuple[int, int, bool]] = []  # start, end, whether a cue or modifier opens it
    for match in re.finditer("法", text):
        end = match.end()
        run = end - 1
        while run > 0 and end - run < _MAX_NAME and re.match(f"[{_CJK}]", text[run - 1]):
            run -= 1
        start, cued = _name_start(text, run, end)
        name = text[start:end]
        bare = name.removeprefix(_STATE)
        if len(name) < 2 or not bare or name.endswith(_NOT_NAMES) or _CLAUSE_CHARS & set(bare):
            continue
        if not _FOLLOWER.match(text, end) and (not cued or _WORD_AFTER_LAW.match(text, end)):
            continue
        names.append((start, end, cued))
    accepted: list[tuple[int, int]] = []
    group: list[tuple[int, int, bool]] = []
    for name in names:
        if group and not _separated(text, group[-1][1], name[0]):
            accepted.extend(_if_evidence(text, group))
            group = []
        group.append(name)
    if group:
        accepted.extend(_if_evidence(text, group))
    return accepted


def _name_start(text: str, run: int, end: int) -> tuple[int, bool]:
    """Where a name ending at ``end`` begins inside its run of characters, and whether a cue opens it."""
    segment = text[run:end]
    best, cued = 0, False
    # A list that began with a title in 《》 goes on: 《中华人民共和国环境保护法》和行政许可法, 《…》、…
    if text[max(0, run - 2):run].endswith(("》", "》、")):
        conjunction = next((c for c in ("以及", "和", "及", "与") if segment.startswith(c)), "")
        if conjunction or text[run - 1] == "、":
            best, cued = len(conjunction), True
    for word in (*_CUES, *_MODIFIERS):
        at = segment.rfind(word, 0, len(segment) - 1)
        if at >= 0 and at + len(word) > best:
            best, cued = at + len(word), True
    for separator in ("法和", "法及", "法与", "法以及"):  # the name before ends at its 法
        at = segment.rfind(separator, 0, len(segment) - 1)
        if at >= 0 and at + len(separator) > best:
            best, cued = at + len(separator), False
    return run + best, cued


def _separated(text: str, previous_end: int, start: int) -> bool:
    """Two names are one list when only a separator stands between them."""
    return text[previous_end:start] in ("、", "和", "及", "与", "以及")


def _if_evidence(text: str, group: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    opened = group[0][2]
    closed = _LAW_TAIL.match(text, group[-1][1]) is not None
    return [(start, end) for start, end, _ in group] if opened or closed else []
