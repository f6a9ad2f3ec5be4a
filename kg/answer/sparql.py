"""A read-only SPARQL console: updates and SERVICE refused on the parsed query; rows capped;
time-limited by running the query in a child process that is killed when the time is up.

A thread cannot be stopped, so a cartesian product in a thread keeps a core busy long after
the user was told it timed out; a process can be killed. Over an endpoint
(``POLICYKG_SPARQL_ENDPOINT``) the same check runs here and the server enforces its own timeout.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError, StoreError
from kg.graph.store import PREFIXES, GraphStore, RemoteGraphStore, open_store, rows
from kg.queries import check_read_only

MAX_LIMIT = 100_000
MAX_TIMEOUT = 600.0
#: Result text kept from one query (all cells together); more is truncated, not sent.
MAX_RESULT_BYTES = 50_000_000
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def check_bounds(limit: object, timeout: object) -> tuple[int, float]:
    """A positive row cap and a finite positive timeout, or a one-line QueryError."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"the row limit must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}")
    try:
        seconds = float(timeout)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise QueryError(f"the timeout must be a number of seconds, got {timeout!r}") from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise QueryError(f"the timeout must be more than 0 and at most {MAX_TIMEOUT:.0f} seconds, got {timeout!r}")
    return limit, seconds


def run_read_only(sparql: str, *, store: GraphStore | RemoteGraphStore | None = None, limit: int = 1000,
                  timeout: float = 10.0, bindings: Mapping[str, Identifier] | None = None) -> dict:
    """Check, then run a read query; ``{"rows"|"triples", "truncated"}`` or ``{"boolean"}``.

    ``bindings`` (a named query's parameters, :meth:`kg.queries.NamedQuery.bind`) are substituted
    by the engine, as terms: the checked text is the text that runs.
    """
    limit, timeout = check_bounds(limit, timeout)
    check_read_only(sparql)
    store = store or open_store()
    if isinstance(store, RemoteGraphStore):
        return _run_remote(store, sparql, limit, timeout, bindings or {})
    return _run_in_process(Path(getattr(store, "location", store.path)), sparql, limit, timeout, bindings or {})


def _json_term(term: Identifier) -> dict[str, str]:
    """A bound term in the SPARQL JSON results form, for the worker to rebuild (only IRIs and literals bind)."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    raise QueryError(f"a parameter can be bound to an IRI or a literal, not {type(term).__name__}")


def _run_remote(store: RemoteGraphStore, sparql: str, limit: int, timeout: float,
                bindings: Mapping[str, Identifier]) -> dict:
    result = store.query(sparql, bindings, timeout=timeout)
    if result.type == "ASK":
        return {"boolean": bool(result.askAnswer)}
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = [[str(t) for t in triple] for _, triple in zip(range(limit + 1), result.graph, strict=False)]
        return {"triples": triples[:limit], "truncated": len(triples) > limit}
    records = rows(result)
    return {"rows": records[:limit], "truncated": len(records) > limit}


def _run_in_process(path: Path, sparql: str, limit: int, timeout: float,
                    bindings: Mapping[str, Identifier]) -> dict:
    request = json.dumps({"store": str(path), "query": sparql, "limit": limit, "prefixes": PREFIXES,
                          "max_bytes": MAX_RESULT_BYTES,
                          "bindings": {name: _json_term(term) for name, term in bindings.items()}})
    try:
        child = subprocess.Popen([sys.executable, "-m", "kg.sparql_worker"], cwd=PROJECT_ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise StoreError(f"cannot start a query process: {exc}") from None
    try:
        out, err = child.communicate(request.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise QueryError(f"query did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        child.kill()
        child.wait()
        raise
    try:
        outcome = json.loads(out)
    except ValueError:
        detail = (err.decode("utf-8", "replace").strip().splitlines() or [f"exit code {child.returncode}"])[-1]
        raise QueryError(f"the query process failed: {detail[:300]}") from None
    if "error" in outcome:
        raise QueryError(f"SPARQL error: {outcome['error']}")
    if "boolean" in outcome or "triples" in outcome:
        return outcome
    from rdflib.query import Result

    truncated = bool(outcome.pop("truncated", False))
    parsed = Result.parse(io.BytesIO(json.dumps(outcome).encode("utf-8")), format="json")
    return {"rows": rows(parsed), "truncated": truncated}


class RateLimiter:
    """At most ``count`` events per ``window`` seconds (a sliding window), one object per session."""

    def __init__(self, count: int = 6, window: float = 60.0) -> None:
        self.count, self.window = count, window
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_time(self, now: float | None = None) -> float:
        """Seconds until the next event is allowed (0 if now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._times and now - self._times[0] >= self.window:
                self._times.popleft()
            return 0.0 if len(self._times) < self.count else self.window - (now - self._times[0])

    def acquire(self, now: float | None = None) -> bool:
        """Record an event if allowed; False (nothing recorded) when over the limit."""
        now = time.monotonic() if now is None else now
        if self.wait_time(now) > 0:
            return False
        with self._lock:
            self._times.append(now)
        return True
