"""Question understanding with the extraction pipeline: entities, time constraints, intent.

The same dictionaries as extraction resolve Chinese mentions and English
labels (electrolytic aluminium → 电解铝); time phrases become a date bound
("by 2015", 到2015年, 2015年底前 → on or before 2015-12-31; "after 2015" → from
2016-01-01; 十三五期间 → the period). Intent cues are data
(``kg/resources/question.toml``).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from kg.errors import QuestionError
from kg.extract.lexicon import default_lexicon
from kg.extract.times import find_times

MAX_QUESTION_CHARS = 500
_LOOKS_LIKE_SPARQL = re.compile(
    r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE|DROP|PREFIX)\b[^{}]{0,200}\{|\?\w+\s+\?\w+\s+\?\w+", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


@dataclass
class Question:
    text: str
    language: str
    industries: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    by_date: dt.date | None = None
    from_date: dt.date | None = None
    intents: list[str] = field(default_factory=list)
    search_text: str = ""  # text for BM25: the question plus Chinese renderings of English words
    translated: list[str] = field(default_factory=list)  # those Chinese renderings
    english_terms: dict[str, list[str]] = field(default_factory=dict)  # English word -> its Chinese renderings
    truncated: bool = False
    years: list[int] = field(default_factory=list)  # every year the question names (2015年底前, "in 2020")
    asked_unit: str | None = None  # the unit after 多少/几 or "how many", reduced to its base (万吨 → 吨)

    @property
    def entities(self) -> list[str]:
        return [*self.industries, *self.agencies, *self.regions, *self.measures]

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "intents": self.intents,
            "industries": self.industries,
            "agencies": self.agencies,
            "regions": self.regions,
            "measures": self.measures,
            "by": self.by_date.isoformat() if self.by_date else None,
            "from": self.from_date.isoformat() if self.from_date else None,
        }


@lru_cache(maxsize=1)
def _config() -> dict:
    return tomllib.loads(resources.files("kg.resources").joinpath("question.toml").read_text("utf-8"))


def glossary_phrases() -> frozenset[str]:
    """The English terms of several words the glossary renders (administrative reconsideration → 行政复议)."""
    return frozenset(_config()["phrases"])


def question_language(text: str) -> str:
    """zh or en: the language most of the question is written in. An English question that quotes a Chinese
    term (…the replacement of business tax with VAT (营改增)…) is English; a Chinese one with GDP is Chinese."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if han and han >= latin_words else "en"


def clean(raw: object) -> tuple[str, bool]:
    """Normalise a question; refuse what is not a question at all."""
    if not isinstance(raw, str):
        raise QuestionError("the question must be a string")
    text = raw.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("the question is empty")
    if not re.search(r"[\w\u4e00-\u9fff]", text):
        raise QuestionError("the question has no words, only punctuation or symbols")
    if _LOOKS_LIKE_SPARQL.search(text):
        raise QuestionError("this looks like a SPARQL query, not a question: use `policykg sparql` or the SPARQL page")
    truncated = len(text) > MAX_QUESTION_CHARS
    return text[:MAX_QUESTION_CHARS], truncated


_EN_YEAR = re.compile(
    r"\b(by|before|until|till|through|in|after|since|from)\s+(?:the\s+end\s+of\s+)?((?:19|20)\d{2})\b", re.IGNORECASE
)


def parse_question(raw: object) -> Question:
    text, truncated = clean(raw)
    question = Question(text=text, language=question_language(text), truncated=truncated)
    lexicon = default_lexicon()
    mentions = [c for _, _, c in lexicon.find(text)] + [c for _, _, c in lexicon.find_english(text)]
    for concept in mentions:
        target = {"industry": question.industries, "agency": question.agencies,
                  "region": question.regions, "measure": question.measures}[concept.kind]
        if concept.iri not in target:
            target.append(concept.iri)
    extra: list[str] = []
    if question.language == "en":
        extra += [lexicon.concepts[i].label_zh for i in question.entities]
        glossary = _config()["glossary"]
        lowered = covered = text.lower()
        for phrase in sorted(_config()["phrases"], key=len, reverse=True):
            pattern = re.compile(rf"\b{re.escape(phrase)}\b")
            if pattern.search(covered):
                question.english_terms[phrase] = _config()["phrases"][phrase]
                extra += _config()["phrases"][phrase]
                covered = pattern.sub(" ", covered)  # the phrase, not its words, decides coverage
        for word in re.findall(r"[a-z][a-z0-9-]*", lowered):  # co2, so2: formulas are words
            renderings = next((glossary[form] for form in word_forms(word) if form in glossary), [])
            if renderings and re.search(rf"\b{re.escape(word)}\b", covered):
                question.english_terms[word] = renderings
            extra += renderings
        for concept in mentions:
            question.english_terms[concept.label_en.lower()] = [concept.label_zh]
    else:
        # A Chinese question may write a measure by its Latin abbreviation (GDP增长目标, CPI涨幅) where the
        # documents write it out (国内生产总值): the glossary renders it as it does in English questions.
        glossary = _config()["glossary"]
        for word in re.findall(r"[A-Za-z][A-Za-z0-9.]+", text):
            renderings = [r for r in glossary.get(word.lower(), []) if r != word]
            if renderings:
                question.english_terms[word] = renderings
                extra += renderings
    question.translated = list(dict.fromkeys(extra))
    if question.language == "en":
        question.translated += english_figures(text)
    question.search_text = " ".join([text, *question.translated])
    _time_bounds(question)
    question.asked_unit = _asked_unit(question)
    question.intents = _intents(question)
    return question


