"""Typed answers: what a composer returns and a check refuses with.

An :class:`Answer` is either a proof (``answered``: a short text, the graph facts it rests on, the
sentences that state them) or a refusal with a :class:`Reason` (a code from :class:`ReasonCode`,
parameters, and a message rendered through the language catalogue).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from kg.answer.frame import AskedKind
from kg.i18n import Language, text


class ReasonCode(StrEnum):
    UNKNOWN_ENTITY = "unknown_entity"
    UNKNOWN_ACTOR = "unknown_actor"
    MISSING_TERMS = "missing_terms"
    NO_COUNTERPART = "no_counterpart"
    NOT_CLOSE = "not_close"
    NO_TERMS = "no_terms"
    NO_VALUE = "no_value"
    NO_VALUE_UNIT = "no_value_unit"
    NO_VALUE_TIME = "no_value_time"
    NO_VALUE_SUBJECT = "no_value_subject"
    NO_VALUE_REGION = "no_value_region"
    NO_VALUE_MEASURE = "no_value_measure"
    NO_VALUE_TARGET = "no_value_target"
    NO_TIME = "no_time"
    NO_ACTOR = "no_actor"
    NO_LIST = "no_list"
    NO_PROVISION = "no_provision"
    NOT_IN_LIBRARY = "not_in_library"
    NO_ARTICLE = "no_article"


@dataclass(frozen=True)
class Localized:
    """A parameter that reads differently per language (船舶 / " for shipbuilding")."""

    zh: str
    en: str

    def render(self, language: Language | str) -> str:
        return self.zh if Language(language) == Language.ZH else self.en


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    params: dict[str, Localized | str] = field(default_factory=dict)

    def render(self, language: Language | str) -> str:
        values = {k: (v.render(language) if isinstance(v, Localized) else v) for k, v in self.params.items()}
        return text(f"reason.{self.code.value}", language, **values)

    def as_dict(self, language: Language | str) -> dict:
        return {"code": self.code.value, "text": self.render(language),
                "text_zh": self.render(Language.ZH), "text_en": self.render(Language.EN)}


@dataclass(frozen=True)
class ValueFact:
    """A short answer's graph node: a quantity, a time expression or a computed total, with its citation."""

    value: str
    unit: str | None
    subject: str | None
    measure: str | None
    date: str | None
    citation: str
    surface: str
    node: str | None = None  # the quantity's id in `policykg targets`, where it is one
    upper: str | None = None  # a range's upper bound (三十年至五十年: value 30, upper 50), else None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    kind: AskedKind
    answered: bool
    text: str | None = None
    value: ValueFact | None = None
    values: list[ValueFact] = field(default_factory=list)  # all that satisfy, or the list beside an extreme
    facts: list[dict] = field(default_factory=list)
    query: dict | None = None
    reason: Reason | None = None
    support: list[str] = field(default_factory=list)  # citations of the sentences that state the answer

    @classmethod
    def refuse(cls, kind: AskedKind, reason: Reason) -> Answer:
        return cls(kind=kind, answered=False, reason=reason)
