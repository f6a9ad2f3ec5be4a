"""Provisions as structured, cited checklist items; obligation tracing; citations.

Filters follow the taxonomy: ``industry=水泥`` keeps provisions about 水泥 or
its products (熟料, 混凝土 …) plus the general ones about a group 水泥 belongs to
(产能严重过剩行业, 高耗能行业); ``region=河北`` also keeps provisions about 京津冀;
``agency=环保部门`` resolves the alias to 环境保护部 and keeps what it bears (named
or implied: 一律不得放贷 binds 金融机构) or enforces (liability clauses).
``by`` keeps provisions due on or before the date (with
``include_open`` also the undated ones).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from kg.citation import Citation, load_citations
from kg.enums import BearerSource, Modality
from kg.errors import QueryError
from kg.extract.lexicon import Lexicon, default_lexicon
from kg.graph.build import citation_id
from kg.graph.store import GraphStore, open_store, rows
from kg.queries import get, to_term

#: The four rule kinds the app offers (it has strings and colours for them); liability is listed after.
MODALITIES = ("obligation", "prohibition", "permission", "encouragement")
ALL_MODALITIES = (*MODALITIES, Modality.LIABILITY.value)
MODALITY_ZH = {"obligation": "义务", "prohibition": "禁止", "permission": "许可", "encouragement": "鼓励支持",
               "liability": "法律责任"}
COLUMNS = ("id", "citation_text", "section", "label", "text", "modality", "bearers", "bearer_text", "bearer_source",
           "enforcers", "enforcer_text", "industries", "regions", "deadline", "scope")

# The actors of each provision as written (bearers and enforcers), with the concepts they name.
_MENTIONS = """
SELECT ?provision ?role ?surface ?start ?end ?order (GROUP_CONCAT(STR(?concept); separator=" ") AS ?concepts)
       (GROUP_CONCAT(STR(?enforcer); separator=" ") AS ?enforcers)