_EN_UNITS = {"ton": "吨", "tons": "吨", "tonnes": "吨", "tonne": "吨", "yuan": "元", "rmb": "元", "percent": "%",
             "percentage": "%", "weight box": "重量箱", "weight boxes": "重量箱", "year": "年", "years": "年",
             "mpa": "兆帕", "megapascal": "兆帕", "kwh": "千瓦时", "ampere": "安培", "amperes": "安培",
             "dollars": "美元", "usd": "美元", "months": "月", "people": "人", "workers": "人",
             "days": "日", "day": "日", "month": "月", "hectares": "公顷", "hectare": "公顷"}
_UNIT_PREFIXES = ("万亿", "亿", "万", "千", "百")
#: Metric prefixes an English unit may carry (160 kA, 13.7 MWh): the factor to the Chinese base unit.
_EN_UNIT_FACTORS = {"ka": ("安培", 1000), "kiloamperes": ("安培", 1000), "mwh": ("千瓦时", 1000),
                    "gw": ("千瓦", 1_000_000), "mw": ("千瓦", 1000), "kw": ("千瓦", 1)}
_EN_FIGURE = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(million|billion)?\s*([a-z]+(?: box(?:es)?)?)\b",
                        re.IGNORECASE)


def _english_quantities(text: str) -> list[tuple[Decimal, str]]:
    """The figures of English text with a unit the tables know, each as its value and Chinese base unit
    (160 kA → 160000 安培, 20 million tons → 20000000 吨, 20 days → 20 日)."""
    found = []
    for match in _EN_FIGURE.finditer(text):
        unit = match.group(3).lower()
        base, factor = _EN_UNIT_FACTORS.get(unit) or ((_EN_UNITS[unit], 1) if unit in _EN_UNITS else (None, 1))
        if base is None:
            continue
        value = Decimal(match.group(1).replace(",", "")) * factor
        value *= {"million": 10**6, "billion": 10**9}.get((match.group(2) or "").lower(), 1)
        found.append((value, base))
    return found


def english_figures(text: str) -> list[str]:
    """An English question's figures as the documents write them (160 kA → 16万安培, 20 million tons →
    2000万吨): the words BM25 can match. Units outside the tables are left alone."""
    found = []
    for exact, base in _english_quantities(text):
        if base in ("年", "月", "日"):
            continue
        value = float(exact)
        for size, prefix in ((1e8, "亿"), (1e4, "万")):
            if value >= size:
                found.append(f"{value / size:g}{prefix}{base}")  # 16万安培
                break
        found.append(f"{value:.15g}{base}")  # 13700千瓦时: plain digits, as smaller figures are written
    return list(dict.fromkeys(found))


#: Units that name the same thing (十五日 answers 几天; 两名 answers 几个人).
_UNIT_SYNONYMS = {"天": "日", "名": "人"}


_PREFIX_FACTORS = {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3, "百": 10**2}


def _split_prefixes(unit: str) -> tuple[str, int]:
    """A unit without its magnitude prefixes, and what they multiply by (万千瓦 → 瓦, 10^7)."""
    unit, factor = unit.removeprefix("个"), 1
    stripped = True
    while stripped:  # 万千瓦 and 千瓦 are both watts: every magnitude goes, not only the first
        stripped = False
        for prefix in _UNIT_PREFIXES:
            if unit.startswith(prefix) and len(unit) > len(prefix):
                unit, factor, stripped = unit[len(prefix):], factor * _PREFIX_FACTORS[prefix], True
                break
    return unit, factor


def magnitude(unit: str) -> int:
    """What a unit's magnitude prefixes multiply by, to its base_unit (亿吨 → 10^8, 万千瓦 → 10^7)."""
    return _split_prefixes(unit)[1]


def base_unit(unit: str) -> str:
    """万吨 → 吨, 亿元 → 元, 个月 → 月, 天 → 日: units that can answer each other."""
    unit = _split_prefixes(unit)[0]
    return _UNIT_SYNONYMS.get(unit, unit)


def stated_figures(question: Question) -> set[tuple[Decimal, str]]:
    """The figures a question states itself (within 20 days, 二十天内办不完), each as its value in the base
    unit and that unit: what the question gives as known, so not what it asks for. Years are times."""
    from kg.extract.quantities import find_quantities

    found = {(Decimal(q.value) * magnitude(q.unit), base_unit(q.unit)) for q in find_quantities(question.text)
             if q.unit and not (q.unit == "年" and 1900 <= q.value <= 2100)}
    if question.language == "en":
        # Both sides in base units: 13,700 kWh is 千瓦时, whose 千 is a magnitude like the document's own.
        found.update((value * magnitude(base), base_unit(base)) for value, base in _english_quantities(question.text))
    return found


