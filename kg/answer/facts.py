"""Structured facts from the store through named queries: targets, document facts."""

from __future__ import annotations

from kg.errors import QueryError
from kg.extract.lexicon import default_lexicon
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, rows
from kg.queries import get


def _doc_id(sentence_iri: str) -> str:
    return sentence_iri.split("/doc/", 1)[1].split("/", 1)[0]


def list_targets(industry: str | None = None, kind: str | None = None,
                 store: GraphStore | None = None) -> list[dict]:
    query = get("targets")
    params = {"kind": kind} if kind else {}
    wanted = industry_filter(industry)
    records = []
    for row in rows((store or GraphStore()).query(query.text, query.bind(params))):
        if wanted is not None and row["industry"] not in wanted:
            continue
        sentence = citation_id(_doc_id(str(row["sentence"])), str(row["cite"]))
        records.append({
            "id": f"{sentence}/q{row['qorder']}",
            "text": row["text"],
            "industry": row["industryLabel"],
            "value": row["value"],
            "unit": row["unit"],
            "comparator": row["comparator"],
            "date": row["date"],
            "kind": row["kind"],
            "measure": row["measure"],
            "operator": row["operator"],
            "role": row["role"],
            "surface": row["surface"],
            "sentence": sentence,
            "section": row["section"],
        })
    return records


def industry_filter(name: str | None) -> set[str] | None:
    """IRIs of an industry and everything narrower; None when no filter is asked for."""
    if not name:
        return None
    concept = default_lexicon().resolve(name, "industry")
    if concept is None:
        known = "、".join(c.label_zh for c in default_lexicon().by_kind("industry") if not c.broader or True)[:200]
        raise QueryError(f"unknown industry {name!r} (known: {known}…)")
    return default_lexicon().descendants(concept.iri)
