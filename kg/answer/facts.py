"""Structured facts from the store through named queries: targets, document facts."""

from __future__ import annotations

from kg.errors import QueryError
from kg.extract.lexicon import default_lexicon
from kg.graph.build import citation_of
from kg.graph.store import GraphStore, open_store, rows, select_rows
from kg.queries import get


def list_targets(industry: str | None = None, kind: str | None = None,
                 store: GraphStore | None = None) -> list[dict]:
    query = get("targets")
    params = {"kind": kind} if kind else {}
    wanted = industry_filter(industry)
    records = []
    store = store or open_store()
    found = (select_rows(store, query.text) if not params
             else rows(store.query(query.text, query.bind(params))))
    for row in found:
        if wanted is not None and row["industry"] not in wanted:
            continue
        sentence = citation_of(row["sentence"])
        industry, product = _industry_and_product(row["industry"])
        records.append({
            "id": f"{sentence}/q{row['qorder']}",
            "text": row["text"],
            "industry": industry,
            "product": product,
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


def _industry_and_product(iri: object) -> tuple[str | None, str | None]:
    """The industry a quantity belongs to (钢铁) and, when narrower, the product measured (炼铁)."""
    if not iri:
        return None, None
    lexicon = default_lexicon()
    top = lexicon.top_industry(str(iri))
    concept = lexicon.concepts.get(str(iri))
    if top is None or concept is None:
        return (concept.label_zh if concept else None), None
    return lexicon.concepts[top].label_zh, (concept.label_zh if top != concept.iri else None)


def industry_filter(name: str | None) -> set[str] | None:
    """IRIs of an industry and everything narrower; None when no filter is asked for."""
    if not name:
        return None
    concept = default_lexicon().resolve(name, "industry")
    if concept is None:
        lexicon = default_lexicon()
        known = "、".join(c.label_zh for c in lexicon.by_kind("industry") if lexicon.is_top_industry(c.iri))
        raise QueryError(f"unknown industry {name!r} (known: {known}…)")
    return default_lexicon().descendants(concept.iri)
