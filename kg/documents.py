"""The library's documents and their validity in time.

A sidecar may say when its document came into force (``in_force_from``), the first day it no
longer applies (``repealed_on``) and which document replaces it (``replaced_by``); the graph
carries them as ``eli:first_date_entry_in_force``, ``eli:date_no_longer_in_force`` and
``eli:repealed_by`` (ELI's "cancelled, abrogated or replaced by"). :func:`load_documents` reads
them back with the named query ``documents``; :func:`in_force` answers "did it apply on that day?"
for a sidecar, a loaded document or a query row alike, so ``--as-of`` filters need one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from kg.corpus import DocumentMeta
from kg.graph.store import GraphStore, RemoteGraphStore, open_store, rows
from kg.queries import get


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    iri: str
    title: str
    number: str
    type: str
    date: dt.date
    short_titles: tuple[str, ...] = ()
    title_en: str | None = None
    type_en: str | None = None  # the sidecar's English type (Government Work Report): how English questions name it
    structure: str = "numbered"  # numbered | statute | markdown: how it is cited
    in_force_from: dt.date | None = None
    repealed_on: dt.date | None = None  # the first day it no longer applies
    replaced_by: str | None = None  # a document id, in the library or not

    def in_force(self, on: dt.date) -> bool | None:
        return in_force(self, on)


def load_documents(store: GraphStore | RemoteGraphStore | None = None) -> list[DocumentInfo]:
    """Every document in the store, by date then id."""
    found = rows((store or open_store()).query(get("documents").text))
    return [DocumentInfo(
        id=str(row["id"]), iri=str(row["document"]), title=str(row["title"]), number=str(row["number"]),
        type=str(row["type"]), date=_date(row["date"]),
        short_titles=tuple(sorted(t for t in str(row["shortTitles"] or "").split("|") if t)),
        title_en=str(row["titleEn"]) if row["titleEn"] else None,
        type_en=str(row["typeEn"]) if row["typeEn"] else None, structure=str(row["profile"]),
        in_force_from=_date(row["inForceFrom"]), repealed_on=_date(row["repealedOn"]),
        replaced_by=str(row["replacedBy"]) if row["replacedBy"] else None,
    ) for row in found]


def in_force(document: DocumentMeta | DocumentInfo | Mapping[str, object], on: dt.date) -> bool | None:
    """Whether a document applied on a day: False, True, or None when its sidecar does not say.

    Not in force on or after ``repealed_on``, nor before ``in_force_from`` or (lacking that) before
    its own date; in force from ``in_force_from`` until repealed. A document without
    ``in_force_from`` is None once issued: most policy documents apply on issue, but the sidecar
    does not say so. ``replaced_by`` alone ends nothing: the replacing document's own dates do.
    A mapping may use the query's names (``inForceFrom``) or the attribute names (``in_force_from``).
    """
    issued, start, end = (_field(document, name) for name in ("date", "in_force_from", "repealed_on"))
    if end is not None and on >= end:
        return False
    if start is not None:
        return on >= start
    if issued is not None and on < issued:
        return False
    return None


_QUERY_NAMES = {"in_force_from": "inForceFrom", "repealed_on": "repealedOn"}


def _field(document: object, name: str) -> dt.date | None:
    if isinstance(document, Mapping):
        value = document.get(name, document.get(_QUERY_NAMES.get(name, name)))
    else:
        value = getattr(document, name, None)
    return _date(value)


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
