"""Document structure: sections, paragraphs and sentences with stable, citable IDs.

Structure rules are per document type (the sidecar's ``structure`` field), so
nothing special-cases one document:

``numbered``  State Council opinions and work reports:
              一、 part › （一） item › 1. point › （1） sub-point.
``statute``   Laws: 第一编 › 第一章 › 第一节 › 第一条 article › paragraphs (款).
``markdown``  Any text with ``#`` headings.

IDs are short and path-like ("3.1.p2.s3", "art12.p2.s1"); labels are what a
reader cites ("三（一）¶2 s3", "第十二条¶2 s1"). Within a section, a paragraph's
short first sentence ("严禁建设新增产能项目。", "钢铁。", "——坚持…相结合。") is
its *lead*: it titles the paragraph and is context for the sentences under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kg.corpus import SourceDocument
from kg.normalise import Paragraph, paragraphs, split_sentences

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int:
    """Chinese numeral to int: 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105; ASCII digits pass through."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def int_to_cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)


@dataclass
class Sentence:
    id: str
    label: str
    text: str
    start: int
    end: int
    role: str  # heading | lead | body | addressees | signature
    paragraph_id: str
    section_id: str
    index: int


@dataclass
class ParagraphNode:
    id: str
    label: str
    text: str
    start: int
    end: int
    section_id: str
    lead: str | None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Section:
    id: str
    kind: str  # preamble | part | item | point | subpoint | chapter | article | heading | closing
    level: int
    number: int
    marker: str
    title: str
    label: str
    parent_id: str | None
    start: int
    paragraphs: list[ParagraphNode] = field(default_factory=list)


@dataclass
class ParsedDocument:
    source: SourceDocument
    sections: list[Section]

    @property
    def meta(self):
        return self.source.meta

    def paragraphs(self) -> Iterator[ParagraphNode]:
        for section in self.sections:
            yield from section.paragraphs

    def sentences(self) -> Iterator[Sentence]:
        for paragraph in self.paragraphs():
            yield from paragraph.sentences

    def section(self, section_id: str) -> Section:
        return self._by_id()[section_id]

    def _by_id(self) -> dict[str, Section]:
        if not hasattr(self, "_index"):
            self._index = {s.id: s for s in self.sections}
        return self._index

    def ancestors(self, section_id: str) -> list[Section]:
        """The section and its parents, outermost first."""
        chain, current = [], self._by_id().get(section_id)
        while current is not None:
            chain.append(current)
            current = self._by_id().get(current.parent_id) if current.parent_id else None
        return chain[::-1]

    def section_path(self, sentence: Sentence) -> list[str]:
        """Human path of a sentence: part title › item title › lead phrase."""
        path = [s.title for s in self.ancestors(sentence.section_id) if s.kind not in ("preamble", "closing")]
        paragraph = self._paragraph(sentence.paragraph_id)
        if (paragraph.lead and sentence.role != "lead") or (paragraph.lead and sentence.role == "lead"):
            path.append(paragraph.lead)
        return path or [self._by_id()[sentence.section_id].label]

    def _paragraph(self, paragraph_id: str) -> ParagraphNode:
        if not hasattr(self, "_paragraphs"):
            self._paragraphs = {p.id: p for p in self.paragraphs()}
        return self._paragraphs[paragraph_id]


@dataclass(frozen=True)
class Level:
    """One heading level of a structure profile."""

    kind: str
    pattern: re.Pattern[str]
    make_id: Callable[[str | None, int], str]
    make_label: Callable[[str | None, str, int], str]


def _nested(parent: str | None, number: int) -> str:
    return f"{parent}.{number}" if parent and parent not in ("0",) else str(number)


def _numbered_levels() -> list[Level]:
    cn = f"[{CN_NUMERAL}]+"
    mark = r"(?:\*\*|#{1,6})?"  # Markdown renderings of the same headings: **一、…** or ## 一、…
    return [
        Level("part", re.compile(rf"^{mark}({cn})、"), _nested, lambda p, m, n: int_to_cn(n)),
        Level("item", re.compile(rf"^{mark}（({cn})）"), _nested, lambda p, m, n: f"{p or ''}（{int_to_cn(n)}）"),
        Level("point", re.compile(rf"^{mark}(\d{{1,2}})[.．、](?!\d)"), _nested, lambda p, m, n: f"{p or ''}{n}."),
        Level("subpoint", re.compile(rf"^{mark}[（(](\d{{1,2}})[）)]"), _nested, lambda p, m, n: f"{p or ''}（{n}）"),
    ]