WHERE {
  { ?provision pkg:bearerMention ?mention } UNION { ?provision pkg:enforcerMention ?mention }
  ?mention pkg:surface ?surface ; pkg:role ?role ; pkg:startOffset ?start ; pkg:endOffset ?end ; pkg:order ?order .
  OPTIONAL { ?mention pkg:refersTo ?concept }
  OPTIONAL { ?provision pkg:enforcer ?enforcer }
}
GROUP BY ?provision ?role ?surface ?start ?end ?order
ORDER BY ?provision ?order
"""


@dataclass
class ChecklistItem:
    id: str
    section: str
    label: str
    text: str
    modality: str
    bearers: list[str]
    industries: list[str]
    regions: list[str]
    deadline: str | None
    scope: str
    valid_from: str | None = None
    cue: str = ""
    explicit: bool = True
    bearer_source: str = "explicit"
    condition: str | None = None
    action: str = ""
    order: int = 0
    bearer_text: list[str] = field(default_factory=list)  # as the sentence writes them; `bearers` are concepts
    enforcers: list[str] = field(default_factory=list)
    enforcer_text: list[str] = field(default_factory=list)
    bearer_mentions: list[dict] = field(default_factory=list)  # {text, start, end, role, concepts}, file offsets
    bearer_iris: list[str] = field(default_factory=list)
    industry_iris: list[str] = field(default_factory=list)
    region_iris: list[str] = field(default_factory=list)
    enforcer_iris: list[str] = field(default_factory=list)
    citation_text: str = ""  # formal citation (kg.citation): 《…》（…）第四部分“分业施策”（电解铝）第二句

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.endswith("_iris")}


@dataclass
class Filters:
    industry: str | None = None
    agency: str | None = None
    region: str | None = None
    by: str | None = None
    modality: str | None = None
    include_open: bool = False
    documents: tuple[str, ...] = ()  # document ids; empty: the whole library


def _labels(lexicon: Lexicon, iris: list[str]) -> list[str]:
    return [lexicon.concepts[i].label_zh if i in lexicon.concepts else i for i in iris]


def load_provisions(store: GraphStore | None = None, lexicon: Lexicon | None = None,
                    citations: dict | None = None) -> list[ChecklistItem]:
    lexicon = lexicon or default_lexicon()
    store = store or open_store()
    mentions: dict[str, list[dict]] = {}
    for row in rows(store.query(_MENTIONS)):
        mentions.setdefault(str(row["provision"]), []).append({
            "text": str(row["surface"]), "start": int(row["start"]), "end": int(row["end"]), "role": str(row["role"]),
            "concepts": _labels(lexicon, list(dict.fromkeys(str(row["concepts"] or "").split()))),
            "enforcers": str(row["enforcers"] or "").split()})
    citations = load_citations(store) if citations is None else citations  # a caller that has them passes them
    items: dict[str, ChecklistItem] = {}
    for row in rows(store.query(get("provisions").text)):
        found = mentions.get(str(row["provision"]), [])
        enforcers = list(dict.fromkeys(i for m in found for i in m.pop("enforcers")))
        bearers = str(row["bearers"] or "").split()
        industries = str(row["industries"] or "").split()
        regions = str(row["regions"] or "").split()
        item = ChecklistItem(
            id=citation_id(str(row["docId"]), str(row["cite"])),
            section=str(row["section"]),
            label=str(row["label"]),
            text=str(row["text"]),
            modality=str(row["modality"]),
            bearers=_labels(lexicon, bearers),
            industries=_labels(lexicon, industries),
            regions=_labels(lexicon, regions),
            deadline=row["deadline"],
            scope=str(row["scope"]),
            valid_from=row["validFrom"],
            cue=str(row["cue"]),
            explicit=bool(row["explicit"]),
            bearer_source=str(row["bearerSource"]),
            condition=row["condition"],
            action=str(row["action"]),
            order=int(row["order"]),
            bearer_iris=bearers,
            industry_iris=industries,
            region_iris=regions,
            bearer_text=[m["text"] for m in found if m["role"] == "bearer"],
            enforcers=_labels(lexicon, enforcers),
            enforcer_text=[m["text"] for m in found if m["role"] == "enforcer"],
            bearer_mentions=found,
            enforcer_iris=enforcers,
        )
        found_citation = citations.get(item.id)
        item.citation_text = found_citation.zh if found_citation else ""
        items.setdefault(item.id, item)  # one item per provision: the same words in two articles are two duties
    return list(items.values())


def _resolve(lexicon: Lexicon, name: str, kind: str) -> str:
    concept = lexicon.resolve(name, kind)
    if concept is None:
        raise QueryError(f"unknown {kind} {name!r}: use a Chinese or English name or alias from ontology/")
    return concept.iri


def build_checklist(filters: Filters, store: GraphStore | None = None,
                    provisions: list[ChecklistItem] | None = None) -> list[ChecklistItem]:
    lexicon = default_lexicon()
    items = provisions if provisions is not None else load_provisions(store, lexicon)
    if filters.modality and filters.modality not in ALL_MODALITIES:
        raise QueryError(f"modality must be one of {', '.join(ALL_MODALITIES)}")
    by = None
    if filters.by:
        try:
            by = dt.date.fromisoformat(filters.by).isoformat()
        except ValueError:
            raise QueryError(f"--by {filters.by!r} is not an ISO date (YYYY-MM-DD)") from None
    industry_specific = industry_groups = agency_family = region_family = None
    if filters.industry:
        iri = _resolve(lexicon, filters.industry, "industry")
        industry_specific = lexicon.descendants(iri)
        industry_groups = {a for a in lexicon.ancestors(iri) if lexicon.is_group(a)}
    if filters.agency:
        agency_family = lexicon.descendants(_resolve(lexicon, filters.agency, "agency"))
    if filters.region:
        iri = _resolve(lexicon, filters.region, "region")
        region_family = lexicon.descendants(iri) | {g for g, members in lexicon.members.items() if iri in members}
    if filters.documents:
        known = {item.id.split("/")[0] for item in items}
        unknown = [d for d in filters.documents if d not in known]
        if unknown:
            raise QueryError(f"no document {', '.join(unknown)} in the library (documents: {', '.join(sorted(known))})")
    kept = []
    for item in items:
        if filters.documents and item.id.split("/")[0] not in filters.documents:
            continue
        if filters.modality and item.modality != filters.modality:
            continue
        if industry_specific is not None and not (
            industry_specific & set(item.industry_iris)
            or (item.scope == "general" and industry_groups & set(item.industry_iris))
        ):
            continue
        # The addressees' default is no statement about this actor; a named or implied bearer, or an enforcer, is.
        bears = agency_family is not None and agency_family & set(item.bearer_iris) and \
            item.bearer_source in (BearerSource.EXPLICIT, BearerSource.IMPLIED)
        if agency_family is not None and not (bears or agency_family & set(item.enforcer_iris)):
            continue
        if region_family is not None and not region_family & set(item.region_iris):
            continue
        if by is not None and not ((item.deadline and item.deadline <= by) or
                                   (filters.include_open and not item.deadline)):
            continue
        kept.append(item)
    return kept


def trace(agency: str, store: GraphStore | None = None) -> dict[str, list[ChecklistItem]]:
    """What an actor must, must not, may and is encouraged to do, grouped by modality."""
    grouped: dict[str, list[ChecklistItem]] = {m: [] for m in ALL_MODALITIES}
    for item in build_checklist(Filters(agency=agency), store):
        grouped[item.modality].append(item)
    return grouped


def cite(citation: str, store: GraphStore | None = None, citations: Mapping[str, Citation] | None = None) -> dict:
    """A sentence (or its provision) with its paragraph and place in the document. ``citations``: the formal
    citations of the whole store when the caller holds them (the app), else its document's are made."""
    store = store or open_store()
    cleaned = citation.strip().removesuffix("/provision")
    if "/" not in cleaned:
        raise QueryError(f"citation {citation!r} should look like DOC/ID, e.g. guofa-2013-41/3.1.p2.s3")
    iri = f"https://w3id.org/policykg/doc/{cleaned}"
    found = rows(store.query(get("cite").text, {"sentence": to_term(iri, "iri")}))
    if not found:
        raise QueryError(f"no sentence {citation!r} in the store")
    row = found[0]
    formal = (citations if citations is not None else load_citations(store, cleaned.split("/", 1)[0])).get(cleaned)
    return {
        "id": cleaned,
        "citation_text": formal.zh if formal else None,
        "citation_text_en": formal.en if formal else None,
        "label": row["label"],
        "section": row["section"],
        "text": row["text"],
        "modality": row["modality"],
        "role": row["role"],
        "paragraph": {"label": row["paragraphLabel"], "text": row["paragraphText"]},
        "document": {"title": row["docTitle"], "number": row["docNumber"]},
        "offsets": [row["start"], row["end"]],
    }


# ---------------------------------------------------------------------- exports
# The machine-readable export (``policykg checklist --format json``: every field, bearers as concepts and as
# written). The exports for people (CSV, Excel, Markdown, in Chinese or English) are kg.exports'.
def to_json(items: list[ChecklistItem]) -> bytes:
    return json.dumps([{k: item.as_dict()[k] for k in COLUMNS} for item in items],
                      ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


EXPORTERS = {"json": to_json}


def export(items: list[ChecklistItem], fmt: str) -> bytes:
    if fmt not in EXPORTERS:
        raise QueryError(f"format must be one of {', '.join(EXPORTERS)} (csv, md and xlsx: kg.exports)")
    return EXPORTERS[fmt](items)
