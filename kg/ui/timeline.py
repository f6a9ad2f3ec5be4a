"""The Browse page's timeline as a list a reader can work through: every deadline of the shown
provisions and every dated target, sorted by date, each with what is due, who must act and its
formal citation. Thresholds and periods are not targets (:func:`kg.viz.plotted_quantity`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kg.checklist import ChecklistItem
from kg.enums import QuantityKind
from kg.exports import concept_names
from kg.extract.lexicon import Lexicon
from kg.viz import plotted_quantity


class DueKind(StrEnum):
    """What a dated entry of the list is (each has a ``ui.kind_*`` string)."""

    DEADLINE = "deadline"  # a provision to be carried out by the date
    TARGET = "target"  # a quantity to be reached by the date


@dataclass(frozen=True)
class Due:
    date: str
    kind: DueKind
    what: str
    who: str  # the bearers, as the sentence writes them (Chinese) or their concepts' names
    citation: str  # the formal citation, in the UI's language
    id: str  # the sentence's citation id


def bearers_of(item: ChecklistItem, lexicon: Lexicon, language: str) -> str:
    if language == "zh" and item.bearer_text:
        return "、".join(item.bearer_text)
    return concept_names(item.bearers, lexicon, language)


def due_list(items: Iterable[ChecklistItem], targets: Iterable[Mapping[str, Any]], lexicon: Lexicon,
             language: str, citation: Callable[[str], str], provisions: Iterable[ChecklistItem] = ()) -> list[Due]:
    """Deadlines of ``items`` and dated targets, by date (then by place in the library).

    A target's "who" is the bearer of the provision its sentence states (looked up in ``provisions``
    and ``items``), when there is one.
    """
    items = list(items)
    by_id = {item.id: item for item in (*provisions, *items)}
    due = [Due(str(item.deadline), DueKind.DEADLINE, item.action or item.text, bearers_of(item, lexicon, language),
               citation(item.id) or item.citation_text, item.id) for item in items if item.deadline]
    for target in targets:
        if not target.get("date") or target.get("kind") != QuantityKind.TARGET or not plotted_quantity(target):
            continue
        sentence = str(target["sentence"])
        source = by_id.get(sentence)
        what = " ".join(str(p) for p in (target.get("measure"), target.get("surface")) if p)
        due.append(Due(str(target["date"]), DueKind.TARGET, what,
                       bearers_of(source, lexicon, language) if source else "", citation(sentence), sentence))
    order = {item.id: index for index, item in enumerate(items)}
    return sorted(due, key=lambda d: (d.date, order.get(d.id, len(order)), d.id, d.kind))