def _statute_levels() -> list[Level]:
    cn = f"[{CN_NUMERAL}]+"
    return [
        Level("book", re.compile(rf"^#*\s*第({cn})编"), lambda p, n: f"b{n}", lambda p, m, n: f"第{m}编"),
        Level("chapter", re.compile(rf"^#*\s*第({cn})章"), lambda p, n: f"ch{n}", lambda p, m, n: f"第{m}章"),
        Level("section", re.compile(rf"^#*\s*第({cn})节"), lambda p, n: f"{p}.sec{n}",
              lambda p, m, n: f"{p or ''}第{m}节"),
        Level("article", re.compile(rf"^#*\s*第({cn})条"), lambda p, n: f"art{n}", lambda p, m, n: f"第{m}条"),
    ]


def _markdown_levels() -> list[Level]:
    return [
        Level(f"h{depth}", re.compile(rf"^#{{{depth}}}(?!#)\s*()"), _nested,
              lambda p, m, n: f"{p + '.' if p else '§'}{n}")
        for depth in range(1, 7)
    ]


PROFILES: dict[str, Callable[[], list[Level]]] = {
    "numbered": _numbered_levels,
    "statute": _statute_levels,
    "markdown": _markdown_levels,
}

_LEAD_MAX_CHARS = 24
#: An annex (附件, 附件2, 附件二：…) starts its own part of the document: numbering restarts inside
#: it, so its sections get the prefix ``a<n>.`` and labels ``附件<n>…`` instead of colliding with
#: the main text's 一、二、….
_ANNEX = re.compile(rf"^(?:\*\*|#{{1,6}})?\s*附\s*件\s*([0-9]{{1,3}}|[{CN_NUMERAL}]+)?\s*(?:[:：]|$|\s)")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
#: An enumerated item of an article (（二）永久基本农田以外的耕地超过三十五公顷的；) means nothing without the
#: clause that introduces the list (征收下列土地的，由国务院批准：): that clause is the item's lead.
_ITEM_MARK = re.compile(rf"^[（(][{CN_NUMERAL}]+[）)]")
_ARTICLE_MARK = re.compile(rf"^第[{CN_NUMERAL}]+条\s*")


