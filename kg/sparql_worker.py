"""Runs one read-only SPARQL query in its own process, so that a timeout can really stop it.

``python -m kg.sparql_worker`` reads ``{"store", "query", "limit", "prefixes", "max_bytes",
"bindings"}`` as JSON on stdin (``bindings``: variable → term in the SPARQL JSON results form,
substituted by the engine, never pasted into the text) and writes one JSON object on stdout:
``{"boolean"}``, ``{"head", "results", "truncated"}`` (SPARQL 1.1 JSON results, rows capped) or
``{"triples", "truncated"}``, or ``{"error"}``. It imports only pyoxigraph so that it starts in a
fraction of a second; the caller has already checked the query (read-only, no SERVICE) and kills
this process on timeout.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys

#: Address space allowed to one query: a runaway ORDER BY over a cartesian product fails
#: with an error instead of pushing the machine into swap.
MEMORY_LIMIT_BYTES = 3 * 1024**3


def _term(term: object) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}  # quoted triples: shown as text


def _from_json(term: dict):
    import pyoxigraph as ox

    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def run(request: dict) -> dict:
    import pyoxigraph as ox

    limit, max_bytes = int(request["limit"]), int(request.get("max_bytes", 50_000_000))
    store = ox.Store.read_only(request["store"])
    substitutions = {ox.Variable(name): _from_json(term) for name, term in (request.get("bindings") or {}).items()}
    result = store.query(request["query"], prefixes=request.get("prefixes") or {},
                         use_default_graph_as_union=True, substitutions=substitutions or None)
    if isinstance(result, ox.QueryBoolean):
        return {"boolean": bool(result)}
    size, truncated = 0, False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        bindings = []
        for solution in result:
            if len(bindings) >= limit or size > max_bytes:
                truncated = True
                break
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = _term(value)
                    size += len(row[name]["value"])
            bindings.append(row)
        return {"head": {"vars": names}, "results": {"bindings": bindings}, "truncated": truncated}
    triples = []
    for triple in result:
        if len(triples) >= limit or size > max_bytes:
            truncated = True
            break
        parts = [getattr(t, "value", str(t)) for t in (triple.subject, triple.predicate, triple.object)]
        size += sum(map(len, parts))
        triples.append(parts)
    return {"triples": triples, "truncated": truncated}


def main() -> int:
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit may already be in place
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    try:
        outcome = run(json.loads(sys.stdin.buffer.read()))
    except MemoryError:
        outcome = {"error": "the query needed more memory than a console query may use"}
    except Exception as exc:  # the engine's parse and evaluation errors, reported to the user
        outcome = {"error": (str(exc).splitlines() or [type(exc).__name__])[0][:500]}
    sys.stdout.write(json.dumps(outcome, ensure_ascii=True))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
