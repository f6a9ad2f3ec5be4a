"""Deontic modality and bearer of a sentence.

Types, strongest first (a sentence takes its strongest cue):

* prohibition — 严禁各地自行出台优惠电价措施; 一律不得放贷、发债、上市融资; 禁止自行实行电价优惠
* obligation — 地方政府要按照要求进行全面清理; 须制定产能置换方案; 均应向社会公开; 负总责
* permission — 贷款期限可延长至7年; 可以用于支持企业做好善后处理工作
* encouragement — 鼓励商业银行…加大…信贷支持; 支持电解铝企业与电力企业签订直购电长期合同

A sentence with no cue word whose clause opens with a directive verb
(加强…, 严格执行…, 推进…) is an implicit obligation (``explicit=False``); any
other sentence is background and has no modality. Cue lists are data
(``kg/resources/modality.toml``).

The bearer is an actor in subject position (地方政府要…, 金融机构停止…), or the
actor right after 严禁/鼓励/支持 (严禁各地…, 鼓励商业银行…); without one the
document's addressees bear the provision.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

STRENGTH = ("prohibition", "obligation", "permission", "encouragement")


@dataclass(frozen=True)
class Modality:
    type: str | None  # one of STRENGTH, or None for background
    cue: str | None
    explicit: bool
    cue_start: int = -1


@lru_cache(maxsize=1)
def _config() -> dict:
    return tomllib.loads(resources.files("kg.resources").joinpath("modality.toml").read_text("utf-8"))


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


def classify(text: str, starts_with_actor: bool = False) -> Modality:
    """The modality of one sentence (see the module docstring for the order of tests)."""
    for kind in ("prohibition", "obligation"):
        hits = _cue_positions(text, kind)
        if hits:
            position, cue = hits[0]
            return Modality(kind, cue, True, position)
    cues = _config()["cues"]
    for kind in ("permission", "encouragement"):
        cue = _opens_with(text, cues[kind])
        if cue:
            return Modality(kind, cue, True, text.find(cue))
    hits = _cue_positions(text, "permission")
    if hits:
        return Modality("permission", hits[0][1], True, hits[0][0])
    if is_directive(text, starts_with_actor):
        return Modality("obligation", None, False)
    return Modality(None, None, False)


def starts_with_actor(text: str, agencies: list[tuple[int, int, str]]) -> bool:
    """Does the first substantive clause open with an actor (各省级人民政府依据…)?"""
    body = _first_substantive_clause(text)
    offset = text.find(body) if body else -1
    return any(start == offset for start, _, _ in agencies)


def _chains(text: str, agencies: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Coordinated actors (国土、环保部门; 发展改革委、工业和信息化部) form one chain."""
    chains: list[list[tuple[int, int, str]]] = []
    for mention in sorted(agencies):
        if chains and re.fullmatch(r"[、和及与]|以及|或", text[chains[-1][-1][1]: mention[0]] or "x"):
            chains[-1].append(mention)
        else:
            chains.append([mention])
    return chains


_SUBJECT_FOLLOW = re.compile(r"(要|须|必须|应|应当|均应|不得|可|负|停止|进行|加强|加大|严格|依法|依据|提出|出具|对|在|"
                             r"结合|利用|有偿|按规定|切实|继续|进一步|改进|及时|积极|商|抓紧|根据|按照)")


# Before a subject: a connective, or a short locative (项目所在地省级人民政府, 各地财政).
_SUBJECT_PREFIX = re.compile(r"(?:——|“)?(?:同时|并|由|对此|其中)?(?:[^，；。、]{0,5}所在地|本地区)?")
# The actor a cue addresses, possibly after a short modifier: 鼓励国内企业, 支持兼并重组企业.
_AFTER_CUE = re.compile(r"(?:严禁|禁止|鼓励|支持|引导|扶持|推动|督促|要求)(?:和引导)?[^，；。、的和及与]{0,4}$")


def find_bearers(text: str, modality: Modality, agencies: list[tuple[int, int, str]]) -> list[str]:
    """Actors bearing the provision: subjects of clauses, or the object of 严禁/鼓励/支持."""
    if modality.type is None or not agencies:
        return []
    bearers: list[str] = []
    clause_starts = [start for start, _ in _clauses(text)]
    for chain in _chains(text, agencies):
        start, end = chain[0][0], chain[-1][1]
        prefix = [text[s:start] for s in clause_starts if s <= start]
        at_clause_start = bool(prefix) and _SUBJECT_PREFIX.fullmatch(prefix[-1]) is not None
        followed_by_cue = bool(_SUBJECT_FOLLOW.match(text[end:]))
        after_cue = _AFTER_CUE.search(text[:start]) is not None
        if (at_clause_start and followed_by_cue) or after_cue:
            for _, _, iri in chain:
                if iri not in bearers:
                    bearers.append(iri)
    return bearers


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
