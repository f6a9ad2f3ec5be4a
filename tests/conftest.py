"""Shared fixtures: one build of the shipped corpus (the library) per test session, into a temporary
data folder; the seed document alone, by id, for the tests about it.

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


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete build (store, index) of corpus/, the shipped library, in a temporary data folder."""
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
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus folder holding only the seed's text and sidecar (read it, do not change it)."""
    from helpers import copy_seed

    return copy_seed(tmp_path_factory.mktemp("seed-corpus"))


@pytest.fixture(scope="session")
def parsed_seed():
    """The seed document, chosen by its id in the shipped corpus and parsed."""
    from helpers import DOC, load_document

    from kg.structure import parse

    return parse(load_document(DOC))


@pytest.fixture(scope="session")
def seed_facts(parsed_seed):
    from kg.extract import extract_document
    from kg.extract.lexicon import default_lexicon
    from kg.graph.build import addressee_agencies

    lexicon = default_lexicon()
    return extract_document(parsed_seed, lexicon, addressee_agencies(parsed_seed, lexicon))


@pytest.fixture(scope="session")
def library_extracted():
    """Every document of the shipped corpus parsed and extracted: (parsed, facts, graph) in id order."""
    from helpers import CORPUS

    from kg.build import extract_corpus

    return extract_corpus(CORPUS, progress=False)


@pytest.fixture(scope="session")
def library_facts(library_extracted) -> dict:
    """The facts of each document of the shipped corpus, by document id."""
    return {parsed.meta.id: facts for parsed, facts, _ in library_extracted}
