"""Named, parameterised SPARQL queries from ``queries/*.rq``.

Each file starts with comment lines: a description, then one
``# param: NAME TYPE [= DEFAULT]  description`` per parameter (TYPE is ``iri``,
``string``, ``date`` or ``integer``; DEFAULT, one word, is what the app's input starts
with — the CLI binds only what ``--param`` gives, so an unbound parameter keeps its
"all" meaning there). Parameters are bound as RDF terms through the engine's
substitutions — user text is never pasted into a query string.

Free SPARQL (the ``sparql`` command, the app's console) goes through
:func:`check_read_only`: updates, LOAD and SERVICE are refused.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.config import QUERIES_DIR
from kg.errors import QueryError
from kg.extract.lexicon import default_lexicon
from kg.vocab import BASE


class ParamType(StrEnum):
    """What a parameter's text is read as (:func:`to_term`)."""

    IRI = "iri"
    STRING = "string"
    DATE = "date"
    INTEGER = "integer"


_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s+(" + "|".join(ParamType) + r")(?:\s*=\s*(\S+))?\s*(.*)$")
#: A library id: a document (guofa-2013-41) or a part of one (guofa-2013-41/4.p4.s2, …/provision).
#: The hyphen sets it apart from a misspelt concept label, which must stay an error.
LIBRARY_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?:/[A-Za-z0-9.]+)*$")
DOC_BASE = f"{BASE}doc/"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParamType
    description: str
    default: str | None = None  # what the app's input starts with; never bound unless given


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def bind(self, values: dict[str, str]) -> dict[str, Identifier]:
        known = {p.name: p for p in self.parameters}
        bindings: dict[str, Identifier] = {}
        for name, raw in values.items():
            if name not in known:
                expected = ", ".join(known) or "none"
                raise QueryError(f"query {self.name!r} has no parameter {name!r} (parameters: {expected})")
            bindings[name] = to_term(raw, known[name].type, name)
        return bindings


def to_term(raw: str, kind: ParamType | str, name: str = "value") -> Identifier:
    """``raw`` as the RDF term a parameter of ``kind`` binds (a QueryError names what is wrong)."""
    if kind == "iri":
        concept = default_lexicon().resolve(raw)
        if concept is not None:
            return URIRef(concept.iri)
        if re.match(r"^https?://\S+$", raw):
            return URIRef(raw)
        if LIBRARY_ID.match(raw):
            return URIRef(DOC_BASE + raw)
        raise QueryError(f"parameter {name}: {raw!r} is neither a known concept label, a library id "
                         "(guofa-2013-41/4.p4.s2) nor an http(s) IRI")
    if kind == "date":
        try:
            return Literal(dt.date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryError(f"parameter {name}: {raw!r} is not an ISO date (YYYY-MM-DD)") from None
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,12}", raw):
            raise QueryError(f"parameter {name}: {raw!r} is not an integer")
        return Literal(int(raw))
    return Literal(raw)


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    description, params = [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PARAM.match(line)
        if match:
            name, kind, default, about = match.groups()
            params.append(Parameter(name, ParamType(kind), about, default))
        else:
            description.append(line.lstrip("# ").strip())
    return NamedQuery(path.stem, " ".join(d for d in description if d), text, tuple(params))


@lru_cache(maxsize=1)
def named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {path.stem: _parse(path) for path in sorted(directory.glob("*.rq"))}


def get(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; known: {', '.join(queries)}")
    return queries[name]


# First, lexical pass. No word boundary is required before a keyword: oxigraph reads
# `?p 1SERVICE<…>` as `1 SERVICE <…>`, so a keyword glued to a number must still be seen.
_FORBIDDEN = re.compile(
    r"(?<![?$\w:])\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b"
    r"|(?<![A-Za-z_?$:\u00b7\u00c0-\uffff])(SERVICE)(?![\w\u00b7-])",
    re.IGNORECASE,
)
_LEXICAL = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>\s]*>|#[^\n]*'
)
MAX_SPARQL_CHARS = 20_000


def check_read_only(sparql: str) -> str:
    """Refuse anything but a read query that stays on this machine.

    Two passes, both must accept: a lexical one (strings and comments cannot smuggle keywords
    past it) and the authority, rdflib's parser and algebra: the text must parse as a query (an
    update does not) and its algebra must hold no SERVICE pattern. Text that rdflib cannot parse
    is refused even if the engine might accept it (fail closed against parser differences).
    """
    if not isinstance(sparql, str) or not sparql.strip():
        raise QueryError("the SPARQL text is empty")
    if len(sparql) > MAX_SPARQL_CHARS:
        raise QueryError(f"the SPARQL text is longer than {MAX_SPARQL_CHARS} characters")
    # One left-to-right pass: whichever of string, IRI or comment starts first swallows the others,
    # so a comment cannot hide a keyword inside a fake string (or the reverse).
    stripped = _LEXICAL.sub(lambda m: " " if m.group(0).startswith("#") else '""', sparql)
    match = _FORBIDDEN.search(stripped)
    if match:
        keyword = (match.group(1) or match.group(2)).upper()
        raise QueryError(f"only read queries are allowed here: {keyword} is refused")
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", stripped, re.IGNORECASE):
        raise QueryError("expected a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    check_parsed(sparql)
    return sparql


#: rdflib's pyparsing grammar is not thread-safe: concurrent parses (the app's sessions, the
#: threaded endpoint guard) fail with spurious syntax errors, so parses take turns.
_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def check_parsed(sparql: str) -> None:
    """The authority: parse with rdflib, refuse updates and any SERVICE in the algebra.

    Accepted texts are remembered (a refusal raises, so it is never cached): the app and endpoint
    clients send the same named queries again and again, and parsing takes turns under a lock.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from kg.graph.store import PREFIXES

    try:
        with _PARSE_LOCK:
            algebra = translateQuery(parseQuery(sparql), initNs=PREFIXES).algebra
    except RecursionError:
        raise QueryError("SPARQL error: the query is nested too deeply") from None
    except Exception as exc:  # pyparsing and rdflib raise many types; each is a refusal with its message
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
        raise QueryError(f"SPARQL error: {first} (only read queries that parse are allowed)") from None
    if _mentions_service(algebra):
        raise QueryError("only read queries are allowed here: SERVICE is refused")


def _mentions_service(node: object, depth: int = 0) -> bool:
    """Walk rdflib's algebra (CompValue dicts, lists, expressions) for a ServiceGraphPattern."""
    if depth > 400:
        return True  # deeper than any honest query: refuse rather than guess
    name = getattr(node, "name", None)
    if isinstance(name, str) and "service" in name.lower():
        return True
    if isinstance(node, dict):
        children = node.values()
    elif isinstance(node, (list, tuple, set)):
        children = node
    else:
        return False
    return any(_mentions_service(child, depth + 1) for child in children)
