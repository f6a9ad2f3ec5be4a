"""Deontic modality and bearer of a sentence.

Types, strongest first (a sentence takes its strongest cue; the closed set is :class:`kg.enums.Modality`):

* liability — 由负有…职责的部门责令停止建设，处以罚款; 还应当…承担连带责任; 对监管不力的要严肃追究相关人员的责任;
  被许可人在规定期限内不改正的，行政机关应当…予以处理 (handling after a breach)
* prohibition — 严禁各地自行出台优惠电价措施; 一律不得放贷、发债、上市融资; 禁止自行实行电价优惠
* obligation — 地方政府要按照要求进行全面清理; 须制定产能置换方案; 均应向社会公开; 负总责
* permission — 贷款期限可延长至7年; 可以用于支持企业做好善后处理工作
* encouragement — 鼓励商业银行…加大…信贷支持; 支持电解铝企业与电力企业签订直购电长期合同; also when
  鼓励/支持/引导 opens a later clause of an otherwise bare imperative (完善…税收政策，鼓励企业重组)

A sentence with no cue word whose clause opens with a directive verb
(加强…, 严格执行…, 推进…) is an implicit obligation (``explicit=False``); any
other sentence is background and has no modality. Cue lists are data
(``kg/resources/modality.toml``).

Bearers are found by :mod:`kg.extract.bearers`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kg.enums import Modality as ModalityType

STRENGTH = tuple(ModalityType)


@dataclass(frozen=True)
class Modality:
    type: ModalityType | None  # None for background
    cue: str | None
    explicit: bool
    cue_start: int = -1


@lru_cache(maxsize=1)
def config() -> dict:
    """``kg/resources/modality.toml``: cues per type, false cues, directive verbs and openers."""
    return tomllib.loads(resources.files("kg.resources").joinpath("modality.toml").read_text("utf-8"))


_config = config


def _cue_positions(text: str, kind: str) -> list[tuple[int, str]]:
    config = _config()
    blocked = [0] * (len(text) + 1)
    for false_cue in config["false_cues"].get(kind, []):
        for match in re.finditer(re.escape(false_cue), text):
            for position in range(match.start(), match.end()):
                blocked[position] = 1
    hits: list[tuple[int, str]] = []
    covered = [0] * (len(text) + 1)
    for cue in sorted(config["cues"][kind], key=len, reverse=True):
        for match in re.finditer(re.escape(cue), text):
            span = range(match.start(), match.end())
            if any(blocked[p] or covered[p] for p in span):
                continue
            for position in span:
                covered[position] = 1
            hits.append((match.start(), cue))
    return sorted(hits)


def _clauses(text: str) -> list[tuple[int, str]]:
    clauses, start = [], 0
    for match in re.finditer(r"[，；。：！？]", text):
        clauses.append((start, text[start: match.start()]))
        start = match.end()
    if start < len(text):
        clauses.append((start, text[start:]))
    return [(s, c) for s, c in clauses if c]


_TIME_OPENER = re.compile(
    r"^(?:到|至|在)?(?:(?:19|20)\d{2}年(?:底|末)?(?:以)?[前后]?|[“\"]?十[一二三四五六七八九]?五[”\"]?(?:期间|时期)?)"
)
_ADVERBS = ("积极", "大力", "进一步", "继续", "要", "并", "还要", "同时")


def _first_substantive_clause(text: str) -> str:
    """The first clause that is not an opener (对…，/在…，/同时，/2015年底前，)."""
    openers = tuple(_config()["directive"]["openers"])
    clauses = _clauses(text)
    for index, (_, clause) in enumerate(clauses):
        body = _TIME_OPENER.sub("", clause.lstrip("—“”")).lstrip("，")
        if not body:
            continue
        is_last = index == len(clauses) - 1
        if not is_last and (body.startswith(openers) or (clause != body and len(body) < 4)):
            continue
        return body
    return ""


_ACTION_ON_OBJECT = re.compile(r"^对于?[^的，]{1,20}?(实施|实行|采取|给予|加强|加大|进行|开展|予以|强化)")
_RESULT_STATE = re.compile(r"明显|显著|基本|初步|得到|取得|日益|不断|大幅")


def is_directive(text: str, starts_with_actor: bool = False) -> bool:
    """Does the sentence open with an instruction (a directive verb, or an actor followed by one)?"""
    verbs = tuple(sorted(_config()["directive"]["verbs"], key=len, reverse=True))
    body = _first_substantive_clause(text)
    if _RESULT_STATE.search(body):  # ——发展质量明显改善: a goal reached, not an instruction
        return False
    if body.startswith(verbs) or body.lstrip("".join(_ADVERBS)).startswith(verbs):
        return True
    # 对X，Y的产能，实施Z: the instruction follows the scope.
    if text.startswith(("对", "凡是", "对于")) and any(clause.startswith(verbs) for _, clause in _clauses(text)[1:]):
        return True
    return starts_with_actor and any(verb in text for verb in verbs)


def _opens_with(text: str, cues: list[str]) -> str | None:
    body = _first_substantive_clause(text)
    for adverb in _ADVERBS:
        if body.startswith(adverb):
            body = body[len(adverb):]
            break
    return next((cue for cue in sorted(cues, key=len, reverse=True) if body.startswith(cue)), None)


# 追究…责任, 给予记过…处分 and 承担法律责任 (民事, 赔偿…) name the liable party; 予以处理 is a sanction only after
# a breach (不改正的，…予以处理), and 应当给予处分的 is a condition.
_PURSUE = re.compile(r"追究[^，；。]{0,20}责任|给予[^，；。]{0,12}处分(?!的)|(?<![应可])处[^，；。]{0,12}拘留"
                     r"|承担(?:相应的?)?(?:法律|民事|行政|刑事|赔偿|侵权)责任")
_BREACH_HANDLING = re.compile(r"(?:不改正|拒不|逾期不|违反|擅自|弄虚作假|隐瞒)[^，；。]*的，[^。；]*?(?:予以|依法)处理"
                               # compensation owed for a breach (违法实施…造成损害的，应当…给予赔偿)
                               r"|(?:违法|违反)[^。；]*的，[^。；]*?给予赔偿")


def _liability_cue(text: str) -> tuple[int, str] | None:
    hits = _cue_positions(text, "liability")
    for pattern in (_PURSUE, _BREACH_HANDLING):
        match = pattern.search(text)
        if match:
            hits.append((match.start(), match.group(0)))
    # 对责令限期拆除的行政处罚决定不服的，可以…起诉: a sanction named as a decision someone received is no sanction
    # this sentence imposes.
    hits = [(p, cue) for p, cue in hits if not _names_a_decision(text, p, cue)]
    return min(hits) if hits else None


_DECISION = re.compile(r"[^，；。：]{0,12}?决定")


def _names_a_decision(text: str, position: int, cue: str) -> bool:
    """The cue is part of the name of a decision (…限期拆除的行政处罚决定, 接到责令限期拆除决定之日起) in a condition
    or a time phrase: a document, not a consequence."""
    if not _DECISION.match(text, position + len(cue)):
        return False
    return _in_condition(text, position) or "之日" in text[position: position + len(cue) + 14]


def _clause_opening_cue(text: str, cues: list[str]) -> tuple[int, str] | None:
    """A cue that opens any clause, after an adverb (…，鼓励企业重组 / 大力发展…，鼓励创新基金品种)."""
    for start, clause in _clauses(text):
        body = clause.lstrip("—“")
        offset = start + len(clause) - len(body)
        for adverb in _ADVERBS:
            if body.startswith(adverb):
                body, offset = body[len(adverb):], offset + len(adverb)
                break
        cue = next((c for c in sorted(cues, key=len, reverse=True) if body.startswith(c)), None)
        if cue:
            return offset, cue
    return None


# The purpose article of a law (为了…，根据宪法，制定本法) states why, not who must do what.
_PURPOSE = re.compile(r"^为了?[^。]*，制定本(?:法|条例|办法|规定|决定)。?$")


def _in_relative_clause(text: str, position: int, cue: str) -> bool:
    """可以改造的中、低产田: the cue modifies a noun (…的 + noun), it binds no one."""
    return re.match(r"[^，；。的]{0,3}的(?![，；。])", text[position + len(cue):]) is not None


# A numbered list item that is only a condition (（四）…，被责令改正，拒不改正的。): the duty or sanction is in
# the sentence that introduces the list, and a cue inside the condition (责令) binds nobody here.
_CONDITION_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)][^。]*的[。；;]?$")


def _norm_hits(text: str) -> list[tuple[int, str, ModalityType]]:
    """(position, cue, type) of every duty, ban or right a deontic word states, outside relative clauses."""
    return [(p, c, kind) for kind in (ModalityType.PROHIBITION, ModalityType.OBLIGATION, ModalityType.PERMISSION)
            for p, c in _cue_positions(text, kind) if not _in_relative_clause(text, p, c)]


def _norm_before(text: str, position: int) -> bool:
    """A law's sentence states a duty, a ban or a right before its sanction, outside any condition (非法批准、使用的
    土地应当收回，有关当事人拒不归还的，以非法占用土地论处): that first norm governs it."""
    # A modal in the sanction's own clause is part of it (依法应当承担赔偿责任, 应当责令…改正).
    return any(p < position and re.search(r"[，；。：]", text[p:position]) and not _in_condition(text, p)
               for p, _, _ in _norm_hits(text))


def _in_condition(text: str, position: int) -> bool:
    """Whether a position lies in a clause before a comma that ends in 的 (a condition) or opens with 对 /
    凡是 (a topic: 对依法应当编制…的建设项目，)."""
    end = re.search(r"[，；。：]", text[position:])
    if end is None or end.group() != "，":
        return False
    start = max((m.end() for m in re.finditer(r"[，；。：]", text[:position])), default=0)
    clause = text[start: position + end.start()]
    return clause.endswith("的") or clause.startswith(("对", "凡是"))


def _in_topic(text: str, position: int) -> bool:
    """Whether a deontic word opens (after an adverb such as 依法) a clause that is one noun phrase, a 的-modifier
    and its short head before a comma (依法应当先经下级行政机关审查…的行政许可，): it qualifies the topic."""
    start = max((m.end() for m in re.finditer(r"[，；。：]", text[:position])), default=0)
    end = re.search(r"[，；。：]", text[position:])
    if end is None or end.group() != "，" or position - start > 2:
        return False
    clause_end = position + end.start()
    head_start = text.rfind("的", position, clause_end) + 1
    if head_start == 0 or not 0 < clause_end - head_start <= 6:
        return False
    return not any(head_start <= p < clause_end for p, _, _ in _norm_hits(text))  # the head is a noun, no modal


# 有…权利 grants a right as 有权 does (申请人有依法取得行政许可的平等权利); 有…义务 imposes a duty as 应当 does
# (一切单位和个人都有保护环境的义务).
_HAS_RIGHT = re.compile(r"(?<!没)有(?!关)[^，。；没]{1,16}?权利")  # 有关 is "relevant"
_HAS_DUTY = re.compile(r"(?<!没)有(?!关)[^，。；没]{0,16}?义务")
# A list item that names a category (（六）法律、法规规定的应当注销行政许可的其他情形。, （五）国务院规定应当划为
# 永久基本农田的其他耕地。): what the list covers, not a norm; a deontic word inside it modifies the category.
_CATEGORY_ITEM = re.compile(
    r"^[（(][一二三四五六七八九十]+[）)][^。，；]*(?:(?:情形|事项|行为)|的其他[^。，；的]{1,8})[。；;]?$")
# A proviso (但是，依法应当由申请人到行政机关办公场所提出申请的除外。): an exception to the rule before it, no rule.
_PROVISO = re.compile(r"^但(?:是)?[，,]?[^。]*除外[。；;]?$")


def stated_norms(text: str) -> set[str]:
    """Every norm a sentence states by a deontic word, not only the one that governs it (应当按照合同约定的用途
    使用土地，并不得修建永久性建筑物 forbids too): what a question about a prohibition may be answered by."""
    return {kind.value for _, _, kind in _norm_hits(text)}


def classify(text: str, starts_with_actor: bool = False, subject_end: int | None = None,
             statute: bool = False) -> Modality:
    """The modality of one sentence (see the module docstring for the order of tests).

    ``subject_end``: where the actor that opens the sentence ends, if one does (国家|鼓励和引导…).
    ``statute``: a law's sentence, whose norms are read in the order it states them (below).
    """
    if _PURPOSE.match(text) or _CONDITION_ITEM.match(text) or _PROVISO.match(text) or _CATEGORY_ITEM.match(text):
        return Modality(None, None, False)
    liability = _liability_cue(text)
    if liability and not (statute and _norm_before(text, liability[0])):
        return Modality(ModalityType.LIABILITY, liability[1], True, liability[0])
    if statute:
        # A law joins norms in one sentence (应当支持与配合…，不得拒绝; 有…权利，行政机关不得歧视): the first governs
        # and the rest follow from it, so the first deontic word decides, whatever its strength.
        hits = [*_norm_hits(text),
                *((m.start(), m.group(0), ModalityType.PERMISSION) for m in _HAS_RIGHT.finditer(text)),
                *((m.start(), m.group(0), ModalityType.OBLIGATION) for m in _HAS_DUTY.finditer(text))]
        # 对依法应当编制…的建设项目，建设单位应当…: a word inside a condition (…的，) or a topic (依法应当先经…审查
        # 的行政许可，下级行政机关应当…) does not govern the sentence.
        ruling = [hit for hit in hits if not _in_condition(text, hit[0]) and not _in_topic(text, hit[0])]
        hits = ruling or hits
        if hits:
            # 一律不得 is one cue, not 一律 (a duty) before 不得
            position, cue, kind = min(hits, key=lambda hit: (hit[0], -len(hit[1])))
            return Modality(kind, cue, True, position)
    for kind in (ModalityType.PROHIBITION, ModalityType.OBLIGATION):
        hits = [(p, c) for p, c in _cue_positions(text, kind) if not _in_relative_clause(text, p, c)]
        if hits:
            position, cue = hits[0]
            return Modality(kind, cue, True, position)
    cues = _config()["cues"]
    for kind in (ModalityType.PERMISSION, ModalityType.ENCOURAGEMENT):
        cue = _opens_with(text, cues[kind])
        if cue:
            return Modality(kind, cue, True, text.find(cue))
        # 国家鼓励和引导公民…: the cue right after the actor who encourages.
        if subject_end is not None:
            cue = next((c for c in sorted(cues[kind], key=len, reverse=True) if text.startswith(c, subject_end)), None)
            if cue:
                return Modality(kind, cue, True, subject_end)
    # Only in an instruction (完善…政策，鼓励企业重组); in 遏制矛盾…，引导好投资方向，对…具有重要意义 it is no cue.
    later = _clause_opening_cue(text, _config()["encouragement_any_clause"]["cues"])
    if later and is_directive(text, starts_with_actor):
        return Modality(ModalityType.ENCOURAGEMENT, later[1], True, later[0])
    hits = [(p, c) for p, c in _cue_positions(text, "permission") if not _in_relative_clause(text, p, c)]
    if hits:
        return Modality(ModalityType.PERMISSION, hits[0][1], True, hits[0][0])
    # A law says 应当 / 不得 / 可以 where it binds: without such a word its sentence states a rule, a function or
    # the state's policy (国家实行…制度, …制定国家标准), not a duty; a policy text instructs without one (加强…).
    if not statute and is_directive(text, starts_with_actor):
        return Modality(ModalityType.OBLIGATION, None, False)
    return Modality(None, None, False)


_CONDITION = re.compile(
    r"^(?:同时，)?((?:对|凡是|对于)[^，；。]{2,80}?(?:的|者)?)(?:，|(?=一律|(?<!必)要(?!求)|须|应当|均应|不得))"
)


def find_condition(text: str) -> str | None:
    """The scope condition that opens a provision: 对未取得合法手续的建设项目 / 凡是未开工的违规项目.

    对X实施Y (对产能严重过剩行业实施…信贷指导政策) is the action itself, not a condition.
    """
    match = _CONDITION.match(text)
    if not match:
        return None
    condition = match.group(1)
    return None if _ACTION_ON_OBJECT.match(condition) else condition
