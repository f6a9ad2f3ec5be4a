"""Which documents of the library a question is about, and which of their articles.

A library holds guidance, laws and yearly work reports side by side, and many of their sentences
look alike (each work report sets 今年's capacity cuts). A question that names a document must be
answered from that document alone; one that names a document the library lacks must say so
rather than answer from a neighbour. Everything here is derived from the documents' own metadata
(title, short titles, number, type, date): there is no list of known documents in code.

* a title (《中华人民共和国环境保护法》), the title without the state's name (环境保护法), a sidecar's
  ``short_titles`` (环保法) or its English title;
* a number, however bracketed (国发〔2013〕41号, 国发[2013]41号, Guofa [2013] No. 41, 41号文);
* a type with a year (2014年政府工作报告, the 2016 Government Work Report): the document of that type
  dated in that year — or, when there is none, a document the library does not hold;
* articles (第五十九条, Article 59): the statutes in scope that have them — or none, said so.

``--doc`` and ``--as-of`` narrow the same scope from outside the question.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.structure import CN_NUMERAL, cn_to_int

_STATE_PREFIX = "中华人民共和国"
_EN_STATE_SUFFIX = re.compile(r"\s+of the people'?s republic of china$", re.IGNORECASE)
_OPEN = "〔[(（【"
_CLOSE = "〕])）】"
_NUMBER_PARTS = re.compile(r"^(?P<prefix>\D*?)\[(?P<year>\d{4})\](?P<serial>\d+)号$")
_QUESTION_NUMBER = re.compile(r"(?P<year>\d{4})\]\s*(?:no\.?\s*)?(?P<serial>\d+)", re.IGNORECASE)
_SERIAL_ONLY = re.compile(r"(?<![\d\]])(?P<serial>\d+)\s*号文")
_ARTICLE_ZH = re.compile(rf"第([{CN_NUMERAL}\d]+)条")
_ARTICLE_EN = re.compile(r"\barticles?\s+(\d+)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
#: How far before a type word its year may stand (李克强总理2014年所作的政府工作报告).
_YEAR_REACH = 14
#: A year before a type word: four digits, or two before 年 (14年政府工作报告 is 2014's, as 14年报告 is).
_NAMING_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2}|\d{2}(?=年))(?!\d)")
_NOT_NAMING_GAP = re.compile(r"[起前后底末以内至到，,。;；:：、]|.{7,}")


def compact(text: str) -> str:
    """NFKC, no white space, brackets of numbers unified to [ ]: the form names are matched in."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.translate(str.maketrans(_OPEN + _CLOSE, "[" * len(_OPEN) + "]" * len(_CLOSE)))
    return re.sub(r"\s+", "", folded).lower()


@dataclass(frozen=True)
class LibraryDocument:
    """What the answerer knows of one document: its names and its time of validity."""

    id: str
    title: str
    number: str
    type: str
    date: dt.date
    title_en: str = ""
    type_en: str = ""
    short_titles: tuple[str, ...] = ()
    structure: str = "numbered"
    in_force_from: dt.date | None = None
    repealed_on: dt.date | None = None
    replaced_by: str | None = None

    def written_forms(self) -> list[str]:
        """Every form by which a question may name this document, as written (the Administrative Licensing Law,
        行政许可法, 主席令第二十九号)."""
        forms = [self.title, *self.short_titles]
        if self.title.startswith(_STATE_PREFIX) and len(self.title) > len(_STATE_PREFIX) + 1:
            forms.append(self.title[len(_STATE_PREFIX):])
        if self.title_en:
            forms += [self.title_en, _EN_STATE_SUFFIX.sub("", self.title_en)]
        if self.number and self.number != self.title:
            forms.append(self.number)
        return [form for form in forms if form.strip()]

    def names(self) -> list[str]:
        """The forms of :meth:`written_forms`, compacted, longest first."""
        found = {compact(form) for form in self.written_forms()}
        return sorted((f for f in found if len(f) >= 3), key=len, reverse=True)

    def number_parts(self) -> tuple[int, int] | None:
        match = _NUMBER_PARTS.match(compact(self.number))
        return (int(match["year"]), int(match["serial"])) if match else None

    def in_force(self, day: dt.date) -> bool:
        """In force on ``day`` by :func:`kg.documents.in_force`; a document whose sidecar gives no entry
        into force is taken to apply from its own date, as policy documents do on issue."""
        from kg.documents import in_force

        found = in_force(self, day)
        return True if found is None else found


@dataclass
class Scope:
    """The documents (and articles) a question may be answered from; empty ``documents`` = all."""

    documents: tuple[str, ...] = ()
    named: tuple[str, ...] = ()  # documents the question itself names (not --doc)
    articles: tuple[int, ...] = ()
    missing: str | None = None  # a document the question names that the library does not hold
    missing_article: str | None = None  # an article no document in scope has
    naming_years: tuple[int, ...] = ()  # years the question used to name a document
    as_of: dt.date | None = None
    excluded: tuple[str, ...] = field(default_factory=tuple)  # not in force on as_of

    @property
    def narrowed(self) -> bool:
        return bool(self.documents or self.articles)

    def as_dict(self) -> dict:
        return {"documents": list(self.documents), "named": list(self.named), "articles": list(self.articles),
                "as_of": self.as_of.isoformat() if self.as_of else None}


