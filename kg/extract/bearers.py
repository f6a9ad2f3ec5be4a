"""Who bears a provision, as the text says it (surface, offsets) and as concepts.

A bearer is an actor noun phrase in subject position: the words from the start of a clause (after
connectives) to an *actor head* (an agency of the dictionary, or a head noun of
``kg/resources/bearers.toml``: 企业, 单位, 部门, 机关, 公民 …), followed by the start of a predicate
(a modal cue, a directive verb, an adverb or preposition, or a verb). Patterns, with the sentence
each covers:

==============================  =========================================================================
pattern                         example → bearer text
==============================  =========================================================================
modifier kept                   污染排放严重超标的企业要停产整顿 → 污染排放严重超标的企业
locative kept                   项目所在地省级人民政府须制定… → 项目所在地省级人民政府
statute subject                 县级以上人民政府环境保护主管部门可以… → 县级以上人民政府环境保护主管部门
subject clause                  排放污染物的企业事业单位和其他生产经营者，应当… → the whole phrase
subject of a condition          建设单位使用国有土地的，应当… → 建设单位
coordination, shared head       国土、环保部门严格监督检查 → 国土、环保部门 (one mention, two concepts)
coordination, full conjuncts    国务院和沿海地方各级人民政府应当… → 国务院 | 沿海地方各级人民政府
agent of 由                     规划期限由国务院规定 → 国务院
party encouraged                鼓励有实力的企业建立… → 有实力的企业
liable party (liability)        建设单位…擅自开工建设的，由…部门责令停止建设 → 建设单位; enforcer 由…部门
==============================  =========================================================================

A leading 的-modifier scopes over every conjunct after it, so 排放污染物的企业事业单位和其他生产经营者
stays one mention. When no actor is named the bearer may still be *implied* (``BearerSource.IMPLIED``):
a thing in subject position (所有在建违规项目的处理结果均应向社会公开), a headless condition
(未取得排污许可证的，不得排放污染物), an activity as topic (建设用地，应当…), an encouraged activity
(鼓励原片生产深加工一体化), or a verb whose actor is known (一律不得放贷 → 金融机构; 不得核准 → 项目审批部门).
Otherwise the document decides (addressees, issuer, unspecified; see :mod:`kg.extract`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import jieba.posseg

from kg.enums import BearerSource, MentionRole, Modality
from kg.extract.modality import stated_norms

_CLAUSE_END = re.compile(r"[，；。：！？]")
#: After the agent of 由 whatever follows is its predicate (另行规定, 协商解决 which jieba tags a noun): "*".
_AFTER_AGENT = ("*",)
#: Modal words no subject phrase contains (a subject ends before its modal).
_STRONG_MODALS = ("应当", "必须", "不得", "禁止", "可以", "有权")


@dataclass(frozen=True)
class BearerMention:
    """An actor as written in the sentence (character offsets into it) and the concepts it names."""

    text: str
    start: int
    end: int
    concepts: tuple[str, ...] = ()
    role: MentionRole = MentionRole.BEARER


@dataclass
class BearerFinding:
    mentions: list[BearerMention] = field(default_factory=list)  # role BEARER and ENFORCER
    source: BearerSource | None = None  # None: nothing in the sentence, the document decides
    implied: list[str] = field(default_factory=list)  # concept IRIs of an implied bearer

    @property
    def bearers(self) -> list[BearerMention]:
        return [m for m in self.mentions if m.role == MentionRole.BEARER]

    @property
    def enforcers(self) -> list[BearerMention]:
        return [m for m in self.mentions if m.role == MentionRole.ENFORCER]

    def concepts(self) -> list[str]:
        found = [c for m in self.bearers for c in m.concepts] + self.implied
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class BearerRules:
    """The resource file, compiled: heads, predicate starts, connectives, the verb → actor table."""

    actor_heads: tuple[str, ...]
    predicate_starts: tuple[str, ...]
    connectives: tuple[str, ...]
    verb_connectives: tuple[str, ...]
    coordinators: tuple[str, ...]
    openers: tuple[str, ...]
    implied_by_verb: dict[str, tuple[str, ...]]
    agentive_suffixes: tuple[str, ...] = ()
    level_heads: tuple[str, ...] = ()
    body_heads: tuple[str, ...] = ()

    @classmethod
    def load(cls, resource: str = "bearers.toml", extra_predicates: tuple[str, ...] = ()) -> BearerRules:
        config = tomllib.loads(resources.files("kg.resources").joinpath(resource).read_text("utf-8"))
        by_length = lambda words: tuple(sorted(set(words), key=len, reverse=True))  # noqa: E731
        return cls(
            actor_heads=by_length(config["actor_heads"]),
            predicate_starts=by_length([*config["predicate_starts"], *extra_predicates]),
            connectives=by_length(config["connectives"]),
            verb_connectives=by_length(config["verb_connectives"]),
            coordinators=by_length(config["coordinators"]),
            openers=by_length(config["openers"]),
            implied_by_verb={verb: tuple(actors) for verb, actors in config["implied_by_verb"].items()},
            agentive_suffixes=tuple(config.get("agentive_suffixes", ())),
            level_heads=tuple(config.get("level_heads", ())),
            body_heads=by_length(config.get("body_heads", ())),
        )


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


class BearerFinder:
    """Finds bearer and enforcer mentions in one sentence (see the module docstring)."""

    def __init__(self, rules: BearerRules, cues: dict[str, list[str]], directive_verbs: list[str],
                 label_to_iri: dict[str, str]) -> None:
        self.rules = rules
        self.cue_words = tuple(sorted({c for words in cues.values() for c in words}, key=len, reverse=True))
        self.verbs = tuple(sorted(set(directive_verbs), key=len, reverse=True))
        self.encouragement = tuple(sorted(cues.get("encouragement", []), key=len, reverse=True))
        # 严禁各地自行出台…, 督促企业…: the actor right after these cues is the one bound.
        self.pivots = ("严格禁止", "严禁", "禁止", "督促", "要求", "推动", "允许")
        self.label_to_iri = label_to_iri

    # ------------------------------------------------------------------ noun phrases
    def _skip_connectives(self, text: str, start: int, end: int) -> int:
        marker = _ITEM_MARKER.match(text, start)  # （一）要求被检查的单位…: the number of a list item is no subject
        if marker and marker.end() < end:
            start = marker.end()
        changed = True
        while changed:
            changed = False
            for word in self.rules.connectives:
                if text.startswith(word, start) and start + len(word) < end:
                    start += len(word)
                    changed = True
        return start

    def _opens_predicate(self, rest: str, pos: tuple[str, ...] = ("v",)) -> bool:
        """Does ``rest`` open a predicate: a listed word, else (unless ``pos`` is empty) a verb by jieba's tags."""
        if not rest:
            return False
        listed = next((w for w in self.cue_words + self.verbs + self.rules.predicate_starts if rest.startswith(w)),
                      None)
        if listed is not None:
            if len(listed) > 1:
                return True
            # A one-character start (自, 在, 对) that only begins a longer noun (自然资源主管部门) opens nothing;
            # the domain dictionary's terms come back tagged x.
            first = next(iter(jieba.posseg.cut(rest[:8])), None)
            return first is None or first.word == listed or not first.flag.startswith(("n", "l", "x", "j"))
        if "*" in pos:
            return not rest.startswith(self.rules.actor_heads)
        first = next(iter(jieba.posseg.cut(rest[:8])), None) if pos else None
        return first is not None and first.flag in pos

    def _agentive_words(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) of the agentive nouns in text[start:end]: 使用者, 申请人, 任何一方, 村民 (by suffix and tag)."""
        if not self.rules.agentive_suffixes:
            return []
        found, position = [], start
        previous: tuple[int, str] | None = None  # (start, tag) of the word before
        for word, flag in _tagged(text[start:end]):
            word_end = position + len(word)
            if len(word) >= 2 and word.endswith(self.rules.agentive_suffixes) and flag[:1] in ("n", "i", "l", "j"):
                found.append((position, word_end))
            elif word in self.rules.agentive_suffixes and previous is not None and previous[1].startswith("n") \
                    and position - previous[0] >= 2:
                found.append((previous[0], word_end))  # 所有权人, 使用权人: jieba cuts the suffix off a noun
            previous = (position, flag)
            position = word_end
        return found

    def _actor_ends(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]],
                    *, agentive: bool = True) -> list[int]:
        ends = {e for s, e, _ in agencies if start <= s and e <= end}
        if agentive:
            ends.update(e for _, e in self._agentive_words(text, start, end))
        for position in range(start + 1, end + 1):
            # 以乡（镇）为单位 says by what unit something is done: 单位 there is no actor.
            if text[start:position].endswith(self.rules.actor_heads) and not text[start:position].endswith("为单位"):
                ends.add(position)
        # 教育行政部门、学校应当…: a bare noun coordinated after an actor, right before a modal, is an actor too.
        for position in sorted(ends):
            coordinator = next((c for c in self.rules.coordinators if text.startswith(c, position)), None)
            if coordinator is None:
                continue
            after = position + len(coordinator)
            cue = next((at for at in range(after + 1, min(end, after + 8) + 1)
                        if text.startswith(self.cue_words, at)), None)
            if cue is not None and all(token.flag[:1] == "n" for token in jieba.posseg.cut(text[after:cue])):
                ends.add(cue)
        return sorted(ends)

    def _is_actor_phrase(self, phrase: str, starts_with_term: bool) -> bool:
        """No verb before the first actor unless a 的 makes it a relative clause (报发展改革委… is no subject).

        A subject precedes its modal: a phrase that holds one (…成片开发并应当符合国务院) is no subject.
        """
        # As words: 有权 of 所有权人 is no modal.
        if any(word in _STRONG_MODALS for word, _ in _tagged(phrase)):
            return False
        if "的" in phrase or starts_with_term or phrase in self.rules.actor_heads:
            return True
        # 申请人、利害关系人有权…: the phrase opens with an agentive noun, not with the verb 申请.
        if phrase.startswith(self.rules.actor_heads) or any(s == 0 for s, _ in self._agentive_words(phrase, 0,
                                                                                                    len(phrase))):
            return True
        words = _tagged(phrase)
        # 其合法权益因行政机关…: a preposition inside the phrase (因, 被) makes it a clause, not an actor.
        if "的" not in phrase and any(tag == "p" and word not in (*self.rules.coordinators, "同", "跟")
                                      for word, tag in words[1:]):
            return False
        # 重点排污单位: a word that opens instructions elsewhere (重点, 分类) is a modifier when it is a noun here.
        if phrase.startswith(self.rules.openers + self.rules.predicate_starts + self.cue_words + ("报", "抄报", "送")):
            return False
        if phrase.startswith(self.verbs) and not (words and words[0][1].startswith("n")):
            return False
        # 发现有关工作人员有违法行为: a verb and its object, no relative 的, is a clause, not an actor; a verb with
        # its head alone (起草单位, 审批部门) is a compound noun.
        return not (len(words) >= 3 and words[0][1] == "v")

    def noun_phrase(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]],
                    *, whole_clause: bool = False, pos: tuple[str, ...] = ("v",)) -> int | None:
        """End of the actor phrase that opens text[start:end] and is followed by a predicate, if any."""
        # An end found only by an agentive suffix needs a listed predicate word after it: 移民 in 移民安置办法
        # is a modifier, and jieba's guess that 安置 is a verb must not make it a subject.
        strong = set(self._actor_ends(text, start, end, agencies, agentive=False))
        # 任何单位和个人 is a noun phrase by its quantifier, whatever jieba makes of the verb after it (闲置 as a noun).
        quantified = text.startswith(("任何", "一切", "所有"), start)
        for position in self._actor_ends(text, start, end, agencies):
            rest = text[position:end]
            if rest.startswith(self.rules.coordinators) or rest.startswith(("等", "的")):
                continue
            if quantified and position in strong and rest and not rest.startswith(self.rules.actor_heads):
                return position
            if self._opens_predicate(rest, pos if position in strong else ()) or (whole_clause and not rest):
                term_first = any(s == start for s, _, _ in agencies)
                return position if self._is_actor_phrase(text[start:position], term_first) else None
        return None

    def split(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        """Conjuncts of a coordinated phrase; a shared head (国土、环保部门) or a leading 的-modifier keeps it whole."""
        if text.startswith(("任何", "一切", "所有"), start):
            return [(start, end)]  # 任何单位和个人: the quantifier ranges over the whole coordination, one mention
        parts, part_start, position = [], start, start
        shared_body = text[start:end].endswith(self.rules.body_heads)
        while position < end:
            coordinator = next((c for c in self.rules.coordinators if text.startswith(c, position)), None)
            if coordinator == "及" and text.startswith("其", position + 1):
                coordinator = None  # 专业技术组织及其有关人员: 其 needs the first conjunct, one mention
            # A 的-modifier before the first conjunct stays with it (排放污染物的企业事业单位和其他生产经营者: two
            # actors), as the labelling guide has it; the split still needs an actor head before the coordinator.
            if coordinator and position > part_start:
                # 国土、环保部门 and 发展改革委、工业和信息化部 share one mention; 各地区、各部门 are two.
                # 发包方和承包方: an agentive noun ends a conjunct as an actor head does.
                last = re.split("|".join(map(re.escape, self.rules.coordinators)), text[part_start:position])[-1]
                if shared_body and last in self.rules.level_heads:
                    position += len(coordinator)
                    continue
                if text[part_start:position].endswith(self.rules.actor_heads) or any(
                        e == position for _, e in self._agentive_words(text, part_start, position)):
                    parts.append((part_start, position))
                    part_start = position + len(coordinator)
                position += len(coordinator)
                continue
            position += 1
        parts.append((part_start, end))
        return [(s, e) for s, e in parts if e > s]

    def concepts(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]]) -> tuple[str, ...]:
        """The head's concepts: the last dictionary actor of the phrase and those coordinated with it."""
        head_start = max(start, text.rfind("的", start, end) + 1)
        inside = [m for m in agencies if head_start <= m[0] and m[1] <= end]
        if not inside:
            # 鼓励企业重组: the dictionary matched 企业重组 as a measure; the head word 企业 still names the actor.
            head = next((h for h in self.rules.actor_heads if text[head_start:end].endswith(h)), None)
            iri = self.label_to_iri.get(head) if head else None
            return (iri,) if iri else ()
        chain = [inside[-1]]
        for mention in reversed(inside[:-1]):
            gap = text[mention[1]: chain[0][0]]
            if gap and gap.strip("、和及与或者以") == "":
                chain.insert(0, mention)
            else:
                break
        return tuple(dict.fromkeys(iri for _, _, iri in chain))

    def mentions(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]],
                 role: MentionRole = MentionRole.BEARER) -> list[BearerMention]:
        return [BearerMention(text[s:e], s, e, self.concepts(text, s, e, agencies), role)
                for s, e in self.split(text, start, end, agencies)]

    # ------------------------------------------------------------------ clause analysis
    def clause_subject(self, text: str, start: int, end: int, agencies: list[tuple[int, int, str]],
                       next_clause: str, *, pos: tuple[str, ...] = ("v",)) -> tuple[int, int] | None:
        """(start, end) of the clause's subject; 由X… gives X (the agent).

        ``pos=()`` accepts only listed predicate words after the subject (no tagger guess).
        """
        if text.startswith(self.rules.verb_connectives, start):
            return None  # 并向制定机关说明…, 并告知申请人…: a second verb phrase of the same subject
        start = self._skip_connectives(text, start, end)
        if text.startswith("由", start):
            # 由国务院另行规定, 由有关地方人民政府协商解决: after the agent of 由 an adverb or a verbal noun opens
            # the predicate as a verb does.
            found = self.noun_phrase(text, start + 1, end, agencies, pos=_AFTER_AGENT)
            return (start + 1, found) if found else None
        term_first = any(s == start for s, _, _ in agencies)  # 建设单位 opens with the verb 建设 yet is an actor
        if not term_first and (text.startswith(self.rules.openers, start) or text.startswith(self.cue_words, start)
                               or text.startswith(self.verbs, start)):
            # 实施现场检查的部门、机构及其工作人员应当…: a relative clause opens the subject with its verb, and
            # 重点排污单位应当… a noun that opens instructions elsewhere; the phrase is an actor when its modal
            # follows it at once.
            if text.startswith(self.verbs, start):
                # 制定机关应当…, 审批部门应当…: a verb and an actor head right before the modal is a compound noun,
                # the body that made or approves something (督促企业落实 is a verb and its object: no modal follows).
                modal = next((at for at in range(start + 2, min(end, start + 7))
                              if text.startswith(self.cue_words, at)), None)
                words = _tagged(text[start:modal]) if modal else ()
                if len(words) == 2 and words[0][1] == "v" and words[1][0] in self.rules.actor_heads:
                    return start, modal
                found = self.noun_phrase(text, start, end, agencies, pos=pos)
                words = _tagged(text[start:found]) if found else ()
                if found and ((words[0][1].startswith("n") and "的" not in text[start:found] and len(words) <= 3
                               and not any(tag.startswith("p") for _, tag in words))
                              or ("的" in text[start:found] and text.startswith(self.cue_words, found))):
                    return start, found
            return self._agent_of_you(text, start, end, agencies)
        whole = self._opens_predicate(next_clause, pos)
        found = self.noun_phrase(text, start, end, agencies, whole_clause=whole, pos=pos)
        if found and "由" in text[start:found]:  # 规划期限由国务院规定: the agent after 由, not the topic before it
            start = text.rindex("由", start, found) + 1
        if found is None:
            # 指标由国务院下达, …应当逐步由专业技术组织实施: the agent of a 由 inside the clause.
            agent = self._agent_of_you(text, start, end, agencies)
            if agent is not None:
                return agent
        return (start, found) if found else None

    def _agent_of_you(self, text: str, start: int, end: int,
                      agencies: list[tuple[int, int, str]]) -> tuple[int, int] | None:
        if text.startswith("除", start):
            return None  # 除…由行政机关实施的外: the exception's agent, not the rule's
        position = start
        for token in jieba.cut(text[start:end]):
            # jieba may join 由 to the agent's first character (可以由市、县人民政府批准 → 由市): still the
            # agent marker.
            if token == "由" or (token.startswith("由") and token not in _NOT_AGENT_MARKERS):
                found = self.noun_phrase(text, position + 1, end, agencies, pos=_AFTER_AGENT)
                if found is not None:
                    return position + 1, found
            position += len(token)
        return None

    def _thing_subject(self, text: str, start: int, cue_at: int) -> bool:
        """A noun phrase before the cue that names no actor (处理结果均应…, 县级土地利用总体规划应当…)."""
        start = self._skip_connectives(text, start, cue_at)
        prefix = text[start:cue_at].rstrip("均都也一律必须")
        if not prefix or prefix.startswith(self.rules.openers + self.verbs + self.cue_words):
            return False
        return not prefix.startswith(("不", "可", "要", "应", "须"))

    def _topic_clause(self, text: str, start: int, end: int) -> bool:
        """A clause before the cue that is a topic, not an action: 凡是未开工的违规项目, 未取得…的, 建设用地."""
        start = self._skip_connectives(text, start, end)
        clause = text[start:end]
        if not clause or clause in self.rules.connectives:  # 因此，要…: a connective, no topic
            return False
        if clause.startswith("凡是") or clause.endswith("的"):
            return True
        return not clause.startswith(self.rules.openers + self.verbs + self.cue_words) and len(clause) <= 30 \
            and not any(c in clause for c in self.cue_words)

    def find(self, text: str, modality: Modality | None, cue_start: int,
             agencies: list[tuple[int, int, str]], *, statute: bool = False) -> BearerFinding:
        """``statute``: the first norm of a law's sentence governs it (see kg.extract.modality.classify), so an
        actor that opens a later clause with a deontic word of its own bears another norm, not this one."""
        finding = BearerFinding()
        if modality is None:
            return finding
        clauses = _clauses(text)
        subjects: list[tuple[int, int, int]] = []  # (clause index, start, end)
        for index, (start, end) in enumerate(clauses):
            next_clause = text[clauses[index + 1][0]: clauses[index + 1][1]] if index + 1 < len(clauses) else ""
            found = self.clause_subject(text, start, end, agencies, next_clause)
            if found:
                subjects.append((index, *found))
        if modality == Modality.LIABILITY:
            return self._liability(text, clauses, subjects, agencies)  # the liable party is the condition's actor
        if statute and cue_start >= 0:
            governing = next((i for i, (s, e) in enumerate(clauses) if s <= cue_start < e), len(clauses))
            subjects = [(i, s, e) for i, s, e in subjects
                        if i <= governing or not any(c in text[e: clauses[i][1]] for c in self.cue_words)]
            if any(i == governing and text.startswith(self.cue_words, e) for i, _, e in subjects):
                # 符合前款规定的社会组织向人民法院提起诉讼，人民法院应当依法受理: the governing modal has its own
                # subject right before it; the actor of an earlier clause without a deontic word sets the scene.
                subjects = [(i, s, e) for i, s, e in subjects if i >= governing
                            or stated_norms(text[clauses[i][0]: clauses[i][1]])]
        pivoted = self._cue_objects(text, agencies, self.pivots)
        # A subject right before its modal heads the clause (工作人员应当提供…的证据): no topic, whatever follows.
        governed = {i for i, _, end in subjects if text.startswith(self.cue_words, end)}
        topics = [i for i, (start, end) in enumerate(clauses)
                  if i not in governed and self._noun_topic(text, start, end)]
        if pivoted is not None and pivoted.mentions:
            # 行政机关依法公开…的，允许申请人…: the actor of the condition is not bound when the main clause names one.
            subjects = self._outside_conditions(text, clauses, subjects, strict=True, topics=topics)
        else:
            subjects = self._outside_conditions(text, clauses, subjects, topics=topics)
        if modality == Modality.ENCOURAGEMENT and not statute:
            # A policy text's 鼓励商业银行…: the party encouraged is the one the measure is aimed at. A law's sentence
            # names the encourager as its subject (国家鼓励和引导公民…: the labelling guide's 国家 is an actor when
            # it is the subject), and without one the encourager is implied.
            encouraged = self._encouraged(text, agencies)
            if encouraged is not None:
                return encouraged
        for _, start, end in subjects:
            finding.mentions.extend(self.mentions(text, start, end, agencies))
        if pivoted is not None:
            finding.mentions.extend(pivoted.mentions)
        if finding.mentions:
            finding.source = BearerSource.EXPLICIT
            return finding
        cue_clause = next((i for i, (s, e) in enumerate(clauses) if s <= cue_start < e), None)
        implied = False
        if cue_clause is not None:
            start, _ = clauses[cue_clause]
            implied = self._thing_subject(text, start, cue_start) or (
                cue_clause > 0 and self._topic_clause(text, *clauses[cue_clause - 1]))
        after = text[max(cue_start, 0):]
        for verb, actors in self.rules.implied_by_verb.items():
            if verb in after:
                for label in actors:
                    iri = self.label_to_iri.get(label)
                    if iri and iri not in finding.implied:
                        finding.implied.append(iri)
        # 鼓励和组织开展…研究 in a law: someone encourages, and the article's subject (国家) is implied.
        implied = implied or (statute and modality == Modality.ENCOURAGEMENT)
        if finding.implied or implied:
            finding.source = BearerSource.IMPLIED
        return finding

    def _noun_topic(self, text: str, start: int, end: int) -> bool:
        """A clause that is one noun phrase headed by a thing (法律、法规规定…应当听证的事项，…): the actor inside its
        relative clause acts there, not in the main clause."""
        clause = text[start:end]
        if "的" not in clause:
            return False
        head = clause.rsplit("的", 1)[1]
        if not head or len(head) > 8 or head.endswith(self.rules.actor_heads) \
                or self._agentive_words(head, 0, len(head)):
            return False
        words = _tagged(head)
        return words[-1][1].startswith("n") and not any(tag.startswith("v") and tag != "vn" for _, tag in words)

    @staticmethod
    def _outside_conditions(text: str, clauses: list[tuple[int, int]], subjects: list[tuple[int, int, int]],
                            *, strict: bool = False, topics: list[int] = ()) -> list[tuple[int, int, int]]:
        """Drop the subjects of a condition (企业…转产、搬迁、关闭的，人民政府应当予以支持): a clause run ending in 的
        states when the rule applies, and the actor of the main clause after it is the one bound. A noun
        phrase as topic (…应当听证的事项，行政机关应当…) is read the same way."""
        condition_ends = [i for i, (_, end) in enumerate(clauses) if text[:end].endswith("的") or i in topics]
        if not condition_ends:
            return subjects
        if strict:  # another actor is bound after the condition (by a pivot cue): drop every condition's actor
            return [s for s in subjects if not any(s[0] <= j for j in condition_ends)]
        kept = [s for s in subjects if not any(s[0] <= j and any(t[0] > j for t in subjects) for j in condition_ends)]
        kept = kept or subjects
        # 申请人提交的申请材料齐全…，行政机关能够当场作出决定的，应当…: every actor is in a condition; the one of
        # the condition nearest the rule is the one it binds.
        if kept and all(any(s[0] <= j for j in condition_ends) for s in kept):
            last = max(s[0] for s in kept)
            return [s for s in kept if s[0] == last]
        return kept

    def _encouraged(self, text: str, agencies: list[tuple[int, int, str]]) -> BearerFinding | None:
        """鼓励/支持/引导 X 做 Y: X is the party encouraged; an activity as object implies one."""
        return self._cue_objects(text, agencies, self.encouragement, after_subject=True)

    def _cue_objects(self, text: str, agencies: list[tuple[int, int, str]],
                     cues: tuple[str, ...], *, after_subject: bool = False) -> BearerFinding | None:
        """The actor right after a clause-opening cue (鼓励有实力的企业建立…, 严禁各地自行出台…)."""
        finding = BearerFinding()
        for start, end in _clauses(text):
            start = self._skip_connectives(text, start, end)
            body = text[start:end]
            for adverb in ("积极", "大力", "进一步", "继续"):
                if body.startswith(adverb):
                    start += len(adverb)
                    body = body[len(adverb):]
            cue = next((c for c in cues if body.startswith(c)), None)
            position = start + len(cue) if cue else None
            if cue is None and after_subject:
                # 国家鼓励和引导公民…: the encourager opens the clause; the party encouraged follows the cue.
                subject_end = self.noun_phrase(text, start, end, agencies, pos=())
                cue = next((c for c in cues if subject_end and text.startswith(c, subject_end)), None)
                position = subject_end + len(cue) if cue else None
            if cue is None or position is None:
                continue
            # 鼓励和引导 / 鼓励和支持: a second cue coordinated with the first.
            second = next((c for c in cues if text.startswith("和" + c, position)), None)
            if second:
                position += 1 + len(second)
            found = self.noun_phrase(text, position, end, agencies, pos=("v", "vn"))  # 鼓励企业重组
            if found:
                finding.mentions.extend(self.mentions(text, position, found, agencies))
            else:
                finding.source = BearerSource.IMPLIED
        if finding.mentions:
            finding.source = BearerSource.EXPLICIT
        return finding if finding.source else None

    def _sanction_targets(self, text: str, clauses: list[tuple[int, int]],
                          agencies: list[tuple[int, int, str]]) -> list[BearerMention]:
        """对直接负责的主管人员和其他直接责任人员依法给予行政处分: the parties a sanction is given to."""
        found: list[BearerMention] = []
        for start, end in clauses:
            if text.startswith("对", start) and not text[start:end].endswith("的"):
                at = next((at for at in self._actor_ends(text, start + 1, end, agencies)
                           if text.startswith(_SANCTIONS, at)), None)
                if at is not None and self._is_actor_phrase(text[start + 1:at], False):
                    found.extend(self.mentions(text, start + 1, at, agencies))
        return found

    def _liability(self, text: str, clauses: list[tuple[int, int]], subjects: list[tuple[int, int, int]],
                   agencies: list[tuple[int, int, str]]) -> BearerFinding:
        """The liable party (subject of the breach, 对-phrase, object of 追究…责任) and the enforcers."""
        finding = BearerFinding()
        last_condition = max((i for i, (s, e) in enumerate(clauses) if text[s:e].endswith("的")), default=-1)
        targets = self._sanction_targets(text, clauses, agencies)
        if targets:
            # …的部门有下列行为之一的，对直接负责的主管人员…给予处分: the persons the sanction is given to are liable,
            # not the body whose breach the condition states.
            subjects = [(i, s, e) for i, s, e in subjects if i > last_condition]
        for index, start, end in subjects:
            clause_text = text[clauses[index][0]: clauses[index][1]]
            liable = index <= last_condition or ("责任" in clause_text and "追究" not in clause_text)
            role = MentionRole.BEARER if liable else MentionRole.ENFORCER
            if role == MentionRole.BEARER and text.startswith("由", start - 1):
                role = MentionRole.ENFORCER
            finding.mentions.extend(self.mentions(text, start, end, agencies, role))
        for start, end in clauses:
            clause = text[start:end]
            if clause.startswith("对") and "的" in clause:
                found = self.noun_phrase(text, start + 1, end, agencies, whole_clause=True)
                if found == end:
                    finding.mentions.extend(self.mentions(text, start + 1, end, agencies))
        finding.mentions.extend(targets)
        for match in _ORDERED_TO.finditer(text):
            # 责令设定该行政许可的机关改正: the party ordered to put it right is liable.
            phrase = match.group(1)
            if phrase.endswith(self.rules.actor_heads) and self._is_actor_phrase(phrase, False):
                finding.mentions.extend(self.mentions(text, match.start(1), match.end(1), agencies))
        for match in re.finditer(r"追究([^，；。]{1,20}?)的?(?:法律)?责任", text):
            found = self.noun_phrase(text, match.start(1), match.end(1), agencies, whole_clause=True)
            if found == match.end(1):
                finding.mentions.extend(self.mentions(text, match.start(1), match.end(1), agencies))
        finding.source = BearerSource.EXPLICIT if finding.bearers else BearerSource.IMPLIED
        return finding


