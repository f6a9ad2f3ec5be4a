"""Extraction beyond one machine: ``policykg build --scheduler tcp://HOST:PORT`` on Dask distributed.

Only the extraction step leaves this machine: each document (its text and sidecar, read and checked
here) goes to a worker as one task, :func:`kg.build.extract_entry` there turns it into its canonical
graph and SHACL result, and the entry comes back to this process, which writes the cache, the store
and the index exactly as a local build does. A library built on a cluster therefore has the same
digests as one built here.

Two guards keep a cluster from publishing a library nobody could rebuild: every worker must run the
same code and library versions as this process (:func:`kg.cache.code_fingerprint`), else the build
stops before any task is sent; and at most a few tasks per worker thread are in flight, so neither
the scheduler nor this process ever holds the whole corpus's graphs (memory stays flat with size).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.cache import DocumentEntry, code_fingerprint
from kg.errors import PolicyKGError

if TYPE_CHECKING:
    from kg.corpus import SourceDocument

#: Seconds to reach the scheduler and, after that, to see its first worker.
CONNECT_SECONDS = 20.0
#: Tasks in flight per worker thread: enough to keep every thread busy while results travel back.
IN_FLIGHT_PER_THREAD = 2


def worker_fingerprint() -> str:
    """Runs on each worker: the fingerprint of the code it extracts with (computed once per worker process,
    so a worker started before the code changed reports the old code it still runs)."""
    from kg.cache import code_fingerprint as fingerprint

    return fingerprint()


def _client(address: str):  # -> distributed.Client (imported lazily: most builds never need it)
    try:
        from distributed import Client
    except ImportError:
        raise PolicyKGError("--scheduler needs Dask distributed: pip install 'distributed==2026.8.0'") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise PolicyKGError(f"cannot reach the Dask scheduler at {address}: {exc}; start one with "
                            "`dask scheduler` and workers with `dask worker ADDRESS`") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise PolicyKGError(f"the Dask scheduler at {address} has no worker after {CONNECT_SECONDS:g} s "
                            f"({exc}); start one with `dask worker {address}`") from None
    return client


def _check_workers(client, expected: str) -> None:
    """Every worker extracts with this process's code, or the build stops before sending a task."""
    found = client.run(worker_fingerprint)
    different = sorted(worker for worker, fingerprint in found.items() if fingerprint != expected)
    if different:
        raise PolicyKGError(f"{len(different)} of {len(found)} Dask workers run other PolicyKG code or library "
                            f"versions than this build ({', '.join(different[:3])}); install the same commit "
                            "and requirements on every worker and restart the workers")


def extracted_on_cluster(jobs: Iterable[tuple[SourceDocument, str]], address: str) -> Iterator[DocumentEntry]:
    """Entries as the documents finish on the cluster at ``address`` (jobs as :func:`kg.build.extract_entry`
    takes them). A worker's exception reaches the caller as it was raised; a lost worker is retried by Dask,
    and a task that kills workers repeatedly stops the build with a clear error."""
    from distributed import as_completed

    from kg.build import extract_entry

    client = _client(address)
    try:
        _check_workers(client, code_fingerprint())
        window = max(2, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))
        pending = iter(jobs)

        def submit(job: tuple[SourceDocument, str]):
            # A key of its own per document and cache key: never confused with another build's task.
            return client.submit(extract_entry, job, key=f"policykg-extract-{job[0].meta.id}-{job[1][:16]}",
                                 pure=False, retries=1)

        running = as_completed([submit(job) for job in itertools.islice(pending, window)], loop=client.loop)
        for future in running:
            try:
                entry = future.result()
            except PolicyKGError:
                raise
            except Exception as exc:
                if type(exc).__name__ not in ("KilledWorker", "CancelledError", "FutureCancelledError"):
                    raise
                raise PolicyKGError(f"the Dask cluster lost the extraction of {future.key}: {exc}") from None
            future.release()
            following = next(pending, None)
            if following is not None:
                running.add(submit(following))
            yield entry
    finally:
        client.close()
