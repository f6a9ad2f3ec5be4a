"""The extraction pipeline: blank spaCy ``zh`` with the jieba segmenter plus
PolicyKG components, each declaring what it writes onto the Doc.

=====================  =================================================
component              writes
=====================  =================================================
``policy_lexicon``     ``doc.spans["industry"|"agency"|"region"|"measure"]``
                       (``span.kb_id_`` = concept IRI)
``policy_times``       ``doc._.times`` (list of :class:`TimeExpression`)
``policy_quantities``  ``doc._.quantities`` (list of :class:`Quantity`)
``policy_modality``    ``doc._.modality``, ``doc._.condition``
``policy_bearers``     ``doc._.bearer_mentions`` (:class:`BearerMention`, bearers
                       and enforcers, surface text with offsets and concepts),
                       ``doc._.bearer_source``, ``doc._.bearers`` (concept IRIs)
``policy_citations``   ``doc._.citations`` (:class:`LegalCitation`: other
                       documents named, with the article when one is named)
=====================  =================================================

Each component names what it ``requires`` from earlier ones and reads it from the
Doc (the lexicon's exact character mentions are kept in
``doc.user_data["mentions"]``), so nothing re-scans the text for them.

Context a sentence cannot see by itself (the issue date, the paragraph's lead
industry) travels in ``doc.user_data``.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.enums import Modality as ModalityType
from kg.extract.bearers import BearerFinder, default_finder
from kg.extract.citations import find_citations
from kg.extract.lexicon import Lexicon, default_lexicon
from kg.extract.modality import Modality, _first_substantive_clause, classify, find_condition
from kg.extract.modality import _clauses as _modality_clauses
from kg.extract.quantities import find_quantities
from kg.extract.times import find_times
from kg.extract.tokens import domain_dictionary

jieba.setLogLevel(logging.WARNING)

for _name in ("times", "quantities", "modality", "bearers", "bearer_mentions", "bearer_source", "condition",
              "citations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

ENTITY_KINDS = ("industry", "agency", "region", "measure")


@Language.factory("policy_lexicon", assigns=["doc.spans"])
def make_lexicon_component(nlp: Language, name: str) -> LexiconMatcher:
    return LexiconMatcher(default_lexicon())


class LexiconMatcher:
    """Longest-match dictionary lookup on characters, so jieba's cuts cannot hide a term."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[str, list] = {kind: [] for kind in ENTITY_KINDS}
        exact: dict[str, list[tuple[int, int, str]]] = {kind: [] for kind in ENTITY_KINDS}
        for start, end, concept in self.lexicon.find(doc.text):
            exact[concept.kind].append((start, end, concept.iri))
            span = doc.char_span(start, end, label=concept.kind, kb_id=concept.iri, alignment_mode="expand")
            if span is not None:
                groups[concept.kind].append(span)
        for kind, spans in groups.items():
            doc.spans[kind] = spans
        # Spans are token-aligned (expanded); bearers need the exact characters of each term.
        doc.user_data["mentions"] = exact
        return doc


@Language.component("policy_times", assigns=["doc._.times"])
def times_component(doc: Doc) -> Doc:
    doc._.times = find_times(doc.text, doc.user_data.get("issued"))
    return doc


def char_mentions(doc: Doc, kind: str) -> list[tuple[int, int, str]]:
    """(start, end, IRI) of the exact dictionary matches written by ``policy_lexicon``."""
    return list(doc.user_data["mentions"][kind])


@Language.component("policy_quantities", requires=["doc.spans", "doc._.times"], assigns=["doc._.quantities"])
def quantities_component(doc: Doc) -> Doc:
    times = [(t.start_char, t.end_char, t.kind) for t in doc._.times or []]
    doc._.quantities = find_quantities(doc.text, char_mentions(doc, "industry"), doc.user_data.get("lead_industry"),
                                       times)
    return doc


def _assigns_competence(finder: BearerFinder, doc: Doc) -> bool:
    """A clause 由 + actor + predicate (…办法，由国务院另行规定) assigns a task: a competence norm."""
    agencies = char_mentions(doc, "agency")
    for start, clause in _modality_clauses(doc.text):
        if clause.startswith("由") and not clause.startswith("由于"):
            found = finder.clause_subject(doc.text, start, start + len(clause), agencies, "")
            if found is not None:
                return True
    return False


@Language.component("policy_modality", requires=["doc.spans"], assigns=["doc._.modality", "doc._.condition"])
def modality_component(doc: Doc) -> Doc:
    finder = default_finder()
    body = _first_substantive_clause(doc.text)
    start = doc.text.find(body) if body else -1
    # An actor opening the sentence makes a bare verb later in it a directive (各地财政…予以支持).
    subject = finder.clause_subject(
        doc.text, start, start + len(body), char_mentions(doc, "agency"), doc.text[start + len(body) + 1:],
        pos=()) if start >= 0 else None
    statute = bool(doc.user_data.get("statute"))
    modality = classify(doc.text, subject is not None, subject[1] if subject else None, statute=statute)
    # A law's competence rule (由国务院批准) has no deontic word: no duty of its own (see classify).
    if not statute and modality.type is None and _assigns_competence(finder, doc):
        modality = Modality(ModalityType.OBLIGATION, None, False)
    doc._.modality = modality
    doc._.condition = find_condition(doc.text) if modality.type else None
    return doc


@Language.factory("policy_bearers", requires=["doc.spans", "doc._.modality"],
                  assigns=["doc._.bearer_mentions", "doc._.bearer_source", "doc._.bearers"],
                  default_config={"resource": "bearers.toml"})
def make_bearers_component(nlp: Language, name: str, resource: str) -> BearersComponent:
    return BearersComponent(default_finder() if resource == "bearers.toml" else _finder(resource))


def _finder(resource: str) -> BearerFinder:
    from kg.extract.bearers import BearerRules
    from kg.extract.modality import config

    settings = config()
    lexicon = default_lexicon()
    labels = {form: iri for form, iri in lexicon.zh_forms.items() if lexicon.concepts[iri].kind == "agency"}
    return BearerFinder(BearerRules.load(resource), settings["cues"], settings["directive"]["verbs"], labels)


class BearersComponent:
    """Bearer and enforcer mentions of a provision (see :mod:`kg.extract.bearers`)."""

    def __init__(self, finder: BearerFinder) -> None:
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        modality = doc._.modality
        finding = self.finder.find(doc.text, modality.type, modality.cue_start, char_mentions(doc, "agency"),
                                   statute=bool(doc.user_data.get("statute")))
        doc._.bearer_mentions = finding.mentions
        doc._.bearer_source = finding.source
        doc._.bearers = finding.concepts()
        return doc


@Language.component("policy_citations", assigns=["doc._.citations"])
def citations_component(doc: Doc) -> Doc:
    doc._.citations = find_citations(doc.text)
    return doc


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """Blank Chinese pipeline with jieba, the domain terms added to jieba's dictionary."""
    domain_dictionary()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for component in ("policy_lexicon", "policy_times", "policy_quantities", "policy_modality", "policy_bearers",
                      "policy_citations"):
        nlp.add_pipe(component)
    return nlp


def analyse(text: str, *, issued: dt.date | None = None, lead_industry: str | None = None,
            statute: bool = False) -> Doc:
    """``statute``: the sentence is a law's, where only a deontic word makes a norm (see policy_modality)."""
    nlp = make_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["issued"] = issued
    doc.user_data["lead_industry"] = lead_industry
    doc.user_data["statute"] = statute
    return nlp(doc)
