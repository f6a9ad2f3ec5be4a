"""From a parsed document and its extracted facts to RDF triples.

Every fact node (provision, quantity, time expression) is
``prov:wasDerivedFrom`` the sentence node that carries the text, citation
label and character offsets. IRIs are minted from the document id and the
sentence's local id, never from counters over the whole corpus, so a rebuild
yields the same IRIs and one document's graph never collides with another's.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.config import ONTOLOGY_DIR
from kg.enums import MentionRole, Modality
from kg.extract import SentenceFacts
from kg.extract.lexicon import SCHEME_FILES, Lexicon
from kg.structure import ParsedDocument
from kg.vocab import BASE, ELI, ODRL, PKG, PROV, TIME

ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
RULE_CLASS = {
    Modality.OBLIGATION: ODRL.Duty,
    Modality.PROHIBITION: ODRL.Prohibition,
    Modality.PERMISSION: ODRL.Permission,
    Modality.ENCOURAGEMENT: PKG.Encouragement,
    Modality.LIABILITY: PKG.Liability,
}


def document_iri(doc_id: str) -> URIRef:
    return URIRef(f"{BASE}doc/{doc_id}")


def document_graph_iri(doc_id: str) -> URIRef:
    return URIRef(f"{BASE}graph/doc/{doc_id}")


def node_iri(doc_id: str, local_id: str) -> URIRef:
    return URIRef(f"{BASE}doc/{doc_id}/{local_id}")


def citation_id(doc_id: str, local_id: str) -> str:
    """The short id users cite and the CLI prints: ``guofa-2013-41/3.1.p2.s3``."""
    return f"{doc_id}/{local_id}"


def citation_of(node: str) -> str:
    """The citation id of a node IRI minted by :func:`node_iri` (the inverse of minting)."""
    return str(node).removeprefix(f"{BASE}doc/")


def ontology_graph() -> Graph:
    graph = Graph(identifier=ONTOLOGY_GRAPH)
    graph.parse(ONTOLOGY_DIR / "policykg.ttl", format="turtle")
    for filename in SCHEME_FILES.values():
        graph.parse(ONTOLOGY_DIR / filename, format="turtle")
    return graph


def addressee_agencies(parsed: ParsedDocument, lexicon: Lexicon) -> list[str]:
    found: list[str] = []
    for addressee in parsed.meta.addressees:
        for _, _, concept in lexicon.find(addressee):
            if concept.kind == "agency" and concept.iri not in found:
                found.append(concept.iri)
    return found


def document_triples(parsed: ParsedDocument, facts: list[SentenceFacts], lexicon: Lexicon) -> Graph:
    meta = parsed.meta
    graph = Graph(identifier=document_graph_iri(meta.id))
    add = graph.add
    doc = document_iri(meta.id)
    add((doc, RDF.type, PKG.Document))
    add((doc, RDF.type, ELI.LegalResource))
    add((doc, ELI.title, Literal(meta.title, lang="zh")))
    if meta.title_en:
        add((doc, ELI.title_alternative, Literal(meta.title_en, lang="en")))
    for short in meta.extra.get("short_titles") or []:
        if isinstance(short, str) and short.strip():
            add((doc, ELI.title_short, Literal(short.strip(), lang="zh")))
    add((doc, ELI.id_local, Literal(meta.number)))
    add((doc, ELI.date_document, Literal(meta.date.isoformat(), datatype=XSD.date)))
    add((doc, ELI.type_document, Literal(meta.type, lang="zh")))
    if isinstance(meta.extra.get("type_en"), str) and meta.extra["type_en"].strip():
        add((doc, ELI.type_document, Literal(meta.extra["type_en"].strip(), lang="en")))
    add((doc, PKG.structureProfile, Literal(meta.structure)))
    add((doc, PKG.sourceFile, Literal(meta.text_path.name)))
    add((doc, PKG.localId, Literal(meta.id)))
    add((doc, RDFS.label, Literal(f"{meta.title}（{meta.number}）", lang="zh")))
    for short in meta.short_titles:
        add((doc, ELI.title_short, Literal(short, lang="zh")))
    # Validity in time, from the sidecar (kg.documents.in_force reads it back).
    if meta.in_force_from:
        add((doc, ELI.first_date_entry_in_force, Literal(meta.in_force_from.isoformat(), datatype=XSD.date)))
    if meta.repealed_on:
        add((doc, ELI.date_no_longer_in_force, Literal(meta.repealed_on.isoformat(), datatype=XSD.date)))
    if meta.replaced_by:
        # ELI has no "replaced by": repealed_by is "cancelled, abrogated or replaced by another legal resource".
        add((doc, ELI.repealed_by, document_iri(meta.replaced_by)))
    issuer = lexicon.resolve(meta.issuer, "agency")
    if issuer is not None:
        add((doc, ELI.passed_by, URIRef(issuer.iri)))
    else:
        add((doc, DCTERMS.creator, Literal(meta.issuer, lang="zh")))
    for addressee in meta.addressees:
        add((doc, DCTERMS.audience, Literal(addressee, lang="zh")))
    for iri in addressee_agencies(parsed, lexicon):
        add((doc, PKG.addressee, URIRef(iri)))

    for section in parsed.sections:
        node = node_iri(meta.id, section.id)
        add((node, RDF.type, PKG.Section))
        add((node, PKG.localId, Literal(section.id)))
        add((node, PKG.sectionKind, Literal(section.kind)))
        add((node, RDFS.label, Literal(section.label, lang="zh")))
        add((node, ELI.title, Literal(section.title, lang="zh")))
        add((node, PKG.order, Literal(section.start)))
        parent = node_iri(meta.id, section.parent_id) if section.parent_id else doc
        add((node, ELI.is_part_of, parent))
        for paragraph in section.paragraphs:
            pnode = node_iri(meta.id, paragraph.id)
            add((pnode, RDF.type, PKG.Paragraph))
            add((pnode, PKG.localId, Literal(paragraph.id)))
            add((pnode, RDFS.label, Literal(paragraph.label, lang="zh")))
            add((pnode, PKG.text, Literal(paragraph.text, lang="zh")))
            add((pnode, ELI.is_part_of, node))
            add((pnode, PKG.startOffset, Literal(paragraph.start)))
            add((pnode, PKG.endOffset, Literal(paragraph.end)))
            if paragraph.lead:
                add((pnode, PKG.lead, Literal(paragraph.lead, lang="zh")))

    for item in facts:
        _sentence_triples(graph, meta.id, doc, item)
    return graph


def _sentence_triples(graph: Graph, doc_id: str, doc: URIRef, item: SentenceFacts) -> None:
    add = graph.add
    sentence = item.sentence
    node = node_iri(doc_id, sentence.id)
    add((node, RDF.type, PKG.Sentence))
    add((node, PKG.localId, Literal(sentence.id)))
    add((node, RDFS.label, Literal(sentence.label, lang="zh")))
    add((node, PKG.text, Literal(sentence.text, lang="zh")))
    add((node, PKG.role, Literal(sentence.role)))
    add((node, PKG.order, Literal(sentence.index)))
    add((node, PKG.startOffset, Literal(sentence.start)))
    add((node, PKG.endOffset, Literal(sentence.end)))
    add((node, PKG.sectionPath, Literal(" › ".join(item.section_path), lang="zh")))
    add((node, ELI.is_part_of, node_iri(doc_id, sentence.paragraph_id)))
    add((node, ELI.is_member_of, doc))
    for prop, iris in ((PKG.mentionsIndustry, item.industries), (PKG.mentionsAgency, item.agencies),
                       (PKG.mentionsRegion, item.regions), (PKG.mentionsMeasure, item.measures)):
        for iri in iris:
            add((node, prop, URIRef(iri)))

    for index, cited in enumerate(item.citations, start=1):
        # The name as written stays in this document's graph; which library document (or article) it
        # names is resolved across documents into the links graph (kg.links), so this graph never changes
        # because another document was added.
        cnode = URIRef(f"{node}/c{index}")
        add((node, PKG.citationMention, cnode))
        add((cnode, RDF.type, PKG.CitationMention))
        add((cnode, PKG.surface, Literal(sentence.text[cited.start:cited.end], lang="zh")))
        add((cnode, PKG.citesTitle, Literal(cited.title, lang="zh")))
        if cited.article is not None:
            add((cnode, PKG.citesArticle, Literal(cited.article)))
        add((cnode, PKG.startOffset, Literal(sentence.start + cited.start)))
        add((cnode, PKG.endOffset, Literal(sentence.start + cited.end)))
        add((cnode, PKG.order, Literal(index)))
        add((cnode, PROV.wasDerivedFrom, node))

    time_nodes = []
    for index, expr in enumerate(item.times, start=1):
        tnode = URIRef(f"{node}/t{index}")
        time_nodes.append(tnode)
        add((node, PKG.mentionsTime, tnode))
        add((tnode, RDF.type, PKG.TimeExpression))
        add((tnode, RDF.type, TIME.Instant if expr.kind in ("instant", "reference") else TIME.ProperInterval))
        add((tnode, PKG.surface, Literal(expr.surface, lang="zh")))
        add((tnode, PKG.timeKind, Literal(expr.kind)))
        add((tnode, PROV.wasDerivedFrom, node))
        if expr.kind in ("instant", "reference"):
            add((tnode, TIME.inXSDDate, Literal(expr.begin.isoformat(), datatype=XSD.date)))
            continue
        for prop, day, suffix in ((TIME.hasBeginning, expr.begin, "begin"), (TIME.hasEnd, expr.end, "end")):
            if day is not None:
                instant = URIRef(f"{tnode}/{suffix}")
                add((tnode, prop, instant))
                add((instant, RDF.type, TIME.Instant))
                add((instant, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))

    if item.is_provision:
        pnode = URIRef(f"{node}/provision")
        modality = item.modality
        add((pnode, RDF.type, PKG.Provision))
        add((pnode, RDF.type, RULE_CLASS[modality.type]))
        add((pnode, PKG.modality, Literal(str(modality.type))))
        add((pnode, PKG.cue, Literal(modality.cue or "imperative", lang="zh" if modality.cue else None)))
        add((pnode, PKG.explicit, Literal(modality.explicit)))
        add((pnode, PROV.wasDerivedFrom, node))
        add((pnode, PKG.scope, Literal(item.scope())))
        add((pnode, PKG.action, Literal(_action(item), lang="zh")))
        if item.condition:
            add((pnode, PKG.condition, Literal(item.condition, lang="zh")))
        for bearer in item.bearers:
            add((pnode, PKG.bearer, URIRef(bearer)))
        add((pnode, PKG.bearerSource, Literal(str(item.bearer_source))))
        for enforcer in item.enforcers:
            add((pnode, PKG.enforcer, URIRef(enforcer)))
        for index, mention in enumerate(item.mentions, start=1):
            mnode = URIRef(f"{pnode}/m{index}")
            link = PKG.bearerMention if mention.role == MentionRole.BEARER else PKG.enforcerMention
            add((pnode, link, mnode))
            add((mnode, RDF.type, PKG.ActorMention))
            add((mnode, PKG.surface, Literal(mention.text, lang="zh")))
            # Offsets into the raw text file, as for sentences; the sentence's own are mention.start/end.
            add((mnode, PKG.startOffset, Literal(sentence.start + mention.start)))
            add((mnode, PKG.endOffset, Literal(sentence.start + mention.end)))
            add((mnode, PKG.role, Literal(str(mention.role))))
            add((mnode, PKG.order, Literal(index)))
            add((mnode, PROV.wasDerivedFrom, node))
            for concept in mention.concepts:
                add((mnode, PKG.refersTo, URIRef(concept)))
        for industry in item.concerned_industries():
            add((pnode, PKG.concernsIndustry, URIRef(industry)))
        for region in item.regions:
            add((pnode, PKG.concernsRegion, URIRef(region)))
        for measure in item.measures:
            add((pnode, PKG.usesMeasure, URIRef(measure)))
        if item.deadline:
            add((pnode, PKG.deadline, Literal(item.deadline.isoformat(), datatype=XSD.date)))
        if item.valid_from:
            add((pnode, PKG.validFrom, Literal(item.valid_from.isoformat(), datatype=XSD.date)))
        for tnode in time_nodes:
            add((pnode, PKG.hasTime, tnode))

    reference = next((t for t in item.times if t.kind == "reference"), None)
    for index, quantity in enumerate(item.quantities, start=1):
        qnode = URIRef(f"{node}/q{index}")
        is_figure = reference is not None and reference.begin and reference.begin.year < 2100 and not item.is_provision
        kind = "figure" if is_figure else "target"
        add((qnode, RDF.type, PKG.Quantity))
        add((qnode, PKG.value, Literal(Decimal(quantity.value), datatype=XSD.decimal)))
        add((qnode, PKG.unit, Literal(quantity.unit)))
        add((qnode, PKG.surface, Literal(quantity.surface, lang="zh")))
        add((qnode, PKG.quantityKind, Literal(kind)))
        add((qnode, PKG.role, Literal("figure" if is_figure else quantity.role)))
        add((qnode, PKG.order, Literal(index)))
        if quantity.measure:
            add((qnode, PKG.measure, Literal(quantity.measure, lang="zh")))
        if quantity.comparator:
            add((qnode, PKG.comparator, Literal(quantity.comparator, lang="zh")))
            add((qnode, PKG.operator, Literal(quantity.operator)))
        if quantity.industry:
            add((qnode, PKG.industry, URIRef(quantity.industry)))
        day = reference.begin if is_figure else _quantity_due(item, quantity)
        if day:
            add((qnode, PKG.onDate, Literal(day.isoformat(), datatype=XSD.date)))
        add((qnode, PROV.wasDerivedFrom, node))


def _quantity_due(item: SentenceFacts, quantity) -> object:
    """The time expression governing a quantity: the nearest one before it in the sentence, else any due date."""
    before = [t for t in item.times if t.end_char <= quantity.start_char and (t.due or t.kind == "from")]
    if before:
        chosen = before[-1]
        return chosen.due or chosen.begin
    return item.deadline


def _action(item: SentenceFacts) -> str:
    text = item.sentence.text.rstrip("。；")
    if item.condition and text.startswith(item.condition):
        text = text[len(item.condition):].lstrip("，")
    return text