def parse(source: SourceDocument) -> ParsedDocument:
    """Build the section tree of a document from its rebuilt paragraphs."""
    levels = PROFILES[source.meta.structure]()
    preamble = Section("0", "preamble", 0, 0, "", "序言", "序", None, 0)
    sections = [preamble]
    open_by_level: dict[int, Section] = {}
    counters: dict[tuple[str | None, int], int] = {}
    raw_paragraphs = paragraphs(source.raw)
    # Annexes follow the signature: look for the signature block before the first annex.
    first_annex = next((i for i, p in enumerate(raw_paragraphs) if _ANNEX.match(p.text)), len(raw_paragraphs))
    closing_start = _closing_start(raw_paragraphs[:first_annex], source)
    closing_end = closing_start
    if closing_start < first_annex:
        # The signature block (issuer line, date line) is one citable unit: 国务院 2013年10月6日.
        block = raw_paragraphs[closing_start:first_annex]
        merged = Paragraph("".join(p.text for p in block), tuple(o for p in block for o in p.offsets))
        raw_paragraphs = [*raw_paragraphs[:closing_start], merged, *raw_paragraphs[first_annex:]]
        closing_end = closing_start + 1
    sentence_index = 0
    annex: Section | None = None
    annexes = 0

    for position, para in enumerate(raw_paragraphs):
        in_closing = closing_start <= position < closing_end
        if in_closing and position == closing_start:
            closing = Section("end", "closing", 0, 0, "", "落款", "落款", None, para.start)
            sections.append(closing)
            open_by_level = {0: closing}
        annex_match = _ANNEX.match(para.text) if not in_closing else None
        if annex_match is not None:
            annexes += 1
            number = _annex_number(annex_match.group(1), annexes)
            annexes = max(annexes, number)
            title = para.text[annex_match.end():].strip(" ：:*#") or f"附件{number}"
            annex = Section(f"a{number}", "annex", 1, number, annex_match.group(0).strip(" ：:*#"), title,
                            f"附件{number}", None, para.start)
            if any(s.id == annex.id for s in sections):
                annex.id = f"a{annexes}"
            sections.append(annex)
            open_by_level = {}  # the annex is the parent of last resort, below: its parts restart at 一、
            sentence_index = _add_paragraph(annex, para, 0, sentence_index, heading_only=True)
            continue
        heading = _match_heading(levels, para.text) if not in_closing else None
        text_start = 0
        if heading is not None:
            depth, level, match = heading
            parent = next((open_by_level[d] for d in sorted(open_by_level, reverse=True) if 0 < d < depth + 1), None)
            if parent is None and annex is not None:
                parent = annex  # a part inside an annex: 附件1 › 一、…
            parent_id = parent.id if parent else None
            if not _continues(level, match, counters, parent_id, depth):
                heading = None  # numbering restarts inside a section: 三、… then 一、二、… is a list, not parts
        if heading is not None:
            number = _heading_number(level, match, counters, parent_id, depth)
            marker = match.group(0)
            title, body_start = _heading_title(para.text, match.end(), level.kind)
            section = Section(
                id=_unique_id(level.make_id(parent_id, number), level.kind, sections),
                kind=level.kind,
                level=depth + 1,
                number=number,
                marker=marker.strip("# "),
                title=(para.text[:body_start].rstrip("。 ") if level.kind != "article" else title).strip("#* "),
                label=(f"{annex.label}·" if parent is annex and annex is not None else "")
                + level.make_label(parent.label if parent else None, match.group(1), number),
                parent_id=parent_id,
                start=para.start,
            )
            sections.append(section)
            open_by_level = {d: s for d, s in open_by_level.items() if d < depth + 1}
            open_by_level[depth + 1] = section
            if body_start >= len(para.text):
                # A heading paragraph is still text: keep it as the section's heading sentence.
                sentence_index = _add_paragraph(section, para, 0, sentence_index, heading_only=True)
                continue
            text_start = 0
        owner = open_by_level[max(open_by_level)] if open_by_level else (annex or preamble)
        sentence_index = _add_paragraph(owner, para, text_start, sentence_index, heading_only=False,
                                        # An article's number is a label, not a sentence: 第十二条每年6月5日为环境日。
                                        # is the article's first rule, to be found and cited like any other.
                                        inline_heading=heading is not None and heading[1].kind != "article",
                                        role_hint=_role_hint(position, in_closing, para))
    return ParsedDocument(source, [s for s in sections if s.paragraphs or s.kind != "preamble"])


def _annex_number(text: str | None, seen: int) -> int:
    if not text:
        return seen
    try:
        return cn_to_int(text)
    except ValueError:
        return seen


def _match_heading(levels: list[Level], text: str) -> tuple[int, Level, re.Match[str]] | None:
    for depth, level in enumerate(levels):
        match = level.pattern.match(text)
        if match:
            return depth, level, match
    return None


def _unique_id(candidate: str, kind: str, sections: list[Section]) -> str:
    """The id a section's numbering gives it, unless a section of another level took it first: an item
    （一） before any part 一、 is ``1`` too. The later one is then named by its kind: ``part1``."""
    taken = {section.id for section in sections}
    if candidate not in taken:
        return candidate
    named = f"{kind}{candidate}"
    suffix = 2
    while named in taken:
        named, suffix = f"{kind}{candidate}-{suffix}", suffix + 1
    return named


def _continues(level: Level, match: re.Match[str], counters: dict, parent_id: str | None, depth: int) -> bool:
    """Whether a numbered heading goes on with its level's numbering under its parent (a gap is allowed).

    A number at or below the last one seen there does not: a reader takes 一、二、… inside part 三 as an
    enumeration in that part. As a heading it would repeat the ids of parts 一 and 二.
    """
    number = _stated_number(match)
    return number is None or number > counters.get((parent_id, depth), 0)


