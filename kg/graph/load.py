"""``policykg load DUMP.nq``: bulk-load a store export into a data folder, for a SPARQL server machine.

At scale the build runs where the corpus and the workers are, and one SPARQL server answers
everybody's graph queries. The build machine writes ``policykg export --format nq -o library.nq``
(optionally gzipped); the server machine loads it here, with Oxigraph's bulk loader, into a new
generation of its own data folder, published with the same atomic switch a build uses. A running
``policykg serve`` starts answering from it on its next request (it follows ``current``), so a
library is replaced without stopping the endpoint, and a load that fails publishes nothing.

The dump is fed in chunks of whole lines, so memory stays bounded by the chunk, not the library.
(Oxigraph renames blank nodes per load, so a chunk boundary would split one; a PolicyKG store has
none, every node being a minted IRI, and a dump that has them is refused.)
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import shutil
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import library
from kg.errors import StoreError
from kg.graph.store import BULK_LOAD_BYTES, GraphStore, _write


@dataclass
class LoadReport:
    generation: str
    store: Path
    graphs: int
    quads: int
    digest: str
    seconds: float


def _chunks(stream: io.BufferedIOBase, limit: int, seen: Callable[[bytes], None]) -> Iterator[tuple[int, bytes]]:
    """(first line number, bytes) of up to ``limit`` bytes of whole lines; ``seen`` is given each line."""
    first, parts, size = 1, [], 0
    for line_number, line in enumerate(stream, start=1):
        seen(line)
        parts.append(line)
        size += len(line)
        if size >= limit:
            yield first, b"".join(parts)
            first, parts, size = line_number + 1, [], 0
    if parts:
        yield first, b"".join(parts)


def _open(dump: Path) -> tuple[io.BufferedIOBase, io.BufferedIOBase]:
    """(the lines to load, the file underneath: its position is the progress in the file's own bytes)."""
    try:
        raw = dump.open("rb")
    except OSError as exc:
        raise StoreError(f"cannot read {dump}: {exc.strerror or exc}") from None
    gzipped = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    return (gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw), raw


def load_dump(dump: Path, data: Path | None = None,
              on_progress: Callable[[int], None] | None = None) -> LoadReport:
    """Bulk-load an N-Quads export (plain or gzip) into a new published generation of ``data``.

    Refused with StoreError, nothing published, when the file is unreadable, not N-Quads, has
    triples outside a named graph (every graph a build writes is named) or holds nothing.
    ``on_progress`` is given the bytes of the file read so far (compressed, for gzip) after each chunk.
    """
    import time

    started = time.perf_counter()
    dump = Path(dump)
    if not dump.is_file():
        raise StoreError(f"{dump} is not a file; give an export made by `policykg export --format nq -o FILE`")
    with library.build_lock(data) as folder:
        library.clean_leftovers(folder)
        generation, staging = library.new_generation(folder)
        hashed = hashlib.sha256()
        try:
            def fill(store: ox.Store) -> None:
                lines, raw = _open(dump)
                with raw, lines:
                    for first_line, chunk in _chunks(lines, BULK_LOAD_BYTES, hashed.update):
                        try:
                            store.bulk_load(chunk, ox.RdfFormat.N_QUADS)
                        except SyntaxError as exc:
                            raise StoreError(f"{dump}: not N-Quads near line {first_line + _line_of(exc) - 1}: "
                                             f"{str(exc).splitlines()[0][:300]}; nothing was loaded") from None
                        if on_progress is not None:
                            on_progress(raw.tell())

            try:
                _write(fill, staging / "store", generation)
            except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise StoreError(f"cannot read {dump}: {exc}; nothing was loaded") from None
            store = GraphStore(staging / "store")
            quads = len(store.oxigraph)
            default = sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            graphs = sum(1 for _ in store.oxigraph.named_graphs())
            blank = bool(store.oxigraph.query("ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"))
            if quads == 0:
                raise StoreError(f"{dump} holds no quads; nothing was loaded")
            if default:
                raise StoreError(f"{dump} has {default} triple(s) outside a named graph: it is not an export of "
                                 "a PolicyKG store (`policykg export --format nq`); nothing was loaded")
            if blank:
                raise StoreError(f"{dump} has blank nodes: it is not an export of a PolicyKG store "
                                 "(`policykg export --format nq`); nothing was loaded")
            digest = store.digest()
            del store
            library.write_manifest(staging, {
                "generation": generation,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "loaded_from": {"file": dump.name, "sha256": hashed.hexdigest()},
                "documents": [],
                "counts": {"graphs": graphs, "triples": quads, "passages": None},
                "digests": {"store": digest},
                "index": False,
                "model": None,
                "encoder": None,
            })
            final = library.publish(generation, staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return LoadReport(generation=generation, store=final / "store", graphs=graphs, quads=quads, digest=digest,
                      seconds=time.perf_counter() - started)


def _line_of(error: SyntaxError) -> int:
    """The 1-based line of a parse error within its chunk (Oxigraph gives it as ``lineno``)."""
    return error.lineno or 1

