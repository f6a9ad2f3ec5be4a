"""Shared fixtures: one build of the seed corpus per test session, into a temporary data folder.

The embedding model is converted once into the usual models folder (``var/models``) and
reused, since conversion is the slowest step and does not depend on the corpus.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PROJECT = Path(__file__).resolve().parent.parent
# The model is converted once into var/models and shared by every temporary data folder
# (without this, POLICYKG_DATA would move it and each build would convert it again).
os.environ.setdefault("POLICYKG_MODELS", str(PROJECT / "var" / "models"))
SEED = PROJECT / "corpus" / "guofa-2013-41.txt"
SEED_META = PROJECT / "corpus" / "guofa-2013-41.meta.json"


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete build (store, index) of corpus/ in a temporary data folder."""
    from kg.build import build

    data = tmp_path_factory.mktemp("data")
    previous = os.environ.get("POLICYKG_DATA")
    os.environ["POLICYKG_DATA"] = str(data)
    build(progress=False)
    yield data
    if previous is None:
        os.environ.pop("POLICYKG_DATA", None)
    else:
        os.environ["POLICYKG_DATA"] = previous


@pytest.fixture(scope="session")
def store(built_data: Path):
    from kg.graph.store import GraphStore

    return GraphStore(built_data / "store")


@pytest.fixture(scope="session")
def answerer(built_data: Path, store):
    from kg.answer.engine import Answerer
    from kg.retrieval import SentenceIndex

    return Answerer(store=store, index=SentenceIndex.load(built_data / "index"))


@pytest.fixture(scope="session")
def parsed_seed():
    from kg.corpus import SourceDocument, read_meta, read_text
    from kg.structure import parse

    # The seed by its own sidecar: corpus/ holds seven documents, and the first by name is a law.
    meta = read_meta(SEED_META)
    return parse(SourceDocument(meta, read_text(meta.text_path)))


@pytest.fixture(scope="session")
def seed_facts(parsed_seed):
    from kg.extract import extract_document
    from kg.extract.lexicon import default_lexicon
    from kg.graph.build import addressee_agencies

    lexicon = default_lexicon()
    return extract_document(parsed_seed, lexicon, addressee_agencies(parsed_seed, lexicon))
