"""The data folder as a library of generations: one build at a time, one generation at a time.

* :func:`build_lock` — an exclusive ``flock`` on the data folder itself (no lock file to leave
  behind); a second build fails at once with a clear message.
* :func:`new_generation` / :func:`publish` — a build writes into ``generations/.tmp-<id>``,
  renames the finished folder to ``generations/<id>`` and then switches the ``current`` symlink
  with ``os.replace``: a reader sees the old generation or the new one, never a mix. A kill at any
  moment leaves ``current`` pointing at a complete generation (or at nothing, on a first build).
* :func:`read_manifest` / :func:`verify_store` / :func:`verify_index` — the manifest ties store
  and index together (generation id, corpus hash, documents, counts); readers check it on open.
* :func:`clean_leftovers` — folders of killed builds, and generations nobody can still be reading
  (all but the current one and the one before it), removed at the start of the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg import config
from kg.errors import StoreError

MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"
FORMAT = 1


@contextlib.contextmanager
def build_lock(data: Path | None = None) -> Iterator[Path]:
    """Hold the data folder's build lock for the duration of the block, or raise StoreError."""
    data = data or config.data_dir()
    try:
        data.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(data, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise StoreError(f"cannot use the data folder {data}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreError(f"another build is running on {data}; wait for it to finish "
                                 "(builds of one data folder run one at a time)") from None
            raise StoreError(f"cannot lock the data folder {data}: {exc.strerror or exc}") from None
        yield data
    finally:
        os.close(descriptor)  # closing releases the lock, also when the process is killed


def corpus_fingerprint(files: Sequence[Path]) -> tuple[str, list[dict]]:
    """SHA-256 over the corpus files (names and bytes, in order) and one entry per file."""
    total = hashlib.sha256()
    entries = []
    for path in files:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        total.update(path.name.encode("utf-8") + b"\0" + digest.encode("ascii") + b"\n")
        entries.append({"file": path.name, "sha256": digest, "bytes": len(data)})
    return total.hexdigest(), entries


def new_generation(data: Path | None = None) -> tuple[str, Path]:
    """A fresh, unpublished generation folder: (id, path); ids sort by creation time."""
    data = data or config.data_dir()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    generation = f"{stamp}-{secrets.token_hex(3)}"
    staging = data / config.GENERATIONS / f"{TMP_PREFIX}{generation}"
    staging.mkdir(parents=True)
    return generation, staging


def write_manifest(staging: Path, manifest: dict) -> None:
    text = json.dumps({"format": FORMAT, **manifest}, ensure_ascii=False, indent=2, sort_keys=True)
    (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")


def publish(generation: str, staging: Path, data: Path | None = None) -> Path:
    """Rename the finished staging folder into place, then switch ``current`` to it atomically."""
    data = data or config.data_dir()
    final = data / config.GENERATIONS / generation
    os.rename(staging, final)
    pointer = data / f".{config.CURRENT}.{generation}"
    with contextlib.suppress(FileNotFoundError):
        pointer.unlink()
    os.symlink(f"{config.GENERATIONS}/{generation}", pointer)
    os.replace(pointer, data / config.CURRENT)  # the one atomic step readers can observe
    _fsync_dir(data)
    for name in ("store", "index"):
        _fixed_link(data, name)
    return final


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fixed_link(data: Path, name: str) -> None:
    """DATA/store → current/store (and index): set once; a store from before generations is moved aside."""
    link = data / name
    wanted = f"{config.CURRENT}/{name}"
    if link.is_symlink() and os.readlink(link) == wanted:
        return
    if link.exists() or link.is_symlink():
        aside = data / f".legacy-{name}-{secrets.token_hex(3)}"
        os.rename(link, aside)
        temporary = data / f".{name}.link-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        os.symlink(wanted, temporary)
        os.replace(temporary, link)
        shutil.rmtree(aside, ignore_errors=True)
        with contextlib.suppress(OSError):
            aside.unlink()
    else:
        temporary = data / f".{name}.link-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        os.symlink(wanted, temporary)
        os.replace(temporary, link)


def clean_leftovers(data: Path | None = None, keep: int = 2) -> list[Path]:
    """Remove what killed builds left and generations older than the last ``keep``; call under the lock."""
    data = data or config.data_dir()
    removed: list[Path] = []
    if not data.is_dir():
        return removed
    for path in data.iterdir():
        if path.name.startswith((".store-new-", ".index-new-", ".legacy-", f".{config.CURRENT}.",
                                 ".store.link-", ".index.link-")) or path.name in ("store.old", "index.old"):
            removed.append(path)
    generations = data / config.GENERATIONS
    if generations.is_dir():
        current = config.current_generation(data)
        finished = sorted(p for p in generations.iterdir() if not p.name.startswith("."))
        for path in generations.iterdir():
            if path.name.startswith(TMP_PREFIX):
                removed.append(path)
        # Keep the current generation and the newest ones before it: a reader that opened the
        # previous generation just before a publish can still finish its work.
        older = [p for p in finished if p.name != current]
        removed.extend(older[: max(0, len(older) - (keep - 1))])
    remove_paths(removed)
    return removed


def remove_paths(paths: list[Path]) -> None:
    """Remove folders and files as best we can: whatever stays is removed by the next clean-up."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def read_manifest(folder: Path) -> dict | None:
    """The manifest of the generation holding ``folder`` (its store or index), or None outside generations."""
    generation = folder.resolve().parent
    path = generation / MANIFEST
    if generation.parent.name != config.GENERATIONS or generation.name.startswith(TMP_PREFIX):
        return None  # a store from before generations, or the build's own unpublished folder
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{path} is missing: the generation is incomplete; run `policykg build`") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise StoreError(f"{path} is damaged ({type(exc).__name__}); run `policykg build`") from None
    if not isinstance(manifest, dict) or manifest.get("generation") != generation.name:
        raise StoreError(f"{path} does not describe generation {generation.name}; run `policykg build`")
    return manifest


def verify_store(path: Path, marker_text: str, graphs: Sequence[str]) -> None:
    """The store belongs to its generation and holds the manifest's document graphs."""
    manifest = read_manifest(path)
    if manifest is None:
        return
    if manifest["generation"] not in marker_text:
        raise StoreError(f"the store at {path} is not the one its manifest describes; run `policykg build`")
    expected = manifest.get("counts", {}).get("graphs")
    if expected is not None and expected != len(graphs):
        raise StoreError(f"the store at {path} has {len(graphs)} graph(s), its manifest {expected}; "
                         "run `policykg build`")


def verify_index(directory: Path, generation: object, passages: int) -> None:
    """The index belongs to the store's generation and holds the manifest's number of passages."""
    manifest = read_manifest(directory)
    if manifest is None:
        return
    if generation != manifest["generation"]:
        raise StoreError(f"the index at {directory} is from another build than its store; run `policykg build`")
    expected = manifest.get("counts", {}).get("passages")
    if expected is not None and expected != passages:
        raise StoreError(f"the index at {directory} has {passages} passage(s), its manifest {expected}; "
                         "run `policykg build`")


def verify_library(data: Path | None = None) -> str | None:
    """Open the published generation as a reader would and check that store and index agree.

    Returns the generation id (None when nothing is published yet); raises StoreError when the
    library is torn: manifest, store marker, graphs, index generation or passage ids disagree.
    """
    from kg.graph.store import GraphStore
    from kg.retrieval import SentenceIndex, load_passages

    data = data or config.data_dir()
    folder = config.generation_dir(data=data)
    if folder is None:
        return None
    if not folder.is_dir():
        raise StoreError(f"{data / config.CURRENT} points at a missing generation {folder.name}")
    manifest = read_manifest(folder / "store")
    store = GraphStore(folder / "store")
    if manifest and manifest.get("index"):
        index = SentenceIndex.load(folder / "index")
        if {p.id for p in index.passages} != {p.id for p in load_passages(store)}:
            raise StoreError(f"the index of generation {folder.name} does not cite the sentences of its store")
    return folder.name


def open_generation(data: Path | None = None):
    """Store and index of ONE generation, resolved once (readers that open both should use this).

    ``open_store()`` and ``SentenceIndex.load()`` each resolve ``current`` on their own; a build
    publishing between the two calls would pair a new store with an old index. Falls back to
    ``open_store()`` when POLICYKG_SPARQL_ENDPOINT is set (the index is then the local one).
    """
    from kg.graph.store import GraphStore, open_store
    from kg.retrieval import SentenceIndex

    data = data or config.data_dir()
    folder = config.generation_dir(data=data)
    if os.environ.get("POLICYKG_SPARQL_ENDPOINT") or folder is None:
        return open_store(), SentenceIndex.load()
    return GraphStore(folder / "store"), SentenceIndex.load(folder / "index")