def without_document_numbers(text: str) -> str:
    """``text`` with its document numbers blanked (41号文, 国发〔2013〕41号): they say which document, and
    号文 is no word a document must contain."""
    folded = compact(text)
    folded = re.sub(r"[^\W\d_]*\[\d{4}\]\s*(?:no\.?\s*)?\d+号?", " ", folded)
    return _SERIAL_ONLY.sub(" ", folded)


def named_documents(text: str, library: Sequence[LibraryDocument]) -> tuple[list[str], str | None, list[int]]:
    """The ids of the documents ``text`` names, a named document the library lacks (or None), and the
    years that served to name a document (2014年政府工作报告): those say which report, not which time."""
    # A quotation is what a document says (“新修订的环境保护法必须严格执行”): a name inside it is quoted content,
    # not the document asked about.
    folded = _QUOTED.sub("“”", compact(text))
    named: list[str] = []
    for document in library:
        if any(name in folded for name in document.names()):
            named.append(document.id)
    by_number = {doc.number_parts(): doc.id for doc in library if doc.number_parts()}
    missing = None
    for match in _QUESTION_NUMBER.finditer(folded):
        found = by_number.get((int(match["year"]), int(match["serial"])))
        if found:
            named.append(found)
        elif folded[max(0, match.start() - 1): match.start()] == "[" and missing is None:
            # A bracketed number (国发〔2014〕43号, Guofa [2014] No. 43) names one document: not this library's.
            latin = re.search(rf"([A-Za-z]+)\s*\W\s*{match['year']}", unicodedata.normalize("NFKC", text))
            missing = f"{latin.group(1) if latin else ''}〔{match['year']}〕{match['serial']}号"
    serials = [parts[1] for parts in by_number]
    for match in _SERIAL_ONLY.finditer(folded):
        serial = int(match["serial"])
        if serials.count(serial) == 1:
            named.append(next(doc for parts, doc in by_number.items() if parts[1] == serial))
    naming_years: list[int] = []
    for type_name in sorted({form for doc in library for form in (doc.type, doc.type_en) if form}, key=len,
                            reverse=True):
        key = compact(type_name)
        for match in re.finditer(re.escape(key), folded):
            before = folded[max(0, match.start() - _YEAR_REACH): match.start()]
            years = list(_NAMING_YEAR.finditer(before))
            # The year must qualify the type (2014年所作的政府工作报告), not a time around it (2015年起施行的法律).
            if not years or _NOT_NAMING_GAP.search(before[years[-1].end():]):
                continue
            year = int(years[-1].group(1))
            year = year + 2000 if year < 100 else year
            naming_years.append(year)
            fitting = [doc.id for doc in library if key in (compact(doc.type), compact(doc.type_en))
                       and doc.date.year == year]
            if fitting:
                named.extend(fitting)
            elif missing is None:
                missing = f"{year}年{next(d.type for d in library if key in (compact(d.type), compact(d.type_en)))}"
    for match in _EN_YEAR_GENRE.finditer(unicodedata.normalize("NFKC", text)):
        # "the 2013 overcapacity guidance", "the 2016 report": a year before a genre word names the document of
        # that genre issued that year, when the library has one (it never makes one missing: the words are loose).
        year, genre = int(match["year"]), match["genre"].lower()
        fitting = [doc.id for doc in library if doc.date.year == year and genre in _genres(doc)]
        if fitting:
            named.extend(fitting)
            naming_years.append(year)
    for match in _ZH_YEAR_GENRE.finditer(folded):
        # 2016年报告, 2013年的意见: a year and the ending of a type (报告 of 政府工作报告) name that year's document.
        year, ending = int(match["year"]), match["ending"]
        year = year + 2000 if year < 100 else year
        fitting = [doc.id for doc in library if doc.date.year == year and doc.type.endswith(ending)]
        if fitting and not any(doc_id in named for doc_id in fitting):
            named.extend(fitting)
            naming_years.append(year)
    if missing is None:
        missing = _unknown_statute(text, library)
    return list(dict.fromkeys(named)), missing, naming_years


