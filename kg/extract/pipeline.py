"""The extraction pipeline: blank spaCy ``zh`` with the jieba segmenter plus
PolicyKG components, each declaring what it writes onto the Doc.

=====================  =================================================
component              writes
=====================  =================================================
``policy_lexicon``     ``doc.spans["industry"|"agency"|"region"|"measure"]``
                       (``span.kb_id_`` = concept IRI)
``policy_times``       ``doc._.times`` (list of :class:`TimeExpression`)
``policy_quantities``  ``doc._.quantities`` (list of :class:`Quantity`)
``policy_modality``    ``doc._.modality``, ``doc._.bearers``, ``doc._.condition``
=====================  =================================================

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

from kg.extract.lexicon import Lexicon, default_lexicon
from kg.extract.modality import classify, find_bearers, find_condition, starts_with_actor
from kg.extract.quantities import find_quantities
from kg.extract.times import find_times

jieba.setLogLevel(logging.WARNING)

for _name in ("times", "quantities", "modality", "bearers", "condition"):
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
        for start, end, concept in self.lexicon.find(doc.text):
            span = doc.char_span(start, end, label=concept.kind, kb_id=concept.iri, alignment_mode="expand")
            if span is not None:
                groups[concept.kind].append(span)
        for kind, spans in groups.items():
            doc.spans[kind] = spans
        return doc


@Language.component("policy_times", assigns=["doc._.times"])
def times_component(doc: Doc) -> Doc:
    doc._.times = find_times(doc.text, doc.user_data.get("issued"))
    return doc


def char_mentions(doc: Doc, kind: str) -> list[tuple[int, int, str]]:
    """(start, end, IRI) of the exact dictionary matches, not the token-expanded spans."""
    lexicon = default_lexicon()
    return [(s, e, c.iri) for s, e, c in lexicon.find(doc.text) if c.kind == kind]


@Language.component("policy_quantities", assigns=["doc._.quantities"])
def quantities_component(doc: Doc) -> Doc:
    times = [(t.start_char, t.end_char, t.kind) for t in doc._.times or []]
    doc._.quantities = find_quantities(doc.text, char_mentions(doc, "industry"), doc.user_data.get("lead_industry"),
                                       times)
    return doc


@Language.component("policy_modality", assigns=["doc._.modality", "doc._.bearers", "doc._.condition"])
def modality_component(doc: Doc) -> Doc:
    agencies = char_mentions(doc, "agency")
    modality = classify(doc.text, starts_with_actor(doc.text, agencies))
    doc._.modality = modality
    doc._.bearers = find_bearers(doc.text, modality, agencies)
    doc._.condition = find_condition(doc.text) if modality.type else None
    return doc


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """Blank Chinese pipeline with jieba, the domain terms added to jieba's dictionary."""
    lexicon = default_lexicon()
    for form in lexicon.zh_forms:
        jieba.add_word(form, freq=2000)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for component in ("policy_lexicon", "policy_times", "policy_quantities", "policy_modality"):
        nlp.add_pipe(component)
    return nlp


def analyse(text: str, *, issued: dt.date | None = None, lead_industry: str | None = None) -> Doc:
    nlp = make_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["issued"] = issued
    doc.user_data["lead_industry"] = lead_industry
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def tokens(text: str) -> list[str]:
    """jieba tokens with the domain dictionary, for BM25 and question parsing."""
    make_nlp()
    return [t for t in jieba.lcut_for_search(text) if t.strip()]
