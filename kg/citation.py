"""Formal citations of sentences, in the style of their document.

A citation id (``guofa-2013-41/4.p4.s2``) is exact but home-made; readers paste a formal
citation. The style follows the document's structure profile:

``numbered``  《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）第四部分“分业施策”（电解铝）第二句
              part 一、 → 第X部分“heading”; item （三） → 第（三）项“heading”; point 1. → 第1点; a paragraph's
              lead phrase in parentheses; 第N段 only where the section has several paragraphs and no lead
              tells them apart; the sentence's ordinal in its paragraph.
``statute``   《中华人民共和国环境保护法》第五十九条第一款 — article, then 款 (only when the article has
              several), 项 (（一） lines belong to the 款 before them), 第N句 only when the 款 or 项 has several.
``markdown``  “heading” › …, paragraph and sentence as for numbered documents.

A whole document or one of its articles, as another document cites it: :func:`format_resource`.

Everything is computed from the graph (section kinds and titles, paragraph leads, local ids),
once for all sentences (:func:`load_citations`); :func:`format_place` is the pure formatter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.graph.build import citation_id
from kg.graph.store import GraphStore, open_store, select_rows
from kg.structure import CN_NUMERAL, cn_to_int, int_to_cn

_SENTENCES = """
SELECT ?docId ?docTitle ?docTitleEn ?docNumber ?profile ?cite ?role ?text ?paragraph ?lead ?section
WHERE {
  ?sentence a pkg:Sentence ; pkg:localId ?cite ; pkg:role ?role ; pkg:text ?text ;
            eli:is_part_of ?p ; eli:is_member_of ?document .
  ?p pkg:localId ?paragraph ; eli:is_part_of ?s .
  ?s pkg:localId ?section .
  ?document pkg:localId ?docId ; eli:title ?docTitle ; eli:id_local ?docNumber ; pkg:structureProfile ?profile .
  OPTIONAL { ?document eli:title_alternative ?docTitleEn }
  OPTIONAL { ?p pkg:lead ?lead }
}
"""
_SECTIONS = """
SELECT ?docId ?section ?kind ?title ?parent
WHERE {
  ?s a pkg:Section ; pkg:localId ?section ; pkg:sectionKind ?kind ; eli:title ?title ; eli:is_part_of ?up .
  ?document a pkg:Document ; pkg:localId ?docId .
  ?s eli:is_part_of* ?document .
  OPTIONAL { ?up a pkg:Section ; pkg:localId ?parent }
}
"""
#: The enumeration marker a heading title starts with (一、 （三） 2. （1） 第五章 附件1：).
_MARKER = re.compile(rf"^(?:[{CN_NUMERAL}]+、|（[{CN_NUMERAL}]+）|\d{{1,2}}[.．、]|[（(]\d{{1,2}}[）)]|"
                     rf"第[{CN_NUMERAL}]+[编章节条]|附\s*件\s*[0-9{CN_NUMERAL}]*\s*[:：]?)\s*")
_ITEM_LINE = re.compile(rf"^（([{CN_NUMERAL}]+)）")
_DOC_NUMBER = re.compile(r"^(.+?)〔(\d{4})〕(\d+)号$")
#: Romanised issuer codes of document numbers (国发〔2013〕41号 → Guo Fa [2013] No. 41).
_NUMBER_CODES = {"国发": "Guo Fa", "国办发": "Guo Ban Fa", "国函": "Guo Han", "国办函": "Guo Ban Han"}
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class SectionRef:
    """One enclosing section: its kind (part, item, article …), number and heading without the marker."""

    kind: str
    number: int
    title: str = ""


@dataclass(frozen=True)
class Place:
    """Where a sentence sits, as much as a citation needs."""

    title: str
    number: str
    profile: str  # numbered | statute | markdown
    sections: tuple[SectionRef, ...]  # outermost first
    sentence: int  # ordinal in its paragraph
    paragraph: int | None = None  # ordinal in its section; None for a heading paragraph
    paragraphs: int = 1  # body paragraphs of the section
    sentences: int = 1  # sentences of the paragraph
    lead: str | None = None
    role: str = "body"
    clause: int | None = None  # statute 款
    clauses: int = 1
    item: int | None = None  # statute 项
    title_en: str | None = None


@dataclass(frozen=True)
class Citation:
    id: str
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {"citation_text": self.zh, "citation_text_en": self.en}


def _cn_ordinal(number: int) -> str:
    return int_to_cn(number) if number < 100 else str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _heading(title: str) -> str:
    return _MARKER.sub("", title, count=1).strip("#* 。").strip()


def _document_zh(place: Place) -> str:
    show_number = place.number and place.number != place.title and place.profile != "statute"
    return f"《{place.title}》" + (f"（{place.number}）" if show_number else "")


def _document_en(place: Place) -> str:
    title = place.title_en or place.title
    number = ""
    if place.number and place.number != place.title and place.profile != "statute":
        match = _DOC_NUMBER.match(place.number)
        code = _NUMBER_CODES.get(match.group(1)) if match else None
        number = f" ({code} [{match.group(2)}] No. {match.group(3)})" if code else f" ({place.number})"
    return title + number


def format_place(place: Place) -> tuple[str, str]:
    """The formal citation of a place, in Chinese and in English."""
    if place.profile == "statute":
        zh, en = _statute(place)
    else:
        zh, en = _numbered(place)
    en_text = ", ".join(en)
    return _document_zh(place) + "".join(zh), (f"{en_text} of " if en_text else "") + _document_en(place)


def format_resource(title: str, number: str = "", profile: str = "numbered", article: int | None = None,
                    title_en: str | None = None) -> tuple[str, str]:
    """The formal citation of a whole document or one article, as a citing text names it:
    《中华人民共和国环境保护法》第五十九条 / Article 59 of Environmental Protection Law …"""
    place = Place(title=title, number=number, profile=profile, sections=(), sentence=1, title_en=title_en)
    zh, en = _document_zh(place), _document_en(place)
    if article is None:
        return zh, en
    return f"{zh}第{_cn_ordinal(article)}条", f"Article {article} of {en}"


def _statute(place: Place) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    article = next((s for s in place.sections if s.kind == "article"), None)
    if article is None:  # the preamble, a chapter heading: cite the innermost section by name
        for section in place.sections:
            if section.kind == "preamble":
                zh.append("序言")
                en.append("preamble")
            elif section.kind in ("book", "chapter", "section"):
                word = {"book": "编", "chapter": "章", "section": "节"}[section.kind]
                zh.append(f"第{_cn_ordinal(section.number)}{word}" + (f"“{section.title}”" if section.title else ""))
                en.append(f"{section.kind.capitalize()} {section.number}"
                          + (f" “{section.title}”" if section.title else ""))
        if place.paragraph is None:
            zh.append("标题")
            en.append("heading")
        else:
            _paragraph_and_sentence(place, zh, en)
        return zh, en
    zh.append(f"第{_cn_ordinal(article.number)}条")
    en.append(f"Article {article.number}")
    if place.clause is not None and place.clauses > 1:
        zh.append(f"第{_cn_ordinal(place.clause)}款")
        en.append(f"paragraph {place.clause}")
    if place.item is not None:
        zh.append(f"第（{_cn_ordinal(place.item)}）项")
        en.append(f"item ({place.item})")
    if place.sentences > 1:
        zh.append(f"第{_cn_ordinal(place.sentence)}句")
        en.append(f"sentence {place.sentence}")
    return zh, en


def _numbered(place: Place) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    for section in place.sections:
        title = f"“{section.title}”" if section.title else ""
        if section.kind == "preamble":
            zh.append("序言")
            en.append("preamble")
        elif section.kind == "closing":
            zh.append("落款")
            en.append("signature")
        elif section.kind == "annex":
            zh.append(f"附件{section.number}{title}")
            en.append(f"Annex {section.number}" + (f" {title}" if title else ""))
        elif section.kind == "part":
            zh.append(f"第{_cn_ordinal(section.number)}部分{title}")
            en.append(f"Part {_roman(section.number)}" + (f" {title}" if title else ""))
        elif section.kind == "item":
            zh.append(f"第（{_cn_ordinal(section.number)}）项{title}")
            en.append(f"item ({section.number})" + (f" {title}" if title else ""))
        elif section.kind == "point":
            zh.append(f"第{section.number}点{title}")
            en.append(f"point {section.number}" + (f" {title}" if title else ""))
        elif section.kind == "subpoint":
            zh.append(f"第（{section.number}）目{title}")
            en.append(f"sub-point ({section.number})" + (f" {title}" if title else ""))
        else:  # markdown headings and anything else titled
            zh.append(title or f"第{section.number}节")
            en.append(title or f"section {section.number}")
    if place.role == "signature":
        return zh, en
    if place.paragraph is None:
        zh.append("标题")
        en.append("heading")
        return zh, en
    _paragraph_and_sentence(place, zh, en)
    return zh, en


def _paragraph_and_sentence(place: Place, zh: list[str], en: list[str]) -> None:
    if place.lead:
        zh.append(f"（{place.lead}）")
        if en:
            en[-1] += f" ({place.lead})"
        else:
            en.append(f"({place.lead})")
    elif place.paragraphs > 1 and place.paragraph is not None:
        zh.append(f"第{_cn_ordinal(place.paragraph)}段")
        en.append(f"paragraph {place.paragraph}")
    zh.append(f"第{_cn_ordinal(place.sentence)}句")
    en.append(f"sentence {place.sentence}")


# ---------------------------------------------------------------------- from the graph
def _ordinal(local_id: str, prefix: str) -> int | None:
    """The number in the last ``pN``/``sN`` step of a local id, None for a heading paragraph (``.h``)."""
    step = local_id.rsplit(".", 1)[-1]
    return int(step[len(prefix):]) if step.startswith(prefix) and step[len(prefix):].isdigit() else None


def _section_number(section_id: str) -> int:
    step = section_id.rsplit(".", 1)[-1]
    digits = re.sub(r"^[a-z]+", "", step)
    return int(digits) if digits.isdigit() else 0


@dataclass
class _Doc:
    title: str = ""
    title_en: str | None = None
    number: str = ""
    profile: str = "numbered"
    sections: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # id → kind, title, parent


def load_citations(store: GraphStore | None = None, doc_id: str | None = None) -> dict[str, Citation]:
    """The formal citation of every sentence in the store, or in document ``doc_id`` only, by citation id
    (two queries, then Python). One sentence's citation needs its document's: a statute's clause number
    counts the paragraphs of its article."""
    store = store or open_store()
    sections, sentences = _SECTIONS, _SENTENCES
    if doc_id is not None:
        from rdflib import Literal

        only = f"WHERE {{\n  VALUES ?docId {{ {Literal(doc_id).n3()} }}"
        sections, sentences = (query.replace("WHERE {", only, 1) for query in (_SECTIONS, _SENTENCES))
    docs: dict[str, _Doc] = defaultdict(_Doc)
    for row in select_rows(store, sections):
        docs[str(row["docId"])].sections[str(row["section"])] = (
            str(row["kind"]), str(row["title"]), str(row["parent"]) if row["parent"] else None)
    by_paragraph: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in select_rows(store, sentences):
        doc = docs[str(row["docId"])]
        doc.title, doc.number, doc.profile = str(row["docTitle"]), str(row["docNumber"]), str(row["profile"])
        doc.title_en = str(row["docTitleEn"]) if row["docTitleEn"] else None
        by_paragraph[(str(row["docId"]), str(row["paragraph"]))].append(row)

    paragraphs_of: dict[tuple[str, str], list[str]] = defaultdict(list)  # body paragraphs of a section, in order
    for (doc_id, paragraph), found in by_paragraph.items():
        if _ordinal(paragraph, "p") is not None:
            paragraphs_of[(doc_id, str(found[0]["section"]))].append(paragraph)
    for key in paragraphs_of:
        paragraphs_of[key].sort(key=lambda p: _ordinal(p, "p") or 0)

    citations: dict[str, Citation] = {}
    for (doc_id, paragraph), found in by_paragraph.items():
        doc = docs[doc_id]
        section_id = str(found[0]["section"])
        chain: list[SectionRef] = []
        current: str | None = section_id
        while current is not None and current in doc.sections:
            kind, title, parent = doc.sections[current]
            chain.append(SectionRef(kind, _section_number(current), "" if kind == "article" else _heading(title)))
            current = parent
        siblings = paragraphs_of.get((doc_id, section_id), [])
        clause = item = None
        clauses = 1
        if doc.profile == "statute" and paragraph in siblings:
            clause, item, clauses = _clause_and_item(paragraph, siblings, by_paragraph, doc_id)
        ordered = sorted(found, key=lambda r: _ordinal(str(r["cite"]), "s") or 0)
        for row in ordered:
            place = Place(
                title=doc.title, number=doc.number, profile=doc.profile, sections=tuple(chain[::-1]),
                sentence=_ordinal(str(row["cite"]), "s") or 1, paragraph=_ordinal(paragraph, "p"),
                paragraphs=len(siblings), sentences=len(ordered), lead=str(row["lead"]) if row["lead"] else None,
                role=str(row["role"]), clause=clause, clauses=clauses, item=item, title_en=doc.title_en)
            zh, en = format_place(place)
            cid = citation_id(doc_id, str(row["cite"]))
            citations[cid] = Citation(cid, zh, en)
    return citations


def _clause_and_item(paragraph: str, siblings: list[str], by_paragraph: dict, doc_id: str
                     ) -> tuple[int, int | None, int]:
    """款 and 项 of a statute paragraph: a line opening with （一） is an item of the 款 before it."""
    clause, item, clause_of = 0, None, {}
    for sibling in siblings:
        first = min(by_paragraph[(doc_id, sibling)], key=lambda r: _ordinal(str(r["cite"]), "s") or 0)
        match = _ITEM_LINE.match(str(first["text"]))
        if match and clause:
            number = cn_to_int(match.group(1))
        else:
            clause, number = clause + 1, None
        clause_of[sibling] = (clause, number)
    clause, item = clause_of[paragraph]
    return clause, item, max(c for c, _ in clause_of.values())


def citation_text(citation: str, store: GraphStore | None = None) -> str | None:
    """The formal Chinese citation of one id (loads all; for many ids, call :func:`load_citations` once)."""
    found = load_citations(store).get(citation.strip().removesuffix("/provision"))
    return found.zh if found else None
