"""A read-only SPARQL console: updates, LOAD and SERVICE refused; rows capped; time-limited."""

from __future__ import annotations

import threading

from kg.errors import QueryError
from kg.graph.store import GraphStore, open_store, rows
from kg.queries import check_read_only


def run_read_only(sparql: str, *, store: GraphStore | None = None, limit: int = 1000,
                  timeout: float = 10.0) -> dict:
    check_read_only(sparql)
    store = store or open_store()
    outcome: dict = {}

    def work() -> None:
        try:
            result = store.query(sparql)
            if result.type == "ASK":
                outcome["result"] = {"boolean": bool(result.askAnswer)}
            elif result.type in ("CONSTRUCT", "DESCRIBE"):
                triples = [[str(t) for t in triple] for _, triple in zip(range(limit + 1), result.graph, strict=False)]
                outcome["result"] = {"triples": triples[:limit], "truncated": len(triples) > limit}
            else:
                records = []
                for index, row in enumerate(rows(result)):
                    if index >= limit:
                        outcome["truncated"] = True
                        break
                    records.append(row)
                outcome["result"] = {"rows": records, "truncated": outcome.get("truncated", False)}
        except Exception as exc:  # the engine's parse and evaluation errors, reported to the user
            outcome["error"] = str(exc).splitlines()[0][:500]

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(f"query did not finish within {timeout:.0f} s")
    if "error" in outcome:
        raise QueryError(f"SPARQL error: {outcome['error']}")
    return outcome["result"]