def _stated_number(match: re.Match[str]) -> int | None:
    """The number a heading's marker states (三 of 三、), or None when it states none we can read."""
    if not match.group(1):
        return None
    try:
        return cn_to_int(match.group(1))
    except ValueError:
        return None


def _heading_number(level: Level, match: re.Match[str], counters: dict, parent_id: str | None, depth: int) -> int:
    key = (parent_id, depth)
    number = _stated_number(match)
    counters[key] = number if number is not None else counters.get(key, 0) + 1
    return counters[key]


def _heading_title(text: str, marker_end: int, kind: str) -> tuple[str, int]:
    """A heading is the whole paragraph, or its first sentence when body text follows inline."""
    if kind == "article":
        return text[:marker_end].strip("# "), marker_end
    spans = split_sentences(text)
    first_end = spans[0][1] if spans else len(text)
    if first_end < len(text):
        return text[marker_end:first_end].rstrip("。"), first_end
    return text[marker_end:].rstrip("。"), len(text)


def _closing_start(paras: list[Paragraph], source: SourceDocument) -> int:
    """Index of the trailing signature block (issuer line, date line), or len(paras)."""
    index = len(paras)
    while index > 0:
        text = paras[index - 1].text
        if _DATE_LINE.match(text) or (text == source.meta.issuer):
            index -= 1
        else:
            break
    return index


def _role_hint(position: int, in_closing: bool, para: Paragraph) -> str | None:
    if in_closing:
        return "signature"
    if position == 0 and para.text.endswith("：") and len(para.text) < 120:
        return "addressees"
    return None


def _add_paragraph(section: Section, para: Paragraph, text_start: int, sentence_index: int, *,
                   heading_only: bool, inline_heading: bool = False, role_hint: str | None = None) -> int:
    if heading_only:  # the heading does not shift the numbering of the paragraphs readers cite
        paragraph_id, label = f"{section.id}.h", f"{section.label}题"
    else:
        number = sum(1 for p in section.paragraphs if not p.id.endswith(".h")) + 1
        paragraph_id, label = f"{section.id}.p{number}", f"{section.label}¶{number}"
    spans = split_sentences(para.text)
    lead = None
    roles: list[str] = []
    for index, (start, end) in enumerate(spans):
        text = para.text[start:end]
        if role_hint:
            roles.append(role_hint)
        elif heading_only or (inline_heading and index == 0):
            roles.append("heading")
        elif index == (1 if inline_heading else 0) and len(spans) > index + 1 and _is_lead(text):
            roles.append("lead")
            lead = text.rstrip("。").lstrip("—")
        else:
            roles.append("body")
    if lead is None and section.kind == "article" and _ITEM_MARK.match(para.text):
        lead = _list_stem(section)
    node = ParagraphNode(paragraph_id, label, para.text, para.start, para.end, section.id, lead)
    for index, ((start, end), role) in enumerate(zip(spans, roles, strict=True), start=1):
        node.sentences.append(Sentence(
            id=f"{paragraph_id}.s{index}",
            label=f"{label} s{index}",
            text=para.text[start:end],
            start=para.offsets[start],
            end=para.offsets[end - 1] + 1,
            role=role,
            paragraph_id=paragraph_id,
            section_id=section.id,
            index=sentence_index,
        ))
        sentence_index += 1
    section.paragraphs.append(node)
    return sentence_index


def _list_stem(section: Section) -> str | None:
    """The clause introducing the list an article's item belongs to: the previous paragraph's last
    sentence when it ends with a colon, or the stem the previous item already carries."""
    previous = next((p for p in reversed(section.paragraphs) if not p.id.endswith(".h")), None)
    if previous is None:
        return None
    text = previous.text.rstrip()
    if text.endswith(("：", ":")):
        spans = split_sentences(text)
        stem = text[spans[-1][0]:] if spans else text
        return _ARTICLE_MARK.sub("", stem).rstrip("：:").strip() or None
    return previous.lead if _ITEM_MARK.match(previous.text) else None


def _is_lead(sentence: str) -> bool:
    body = sentence.rstrip("。").lstrip("—")
    return sentence.endswith("。") and 0 < len(body) <= _LEAD_MAX_CHARS and "，" not in body
