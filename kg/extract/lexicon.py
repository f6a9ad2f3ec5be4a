"""Domain dictionaries: the SKOS concept schemes in ``ontology/`` as surface forms.

Industries, agencies, regions and measures are data (Turtle), not literals in
code. Every ``skos:prefLabel``/``altLabel``/``hiddenLabel`` in Chinese becomes a
surface form matched longest-first; English labels serve English questions.
The taxonomy (``skos:broader``) and region groups (``pkg:includesRegion``) are
kept so that callers can expand a concept to what it contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph
from rdflib.namespace import RDF, SKOS

from kg.config import ONTOLOGY_DIR
from kg.vocab import PKG

SCHEME_FILES = {
    "industry": "industries.ttl",
    "agency": "agencies.ttl",
    "region": "regions.ttl",
    "measure": "measures.ttl",
}


@dataclass(frozen=True)
class Concept:
    iri: str
    kind: str
    label_zh: str
    label_en: str
    broader: tuple[str, ...] = ()
    is_group: bool = False  # pkg:IndustryGroup: 产能严重过剩行业 applies to every member


@dataclass
class Lexicon:
    concepts: dict[str, Concept] = field(default_factory=dict)
    zh_forms: dict[str, str] = field(default_factory=dict)  # surface form -> concept IRI
    en_forms: dict[str, str] = field(default_factory=dict)  # lower-cased English label -> IRI
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region group -> regions
    _pattern: re.Pattern[str] | None = None
    _en_pattern: re.Pattern[str] | None = None

    def find(self, text: str) -> list[tuple[int, int, Concept]]:
        """Non-overlapping mentions, longest match first, left to right."""
        if self._pattern is None:
            forms = sorted(self.zh_forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, forms)))
        return [(m.start(), m.end(), self.concepts[self.zh_forms[m.group(0)]]) for m in self._pattern.finditer(text)]

    def find_english(self, text: str) -> list[tuple[int, int, Concept]]:
        if self._en_pattern is None:
            forms = sorted(self.en_forms, key=len, reverse=True)
            # Not the fuel or base of a hyphenated participle: coal-fired units are not the coal industry, while
            # steel-making and flat-glass still name theirs.
            self._en_pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b"
                                          r"(?!-(?:fired|burning|powered|fuelled|fueled|based)\b)", re.IGNORECASE)
        return [
            (m.start(), m.end(), self.concepts[self.en_forms[m.group(0).lower()]])
            for m in self._en_pattern.finditer(text)
        ]

    def ancestors(self, iri: str) -> list[str]:
        """The concept and everything broader, nearest first (cycles are ignored)."""
        seen, queue = [], [iri]
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.concepts:
                continue
            seen.append(current)
            queue.extend(self.concepts[current].broader)
        return seen

    def descendants(self, iri: str) -> set[str]:
        """The concept, everything narrower, and for a region group its member regions."""
        found = {iri}
        changed = True
        while changed:
            changed = False
            for concept in self.concepts.values():
                if concept.iri not in found and found.intersection(concept.broader):
                    found.add(concept.iri)
                    changed = True
        for group in list(found):
            found.update(self.members.get(group, ()))
        return found

    def is_top_industry(self, iri: str) -> bool:
        """An industry directly under a group (钢铁, 水泥), not a product (炼铁) nor a group."""
        concept = self.concepts.get(iri)
        if concept is None or concept.kind != "industry" or concept.is_group:
            return False
        return all(self.concepts[b].is_group for b in concept.broader if b in self.concepts)

    def is_group(self, iri: str) -> bool:
        concept = self.concepts.get(iri)
        return bool(concept and concept.is_group)

    def top_industry(self, iri: str) -> str | None:
        """The industry a product belongs to (炼铁 → 钢铁); itself for an industry; None for groups."""
        for candidate in self.ancestors(iri):
            if self.is_top_industry(candidate):
                return candidate
        return None

    def by_kind(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.kind == kind]

    def resolve(self, name: str, kind: str | None = None) -> Concept | None:
        """A concept from a label in either language, an alias, or an IRI."""
        name = name.strip()
        iri = self.zh_forms.get(name) or self.en_forms.get(name.lower()) or (name if name in self.concepts else None)
        if iri is None:
            for concept in self.concepts.values():
                if concept.iri.rsplit("/", 1)[-1] == name:
                    iri = concept.iri
                    break
        if iri is None:
            return None
        concept = self.concepts[iri]
        return concept if kind is None or concept.kind == kind else None


_RDF_TYPE, _SKOS_CONCEPT, _SKOS_BROADER = str(RDF.type), str(SKOS.Concept), str(SKOS.broader)
_INDUSTRY_GROUP, _INCLUDES_REGION = str(PKG.IndustryGroup), str(PKG.includesRegion)
_LABELS = (str(SKOS.prefLabel), str(SKOS.altLabel), str(SKOS.hiddenLabel))


def _scheme_statements(path: Path) -> dict[str, dict[str, list[object]]]:
    """subject IRI → predicate IRI → objects (IRIs as str, literals as pyoxigraph Literals), in file order.

    Parsed by Oxigraph's Turtle parser: rdflib's took 0.3 s of every one-off ask.
    """
    statements: dict[str, dict[str, list[object]]] = {}
    for triple in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE):
        if isinstance(triple.subject, pyoxigraph.NamedNode):
            value = triple.object.value if isinstance(triple.object, pyoxigraph.NamedNode) else triple.object
            statements.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, []).append(value)
    return statements


def _label(properties: dict[str, list[object]], lang: str) -> str:
    return next((literal.value for literal in _literals(properties, str(SKOS.prefLabel)) if literal.language == lang),
                "")


def _literals(properties: dict[str, list[object]], predicate: str) -> list:
    return [value for value in properties.get(predicate, ()) if isinstance(value, pyoxigraph.Literal)]


def load_lexicon(ontology_dir: Path = ONTOLOGY_DIR) -> Lexicon:
    lexicon = Lexicon()
    for kind, filename in SCHEME_FILES.items():
        statements = _scheme_statements(ontology_dir / filename)
        for iri in sorted(s for s, properties in statements.items() if _SKOS_CONCEPT in properties.get(_RDF_TYPE, ())):
            properties = statements[iri]
            broader = tuple(sorted(str(b) for b in properties.get(_SKOS_BROADER, ()) if isinstance(b, str)))
            is_group = _INDUSTRY_GROUP in properties.get(_RDF_TYPE, ())
            lexicon.concepts[iri] = Concept(iri, kind, _label(properties, "zh"), _label(properties, "en"), broader,
                                            is_group)
            for prop in _LABELS:
                for value in _literals(properties, prop):
                    if value.language == "zh":
                        lexicon.zh_forms.setdefault(value.value, iri)
                    elif value.language == "en":
                        lexicon.en_forms.setdefault(value.value.lower(), iri)
            members = tuple(sorted(str(m) for m in properties.get(_INCLUDES_REGION, ()) if isinstance(m, str)))
            if members:
                lexicon.members[iri] = members
    return lexicon


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