#: English genre words by the ending of a document's type (a closed set: what a question calls a document of
#: that type: 指导意见 → guidance, opinions; 政府工作报告 → report; 法律 → law).
_EN_GENRES = {
    "意见": ("guidance", "guideline", "guidelines", "opinion", "opinions"),
    "报告": ("report",),
    "法律": ("law", "statute"),
}
_QUOTED = re.compile(r"“[^”]{8,}”|「[^」]{8,}」|\"[^\"]{8,}\"")  # a name alone in quotes still names
#: 14年报告 is 2014's as 2014年报告 is: a two-digit year names a document of this century's library.
_ZH_YEAR_GENRE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2}|\d{2})年(?:的|所作的|发布的|印发的)?(?P<ending>报告|意见)")
_EN_YEAR_GENRE = re.compile(
    r"\b(?P<year>(?:19|20)\d{2})\b(?:\s+(?!(?:in|on|at|by|from|to|until|before|after|since|the)\b)[A-Za-z'-]+){0,3}?"
    r"\s+(?P<genre>guidance|guidelines?|opinions?|report|law|statute)\b", re.IGNORECASE)


def _genres(document: LibraryDocument) -> tuple[str, ...]:
    return next((words for ending, words in _EN_GENRES.items() if document.type.endswith(ending)), ())


#: Words ending in 法 that name no statute (a way, a rule, lawful…).
_NOT_A_STATUTE = ("办法", "方法", "做法", "说法", "看法", "想法", "用法", "手法", "司法", "执法", "立法", "违法",
                  "合法", "依法", "非法", "守法", "算法", "语法", "疗法", "大法")
_EN_STATUTE = re.compile(r"\b((?:[A-Z][a-z]+[ -]){1,6}Law)\b")


def _unknown_statute(text: str, library: Sequence[LibraryDocument]) -> str | None:
    """A statute the question names (劳动合同法, the Labour Contract Law) that no document of the library is: its
    rules are not here, and the library's other laws must not answer for it."""
    import jieba.posseg

    names = [name for doc in library for name in doc.names()]
    words = list(jieba.posseg.cut(text))
    for index, word in enumerate(words):
        if not word.word.endswith("法") or word.word.endswith(_NOT_A_STATUTE) or word.word == "本法":
            continue
        # 劳动 + 合同法: the cut may split a statute's name; only nouns in front belong to it (依照 本法 does not).
        start = index
        while start > 0 and words[start - 1].flag[:1] in ("n", "v") and words[start - 1].flag != "v" \
                and re.fullmatch(r"[\u4e00-\u9fff]+", words[start - 1].word) and index - start < 3:
            start -= 1
        token = "".join(w.word for w in words[start: index + 1])
        if len(token) >= 4 and not any(compact(token) in name or name in compact(token) for name in names):
            return token
    for match in _EN_STATUTE.finditer(text):
        phrase = match.group(1)
        if not any(compact(phrase) in name or name in compact(phrase) for name in names):
            return phrase
    return None


def asked_articles(text: str) -> list[int]:
    """Article numbers a question names: 第五十九条, Article 59."""
    numbers: list[int] = []
    for match in _ARTICLE_ZH.finditer(text):
        token = match.group(1)
        try:
            numbers.append(int(token) if token.isdigit() else cn_to_int(token))
        except ValueError:
            continue
    numbers += [int(m.group(1)) for m in _ARTICLE_EN.finditer(text)]
    return list(dict.fromkeys(numbers))


def resolve_scope(texts: Iterable[str], library: Sequence[LibraryDocument], *, given: Sequence[str] = (),
                  as_of: dt.date | None = None, articles_of: dict[str, set[int]] | None = None) -> Scope:
    """The scope of one question: ``texts`` are its forms (as asked, and its Chinese renderings);
    ``given`` are ids from ``--doc``; ``articles_of`` maps each statute's id to its article numbers."""
    named: list[str] = []
    missing = None
    articles: list[int] = []
    naming_years: list[int] = []
    for text in texts:
        found, lacking, years = named_documents(text, library)
        named += found
        naming_years += years
        missing = missing or lacking
        articles += asked_articles(text)
    named = list(dict.fromkeys(named))
    articles = list(dict.fromkeys(articles))
    documents = list(dict.fromkeys(given)) if given else []
    if named:
        # --doc and the question both narrow: what the question names within what was given.
        documents = [d for d in named if not given or d in given] or documents
    if named and given and not set(named) & set(given):
        missing = missing or "、".join(named)
    excluded: list[str] = []
    if as_of is not None:
        excluded = [doc.id for doc in library if not doc.in_force(as_of)]
        pool = documents or [doc.id for doc in library]
        documents = [d for d in pool if d not in excluded]
        if not documents:
            missing = missing or as_of.isoformat()
    missing_article = None
    if articles and articles_of is not None:
        pool = documents or [doc.id for doc in library]
        having = [d for d in pool if any(n in articles_of.get(d, set()) for n in articles)]
        statutes_named = [d for d in pool if d in articles_of]
        if having:
            documents = having
        elif statutes_named:
            missing_article = "、".join(f"第{n}条" for n in articles)
    return Scope(tuple(documents), tuple(named), tuple(articles), missing, missing_article,
                 tuple(dict.fromkeys(naming_years)), as_of, tuple(excluded))


__all__ = ["LibraryDocument", "Scope", "asked_articles", "compact", "named_documents", "resolve_scope"]