#: What a liability clause gives the party after 对 (对…人员依法给予行政处分, 对…处以罚款).
_SANCTIONS = ("依法给予", "给予", "处以", "处", "予以", "依法追究", "追究")
_ORDERED_TO = re.compile(r"责令([^，；。]{2,24}?)(?:限期)?(?:改正|停止|交还|退还|恢复|拆除|公开|关闭|纠正)")


_ITEM_MARKER = re.compile(r"[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、")

#: Words that begin with 由 and mark no agent (由于 because, 由此 hence).
_NOT_AGENT_MARKERS = ("由于", "由此", "由来", "由衷", "由此可见")


@lru_cache(maxsize=4096)
def _tagged(segment: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and tags of a clause: asked again for each candidate subject end of the same clause."""
    return tuple((token.word, token.flag) for token in jieba.posseg.cut(segment))


@lru_cache(maxsize=1)
def default_finder() -> BearerFinder:
    from kg.extract.lexicon import default_lexicon
    from kg.extract.modality import config

    settings = config()
    lexicon = default_lexicon()
    labels = {form: iri for form, iri in lexicon.zh_forms.items() if lexicon.concepts[iri].kind == "agency"}
    return BearerFinder(BearerRules.load(), settings["cues"], settings["directive"]["verbs"], labels)
