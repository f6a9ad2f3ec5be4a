"""The closed sets of PolicyKG, once. ``ontology/shapes.ttl`` lists the same values in its ``sh:in``
constraints; ``tests/test_enums.py`` checks that each enum equals its list."""

from __future__ import annotations

from enum import StrEnum


class Modality(StrEnum):
    """Deontic force of a provision, strongest first (a sentence takes its strongest cue)."""

    LIABILITY = "liability"  # consequence of a breach: 责令改正, 处…罚款, 承担连带责任
    PROHIBITION = "prohibition"
    OBLIGATION = "obligation"
    PERMISSION = "permission"
    ENCOURAGEMENT = "encouragement"


class BearerSource(StrEnum):
    """Where a provision's bearer comes from."""

    EXPLICIT = "explicit"  # named in the sentence
    IMPLIED = "implied"  # not named, but the sentence implies one (a thing as subject, 不得放贷 → lenders)
    ADDRESSEES = "addressees"  # the document's addressees
    ISSUER = "issuer"  # the issuer, where the sidecar says it acts (a work report)
    UNSPECIFIED = "unspecified"  # nothing names or implies one


class MentionRole(StrEnum):
    """What an actor mention is to its provision."""

    BEARER = "bearer"  # must / must not / may act; for liability the liable party
    ENFORCER = "enforcer"  # imposes the sanction of a liability clause


class SentenceRole(StrEnum):
    HEADING = "heading"
    LEAD = "lead"
    BODY = "body"
    ADDRESSEES = "addressees"
    SIGNATURE = "signature"


class QuantityKind(StrEnum):
    TARGET = "target"
    FIGURE = "figure"


class QuantityRole(StrEnum):
    """What a quantity is in its sentence (kg.extract.quantities): only a target is something to reach."""

    TARGET = "target"  # 再淘汰炼铁1500万吨
    THRESHOLD = "threshold"  # a bound that says what is meant: 16万安培以下预焙槽
    FIGURE = "figure"  # a reported value: 产能利用率为72%
    PERIOD = "period"  # a number in a span of time: 通过5年努力


class TimeKind(StrEnum):
    DEADLINE = "deadline"
    FROM = "from"
    REFERENCE = "reference"
    INSTANT = "instant"
    PERIOD = "period"


class Scope(StrEnum):
    SPECIFIC = "specific"
    GENERAL = "general"


class StructureProfile(StrEnum):
    NUMBERED = "numbered"
    STATUTE = "statute"
    MARKDOWN = "markdown"
