"""Extraction of facts from a parsed document, one :class:`SentenceFacts` per sentence."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from kg.enums import BearerSource, MentionRole, StructureProfile
from kg.extract.bearers import BearerMention
from kg.extract.citations import LegalCitation
from kg.extract.lexicon import Lexicon, default_lexicon
from kg.extract.modality import Modality
from kg.extract.quantities import Quantity
from kg.extract.times import TimeExpression
from kg.structure import ParsedDocument, Sentence

PROVISION_ROLES = ("lead", "body")
# A statute's article opens with its number (第四十三条排放污染物的…应当…): the number is left out of
# what is analysed (it is no actor, figure or time) but kept in the sentence as stored and cited.
_ARTICLE_NUMBER = re.compile(r"^第[零〇一二三四五六七八九十百千]+条\s*")


@dataclass
class SentenceFacts:
    sentence: Sentence
    section_path: list[str]
    industries: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    modality: Modality | None = None
    bearers: list[str] = field(default_factory=list)  # concept IRIs (named, implied or the document's default)
    bearer_source: BearerSource = BearerSource.EXPLICIT
    mentions: list[BearerMention] = field(default_factory=list)  # as written: bearers and enforcers
    citations: list[LegalCitation] = field(default_factory=list)  # other documents named, by title
    condition: str | None = None
    lead_industry: str | None = None
    article_rule: bool = False  # a statute article's first sentence (after 第X条)

    @property
    def is_provision(self) -> bool:
        readable = self.sentence.role in PROVISION_ROLES or self.article_rule
        return readable and self.modality is not None and self.modality.type is not None

    @property
    def bearer_mentions(self) -> list[BearerMention]:
        return [m for m in self.mentions if m.role == MentionRole.BEARER]

    @property
    def enforcer_mentions(self) -> list[BearerMention]:
        return [m for m in self.mentions if m.role == MentionRole.ENFORCER]

    @property
    def enforcers(self) -> list[str]:
        return list(dict.fromkeys(c for m in self.enforcer_mentions for c in m.concepts))

    @property
    def deadline(self) -> dt.date | None:
        """When the provision is due: the deadline its numbers are due by, else the earliest one.

        In 在提前一年完成"十二五"…目标任务基础上，…2015年底前再淘汰炼铁1500万吨 the early 十二五 goal is
        the basis; the targets, and so the provision, are due 2015-12-31.
        """
        deadlines = [t for t in self.times if t.due is not None and t.kind == "deadline"]
        governing = [t for t in deadlines if any(t.end_char <= q.start_char for q in self.quantities)]
        if governing:
            return max(t.due for t in governing)
        dues = [t.due for t in deadlines] or [t.due for t in self.times if t.due is not None]
        return min(dues) if dues else None

    @property
    def valid_from(self) -> dt.date | None:
        starts = [t.begin for t in self.times if t.kind == "from" and t.begin]
        return min(starts) if starts else None

    def concerned_industries(self) -> list[str]:
        found = list(self.industries)
        if self.lead_industry and self.lead_industry not in found:
            found.insert(0, self.lead_industry)
        return found

    def scope(self, lexicon: Lexicon | None = None) -> str:
        """specific when it names an industry or product; general when it names none or only a group."""
        lexicon = lexicon or default_lexicon()
        specific = [i for i in self.concerned_industries() if not lexicon.is_group(i)]
        return "specific" if specific else "general"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def extract_document(parsed: ParsedDocument, lexicon: Lexicon | None = None,
                     addressee_iris: list[str] | None = None) -> list[SentenceFacts]:
    from kg.extract.pipeline import analyse  # spaCy: loaded to extract, not to answer a question

    lexicon = lexicon or default_lexicon()
    issued = parsed.meta.date
    facts: list[SentenceFacts] = []
    lead_industries: dict[str, str | None] = {}
    default_bearers = _default_bearers(parsed, lexicon, addressee_iris)
    previous: dict[str, list[str]] = {}  # paragraph → bearers last named in it
    for sentence in parsed.sentences():
        if sentence.role == "lead":
            lead_hits = [c.iri for _, _, c in lexicon.find(sentence.text) if c.kind == "industry"]
            lead_industries[sentence.paragraph_id] = lead_hits[0] if lead_hits and len(sentence.text) <= 8 else None
        lead_industry = lead_industries.get(sentence.paragraph_id)
        number = _ARTICLE_NUMBER.match(sentence.text) if parsed.meta.structure == StructureProfile.STATUTE else None
        offset = number.end() if number and number.end() < len(sentence.text) - 2 else 0
        doc = analyse(sentence.text[offset:], issued=issued, lead_industry=lead_industry,
                      statute=parsed.meta.structure == StructureProfile.STATUTE)
        item = SentenceFacts(sentence, parsed.section_path(sentence), lead_industry=lead_industry,
                             article_rule=offset > 0)
        for kind, target in (("industry", item.industries), ("agency", item.agencies),
                             ("region", item.regions), ("measure", item.measures)):
            target.extend(_unique([span.kb_id_ for span in doc.spans[kind]]))
        for group in list(item.regions):
            for member in lexicon.members.get(group, ()):
                if member not in item.regions:
                    item.regions.append(member)
        item.times = doc._.times
        item.quantities = doc._.quantities
        item.modality = doc._.modality
        item.condition = doc._.condition
        # Offsets stay relative to the sentence as stored (with its article number).
        item.mentions = [replace(m, start=m.start + offset, end=m.end + offset) for m in doc._.bearer_mentions or []]
        item.bearers = list(doc._.bearers)
        item.citations = [replace(c, start=c.start + offset, end=c.end + offset) for c in doc._.citations or []]
        if item.is_provision:
            item.bearer_source = doc._.bearer_source or BearerSource.UNSPECIFIED
            if doc._.bearer_source is None:
                # Nothing in the sentence names or implies an actor: the document's addressees bear it; a law or
                # report has none, so its sidecar may say the issuer acts (国务院 for a work report). A law's
                # rule binds whom its article names before (受委托行政机关…；不得再委托…), so that is implied.
                bearers, item.bearer_source = default_bearers
                if item.bearer_source == BearerSource.UNSPECIFIED and parsed.meta.structure == StructureProfile.STATUTE:
                    bearers, item.bearer_source = previous.get(sentence.paragraph_id, []), BearerSource.IMPLIED
                item.bearers = list(bearers)
            if item.bearer_source == BearerSource.EXPLICIT:
                previous[sentence.paragraph_id] = item.bearers
        facts.append(item)
    return facts


def _default_bearers(parsed: ParsedDocument, lexicon: Lexicon,
                     addressee_iris: list[str] | None) -> tuple[list[str], BearerSource]:
    if addressee_iris:
        return list(addressee_iris), BearerSource.ADDRESSEES
    issuer = lexicon.resolve(parsed.meta.issuer, "agency")
    if parsed.meta.extra.get("default_bearer") == "issuer" and issuer is not None:
        return [issuer.iri], BearerSource.ISSUER
    return [], BearerSource.UNSPECIFIED