def _asked_unit(question: Question) -> str | None:
    from kg.extract.quantities import _config as quantity_config

    units = sorted({*quantity_config()["units"], "亿元", "万元", "元", "美元", "亿美元"}, key=len, reverse=True)
    # The last one asks: an earlier 几 is indefinite (兼并几家企业, …期限最长能放到几年).
    match = next(reversed(list(re.finditer(r"(?:多少|几)个?(" + "|".join(map(re.escape, units)) + ")",
                                           question.text))), None)
    if match:
        return base_unit(match.group(1))
    for match in re.finditer(r"\b(?:how many|in|number of|what|which)\s+([a-z]+(?: boxes)?)", question.text.lower()):
        if match.group(1) in _EN_UNITS:
            return _EN_UNITS[match.group(1)]
    return None


#: A year written with two digits and a leading zero (09年中央政府公共投资): 2000–2009. 10年 and up are left alone,
#: as they are as often ten years as 2010.
_SHORT_YEAR = re.compile(r"(?<![\d.])0(\d)年(?!代)")


def _time_bounds(question: Question) -> None:
    question.years = sorted({int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", question.text)})
    short = sorted({2000 + int(d) for d in _SHORT_YEAR.findall(question.text)})
    if short:
        question.years = sorted({*question.years, *short})
        question.search_text = " ".join([question.search_text, *(f"{year}年" for year in short)])
    for expr in find_times(question.text):
        if expr.kind == "period" and expr.begin and expr.end and expr.end.year - expr.begin.year < 10:
            question.years = sorted({*question.years, *range(expr.begin.year, expr.end.year + 1)})
        if expr.kind in ("deadline",) and expr.end:
            question.by_date = expr.end
        elif expr.kind == "from" and expr.begin:
            question.from_date = expr.begin
        elif expr.kind == "period" and expr.end:
            question.by_date = expr.end
            question.from_date = expr.begin
        elif expr.kind in ("reference", "instant") and expr.begin:
            question.by_date = expr.begin
    for match in _EN_YEAR.finditer(question.text):
        word, year = match.group(1).lower(), int(match.group(2))
        if word in ("after", "since", "from"):
            question.from_date = dt.date(year + (1 if word == "after" else 0), 1, 1)
        else:
            question.by_date = dt.date(year, 12, 31)


def _intents(question: Question) -> list[str]:
    intents = _config()["intents"]
    text = question.text.lower()
    found = []
    for name in ("document", "quantity", "figure", "who", "where", "prohibition", "actor"):
        cues = intents.get(f"{name}_zh", []) + intents.get(f"{name}_en", [])
        if any(cue in text for cue in cues):
            found.append(name)
    if "document" not in found and any(re.search(p, text) for p in intents["document_patterns"]):
        found.insert(0, "document")
    # "由谁制定" is about the document only when nothing else is named or the document is (这份意见, this opinion).
    if "document" in found and question.entities and not re.search(_DOCUMENT_WORDS, text):
        found.remove("document")
    if question.industries and (question.by_date or question.from_date):
        found.append("applies")
    return found or ["search"]


# A question that names a document by its kind, number or title asks about that document (who issued it, when).
_DOCUMENT_WORDS = (r"(这份|该|本|此)(文件|意见|通知|文)|\b(this|the) (document|opinion|guideline|circular|notice)\b"
                   r"|\bguiding opinions?\b|〔\d{4}〕\d+号|\[\d{4}\]\s*no\.\s*\d+|《[^》]+》")


def word_forms(word: str) -> list[str]:
    """The word and naive stems (eliminated → eliminate, eliminat; companies → company; retrofitted → retrofit)."""
    forms = [word]
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""),
                                ("ing", ""), ("ing", "e"), ("ly", ""), ("ion", "e"), ("ion", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)] + replacement)
    for suffix in ("ed", "ing"):  # a doubled final consonant (retrofitted, planning) is tried last
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 4 and stem[-1] == stem[-2]:
            forms.append(stem[:-1])
    return list(dict.fromkeys(forms))


_NOUN_FLAGS = ("n", "eng", "l", "j", "vn", "nz", "nr", "ns", "nt")


def content_nouns(text: str) -> list[str]:
    """Nouns of a Chinese question (jieba POS tags), the words a corpus must contain to answer it."""
    import jieba.posseg

    from kg.extract.tokens import domain_dictionary
    from kg.retrieval import stopwords

    domain_dictionary()
    stop = stopwords()
    nouns = []
    for token in jieba.posseg.cut(text):
        if token.flag.startswith(_NOUN_FLAGS) and token.word not in stop and len(token.word) > 1:
            nouns.append(token.word)
    return list(dict.fromkeys(nouns))
